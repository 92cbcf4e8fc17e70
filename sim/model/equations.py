r"""The one written form of the model's equations, as data: every rate and intermediate.

Each compartment's equations are written here once, as restricted expression strings in
Python syntax over the ids of the model (states, parameters, the per-run constants of
:func:`sim.model.constants.compile_constants`, the :class:`sim.model.drive.Drive` fields,
``time`` in hours and ``hours_per_year``), and everything else is generated from them or
checked against them:

- the SBML formulas (:mod:`sim.io.sbml.equations` translates them when it is imported);
- the LaTeX and the symbol tables of ``docs/model.md`` (``tools/make_docs.py``; a test fails
  when the committed page is stale);
- the NumPy right-hand side :func:`sim.model.rhs.rhs`, the fast hand-fused runtime form, is
  checked against these expressions at random states, parameters and drives in
  ``tests/unit/test_equations.py`` (to 1e-12 relative).

Nothing on the command line's start-up path imports this module (``import sim.cli`` stays
light); the cohort integrator imports it for :func:`states_upstream`
(:mod:`sim.numerics.subsystem`).

The expression language: numbers, names, ``+ - * / **``, a comparison inside ``where`` and
these functions:

``relu(z)`` / ``relu(z, unit)``
    ``max(z, 0)``, written :math:`(z)_+`; ``unit`` is the SBML unit id of the zero.
``guard(z, lo)`` / ``guard(z, lo, unit)``
    ``max(z, lo)`` that only keeps rounding or an overshooting trial step off a
    denominator or a power's base; the identity on physiological states, so the LaTeX omits it.
``exp(z)``
    the exponential.
``where(test, a, b)``
    ``a`` if ``test`` else ``b`` (SBML ``piecewise``).
``Q(value, unit)``
    a number with an SBML unit; multiplying or dividing by ``Q(1, unit)`` is a unit
    conversion that the LaTeX omits.

Domain: the drive has ``muscle_mass_frac > 0`` in every exercise segment and is 0 at rest
(:data:`sim.model.drive.REST`); the NumPy code skips release terms where it is 0.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

from sim.model.brain import INFLAMMATION_FLOOR
from sim.model.state import STATE_NAMES

DRIVE_FIELDS = (
    "aerobic_frac_vo2max",
    "resistance_frac_1rm",
    "sets_per_h",
    "muscle_mass_frac",
    "reps_per_set",
)


@dataclass(frozen=True)
class Equation:
    """One line of the model: ``d name / dt = expr`` (a rate) or ``name = expr``.

    ``unit`` and ``description`` describe an intermediate quantity (the meaning of a state or
    an observable is in :data:`sim.model.state.QUANTITIES`; its description here is empty).
    """

    name: str
    expr: str
    rate: bool
    unit: str = ""
    description: str = ""


def _rate(name: str, expr: str) -> Equation:
    return Equation(name, expr, True)


def _let(name: str, expr: str, unit: str, description: str) -> Equation:
    return Equation(name, expr, False, unit, description)


_X, _R, _N, _M, _K = DRIVE_FIELDS

GROUPS: dict[str, tuple[Equation, ...]] = {
    "muscle": (
        _let(
            "lactate_threshold_now_frac_vo2max",
            "lactate_threshold_frac_vo2max + lactate_threshold_fitness_shift * (fitness_rel - fitness0)",
            "1",
            "Current lactate threshold as a fraction of VO2max.",
        ),
        _let(
            "lactate_excess_mmol_L",
            # resistance: glycolytic work per hour (load x repetitions x sets), relative to a
            # whole-body hypertrophy session of 6 sets of 10 at 70 % 1RM an hour
            f"lactate_resistance_excess_mmol_L * {_M} * ({_R} / 0.7) * ({_N} / Q(6, 'per_hour'))"
            # aerobic: nothing below the onset (LT1), E_LT at the threshold, a power above
            f" * ({_K} / 10) + lactate_at_threshold_excess_mmol_L * (relu({_X} / "
            "lactate_threshold_now_frac_vo2max - lactate_onset_frac_threshold) / "
            "(1 - lactate_onset_frac_threshold)) ** lactate_curve_exponent",
            "mmol/L",
            "Steady-state lactate above rest that the current drive would sustain.",
        ),
        _rate(
            "lactate_mmol_L",
            "lactate_clearance_per_h * (lactate_rest_mmol_L + lactate_excess_mmol_L - lactate_mmol_L)",
        ),
        _let(
            "il6_drive",
            f"innervation_frac * {_M} * ({_X} + il6_resistance_weight * {_R})",
            "1",
            "Drive of the muscle IL-6 signal.",
        ),
        _rate(
            "il6_signal",
            "il6_signal_build_per_h * il6_drive * (1 + il6_signal_amplification * "
            "relu(il6_signal) / (1 + relu(il6_signal))) - il6_signal_decay_per_h * il6_signal",
        ),
        _rate(
            "il6_pg_mL",
            "il6_rest_pg_mL * il6_release_per_h * il6_age_factor * il6_signal - il6_clearance_per_h * "
            "(il6_pg_mL - il6_rest_pg_mL * inflammation_rel)",
        ),
        _rate(
            "anti_inflammatory_signal",
            "anti_inflammatory_gain_per_h * relu(il6_pg_mL / il6_rest_pg_mL - inflammation_rel) "
            "- anti_inflammatory_signal / anti_inflammatory_tau_h",
        ),
        _let(
            "anti_inflammatory_hill_term",
            "(guard(anti_inflammatory_signal, 0) / anti_inflammatory_half) ** anti_inflammatory_hill",
            "1",
            "Hill term of the anti-inflammatory signal.",
        ),
        _rate(
            "inflammation_rel",
            "(1 - inflammation_reduction_max_frac * anti_inflammatory_hill_term / "
            "(1 + anti_inflammatory_hill_term) - inflammation_rel) / inflammation_tau_h",
        ),
    ),
    "myokines": (
        _let("myokine_mass", f"innervation_frac * {_M}", "1", "Innervated muscle mass engaged."),
        _let(
            "recruitment",
            f"1 - relu(1 - {_R} / 0.9)",
            "1",
            "Motor-unit recruitment of resistance work.",
        ),
        _let(
            "irisin_input_per_h",
            f"irisin_release_per_h * myokine_mass * ({_X} * guard(fitness_rel, 0) ** "
            "signal_capacity_exponent + irisin_resistance_weight * recruitment * "
            "guard(strength_rel, 0) ** signal_capacity_exponent)",
            "1/h",
            "Irisin release.",
        ),
        _rate("irisin_rel", "irisin_input_per_h - irisin_clearance_per_h * (irisin_rel - 1)"),
        _let(
            "ctsb_input_per_h",
            "ctsb_release_per_h * myokine_mass * guard(fitness_rel, 0) ** signal_capacity_exponent "
            f"* relu({_X} - ctsb_threshold_frac_vo2max) / (1 - ctsb_threshold_frac_vo2max)",
            "1/h",
            "Cathepsin B release.",
        ),
        _rate("ctsb_rel", "ctsb_input_per_h - ctsb_clearance_per_h * (ctsb_rel - 1)"),
        _rate(
            "fgf21_trigger",
            f"fgf21_signal_build_per_h * {_M} * ({_X} + 0.8 * {_R}) - "
            "fgf21_trigger_decay_per_h * fgf21_trigger",
        ),
        _rate(
            "fgf21_signal",
            "fgf21_trigger_decay_per_h * fgf21_trigger - fgf21_signal_decay_per_h * fgf21_signal",
        ),
        _rate(
            "fgf21_rel",
            "fgf21_release_per_h * fgf21_signal - fgf21_clearance_per_h * (fgf21_rel - 1)",
        ),
        _let(
            "bdnf_muscle_input_per_h",
            f"bdnf_muscle_release_per_h * myokine_mass * (recruitment + relu({_X} - recruitment))",
            "1/h",
            "Muscle BDNF expression.",
        ),
        _rate(
            "bdnf_muscle_rel",
            "bdnf_muscle_input_per_h - bdnf_muscle_clearance_per_h * (bdnf_muscle_rel - 1)",
        ),
    ),
    "endocrine": (
        _let(
            "age_now_years",
            "age0_years + time / hours_per_year",
            "year",
            "Age at the current time.",
        ),
        _let(
            "igf1_target_ng_mL",
            "igf1_scale * igf1_at_30y_ng_mL * (1 - igf1_decline_per_yr * Q(1, 'year')) ** "
            "((age_now_years - Q(30, 'year')) / Q(1, 'year')) * (1 + igf1_rt_gain_frac / "
            "(1 + exp((age_now_years - igf1_response_age_mid_yr) / igf1_response_age_width_yr)) "
            "* guard(rt_weekly_sets, 0) / (guard(rt_weekly_sets, 0) + igf1_rt_half_sets_per_wk))",
            "ng/mL",
            "Current IGF-1 target.",
        ),
        _rate("igf1_ng_mL", "(igf1_target_ng_mL - igf1_ng_mL) / igf1_tau_h"),
        _let(
            "igf1_benefit",
            "exp(-0.5 * ((igf1_ng_mL - igf1_optimum_ng_mL) / igf1_hump_width_ng_mL) ** 2)",
            "1",
            "",  # an observable: its description is in sim.model.state
        ),
    ),
    "brain": (
        _let(
            "bdnf_signal_lactate",
            "bdnf_weight_lactate_per_mmol_L * relu(lactate_mmol_L - lactate_rest_mmol_L, 'mmol_per_L')",
            "1",
            "Lactate signal to the brain.",
        ),
        _let(
            "bdnf_signal_irisin",
            "bdnf_weight_irisin * relu(irisin_rel - 1)",
            "1",
            "Irisin signal to the brain.",
        ),
        _let(
            "bdnf_signal_ctsb",
            "bdnf_weight_ctsb * relu(ctsb_rel - 1)",
            "1",
            "Cathepsin B signal to the brain.",
        ),
        _let(
            "bdnf_signal_aerobic",
            f"bdnf_weight_aerobic * ({_X} + walk_duty * walking_frac_vo2max)",
            "1",
            "Aerobic metabolic signal to the brain.",
        ),
        _let(
            "bdnf_potentiation",
            "(1 + igf1_bdnf_potentiation * igf1_benefit) * "
            f"guard(inflammation_rel, {INFLAMMATION_FLOOR!r}) ** (-bdnf_inflammation_exponent)",
            "1",
            "IGF-1 potentiation and inflammatory suppression.",
        ),
        _let(
            "bdnf_acute_drive",
            "genotype * bdnf_potentiation * (bdnf_signal_lactate + bdnf_signal_irisin + "
            "bdnf_signal_ctsb + bdnf_signal_aerobic + bdnf_synergy * (bdnf_signal_lactate * "
            "(bdnf_signal_irisin + bdnf_signal_ctsb + bdnf_signal_aerobic) + bdnf_signal_irisin * "
            "(bdnf_signal_ctsb + bdnf_signal_aerobic) + bdnf_signal_ctsb * bdnf_signal_aerobic) + "
            "bdnf_weight_muscle * relu(bdnf_muscle_rel - 1))",
            "1",
            "Activity-dependent brain BDNF drive with pairwise synergy.",
        ),
        _let(
            "bdnf_chronic_drive",
            "genotype * bdnf_weight_fitness * relu(fitness_rel - fitness0) * bdnf_potentiation",
            "1",
            "Fitness-driven brain BDNF drive.",
        ),
        _rate(
            "bdnf_brain_rel",
            "(1 + bdnf_chronic_drive + bdnf_acute_drive - bdnf_brain_rel) / bdnf_brain_tau_h",
        ),
        _rate("bdnf_brain_auc", "bdnf_brain_rel - 1"),
        _let(
            "bdnf_release_intensity",
            f"relu({_X} - ventilatory_threshold_frac_vo2max) / (1 - ventilatory_threshold_frac_vo2max) "
            f"+ resistance_bdnf_release_weight * {_M} * relu({_R} - 0.7) / 0.3",
            "1",
            "Intensity above the serum BDNF release threshold.",
        ),
        _let(
            "bdnf_release_frac",
            "bdnf_release_max_frac * genotype * bdnf_brain_rel * bdnf_release_intensity / "
            "(bdnf_release_intensity + bdnf_release_half_frac)",
            "1",
            "Acute activity-dependent serum BDNF release, as a fraction of rest.",
        ),
        _rate(
            "bdnf_serum_ng_mL",
            "(bdnf_serum_rest_ng_mL * (1 + bdnf_serum_brain_share * bdnf_chronic_drive + "
            "bdnf_release_frac) - bdnf_serum_ng_mL) / bdnf_serum_tau_h",
        ),
    ),
    "reserve": (
        _let(
            "reserve_drive",
            "(1 + reserve_weight_igf1 * igf1_benefit) * (reserve_weight_bdnf * "
            "relu(bdnf_brain_rel - 1) + reserve_weight_strength * relu(strength_rel / strength0 - 1) "
            "* guard(rt_weekly_sets, 0) / (guard(rt_weekly_sets, 0) + "
            "reserve_strength_gate_sets_per_wk) + reserve_weight_fitness * "
            "relu(fitness_rel / fitness0 - 1))",
            "1",
            "Drive of the built cognitive reserve.",
        ),
        _rate(
            "reserve_built",
            "reserve_build_per_h * reserve_drive / (1 + reserve_drive / reserve_drive_half) * "
            "guard(recent_training, 0) ** reserve_gate_hill / (guard(recent_training, 0) ** "
            "reserve_gate_hill + reserve_activity_gate ** reserve_gate_hill) * "
            "(1 - reserve_built / reserve_max) - reserve_built / reserve_decay_tau_h",
        ),
    ),
    "cognition": (
        _let("years_elapsed", "time / hours_per_year", "year", "Time since the start in years."),
        _let(
            "reserve_age_loss",
            "reserve_age_loss_per_yr * decline_multiplier * years_elapsed",
            "1",
            "Age-related reserve loss since the start.",
        ),
        _let(
            "reserve",
            "reserve_built - reserve_age_loss",
            "1",
            "",  # an observable: its description is in sim.model.state
        ),
        _let(
            "pathology_now",
            "pathology_load + pathology_progression_per_yr * years_elapsed",
            "1",
            "Neuropathology load at the current time.",
        ),
        _let(
            "reserve_buffer",
            "exp(-relu(reserve_built) / reserve_buffer_scale)",
            "1",
            "Share of decline and pathology that reaches cognition (1 with no built reserve).",
        ),
        _let(
            "cognition_z",
            "cognition_z_per_reserve * vulnerability * reserve_built - cognitive_decline_z_per_yr * "
            "decline_multiplier * years_elapsed * reserve_buffer - pathology_z_per_unit * "
            "(pathology_now * reserve_buffer - pathology_load)",
            "SD",
            "",  # an observable: its description is in sim.model.state
        ),
    ),
    "adaptation": (
        _rate("rt_weekly_sets", f"{_N} - rt_weekly_sets / sets_memory_tau_h"),
        _let(
            "adaptation_efficiency",
            "recovery / (1 + guard(fatigue, 0) / fatigue_adaptation_half)",
            "1",
            "Adaptation efficiency (recovery, blunted by fatigue).",
        ),
        _let(
            "strength_efficacy",
            f"relu({_R} - strength_intensity_floor_frac) / (0.75 - strength_intensity_floor_frac)",
            "1",
            "Strength stimulus per set at the current relative intensity (1 at 75 % 1RM).",
        ),
        _rate(
            "strength_pending",
            f"strength_gain_per_set * innervation_frac * {_N} * strength_efficacy * {_M} ** 0.5 "
            "/ (1 + guard(rt_weekly_sets, 0) / strength_volume_half_sets_per_wk) - "
            "strength_pending / adaptation_lag_tau_h",
        ),
        _rate(
            "strength_rel",
            "relu(strength_pending) / adaptation_lag_tau_h * adaptation_efficiency "
            "* strength_responsiveness * strength0 * relu(1 - (strength_rel - strength0) / "
            "(strength_ceiling_frac * strength0)) - (strength_rel - strength0) / "
            "strength_detraining_tau_h",
        ),
        _let(
            "fitness_impulse",
            f"({_X} / 0.6) ** 2 + fitness_resistance_weight * {_M} * {_R} + "
            "walk_duty * (walking_frac_vo2max / 0.6) ** 2",
            "1",
            "Aerobic training impulse per hour.",
        ),
        _let(
            "fitness_repeated",
            "(1 - relu(1 - training_status / fitness_status_full)) ** 2",
            "1",
            "Share of a session's fitness stimulus realised at the current training status.",
        ),
        _rate(
            "fitness_pending",
            "fitness_gain_per_h * fitness_impulse - fitness_pending / adaptation_lag_tau_h",
        ),
        _rate(
            "fitness_rel",
            "relu(fitness_pending) / adaptation_lag_tau_h * adaptation_efficiency * "
            "fitness_responsiveness * fitness0 * relu(1 - (fitness_rel - fitness0) / "
            "(fitness_ceiling_frac * fitness0)) * fitness_repeated - (fitness_rel - fitness0) / "
            "fitness_detraining_tau_h",
        ),
        # (x / 0.6)^2 is load per hour of work: Q(1, 'per_hour') makes that unit explicit.
        _let(
            "training_load_per_h",
            f"({_X} / 0.6) ** 2 * Q(1, 'per_hour') + ({_R} / 0.75) * {_M} * {_N} / 3.6",
            "1/h",
            "Training load rate (load units per hour).",
        ),
        _rate(
            "fatigue",
            "fatigue_per_load * training_load_per_h - recovery * fatigue / fatigue_tau_h",
        ),
        _rate(
            "recent_training",
            f"where({_M} > 0, training_onset_per_h, Q(0, 'per_hour')) * (1 - recent_training) - "
            "recent_training / training_memory_tau_h",
        ),
        _rate("training_status", "(recent_training - training_status) / training_status_tau_h"),
        _let(
            "performance_rel",
            "fitness_rel / fitness0 - performance_fatigue_cost * fatigue",
            "1",
            "",  # an observable: its description is in sim.model.state
        ),
    ),
}
"""Every equation, grouped by the section of ``docs/model.md`` that shows it, in the order
they are evaluated (a name is defined before it is used)."""

SYMBOLS: dict[str, str] = {
    # drive and time
    "aerobic_frac_vo2max": "x",
    "resistance_frac_1rm": "r",
    "sets_per_h": "n",
    "muscle_mass_frac": "m",
    "reps_per_set": "k",
    "time": "t",
    "hours_per_year": "8766",
    # muscle
    "lactate_mmol_L": "L",
    "il6_signal": "M",
    "il6_pg_mL": "I_6",
    "anti_inflammatory_signal": "A",
    "inflammation_rel": r"\Phi",
    "lactate_threshold_now_frac_vo2max": "x_{LT}",
    "lactate_excess_mmol_L": "E",
    "il6_drive": "a_6",
    "anti_inflammatory_hill_term": r"\alpha",
    "lactate_rest_mmol_L": "L_{rest}",
    "lactate_half_time_h": "t_{1/2}",
    "lactate_clearance_per_h": "k_L",
    "lactate_at_threshold_excess_mmol_L": "E_{LT}",
    "lactate_curve_exponent": r"\beta",
    "lactate_onset_frac_threshold": r"r_{on}",
    "lactate_threshold_frac_vo2max": "x_{LT,0}",
    "lactate_threshold_fitness_shift": "s_F",
    "fitness0": "F_0",
    "lactate_resistance_excess_mmol_L": "E_R",
    "innervation_frac": r"\nu",
    "il6_resistance_weight": "w_R",
    "il6_signal_build_per_h": "b_M",
    "il6_signal_decay_per_h": "d_M",
    "il6_signal_amplification": "a_M",
    "il6_rest_pg_mL": "I_{6,rest}",
    "il6_release_per_h": r"\rho_6",
    "il6_age_factor": r"\varepsilon_6",
    "il6_release_age_decline_per_yr": r"\kappa_6",
    "il6_clearance_per_h": "k_6",
    "anti_inflammatory_gain_per_h": "g_A",
    "anti_inflammatory_tau_h": r"\tau_A",
    "anti_inflammatory_half": "A_{1/2}",
    "anti_inflammatory_hill": "n_H",
    "inflammation_reduction_max_frac": r"\phi_{max}",
    "inflammation_tau_h": r"\tau_\Phi",
    # myokines
    "irisin_rel": "Ir",
    "ctsb_rel": "C",
    "fgf21_trigger": "G_H",
    "fgf21_signal": "H",
    "fgf21_rel": "F_{21}",
    "bdnf_muscle_rel": "B_m",
    "strength_rel": "S",
    "fitness_rel": "F",
    "myokine_mass": r"m_\nu",
    "recruitment": r"\rho(r)",
    "irisin_input_per_h": "J_{Ir}",
    "ctsb_input_per_h": "J_C",
    "bdnf_muscle_input_per_h": "J_{Bm}",
    "signal_capacity_exponent": "e_c",
    "irisin_release_per_h": "k_{Ir}",
    "irisin_clearance_per_h": "c_{Ir}",
    "irisin_resistance_weight": "w_{Ir}",
    "ctsb_threshold_frac_vo2max": "x_C",
    "ctsb_release_per_h": "k_C",
    "ctsb_clearance_per_h": "c_C",
    "fgf21_signal_build_per_h": "b_H",
    "fgf21_signal_decay_per_h": "d_H",
    "fgf21_trigger_decay_per_h": "d_G",
    "fgf21_release_per_h": "k_{21}",
    "fgf21_clearance_per_h": "c_{21}",
    "bdnf_muscle_release_per_h": "k_{Bm}",
    "bdnf_muscle_clearance_per_h": "c_{Bm}",
    # endocrine
    "igf1_ng_mL": "G",
    "rt_weekly_sets": "V",
    "age_now_years": "a(t)",
    "igf1_target_ng_mL": "G^*",
    "igf1_benefit": "h(G)",
    "age0_years": "a_0",
    "igf1_at_30y_ng_mL": "G_{30}",
    "igf1_decline_per_yr": r"\delta",
    "igf1_scale": "s_G",
    "igf1_tau_h": r"\tau_G",
    "igf1_rt_gain_frac": r"\gamma_G",
    "igf1_rt_half_sets_per_wk": "V^G_{1/2}",
    "igf1_response_age_mid_yr": "a_{1/2}",
    "igf1_response_age_width_yr": "w_a",
    "igf1_optimum_ng_mL": "G_{opt}",
    "igf1_hump_width_ng_mL": "w_G",
    "igf1_bdnf_potentiation": "p_G",
    # brain
    "bdnf_brain_rel": "B",
    "bdnf_serum_ng_mL": "S_B",
    "bdnf_brain_auc": "U_B",
    "bdnf_signal_lactate": "s_L",
    "bdnf_signal_irisin": "s_{Ir}",
    "bdnf_signal_ctsb": "s_C",
    "bdnf_signal_aerobic": "s_x",
    "bdnf_potentiation": r"\Pi",
    "bdnf_acute_drive": r"\Sigma_B",
    "bdnf_chronic_drive": "C_B",
    "bdnf_release_intensity": "u",
    "bdnf_release_frac": r"\mathcal{R}",
    "bdnf_weight_lactate_per_mmol_L": "w_L",
    "bdnf_weight_irisin": "w^B_{Ir}",
    "bdnf_weight_ctsb": "w_C",
    "bdnf_weight_aerobic": "w_x",
    "walking_frac_vo2max": "x_{walk}",
    "walk_duty": "d_{walk}",
    "bdnf_weight_muscle": "w_{Bm}",
    "bdnf_synergy": r"\gamma",
    "bdnf_weight_fitness": "w_F",
    "bdnf_inflammation_exponent": r"\kappa",
    "bdnf_brain_tau_h": r"\tau_B",
    "genotype": "g",
    "genotype_factor_val_met": "g_{VM}",
    "genotype_factor_met_met": "g_{MM}",
    "bdnf_serum_rest_ng_mL": "S_{rest}",
    "bdnf_serum_brain_share": r"\eta_B",
    "bdnf_serum_tau_h": r"\tau_{SB}",
    "bdnf_release_max_frac": r"\mathcal{R}_{max}",
    "bdnf_release_half_frac": "u_{1/2}",
    "ventilatory_threshold_frac_vo2max": "x_{VT}",
    "resistance_bdnf_release_weight": "w_{RB}",
    # reserve
    "reserve_built": "R_b",
    "reserve_drive": "D",
    "fatigue": r"\Psi",
    "strength0": "S_0",
    "reserve_build_per_h": "k_R",
    "reserve_max": "R_{sat}",
    "reserve_drive_half": "D_{1/2}",
    "reserve_activity_gate": "T_g",
    "recent_training": "T",
    "training_memory_tau_h": r"\tau_T",
    "training_onset_per_h": "k_T",
    "reserve_gate_hill": "n_g",
    "reserve_decay_tau_h": r"\tau_R",
    "reserve_weight_bdnf": "w_B",
    "reserve_weight_strength": "w_S",
    "reserve_strength_gate_sets_per_wk": "V_g",
    "reserve_weight_fitness": "w^R_F",
    "reserve_weight_igf1": "w^R_G",
    # cognition
    "years_elapsed": "t_{yr}",
    "reserve_age_loss": r"\Lambda",
    "reserve": r"\text{reserve}",
    "pathology_now": "Q(t)",
    "cognition_z": "z",
    "reserve_buffer": r"\beta_R",
    "cognitive_decline_z_per_yr": "d",
    "reserve_age_loss_per_yr": r"\ell",
    "decline_multiplier": r"\mu",
    "decline_multiplier_mci": r"\mu_{MCI}",
    "cognition_z_per_reserve": r"\zeta",
    "vulnerability": "v",
    "vulnerability_subjective_decline": "v_{SCD}",
    "vulnerability_mci": "v_{MCI}",
    "vulnerability_age_per_yr": "v_a",
    "pathology_z_per_unit": r"\pi",
    "reserve_buffer_scale": "b",
    "pathology_load": "Q_0",
    "pathology_progression_per_yr": r"\dot Q",
    # adaptation
    "adaptation_efficiency": r"\eta",
    "strength_efficacy": "q(r)",
    "fitness_impulse": "w",
    "training_load_per_h": r"\lambda",
    "sets_memory_tau_h": r"\tau_V",
    "strength_gain_per_set": "k_S",
    "strength_intensity_floor_frac": "r_0",
    "strength_volume_half_sets_per_wk": "V^S_{1/2}",
    "strength_ceiling_frac": "c_S",
    "strength_detraining_tau_h": r"\tau_S",
    "strength_responsiveness": r"\chi_S",
    "fitness_gain_per_h": "k_F",
    "fitness_resistance_weight": "w_{FR}",
    "fitness_ceiling_frac": "c_F",
    "fitness_detraining_tau_h": r"\tau_F",
    "fitness_responsiveness": r"\chi_F",
    "fatigue_per_load": r"\phi",
    "fatigue_tau_h": r"\tau_\Psi",
    "fatigue_adaptation_half": r"\Psi_{1/2}",
    "performance_rel": "P",
    "strength_pending": r"\sigma_S",
    "fitness_pending": r"\sigma_F",
    "training_status": r"\Sigma",
    "training_status_tau_h": r"\tau_\Sigma",
    "fitness_status_full": r"\Sigma_F",
    "fitness_repeated": "g_F",
    "adaptation_lag_tau_h": r"\tau_\sigma",
    "performance_fatigue_cost": "k_P",
    "recovery": r"\varrho",
    "recovery_sleep_reference_h": "h_{ref}",
    "recovery_sleep_penalty_per_h": "p_h",
    "recovery_protein_reference_g_per_kg": "P_{ref}",
}
"""The one LaTeX symbol of every id that the equations or the hand-written formulas of
``docs/model.md`` use (the symbol tables there are generated from this and the parameters'
metadata; a test checks no two ids share a symbol)."""

EXTRA_SYMBOLS: dict[str, tuple[str, ...]] = {
    "muscle": ("lactate_half_time_h", "il6_release_age_decline_per_yr"),
    "brain": ("genotype_factor_val_met", "genotype_factor_met_met"),
    "cognition": (
        "decline_multiplier_mci",
        "vulnerability_subjective_decline",
        "vulnerability_mci",
        "vulnerability_age_per_yr",
        "age0_years",
    ),
    "adaptation": (
        "recovery_sleep_reference_h",
        "recovery_sleep_penalty_per_h",
        "recovery_protein_reference_g_per_kg",
    ),
}
"""Ids a group's symbol table lists although its equations do not use them: the inputs of
per-run constants whose (hand-written) formulas ``docs/model.md`` shows next to the group."""


def all_equations() -> tuple[Equation, ...]:
    """Every equation, in evaluation order."""
    return tuple(eq for eqs in GROUPS.values() for eq in eqs)


def states_upstream(states: Iterable[str]) -> tuple[str, ...]:
    """``states`` and every state their rates depend on, directly or through other states'
    rates and the intermediates, in state order.

    Integrating these alone gives ``states`` exactly as integrating every state would: no
    other state enters their rates. (The NumPy right-hand side reads what the equations read:
    ``tests/unit/test_equations.py`` checks it against them at random states.)
    """
    equations = {eq.name: eq for eq in all_equations()}
    reads: dict[str, set[str]] = {}

    def inputs(name: str) -> set[str]:
        """The states that ``name``'s expression reads, through intermediates."""
        if name not in reads:
            reads[name] = set()
            for used in names_used(equations[name].expr):
                if used in STATE_NAMES:
                    reads[name].add(used)
                elif used in equations and not equations[used].rate:
                    reads[name] |= inputs(used)
        return reads[name]

    wanted = set(states)
    unknown = wanted - set(STATE_NAMES)
    if unknown:
        raise ValueError(f"not states of the model: {sorted(unknown)}")
    todo = list(wanted)
    while todo:
        for state in inputs(todo.pop()) - wanted:
            wanted.add(state)
            todo.append(state)
    return tuple(name for name in STATE_NAMES if name in wanted)


