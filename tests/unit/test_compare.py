"""`musclebrain compare` / `demo` and sim.analyses.compare: files, labels, failures, bad input."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import sim.analyses.compare
import sim.presentation.plots.compare
from sim.analyses.compare import compare, representative_bout, row_labels
from sim.cli import main
from sim.errors import MusclebrainError, SolverError
from sim.input.scenario import load_scenario
from sim.io.folders import MANIFEST
from sim.presentation.text.compare import format_table, headlines
from tests.conftest import CONTRACT_METRICS as METRICS

FIGURES = {"slow_states.png", "final_bars.png", "acute_response.png"}


def scenario_dict(name: str, modality: str = "aerobic") -> dict[str, Any]:
    session: dict[str, Any] = {
        "day": "tue",
        "start": "10:00",
        "modality": modality,
        "duration_min": 45,
    }
    if modality == "aerobic":
        session["intensity_pct_hrmax"] = 70
    else:
        session.update(intensity_pct_1rm=75, sets=3, reps=8)
    return {
        "name": name,
        "description": f"{name} test scenario",
        "duration_weeks": 2,
        "seed": 3,
        "blocks": [{"weeks": 2, "sessions": [session]}],
    }


def write(tmp_path: Path, name: str, modality: str = "aerobic") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(scenario_dict(name, modality)), encoding="utf-8")
    return path


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def pair(tmp_path: Path) -> list[str]:
    return [str(write(tmp_path, "walk")), str(write(tmp_path, "lift", "resistance"))]


def test_compare_writes_csv_json_and_figures(pair: list[str], tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    assert main(["compare", *pair, "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == {
        "comparison.csv",
        "comparison.json",
        "report.html",
        MANIFEST,
    } | FIGURES
    header = (out / "comparison.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[0] == "scenario" and set(header[1:]) >= METRICS
    assert [r["scenario"] for r in read_rows(out / "comparison.csv")] == ["walk", "lift"]
    info = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    assert set(info["scenarios"]) == {"walk", "lift"} and info["failed"] == {}
    assert "not clinical" in info["note"] and info["command"] == "compare"
    assert set(info["scenarios"]["lift"]["metrics"]) >= METRICS


def test_every_comparison_figure_carries_the_watermark(
    pair: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stamped: list[Any] = []
    original = sim.presentation.plots.compare.stamp

    def counting_stamp(fig: Any, caption: str | None = None) -> None:
        stamped.append(fig)
        assert caption, "every comparison figure states its lesson"
        original(fig, caption)

    monkeypatch.setattr(sim.presentation.plots.compare, "stamp", counting_stamp)
    assert main(["compare", *pair, "--out", str(tmp_path / "cmp")]) == 0
    assert len(stamped) == len(FIGURES)


def test_same_scenarios_give_identical_comparison_files(pair: list[str], tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert main(["compare", *pair, "--out", str(tmp_path / name)]) == 0
    for file in sorted({"comparison.csv", "comparison.json", MANIFEST} | FIGURES):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file


def test_no_plots_writes_the_tables_and_a_report_without_figures(
    pair: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "cmp"
    assert main(["compare", *pair, "--out", str(out), "--no-plots"]) == 0
    assert {p.name for p in out.iterdir()} == {
        "comparison.csv",
        "comparison.json",
        "report.html",
        MANIFEST,
    }
    assert "<img" not in (out / "report.html").read_text(encoding="utf-8")


def test_same_name_twice_gets_distinct_rows(tmp_path: Path) -> None:
    path = str(write(tmp_path, "walk"))
    out = tmp_path / "cmp"
    assert main(["compare", path, path, path, "--out", str(out), "--no-plots"]) == 0
    assert [r["scenario"] for r in read_rows(out / "comparison.csv")] == [
        "walk",
        "walk#2",
        "walk#3",
    ]


@pytest.mark.parametrize(
    ("names", "labels"),
    [
        (["a", "b"], ["a", "b"]),
        (["a", "a", "b", "a"], ["a", "a#2", "b", "a#3"]),
        ([], []),
    ],
    ids=["distinct", "repeated", "empty"],
)
def test_row_labels(names: list[str], labels: list[str]) -> None:
    assert row_labels(names) == labels


def test_failing_scenario_is_kept_apart_and_exits_1(
    pair: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real = sim.analyses.compare.simulate

    def flaky(scenario: Any, *args: Any, **kwargs: Any) -> Any:
        if scenario.name == "walk":
            raise SolverError("'walk' segment #3: step size too small")
        return real(scenario, *args, **kwargs)

    monkeypatch.setattr(sim.analyses.compare, "simulate", flaky)
    out = tmp_path / "cmp"
    assert main(["compare", *pair, "--out", str(out), "--no-plots"]) == 1
    assert [r["scenario"] for r in read_rows(out / "comparison.csv")] == ["lift"]
    info = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    assert list(info["scenarios"]) == ["lift"]
    assert "step size too small" in info["failed"]["walk"]
    assert "scenario 'walk' failed" in capsys.readouterr().err


def test_unexpected_exception_in_one_run_is_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenarios = [load_scenario(write(tmp_path, "walk")), load_scenario(write(tmp_path, "lift"))]
    real = sim.analyses.compare.simulate

    def buggy(scenario: Any, *args: Any, **kwargs: Any) -> Any:
        if scenario.name == "lift":
            raise ZeroDivisionError("division by zero")
        return real(scenario, *args, **kwargs)

    monkeypatch.setattr(sim.analyses.compare, "simulate", buggy)
    comparison = compare(scenarios)
    assert [label for label, _ in comparison.results] == ["walk"]
    assert comparison.failures == (("lift", "ZeroDivisionError: division by zero"),)
    assert "failed" in format_table(comparison)


def test_missing_file_names_it_runs_nothing_exits_2(
    pair: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(sim.analyses.compare, "simulate", lambda s, *a, **k: calls.append(s.name))
    missing = str(tmp_path / "nope.yaml")
    out = tmp_path / "cmp"
    assert main(["compare", pair[0], missing, pair[1], "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "nope.yaml" in err and "Traceback" not in err
    assert calls == [] and not out.exists()


def test_every_bad_file_is_named_in_one_message(
    pair: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing, bad = tmp_path / "nope.yaml", tmp_path / "bad.yaml"
    bad.write_text("name: bad\nduration_weeks: 0\n", encoding="utf-8")
    assert main(["compare", str(missing), pair[0], str(bad), "--out", str(tmp_path / "c")]) == 2
    assert capsys.readouterr().err == (
        f"error: {missing}: file not found. Fix: check the path (looked in {Path.cwd()}).\n"
        f"{bad}: duration_weeks: 0 is invalid: must be at least 1. Fix: use a value between 1 "
        "and 520.\nNothing was run: 2 of 3 scenario files are missing or invalid.\n"
    )


def test_invalid_file_among_several_exits_2_naming_it(
    pair: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({**scenario_dict("bad"), "duration_weeks": 3}), encoding="utf-8")
    out = tmp_path / "cmp"
    assert main(["compare", pair[0], str(bad), "--out", str(out)]) == 2
    assert "bad.yaml" in capsys.readouterr().err and not out.exists()


def test_a_users_folder_is_refused_even_with_force(
    pair: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cmp"
    out.mkdir()
    (out / "mine.txt").write_text("keep me", encoding="utf-8")
    assert main(["compare", *pair, "--out", str(out), "--no-plots"]) == 2
    assert "--force" in capsys.readouterr().err and (out / "mine.txt").exists()
    assert main(["compare", *pair, "--out", str(out), "--no-plots", "--force"]) == 2
    assert "not written by musclebrain" in capsys.readouterr().err
    assert (out / "mine.txt").read_text(encoding="utf-8") == "keep me"


@pytest.fixture
def tiny_demo(pair: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the demo at two tiny scenarios, so these tests stay fast."""
    monkeypatch.setattr(sim.analyses.compare, "demo_paths", lambda: [Path(p) for p in pair])


