"""Fit the free parameters to the quantitative evidence targets (scipy.optimize).

Usage::

    .venv/bin/python tools/calibrate.py            # report the loss per target, fit, report
    .venv/bin/python tools/calibrate.py --check    # only report the current defaults
    .venv/bin/python tools/calibrate.py --write    # also rewrite the defaults in sim/model/parameters.py
    .venv/bin/python tools/calibrate.py --robustness  # one-at-a-time +-20 % sensitivity
    .venv/bin/python tools/calibrate.py --free strength_gain_per_set,strength_intensity_floor_frac
                                                   # fit only these (the others stay as they are)

Each target is a measured quantity with a central value and an acceptable range taken from
docs/targets.md; the loss is ``((value - centre) / half_width)^2`` and a target is
met while its value lies inside the range. The fit moves only the parameters listed in
``FREE``, each mainly identified by one target; everything else is marked "illustrative" in
sim/model/parameters.py because the evidence does not pin it down (e.g. the synergy between myokines,
the reserve build rate: only their joint effect on cognition is observed, see docs/model.md).

``--write`` refuses to write a parameter set that breaks any target, and afterwards the
evidence tests (``pytest tests/evidence``) must still pass.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.model.parameters import DEFAULTS, Parameters  # noqa: E402
from tools.calibration import FREE, TARGETS, evaluate, shape_checks  # noqa: E402


def report(p: Parameters, title: str) -> bool:
    values = evaluate(p)
    print(f"\n{title}")
    print(f"  {'target':40s} {'value':>9s} {'range':>15s} {'loss':>7s}  source")
    for t, v in zip(TARGETS, values, strict=True):
        flag = "" if t.met(v) else "  <-- outside"
        print(
            f"  {t.name:40s} {v:9.4g} {f'[{t.low:g}, {t.high:g}]':>15s} "
            f"{t.loss(v) ** 2:7.3f}  {t.source}{flag}"
        )
    total = sum(t.loss(v) ** 2 for t, v in zip(TARGETS, values, strict=True))
    print(f"  total loss {total:.3f}")
    return all(t.met(v) for t, v in zip(TARGETS, values, strict=True))


def fit(p0: Parameters, max_evals: int, free: tuple[str, ...] = FREE) -> Parameters:
    """Least-squares fit of ``free`` (log-scaled within the parameters' bounds)."""
    specs = [Parameters.spec(n) for n in free]
    x0 = np.log([getattr(p0, n) for n in free])
    lo = np.log([max(s["lower"], 1e-6) for s in specs])
    hi = np.log([s["upper"] for s in specs])

    def residuals(x: np.ndarray) -> np.ndarray:
        p = replace(p0, **dict(zip(free, np.exp(x).tolist(), strict=True)))
        return np.array([t.loss(v) for t, v in zip(TARGETS, evaluate(p), strict=True)])

    sol = least_squares(
        residuals, np.clip(x0, lo, hi), bounds=(lo, hi), max_nfev=max_evals, diff_step=0.05
    )
    return replace(p0, **dict(zip(free, np.exp(sol.x).tolist(), strict=True)))


def write_defaults(
    p: Parameters,
    free: tuple[str, ...] = FREE,
    path: Path = ROOT / "sim" / "model" / "parameters.py",
) -> None:
    """Rewrite the default values of ``free`` in sim/model/parameters.py (4 significant digits)."""
    text = path.read_text(encoding="utf-8")
    for name in free:
        value = f"{getattr(p, name):.4g}"
        pattern = re.compile(rf"(    {name}: float = _p\(\s*)([0-9.e+-]+)")
        text, count = pattern.subn(lambda m, v=value: f"{m.group(1)}{v}", text, count=1)
        if count != 1:
            raise SystemExit(f"could not find the default of {name} in {path}")
    path.write_text(text, encoding="utf-8")


def robustness(p: Parameters) -> None:
    """One at a time, move each free parameter by -20 % and +20 %; list shapes that flip."""
    print("\nOne-at-a-time +-20 % (fragile = a target shape flips):")
    for name in FREE:
        for factor in (0.8, 1.2):
            checks = shape_checks(replace(p, **{name: getattr(p, name) * factor}))
            broken = [k for k, ok in checks.items() if not ok]
            verdict = "fragile: " + "; ".join(broken) if broken else "ok"
            print(f"  {name:40s} x{factor:.1f}: {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report the defaults")
    parser.add_argument("--write", action="store_true", help="write the fitted defaults")
    parser.add_argument(
        "--robustness",
        action="store_true",
        help="report one-at-a-time +-20 %% sensitivity of the target shapes",
    )
    parser.add_argument("--max-evals", type=int, default=60)
    parser.add_argument(
        "--free",
        type=lambda text: tuple(text.split(",")),
        default=FREE,
        help="comma-separated parameters to fit (default: all of FREE)",
    )
    args = parser.parse_args()
    unknown = sorted(set(args.free) - set(FREE))
    if unknown:
        parser.error(f"not free parameters: {', '.join(unknown)} (choose from {', '.join(FREE)})")
    ok = report(DEFAULTS, "Current defaults")
    if args.robustness:
        robustness(DEFAULTS)
    if args.check or args.robustness:
        return 0 if ok else 1
    fitted = fit(DEFAULTS, args.max_evals, args.free)
    print("\nFitted values:")
    for name in args.free:
        print(f"  {name:40s} {getattr(DEFAULTS, name):10.4g} -> {getattr(fitted, name):10.4g}")
    fitted_ok = report(fitted, "Fitted parameters")
    if args.write:
        if not fitted_ok:
            print("\nNot written: the fitted parameters break at least one target.")
            return 1
        write_defaults(fitted, args.free)
        print(
            "\nWritten to sim/model/parameters.py; now run: .venv/bin/python -m pytest tests/evidence"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
