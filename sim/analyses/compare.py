"""Compare regimens: run several scenarios, tabulate their metrics, write one comparison.

:func:`compare` runs each scenario and keeps going when one fails (its error is recorded
apart, the others' results are kept); :func:`write_comparison` writes ``comparison.csv`` (one
row per successful scenario: ``scenario`` then the summary metrics), ``comparison.json``
(metrics, failures, provenance, the illustrative note) and, unless asked not to, the figures
of :mod:`sim.presentation.plots.compare`. :mod:`sim.presentation.text.compare` is the terminal view
used by ``musclebrain compare`` and ``musclebrain demo``.

No matplotlib here: the figures module is imported only when figures are written.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import InputError, MusclebrainError
from sim.input.limits import check_run_size
from sim.input.regimen import HOURS_PER_WEEK
from sim.input.shipped import SCENARIO_DIR
from sim.running.results import Result
from sim.running.simulation import simulate

DEMO_SCENARIOS = ("sedentary", "aerobic", "resistance", "combined")
ACUTE_WINDOW_H = 6.0


@dataclass(frozen=True)
class Entry:
    """One scenario of a comparison: its row label and its result, or the error it raised."""

    label: str
    scenario: Any
    result: Result | None = None
    error: str | None = None


@dataclass(frozen=True)
class Comparison:
    """Several runs side by side; failures are kept apart from results.

    Examples
    --------
    >>> comparison = compare([load_scenario("aerobic"), load_scenario("resistance")])  # doctest: +SKIP
    >>> comparison.to_frame()["reserve_final"]  # one row per scenario  # doctest: +SKIP
    >>> figs = plot_comparison(comparison)  # doctest: +SKIP
    """

    entries: tuple[Entry, ...]

    @property
    def results(self) -> tuple[tuple[str, Result], ...]:
        """``(label, result)`` of every scenario that ran."""
        return tuple((e.label, e.result) for e in self.entries if e.result is not None)

    @property
    def failures(self) -> tuple[tuple[str, str], ...]:
        """``(label, error message)`` of every scenario that failed."""
        return tuple((e.label, e.error or "") for e in self.entries if e.result is None)

    def to_frame(self) -> Any:
        """The metrics as a pandas DataFrame: one row per scenario (as ``comparison.csv``)."""
        from sim.running.frames import pandas

        names = self.metric_names
        rows = {label: [r.metrics.get(n, math.nan) for n in names] for label, r in self.results}
        frame = pandas().DataFrame.from_dict(rows, orient="index", columns=list(names))
        frame.index.name = "scenario"
        return frame

    @property
    def metric_names(self) -> tuple[str, ...]:
        """Metric columns: the first result's order, then any others in order of appearance."""
        names: dict[str, None] = {}
        for _, result in self.results:
            names.update(dict.fromkeys(result.metrics))
        return tuple(names)


def row_labels(names: Sequence[str]) -> list[str]:
    """Distinct row labels: the second ``x`` becomes ``x#2``, the third ``x#3`` and so on."""
    seen: dict[str, int] = {}
    labels = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        labels.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return labels


def compare(
    scenarios: Sequence[Any],
    params: Any = None,
    sample_min: float | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Comparison:
    """Run every scenario; a failing one is recorded with its error and the others still run.

    Parameters
    ----------
    scenarios
        Validated :class:`sim.input.scenario.Scenario` objects, in the order of the rows.
    params
        Base :class:`sim.model.parameters.Parameters` of every run (defaults if ``None``).
    sample_min
        Output sampling [min] of every run; each scenario's own if ``None``.
    progress
        Called as ``progress(i, n, label)`` before the ``i``-th run (1-based).

    Returns
    -------
    Comparison

    Examples
    --------
    >>> comparison = compare([load_scenario(f"scenarios/{n}.yaml") for n in ("aerobic", "resistance")])  # doctest: +SKIP
    >>> comparison.to_frame()  # doctest: +SKIP
    """
    for scenario in scenarios:  # a run too large is bad input: refused before any runs
        check_run_size(scenario, scenario.sample_min if sample_min is None else sample_min)
    labels = row_labels([str(s.name) for s in scenarios])
    entries = []
    for i, (label, scenario) in enumerate(zip(labels, scenarios, strict=True), start=1):
        if progress is not None:
            progress(i, len(scenarios), label)
        try:
            entries.append(Entry(label, scenario, simulate(scenario, params, sample_min)))
        except MusclebrainError as exc:
            entries.append(Entry(label, scenario, error=str(exc)))
        except Exception as exc:
            # A bug in one run must not cost the others' results: it is reported with its
            # type and message, and the command exits 1.
            entries.append(Entry(label, scenario, error=f"{type(exc).__name__}: {exc}"))
    return Comparison(tuple(entries))


def load_scenarios(paths: Sequence[str | Path]) -> list[Any]:
    """Load several scenario files, or raise one :class:`InputError` naming every bad file.

    Every file is read first, so one message lists all the missing and invalid ones (each
    line ``file: what is wrong. Fix: ...``); nothing is run when any is bad.
    """
    from sim.input.scenario import load_scenario
    from sim.input.shipped import other_kind

    scenarios, problems = [], []
    for path in paths:
        try:
            scenarios.append(load_scenario(path))
        except InputError as exc:  # a trial file is named as one, not picked apart field by field
            problems.append(other_kind(str(path), "scenario") or str(exc))
    if problems:
        raise InputError(
            "\n".join(problems) + f"\nNothing was run: {len(problems)} of {len(paths)} "
            "scenario files are missing or invalid."
        )
    return scenarios


def demo_paths(folder: Path | None = None) -> list[Path]:
    """The shipped scenario files of the demo, or a clear error if they are not there."""
    folder = SCENARIO_DIR if folder is None else folder
    paths = [folder / f"{name}.yaml" for name in DEMO_SCENARIOS]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise MusclebrainError(
            f"the shipped scenarios ({', '.join(missing)}) are not in {folder}: the installed "
            "package is incomplete. Fix: reinstall musclebrain (`pip install --force-reinstall "
            "musclebrain`), or use `musclebrain compare` with your own files."
        )
    return paths


def representative_bout(result: Result) -> Any | None:
    """The completed session nearest the middle of training, or ``None`` if there is none."""
    done = [b for b in result.bouts if b.completed]
    if not done:
        return None
    middle = result.training_end_h / 2.0
    return min(done, key=lambda b: (abs(b.start_h - middle), b.start_h))


def acute_response(
    result: Result, sample_min: float = 2.0, window_h: float = ACUTE_WINDOW_H
) -> tuple[Any, np.ndarray, dict[str, Any]]:
    """Minute-resolution signals over ``window_h`` from the start of the representative bout.

    The scenario is re-run at ``sample_min`` only up to the week that holds the window (the
    earlier sessions and attendance draws are identical, so the bout is the same one). With
    no completed session the resting levels at mid-training are returned, hourly.

    Returns
    -------
    bout, minutes, columns
        The bout (or ``None``), minutes since its start, and the columns over the window.
    """
    bout = representative_bout(result)
    if bout is None:
        t0 = result.training_end_h / 2.0
        source = result
    else:
        t0 = bout.start_h
        weeks = max(1, math.ceil((t0 + window_h) / HOURS_PER_WEEK))
        short = result.scenario.first_weeks(weeks)
        source = simulate(short, result.parameters, sample_min, result.seed)
    sel = (source.times_h >= t0 - 1e-9) & (source.times_h <= t0 + window_h + 1e-9)
    minutes = (source.times_h[sel] - t0) * 60.0
    return bout, minutes, {name: col[sel] for name, col in source.columns.items()}
