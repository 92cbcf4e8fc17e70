"""The command line a newcomer meets: names instead of paths, a list of what ships, help that
ends with examples, quiet pipes, and messages that recognise the usual slips."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import build_parser, main
from sim.input.shipped import shipped_scenarios, shipped_trials
from tests.conftest import SCENARIOS

SUBCOMMANDS = ("run", "validate", "params", "compare", "demo", "trial", "export-sbml", "scenarios")


def test_a_shipped_scenario_runs_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o"
    assert main(["run", "single_bout", "--out", str(out), "--no-plots"]) == 0
    assert (out / "summary.json").is_file()
    assert main(["validate", "single-bout"]) == 0  # the name as written in the file works too


def test_an_unknown_name_suggests_close_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "combnied"]) == 2
    err = capsys.readouterr().err
    assert "did you mean combined?" in err and "musclebrain scenarios" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "fix"),
    [
        (["trial", "aerobic"], "`musclebrain run aerobic`"),
        (["run", "northey-modalities"], "`musclebrain trial northey_modalities`"),
        (["validate", "smart"], "`musclebrain trial smart`"),
    ],
)
def test_a_name_of_the_other_kind_names_its_command(
    capsys: pytest.CaptureFixture[str], argv: list[str], fix: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"{argv[1]}: a shipped " in err and fix in err and "did you mean" not in err


def test_scenarios_lists_every_shipped_file_with_its_lesson(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    names = [p.stem for p in shipped_scenarios() + shipped_trials()]
    rows = {
        line.split()[0]: line
        for line in out.splitlines()
        if line.startswith("  ") and line[2] != " "
    }
    assert sorted(rows) == sorted(names)  # every shipped file, one row each
    starts = {len(row) - len(row.split(None, 1)[1]) for row in rows.values()}
    assert len(starts) == 1  # the lessons start in one column
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "Strength gains drive the cognitive benefit" in out  # resistance.yaml's lesson
    assert "not clinical" in out


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_help_ends_with_examples_and_names_what_it_writes(command: str) -> None:
    sub = build_parser()._subparsers._group_actions[0].choices[command]  # type: ignore[union-attr]
    text = sub.format_help()
    assert "examples:\n  musclebrain " in text
    assert "writes" in text
    assert text.rstrip().splitlines()[-1].lstrip().startswith("musclebrain ")


@pytest.mark.parametrize("command", ["params", "scenarios"])
def test_a_closed_pipe_ends_quietly(command: str) -> None:
    code = f"import sys; from sim.__main__ import main; sys.argv = ['musclebrain', '{command}']; sys.exit(main())"
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # the reader goes away after one line, like `| head -1`
    err = proc.stderr.read().decode()
    assert proc.wait() in (0, 141)
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_a_pipe_closed_before_the_first_line_ends_quietly() -> None:
    """The reader is gone before anything is written, so the write surely fails (``| head -0``)."""
    code = (
        "import os, sys; r, w = os.pipe(); os.close(r); os.dup2(w, 1); "
        "from sim.__main__ import main; sys.argv = ['musclebrain', 'params']; sys.exit(main())"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 141, proc.stderr
    assert proc.stderr == ""


def test_a_trial_file_given_to_validate_and_a_scenario_to_trial(
    capsys: pytest.CaptureFixture[str],
) -> None:
    trial = SCENARIOS / "trials" / "smart.yaml"
    assert main(["validate", str(trial)]) == 2
    err = capsys.readouterr().err
    assert "this is a trial file" in err and f"musclebrain trial {trial}" in err
    assert "remove it" not in err  # no advice to delete its fields
    scenario = SCENARIOS / "aerobic.yaml"
    assert main(["trial", str(scenario)]) == 2
    err = capsys.readouterr().err
    assert "this is a scenario file" in err and f"musclebrain run {scenario}" in err


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "intensity_pct_hrmax: 65",
            "intensity_pct_hrmax: 0.65",
            "write it as a percentage: 65 (not 0.65)",
        ),
        ("modality: aerobic", "modality: walking", "use 'aerobic' (walking, running"),
        ("modality: aerobic", "modality: Running", "use 'aerobic'"),
        (
            "seed: 1",
            "seed: 1\nadherence: {attendance: 85}",
            "write it as a fraction: 0.85 (not 85)",
        ),
    ],
)
def test_everyday_slips_get_the_fix_that_fits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, expected: str
) -> None:
    text = (SCENARIOS / "aerobic.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "slip.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert expected in err and str(path) in err and "Traceback" not in err


def test_resistance_fraction_of_1rm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (SCENARIOS / "resistance.yaml").read_text(encoding="utf-8")
    path = tmp_path / "r.yaml"
    path.write_text(
        text.replace("intensity_pct_1rm: 75", "intensity_pct_1rm: 0.75"), encoding="utf-8"
    )
    assert main(["validate", str(path)]) == 2
    assert "write it as a percentage: 75 (not 0.75)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("scenario", "old", "new", "expected"),
    [
        ("aerobic", "modality: aerobic", "modality: cycling", "use 'aerobic'"),
        ("resistance", "modality: resistance", "modality: weights", "use 'resistance'"),
        ("resistance", "modality: resistance", "modality: lifting", "use 'resistance'"),
        ("resistance", "intensity_pct_1rm: 75", "intensity_pct_1rm: 0.7", "70 (not 0.7)"),
        ("supervised", "attendance: 0.9", "attendance: 90", "0.9 (not 90)"),
    ],
)
def test_each_slip_names_file_field_value_and_fix(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    scenario: str,
    old: str,
    new: str,
    expected: str,
) -> None:
    text = (SCENARIOS / f"{scenario}.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "slip.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    first = capsys.readouterr().err.splitlines()[0]
    value = new.split(": ")[1]
    field = old.split(":")[0]
    assert f"{path}: " in first and f".{field}: " in first and value in first, first
    assert f"Fix: {expected}" in first or expected in first.split("Fix:", 1)[1]


def test_compare_and_export_sbml_take_names_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("libsbml")
    out = tmp_path / "c"
    assert main(["compare", "single_bout", "sedentary", "--out", str(out), "--no-plots"]) == 0
    assert (out / "comparison.csv").is_file()
    assert main(["export-sbml", "combined", "--out", str(tmp_path / "c.xml")]) == 0
    assert (tmp_path / "c.xml").is_file()
    assert main(["trial", "northey_modalitis"]) == 2
    err = capsys.readouterr().err
    assert "did you mean northey_modalities?" in err and "musclebrain scenarios" in err


def test_compare_and_params_recognise_a_trial_file_too(
    capsys: pytest.CaptureFixture[str],
) -> None:
    trial = str(SCENARIOS / "trials" / "smart.yaml")
    assert main(["compare", "aerobic", trial, "--no-plots"]) == 2
    err = capsys.readouterr().err
    assert f"musclebrain trial {trial}" in err and "remove it" not in err
    assert main(["params", "--scenario", trial]) == 2
    err = capsys.readouterr().err
    assert f"musclebrain trial {trial}" in err and "remove it" not in err
    assert main(["params", "--scenario", "resistance_denervated"]) == 0  # by name too
    assert "innervation_frac" in capsys.readouterr().out
    assert main(["params", "--scenario", "zzzz"]) == 2
    err = capsys.readouterr().err
    assert "no shipped scenario of that name. Fix:" in err
