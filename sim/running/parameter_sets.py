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
tolerance), on the other rows of its block. Blocks are fixed sets of rows: the rows sorted by
their self-amplification in a probe session (:func:`block_order`; the few whose muscle IL-6
signal grows fastest need short steps in every session, and sorted they share a few blocks
instead of slowing every block), then cut into the fewest blocks of at most ``BLOCK_SIZE``
rows, of equal sizes. The order depends on the rows' values only, so the result does not
depend on how the rows are ordered or split into tasks (:func:`run_parameter_sets` with any
``mapper``).

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
from sim.model.constants import Constants, derived_constants
from sim.model.drive import MUSCLE_MASS_FRAC, Drive
from sim.model.parameters import Parameters
from sim.model.rhs import initial_state
from sim.numerics.etd3 import ExponentialSettings
from sim.numerics.per_member import member_jacobian
from sim.running.cohort import play_cohort, stack_constants
from sim.running.ensemble import one_blas_thread
from sim.running.members import member_parameter_matrix, member_parameters
from sim.running.results import ASSESSED_STATES, DENSE_METRICS, METRIC_NAMES, assessed_metrics
from sim.running.simulation import subject_from_scenario

BLOCK_SIZE = 3000
"""The most parameter sets integrated together (a block, the unit of a task; a sample is cut
into the fewest blocks of at most this many, of equal sizes, fixed by the sample alone, so
results never depend on the split). Measured on a Sobol sample of the 24-week combined
scenario (2,816 sets of 10 illustrative parameters), one core: 60.1 s in blocks of 500,
48.1 s in blocks of 1,000, 47.7 s in blocks of 1,500, 45.5 s in one block (the fixed cost of
each array operation is shared by more sets; a larger block more often holds a set whose
sampled IL-6 signal needs short steps in every session, and all its members take them).
With the blocks filled in :func:`block_order`, the whole 22,528-set sample (one core each,
two runs at a time): 344 s in blocks of 750, 295 s of 1,500, 277 s of 3,000 (368 s unsorted,
alongside), 294 s of 6,000."""

ENSEMBLE_METRICS = tuple(m for m in METRIC_NAMES if m not in DENSE_METRICS)
"""The summary metrics a parameter-set ensemble gives (the session counts included)."""


PROBES = (
    Drive(aerobic_frac_vo2max=0.65, muscle_mass_frac=MUSCLE_MASS_FRAC["aerobic"]),
    Drive(resistance_frac_1rm=0.75, sets_per_h=12.0, muscle_mass_frac=1.0, reps_per_set=10.0),
)
"""Probe sessions (moderate aerobic work; heavy compound lifting) for :func:`growth_rates`."""

PROBE_ROWS = 1000
"""Rows probed at a time by :func:`growth_rates` (a task of its own under a mapper)."""


def row_constants(scenario: Any, names: Sequence[str], rows: np.ndarray) -> Constants:
    """The stacked per-member constants of ``scenario``'s participant with each row's values."""
    matrix = member_parameter_matrix(dict(zip(names, rows.T, strict=True)), len(rows))
    params = Parameters().with_overrides(dict(scenario.parameters))
    subject = subject_from_scenario(scenario)
    derived = [
        derived_constants(member_parameters(params, matrix, i), subject) for i in range(len(rows))
    ]
    return stack_constants(params, matrix, derived)


def probe_diagonals(scenario: Any, names: Sequence[str], rows: np.ndarray) -> np.ndarray:
    """Each row's Jacobian diagonal at its resting state, the larger over :data:`PROBES`
    (shape ``(len(rows), N_STATES)``)."""
    n, c = len(rows), row_constants(scenario, names, rows).vectorised()
    y = initial_state(c, n)
    return np.max([np.diagonal(member_jacobian(c, n, 0.0, y, d)) for d in PROBES], axis=0)


def growth_rates(
    scenario: Any,
    names: Sequence[str],
    rows: np.ndarray,
    mapper: Callable[..., Iterable[np.ndarray]] = map,
) -> np.ndarray:
    """Each row's self-amplification in a probe session [1/h] (:data:`PROBES`).

    The diagonal of each member's Jacobian at its resting state, the larger over the probes,
    for the state whose diagonal is the largest anywhere in the sample (a positive diagonal
    is a state that speeds its own growth, e.g. the muscle IL-6 signal: the solver follows
    it explicitly, so it sets the member's step sizes in every session). The probes run
    1,000 rows at a time (bounded memory: ``N_STATES + 1`` columns a row), through
    ``mapper`` (as the blocks do; the values do not depend on which runs them).
    """
    rows = np.atleast_2d(np.asarray(rows, dtype=float))
    parts = [rows[s : s + PROBE_ROWS] for s in range(0, len(rows), PROBE_ROWS)]
    k = len(parts)
    diagonals = np.concatenate(
        list(mapper(probe_diagonals, [scenario] * k, [tuple(names)] * k, parts))
    )
    return diagonals[:, int(np.argmax(diagonals.max(axis=0)))]


def block_order(
    scenario: Any,
    names: Sequence[str],
    rows: np.ndarray,
    mapper: Callable[..., Iterable[np.ndarray]] = map,
) -> np.ndarray:
    """The order in which rows fill the blocks: by :func:`growth_rates`, ties by the values.

    A member whose probe growth is fast needs short steps in every session, and every member
    of its block takes them; sorted, such members share a few blocks. The order depends on
    the rows' values only (not on their order, nor on ``mapper``), so neither does any result.
    """
    rows = np.atleast_2d(np.asarray(rows, dtype=float))
    return np.lexsort((*rows.T[::-1], growth_rates(scenario, names, rows, mapper)))


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
    c = row_constants(scenario, names, rows)
    sessions = len(expand_regimen(scenario))
    draws = np.random.default_rng(scenario.seed).random(sessions)  # the single run's draws
    attendance = np.full(n, float(scenario.adherence.attendance))
    with one_blas_thread():
        result = play_cohort(
            scenario,
            c,
            n,
            attendance,
            scenario.seed,
            np.tile(draws, (n, 1)),
            settings=settings,
            reported=ASSESSED_STATES,
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
    """:func:`block_metrics` over every row, one block per task, in the rows' order.

    More rows than ``block_size`` fill as few blocks of at most ``block_size`` rows as they
    need, in :func:`block_order`, the blocks' sizes differing by at most one (22,528 rows:
    eight blocks of 2,816, four for each of two workers, instead of seven of 3,000 and one
    of 1,528). ``mapper`` runs the
    blocks (``map``, or an executor's or a Dask client's ``map``); the result is the same
    whichever runs them (``block_size`` is part of the definition). ``settings``: as in
    :func:`block_metrics`.
    """
    rows = np.atleast_2d(np.asarray(rows, dtype=float))
    if len(rows) > block_size:
        order = block_order(scenario, names, rows, mapper)
    else:
        order = np.arange(len(rows))
    ordered = rows[order]
    blocks = np.array_split(ordered, -(-len(rows) // block_size)) if len(rows) else []
    out, done = [], 0
    for part in mapper(
        block_metrics,
        [scenario] * len(blocks),
        [tuple(names)] * len(blocks),
        blocks,
        [tuple(metrics)] * len(blocks),
        [settings] * len(blocks),
    ):
        out.append(part)
        done += len(part)
        if progress is not None:
            progress(done, len(rows), f"{scenario.name} parameter sets")
    if not out:
        return np.empty((0, len(metrics)))
    result = np.empty((len(rows), len(metrics)))
    result[order] = np.concatenate(out)
    return result
