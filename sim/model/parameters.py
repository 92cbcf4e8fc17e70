"""The model's parameter set: one frozen, typed record, grouped by compartment.

Every field carries its unit in its name, inclusive bounds, a one-line description and a
``source``: a key into ``docs/references.md`` or ``"illustrative"`` where the evidence does not
pin the number down (see the docstring of each compartment module for why).

Overrides from a scenario are checked here: an unknown name is rejected with close matches,
a value outside the bounds with the allowed range.
"""

from __future__ import annotations

import difflib
import functools
import math
import reprlib
from dataclasses import dataclass, field, fields, replace
from typing import Any

from sim.errors import ParameterError


def _p(default: float, lo: float, hi: float, description: str, source: str, group: str) -> Any:
    return field(
        default=default,
        metadata={"bounds": (lo, hi), "description": description, "source": source, "group": group},
    )


M, MY, E, B, A, R = "muscle", "myokines", "endocrine", "brain", "adaptation", "reserve"
ILL = "illustrative"


@dataclass(frozen=True)
class Parameters:
    """Default model parameters (time in hours). Build variants with :meth:`with_overrides`.

    Examples
    --------
    >>> params = Parameters().with_overrides({"il6_rest_pg_mL": 1.5})  # doctest: +SKIP
    >>> result = simulate(load_scenario("combined"), params)  # doctest: +SKIP
    """

    # --- muscle & metabolites -------------------------------------------------------------
    lactate_rest_mmol_L: float = _p(1.0, 0.5, 2.0, "Resting blood lactate.", "menzies2010", M)
    lactate_half_time_h: float = _p(
        0.225, 0.1, 0.5, "Passive lactate clearance half-time (13.5 min).", "vargasmolina2020", M
    )
    lactate_at_threshold_excess_mmol_L: float = _p(
        3.0,
        1.0,
        5.0,
        "Steady-state lactate above rest at the lactate threshold (~4 mmol/L in all).",
        "jssm2015",
        M,
    )
    lactate_curve_exponent: float = _p(
        2.197,
        1.0,
        4.0,
        "Power of steady-state lactate in the intensity above its onset, relative to the "
        "threshold's distance from the onset (sets the 4x4-min HIIT peak).",
        "jssm2015",
        M,
    )
    lactate_onset_frac_threshold: float = _p(
        0.7,
        0.5,
        0.95,
        "Intensity, as a fraction of the current lactate threshold, below which steady work "
        "leaves blood lactate at rest (the first lactate threshold).",
        ILL,
        M,
    )
    lactate_threshold_frac_vo2max: float = _p(
        0.60,
        0.40,
        0.85,
        "Lactate threshold as a fraction of VO2max in the untrained.",
        "jssm2015",
        M,
    )
    lactate_threshold_fitness_shift: float = _p(
        0.3, 0.0, 1.0, "Rise of the threshold fraction per unit of relative fitness gained.", ILL, M
    )
    lactate_resistance_excess_mmol_L: float = _p(
        5.765,
        2.0,
        10.0,
        "Steady lactate above rest in whole-body resistance work of 6 sets of 10 at 70 % 1RM an "
        "hour (it scales with load x repetitions x sets per hour).",
        "vargasmolina2020",
        M,
    )
    il6_rest_pg_mL: float = _p(
        1.5, 0.5, 6.0, "Resting plasma IL-6 (high-sensitivity assay).", "said2021", M
    )
    il6_signal_build_per_h: float = _p(
        1.5, 0.1, 5.0, "Build-up rate of the muscle IL-6 signal per unit of drive.", ILL, M
    )
    il6_signal_decay_per_h: float = _p(
        1.5, 0.3, 10.0, "Decay rate of the muscle IL-6 signal after contraction stops.", ILL, M
    )
    il6_signal_amplification: float = _p(
        5.0,
        0.0,
        10.0,
        "Largest speed-up of the muscle IL-6 signal's build-up as the signal grows (duration "
        "dependence; half of it at a signal of 1).",
        ILL,
        M,
    )
    il6_release_per_h: float = _p(
        17.84,
        0.1,
        100.0,
        "Plasma IL-6 release per unit of muscle signal, in resting levels per hour.",
        "gray2009",
        M,
    )
    il6_release_age_decline_per_yr: float = _p(
        0.025,
        0.0,
        0.1,
        "Fall of the IL-6 release per year of age above 25 (exponential: at 65-75 y about a "
        "third of the young release).",
        ILL,
        M,
    )
    il6_clearance_per_h: float = _p(
        2.301,
        0.3,
        5.0,
        "Plasma IL-6 clearance rate (back near baseline within ~2 h).",
        "gray2009",
        M,
    )
    il6_resistance_weight: float = _p(
        0.25,
        0.0,
        2.0,
        "IL-6 drive of resistance work relative to aerobic work of equal intensity.",
        ILL,
        M,
    )
    innervation_frac: float = _p(
        1.0,
        0.0,
        1.0,
        "Fraction of the working muscle that is innervated and recruited; scales release and training.",
        ILL,
        M,
    )
    anti_inflammatory_gain_per_h: float = _p(
        0.0544,
        0.0,
        1.0,
        "Anti-inflammatory signal gained per hour per resting-level of IL-6 excess.",
        ILL,
        M,
    )
    anti_inflammatory_tau_h: float = _p(
        1344.0, 48.0, 4000.0, "Memory of the anti-inflammatory signal (8 weeks).", ILL, M
    )
    inflammation_tau_h: float = _p(
        504.0,
        48.0,
        4000.0,
        "Time constant of resting inflammation (3 weeks).",
        ILL,
        M,
    )
    anti_inflammatory_half: float = _p(
        1.5,
        0.1,
        10.0,
        "Anti-inflammatory signal for half the largest fall of inflammation.",
        ILL,
        M,
    )
    anti_inflammatory_hill: float = _p(
        4.0,
        1.0,
        6.0,
        "Steepness (Hill exponent) of the inflammation response: no change in the first weeks.",
        ILL,
        M,
    )
    inflammation_reduction_max_frac: float = _p(
        0.15,
        0.0,
        0.5,
        "Largest fractional fall of resting inflammation with training.",
        "cytokine2023",
        M,
    )
    resistance_bdnf_release_weight: float = _p(
        0.6,
        0.0,
        2.0,
        "Serum BDNF release of near-maximal resistance work relative to aerobic work.",
        "apnm2020",
        M,
    )

    # --- myokines -------------------------------------------------------------------------
    irisin_release_per_h: float = _p(
        0.7753, 0.0, 2.0, "Irisin release rate per unit of drive.", "winn2017", MY
    )
    irisin_clearance_per_h: float = _p(1.6, 0.3, 5.0, "Irisin clearance rate.", "winn2017", MY)
    irisin_resistance_weight: float = _p(
        0.6, 0.0, 3.0, "Irisin drive of resistance work relative to aerobic work.", "cep2024", MY
    )
    ctsb_threshold_frac_vo2max: float = _p(
        0.70, 0.5, 0.95, "Aerobic intensity above which cathepsin B is released.", "mazo2022", MY
    )
    ctsb_release_per_h: float = _p(
        3.6, 0.0, 5.0, "Cathepsin B release rate above the threshold.", ILL, MY
    )
    ctsb_clearance_per_h: float = _p(1.0, 0.2, 5.0, "Cathepsin B clearance rate.", ILL, MY)
    fgf21_signal_build_per_h: float = _p(
        1.0, 0.1, 5.0, "Hepatic FGF-21 signal build-up per unit of metabolic drive.", ILL, MY
    )
    fgf21_trigger_decay_per_h: float = _p(
        2.4,
        0.5,
        6.0,
        "Decay rate of the hormonal trigger of hepatic FGF-21 (passed on to the hepatic signal).",
        "khalafi2020",
        MY,
    )
    fgf21_signal_decay_per_h: float = _p(
        1.8, 0.2, 5.0, "Hepatic FGF-21 signal decay rate.", "khalafi2020", MY
    )
    fgf21_release_per_h: float = _p(
        1.6, 0.0, 5.0, "Plasma FGF-21 release per unit of hepatic signal.", "khalafi2020", MY
    )
    fgf21_clearance_per_h: float = _p(
        1.4, 0.2, 5.0, "Plasma FGF-21 clearance rate.", "khalafi2020", MY
    )
    bdnf_muscle_release_per_h: float = _p(
        0.4, 0.0, 3.0, "Muscle BDNF expression rate per unit of recruitment.", "mazo2022", MY
    )
    bdnf_muscle_clearance_per_h: float = _p(
        0.3, 0.05, 2.0, "Muscle BDNF return rate.", "mazo2022", MY
    )
    signal_capacity_exponent: float = _p(
        1.0,
        0.0,
        3.0,
        "Exponent of strength/fitness in myokine release (stronger, larger signal).",
        ILL,
        MY,
    )

    # --- endocrine: IGF-1 -----------------------------------------------------------------
    igf1_at_30y_ng_mL: float = _p(
        200.0, 100.0, 350.0, "Median serum IGF-1 at age 30.", "gasco2007", E
    )
    igf1_decline_per_yr: float = _p(
        0.019, 0.0, 0.04, "Fractional yearly fall of baseline IGF-1 with age.", "gasco2007", E
    )
    igf1_tau_h: float = _p(
        504.0, 100.0, 3000.0, "Time constant of IGF-1 towards its target (3 weeks).", "borst2001", E
    )
    igf1_rt_gain_frac: float = _p(
        0.2806,
        0.0,
        0.6,
        "Maximal fractional IGF-1 rise with resistance training (young).",
        "borst2001",
        E,
    )
    igf1_rt_half_sets_per_wk: float = _p(
        3.0,
        0.5,
        30.0,
        "Weekly sets for half the IGF-1 response (1 and 3 sets gave similar rises).",
        "borst2001",
        E,
    )
    igf1_response_age_mid_yr: float = _p(
        55.0, 40.0, 80.0, "Age at which the IGF-1 training response is halved.", "borst2002", E
    )
    igf1_response_age_width_yr: float = _p(
        4.0, 1.0, 15.0, "Width of the age fall-off of the IGF-1 response.", "borst2002", E
    )
    igf1_optimum_ng_mL: float = _p(
        140.0, 100.0, 200.0, "Centre of the protective IGF-1 middle range.", "rahmani2022", E
    )
    igf1_hump_width_ng_mL: float = _p(
        25.0, 10.0, 80.0, "Width (SD) of the IGF-1 benefit hump.", "rahmani2022", E
    )
    igf1_bdnf_potentiation: float = _p(
        0.5,
        0.0,
        2.0,
        "Extra BDNF drive at the IGF-1 optimum (multiplicative potentiation).",
        "carro2000",
        E,
    )

    # --- brain BDNF -----------------------------------------------------------------------
    bdnf_brain_tau_h: float = _p(
        1.5, 0.25, 6.0, "Time constant of hippocampal BDNF expression.", "rasmussen2009", B
    )
    bdnf_weight_lactate_per_mmol_L: float = _p(
        0.05, 0.0, 0.5, "Brain BDNF drive per mmol/L of lactate above rest.", "muller2020", B
    )
    bdnf_weight_irisin: float = _p(
        1.0, 0.0, 5.0, "Brain BDNF drive per unit irisin rise.", "wrann2013", B
    )
    bdnf_weight_ctsb: float = _p(
        0.5, 0.0, 5.0, "Brain BDNF drive per unit cathepsin B rise.", "moon2016", B
    )
    bdnf_weight_aerobic: float = _p(
        0.25,
        0.0,
        2.0,
        "Brain BDNF drive per unit of aerobic metabolic drive (blood flow, PGC-1a).",
        "szuhany2015",
        B,
    )
    bdnf_weight_muscle: float = _p(
        0.02, 0.0, 0.5, "Weak path from muscle BDNF to the brain.", "matthews2009", B
    )
    bdnf_weight_fitness: float = _p(
        0.919,
        0.0,
        3.0,
        "Chronic resting brain BDNF rise per unit of relative fitness gained.",
        "dinoff2016",
        B,
    )
    bdnf_synergy: float = _p(
        2.0, 0.0, 10.0, "Pairwise amplification between myokine signals.", ILL, B
    )
    bdnf_inflammation_exponent: float = _p(
        1.0, 0.0, 4.0, "Suppression of BDNF drive by inflammation (power law).", ILL, B
    )
    walking_frac_vo2max: float = _p(
        0.35, 0.2, 0.5, "Relative intensity of everyday walking.", ILL, B
    )
    genotype_factor_val_met: float = _p(
        0.75, 0.3, 1.0, "Activity-dependent BDNF factor for Val/Met.", "egan2003", B
    )
    genotype_factor_met_met: float = _p(
        0.55, 0.2, 1.0, "Activity-dependent BDNF factor for Met/Met.", "egan2003", B
    )
    bdnf_serum_rest_ng_mL: float = _p(30.0, 10.0, 50.0, "Resting serum BDNF.", "naegelin2018", B)
    bdnf_serum_brain_share: float = _p(
        0.75, 0.0, 1.0, "Share of serum BDNF changes that is brain-derived.", "rasmussen2009", B
    )
    bdnf_serum_tau_h: float = _p(
        0.25, 0.05, 1.0, "Time constant of serum BDNF (back within 15-60 min).", "nofuji2012", B
    )
    bdnf_release_max_frac: float = _p(
        0.4052,
        0.0,
        1.0,
        "Maximal acute serum BDNF release, as a fraction of rest.",
        "ferris2007",
        B,
    )
    bdnf_release_half_frac: float = _p(
        0.25, 0.01, 0.5, "Intensity above threshold for half the maximal release.", "ferris2007", B
    )
    ventilatory_threshold_frac_vo2max: float = _p(
        0.60, 0.4, 0.85, "Intensity below which serum BDNF does not rise.", "ferris2007", B
    )

    # --- adaptation: strength, fitness, fatigue -------------------------------------------
    strength_gain_per_set: float = _p(
        0.007369,
        0.0,
        0.1,
        "Relative 1RM gain per effective working set far from the ceiling.",
        "peterson2010",
        A,
    )
    strength_intensity_floor_frac: float = _p(
        0.377,
        0.2,
        0.6,
        "Relative intensity (%1RM) below which sets build no strength.",
        "beneka_borde2015",
        A,
    )
    strength_ceiling_frac: float = _p(
        0.6,
        0.1,
        2.0,
        "Largest attainable relative strength gain (the largest of 287 untrained adults: +60 %).",
        "ahtiainen2016",
        A,
    )
    strength_volume_half_sets_per_wk: float = _p(
        10.0,
        3.0,
        40.0,
        "Weekly sets at which set efficacy is halved (gains still rise from under 5 to "
        "10+ weekly sets, 12-20 are recommended and more than 20 are no better).",
        "schoenfeld2017",
        A,
    )
    strength_detraining_tau_h: float = _p(
        4380.0, 500.0, 20000.0, "Decay time constant of strength gains (6 months).", "lovell2010", A
    )
    sets_memory_tau_h: float = _p(
        168.0, 24.0, 672.0, "Memory of the weekly-set count (1 week).", ILL, A
    )
    fitness_gain_per_h: float = _p(
        0.03,
        0.0,
        0.1,
        "Relative VO2max gain per hour at 60 % VO2max far from the ceiling.",
        "bouchard1999",
        A,
    )
    fitness_ceiling_frac: float = _p(
        0.4, 0.1, 1.0, "Largest attainable relative VO2max gain.", "bouchard1999", A
    )
    fitness_detraining_tau_h: float = _p(
        1008.0, 200.0, 5000.0, "Banister fitness time constant (6 weeks).", "hellard2006", A
    )
    fitness_resistance_weight: float = _p(
        0.15, 0.0, 1.0, "Aerobic stimulus of resistance work relative to aerobic work.", ILL, A
    )
    fatigue_per_load: float = _p(
        0.27,
        0.0,
        0.5,
        "Fatigue added per unit of training load "
        "(a 45-min session at 60 % VO2max is 0.75 load units).",
        ILL,
        A,
    )
    fatigue_tau_h: float = _p(
        168.0,
        24.0,
        504.0,
        "Banister fatigue time constant (1 week, the ATL convention; fitted values span 6-32 d).",
        ILL,
        A,
    )
    recovery_sleep_reference_h: float = _p(
        7.5, 6.0, 9.0, "Sleep at and above which fatigue clears at full speed.", ILL, A
    )
    recovery_sleep_penalty_per_h: float = _p(
        0.12, 0.0, 0.3, "Loss of recovery per hour of sleep below the reference.", ILL, A
    )
    recovery_protein_reference_g_per_kg: float = _p(
        1.6,
        0.8,
        2.2,
        "Protein intake at and above which adaptation is not limited.",
        "morton2018",
        A,
    )
    fatigue_adaptation_half: float = _p(
        3.0,
        0.5,
        10.0,
        "Fatigue at which adaptation efficiency is halved (at 2, three sessions of 8 sets a "
        "week halved it and strength fell with volume, which no volume trial shows).",
        ILL,
        A,
    )
    adaptation_lag_tau_h: float = _p(
        48.0,
        6.0,
        168.0,
        "Time over which a session's strength and fitness stimulus is realised (2 days).",
        ILL,
        A,
    )
    training_memory_tau_h: float = _p(
        72.0, 24.0, 168.0, "Time over which the memory of the last session fades (3 days).", ILL, A
    )
    training_status_tau_h: float = _p(
        168.0,
        48.0,
        1344.0,
        "Time over which recent training is averaged into the training status (1 week).",
        ILL,
        A,
    )
    fitness_status_full: float = _p(
        0.5,
        0.05,
        1.0,
        "Training status from which a session's fitness stimulus is realised in full.",
        ILL,
        A,
    )
    training_onset_per_h: float = _p(
        2.0, 1.0, 60.0, "Rate at which a session fills the memory of recent training.", ILL, A
    )
    performance_fatigue_cost: float = _p(
        0.1,
        0.0,
        1.0,
        "Performance lost per unit of fatigue (Banister's fatigue gain, in fitness units).",
        ILL,
        A,
    )

    # --- cognitive reserve ----------------------------------------------------------------
    reserve_build_per_h: float = _p(
        1.2e-3, 0.0, 1e-2, "Reserve built per hour per unit of drive.", ILL, R
    )
    reserve_drive_half: float = _p(
        0.2,
        0.01,
        10.0,
        "Reserve drive at which extra training adds half as much (diminishing returns in dose).",
        "sanders2019",
        R,
    )
    reserve_activity_gate: float = _p(
        0.05,
        0.005,
        0.5,
        "Recent training at which the reserve builds at half speed (about 8 days after the "
        "last session): none without training.",
        "ferreira2024",
        R,
    )
    reserve_gate_hill: float = _p(
        4.0,
        1.0,
        8.0,
        "Steepness of the training gate of the reserve build (Hill power).",
        ILL,
        R,
    )
    reserve_max: float = _p(1.0, 0.1, 5.0, "Saturation level of the built reserve.", ILL, R)
    reserve_decay_tau_h: float = _p(
        13000.0,
        1000.0,
        50000.0,
        "Decay time constant of the built reserve after training stops (~18 months).",
        "fiataronesingh2014",
        R,
    )
    reserve_weight_bdnf: float = _p(
        1.0, 0.0, 10.0, "Reserve drive per unit of brain BDNF above baseline.", "erickson2011", R
    )
    reserve_weight_strength: float = _p(
        2.0, 0.0, 10.0, "Reserve drive per unit of relative strength gained.", "mavros2017", R
    )
    reserve_strength_gate_sets_per_wk: float = _p(
        0.15,
        0.05,
        20.0,
        "Recent weekly sets at which strength counts half towards reserve.",
        ILL,
        R,
    )
    reserve_weight_fitness: float = _p(
        0.5,
        0.0,
        10.0,
        "Reserve drive per unit of relative fitness gained (cerebrovascular).",
        "colcombe2003",
        R,
    )
    reserve_weight_igf1: float = _p(
        0.5, 0.0, 5.0, "Extra reserve drive at the IGF-1 optimum.", "westwood2014", R
    )
    reserve_age_loss_per_yr: float = _p(
        0.03, 0.0, 0.2, "Slow age-related reserve loss (healthy).", "barnes2009", R
    )
    cognitive_decline_z_per_yr: float = _p(
        0.03,
        0.0,
        0.2,
        "Age-related fall of the cognitive score with no built reserve (x MCI multiplier).",
        ILL,
        R,
    )
    cognition_z_per_reserve: float = _p(
        0.5, 0.1, 5.0, "Cognitive score change (SD) per unit of reserve.", ILL, R
    )
    vulnerability_subjective_decline: float = _p(
        1.3, 1.0, 3.0, "Gain multiplier for subjective cognitive decline.", "agueda2025", R
    )
    vulnerability_mci: float = _p(1.2, 1.0, 3.0, "Gain multiplier for MCI.", "sanders2019", R)
    vulnerability_age_per_yr: float = _p(
        0.04, 0.0, 0.1, "Extra gain per year of age above 65.", "agueda2025", R
    )
    decline_multiplier_mci: float = _p(
        1.5, 1.0, 10.0, "Age-related loss multiplier in MCI.", "jack2000", R
    )
    pathology_z_per_unit: float = _p(
        1.0, 0.0, 5.0, "Cognitive cost (SD) of one unit of pathology with no reserve.", ILL, R
    )
    reserve_buffer_scale: float = _p(
        1.0,
        0.05,
        2.0,
        "Built reserve that cuts the cost of pathology by a factor e.",
        "stern2012",
        R,
    )

    # ------------------------------------------------------------------------------------
    @classmethod
    @functools.cache
    def names(cls) -> tuple[str, ...]:
        """All parameter names, in declaration order."""
        return tuple(f.name for f in fields(cls))

    @classmethod
    def spec(cls, name: str) -> dict[str, Any]:
        """Unit-bearing name, default, bounds, description, source and group of one parameter."""
        for f in fields(cls):
            if f.name == name:
                lo, hi = f.metadata["bounds"]
                return {
                    "name": f.name,
                    "default": f.default,
                    "lower": lo,
                    "upper": hi,
                    "unit": unit_of(f.name),
                    "description": f.metadata["description"],
                    "source": f.metadata["source"],
                    "group": f.metadata["group"],
                }
        raise ParameterError(unknown_parameter_message(name))

    def with_overrides(self, overrides: dict[str, float]) -> Parameters:
        """A copy with some values replaced, each checked by :func:`check_override`."""
        problems = [msg for k, v in overrides.items() if (msg := check_override(k, v))]
        if problems:
            raise ParameterError("; ".join(problems))
        return replace(self, **{k: float(v) for k, v in overrides.items()})

    def as_dict(self) -> dict[str, float]:
        """Plain ``{name: value}`` mapping, for provenance in ``summary.json``."""
        return dict(vars(self))  # the fields, in order (a frozen dataclass holds nothing else)


