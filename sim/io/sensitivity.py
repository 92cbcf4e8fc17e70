"""The files of a sensitivity analysis: ``sensitivity.csv``, ``sensitivity.json``, the figure."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from sim import __version__
from sim.analyses.sensitivity import Sensitivity, ranking
from sim.io.comparison import finite_or_none
from sim.running.results import ILLUSTRATIVE


def sensitivity_dict(result: Sensitivity) -> dict[str, Any]:
    """The ``sensitivity.json`` content: the problem, the runs and every index."""
    return {
        "method": result.method,
        "version": __version__,
        "note": ILLUSTRATIVE,
        "n": result.n,
        "seed": result.seed,
        "runs_per_scenario": result.runs,
        "parameters": {
            name: {"lower": lo, "upper": hi}
            for name, (lo, hi) in zip(result.names, result.bounds, strict=True)
        },
        "results": [
            {
                "scenario": ix.scenario,
                "metric": ix.metric,
                "indices": {
                    name: {k: finite_or_none(v[i]) for k, v in ix.values.items()}
                    for i, name in enumerate(ix.names)
                },
                "ranking": [name for name, _, _ in ranking(ix, result.method)],
            }
            for ix in result.indices
        ],
    }


def write_sensitivity(result: Sensitivity, folder: Path, plots: bool = True) -> list[str]:
    """Write ``sensitivity.csv`` (one row per scenario, metric and parameter, ranked),
    ``sensitivity.json`` and, with ``plots``, ``sensitivity.png``; return the file names."""
    folder = Path(folder)
    keys = list(result.indices[0].values) if result.indices else []
    with (folder / "sensitivity.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["scenario", "metric", "parameter", "rank", *keys])
        for ix in result.indices:
            for rank, (name, _, _) in enumerate(ranking(ix, result.method), 1):
                i = ix.names.index(name)
                w.writerow([ix.scenario, ix.metric, name, rank,
                            *(f"{ix.values[k][i]:.6g}" for k in keys)])  # fmt: skip
    text = json.dumps(sensitivity_dict(result), indent=2) + "\n"
    (folder / "sensitivity.json").write_text(text, encoding="utf-8")
    written = ["sensitivity.csv", "sensitivity.json"]
    if plots and result.indices:
        from sim.presentation.plots.sensitivity import plot_sensitivity

        plot_sensitivity(result, folder / "sensitivity.png")
        written.append("sensitivity.png")
    return written
