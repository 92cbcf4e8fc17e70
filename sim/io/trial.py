"""The files of a virtual trial: ``trial.json``, ``people.csv`` and the figures."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from sim.analyses.trial.people import people_table
from sim.analyses.trial.run import TrialResult


def _cell(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)):
        return f"{round(float(value), 6) + 0.0:.6g}"  # + 0.0: no "-0"
    return value


def write_trial(result: TrialResult, out: str | os.PathLike[str], plots: bool = True) -> None:
    """Write ``trial.json``, ``people.csv`` and (optionally) the figures into ``out``."""
    out = Path(out)
    text = json.dumps(result.summary, indent=2, ensure_ascii=False)
    (out / "trial.json").write_text(text + "\n", encoding="utf-8")
    header, rows = people_table(result.trial.design(), result.arms, result.trial.spec.outcome.name)
    with (out / "people.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([_cell(v) for v in row] for row in rows)
    if plots:
        from sim.presentation.plots.trial import plot_trial

        plot_trial(result, out)
