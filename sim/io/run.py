"""The files of one run: ``timeseries.csv``, ``bouts.csv`` and ``summary.json`` (the contract).

Written into a folder that :mod:`sim.io.folders` publishes atomically.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np

from sim.running.results import BOUT_COLUMNS, Result, summary_dict


def _fmt(v: float) -> str:
    return "" if isinstance(v, float) and math.isnan(v) else f"{v:.10g}"


_CHUNK_ROWS = 65536


def write_timeseries(result: Result, path: Path) -> None:
    """``timeseries.csv``: ``time_h`` then the model columns (contract columns first)."""
    names = list(result.columns)
    data = np.column_stack([result.times_h] + [result.columns[n] for n in names])
    with path.open("w", newline="", encoding="utf-8") as fh:
        fh.write(",".join(["time_h", *names]) + "\n")
        # In chunks: a whole table of Python floats would take ~5 times the array's memory.
        for lo in range(0, len(data), _CHUNK_ROWS):
            for row in data[lo : lo + _CHUNK_ROWS].tolist():
                fh.write(",".join(f"{v:.10g}" for v in row) + "\n")


def write_bouts(result: Result, path: Path) -> None:
    """``bouts.csv``: one row per scheduled session, completed or not (with the reason)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(BOUT_COLUMNS)
        for b in result.bouts:
            w.writerow(
                [
                    _fmt(b.start_h),
                    _fmt(b.end_h),
                    b.modality,
                    _fmt(b.intensity),
                    b.intensity_unit,
                    _fmt(b.load_rel),
                    _fmt(b.relative_intensity),
                    b.sets,
                    str(b.completed).lower(),
                    b.reason,
                ]
            )


def write_run(result: Result, folder: Path) -> None:
    """Write the three contract files of a run into an existing folder."""
    write_timeseries(result, folder / "timeseries.csv")
    write_bouts(result, folder / "bouts.csv")
    (folder / "summary.json").write_text(
        json.dumps(summary_dict(result), indent=2) + "\n", encoding="utf-8"
    )


def write_run_figures(result: Result, folder: Path) -> None:
    """``session.png`` (one session, hours), ``overview.png`` (the week and the run) and
    ``performance.png`` (daily load, fitness, fatigue and reserve)."""
    from sim.presentation.plots.performance import plot_performance
    from sim.presentation.plots.run import plot_run
    from sim.presentation.plots.session import plot_session

    plot_session(result, folder / "session.png")
    plot_run(result, folder / "overview.png")
    plot_performance(result, folder / "performance.png")
