"""How robust is a verdict? The share of plausible parameter sets in which a claim's direction holds.

Each claim of the ledger that compares two shipped scenarios on a summary metric is written
here once as a :class:`Direction` ("``higher`` > ``lower`` on ``metric``"). The model's
illustrative parameters (those whose source is "illustrative": set to reproduce the shape of
the evidence, not measured) are drawn together, uniformly over the bounds of the parameter
table, by a Latin hypercube with a fixed seed; every scenario runs with each draw (at two
tolerances, so that each draw's difference carries an error estimate) and each direction is
checked draw by draw: it holds, fails, or is too close to call (:func:`outcomes`). A verdict
that holds in nearly every draw is solid; one that holds in few hinges on particular
illustrative values (``tools/make_robustness.py`` writes the result,
``docs/robustness.json``, and the ledger's robustness column).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

SOLID, FRAGILE = 0.9, 0.6
"""A direction holding in at least 90 % of draws is solid; below 60 % it hinges on the values."""

TIGHTER = 10.0
"""A verdict's values come from runs at the ensemble's tolerance divided by this; the same runs
at the ensemble's own tolerance give each draw's error estimate (:func:`outcomes`). Measured
on C3 (combined vs combined_no_synergy, reserve, 128 draws, where synergy's effect is ~1e-3
of the reserve): at the ensemble's tolerance (3e-3) 4 draws reversed the direction by solver
error alone (differences ~1e-5 against errors up to 4e-4); at 1e-3, 1; at 3e-4, none."""


@dataclass(frozen=True)
class Direction:
    """A claim's direction: ``higher`` beats ``lower`` on ``metric`` (a ``summary.json`` key)."""

    claim: str
    higher: str
    lower: str
    metric: str

    @property
    def words(self) -> str:
        return f"{self.higher} > {self.lower} ({self.metric})"


DIRECTIONS: tuple[Direction, ...] = (
    Direction("C1", "aerobic", "sedentary", "bdnf_brain_auc"),
    Direction("C3", "combined", "combined_no_synergy", "reserve_final"),
    Direction("C4", "resistance_twice_weekly", "resistance_denervated", "strength_change_pct"),
    Direction("C5", "resistance", "aerobic", "strength_change_pct"),
    Direction("C5", "aerobic", "resistance", "fitness_change_pct"),
    Direction("C8", "aerobic", "resistance", "bdnf_brain_auc"),
    Direction("C8", "aerobic", "resistance", "bdnf_serum_rest_change_pct"),
    Direction("C9", "combined", "aerobic", "reserve_end_training"),
    Direction("C9", "combined", "resistance", "reserve_end_training"),
    Direction("C10", "resistance_twice_weekly", "resistance_static_load", "strength_change_pct"),
    Direction("C11", "resistance_twice_weekly", "resistance_poor_recovery", "strength_change_pct"),
    Direction("C12", "resistance_twice_weekly", "resistance_once_weekly", "reserve_end_training"),
    Direction("C13", "resistance_twice_weekly", "resistance_light_bands", "strength_change_pct"),
    Direction("C15", "resistance_twice_weekly", "resistance_isolation", "bdnf_brain_auc"),
    Direction("C16", "igf1_middle_range", "igf1_low_range", "reserve_final"),
    Direction("C16", "igf1_middle_range", "igf1_high_range", "reserve_final"),
    Direction("C18", "full_protocol", "combined", "reserve_end_training"),
    Direction("C19", "pathology_high_reserve", "pathology_low_reserve", "cognition_z_final"),
    Direction("C21", "combined", "val66met_carrier", "reserve_final"),
    Direction("C22", "aerobic", "single_bout", "reserve_final"),
    Direction("C25", "supervised", "home", "strength_change_pct"),
    Direction("C28", "resistance_twice_weekly", "resistance_bodyweight", "strength_change_pct"),
)
"""Every two-scenario direction of the ledger on a summary metric."""


CONDITIONS = {
    "innervation_frac": "describes the participant (the share of muscle recruited: 1 when "
    "intact), not an uncertain rate; drawn, it made the intact side of C4 partly denervated",
}
"""Illustrative parameters that are not drawn, with the reason: they set a scenario's condition."""


def illustrative_names() -> tuple[str, ...]:
    """The illustrative parameters that can vary (those Sobol varies), conditions aside."""
    from sim.analyses.sensitivity import parameter_names

    return tuple(n for n in parameter_names("sobol") if n not in CONDITIONS)


def draws(n: int, seed: int, names: Sequence[str]) -> np.ndarray:
    """``n`` parameter sets (rows), a Latin hypercube over the table's bounds."""
    from scipy.stats import qmc

    from sim.analyses.sensitivity import parameter_bounds

    lo, hi = np.array(parameter_bounds(names), dtype=float).T
    return lo + qmc.LatinHypercube(d=len(names), seed=seed).random(n) * (hi - lo)


