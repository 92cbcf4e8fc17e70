r"""SBML Level 3 export of the whole model, with one run's bouts as events.

:func:`export_sbml` writes the model of a scenario as SBML Level 3 Version 2: every state of
:mod:`sim.model.state` is a non-constant global parameter with a rate rule, the observables
(``reserve``, ``cognition_z``, ``igf1_benefit``) and the intermediate quantities are
assignment rules, every model parameter (:mod:`sim.parameters`) and every per-run derived
constant (:func:`sim.model.constants.compile_constants`) is a constant global parameter whose
notes carry its unit, bounds, description and source. Ids of quantities that are columns of
``timeseries.csv`` carry exactly the column names.

The drive of the ODEs (:class:`sim.model.drive.Drive`) becomes four non-constant parameters
``drive_aerobic_frac_vo2max``, ``drive_resistance_frac_1rm``, ``drive_sets_per_h`` and
``drive_muscle_mass_frac``, set by one event at every time the drive changes: the start and end
of every segment of every bout *as it happened* in ``simulate(scenario)`` (attendance drawn from
the scenario's seed, loads chosen by the progression rule). A tool that integrates the file
therefore repeats our run, not a re-drawn one.

The rate rules are a transcription of the compartment modules' equations (their docstrings
define the symbols); ``relu(x)`` is written ``piecewise(x, x > 0, 0)``. Time is in hours (the
model's ``timeUnits`` is the unit ``hour``). The transcription is checked against an independent
simulator (libRoadRunner) in ``tests/integration/test_sbml.py``; edit both sides together.

libsbml and libroadrunner are an optional extra (``pip install -e '.[sbml]'``), imported only
inside the functions here so that ``import sim`` never needs them.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim import __version__
from sim.errors import InputError, MusclebrainError, OutputError
from sim.model.constants import HOURS_PER_YEAR, compile_constants
from sim.model.drive import REST, Drive
from sim.model.rhs import initial_state
from sim.model.state import OBSERVABLES, QUANTITIES, STATE_NAMES, STATES
from sim.parameters import Parameters

INSTALL_HINT = "install the extra: pip install -e '.[sbml]'"
DRIVE_IDS = (
    "drive_aerobic_frac_vo2max",
    "drive_resistance_frac_1rm",
    "drive_sets_per_h",
    "drive_muscle_mass_frac",
)

# Unit definitions: id -> ((kind, exponent, scale, multiplier), ...).
_UNIT_DEFS: dict[str, tuple[tuple[str, float, int, float], ...]] = {
    "hour": (("second", 1, 0, 3600.0),),
    "per_hour": (("second", -1, 0, 3600.0),),
    "year": (("second", 1, 0, HOURS_PER_YEAR * 3600.0),),
    "per_year": (("second", -1, 0, HOURS_PER_YEAR * 3600.0),),
    "hour_per_year": (("second", 1, 0, 3600.0), ("second", -1, 0, HOURS_PER_YEAR * 3600.0)),
    "mmol_per_L": (("mole", 1, -3, 1.0), ("litre", -1, 0, 1.0)),
    "L_per_mmol": (("mole", -1, -3, 1.0), ("litre", 1, 0, 1.0)),
    "pg_per_mL": (("gram", 1, -12, 1.0), ("litre", -1, -3, 1.0)),
    "ng_per_mL": (("gram", 1, -9, 1.0), ("litre", -1, -3, 1.0)),
    "g_per_kg_per_day": (("gram", 1, 0, 1.0), ("kilogram", -1, 0, 1.0), ("second", -1, 0, 86400.0)),
}
# Units as the package writes them -> SBML unit ids. Sets, load units, fractions and SD are
# counts or ratios: dimensionless in SBML (the readable unit stays in each element's notes).
_UNIT_IDS = {
    "1": "dimensionless",
    "fraction": "dimensionless",
    "fraction of VO2max": "dimensionless",
    "1/fraction": "dimensionless",
    "1/set": "dimensionless",
    "1/load unit": "dimensionless",
    "SD": "dimensionless",
    "sets/week": "dimensionless",
    "L/mmol": "L_per_mmol",
    "g/kg/day": "g_per_kg_per_day",
    "1/year": "per_year",
    "1/h": "per_hour",
    "mmol/L": "mmol_per_L",
    "pg/mL": "pg_per_mL",
    "ng/mL": "ng_per_mL",
    "h": "hour",
    "year": "year",
}

# Per-run constants of compile_constants that are not model parameters: unit and meaning.
_DERIVED: dict[str, tuple[str, str]] = {
    "lactate_clearance_per_h": ("1/h", "Lactate clearance rate, ln 2 / lactate_half_time_h."),
    "age0_years": ("year", "Participant's age at the start."),
    "igf1_scale": ("1", "Participant's baseline IGF-1 relative to the age-expected median."),
    "igf1_start_ng_mL": ("ng/mL", "Participant's IGF-1 at the start."),
    "genotype": ("1", "Activity-dependent BDNF factor of the participant's Val66Met genotype."),
    "recovery": ("1", "Recovery factor from sleep and protein intake (0.2 to 1)."),
    "vulnerability": ("1", "Cognitive gain multiplier from cognitive status and age."),
    "decline_multiplier": ("1", "Age-related reserve loss multiplier (MCI: larger)."),
    "strength0": ("1", "Baseline strength relative to a reference adult."),
    "fitness0": ("1", "Baseline aerobic fitness relative to a reference adult."),
    "walk_duty": ("1", "Fraction of the day spent walking (from steps per day)."),
    "pathology_load": ("1", "Neuropathology load at the start."),
    "pathology_progression_per_yr": ("1/year", "Yearly growth of the pathology load."),
    "strength_responsiveness": ("1", "Individual responsiveness of strength to training."),
    "fitness_responsiveness": ("1", "Individual responsiveness of fitness to training."),
    "hours_per_year": ("hour/year", "Hours in a (Julian) year, to convert model time."),
}

_X, _R = "drive_aerobic_frac_vo2max", "drive_resistance_frac_1rm"
_N, _M = "drive_sets_per_h", "drive_muscle_mass_frac"


def _relu(expr: str, unit: str = "dimensionless") -> str:
    """``relu(x)`` as ``max(x, 0)``: a piecewise() would make libRoadRunner root-find on its
    condition, which stalls where the argument sits at exactly zero (rest)."""
    return f"max({expr}, 0 {unit})"


# Assignment rules (intermediates and observables): id, formula, unit, description.
_ASSIGNMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("age_now_years", "age0_years + time / hours_per_year", "year", "Age at the current time."),
    ("years_elapsed", "time / hours_per_year", "year", "Time since the start in years."),
    # muscle.py
    (
        "lactate_threshold_now_frac_vo2max",
        "lactate_threshold_frac_vo2max + "
        "lactate_threshold_fitness_shift * (fitness_rel - fitness0)",
        "1",
        "Current lactate threshold as a fraction of VO2max.",
    ),
    (
        "lactate_excess_mmol_L",
        f"lactate_resistance_excess_mmol_L * {_M} * {_R} / 0.7 + "
        f"piecewise(lactate_at_threshold_excess_mmol_L * exp(lactate_slope_per_frac * ({_X} - "
        f"lactate_threshold_now_frac_vo2max)), {_X} > 0, 0 mmol_per_L)",
        "mmol/L",
        "Steady-state lactate above rest that the current drive would sustain.",
    ),
    (
        "il6_drive",
        f"innervation_frac * {_M} * ({_X} + il6_resistance_weight * {_R})",
        "1",
        "Drive of the muscle IL-6 signal.",
    ),
    (
        "anti_inflammatory_hill_term",
        "(anti_inflammatory_signal / anti_inflammatory_half)^anti_inflammatory_hill",
        "1",
        "Hill term of the anti-inflammatory signal.",
    ),
    # myokines.py
    ("myokine_mass", f"innervation_frac * {_M}", "1", "Innervated muscle mass engaged."),
    (
        "recruitment",
        f"1 - {_relu(f'1 - {_R} / 0.9')}",
        "1",
        "Motor-unit recruitment of resistance work.",
    ),
    (
        "irisin_input_per_h",
        f"irisin_release_per_h * myokine_mass * ({_X} * fitness_rel^"
        "signal_capacity_exponent + irisin_resistance_weight * recruitment * strength_rel^"
        "signal_capacity_exponent)",
        "1/h",
        "Irisin release.",
    ),
    (
        "ctsb_input_per_h",
        "ctsb_release_per_h * myokine_mass * fitness_rel^"
        f"signal_capacity_exponent * {_relu(f'{_X} - ctsb_threshold_frac_vo2max')} / "
        "(1 - ctsb_threshold_frac_vo2max)",
        "1/h",
        "Cathepsin B release.",
    ),
    (
        "bdnf_muscle_input_per_h",
        "bdnf_muscle_release_per_h * myokine_mass * (recruitment + "
        f"{_relu(f'{_X} - recruitment')})",
        "1/h",
        "Muscle BDNF expression.",
    ),
    # endocrine.py
    (
        "igf1_benefit",
        "exp(-0.5 * ((igf1_ng_mL - igf1_optimum_ng_mL) / igf1_hump_width_ng_mL)^2)",
        "1",
        QUANTITIES["igf1_benefit"].description,
    ),
    (
        "igf1_target_ng_mL",
        "igf1_scale * igf1_at_30y_ng_mL * (1 - igf1_decline_per_yr * 1 year)"
        "^((age_now_years - 30 year) / 1 year) * (1 + igf1_rt_gain_frac / (1 + exp((age_now_years - "
        "igf1_response_age_mid_yr) / igf1_response_age_width_yr)) * rt_weekly_sets / "
        "(rt_weekly_sets + igf1_rt_half_sets_per_wk))",
        "ng/mL",
        "Current IGF-1 target.",
    ),
    # brain.py
    (
        "bdnf_potentiation",
        "(1 + igf1_bdnf_potentiation * igf1_benefit) * inflammation_rel^"
        "(-bdnf_inflammation_exponent)",
        "1",
        "IGF-1 potentiation and inflammatory suppression.",
    ),
    (
        "bdnf_chronic_drive",
        f"genotype * bdnf_weight_fitness * {_relu('fitness_rel - fitness0')} * bdnf_potentiation",
        "1",
        "Fitness-driven brain BDNF drive.",
    ),
    (
        "bdnf_signal_lactate",
        "bdnf_weight_lactate_per_mmol_L * "
        f"{_relu('lactate_mmol_L - lactate_rest_mmol_L', 'mmol_per_L')}",
        "1",
        "Lactate signal to the brain.",
    ),
    (
        "bdnf_signal_irisin",
        f"bdnf_weight_irisin * {_relu('irisin_rel - 1')}",
        "1",
        "Irisin signal to the brain.",
    ),
    (
        "bdnf_signal_ctsb",
        f"bdnf_weight_ctsb * {_relu('ctsb_rel - 1')}",
        "1",
        "Cathepsin B signal to the brain.",
    ),
    (
        "bdnf_signal_aerobic",
        f"bdnf_weight_aerobic * ({_X} + walk_duty * walking_frac_vo2max)",
        "1",
        "Aerobic metabolic signal to the brain.",
    ),
    (
        "bdnf_acute_drive",
        "genotype * bdnf_potentiation * (bdnf_signal_lactate + "
        "bdnf_signal_irisin + bdnf_signal_ctsb + bdnf_signal_aerobic + bdnf_synergy * ("
        "bdnf_signal_lactate * (bdnf_signal_irisin + bdnf_signal_ctsb + bdnf_signal_aerobic) + "
        "bdnf_signal_irisin * (bdnf_signal_ctsb + bdnf_signal_aerobic) + bdnf_signal_ctsb * "
        f"bdnf_signal_aerobic) + bdnf_weight_muscle * {_relu('bdnf_muscle_rel - 1')})",
        "1",
        "Activity-dependent brain BDNF drive with pairwise synergy.",
    ),
    (
        "bdnf_release_intensity",
        f"{_relu(f'{_X} - ventilatory_threshold_frac_vo2max')} / (1 - "
        f"ventilatory_threshold_frac_vo2max) + resistance_bdnf_release_weight * {_M} * "
        f"{_relu(f'{_R} - 0.7')} / 0.3",
        "1",
        "Intensity above the serum BDNF release threshold.",
    ),
    (
        "reserve_drive",
        "(1 + reserve_weight_igf1 * igf1_benefit) * (reserve_weight_bdnf * "
        f"{_relu('bdnf_brain_rel - 1')} + reserve_weight_strength * "
        f"{_relu('strength_rel / strength0 - 1')} * rt_weekly_sets / (rt_weekly_sets + "
        "reserve_strength_gate_sets_per_wk) + reserve_weight_fitness * "
        f"{_relu('fitness_rel / fitness0 - 1')})",
        "1",
        "Drive of the built cognitive reserve.",
    ),
    (
        "reserve_age_loss",
        "reserve_age_loss_per_yr * decline_multiplier * years_elapsed",
        "1",
        "Age-related reserve loss since the start.",
    ),
    ("reserve", "reserve_built - reserve_age_loss", "1", QUANTITIES["reserve"].description),
    (
        "cognition_z",
        "cognition_z_per_reserve * (vulnerability * reserve_built - "
        "reserve_age_loss) - pathology_z_per_unit * ((pathology_load + "
        "pathology_progression_per_yr * years_elapsed) * exp(-"
        f"{_relu('reserve_built')} / reserve_buffer_scale) - pathology_load)",
        "SD",
        QUANTITIES["cognition_z"].description,
    ),
    # adaptation.py
    (
        "adaptation_efficiency",
        "recovery / (1 + fatigue / fatigue_adaptation_half)",
        "1",
        "Adaptation efficiency (recovery, blunted by fatigue).",
    ),
)

_STRENGTH_EFFICACY = (
    f"{_relu(f'{_R} - strength_intensity_floor_frac')} / (0.75 - strength_intensity_floor_frac)"
)
_STRENGTH_HEADROOM = _relu("1 - (strength_rel - strength0) / (strength_ceiling_frac * strength0)")
_FITNESS_HEADROOM = _relu("1 - (fitness_rel - fitness0) / (fitness_ceiling_frac * fitness0)")
_RATES: dict[str, str] = {
    "lactate_mmol_L": "lactate_clearance_per_h * (lactate_rest_mmol_L + lactate_excess_mmol_L "
    "- lactate_mmol_L)",
    "il6_signal": "il6_signal_build_per_h * il6_drive - il6_signal_decay_per_h * il6_signal",
    "il6_pg_mL": "il6_rest_pg_mL * il6_release_per_h * il6_signal - il6_clearance_per_h * "
    "(il6_pg_mL - il6_rest_pg_mL * inflammation_rel)",
    "anti_inflammatory_signal": "anti_inflammatory_gain_per_h * "
    f"{_relu('il6_pg_mL / il6_rest_pg_mL - inflammation_rel')} - "
    "anti_inflammatory_signal / anti_inflammatory_tau_h",
    "inflammation_rel": "(1 - inflammation_reduction_max_frac * anti_inflammatory_hill_term / "
    "(1 + anti_inflammatory_hill_term) - inflammation_rel) / "
    "inflammation_tau_h",
    "irisin_rel": "irisin_input_per_h - irisin_clearance_per_h * (irisin_rel - 1)",
    "ctsb_rel": "ctsb_input_per_h - ctsb_clearance_per_h * (ctsb_rel - 1)",
    "fgf21_signal": f"fgf21_signal_build_per_h * {_M} * ({_X} + 0.8 * {_R}) - "
    "fgf21_signal_decay_per_h * fgf21_signal",
    "fgf21_rel": "fgf21_release_per_h * fgf21_signal - fgf21_clearance_per_h * (fgf21_rel - 1)",
    "bdnf_muscle_rel": "bdnf_muscle_input_per_h - bdnf_muscle_clearance_per_h * "
    "(bdnf_muscle_rel - 1)",
    "bdnf_brain_rel": "(1 + bdnf_chronic_drive + bdnf_acute_drive - bdnf_brain_rel) / "
    "bdnf_brain_tau_h",
    "bdnf_serum_ng_mL": "(bdnf_serum_rest_ng_mL * (1 + bdnf_serum_brain_share * "
    "bdnf_chronic_drive + bdnf_release_max_frac * genotype * bdnf_brain_rel "
    "* bdnf_release_intensity / (bdnf_release_intensity + "
    "bdnf_release_half_frac)) - bdnf_serum_ng_mL) / bdnf_serum_tau_h",
    "igf1_ng_mL": "(igf1_target_ng_mL - igf1_ng_mL) / igf1_tau_h",
    "rt_weekly_sets": f"{_N} - rt_weekly_sets / sets_memory_tau_h",
    "strength_rel": f"strength_gain_per_set * {_N} * {_STRENGTH_EFFICACY} * {_M}^0.5 / (1 + "
    "rt_weekly_sets / strength_volume_half_sets_per_wk) * adaptation_efficiency "
    f"* strength_responsiveness * strength0 * {_STRENGTH_HEADROOM} - "
    "(strength_rel - strength0) / strength_detraining_tau_h",
    "fitness_rel": f"fitness_gain_per_h * (({_X} / 0.6)^2 + fitness_resistance_weight * {_M} * "
    f"{_R} + walk_duty * (walking_frac_vo2max / 0.6)^2) * adaptation_efficiency * "
    f"fitness_responsiveness * fitness0 * {_FITNESS_HEADROOM} - "
    "(fitness_rel - fitness0) / fitness_detraining_tau_h",
    # (x / 0.6)^2 is load per hour of work: "1 per_hour" makes that unit explicit.
    "fatigue": f"fatigue_per_load * (({_X} / 0.6)^2 * 1 per_hour + ({_R} / 0.75) * {_M} * {_N} "
    "/ 3.6) - recovery * fatigue / fatigue_tau_h",
    "reserve_built": "reserve_build_per_h * reserve_drive / (1 + reserve_drive / "
    "reserve_drive_half) * fatigue / (fatigue + reserve_activity_gate) * "
    "(1 - reserve_built / reserve_max) - "
    "reserve_built / reserve_decay_tau_h",
    "bdnf_brain_auc": "bdnf_brain_rel - 1",
}
# Initial values that follow a parameter (rhs.initial_state), as initial assignments.
_INITIAL_FROM: dict[str, str] = {
    "lactate_mmol_L": "lactate_rest_mmol_L",
    "il6_pg_mL": "il6_rest_pg_mL",
    "bdnf_serum_ng_mL": "bdnf_serum_rest_ng_mL",
    "igf1_ng_mL": "igf1_start_ng_mL",
    "strength_rel": "strength0",
    "fitness_rel": "fitness0",
}


@dataclass(frozen=True)
class SbmlExport:
    """What :func:`export_sbml` wrote: the file, its events, the consistency warnings, the run."""

    path: Path
    n_events: int
    warnings: tuple[str, ...]
    result: Any


def _libsbml() -> Any:
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
    return _UNIT_IDS.get(unit, unit.replace("/", "_per_"))


def _parameter(model: Any, pid: str, value: float, unit: str, constant: bool, notes: str) -> None:
    p = model.createParameter()
    _check(p.setId(pid), f"id {pid!r}")
    _check(p.setValue(float(value)), f"value of {pid}")
    _check(p.setConstant(constant), f"constant flag of {pid}")
    _check(p.setUnits(_unit_id(unit)), f"units of {pid}")
    _check(p.setNotes(notes), f"notes of {pid}")


def _add_units(libsbml: Any, model: Any) -> None:
    for uid, parts in _UNIT_DEFS.items():
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
    unknown = sorted(set(derived) - set(_DERIVED))
    if unknown:
        raise MusclebrainError(
            f"SBML export: derived constants {unknown} of compile_constants "
            "have no unit or description in sim/sbml.py: add them there"
        )
    for name, value in derived.items():
        unit, description = _DERIVED[name]
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
        _check(rule.setMath(_math(libsbml, _RATES[q.name])), f"rate of {q.name}")
    for state, source in _INITIAL_FROM.items():
        ia = model.createInitialAssignment()
        _check(ia.setSymbol(state), f"initial assignment of {state}")
        _check(ia.setMath(_math(libsbml, source)), f"initial value of {state}")
    ia = model.createInitialAssignment()
    _check(ia.setSymbol("lactate_clearance_per_h"), "initial assignment of the lactate rate")
    _check(ia.setMath(_math(libsbml, "ln(2) / lactate_half_time_h")), "lactate clearance")
    observable = {q.name for q in OBSERVABLES}
    for pid, formula, unit, description in _ASSIGNMENTS:
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
    )


def _add_drive(libsbml: Any, model: Any, changes: list[tuple[float, Drive, str]]) -> int:
    start = changes[0][1] if changes and changes[0][0] == 0.0 else REST
    units = ("1", "1", "1/h", "1")
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


def build_document(scenario: Any, params: Parameters | None = None) -> tuple[Any, int, Any]:
    """The SBML document of a scenario, its number of events and our run of it.

    Parameters
    ----------
    scenario
        A validated :class:`sim.scenario.Scenario`.
    params
        Base parameters (defaults if ``None``); the scenario's overrides are applied on top.

    Returns
    -------
    document, n_events, result
        The ``libsbml.SBMLDocument``, how many drive events it holds and the
        :class:`sim.results.Result` whose bouts they are.
    """
    libsbml = _libsbml()
    from sim.results import ILLUSTRATIVE
    from sim.simulation import simulate, subject_from_scenario

    result = simulate(scenario, params=params)
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


def consistency(doc: Any) -> tuple[list[str], list[str]]:
    """libsbml's ``checkConsistency()``: (errors, warnings) as one line of text each."""
    libsbml = _libsbml()
    doc.checkConsistency()
    errors: list[str] = []
    warnings: list[str] = []
    for i in range(doc.getNumErrors()):
        e = doc.getError(i)
        text = f"{e.getSeverityAsString()} {e.getErrorId()} line {e.getLine()}: " + " ".join(
            e.getMessage().split()
        )
        severe = e.getSeverity() >= libsbml.LIBSBML_SEV_ERROR
        (errors if severe else warnings).append(text)
    return errors, warnings


