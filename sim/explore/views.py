"""What the explorer's charts show, as data a page draws: the report's views, not new ones.

Each view takes its panels, curves and looks from the module that draws the same figure for
the HTML report (:mod:`sim.presentation.plots.session`, ``.performance``, ``.compare``) and
its numbers from the same analyses (:func:`sim.analyses.compare.acute_response`,
:func:`sim.analyses.pathways.reserve_pathways` through the report's ``pathway_rows``), so a
page and a report never disagree. Curves are rounded to 5 significant digits for the page;
the headline metrics are sent at full precision (they are what ``summary.json`` holds).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.analyses.compare import acute_response
from sim.analyses.dose import daily_load
from sim.input.regimen import HOURS_PER_WEEK
from sim.model.state import QUANTITIES
from sim.presentation.plots.compare import SLOW_PANELS, weekly_mean
from sim.presentation.plots.performance import CAPTION as PERFORMANCE_CAPTION
from sim.presentation.plots.performance import daily_values
from sim.presentation.plots.session import CAPTION as SESSION_CAPTION
from sim.presentation.plots.session import PANELS, SESSION_WINDOW_H
from sim.presentation.plots.style import OKABE_ITO, quantity_style, series_style
from sim.presentation.report.context import pathway_rows
from sim.presentation.text.compare import HEADLINES, show
from sim.running.results import IGF1_MIDRANGE_NG_ML, ILLUSTRATIVE, Result

DASHES = {"-": "", "--": "8 4", "-.": "8 3 2 3", ":": "2 3"}
"""SVG dash patterns of the house style's matplotlib line styles."""


def rounded(values: Any, digits: int = 5) -> list[float]:
    """Values to ``digits`` significant digits, as plain floats (a page needs no more)."""
    out = []
    for v in np.asarray(values, dtype=float).tolist():
        out.append(float(f"{v:.{digits}g}") if math.isfinite(v) else 0.0)
    return out


def _line(label: str, x: Any, y: Any, look: dict[str, Any]) -> dict[str, Any]:
    style = look.get("linestyle", look.get("ls", "-"))
    return {"label": label, "x": rounded(x), "y": rounded(y), "color": look["color"],
            "dash": DASHES.get(style, "")}  # fmt: skip


def headline(result: Result) -> list[dict[str, Any]]:
    """The report's headline metrics: words, unit, value (full precision) and as shown."""
    rows = []
    for key, words, unit, fmt in HEADLINES:
        value = float(result.metrics[key])
        rows.append({"key": key, "words": words, "unit": unit, "value": value,
                     "shown": show(fmt, value)})  # fmt: skip
    return rows


def slow_view(result: Result) -> list[dict[str, Any]]:
    """The slow states over the weeks (the comparison figure's panels, one scenario)."""
    return compare_view([(result.name, result)])


def compare_view(results: Sequence[tuple[str, Result]]) -> list[dict[str, Any]]:
    """One panel per slow state, one curve per scenario (at most a point a day)."""
    panels = []
    for name, title, ylabel in SLOW_PANELS:
        lines = []
        for i, (lbl, r) in enumerate(results):
            if name == "bdnf_brain_rel":
                x, y = weekly_mean(r, name)
            else:
                x, y = daily_values(r, name)
            lines.append(_line(lbl, x, y, series_style(i)))
        band = list(IGF1_MIDRANGE_NG_ML) if name == "igf1_ng_mL" else None
        panels.append({"title": title, "ylabel": ylabel, "xlabel": "Week of the programme",
                       "lines": lines, "band": band,
                       "band_label": "protective middle range" if band else ""})  # fmt: skip
    return panels


def session_view(result: Result) -> dict[str, Any]:
    """The representative session hour by hour (the session figure's panels)."""
    bout, minutes, cols = acute_response(result, window_h=SESSION_WINDOW_H)
    hours = np.asarray(minutes) / 60.0
    panels = []
    for title, names, ylabel in PANELS:
        lines = [_line(QUANTITIES[n].label, hours, cols[n], quantity_style(n)) for n in names]
        panels.append({"title": title, "ylabel": ylabel, "xlabel": "Hours from the start",
                       "lines": lines, "band": None, "band_label": "",
                       "span": [0.0, (bout.end_h - bout.start_h)] if bout else None})  # fmt: skip
    words = (
        f"The session of week {int(bout.start_h // HOURS_PER_WEEK) + 1} ({bout.modality})"
        if bout is not None
        else "No session was completed: resting levels"
    )
    return {"panels": panels, "about": words, "caption": SESSION_CAPTION}


def performance_view(result: Result) -> dict[str, Any]:
    """Daily load, fitness and strength gained, fatigue and performance, reserve."""
    days = math.ceil(result.horizon_h / 24.0)
    load = daily_load(result.bouts, days)
    x_days = np.arange(days) / 7.0
    gained = []
    for name in ("fitness_rel", "strength_rel"):
        w, v = daily_values(result, name)
        gained.append(_line(QUANTITIES[name].label + " gained", w, 100.0 * (v - v[0]),
                            quantity_style(name)))  # fmt: skip
    w, fatigue = daily_values(result, "fatigue")
    fat = [_line(QUANTITIES["fatigue"].label, w, fatigue, quantity_style("fatigue"))]
    if "performance_rel" in result.columns:
        w, perf = daily_values(result, "performance_rel")
        fat.append(_line(QUANTITIES["performance_rel"].label + " [% vs start]", w,
                         100.0 * (perf - 1.0), {"color": OKABE_ITO["vermillion"]}))  # fmt: skip
    w, reserve = daily_values(result, "reserve")
    xlabel = "Week of the programme"
    panels = [
        {"title": "Daily training load", "ylabel": "Load [min x relative intensity]",
         "xlabel": xlabel, "lines": [], "band": None, "band_label": "",
         "bars": {"label": "Daily load", "x": rounded(x_days), "y": rounded(load),
                  "color": OKABE_ITO["sky blue"]}},
        {"title": "Fitness and strength (slow adaptation)", "ylabel": "Change since the start [%]",
         "xlabel": xlabel, "lines": gained, "band": None, "band_label": ""},
        {"title": "Fatigue and performance (fitness minus fatigue's effect)",
         "ylabel": "Fatigue [units] and performance [% vs start]", "xlabel": xlabel,
         "lines": fat, "band": None, "band_label": ""},
        {"title": "Cognitive reserve", "ylabel": "Reserve [model units]", "xlabel": xlabel,
         "lines": [_line(QUANTITIES["reserve"].label, w, reserve, quantity_style("reserve"))],
         "band": None, "band_label": ""},
    ]  # fmt: skip
    return {"panels": panels, "caption": PERFORMANCE_CAPTION}


def why_view(result: Result) -> dict[str, Any]:
    """The reserve's change split by pathway, and brain BDNF's sources (the report's tables)."""
    return pathway_rows([(result.name, result)])


def run_view(result: Result) -> dict[str, Any]:
    """Everything the page shows first after a change (the fast part: one run's outputs)."""
    return {
        "name": result.name,
        "note": ILLUSTRATIVE,
        "headline": headline(result),
        "metrics": {k: float(v) for k, v in result.metrics.items()},
        "slow": slow_view(result),
        "performance": performance_view(result),
        "training_end_weeks": result.training_end_h / HOURS_PER_WEEK,
    }
