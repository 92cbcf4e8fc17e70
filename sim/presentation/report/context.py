"""What a report says, as plain data for the template: participant, dose, changes, claims.

Pure presentation: it reads results (and the PNG bytes of figures already drawn) and returns
dicts and strings; :mod:`sim.io.report` writes the page.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sim.analyses.dose import Dose, dose, dose_note
from sim.analyses.pathways import BDNF_SOURCES, RESERVE_PARTS, reserve_pathways
from sim.presentation.plots.compare import CAPTIONS as COMPARE_CAPTIONS
from sim.presentation.plots.performance import CAPTION as PERFORMANCE_CAPTION
from sim.presentation.plots.run import CAPTION as RUN_CAPTION
from sim.presentation.plots.session import CAPTION as SESSION_CAPTION
from sim.presentation.report.ledger import matching_rows
from sim.presentation.text.compare import HEADLINES, show
from sim.running.results import ILLUSTRATIVE

LEFT_OUT = (
    "Arousal and attention during exercise (claim C27): the model has only the myokine signals.",
    "Dementia stages: it shows decline delayed and softened, not what happens in advanced disease.",
    "Age and sex effects on the size of each acute myokine response, and their day-to-day noise.",
    "Diet, medication, sleep from night to night, illness and injury: recovery is two numbers.",
    "Brain structure (hippocampal volume, white matter) and blood flow: reserve stands in for them.",
)
"""What the model leaves out, said in every report (the ledger has the details)."""


FIGURE_CAPTIONS = {
    "session.png": SESSION_CAPTION,
    "performance.png": PERFORMANCE_CAPTION,
    "overview.png": RUN_CAPTION,
    **COMPARE_CAPTIONS,
}
"""The one-sentence lesson of each figure a report embeds, by file name."""


@dataclass(frozen=True)
class Figure:
    """A figure for the page: file name, the sentence stating its lesson, and its PNG bytes."""

    name: str
    caption: str
    png: bytes

    @property
    def data_uri(self) -> str:
        """The PNG as a ``data:`` URI (the page requests nothing)."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def participant_words(scenario: Any) -> str:
    """``"a healthy 65-year-old woman (BDNF val/val)"``, from a scenario's participant."""
    p = scenario.participant
    who = "woman" if p.sex == "female" else "man"
    status = {
        "healthy": "healthy",
        "subjective_decline": "subjective cognitive decline",
        "mci": "mild cognitive impairment",
    }[p.cognitive_status]
    text = f"a {p.age_years:.0f}-year-old {who}, cognitive status: {status}"
    text += f", BDNF genotype {p.bdnf_genotype}"
    if p.pathology_load > 0:
        text += f", brain pathology load {p.pathology_load:g} (0-1 scale)"
    r = scenario.recovery
    return (
        text + f"; sleeps {r.sleep_h:g} h a night, eats {r.protein_g_per_kg:g} g/kg protein a day"
    )


def _hours(d: Dose) -> float:
    return d.minutes / 60.0


def dose_rows(doses: Sequence[tuple[str, Dose]]) -> list[dict[str, str]]:
    """One table row per arm: sessions, minutes (by modality), resistance sets, load."""
    rows = []
    for label, d in doses:
        parts = [
            f"{m} {d.minutes_by_modality[m]:,.0f}"
            for m in d.minutes_by_modality
            if d.minutes_by_modality[m] > 0
        ]
        rows.append(
            {
                "arm": label,
                "sessions": f"{d.sessions_completed} of {d.sessions_planned}",
                "minutes": f"{d.minutes:,.0f}",
                "by_modality": ", ".join(parts) or "none",
                "sets": f"{d.resistance_sets:,}",
                "load": f"{d.load:,.0f}",
            }
        )
    return rows


def change_rows(results: Sequence[tuple[str, Any]], doses: dict[str, Dose]) -> dict[str, Any]:
    """The "what changed" table: headline metrics in words with units, and per hour trained."""
    head = [f"{what} [{unit}]" if unit else what for _, what, unit, _ in HEADLINES]
    rows = []
    for label, r in results:
        cells = [
            show(fmt, r.metrics[key]) if math.isfinite(r.metrics.get(key, math.nan)) else "-"
            for key, _, _, fmt in HEADLINES
        ]
        hours = _hours(doses[label])
        per_hour = (
            show("{:+.4f}", r.metrics["reserve_final"] / hours)
            if hours > 0 and "reserve_final" in r.metrics
            else "no training"
        )
        rows.append({"arm": label, "cells": cells, "per_hour": per_hour})
    return {"head": head, "rows": rows}


def pathway_rows(results: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """The "why" tables: each arm's reserve change by pathway, and brain BDNF's sources."""
    rows, sources = [], []
    for label, r in results:
        p = reserve_pathways(r)
        top = max(RESERVE_PARTS, key=lambda k: p.parts[k])
        rows.append(
            {
                "arm": label,
                "cells": [show("{:+.3f}", p.parts[k]) for k in RESERVE_PARTS],
                "total": show("{:+.3f}", p.reserve_change),
                "largest": (
                    f"{label}: most of what training built came from {top} "
                    f"({show('{:+.3f}', p.parts[top])} of {show('{:+.3f}', p.reserve_change)})."
                    if p.parts[top] > 0
                    else f"{label}: nothing was built; only losses."
                ),
            }
        )
        if any(p.bdnf_sources.values()):
            sources.append(
                {
                    "arm": label,
                    "cells": [show("{:.0f}", 100 * p.bdnf_sources[k]) for k in BDNF_SOURCES],
                }
            )
    return {
        "parts": list(RESERVE_PARTS),
        "rows": rows,
        "sources": list(BDNF_SOURCES),
        "source_rows": sources,
    }


def report_context(
    title: str,
    command: str,
    results: Sequence[tuple[str, Any]],
    figures: Sequence[Figure],
    headlines: Sequence[str] = (),
) -> dict[str, Any]:
    """Everything the template shows for a run (one result) or a comparison (several)."""
    doses = [(label, dose(r.bouts)) for label, r in results]
    scenarios = [r.scenario for _, r in results]
    people = {participant_words(s) for s in scenarios}
    names = {str(s.name) for s in scenarios}
    return {
        "title": title,
        "command": command,
        "illustrative": ILLUSTRATIVE,
        "participants": sorted(people),
        "weeks": sorted({int(s.duration_weeks) for s in scenarios}),
        "arms": [
            {"label": label, "description": " ".join(str(r.scenario.description).split())}
            for label, r in results
        ],
        "dose_rows": dose_rows(doses),
        "dose_note": dose_note(doses),
        "changes": change_rows(results, dict(doses)),
        "why": pathway_rows(results),
        "headlines": list(headlines),
        "claims": matching_rows(names),
        "figures": list(figures),
        "left_out": LEFT_OUT,
    }
