"""The YAML loader against hostile input: limits, keys, merge keys, special files.

Each refusal is one line naming the file, the line and column, what is wrong and the fix; each
limit is a constant of :mod:`sim.input.yamlfile`, so the tests set tight ones where that keeps them
fast.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from sim.errors import ScenarioError
from sim.input import yamlfile as yaml_input
from sim.input.messages import describe, render_value, short_repr
from sim.input.scenario import Scenario, load_scenario
from sim.input.trial_schema import TrialFile
from sim.input.yamlfile import read_yaml


def read(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return read_yaml(path, ScenarioError)


def refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        read(tmp_path, text)


def alias_bomb(levels: int) -> str:
    """The billion laughs: each anchor a list of ten aliases of the one before."""
    lines = ["name: x", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join([*lines, f"duration_weeks: *a{levels - 1}", ""])


# --- merge keys -------------------------------------------------------------------------------

SESSION = "{day: mon, start: '09:00', modality: aerobic, duration_min: 45, intensity_pct_hrmax: 70}"


def test_a_merge_key_gives_a_scenario_family_its_defaults(tmp_path: Path) -> None:
    # One session written once, the others merge it and change what differs.
    path = tmp_path / "family.yaml"
    path.write_text(
        "name: family\nduration_weeks: 4\nblocks:\n  - weeks: 4\n    sessions:\n"
        f"      - &walk {SESSION}\n"
        "      - {<<: *walk, day: wed}\n"
        "      - <<: *walk\n        day: fri\n        intensity_pct_hrmax: 80\n",
        encoding="utf-8",
    )
    sessions = load_scenario(path).blocks[0].sessions
    assert [(s.day, s.intensity_pct_hrmax) for s in sessions] == [  # type: ignore[union-attr]
        ("mon", 70),
        ("wed", 70),
        ("fri", 80),
    ]


def test_merge_keys_follow_the_yaml_spec(tmp_path: Path) -> None:
    data = read(
        tmp_path,
        "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\n"
        "one: {<<: *a, x: 9}\n"  # a key written here wins over a merged one
        "list: {<<: [*a, *b]}\n"  # an earlier mapping wins over a later one
        "nested: {<<: {<<: *b, w: 0}}\n",
    )
    assert data["one"] == {"x": 9, "y": 1}
    assert data["list"] == {"x": 1, "y": 1, "z": 2}
    assert data["nested"] == {"y": 2, "z": 2, "w": 0}
    assert data["a"] == {"x": 1, "y": 1}  # the merged mappings are left as written


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: a\nname: b\n",
            r"x\.yaml: line 2, column 1: invalid YAML: key 'name' appears twice",
        ),
        (
            "a: &a {x: 1}\nb: {<<: *a, y: 1, y: 2}\n",
            r"x\.yaml: line 2, column 19: invalid YAML: key 'y' appears twice",
        ),
        (
            "a: &a {x: 1}\nb:\n  <<: *a\n  <<: *a\n",
            r"x\.yaml: line 4, column 3: the merge key '<<' appears twice in the same mapping\. "
            r"Fix: merge several mappings with one '<<', as in '<<: \[\*a, \*b\]'\.",
        ),
        (
            "b: {<<: 3}\n",
            r"x\.yaml: line 1, column 9: the merge key '<<' needs a mapping or a list of "
            r"mappings, got '3'\. Fix: name mappings defined earlier with an anchor",
        ),
        (
            "b: {<<: [{x: 1}, [1]]}\n",
            r"x\.yaml: line 1, column 18: the merge key '<<' needs .* got a list\. Fix: ",
        ),
    ],
    ids=["key-twice", "key-twice-beside-merge", "merge-key-twice", "merge-scalar", "merge-list"],
)
def test_repeated_keys_and_bad_merges_are_refused(tmp_path: Path, text: str, message: str) -> None:
    refused(tmp_path, text, message)


# --- keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: x\n? [a, b]\n: 1\n",
            r"x\.yaml: line 2, column 3: a list is used as a mapping key\. Fix: keys must be "
            r"plain names, as in 'duration_weeks: 12'; a list or mapping goes after the colon\.$",
        ),
        ("? {a: 1}\n: 1\n", r"line 1, column 3: a mapping is used as a mapping key\. Fix: "),
        (
            "name: x\n1: 2\n",
            r"x\.yaml: line 2, column 1: the key '1' is read as a number, not as a name\. Fix: "
            r"keys must be plain names; write the field name, or quote the key \(as in "
            r"'\"1\": \.\.\.'\) if it is meant as text\.$",
        ),
        ("yes: 2\n", r"line 1, column 1: the key 'yes' is read as true or false, not as a name"),
        ("~: 2\n", r"line 1, column 1: the key '~' is read as null \(empty\), not as a name"),
        ("2024-01-01: 2\n", r"line 1, column 1: the key '2024-01-01' is read as a date"),
        (
            f"{'k' * 101}: 1\n",
            r"line 1, column 1: a key of 101 characters \(at most 100\): 'kkk.*\.\.\.'\. Fix: "
            r"keys must be plain names; check for a missing ': ' or a missing quote\.$",
        ),
    ],
    ids=["list-key", "mapping-key", "number-key", "bool-key", "null-key", "date-key", "long-key"],
)
def test_keys_must_be_plain_names(tmp_path: Path, text: str, message: str) -> None:
    refused(tmp_path, text, message)


# --- aliases and nesting ------------------------------------------------------------------


def test_an_alias_bomb_is_refused_at_the_alias_that_passes_the_budget(tmp_path: Path) -> None:
    text = alias_bomb(10)
    assert len(text.encode()) < 600
    start = time.perf_counter()
    refused(
        tmp_path,
        text,
        r"x\.yaml: line 5, column 45: aliases expand to more than 10000 values \(this \*a2 "
        r"repeats 1111\)\. Fix: write the values out or use fewer nested aliases\.$",
    )
    assert time.perf_counter() - start < 5  # a loose guard: the refusal costs milliseconds


def test_the_alias_budget_is_one_constant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_input, "MAX_ALIAS_VALUES", 20)
    assert read(tmp_path, "a: &a [1, 2, 3]\nb: [*a, *a, *a, *a]\n")["b"][3] == [1, 2, 3]
    refused(tmp_path, "a: &a [1, 2, 3]\nb: [*a, *a, *a, *a, *a, *a]\n", r"line 2, column 25: al")


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path: Path) -> None:
    refused(
        tmp_path,
        "name: x\nduration_weeks: &a [1, *a]\n",
        r"x\.yaml: line 2, column 24: the alias \*a is inside the value it names\. Fix: an "
        r"alias can only repeat a value that ends before it; write the values out\.$",
    )


def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path: Path) -> None:
    refused(
        tmp_path,
        "name: x\nduration_weeks: " + "[" * 600 + "]" * 600 + "\n",
        r"x\.yaml: line 2, column 66: lists and mappings are nested more than 50 levels deep "
        r"here\. Fix: close the brackets or undo the indentation; scenario and trial files "
        r"need about 10 levels\.$",
    )
    assert read(tmp_path, "a: " + "[" * 48 + "]" * 48 + "\n")  # 49 levels with the top


def test_nesting_through_an_alias_counts_as_written_out(tmp_path: Path) -> None:
    deep = "[" * 30 + "]" * 30
    refused(
        tmp_path,
        f"a: &a {deep}\nb: [{deep[:25]}*a{deep[-25:]}]\n",
        r"line 2, column 30: with the alias \*a written out, lists and mappings are nested",
    )


def test_a_file_of_too_many_values_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yaml_input, "MAX_VALUES", 50)
    refused(
        tmp_path,
        "name: x\nblocks: [" + ", ".join(["0"] * 100) + "]\n",
        r"x\.yaml: line 2, column 145: the file holds more than 50 values \(keys, numbers, "
        r"text, lists and mappings\), far more than a scenario or trial needs\. Fix: ",
    )


# --- scalars ----------------------------------------------------------------------------------


def test_a_number_of_thousands_of_digits_is_refused(tmp_path: Path) -> None:
    refused(
        tmp_path,
        "name: x\nduration_weeks: " + "1" * 5000 + "\n",
        r"line 2, column 17: a number of 5000 characters \(at most 100\): '1111.*\.\.\.'\. Fix: "
        r"write the number with fewer digits, or quote it if it is meant as text\.$",
    )


def test_an_impossible_date_is_refused(tmp_path: Path) -> None:
    refused(
        tmp_path,
        "name: 2024-13-45\n",
        r"line 1, column 7: '2024-13-45' cannot be read as a date \(month must be in 1\.\.12\)\. "
        r"Fix: correct it, or quote it if it is meant as text\.$",
    )


# --- special files ------------------------------------------------------------------------


def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(
        ScenarioError,
        match=r"fifo\.yaml: is a named pipe \(FIFO\), not a regular file; only regular files "
        r"are read\. Fix: save the YAML in a \.yaml file and give its path\.$",
    ):
        read_yaml(fifo, ScenarioError)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_is_refused_without_reading() -> None:
    with pytest.raises(ScenarioError, match=r"^/dev/zero: is a character device, not a regular"):
        read_yaml("/dev/zero", ScenarioError)


def test_a_file_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yaml_input, "MAX_INPUT_BYTES", 1024)
    refused(
        tmp_path,
        "name: x\ndescription: " + "a" * 2000 + "\n",
        r"x\.yaml: is 2022 bytes, more than the limit of 1024 bytes \(.* MiB\) for "
        r"an input file\. Fix: check that this is a scenario or trial file; they are a few "
        r"kilobytes\.$",
    )


def test_the_size_limit_is_one_mebibyte() -> None:
    assert yaml_input.MAX_INPUT_BYTES == 1024 * 1024


def test_windows_line_ends_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"name: x\r\ndescription: |\r\n  a\r\n  b\r\n")
    assert read_yaml(path, ScenarioError) == {"name": "x", "description": "a\nb\n"}


# --- messages about values --------------------------------------------------------------------


def test_a_huge_value_is_rendered_without_building_it_whole() -> None:
    level: Any = list(range(1000))
    for _ in range(6):  # 10**21 values, all shared: repr() would never end
        level = [level] * 1000
    assert render_value(level) == "[[[[[[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, ..."
    assert short_repr({"a": "x" * 10**6}, 20) == "{'a': 'xxxxxxxxxx..."
    assert render_value(10**5000) == "<an integer of 16610 bits>"


BAD_VALUES = [math.nan, math.inf, -math.inf, "abc", "", [1, 2], {"a": 1}, None, True, 1.5, -7]
SCENARIO_FIELDS = [
    ("duration_weeks",),
    ("follow_up_weeks",),
    ("seed",),
    ("sample_min",),
    ("name",),
    ("participant", "age_years"),
    ("participant", "sex"),
    ("recovery", "sleep_h"),
    ("background", "steps_per_day"),
    ("progression", "rule"),
    ("progression", "every_weeks"),
    ("adherence", "attendance"),
    ("blocks",),
    ("blocks", 0, "weeks"),
    ("blocks", 0, "sessions", 0, "duration_min"),
    ("blocks", 0, "sessions", 0, "intensity_pct_hrmax"),
    ("blocks", 0, "sessions", 0, "day"),
    ("parameters",),
]
TRIAL_FIELDS = [
    ("n_per_arm",),
    ("completer_min_fraction",),
    ("analysis",),
    ("population", "age_mean_years"),
    ("population", "steps_per_day"),
    ("outcome", "at_week"),
    ("outcome", "measurement_sd"),
    ("responder", "threshold"),
    ("assessments_weeks",),
]


def _with(data: dict[str, Any], where: tuple[Any, ...], value: Any) -> dict[str, Any]:
    import copy

    out = copy.deepcopy(data)
    target: Any = out
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = value
    return out


def _messages(model: Any, data: dict[str, Any]) -> list[str]:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return [m for err in exc.errors() for _, m in describe(model, err)]
    return []


def test_every_message_about_a_bad_value_names_a_concrete_fix() -> None:
    scenario = {
        "name": "x",
        "duration_weeks": 2,
        "blocks": [{"weeks": 2, "sessions": [{"day": "mon", "start": "09:00"}]}],
        "participant": {},
        "recovery": {},
        "background": {},
        "progression": {},
        "adherence": {},
    }
    scenario["blocks"][0]["sessions"][0].update(
        modality="aerobic", duration_min=40, intensity_pct_hrmax=70
    )
    trial = {
        "name": "t",
        "arms": {"a": {"scenario": "a.yaml"}, "b": {"scenario": "b.yaml"}},
        "control": "a",
        "assessments_weeks": [0, 2],
        "outcome": {"at_week": 2},
        "population": {},
        "responder": {},
    }
    checked = 0
    for model, base, fields in (
        (Scenario, scenario, SCENARIO_FIELDS),
        (TrialFile, trial, TRIAL_FIELDS),
    ):
        for where in fields:
            for value in BAD_VALUES:
                for message in _messages(model, _with(base, where, value)):
                    checked += 1
                    assert "Fix: " in message, message
                    assert "correct the value" not in message, message
    assert checked > 200


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_a_non_finite_number_gets_the_range_as_its_fix(tmp_path: Path, value: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(f"name: x\nduration_weeks: {value}\nsample_min: {value}\n", encoding="utf-8")
    shown = value.lstrip(".").replace("-.", "-")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).splitlines() == [
        f"{path}: duration_weeks: {shown} is not a finite number. Fix: write a whole number, "
        "between 1 and 520.",
        f"{path}: sample_min: {shown} is not a finite number. Fix: write a finite number "
        "between 1 and 1440.",
    ]
