"""Ensembles of parameter sets: each member with its own operator, and the same numbers as
single runs.

A sensitivity analysis or a robustness check varies fast rates (clearances, short time
constants) from member to member; :class:`sim.numerics.member_solver.MemberOperatorIntegrator`
gives every member its own diagonal operator instead of one operator group per member. These
tests check it against a tight-tolerance solution, the parameter-set runner against single
runs of the same parameters, and that the result does not depend on how rows are split.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from sim.analyses.robustness import draws, illustrative_names
from sim.input.population import Population
from sim.input.scenario import load_scenario
from sim.model.parameters import Parameters
from sim.model.state import STATE_NAMES
from sim.numerics import member_solver, triangular
from sim.numerics.member_solver import GroupedCohortIntegrator
from sim.numerics.per_member import member_couplings, member_jacobian
from sim.running.cohort import cohort_constants, sample_people, simulate_cohort
from sim.running.members import member_parameter_matrix
from sim.running.parameter_sets import (
    ENSEMBLE_METRICS,
    block_metrics,
    block_order,
    row_constants,
    run_parameter_sets,
)
from sim.running.results import DENSE_METRICS
from sim.running.simulation import simulate

NAMES = illustrative_names()
SLOW_KEYS = ("reserve", "strength_rel", "fitness_rel", "bdnf_brain_auc", "inflammation_rel")


def short(name: str, weeks: int = 6):  # type: ignore[no-untyped-def]
    return load_scenario(name).first_weeks(weeks)


def test_members_with_their_own_fast_rates_get_their_own_operators() -> None:
    people = sample_people(Population(), 8, np.random.default_rng(0))
    rows = draws(8, 0, NAMES)
    matrix = member_parameter_matrix(dict(zip(NAMES, rows.T, strict=True)), 8)
    c = cohort_constants(Parameters(), people, Population(), matrix)
    chosen = member_solver.cohort_integrator(c, 8)
    assert chosen.integrator.__class__ is member_solver.MemberOperatorIntegrator
    same = cohort_constants(Parameters(), people, Population(), {})
    assert isinstance(member_solver.cohort_integrator(same, 8), GroupedCohortIntegrator)


def _member_jacobians(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Jacobians at rest of the combined scenario's participant with each row's parameters,
    the states' own rates and which states are fast."""
    from sim.model.rhs import initial_state, linear_decay_rates
    from sim.running.parameter_sets import row_constants

    c = row_constants(load_scenario("combined"), NAMES, rows)
    n = len(rows)
    jac = member_jacobian(c.vectorised(), n, 0.0, initial_state(c, n))
    rates = linear_decay_rates(c, n)
    return jac, rates, rates > member_solver.MEMBER_SETTINGS.fast_rate_per_h


def test_triangular_modes_diagonalise_each_members_operator() -> None:
    # Members drawn from the parameter bounds, and one whose IL-6 signal decays exactly as fast
    # as plasma IL-6 clears (a defective chain, moved apart). For each member, V diag(lam) W
    # must be diag(lam) + E with E the Jacobian's couplings from fast states, W the inverse
    # of V, and every two rates on a chain at least the gap apart.
    rows = draws(6, 5, NAMES)
    equal = rows[0].copy()
    equal[NAMES.index("il6_signal_decay_per_h")] = Parameters().il6_clearance_per_h
    rows = np.vstack([rows, equal])
    jac, _, fast = _member_jacobians(rows)
    sources = fast.all(axis=1)
    d = np.diagonal(jac).T.copy()
    gap = member_solver.MEMBER_SETTINGS.coupling_gap
    lam, V, W, held = triangular.triangular_modes(jac, d, sources, gap)
    s, n = d.shape
    coupled = np.where(sources[None, :, None] & ~np.eye(s, dtype=bool)[:, :, None], jac, 0.0)
    assert np.count_nonzero(np.abs(coupled).max(axis=2)) >= 8  # the IL-6, FGF-21, BDNF chains
    np.testing.assert_array_equal(held, coupled)  # every chain kept: nothing explicit
    rng = np.random.default_rng(0)
    x = rng.normal(size=(s, n))
    np.testing.assert_allclose(W(V(x)), x, rtol=0, atol=1e-9)
    expected = lam * x + np.einsum("ijn,jn->in", coupled, x)
    np.testing.assert_allclose(V(lam * W(x)), expected, rtol=1e-9, atol=1e-9)
    il6, signal = (STATE_NAMES.index(k) for k in ("il6_pg_mL", "il6_signal"))
    assert d[il6, -1] == pytest.approx(d[signal, -1])
    assert abs(lam[il6, -1] - lam[signal, -1]) > gap * abs(lam[il6, -1])
    moved = np.abs(lam - d) > 0
    assert moved[il6, -1] and moved.sum() <= s  # only where rates meet


