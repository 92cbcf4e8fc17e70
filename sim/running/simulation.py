"""The simulation: joins scenario, parameters, schedule, model and solver into a Result.

This is the only module that knows all the others. :class:`Physiology` is the body the SimPy
schedule talks to through ``advance(to_t)`` (integrate at rest up to a time, return the state)
and ``perform(bout)`` (integrate through a bout's drive segments). It records samples on the
output grid and at every bout start and end.

Why a single run keeps its own path beside the cohort engine (:mod:`sim.running.cohort`):
both play the same plan through the same SimPy schedule (:func:`sim.running.schedule.play`)
and talk to their body through the same two calls (:class:`sim.running.schedule.Body`), so
they share one interface; but a cohort of one, asked for the output a run writes (a row every
hour or so), is 8.5x slower than :class:`Physiology`, and 2.5x slower even when asked for the
three assessments a trial needs (``benchmarks/single_vs_cohort.py``, 24-week combined
scenario: 131 ms against 1,112 ms and 327 ms). The cohort integrator steps everybody with one
step size and one operator and pays for array bookkeeping a single person does not need; the
single run steps each segment exactly to its sample times. The two agree within 0.5 % on
every summary metric (``tests/unit/test_cohort.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.input.limits import check_run_size
from sim.input.regimen import HOURS_PER_WEEK, expand_regimen
from sim.input.scenario import Scenario
from sim.model.constants import Subject, compile_constants
from sim.model.drive import REST, Drive
from sim.model.parameters import Parameters
from sim.model.rhs import initial_state
from sim.model.state import STATE_NAMES
from sim.numerics.solver import Method, check_method, integrate
from sim.running.results import Result, build_result
from sim.running.schedule import Bout, play


class Physiology:
    """One person's state over time, integrated lazily as the schedule asks.

    Parameters
    ----------
    c
        Per-run constants (:func:`compile_constants`).
    sample_h
        Output grid spacing [h].
    horizon_h
        End of the simulation [h].
    label
        Scenario name, for error messages.
    """

    def __init__(
        self, c: Any, sample_h: float, horizon_h: float, label: str, method: str = "exponential"
    ) -> None:
        self.c = c
        self.method = method
        self.t = 0.0
        self.y = initial_state(c)
        self.grid = np.arange(0.0, horizon_h + 1e-9, sample_h)
        self.label = label
        self._times: list[np.ndarray] = [np.array([0.0])]
        self._states: list[np.ndarray] = [self.y[None, :].copy()]
        self._segment = 0

    def _integrate(self, t1: float, drive: Drive, record_end: bool) -> None:
        if t1 <= self.t + 1e-12:
            return
        lo, hi = np.searchsorted(self.grid, [self.t, t1], side="right")
        t_out = self.grid[lo:hi]
        t_out = t_out[(t_out > self.t + 1e-9) & (t_out < t1 - 1e-9)]
        self._segment += 1
        states, y1 = integrate(
            self.c,
            self.y,
            self.t,
            t1,
            drive,
            t_out,
            label=f"{self.label!r} #{self._segment}",
            method=self.method,
        )
        on_grid = hi > lo and abs(self.grid[hi - 1] - t1) < 1e-9
        self._times.append(t_out)
        self._states.append(states)
        if record_end or on_grid:
            self._times.append(np.array([t1]))
            self._states.append(y1[None, :])
        self.t, self.y = t1, y1

    def state(self) -> dict[str, float]:
        """The current state by name."""
        return dict(zip(STATE_NAMES, self.y.tolist()))

    def advance(self, to_t: float) -> dict[str, float]:
        """Integrate at rest up to ``to_t`` [h] and return the state there."""
        self._integrate(to_t, REST, record_end=True)
        return self.state()

    def perform(self, bout: Bout) -> None:
        """Integrate through a bout's segments (the bout must start now)."""
        for i, (_t0, t1, drive) in enumerate(bout.segments):
            self._integrate(t1, drive, record_end=i == len(bout.segments) - 1)

    def finish(self, horizon_h: float) -> tuple[np.ndarray, np.ndarray]:
        """Integrate to the horizon; return sample times and states (duplicates removed)."""
        self._integrate(horizon_h, REST, record_end=True)
        times = np.concatenate(self._times)
        states = np.concatenate(self._states)
        times, first = np.unique(np.round(times, 9), return_index=True)
        return times, states[first]


def subject_from_scenario(scenario: Any) -> Subject:
    """The model's view of a scenario's participant, recovery and background activity."""
    p = scenario.participant
    return Subject(
        age_years=p.age_years,
        bdnf_genotype=p.bdnf_genotype,
        cognitive_status=p.cognitive_status,
        sleep_h=scenario.recovery.sleep_h,
        protein_g_per_kg=scenario.recovery.protein_g_per_kg,
        steps_per_day=scenario.background.steps_per_day,
        baseline_strength_rel=p.baseline_strength_rel or 1.0,
        baseline_fitness_rel=p.baseline_fitness_rel or 1.0,
        baseline_igf1_ng_mL=p.baseline_igf1_ng_mL,
        pathology_load=p.pathology_load,
        pathology_progression_per_yr=p.pathology_progression_per_yr,
    )


def simulate(
    scenario: Scenario,
    params: Parameters | None = None,
    sample_min: float | None = None,
    seed: int | None = None,
    method: Method = "exponential",
) -> Result:
    """Run one scenario.

    Parameters
    ----------
    scenario
        A validated :class:`sim.input.scenario.Scenario`.
    params
        Base parameters (defaults if ``None``); the scenario's overrides are applied on top.
    sample_min
        Output sampling [min]; the scenario's own ``sample_min`` if ``None``.
    seed
        Seed of the attendance draws; the scenario's own ``seed`` if ``None``.
    method
        The solver: ``"exponential"`` (the default, an exponential Runge-Kutta method),
        ``"lsoda"`` or ``"reference"`` (LSODA with tight tolerances); see
        :mod:`sim.numerics.solver`.

    Returns
    -------
    Result
        Time series, bouts, metrics and provenance.

    Raises
    ------
    sim.input.limits.LimitError
        Before anything is integrated, if the time series would have more rows than the
        limit of :mod:`sim.input.limits` (2,000,000; environment variable ``MUSCLEBRAIN_MAX_ROWS``).

    Examples
    --------
    >>> result = simulate(load_scenario("scenarios/aerobic.yaml"))  # doctest: +SKIP
    >>> result.metrics["fitness_change_pct"]  # doctest: +SKIP
    """
    check_method(method)
    params = (params or Parameters()).with_overrides(dict(scenario.parameters))
    seed = scenario.seed if seed is None else seed
    sample_min = scenario.sample_min if sample_min is None else sample_min
    check_run_size(scenario, sample_min)  # before any allocation: refuse what would not fit
    sample_h = sample_min / 60.0
    horizon = (scenario.duration_weeks + scenario.follow_up_weeks) * HOURS_PER_WEEK
    c = compile_constants(params, subject_from_scenario(scenario))
    body = Physiology(c, sample_h, horizon, scenario.name, method)
    bouts = play(
        expand_regimen(scenario),
        body,
        scenario.progression,
        scenario.adherence,
        np.random.default_rng(seed),
        horizon,
    )
    times, states = body.finish(horizon)
    return build_result(scenario, params, c, seed, times, states, bouts)
