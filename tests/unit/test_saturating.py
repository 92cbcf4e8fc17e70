"""The muscle IL-6 signal within a segment of constant drive, in closed form.

The parameter-set integrator takes the signal in sessions from
:func:`sim.numerics.saturating.saturating_signal` instead of following its self-amplifying
growth step by step. These tests check the closed form against a tight numerical solution of
its equation, its limits, and that the model's signal obeys that equation.
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from sim.analyses.robustness import draws, illustrative_names
from sim.input.scenario import load_scenario
from sim.model.muscle import signal_rate
from sim.model.rhs import initial_state, linear_decay_rates, rhs
from sim.model.state import STATE_NAMES
from sim.numerics.saturating import saturating_signal, signal_coefficients
from sim.running.parameter_sets import PROBES, row_constants

SIGNAL = STATE_NAMES.index("il6_signal")


def _tight(m0: float, p: float, q: float, k: float, times: np.ndarray) -> np.ndarray:
    sol = solve_ivp(
        lambda t, m: p + q * m / (1.0 + m) - k * m,
        (0.0, float(times[-1])),
        [m0],
        method="DOP853",
        t_eval=times,
        rtol=1e-12,
        atol=1e-20,
    )
    return np.asarray(sol.y[0])


def test_closed_form_follows_the_equation_over_decades_of_its_coefficients() -> None:
    # From build-ups of 1e-4/h to 1e2/h, amplifications of 1e-2 to 1e2 and decays of 0.1 to
    # 100/h, from rest and from a raised signal, over minutes to days: the closed form agrees
    # with DOP853 at rtol 1e-12 to 1e-8 (the ODE solver's own error, not the closed form's).
    rng = np.random.default_rng(3)
    for _ in range(60):
        p = 10 ** rng.uniform(-4, 2)
        q, k = p * 10 ** rng.uniform(-2, 2), 10 ** rng.uniform(-1, 2)
        m0 = float(rng.choice([0.0, 10 ** rng.uniform(-3, 2)]))
        times = np.linspace(0.0, 10 ** rng.uniform(-3, 1), 9)
        want = _tight(m0, p, q, k, times)
        got = saturating_signal(np.full(9, m0), p, q, k, times)
        assert np.allclose(got, want, rtol=1e-8, atol=0.0), (p, q, k, m0)


def test_limits_of_the_closed_form() -> None:
    k, t = np.array([0.5, 3.0, 40.0]), np.array([0.1, 1.0, 2.5])
    m0 = np.array([0.2, 1.5, 7.0])
    zero = np.zeros(3)
    # without drive, the signal decays exponentially
    assert np.allclose(saturating_signal(m0, zero, zero, k, t), m0 * np.exp(-k * t), rtol=1e-14)
    # without amplification (its lower bound), it relaxes exponentially to p / k
    p = np.array([0.3, 2.0, 10.0])
    want = p / k + (m0 - p / k) * np.exp(-k * t)
    assert np.allclose(saturating_signal(m0, p, zero, k, t), want, rtol=1e-13)
    # at time 0 it is where it started
    q = np.array([1.0, 30.0, 400.0])
    assert np.array_equal(saturating_signal(m0, p, q, k, 0.0), m0)
    # long after, it rests where its rate vanishes, and stays there
    level = saturating_signal(m0, p, q, k, 1e3 / k)
    assert np.allclose(p + q * level / (1 + level) - k * level, 0.0, atol=1e-9 * k * level)
    assert np.allclose(saturating_signal(level, p, q, k, t), level, rtol=1e-13)
    # each member's value is its own: alone or in an array, the same bytes
    for i in range(3):
        alone = saturating_signal(m0[i : i + 1], p[i : i + 1], q[i : i + 1], k[i : i + 1], t[i])
        assert alone.tobytes() == saturating_signal(m0, p, q, k, t[i])[i : i + 1].tobytes()


def test_the_models_il6_signal_obeys_the_closed_forms_equation() -> None:
    # The integrators read p and q off the signal's rate at m = 0 and m = 1 and takes k from
    # the signal's decay; for parameter draws, session drives and states elsewhere far from
    # rest, the model's rate at other values of the signal must be the same equation's, and
    # depend on nothing but the signal.
    names = illustrative_names()
    rows = draws(12, 7, names)
    c = row_constants(load_scenario("combined"), names, rows)
    n, k = len(rows), linear_decay_rates(c, len(rows))[SIGNAL]
    rng = np.random.default_rng(4)
    for drive in PROBES:
        y = initial_state(c, n) * rng.uniform(0.5, 2.0, (len(STATE_NAMES), n))

        def rate(m: float, y: np.ndarray = y, drive=drive) -> np.ndarray:  # type: ignore[no-untyped-def]
            state = y.copy()
            state[SIGNAL] = m
            return np.asarray(rhs(0.0, state, c, drive)[SIGNAL])

        p, q = signal_coefficients(rate, k)
        assert np.all(p > 0) and np.all(q > 0)
        for m in (0.25, 2.0, 9.0):
            assert np.allclose(rate(m), p + q * m / (1 + m) - k * m, rtol=1e-12, atol=0.0)
        other = y * rng.uniform(0.5, 2.0, y.shape)
        assert np.array_equal(rate(2.0, other), rate(2.0))
        # the integrators read p and q off the signal's own equation: the rhs's, bit for bit
        for m in (0.0, 1.0, 2.0):
            own = np.broadcast_to(signal_rate(c, drive, m), (n,))
            assert np.array_equal(own, rate(m))
