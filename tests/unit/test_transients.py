"""A fast state's local error counted by what it passes on to the states that are read.

Parameter-set ensembles read only the states of their summary metrics, trials the outcome's,
strength and fitness; the integrators count the local error of every other fast state by the
error it leaves in the states that are read or add up (:mod:`sim.numerics.transients`). These
tests check the transfer factors against the exact solution of linear chains, the bookkeeping
of the error ratio, and that the states listed as read are the ones the metrics and
observables read.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import expm

from sim.input.scenario import load_scenario
from sim.model.constants import Subject, compile_constants
from sim.model.parameters import Parameters
from sim.model.rhs import OBSERVED_STATES, initial_state, observables, states_behind
from sim.model.state import STATE_NAMES
from sim.numerics.transients import TRANSIENT_SLACK, ErrorTransfer
from sim.running.results import ASSESSED_STATES, assessed_metrics
from sim.running.simulation import simulate


def _left_over(rates: list[float], couplings: dict[tuple[int, int], float], j: int) -> np.ndarray:
    """What a unit error in state ``j`` leaves in every state of the linear system
    ``y' = (J - diag(rates)) y`` once the fast states have faded (exact, by ``expm``)."""
    a = -np.diag(rates)
    for (i, k), v in couplings.items():
        a[i, k] = v
    e = np.zeros(len(rates))
    e[j] = 1.0
    return np.asarray(expm(a * 200.0) @ e)


def _jac(rates: list[float], couplings: dict[tuple[int, int], float]) -> np.ndarray:
    s = len(rates)
    jac = np.zeros((s, s, 1))
    for (i, k), v in couplings.items():
        jac[i, k, 0] = v
    for i, r in enumerate(rates):
        jac[i, i, 0] = -r
    return jac


def _transfer(
    rates: list[float],
    couplings: dict[tuple[int, int], float],
    fast: list[bool],
    reported: list[bool],
) -> ErrorTransfer:
    """Every coupling left explicit (the default)."""
    jac = _jac(rates, couplings)
    return ErrorTransfer(jac, np.array(rates)[:, None], np.array(fast), np.array(reported))


def test_a_chain_through_fast_states_passes_on_the_product_of_its_factors() -> None:
    # 0 (fast, 5/h) -> 1 (fast, 2/h) -> 2 (slow, no decay): a unit error in 0 leaves
    # J10 J21 / (5 * 2) in state 2 once 0 and 1 have faded; in 1 alone, J21 / 2.
    rates = [5.0, 2.0, 0.0]
    couplings = {(1, 0): 3.0, (2, 1): -0.7}
    transfer = _transfer(rates, couplings, [True, True, False], [False, False, True])
    shares = {(i, j): float(v[0]) for i, j, v in transfer.pairs}
    assert np.isclose(shares[(2, 0)], abs(_left_over(rates, couplings, 0)[2]), rtol=1e-9)
    assert np.isclose(shares[(2, 1)], abs(_left_over(rates, couplings, 1)[2]), rtol=1e-9)
    assert set(shares) == {(2, 0), (2, 1)}  # nothing is counted in an unreported fast state


def test_shares_add_over_parallel_chains_and_a_loop_among_fast_states_ends() -> None:
    # 0 -> 2 directly and through 1; 1 and 0 drive each other (a loop): the shares are
    # finite and at least the direct one.
    rates = [4.0, 3.0, 0.0]
    couplings = {(2, 0): 0.5, (1, 0): 1.0, (2, 1): 2.0, (0, 1): 0.1}
    transfer = _transfer(rates, couplings, [True, True, False], [False, False, False])
    shares = {(i, j): float(v[0]) for i, j, v in transfer.pairs}
    assert np.isclose(shares[(2, 0)], 0.5 / 4.0 + 1.0 / 4.0 * 2.0 / 3.0)
    # the exact answer with the loop is within a few percent (the loop's gain is 1/120)
    assert np.isclose(shares[(2, 0)], _left_over(rates, couplings, 0)[2], rtol=0.02)


