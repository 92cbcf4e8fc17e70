"""Building the SBML document of a scenario: units, constants, rules and drive events.

The helpers of :func:`sim.io.sbml.export.export_sbml` (see :mod:`sim.io.sbml.export` for what the file holds):
every model parameter and per-run constant as a constant parameter with notes (unit, bounds,
description, source), every state as a parameter with a rate rule, the intermediate
quantities and observables as assignment rules (formulas in :mod:`sim.io.sbml.equations`), and
one event per change of the exercise drive in the run's completed bouts.
"""

from __future__ import annotations

import html
import re
from typing import Any

import numpy as np

from sim import __version__
from sim.errors import InputError, MusclebrainError
from sim.io.sbml.equations import (
    ASSIGNMENTS,
    DERIVED,
    DRIVE_IDS,
    INITIAL_FROM,
    RATES,
    UNIT_DEFS,
    UNIT_IDS,
)
from sim.model.constants import HOURS_PER_YEAR, compile_constants
from sim.model.drive import REST, Drive
from sim.model.parameters import Parameters
from sim.model.rhs import initial_state
from sim.model.state import OBSERVABLES, STATES

INSTALL_HINT = (
    "install the extra: pip install 'musclebrain[sbml]' (in a clone of the repository: "
    "pip install -e '.[sbml]')"
)


def import_libsbml() -> Any:
    """The ``libsbml`` module, or an :class:`InputError` that names the extra to install."""
    try:
        import libsbml
    except ImportError:
        raise InputError(
            f"SBML export needs python-libsbml, which is not installed: {INSTALL_HINT}"
        ) from None
    return libsbml


def _check(status: Any, what: str) -> None:
    if isinstance(status, int) and status != 0:  # LIBSBML_OPERATION_SUCCESS
        raise MusclebrainError(f"SBML export: libsbml refused {what} (status {status})")


def _math(libsbml: Any, formula: str, number_unit: str = "dimensionless") -> Any:
    """Parse an L3 infix formula; numbers without units get ``number_unit``."""
    ast = libsbml.parseL3Formula(formula)
    if ast is None:
        raise MusclebrainError(
            f"SBML export: cannot parse {formula!r}: {libsbml.getLastParseL3Error()}"
        )
    stack = [ast]
    while stack:
        node = stack.pop()
        if node.isNumber() and not node.hasUnits():
            _check(node.setUnits(number_unit), f"units of a number in {formula!r}")
        stack.extend(node.getChild(i) for i in range(node.getNumChildren()))
    return ast


def _notes(*lines: str) -> str:
    body = "".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines)
    return f'<body xmlns="http://www.w3.org/1999/xhtml">{body}</body>'


def _unit_text(unit: str) -> str:
    return "Unit: dimensionless." if unit == "1" else f"Unit: {unit}."


def _unit_id(unit: str) -> str:
    return UNIT_IDS.get(unit, unit.replace("/", "_per_"))


def _parameter(model: Any, pid: str, value: float, unit: str, constant: bool, notes: str) -> None:
    p = model.createParameter()
    _check(p.setId(pid), f"id {pid!r}")
    _check(p.setValue(float(value)), f"value of {pid}")
    _check(p.setConstant(constant), f"constant flag of {pid}")
    _check(p.setUnits(_unit_id(unit)), f"units of {pid}")
    _check(p.setNotes(notes), f"notes of {pid}")


def _add_units(libsbml: Any, model: Any) -> None:
    for uid, parts in UNIT_DEFS.items():
        ud = model.createUnitDefinition()
        _check(ud.setId(uid), f"unit {uid}")
        for kind, exponent, scale, multiplier in parts:
            u = ud.createUnit()
            _check(u.setKind(libsbml.UnitKind_forName(kind)), f"unit kind {kind}")
            _check(u.setExponent(exponent), f"exponent of {uid}")
            _check(u.setScale(scale), f"scale of {uid}")
            _check(u.setMultiplier(multiplier), f"multiplier of {uid}")


