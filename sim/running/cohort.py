"""Virtual cohorts: the same model integrated for N individuals at once.

Every person follows the scenario's plan (the same calendar), with their own sampled
characteristics, responsiveness and attendance. States are arrays of shape ``(N_STATES, N)``
and drives hold one value per person, so each integration step is one vectorised call for
everybody (no Python loop per person per step). The SimPy schedule plays the plan once for
the whole cohort through :class:`CohortCoach` and :class:`CohortBody`; the numerics (the
single run's ETD3RK scheme with one linear operator and one step size for everybody) are in
:mod:`sim.numerics.cohort_solver`. A single run keeps its own, faster path behind the same
schedule interface: :mod:`sim.running.simulation` says why, with the measurement.

Population distributions (:class:`Population`; illustrative unless a source is given):
age normal (clipped); Val66Met genotypes in Hardy-Weinberg proportions from the Met allele
frequency (~0.2, ``petryshen2010``); baseline strength, fitness and IGF-1 log-normal around
the age-expected values; strength and fitness responsiveness log-normal, with a fraction of
non-responders (responsiveness x0.1): ~7 % for strength (``ahtiainen2016``) and ~17 % for
fitness (``bouchard1999``); attendance beta-distributed around the scenario's attendance.

*Per-member parameters.* :func:`simulate_cohort` takes ``member_parameters``, a mapping from any
model parameter's name to one value per person (checked by
:func:`sim.running.members.member_parameter_matrix`), applied on top of the scenario's
overrides; members whose fast rates differ are integrated with operators of their own
(:func:`sim.numerics.member_solver.cohort_integrator`: by groups of equal fast rates, or each
member with an operator of its own when they nearly all differ).

*Attendance draws.* By default one generator seeded by ``seed`` draws everybody's attendance,
session by session (a cohort of one thus draws what :func:`sim.running.simulation.simulate` does
with the same seed). Given ``attendance_draws``, one uniform per person and planned session
(from each member's own stream, :mod:`sim.running.streams`), person ``i`` attends session ``j``
when ``attendance_draws[i, j]`` is below their attendance: nobody's draws then depend on who
else is in the cohort (:mod:`sim.running.ensemble`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.input.population import Population
from sim.input.regimen import HOURS_PER_WEEK, expand_regimen
from sim.model.constants import (
    COGNITIVE_STATUSES,
    GENOTYPES,
    Constants,
    Subject,
    derived_constants,
    igf1_age_baseline_ng_mL,
)
from sim.model.drive import REST, Drive
from sim.model.parameters import Parameters
from sim.model.rhs import initial_state, observables
from sim.model.state import IX, STATE_NAMES
from sim.numerics.etd3 import ExponentialSettings
from sim.numerics.member_solver import cohort_integrator
from sim.running.members import member_parameter_matrix, member_parameters
from sim.running.results import tidy_column
from sim.running.schedule import COACH_READS, CohortBout, CohortCoach, play

GENOTYPE_CODES = GENOTYPES  # a person's genotype is an index into this


@dataclass(frozen=True)
class People:
    """Sampled individuals: one array entry per person."""

    age_years: np.ndarray
    female: np.ndarray
    genotype: np.ndarray
    status: np.ndarray
    baseline_strength_rel: np.ndarray
    baseline_fitness_rel: np.ndarray
    igf1_factor: np.ndarray
    strength_responsiveness: np.ndarray
    fitness_responsiveness: np.ndarray
    attendance_factor: np.ndarray
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of people."""
        return len(self.age_years)

    def subject(self, i: int, pop: Population, baseline_igf1_ng_mL: float | None = None) -> Subject:
        """Person ``i`` as a :class:`Subject` (for the single-run path and for constants), with
        IGF-1 at ``baseline_igf1_ng_mL`` (``None``: the age's median)."""
        return Subject(
            age_years=float(self.age_years[i]),
            bdnf_genotype=GENOTYPE_CODES[int(self.genotype[i])],
            cognitive_status=COGNITIVE_STATUSES[int(self.status[i])],
            sleep_h=pop.sleep_h,
            protein_g_per_kg=pop.protein_g_per_kg,
            steps_per_day=pop.steps_per_day,
            baseline_strength_rel=float(self.baseline_strength_rel[i]),
            baseline_fitness_rel=float(self.baseline_fitness_rel[i]),
            strength_responsiveness=float(self.strength_responsiveness[i]),
            fitness_responsiveness=float(self.fitness_responsiveness[i]),
            baseline_igf1_ng_mL=baseline_igf1_ng_mL,
        )


def _lognormal(rng: np.random.Generator, cv: float, n: int) -> np.ndarray:
    sigma = np.sqrt(np.log1p(cv * cv))
    return rng.lognormal(-0.5 * sigma * sigma, sigma, n)


def _responsiveness(rng: np.random.Generator, cv: float, non: float, n: int) -> np.ndarray:
    r = _lognormal(rng, cv, n)
    return np.where(rng.random(n) < non, 0.1 * r, r)


