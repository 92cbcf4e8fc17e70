"""Bad input at the command line (issue 2): one message, exit code 2, no traceback, no writes.

Each case of the issue's list is run through ``musclebrain run`` as a user would meet it, with
the exact message on stderr: it names the file, the field path, the bad value and the fix.
The output folder given holds an earlier result and must be left as it was, even with
``--force``. ``validate`` over several files and ``params --scenario`` are checked the same
way, and Hypothesis feeds random broken regimens to ``validate``.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main

HEAD = "name: x\nduration_weeks: 2\n"


def one_session(session: str) -> str:
    """A two-week scenario whose single weekly session is the flow mapping ``session``."""
    return HEAD + f"blocks:\n  - weeks: 2\n    sessions:\n      - {{{session}}}\n"


AEROBIC = "day: mon, start: '09:00', modality: aerobic, duration_min: 45, intensity_pct_hrmax: 70"
LIFT = "day: mon, start: '09:00', modality: resistance, duration_min: 50, sets: 3, reps: 8"
S0 = "blocks[0].sessions[0]"

# (id, file content, message after "<path>: ")
CASES: list[tuple[str, str, str]] = [
    (
        "malformed-yaml",
        "name: x\nduration_weeks: [1\n",
        "line 3, column 1: invalid YAML: expected ',' or ']', but got '<stream end>'. Fix: "
        "check indentation, colons and quotes on that line and the one above.",
    ),
    (
        "wrong-type",
        "name: x\nduration_weeks: twelve\n",
        "duration_weeks: expected a whole number, got 'twelve'. Fix: write a whole number "
        "without quotes, between 1 and 520.",
    ),
    (
        "unknown-key-close-match",
        "name: x\nduration_wekks: 2\n",
        "duration_wekks: unknown field 'duration_wekks'; did you mean 'duration_weeks'? Fix: "
        "rename it to 'duration_weeks'.",
    ),
    (
        "unknown-key-stem",
        HEAD + "participant: {age: 70}\n",
        "participant.age: unknown field 'age'; did you mean 'age_years'? Fix: rename it to "
        "'age_years'.",
    ),
    (
        "intensity-140-pct-1rm",
        one_session(LIFT + ", intensity_pct_1rm: 140"),
        f"{S0}.intensity_pct_1rm: 140 is invalid: must be at most 100. Fix: use a value "
        "between 20 and 100.",
    ),
    (
        "30-hour-session",
        one_session(AEROBIC.replace("duration_min: 45", "duration_min: 1800")),
        f"{S0}.duration_min: 1800 is invalid: must be at most 240. Fix: use a value greater "
        "than 0 and at most 240.",
    ),
    (
        "negative-duration",
        one_session(AEROBIC.replace("duration_min: 45", "duration_min: -30")),
        f"{S0}.duration_min: -30 is invalid: must be greater than 0. Fix: use a value greater "
        "than 0 and at most 240.",
    ),
    (
        "overlapping-sessions",
        one_session(AEROBIC.replace("45", "90"))
        + "      - {"
        + AEROBIC.replace("09:00", "10:00")
        + "}\n",
        f"blocks[0].sessions: {S0} (mon 09:00, 90 min) overlaps blocks[0].sessions[1] "
        f"(mon 10:00). Fix: move one of them, or shorten {S0} so that it ends before "
        "blocks[0].sessions[1] starts.",
    ),
    (
        "horizon-0",
        "name: x\nduration_weeks: 0\n",
        "duration_weeks: 0 is invalid: must be at least 1. Fix: use a value between 1 and 520.",
    ),
    (
        "negative-follow-up",
        HEAD + "follow_up_weeks: -1\n",
        "follow_up_weeks: -1 is invalid: must be at least 0. Fix: use a value between 0 and 520.",
    ),
    (
        "unknown-modality",
        one_session("day: mon, start: '09:00', modality: yoga, duration_min: 50"),
        f"{S0}.modality: unknown modality 'yoga'. Fix: use one of 'aerobic', 'hiit', 'resistance'.",
    ),
    (
        "misspelt-modality",
        one_session(AEROBIC.replace("aerobic", "aerobik")),
        f"{S0}.modality: unknown modality 'aerobik'; did you mean 'aerobic'? Fix: use one of "
        "'aerobic', 'hiit', 'resistance'.",
    ),
    (
        "misspelt-choice",
        HEAD + "progression: {rule: dubble}\n",
        "progression.rule: 'dubble' is not allowed; did you mean 'double'? Fix: use one of "
        "'none', 'linear', 'double' or 'autoregulated'.",
    ),
    (
        "empty-file",
        "",
        "the file is empty. Fix: write a scenario, at least 'name: ...' and "
        "'duration_weeks: ...' (see the files in scenarios/).",
    ),
    (
        "unknown-parameter",
        HEAD + "parameters: {lactate_half_tim_h: 0.2}\n",
        "parameters.lactate_half_tim_h: unknown model parameter 'lactate_half_tim_h': did you "
        "mean 'lactate_half_time_h'? Fix: correct the name ('musclebrain params' lists them "
        "all).",
    ),
    (
        "unquoted-time",
        one_session(AEROBIC.replace("'09:00'", "9:00")),
        f"{S0}.start: 540 looks like an unquoted time (YAML reads h:mm as minutes). Fix: "
        'write it in quotes, e.g. start: "09:00".',
    ),
]


@pytest.fixture
def earlier_output(tmp_path: Path) -> Path:
    """An output folder holding an earlier result that no failed run may touch."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text('{"earlier": true}\n', encoding="utf-8")
    return out


