"""Results: an immutable record of one run, its summary metrics, and its files.

:class:`Result` carries its provenance (the scenario as validated, the parameters, the seed,
the versions). :func:`write_run` writes ``timeseries.csv``, ``bouts.csv`` and
``summary.json`` (the output contract in the README) into a folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from sim import __version__
from sim.input.regimen import HOURS_PER_WEEK
from sim.model.parameters import Parameters
from sim.model.rhs import observables
from sim.model.state import IX, QUANTITIES, STATE_NAMES, TIMESERIES_COLUMNS
from sim.numerics.etd3 import DEFAULT_EXP_SETTINGS
from sim.running.schedule import Bout

ILLUSTRATIVE = (
    "Illustrative teaching model, not clinical: it predicts nobody's health and "
    "must not guide diagnosis or training prescriptions."
)
IGF1_MIDRANGE_NG_ML = (120.0, 160.0)
ROUNDING_TOL = 1e-9
"""Relative size below 0 that counts as rounding (the integrator leaves e.g. -3e-13)."""
SOLVER_SLACK = DEFAULT_EXP_SETTINGS.rtol * DEFAULT_EXP_SETTINGS.floor
"""Absolute size below 0 that counts as the integrator's error near 0 (5e-6): its error
control allows a slow state an error of ``rtol * floor`` per step near rest, and with extreme
parameters a state whose exact solution never leaves 0 can dip below it by part of that (the
parameter fuzz test found -6.7e-9 with extreme lactate parameters, and -2.5e-7 in a reserve
that starts to build, from fitness alone, at the largest weight and the smallest half-dose:
the step's stage combination overshoots where the build-up switches on)."""
BOUT_COLUMNS = (
    "start_h",
    "end_h",
    "modality",
    "intensity",
    "intensity_unit",
    "load_rel",
    "relative_intensity",
    "sets",
    "completed",
    "reason",
)


@dataclass(frozen=True)
class Result:
    """One simulated scenario: time series, bouts, metrics and provenance.

    Columns by name: ``result["il6_pg_mL"]`` (``result.column_names`` lists them, in the
    order of ``timeseries.csv``); ``result.metrics`` holds the ``summary.json`` metrics.

    Examples
    --------
    >>> result = simulate(load_scenario("scenarios/combined.yaml"))  # doctest: +SKIP
    >>> result["reserve"][-1], result.metrics["strength_change_pct"]  # doctest: +SKIP
    >>> result.to_frame().head()  # doctest: +SKIP
    """

    scenario: Any
    parameters: Parameters
    seed: int
    times_h: np.ndarray
    columns: Mapping[str, np.ndarray]
    bouts: tuple[Bout, ...]
    metrics: Mapping[str, float]
    training_end_h: float
    horizon_h: float
    version: str = __version__

    @property
    def name(self) -> str:
        """The scenario's name."""
        return str(self.scenario.name)

    @property
    def column_names(self) -> tuple[str, ...]:
        """The time-series columns, in the order of ``timeseries.csv`` (after ``time_h``)."""
        return tuple(self.columns)

    def __getitem__(self, name: str) -> np.ndarray:
        """A column by name; ``"time_h"`` is the sample times."""
        if name == "time_h":
            return self.times_h
        try:
            return self.columns[name]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(name, ["time_h", *self.columns], n=3)
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
            raise KeyError(
                f"no column {name!r}{hint} (result.column_names lists them all)"
            ) from None

    def to_frame(self) -> Any:
        """The time series as a pandas DataFrame: ``time_h`` then the ``timeseries.csv`` columns."""
        from sim.running.frames import pandas

        return pandas().DataFrame({"time_h": self.times_h, **self.columns})

    def bouts_frame(self) -> Any:
        """The sessions as a pandas DataFrame with the columns of ``bouts.csv``."""
        from sim.running.frames import pandas

        rows = [[getattr(b, c) for c in BOUT_COLUMNS] for b in self.bouts]
        return pandas().DataFrame(rows, columns=list(BOUT_COLUMNS))

    def at(self, name: str, t_h: float) -> float:
        """A column's value at the sample nearest to ``t_h`` [h]."""
        i = int(np.argmin(np.abs(self.times_h - t_h)))
        return float(self.columns[name][i])


def tidy_column(name: str, values: Any) -> np.ndarray:
    """A column as written: rounding below 0 of a non-negative quantity clipped, no -0.0.

    A value of a non-negative quantity (see :class:`sim.model.state.Quantity`) that is
    below 0 by less than ``ROUNDING_TOL`` of the column's scale, or by less than
    ``SOLVER_SLACK``, becomes 0.0; a larger negative value is left as it is (it would be a model
    error, not rounding).
    """
    v = np.asarray(values, dtype=float) + 0.0  # -0.0 + 0.0 is 0.0; all else unchanged
    if not QUANTITIES[name].signed and v.size and np.any(v < 0.0):
        scale = max(1.0, float(np.max(np.abs(v[np.isfinite(v)]), initial=0.0)))
        v = np.where((v < 0.0) & (v >= -max(ROUNDING_TOL * scale, SOLVER_SLACK)), 0.0, v)
    return v


def tidy_metric(value: float) -> float:
    """A summary metric as written: 0.0 when it is 0 up to rounding below, never -0.0."""
    value = float(value)
    return 0.0 if -ROUNDING_TOL < value <= 0.0 else value


def _time_weighted_mean(t: np.ndarray, v: np.ndarray) -> float:
    """Trapezoidal time average (written out: ``np.trapz`` was renamed in NumPy 2)."""
    if len(t) < 2:
        return float(v[0])
    return float(np.sum(0.5 * (v[1:] + v[:-1]) * np.diff(t)) / (t[-1] - t[0]))


DENSE_METRICS = (
    "il6_peak_pg_mL",
    "lactate_peak_mmol_L",
    "igf1_mean_ng_mL",
    "igf1_midrange_fraction",
)
"""Summary metrics that need the time series: peaks within sessions and time averages."""


ASSESSED_STATES = (
    "reserve_built",
    "bdnf_brain_auc",
    "strength_rel",
    "fitness_rel",
    "bdnf_serum_ng_mL",
    "inflammation_rel",
    "igf1_ng_mL",
)
"""The states :func:`assessed_metrics` reads (the reserve and cognition are read from the
built reserve)."""


def assessed_metrics(
    times: np.ndarray, cols: Mapping[str, np.ndarray], training_end_h: float
) -> dict[str, Any]:
    """The summary metrics read from the states at the start, the end of training and the
    horizon alone (all but :data:`DENSE_METRICS` and the session counts).

    Columns may have one value per time (a run) or a trailing member axis (an ensemble's
    assessments): each metric is then an array with one value per member.
    """
    end = int(np.argmin(np.abs(times - training_end_h)))
    s0, f0 = cols["strength_rel"][0], cols["fitness_rel"][0]
    igf1 = cols["igf1_ng_mL"]
    return {
        "reserve_final": cols["reserve"][-1],
        "cognition_z_final": cols["cognition_z"][-1],
        "reserve_end_training": cols["reserve"][end],
        "cognition_z_end_training": cols["cognition_z"][end],
        "bdnf_brain_auc": cols["bdnf_brain_auc"][-1],
        "strength_change_pct": 100.0 * (cols["strength_rel"][end] / s0 - 1.0),
        "fitness_change_pct": 100.0 * (cols["fitness_rel"][end] / f0 - 1.0),
        "strength_change_final_pct": 100.0 * (cols["strength_rel"][-1] / s0 - 1.0),
        "fitness_change_final_pct": 100.0 * (cols["fitness_rel"][-1] / f0 - 1.0),
        "bdnf_serum_rest_change_pct": 100.0
        * (cols["bdnf_serum_ng_mL"][end] / cols["bdnf_serum_ng_mL"][0] - 1.0),
        "inflammation_change_pct": 100.0 * (cols["inflammation_rel"][end] - 1.0),
        "igf1_change_pct": 100.0 * (igf1[end] / igf1[0] - 1.0),
    }


def compute_metrics(
    times: np.ndarray,
    cols: Mapping[str, np.ndarray],
    bouts: tuple[Bout, ...],
    training_end_h: float,
) -> dict[str, float]:
    """Summary metrics of a run; ``*_final`` at the horizon, the others at the end of training."""
    train = times <= training_end_h + 1e-9
    igf1 = cols["igf1_ng_mL"]
    lo, hi = IGF1_MIDRANGE_NG_ML
    inside = ((igf1 >= lo) & (igf1 <= hi)).astype(float)
    found = assessed_metrics(times, cols, training_end_h)
    found.update(
        il6_peak_pg_mL=cols["il6_pg_mL"].max(),
        lactate_peak_mmol_L=cols["lactate_mmol_L"].max(),
        igf1_mean_ng_mL=_time_weighted_mean(times[train], igf1[train]),
        igf1_midrange_fraction=_time_weighted_mean(times, inside),
        sessions_planned=float(len(bouts)),
        sessions_completed=float(sum(b.completed for b in bouts)),
    )
    return {k: tidy_metric(found[k]) for k in METRIC_NAMES}


METRIC_NAMES = (
    "reserve_final",
    "cognition_z_final",
    "reserve_end_training",
    "cognition_z_end_training",
    "bdnf_brain_auc",
    "il6_peak_pg_mL",
    "lactate_peak_mmol_L",
    "strength_change_pct",
    "fitness_change_pct",
    "strength_change_final_pct",
    "fitness_change_final_pct",
    "bdnf_serum_rest_change_pct",
    "inflammation_change_pct",
    "igf1_change_pct",
    "igf1_mean_ng_mL",
    "igf1_midrange_fraction",
    "sessions_planned",
    "sessions_completed",
)
"""The summary metrics of ``summary.json``, in their order."""


def build_result(
    scenario: Any,
    params: Parameters,
    c: Any,
    seed: int,
    times: np.ndarray,
    states: np.ndarray,
    bouts: list[Bout],
) -> Result:
    """Assemble an immutable :class:`Result` from the solver's samples."""
    cols: dict[str, np.ndarray] = {name: states[:, i] for i, name in enumerate(STATE_NAMES)}
    cols.update(observables(c, times, states.T))
    cols = {name: tidy_column(name, cols[name]) for name in TIMESERIES_COLUMNS}
    for arr in cols.values():
        arr.setflags(write=False)
    times.setflags(write=False)
    training_end = scenario.duration_weeks * HOURS_PER_WEEK
    horizon = training_end + scenario.follow_up_weeks * HOURS_PER_WEEK
    metrics = compute_metrics(times, cols, tuple(bouts), training_end)
    assert states.shape[1] == len(STATE_NAMES) and IX.lactate_mmol_L == 0
    return Result(
        scenario,
        params,
        seed,
        times,
        MappingProxyType(cols),
        tuple(bouts),
        MappingProxyType(metrics),
        training_end,
        horizon,
    )


def summary_dict(result: Result) -> dict[str, Any]:
    """The ``summary.json`` content."""
    return {
        "scenario": result.name,
        "seed": result.seed,
        "version": result.version,
        "note": ILLUSTRATIVE,
        "parameters": result.parameters.as_dict(),
        "metrics": dict(result.metrics),
        "scenario_definition": result.scenario.model_dump(mode="json"),
    }
