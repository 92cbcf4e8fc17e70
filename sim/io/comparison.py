"""The files of a comparison: ``comparison.csv``, ``comparison.json`` and the figures."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from sim import __version__
from sim.analyses.compare import Comparison
from sim.presentation.text.compare import headlines
from sim.running.results import ILLUSTRATIVE


def finite_or_none(v: float) -> float | None:
    """A number for JSON: ``None`` where it is NaN or infinite."""
    return None if not math.isfinite(v) else float(v)


def comparison_dict(comparison: Comparison, command: str = "compare") -> dict[str, Any]:
    """The ``comparison.json`` content."""
    return {
        "command": command,
        "version": __version__,
        "note": ILLUSTRATIVE,
        "metrics": list(comparison.metric_names),
        "scenarios": {
            label: {
                "scenario": r.name,
                "seed": r.seed,
                "description": str(getattr(r.scenario, "description", "")).strip(),
                "metrics": {k: finite_or_none(v) for k, v in r.metrics.items()},
            }
            for label, r in comparison.results
        },
        "failed": dict(comparison.failures),
        "headlines": headlines(comparison),
    }


def write_comparison(
    comparison: Comparison, folder: Path, plots: bool = True, command: str = "compare"
) -> None:
    """Write ``comparison.csv``, ``comparison.json`` and (with ``plots``) the figures."""
    folder = Path(folder)
    names = comparison.metric_names
    with (folder / "comparison.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["scenario", *names])
        for label, r in comparison.results:
            w.writerow([label, *(f"{r.metrics.get(n, math.nan):.10g}" for n in names)])
    text = json.dumps(comparison_dict(comparison, command), indent=2) + "\n"
    (folder / "comparison.json").write_text(text, encoding="utf-8")
    if plots and comparison.results:
        from sim.presentation.plots.compare import plot_comparison

        plot_comparison(comparison, folder)
