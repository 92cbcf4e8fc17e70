"""The files of a sweep: ``sweep.csv``, ``invalid_points.csv`` and the figure."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from sim.analyses.sweep import SweepResult


def _cell(value: float) -> str:
    return "" if not math.isfinite(value) else f"{value:.10g}"


def write_sweep(result: SweepResult, folder: Path, metric: str, plots: bool = True) -> list[str]:
    """Write the sweep's files into ``folder``; return their names.

    ``sweep.csv`` has one row per point that ran: the varied values, then every summary metric.
    ``invalid_points.csv`` (only when some point was refused) has the varied values and the
    schema's message. With ``plots``, ``dose_response.png`` (one varied field) or
    ``heatmap.png`` (two) shows ``metric``.
    """
    folder = Path(folder)
    names = [v.name for v in result.varies]
    written = ["sweep.csv"]
    with (folder / "sweep.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([*names, *result.metric_names])
        for values, metrics in result.rows:
            w.writerow(
                [*(_cell(v) for v in values), *(_cell(metrics[m]) for m in result.metric_names)]
            )
    if result.invalid:
        written.append("invalid_points.csv")
        with (folder / "invalid_points.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow([*names, "message"])
            for values, message in result.invalid:
                w.writerow([*(_cell(v) for v in values), message])
    if plots and result.rows and len(result.varies) <= 2:
        from sim.presentation.plots.sweep import plot_sweep

        name = "dose_response.png" if len(result.varies) == 1 else "heatmap.png"
        plot_sweep(result, metric, folder / name)
        written.append(name)
    return written
