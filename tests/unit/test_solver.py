"""The default (exponential) integrator against tight LSODA, and its bookkeeping.

The acceptance bar: every column of ``result.columns`` at every sample time and every
``result.metrics`` value within 1e-3 of the reference (LSODA, ``rtol = 1e-10``,
``atol = 1e-12``), relative to ``max(|reference|, 1e-2)``.
"""

from __future__ import annotations

import dataclasses
import gc
import math

import numpy as np
import pytest

from sim.errors import SolverError
from sim.input.scenario import load_scenario, scenario_from_dict
from sim.model.constants import Subject, compile_constants
from sim.model.drive import REST, Drive
from sim.model.parameters import DEFAULTS, Parameters
from sim.model.rhs import initial_state
from sim.model.state import IX, N_STATES
from sim.numerics import expint, solver
from sim.numerics.etd3 import phi_functions
from sim.numerics.linear_operator import linear_operator
from sim.running.schedule import Bout
from sim.running.simulation import Physiology, simulate
from tests.conftest import SCENARIOS, minimal_scenario

TOLERANCE = 1e-3
FLOOR = 1e-2

C = compile_constants(DEFAULTS, Subject())


def deviations(result, reference) -> dict[str, float]:
    """Largest relative deviation of each column and each metric from the reference."""
    np.testing.assert_array_equal(result.times_h, reference.times_h)
    out = {}
    for name, ref in reference.columns.items():
        got = np.asarray(result.columns[name])
        out[name] = float(np.max(np.abs(got - ref) / np.maximum(np.abs(ref), FLOOR)))
    for name, ref in reference.metrics.items():
        out[f"metrics.{name}"] = abs(result.metrics[name] - ref) / max(abs(ref), FLOOR)
    return out


def assert_agrees(result, reference) -> None:
    dev = deviations(result, reference)
    worst = max(dev, key=dev.__getitem__)
    assert dev[worst] <= TOLERANCE, f"{worst} deviates by {dev[worst]:.2e} from the reference"
    assert set(dev) >= {f"metrics.{m}" for m in reference.metrics} | set(reference.columns)


@pytest.mark.parametrize("name", ["aerobic", "resistance", "combined", "hiit"])
def test_default_path_matches_tight_lsoda(name: str) -> None:
    """24 weeks of each shipped programme: all columns, all metrics within 1e-3."""
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    result = simulate(scenario)
    reference = simulate(scenario, method="reference")
    assert [b.load_rel for b in result.bouts] == pytest.approx(
        [b.load_rel for b in reference.bouts], rel=1e-6, nan_ok=True
    )
    assert_agrees(result, reference)


def _bout(start: float, minutes: float, drive: Drive) -> Bout:
    end = start + minutes / 60.0
    return Bout(
        start,
        end,
        "aerobic",
        80.0,
        "%HRmax",
        math.nan,
        drive.aerobic_frac_vo2max,
        0,
        True,
        "",
        ((start, end, drive),),
    )


def _live(
    bout: Bout | None, horizon: float = 400.0, method: str = "exponential"
) -> tuple[np.ndarray, np.ndarray]:
    c = compile_constants(DEFAULTS, Subject())
    body = Physiology(c, 1.0, horizon, "long rest", method)
    if bout is not None:
        body.advance(bout.start_h)
        body.perform(bout)
    return body.finish(horizon)


