"""Shared fixtures: the repository's folders and a small scenario factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

# The metrics summary.json must carry (the output contract in the README), written out here
# rather than read from the code, so that the tests check the code against the contract.
CONTRACT_METRICS = frozenset(
    {
        "reserve_final",
        "cognition_z_final",
        "bdnf_brain_auc",
        "il6_peak_pg_mL",
        "strength_change_pct",
        "fitness_change_pct",
        "igf1_mean_ng_mL",
        "igf1_midrange_fraction",
        "sessions_planned",
        "sessions_completed",
    }
)


def minimal_scenario(**overrides: Any) -> dict[str, Any]:
    """A valid scenario as a dict (one aerobic session a week for two weeks)."""
    data: dict[str, Any] = {
        "name": "tiny",
        "duration_weeks": 2,
        "blocks": [
            {
                "weeks": 2,
                "sessions": [
                    {
                        "day": "mon",
                        "start": "09:00",
                        "modality": "aerobic",
                        "duration_min": 45,
                        "intensity_pct_hrmax": 65,
                    }
                ],
            }
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def scenarios_dir() -> Path:
    return SCENARIOS
