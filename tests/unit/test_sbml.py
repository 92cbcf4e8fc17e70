"""The SBML file of `sim.io.sbml.export.export_sbml`: level, consistency, ids, units, sources, events.

Needs python-libsbml only (the extra ``[sbml]``); the numerical cross-check against
libRoadRunner is in ``tests/integration/test_sbml.py``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

libsbml = pytest.importorskip("libsbml")

from sim.errors import InputError, OutputError  # noqa: E402
from sim.input.scenario import scenario_from_dict  # noqa: E402
from sim.io.run import write_timeseries  # noqa: E402
from sim.io.sbml.export import DRIVE_IDS, SbmlExport, export_sbml, simulate_roadrunner  # noqa: E402
from sim.model.parameters import Parameters  # noqa: E402
from sim.model.state import OBSERVABLES, STATE_NAMES  # noqa: E402
from tests.conftest import SCENARIOS  # noqa: E402


def shortened(base: str, weeks: int, **changes: Any) -> Any:
    """A shipped scenario cut to its first ``weeks`` (same blocks), with top-level changes."""
    data = yaml.safe_load((SCENARIOS / f"{base}.yaml").read_text(encoding="utf-8"))
    left, blocks = weeks, []
    for block in data["blocks"]:
        if left > 0:
            blocks.append({**block, "weeks": min(block["weeks"], left)})
            left -= blocks[-1]["weeks"]
    data.update(duration_weeks=weeks, blocks=blocks, **changes)
    return scenario_from_dict(data)


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> SbmlExport:
    """Two weeks of the shipped combined scenario, some sessions missed."""
    scenario = shortened("combined", 2, seed=4, adherence={"attendance": 0.7})
    return export_sbml(scenario, tmp_path_factory.mktemp("sbml") / "combined.xml")


@pytest.fixture(scope="module")
def model(export: SbmlExport) -> Any:
    doc = libsbml.readSBMLFromFile(str(export.path))
    assert doc.getNumErrors() == 0, doc.getErrorLog().toString()
    return doc.getModel()


def formula(math: Any) -> str:
    return str(libsbml.formulaToL3String(math))


def nodes(math: Any) -> list[Any]:
    """Every node of a MathML tree."""
    out, stack = [], [math]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(node.getChild(i) for i in range(node.getNumChildren()))
    return out


def uses_time(math: Any) -> bool:
    return any(n.getType() == libsbml.AST_NAME_TIME for n in nodes(math))


def test_file_is_level_3_and_passes_the_consistency_check(export: SbmlExport) -> None:
    doc = libsbml.readSBMLFromFile(str(export.path))
    assert (doc.getLevel(), doc.getVersion()) == (3, 2)
    assert doc.checkConsistency() == 0  # every check, units included: no error, no warning
    assert export.warnings == ()


def test_timeseries_csv_columns_are_ids_of_the_same_name(
    export: SbmlExport, model: Any, tmp_path: Path
) -> None:
    write_timeseries(export.result, tmp_path / "timeseries.csv")
    header = (tmp_path / "timeseries.csv").read_text(encoding="utf-8").splitlines()[0]
    time_col, *columns = header.split(",")
    assert time_col == "time_h" and len(columns) > 14
    missing = [c for c in columns if model.getParameter(c) is None]
    assert missing == []
    rate_rules = {r.getVariable() for r in model.getListOfRules() if r.isRate()}
    assignments = {r.getVariable() for r in model.getListOfRules() if r.isAssignment()}
    assert rate_rules == set(STATE_NAMES)
    assert {q.name for q in OBSERVABLES} <= assignments
    assert set(columns) <= rate_rules | assignments
    assert model.getTimeUnits() == "hour"


def test_every_parameter_has_a_unit_and_notes_with_unit_and_source(model: Any) -> None:
    undocumented = []
    for p in model.getListOfParameters():
        notes = p.getNotesString()
        if not p.getUnits() or "Unit:" not in notes:
            undocumented.append(p.getId())
        if p.getConstant() and "Source:" not in notes:
            undocumented.append(p.getId())
    assert undocumented == []
    for name in Parameters.names():
        spec = Parameters.spec(name)
        notes = model.getParameter(name).getNotesString()
        assert f"Source: {spec['source']} (docs/references.md)" in notes, name
        assert f"Unit: {spec['unit']}." in notes, name
    assert model.getParameter("lactate_rest_mmol_L").getUnits() == "mmol_per_L"
    assert model.getParameter("il6_clearance_per_h").getUnits() == "per_hour"


def test_model_parameter_values_are_the_runs(export: SbmlExport, model: Any) -> None:
    for name, value in export.result.parameters.as_dict().items():
        assert model.getParameter(name).getValue() == pytest.approx(value, rel=1e-15), name


def test_drive_changes_only_by_events_never_by_piecewise_in_time(model: Any) -> None:
    ruled = {r.getVariable() for r in model.getListOfRules()}
    assert ruled.isdisjoint(DRIVE_IDS)  # the drive has no rule: only events set it
    assert not any(model.getParameter(d).getConstant() for d in DRIVE_IDS)
    maths = [r.getMath() for r in model.getListOfRules()]
    maths += [a.getMath() for a in model.getListOfInitialAssignments()]
    pieces = [n for m in maths for n in nodes(m) if n.getType() == libsbml.AST_FUNCTION_PIECEWISE]
    assert pieces, "lactate's threshold term is a piecewise() of the drive"
    assert not any(uses_time(n) for n in pieces)
    timed = {r.getVariable() for r in model.getListOfRules() if uses_time(r.getMath())}
    assert timed == {"age_now_years", "years_elapsed"}  # ageing, smooth in time
    for event in model.getListOfEvents():
        assert formula(event.getTrigger().getMath()).startswith("time >= ")
        assert {a.getVariable() for a in event.getListOfEventAssignments()} == set(DRIVE_IDS)


def test_one_event_per_drive_change_of_the_completed_bouts(export: SbmlExport, model: Any) -> None:
    done = [b for b in export.result.bouts if b.completed]
    missed = [b for b in export.result.bouts if not b.completed]
    assert done and missed, "the scenario should complete some sessions and miss some"
    starts = {round(t0, 9) for b in done for t0, _, _ in b.segments}
    ends = {round(t1, 9) for b in done for _, t1, _ in b.segments}
    assert model.getNumEvents() == export.n_events == len((starts | ends) - {0.0})
    triggers = {formula(e.getTrigger().getMath()) for e in model.getListOfEvents()}
    for bout in missed:
        assert f"time >= {bout.start_h!r}" not in triggers


def test_a_session_at_time_zero_is_the_initial_drive(tmp_path: Path) -> None:
    scenario = shortened("hiit", 1)
    data = scenario.model_dump(mode="json")
    data["blocks"][0]["sessions"][0].update(day="mon", start="00:00")
    exp = export_sbml(scenario_from_dict(data), tmp_path / "midnight.xml")
    first = exp.result.bouts[0]
    assert first.start_h == 0.0 and first.completed
    model = libsbml.readSBMLFromFile(str(exp.path)).getModel()
    drive0 = model.getParameter("drive_aerobic_frac_vo2max").getValue()
    assert drive0 == pytest.approx(first.segments[0][2].aerobic_frac_vo2max) and drive0 > 0
    triggers = {formula(e.getTrigger().getMath()) for e in model.getListOfEvents()}
    assert "time >= 0.0" not in triggers


def test_the_seed_chooses_the_sessions_replayed(tmp_path: Path) -> None:
    scenario = shortened("combined", 2, adherence={"attendance": 0.5})
    a = export_sbml(scenario, tmp_path / "a.xml", seed=1)
    b = export_sbml(scenario, tmp_path / "b.xml", seed=2)
    assert [x.completed for x in a.result.bouts] != [x.completed for x in b.result.bouts]
    again = export_sbml(scenario, tmp_path / "again.xml", seed=1)
    assert again.path.read_bytes() == a.path.read_bytes()  # same scenario + seed: same file


def test_an_existing_file_is_kept_unless_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "model.xml"
    out.write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match=r"model\.xml: the file exists\. Fix: pass --force"):
        export_sbml(shortened("aerobic", 1), out)
    assert out.read_text(encoding="utf-8") == "mine"
    with pytest.raises(OutputError, match=r"model\.xml: is not an SBML document"):
        export_sbml(shortened("aerobic", 1), out, overwrite=True)
    assert out.read_text(encoding="utf-8") == "mine"
    out.unlink()
    export_sbml(shortened("aerobic", 1), out)
    export_sbml(shortened("aerobic", 1), out, overwrite=True)
    assert libsbml.readSBMLFromFile(str(out)).getNumErrors() == 0
    assert [p.name for p in tmp_path.iterdir()] == ["model.xml"]  # no temporary left behind


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("folder", r"folder: is a folder\. Fix: give --out a file name"),
        ("afile/model.xml", r"afile is a file, so it cannot hold the output\. Fix:"),
    ],
    ids=["a-folder", "under-a-file"],
)
def test_an_impossible_output_path_is_named(tmp_path: Path, target: str, message: str) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "afile").write_text("", encoding="utf-8")
    with pytest.raises(OutputError, match=message):
        export_sbml(shortened("aerobic", 1), tmp_path / target)


def test_missing_folders_are_created_and_the_file_is_readable_by_others(tmp_path: Path) -> None:
    out = tmp_path / "new" / "deeper" / "model.xml"
    old = os.umask(0o022)
    try:
        export_sbml(shortened("aerobic", 1), out)
    finally:
        os.umask(old)
    assert out.is_file() and list(out.parent.iterdir()) == [out]
    assert out.stat().st_mode & 0o777 == 0o644  # not mkstemp's private 0o600


def test_missing_libsbml_names_the_extra_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "libsbml", None)  # makes `import libsbml` fail
    with pytest.raises(InputError, match=r"python-libsbml.*pip install 'musclebrain\[sbml\]'"):
        export_sbml(shortened("aerobic", 1), tmp_path / "x.xml")
    assert list(tmp_path.iterdir()) == []


def test_missing_libroadrunner_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, export: SbmlExport
) -> None:
    monkeypatch.setitem(sys.modules, "roadrunner", None)
    with pytest.raises(InputError, match=r"libroadrunner.*pip install 'musclebrain\[sbml\]'"):
        simulate_roadrunner(export.path, export.result.times_h)
