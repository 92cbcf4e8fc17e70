"""The scenario schema and loader (sim/input/scenario.py, sim/input/messages.py).

Every malformed field must give one ScenarioError whose message names the file, the field path,
the bad value and the fix; nothing else may escape.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import ScenarioError
from sim.input.scenario import (
    AerobicSession,
    HiitSession,
    ResistanceSession,
    Scenario,
    load_scenario,
    scenario_from_dict,
)

AEROBIC = {
    "day": "tue",
    "start": "09:00",
    "modality": "aerobic",
    "duration_min": 45,
    "intensity_pct_hrmax": 65,
}
RESISTANCE = {
    "day": "mon",
    "start": "09:00",
    "modality": "resistance",
    "duration_min": 50,
    "intensity_pct_1rm": 75,
    "sets": 3,
    "reps": 8,
    "movements": "compound",
}
HIIT = {
    "day": "thu",
    "start": "18:00",
    "modality": "hiit",
    "duration_min": 30,
    "intervals": {
        "count": 4,
        "work_min": 4,
        "rest_min": 3,
        "work_pct_hrmax": 92,
        "rest_pct_hrmax": 65,
    },
}


def scenario(*sessions: dict[str, Any], **top: Any) -> dict[str, Any]:
    """A valid 24-week scenario dict with the given weekly sessions (default: all three)."""
    data: dict[str, Any] = {
        "name": "combined-24wk",
        "duration_weeks": 24,
        "blocks": [
            {
                "weeks": 24,
                "sessions": [copy.deepcopy(s) for s in (sessions or (RESISTANCE, AEROBIC, HIIT))],
            }
        ],
    }
    data.update(top)
    return data


def write(tmp_path: Path, data: Any, name: str = "x.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# --- valid scenarios ------------------------------------------------------------------------


def test_minimal_scenario_is_valid_and_sedentary() -> None:
    s = scenario_from_dict({"name": "sedentary", "duration_weeks": 24})
    assert s.blocks == ()
    assert (s.total_weeks, s.horizon_h) == (24, 24 * 168.0)


def test_defaults_are_filled_in() -> None:
    s = scenario_from_dict({"name": "sedentary", "duration_weeks": 24})
    assert (s.seed, s.sample_min, s.follow_up_weeks, s.description) == (0, 60.0, 0, "")
    assert s.participant.bdnf_genotype == "val/val"
    assert s.participant.cognitive_status == "healthy"
    assert s.participant.baseline_igf1_ng_mL is None
    assert (s.recovery.sleep_h, s.recovery.protein_g_per_kg) == (7.5, 1.2)
    assert s.background.steps_per_day == 0
    assert s.progression.rule == "none"
    assert (s.adherence.attendance, s.adherence.intensity_fidelity) == (1.0, 1.0)
    assert s.parameters == {}


def test_full_scenario_file_loads_with_the_right_session_types(tmp_path: Path) -> None:
    s = load_scenario(
        write(tmp_path, scenario(follow_up_weeks=12, seed=7, parameters={"il6_rest_pg_mL": 2}))
    )
    kinds = [type(x) for x in s.blocks[0].sessions]
    assert kinds == [ResistanceSession, AerobicSession, HiitSession]
    assert s.total_weeks == 36
    assert s.parameters == {"il6_rest_pg_mL": 2.0}


def test_scenario_is_frozen() -> None:
    s = scenario_from_dict(scenario())
    with pytest.raises(ValueError, match="frozen"):
        s.seed = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("session", "start_h", "end_h"),
    [(AEROBIC, 33.0, 33.75), (RESISTANCE, 9.0, 9 + 50 / 60), (HIIT, 90.0, 90.5)],
    ids=["tue-0900", "mon-0900", "thu-1800"],
)
def test_session_times_are_hours_from_monday(
    session: dict[str, Any], start_h: float, end_h: float
) -> None:
    s = scenario_from_dict(scenario(session)).blocks[0].sessions[0]
    assert s.start_h_of_week == pytest.approx(start_h)
    assert s.end_h_of_week == pytest.approx(end_h)
    assert s.duration_h == pytest.approx(end_h - start_h)


def test_day_and_time_are_normalised() -> None:
    s = scenario_from_dict(scenario({**AEROBIC, "day": "TUE", "start": "9:05"}))
    assert (s.blocks[0].sessions[0].day, s.blocks[0].sessions[0].start) == ("tue", "09:05")


def test_sessions_that_only_touch_do_not_overlap() -> None:
    first = {**AEROBIC, "day": "mon", "start": "09:00", "duration_min": 60}
    scenario_from_dict(scenario(first, {**first, "start": "10:00"}))


# --- malformed fields -----------------------------------------------------------------------


def _set(data: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    node: Any = data
    keys = [int(k) if k.isdigit() else k for k in re.split(r"\.|\[|\]\.?", dotted) if k]
    for key in keys[:-1]:
        node = node.setdefault(key, {}) if isinstance(key, str) else node[key]
    node[keys[-1]] = value
    return data


BAD_FIELDS = [
    (
        "intensity-140-pct-1rm",
        "blocks[0].sessions[0].intensity_pct_1rm",
        140,
        r"x\.yaml: blocks\[0\]\.sessions\[0\]\.intensity_pct_1rm: 140 is invalid: must be at "
        r"most 100\. Fix: use a value between 20 and 100\.",
    ),
    (
        "30-hour-session",
        "blocks[0].sessions[1].duration_min",
        1800,
        r"blocks\[0\]\.sessions\[1\]\.duration_min: 1800 is invalid: must be at most 240\. "
        r"Fix: use a value greater than 0 and at most 240\.",
    ),
    (
        "duration-weeks-0",
        "duration_weeks",
        0,
        r"duration_weeks: 0 is invalid: must be at least 1\. Fix: use a value between 1 and 520",
    ),
    (
        "bad-genotype",
        "participant.bdnf_genotype",
        "val/xx",
        r"participant\.bdnf_genotype: 'val/xx' is not allowed\. Fix: use one of 'val/val', "
        r"'val/met' or 'met/met'",
    ),
    (
        "attendance-1.5",
        "adherence.attendance",
        1.5,
        r"adherence\.attendance: 1\.5 is invalid: must be at most 1\. Fix: use a value between "
        r"0 and 1\.",
    ),
    (
        "unquoted-time-540",
        "blocks[0].sessions[0].start",
        540,
        r"blocks\[0\]\.sessions\[0\]\.start: 540 looks like an unquoted time .*Fix: write it in "
        r'quotes, e\.g\. start: "09:00"',
    ),
    (
        "time-25h",
        "blocks[0].sessions[0].start",
        "25:00",
        r"blocks\[0\]\.sessions\[0\]\.start: '25:00' is not a 24-hour time\. Fix: write \"HH:MM\"",
    ),
    (
        "bad-day",
        "blocks[0].sessions[0].day",
        "funday",
        r"blocks\[0\]\.sessions\[0\]\.day: 'funday' is not allowed\. Fix: use one of 'mon', ",
    ),
    (
        "unknown-modality",
        "blocks[0].sessions[0].modality",
        "yoga",
        r"blocks\[0\]\.sessions\[0\]\.modality: unknown modality 'yoga'\. Fix: use one of "
        r"'aerobic', 'hiit', 'resistance'\.",
    ),
    (
        "unknown-key-suggestion",
        "blocks[0].sessions[0].intensty_pct_1rm",
        75,
        r"blocks\[0\]\.sessions\[0\]\.intensty_pct_1rm: unknown field 'intensty_pct_1rm'; did "
        r"you mean 'intensity_pct_1rm'\? Fix: rename it to 'intensity_pct_1rm'\.",
    ),
    (
        "unknown-top-level-key",
        "colour",
        "red",
        r"x\.yaml: colour: unknown field 'colour'\. Fix: remove it; allowed fields here: ",
    ),
    (
        "text-for-number",
        "recovery.sleep_h",
        "lots",
        r"recovery\.sleep_h: expected a number, got 'lots'\. Fix: write a number without quotes, "
        r"between 3 and 14\.",
    ),
    (
        "exponent-notation-read-as-text",
        "duration_weeks",
        "1e3",
        r"duration_weeks: expected a whole number, got '1e3'\. Fix: write a whole number in "
        r"plain digits \(YAML reads 1e3 as text\), between 1 and 520\.",
    ),
    (
        "bool-for-number",
        "seed",
        True,
        r"seed: expected a whole number, got true\. Fix: write a whole number, at least 0\.",
    ),
    (
        "fractional-sets",
        "blocks[0].sessions[0].sets",
        2.5,
        r"blocks\[0\]\.sessions\[0\]\.sets: expected a whole number, got 2\.5",
    ),
    (
        "bad-name",
        "name",
        "my scenario!",
        r"name: 'my scenario!' is invalid: it must match .*Fix: use letters, digits",
    ),
    (
        "misspelled-parameter",
        "parameters",
        {"il6_rest_pg_ml": 2},
        r"parameters\.il6_rest_pg_ml: unknown model parameter 'il6_rest_pg_ml': did you mean "
        r"'il6_rest_pg_mL'.*Fix: correct the name",
    ),
    (
        "parameter-out-of-bounds",
        "parameters",
        {"lactate_rest_mmol_L": 99},
        r"parameters\.lactate_rest_mmol_L: parameter 'lactate_rest_mmol_L' = 99 is outside its "
        r"bounds\. Fix: use a value between 0\.5 and 2 \(mmol/L\)\.",
    ),
    (
        "skip-below-deload",
        "progression",
        {"deload_fatigue": 2.0, "skip_fatigue": 1.0},
        r"progression\.skip_fatigue: 1 is invalid: must be above deload_fatigue \(2\)\. Fix:",
    ),
    (
        "nan-sample",
        "sample_min",
        float("nan"),
        r"sample_min: nan is not a finite number\. Fix: write a finite number between 1 and 1440",
    ),
]


@pytest.mark.parametrize(
    ("dotted", "value", "message"), [b[1:] for b in BAD_FIELDS], ids=[b[0] for b in BAD_FIELDS]
)
def test_malformed_field_is_named_with_value_and_fix(
    tmp_path: Path, dotted: str, value: Any, message: str
) -> None:
    path = write(tmp_path, _set(scenario(), dotted, value))
    with pytest.raises(ScenarioError, match=message) as info:
        load_scenario(path)
    assert info.value.path == str(path)


@pytest.mark.parametrize(
    ("sessions", "message"),
    [
        (
            [
                {**AEROBIC, "day": "mon", "duration_min": 90},
                {**AEROBIC, "day": "mon", "start": "10:00"},
            ],
            r"blocks\[0\]\.sessions\[0\] \(mon 09:00, 90 min\) overlaps blocks\[0\]\.sessions\[1\] "
            r"\(mon 10:00\)\. Fix: move one of them",
        ),
        (
            [
                {**AEROBIC, "day": "sun", "start": "23:30", "duration_min": 60},
                {**AEROBIC, "day": "mon", "start": "00:15"},
            ],
            r"blocks\[0\]\.sessions\[0\] \(sun 23:30, 60 min\) overlaps blocks\[0\]\.sessions\[1\] "
            r"\(mon 00:15\)",
        ),
    ],
    ids=["same-day", "week-wrap"],
)
def test_overlapping_sessions_are_rejected(sessions: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        scenario_from_dict(scenario(*sessions))


def test_session_crossing_into_the_next_block_overlaps_its_monday_session() -> None:
    late = {**AEROBIC, "day": "sun", "start": "23:30", "duration_min": 60}
    data = scenario(
        blocks=[
            {"weeks": 12, "sessions": [late]},
            {"weeks": 12, "sessions": [{**AEROBIC, "day": "mon", "start": "00:00"}]},
        ]
    )
    with pytest.raises(
        ScenarioError,
        match=r"blocks\[0\]\.sessions\[0\] \(sun 23:30, 60 min\) "
        r"overlaps blocks\[1\]\.sessions\[0\] \(mon 00:00\)",
    ):
        scenario_from_dict(data)


def test_blocks_must_sum_to_duration() -> None:
    data = scenario(duration_weeks=20)
    with pytest.raises(
        ScenarioError,
        match=r"blocks: block weeks add up to 24 but "
        r"duration_weeks is 20\. Fix: make the blocks' "
        r"weeks sum to 20, or set duration_weeks: 24\.",
    ):
        scenario_from_dict(data)


def test_hiit_intervals_longer_than_session_are_rejected() -> None:
    data = scenario({**HIIT, "duration_min": 20})
    with pytest.raises(
        ScenarioError,
        match=r"blocks\[0\]\.sessions\[0\]\.intervals: 4 x \(4 \+ "
        r"3\) min = 28 min of intervals do not fit in "
        r"duration_min 20\. Fix: raise duration_min",
    ):
        scenario_from_dict(data)


@pytest.mark.parametrize(
    ("extra", "word"),
    [({"intensity_pct_vo2max": 60}, "both"), ({"intensity_pct_hrmax": None}, "neither")],
    ids=["both", "neither"],
)
def test_aerobic_needs_exactly_one_intensity(extra: dict[str, Any], word: str) -> None:
    with pytest.raises(
        ScenarioError,
        match=rf"sessions\[0\]: {word} intensity_pct_hrmax and "
        r"intensity_pct_vo2max given\. Fix: give exactly",
    ):
        scenario_from_dict(scenario({**AEROBIC, **extra}))


def test_missing_required_field_is_named() -> None:
    session = {k: v for k, v in RESISTANCE.items() if k != "sets"}
    with pytest.raises(
        ScenarioError,
        match=r"blocks\[0\]\.sessions\[0\]\.sets: required field "
        r"'sets' is missing\. Fix: add 'sets: \.\.\.'",
    ):
        scenario_from_dict(scenario(session))


def test_missing_modality_lists_the_choices() -> None:
    session = {k: v for k, v in AEROBIC.items() if k != "modality"}
    with pytest.raises(
        ScenarioError,
        match=r"sessions\[0\]\.modality: required field "
        r"'modality' is missing\. Fix: add 'modality: "
        r"\.\.\.' with one of 'aerobic', 'hiit', "
        r"'resistance'",
    ):
        scenario_from_dict(scenario(session))


def test_many_problems_are_listed_one_per_line_then_counted() -> None:
    data = {"name": "x", "duration_weeks": 1, **{f"extra_{i}": i for i in range(13)}}
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, source="many.yaml")
    lines = str(info.value).splitlines()
    assert len(lines) == 11
    assert all(line.startswith("many.yaml: extra_") for line in lines[:10])
    assert lines[-1] == "... and 3 more"


def test_dict_source_has_no_file_path() -> None:
    with pytest.raises(ScenarioError, match=r"^<dict>: duration_weeks: ") as info:
        scenario_from_dict(scenario(duration_weeks=0))
    assert info.value.path is None


# --- file problems --------------------------------------------------------------------------


def _text(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "x.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", r"x\.yaml: the file is empty\. Fix: write a scenario"),
        ("# only a comment\n", r"x\.yaml: the file is empty"),
        (
            "name: a\nduration_weeks: [1, 2\n",
            r"x\.yaml: line 3, column 1: invalid YAML: .*Fix: "
            r"check indentation",
        ),
        ("name: a\n  duration_weeks: 3\n", r"x\.yaml: line 2, column \d+: invalid YAML"),
        (
            "name: a\nname: b\n",
            r"x\.yaml: line 2, column 1: invalid YAML: key 'name' appears "
            r"twice",
        ),
        (
            "- name: a\n- duration_weeks: 3\n",
            r"x\.yaml: the top level must be a mapping of "
            r"fields .*got a list\. Fix: ",
        ),
        ("just text\n", r"x\.yaml: the top level must be a mapping .*got str 'just text'"),
        (
            b"name: caf\xe9\n",
            r"x\.yaml: is not UTF-8 text \(byte 0xe9 at position 9\)\. Fix: "
            r"save the file with UTF-8 encoding\.",
        ),
    ],
    ids=[
        "empty",
        "comment-only",
        "unclosed-bracket",
        "bad-indent",
        "duplicate-key",
        "top-level-list",
        "top-level-scalar",
        "not-utf8",
    ],
)
def test_bad_file_content_gives_one_clear_error(
    tmp_path: Path, content: str | bytes, message: str
) -> None:
    with pytest.raises(ScenarioError, match=message):
        load_scenario(_text(tmp_path, content))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"nope\.yaml: file not found\. Fix: check the path"):
        load_scenario(tmp_path / "nope.yaml")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r": is a folder, not a scenario file\. Fix: "):
        load_scenario(tmp_path)


# --- no other exception, ever ---------------------------------------------------------------

NUMERIC_FIELDS = {
    "duration_weeks": (1, 520),
    "participant.age_years": (18, 100),
    "recovery.sleep_h": (3, 14),
    "adherence.attendance": (0, 1),
    "blocks[0].sessions[0].intensity_pct_1rm": (20, 100),
    "blocks[0].sessions[1].duration_min": (0.001, 240),
    "blocks[0].sessions[2].intervals.count": (1, 30),
}

invalid_values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).filter(lambda v: not 0 <= v <= 1),
    st.floats(min_value=521, max_value=1e12),
    st.floats(max_value=-1e-9),
    st.text(max_size=8),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(sorted(NUMERIC_FIELDS)), value=invalid_values)
def test_random_invalid_numbers_always_give_a_scenario_error(
    tmp_path_factory: pytest.TempPathFactory, field: str, value: Any
) -> None:
    lo, hi = NUMERIC_FIELDS[field]
    if isinstance(value, (int, float)) and not isinstance(value, bool) and lo <= value <= hi:
        return  # not invalid for this field
    path = write(tmp_path_factory.mktemp("hyp"), _set(scenario(), field, value), "rand.yaml")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert f"rand.yaml: {field}:" in str(info.value)


def test_scenario_model_can_be_built_directly() -> None:
    s = Scenario.model_validate(scenario())
    assert s.name == "combined-24wk"