def _check_target(path: Path) -> None:
    if path.is_dir():
        raise OutputError(f"{path}: is a folder. Fix: give --out a file name such as model.xml.")


def _write_atomic(text: str, path: Path) -> None:
    _check_target(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(
            f"{path}: cannot create the output file ({exc.strerror}). Fix: choose a writable --out."
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def export_sbml(
    scenario: Any, path: str | os.PathLike[str], params: Parameters | None = None
) -> SbmlExport:
    """Write a scenario's model, constants, initial state and bouts as SBML Level 3.

    Parameters
    ----------
    scenario
        A validated :class:`sim.scenario.Scenario`.
    path
        The ``.xml`` file to write (atomically; missing folders are created).
    params
        Base parameters (defaults if ``None``); the scenario's overrides are applied on top.

    Returns
    -------
    SbmlExport
        The path, the number of drive events, libsbml's consistency warnings and our run.

    Raises
    ------
    InputError
        If python-libsbml is not installed, or the file cannot be written.
    MusclebrainError
        If libsbml finds errors in the document (a bug in this module).
    """
    libsbml = _libsbml()
    out = Path(path)
    _check_target(out)  # before spending time on the run
    doc, n_events, result = build_document(scenario, params)
    errors, warnings = consistency(doc)
    if errors:
        raise MusclebrainError(
            f"SBML export of {scenario.name!r}: {len(errors)} consistency "
            "errors, first: " + errors[0]
        )
    _write_atomic(libsbml.writeSBMLToString(doc), out)
    return SbmlExport(out, n_events, tuple(warnings), result)


def simulate_roadrunner(
    sbml: str | os.PathLike[str],
    times_h: np.ndarray,
    selections: tuple[str, ...] | None = None,
    rtol: float = 1e-10,
    atol: float = 1e-12,
) -> dict[str, np.ndarray]:
    """Integrate an exported file with libRoadRunner (CVODE) at ``times_h`` [h].

    Events are located by CVODE's root finding, so short segments are not stepped over.
    Returns ``{"time_h": times, id: values, ...}`` for ``selections`` (default: every state
    and observable), so that the output is a drop-in for :attr:`Result.columns`.
    """
    try:
        import roadrunner
    except ImportError:
        raise InputError(
            f"this needs libroadrunner, which is not installed: {INSTALL_HINT}"
        ) from None
    rr = roadrunner.RoadRunner(os.fspath(sbml))
    names = selections or (*STATE_NAMES, *(q.name for q in OBSERVABLES))
    rr.integrator.relative_tolerance = rtol
    rr.integrator.absolute_tolerance = atol
    rr.integrator.maximum_num_steps = 1_000_000
    out = rr.simulate(times=[float(t) for t in times_h], selections=["time", *names])
    cols = {name: np.asarray(out[:, i + 1], dtype=float) for i, name in enumerate(names)}
    return {"time_h": np.asarray(out[:, 0], dtype=float), **cols}
