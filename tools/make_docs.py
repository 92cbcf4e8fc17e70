"""Regenerate the generated sections of docs/model.md from the code.

Usage::

    .venv/bin/python tools/make_docs.py          # rewrite the marked sections in place
    .venv/bin/python tools/make_docs.py --check  # exit 1 if docs/model.md is out of date

A generated section sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``:

- ``network``: the signalling diagram, probed from the right-hand side (:mod:`tools.network`);
- ``params``: the full parameter table (:func:`sim.presentation.text.params.parameter_table`);
- ``symbols-GROUP``: the symbol table of one compartment's equations, with unit, default value
  and source read from :class:`sim.model.parameters.Parameters`, the states, the drive and the
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
from sim.model.illustrative import WHY_ILLUSTRATIVE  # noqa: E402
from sim.model.parameters import Parameters  # noqa: E402
from sim.model.state import QUANTITIES, STATE_NAMES  # noqa: E402
from sim.presentation.text.params import parameter_table  # noqa: E402
from tools.network import default_constants, mermaid  # noqa: E402

MODEL_MD = ROOT / "docs" / "model.md"

DRIVE_UNITS = {
    "aerobic_frac_vo2max": "fraction of VO2max",
    "resistance_frac_1rm": "fraction of 1RM",
    "sets_per_h": "sets/h",
    "muscle_mass_frac": "fraction",
}
DRIVE_MEANINGS = {
    "aerobic_frac_vo2max": "Relative aerobic intensity of the segment.",
    "resistance_frac_1rm": "Relative resistance intensity of the segment.",
    "sets_per_h": "Working sets per major muscle group per hour of the session.",
    "muscle_mass_frac": "Fraction of skeletal muscle mass engaged.",
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

# Symbol tables: (LaTeX symbol, name in the code). A name is a parameter, a state or
# observable, a Drive field or a derived constant; its unit, value and source are looked up.
SYMBOLS: dict[str, list[tuple[str, str]]] = {
    "drive": [
        ("x", "aerobic_frac_vo2max"),
        ("r", "resistance_frac_1rm"),
        ("n", "sets_per_h"),
        ("m", "muscle_mass_frac"),
    ],
    "muscle": [
        ("L", "lactate_mmol_L"),
        ("M", "il6_signal"),
        ("I_6", "il6_pg_mL"),
        ("A", "anti_inflammatory_signal"),
        (r"\Phi", "inflammation_rel"),
        ("L_{rest}", "lactate_rest_mmol_L"),
        ("t_{1/2}", "lactate_half_time_h"),
        ("k_L", "lactate_clearance_per_h"),
        ("E_{LT}", "lactate_at_threshold_excess_mmol_L"),
        (r"\beta", "lactate_slope_per_frac"),
        ("x_{LT,0}", "lactate_threshold_frac_vo2max"),
        ("s_F", "lactate_threshold_fitness_shift"),
        ("F_0", "fitness0"),
        ("E_R", "lactate_resistance_excess_mmol_L"),
        (r"\nu", "innervation_frac"),
        ("w_R", "il6_resistance_weight"),
        ("b_M", "il6_signal_build_per_h"),
        ("d_M", "il6_signal_decay_per_h"),
        ("I_{6,rest}", "il6_rest_pg_mL"),
        (r"\rho_6", "il6_release_per_h"),
        ("k_6", "il6_clearance_per_h"),
        ("g_A", "anti_inflammatory_gain_per_h"),
        (r"\tau_A", "anti_inflammatory_tau_h"),
        ("A_{1/2}", "anti_inflammatory_half"),
        ("n_H", "anti_inflammatory_hill"),
        (r"\phi_{max}", "inflammation_reduction_max_frac"),
        (r"\tau_\Phi", "inflammation_tau_h"),
    ],
    "myokines": [
        ("Ir", "irisin_rel"),
        ("C", "ctsb_rel"),
        ("H", "fgf21_signal"),
        ("F_{21}", "fgf21_rel"),
        ("B_m", "bdnf_muscle_rel"),
        ("S", "strength_rel"),
        ("F", "fitness_rel"),
        ("e_c", "signal_capacity_exponent"),
        ("k_{Ir}", "irisin_release_per_h"),
        ("c_{Ir}", "irisin_clearance_per_h"),
        ("w_{Ir}", "irisin_resistance_weight"),
        ("x_C", "ctsb_threshold_frac_vo2max"),
        ("k_C", "ctsb_release_per_h"),
        ("c_C", "ctsb_clearance_per_h"),
        ("b_H", "fgf21_signal_build_per_h"),
        ("d_H", "fgf21_signal_decay_per_h"),
        ("k_{21}", "fgf21_release_per_h"),
        ("c_{21}", "fgf21_clearance_per_h"),
        ("k_{Bm}", "bdnf_muscle_release_per_h"),
        ("c_{Bm}", "bdnf_muscle_clearance_per_h"),
    ],
    "endocrine": [
        ("G", "igf1_ng_mL"),
        ("V", "rt_weekly_sets"),
        ("a_0", "age0_years"),
        ("G_{30}", "igf1_at_30y_ng_mL"),
        (r"\delta", "igf1_decline_per_yr"),
        ("s_G", "igf1_scale"),
        (r"\tau_G", "igf1_tau_h"),
        (r"\gamma_G", "igf1_rt_gain_frac"),
        ("V_{1/2}^G", "igf1_rt_half_sets_per_wk"),
        ("a_{1/2}", "igf1_response_age_mid_yr"),
        ("w_a", "igf1_response_age_width_yr"),
        ("G_{opt}", "igf1_optimum_ng_mL"),
        ("w_G", "igf1_hump_width_ng_mL"),
        ("p_G", "igf1_bdnf_potentiation"),
        ("h(G)", "igf1_benefit"),
    ],
    "brain": [
        ("B", "bdnf_brain_rel"),
        ("S_B", "bdnf_serum_ng_mL"),
        ("U_B", "bdnf_brain_auc"),
        ("w_L", "bdnf_weight_lactate_per_mmol_L"),
        ("w_{Ir}^B", "bdnf_weight_irisin"),
        ("w_C", "bdnf_weight_ctsb"),
        ("w_x", "bdnf_weight_aerobic"),
        ("x_{walk}", "walking_frac_vo2max"),
        ("d_{walk}", "walk_duty"),
        ("w_{Bm}", "bdnf_weight_muscle"),
        (r"\gamma", "bdnf_synergy"),
        ("w_F", "bdnf_weight_fitness"),
        (r"\kappa", "bdnf_inflammation_exponent"),
        (r"\tau_B", "bdnf_brain_tau_h"),
        ("g", "genotype"),
        ("g_{VM}", "genotype_factor_val_met"),
        ("g_{MM}", "genotype_factor_met_met"),
        ("S_{rest}", "bdnf_serum_rest_ng_mL"),
        (r"\eta_B", "bdnf_serum_brain_share"),
        (r"\tau_{SB}", "bdnf_serum_tau_h"),
        (r"\mathcal{R}_{max}", "bdnf_release_max_frac"),
        ("u_{1/2}", "bdnf_release_half_frac"),
        ("x_{VT}", "ventilatory_threshold_frac_vo2max"),
        ("w_{RB}", "resistance_bdnf_release_weight"),
    ],
    "reserve": [
        ("R_b", "reserve_built"),
        ("S_0", "strength0"),
        ("k_R", "reserve_build_per_h"),
        ("R_{sat}", "reserve_max"),
        ("D_{1/2}", "reserve_drive_half"),
        (r"\Psi_g", "reserve_activity_gate"),
        (r"\tau_R", "reserve_decay_tau_h"),
        ("w_B", "reserve_weight_bdnf"),
        ("w_S", "reserve_weight_strength"),
        ("V_g", "reserve_strength_gate_sets_per_wk"),
        ("w_F^R", "reserve_weight_fitness"),
        ("w_G^R", "reserve_weight_igf1"),
    ],
    "cognition": [
        (r"\text{reserve}", "reserve"),
        ("z", "cognition_z"),
        (r"\ell", "reserve_age_loss_per_yr"),
        (r"\mu", "decline_multiplier"),
        (r"\mu_{MCI}", "decline_multiplier_mci"),
        (r"\zeta", "cognition_z_per_reserve"),
        ("v", "vulnerability"),
        ("v_{SCD}", "vulnerability_subjective_decline"),
        ("v_{MCI}", "vulnerability_mci"),
        ("v_a", "vulnerability_age_per_yr"),
        (r"\pi", "pathology_z_per_unit"),
        ("b", "reserve_buffer_scale"),
        ("Q_0", "pathology_load"),
        (r"\dot Q", "pathology_progression_per_yr"),
    ],
    "adaptation": [
        ("V", "rt_weekly_sets"),
        ("S", "strength_rel"),
        ("F", "fitness_rel"),
        (r"\Psi", "fatigue"),
        (r"\tau_V", "sets_memory_tau_h"),
        ("k_S", "strength_gain_per_set"),
        ("r_0", "strength_intensity_floor_frac"),
        ("V_{1/2}^S", "strength_volume_half_sets_per_wk"),
        ("c_S", "strength_ceiling_frac"),
        (r"\tau_S", "strength_detraining_tau_h"),
        (r"\chi_S", "strength_responsiveness"),
        ("k_F", "fitness_gain_per_h"),
        ("w_{FR}", "fitness_resistance_weight"),
        ("c_F", "fitness_ceiling_frac"),
        (r"\tau_F", "fitness_detraining_tau_h"),
        (r"\chi_F", "fitness_responsiveness"),
        (r"\phi", "fatigue_per_load"),
        (r"\tau_\Psi", "fatigue_tau_h"),
        (r"\Psi_{1/2}", "fatigue_adaptation_half"),
        (r"\varrho", "recovery"),
        ("h_{ref}", "recovery_sleep_reference_h"),
        ("p_h", "recovery_sleep_penalty_per_h"),
        ("P_{ref}", "recovery_protein_reference_g_per_kg"),
    ],
}


@lru_cache(maxsize=1)
def _constants() -> Constants:
    return default_constants()


_HEADER = (
    "| symbol | name in the code | meaning | unit | default | source |\n|---|---|---|---|---|---|"
)


def _value(value: object) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _symbol_row(symbol: str, name: str) -> str:
    sym = f"${symbol}$"
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
    if name in CONSTANTS:
        meaning, unit, origin = CONSTANTS[name]
        value = getattr(_constants(), name)
        return f"| {sym} | `{name}` | {meaning} | {unit} | {_value(value)} | {origin} |"
    raise KeyError(
        f"symbol {symbol!r}: {name!r} is neither a parameter, a state, a drive "
        f"field nor a derived constant; fix SYMBOLS in tools/make_docs.py"
    )


def symbol_table(group: str) -> str:
    """The Markdown symbol table of one group of equations."""
    return "\n".join([_HEADER] + [_symbol_row(s, n) for s, n in SYMBOLS[group]])


def muscle_mass_table() -> str:
    """Muscle mass engaged per movement type (``MUSCLE_MASS_FRAC``)."""
    rows = [f"| {kind} | {frac:g} |" for kind, frac in MUSCLE_MASS_FRAC.items()]
    return "\n".join(["| movements | $m$ |", "|---|---|", *rows])


def undocumented_parameters() -> list[str]:
    """Parameters that appear in no symbol table (the equations in model.md miss them)."""
    named = {name for rows in SYMBOLS.values() for _, name in rows}
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
    out.update({f"symbols-{group}": f"{note}\n{symbol_table(group)}" for group in SYMBOLS})
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
            f"(add them to SYMBOLS in tools/make_docs.py)",
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
