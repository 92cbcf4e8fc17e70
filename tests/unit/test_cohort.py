"""The cohort engine (sim/running/cohort.py, sim/numerics/cohort_solver.py) against the single-run path.

What the cohort must reproduce (issue 5): one person simulated as a cohort agrees with
``sim.running.simulation.simulate`` within 0.5 % on the summary metrics; so does each person of a
mixed cohort, whose integration shares one linear operator and one step size; the same seed
gives the same cohort; the sampled characteristics follow their documented distributions;
states stay finite and non-negative; people who attend no session keep the untrained state.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np
import pytest

from sim.input.scenario import load_scenario
from sim.model.constants import COGNITIVE_STATUSES, compile_constants, igf1_age_baseline_ng_mL
from sim.model.parameters import DEFAULTS
from sim.model.rhs import initial_state
from sim.model.state import IX, STATE_NAMES
from sim.running.cohort import (
    GENOTYPE_CODES,
    People,
    Population,
    cohort_constants,
    sample_people,
    simulate_cohort,
)
from sim.running.results import compute_metrics
from sim.running.simulation import simulate
from sim.running.streams import sample_members
from tests.conftest import SCENARIOS

TOLERANCE = 5e-3  # the bar: 0.5 %
FLOOR = 1e-2  # relative to max(|single run|, FLOOR): metrics that are ~0 compare absolutely
# Metrics the cohort cannot report from weekly assessments: peaks of minute-scale pulses and
# the fraction of time in a band (a crossing between two weekly samples).
NOT_FROM_WEEKLY = {"il6_peak_pg_mL", "lactate_peak_mmol_L", "igf1_midrange_fraction"}
SHIPPED = ("aerobic", "resistance", "combined", "hiit", "detraining")


def people(n: int = 1, **columns: Any) -> People:
    """``n`` people who are the scenarios' default participant unless ``columns`` say else."""
    default = {
        "age_years": 65.0,
        "female": True,
        "genotype": 0,
        "status": 0,
        "baseline_strength_rel": 1.0,
        "baseline_fitness_rel": 1.0,
        "igf1_factor": 1.0,
        "strength_responsiveness": 1.0,
        "fitness_responsiveness": 1.0,
        "attendance_factor": 1.0,
    }
    default.update(columns)
    return People(**{k: np.broadcast_to(np.asarray(v), (n,)).copy() for k, v in default.items()})


def as_participant(scenario: Any, group: People, i: int) -> Any:
    """``scenario`` with person ``i`` of ``group`` as its participant (for ``simulate``)."""
    age = float(group.age_years[i])
    participant = scenario.participant.model_copy(
        update={
            "age_years": age,
            "bdnf_genotype": GENOTYPE_CODES[int(group.genotype[i])],
            "cognitive_status": COGNITIVE_STATUSES[int(group.status[i])],
            "baseline_strength_rel": float(group.baseline_strength_rel[i]),
            "baseline_fitness_rel": float(group.baseline_fitness_rel[i]),
            "baseline_igf1_ng_mL": igf1_age_baseline_ng_mL(DEFAULTS, age)
            * float(group.igf1_factor[i]),
        }
    )
    return scenario.model_copy(update={"participant": participant})


def weekly_metrics(scenario: Any, group: People, i: int) -> dict[str, float]:
    """Person ``i``'s summary metrics from a cohort run assessed every week.

    The metric definitions are :func:`sim.running.results.compute_metrics` itself, fed with the
    cohort's weekly states instead of the single run's fine time series.
    """
    weeks = tuple(float(w) for w in range(scenario.total_weeks + 1))
    result = simulate_cohort(scenario, group, seed=scenario.seed, assessments_weeks=weeks)
    columns = {name: values[:, i] for name, values in result.columns.items()}
    metrics = compute_metrics(result.times_h, columns, (), result.training_end_h)
    metrics["sessions_planned"] = float(result.sessions_planned)
    metrics["sessions_completed"] = float(result.sessions_completed[i])
    return metrics


