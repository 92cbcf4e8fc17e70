"""The terminal view of a comparison: the table, "who wins on what, by how much", the heading.

Used by ``musclebrain compare`` and ``musclebrain demo`` (and the ``headlines`` of
``comparison.json``). Pure formatting: it reads results, never runs or writes anything.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sim.input.regimen import HOURS_PER_WEEK

if TYPE_CHECKING:  # sim.analyses.compare imports this module
    from sim.analyses.compare import Comparison
    from sim.running.results import Result

# (metric key, column heading, number format) of the terminal table.
TABLE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("strength_change_pct", "strength %", "{:+.1f}"),
    ("fitness_change_pct", "fitness %", "{:+.1f}"),
    ("igf1_mean_ng_mL", "IGF-1 mean ng/mL", "{:.0f}"),
    ("bdnf_serum_rest_change_pct", "serum BDNF rest %", "{:+.1f}"),
    ("bdnf_brain_auc", "brain BDNF area h", "{:.1f}"),  # above rest, integrated
    ("reserve_final", "reserve", "{:+.3f}"),
    ("cognition_z_final", "cognition z", "{:+.3f}"),
)

# (metric key, plain-English name, unit, format) of the "who wins" lines.
HEADLINES: tuple[tuple[str, str, str, str], ...] = (
    ("strength_change_pct", "Strength gain", "%", "{:+.1f}"),
    ("fitness_change_pct", "Aerobic fitness gain", "%", "{:+.1f}"),
    ("bdnf_serum_rest_change_pct", "Resting serum BDNF change", "%", "{:+.1f}"),
    ("bdnf_brain_auc", "Brain BDNF above rest (area)", "h", "{:.1f}"),
    ("reserve_final", "Cognitive reserve", "", "{:+.3f}"),
    ("cognition_z_final", "Cognition change", "SD", "{:+.3f}"),
)


def show(fmt: str, value: float) -> str:
    """``fmt.format(value)``, but a value that rounds to zero never shows as ``-0.0``."""
    text = fmt.format(value)
    return fmt.format(0.0) if math.isfinite(value) and float(text) == 0.0 else text


# How the heading names a cognitive status: before the age, or after "woman"/"man".
_STATUS_WORDS: dict[str, tuple[str, str]] = {
    "healthy": ("healthy ", ""),
    "subjective_decline": ("", " with subjective cognitive decline"),
    "mci": ("", " with mild cognitive impairment"),
}


def demo_heading(scenarios: Sequence[Any]) -> str:
    """``"24 weeks of each regimen for a healthy 65-year-old woman:"``, from the scenarios."""
    weeks = {s.duration_weeks for s in scenarios}
    people = {s.participant for s in scenarios}
    span = f"{weeks.pop()} weeks of each regimen" if len(weeks) == 1 else "Each regimen"
    if len(people) != 1:
        return f"{span}, each for its own participant:"
    p = people.pop()
    who = "woman" if p.sex == "female" else "man"
    before, after = _STATUS_WORDS[p.cognitive_status]
    return f"{span} for a {before}{p.age_years:.0f}-year-old {who}{after}:"


def format_table(comparison: Comparison) -> str:
    """A plain-text table: rows are scenarios, columns the headline metrics."""
    head = ["scenario", *(h for _, h, _ in TABLE_COLUMNS)]
    rows = [
        [
            label,
            *(show(fmt, r.metrics[k]) if k in r.metrics else "-" for k, _, fmt in TABLE_COLUMNS),
        ]
        for label, r in comparison.results
    ]
    rows += [
        [label, "failed", *[""] * (len(TABLE_COLUMNS) - 1)] for label, _ in comparison.failures
    ]
    widths = [max(len(str(row[i])) for row in [head, *rows]) for i in range(len(head))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(head), rule, *(line(r) for r in rows)])


def headlines(comparison: Comparison) -> list[str]:
    """Plain-English lines: which regimen wins on what, and by how much."""
    results = comparison.results
    if len(results) < 2:
        return []
    lines = []
    for key, what, unit, fmt in HEADLINES:
        vals = sorted(
            ((r.metrics[key], label) for label, r in results if key in r.metrics), reverse=True
        )
        if len(vals) < 2:
            continue
        (best, winner), (second, runner_up) = vals[0], vals[1]
        u = f" {unit}" if unit else ""
        gap = " percentage points" if unit == "%" else u
        if show(fmt, best) == show(fmt, second):
            lines.append(f"{what}: {winner} and {runner_up} tie ({show(fmt, best)}{u}).")
            continue
        text = (
            f"{what}: {winner} wins ({show(fmt, best)}{u}), "
            f"{show(fmt.replace('+', ''), best - second)}{gap} "
            f"ahead of {runner_up} ({show(fmt, second)}{u})"
        )
        if len(vals) > 2:
            low = show(fmt, vals[-1][0])
            lowest = [lbl for v, lbl in vals[2:] if show(fmt, v) == low]
            text += f"; lowest {' and '.join(sorted(lowest))} ({low}{u})"
        lines.append(text + ".")
    note = _span_note(results)
    return [*lines, note] if note else lines


def _span_note(results: Sequence[tuple[str, Result]]) -> str | None:
    """A warning when the scenarios run for different lengths (the winners' caveat)."""
    weeks = {label: r.horizon_h / HOURS_PER_WEEK for label, r in results}
    if len(set(weeks.values())) < 2:
        return None
    spans = ", ".join(f"{label} {w:g}" for label, w in weeks.items())
    return (
        f"Mind the spans (weeks: {spans}): reserve, cognition and the brain BDNF area are "
        "taken at the end of each scenario's own span, the strength, fitness and serum BDNF "
        "changes at the end of its training."
    )