def scenario_metrics(
    name: str,
    names: Sequence[str],
    rows: np.ndarray,
    metrics: Iterable[str],
    rtol: float | None = None,
) -> np.ndarray:
    """``(len(rows), len(metrics))`` metrics of shipped scenario ``name``, one row per draw.

    The draws run as the members of one ensemble (:mod:`sim.running.parameter_sets`) at the
    solver's relative tolerance ``rtol`` (default: the ensemble's own); the scenario's own
    overrides apply on top of the draw, as in a normal run.
    """
    from sim.input.scenario import load_scenario
    from sim.numerics.member_solver import MEMBER_SETTINGS
    from sim.running.parameter_sets import run_parameter_sets

    scenario = load_scenario(name)
    drawn = [i for i, k in enumerate(names) if k not in scenario.parameters]
    settings = None if rtol is None else dataclasses.replace(MEMBER_SETTINGS, rtol=rtol)
    return run_parameter_sets(
        scenario,
        [names[i] for i in drawn],
        np.asarray(rows)[:, drawn],
        list(metrics),
        settings=settings,
    )


def verdict_rtols() -> tuple[float, float]:
    """The tolerances of a verdict's two runs: ten times tighter than the ensemble's, and its own."""
    from sim.numerics.member_solver import MEMBER_SETTINGS

    return MEMBER_SETTINGS.rtol / TIGHTER, MEMBER_SETTINGS.rtol


def outcomes(tight: np.ndarray, loose: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each draw's outcome from a difference ``higher - lower`` at two tolerances.

    ``tight`` is the difference at the verdict's tolerance, ``loose`` at a tolerance
    :data:`TIGHTER` times looser; their distance ``u`` is the draw's error estimate (the loose
    run's error, so it overstates the tight run's). Returns ``(holds, fails, u)``: the
    direction holds where ``tight > u``, fails where ``tight < -u``; in between the solver
    cannot tell the two scenarios apart (too close to call).
    """
    tight, loose = np.asarray(tight, dtype=float), np.asarray(loose, dtype=float)
    u = np.abs(tight - loose)
    return tight > u, tight < -u, u


def robustness(
    n: int = 128,
    seed: int = 0,
    directions: Sequence[Direction] = DIRECTIONS,
    mapper: Callable[..., Iterable[Any]] = map,
) -> dict[str, Any]:
    """Each direction's outcome in each of ``n`` draws, and the share that holds.

    ``mapper`` runs the scenarios (``map``, or an executor's ``map`` for processes); the
    result does not depend on it.
    """
    names = illustrative_names()
    rows = draws(n, seed, names)
    needed: dict[str, list[str]] = {}
    for d in directions:
        for s in (d.higher, d.lower):
            needed.setdefault(s, [])
            if d.metric not in needed[s]:
                needed[s].append(d.metric)
    scenarios = sorted(needed)
    rtols = verdict_rtols()
    runs = [(s, r) for r in rtols for s in scenarios]
    tables = mapper(
        scenario_metrics,
        [s for s, _ in runs],
        [names] * len(runs),
        [rows] * len(runs),
        [needed[s] for s, _ in runs],
        [r for _, r in runs],
    )
    values = {
        run: dict(zip(needed[run[0]], t.T, strict=True))
        for run, t in zip(runs, tables, strict=True)
    }
    tight, loose = rtols
    out = []
    for d in directions:
        hi, lo = values[d.higher, tight][d.metric], values[d.lower, tight][d.metric]
        coarse = values[d.higher, loose][d.metric] - values[d.lower, loose][d.metric]
        holds, fails, u = outcomes(hi - lo, coarse)
        out.append({"claim": d.claim, "higher": d.higher, "lower": d.lower, "metric": d.metric,
                    "holds": [bool(h) for h in holds], "fails": [bool(f) for f in fails],
                    "share": float(np.mean(holds)),
                    # exact: a verdict may hinge on a difference below 6 digits
                    "higher_values": [float(v) for v in hi],
                    "lower_values": [float(v) for v in lo],
                    "error_estimates": [float(v) for v in u]})  # fmt: skip
    return {
        "note": "Illustrative model, not clinical. Share of parameter draws (the illustrative "
        "parameters together, a Latin hypercube over the parameter table's bounds) in which "
        "each claim's direction holds by more than the solver's error estimate (the values: "
        "runs at rtol_verdict; the error estimate: their distance from runs at rtol_check; a "
        "draw that neither holds nor fails is too close to call).",
        "draws": n,
        "seed": seed,
        "rtol_verdict": tight,
        "rtol_check": loose,
        "parameters": list(names),
        "directions": out,
    }


def reading(share: float) -> str:
    """``solid``, ``fragile`` or ``hinges on the values`` for a share of draws."""
    if share >= SOLID:
        return "solid"
    return "fragile" if share >= FRAGILE else "hinges on the values"


def robustness_cells(data: dict[str, Any]) -> dict[str, str]:
    """The ledger's robustness cell of each claim (directions joined by ``;``)."""
    cells: dict[str, list[str]] = {}
    n = data["draws"]
    for d in data["directions"]:
        held, close = sum(d["holds"]), n - sum(d["holds"]) - sum(d["fails"])
        extra = f"; {close} too close to call" if close else ""
        text = (f"{d['higher']} > {d['lower']}: {held}/{n} ({100 * d['share']:.0f} %, "
                f"{reading(d['share'])}{extra})")  # fmt: skip
        cells.setdefault(d["claim"], []).append(text)
    return {claim: "; ".join(texts) for claim, texts in cells.items()}
