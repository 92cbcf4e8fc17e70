"""The ensemble engine: per-member parameters and streams, chunked runs (sim/running/ensemble.py).

What it must do (issue 13, "Ensemble engine"): any model parameter can vary per member, checked
against its bounds, and each member then agrees with a single run of a scenario overriding that
parameter (also when the parameter is a fast rate, which enters the linear operator); every
member's draws come from their own streams, so the same ensemble run as one chunk, as many, or
as many in shuffled order gives byte-identical arrays.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest

from sim.analyses.trial.run import trial_reads
from sim.errors import ParameterError
from sim.input.population import Population
from sim.input.scenario import load_scenario
from sim.model.parameters import DEFAULTS as DEFAULT_PARAMS
from sim.numerics.per_member import operator_groups
from sim.running.cohort import cohort_constants, simulate_cohort
from sim.running.ensemble import Ensemble, merge, run_chunk, run_ensemble
from sim.running.members import member_parameter_matrix
from sim.running.results import compute_metrics
from sim.running.simulation import simulate
from sim.running.streams import _GAMMA, _mix, normals, sample_members, stream_key, uniforms
from tests.conftest import SCENARIOS
from tests.unit.test_cohort import NOT_FROM_WEEKLY, people

TRIAL_READS = trial_reads("cognition_z")

# Per-member values of a fast rate (lactate, brain BDNF: they enter the linear operator), of a
# slow time constant and of a plain gain; members 0 and 3 share their lactate half-time.
VARIED = {
    "lactate_half_time_h": [0.15, 0.225, 0.4, 0.15],
    "bdnf_brain_tau_h": [1.0, 1.5, 3.0, 1.5],
    "strength_detraining_tau_h": [3000.0, 4380.0, 8000.0, 4380.0],
    "reserve_weight_strength": [1.0, 2.0, 4.0, 3.0],
}
TIGHT = 1e-3  # relative (floor 1e-2); the cohort's tolerance puts it ~1.5e-4 from single runs


def test_each_member_with_own_parameters_agrees_with_a_single_run_overriding_them() -> None:
    scenario = load_scenario(SCENARIOS / "combined.yaml")
    weeks = tuple(float(w) for w in range(scenario.total_weeks + 1))
    result = simulate_cohort(
        scenario, people(4), seed=scenario.seed, assessments_weeks=weeks, member_params=VARIED
    )
    for i in range(4):
        own = {name: values[i] for name, values in VARIED.items()}
        single = simulate(scenario.model_copy(update={"parameters": own})).metrics
        columns = {name: values[:, i] for name, values in result.columns.items()}
        got = compute_metrics(result.times_h, columns, (), result.training_end_h)
        got["sessions_planned"] = float(result.sessions_planned)
        got["sessions_completed"] = float(result.sessions_completed[i])
        bad = {
            name: (got[name], ref)
            for name, ref in single.items()
            if name in got
            and name not in NOT_FROM_WEEKLY
            and abs(got[name] - ref) > TIGHT * max(abs(ref), 1e-2)
        }
        assert not bad, f"member {i} {own}: (cohort, single) {bad}"


def test_members_share_an_operator_unless_their_fast_rates_differ() -> None:
    pop = Population()
    group = people(4, age_years=[60.0, 65.0, 70.0, 80.0], genotype=[0, 1, 2, 0])

    def groups(varied: dict[str, Any]) -> list[list[int]]:
        matrix = member_parameter_matrix(varied, 4)
        c = cohort_constants(DEFAULT_PARAMS, group, pop, matrix)
        return [g.tolist() for g in operator_groups(c, 4)]

    assert groups({}) == [[0, 1, 2, 3]]  # people differ, parameters do not
    slow = {k: VARIED[k] for k in ("strength_detraining_tau_h", "reserve_weight_strength")}
    assert groups(slow) == [[0, 1, 2, 3]]
    assert groups({"lactate_half_time_h": VARIED["lactate_half_time_h"]}) == [[0, 3], [1], [2]]
    assert groups(VARIED) == [[0], [1], [2], [3]]


@pytest.mark.parametrize(
    ("varied", "message"),
    [
        (
            {"lactate_half_time_h": [0.2, 0.7, 0.3]},
            "parameter 'lactate_half_time_h' = 0.7 for member 1 is outside its bounds: "
            "use a value between 0.1 and 0.5 (h)",
        ),
        (
            {"lactate_half_time_h": [0.2, 0.7, 0.05]},
            "for member 1 is outside its bounds: use a value between 0.1 and 0.5 (h) "
            "(2 members are out of bounds)",
        ),
        ({"bdnf_brain_tau_h": [1.0, float("nan"), 1.0]}, "= nan for member 1 is not finite"),
        ({"lactate_halftime_h": [0.2] * 3}, "did you mean 'lactate_half_time_h'"),
        ({"lactate_half_time_h": [0.2] * 2}, "give one value per member (3)"),
        ({"lactate_half_time_h": ["a", "b", "c"]}, "must be numbers"),
    ],
)
def test_bad_per_member_parameters_are_named_with_value_member_and_bounds(
    varied: dict[str, Any], message: str
) -> None:
    with pytest.raises(ParameterError) as caught:
        member_parameter_matrix(varied, 3)
    assert message in str(caught.value)
    scenario = load_scenario(SCENARIOS / "combined.yaml").first_weeks(1)
    with pytest.raises(ParameterError):
        simulate_cohort(scenario, people(3), member_params=varied)


def test_streams_are_splitmix64_and_draws_do_not_depend_on_the_other_members() -> None:
    # SplitMix64 from state 0: first output 0xE220A8397B1DCDAF (Steele, Lea & Flood 2014).
    assert int(_mix(np.zeros(1, dtype=np.uint64) + _GAMMA)[0]) == 0xE220A8397B1DCDAF
    k = stream_key(5, 7, 1)
    everyone = uniforms(k, np.arange(100), 9)
    np.testing.assert_array_equal(uniforms(k, np.array([42, 3]), 9), everyone[[42, 3]])
    assert everyone.min() > 0.0 and everyone.max() < 1.0
    assert stream_key(5, 7, 2) != k and stream_key(6, 7, 1) != k and stream_key(5, 8, 1) != k
    z = normals(k, np.arange(20_000), 3)
    assert abs(z.mean()) < 4.0 / np.sqrt(z.size) and abs(z.std() - 1.0) < 0.01
    assert abs(np.corrcoef(z[:, 0], z[:, 1])[0, 1]) < 4.0 / np.sqrt(len(z))
    pop = Population()
    all_of_them = sample_members(pop, np.arange(50), 1, 2)
    some = sample_members(pop, np.array([49, 7]), 1, 2)
    for name, column in all_of_them.items():
        np.testing.assert_array_equal(some[name], column[[49, 7]], err_msg=name)


def serialised(result: Any) -> bytes:
    """Every array of an ensemble result, in a fixed order, as bytes."""
    out = io.BytesIO()
    arrays = [result.members, result.times_h, result.sessions_completed]
    arrays += [result.columns[k] for k in sorted(result.columns)]
    arrays += [getattr(result.people, k) for k in sorted(vars(result.people)) if k != "extra"]
    for a in arrays:
        np.save(out, np.ascontiguousarray(a), allow_pickle=False)
    return out.getvalue()


@pytest.mark.parametrize("reported", [None, TRIAL_READS], ids=["every state", "a trial's"])
def test_same_ensemble_in_one_chunk_many_chunks_or_shuffled_gives_identical_bytes(
    reported: tuple[str, ...] | None,
) -> None:
    scenario = load_scenario(SCENARIOS / "combined.yaml").first_weeks(3)
    scenario = scenario.model_copy(
        update={"adherence": scenario.adherence.model_copy(update={"attendance": 0.7})}
    )
    n = 22
    rng = np.random.default_rng(0)
    ensemble = Ensemble(
        scenario,
        n,
        seed=11,
        key=3,
        member_params={
            "reserve_weight_strength": rng.uniform(1.0, 3.0, n),
            "lactate_half_time_h": rng.choice([0.2, 0.3], n),
        },
        assessments_weeks=(0.0, 1.5, 3.0),
        block_size=4,
        reported=reported,
    )
    whole = run_ensemble(ensemble)
    assert whole.columns["reserve_built"].shape == (3, n)
    assert (
        0 < whole.sessions_completed.min() < whole.sessions_completed.max() < whole.sessions_planned
    )
    chunks = ensemble.chunks(8)
    order = rng.permutation(len(chunks))
    shuffled = merge([run_chunk(ensemble, chunks[i]) for i in order])
    expected = serialised(whole)
    assert serialised(run_ensemble(ensemble, chunk_size=4)) == expected
    assert serialised(run_ensemble(ensemble, chunk_size=12)) == expected
    assert serialised(shuffled) == expected
    with pytest.raises(ValueError, match="multiple of the block size 4"):
        ensemble.chunks(6)


def test_people_integrated_for_what_a_trial_reads_agree_with_every_state_integrated() -> None:
    # Reading fewer states only relaxes the unread fast states' own errors (their effect on
    # the read states is still counted): the read states agree within the cohort tolerance's
    # share of their change (measured 2.7e-4 of a SMART arm's change; allowed 1e-3 here).
    scenario = load_scenario(SCENARIOS / "combined.yaml").first_weeks(8)
    runs = {
        reported: run_ensemble(Ensemble(scenario, 60, seed=4, key=9, reported=reported))
        for reported in (None, TRIAL_READS)
    }
    for name in ("cognition_z", "strength_rel", "fitness_rel"):
        every, read = runs[None].columns[name], runs[TRIAL_READS].columns[name]
        change = np.abs(every[-1] - every[0]).max()
        assert change > 0 and np.abs(read - every).max() <= 1e-3 * change, name
    # and the two took different steps (the relaxed control was in use)
    assert not np.array_equal(
        runs[None].columns["lactate_mmol_L"], runs[TRIAL_READS].columns["lactate_mmol_L"]
    )
