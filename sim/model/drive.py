"""What a bout does to the body while it lasts: the piecewise-constant drive of the ODEs.

A bout is cut into segments of constant :class:`Drive` (one for an aerobic or resistance
session; warm-up, work and recovery intervals for HIIT). At rest the drive is :data:`REST`.

Conversions
-----------
- %HRmax to %VO2max (Swain et al. 1994, key ``swain1994``):
  ``%HRmax = 0.64 %VO2max + 37``, so ``x = (%HRmax - 37) / 64`` as a fraction of VO2max.
- Muscle mass engaged [fraction of whole-body skeletal muscle]: compound lifts ~1.0,
  bodyweight 0.6, elastic bands 0.5, isolation 0.35; running/cycling 0.7 (illustrative,
  after ``fischer2006``: release scales with the muscle mass engaged).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

MUSCLE_MASS_FRAC: dict[str, float] = {
    "compound": 1.0,
    "bodyweight": 0.6,
    "bands": 0.5,
    "isolation": 0.35,
    "aerobic": 0.7,
}


@dataclass(frozen=True)
class Drive:
    """Constant exercise drive over one segment of time.

    Attributes
    ----------
    aerobic_frac_vo2max
        Relative aerobic intensity [fraction of current VO2max]; 0 outside aerobic/HIIT work.
    resistance_frac_1rm
        Relative resistance intensity [fraction of current 1RM]; 0 outside resistance work.
    sets_per_h
        Working sets per major muscle group per hour [sets/h].
    muscle_mass_frac
        Fraction of skeletal muscle mass engaged [1].
    reps_per_set
        Repetitions per working set [1]; 0 outside resistance work.
    """

    aerobic_frac_vo2max: Any = 0.0
    resistance_frac_1rm: Any = 0.0
    sets_per_h: Any = 0.0
    muscle_mass_frac: Any = 0.0
    reps_per_set: Any = 0.0

    @property
    def active(self) -> bool:
        """Whether anyone exercises in this segment (fields may be arrays, one per person)."""
        return any_positive(self.muscle_mass_frac)

    @property
    def aerobic(self) -> bool:
        """Whether anyone does aerobic work in this segment."""
        return any_positive(self.aerobic_frac_vo2max)


REST = Drive()


def any_positive(x: Any) -> bool:
    """``x > 0`` for a float, ``any(x > 0)`` for an array of individuals."""
    return bool(x > 0.0) if isinstance(x, float) else bool(np.any(np.asarray(x) > 0.0))


def vo2max_frac_from_hrmax(pct_hrmax: float) -> float:
    """Fraction of VO2max for a percentage of maximal heart rate (Swain 1994), at least 0.05."""
    return max(0.05, (pct_hrmax - 37.0) / 64.0)