_UNIT_SUFFIXES = (  # most specific first: "_per_mmol_L" before "_mmol_L"
    ("_per_mmol_L", "L/mmol"),
    ("_per_frac", "1/fraction"),
    ("_per_set", "1/set"),
    ("_per_load", "1/load unit"),
    ("_per_reserve", "SD"),
    ("_z_per_yr", "SD/year"),
    ("_per_unit", "SD"),
    ("_sets_per_wk", "sets/week"),
    ("_g_per_kg", "g/kg/day"),
    ("_per_yr", "1/year"),
    ("_per_h", "1/h"),
    ("_mmol_L", "mmol/L"),
    ("_pg_mL", "pg/mL"),
    ("_ng_mL", "ng/mL"),
    ("_tau_h", "h"),
    ("_time_h", "h"),
    ("_yr", "year"),
    ("_h", "h"),
    ("_frac_vo2max", "fraction of VO2max"),
    ("_frac", "fraction"),
)


def unit_of(name: str) -> str:
    """The unit a parameter's name declares (``"1"`` for dimensionless)."""
    for suffix, unit in _UNIT_SUFFIXES:
        if name.endswith(suffix):
            return unit
    return "1"


def unknown_parameter_message(name: str) -> str:
    """Message for an unknown parameter name, with close matches when there are any."""
    close = difflib.get_close_matches(name, Parameters.names(), n=3, cutoff=0.6)
    hint = (
        f"did you mean {', '.join(repr(c) for c in close)}?"
        if close
        else "run 'musclebrain params' for the list of names."
    )
    return f"unknown model parameter {name!r}: {hint}"


def check_override(name: str, value: object) -> str | None:
    """Problem text for an override, or ``None`` if it is acceptable."""
    if name not in Parameters.names():
        return unknown_parameter_message(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"parameter {name!r} must be a number, got {reprlib.repr(value)}"
    lo, hi = Parameters.spec(name)["lower"], Parameters.spec(name)["upper"]
    if not math.isfinite(float(value)) or not lo <= float(value) <= hi:
        return (
            f"parameter {name!r} = {value!r} is outside its bounds: use a value between "
            f"{lo:g} and {hi:g} ({unit_of(name)})"
        )
    return None


DEFAULTS = Parameters()
