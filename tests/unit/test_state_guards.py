"""Guards of the right-hand side against states just below 0, and the clipping of outputs.

A state that the equations keep at or above 0 can end a step ~1e-14 below it; raised to a
fractional power it would be complex (``anti_inflammatory_hill`` 1.5 crashed every run). The
guards are the identity for every physiological state, so they change no default output.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.model import brain, muscle, myokines
from sim.model.constants import Constants, Subject, at_least, compile_constants, relu
from sim.model.drive import REST, Drive
from sim.model.parameters import Parameters
from sim.model.rhs import initial_state, rhs
from sim.model.state import IX
from sim.running.results import tidy_column, tidy_metric

WORK = Drive(0.7, 0.75, 3.0, 1.0)


def constants(**overrides: float) -> Constants:
    return compile_constants(Parameters().with_overrides(overrides), Subject())


@pytest.mark.parametrize("hill", [1.0, 1.5, 1.75, 6.0])
def test_anti_inflammatory_signal_just_below_zero_gives_a_real_rate(hill: float) -> None:
    c = constants(anti_inflammatory_hill=hill)
    rates = muscle.rates(c, REST, 1.0, 0.0, 1.5, -3e-14, 1.0, 1.0)
    assert all(isinstance(r, float) and math.isfinite(r) for r in rates)
    assert rates[-1] == muscle.rates(c, REST, 1.0, 0.0, 1.5, 0.0, 1.0, 1.0)[-1]


def test_whole_rhs_with_states_just_below_zero_is_real_and_finite() -> None:
    c = constants(anti_inflammatory_hill=1.5, signal_capacity_exponent=0.5)
    y = initial_state(c)
    for name in ("anti_inflammatory_signal", "rt_weekly_sets", "fatigue", "il6_signal"):
        y[getattr(IX, name)] = -1e-14
    for drive in (REST, WORK):
        dy = rhs(0.0, y, c, drive)
        assert dy.dtype == float and np.all(np.isfinite(dy))
        cohort = rhs(0.0, np.repeat(y[:, None], 3, axis=1), c.vectorised(), drive)
        assert np.all(np.isfinite(cohort))


def test_an_overshooting_step_neither_divides_by_zero_nor_goes_complex() -> None:
    """A trial stage may leave the range; the error control then rejects it, so no raise."""
    c = constants(bdnf_inflammation_exponent=0.5, signal_capacity_exponent=1.5)
    y = initial_state(c)
    y[IX.inflammation_rel] = 0.0
    y[IX.strength_rel] = y[IX.fitness_rel] = -0.2
    y[IX.rt_weekly_sets] = -0.15  # minus reserve_strength_gate_sets_per_wk
    y[IX.fatigue] = -0.015  # minus reserve_activity_gate
    dy = rhs(0.0, y, c, WORK)
    assert dy.dtype == float and not np.any(np.isnan(dy))


def test_guards_are_the_identity_on_physiological_values() -> None:
    for x in (0.0, 1e-300, 3e-14, 0.5, 1.0, 250.0):
        assert relu(x) == x and at_least(x, 0.0) == x
    values = np.array([0.0, 1e-12, 0.7, 3.0])
    assert np.array_equal(relu(values), values) and np.array_equal(at_least(values, 0.0), values)
    assert at_least(1.0, brain.INFLAMMATION_FLOOR) == 1.0
    assert math.isnan(at_least(math.nan, 1e-9))  # NaN is not hidden: the solver reports it


def test_myokine_capacity_of_negative_strength_is_not_complex() -> None:
    c = constants(signal_capacity_exponent=0.5)
    rates = myokines.rates(c, WORK, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, -1e-14, 1.0)
    assert all(isinstance(r, float) for r in rates)


def test_rounding_below_zero_of_a_concentration_is_written_as_zero() -> None:
    column = tidy_column("il6_pg_mL", np.array([0.0, -3.141777215e-13, -0.0, 2.0]))
    assert column.tolist() == [0.0, 0.0, 0.0, 2.0]
    assert all(math.copysign(1.0, v) > 0 for v in column)


def test_a_real_negative_concentration_is_not_hidden() -> None:
    column = tidy_column("il6_pg_mL", np.array([1.5, -0.01, 3.0]))
    assert column[1] == -0.01


def test_signed_columns_keep_their_sign_but_lose_negative_zero() -> None:
    column = tidy_column("cognition_z", np.array([-0.0, -3e-13, -0.2]))
    assert column.tolist() == [0.0, -3e-13, -0.2]
    assert math.copysign(1.0, column[0]) > 0


@pytest.mark.parametrize(
    ("value", "written"),
    [(-1.1102230246251565e-14, 0.0), (-0.0, 0.0), (0.0, 0.0), (2e-13, 2e-13), (-0.5, -0.5)],
)
def test_metrics_that_are_zero_up_to_rounding_are_written_as_zero(
    value: float, written: float
) -> None:
    result = tidy_metric(value)
    assert result == written and math.copysign(1.0, result) == math.copysign(1.0, written)
