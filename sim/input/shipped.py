"""The shipped scenarios and trials, read from the installed package by name.

The top-level ``scenarios/`` folder of the repository is their one source; in the package it
is ``sim/scenarios`` (a link in a checkout, copies in a wheel), so a scenario runs by name
(``musclebrain run combined``) wherever musclebrain is installed.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SCENARIO_DIR = Path(str(resources.files("sim") / "scenarios")).resolve()
"""The folder of the shipped scenario files (``*.yaml``); trials are in ``trials/`` below it."""

TRIAL_DIR = SCENARIO_DIR / "trials"


def shipped_scenarios() -> list[Path]:
    """The shipped scenario files, sorted by name."""
    return sorted(SCENARIO_DIR.glob("*.yaml"))


def shipped_trials() -> list[Path]:
    """The shipped trial files, sorted by name."""
    return sorted(TRIAL_DIR.glob("*.yaml"))
