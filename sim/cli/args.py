"""Argument types of the command line: each refuses a bad value with the fix (exit 2)."""

from __future__ import annotations

import argparse
from typing import Any


def positive_minutes(text: str) -> float:
    """Minutes between 1 and 1440 (one day)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of minutes, got {text!r}") from None
    if not 1.0 <= value <= 1440.0:
        raise argparse.ArgumentTypeError(f"{value:g} is outside 1..1440 minutes")
    return value


def _whole(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(
            f"{value} is invalid: use a whole number, {minimum} or more"
        )
    return value


def people(text: str) -> int:
    """People per trial arm: a whole number, 2 or more."""
    return _whole(text, 2)


def check_size(path: str, scenario: Any, sample_min: float | None) -> None:
    """Refuse, naming the file, a run too large for the row limit (before any work)."""
    from sim.input.limits import LimitError, check_run_size, max_rows

    max_rows()  # a badly set limit is the environment's fault, not the file's: said as such
    try:
        check_run_size(scenario, scenario.sample_min if sample_min is None else sample_min)
    except LimitError as exc:
        raise LimitError(f"{path}: {exc}") from None


def seed(text: str) -> int:
    """A random seed: a whole number, 0 or more."""
    return _whole(text, 0)


def port(text: str) -> int:
    """A TCP port for the explorer: 1024 to 65535 (lower ones need administrator rights)."""
    value = _whole(text, 1024)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{value} is invalid: a port is at most 65535")
    return value


def workers(text: str) -> int:
    """Dask worker processes: a whole number, 1 or more."""
    return _whole(text, 1)
