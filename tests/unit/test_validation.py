"""Message helpers (sim/input/messages.py): what the user most likely meant, one line per mistake."""

from __future__ import annotations

import pytest

from sim.errors import ScenarioError
from sim.input.messages import closest
from sim.input.scenario import scenario_from_dict

FIELDS = [
    "age_years",
    "sex",
    "sleep_h",
    "protein_g_per_kg",
    "baseline_strength_rel",
    "baseline_fitness_rel",
]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("age_yeras", "age_years"),  # a close spelling
        ("SEX", "sex"),  # case does not matter
        ("age", "age_years"),  # the stem of exactly one field
        ("protein", "protein_g_per_kg"),
        ("baseline", None),  # the stem of two fields: no guess
        ("colour", None),
        ("sexx", "sex"),
    ],
    ids=["typo", "case", "stem", "stem-long", "ambiguous-stem", "nothing-close", "short"],
)
def test_closest(word: str, expected: str | None) -> None:
    assert closest(word, FIELDS) == expected


def test_no_guess_between_equally_close_choices() -> None:
    assert closest("val/xx", ["val/val", "val/met", "met/met"]) is None
    assert closest("val/mett", ["val/val", "val/met", "met/met"]) == "val/met"


def test_a_misspelt_required_field_is_one_problem_not_two() -> None:
    with pytest.raises(ScenarioError, match=r"^s\.yaml: ") as info:
        scenario_from_dict({"name": "x", "duration_wekks": 3}, source="s.yaml")
    assert str(info.value) == (
        "s.yaml: duration_wekks: unknown field 'duration_wekks'; did you mean "
        "'duration_weeks'? Fix: rename it to 'duration_weeks'."
    )


def test_an_unrelated_unknown_key_does_not_hide_a_missing_field() -> None:
    with pytest.raises(ScenarioError, match=r"^s\.yaml: ") as info:
        scenario_from_dict({"name": "x", "colour": "red"}, source="s.yaml")
    lines = str(info.value).splitlines()
    assert (
        lines[0] == "s.yaml: duration_weeks: required field 'duration_weeks' is missing. "
        "Fix: add 'duration_weeks: ...'."
    )
    assert lines[1].startswith("s.yaml: colour: unknown field 'colour'. Fix: remove it;")


@pytest.mark.parametrize("rule", ["Double", " LINEAR "], ids=["capitalised", "upper-spaced"])
def test_progression_rule_ignores_case_like_the_other_choices(rule: str) -> None:
    s = scenario_from_dict({"name": "x", "duration_weeks": 1, "progression": {"rule": rule}})
    assert s.progression.rule == rule.strip().lower()


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (
            {"parameters": None},
            "s.yaml: parameters: expected a mapping (key: value pairs), got null (empty). Fix: "
            "write a mapping (key: value pairs), indented under the key, or {} for none (or "
            "delete the line).",
        ),
        (
            {"blocks": [None]},
            "s.yaml: blocks[0]: expected a mapping (key: value pairs), got null (empty). Fix: "
            "write a mapping (key: value pairs).",
        ),
        (
            {"parameters": {"zzz": 1}},
            "s.yaml: parameters.zzz: unknown model parameter 'zzz'. Fix: correct the name "
            "('musclebrain params' lists them all).",
        ),
    ],
    ids=["empty-optional-section", "empty-list-item", "unknown-parameter-says-params-once"],
)
def test_message_for(data: dict[str, object], line: str) -> None:
    with pytest.raises(ScenarioError, match=r"^s\.yaml: ") as info:
        scenario_from_dict({"name": "x", "duration_weeks": 1, **data}, source="s.yaml")
    assert str(info.value) == line
