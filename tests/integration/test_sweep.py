"""musclebrain sweep: a grid of doses or parameter values, one run per point.

Checked: the points are whole runs (a point equals the scenario run with that change); the
dose-response has the direction the evidence gives (heavier loads, more strength: Beneka in
Borde 2015, 50 % vs 70-90 % 1RM); refused points are listed with the schema's message, not
run; bad arguments exit 2 with one message; two fields give a heatmap.
"""

from __future__ import annotations

import csv
from pathlib import Path

import markupsafe
import pytest

from sim.cli import main
from sim.input.scenario import load_scenario
from sim.model.parameters import Parameters
from sim.running.simulation import simulate
from tests.conftest import SCENARIOS


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_one_field_gives_a_dose_response(tmp_path: Path) -> None:
    out = tmp_path / "s"
    code = main(["sweep", "resistance_twice_weekly", "--vary", "intensity_pct_1rm=50:90:20",
                 "--out", str(out)])  # fmt: skip
    assert code == 0
    table = rows(out / "sweep.csv")
    assert [r["intensity_pct_1rm"] for r in table] == ["50", "70", "90"]
    strength = [float(r["strength_change_pct"]) for r in table]
    assert strength[0] < strength[1] < strength[2]  # heavier loads build more (Borde 2015)
    assert strength[1] > 2 * strength[0]  # 50 % 1RM gives a small fraction (Beneka: +3-4 %)
    assert (out / "dose_response.png").read_bytes()[:4] == b"\x89PNG"
    assert not (out / "invalid_points.csv").exists()
    # a point is the scenario run with that change, nothing else
    s = load_scenario(SCENARIOS / "resistance_twice_weekly.yaml")
    paths = {f"blocks.0.sessions.{i}.intensity_pct_1rm": 70 for i in range(2)}
    direct = simulate(s.with_changes(paths)).metrics["reserve_final"]
    assert float(table[1]["reserve_final"]) == pytest.approx(direct, rel=1e-9)


def test_a_parameter_is_varied_through_the_scenario_overrides(tmp_path: Path) -> None:
    out = tmp_path / "p"
    assert main(["sweep", "resistance_twice_weekly", "--vary", "reserve_weight_strength=0,2",
                 "--out", str(out)]) == 0  # fmt: skip
    table = rows(out / "sweep.csv")
    s = load_scenario(SCENARIOS / "resistance_twice_weekly.yaml")
    off = simulate(s, Parameters().with_overrides({"reserve_weight_strength": 0.0}))
    assert float(table[0]["reserve_final"]) == pytest.approx(off.metrics["reserve_final"])
    assert float(table[0]["reserve_final"]) < float(table[1]["reserve_final"])


def test_refused_points_are_listed_not_run_and_two_fields_give_a_heatmap(tmp_path: Path) -> None:
    out = tmp_path / "h"
    assert main(["sweep", "resistance_twice_weekly", "--vary", "intensity_pct_1rm=60,80",
                 "--vary", "duration_min=30,600", "--out", str(out)]) == 0  # fmt: skip
    assert len(rows(out / "sweep.csv")) == 2
    refused = rows(out / "invalid_points.csv")
    assert [r["duration_min"] for r in refused] == ["600", "600"]
    assert all("duration_min" in r["message"] and "Fix:" in r["message"] for r in refused)
    assert (out / "heatmap.png").exists()
    # the report: every point that ran, every refused one with the schema's message, the
    # heatmap embedded, the ledger's rows for the scenario, the banner
    report = (out / "report.html").read_text(encoding="utf-8")
    assert report.count('<tr><td class="num">') == 2
    assert report.count("duration_min = 600") == 2
    assert str(markupsafe.escape(refused[0]["message"])) in report
    assert report.count("data:image/png;base64,") == 1
    assert "C12" in report and "C13" in report
    assert report.count("Illustrative teaching model, not clinical") >= 2


@pytest.mark.parametrize(
    ("vary", "words"),
    [
        ("intensity_pct_1rm", "no '='"),
        ("intensity_pct_1rm=50:90", "three parts"),
        ("intensity_pct_1rm=90:50:10", "positive step"),
        ("intensity_pct_1rm=a,b", "not a number"),
        ("nonsense=1,2", "no field 'nonsense'"),
        ("intensity_pct_1rm=0:10000:1", "more than the limit of 400"),
        ("bdnf_synergy=0:20:5", "15, 20 are outside the bounds of parameter 'bdnf_synergy'"),
    ],
)
def test_bad_vary_exits_2_with_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], vary: str, words: str
) -> None:
    assert main(["sweep", "resistance_twice_weekly", "--vary", vary,
                 "--out", str(tmp_path / "x")]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert words in err and "Fix" in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_the_point_limit_says_how_to_raise_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUSCLEBRAIN_MAX_SWEEP_POINTS", "2")
    args = ["sweep", "aerobic", "--vary", "duration_min=30,45,60", "--no-plots"]
    assert main([*args, "--out", str(tmp_path / "refused")]) == 2
    err = capsys.readouterr().err
    assert "3 points, more than the limit of 2" in err
    assert "MUSCLEBRAIN_MAX_SWEEP_POINTS=3" in err and "Traceback" not in err
    monkeypatch.setenv("MUSCLEBRAIN_MAX_SWEEP_POINTS", "3")
    assert main([*args, "--out", str(tmp_path / "raised")]) == 0
    assert len(rows(tmp_path / "raised" / "sweep.csv")) == 3


def test_an_unknown_metric_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "aerobic", "--vary", "duration_min=30,45", "--metric", "happiness",
                 "--out", str(tmp_path / "m")]) == 2  # fmt: skip
    assert "reserve_final" in capsys.readouterr().err


def test_the_sweep_figure_is_in_the_house_style(tmp_path: Path) -> None:
    from sim.analyses.sweep import parse_vary, sweep
    from sim.presentation.plots.sweep import plot_sweep
    from tests.unit.test_figure_style import check_house_style

    s = load_scenario(SCENARIOS / "aerobic.yaml")
    result = sweep(s.first_weeks(4), [parse_vary(s, "duration_min=30,45,60")])
    check_house_style(plot_sweep(result, "reserve_final"))
    two = sweep(s.first_weeks(4), [parse_vary(s, "duration_min=30,60"),
                                   parse_vary(s, "age_years=60,80")])  # fmt: skip
    check_house_style(plot_sweep(two, "fitness_change_pct"))