def test_member_operators_converge_to_the_tight_solution() -> None:
    # The members' tolerance (MEMBER_SETTINGS, rtol 3e-3) against the same integrator at 2e-6:
    # the slow states at the horizon within 3e-3 of their values. Error control bounds each
    # step's error, not the sum: the brain-BDNF AUC and the reserve integrate signals whose
    # step errors have one sign after every session (measured with the triangular operators:
    # at most 7.1e-4, the reserve; with the diagonal ones before, at 2e-3: AUC 2.2e-3).
    scenario = short("combined", 8)
    people = sample_people(Population(), 12, np.random.default_rng(1))
    rows = draws(12, 3, NAMES)
    varied = dict(zip(NAMES, rows.T, strict=True))

    def run(rtol: float):  # type: ignore[no-untyped-def]
        # steps down to 2**-18 h: at 2e-6 the IL-6 signal's explicit self-amplification
        # at the start of a session needs steps below the default floor
        settings = dataclasses.replace(
            member_solver.MEMBER_SETTINGS, rtol=rtol, min_step_h=2.0**-18
        )
        return simulate_cohort(scenario, people, member_params=varied, settings=settings)

    got, ref = run(member_solver.MEMBER_SETTINGS.rtol), run(2e-6)
    for key in SLOW_KEYS:
        a, b = got.columns[key][-1], ref.columns[key][-1]
        assert np.all(np.abs(a - b) <= 3e-3 * np.maximum(np.abs(b), 1e-2)), key


def test_parameter_sets_agree_with_single_runs_of_the_same_parameters() -> None:
    # Each member is the scenario's participant with its row's parameters and attends the
    # single run's sessions: every ensemble metric within 1 % of the single run's (relative,
    # floor 1e-2; the two solvers' tolerances differ, measured <= 0.33 %), sessions exactly.
    scenario = short("combined", 10)
    rows = draws(6, 2, NAMES)
    got = block_metrics(scenario, NAMES, rows, ENSEMBLE_METRICS)
    for i, row in enumerate(rows):
        single = simulate(scenario, Parameters().with_overrides(dict(zip(NAMES, map(float, row)))))
        for j, metric in enumerate(ENSEMBLE_METRICS):
            want = single.metrics[metric]
            assert abs(got[i, j] - want) <= 1e-2 * max(abs(want), 1e-2), (i, metric)
    assert not set(DENSE_METRICS) & set(ENSEMBLE_METRICS)
    with pytest.raises(ValueError, match="lactate_peak_mmol_L"):
        block_metrics(scenario, NAMES, rows, ["lactate_peak_mmol_L"])


def test_the_split_into_tasks_does_not_change_a_byte() -> None:
    scenario = short("resistance", 4)
    rows = draws(10, 4, NAMES)
    metrics = ["reserve_final", "strength_change_pct", "bdnf_brain_auc"]
    serial = run_parameter_sets(scenario, NAMES, rows, metrics, block_size=4)
    with ThreadPoolExecutor(3) as pool:
        pooled = run_parameter_sets(scenario, NAMES, rows, metrics, pool.map, block_size=4)
    assert serial.tobytes() == pooled.tobytes()
    # a block's members are fixed: the first block alone gives its rows' bytes
    first_rows = block_order(scenario, NAMES, rows)[:4]
    first = run_parameter_sets(scenario, NAMES, rows[first_rows], metrics, block_size=4)
    assert first.tobytes() == serial[first_rows].tobytes()
    # and the blocks do not depend on the rows' order: shuffled rows, shuffled bytes
    shuffle = np.random.default_rng(0).permutation(len(rows))
    again = run_parameter_sets(scenario, NAMES, rows[shuffle], metrics, block_size=4)
    assert again.tobytes() == serial[shuffle].tobytes()


def test_blocks_group_members_by_the_il6_signals_self_amplification() -> None:
    # Closed form: at rest (signal 0) the signal's rate build * drive * (1 + amp m / (1 + m))
    # - decay * m has derivative build * drive * amp - decay (from the right, as the forward
    # difference); the probe giving the larger drive counts. Its members need the shortest
    # session steps, so the order that fills the blocks is by this rate.
    from sim.model.muscle import il6_drive
    from sim.running.parameter_sets import PROBES, growth_rates, row_constants

    scenario = short("combined", 2)
    rows = draws(40, 5, NAMES)
    got = growth_rates(scenario, NAMES, rows)
    c = row_constants(scenario, NAMES, rows).vectorised()
    want = np.max(
        [c.il6_signal_build_per_h * il6_drive(c, d) * c.il6_signal_amplification
         - c.il6_signal_decay_per_h for d in PROBES], axis=0)  # fmt: skip
    assert np.allclose(got, want, rtol=1e-5, atol=1e-5)
    order = block_order(scenario, NAMES, rows)
    assert np.all(np.diff(got[order]) >= 0)


