"""Shared fixtures: the repository's folders and a small scenario factory.

Mutation runs (``tools/mutation.py``): with ``MUSCLEBRAIN_MUTATE="name=value,..."`` in the
environment, the model's default parameters are changed before any test runs, so that a test
can be shown to fail when the pathway it exists for is switched off.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# CI draws the same examples every run (derandomised, from each test's own source), so that a
# run fails only for a change in the code; locally every run explores new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def _mutate(spec: str) -> None:
    """Change the defaults of :class:`sim.model.parameters.Parameters` in this process."""
    from dataclasses import fields

    from sim.model import parameters

    changes = dict(item.split("=", 1) for item in spec.split(",") if item.strip())
    names = [f.name for f in fields(parameters.Parameters)]
    defaults = list(parameters.Parameters.__init__.__defaults__ or ())
    for name, value in changes.items():
        i = names.index(name.strip())
        defaults[i] = float(value)
        object.__setattr__(parameters.DEFAULTS, name.strip(), float(value))
    parameters.Parameters.__init__.__defaults__ = tuple(defaults)


if os.environ.get("MUSCLEBRAIN_MUTATE"):
    _mutate(os.environ["MUSCLEBRAIN_MUTATE"])

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