def assert_untouched(out: Path) -> None:
    assert [p.name for p in out.iterdir()] == ["summary.json"]
    assert (out / "summary.json").read_text(encoding="utf-8") == '{"earlier": true}\n'
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temp folders


@pytest.mark.parametrize(("content", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.parametrize("force", [False, True], ids=["no-force", "force"])
def test_bad_scenario_gives_one_exact_message_and_writes_nothing(
    tmp_path: Path,
    earlier_output: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    message: str,
    force: bool,
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content, encoding="utf-8")
    args = ["run", str(bad), "--out", str(earlier_output)] + (["--force"] if force else [])
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.err == f"error: {bad}: {message}\n"
    assert captured.out == ""
    assert_untouched(earlier_output)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing.yaml", "file not found. Fix: check the path (looked in {cwd})."),
        ("folder", "is a folder, not a scenario file. Fix: give the path of a .yaml file."),
    ],
    ids=["missing-file", "directory"],
)
def test_missing_file_or_folder_gives_one_exact_message(
    tmp_path: Path,
    earlier_output: Path,
    capsys: pytest.CaptureFixture[str],
    target: str,
    message: str,
) -> None:
    (tmp_path / "folder").mkdir()
    path = tmp_path / target
    assert main(["run", str(path), "--out", str(earlier_output), "--force"]) == 2
    expected = message.format(cwd=Path.cwd())
    assert capsys.readouterr().err == f"error: {path}: {expected}\n"
    assert_untouched(earlier_output)


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--seed", "-1", "argument --seed: -1 is invalid: use a whole number, 0 or more"),
        ("--seed", "two", "argument --seed: expected a whole number, got 'two'"),
        ("--sample-min", "0", "argument --sample-min: 0 is outside 1..1440 minutes"),
    ],
    ids=["negative-seed", "text-seed", "sample-min-0"],
)
def test_bad_command_line_value_exits_2_naming_the_flag(
    tmp_path: Path,
    earlier_output: Path,
    capsys: pytest.CaptureFixture[str],
    flag: str,
    value: str,
    message: str,
) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(HEAD, encoding="utf-8")
    with pytest.raises(SystemExit, match=r"^2$"):
        main(["run", str(good), "--out", str(earlier_output), "--force", flag, value])
    err = capsys.readouterr().err
    assert err.endswith(f"musclebrain run: error: {message}\n") and "Traceback" not in err
    assert_untouched(earlier_output)


def test_output_path_that_is_a_file_is_refused_before_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(HEAD, encoding="utf-8")
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    assert main(["run", str(good), "--out", str(target)]) == 2
    assert capsys.readouterr().err == (
        f"error: {target}: exists and is not a folder. Fix: choose another --out.\n"
    )
    assert target.read_text(encoding="utf-8") == "mine"