def test_the_probes_that_order_blocks_give_the_same_bytes_however_split() -> None:
    # growth_rates probes PROBE_ROWS rows a task, through the blocks' mapper: a row's value
    # must not depend on which task it falls in, nor on who runs the tasks.
    from sim.running.parameter_sets import PROBE_ROWS, growth_rates

    scenario = short("combined", 2)
    rows = draws(2 * PROBE_ROWS + 300, 9, NAMES)
    serial = growth_rates(scenario, NAMES, rows)
    with ThreadPoolExecutor(2) as pool:
        assert growth_rates(scenario, NAMES, rows, pool.map).tobytes() == serial.tobytes()
    shuffle = np.random.default_rng(1).permutation(len(rows))
    assert growth_rates(scenario, NAMES, rows[shuffle]).tobytes() == serial[shuffle].tobytes()


def test_shared_modes_weights_are_the_whole_arrays_weights() -> None:
    # member_weights computes the rows every member shares once; the weights are elementwise
    # in h * lam, so they must be etd3_weights' of the whole array byte for byte, with rows
    # shared, none shared, all shared, and rates small enough for the Taylor branch.
    from sim.numerics.etd3 import etd3_weights, member_weights

    rng = np.random.default_rng(2)
    lam = np.repeat(-rng.uniform(0.0, 5.0, (24, 1)), 40, axis=1)
    lam[[1, 4, 7]] = -rng.uniform(0.0, 5.0, (3, 40))
    lam[5], lam[6, 3], lam[8, 9] = 0.0, -1e-5, -3e-4
    for rates in (lam, -rng.uniform(0.0, 5.0, (24, 40)), np.repeat(lam[:, :1], 40, axis=1)):
        for h in (0.01, 0.4, 22.6):
            *update, estimates = etd3_weights(h, rates)
            want = (*update, estimates[:, 0, :])
            got = member_weights(h, rates)
            assert [w.shape for w in got] == [rates.shape] * 8
            assert all(a.tobytes() == np.ascontiguousarray(b).tobytes() for a, b in zip(got, want))


def test_a_jacobians_chosen_columns_are_the_full_jacobians() -> None:
    # The coupling scales differentiate only by some states: those columns must be the full
    # Jacobian's, byte for byte (each member's column takes the same arithmetic), the rest 0.
    from sim.model.rhs import initial_state

    rows = draws(5, 6, NAMES)
    c = row_constants(short("combined", 2), NAMES, rows).vectorised()
    y = initial_state(c, len(rows)) * np.linspace(0.8, 1.3, 24)[:, None] + 0.05
    full = member_jacobian(c, len(rows), 30.0, y)
    chosen = np.zeros(24, dtype=bool)
    chosen[[0, 2, 3, 11, 23]] = True
    part = member_jacobian(c, len(rows), 30.0, y, columns=chosen)
    assert part[:, chosen].tobytes() == full[:, chosen].tobytes()
    assert not part[:, ~chosen].any() and full[:, ~chosen].any()
    # entries by pairs (what the coupling scales take): the full Jacobian's, byte for byte
    pairs = [(2, 0), (3, 2), (11, 0), (1, 23), (11, 11)]
    entries = member_couplings(c, len(rows), 30.0, y, pairs)
    assert list(entries) == pairs
    assert all(entries[i, j].tobytes() == full[i, j].tobytes() for i, j in pairs)


@pytest.mark.parametrize("per_call", [1, 7, 10_000])
def test_a_jacobian_is_the_same_however_its_probes_are_split_into_calls(
    per_call: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The probes go through the right-hand side a few at a time (to stay in the cache): the
    # Jacobian must not depend on how many share a call (one probe a call, seven, or all 25
    # with the members' own states at once).
    import sim.numerics.per_member as per_member
    from sim.model.rhs import initial_state

    rows = draws(5, 6, NAMES)
    c = row_constants(short("combined", 2), NAMES, rows).vectorised()
    y = initial_state(c, len(rows)) * np.linspace(0.8, 1.3, 24)[:, None] + 0.05
    whole = member_jacobian(c, len(rows), 30.0, y)
    monkeypatch.setattr(per_member, "JACOBIAN_COLUMNS", per_call * len(rows))
    assert member_jacobian(c, len(rows), 30.0, y).tobytes() == whole.tobytes()
