"""The training dose of a run: sessions, minutes and load, by modality, from its bouts.

A comparison of regimens is only fair when the doses are known: 24 weeks of "combined" is
more training than 24 weeks of "aerobic". :func:`dose` counts what a run's participant
actually did (completed sessions only); :func:`dose_note` says in words when arms differ.

Load is intensity-weighted time, ``minutes x relative intensity`` (relative intensity is the
fraction of VO2max for aerobic and HIIT work, of 1RM for resistance work, as in
``bouts.csv``): a crude common currency for teaching, not a physiological dose.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

MODALITIES = ("aerobic", "hiit", "resistance")
DOSE_MATCH_TOLERANCE = 0.10
"""Arms whose training minutes differ by more than this fraction are called not dose-matched."""


@dataclass(frozen=True)
class Dose:
    """What one participant did over a run (completed sessions)."""

    sessions_planned: int
    sessions_completed: int
    minutes: float
    load: float
    resistance_sets: int
    minutes_by_modality: dict[str, float] = field(default_factory=dict)
    sessions_by_modality: dict[str, int] = field(default_factory=dict)


def dose(bouts: Iterable[Any]) -> Dose:
    """Count the completed sessions of ``bouts`` (rows of ``bouts.csv``)."""
    bouts = list(bouts)
    done = [b for b in bouts if b.completed]
    minutes = {m: 0.0 for m in MODALITIES}
    sessions = {m: 0 for m in MODALITIES}
    load = 0.0
    for b in done:
        m = 60.0 * (b.end_h - b.start_h)
        minutes[b.modality] = minutes.get(b.modality, 0.0) + m
        sessions[b.modality] = sessions.get(b.modality, 0) + 1
        load += m * b.relative_intensity
    return Dose(
        sessions_planned=len(bouts),
        sessions_completed=len(done),
        minutes=sum(minutes.values()),
        load=load,
        resistance_sets=sum(b.sets for b in done if b.modality == "resistance"),
        minutes_by_modality=minutes,
        sessions_by_modality=sessions,
    )


def dose_note(doses: Sequence[tuple[str, Dose]]) -> str | None:
    """A sentence when the trained arms' minutes differ by more than 10 %, else ``None``."""
    trained = [(label, d) for label, d in doses if d.minutes > 0]
    if len(trained) < 2:
        return None
    low = min(d.minutes for _, d in trained)
    high = max(d.minutes for _, d in trained)
    if high <= low * (1 + DOSE_MATCH_TOLERANCE):
        return None
    listed = ", ".join(
        f"{label} {d.sessions_completed} sessions / {d.minutes:,.0f} min" for label, d in trained
    )
    return (
        f"The arms are not dose-matched ({listed}): the one that trained most has "
        f"{high / low:.1f}x the minutes of the one that trained least. Part of any difference is "
        "simply more training; the per-hour column divides each change by the hours trained."
    )


def daily_load(bouts: Iterable[Any], days: int) -> list[float]:
    """Load (minutes x relative intensity) of the completed sessions, day by day from day 0."""
    load = [0.0] * days
    for b in bouts:
        day = int(b.start_h // 24)
        if b.completed and 0 <= day < days:
            load[day] += 60.0 * (b.end_h - b.start_h) * b.relative_intensity
    return load