def sample_people(pop: Population, n: int, rng: np.random.Generator) -> People:
    """Draw ``n`` people from ``pop`` with the seeded generator ``rng``."""
    age = np.clip(
        rng.normal(pop.age_mean_years, pop.age_sd_years, n), pop.age_min_years, pop.age_max_years
    )
    q = pop.met_allele_frequency
    genotype = rng.choice(3, size=n, p=[(1 - q) ** 2, 2 * q * (1 - q), q * q])
    weights = np.asarray(pop.status_weights, dtype=float)
    status = rng.choice(3, size=n, p=weights / weights.sum())
    return People(
        age_years=age,
        female=rng.random(n) < pop.female_fraction,
        genotype=genotype,
        status=status,
        baseline_strength_rel=_lognormal(rng, pop.strength_cv, n),
        baseline_fitness_rel=_lognormal(rng, pop.fitness_cv, n),
        igf1_factor=_lognormal(rng, pop.igf1_cv, n),
        strength_responsiveness=_responsiveness(
            rng, pop.strength_responsiveness_cv, pop.strength_nonresponder_fraction, n
        ),
        fitness_responsiveness=_responsiveness(
            rng, pop.responsiveness_cv, pop.fitness_nonresponder_fraction, n
        ),
        attendance_factor=rng.beta(pop.attendance_concentration, 1.0, n),
    )


def cohort_constants(
    params: Parameters,
    people: People,
    pop: Population,
    member_params: Mapping[str, np.ndarray] | None = None,
) -> Constants:
    """Per-person constants stacked into arrays (only the ones that differ between people).

    ``member_params`` (checked by :func:`sim.running.members.member_parameter_matrix`) replaces
    parameters of ``params`` person by person.
    """
    matrix = member_params or {}
    derived = []
    for i in range(people.n):
        own = member_parameters(params, matrix, i)
        igf1 = igf1_age_baseline_ng_mL(own, float(people.age_years[i])) * people.igf1_factor[i]
        derived.append(derived_constants(own, people.subject(i, pop, igf1)))
    return stack_constants(params, matrix, derived)


def stack_constants(
    params: Parameters, matrix: Mapping[str, np.ndarray], derived: Sequence[Mapping[str, Any]]
) -> Constants:
    """Members' constants as one :class:`Constants`, those of
    :func:`~sim.model.constants.compile_constants` for each: ``params`` with the members' own
    values of the parameters in ``matrix`` (one per member each), and each member's
    :func:`~sim.model.constants.derived_constants` (``derived``). A float where every member
    agrees, an array of one value per member where they differ."""
    values: dict[str, Any] = params.as_dict()
    for name, column in matrix.items():
        values[name] = _merged(float(column[0]), np.asarray(column, dtype=float))
    values["exp"] = np.exp
    for key, first in derived[0].items():
        values[key] = _merged(first, np.array([d[key] for d in derived], dtype=float))
    return Constants(values)


def _merged(first: Any, column: np.ndarray) -> Any:
    """``first`` (the first member's value) if every member's equals it, else ``column``."""
    return first if np.all(column == first) else column


class CohortBody:
    """Everybody's state, integrated together; records snapshots at assessment times.

    The integrator ends steps on the assessment times, so every snapshot is a step end.
    """

    def __init__(
        self,
        c: Constants,
        n: int,
        assessments_h: np.ndarray,
        settings: ExponentialSettings | None = None,
        label: str = "cohort",
        reported: Sequence[str] | None = None,
    ) -> None:
        self.c, self.n, self.label = c.vectorised(), n, label
        self.integrator = cohort_integrator(c, n, settings, reported, COACH_READS)
        self.y = initial_state(c, n)
        self.t = 0.0
        self.assessments = np.asarray(assessments_h, dtype=float)
        self.snapshots: dict[float, np.ndarray] = {}
        self._segment = 0
        if self.assessments.size and self.assessments[0] <= 0.0:
            self.snapshots[0.0] = self.y.copy()

    def _integrate(self, t1: float, drive: Drive) -> None:
        if t1 <= self.t + 1e-12:
            return
        a = self.assessments
        inside = a[(a > self.t + 1e-9) & (a < t1 - 1e-9)]
        self._segment += 1
        out, self.y = self.integrator.run(
            self.c,
            self.y,
            (self.t, t1),
            drive,
            t_out=inside,
            label=f"{self.label!r} #{self._segment}",
        )
        self.snapshots.update({float(t): y for t, y in zip(inside, out, strict=True)})
        if np.any(np.abs(a - t1) < 1e-9):
            self.snapshots[float(t1)] = self.y.copy()
        self.t = t1

    def advance(self, to_t: float) -> dict[str, np.ndarray]:
        """Integrate everybody at rest up to ``to_t`` [h]; return the states by name."""
        self._integrate(to_t, REST)
        return {name: self.y[i] for i, name in enumerate(STATE_NAMES)}

    def perform(self, bout: CohortBout) -> None:
        """Integrate through a session (people who miss it have zero drive)."""
        for _t0, t1, drive in bout.segments:
            self._integrate(t1, drive)


