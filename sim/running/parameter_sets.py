"""One participant, many parameter sets: sensitivity analyses and robustness checks on the
ensemble engine.

A sensitivity analysis or a robustness check runs *one* scenario (its participant, plan and
attendance) once per parameter set. Run one by one, each
set costs a whole single run (~0.2 s for 24 weeks); here the sets are the members of
ensembles (:mod:`sim.running.cohort`) of :data:`BLOCK_SIZE` sets, every member the scenario's
participant with its own parameters, integrated together
(:func:`sim.numerics.member_solver.cohort_integrator`). Every member attends the sessions the
single run attends (the same draws from the scenario's seed), so a member differs from the
single run with its parameters only through the solver's tolerance.

A member's result depends on its own row and, through the shared step sizes (within the
tolerance), on the other rows of its block; blocks are fixed sets of rows (``0 ..
BLOCK_SIZE - 1``, ...), so the result does not depend on how the rows are split into tasks
(:func:`run_parameter_sets` with any ``mapper``).

Only the summary metrics read from the assessed states are available here
(:func:`sim.running.results.assessed_metrics`); peaks and time averages
(:data:`sim.running.results.DENSE_METRICS`) need the single run's time series. That is why a
sweep (whose ``sweep.csv`` has every summary metric) runs each point as a single run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from sim.input.regimen import expand_regimen
from sim.model.constants import compile_constants
from sim.model.parameters import Parameters
from sim.numerics.etd3 import ExponentialSettings
from sim.running.cohort import play_cohort, stack_constants
from sim.running.ensemble import one_blas_thread
from sim.running.members import member_parameter_matrix, member_parameters
from sim.running.results import DENSE_METRICS, METRIC_NAMES, assessed_metrics
from sim.running.simulation import subject_from_scenario

BLOCK_SIZE = 3000
"""Parameter sets integrated together (the unit of a task; fixed, so results never depend on
the split). Measured on a Sobol sample of the 24-week combined scenario (2,816 sets of 10
illustrative parameters), one core: 60.1 s in blocks of 500, 48.1 s in blocks of 1,000, 47.7 s
in blocks of 1,500, 45.5 s in one block (the fixed cost of each array operation is shared by
more sets; a larger block more often holds a set whose sampled IL-6 signal needs short steps
in every session, and all its members take them)."""

ENSEMBLE_METRICS = tuple(m for m in METRIC_NAMES if m not in DENSE_METRICS)
"""The summary metrics a parameter-set ensemble gives (the session counts included)."""


def block_metrics(
    scenario: Any,
    names: Sequence[str],
    rows: np.ndarray,
    metrics: Sequence[str],
    settings: ExponentialSettings | None = None,
) -> np.ndarray:
    """``metrics`` of ``scenario`` for each row of parameter values, in one ensemble.

    ``names`` are parameters of ``musclebrain params``; a row's values replace those of the
    defaults with the scenario's overrides (pass a scenario without an override to let the
    rows set it). ``settings`` is the solver's accuracy (default
    :data:`sim.numerics.member_solver.MEMBER_SETTINGS`). Returns shape
    ``(len(rows), len(metrics))``.

    Raises
    ------
    ValueError
        For a metric the ensemble does not give (see :data:`ENSEMBLE_METRICS`).
    sim.errors.ParameterError
        For a value outside its parameter's bounds.
    """
    unknown = [m for m in metrics if m not in ENSEMBLE_METRICS]
    if unknown:
        raise ValueError(f"not available from an ensemble: {unknown} (see DENSE_METRICS)")
    rows = np.atleast_2d(np.asarray(rows, dtype=float))
    n = len(rows)
    matrix = member_parameter_matrix(dict(zip(names, rows.T, strict=True)), n)
    params = Parameters().with_overrides(dict(scenario.parameters))
    subject = subject_from_scenario(scenario)
    c = stack_constants(
        [
            compile_constants(member_parameters(params, matrix, i), subject).__dict__
            for i in range(n)
        ]
    )
    sessions = len(expand_regimen(scenario))
    draws = np.random.default_rng(scenario.seed).random(sessions)  # the single run's draws
    attendance = np.full(n, float(scenario.adherence.attendance))
    with one_blas_thread():
        result = play_cohort(
            scenario, c, n, attendance, scenario.seed, np.tile(draws, (n, 1)), settings=settings
        )
    found = assessed_metrics(result.times_h, result.columns, result.training_end_h)
    found["sessions_planned"] = np.full(n, float(result.sessions_planned))
    found["sessions_completed"] = result.sessions_completed.astype(float)
    return np.stack([np.asarray(found[m], dtype=float) + 0.0 for m in metrics], axis=1)


def run_parameter_sets(
    scenario: Any,
    names: Sequence[str],
    rows: np.ndarray,
    metrics: Sequence[str],
    mapper: Callable[..., Iterable[np.ndarray]] = map,
    progress: Callable[[int, int, str], None] | None = None,
    block_size: int = BLOCK_SIZE,
    settings: ExponentialSettings | None = None,
) -> np.ndarray:
    """:func:`block_metrics` over every row, ``block_size`` rows per task.

    ``mapper`` runs the blocks (``map``, or an executor's or a Dask client's ``map``); the
    result is the same whichever runs them (``block_size`` is part of the definition).
    """
    rows = np.atleast_2d(np.asarray(rows, dtype=float))
    blocks = [rows[s : s + block_size] for s in range(0, len(rows), block_size)]
    out = []
    for i, part in enumerate(
        mapper(
            block_metrics,
            [scenario] * len(blocks),
            [tuple(names)] * len(blocks),
            blocks,
            [tuple(metrics)] * len(blocks),
            [settings] * len(blocks),
        )
    ):
        out.append(part)
        if progress is not None:
            done = min((i + 1) * block_size, len(rows))
            progress(done, len(rows), f"{scenario.name} parameter sets")
    return np.concatenate(out) if out else np.empty((0, len(metrics)))
