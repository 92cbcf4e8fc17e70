r"""The SBML transcription of the model's equations: units, rules and derived constants.

Pure data for :mod:`sim.io.sbml.export`: the rate rule of every state of :mod:`sim.model.state`
(:data:`RATES`), the assignment rules of the observables and intermediate quantities
(:data:`ASSIGNMENTS`), the initial values that follow a parameter (:data:`INITIAL_FROM`), the
SBML unit definitions (:data:`UNIT_DEFS`, :data:`UNIT_IDS`) and the unit and meaning of each
per-run constant of :func:`sim.model.constants.compile_constants` (:data:`DERIVED`).

Formulas are SBML Level 3 infix (``libsbml.parseL3Formula``) over ids of the exported model.
They transcribe the compartment modules of :mod:`sim.model` (their docstrings define the
symbols); ``relu(x)`` is written ``max(x, 0)``. The transcription is checked against an
independent simulator (libRoadRunner) in ``tests/integration/test_sbml.py``: when an equation
in :mod:`sim.model` changes, change it here too.
"""

from __future__ import annotations

from sim.model.brain import INFLAMMATION_FLOOR
from sim.model.constants import HOURS_PER_YEAR
from sim.model.state import QUANTITIES

DRIVE_IDS = (
    "drive_aerobic_frac_vo2max",
    "drive_resistance_frac_1rm",
    "drive_sets_per_h",
    "drive_muscle_mass_frac",
)

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


# Weekly sets and fatigue are >= 0; as in sim.model, their saturations read them through relu.
_SETS = _relu("rt_weekly_sets")
_FATIGUE = _relu("fatigue")


# Assignment rules (intermediates and observables): id, formula, unit, description.
ASSIGNMENTS: tuple[tuple[str, str, str, str], ...] = (
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
        f"({_relu('anti_inflammatory_signal')} / anti_inflammatory_half)^anti_inflammatory_hill",
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
        f"irisin_release_per_h * myokine_mass * ({_X} * {_relu('fitness_rel')}^"
        f"signal_capacity_exponent + irisin_resistance_weight * recruitment * "
        f"{_relu('strength_rel')}^signal_capacity_exponent)",
        "1/h",
        "Irisin release.",
    ),
    (
        "ctsb_input_per_h",
        f"ctsb_release_per_h * myokine_mass * {_relu('fitness_rel')}^"
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
        f"igf1_response_age_mid_yr) / igf1_response_age_width_yr)) * {_SETS} / "
        f"({_SETS} + igf1_rt_half_sets_per_wk))",
        "ng/mL",
        "Current IGF-1 target.",
    ),
    # brain.py
    (
        "bdnf_potentiation",
        "(1 + igf1_bdnf_potentiation * igf1_benefit) * max(inflammation_rel, "
        f"{INFLAMMATION_FLOOR!r} dimensionless)^(-bdnf_inflammation_exponent)",
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
        f"{_relu('strength_rel / strength0 - 1')} * {_SETS} / ({_SETS} + "
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
        f"recovery / (1 + {_FATIGUE} / fatigue_adaptation_half)",
        "1",
        "Adaptation efficiency (recovery, blunted by fatigue).",
    ),
)

_STRENGTH_EFFICACY = (
    f"{_relu(f'{_R} - strength_intensity_floor_frac')} / (0.75 - strength_intensity_floor_frac)"
)
_STRENGTH_HEADROOM = _relu("1 - (strength_rel - strength0) / (strength_ceiling_frac * strength0)")
_FITNESS_HEADROOM = _relu("1 - (fitness_rel - fitness0) / (fitness_ceiling_frac * fitness0)")
RATES: dict[str, str] = {
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
    f"{_SETS} / strength_volume_half_sets_per_wk) * adaptation_efficiency "
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
    f"reserve_drive_half) * {_FATIGUE} / ({_FATIGUE} + reserve_activity_gate) * "
    "(1 - reserve_built / reserve_max) - "
    "reserve_built / reserve_decay_tau_h",
    "bdnf_brain_auc": "bdnf_brain_rel - 1",
}
# Initial values that follow a parameter (rhs.initial_state), as initial assignments.
INITIAL_FROM: dict[str, str] = {
    "lactate_mmol_L": "lactate_rest_mmol_L",
    "il6_pg_mL": "il6_rest_pg_mL",
    "bdnf_serum_ng_mL": "bdnf_serum_rest_ng_mL",
    "igf1_ng_mL": "igf1_start_ng_mL",
    "strength_rel": "strength0",
    "fitness_rel": "fitness0",
}
