"""Hostile input at the command line: one message, exit code 2, no traceback, bounded cost.

Alias bombs, deep nesting, keys that are not names, devices, named pipes and files over the
size limit reach every command that reads a scenario or trial file; each is refused with one
line naming the file, the line where there is one, what is wrong and the fix.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sim.cli import main

GOOD = (
    "name: x\nduration_weeks: 2\nblocks:\n  - weeks: 2\n    sessions:\n"
    "      - {day: mon, start: '09:00', modality: aerobic, duration_min: 45, "
    "intensity_pct_hrmax: 70}\n"
)


def bomb() -> str:
    lines = ["name: x", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    return "\n".join([*lines, "duration_weeks: *a9", ""])


# (id, file content, message after "<path>: ")
CASES = [
    (
        "alias-bomb",
        bomb(),
        "line 5, column 45: aliases expand to more than 10000 values (this *a2 repeats 1111). "
        "Fix: write the values out or use fewer nested aliases.",
    ),
    (
        "deep-nesting",
        "name: x\nduration_weeks: " + "[" * 600 + "]" * 600 + "\n",
        "line 2, column 66: lists and mappings are nested more than 50 levels deep here. Fix: "
        "close the brackets or undo the indentation; scenario and trial files need about 10 "
        "levels.",
    ),
    (
        "complex-key",
        "name: x\n? [a, b]\n: 1\nduration_weeks: 2\n",
        "line 2, column 3: a list is used as a mapping key. Fix: keys must be plain names, as "
        "in 'duration_weeks: 12'; a list or mapping goes after the colon.",
    ),
    (
        "nan",
        "name: x\nduration_weeks: .nan\n",
        "duration_weeks: nan is not a finite number. Fix: write a whole number, between 1 and 520.",
    ),
    (
        "key-twice-with-merge",
        GOOD + "adherence: &a {attendance: 0.9}\nprogression: {<<: *a}\n"
        "recovery: {sleep_h: 7, sleep_h: 8}\n",
        "line 9, column 24: invalid YAML: key 'sleep_h' appears twice in the same mapping. "
        "Fix: check indentation, colons and quotes on that line and the one above.",
    ),
]


def one_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = main(argv)
    out = capsys.readouterr()
    assert code == 2, out
    assert "Traceback" not in out.err
    lines = out.err.splitlines()
    assert len(lines) == 1, out.err
    return lines[0]


@pytest.mark.parametrize(("content", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_validate_refuses_with_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    assert one_error(capsys, ["validate", str(path)]) == f"invalid: {path}: {message}"


def test_merge_keys_make_a_valid_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "family.yaml"
    path.write_text(
        "name: family\nduration_weeks: 2\nblocks:\n  - weeks: 2\n    sessions:\n"
        "      - &mon {day: mon, start: '09:00', modality: aerobic, duration_min: 45, "
        "intensity_pct_hrmax: 70}\n"
        "      - {<<: *mon, day: thu, intensity_pct_hrmax: 75}\n",
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out == f"ok: {path} (family)\n"


def test_a_named_pipe_does_not_hang(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    assert one_error(capsys, ["validate", str(fifo)]) == (
        f"invalid: {fifo}: is a named pipe (FIFO), not a regular file; only regular files are "
        "read. Fix: save the YAML in a .yaml file and give its path."
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_dev_zero_is_not_read(capsys: pytest.CaptureFixture[str]) -> None:
    assert one_error(capsys, ["validate", "/dev/zero"]) == (
        "invalid: /dev/zero: is a character device, not a regular file; only regular files are "
        "read. Fix: save the YAML in a .yaml file and give its path."
    )


def test_a_file_over_one_mebibyte_is_not_parsed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("name: x\ndescription: " + "a" * (1 << 20) + "\n", encoding="utf-8")
    assert one_error(capsys, ["validate", str(path)]) == (
        f"invalid: {path}: is 1048598 bytes, more than the limit of 1048576 bytes (1 MiB) for an "
        "input file. Fix: check that this is a scenario or trial file; they are a few kilobytes."
    )


@pytest.mark.parametrize(
    "command",
    ["run", "compare", "params", "export-sbml", "trial", "trial-arm"],
)
@pytest.mark.parametrize(("content", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_every_command_that_reads_a_file_refuses_the_same_way(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    content: str,
    message: str,
) -> None:
    bad = tmp_path / "bad.yaml"
    out = tmp_path / "out"
    if command == "trial":  # the trial file itself is the bad one
        bad = tmp_path / "trial.yaml"
        content = content.replace("name: x", "name: t", 1)
        if message.startswith("duration_weeks: nan"):  # a trial has no duration_weeks
            content = content.replace("duration_weeks", "seed")
            message = "seed: nan is not a finite number. Fix: write a whole number, at least 0."
    bad.write_text(content, encoding="utf-8")
    argv = {
        "run": ["run", str(bad), "--out", str(out)],
        "compare": ["compare", str(bad), "--out", str(out)],
        "params": ["params", "--scenario", str(bad)],
        "export-sbml": ["export-sbml", str(bad), "--out", str(tmp_path / "m.xml")],
        "trial": ["trial", str(bad), "--out", str(out)],
        "trial-arm": ["trial", str(tmp_path / "t.yaml"), "--out", str(out)],
    }[command]
    if command == "trial-arm":  # an arm's scenario file is the bad one
        (tmp_path / "good.yaml").write_text(GOOD, encoding="utf-8")
        (tmp_path / "t.yaml").write_text(
            "name: t\narms:\n  a: {scenario: good.yaml}\n  b: {scenario: bad.yaml}\n"
            "control: a\nassessments_weeks: [0, 2]\noutcome: {at_week: 2}\n",
            encoding="utf-8",
        )
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    if command == "trial-arm" and "nan" not in message:
        # a YAML problem in an arm's file is named by place, its content is never echoed
        assert "arms.b.scenario: scenario file 'bad.yaml' is not valid YAML" in err
        assert f"'musclebrain validate {bad}' shows what is wrong there" in err
    else:
        assert f"{bad}: {message}" in err
    assert "Fix: " in err
    assert not out.exists()
    if command in ("run", "params", "export-sbml"):  # compare adds a count, trial a header
        assert err.count("\n") == 1, err
