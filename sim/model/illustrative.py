"""Why each ``illustrative`` parameter is illustrative.

A parameter is marked ``source="illustrative"`` in :mod:`sim.model.parameters` when the evidence in
``docs/references.md`` does not pin its value down. This table gives the reason for each one,
and what (if anything) constrains it; ``tools/make_docs.py`` prints it in docs/model.md and a
test checks that every illustrative parameter, and only those, has a reason here.
"""

from __future__ import annotations

WHY_ILLUSTRATIVE: dict[str, str] = {
    "lactate_onset_frac_threshold": (
        "Blood lactate stays near rest in steady moderate work (64-76 % HRmax) and passes the "
        "first threshold (LT1, about 2 mmol/L) only near its top; the sources give LT1 in "
        "mmol/L (1.73 +- 0.63, J Sports Sci Med 14:29), not as a share of the second threshold. "
        "0.7 of the threshold (42 % VO2max, 64 % HRmax, untrained) keeps 45 min at 70 % HRmax "
        "at 1.7 mmol/L (T2: <= 2; 2.4 with the former exponential curve, which had no onset) "
        "and 76 % HRmax, the band's top, at 4.0."
    ),
    "lactate_threshold_fitness_shift": (
        "Training moves the lactate threshold up, but no source gives a shift per unit of VO2max "
        "gained; set so that 24 weeks of aerobic training move it a few percentage points."
    ),
    "il6_signal_build_per_h": (
        "Intramuscular IL-6 kinetics are not measured in the sources; only plasma IL-6 is. With "
        "the decay rate it shapes the plasma rise, whose peak and return are fitted (T1)."
    ),
    "il6_signal_decay_per_h": (
        "As for the build-up rate: only the plasma time course (T1) constrains the pair."
    ),
    "il6_release_age_decline_per_yr": (
        "Older adults' plasma IL-6 barely rises with exercise: no change after resistance work "
        "in men over 65 (Cornish 2018) or after sustained aerobic work at 75 y, where the young "
        "rose +112 % (Int SportMed J 14(1)); +65 % in overweight women of 55-75 y. No source "
        "gives a rate per year; 0.025/yr above 25 y leaves 65-75-year-olds a third of the young "
        "release, which meets those three facts (F20, F22, F24)."
    ),
    "training_status_tau_h": (
        "Mitochondrial enzyme activities rise only from the third session of a programme on "
        "(Perry 2010), but no source gives a time constant for a training status; 1 week, with "
        "the squared gate, makes a lone bout bring a twelfth of what the same bout brings within "
        "a programme (VO2max +0.06 % a week after single_bout.yaml's run; +1.6 % without the "
        "gate, +0.3 % with a gate in proportion to the status) and leaves 24-week gains "
        "unchanged."
    ),
    "fitness_status_full": (
        "With the status's time constant it sets how many sessions it takes before aerobic "
        "stimuli count in full (about 1-2 weeks at three sessions a week; squared below it, so "
        "the first two sessions bring little, as Perry 2010 found); not measured."
    ),
    "il6_signal_amplification": (
        "Plasma IL-6 rises about exponentially with duration (Fischer 2006: 5-fold after 1 h "
        "(Gray 2009), 10-fold at 21 km and 18.5-fold at 53 km of a run, 19-fold after 5 h of knee "
        "extensions); the sources give no intramuscular kinetics. The speed-up saturates (at most "
        "1 + this factor), so no combination of parameters lets the signal run away; 5 makes "
        "4 h give 2-6 times the 1-hour fold (F15, F16) with the 1-hour pulse refitted (T1)."
    ),
    "innervation_frac": (
        "A teaching switch (denervated or unrecruited muscle releases little and is not "
        "trained, claim C4); 1.0 for every healthy participant."
    ),
    "anti_inflammatory_tau_h": (
        "The evidence gives only the delay of the fall of resting inflammation (not before ~8-12 "
        "weeks, T12), not the memory of the underlying signal; 8 weeks reproduces that delay."
    ),
    "anti_inflammatory_half": (
        "Only the size of the fall (SMD ~0.15-0.45, T12) is observed; this saturation constant "
        "is chosen jointly with the largest fall to land inside it."
    ),
    "ctsb_release_per_h": (
        "Plasma cathepsin B rises after intense running (Moon 2016; Mazo 2022: +20 +- 7 % 30 min "
        "after a bout at 80 % VO2max), but per-bout kinetics are not reported; the release is "
        "set so that such a bout gives about +20 % (fact F39, so F39 is no longer held out)."
    ),
    "ctsb_clearance_per_h": "No published clearance kinetics of plasma cathepsin B.",
    "fgf21_signal_build_per_h": (
        "Hepatic FGF-21 signalling is not measured; the plasma time course (peak ~1 h after, "
        "back at 3 h, Khalafi 2020) is set through the chain's rates and the plasma release "
        "instead."
    ),
    "signal_capacity_exponent": (
        "That stronger and fitter muscle releases more is qualitative in the sources (C6, C7); "
        "no exponent is measured."
    ),
    "bdnf_synergy": (
        "Synergy between myokines on hippocampal BDNF is a claim of the source articles, not a "
        "measured interaction (claim C3); only the joint BDNF response (T4, T5) is observed."
    ),
    "bdnf_inflammation_exponent": (
        "Inflammation suppresses BDNF signalling (qualitative); no dose-response is measured."
    ),
    "walking_frac_vo2max": (
        "Everyday walking pace varies widely; a typical light intensity for older adults."
    ),
    "sets_memory_tau_h": "A one-week training window, a modelling convention (weekly sets).",
    "fitness_resistance_weight": (
        "Resistance training raises VO2max a little in untrained older adults; the size varies "
        "between studies and is not pinned to a number."
    ),
    "fatigue_per_load": (
        "Banister fatigue has no physical unit; the scale is a convention (1 is about one week "
        "of moderate training), which the gates and thresholds are expressed in."
    ),
    "fatigue_tau_h": (
        "Fitted Banister fatigue time constants span 6-32 days between athletes; the 7-day "
        "acute-load convention is used."
    ),
    "recovery_sleep_reference_h": "The 7-9 h sleep recommendation, not a measured threshold.",
    "recovery_sleep_penalty_per_h": (
        "Short sleep impairs recovery (qualitative); no per-hour effect on fatigue clearance "
        "is measured."
    ),
    "fatigue_adaptation_half": (
        "Overreaching blunts adaptation (qualitative); chosen so that poor recovery and very "
        "high volume cost a noticeable part of the gain (claims C11, C14)."
    ),
    "reserve_build_per_h": (
        "Cognitive reserve is a latent construct: only trial effect sizes are observed, jointly "
        "with the cognition scale; set by hand against the virtual trials (T9, T10)."
    ),
    "reserve_max": "The reserve's scale is arbitrary; saturation at 1 fixes it.",
    "reserve_strength_gate_sets_per_wk": (
        "Encodes that strength counts while training goes on (Mavros 2017 mediation); the gate "
        "width is not observed, only that one session a week already helps (Liu-Ambrose 2010)."
    ),
    "cognition_z_per_reserve": (
        "Maps the arbitrary reserve scale to SD units; set with the build rate so that trial "
        "effects land at ~0.2-0.5 SD (T9, T10)."
    ),
    "pathology_z_per_unit": (
        "Pathology load is a teaching scalar (claim C19), not a measured biomarker scale."
    ),
    "reserve_gate_hill": (
        "The evidence says only that cognitive gains fade within 10 days to 16 weeks of stopping "
        "(Ferreira 2024); a steep gate (power 4) stays open through the week between "
        "once-weekly sessions and closes within about ten days of the last one."
    ),
    "training_memory_tau_h": (
        "No source measures a memory of recent training; 3 days with the gate at 0.05 lets the "
        "reserve build through a 7-day gap between sessions (gate > 0.8) and stop by day 10."
    ),
    "training_onset_per_h": (
        "Only says that a session of any usual length counts as training: a 45-minute session "
        "fills the memory to about 0.8, a 10-minute one to about 0.3, both far above the gate; "
        "faster filling would make every session a stiff stretch for the integrator."
    ),
    "cognitive_decline_z_per_yr": (
        "No source in the references gives the yearly fall of a cognitive composite; 0.03 SD a "
        "year keeps the untrained control arms of 24-week trials within their measurement noise "
        "(-0.014 SD), as the trials report, and makes the reserve's buffering of decline visible."
    ),
    "performance_fatigue_cost": (
        "Banister's fatigue gain is 1.5-3 times the fitness gain in teaching use and poorly "
        "identified in fits (Hellard 2006); in this model's units 0.1 per fatigue unit makes a "
        "taper after an overload block peak within one to three weeks (Hellard's fitted peaks: "
        "19 d, 7-35)."
    ),
    "il6_resistance_weight": (
        "Fischer 2006 ties IL-6 release to working muscle mass and duration but gives no "
        "resistance-to-aerobic ratio; 0.25 keeps the IL-6 of resistance work below that of "
        "aerobic work of equal length (C5: IL-6 barely moves after resistance work in older "
        "adults, Cornish 2018)."
    ),
    "anti_inflammatory_gain_per_h": (
        "The IL-6 to IL-1ra/IL-10 cascade (Fischer 2006) is described, not measured per hour; "
        "set with anti_inflammatory_half so that months of training lower resting "
        "inflammation by the size of T12 at 65 y (raised from 0.02 to 0.0544 when older adults' "
        "IL-6 pulses became a third of the young's, keeping their fall the same)."
    ),
    "inflammation_tau_h": (
        "The meta-analysis behind T12 (Front Psychol 2023) reports effects after 8 weeks or "
        "more, not a time constant; 3 weeks keeps resting inflammation slow next to the pulses."
    ),
    "anti_inflammatory_hill": (
        "The same meta-analysis shows no fall before about 8-12 weeks, not a Hill exponent; a "
        "steep response (4) gives that delay."
    ),
    "adaptation_lag_tau_h": (
        "Adaptation follows a session over days (muscle protein synthesis stays raised for one "
        "to two days, mitochondrial biogenesis signalling for days), but no source gives one "
        "time constant for 1RM or VO2max; 2 days removes the jump during a session and keeps "
        "the weekly time course of the calibrated gains."
    ),
}