def _add_constants(model: Any, params: Parameters, c: Any) -> None:
    for name, value in params.as_dict().items():
        spec = Parameters.spec(name)
        _parameter(
            model,
            name,
            value,
            spec["unit"],
            True,
            _notes(
                spec["description"],
                f"Unit: {spec['unit']}. Bounds: {spec['lower']:g} to {spec['upper']:g}.",
                f"Source: {spec['source']} (docs/references.md).",
                f"Group: {spec['group']}.",
            ),
        )
    derived = {k: v for k, v in vars(c).items() if k not in Parameters.names() and k != "exp"}
    derived["hours_per_year"] = HOURS_PER_YEAR
    unknown = sorted(set(derived) - set(DERIVED))
    if unknown:
        raise MusclebrainError(
            f"SBML export: derived constants {unknown} of compile_constants "
            "have no unit or description in sim.io.sbml.equations.DERIVED: add them there"
        )
    for name, value in derived.items():
        unit, description = DERIVED[name]
        _parameter(
            model,
            name,
            value,
            unit,
            True,
            _notes(
                description,
                _unit_text(unit),
                "Source: derived per run from the parameters and "
                "the scenario's participant (sim.model.constants.compile_constants).",
            ),
        )


def _add_rules(libsbml: Any, model: Any, y0: np.ndarray) -> None:
    for q, value in zip(STATES, y0.tolist()):
        _parameter(
            model,
            q.name,
            value,
            q.unit,
            False,
            _notes(q.description, _unit_text(q.unit), "State variable (rate rule)."),
        )
        rule = model.createRateRule()
        _check(rule.setVariable(q.name), f"rate rule of {q.name}")
        _check(rule.setMath(_math(libsbml, RATES[q.name])), f"rate of {q.name}")
    for state, source in INITIAL_FROM.items():
        ia = model.createInitialAssignment()
        _check(ia.setSymbol(state), f"initial assignment of {state}")
        _check(ia.setMath(_math(libsbml, source)), f"initial value of {state}")
    ia = model.createInitialAssignment()
    _check(ia.setSymbol("lactate_clearance_per_h"), "initial assignment of the lactate rate")
    _check(ia.setMath(_math(libsbml, "ln(2) / lactate_half_time_h")), "lactate clearance")
    observable = {q.name for q in OBSERVABLES}
    for pid, formula, unit, description in ASSIGNMENTS:
        kind = "Observable" if pid in observable else "Intermediate quantity"
        _parameter(
            model,
            pid,
            0.0,
            unit,
            False,
            _notes(description, _unit_text(unit), f"{kind} (assignment rule)."),
        )
        rule = model.createAssignmentRule()
        _check(rule.setVariable(pid), f"assignment rule of {pid}")
        _check(rule.setMath(_math(libsbml, formula)), f"formula of {pid}")


def drive_changes(bouts: Any, horizon_h: float) -> list[tuple[float, Drive, str]]:
    """Every time the drive changes in a run's bouts: ``(time_h, new drive, label)``, sorted.

    A segment's start wins over another segment's end at the same time.
    """
    changes: dict[float, tuple[Drive, str]] = {}
    done = [b for b in bouts if b.completed]
    for i, bout in enumerate(done, start=1):
        for _, t1, _ in bout.segments:
            changes.setdefault(round(float(t1), 9), (REST, f"session {i} ({bout.modality}) end"))
    for i, bout in enumerate(done, start=1):
        for j, (t0, _, drive) in enumerate(bout.segments, start=1):
            changes[round(float(t0), 9)] = (drive, f"session {i} ({bout.modality}) segment {j}")
    return [(t, d, label) for t, (d, label) in sorted(changes.items()) if t <= horizon_h + 1e-9]


