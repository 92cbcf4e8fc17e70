"""The population a virtual trial draws its people from: distributions, as plain values.

Validated from a trial file's ``population`` section (:mod:`sim.input.trial_schema`) and
sampled by :func:`sim.running.cohort.sample_people`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Population:
    """Distributions individuals are drawn from."""

    age_mean_years: float = 70.0
    age_sd_years: float = 5.0
    age_min_years: float = 50.0
    age_max_years: float = 95.0
    female_fraction: float = 0.6
    met_allele_frequency: float = 0.2
    status_weights: tuple[float, float, float] = (1.0, 0.0, 0.0)
    strength_cv: float = 0.15
    fitness_cv: float = 0.15
    igf1_cv: float = 0.25
    responsiveness_cv: float = 0.3
    strength_responsiveness_cv: float = 0.6
    strength_nonresponder_fraction: float = 0.07
    fitness_nonresponder_fraction: float = 0.17
    attendance_concentration: float = 20.0
    sleep_h: float = 7.5
    protein_g_per_kg: float = 1.2
    steps_per_day: float = 0.0
