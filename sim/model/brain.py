r"""Brain: convergence on hippocampal BDNF, serum BDNF, and the cognitive reserve.

Brain BDNF :math:`B` (``rasmussen2009``, ``wrann2013``, ``moon2016``, ``szuhany2015``). The
acute signals are lactate above rest, irisin and cathepsin B rises, the aerobic metabolic
drive :math:`x` (plus everyday walking) and a weak muscle-BDNF path (``matthews2009``):

The pairwise products make the synergy explicit (claim C3: myokines amplify each other). The
Val66Met factor :math:`g` (``egan2003``) blunts activity-dependent expression and release
(training-induced, so the fitness-driven part too: ``canivet2015``); inflammation
:math:`\Phi` suppresses the whole drive; fitness raises resting expression (``dinoff2016``).

Serum BDNF :math:`S_B` (``ferris2007``, ``nofuji2012``): mostly brain-derived (share
:math:`\eta`); it follows the fitness-driven part of the brain-BDNF target,
the chronic drive :math:`C_B`, and an acute release that
needs intensity above the ventilatory threshold and clears within 15-60 min.

Cognitive reserve :math:`R_b` (``erickson2011``, ``mavros2017``, ``fiataronesingh2014``): built
by brain BDNF above baseline, strength and fitness gained, amplified by the IGF-1 middle range;
with diminishing returns in the training dose (:math:`D_{1/2}`: frequency and dose barely
moderate cognitive effects in healthy older adults, ``sanders2019``; once- and twice-weekly
training gave similar executive gains, ``liuambrose2010``); saturating; decays over about a
year and a half once training stops. Strength counts while resistance
training goes on (recent weekly sets :math:`V`, gate :math:`V_g`): the SMART mediation is of
strength *gained by training* (``mavros2017``), not of strength held after it stops. The
whole build is gated by recent training (:math:`T`, filled by any session and fading over
three days; a steep gate :math:`T_g`): reserve is built while training goes on, stops within
about ten days of the last session, and then fades (``ferreira2024``: decline after 10 days to
16 weeks of detraining).

Observables (see :func:`observables`): ``reserve`` is the built reserve less the age-related
loss :math:`\ell` (×:math:`\mu` in MCI). ``cognition_z`` is not a multiple of it: the built
reserve raises the score (:math:`v` is the vulnerability gain: oldest, subjective decline, MCI,
claim C20), while the age-related cognitive decline :math:`d` and the pathology :math:`Q(t)`
lower it, both by less when the built reserve is high (claim C19: reserve buffers decline).
The start's score already includes the cost of :math:`Q_0`; reserve built by training then
buffers it too, so a trained brain with plaques gains more than one without (the vulnerable
gain most, claim C20); ``reserve_buffer_scale`` sets how strongly (illustrative).

The equations are written once, in :mod:`sim.model.equations`, and shown with every symbol's
parameter, unit and source in ``docs/model.md`` (sections 4 and 5, generated); a test checks the
code below against them (``tests/unit/test_equations.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.model.constants import HOURS_PER_YEAR, Constants, at_least, power, relu
from sim.model.drive import Drive

INFLAMMATION_FLOOR = 1e-9
"""Floor of inflammation under its negative power: never reached by a physiological state."""


def chronic_drive(c: Constants, fitness: Any) -> Any:
    """Non-activity-dependent brain BDNF drive from aerobic fitness gained [1]."""
    return c.bdnf_weight_fitness * relu(fitness - c.fitness0)


def acute_drive(
    c: Constants, d: Drive, lactate: Any, irisin: Any, ctsb: Any, bdnf_muscle: Any
) -> Any:
    """Activity-dependent brain BDNF drive with explicit pairwise synergy [1]."""
    s_lac = c.bdnf_weight_lactate_per_mmol_L * relu(lactate - c.lactate_rest_mmol_L)
    s_iri = c.bdnf_weight_irisin * relu(irisin - 1.0)
    s_ctsb = c.bdnf_weight_ctsb * relu(ctsb - 1.0)
    s_aer = c.bdnf_weight_aerobic * (d.aerobic_frac_vo2max + c.walk_duty * c.walking_frac_vo2max)
    # The sum and the sum of pairwise products s_i s_j (i < j) from the same partial sums.
    tail_ctsb = s_ctsb + s_aer
    tail_iri = s_iri + tail_ctsb
    total = s_lac + tail_iri
    pairs = s_lac * tail_iri + s_iri * tail_ctsb + s_ctsb * s_aer
    return total + c.bdnf_synergy * pairs + c.bdnf_weight_muscle * relu(bdnf_muscle - 1.0)


def serum_release_frac(c: Constants, d: Drive, brain: Any) -> Any:
    """Acute activity-dependent serum BDNF release, as a fraction of rest [1]."""
    if not d.active:
        return 0.0
    vt = c.ventilatory_threshold_frac_vo2max
    u = relu(d.aerobic_frac_vo2max - vt) / (1.0 - vt) + (
        c.resistance_bdnf_release_weight
        * d.muscle_mass_frac
        * relu(d.resistance_frac_1rm - 0.7)
        / 0.3
    )
    return c.bdnf_release_max_frac * c.genotype * brain * u / (u + c.bdnf_release_half_frac)


def activity_gate(c: Constants, recent: Any) -> Any:
    """Share of the reserve build let through by recent training :math:`T` (a Hill gate) [1].

    Steep (power :math:`n_g`): open (> 0.8) through the week between once-weekly sessions,
    closed within about ten days of the last one, whatever the training volume was.
    """
    f = power(relu(recent), c.reserve_gate_hill)
    return f / (f + c.reserve_activity_gate**c.reserve_gate_hill)


def rates(
    c: Constants,
    d: Drive,
    brain: Any,
    serum: Any,
    reserve_built: Any,
    lactate: Any,
    irisin: Any,
    ctsb: Any,
    bdnf_muscle: Any,
    inflammation: Any,
    benefit: Any,
    strength: Any,
    fitness: Any,
    weekly_sets: Any,
    recent: Any,
    serum_bdnf: bool = True,
) -> tuple[Any, Any, Any, Any]:
    """Time derivatives of brain BDNF, serum BDNF, built reserve and the brain-BDNF AUC
    (``serum_bdnf=False``: serum BDNF's rate is left out, 0.0, for a caller that does not
    integrate it; nothing else reads it)."""
    # Inflammation stays above 1 - inflammation_reduction_max_frac >= 0.5; the floor only
    # keeps an overshooting trial step from a zero or negative base of the negative power.
    potentiation = (1.0 + c.igf1_bdnf_potentiation * benefit) * at_least(
        inflammation, INFLAMMATION_FLOOR
    ) ** (-c.bdnf_inflammation_exponent)
    chronic = c.genotype * chronic_drive(c, fitness) * potentiation
    acute = c.genotype * acute_drive(c, d, lactate, irisin, ctsb, bdnf_muscle) * potentiation
    d_brain = (1.0 + chronic + acute - brain) / c.bdnf_brain_tau_h
    d_serum = 0.0
    if serum_bdnf:
        serum_drive = 1.0 + c.bdnf_serum_brain_share * chronic
        if d.active:  # the acute release is 0 at rest
            serum_drive = serum_drive + serum_release_frac(c, d, brain)
        serum_target = c.bdnf_serum_rest_ng_mL * serum_drive
        d_serum = (serum_target - serum) / c.bdnf_serum_tau_h
    brain_excess = brain - 1.0
    # Weekly sets and fatigue are >= 0 (relu: rounding below 0 must not flip the sign of
    # the saturations or make their denominators vanish).
    weekly_sets = relu(weekly_sets)
    build = (1.0 + c.reserve_weight_igf1 * benefit) * (
        c.reserve_weight_bdnf * relu(brain_excess)
        + c.reserve_weight_strength
        * relu(strength / c.strength0 - 1.0)
        * weekly_sets
        / (weekly_sets + c.reserve_strength_gate_sets_per_wk)
        + c.reserve_weight_fitness * relu(fitness / c.fitness0 - 1.0)
    )
    dose = build / (1.0 + build / c.reserve_drive_half)  # more training: diminishing returns
    dose = dose * activity_gate(c, recent)  # only while training goes on
    d_reserve = (
        c.reserve_build_per_h * dose * (1.0 - reserve_built / c.reserve_max)
        - reserve_built / c.reserve_decay_tau_h
    )
    return d_brain, d_serum, d_reserve, brain_excess


def observables(c: Constants, t: Any, reserve_built: Any) -> tuple[Any, Any]:
    """``reserve`` and ``cognition_z`` at times ``t`` [h] from the built reserve.

    Cognition has determinants of its own: the reserve built by training raises it, and the
    age-related decline and the pathology lower it, both buffered by the built reserve.
    """
    years = t / HOURS_PER_YEAR
    loss = c.reserve_age_loss_per_yr * c.decline_multiplier * years
    reserve = reserve_built - loss
    pathology = c.pathology_load + c.pathology_progression_per_yr * years
    buffer = np.exp(-relu(reserve_built) / c.reserve_buffer_scale)
    decline = c.cognitive_decline_z_per_yr * c.decline_multiplier * years
    cognition = (
        c.cognition_z_per_reserve * c.vulnerability * reserve_built
        - decline * buffer
        - c.pathology_z_per_unit * (pathology * buffer - c.pathology_load)
    )
    return reserve, cognition