def _drive_values(d: Drive) -> tuple[float, ...]:
    return (
        float(d.aerobic_frac_vo2max),
        float(d.resistance_frac_1rm),
        float(d.sets_per_h),
        float(d.muscle_mass_frac),
        float(d.reps_per_set),
    )


def _add_drive(libsbml: Any, model: Any, changes: list[tuple[float, Drive, str]]) -> int:
    start = changes[0][1] if changes and changes[0][0] == 0.0 else REST
    units = ("1", "1", "1/h", "1", "1")
    for pid, value, unit in zip(DRIVE_IDS, _drive_values(start), units):
        _parameter(
            model,
            pid,
            value,
            unit,
            False,
            _notes(
                f"Exercise drive: {pid.removeprefix('drive_')} (see sim.model.drive.Drive).",
                _unit_text(unit),
                "Piecewise constant; set by the events at every segment start "
                "and end of the run's bouts.",
            ),
        )
    events = [c for c in changes if c[0] > 0.0]
    for k, (t, drive, label) in enumerate(events, start=1):
        ev = model.createEvent()
        _check(ev.setId(f"drive_change_{k}"), f"event {k}")
        _check(ev.setName(f"{label} at {t:.6g} h"), f"name of event {k}")
        _check(ev.setUseValuesFromTriggerTime(True), f"event {k}")
        trigger = ev.createTrigger()
        _check(trigger.setInitialValue(True), f"trigger of event {k}")
        _check(trigger.setPersistent(True), f"trigger of event {k}")
        _check(trigger.setMath(_math(libsbml, f"time >= {t!r}", "hour")), f"trigger {k}")
        for pid, value, unit in zip(DRIVE_IDS, _drive_values(drive), units):
            ea = ev.createEventAssignment()
            _check(ea.setVariable(pid), f"assignment of event {k}")
            _check(ea.setMath(_math(libsbml, repr(value), _unit_id(unit))), f"event {k}")
    return len(events)


def build_document(
    scenario: Any, params: Parameters | None = None, seed: int | None = None
) -> tuple[Any, int, Any]:
    """The SBML document of a scenario, its number of events and our run of it.

    Parameters
    ----------
    scenario
        A validated :class:`sim.input.scenario.Scenario`.
    params
        Base parameters (defaults if ``None``); the scenario's overrides are applied on top.
    seed
        Seed of the attendance draws; the scenario's own ``seed`` if ``None``.

    Returns
    -------
    document, n_events, result
        The ``libsbml.SBMLDocument``, how many drive events it holds and the
        :class:`sim.running.results.Result` whose bouts they are.
    """
    libsbml = import_libsbml()
    from sim.running.results import ILLUSTRATIVE
    from sim.running.simulation import simulate, subject_from_scenario

    result = simulate(scenario, params=params, seed=seed)
    c = compile_constants(result.parameters, subject_from_scenario(scenario))
    doc = libsbml.SBMLDocument(3, 2)
    model = doc.createModel()
    _check(model.setId("musclebrain_" + re.sub(r"\W", "_", scenario.name)), "model id")
    _check(model.setName(f"musclebrain: {scenario.name}"), "model name")
    _check(
        model.setNotes(
            _notes(
                ILLUSTRATIVE,
                f"Scenario {scenario.name!r}, seed {result.seed}, musclebrain "
                f"{__version__}. The events replay the bouts as they happened in this run "
                f"({sum(b.completed for b in result.bouts)} of {len(result.bouts)} sessions completed).",
                "Time unit: hour. States are global parameters with rate rules; ids that match "
                "timeseries.csv columns carry those names.",
            )
        ),
        "model notes",
    )
    _add_units(libsbml, model)
    _check(model.setTimeUnits("hour"), "time units")
    _add_constants(model, result.parameters, c)
    _add_rules(libsbml, model, initial_state(c))
    n_events = _add_drive(libsbml, model, drive_changes(result.bouts, result.horizon_h))
    return doc, n_events, result