@dataclass(frozen=True)
class CohortResult:
    """States of everybody at the assessment times, and per-person summary metrics."""

    times_h: np.ndarray
    states: np.ndarray  # (n_times, N_STATES, N)
    columns: dict[str, np.ndarray]  # name -> (n_times, N), states and observables
    sessions_completed: np.ndarray
    sessions_planned: int
    training_end_h: float


def simulate_cohort(
    scenario: Any,
    people: People,
    pop: Population | None = None,
    params: Parameters | None = None,
    seed: int = 0,
    assessments_weeks: tuple[float, ...] | None = None,
    settings: ExponentialSettings | None = None,
    member_params: Mapping[str, Any] | None = None,
    attendance_draws: np.ndarray | None = None,
    reported: Sequence[str] | None = None,
) -> CohortResult:
    """Run everybody in ``people`` through ``scenario``'s regimen.

    Assessments default to the start, the end of training and the end of follow-up.
    ``member_params`` maps parameter names to one value per person (on top of the scenario's
    overrides); ``attendance_draws`` (shape ``(N, sessions planned)``, uniforms in (0, 1))
    replaces the draws from ``seed`` (see the module docstring). ``reported`` names the
    states the caller reads (``None``: all): only they and the states they depend on are
    integrated, with those the coach reads (:data:`~sim.running.schedule.COACH_READS`), and
    the other states' columns (and the observables read off them) are NaN; of the states
    integrated, the fast ones nobody reads are held less tightly
    (:mod:`sim.numerics.transients`).

    Raises
    ------
    ParameterError
        For a per-member parameter that is unknown, of the wrong length or out of bounds.
    """
    pop = pop or Population()
    params = (params or Parameters()).with_overrides(dict(scenario.parameters))
    matrix = member_parameter_matrix(member_params, people.n)
    c = cohort_constants(params, people, pop, matrix)
    attendance = np.clip(scenario.adherence.attendance * people.attendance_factor, 0.0, 1.0)
    return play_cohort(
        scenario,
        c,
        people.n,
        attendance,
        seed,
        attendance_draws,
        assessments_weeks,
        settings,
        reported,
    )


def play_cohort(
    scenario: Any,
    c: Constants,
    n: int,
    attendance: np.ndarray,
    seed: int = 0,
    attendance_draws: np.ndarray | None = None,
    assessments_weeks: tuple[float, ...] | None = None,
    settings: ExponentialSettings | None = None,
    reported: Sequence[str] | None = None,
) -> CohortResult:
    """Play ``scenario``'s plan for ``n`` members with stacked constants ``c``
    (:func:`stack_constants`) and attendance probabilities ``attendance``; the arguments
    are those of :func:`simulate_cohort`, ``reported`` included
    (:func:`sim.numerics.member_solver.cohort_integrator`)."""
    training_end = scenario.duration_weeks * HOURS_PER_WEEK
    horizon = training_end + scenario.follow_up_weeks * HOURS_PER_WEEK
    weeks = assessments_weeks or (
        0.0,
        float(scenario.duration_weeks),
        float(scenario.duration_weeks + scenario.follow_up_weeks),
    )
    times = np.unique(np.asarray(weeks, dtype=float) * HOURS_PER_WEEK)
    body = CohortBody(c, n, times, settings, scenario.name, reported)
    rng = np.random.default_rng(seed)
    plan = expand_regimen(scenario)
    if attendance_draws is not None and np.shape(attendance_draws) != (n, len(plan)):
        raise ValueError(
            f"attendance_draws has shape {np.shape(attendance_draws)}: "
            f"need ({n}, {len(plan)}), one per person and planned session"
        )
    coach = CohortCoach(scenario.progression, scenario.adherence, attendance, rng, attendance_draws)
    log = play(plan, body, scenario.progression, scenario.adherence, rng, horizon, coach=coach)
    body.advance(horizon)
    states = np.stack([body.snapshots[float(t)] for t in times])
    if body.integrator.integrated is not None:  # the states nobody reads were not integrated
        states[:, ~body.integrator.integrated] = np.nan
    columns = {name: states[:, i, :] for i, name in enumerate(STATE_NAMES)}
    obs = observables(c, times[:, None], states.transpose(1, 0, 2))
    columns.update(obs)
    columns = {name: tidy_column(name, v) for name, v in columns.items()}
    completed = np.sum([b.completed for b in log], axis=0) if log else np.zeros(n, dtype=int)
    assert states.shape[1] == len(STATE_NAMES) and IX.lactate_mmol_L == 0
    return CohortResult(times, states, columns, np.asarray(completed), len(plan), training_end)
