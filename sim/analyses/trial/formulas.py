"""Closed-form statistics of a trial: mean-change CIs, Hedges' g, expected g, responders, completers.

Pure functions of arrays; the per-arm and subgroup summaries that use them are in
:mod:`sim.analyses.trial.stats`.

- Mean change with a two-sided t-interval (``scipy.stats.t``).
- Hedges' g of the change, each arm against the control arm, with the large-sample normal
  interval of Hedges & Olkin (1985), *Statistical Methods for Meta-Analysis*, ch. 5:
  ``d = (m1 - m2) / s_pooled``, ``g = J d`` with ``J = 1 - 3 / (4 (n1 + n2) - 9)``,
  ``var(g) = (n1 + n2) / (n1 n2) + g**2 / (2 (n1 + n2))``.
- Responders: measured change above a threshold (by default half the measurement SD).
- Completers: people who completed at least ``min_fraction`` (default 2/3) of their arm's
  planned sessions; in an arm with no planned sessions (a sedentary control) everybody is a
  completer.
- ``expected_g``: the standardised difference of the *true* mean changes, scaled by the SD the
  measured change would have (pooled true-change variance + twice the measurement variance).
  It is what g estimates when the same people are re-measured many times, and it is free of
  the measurement-noise sampling error, so tests of orderings between arms can use it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

LEVEL = 0.95


def mean_ci(values: Any, level: float = LEVEL) -> tuple[float, float, float]:
    """Mean and two-sided t confidence interval.

    Parameters
    ----------
    values
        One sample.
    level
        Confidence level.

    Returns
    -------
    tuple of float
        ``(mean, low, high)``; the bounds are NaN with fewer than 2 values, the mean too with none.
    """
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return math.nan, math.nan, math.nan
    m = float(x.mean())
    if x.size < 2:
        return m, math.nan, math.nan
    half = (
        float(stats.t.ppf(0.5 + level / 2.0, x.size - 1)) * float(x.std(ddof=1)) / math.sqrt(x.size)
    )
    return m, m - half, m + half


def small_sample_correction(n1: int, n2: int) -> float:
    """Hedges' correction factor ``J = 1 - 3 / (4 (n1 + n2) - 9)`` (Hedges & Olkin 1985)."""
    return 1.0 - 3.0 / (4.0 * (n1 + n2) - 9.0)


def hedges_g(treated: Any, control: Any, level: float = LEVEL) -> tuple[float, float, float]:
    """Hedges' g of ``treated`` against ``control`` with its large-sample confidence interval.

    Uses the pooled SD, the small-sample correction ``J = 1 - 3 / (4 (n1 + n2) - 9)`` and the
    variance ``(n1 + n2) / (n1 n2) + g**2 / (2 (n1 + n2))`` of Hedges & Olkin (1985),
    *Statistical Methods for Meta-Analysis*, Academic Press, ch. 5.

    Parameters
    ----------
    treated, control
        The two samples (here: measured changes).
    level
        Confidence level of the normal interval.

    Returns
    -------
    tuple of float
        ``(g, low, high)``; all NaN if a sample has fewer than 2 values or both have no spread.
    """
    a, b = np.asarray(treated, dtype=float), np.asarray(control, dtype=float)
    n1, n2 = a.size, b.size
    if n1 < 2 or n2 < 2:
        return math.nan, math.nan, math.nan
    pooled = math.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
    if pooled == 0.0:
        return math.nan, math.nan, math.nan
    g = small_sample_correction(n1, n2) * (float(a.mean()) - float(b.mean())) / pooled
    se = math.sqrt((n1 + n2) / (n1 * n2) + g * g / (2.0 * (n1 + n2)))
    z = float(stats.norm.ppf(0.5 + level / 2.0))
    return g, g - z * se, g + z * se


def expected_g(true_treated: Any, true_control: Any, measurement_sd: float) -> float:
    """Standardised difference of true mean changes, scaled by the measured-change SD.

    Parameters
    ----------
    true_treated, true_control
        Noise-free changes of the two arms.
    measurement_sd
        SD of the measurement noise at one assessment (a change carries it twice).

    Returns
    -------
    float
        NaN if the scale is zero or a sample has fewer than 2 values.
    """
    a, b = np.asarray(true_treated, dtype=float), np.asarray(true_control, dtype=float)
    if a.size < 2 or b.size < 2:
        return math.nan
    pooled_var = ((a.size - 1) * a.var(ddof=1) + (b.size - 1) * b.var(ddof=1)) / (
        a.size + b.size - 2
    )
    scale = math.sqrt(pooled_var + 2.0 * measurement_sd**2)
    return (float(a.mean()) - float(b.mean())) / scale if scale > 0 else math.nan


def responder_fraction(change: Any, threshold: float) -> float:
    """Fraction of people whose change is strictly above ``threshold`` (NaN if nobody)."""
    x = np.asarray(change, dtype=float)
    return float(np.mean(x > threshold)) if x.size else math.nan


def completers(completed: Any, planned: int, min_fraction: float) -> np.ndarray:
    """Who completed at least ``min_fraction`` of ``planned`` sessions (all if none planned)."""
    done = np.asarray(completed, dtype=float)
    if planned <= 0:
        return np.ones(done.shape, dtype=bool)
    return done >= min_fraction * planned - 1e-9
