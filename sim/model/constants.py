"""Per-run constants: model parameters joined with one participant's characteristics.

:func:`compile_constants` resolves everything the right-hand side needs (rates from
half-times, the genotype factor, the recovery factor, the baselines) once per run, so that
``rhs`` does arithmetic only. The attributes may be floats (one person) or NumPy arrays of
shape ``(N,)`` (a cohort): the equations are written for both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model.parameters import Parameters
from sim.model.vocabulary import COGNITIVE_STATUSES, GENOTYPES, HOURS_PER_YEAR

__all__ = ["COGNITIVE_STATUSES", "GENOTYPES", "HOURS_PER_YEAR"]  # re-exported for the model


@dataclass(frozen=True)
class Subject:
    """One participant, as the model sees them (defaults: a healthy 65-year-old)."""

    age_years: float = 65.0
    bdnf_genotype: str = "val/val"
    cognitive_status: str = "healthy"
    sleep_h: float = 7.5
    protein_g_per_kg: float = 1.2
    steps_per_day: float = 0.0
    baseline_strength_rel: float = 1.0
    baseline_fitness_rel: float = 1.0
    baseline_igf1_ng_mL: float | None = None
    pathology_load: float = 0.0
    pathology_progression_per_yr: float = 0.0
    strength_responsiveness: float = 1.0
    fitness_responsiveness: float = 1.0


def relu(x: Any) -> Any:
    """``max(0, x)`` for floats and arrays alike.

    ``0.5 (x + |x|)`` is exactly ``max(0, x)`` and faster than ``np.maximum`` on a float;
    on an array one ``np.maximum`` call beats its three.
    """
    if isinstance(x, float):
        return 0.5 * (x + abs(x))
    return np.maximum(x, 0.0)


def at_least(x: Any, lo: float) -> Any:
    """``max(x, lo)`` for floats and arrays alike; NaN stays NaN (the solver reports it).

    Guards a state raised to a negative power: it is the identity wherever the state is
    physiological, and keeps a trial step that overshoots from dividing by zero.
    """
    if isinstance(x, float):
        return lo if x < lo else x
    return np.maximum(x, lo)


def power(x: Any, n: Any) -> Any:
    """``x ** n`` for floats and arrays alike, quicker on arrays where it can be.

    NumPy's general power of an array takes about 25 times as long as a product: a
    whole-number exponent from 2 to 8 is taken by repeated squaring, and a positive float
    raised to an array by ``exp(n ln x)`` (both within a few units in the last place of
    ``**``). Floats, and any other case, use ``**``.
    """
    if isinstance(x, float):
        if isinstance(n, np.ndarray) and x > 0.0:
            return np.exp(n * math.log(x))
        return x**n
    if isinstance(n, float) and n.is_integer() and 2.0 <= n <= 8.0:
        k, base, result = int(n), x, None
        while True:
            if k & 1:
                result = base if result is None else result * base
            k >>= 1
            if not k:
                return result
            base = base * base
    return x**n


class Constants:
    """Attribute bag of every parameter plus the derived per-run constants."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:  # only for names that were never set
        raise AttributeError(f"no model constant called {name!r}")

    def vectorised(self) -> Constants:
        """A copy whose ``exp`` works on arrays, for states of shape ``(N_STATES, N)``."""
        import numpy as np

        return Constants({**self.__dict__, "exp": np.exp})


def igf1_age_baseline_ng_mL(p: Parameters, age_years: float) -> float:
    """Population-median IGF-1 at an age: ``G30 (1 - d)^(age - 30)`` (Gasco 2007)."""
    return p.igf1_at_30y_ng_mL * (1.0 - p.igf1_decline_per_yr) ** (age_years - 30.0)


def genotype_factor(p: Parameters, genotype: str) -> float:
    """Activity-dependent BDNF release factor of a Val66Met genotype (Egan 2003)."""
    return {
        "val/val": 1.0,
        "val/met": p.genotype_factor_val_met,
        "met/met": p.genotype_factor_met_met,
    }[genotype]


def recovery_factor(p: Parameters, sleep_h: float, protein_g_per_kg: float) -> float:
    """Recovery multiplier in (0, 1]: sleep below the reference and low protein slow recovery."""
    sleep = 1.0 - p.recovery_sleep_penalty_per_h * max(0.0, p.recovery_sleep_reference_h - sleep_h)
    protein = 0.6 + 0.4 * min(1.0, protein_g_per_kg / p.recovery_protein_reference_g_per_kg)
    return max(0.2, sleep) * protein


def vulnerability(p: Parameters, status: str, age_years: float) -> float:
    """Gain multiplier of cognition per reserve: larger in the oldest and the vulnerable."""
    by_status = {
        "healthy": 1.0,
        "subjective_decline": p.vulnerability_subjective_decline,
        "mci": p.vulnerability_mci,
    }[status]
    return by_status * (1.0 + p.vulnerability_age_per_yr * max(0.0, age_years - 65.0))


IL6_RELEASE_FULL_UNTIL_YEARS = 25.0
"""Age up to which muscle releases IL-6 fully (the young groups of the sources are 20-30 y)."""


def il6_age_factor(p: Parameters, age_years: float) -> float:
    """Share of the young IL-6 release at ``age_years`` (1 up to 25 y, then exponential)."""
    years = max(0.0, age_years - IL6_RELEASE_FULL_UNTIL_YEARS)
    return math.exp(-p.il6_release_age_decline_per_yr * years)


def compile_constants(p: Parameters, s: Subject) -> Constants:
    """Join parameters and a subject into the constants ``rhs`` reads: every parameter, ``exp``
    and the derived constants (:func:`derived_constants`)."""
    values: dict[str, Any] = p.as_dict()
    values["exp"] = math.exp  # one person: floats; see Constants.vectorised
    values.update(derived_constants(p, s))
    return Constants(values)


def derived_constants(p: Parameters, s: Subject) -> dict[str, Any]:
    """The constants derived from parameters ``p`` and subject ``s`` (:func:`compile_constants`
    adds them to the parameters)."""
    igf1_age0 = igf1_age_baseline_ng_mL(p, s.age_years)
    igf1_start = igf1_age0 if s.baseline_igf1_ng_mL is None else s.baseline_igf1_ng_mL
    return dict(
        lactate_clearance_per_h=math.log(2.0) / p.lactate_half_time_h,
        age0_years=s.age_years,
        igf1_scale=igf1_start / igf1_age0,
        igf1_start_ng_mL=igf1_start,
        igf1_response_odds0=math.exp(
            (s.age_years - p.igf1_response_age_mid_yr) / p.igf1_response_age_width_yr
        ),
        genotype=genotype_factor(p, s.bdnf_genotype),
        il6_age_factor=il6_age_factor(p, s.age_years),
        recovery=recovery_factor(p, s.sleep_h, s.protein_g_per_kg),
        vulnerability=vulnerability(p, s.cognitive_status, s.age_years),
        decline_multiplier=p.decline_multiplier_mci if s.cognitive_status == "mci" else 1.0,
        strength0=s.baseline_strength_rel,
        fitness0=s.baseline_fitness_rel,
        walk_duty=min(1.0, s.steps_per_day / 100.0 / 1440.0),
        pathology_load=s.pathology_load,
        pathology_progression_per_yr=s.pathology_progression_per_yr,
        strength_responsiveness=s.strength_responsiveness,
        fitness_responsiveness=s.fitness_responsiveness,
    )