def assert_metrics_agree(got: dict[str, float], want: dict[str, float]) -> None:
    """Every comparable metric within TOLERANCE of the single run, relative (FLOOR)."""
    bad = {
        name: (got[name], ref)
        for name, ref in want.items()
        if name not in NOT_FROM_WEEKLY and abs(got[name] - ref) > TOLERANCE * max(abs(ref), FLOOR)
    }
    assert not bad, f"cohort vs single run (cohort, single): {bad}"


@pytest.mark.parametrize("name", SHIPPED)
def test_one_default_person_agrees_with_the_single_run(name: str) -> None:
    """A cohort of the scenario's own participant reproduces ``simulate`` (issue 5: 0.5 %)."""
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    assert_metrics_agree(weekly_metrics(scenario, people(), 0), simulate(scenario).metrics)


@pytest.mark.parametrize("name", ("combined", "hiit"))
def test_each_person_of_a_mixed_cohort_agrees_with_their_single_run(name: str) -> None:
    """People who differ in every sampled trait share the cohort's operator and steps, and
    still each match their own single run: the shared linear part is only a splitting."""
    group = people(
        4,
        age_years=[58.0, 65.0, 74.0, 83.0],
        genotype=[0, 1, 2, 1],
        status=[0, 1, 2, 0],
        baseline_strength_rel=[1.2, 1.0, 0.8, 0.7],
        baseline_fitness_rel=[0.8, 1.1, 1.0, 0.75],
        igf1_factor=[1.4, 1.0, 0.7, 1.2],
    )
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    for i in range(group.n):
        single = simulate(as_participant(scenario, group, i)).metrics
        assert_metrics_agree(weekly_metrics(scenario, group, i), single)


def test_attendance_draws_follow_the_single_run_with_the_same_seed() -> None:
    """With attendance below 1 the cohort of one draws the same sessions as ``simulate``."""
    scenario = load_scenario(SCENARIOS / "combined.yaml")
    adherence = scenario.adherence.model_copy(update={"attendance": 0.6})
    scenario = scenario.model_copy(update={"adherence": adherence})
    single = simulate(scenario).metrics
    assert 0 < single["sessions_completed"] < single["sessions_planned"]
    assert_metrics_agree(weekly_metrics(scenario, people(), 0), single)


def test_same_seed_same_cohort_and_results_other_seed_other_people() -> None:
    pop = Population()
    a = sample_people(pop, 50, np.random.default_rng(11))
    b = sample_people(pop, 50, np.random.default_rng(11))
    c = sample_people(pop, 50, np.random.default_rng(12))
    for f in fields(People):
        if f.name != "extra":
            np.testing.assert_array_equal(getattr(a, f.name), getattr(b, f.name))
    assert not np.array_equal(a.age_years, c.age_years)
    assert not np.array_equal(a.strength_responsiveness, c.strength_responsiveness)
    scenario = load_scenario(SCENARIOS / "combined.yaml").first_weeks(4)
    first, again = (simulate_cohort(scenario, g, pop, seed=5) for g in (a, b))
    np.testing.assert_array_equal(first.states, again.states)
    np.testing.assert_array_equal(first.sessions_completed, again.sessions_completed)
    other_schedule = simulate_cohort(scenario, a, pop, seed=6)
    assert not np.array_equal(first.sessions_completed, other_schedule.sessions_completed)


def within(values: np.ndarray, p: float, label: str) -> None:
    """The fraction of True in ``values`` is ``p`` within 4 binomial standard errors."""
    se = np.sqrt(p * (1.0 - p) / values.size)
    assert abs(values.mean() - p) < 4.0 * se, f"{label}: {values.mean():.4f} vs {p}"


def members(pop: Population, n: int) -> People:
    """``n`` people drawn from their own streams (sim/running/streams.py)."""
    return People(**sample_members(pop, np.arange(n), 2024, 17))


