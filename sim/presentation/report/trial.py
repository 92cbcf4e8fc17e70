"""What a trial's report says: the population, each arm's plan, the effects and the reference."""

from __future__ import annotations

from typing import Any

from sim.input.regimen import expand_regimen
from sim.presentation.plots.style import STATUS_NAMES
from sim.presentation.plots.trial import CAPTIONS
from sim.presentation.report.context import LEFT_OUT, Figure
from sim.presentation.report.ledger import matching_rows
from sim.running.results import ILLUSTRATIVE

TRIAL_CAPTIONS = CAPTIONS
"""The lesson of each trial figure, by file name (written beside the figures)."""


def _ci(pair: Any, fmt: str = "{:+.2f}") -> str:
    return "-" if not pair or None in pair else f"[{fmt.format(pair[0])}, {fmt.format(pair[1])}]"


def _num(value: Any, fmt: str) -> str:
    if value is None:
        return "-"
    text = fmt.format(value)
    return fmt.format(0.0) if float(text.rstrip("%").strip()) == 0.0 else text


def population_words(trial: Any) -> str:
    """``"150 people per arm, aged 70 ± 7 (50-90), 60 % women; ..."``."""
    p = trial.spec.population
    mix = ", ".join(
        f"{100 * w:.0f} % {STATUS_NAMES[k]}" for k, w in p.status_weights.model_dump().items() if w
    )
    return (
        f"people aged {p.age_mean_years:g} ± {p.age_sd_years:g} years ({p.age_min_years:g}-"
        f"{p.age_max_years:g}), {100 * p.female_fraction:.0f} % women; cognitive status: {mix}. "
        "Each person has their own baseline strength, fitness and IGF-1, responsiveness to "
        "training and attendance, drawn at random."
    )


def arm_rows(result: Any) -> list[dict[str, str]]:
    """One row per arm: its scenario, the plan per person and what people completed."""
    rows = []
    for arm, scenario in result.trial.scenarios.items():
        plan = expand_regimen(scenario)
        minutes = sum(p.session.duration_min for p in plan)
        e = result.summary["arms"][arm]
        rows.append(
            {
                "arm": arm + (" (control)" if arm == result.trial.spec.control else ""),
                "scenario": str(scenario.name),
                "description": " ".join(str(scenario.description).split()),
                "sessions": f"{e['mean_sessions_completed']:.1f} of {len(plan)}",
                "minutes": f"{minutes:,.0f}",
            }
        )
    return rows


def effect_rows(summary: dict[str, Any]) -> list[dict[str, str]]:
    """One row per arm: n, mean change with CI, g with CI, expected g, responders."""
    return [
        {
            "arm": arm,
            "n": str(e["n"]),
            "change": f"{_num(e['mean_change'], '{:+.2f}')} {_ci(e['ci95'])}",
            "g": "(control)"
            if arm == summary["control"]
            else f"{_num(e['hedges_g'], '{:+.2f}')} {_ci(e['hedges_g_ci95'])}",
            "expected": _num(e["expected_g"], "{:+.2f}"),
            "responders": _num(
                None if e["responder_fraction"] is None else 100 * e["responder_fraction"],
                "{:.0f} %",
            ),
        }
        for arm, e in summary["arms"].items()
    ]


def trial_context(result: Any, figures: list[Figure], command: str) -> dict[str, Any]:
    """Everything the template shows for a virtual trial."""
    s = result.summary
    names = {str(sc.name) for sc in result.trial.scenarios.values()}
    return {
        "title": f"Virtual trial: {s['trial']}",
        "command": command,
        "illustrative": ILLUSTRATIVE,
        "population": population_words(result.trial),
        "n_per_arm": s["n_per_arm"],
        "seed": s["seed"],
        "outcome": s["outcome"],
        "at_week": s["at_week"],
        "measurement_sd": s["measurement_sd"],
        "responder_threshold": s["responder_threshold"],
        "arm_rows": arm_rows(result),
        "effect_rows": effect_rows(s),
        "reference": s.get("reference"),
        "figures": figures,
        "claims": matching_rows(names),
        "left_out": LEFT_OUT,
    }
