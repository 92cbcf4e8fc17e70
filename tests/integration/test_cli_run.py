"""`musclebrain run`, `validate` and `params` against the output contract in the README."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.cli import main
from sim.model.state import TIMESERIES_COLUMNS
from tests.conftest import CONTRACT_METRICS

CONTRACT_COLUMNS = [
    "time_h",
    "lactate_mmol_L",
    "il6_pg_mL",
    "irisin_rel",
    "ctsb_rel",
    "fgf21_rel",
    "igf1_ng_mL",
    "bdnf_serum_ng_mL",
    "bdnf_brain_rel",
    "inflammation_rel",
    "strength_rel",
    "fitness_rel",
    "fatigue",
    "reserve",
    "cognition_z",
]
BOUT_COLUMNS = ["start_h", "end_h", "modality", "intensity", "load_rel", "completed", "reason"]

SMALL = {
    "name": "small",
    "duration_weeks": 2,
    "follow_up_weeks": 1,
    "seed": 5,
    "adherence": {"attendance": 0.7},
    "blocks": [
        {
            "weeks": 2,
            "sessions": [
                {
                    "day": "mon",
                    "start": "09:00",
                    "modality": "aerobic",
                    "duration_min": 45,
                    "intensity_pct_hrmax": 70,
                },
                {
                    "day": "wed",
                    "start": "09:30",
                    "modality": "resistance",
                    "duration_min": 50,
                    "intensity_pct_1rm": 75,
                    "sets": 3,
                    "reps": 8,
                },
                {
                    "day": "fri",
                    "start": "17:10",
                    "modality": "hiit",
                    "duration_min": 38,
                    "intervals": {"count": 4, "work_min": 4, "rest_min": 3, "work_pct_hrmax": 92},
                },
            ],
        }
    ],
}


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(SMALL, sort_keys=False), encoding="utf-8")
    return path


def run_cli(*args: str) -> int:
    return main(list(args))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_run_writes_the_contract_files(small_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("run", str(small_file), "--out", str(out)) == 0
    assert {p.name for p in out.iterdir()} == {
        "timeseries.csv",
        "bouts.csv",
        "summary.json",
        "overview.png",
        "performance.png",
        "session.png",
        "report.html",  # the self-contained page explaining the run
        ".musclebrain-output.json",  # the manifest of what the program wrote
    }
    header = (out / "timeseries.csv").read_text().splitlines()[0].split(",")
    assert header[: len(CONTRACT_COLUMNS)] == CONTRACT_COLUMNS
    assert header[1:] == list(TIMESERIES_COLUMNS)
    summary = json.loads((out / "summary.json").read_text())
    assert {"scenario", "seed", "version", "parameters", "metrics"} <= set(summary)
    assert summary["scenario"] == "small" and summary["seed"] == 5
    assert set(summary["metrics"]) >= CONTRACT_METRICS
    bouts = read_csv(out / "bouts.csv")
    assert list(bouts[0])[:2] == ["start_h", "end_h"] and set(BOUT_COLUMNS) <= set(bouts[0])
    assert len(bouts) == 6
    assert summary["metrics"]["sessions_planned"] == 6
    assert summary["metrics"]["sessions_completed"] == sum(b["completed"] == "true" for b in bouts)
    assert all(b["reason"] == "missed (attendance)" for b in bouts if b["completed"] == "false")


def test_run_prints_a_one_line_summary_without_negative_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rest.yaml"
    path.write_text("name: rest\nduration_weeks: 1\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("run", str(path), "--out", str(out), "--no-plots") == 0
    first = capsys.readouterr().out.splitlines()[0]  # one week of age-related decline:
    assert (  # -0.0006 SD, printed -0.001 (and a zero change +0.0, never -0.0)
        first
        == f"rest: 0/0 sessions; strength +0.0 %, fitness +0.0 %, cognition -0.001 SD -> {out}"
    )


def test_timeseries_has_the_sampling_grid_plus_exact_bout_times(
    small_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert (
        run_cli("run", str(small_file), "--out", str(out), "--sample-min", "30", "--no-plots") == 0
    )
    times = [float(r["time_h"]) for r in read_csv(out / "timeseries.csv")]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert times[0] == 0.0 and times[-1] == pytest.approx(3 * 168.0)
    grid = {round(k * 0.5, 6) for k in range(int(3 * 168 / 0.5) + 1)}
    assert grid <= {round(t, 6) for t in times}
    for bout in read_csv(out / "bouts.csv"):
        if bout["completed"] == "true":
            assert any(abs(t - float(bout["start_h"])) < 1e-6 for t in times)
            assert any(abs(t - float(bout["end_h"])) < 1e-6 for t in times)
    rel = read_csv(out / "timeseries.csv")[0]
    assert all(float(rel[c]) == pytest.approx(1.0) for c in rel if c.endswith("_rel"))


def test_same_scenario_and_seed_give_identical_files(small_file: Path, tmp_path: Path) -> None:
    """Every file, the figure included, is byte-identical between two runs."""
    for name in ("a", "b"):
        assert run_cli("run", str(small_file), "--out", str(tmp_path / name)) == 0
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == [
        ".musclebrain-output.json",  # the manifest: the same hashes, so the same bytes
        "bouts.csv",
        "overview.png",
        "performance.png",
        "report.html",
        "session.png",
        "summary.json",
        "timeseries.csv",
    ]
    for file in files:
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file


def test_another_seed_changes_the_attendance(small_file: Path, tmp_path: Path) -> None:
    runs = []
    for seed in range(4):
        out = tmp_path / f"s{seed}"
        assert (
            run_cli("run", str(small_file), "--out", str(out), "--no-plots", "--seed", str(seed))
            == 0
        )
        runs.append((out / "bouts.csv").read_text())
    assert len(set(runs)) > 1


def test_existing_output_folder_is_kept_with_and_without_force(
    small_file: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    for force in ([], ["--force"]):
        assert run_cli("run", str(small_file), "--out", str(out), "--no-plots", *force) == 2
        err = capsys.readouterr().err
        assert "not written by musclebrain" in err and "precious.txt" in err
        assert str(out) in err and "Traceback" not in err
        assert [p.name for p in out.iterdir()] == ["precious.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp folders


def test_validate_reports_each_file(small_file: Path, tmp_path: Path, capsys) -> None:
    assert run_cli("validate", str(small_file)) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: b\nduration_weeks: 2\nparticipant: {bdnf_genotype: met/val}\n")
    assert run_cli("validate", str(small_file), str(bad)) == 2
    captured = capsys.readouterr()
    assert "ok:" in captured.out and "participant.bdnf_genotype" in captured.err


def test_params_lists_every_parameter_with_unit_bounds_and_source(small_file: Path, capsys) -> None:
    from sim.model.parameters import Parameters

    assert run_cli("params", "--markdown") == 0
    table = capsys.readouterr().out
    assert table.startswith("| group | name | value | unit | bounds | description | source |")
    assert all(f"`{name}`" in table for name in Parameters.names())


def test_params_shows_a_scenarios_overrides(tmp_path: Path, capsys) -> None:
    path = tmp_path / "o.yaml"
    path.write_text("name: o\nduration_weeks: 1\nparameters: {lactate_half_time_h: 0.2}\n")
    assert run_cli("params", "--scenario", str(path)) == 0
    line = next(
        ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("lactate_half_time_h")
    )
    assert "*" in line and "0.2" in line


def test_python_dash_m_sim_is_the_same_program(small_file: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "validate", str(small_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and "ok:" in proc.stdout


def test_import_sim_does_not_import_matplotlib() -> None:
    code = "import sys, sim, sim.running.simulation, sim.input.scenario, sim.cli; print('matplotlib' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"


def test_solver_failure_exits_1_naming_scenario_and_segment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """A numerical failure is the program's fault (exit 1), never a traceback or half files."""
    import numpy as np

    import sim.numerics.expint
    from sim.model.drive import REST

    real = sim.numerics.expint.rhs

    def blows_up_during_bouts(t, y, c, drive):
        out = real(t, y, c, drive)
        return out if drive == REST else out * np.nan

    monkeypatch.setattr(sim.numerics.expint, "rhs", blows_up_during_bouts)
    path = tmp_path / "walk.yaml"
    path.write_text(
        "name: walk\nduration_weeks: 1\nblocks:\n  - weeks: 1\n    sessions:\n      - {day: tue, "
        "start: '10:00', modality: aerobic, duration_min: 45, intensity_pct_hrmax: 70}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert run_cli("run", str(path), "--out", str(out)) == 1
    err = capsys.readouterr().err
    # segment 1 is the rest before Tuesday 10:00; segment 2 the walk itself
    assert err.startswith(
        "error: integration failed on segment 'walk' #2 [34.0000 h, 34.7500 h] (drive Drive("
    )
    assert err.endswith("): the state became non-finite\n") and err.count("\n") == 1
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["walk.yaml"]


@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_session_dropped_at_the_end_is_noted_on_stderr(
    command: str, tmp_path: Path, capsys
) -> None:
    """A valid scenario whose last session would run past the end still runs (exit 0), and
    says which session was left out instead of silently planning one fewer."""
    late = tmp_path / "late.yaml"
    late.write_text(
        "name: late\nduration_weeks: 1\nblocks:\n  - weeks: 1\n    sessions:\n"
        '      - {day: sun, start: "23:00", modality: aerobic, duration_min: 90,'
        " intensity_pct_hrmax: 65}\n",
        encoding="utf-8",
    )
    extra = ["--out", str(tmp_path / "out"), "--no-plots"] if command == "run" else []
    assert run_cli(command, str(late), *extra) == 0
    err = capsys.readouterr().err
    assert f"note: {late}: blocks[0].sessions[0] (sun 23:00, 90 min) would end after" in err