def test_a_short_bout_inside_a_long_rest_is_not_stepped_over() -> None:
    """Ten minutes of hard cycling at 200.5 h, inside 400 h of rest, leave their mark.

    The integrator's steps at rest grow to about a day; the bout must still be integrated
    (the caller splits time at its edges and the integrator ends every segment exactly there).
    """
    drive = Drive(aerobic_frac_vo2max=0.85, muscle_mass_frac=0.7)
    bout = _bout(200.5, 10.0, drive)
    times, with_bout = _live(bout)
    times_rest, rest_only = _live(None)
    assert np.isclose(times, bout.end_h).any()  # the bout's end is recorded
    after = int(np.searchsorted(times, 201.0))
    assert times[after] == pytest.approx(201.0)
    at_rest = rest_only[int(np.searchsorted(times_rest, 201.0))]
    assert with_bout[after, IX.lactate_mmol_L] > at_rest[IX.lactate_mmol_L] + 0.5
    assert with_bout[-1, IX.fatigue] > rest_only[-1, IX.fatigue] + 1e-3
    assert with_bout[-1, IX.bdnf_brain_auc] > rest_only[-1, IX.bdnf_brain_auc] + 0.05
    ref_times, reference = _live(bout, method="reference")
    np.testing.assert_array_equal(times, ref_times)
    scale = np.maximum(np.abs(reference), FLOOR)
    assert np.max(np.abs(with_bout - reference) / scale) <= TOLERANCE


def test_coinciding_rates_cost_speed_not_accuracy() -> None:
    """Equal rates along a coupling (L would be defective): the coupling is left to N."""
    params = {"fgf21_clearance_per_h": 0.7, "fgf21_signal_decay_per_h": 0.7}
    scenario = scenario_from_dict(minimal_scenario(parameters=params))
    c = compile_constants(Parameters().with_overrides(params), Subject())
    op = linear_operator(c, 0.0, initial_state(c))
    assert op.matrix[IX.fgf21_rel, IX.fgf21_signal] == 0.0
    result = simulate(scenario)
    reference = simulate(scenario, method="reference")
    assert_agrees(result, reference)


def test_segment_outputs_and_end_state_match_lsoda() -> None:
    """One bout from rest and the following day: samples inside and the end states."""
    integrator = expint.ExponentialIntegrator(C)
    y0 = initial_state(C)
    drive = Drive(resistance_frac_1rm=0.8, sets_per_h=4.0, muscle_mass_frac=1.0, reps_per_set=10.0)
    for t0, t1, d in ((0.0, 0.75, drive), (0.75, 30.0, REST)):
        t_out = np.linspace(t0, t1, 13)[1:-1]
        out, y1 = integrator.segment(C, y0, t0, t1, d, t_out)
        ref, ref1 = solver.integrate_segment(C, y0, t0, t1, d, t_out, rtol=1e-10, atol=1e-12)
        assert out.shape == (len(t_out), N_STATES)
        np.testing.assert_allclose(out, ref, rtol=TOLERANCE, atol=TOLERANCE * FLOOR)
        np.testing.assert_allclose(y1, ref1, rtol=TOLERANCE, atol=TOLERANCE * FLOOR)
        y0 = ref1
    assert integrator.steps > 0 and integrator.operators == 1
    empty, _ = integrator.segment(C, y0, 30.0, 31.0, REST, np.empty(0))
    assert empty.shape == (0, N_STATES)


def test_linear_operator_is_exact_where_the_model_is_linear() -> None:
    """L carries the model's exact linear couplings and a real, well-conditioned eigenbasis."""
    op = linear_operator(C, 0.0, initial_state(C))
    assert not op.diagonal and op.lam.dtype.kind == "f"
    np.testing.assert_allclose(op.V @ np.diag(op.lam) @ op.W, op.matrix, atol=1e-12)
    il6 = DEFAULTS.il6_rest_pg_mL * DEFAULTS.il6_release_per_h * C.il6_age_factor
    assert op.matrix[IX.il6_pg_mL, IX.il6_signal] == pytest.approx(il6, rel=1e-6)
    assert op.matrix[IX.fgf21_rel, IX.fgf21_signal] == pytest.approx(
        DEFAULTS.fgf21_release_per_h, rel=1e-6
    )
    assert op.matrix[IX.fgf21_signal, IX.fgf21_trigger] == pytest.approx(
        DEFAULTS.fgf21_trigger_decay_per_h, rel=1e-6
    )
    assert op.matrix[IX.bdnf_brain_auc, IX.bdnf_brain_rel] == pytest.approx(1.0, rel=1e-6)