@pytest.mark.parametrize(
    "sample",
    (lambda pop, n: sample_people(pop, n, np.random.default_rng(2024)), members),
    ids=("one generator", "per-member streams"),
)
def test_sampled_distributions_match_their_documented_values(sample: Any) -> None:
    """Met allele ~0.2 in Hardy-Weinberg proportions (petryshen2010); ~7 % strength
    (ahtiainen2016) and ~17 % fitness (bouchard1999) non-responders, whose responsiveness is
    a tenth of a responder's; attendance factor Beta(a, 1) with mean a / (a + 1). Both
    samplers: one generator for a cohort, and each member's own streams (trials, ensembles)."""
    pop = Population(met_allele_frequency=0.2, status_weights=(0.7, 0.2, 0.1))
    n = 40_000
    group = sample(pop, n)
    q = pop.met_allele_frequency
    met = (group.genotype.sum()) / (2 * n)  # 1 Met allele in val/met, 2 in met/met
    assert abs(met - q) < 4.0 * np.sqrt(q * (1 - q) / (2 * n))
    for code, p in enumerate(((1 - q) ** 2, 2 * q * (1 - q), q * q)):
        within(group.genotype == code, p, GENOTYPE_CODES[code])
    for code, p in enumerate(pop.status_weights):
        within(group.status == code, p, COGNITIVE_STATUSES[code])
    within(group.female, pop.female_fraction, "female")
    # Responders are log-normal with mean 1 and their CV (fitness 0.3, strength 0.6); a
    # non-responder's responsiveness is a tenth of one. Below 0.25: the non-responders (all
    # but ~5e-4 of them) and the responders in the log-normal's lower tail.
    from scipy.stats import lognorm

    def below(cv: float, non: float) -> float:
        sigma = np.sqrt(np.log1p(cv * cv))
        tail = lognorm.cdf(0.25, sigma, scale=np.exp(-0.5 * sigma * sigma))
        return non * lognorm.cdf(2.5, sigma, scale=np.exp(-0.5 * sigma * sigma)) + (1 - non) * tail

    strength_cv, fitness_cv = pop.strength_responsiveness_cv, pop.responsiveness_cv
    low = below(strength_cv, pop.strength_nonresponder_fraction)
    within(group.strength_responsiveness < 0.25, low, "strength")
    within(group.fitness_responsiveness < 0.25, below(fitness_cv, pop.fitness_nonresponder_fraction),
           "fitness")  # fmt: skip
    responders = group.fitness_responsiveness[group.fitness_responsiveness >= 0.25]
    assert abs(responders.mean() - 1.0) < 4.0 * fitness_cv / np.sqrt(responders.size)
    spread = np.std(np.log(group.strength_responsiveness[group.strength_responsiveness >= 0.25]))
    assert abs(spread - np.sqrt(np.log1p(strength_cv**2))) < 0.05  # the strength spread
    a = pop.attendance_concentration
    sd = np.sqrt(a / ((a + 1) ** 2 * (a + 2)))
    assert abs(group.attendance_factor.mean() - a / (a + 1)) < 4.0 * sd / np.sqrt(n)
    assert group.age_years.min() >= pop.age_min_years
    assert group.age_years.max() <= pop.age_max_years
    assert abs(group.age_years.mean() - pop.age_mean_years) < 4.0 * pop.age_sd_years / np.sqrt(n)
    for name, cv in (("baseline_strength_rel", pop.strength_cv), ("igf1_factor", pop.igf1_cv)):
        values = getattr(group, name)
        assert abs(values.mean() - 1.0) < 4.0 * cv / np.sqrt(n), name
        assert abs(values.std() / values.mean() - cv) < 0.02 * cv + 4.0 * cv / np.sqrt(2 * n)


@pytest.mark.parametrize("name", ("combined", "hiit"))
def test_states_stay_finite_and_non_negative(name: str) -> None:
    pop = Population(status_weights=(0.6, 0.2, 0.2), strength_cv=0.3, igf1_cv=0.5)
    group = sample_people(pop, 300, np.random.default_rng(7))
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    weeks = tuple(float(w) for w in range(0, scenario.total_weeks + 1, 2))
    result = simulate_cohort(scenario, group, pop, seed=1, assessments_weeks=weeks)
    assert result.states.shape == (len(weeks), len(STATE_NAMES), group.n)
    assert np.all(np.isfinite(result.states))
    assert result.states.min() >= -1e-9, STATE_NAMES[int(np.argmin(result.states.min((0, 2))))]


