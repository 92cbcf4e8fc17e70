"""Science invariants of whole runs (sim/running/simulation.py): baseline held without training, dose
monotonicity, non-negativity, and decay after training stops."""

from __future__ import annotations

import numpy as np
import pytest

from sim.input.scenario import scenario_from_dict
from sim.model.constants import HOURS_PER_YEAR
from sim.model.parameters import DEFAULTS
from sim.running.simulation import simulate


def weekly(*sessions, weeks=12, follow_up=0, **top):
    return scenario_from_dict(
        {
            "name": "inv",
            "duration_weeks": weeks,
            "follow_up_weeks": follow_up,
            "blocks": [{"weeks": weeks, "sessions": list(sessions)}],
            **top,
        }
    )


def rt(day="mon", pct=75, sets=3, movements="compound"):
    return {
        "day": day,
        "start": "09:00",
        "modality": "resistance",
        "duration_min": 50,
        "intensity_pct_1rm": pct,
        "sets": sets,
        "reps": 8,
        "movements": movements,
    }


def aer(day="tue", hr=70, minutes=45):
    return {
        "day": day,
        "start": "09:00",
        "modality": "aerobic",
        "duration_min": minutes,
        "intensity_pct_hrmax": hr,
    }


@pytest.fixture(scope="module")
def sedentary():
    return simulate(
        scenario_from_dict({"name": "sed", "duration_weeks": 24, "follow_up_weeks": 24})
    )


@pytest.mark.parametrize(
    "name",
    [
        "irisin_rel",
        "ctsb_rel",
        "fgf21_rel",
        "bdnf_brain_rel",
        "bdnf_muscle_rel",
        "inflammation_rel",
        "strength_rel",
        "fitness_rel",
    ],
)
def test_without_training_relative_states_stay_at_one(sedentary, name):
    np.testing.assert_allclose(sedentary.columns[name], 1.0, atol=1e-9)


def test_without_training_absolute_states_stay_at_rest(sedentary):
    np.testing.assert_allclose(sedentary.columns["lactate_mmol_L"], DEFAULTS.lactate_rest_mmol_L)
    np.testing.assert_allclose(sedentary.columns["il6_pg_mL"], DEFAULTS.il6_rest_pg_mL)
    np.testing.assert_allclose(
        sedentary.columns["bdnf_serum_ng_mL"], DEFAULTS.bdnf_serum_rest_ng_mL
    )
    np.testing.assert_allclose(sedentary.columns["fatigue"], 0.0, atol=1e-12)


def test_without_training_reserve_only_follows_age(sedentary):
    """Reserve falls linearly at the age-related rate (Barnes 2009), nothing else; cognition
    falls at its own unbuffered rate (no reserve was built), not as a multiple of reserve."""
    years = sedentary.times_h / HOURS_PER_YEAR
    expected = -DEFAULTS.reserve_age_loss_per_yr * years
    np.testing.assert_allclose(sedentary.columns["reserve"], expected, atol=1e-9)
    np.testing.assert_allclose(
        sedentary.columns["cognition_z"], -DEFAULTS.cognitive_decline_z_per_yr * years, atol=1e-9
    )


def test_without_training_igf1_follows_the_age_decline(sedentary):
    """IGF-1 falls ~1.9 %/yr (Gasco 2007) and does not move otherwise.

    It trails the age baseline by its 3-week time constant: about 0.1 % over a year.
    """
    igf1 = sedentary.columns["igf1_ng_mL"]
    years = sedentary.times_h[-1] / HOURS_PER_YEAR
    assert igf1[-1] / igf1[0] == pytest.approx(
        (1 - DEFAULTS.igf1_decline_per_yr) ** years, rel=2e-3
    )
    assert np.all(np.diff(igf1) <= 1e-12)


def test_every_state_stays_finite_and_non_negative():
    result = simulate(
        weekly(
            rt("mon", 85, 6),
            aer("tue", 90, 90),
            rt("wed", 85, 6),
            aer("thu", 90, 90),
            rt("fri", 85, 6),
            weeks=8,
            follow_up=4,
        )
    )
    for name, values in result.columns.items():
        assert np.all(np.isfinite(values)), name
        if name not in ("reserve", "cognition_z"):
            assert values.min() >= -1e-9, name


@pytest.mark.parametrize(
    "metric",
    [
        "lactate_peak_mmol_L",
        "il6_peak_pg_mL",
        "bdnf_brain_auc",
        "strength_change_pct",
        "reserve_final",
    ],
)
def test_higher_resistance_intensity_never_lowers_the_response(metric):
    values = [
        simulate(weekly(rt("mon", pct), rt("thu", pct))).metrics[metric] for pct in (50, 65, 80)
    ]
    assert values == sorted(values), values


@pytest.mark.parametrize(
    "metric", ["bdnf_brain_auc", "fitness_change_pct", "reserve_final", "strength_change_pct"]
)
def test_more_sessions_never_lower_the_response(metric):
    days = ["mon", "wed", "fri"]
    values = [simulate(weekly(*[rt(d) for d in days[:n]])).metrics[metric] for n in (1, 2, 3)]
    assert values == sorted(values), values


def test_adaptations_decay_after_training_stops():
    """Detraining (C22, T13): strength and fitness fall from the first day without training;
    the reserve keeps growing for a few weeks while fitness-driven brain BDNF lingers (cf.
    Blasco-Lafarga 2020: inhibition kept improving during detraining), peaks within 8 weeks,
    and then decays."""
    result = simulate(weekly(rt("mon"), aer("tue"), rt("thu"), aer("fri"), weeks=12, follow_up=24))
    after = result.times_h >= result.training_end_h + 24.0
    for name in ("strength_rel", "fitness_rel"):
        assert np.all(np.diff(result.columns[name][after]) < 0), name
    reserve = result.columns["reserve_built"][after]
    t_after = result.times_h[after]
    peak = int(np.argmax(reserve))
    assert t_after[peak] - result.training_end_h < 8 * 168.0
    assert np.all(np.diff(reserve[peak:]) < 0)