def test_only_couplings_left_explicit_start_a_chain() -> None:
    # Where the operator holds a coupling, the downstream state's own estimate carries what
    # the fast state passes on: nothing is added. Left explicit, it starts a chain that then
    # follows every coupling (0 -> 1 explicit, 1 -> 2 held: 0's error reaches 2).
    rates = [5.0, 2.0, 0.0]
    couplings = {(1, 0): 3.0, (2, 1): -0.7}
    fast, reported = [True, True, False], [False, False, True]
    jac = _jac(rates, couplings)
    args = (np.array(rates)[:, None], np.array(fast), np.array(reported))
    assert len(ErrorTransfer(jac, *args).pairs) == 2  # all explicit: 0 -> 2 and 1 -> 2
    assert ErrorTransfer(jac, *args, jac.copy()).pairs == []  # all held
    held = jac.copy()
    held[1, 0, 0] = 0.0  # the operator leaves 0 -> 1 explicit
    one = ErrorTransfer(jac, *args, held)
    assert [(i, j) for i, j, _ in one.pairs] == [(2, 0)]
    assert np.isclose(one.pairs[0][2][0], 3.0 * 0.7 / (5.0 * 2.0))


def test_a_store_passes_its_whole_error_on_even_along_held_couplings() -> None:
    # 0: a slow store (1/48 per h) realised into 1 (read, no decay): a unit error in 0 ends in
    # 1 whole (J10 / k0, exact by expm once it has faded). Held by the operator, a fast state's coupling adds
    # nothing (the downstream estimate carries it), but a store's error reaches 1 over the
    # following days, where no later estimate sees it: counted as a store, it is added.
    rates = [1.0 / 48.0, 0.0]
    couplings = {(1, 0): 0.9 / 48.0}
    jac = _jac(rates, couplings)
    args = (np.array(rates)[:, None], np.array([False, False]), np.array([False, True]))
    store = np.array([True, False])
    assert ErrorTransfer(jac, *args, jac.copy()).pairs == []  # a slow state, held: its own
    counted = ErrorTransfer(jac, *args, jac.copy(), store)
    [(i, j, share)] = counted.pairs
    assert (i, j) == (1, 0)
    system = np.array([[-1.0 / 48.0, 0.0], [0.9 / 48.0, 0.0]])
    assert np.isclose(share[0], expm(system * 5000.0)[1, 0], rtol=1e-9)  # 0.9: all of it
    scale = np.array([[0.02], [0.2]])
    error = np.array([[2e-4], [0.0]])  # 1 % of the store, 0.1 % of the read state's scale
    assert np.isclose(counted.ratio(error, scale), max(1e-2 / TRANSIENT_SLACK, 0.9 * 1e-3))
    assert np.isclose(ErrorTransfer(jac, *args, jac.copy()).ratio(error, scale), 1e-2)
    # a store that is read keeps its own error at the tolerance
    read = ErrorTransfer(jac, args[0], args[1], np.array([True, True]), jac.copy(), store)
    assert read.pairs == [] and np.isclose(read.ratio(error, scale), 1e-2)


def test_the_ratio_counts_own_and_induced_errors_against_each_state_scale() -> None:
    rates = [5.0, 0.0, 8.0]
    couplings = {(1, 0): 2.0}
    transfer = _transfer(rates, couplings, [True, False, True], [False, True, True])
    scale = np.array([[1.0], [0.1], [1.0]])
    # an error in the unreported fast state 0: slack on its own, 2/5 of it in state 1
    error = np.array([[1e-3], [0.0], [0.0]])
    assert np.isclose(transfer.ratio(error, scale), max(1e-3 / TRANSIENT_SLACK, 0.4 * 1e-3 / 0.1))
    # a reported fast state (2) keeps its own error at the tolerance
    error = np.array([[0.0], [0.0], [2e-3]])
    assert np.isclose(transfer.ratio(error, scale), 2e-3)
    # an unreported fast state that passes nothing on is held at the slack alone
    quiet = _transfer(rates, {}, [True, False, True], [False, True, True])
    assert np.isclose(quiet.ratio(np.array([[0.3], [0.0], [0.0]]), scale), 0.3 / TRANSIENT_SLACK)


