"""The SimPy schedule (sim/running/schedule.py): progression rules, autoregulation and adherence.

A fake body stands in for the physiology so that each rule is checked on its own.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sim.errors import ScenarioError
from sim.input.regimen import expand_regimen
from sim.input.scenario import scenario_from_dict
from sim.running.schedule import Bout, hiit_segments, play


class FakeBody:
    """Strength rises by ``strength_per_week`` each completed week; fatigue is set by the test."""

    def __init__(self, fatigue: float = 0.0, strength_per_week: float = 0.01) -> None:
        self.now = 0.0
        self.fatigue = fatigue
        self.rate = strength_per_week
        self.performed: list[Bout] = []

    def advance(self, to_t: float) -> dict[str, float]:
        self.now = to_t
        return {"strength_rel": 1.0 + self.rate * (to_t // 168.0), "fatigue": self.fatigue}

    def perform(self, bout: Bout) -> None:
        assert math.isclose(bout.start_h, self.now)
        self.performed.append(bout)


def resistance_scenario(rule: str, weeks: int = 8, **extra) -> object:
    data = {
        "name": f"rt-{rule}",
        "duration_weeks": weeks,
        "blocks": [
            {
                "weeks": weeks,
                "sessions": [
                    {
                        "day": "mon",
                        "start": "09:00",
                        "modality": "resistance",
                        "duration_min": 50,
                        "intensity_pct_1rm": 75,
                        "sets": 3,
                        "reps": 8,
                    }
                ],
            }
        ],
        "progression": {"rule": rule, "load_step_pct": 2.5, "every_weeks": 2},
        **extra,
    }
    return scenario_from_dict(data)


def run(scenario, body=None, seed=0):
    body = body or FakeBody()
    bouts = play(
        expand_regimen(scenario),
        body,
        scenario.progression,
        scenario.adherence,
        np.random.default_rng(seed),
        scenario.horizon_h,
    )
    return bouts, body


def test_static_load_keeps_absolute_load_so_relative_intensity_drifts_down():
    """Progression 'none' (C10): the absolute load stays, relative intensity falls."""
    bouts, _ = run(resistance_scenario("none"))
    loads = [b.load_rel for b in bouts]
    assert loads == pytest.approx([0.75] * len(bouts))
    rel = [b.relative_intensity for b in bouts]
    assert all(b < a for a, b in itertools.pairwise(rel))


def test_linear_progression_adds_a_step_every_n_weeks():
    bouts, _ = run(resistance_scenario("linear"))
    expected = [0.75 * 1.025 ** (week // 2) for week in range(8)]
    assert [b.load_rel for b in bouts] == pytest.approx(expected)


def test_double_progression_adds_load_when_strength_outgrows_it():
    """Load rises only once estimated 1RM has risen by more than a load step."""
    bouts, _ = run(resistance_scenario("double", weeks=12), FakeBody(strength_per_week=0.01))
    loads = [b.load_rel for b in bouts]
    assert loads[0] == pytest.approx(0.75)
    assert loads[-1] > loads[0]
    assert all(b >= a for a, b in itertools.pairwise(loads))
    assert all(0.70 <= b.relative_intensity <= 0.76 for b in bouts)


def test_autoregulated_load_follows_current_strength():
    bouts, _ = run(resistance_scenario("autoregulated"))
    assert [b.relative_intensity for b in bouts] == pytest.approx([0.75] * len(bouts))


@pytest.mark.parametrize(
    ("fatigue", "completed", "reason"),
    [(1.0, True, ""), (2.0, True, "deload"), (3.0, False, "skipped: fatigue")],
    ids=["fresh", "deload", "skip"],
)
def test_autoregulation_deloads_or_skips_when_fatigue_is_high(fatigue, completed, reason):
    bouts, body = run(resistance_scenario("autoregulated"), FakeBody(fatigue=fatigue))
    assert all(b.completed == completed for b in bouts)
    assert all(b.reason.startswith(reason) for b in bouts)
    if reason == "deload":
        assert all(b.relative_intensity == pytest.approx(0.75 * 0.85) for b in bouts)
        assert all(b.sets == round(3 * 0.85) for b in bouts)
    assert len(body.performed) == sum(b.completed for b in bouts)


def test_attendance_draws_are_seeded_and_reported():
    scenario = resistance_scenario("none", weeks=40, adherence={"attendance": 0.5})
    first, _ = run(scenario, seed=3)
    again, _ = run(scenario, seed=3)
    other, _ = run(scenario, seed=4)
    attended = [b.completed for b in first]
    assert attended == [b.completed for b in again]
    assert attended != [b.completed for b in other]
    assert 0.25 < np.mean(attended) < 0.75
    assert {b.reason for b in first if not b.completed} == {"missed (attendance)"}


def test_every_planned_session_is_reported_once():
    scenario = resistance_scenario("none", weeks=6, adherence={"attendance": 0.0})
    bouts, body = run(scenario)
    assert len(bouts) == 6 and not body.performed


def test_hiit_segments_cover_the_session_exactly():
    s = (
        scenario_from_dict(
            {
                "name": "h",
                "duration_weeks": 1,
                "blocks": [
                    {
                        "weeks": 1,
                        "sessions": [
                            {
                                "day": "tue",
                                "start": "17:00",
                                "modality": "hiit",
                                "duration_min": 38,
                                "intervals": {
                                    "count": 4,
                                    "work_min": 4,
                                    "rest_min": 3,
                                    "work_pct_hrmax": 92,
                                    "rest_pct_hrmax": 65,
                                },
                            }
                        ],
                    }
                ],
            }
        )
        .blocks[0]
        .sessions[0]
    )
    segments = hiit_segments(10.0, s, 1.0)
    assert segments[0][0] == 10.0 and segments[-1][1] == pytest.approx(10.0 + 38 / 60)
    for a, b in itertools.pairwise(segments):
        assert a[1] == pytest.approx(b[0])
    hard = [seg for seg in segments if seg[2].aerobic_frac_vo2max > 0.8]
    assert len(hard) == 4
    assert sum(seg[1] - seg[0] for seg in hard) == pytest.approx(16 / 60)


# --- property: any valid regimen plays to sorted, non-overlapping bouts inside the horizon ----

MODALITY_FIELDS = {
    "aerobic": {"intensity_pct_hrmax": 65},
    "resistance": {"intensity_pct_1rm": 75, "sets": 3, "reps": 8},
    "hiit": {"intervals": {"count": 2, "work_min": 3, "rest_min": 2, "work_pct_hrmax": 90}},
}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@st.composite
def valid_scenarios(draw: st.DrawFn) -> object:
    """Any scenario that validates: sessions anywhere in the week (late Sunday included), several
    a day, 1-3 blocks, any progression rule and attendance; invalid draws are discarded."""
    blocks = []
    for _ in range(draw(st.integers(1, 3))):
        sessions = []
        for _ in range(draw(st.integers(0, 6))):
            modality = draw(st.sampled_from(sorted(MODALITY_FIELDS)))
            sessions.append(
                {
                    "day": draw(st.sampled_from(DAYS)),
                    "start": f"{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}",
                    "modality": modality,
                    "duration_min": draw(st.integers(10, 240)),
                    **MODALITY_FIELDS[modality],
                }
            )
        blocks.append({"weeks": draw(st.integers(1, 4)), "sessions": sessions})
    data = {
        "name": "random",
        "duration_weeks": sum(b["weeks"] for b in blocks),
        "follow_up_weeks": draw(st.integers(0, 2)),
        "blocks": blocks,
        "progression": {
            "rule": draw(st.sampled_from(["none", "linear", "double", "autoregulated"]))
        },
        "adherence": {"attendance": draw(st.floats(0.0, 1.0))},
    }
    try:
        return scenario_from_dict(data)
    except ScenarioError:
        assume(False)  # overlapping sessions: not a valid regimen
        raise  # unreachable: assume(False) aborts the example


@given(scenario=valid_scenarios(), fatigue=st.floats(0.0, 4.0), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
def test_random_valid_regimens_play_to_sorted_non_overlapping_bouts_inside_the_horizon(
    scenario, fatigue, seed
):
    bouts, body = run(scenario, FakeBody(fatigue=fatigue), seed=seed)
    assert len(bouts) == len(expand_regimen(scenario))  # every planned session reported once
    assert [b.start_h for b in bouts] == sorted(b.start_h for b in bouts)
    for earlier, later in itertools.pairwise(bouts):
        assert earlier.end_h <= later.start_h + 1e-9
    training_end = scenario.duration_weeks * 168.0
    assert all(0.0 <= b.start_h < b.end_h <= training_end + 1e-9 for b in bouts)
    for bout in body.performed:  # a completed bout's drive covers it exactly, without gaps
        assert bout.segments[0][0] == pytest.approx(bout.start_h)
        assert bout.segments[-1][1] == pytest.approx(bout.end_h)
        assert all(a[1] == pytest.approx(b[0]) for a, b in itertools.pairwise(bout.segments))
    assert len(body.performed) == sum(b.completed for b in bouts)
