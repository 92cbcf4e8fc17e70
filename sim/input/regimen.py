"""The regimen as data: expand a scenario's blocks of weekly sessions into a dated plan.

Pure functions, no SimPy and no physiology: :func:`expand_regimen` turns the declarative
blocks into :class:`PlannedSession` records with absolute start times [h from the start,
Monday 00:00 of week 1]; :mod:`sim.running.schedule` plays them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.model.vocabulary import HOURS_PER_WEEK


@dataclass(frozen=True)
class PlannedSession:
    """One session of the plan, at an absolute time.

    Attributes
    ----------
    index
        Running number of the session in the plan (0-based, in time order).
    block, slot
        Index of the block and of the session within the block's week.
    week, week_in_block
        Programme week (0-based) and week within the block (0-based).
    start_h
        Absolute start time [h].
    session
        The validated session prescription from the scenario.
    """

    index: int
    block: int
    slot: int
    week: int
    week_in_block: int
    start_h: float
    session: Any

    @property
    def end_h(self) -> float:
        """Absolute end time [h]."""
        return self.start_h + float(self.session.duration_h)


def expand_regimen(scenario: Any) -> tuple[PlannedSession, ...]:
    """All sessions of a scenario's blocks in time order (none after the training period)."""
    raw: list[tuple[float, int, int, int, int, Any]] = []
    week0 = 0
    for b, block in enumerate(scenario.blocks):
        for w in range(block.weeks):
            for slot, session in enumerate(block.sessions):
                start = (week0 + w) * HOURS_PER_WEEK + float(session.start_h_of_week)
                raw.append((start, b, slot, week0 + w, w, session))
        week0 += block.weeks
    raw.sort(key=lambda r: (r[0], r[1], r[2]))
    horizon = scenario.duration_weeks * HOURS_PER_WEEK
    plan = [
        PlannedSession(i, b, slot, week, wib, start, s)
        for i, (start, b, slot, week, wib, s) in enumerate(
            r for r in raw if r[0] + float(r[5].duration_h) <= horizon + 1e-9
        )
    ]
    return tuple(plan)


def sessions_past_end(scenario: Any) -> tuple[str, ...]:
    """Notes on the last week's sessions that would end after the training period.

    :func:`expand_regimen` leaves them out (a session is never cut short); a run says so, so
    that nobody wonders where a planned session went.
    """
    if not scenario.blocks:
        return ()
    b, last = len(scenario.blocks) - 1, scenario.blocks[-1]
    return tuple(
        f"blocks[{b}].sessions[{slot}] ({session.describe()}) would end after the training "
        f"period (week {scenario.duration_weeks}) in its last week and is not scheduled there"
        for slot, session in enumerate(last.sessions)
        if session.end_h_of_week > HOURS_PER_WEEK + 1e-9
    )
