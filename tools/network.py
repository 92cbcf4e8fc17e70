"""The signalling network, read off the model numerically so that its diagram never drifts.

Which state drives which is not written down anywhere by hand: :func:`coupling_edges` perturbs
every state of :func:`sim.model.rhs.rhs` at a few representative points (an untrained person
and a partially trained one shortly after a bout, each at rest, during an aerobic bout and
during a resistance bout) and records which *other* states' derivatives change.
:func:`drive_edges` does the same for the four inputs of a :class:`~sim.model.drive.Drive`.
:func:`mermaid` draws both as a Mermaid ``flowchart LR`` for ``docs/model.md`` (regenerated
by ``tools/make_docs.py``).

An edge ``a -> b`` means ``d(db/dt)/da != 0`` at one or more probe points: a structural
coupling, not a statement about its size. Couplings that only switch on above a threshold
(``max(0, .)`` terms) are found because each state is perturbed both up and down and the
probe points sit on both sides of the thresholds.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from functools import lru_cache

import numpy as np

from sim.model import rhs as rhs_module
from sim.model.constants import Constants, Subject, compile_constants
from sim.model.drive import MUSCLE_MASS_FRAC, REST, Drive
from sim.model.parameters import Parameters
from sim.model.rhs import initial_state, rhs
from sim.model.state import IX, QUANTITIES, STATE_NAMES

# Relative perturbation of a state (scaled by max(1, |y|)) and the smallest change of a
# derivative that counts as a coupling; rounding noise in rhs is ~1e-16 times its terms.
_STEP = 1e-6
_TOL_ABS = 1e-13
_TOL_REL = 1e-9

PROBE_TIME_H = 1000.0

AEROBIC = Drive(aerobic_frac_vo2max=0.8, muscle_mass_frac=MUSCLE_MASS_FRAC["aerobic"])
RESISTANCE = Drive(
    resistance_frac_1rm=0.8,
    sets_per_h=6.0,
    muscle_mass_frac=MUSCLE_MASS_FRAC["compound"],
    reps_per_set=8.0,
)

DRIVE_LABELS: dict[str, str] = {
    "aerobic_frac_vo2max": "Aerobic intensity (fraction of VO2max)",
    "resistance_frac_1rm": "Resistance intensity (fraction of 1RM)",
    "sets_per_h": "Working sets per hour",
    "muscle_mass_frac": "Muscle mass engaged",
    "reps_per_set": "Repetitions per set",
}


@dataclass(frozen=True)
class ProbePoint:
    """A state and a drive at which the right-hand side is differentiated."""

    name: str
    y: np.ndarray
    drive: Drive


def _trained_state(c: Constants, igf1_ng_mL: float) -> np.ndarray:
    """A partially trained person shortly after a bout: every state off its resting value."""
    y = initial_state(c).copy()
    values = {
        "lactate_mmol_L": 2.5,
        "il6_signal": 0.3,
        "il6_pg_mL": 4.0,
        "anti_inflammatory_signal": 1.2,
        "inflammation_rel": 0.95,
        "irisin_rel": 1.08,
        "ctsb_rel": 1.1,
        "fgf21_trigger": 0.3,
        "fgf21_signal": 0.3,
        "fgf21_rel": 1.2,
        "bdnf_muscle_rel": 1.3,
        "bdnf_brain_rel": 1.3,
        "bdnf_serum_ng_mL": 33.0,
        "igf1_ng_mL": igf1_ng_mL,
        "rt_weekly_sets": 6.0,
        "strength_rel": 1.2,
        "fitness_rel": 1.15,
        "fatigue": 0.8,
        "recent_training": 0.8,
        "strength_pending": 0.01,
        "fitness_pending": 0.01,
        "training_status": 0.6,
        "reserve_built": 0.2,
        "bdnf_brain_auc": 50.0,
    }
    for name, value in values.items():
        if name in STATE_NAMES:
            y[getattr(IX, name)] = value
    return y


def probe_points(c: Constants | None = None) -> tuple[ProbePoint, ...]:
    """The representative points: rest and a trained person, each at rest and during bouts.

    The trained person is probed twice, with IGF-1 below and above the protective middle
    range, so that both flanks of its hump are seen.
    """
    c = c or default_constants()
    states = {
        "rest": initial_state(c),
        "trained, low IGF-1": _trained_state(c, c.igf1_optimum_ng_mL - 30.0),
        "trained, high IGF-1": _trained_state(c, c.igf1_optimum_ng_mL + 30.0),
    }
    drives = {"at rest": REST, "aerobic bout": AEROBIC, "resistance bout": RESISTANCE}
    return tuple(
        ProbePoint(f"{who}, {what}", y, d)
        for who, y in states.items()
        for what, d in drives.items()
    )


def default_constants() -> Constants:
    """Constants of the default parameters and the default participant."""
    return compile_constants(Parameters(), Subject())


def _changed(base: np.ndarray, moved: np.ndarray) -> np.ndarray:
    """Which derivatives differ beyond rounding noise."""
    return np.abs(moved - base) > _TOL_ABS + _TOL_REL * np.abs(base)


def _state_jacobian_signs(
    points: Iterable[ProbePoint], c: Constants
) -> dict[tuple[str, str], set[int]]:
    signs: dict[tuple[str, str], set[int]] = {}
    for p in points:
        base = rhs(PROBE_TIME_H, p.y, c, p.drive)
        for i, source in enumerate(STATE_NAMES):
            h = _STEP * max(1.0, abs(float(p.y[i])))
            for step in (h, -h):
                y = p.y.copy()
                y[i] += step
                moved = rhs(PROBE_TIME_H, y, c, p.drive)
                for j in np.flatnonzero(_changed(base, moved)):
                    if j != i:
                        slope = (moved[j] - base[j]) / step
                        signs.setdefault((source, STATE_NAMES[j]), set()).add(int(np.sign(slope)))
    return signs


def _drive_jacobian_signs(
    points: Iterable[ProbePoint], c: Constants
) -> dict[tuple[str, str], set[int]]:
    signs: dict[tuple[str, str], set[int]] = {}
    for p in points:
        base = rhs(PROBE_TIME_H, p.y, c, p.drive)
        for f in fields(Drive):
            value = float(getattr(p.drive, f.name))
            h = _STEP * max(1.0, abs(value))
            for step in (h, -h) if value > h else (h,):
                moved = rhs(PROBE_TIME_H, p.y, c, replace(p.drive, **{f.name: value + step}))
                for j in np.flatnonzero(_changed(base, moved)):
                    slope = (moved[j] - base[j]) / step
                    signs.setdefault((f.name, STATE_NAMES[j]), set()).add(int(np.sign(slope)))
    return signs


def _sign_label(signs: set[int]) -> str:
    if signs <= {1, 0}:
        return "+"
    if signs <= {-1, 0}:
        return "-"
    return "±"


def _ordered(
    signs: dict[tuple[str, str], set[int]], sources: tuple[str, ...]
) -> dict[tuple[str, str], str]:
    order = {name: k for k, name in enumerate(sources + STATE_NAMES)}
    return {
        edge: _sign_label(signs[edge])
        for edge in sorted(signs, key=lambda e: (order[e[0]], order[e[1]]))
    }


@lru_cache(maxsize=1)
def _default_couplings() -> tuple[tuple[tuple[str, str], str], ...]:
    c = default_constants()
    return tuple(_ordered(_state_jacobian_signs(probe_points(c), c), ()).items())


@lru_cache(maxsize=1)
def _default_drive_couplings() -> tuple[tuple[tuple[str, str], str], ...]:
    c = default_constants()
    names = tuple(f.name for f in fields(Drive))
    return tuple(_ordered(_drive_jacobian_signs(probe_points(c), c), names).items())


def couplings() -> dict[tuple[str, str], str]:
    """State-to-state couplings of the default model with their sign.

    Returns
    -------
    dict
        ``{(source, target): sign}``, sign ``"+"`` (raising the source raises the target's
        rate), ``"-"`` or ``"±"`` (depends on the point), in state order.
    """
    return dict(_default_couplings())


def coupling_edges() -> list[tuple[str, str]]:
    """Which state drives which: ``(source, target)`` pairs, self-edges excluded."""
    return list(couplings())


def drive_couplings() -> dict[tuple[str, str], str]:
    """Couplings from the :class:`Drive` inputs to the states, with their sign."""
    return dict(_default_drive_couplings())


def drive_edges() -> list[tuple[str, str]]:
    """Which drive input (a :class:`Drive` field) moves which state's rate."""
    return list(drive_couplings())


