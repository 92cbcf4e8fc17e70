"""Every shipped scenario validates and runs; `musclebrain demo` works end to end."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import pytest

from sim.cli import main
from sim.input.scenario import load_scenario
from sim.running.simulation import simulate

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
FILES = sorted(SCENARIOS.glob("*.yaml"))


def test_the_library_is_there() -> None:
    assert len(FILES) >= 25


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_shipped_scenario_validates_and_runs(path: Path) -> None:
    scenario = load_scenario(path)
    result = simulate(scenario, sample_min=240)
    bad = {k: v for k, v in result.metrics.items() if not math.isfinite(v)}
    assert not bad, f"{path.name}: non-finite metrics {bad}"
    assert result.horizon_h == pytest.approx(
        168.0 * (scenario.duration_weeks + scenario.follow_up_weeks)
    )


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_shipped_scenario_says_what_it_teaches(path: Path) -> None:
    """Descriptions explain the scenario; the new library files also name their claims."""
    scenario = load_scenario(path)
    assert len(scenario.description.split()) >= 20
    if path.stem not in {"sedentary"}:
        assert re.search(r"\bC\d+\b", scenario.description), f"{path.name} names no claim"


def test_shipped_scenario_names_are_unique() -> None:
    names = [load_scenario(p).name for p in FILES]
    assert len(names) == len(set(names))


def test_cli_validate_accepts_the_whole_library(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", *map(str, FILES)]) == 0
    assert capsys.readouterr().out.count("ok: ") == len(FILES)


def test_demo_writes_the_four_regimens(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Its speed (well under a minute) is measured by benchmarks/demo_speed.py, not here."""
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out)]) == 0
    with (out / "comparison.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["scenario"] for r in rows] == ["sedentary", "aerobic", "resistance", "combined"]
    assert {"slow_states.png", "final_bars.png", "acute_response.png"} <= {
        p.name for p in out.iterdir()
    }
    info = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    assert info["command"] == "demo" and info["failed"] == {}
    captured = capsys.readouterr()
    names = ["sedentary", "aerobic", "resistance", "combined"]
    assert captured.err.splitlines() == [
        f"[{i}/4] simulating {name} ..." for i, name in enumerate(names, start=1)
    ]
    text = captured.out
    assert text.startswith("24 weeks of each regimen for a healthy 65-year-old woman:\n")
    assert "Strength gain: resistance wins" in text and "Cognition change: combined wins" in text
    assert "not clinical" in text