def test_a_cohort_read_for_some_states_integrates_only_what_they_and_the_coach_need() -> None:
    """Read for FGF-21 alone, a cohort integrates its chain and what the coach reads
    (strength and fatigue, with what they depend on: autoregulation skips sessions by
    fatigue); the other states are not integrated and their columns are NaN. What is
    integrated agrees with the cohort integrated for every state within the cohort
    tolerance's share of its change (or of the integrator's floor, 1e-2, for what is near 0
    at the assessments), and the coach made the same decisions."""
    scenario = load_scenario(SCENARIOS / "smart_mci.yaml").first_weeks(6)
    group = sample_people(Population(), 40, np.random.default_rng(3))
    every = simulate_cohort(scenario, group, seed=2)
    read = simulate_cohort(scenario, group, seed=2, reported=("fgf21_rel",))
    integrated = {"fgf21_trigger", "fgf21_signal", "fgf21_rel"}
    integrated |= {"strength_rel", "fatigue", "rt_weekly_sets", "strength_pending"}
    for name in STATE_NAMES:
        column = read.columns[name]
        if name in integrated:
            change = np.abs(every.columns[name][-1] - every.columns[name][0]).max()
            assert np.abs(column - every.columns[name]).max() <= 1e-3 * max(change, 1e-2), name
        else:
            assert np.all(np.isnan(column)), name
    assert np.abs(np.diff(read.columns["strength_rel"], axis=0)).max() > 0.01  # trained
    assert np.all(np.isnan(read.columns["cognition_z"]))  # read off the reserve
    assert np.array_equal(read.sessions_completed, every.sessions_completed)
    assert every.sessions_completed.min() < read.sessions_planned  # some sessions were missed


def test_people_who_attend_nothing_keep_the_untrained_trajectory() -> None:
    """Without a session nothing is driven: strength, fitness, brain BDNF, inflammation and
    the reserve stay at rest (to the integrator's local error bound, ``rtol`` x the 1e-2
    floor: the shared operator couples them to the trained people's states), IGF-1 and
    cognition follow ``simulate`` on the sedentary scenario for that person, and their
    trained neighbours do change."""
    group = people(
        4,
        age_years=[60.0, 72.0, 60.0, 72.0],
        genotype=[0, 2, 0, 2],
        baseline_strength_rel=[0.9, 1.3, 0.9, 1.3],
        igf1_factor=[0.8, 1.3, 0.8, 1.3],
        attendance_factor=[0.0, 0.0, 1.0, 1.0],
    )
    combined = load_scenario(SCENARIOS / "combined.yaml")
    weeks = (0.0, 6.0, 12.0, 24.0)
    result = simulate_cohort(combined, group, seed=1, assessments_weeks=weeks)
    np.testing.assert_array_equal(result.sessions_completed, [0, 0, 120, 120])
    sedentary = load_scenario(SCENARIOS / "sedentary.yaml")
    for i in (0, 1):
        rest = initial_state_of(group, i)
        for name in ("strength_rel", "fitness_rel", "bdnf_brain_rel", "reserve_built"):
            want = rest[getattr(IX, name)]
            np.testing.assert_allclose(result.columns[name][:, i], want, rtol=1e-6, atol=1e-5)
        np.testing.assert_allclose(result.columns["inflammation_rel"][:, i], 1.0, atol=1e-5)
        single = simulate(as_participant(sedentary, group, i))
        for j, t in enumerate(result.times_h):
            for name in ("igf1_ng_mL", "cognition_z", "reserve"):
                want = single.at(name, float(t))
                got = result.columns[name][j, i]
                assert abs(got - want) <= TOLERANCE * max(abs(want), FLOOR), (name, t)
        trained = result.columns["strength_rel"][-1, i + 2]
        assert trained > 1.05 * group.baseline_strength_rel[i + 2]


