"""SBML export (`musclebrain export-sbml`) checked against an independent simulator.

The exported file is integrated by libRoadRunner (CVODE, rtol 1e-10, atol 1e-12; events found
by root finding) at our sample times, and every ``timeseries.csv`` column and every summary
metric must agree with ``simulate()`` within 0.5 %, relative to ``max(|ours|, floor)``. The
floors (in each column's unit) only matter where a quantity passes through zero: the reserve,
cognition and the signals that are 0 at rest.
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
from sim.errors import InputError  # noqa: E402
from sim.model.state import OBSERVABLES, STATE_NAMES, TIMESERIES_COLUMNS  # noqa: E402
from sim.parameters import Parameters  # noqa: E402
from sim.results import compute_metrics  # noqa: E402
from sim.sbml import DRIVE_IDS, SbmlExport, export_sbml, simulate_roadrunner  # noqa: E402
from sim.scenario import scenario_from_dict  # noqa: E402
from tests.conftest import SCENARIOS  # noqa: E402

RTOL = 0.005
# Floors of the relative deviation's denominator, in each column's own unit.
COLUMN_FLOORS: dict[str, float] = {
    "lactate_mmol_L": 0.01,
    "il6_pg_mL": 0.01,
    "igf1_ng_mL": 1.0,
    "bdnf_serum_ng_mL": 0.1,
    "il6_signal": 1e-3,
    "fgf21_signal": 1e-3,
    "anti_inflammatory_signal": 1e-3,
    "rt_weekly_sets": 1e-3,
    "fatigue": 1e-3,
    "bdnf_brain_auc": 1e-3,
    "igf1_benefit": 1e-3,
    "reserve_built": 1e-4,
    "reserve": 1e-4,
    "cognition_z": 1e-4,
}
DEFAULT_FLOOR = 0.01  # the *_rel columns, which sit near 1
METRIC_FLOORS = {"igf1_midrange_fraction": 0.01}
DEFAULT_METRIC_FLOOR = 0.01  # percentage points for *_pct, units of the metric otherwise
SHORT_WEEKS = 5


def shortened(base: str, weeks: int | None = None, **changes: Any) -> Any:
    """A shipped scenario cut to its first ``weeks`` (same blocks), with top-level changes."""
    data = yaml.safe_load((SCENARIOS / f"{base}.yaml").read_text(encoding="utf-8"))
    if weeks is not None:
        left, blocks = weeks, []
        for block in data["blocks"]:
            if left > 0:
                blocks.append({**block, "weeks": min(block["weeks"], left)})
                left -= blocks[-1]["weeks"]
        data.update(duration_weeks=weeks, blocks=blocks)
    data.update(changes)
    return scenario_from_dict(data)


def midnight_irregular() -> Any:
    """A session at t = 0 (drive set initially), missed sessions and autoregulated loads."""
    return shortened(
        "combined",
        3,
        name="midnight",
        seed=11,
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
                        "intervals": {
                            "count": 4,
                            "work_min": 4,
                            "rest_min": 3,
                            "work_pct_hrmax": 92,
                            "rest_pct_hrmax": 65,
                        },
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


CASES = {
    "aerobic-5wk": lambda: shortened("aerobic", SHORT_WEEKS),
    "resistance-5wk": lambda: shortened("resistance", SHORT_WEEKS),
    "combined-5wk": lambda: shortened("combined", SHORT_WEEKS),
    "hiit-5wk": lambda: shortened("hiit", SHORT_WEEKS),
    "combined-attendance-0.8": lambda: shortened(
        "combined", SHORT_WEEKS, follow_up_weeks=2, adherence={"attendance": 0.8}
    ),
    "midnight-irregular": midnight_irregular,
    "combined-24wk": lambda: shortened("combined"),
}


@pytest.fixture(scope="module", params=list(CASES), ids=list(CASES))
def run(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[SbmlExport, dict[str, np.ndarray]]:
    scenario = CASES[request.param]()
    path = tmp_path_factory.mktemp("sbml") / f"{request.param}.xml"
    export = export_sbml(scenario, path)
    return export, simulate_roadrunner(path, export.result.times_h)


def relative_deviation(name: str, ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    floor = COLUMN_FLOORS.get(name, DEFAULT_FLOOR)
    return np.abs(theirs - ours) / np.maximum(np.abs(ours), floor)


def test_roadrunner_samples_our_times(run: tuple[SbmlExport, dict[str, np.ndarray]]) -> None:
    export, rr = run
    np.testing.assert_allclose(rr["time_h"], export.result.times_h, rtol=0, atol=1e-9)


def test_every_timeseries_column_agrees_with_roadrunner(
    run: tuple[SbmlExport, dict[str, np.ndarray]],
) -> None:
    export, rr = run
    res = export.result
    worst = {}
    for name in TIMESERIES_COLUMNS:
        dev = relative_deviation(name, res.columns[name], rr[name])
        i = int(np.argmax(dev))
        worst[name] = (
            float(dev[i]),
            float(res.times_h[i]),
            float(res.columns[name][i]),
            float(rr[name][i]),
        )
    bad = {k: v for k, v in worst.items() if v[0] > RTOL}
    assert not bad, "columns off by > 0.5 % (deviation, t_h, ours, roadrunner): " + repr(bad)


def test_metrics_from_the_roadrunner_trajectory_agree(
    run: tuple[SbmlExport, dict[str, np.ndarray]],
) -> None:
    export, rr = run
    res = export.result
    theirs = compute_metrics(rr["time_h"], rr, res.bouts, res.training_end_h)
    assert set(theirs) == set(res.metrics)
    bad = {}
    for key, ours in res.metrics.items():
        floor = METRIC_FLOORS.get(key, DEFAULT_METRIC_FLOOR)
        if abs(theirs[key] - ours) > RTOL * max(abs(ours), floor):
            bad[key] = (ours, theirs[key])
    assert not bad, f"metrics off by > 0.5 % (ours, roadrunner): {bad}"


def test_export_passes_the_consistency_check_with_no_warnings(
    run: tuple[SbmlExport, dict[str, np.ndarray]],
) -> None:
    export, _ = run
    assert export.warnings == ()
    doc = libsbml.readSBMLFromFile(str(export.path))
    assert doc.getNumErrors(libsbml.LIBSBML_SEV_ERROR) == 0
    doc.checkConsistency()
    severe = [
        doc.getError(i).getMessage()
        for i in range(doc.getNumErrors())
        if doc.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR
    ]
    assert severe == []
    assert (doc.getLevel(), doc.getVersion()) == (3, 2)


def test_one_event_per_drive_change_of_the_completed_bouts(
    run: tuple[SbmlExport, dict[str, np.ndarray]],
) -> None:
    export, _ = run
    model = libsbml.readSBMLFromFile(str(export.path)).getModel()
    assert model.getNumEvents() == export.n_events
    starts = {round(t0, 9) for b in export.result.bouts if b.completed for t0, _, _ in b.segments}
    ends = {round(t1, 9) for b in export.result.bouts if b.completed for _, t1, _ in b.segments}
    assert export.n_events == len((starts | ends) - {0.0})


def test_missed_sessions_have_no_events(tmp_path: Path) -> None:
    export = export_sbml(midnight_irregular(), tmp_path / "m.xml")
    model = libsbml.readSBMLFromFile(str(export.path)).getModel()
    triggers = {
        libsbml.formulaToL3String(e.getTrigger().getMath()) for e in model.getListOfEvents()
    }
    missed = [b for b in export.result.bouts if not b.completed]
    assert missed, "the scenario should miss some sessions"
    for bout in missed:
        assert not any(f"time >= {bout.start_h!r}" in t for t in triggers)
    first = export.result.bouts[0]
    assert first.start_h == 0.0 and first.completed  # its drive is the initial value
    drive0 = model.getParameter("drive_aerobic_frac_vo2max").getValue()
    assert drive0 == pytest.approx(first.segments[0][2].aerobic_frac_vo2max)


def test_ids_match_timeseries_columns(tmp_path: Path) -> None:
    export = export_sbml(shortened("combined", 1), tmp_path / "ids.xml")
    model = libsbml.readSBMLFromFile(str(export.path)).getModel()
    ids = {model.getParameter(i).getId() for i in range(model.getNumParameters())}
    assert set(TIMESERIES_COLUMNS) <= ids
    rate_rules = {r.getVariable() for r in model.getListOfRules() if r.isRate()}
    assignments = {r.getVariable() for r in model.getListOfRules() if r.isAssignment()}
    assert rate_rules == set(STATE_NAMES)
    assert {q.name for q in OBSERVABLES} <= assignments
    assert set(DRIVE_IDS) <= ids and set(Parameters.names()) <= ids
    assert model.getTimeUnits() == "hour"


def test_parameter_notes_carry_description_source_and_unit(tmp_path: Path) -> None:
    export = export_sbml(shortened("aerobic", 1), tmp_path / "notes.xml")
    model = libsbml.readSBMLFromFile(str(export.path)).getModel()
    for name in Parameters.names():
        spec = Parameters.spec(name)
        notes = model.getParameter(name).getNotesString()
        assert f"Source: {spec['source']}" in notes, name
        assert spec["description"].split()[0] in notes, name
    assert model.getParameter("lactate_rest_mmol_L").getUnits() == "mmol_per_L"


def test_cli_exports_into_a_missing_folder(tmp_path: Path, capsys: Any) -> None:
    scenario = tmp_path / "s.yaml"
    data = yaml.safe_load((SCENARIOS / "aerobic.yaml").read_text(encoding="utf-8"))
    data.update(duration_weeks=1, blocks=[{**data["blocks"][0], "weeks": 1}])
    scenario.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "new" / "deeper" / "model.xml"
    assert main(["export-sbml", str(scenario), "--out", str(out)]) == 0
    assert out.is_file() and list(out.parent.iterdir()) == [out]  # no temporary left behind
    assert "0 errors" in capsys.readouterr().out
    assert libsbml.readSBMLFromFile(str(out)).getNumErrors(libsbml.LIBSBML_SEV_ERROR) == 0


def test_cli_rejects_an_invalid_scenario_with_exit_2(tmp_path: Path, capsys: Any) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nduration_weeks: 0\nblocks: []\n", encoding="utf-8")
    out = tmp_path / "out" / "model.xml"
    assert main(["export-sbml", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "duration_weeks" in err and "Traceback" not in err
    assert not out.exists()


def test_cli_rejects_a_folder_as_output_with_exit_2(tmp_path: Path, capsys: Any) -> None:
    scenario = SCENARIOS / "single_bout.yaml"
    assert main(["export-sbml", str(scenario), "--out", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_missing_libsbml_gives_the_install_hint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "libsbml", None)  # makes `import libsbml` fail
    with pytest.raises(InputError, match=r"pip install -e '\.\[sbml\]'"):
        export_sbml(shortened("aerobic", 1), tmp_path / "x.xml")
    assert not (tmp_path / "x.xml").exists()