def compartments() -> dict[str, str]:
    """``{state: compartment module}`` read from the assignments in :func:`rhs`.

    A state the source does not assign through a compartment module is left out (drawn
    ungrouped), so a refactoring of ``rhs`` can cost the grouping but never a wrong edge.
    """
    tree = ast.parse(inspect.getsource(rhs_module.rhs))
    groups: dict[str, str] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        func = node.value.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            continue
        targets = node.targets[0]
        elements = targets.elts if isinstance(targets, ast.Tuple) else [targets]
        for element in elements:
            if (
                isinstance(element, ast.Subscript)
                and isinstance(element.slice, ast.Attribute)
                and element.slice.attr in STATE_NAMES
            ):
                groups[element.slice.attr] = func.value.id
    return groups


_GROUP_TITLES = {
    "muscle": "Muscle & metabolites",
    "myokines": "Myokines",
    "endocrine": "Endocrine (IGF-1)",
    "brain": "Brain BDNF & reserve",
    "adaptation": "Adaptation",
}
_ARROWS = {"+": "-->", "-": "--x", "±": "-->|±|"}


def _node(name: str) -> str:
    label = QUANTITIES[name].label if name in QUANTITIES else DRIVE_LABELS[name]
    return f'{name}["{label}"]'


def mermaid(include_drive: bool = True) -> str:
    """The network as a Mermaid ``flowchart LR`` (without the Markdown fence).

    Solid arrows are state-to-state couplings (``--x`` where raising the source lowers the
    target's rate, ``±`` where the sign depends on the point); dotted arrows come from the
    exercise drive, drawn as one node for its four inputs (:func:`drive_edges` has them one
    by one). Nodes are grouped by the compartment module that computes their rate.
    """
    lines = ["flowchart LR"]
    driven = list(dict.fromkeys(dst for _, dst in drive_edges())) if include_drive else []
    if driven:
        lines.append('  drive(["Exercise drive: intensity, sets, muscle mass"])')
    groups = compartments()
    for module in dict.fromkeys(groups.values()):
        lines.append(f'  subgraph {module}_group["{_GROUP_TITLES.get(module, module)}"]')
        lines += [f"    {_node(s)}" for s in STATE_NAMES if groups.get(s) == module]
        lines.append("  end")
    lines += [f"  {_node(s)}" for s in STATE_NAMES if s not in groups]
    order = {name: k for k, name in enumerate(STATE_NAMES)}
    lines += [f"  drive -.-> {dst}" for dst in sorted(driven, key=order.__getitem__)]
    lines += [f"  {src} {_ARROWS[sign]} {dst}" for (src, dst), sign in couplings().items()]
    return "\n".join(lines)
