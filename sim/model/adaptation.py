r"""Adaptation: recent resistance volume, strength, aerobic fitness and fatigue.

Banister-like impulse responses (``hellard2006``; illustrative constants, the fitted values are
poorly identified). Recovery :math:`\varrho \in (0, 1]` from sleep and protein (claim C11)
scales fatigue clearance and adaptation; high fatigue :math:`\Psi` blunts adaptation.

Recent weekly sets (volume memory of one week), with :math:`n` the working sets per hour during resistance work.

Strength :math:`S` (``peterson2010``, ``beneka_borde2015``, ``schoenfeld2017``): each set builds
strength in proportion to its relative intensity above a floor, with diminishing returns
in weekly volume and a ceiling; gains fade over months without training (``lovell2010``).

Fitness :math:`F` (``bouchard1999``): impulse :math:`(x / 0.6)^2` per hour of aerobic work
(intervals count most), a small share of resistance work, and everyday walking.

Fatigue :math:`\Psi` (training load :math:`\lambda` per hour; 1 ≈ a week of moderate training).

Recent training :math:`T` (0 to 1): filled within minutes by any session, whatever its volume,
and fading over days; it tells the reserve whether training is still going on.

Training status :math:`\Sigma`: recent training averaged over about a week. Aerobic adaptation
(mitochondrial biogenesis) builds on the transient signalling bursts of repeated sessions;
mitochondrial enzyme activities rise from the third session on (``perry2010``): a session's
fitness stimulus is realised in full once the status reaches :math:`\Sigma_F` and with the square of
the status's share of it below (:math:`g_F = \min(\Sigma/\Sigma_F, 1)^2`: little from the first two
sessions, more from the third), so one bout leaves fitness nearly unchanged.

:math:`\chi_S, \chi_F` are individual responsiveness factors (1 by default; sampled in cohorts).

The equations are written once, in :mod:`sim.model.equations`, and shown with every symbol's
parameter, unit and source in ``docs/model.md`` (section 6, generated); a test checks the
code below against them (``tests/unit/test_equations.py``).
"""

from __future__ import annotations

from typing import Any

from sim.model.constants import Constants, relu
from sim.model.drive import Drive

PENDING = ("strength_pending", "fitness_pending")
"""The pending adaptations: stores of a session's stimulus, each realised at its own rate
(1 / lag) into strength or fitness, the only other states whose rates read them."""


def training_load_per_h(d: Drive) -> Any:
    """Training load rate of a drive segment [load units per hour]."""
    x = d.aerobic_frac_vo2max / 0.6
    return x * x + (d.resistance_frac_1rm / 0.75) * d.muscle_mass_frac * d.sets_per_h / 3.6


def intensity_efficacy(c: Constants, r: Any) -> Any:
    """Strength stimulus per set at relative intensity ``r`` (1 at 75 % 1RM) [1]."""
    floor = c.strength_intensity_floor_frac
    return relu(r - floor) / (0.75 - floor)


def rates(
    c: Constants,
    d: Drive,
    weekly_sets: Any,
    strength: Any,
    fitness: Any,
    fatigue: Any,
    recent: Any,
    strength_pending: Any,
    fitness_pending: Any,
    status: Any,
) -> tuple[Any, Any, Any, Any, Any, Any, Any, Any]:
    """Time derivatives of weekly sets, strength, fitness, fatigue, recent training, the
    two pending adaptations (the stimulus a session leaves, realised over days) and the
    training status."""
    d_sets = d.sets_per_h - weekly_sets / c.sets_memory_tau_h

    s0, f0 = c.strength0, c.fitness0
    stimulus_s = (
        c.strength_gain_per_set
        * c.innervation_frac  # only innervated, recruited muscle is trained
        * d.sets_per_h
        * intensity_efficacy(c, d.resistance_frac_1rm)
        * d.muscle_mass_frac**0.5
    )
    x = d.aerobic_frac_vo2max / 0.6
    walk = c.walking_frac_vo2max / 0.6
    impulse = (
        x * x
        + c.fitness_resistance_weight * d.muscle_mass_frac * d.resistance_frac_1rm
        + c.walk_duty * walk * walk
    )
    # A session adds to the pending adaptations; they are realised at rate 1 / tau over the
    # following days (protein synthesis, mitochondrial biogenesis), blunted by fatigue then.
    lag = c.adaptation_lag_tau_h
    d_pending_s = (
        stimulus_s / (1.0 + relu(weekly_sets) / c.strength_volume_half_sets_per_wk)
        - strength_pending / lag
    )
    d_pending_f = c.fitness_gain_per_h * impulse - fitness_pending / lag
    # fatigue >= 0: relu keeps rounding below 0 off the denominator
    efficiency = c.recovery / (1.0 + relu(fatigue) / c.fatigue_adaptation_half)

    gained_s = strength - s0
    headroom_s = relu(1.0 - gained_s / (c.strength_ceiling_frac * s0))
    d_strength = (
        relu(strength_pending) / lag * efficiency * c.strength_responsiveness * s0 * headroom_s
        - gained_s / c.strength_detraining_tau_h
    )

    gained_f = fitness - f0
    headroom_f = relu(1.0 - gained_f / (c.fitness_ceiling_frac * f0))
    # aerobic adaptation needs repeated sessions: realised in full from a training status of
    # fitness_status_full on, with the square of its share below it (one bout leaves the
    # status low; the first two sessions of a programme bring little)
    repeated = (1.0 - relu(1.0 - status / c.fitness_status_full)) ** 2
    d_fitness = (
        relu(fitness_pending)
        / lag
        * efficiency
        * c.fitness_responsiveness
        * f0
        * headroom_f
        * repeated
        - gained_f / c.fitness_detraining_tau_h
    )

    d_fatigue = c.fatigue_per_load * training_load_per_h(d) - c.recovery * fatigue / c.fatigue_tau_h
    d_recent = -recent / c.training_memory_tau_h
    if d.active:  # a session fills the memory within minutes, whatever its volume
        d_recent = d_recent + c.training_onset_per_h * (1.0 - recent) * (d.muscle_mass_frac > 0.0)
    d_status = (recent - status) / c.training_status_tau_h
    return d_sets, d_strength, d_fitness, d_fatigue, d_recent, d_pending_s, d_pending_f, d_status
