"""Fit the free parameters to the quantitative evidence targets (scipy.optimize).

Usage::

    .venv/bin/python tools/calibrate.py            # report the loss per target, fit, report
    .venv/bin/python tools/calibrate.py --check    # only report the current defaults
    .venv/bin/python tools/calibrate.py --write    # also rewrite the defaults in sim/parameters.py

Each target is a measured quantity with a central value and an acceptable range taken from
../shared/evidence/targets.md; the loss is ``((value - centre) / half_width)^2`` and a target is
met while its value lies inside the range. The fit moves only the parameters listed in
``FREE``, each mainly identified by one target; everything else is marked "illustrative" in
sim/parameters.py because the evidence does not pin it down (e.g. the synergy between myokines,
the reserve build rate: only their joint effect on cognition is observed, see docs/model.md).

``--write`` refuses to write a parameter set that breaks any target, and afterwards the
evidence tests (``pytest tests/evidence``) must still pass.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.parameters import DEFAULTS, Parameters  # noqa: E402
from sim.scenario import scenario_from_dict  # noqa: E402
from sim.simulation import simulate  # noqa: E402


def _session(modality: str, **fields: object) -> dict[str, object]:
    return {"day": "mon", "start": "09:00", "modality": modality, **fields}


AEROBIC_60 = _session("aerobic", duration_min=60, intensity_pct_hrmax=72)
VT_PLUS_10 = _session("aerobic", duration_min=30, intensity_pct_vo2max=66)
HIIT = _session("hiit", duration_min=38, intervals={"count": 4, "work_min": 4, "rest_min": 3,
                                                    "work_pct_hrmax": 92,
                                                    "rest_pct_hrmax": 65})
RT_HYPERTROPHY = _session("resistance", duration_min=60, intensity_pct_1rm=70, sets=6, reps=10)


def _run(p: Parameters, sessions: list[dict[str, object]], weeks: int = 1,
         sample_min: float = 60, rule: str = "double", age: float = 65) -> object:
    days = ("mon", "wed", "fri")
    expanded = [{**s, "day": days[i % 3]} for i, s in enumerate(sessions)]
    data = {"name": "calibration", "duration_weeks": weeks, "sample_min": sample_min,
            "participant": {"age_years": age}, "progression": {"rule": rule},
            "blocks": [{"weeks": weeks, "sessions": expanded}]}
    return simulate(scenario_from_dict(data), params=p)


def _bout(p: Parameters, session: dict[str, object]) -> tuple[np.ndarray, dict, float, float]:
    r = _run(p, [session], sample_min=1)
    b = r.bouts[0]
    return r.times_h, r.columns, b.start_h, b.end_h


def il6_fold(p: Parameters) -> float:
    _, cols, _, _ = _bout(p, AEROBIC_60)
    return float(cols["il6_pg_mL"].max() / p.il6_rest_pg_mL)


def il6_return_h(p: Parameters) -> float:
    t, cols, _, end = _bout(p, AEROBIC_60)
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


def strength_heavy(p: Parameters) -> float:
    return _strength_16wk(p, 75)


def strength_light(p: Parameters) -> float:
    return _strength_16wk(p, 50)


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
    Target("T2 lactate peak, 4x4 HIIT", hiit_lactate, 11.0, 9.0, 13.0, "Wirtz 2014"),
    Target("T2 lactate, hypertrophy RT", resistance_lactate, 6.5, 5.0, 8.0,
           "Vargas-Molina 2020"),
    Target("T3 irisin rise, 60 min aerobic", irisin_rise, 0.15, 0.08, 0.22, "Winn 2017"),
    Target("T4 serum BDNF rise, VT+10%", serum_bdnf_rise, 0.15, 0.10, 0.30, "Ferris 2007"),
    Target("T5 resting serum BDNF, aerobic 24 wk", resting_bdnf_aerobic, 0.10, 0.03, 0.25,
           "Dinoff 2016"),
    Target("T6 IGF-1 rise at 13 wk, 37 y", igf1_young_13wk, 0.20, 0.10, 0.30, "Borst 2001"),
    Target("T11 strength 16 wk at 75 % 1RM", strength_heavy, 0.13, 0.08, 0.22,
           "Beneka (Borde 2015)"),
    Target("T11 strength 16 wk at 50 % 1RM", strength_light, 0.035, 0.015, 0.06,
           "Beneka (Borde 2015)"),
)

FREE = ("il6_release_per_h", "il6_clearance_per_h", "lactate_slope_per_frac",
        "lactate_resistance_excess_mmol_L", "irisin_release_per_h", "bdnf_release_max_frac",
        "bdnf_weight_fitness", "igf1_rt_gain_frac", "strength_gain_per_set",
        "strength_intensity_floor_frac")


def evaluate(p: Parameters) -> list[float]:
    """Measured value of every target under parameters ``p``."""
    return [t.measure(p) for t in TARGETS]


def report(p: Parameters, title: str) -> bool:
    values = evaluate(p)
    print(f"\n{title}")
    print(f"  {'target':40s} {'value':>9s} {'range':>15s} {'loss':>7s}  source")
    for t, v in zip(TARGETS, values, strict=True):
        flag = "" if t.met(v) else "  <-- outside"
        print(f"  {t.name:40s} {v:9.4g} {f'[{t.low:g}, {t.high:g}]':>15s} "
              f"{t.loss(v) ** 2:7.3f}  {t.source}{flag}")
    total = sum(t.loss(v) ** 2 for t, v in zip(TARGETS, values, strict=True))
    print(f"  total loss {total:.3f}")
    return all(t.met(v) for t, v in zip(TARGETS, values, strict=True))


def fit(p0: Parameters, max_evals: int) -> Parameters:
    """Least-squares fit of ``FREE`` (log-scaled within the parameters' bounds)."""
    specs = [Parameters.spec(n) for n in FREE]
    x0 = np.log([getattr(p0, n) for n in FREE])
    lo = np.log([max(s["lower"], 1e-6) for s in specs])
    hi = np.log([s["upper"] for s in specs])

    def residuals(x: np.ndarray) -> np.ndarray:
        p = replace(p0, **dict(zip(FREE, np.exp(x).tolist(), strict=True)))
        return np.array([t.loss(v) for t, v in zip(TARGETS, evaluate(p), strict=True)])

    sol = least_squares(residuals, np.clip(x0, lo, hi), bounds=(lo, hi), max_nfev=max_evals,
                        diff_step=0.05)
    return replace(p0, **dict(zip(FREE, np.exp(sol.x).tolist(), strict=True)))


def write_defaults(p: Parameters, path: Path = ROOT / "sim" / "parameters.py") -> None:
    """Rewrite the default values of ``FREE`` in sim/parameters.py (4 significant digits)."""
    text = path.read_text(encoding="utf-8")
    for name in FREE:
        pattern = re.compile(rf"(    {name}: float = _p\(\s*)([0-9.e+-]+)")
        text, count = pattern.subn(lambda m, v=getattr(p, name): f"{m.group(1)}{v:.4g}", text,
                                   count=1)
        if count != 1:
            raise SystemExit(f"could not find the default of {name} in {path}")
    path.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report the defaults")
    parser.add_argument("--write", action="store_true", help="write the fitted defaults")
    parser.add_argument("--max-evals", type=int, default=60)
    args = parser.parse_args()
    ok = report(DEFAULTS, "Current defaults")
    if args.check:
        return 0 if ok else 1
    fitted = fit(DEFAULTS, args.max_evals)
    print("\nFitted values:")
    for name in FREE:
        print(f"  {name:40s} {getattr(DEFAULTS, name):10.4g} -> {getattr(fitted, name):10.4g}")
    fitted_ok = report(fitted, "Fitted parameters")
    if args.write:
        if not fitted_ok:
            print("\nNot written: the fitted parameters break at least one target.")
            return 1
        write_defaults(fitted)
        print("\nWritten to sim/parameters.py; now run: .venv/bin/python -m pytest tests/evidence")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
