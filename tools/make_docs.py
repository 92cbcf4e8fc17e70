"""Regenerate the generated sections of docs/model.md from the code.

Usage::

    .venv/bin/python tools/make_docs.py          # rewrite the marked sections in place
    .venv/bin/python tools/make_docs.py --check  # exit 1 if docs/model.md is out of date

A generated section sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``:

- ``network``: the signalling diagram, probed from the right-hand side (:mod:`tools.network`);
- ``params``: the full parameter table (:func:`sim.presentation.text.params.parameter_table`);
- ``equations-GROUP``: one compartment's equations, rendered from their one written form in
  :mod:`sim.model.equations` (:mod:`tools.latex`);
- ``symbols-GROUP``: the symbol table of those equations: every id they use, with its symbol
  (:data:`sim.model.equations.SYMBOLS`) and its unit, default value and source read from
  :class:`sim.model.parameters.Parameters`, the states, the intermediates, the drive and the
  default participant;
- ``muscle-mass``: the muscle mass engaged per movement type;
- ``illustrative``: why each illustrative parameter is illustrative (:mod:`sim.model.illustrative`).

Everything outside the markers is hand-written and left alone. Parameter values are being
calibrated, so nothing in a generated section is ever copied by hand.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.model.constants import Constants, Subject  # noqa: E402
from sim.model.drive import MUSCLE_MASS_FRAC, Drive  # noqa: E402
from sim.model.equations import (  # noqa: E402
    DRIVE_FIELDS,
    EXTRA_SYMBOLS,
    GROUPS,
    all_equations,
    names_used,
)
from sim.model.illustrative import WHY_ILLUSTRATIVE  # noqa: E402
from sim.model.parameters import Parameters  # noqa: E402
from sim.model.state import QUANTITIES, STATE_NAMES  # noqa: E402
from sim.presentation.text.params import parameter_table  # noqa: E402
from tools.latex import equations_block, symbol  # noqa: E402
from tools.network import default_constants, mermaid  # noqa: E402

MODEL_MD = ROOT / "docs" / "model.md"

DRIVE_UNITS = {
    "aerobic_frac_vo2max": "fraction of VO2max",
    "resistance_frac_1rm": "fraction of 1RM",
    "sets_per_h": "sets/h",
    "muscle_mass_frac": "fraction",
    "reps_per_set": "1",
}
DRIVE_MEANINGS = {
    "aerobic_frac_vo2max": "Relative aerobic intensity of the segment.",
    "resistance_frac_1rm": "Relative resistance intensity of the segment.",
    "sets_per_h": "Working sets per major muscle group per hour of the session.",
    "muscle_mass_frac": "Fraction of skeletal muscle mass engaged.",
    "reps_per_set": "Repetitions per working set (resistance work).",
}

# Derived per-run constants (sim.model.constants.compile_constants): meaning, unit, and where
# the value comes from. The default value shown is that of the default participant.
CONSTANTS: dict[str, tuple[str, str, str]] = {
    "lactate_clearance_per_h": (
        "Lactate clearance rate ln 2 / t½.",
        "1/h",
        "from `lactate_half_time_h`",
    ),
    "fitness0": ("Baseline relative VO2max.", "1", "participant"),
    "strength0": ("Baseline relative 1RM.", "1", "participant"),
    "age0_years": ("Age at the start.", "year", "participant"),
    "igf1_scale": (
        "Participant's IGF-1 baseline over the age-expected median.",
        "1",
        "participant (`baseline_igf1_ng_mL`)",
    ),
    "genotype": (
        "Val66Met factor: 1, or `genotype_factor_val_met` / `_met_met`.",
        "1",
        "participant",
    ),
    "il6_age_factor": (
        "Share of the young IL-6 release: exp(-`il6_release_age_decline_per_yr` (age - 25)+).",
        "1",
        "participant (age)",
    ),
    "walk_duty": (
        "Share of the day spent walking: min(1, steps/day / 100 / 1440).",
        "1",
        "scenario (`steps_per_day`)",
    ),
    "recovery": (
        "Recovery factor from sleep and protein (see below).",
        "1",
        "scenario (`recovery`)",
    ),
    "vulnerability": ("Cognitive gain per reserve (cognitive status and age).", "1", "participant"),
    "decline_multiplier": (
        "Age-related loss multiplier: `decline_multiplier_mci` in MCI, else 1.",
        "1",
        "participant",
    ),
    "pathology_load": ("Pathology load at the start.", "1", "participant"),
    "pathology_progression_per_yr": ("Growth of the pathology load.", "1/year", "participant"),
    "strength_responsiveness": (
        "Individual strength responsiveness.",
        "1",
        "1 (sampled in cohorts)",
    ),
    "fitness_responsiveness": ("Individual fitness responsiveness.", "1", "1 (sampled in cohorts)"),
}


def group_names(group: str) -> list[str]:
    """The ids of one group's symbol table: what its equations define, then what they read
    (in order of first appearance), then its :data:`EXTRA_SYMBOLS`."""
    if group == "drive":
        return list(DRIVE_FIELDS)
    names = [eq.name for eq in GROUPS[group]]
    for eq in GROUPS[group]:
        names += [n for n in names_used(eq.expr) if n not in names and n not in LITERALS]
    return names + [n for n in EXTRA_SYMBOLS.get(group, ()) if n not in names]


# Ids whose symbol is the time or a number (no table row).
LITERALS = ("time", "hours_per_year")
SYMBOL_GROUPS = ("drive", *GROUPS)
INTERMEDIATES = {eq.name: eq for eq in all_equations() if not eq.rate}


@lru_cache(maxsize=1)
def _constants() -> Constants:
    return default_constants()


_HEADER = (
    "| symbol | name in the code | meaning | unit | default | source |\n|---|---|---|---|---|---|"
)


def _value(value: object) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _symbol_row(name: str) -> str:
    sym = f"${symbol(name)}$"
    if name in Parameters.names():
        spec = Parameters.spec(name)
        value, unit = getattr(Parameters(), name), spec["unit"]
        return (
            f"| {sym} | `{name}` | {spec['description']} | {unit} | {_value(value)} | "
            f"{spec['source']} |"
        )
    if name in QUANTITIES:
        q = QUANTITIES[name]
        kind = "state" if name in STATE_NAMES else "observable"
        return f"| {sym} | `{name}` | {q.description} | {q.unit} | ({kind}) | — |"
    if name in DRIVE_UNITS:
        return (
            f"| {sym} | `Drive.{name}` | {DRIVE_MEANINGS[name]} | {DRIVE_UNITS[name]} | "
            f"(per segment) | — |"
        )
    if name in INTERMEDIATES:
        eq = INTERMEDIATES[name]
        return f"| {sym} | `{name}` | {eq.description} | {eq.unit} | (intermediate) | — |"
    if name in CONSTANTS:
        meaning, unit, origin = CONSTANTS[name]
        value = getattr(_constants(), name)
        return f"| {sym} | `{name}` | {meaning} | {unit} | {_value(value)} | {origin} |"
    raise KeyError(
        f"{name!r} is neither a parameter, a state, an intermediate, a drive field nor a "
        f"derived constant: fix sim/model/equations.py or CONSTANTS in tools/make_docs.py"
    )


def symbol_table(group: str) -> str:
    """The Markdown symbol table of one group of equations."""
    return "\n".join([_HEADER] + [_symbol_row(n) for n in group_names(group)])


def muscle_mass_table() -> str:
    """Muscle mass engaged per movement type (``MUSCLE_MASS_FRAC``)."""
    rows = [f"| {kind} | {frac:g} |" for kind, frac in MUSCLE_MASS_FRAC.items()]
    return "\n".join(["| movements | $m$ |", "|---|---|", *rows])


def undocumented_parameters() -> list[str]:
    """Parameters that appear in no symbol table (the equations in model.md miss them)."""
    named = {name for group in SYMBOL_GROUPS for name in group_names(group)}
    return [name for name in Parameters.names() if name not in named]


def illustrative_table() -> str:
    """Every illustrative parameter with its value and the reason the evidence leaves it open."""
    rows = ["| parameter | default | why illustrative |", "|---|---|---|"]
    rows += [
        f"| `{name}` | {_value(getattr(Parameters(), name))} | {why} |"
        for name, why in WHY_ILLUSTRATIVE.items()
    ]
    return "\n".join(rows)


def sections() -> dict[str, str]:
    """Every generated section of docs/model.md, by marker name."""
    subject = Subject()
    note = (
        f"<!-- generated by tools/make_docs.py (default participant: "
        f"{subject.age_years:g} y, {subject.bdnf_genotype}); do not edit by hand -->"
    )
    out = {
        "network": f"{note}\n```mermaid\n{mermaid()}\n```",
        "params": f"{note}\n{parameter_table(markdown=True)}",
        "muscle-mass": f"{note}\n{muscle_mass_table()}",
        "illustrative": f"{note}\n{illustrative_table()}",
    }
    out.update({f"symbols-{group}": f"{note}\n{symbol_table(group)}" for group in SYMBOL_GROUPS})
    out.update({f"equations-{group}": f"{note}\n{equations_block(group)}" for group in GROUPS})
    assert all(f.name in DRIVE_UNITS for f in fields(Drive)), "a Drive field lacks a unit"
    return out


def _marker(name: str, end: str) -> str:
    return f"<!-- {name}:{end} -->"


def render(text: str, generated: dict[str, str] | None = None) -> str:
    """``text`` with every generated section replaced by its current content.

    Raises
    ------
    ValueError
        If a section's markers are missing from ``text``.
    """
    generated = sections() if generated is None else generated
    for name, body in generated.items():
        pattern = re.compile(
            re.escape(_marker(name, "start")) + r".*?" + re.escape(_marker(name, "end")), re.DOTALL
        )
        if not pattern.search(text):
            raise ValueError(
                f"docs/model.md lacks the markers {_marker(name, 'start')} ... "
                f"{_marker(name, 'end')}; add them where the section belongs"
            )
        replacement = f"{_marker(name, 'start')}\n{body}\n{_marker(name, 'end')}"
        text = pattern.sub(lambda _match: replacement, text)  # noqa: B023 (used at once)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only check; exit 1 if docs/model.md is out of date"
    )
    args = parser.parse_args(argv)
    missing = undocumented_parameters()
    if missing:
        print(
            f"warning: no symbol in docs/model.md for {', '.join(missing)} "
            f"(use them in sim/model/equations.py or list them in its EXTRA_SYMBOLS)",
            file=sys.stderr,
        )
    current = MODEL_MD.read_text(encoding="utf-8")
    updated = render(current)
    if args.check:
        if updated != current:
            print("docs/model.md is out of date: run python tools/make_docs.py", file=sys.stderr)
            return 1
        print("docs/model.md is up to date")
        return 0
    if updated != current:
        MODEL_MD.write_text(updated, encoding="utf-8")
        print("docs/model.md regenerated")
    else:
        print("docs/model.md already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
