r"""Endocrine: IGF-1, its slow training response and its protective middle range.

Baseline IGF-1 falls with age (``gasco2007``: ~206 ng/mL at 25-39 y, ~103 at ≥60 y, about
−1.9 %/yr), scaled to the participant's own baseline :math:`s_G` when one is given.

Resistance training raises it slowly (``borst2001``: ~+20 % within 13 weeks, then a plateau,
1 and 3 sets alike) in younger adults and barely in older ones (``borst2002``); a bout gives
no acute change (``kraemer1995``), which the slow time constant :math:`\tau_G` ensures; :math:`V` is the recent weekly
resistance sets.

The benefit of IGF-1 is a hump over the middle range (``rahmani2022``: lowest mortality at
120-160 ng/mL; ``tumati2016``: inverted U for cognition).

IGF-1 *potentiates* BDNF signalling (``carro2000``): brain BDNF drive is multiplied by
:math:`1 + p_G h(G)` rather than added to. The U-shape is an epidemiological relation; the
model uses it as an illustrative benefit curve, not a dose-response to exercise.

The equations are written once, in :mod:`sim.model.equations`, and shown with every symbol's
parameter, unit and source in ``docs/model.md`` (section 3, generated); a test checks the
code below against them (``tests/unit/test_equations.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.model.constants import HOURS_PER_YEAR, Constants, power, relu


def igf1_baseline_ng_mL(c: Constants, t: Any) -> Any:
    """Age-expected IGF-1 of this participant at time ``t`` [ng/mL].

    :math:`s_G G_{30} (1 - d)^{a - 30}` at their age :math:`a` (years), written as their value
    at the start, ``igf1_start_ng_mL``, times :math:`1 - d` to the power of the years since:
    for a cohort a number, where the first form takes an exponential per person a call.
    """
    return c.igf1_start_ng_mL * power(1.0 - c.igf1_decline_per_yr, t / HOURS_PER_YEAR)


def igf1_benefit(c: Constants, igf1: Any, exp: Callable[[Any], Any] | None = None) -> Any:
    """Hump-shaped benefit of an IGF-1 level, 1 at the optimum [1].

    ``exp`` defaults to the run's own (``math.exp`` for one person); pass ``numpy.exp`` for
    arrays of samples.
    """
    z = (igf1 - c.igf1_optimum_ng_mL) / c.igf1_hump_width_ng_mL
    return (exp or c.exp)(-0.5 * z * z)


def rate(c: Constants, t: float, igf1: Any, weekly_sets: Any) -> Any:
    """Time derivative of serum IGF-1 [ng/mL/h]."""
    # 1 / (1 + exp((age - mid) / width)) at age age0 + t/yr, as the odds at the start times
    # an exponential of the time: for a cohort one number, not one exponential per person
    odds = c.igf1_response_odds0 * c.exp(t / (HOURS_PER_YEAR * c.igf1_response_age_width_yr))
    responsive = 1.0 / (1.0 + odds)
    weekly_sets = relu(weekly_sets)  # >= 0; rounding below must not flip the saturation
    volume = weekly_sets / (weekly_sets + c.igf1_rt_half_sets_per_wk)
    target = igf1_baseline_ng_mL(c, t) * (1.0 + c.igf1_rt_gain_frac * responsive * volume)
    return (target - igf1) / c.igf1_tau_h
