"""Regimen expansion (sim/input/regimen.py): dated, sorted, non-overlapping sessions in the horizon."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from sim.input.regimen import HOURS_PER_WEEK, expand_regimen, sessions_past_end
from sim.input.scenario import DAYS, scenario_from_dict

MODALITY_FIELDS = {
    "aerobic": {"intensity_pct_hrmax": 65},
    "resistance": {"intensity_pct_1rm": 75, "sets": 3, "reps": 8},
    "hiit": {"intervals": {"count": 2, "work_min": 3, "rest_min": 2, "work_pct_hrmax": 90}},
}


@st.composite
def regimens(draw: st.DrawFn) -> dict:
    """Random valid scenarios: 1-3 blocks, at most one session per weekday."""
    blocks = []
    for _ in range(draw(st.integers(1, 3))):
        days = draw(st.lists(st.sampled_from(DAYS), unique=True, max_size=7))
        sessions = []
        for day in days:
            modality = draw(st.sampled_from(sorted(MODALITY_FIELDS)))
            hour, minute = draw(st.integers(5, 20)), draw(st.integers(0, 59))
            sessions.append(
                {
                    "day": day,
                    "start": f"{hour:02d}:{minute:02d}",
                    "modality": modality,
                    "duration_min": draw(st.integers(15, 180)),
                    **MODALITY_FIELDS[modality],
                }
            )
        blocks.append({"weeks": draw(st.integers(1, 8)), "sessions": sessions})
    weeks = sum(b["weeks"] for b in blocks)
    return {
        "name": "random",
        "duration_weeks": weeks,
        "blocks": blocks,
        "follow_up_weeks": draw(st.integers(0, 4)),
    }


@given(regimens())
@settings(max_examples=60, deadline=None)
def test_random_regimens_expand_to_sorted_non_overlapping_sessions_inside_the_horizon(data):
    scenario = scenario_from_dict(data)
    plan = expand_regimen(scenario)
    expected = sum(b["weeks"] * len(b["sessions"]) for b in data["blocks"])
    assert len(plan) == expected
    starts = [p.start_h for p in plan]
    assert starts == sorted(starts)
    for earlier, later in itertools.pairwise(plan):
        assert earlier.end_h <= later.start_h + 1e-9
    training_end = scenario.duration_weeks * HOURS_PER_WEEK
    assert all(p.start_h >= 0.0 and p.end_h <= training_end + 1e-9 for p in plan)
    assert [p.index for p in plan] == list(range(len(plan)))


def test_blocks_follow_each_other_in_time():
    """A 2-week familiarisation block is followed by the main block's sessions."""
    data = {
        "name": "two-blocks",
        "duration_weeks": 3,
        "blocks": [
            {
                "weeks": 2,
                "sessions": [
                    {
                        "day": "mon",
                        "start": "09:00",
                        "modality": "resistance",
                        "duration_min": 50,
                        "intensity_pct_1rm": 60,
                        "sets": 2,
                        "reps": 10,
                    }
                ],
            },
            {
                "weeks": 1,
                "sessions": [
                    {
                        "day": "wed",
                        "start": "09:00",
                        "modality": "resistance",
                        "duration_min": 50,
                        "intensity_pct_1rm": 75,
                        "sets": 3,
                        "reps": 8,
                    }
                ],
            },
        ],
    }
    plan = expand_regimen(scenario_from_dict(data))
    assert [p.start_h for p in plan] == [9.0, 168 + 9.0, 2 * 168 + 48 + 9.0]
    assert [p.block for p in plan] == [0, 0, 1]
    assert [p.week_in_block for p in plan] == [0, 1, 0]


def test_sedentary_scenario_has_no_sessions():
    assert expand_regimen(scenario_from_dict({"name": "s", "duration_weeks": 4})) == ()


def test_a_session_running_past_the_end_is_left_out_of_its_last_week_and_named() -> None:
    """A late-Sunday session that runs past midnight is played every week but the last, where
    it would end after the training period; the note names it so that nobody wonders why."""
    late = {
        "day": "sun",
        "start": "23:00",
        "modality": "aerobic",
        "duration_min": 90,
        "intensity_pct_hrmax": 65,
    }
    early = {**late, "day": "mon", "start": "09:00"}
    scenario = scenario_from_dict(
        {"name": "late", "duration_weeks": 3, "blocks": [{"weeks": 3, "sessions": [early, late]}]}
    )
    plan = expand_regimen(scenario)
    assert [s.slot for s in plan] == [0, 1, 0, 1, 0]  # the third Sunday is missing
    assert plan[-1].end_h <= 3 * HOURS_PER_WEEK
    (note,) = sessions_past_end(scenario)
    assert note.startswith("blocks[0].sessions[1] (sun 23:00, 90 min) would end after")
    assert "(week 3)" in note


def test_sessions_inside_the_week_give_no_note() -> None:
    session = {
        "day": "sun",
        "start": "21:00",
        "modality": "aerobic",
        "duration_min": 180,
        "intensity_pct_hrmax": 65,
    }  # ends exactly at midnight
    scenario = scenario_from_dict(
        {"name": "ok", "duration_weeks": 1, "blocks": [{"weeks": 1, "sessions": [session]}]}
    )
    assert sessions_past_end(scenario) == ()
    assert len(expand_regimen(scenario)) == 1
