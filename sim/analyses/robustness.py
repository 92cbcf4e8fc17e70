"""How robust is a verdict? The share of plausible parameter sets in which a claim's direction holds.

Each claim of the ledger that compares two shipped scenarios on a summary metric is written
here once as a :class:`Direction` ("``higher`` > ``lower`` on ``metric``"). The model's
illustrative parameters (those whose source is "illustrative": set to reproduce the shape of
the evidence, not measured) are drawn together, uniformly over the bounds of the parameter
table, by a Latin hypercube with a fixed seed; every scenario runs with each draw and each
direction is checked draw by draw. A verdict that holds in nearly every draw is solid; one
that holds in few hinges on particular illustrative values (``tools/make_robustness.py``
writes the result, ``docs/robustness.json``, and the ledger's robustness column).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

SOLID, FRAGILE = 0.9, 0.6
"""A direction holding in at least 90 % of draws is solid; below 60 % it hinges on the values."""


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
    name: str, names: Sequence[str], rows: np.ndarray, metrics: Iterable[str]
) -> np.ndarray:
    """``(len(rows), len(metrics))`` metrics of shipped scenario ``name``, one row per draw.

    The draws run as the members of one ensemble (:mod:`sim.running.parameter_sets`); the
    scenario's own overrides apply on top of the draw, as in a normal run.
    """
    from sim.input.scenario import load_scenario
    from sim.running.parameter_sets import run_parameter_sets

    scenario = load_scenario(name)
    drawn = [i for i, k in enumerate(names) if k not in scenario.parameters]
    return run_parameter_sets(
        scenario, [names[i] for i in drawn], np.asarray(rows)[:, drawn], list(metrics)
    )


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
    tables = mapper(
        scenario_metrics,
        scenarios,
        [names] * len(scenarios),
        [rows] * len(scenarios),
        [needed[s] for s in scenarios],
    )
    values = {
        s: dict(zip(needed[s], t.T, strict=True)) for s, t in zip(scenarios, tables, strict=True)
    }
    out = []
    for d in directions:
        hi, lo = values[d.higher][d.metric], values[d.lower][d.metric]
        holds = hi > lo
        out.append({"claim": d.claim, "higher": d.higher, "lower": d.lower, "metric": d.metric,
                    "holds": [bool(h) for h in holds], "share": float(np.mean(holds)),
                    # exact: a verdict may hinge on a difference below 6 digits
                    "higher_values": [float(v) for v in hi],
                    "lower_values": [float(v) for v in lo]})  # fmt: skip
    return {
        "note": "Illustrative model, not clinical. Share of parameter draws (the illustrative "
        "parameters together, a Latin hypercube over the parameter table's bounds) in which "
        "each claim's direction holds.",
        "draws": n,
        "seed": seed,
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
        held = sum(d["holds"])
        text = (f"{d['higher']} > {d['lower']}: {held}/{n} ({100 * d['share']:.0f} %, "
                f"{reading(d['share'])})")  # fmt: skip
        cells.setdefault(d["claim"], []).append(text)
    return {claim: "; ".join(texts) for claim, texts in cells.items()}