FUNCTIONS = {"relu": (1, 2), "guard": (2, 3), "exp": (1, 1), "where": (3, 3), "Q": (2, 2)}
"""The functions of the expression language: name -> (fewest, most) arguments."""
_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)


def parse(expr: str) -> ast.expr:
    """The syntax tree of one expression, checked to use only the language above.

    Raises
    ------
    ValueError
        On any other construct (attributes, subscripts, keywords, unknown functions ...).
    """
    tree = ast.parse(expr, mode="eval").body
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name not in FUNCTIONS or node.keywords:
                raise ValueError(f"{expr!r}: unknown function call {ast.unparse(node)!r}")
            lo, hi = FUNCTIONS[name]
            if not lo <= len(node.args) <= hi:
                raise ValueError(f"{expr!r}: {name} takes {lo} to {hi} arguments")
        elif isinstance(node, ast.BinOp):
            if not isinstance(node.op, _OPERATORS):
                raise ValueError(f"{expr!r}: operator {type(node.op).__name__} is not allowed")
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub):
                raise ValueError(f"{expr!r}: only unary minus is allowed")
        elif isinstance(node, ast.Compare):
            if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Gt, ast.Lt)):
                raise ValueError(f"{expr!r}: only one > or < comparison is allowed")
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, (int, float, str)) or isinstance(node.value, bool):
                raise ValueError(f"{expr!r}: constant {node.value!r} is not allowed")
        elif not isinstance(node, (ast.Name, ast.Load, *_OPERATORS, ast.USub, ast.Gt, ast.Lt)):
            raise ValueError(f"{expr!r}: {type(node).__name__} is not allowed")
    return tree


def names_used(expr: str) -> list[str]:
    """The ids an expression reads, in order of first appearance (function names excluded)."""
    out: list[str] = []
    for node in _walk_in_order(parse(expr)):
        if isinstance(node, ast.Name) and node.id not in out:
            out.append(node.id)
    return out


def _walk_in_order(node: ast.AST) -> list[ast.AST]:
    """Nodes depth first, left to right (``ast.walk`` is breadth first)."""
    out = [node]
    if isinstance(node, ast.Call):
        for arg in node.args:
            out += _walk_in_order(arg)
    else:
        for child in ast.iter_child_nodes(node):
            out += _walk_in_order(child)
    return out
