r"""The SBML transcription of the model's equations: units, rules and derived constants.

Pure data for :mod:`sim.io.sbml.export`: the rate rule of every state of :mod:`sim.model.state`
(:data:`RATES`), the assignment rules of the observables and intermediate quantities
(:data:`ASSIGNMENTS`), the initial values that follow a parameter (:data:`INITIAL_FROM`), the
SBML unit definitions (:data:`UNIT_DEFS`, :data:`UNIT_IDS`) and the unit and meaning of each
per-run constant of :func:`sim.model.constants.compile_constants` (:data:`DERIVED`).

Formulas are SBML Level 3 infix (``libsbml.parseL3Formula``) over ids of the exported model,
generated at import from the one written form of the equations, :mod:`sim.model.equations`
(drive fields get the prefix ``drive_``; ``relu(x)`` is written ``max(x, 0)``). Nothing here is
written by hand, so nothing can drift; the export is checked against an independent simulator
(libRoadRunner) in ``tests/integration/test_sbml.py``.
"""

from __future__ import annotations

import ast

from sim.model.constants import HOURS_PER_YEAR
from sim.model.equations import DRIVE_FIELDS, all_equations, parse
from sim.model.state import QUANTITIES

DRIVE_IDS = tuple(f"drive_{name}" for name in DRIVE_FIELDS)

# Unit definitions: id -> ((kind, exponent, scale, multiplier), ...).
UNIT_DEFS: dict[str, tuple[tuple[str, float, int, float], ...]] = {
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
UNIT_IDS = {
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
    "SD/year": "per_year",
    "1/h": "per_hour",
    "mmol/L": "mmol_per_L",
    "pg/mL": "pg_per_mL",
    "ng/mL": "ng_per_mL",
    "h": "hour",
    "year": "year",
}

# Per-run constants of compile_constants that are not model parameters: unit and meaning.
DERIVED: dict[str, tuple[str, str]] = {
    "lactate_clearance_per_h": ("1/h", "Lactate clearance rate, ln 2 / lactate_half_time_h."),
    "age0_years": ("year", "Participant's age at the start."),
    "igf1_scale": ("1", "Participant's baseline IGF-1 relative to the age-expected median."),
    "igf1_start_ng_mL": ("ng/mL", "Participant's IGF-1 at the start."),
    "igf1_response_odds0": (
        "1",
        "Odds against the IGF-1 training response at the start, "
        "exp((age0_years - igf1_response_age_mid_yr) / igf1_response_age_width_yr).",
    ),
    "genotype": ("1", "Activity-dependent BDNF factor of the participant's Val66Met genotype."),
    "il6_age_factor": ("1", "Share of the young IL-6 release at the participant's age."),
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


def _infix(node: ast.expr) -> tuple[str, int]:
    """SBML L3 infix of one node of :func:`sim.model.equations.parse`, and its precedence.

    Operands are parenthesised so that libsbml builds the same tree as Python (same grouping,
    same order); ``relu(z)`` becomes ``max(z, 0)``: a piecewise() would make libRoadRunner
    root-find on its condition, which stalls where the argument sits at exactly zero (rest).
    """
    if isinstance(node, ast.Name):
        return (f"drive_{node.id}" if node.id in DRIVE_FIELDS else node.id), _ATOM
    if isinstance(node, ast.Constant):
        return repr(node.value), _ATOM
    if isinstance(node, ast.UnaryOp):
        return f"-{_wrap(node.operand, _ATOM)}", _UNARY
    if isinstance(node, ast.Compare):
        op = ">" if isinstance(node.ops[0], ast.Gt) else "<"
        return f"{_infix(node.left)[0]} {op} {_infix(node.comparators[0])[0]}", _COMPARE
    if isinstance(node, ast.BinOp):
        symbol, prec = _BINARY[type(node.op)]
        if prec == _POWER:
            return f"{_wrap(node.left, _ATOM)}^{_wrap(node.right, _ATOM)}", prec
        return f"{_wrap(node.left, prec)} {symbol} {_wrap(node.right, prec + 1)}", prec
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    name, args = node.func.id, [_infix(a)[0] for a in node.args]
    units = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    unit = units[0] if units else "dimensionless"
    if name == "Q":
        return f"{args[0]} {unit}", _ATOM
    if name == "relu":
        return f"max({args[0]}, 0 {unit})", _ATOM
    if name == "guard":
        return f"max({args[0]}, {args[1]} {unit})", _ATOM
    if name == "where":
        return f"piecewise({args[1]}, {args[0]}, {args[2]})", _ATOM
    return f"{name}({', '.join(args)})", _ATOM


_COMPARE, _SUM, _PRODUCT, _UNARY, _POWER, _ATOM = range(6)
_BINARY = {
    ast.Add: ("+", _SUM),
    ast.Sub: ("-", _SUM),
    ast.Mult: ("*", _PRODUCT),
    ast.Div: ("/", _PRODUCT),
    ast.Pow: ("^", _POWER),
}


def _wrap(node: ast.expr, at_least: int) -> str:
    text, prec = _infix(node)
    return text if prec >= at_least else f"({text})"


def sbml_formula(expr: str) -> str:
    """The SBML L3 infix formula of an expression of :mod:`sim.model.equations`."""
    return _infix(parse(expr))[0]


# Assignment rules (intermediates and observables): id, formula, unit, description.
ASSIGNMENTS: tuple[tuple[str, str, str, str], ...] = tuple(
    (
        eq.name,
        sbml_formula(eq.expr),
        eq.unit,
        eq.description or QUANTITIES[eq.name].description,
    )
    for eq in all_equations()
    if not eq.rate
)
RATES: dict[str, str] = {eq.name: sbml_formula(eq.expr) for eq in all_equations() if eq.rate}
# Initial values that follow a parameter (rhs.initial_state), as initial assignments.
INITIAL_FROM: dict[str, str] = {
    "lactate_mmol_L": "lactate_rest_mmol_L",
    "il6_pg_mL": "il6_rest_pg_mL",
    "bdnf_serum_ng_mL": "bdnf_serum_rest_ng_mL",
    "igf1_ng_mL": "igf1_start_ng_mL",
    "strength_rel": "strength0",
    "fitness_rel": "fitness0",
}
