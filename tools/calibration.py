"""Quantitative evidence targets and the free parameters they identify.

Each :class:`Target` measures one quantity by running the model on a small in-code regimen
and compares it with a centre and an acceptable range from docs/targets.md.
Used by ``tools/calibrate.py`` (fitting) and ``tests/evidence/test_robustness.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.input.scenario import scenario_from_dict
from sim.model.parameters import Parameters
from sim.running.simulation import simulate


def _session(modality: str, **fields: object) -> dict[str, object]:
    return {"day": "mon", "start": "09:00", "modality": modality, **fields}


AEROBIC_60 = _session("aerobic", duration_min=60, intensity_pct_hrmax=72)
VT_PLUS_10 = _session("aerobic", duration_min=30, intensity_pct_vo2max=66)
HIIT = _session(
    "hiit",
    duration_min=38,
    intervals={
        "count": 4,
        "work_min": 4,
        "rest_min": 3,
        "work_pct_hrmax": 92,
        "rest_pct_hrmax": 65,
    },
)
RT_HYPERTROPHY = _session("resistance", duration_min=60, intensity_pct_1rm=70, sets=6, reps=10)


def _run(
    p: Parameters,
    sessions: list[dict[str, object]],
    weeks: int = 1,
    sample_min: float = 60,
    rule: str = "double",
    age: float = 65,
) -> Any:
    days = ("mon", "wed", "fri")
    expanded = [{**s, "day": days[i % 3]} for i, s in enumerate(sessions)]
    data = {
        "name": "calibration",
        "duration_weeks": weeks,
        "sample_min": sample_min,
        "participant": {"age_years": age},
        "progression": {"rule": rule},
        "blocks": [{"weeks": weeks, "sessions": expanded}],
    }
    return simulate(scenario_from_dict(data), params=p)


def _bout(
    p: Parameters, session: dict[str, object], age: float = 65
) -> tuple[np.ndarray, Any, float, float]:
    r = _run(p, [session], sample_min=1, age=age)
    b = r.bouts[0]
    return r.times_h, r.columns, b.start_h, b.end_h


GRAY_AGE = 25.0
"""Gray 2009 studied young men: the IL-6 targets are measured at 25 y."""


def il6_fold(p: Parameters) -> float:
    _, cols, _, _ = _bout(p, AEROBIC_60, GRAY_AGE)
    return float(cols["il6_pg_mL"].max() / p.il6_rest_pg_mL)


def il6_return_h(p: Parameters) -> float:
    t, cols, _, end = _bout(p, AEROBIC_60, GRAY_AGE)
    fold = cols["il6_pg_mL"] / p.il6_rest_pg_mL
    peak = t[np.argmax(fold)]
    return float(t[(t > peak) & (fold < 1.5)][0] - end)


def hiit_lactate(p: Parameters) -> float:
    return float(_bout(p, HIIT)[1]["lactate_mmol_L"].max())


def resistance_lactate(p: Parameters) -> float:
    return float(_bout(p, RT_HYPERTROPHY)[1]["lactate_mmol_L"].max())


def irisin_rise(p: Parameters) -> float:
    return float(_bout(p, AEROBIC_60)[1]["irisin_rel"].max() - 1.0)


def serum_bdnf_rise(p: Parameters) -> float:
    t, cols, start, _ = _bout(p, VT_PLUS_10)
    serum = cols["bdnf_serum_ng_mL"]
    return float(serum.max() / serum[np.searchsorted(t, start)] - 1.0)


def igf1_young_13wk(p: Parameters) -> float:
    rt = _session("resistance", duration_min=50, intensity_pct_1rm=75, sets=3, reps=8)
    r = _run(p, [rt, rt, rt], weeks=13, rule="autoregulated", age=37)
    return float(r.metrics["igf1_change_pct"] / 100.0)


def _strength_16wk(p: Parameters, pct: float) -> float:
    rt = _session("resistance", duration_min=50, intensity_pct_1rm=pct, sets=3, reps=8)
    r = _run(p, [rt, rt, rt], weeks=16, rule="autoregulated", age=69)
    return float(r.metrics["strength_change_pct"] / 100.0)


def strength_load_ratio(p: Parameters) -> float:
    """16-week gain at 70 % 1RM over the gain at 50 % (Beneka's intensity shape)."""
    return _strength_16wk(p, 70) / _strength_16wk(p, 50)


def strength_24wk_older(p: Parameters) -> float:
    """Relative 1RM gain of 24 weeks of 3x/week progressive RT at 80 % 1RM, 65 y."""
    rt = _session("resistance", duration_min=50, intensity_pct_1rm=80, sets=3, reps=8)
    r = _run(p, [rt, rt, rt], weeks=24, rule="double")
    return float(r.metrics["strength_change_pct"] / 100.0)


def resting_bdnf_aerobic(p: Parameters) -> float:
    zone2 = _session("aerobic", duration_min=45, intensity_pct_hrmax=65)
    r = _run(p, [zone2, zone2, zone2], weeks=24)
    return float(r.metrics["bdnf_serum_rest_change_pct"] / 100.0)


@dataclass(frozen=True)
class Target:
    """A measured quantity, its centre and acceptable range, and where they come from."""

    name: str
    measure: Callable[[Parameters], float]
    centre: float
    low: float
    high: float
    source: str

    def loss(self, value: float) -> float:
        return (value - self.centre) / (0.5 * (self.high - self.low))

    def met(self, value: float) -> bool:
        return self.low <= value <= self.high


TARGETS = (
    Target("T1 IL-6 fold, 60 min aerobic", il6_fold, 5.0, 3.0, 10.0, "Gray 2009"),
    Target("T1 IL-6 < 1.5x after end [h]", il6_return_h, 2.25, 1.5, 3.0, "Gray 2009"),
    # sources as in tests/evidence/facts.py (F46, F47); they were once swapped with the
    # resistance work's and the clearance fact's
    Target("T2 lactate peak, 4x4 HIIT", hiit_lactate, 11.0, 10.0, 12.0, "J Sports Sci Med 14:29"),
    Target("T2 lactate, hypertrophy RT", resistance_lactate, 6.5, 5.0, 8.0, "Wirtz 2014"),
    Target("T3 irisin rise, 60 min aerobic", irisin_rise, 0.15, 0.08, 0.22, "Winn 2017"),
    Target("T4 serum BDNF rise, VT+10%", serum_bdnf_rise, 0.15, 0.10, 0.30, "Ferris 2007"),
    Target(
        "T5 resting serum BDNF, aerobic 24 wk",
        resting_bdnf_aerobic,
        0.10,
        0.03,
        0.25,
        "Dinoff 2016",
    ),
    Target("T6 IGF-1 rise at 13 wk, 37 y", igf1_young_13wk, 0.20, 0.10, 0.30, "Borst 2001"),
    # Strength: the size of the gain from Peterson 2010's meta-analysis of adults >= 50 y, the
    # effect of load from Beneka's trial (66-72 y, 16 weeks at 50, 70 and 90 % 1RM) as a ratio.
    # Beneka's own gains (70 %: +7-8 %) are about a third of the meta-analysis's and of other
    # trials of older adults (Soendenbroe 2026: +19 +- 14 % in 16 weeks; Ahtiainen 2016:
    # +21 +- 12 %), so this model cannot meet both as absolute numbers; this calibration once
    # used Beneka's 70 and 50 % gains and Peterson's together, and met neither. Beneka's absolute
    # gains are now held-out facts (F115-F117) that the model does not meet.
    Target(
        "T11 strength 24 wk 3x/wk at 80 %", strength_24wk_older, 0.285, 0.24, 0.33, "Peterson 2010"
    ),
    Target(
        "T11 gain at 70 % / 50 % 1RM, 16 wk",
        strength_load_ratio,
        2.14,  # 7.5 / 3.5, the groups' mid-points; range: men 8 / 4 = 2.0, women 7 / 3 = 2.33
        1.75,  # 7 / 4, the smallest ratio the groups' gains allow
        2.67,  # 8 / 3, the largest
        "Beneka (Borde 2015)",
    ),
)

FREE = (
    "il6_release_per_h",
    "il6_clearance_per_h",
    "lactate_curve_exponent",
    "lactate_resistance_excess_mmol_L",
    "irisin_release_per_h",
    "bdnf_release_max_frac",
    "bdnf_weight_fitness",
    "igf1_rt_gain_frac",
    "strength_gain_per_set",
    "strength_intensity_floor_frac",
)


def evaluate(p: Parameters) -> list[float]:
    """Measured value of every target under parameters ``p``."""
    return [t.measure(p) for t in TARGETS]


def zone2_lactate(p: Parameters) -> float:
    """Peak lactate of a 45-min zone-2 session [mmol/L]."""
    zone2 = _session("aerobic", duration_min=45, intensity_pct_hrmax=65)
    return float(_bout(p, zone2)[1]["lactate_mmol_L"].max())


def below_vt_serum_rise(p: Parameters) -> float:
    """Relative serum BDNF rise of 30 min at 45 % VO2max (below the ventilatory threshold)."""
    t, cols, start, _ = _bout(p, _session("aerobic", duration_min=30, intensity_pct_vo2max=45))
    serum = cols["bdnf_serum_ng_mL"]
    return float(serum.max() / serum[np.searchsorted(t, start)] - 1.0)


def shape_checks(p: Parameters) -> dict[str, bool]:
    """The qualitative shape of the targets (what must survive a ±20 % parameter change)."""
    v = dict(zip((t.name for t in TARGETS), evaluate(p), strict=True))
    fold, back = v["T1 IL-6 fold, 60 min aerobic"], v["T1 IL-6 < 1.5x after end [h]"]
    return {
        "T1 IL-6 pulse several-fold, gone within hours": fold > 2.0 and back < 4.0,
        "T2 lactate: HIIT > resistance > zone 2": v["T2 lactate peak, 4x4 HIIT"]
        > v["T2 lactate, hypertrophy RT"]
        > zone2_lactate(p),
        "T3 irisin pulse small (never multi-fold)": 0.0 < v["T3 irisin rise, 60 min aerobic"] < 0.5,
        "T4 serum BDNF rises above VT, not below": v["T4 serum BDNF rise, VT+10%"]
        > 0.05
        > below_vt_serum_rise(p) * 5,
        "T5 aerobic raises resting BDNF": v["T5 resting serum BDNF, aerobic 24 wk"] > 0.0,
        "T6 IGF-1 rises with RT in the young": v["T6 IGF-1 rise at 13 wk, 37 y"] > 0.05,
        "T11 heavy loads clearly beat light ones": v["T11 gain at 70 % / 50 % 1RM, 16 wk"] > 1.5,
    }
