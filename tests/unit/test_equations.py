"""The one written form of the equations (sim/model/equations.py) and its copies agree.

The NumPy right-hand side :func:`sim.model.rhs.rhs` and :func:`sim.model.rhs.observables` are
the fast runtime form, written by hand: here they are compared with the declarative
expressions, evaluated numerically, at random parameters, participants, states, drives and
times (to 1e-12 relative). The SBML formulas are generated from the same expressions when
:mod:`sim.io.sbml.equations` is imported, and the LaTeX of docs/model.md by
``tools/make_docs.py`` (``tests/unit/test_docs.py`` fails when the committed page is stale).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.model.constants import HOURS_PER_YEAR, Constants, Subject, compile_constants
from sim.model.drive import REST, Drive
from sim.model.equations import (
    DRIVE_FIELDS,
    EXTRA_SYMBOLS,
    SYMBOLS,
    all_equations,
    names_used,
    parse,
    states_upstream,
)
from sim.model.parameters import Parameters
from sim.model.rhs import initial_state, observables, rhs
from sim.model.state import OBSERVABLES, STATE_NAMES

ROOT = Path(__file__).resolve().parents[2]
RTOL = 1e-12

FUNCTIONS: dict[str, Any] = {
    "relu": lambda z, unit=None: np.maximum(z, 0.0),
    "guard": lambda z, lo, unit=None: np.maximum(z, lo),
    "exp": np.exp,
    "where": lambda test, a, b: np.where(test, a, b),
    "Q": lambda value, unit: value,
}


def evaluate(c: Constants, t: Any, y: np.ndarray, d: Drive) -> dict[str, Any]:
    """Every equation of sim/model/equations.py evaluated in order: rates under the state's
    name with the prefix ``d_``, intermediates and observables under their own."""
    env: dict[str, Any] = {k: v for k, v in vars(c).items() if k != "exp"}
    env.update({name: y[i] for i, name in enumerate(STATE_NAMES)})
    env.update({name: getattr(d, name) for name in DRIVE_FIELDS})
    env.update(time=t, hours_per_year=HOURS_PER_YEAR)
    out: dict[str, Any] = {}
    for eq in all_equations():
        value = eval(compile(ast.Expression(parse(eq.expr)), eq.name, "eval"), {**FUNCTIONS}, env)
        if eq.rate:
            out[f"d_{eq.name}"] = value
        else:
            env[eq.name] = out[eq.name] = value
    return out


def random_case(rng: np.random.Generator) -> tuple[Constants, float, np.ndarray, Drive]:
    """Parameters anywhere within their bounds, a random participant, state, drive and time."""
    overrides = {}
    for name in Parameters.names():
        spec = Parameters.spec(name)
        overrides[name] = float(rng.uniform(spec["lower"], spec["upper"]))
    overrides["anti_inflammatory_half"] = max(overrides["anti_inflammatory_half"], 0.1)
    params = Parameters().with_overrides(overrides)
    subject = Subject(
        age_years=float(rng.uniform(40, 90)),
        bdnf_genotype=str(rng.choice(["val/val", "val/met", "met/met"])),
        cognitive_status=str(rng.choice(["healthy", "subjective_decline", "mci"])),
        sleep_h=float(rng.uniform(5, 9)),
        protein_g_per_kg=float(rng.uniform(0.6, 2.2)),
        steps_per_day=float(rng.uniform(0, 15000)),
        baseline_strength_rel=float(rng.uniform(0.6, 1.4)),
        baseline_fitness_rel=float(rng.uniform(0.6, 1.4)),
        baseline_igf1_ng_mL=float(rng.uniform(60, 250)),
        pathology_load=float(rng.uniform(0, 1)),
        pathology_progression_per_yr=float(rng.uniform(0, 0.2)),
        strength_responsiveness=float(rng.uniform(0.5, 1.5)),
        fitness_responsiveness=float(rng.uniform(0.5, 1.5)),
    )
    c = compile_constants(params, subject)
    y = initial_state(c) * rng.uniform(0.7, 1.6, len(STATE_NAMES))
    y += rng.uniform(0.0, 1.0, len(STATE_NAMES)) * (initial_state(c) == 0.0)
    y[STATE_NAMES.index("rt_weekly_sets")] *= 20.0
    y[STATE_NAMES.index("fatigue")] *= 3.0
    kind = rng.integers(4)
    if kind == 0:
        d = REST
    elif kind == 1:  # aerobic or HIIT work
        d = Drive(aerobic_frac_vo2max=float(rng.uniform(0.2, 1.1)), muscle_mass_frac=0.7)
    elif kind == 2:  # resistance work
        d = Drive(
            resistance_frac_1rm=float(rng.uniform(0.3, 1.0)),
            sets_per_h=float(rng.uniform(0, 30)),
            muscle_mass_frac=float(rng.uniform(0.3, 1.0)),
            reps_per_set=float(rng.integers(1, 31)),
        )
    else:  # everything at once (not a shipped modality: exercises every term)
        d = Drive(*(float(v) for v in rng.uniform([0.2, 0.3, 0, 0.3, 1], [1.1, 1.0, 30, 1.0, 30])))
    return c, float(rng.uniform(0, 3 * HOURS_PER_YEAR)), y, d


def close(ours: Any, theirs: Any, state: Any = 0.0) -> bool:
    """Equal to ``RTOL``, or, for a rate that is a small difference of large terms, to ``RTOL``
    of its state per hour (rounding in the terms; a wrong term is off by far more)."""
    scale = np.maximum(np.abs(ours), np.abs(state))  # one state's worth per hour
    return bool(np.all(np.abs(ours - theirs) <= RTOL * np.maximum(scale, 1e-300)))


@pytest.mark.parametrize("seed", range(40))
def test_numpy_rhs_agrees_with_the_equations(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(10):
        c, t, y, d = random_case(rng)
        ours, source = rhs(t, y, c, d), evaluate(c, t, y, d)
        for i, name in enumerate(STATE_NAMES):
            assert close(ours[i], source[f"d_{name}"], y[i]), (
                f"d {name}/dt: sim/model differs from sim/model/equations.py "
                f"({ours[i]!r} vs {source[f'd_{name}']!r}, drive {d}): change both together"
            )
        obs = observables(c, t, y[:, None])
        for q in OBSERVABLES:
            assert close(obs[q.name], source[q.name]), f"observable {q.name} differs"


def test_vectorised_rhs_agrees_with_the_equations() -> None:
    """A cohort (arrays of individuals) in one segment, as sim.running.cohort runs it."""
    rng = np.random.default_rng(99)
    c, t, y, _ = random_case(rng)
    n = 16
    d = Drive(
        aerobic_frac_vo2max=rng.uniform(0.2, 1.0, n),
        resistance_frac_1rm=rng.uniform(0.3, 1.0, n),
        sets_per_h=rng.uniform(0, 30, n),
        muscle_mass_frac=rng.uniform(0.3, 1.0, n),
        reps_per_set=rng.integers(1, 31, n).astype(float),
    )
    ys = y[:, None] * rng.uniform(0.8, 1.2, (len(STATE_NAMES), n))
    ours, source = rhs(t, ys, c.vectorised(), d), evaluate(c, t, ys, d)
    for i, name in enumerate(STATE_NAMES):
        assert close(ours[i], source[f"d_{name}"], ys[i]), name


def test_a_changed_equation_is_caught() -> None:
    """Guards the check: the same comparison fails on a 1e-9 change of one rate."""
    rng = np.random.default_rng(0)
    c, t, y, d = random_case(rng)
    source = evaluate(c, t, y, d)["d_lactate_mmol_L"]
    assert not close(rhs(t, y, c, d)[0] * (1 + 1e-9), source)


def test_states_upstream_of_a_trials_reads_leave_out_the_pure_readouts() -> None:
    # From the model's structure: FGF-21 (trigger -> hepatic signal -> plasma) is a readout
    # nothing else takes up, serum BDNF mirrors brain BDNF, and the brain-BDNF AUC is a
    # running integral; the built reserve needs everything else (myokines -> brain BDNF,
    # IL-6 -> anti-inflammatory signal -> inflammation, IGF-1, the adaptations).
    needed = states_upstream(("strength_rel", "fitness_rel", "reserve_built"))
    left_out = set(STATE_NAMES) - set(needed)
    assert left_out == {
        "fgf21_trigger",
        "fgf21_signal",
        "fgf21_rel",
        "bdnf_serum_ng_mL",
        "bdnf_brain_auc",
    }
    assert list(needed) == [s for s in STATE_NAMES if s in needed]  # in state order
    # strength needs its own chain only: the sets, the pending stimulus and fatigue
    assert set(states_upstream(("strength_rel",))) == {
        "strength_rel",
        "rt_weekly_sets",
        "strength_pending",
        "fatigue",
    }
    assert states_upstream(()) == ()
    with pytest.raises(ValueError, match="not states of the model: \\['cognition_z'\\]"):
        states_upstream(("cognition_z",))


@pytest.mark.parametrize("seed", range(8))
def test_no_state_outside_states_upstream_moves_the_rates_of_those_inside(seed: int) -> None:
    """Checked on the NumPy right-hand side itself: every other state set to other values
    leaves the rates of the upstream states unchanged to the bit."""
    rng = np.random.default_rng(seed)
    for _ in range(5):
        c, t, y, d = random_case(rng)
        reads = rng.choice(STATE_NAMES, size=int(rng.integers(1, 4)), replace=False)
        inside = np.isin(STATE_NAMES, states_upstream(reads))
        other = y.copy()
        other[~inside] = y[~inside] * rng.uniform(0.5, 2.0, (~inside).sum()) + 0.3
        assert np.array_equal(rhs(t, y, c, d)[inside], rhs(t, other, c, d)[inside]), reads
        # and the check can fail: moving a state inside moves some rate inside
        moved = y.copy()
        moved[inside] = y[inside] * 1.5 + 0.3
        assert not np.array_equal(rhs(t, y, c, d)[inside], rhs(t, moved, c, d)[inside])


def test_every_state_has_one_rate_and_every_name_is_defined_before_use() -> None:
    rates = [eq.name for eq in all_equations() if eq.rate]
    assert sorted(rates) == sorted(STATE_NAMES)
    defined = set(Parameters.names()) | set(STATE_NAMES) | set(DRIVE_FIELDS)
    defined |= {"time", "hours_per_year"} | set(vars(compile_constants(Parameters(), Subject())))
    for eq in all_equations():
        undefined = [n for n in names_used(eq.expr) if n not in defined]
        assert not undefined, f"{eq.name} reads {undefined} before they are defined"
        assert eq.name not in defined or eq.rate, f"{eq.name} is defined twice"
        defined.add(eq.name)
    assert {q.name for q in OBSERVABLES} <= defined


def test_every_symbol_is_one_id_and_every_id_has_a_symbol() -> None:
    by_symbol: dict[str, list[str]] = {}
    for name, sym in SYMBOLS.items():
        by_symbol.setdefault(sym, []).append(name)
    assert not {s: n for s, n in by_symbol.items() if len(n) > 1}, "one symbol, two meanings"
    used = {n for eq in all_equations() for n in [eq.name, *names_used(eq.expr)]}
    used |= {n for names in EXTRA_SYMBOLS.values() for n in names}
    assert sorted(used - set(SYMBOLS)) == []


def test_parse_refuses_what_the_language_lacks() -> None:
    for bad in ("a.b", "f(x)", "a[0]", "a % b", "exp(x, y)", "a > b > c", "lambda: 0"):
        with pytest.raises((ValueError, SyntaxError)):
            parse(bad)


def test_no_hand_copy_of_the_equations_in_the_model_docstrings() -> None:
    """The LaTeX lives only in docs/model.md, generated; docstrings point there."""
    for path in sorted((ROOT / "sim" / "model").glob("*.py")):
        if path.name == "equations.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ".. math::" not in (ast.get_docstring(tree) or ""), path.name


def test_sbml_formulas_are_generated_from_the_equations() -> None:
    from sim.io.sbml.equations import ASSIGNMENTS, RATES, sbml_formula

    assert {eq.name: sbml_formula(eq.expr) for eq in all_equations() if eq.rate} == RATES
    assert [a[0] for a in ASSIGNMENTS] == [eq.name for eq in all_equations() if not eq.rate]
    assert sbml_formula("relu(a - b, 'mmol_per_L') ** 2") == "max(a - b, 0 mmol_per_L)^2"
    assert sbml_formula("a - (b - c) / (d * e)") == "a - (b - c) / (d * e)"