def test_phi_functions_are_smooth_across_the_series_switch() -> None:
    x = np.array([-0.0100001, -0.0099999, 0.0, 1e-12, 0.0099999, 0.0100001, -40.0])
    e, p1, p2, p3 = phi_functions(x)
    np.testing.assert_allclose(e, np.exp(x), rtol=1e-14)
    assert (p1[2], p2[2], p3[2]) == (1.0, 0.5, 1.0 / 6.0)
    for p in (p1, p2, p3):
        assert p[0] == pytest.approx(p[1], rel=1e-6) and p[4] == pytest.approx(p[5], rel=1e-6)
    assert p1[-1] == pytest.approx((np.exp(-40.0) - 1.0) / -40.0, rel=1e-14)


def test_the_method_is_an_argument_and_checked() -> None:
    scenario = scenario_from_dict(minimal_scenario())
    for method in solver.METHODS:
        assert simulate(scenario, method=method).metrics["sessions_completed"] == 2
    with pytest.raises(ValueError, match="unknown solver method 'euler'; choose one of"):
        simulate(scenario, method="euler")


def test_each_run_gets_its_own_integrator_and_frees_it() -> None:
    gc.collect()
    before = len(expint._integrators)
    c = compile_constants(Parameters(), Subject())
    first = expint.integrator_for(c)
    assert expint.integrator_for(c) is first
    assert expint.integrator_for(compile_constants(Parameters(), Subject())) is not first
    assert len(expint._integrators) >= before + 1
    del c, first
    simulate(scenario_from_dict(minimal_scenario()))
    gc.collect()
    assert len(expint._integrators) == before


def steps_taken(t1: float, ratio: float, **settings: float) -> list[float]:
    """The steps the step control takes over a rest segment ``[0, t1]`` when every attempt
    reports error ratio ``ratio`` (no operator needed: the attempt is a stand-in), starting
    from ``first_rest_step_h``, with ``settings`` replacing the defaults."""
    integ = expint.ExponentialIntegrator(
        C, dataclasses.replace(expint.DEFAULT_EXP_SETTINGS, **settings)
    )
    integ._step_weights = lambda i, h: ()  # type: ignore[method-assign]
    key = (False, False, False)
    integ._first_k[key] = integ._kmax
    control = integ._controlled_steps(key, 0.0, t1, lambda t, h, w: ratio, SolverError)
    return [h for _, h, _ in control]


@pytest.mark.parametrize(
    ("stretch", "steps"),
    [(1.5, [2.0, 4.0, 8.0, 6.0]), (2.0, [2.0, 4.0, 14.0]), (3.0, [2.0, 4.0, 14.0])],
)
def test_a_segment_ends_in_one_step_when_its_rest_is_within_the_stretch(
    stretch: float, steps: list[float]
) -> None:
    """A 20-h rest segment whose every attempt reports the error ratio at which the
    controller doubles the step (0.9 / ratio^(1/3) = 2.05, the ladder's 2): 2, 4, then 8 h
    offered with 14 h left; the segment ends in one step when 14 <= stretch x 8."""
    ratio = (0.9 / 2.05) ** 3
    taken = steps_taken(20.0, ratio, first_rest_step_h=2.0, last_step_stretch=stretch)
    assert taken == pytest.approx(steps, rel=1e-12)
    assert sum(taken) == pytest.approx(20.0, rel=1e-12)


def test_no_step_is_stretched_beyond_the_longest_step() -> None:
    """A rest left that exceeds ``max_step_h`` is never taken in one step, whatever the stretch."""
    taken = steps_taken(30.0, 0.01, first_rest_step_h=16.0, max_step_h=16.0, last_step_stretch=2.0)
    assert taken == pytest.approx([16.0, 14.0], rel=1e-12)
