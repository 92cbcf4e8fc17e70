"""Hostile input at the command line (issue "hardening against hostile input", items 8 and 11).

Size and cost: a run whose time series would exceed the row limit, and a trial arm larger than
the people limit, are refused with exit code 2 before anything is integrated or written; the
limits move with their environment variables. The session-overlap check handles a week of
2,016 sessions. A trial arm's scenario path cannot leave the trial file's folder (or the
shipped scenarios), a folder is reported as a folder, and a file that is not a scenario is
refused without echoing its content. Nothing here asserts a wall-clock time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from sim.analyses.trial.run import TrialError, trial_from_dict
from sim.cli import main
from sim.input.limits import (
    DEFAULT_MAX_PEOPLE_PER_ARM,
    DEFAULT_MAX_ROWS,
    PEOPLE_ENV,
    ROWS_ENV,
    check_run_size,
    estimate_rows,
)
from sim.input.scenario import DAYS, HOURS_PER_WEEK, Block, Session, _overlaps, scenario_from_dict
from sim.input.trial_spec import SCENARIO_DIR

SECRET = "hunter2-do-not-echo"


@pytest.fixture(autouse=True)
def default_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ROWS_ENV, raising=False)
    monkeypatch.delenv(PEOPLE_ENV, raising=False)


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


# --- item 8: the size of a run ------------------------------------------------------------


def test_520_weeks_at_one_minute_is_refused_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "long.yaml"
    path.write_text("name: long\nduration_weeks: 520\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = run_cli(["run", str(path), "--sample-min", "1", "--out", str(out)], capsys)
    assert code == 2 and stdout == ""
    assert err == (
        f"error: {path}: scenario 'long': 520 weeks (duration_weeks + follow_up_weeks) sampled every "
        "1 min with 0 sessions would write about 5,241,602 rows of timeseries.csv (about "
        "3.4 GB of memory and 1.3 GB of CSV), above the limit of 2,000,000 rows. Fix: sample "
        "every 3 min or more (--sample-min 3, or sample_min: 3 in the scenario), or shorten "
        "duration_weeks/follow_up_weeks; or, if the machine has the memory, raise the limit "
        "with the environment variable MUSCLEBRAIN_MAX_ROWS=5241602.\n"
    )
    assert not out.exists()


def test_the_suggested_sampling_fits_and_the_default_sampling_is_far_below_the_limit() -> None:
    long = scenario_from_dict({"name": "long", "duration_weeks": 520})
    check_run_size(long, 3.0)  # the value the message suggests
    assert estimate_rows(long, 60.0) == 87_362 < DEFAULT_MAX_ROWS
    with pytest.raises(Exception, match="above the limit"):
        check_run_size(long, 2.0)


def test_the_row_limit_follows_its_environment_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "short.yaml"
    path.write_text("name: short\nduration_weeks: 1\n", encoding="utf-8")
    monkeypatch.setenv(ROWS_ENV, "100")
    code, _, err = run_cli(["run", str(path), "--out", str(tmp_path / "a")], capsys)
    assert code == 2 and "above the limit of 100 rows" in err and "--sample-min 103" in err
    monkeypatch.setenv(ROWS_ENV, "lots")
    code, _, err = run_cli(["run", str(path), "--out", str(tmp_path / "b")], capsys)
    assert code == 2
    assert err == (
        "error: environment variable MUSCLEBRAIN_MAX_ROWS='lots' is not a whole number of 1 or "
        "more. Fix: set it to a whole number such as 2000000 (the default), or unset it.\n"
    )
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_compare_refuses_a_run_too_large_before_running_any(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long = tmp_path / "long.yaml"
    long.write_text("name: long\nduration_weeks: 520\nsample_min: 1\n", encoding="utf-8")
    out = tmp_path / "cmp"
    code, _, err = run_cli(
        ["compare", str(SCENARIO_DIR / "sedentary.yaml"), str(long), "--out", str(out)], capsys
    )
    assert code == 2 and "[1/2]" not in err and "sample_min: 3" in err
    assert not out.exists()


# --- item 8: the size of a trial ----------------------------------------------------------


def tiny_trial_file(folder: Path, arm_scenario: Any = None) -> Path:
    """A 2-week trial file with an inline control and an ``rt`` arm (inline unless given)."""
    rt = arm_scenario or {"name": "rt", "duration_weeks": 2}
    data = {
        "name": "tiny",
        "arms": {
            "control": {"scenario": {"name": "rest", "duration_weeks": 2}},
            "rt": {"scenario": rt},
        },
        "control": "control",
        "n_per_arm": 4,
        "assessments_weeks": [0, 2],
        "outcome": {"name": "cognition_z", "measurement_sd": 0.5, "at_week": 2},
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "t.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("n", "message"),
    [
        (
            "10000000",
            "n_per_arm 10,000,000 is too large: 2 arms of 10,000,000 people would need about "
            "85.0 GB of memory for each arm and take hours, above the limit of 100,000 people "
            "per arm. Fix: give --n-per-arm 100000 or fewer; or, if the machine has the memory "
            "and time, raise the limit with the environment variable "
            "MUSCLEBRAIN_MAX_PEOPLE_PER_ARM=10000000.",
        ),
    ],
    ids=["ten-million"],
)
def test_n_per_arm_out_of_range_is_refused_before_sampling(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], n: str, message: str
) -> None:
    path = tiny_trial_file(tmp_path)
    out = tmp_path / "out"
    code, stdout, err = run_cli(["trial", str(path), "--n-per-arm", n, "--out", str(out)], capsys)
    assert (code, stdout) == (2, "")
    assert err == f"error: {path}: {message}\n"
    assert not out.exists()


def test_fewer_than_two_people_per_arm_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tiny_trial_file(tmp_path)
    with pytest.raises(SystemExit) as stop:
        main(["trial", str(path), "--n-per-arm", "0", "--out", str(tmp_path / "out")])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "argument --n-per-arm: 0 is invalid: use a whole number, 2 or more" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_the_people_limit_follows_its_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tiny_trial_file(tmp_path)  # n_per_arm: 4 in the file
    monkeypatch.setenv(PEOPLE_ENV, "3")
    code, _, err = run_cli(["trial", str(path), "--out", str(tmp_path / "out")], capsys)
    assert code == 2 and "n_per_arm 4 is too large" in err and "--n-per-arm 3 or fewer" in err
    assert DEFAULT_MAX_PEOPLE_PER_ARM == 100_000


# --- item 8: the session-overlap check ----------------------------------------------------


def week_of_sessions(n: int, minutes: float, step_min: int = 5) -> dict[str, Any]:
    sessions = []
    for k in range(n):
        day, rest = divmod(k * step_min % (7 * 24 * 60), 24 * 60)
        sessions.append(
            {
                "day": DAYS[day],
                "start": f"{rest // 60:02d}:{rest % 60:02d}",
                "modality": "aerobic",
                "duration_min": minutes,
                "intensity_pct_hrmax": 60,
            }
        )
    return {"name": "busy", "duration_weeks": 1, "blocks": [{"weeks": 1, "sessions": sessions}]}


def test_2016_sessions_are_checked_for_overlaps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fits, clash = tmp_path / "fits.yaml", tmp_path / "clash.yaml"
    fits.write_text(yaml.safe_dump(week_of_sessions(2016, 4)), encoding="utf-8")
    clash.write_text(yaml.safe_dump(week_of_sessions(2016, 6)), encoding="utf-8")
    code, stdout, err = run_cli(["validate", str(fits), str(clash)], capsys)
    assert code == 2 and stdout == f"ok: {fits} (busy)\n"
    lines = err.splitlines()
    # Each session overlaps the next, and Sunday 23:55 runs into Monday 00:00.
    assert lines[0] == (
        f"invalid: {clash}: blocks[0].sessions: blocks[0].sessions[0] (mon 00:00, 6 min) "
        "overlaps blocks[0].sessions[1] (mon 00:05). Fix: move one of them, or shorten "
        "blocks[0].sessions[0] so that it ends before blocks[0].sessions[1] starts."
    )
    assert lines[-1] == "... and 2006 more"
    assert len(lines) == 11


def pairwise_overlaps(blocks: tuple[Block, ...]) -> list[str]:
    """The overlap check as it was (every pair compared): the reference for the sweep."""

    def clash(a: Session, b: Session, shift: float) -> bool:
        return (
            a.start_h_of_week < b.end_h_of_week + shift
            and b.start_h_of_week + shift < a.end_h_of_week
        )

    found = []
    for i, block in enumerate(blocks):
        ss = block.sessions
        for j, a in enumerate(ss):
            for m in range(j + 1, len(ss)):
                if any(clash(a, ss[m], s) for s in (-HOURS_PER_WEEK, 0.0, HOURS_PER_WEEK)):
                    found.append(f"{i}.{j} x {i}.{m}")
        if i + 1 < len(blocks):
            for j, a in enumerate(ss):
                for m, b in enumerate(blocks[i + 1].sessions):
                    if a.end_h_of_week > HOURS_PER_WEEK and clash(a, b, HOURS_PER_WEEK):
                        found.append(f"{i}.{j} x {i + 1}.{m}")
    return found


def test_the_sweep_finds_exactly_the_overlaps_of_comparing_every_pair() -> None:
    rng = np.random.default_rng(8)
    for _ in range(150):
        blocks = []
        for _ in range(int(rng.integers(1, 4))):
            sessions = []
            for _ in range(int(rng.integers(0, 25))):
                day = DAYS[int(rng.choice([0, 1, 6, 6, 6]))]  # crowd Sunday night and Monday
                hh, mm = int(rng.choice([0, 1, 2, 21, 22, 23])), int(rng.choice([0, 5, 20, 55]))
                sessions.append(
                    {
                        "day": day,
                        "start": f"{hh:02d}:{mm:02d}",
                        "modality": "aerobic",
                        "duration_min": float(rng.choice([5, 15, 35, 60, 125, 240, 7.3])),
                        "intensity_pct_hrmax": 60,
                    }
                )
            blocks.append(Block.model_validate({"weeks": 1, "sessions": sessions}))
        found = [
            message.split(" (")[0] + " x " + message.split("overlaps ")[1].split(" (")[0]
            for _, message in _overlaps(tuple(blocks))
        ]
        as_pairs = [
            f.replace("blocks[", "").replace("].sessions[", ".").replace("]", "") for f in found
        ]
        assert as_pairs == pairwise_overlaps(tuple(blocks))


# --- item 11: where a trial arm's scenario may come from ----------------------------------


def test_arm_path_outside_the_trial_folder_is_refused_without_its_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text(f"name: {SECRET}\nduration_weeks: {SECRET}\n", encoding="utf-8")
    path = tiny_trial_file(tmp_path / "study", "../secret.yaml")
    code, _, err = run_cli(["trial", str(path), "--out", str(tmp_path / "out")], capsys)
    assert code == 2 and SECRET not in err
    assert err == (
        f"error: {path}: arms.rt.scenario: scenario path '../secret.yaml' leads outside the "
        f"trial file's folder ({path.parent}) to {secret}. Fix: put the scenario file in the "
        "trial file's folder (or a folder inside it) and give its path from there, name a "
        f"shipped scenario (e.g. {os.path.relpath(SCENARIO_DIR / 'aerobic.yaml', path.parent)}"
        ") or write the scenario inline (scenario: {name: ..., duration_weeks: ...}).\n"
    )


@pytest.mark.parametrize("kind", ["absolute", "dotdot", "symlink"])
def test_every_way_out_of_the_trial_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text(f"name: {SECRET}\nduration_weeks: 2\n", encoding="utf-8")
    study = tmp_path / "study"
    study.mkdir()
    ref = {
        "absolute": str(secret),
        "dotdot": "../../../../../../../../" + str(secret).lstrip("/"),
        "symlink": "link.yaml",
    }[kind]
    (study / "link.yaml").symlink_to(secret)
    path = tiny_trial_file(study, ref)
    code, _, err = run_cli(["trial", str(path)], capsys)
    assert code == 2 and "arms.rt.scenario" in err and "leads outside" in err
    assert "Fix:" in err and SECRET not in err


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (f"password: {SECRET}\ntoken: {SECRET}\n", "it has no name and no duration_weeks field"),
        (f"root:x:0:0:{SECRET}:/root:/bin/bash\n", "its top level is not a mapping of fields"),
        (f"- {SECRET}\n- {SECRET}\n", "its top level is not a mapping of fields"),
    ],
    ids=["other-mapping", "passwd-line", "list"],
)
def test_a_file_that_is_not_a_scenario_is_refused_without_its_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, what: str
) -> None:
    (tmp_path / "notes.txt").write_text(content, encoding="utf-8")
    path = tiny_trial_file(tmp_path, "notes.txt")
    code, _, err = run_cli(["trial", str(path)], capsys)
    assert code == 2 and SECRET not in err
    assert err == (
        f"error: {path}: arms.rt.scenario: 'notes.txt' is not a scenario file: {what}. Fix: "
        "give the path of a scenario file (every one starts with name: ... and "
        "duration_weeks: ..., see scenarios/aerobic.yaml).\n"
    )


def test_a_file_that_is_not_yaml_is_refused_without_its_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text(f"key: [{SECRET}\n  *{SECRET}: {{\n", encoding="utf-8")
    path = tiny_trial_file(tmp_path, "notes.txt")
    code, _, err = run_cli(["trial", str(path)], capsys)
    assert code == 2 and SECRET not in err
    assert err.startswith(
        f"error: {path}: arms.rt.scenario: scenario file 'notes.txt' is not valid YAML at line "
    )
    assert err.endswith(
        f". Fix: check that {notes} is a scenario file; 'musclebrain validate {notes}' shows "
        "what is wrong there.\n"
    )


def test_a_folder_given_as_an_arm_is_reported_as_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "arms").mkdir()
    path = tiny_trial_file(tmp_path, "arms")
    code, _, err = run_cli(["trial", str(path)], capsys)
    assert code == 2
    assert err == (
        f"error: {path}: arms.rt.scenario: scenario path 'arms' is a folder "
        f"({tmp_path / 'arms'}), not a scenario file. Fix: give the path of a scenario .yaml "
        "file in it, relative to the trial file's folder.\n"
    )


def test_shipped_scenarios_and_files_beside_the_trial_are_allowed(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("name: mine\nduration_weeks: 24\n", encoding="utf-8")
    data = yaml.safe_load(tiny_trial_file(tmp_path / "x").read_text(encoding="utf-8"))
    data["assessments_weeks"] = [0, 24]
    data["outcome"]["at_week"] = 24
    data["arms"] = {
        "control": {"scenario": "mine.yaml"},
        "rt": {"scenario": str(SCENARIO_DIR / "resistance.yaml")},
    }
    trial = trial_from_dict(data, source="t.yaml", base_dir=tmp_path)
    assert [s.name for s in trial.scenarios.values()] == ["mine", "resistance"]
    data["arms"]["control"] = {"scenario": str(tmp_path.parent / "mine.yaml")}
    with pytest.raises(TrialError, match="leads outside"):
        trial_from_dict(data, source="t.yaml", base_dir=tmp_path)
