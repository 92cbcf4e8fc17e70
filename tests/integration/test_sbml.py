"""The exported SBML simulated by an independent simulator (libRoadRunner) agrees with ours.

For full shipped scenarios (24 weeks and more, as shipped), the exported file is integrated
by libRoadRunner (CVODE, rtol 1e-10, atol 1e-12; events found by root finding) at the sample
times of our ``timeseries.csv``, and every column of that file (looked up in the SBML by its
own name: no mapping table) and every summary metric must agree within 0.5 %.

Relative to what: ``|theirs - ours| / max(|ours|, floor)``. The floor of a column is 0.1 % of
its largest magnitude in the run (at least 1e-9, a thousand times roadrunner's atol). It never
binds for a quantity that stays away from zero (concentrations, the ``*_rel`` columns); it does
where one starts at or passes through zero (the signals that are 0 at rest, fatigue, weekly
sets, the reserve and cognition at t = 0), and there it is an absolute tolerance of
5e-6 of the column's range. :func:`test_the_check_catches_a_two_percent_model_error` shows the
check fails on a model that differs from ours by 1-2 % in one rate or one missing event.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

libsbml = pytest.importorskip("libsbml")
pytest.importorskip("roadrunner")

from sim.cli import main  # noqa: E402
from sim.input.scenario import load_scenario, scenario_from_dict  # noqa: E402
from sim.io.run import write_timeseries  # noqa: E402
from sim.io.sbml.export import export_sbml, simulate_roadrunner  # noqa: E402
from sim.model.state import TIMESERIES_COLUMNS  # noqa: E402
from sim.running.results import compute_metrics  # noqa: E402
from tests.conftest import SCENARIOS  # noqa: E402

RTOL = 0.005
FLOOR_FRACTION, FLOOR_MIN = 1e-3, 1e-9
# Metrics that are exactly zero by construction (the strength change of a run without
# resistance work, 1e-12 %; the IGF-1 mid-range fraction, 0) are compared absolutely below
# this, in the metric's own unit (percentage points, SD, fraction).
METRIC_FLOOR = 1e-3


def midnight_irregular() -> Any:
    """A session at t = 0 (drive set initially), missed sessions, autoregulated loads."""
    data = yaml.safe_load((SCENARIOS / "combined.yaml").read_text(encoding="utf-8"))
    hiit = {"count": 4, "work_min": 4, "rest_min": 3, "work_pct_hrmax": 92, "rest_pct_hrmax": 65}
    data.update(
        name="midnight",
        seed=11,
        duration_weeks=3,
        follow_up_weeks=1,
        adherence={"attendance": 0.6},
        progression={"rule": "autoregulated", "load_step_pct": 2.5},
        blocks=[
            {
                "weeks": 3,
                "sessions": [
                    {
                        "day": "mon",
                        "start": "00:00",
                        "modality": "hiit",
                        "duration_min": 38,
                        "intervals": hiit,
                    },
                    {
                        "day": "wed",
                        "start": "10:00",
                        "modality": "resistance",
                        "duration_min": 50,
                        "intensity_pct_1rm": 80,
                        "sets": 4,
                        "reps": 6,
                        "movements": "compound",
                    },
                ],
            }
        ],
    )
    return scenario_from_dict(data)


def shipped(name: str) -> Any:
    return load_scenario(SCENARIOS / f"{name}.yaml")


# The four regimens as shipped (24 weeks), and what they leave out: missed sessions,
# autoregulated loads, MCI and a year of detraining (smart_mci, 78 weeks); the pathology term
# of cognition and detraining (pathology_high_reserve, 48 weeks); a session at t = 0.
CASES = {
    "aerobic": lambda: shipped("aerobic"),
    "resistance": lambda: shipped("resistance"),
    "combined": lambda: shipped("combined"),
    "hiit": lambda: shipped("hiit"),
    "smart_mci": lambda: shipped("smart_mci"),
    "pathology_high_reserve": lambda: shipped("pathology_high_reserve"),
    "midnight-irregular": midnight_irregular,
}


class Run:
    """One case: our result, our timeseries.csv as written, roadrunner at its times."""

    def __init__(self, scenario: Any, folder: Path) -> None:
        self.export = export_sbml(scenario, folder / "model.xml")
        self.result = self.export.result
        write_timeseries(self.result, folder / "timeseries.csv")
        with (folder / "timeseries.csv").open(encoding="utf-8") as fh:
            self.header = fh.readline().strip().split(",")
        table = np.loadtxt(folder / "timeseries.csv", delimiter=",", skiprows=1)
        self.csv = {name: table[:, i] for i, name in enumerate(self.header)}
        self.rr = simulate_roadrunner(
            self.export.path, self.result.times_h, selections=tuple(self.header[1:])
        )


@pytest.fixture(scope="module", params=list(CASES), ids=list(CASES))
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return Run(CASES[request.param](), tmp_path_factory.mktemp(request.param))


def column_deviation(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """``|theirs - ours| / max(|ours|, floor)`` with the floor of the module docstring."""
    floor = max(FLOOR_FRACTION * float(np.max(np.abs(ours))), FLOOR_MIN)
    return np.abs(theirs - ours) / np.maximum(np.abs(ours), floor)


def columns_off(ours: dict[str, np.ndarray], theirs: dict[str, np.ndarray]) -> dict[str, Any]:
    """Columns off by more than RTOL: ``{name: (deviation, t_h, ours, theirs)}`` at the worst."""
    bad = {}
    for name in ours:
        if name == "time_h":
            continue
        dev = column_deviation(ours[name], theirs[name])
        i = int(np.argmax(dev))
        if dev[i] > RTOL:
            bad[name] = (float(dev[i]), float(ours["time_h"][i]), ours[name][i], theirs[name][i])
    return bad


def test_roadrunner_samples_the_csv_times(run: Run) -> None:
    np.testing.assert_allclose(run.rr["time_h"], run.result.times_h, rtol=0, atol=1e-9)
    np.testing.assert_allclose(run.csv["time_h"], run.result.times_h, rtol=1e-9)


def test_export_passes_the_consistency_check_with_no_warnings(run: Run) -> None:
    assert run.export.warnings == ()  # export_sbml raises on errors


def test_every_timeseries_csv_column_agrees_with_roadrunner(run: Run) -> None:
    assert run.header[0] == "time_h" and len(run.header) == 1 + len(TIMESERIES_COLUMNS)
    bad = columns_off(run.csv, {**run.rr, "time_h": run.csv["time_h"]})
    assert not bad, "columns off by > 0.5 % (deviation, t_h, ours, roadrunner): " + repr(bad)


def test_every_summary_metric_agrees_with_roadrunner(run: Run) -> None:
    res = run.result
    theirs = compute_metrics(run.rr["time_h"], run.rr, res.bouts, res.training_end_h)
    assert set(theirs) == set(res.metrics)
    bad = {
        key: (ours, theirs[key])
        for key, ours in res.metrics.items()
        if abs(theirs[key] - ours) > RTOL * max(abs(ours), METRIC_FLOOR)
    }
    assert not bad, f"metrics off by > 0.5 % (ours, roadrunner): {bad}"


def mutate(path: Path, out: Path, parameter: str | None, factor: float) -> Path:
    """A copy of an exported file with one parameter scaled, or (None) its last event gone."""
    doc = libsbml.readSBMLFromFile(str(path))
    model = doc.getModel()
    if parameter is None:
        model.removeEvent(model.getNumEvents() - 1)
    else:
        p = model.getParameter(parameter)
        p.setValue(p.getValue() * factor)
    libsbml.writeSBMLToFile(doc, str(out))
    return out


@pytest.mark.parametrize(
    ("parameter", "factor", "caught"),
    [
        ("il6_signal_decay_per_h", 1.02, "il6_signal"),  # a fast signal that rests at 0
        ("reserve_build_per_h", 1.01, "reserve_built"),  # a slow state
        (None, 1.0, "lactate_mmol_L"),  # the last session never ends
    ],
    ids=["fast-signal-2pct", "reserve-1pct", "missing-event"],
)
def test_the_check_catches_a_two_percent_model_error(
    tmp_path: Path, parameter: str | None, factor: float, caught: str
) -> None:
    run = Run(midnight_irregular(), tmp_path)
    assert columns_off(run.csv, {**run.rr, "time_h": run.csv["time_h"]}) == {}
    wrong = mutate(run.export.path, tmp_path / "wrong.xml", parameter, factor)
    theirs = simulate_roadrunner(wrong, run.result.times_h, selections=tuple(run.header[1:]))
    assert caught in columns_off(run.csv, {**theirs, "time_h": run.csv["time_h"]})


def short_scenario_file(tmp_path: Path) -> Path:
    data = yaml.safe_load((SCENARIOS / "aerobic.yaml").read_text(encoding="utf-8"))
    data.update(duration_weeks=1, blocks=[{**data["blocks"][0], "weeks": 1}])
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_cli_export_reads_back_and_simulates(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "new" / "deeper" / "model.xml"
    assert main(["export-sbml", str(short_scenario_file(tmp_path)), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"-> {out}" in printed and "0 errors, 0 warnings" in printed
    assert "drive events replay the 3/3 sessions of seed 1; simulate from 0 to 168 h" in printed
    doc = libsbml.readSBMLFromFile(str(out))
    assert doc.getNumErrors() == 0 and doc.checkConsistency() == 0
    rr = simulate_roadrunner(out, np.array([0.0, 168.0]), selections=("reserve",))
    assert rr["reserve"][-1] > 0


def test_cli_rejects_an_invalid_scenario_with_exit_2(tmp_path: Path, capsys: Any) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nduration_weeks: 0\nblocks: []\n", encoding="utf-8")
    out = tmp_path / "out" / "model.xml"
    assert main(["export-sbml", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "bad.yaml: duration_weeks: 0 is invalid" in err and "Fix: use a value" in err
    assert not out.parent.exists()


def test_cli_keeps_an_existing_file_without_force(tmp_path: Path, capsys: Any) -> None:
    scenario, out = short_scenario_file(tmp_path), tmp_path / "model.xml"
    out.write_text("hand-edited", encoding="utf-8")
    assert main(["export-sbml", str(scenario), "--out", str(out)]) == 2
    assert "the file exists. Fix: pass --force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "hand-edited"
    assert main(["export-sbml", str(scenario), "--out", str(out), "--force"]) == 2
    assert "is not an SBML document" in capsys.readouterr().err  # a user's file: never replaced
    assert out.read_text(encoding="utf-8") == "hand-edited"
    out.unlink()
    assert main(["export-sbml", str(scenario), "--out", str(out)]) == 0
    assert main(["export-sbml", str(scenario), "--out", str(out), "--force"]) == 0
    assert libsbml.readSBMLFromFile(str(out)).getNumErrors() == 0


def test_cli_rejects_a_folder_as_output_with_exit_2(tmp_path: Path, capsys: Any) -> None:
    assert main(["export-sbml", str(short_scenario_file(tmp_path)), "--out", str(tmp_path)]) == 2
    assert "is a folder. Fix: give --out a file name" in capsys.readouterr().err


def test_cli_rejects_a_negative_seed_with_exit_2(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "x.xml"
    with pytest.raises(SystemExit, match=r"^2$"):
        main(["export-sbml", str(short_scenario_file(tmp_path)), "--out", str(out), "--seed", "-1"])
    err = capsys.readouterr().err
    assert "--seed: -1 is invalid" in err and "Traceback" not in err
    assert not out.exists()


def test_cli_without_the_extra_names_it_with_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Any
) -> None:
    monkeypatch.setitem(sys.modules, "libsbml", None)  # makes `import libsbml` fail
    out = tmp_path / "x.xml"
    assert main(["export-sbml", str(short_scenario_file(tmp_path)), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "pip install 'musclebrain[sbml]'" in err and "Traceback" not in err
    assert not out.exists()