def test_the_assessed_metrics_read_only_the_assessed_states() -> None:
    run = simulate(load_scenario("combined").first_weeks(3))
    cols = {name: run.columns[name] for name in ASSESSED_STATES}
    cols.update(reserve=run.columns["reserve"], cognition_z=run.columns["cognition_z"])
    end = float(run.times_h[-1])
    every = assessed_metrics(np.asarray(run.times_h), run.columns, end)
    only = assessed_metrics(np.asarray(run.times_h), cols, end)
    assert only == every


def test_each_observable_is_read_from_the_states_listed_for_it() -> None:
    # Changing a listed state changes the observable; changing any other leaves it alone.
    c = compile_constants(Parameters(), Subject())
    y = initial_state(c) + 0.3
    base = observables(c, 5000.0, y)
    for name, states in OBSERVED_STATES.items():
        for i, state in enumerate(STATE_NAMES):
            moved = y.copy()
            moved[i] += 0.05
            changed = observables(c, 5000.0, moved)[name] != base[name]
            assert changed == (state in states), (name, state)
    assert set(OBSERVED_STATES) == set(base)
    read = states_behind(("cognition_z", "strength_rel", "fitness_rel"))
    assert read == tuple(
        n for n in STATE_NAMES if n in {"reserve_built", "strength_rel", "fitness_rel"}
    )


def test_the_error_ratio_scales_each_state_by_its_change_or_the_floor() -> None:
    from sim.numerics.transients import error_ratio

    y = np.array([[1.5, 0.2], [0.004, -0.3]])
    origin = np.array([[1.0, 0.0], [0.0, 0.0]])
    error = np.array([[1e-3, 1e-3], [1e-4, 6e-3]])
    # scales: |y - origin| = 0.5, 0.2, 0.004 -> floor 0.01, 0.3; ratios 2e-3, 5e-3, 1e-2, 2e-2
    assert np.isclose(error_ratio(error.copy(), y, origin, 0.01), 2e-2)
    # with a transfer that counts nothing extra and holds no state at the slack: the same
    plain = ErrorTransfer(np.zeros((2, 2, 1)), np.ones((2, 1)), np.zeros(2, bool), np.ones(2, bool))
    assert np.isclose(error_ratio(error.copy(), y, origin, 0.01, plain), 2e-2)
    # the same written into given arrays, which then hold the scales and the counted ratios
    scale, counted = np.empty_like(y), np.empty_like(y)
    assert np.isclose(error_ratio(error.copy(), y, origin, 0.01, plain, scale, counted), 2e-2)
    assert np.allclose(scale, [[0.5, 0.2], [0.01, 0.3]])
    assert np.allclose(counted, [[2e-3, 5e-3], [1e-2, 2e-2]])


def test_the_pending_adaptations_are_stores_of_strength_and_fitness() -> None:
    # What the integrators count a store's error by assumes it: a pending adaptation decays at
    # its own rate 1 / lag, and only its own rate and its target's read it.
    from sim.model.adaptation import PENDING
    from sim.model.drive import REST, Drive
    from sim.model.rhs import rhs

    p = Parameters()
    c = compile_constants(p, Subject(age_years=68.0)).vectorised()
    rng = np.random.default_rng(4)
    y = initial_state(c, 6) * rng.uniform(0.8, 1.3, (len(STATE_NAMES), 6)) + 0.02
    session = Drive(
        resistance_frac_1rm=0.75, sets_per_h=4.0, muscle_mass_frac=1.0, reps_per_set=8.0
    )
    targets = {"strength_pending": "strength_rel", "fitness_pending": "fitness_rel"}
    assert set(PENDING) == set(targets)
    for name in PENDING:
        j = STATE_NAMES.index(name)
        for drive in (REST, session):
            moved = y.copy()
            moved[j] += 1e-3
            change = rhs(1.0, moved, c, drive) - rhs(1.0, y, c, drive)
            readers = {STATE_NAMES[i] for i in np.flatnonzero(np.any(change != 0.0, axis=1))}
            assert readers == {name, targets[name]}
            assert np.allclose(change[j], -1e-3 / p.adaptation_lag_tau_h, rtol=1e-9)
