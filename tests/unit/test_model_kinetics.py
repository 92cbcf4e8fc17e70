"""Closed forms and invariants of the compartment equations (sim/model/).

With coupling off (no drive), each fast compartment reduces to first-order kinetics
dy/dt = -k (y - y_rest), whose exact solution y_rest + (y0 - y_rest) e^{-k t} the solver must
reproduce at the stated rate.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.model.constants import Subject, compile_constants
from sim.model.drive import REST, Drive
from sim.model.parameters import DEFAULTS
from sim.model.rhs import initial_state, rhs
from sim.model.state import IX, STATE_NAMES
from sim.numerics.solver import integrate_segment

C = compile_constants(DEFAULTS, Subject())


@pytest.mark.parametrize(
    ("state", "rate", "rest"),
    [
        (
            "lactate_mmol_L",
            math.log(2) / DEFAULTS.lactate_half_time_h,
            DEFAULTS.lactate_rest_mmol_L,
        ),
        ("irisin_rel", DEFAULTS.irisin_clearance_per_h, 1.0),
        ("ctsb_rel", DEFAULTS.ctsb_clearance_per_h, 1.0),
        ("bdnf_muscle_rel", DEFAULTS.bdnf_muscle_clearance_per_h, 1.0),
        ("bdnf_serum_ng_mL", 1.0 / DEFAULTS.bdnf_serum_tau_h, DEFAULTS.bdnf_serum_rest_ng_mL),
        ("il6_signal", DEFAULTS.il6_signal_decay_per_h, 0.0),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_uncoupled_compartment_decays_exponentially_at_its_rate(state, rate, rest):
    """A displaced fast state returns to rest as y_rest + (y0 - y_rest) exp(-k t)."""
    y0 = initial_state(C)
    i = getattr(IX, state)
    y0[i] = rest + 2.0
    times = np.array([0.25, 0.5, 1.0, 2.0])
    out, _ = integrate_segment(C, y0, 0.0, 3.0, REST, times)
    expected = rest + 2.0 * np.exp(-rate * times)
    np.testing.assert_allclose(out[:, i], expected, rtol=1e-5)


def test_lactate_half_time_is_the_parameter():
    """Passive lactate clearance half-time is ~12-15 min (targets T2; Menzies 2010)."""
    y0 = initial_state(C)
    y0[IX.lactate_mmol_L] = 9.0
    half = DEFAULTS.lactate_half_time_h
    out, _ = integrate_segment(C, y0, 0.0, 1.0, REST, np.array([half]))
    excess = out[0, IX.lactate_mmol_L] - DEFAULTS.lactate_rest_mmol_L
    assert excess == pytest.approx(4.0, rel=1e-4)
    assert 12 <= half * 60 <= 15


def test_resting_state_is_an_equilibrium():
    """At rest and untrained, every derivative is zero: nothing moves without training."""
    dy = rhs(0.0, initial_state(C), C, REST)
    np.testing.assert_allclose(dy, 0.0, atol=1e-12)


@pytest.mark.parametrize("name", STATE_NAMES)
def test_states_stay_non_negative_through_a_hard_bout(name):
    """A 60-min near-maximal bout and 24 h of recovery keep every state finite and >= 0."""
    y = initial_state(C)
    hard = Drive(aerobic_frac_vo2max=0.95, muscle_mass_frac=0.7)
    out1, y = integrate_segment(C, y, 0.0, 1.0, hard, np.linspace(0.1, 0.9, 9))
    out2, y = integrate_segment(C, y, 1.0, 25.0, REST, np.linspace(1.5, 24.5, 47))
    i = STATE_NAMES.index(name)
    values = np.concatenate([out1[:, i], out2[:, i], [y[i]]])
    assert np.all(np.isfinite(values))
    assert values.min() >= -1e-9


def test_more_intensity_never_lowers_the_acute_response():
    """Dose monotonicity: a harder bout of the same length gives peaks at least as high."""
    peaks = []
    for x in (0.4, 0.55, 0.7, 0.85):
        y = initial_state(C)
        out, _ = integrate_segment(
            C,
            y,
            0.0,
            1.0,
            Drive(aerobic_frac_vo2max=x, muscle_mass_frac=0.7),
            np.linspace(0.05, 0.95, 19),
        )
        peaks.append(out.max(axis=0))
    peaks_arr = np.array(peaks)
    for name in ("lactate_mmol_L", "il6_pg_mL", "irisin_rel", "bdnf_brain_rel"):
        column = peaks_arr[:, STATE_NAMES.index(name)]
        assert np.all(np.diff(column) >= -1e-12), name


def test_solver_matches_tight_tolerance_reference():
    """Default tolerances agree with a 1000x tighter LSODA run within 1e-4 (relative)."""
    y0 = initial_state(C)
    drive = Drive(resistance_frac_1rm=0.8, sets_per_h=3.6, muscle_mass_frac=1.0, reps_per_set=10.0)
    times = np.linspace(0.05, 0.8, 16)
    out, y1 = integrate_segment(C, y0, 0.0, 0.8333, drive, times)
    ref, y1_ref = integrate_segment(C, y0, 0.0, 0.8333, drive, times, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(y1, y1_ref, rtol=1e-4, atol=1e-7)


def test_cohort_integrator_agrees_with_lsoda_for_many_people():
    """The cohort integrator (sim/numerics/cohort_solver.py: ETD3RK for N people, one shared operator)
    matches tight LSODA person by person, for people who start in different states.

    Tolerance: 2e-3 relative, 3e-5 absolute, tighter than the cohort's rtol (1e-2 on changes
    of slow states): over one hour the local errors stay far below it.
    """
    from sim.numerics.cohort_solver import CohortIntegrator

    y0 = np.repeat(initial_state(C)[:, None], 3, axis=1)
    y0[IX.lactate_mmol_L] = [1.0, 4.0, 8.0]
    drive = Drive(aerobic_frac_vo2max=0.75, muscle_mass_frac=0.7)
    times = np.linspace(0.1, 0.9, 9)
    cv = C.vectorised()
    out, y1 = CohortIntegrator(cv, 3).segment(cv, y0, 0.0, 1.0, drive, times)
    for person in range(3):
        ref, ref1 = integrate_segment(
            C, y0[:, person], 0.0, 1.0, drive, times, rtol=1e-10, atol=1e-12
        )
        np.testing.assert_allclose(out[:, :, person], ref, rtol=2e-3, atol=3e-5)
        np.testing.assert_allclose(y1[:, person], ref1, rtol=2e-3, atol=3e-5)


def test_rhs_with_one_drive_per_person_matches_each_person_alone():
    """A cohort's drive arrays (one value per person) give each person's own derivative."""
    drives = [
        REST,
        Drive(aerobic_frac_vo2max=0.8, muscle_mass_frac=0.7),
        Drive(resistance_frac_1rm=0.85, sets_per_h=4.0, muscle_mass_frac=1.0, reps_per_set=6.0),
    ]
    y = np.repeat(initial_state(C)[:, None], 3, axis=1)
    y[IX.lactate_mmol_L] = [1.0, 5.0, 7.0]
    y[IX.strength_rel] = [1.0, 1.1, 1.2]
    stacked = Drive(
        *(
            np.array([getattr(d, f) for d in drives])
            for f in (
                "aerobic_frac_vo2max",
                "resistance_frac_1rm",
                "sets_per_h",
                "muscle_mass_frac",
                "reps_per_set",
            )
        )
    )
    together = rhs(0.0, y, C.vectorised(), stacked)
    for person, drive in enumerate(drives):
        np.testing.assert_allclose(
            together[:, person], rhs(0.0, y[:, person], C, drive), rtol=1e-12, atol=1e-15
        )
    # written into a given array (as the cohort integrator does): the same rates, bit for bit
    out = np.full_like(y, np.nan)
    assert rhs(0.0, y, C.vectorised(), stacked, out=out) is out
    assert np.array_equal(out, together)


def test_power_is_numpys_power_within_rounding_and_floats_are_untouched() -> None:
    # The equations' powers (Hill exponents, the age decline of IGF-1) go through
    # sim.model.constants.power, which takes quicker routes on arrays: they must agree with
    # ``**`` to a few units in the last place, and a float (one person) must be ``**`` exactly.
    from sim.model.constants import power

    rng = np.random.default_rng(5)
    x = np.concatenate([rng.uniform(0.0, 3.0, 2000), [0.0, 1.0, -1.5, np.inf]])
    eps = np.finfo(float).eps
    for n in (2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1.0, 1.5, 4.25, 9.0):
        with np.errstate(invalid="ignore"):  # a negative base to a fractional power: NaN
            want = x**n
            got = power(x, n)
        finite = np.isfinite(want) & (want != 0.0)
        assert np.all(np.abs(got[finite] - want[finite]) <= 8 * eps * np.abs(want[finite])), n
        assert np.array_equal(got[~finite], want[~finite], equal_nan=True), n
    ages = rng.uniform(-40.0, 70.0, 2000)  # years from 30
    assert np.allclose(power(0.981, ages), 0.981**ages, rtol=8 * eps, atol=0.0)
    for base, n in ((0.7, 4.0), (0.981, -12.5), (2.0, 3.0), (0.0, 2.0)):
        assert power(base, n) == base**n and isinstance(power(base, n), float)