def initial_state_of(group: People, i: int) -> np.ndarray:
    """Resting state of person ``i`` from the single-run constants of their participant."""
    from sim.model.constants import compile_constants
    from sim.running.simulation import subject_from_scenario

    scenario = as_participant(load_scenario(SCENARIOS / "sedentary.yaml"), group, i)
    return initial_state(compile_constants(DEFAULTS, subject_from_scenario(scenario)))


def test_person_scales_make_the_age_dependent_il6_coupling_the_operators() -> None:
    # Plasma IL-6 released per unit of muscle signal carries each person's age factor, so
    # that coupling differs from the shared operator's. In the scaled states it must equal
    # the operator's for everybody: s_il6 / s_signal = factor_ref / factor_i, the reference
    # being the median person (closed form of the model's release term).
    from sim.model.parameters import Parameters
    from sim.numerics.cohort_solver import CohortIntegrator
    from sim.numerics.per_member import member_jacobian
    from sim.running.cohort import cohort_constants

    n = 40
    people = sample_people(Population(), n, np.random.default_rng(4))
    c = cohort_constants(Parameters(), people, Population()).vectorised()
    factor = np.asarray(c.il6_age_factor)
    assert np.ptp(factor) > 0.2 * np.median(factor)  # the ages make it differ
    integrator = CohortIntegrator(c, n)
    y = initial_state(c, n)
    op = integrator._rebuild(c, 0.0, y)
    scale = integrator._scale
    assert scale is not None
    i6, m = IX.il6_pg_mL, IX.il6_signal
    np.testing.assert_allclose(scale[i6] / scale[m], np.median(factor) / factor, rtol=1e-5)
    jac = member_jacobian(c, n, 0.0, y)
    np.testing.assert_allclose(jac[i6, m] * scale[i6] / scale[m], op.matrix[i6, m], rtol=1e-5)


def test_stacked_constants_are_each_persons_own_and_floats_where_all_agree() -> None:
    # The cohort's constants (one array entry per person where people differ) must be what
    # each person's single run compiles, value for value; a parameter's whole table is carried.
    pop = Population()
    cohort = sample_people(pop, 5, np.random.default_rng(3))
    c = cohort_constants(DEFAULTS, cohort, pop)
    assert set(DEFAULTS.names()) <= set(vars(c))
    assert DEFAULTS.as_dict() == {name: getattr(DEFAULTS, name) for name in DEFAULTS.names()}
    for i in range(cohort.n):
        own = vars(compile_constants(DEFAULTS, cohort.subject(i, pop)))
        for key, value in vars(c).items():
            if key in ("exp", "igf1_scale", "igf1_start_ng_mL"):  # IGF-1: the sampled factor
                continue
            mine = value[i] if isinstance(value, np.ndarray) else value
            assert mine == own[key], key
    assert isinstance(c.age0_years, np.ndarray) and isinstance(c.lactate_half_time_h, float)


def test_stacked_constants_carry_each_members_own_parameters() -> None:
    # Parameters varied member by member: each member's constants are those compiled with its
    # own parameters (derived constants included); a column where all agree stays a float.
    pop = Population()
    cohort = sample_people(pop, 4, np.random.default_rng(5))
    half = DEFAULTS.lactate_half_time_h
    matrix = {
        "lactate_half_time_h": np.array([0.5, 1.0, 1.5, 2.0]) * half,
        "reserve_build_per_h": np.full(4, DEFAULTS.reserve_build_per_h),
    }
    c = cohort_constants(DEFAULTS, cohort, pop, matrix)
    assert np.array_equal(c.lactate_half_time_h, matrix["lactate_half_time_h"])
    assert isinstance(c.reserve_build_per_h, float)
    for i in range(cohort.n):
        own = DEFAULTS.with_overrides(
            {"lactate_half_time_h": float(matrix["lactate_half_time_h"][i])}
        )
        mine = vars(compile_constants(own, cohort.subject(i, pop)))
        assert c.lactate_clearance_per_h[i] == mine["lactate_clearance_per_h"]
