r"""Muscle and metabolites: lactate, the IL-6 pulse and its anti-inflammatory arm.

Symbols: :math:`x` aerobic intensity [fraction of VO2max], :math:`r` resistance intensity
[fraction of current 1RM], :math:`m` muscle mass engaged [1], :math:`\nu` innervation [1],
:math:`F` relative fitness, time in hours.

Lactate (``menzies2010``, ``jssm2015``, ``vargasmolina2020``): aerobic work adds an excess from an
onset (the first threshold, a share of the lactate threshold) on, growing as a power of the
distance above it and :math:`E_{LT}` at the threshold; resistance work one in proportion to its
glycolytic work per hour, load x repetitions x sets per hour, times the muscle mass engaged
(so 4 x 10 at 70 % 1RM gives about twice the lactate of 4 x 4 at 85 %, as measured).

IL-6 (``fischer2006``, ``gray2009``): a muscle signal :math:`M` builds while the muscle works,
faster the larger it already is (IL-6 transcription rises as muscle glycogen falls), so plasma
IL-6 rises faster than linearly with duration (about 5-fold after 1 h, 10-19-fold after 3-5 h),
and is released into plasma, cleared within hours.

Anti-inflammatory arm (``frontpsychol2023``, ``cytokine2023``): the acute IL-6 excess leaves
a slow trace :math:`A` that lowers resting inflammation :math:`\Phi` after weeks.

The Hill exponent :math:`n_H` makes the fall sigmoidal: resting inflammation changes little in
the first weeks and only after ~8-12 weeks of training (``frontpsychol2023``).

Assumptions: lactate production is expressed as its steady-state excess; clearance does not
speed up during exercise; eccentric damage (late IL-6 peaks) is left out.

The equations are written once, in :mod:`sim.model.equations`, and shown with every symbol's
parameter, unit and source in ``docs/model.md`` (section 1, generated); a test checks the
code below against them (``tests/unit/test_equations.py``).
"""

from __future__ import annotations

from typing import Any

from sim.model.constants import Constants, power, relu
from sim.model.drive import Drive


def lactate_excess_mmol_L(c: Constants, d: Drive, fitness: Any) -> Any:
    """Steady-state lactate above rest that the current drive would sustain [mmol/L]."""
    # glycolytic work per hour (load x repetitions x sets) relative to 6 sets of 10 at 70 % an hour
    work = (d.resistance_frac_1rm / 0.7) * (d.sets_per_h / 6.0) * (d.reps_per_set / 10.0)
    excess = c.lactate_resistance_excess_mmol_L * d.muscle_mass_frac * work
    if d.aerobic:  # (x > 0) keeps individuals at rest at zero when x is an array
        threshold = c.lactate_threshold_frac_vo2max + c.lactate_threshold_fitness_shift * (
            fitness - c.fitness0
        )
        onset = c.lactate_onset_frac_threshold
        above = relu(d.aerobic_frac_vo2max / threshold - onset) / (1.0 - onset)
        excess = excess + c.lactate_at_threshold_excess_mmol_L * above**c.lactate_curve_exponent
    return excess


def il6_drive(c: Constants, d: Drive) -> float:
    """Drive of the muscle IL-6 signal: mass engaged times intensity, scaled by innervation."""
    return (
        c.innervation_frac
        * d.muscle_mass_frac
        * (d.aerobic_frac_vo2max + c.il6_resistance_weight * d.resistance_frac_1rm)
    )


def signal_rate(c: Constants, d: Drive, signal: Any) -> Any:
    """Time derivative of the muscle IL-6 signal [1/h]; it depends on the signal alone (with
    the drive), which lets a session's signal be solved in closed form
    (:mod:`sim.numerics.saturating`)."""
    # the signal speeds its own build-up while the muscle works (as glycogen falls), so the
    # plasma rise grows faster than linearly with duration; saturating, at most 1 + amplification
    m = relu(signal)
    build = (
        c.il6_signal_build_per_h
        * il6_drive(c, d)
        * (1.0 + c.il6_signal_amplification * m / (1.0 + m))
    )
    return build - c.il6_signal_decay_per_h * signal


def rates(
    c: Constants,
    d: Drive,
    lactate: Any,
    signal: Any,
    il6: Any,
    anti: Any,
    inflammation: Any,
    fitness: Any,
) -> tuple[Any, Any, Any, Any, Any]:
    """Time derivatives of lactate, IL-6 signal, plasma IL-6, anti-inflammatory signal and
    inflammation [units per hour]."""
    d_lactate = c.lactate_clearance_per_h * (
        c.lactate_rest_mmol_L + lactate_excess_mmol_L(c, d, fitness) - lactate
    )
    d_signal = signal_rate(c, d, signal)
    release = c.il6_rest_pg_mL * c.il6_release_per_h * c.il6_age_factor
    d_il6 = release * signal - c.il6_clearance_per_h * (il6 - c.il6_rest_pg_mL * inflammation)
    excess = relu(il6 / c.il6_rest_pg_mL - inflammation)
    d_anti = c.anti_inflammatory_gain_per_h * excess - anti / c.anti_inflammatory_tau_h
    # The signal is >= 0, but a step may leave it ~1e-14 below: relu keeps a fractional
    # Hill exponent (bounds [1, 6]) off a negative base (a complex power).
    hill = power(relu(anti) / c.anti_inflammatory_half, c.anti_inflammatory_hill)
    target = 1.0 - c.inflammation_reduction_max_frac * hill / (1.0 + hill)
    d_inflammation = (target - inflammation) / c.inflammation_tau_h
    return d_lactate, d_signal, d_il6, d_anti, d_inflammation
