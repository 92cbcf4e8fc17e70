"""Small in-code regimens for the evidence targets (docs/targets.md)."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.input.scenario import scenario_from_dict
from sim.running.results import Result
from sim.running.simulation import simulate

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def aerobic(
    day: str = "mon",
    minutes: float = 45,
    pct_hrmax: float | None = 65,
    pct_vo2max: float | None = None,
    start: str = "09:00",
) -> dict[str, Any]:
    session: dict[str, Any] = {
        "day": day,
        "start": start,
        "modality": "aerobic",
        "duration_min": minutes,
    }
    if pct_vo2max is not None:
        session["intensity_pct_vo2max"] = pct_vo2max
    else:
        session["intensity_pct_hrmax"] = pct_hrmax
    return session


def resistance(
    day: str = "mon",
    pct: float = 75,
    sets: int = 3,
    minutes: float = 50,
    movements: str = "compound",
    start: str = "10:00",
) -> dict[str, Any]:
    return {
        "day": day,
        "start": start,
        "modality": "resistance",
        "duration_min": minutes,
        "intensity_pct_1rm": pct,
        "sets": sets,
        "reps": 8,
        "movements": movements,
    }


def hiit_4x4(day: str = "mon", start: str = "09:00") -> dict[str, Any]:
    return {
        "day": day,
        "start": start,
        "modality": "hiit",
        "duration_min": 38,
        "intervals": {
            "count": 4,
            "work_min": 4,
            "rest_min": 3,
            "work_pct_hrmax": 92,
            "rest_pct_hrmax": 65,
        },
    }


def run(
    sessions: list[dict[str, Any]],
    weeks: int = 1,
    follow_up: int = 0,
    sample_min: float = 60,
    rule: str = "double",
    **top: Any,
) -> Result:
    """Simulate ``sessions`` every week for ``weeks`` weeks (default participant: 65 y)."""
    data: dict[str, Any] = {
        "name": "evidence",
        "duration_weeks": weeks,
        "follow_up_weeks": follow_up,
        "sample_min": sample_min,
        "progression": {"rule": rule},
        "blocks": [{"weeks": weeks, "sessions": sessions}] if sessions else [],
    }
    data.update(top)
    return simulate(scenario_from_dict(data))


def single_bout(session: dict[str, Any], **top: Any) -> tuple[Result, float, float]:
    """One bout in a one-week run sampled every minute; returns the result, start and end [h]."""
    result = run([session], weeks=1, sample_min=1, **top)
    bout = result.bouts[0]
    return result, bout.start_h, bout.end_h


def window(result: Result, name: str, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray]:
    sel = (result.times_h >= t0 - 1e-9) & (result.times_h <= t1 + 1e-9)
    return result.times_h[sel], result.columns[name][sel]