@pytest.mark.usefixtures("tiny_demo")
def test_demo_replaces_its_own_output_but_not_other_folders(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out)]) == 0
    assert main(["demo", "--out", str(out)]) == 0  # an earlier demo: replaced without --force
    assert json.loads((out / "comparison.json").read_text())["command"] == "demo"
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["demo", "--out", str(other)]) == 2
    assert main(["demo", "--out", str(other), "--force"]) == 2  # not musclebrain's folder
    assert (other / "notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.usefixtures("tiny_demo")
def test_demo_prints_progress_table_headlines_and_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--out", str(tmp_path / "demo")]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("simulating") == 2
    assert "strength %" in captured.out and "cognition z" in captured.out
    assert " wins (" in captured.out and "not clinical" in captured.out


def test_demo_without_shipped_scenarios_says_so(tmp_path: Path) -> None:
    with pytest.raises(MusclebrainError, match=r"shipped scenarios .* not in"):
        sim.analyses.compare.demo_paths(tmp_path)


def test_headlines_name_the_winner_and_the_margin(tmp_path: Path) -> None:
    scenarios = [
        load_scenario(write(tmp_path, "walk")),
        load_scenario(write(tmp_path, "lift", "resistance")),
    ]
    lines = headlines(compare(scenarios))
    strength = next(line for line in lines if line.startswith("Strength gain"))
    assert "lift wins" in strength and "points ahead of walk" in strength


def test_representative_bout_is_a_completed_mid_training_session(tmp_path: Path) -> None:
    data = scenario_dict("walk")
    data.update(duration_weeks=6, blocks=[{"weeks": 6, "sessions": data["blocks"][0]["sessions"]}])
    path = tmp_path / "six.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = compare([load_scenario(path)]).results[0][1]
    bout = representative_bout(result)
    assert bout is not None and bout.completed
    assert abs(bout.start_h - result.training_end_h / 2) <= 84.0


def test_acute_response_is_minute_resolved_over_six_hours(tmp_path: Path) -> None:
    result = compare([load_scenario(write(tmp_path, "walk"))]).results[0][1]
    bout, minutes, cols = sim.analyses.compare.acute_response(result)
    assert bout is not None
    assert minutes[0] == pytest.approx(0.0) and minutes[-1] == pytest.approx(360.0)
    assert max(abs(d) for d in minutes[1:] - minutes[:-1]) <= 2.0 + 1e-6
    assert cols["lactate_mmol_L"].max() > cols["lactate_mmol_L"][0]


def test_import_sim_compare_does_not_import_matplotlib() -> None:
    code = "import sys, sim, sim.analyses.compare; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