def test_validate_reports_every_file_and_exits_2_if_any_is_bad(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(HEAD, encoding="utf-8")
    horizon = tmp_path / "horizon.yaml"
    horizon.write_text("name: h\nduration_weeks: 0\n", encoding="utf-8")
    missing = tmp_path / "missing.yaml"
    assert main(["validate", str(good), str(horizon), str(missing), str(good)]) == 2
    captured = capsys.readouterr()
    assert captured.out == f"ok: {good} (x)\nok: {good} (x)\n"
    assert captured.err == (
        f"invalid: {horizon}: duration_weeks: 0 is invalid: must be at least 1. Fix: use a "
        "value between 1 and 520.\n"
        f"invalid: {missing}: file not found. Fix: check the path (looked in {Path.cwd()}).\n"
    )


def test_validate_exits_0_when_all_files_are_good(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = []
    for name in ("a", "b"):
        paths.append(tmp_path / f"{name}.yaml")
        paths[-1].write_text(f"name: {name}\nduration_weeks: 1\n", encoding="utf-8")
    assert main(["validate", *map(str, paths)]) == 0
    assert capsys.readouterr().out == f"ok: {paths[0]} (a)\nok: {paths[1]} (b)\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            HEAD + "parameters: {lactate_half_time_h: 9}\n",
            "parameters.lactate_half_time_h: parameter 'lactate_half_time_h' = 9 is outside "
            "its bounds. Fix: use a value between 0.1 and 0.5 (h).",
        ),
        (
            HEAD + "parameters: {IL6_rest_pg_mL: 2}\n",
            "parameters.IL6_rest_pg_mL: unknown model parameter 'IL6_rest_pg_mL': did you mean "
            "'il6_rest_pg_mL'? Fix: correct the name ('musclebrain params' lists them all).",
        ),
    ],
    ids=["out-of-bounds", "wrong-case"],
)
def test_params_with_a_bad_scenario_exits_2_and_prints_no_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(content, encoding="utf-8")
    assert main(["params", "--scenario", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == f"error: {path}: {message}\n"


# --- random broken regimens: a message, never a traceback ------------------------------------

SESSION = {
    "day": "mon",
    "start": "09:00",
    "modality": "aerobic",
    "duration_min": 45,
    "intensity_pct_hrmax": 70,
}
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)
FIELDS = [*sorted(SESSION), "weeks", "sessions", "intervals", "sets", "reps", "movements"]


@st.composite
def broken_regimens(draw: st.DrawFn) -> dict[str, Any]:
    """A one-block scenario with at least one broken thing in its regimen."""
    sessions = [dict(SESSION, day=draw(st.sampled_from(["mon", "tue"]))) for _ in range(3)]
    block: dict[str, Any] = {"weeks": 4, "sessions": sessions}
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, 2))
        how = draw(st.sampled_from(["junk", "drop", "overlap", "block-junk", "weeks"]))
        if how == "junk":
            sessions[i][draw(st.sampled_from(FIELDS))] = draw(JUNK)
        elif how == "drop":
            sessions[i].pop(draw(st.sampled_from(sorted(SESSION))), None)
        elif how == "overlap":  # two sessions on the same day and hour
            sessions[i].update(day="wed", start="10:00")
            sessions[(i + 1) % 3].update(day="wed", start="10:30")
        elif how == "block-junk":
            block[draw(st.sampled_from(["weeks", "sessions", "label", "extra"]))] = draw(JUNK)
        else:
            block["weeks"] = draw(st.integers(5, 9))  # no longer adds up to duration_weeks
    return {"name": "broken", "duration_weeks": 4, "blocks": [block]}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=broken_regimens())
def test_random_broken_regimens_get_a_message_never_a_traceback(
    tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any]
) -> None:
    path = tmp_path_factory.mktemp("broken") / "broken.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", str(path)])  # any other exception fails the test
    if code == 0:  # the mutations happened to leave a valid file (e.g. label junk as text)
        assert out.getvalue() == f"ok: {path} (broken)\n"
        return
    assert code == 2 and out.getvalue() == ""
    lines = err.getvalue().splitlines()
    assert lines and lines[0].startswith(f"invalid: {path}: ")
    assert all(" Fix: " in ln or ln.startswith("... and ") for ln in lines), lines
