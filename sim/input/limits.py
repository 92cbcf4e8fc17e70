"""Size and cost limits: a run or a trial too large for the machine is refused before it starts.

Both limits are estimated from the input alone (no integration, no allocation) and refused
with an :class:`~sim.errors.InputError` (exit code 2 at the command line) that gives the
estimate, the limit, how to lower the estimate and how to raise the limit.

``MAX_ROWS`` (default :data:`DEFAULT_MAX_ROWS`, 2,000,000; environment variable
``MUSCLEBRAIN_MAX_ROWS``)
    Rows of one run's ``timeseries.csv``: one per output sample (``horizon / sample_min``)
    plus up to two per scheduled session (its start and end). A row costs about
    :data:`BYTES_PER_ROW` of memory while the run is integrated and written and about
    :data:`CSV_BYTES_PER_ROW` of ``timeseries.csv``, so the default keeps a run near 1.3 GB of
    memory and 0.5 GB of CSV. The longest scenario (520 weeks) runs at ``sample_min`` 3 or
    more; at the default 60 min it has 87,361 rows.
``MAX_PEOPLE_PER_ARM`` (default :data:`DEFAULT_MAX_PEOPLE_PER_ARM`, 100,000; environment
variable ``MUSCLEBRAIN_MAX_PEOPLE_PER_ARM``)
    People in one arm of a virtual trial, whether from the trial file's ``n_per_arm`` or
    ``--n-per-arm``. A cohort holds about :data:`BYTES_PER_PERSON` per person while an arm
    runs.

``MAX_SWEEP_POINTS`` (default :data:`DEFAULT_MAX_SWEEP_POINTS`, 400; environment variable
``MUSCLEBRAIN_MAX_SWEEP_POINTS``)
    Points of one ``musclebrain sweep`` grid: each is a whole run (0.1-0.5 s for 24 weeks).

Set the environment variable to a larger whole number to raise a limit on a machine with the
memory (or the time), e.g. ``MUSCLEBRAIN_MAX_ROWS=6000000 musclebrain run long.yaml --sample-min 1``.
"""

from __future__ import annotations

import math
import os
from typing import Any

from sim.errors import LimitError
from sim.model.vocabulary import HOURS_PER_WEEK

__all__ = [
    "LimitError",
    "check_run_size",
    "estimate_rows",
    "max_people_per_arm",
    "max_rows",
    "max_sweep_points",
    "people_per_arm_problem",
]

DEFAULT_MAX_ROWS = 2_000_000
DEFAULT_MAX_PEOPLE_PER_ARM = 100_000
DEFAULT_MAX_SWEEP_POINTS = 400
ROWS_ENV = "MUSCLEBRAIN_MAX_ROWS"
SWEEP_ENV = "MUSCLEBRAIN_MAX_SWEEP_POINTS"
PEOPLE_ENV = "MUSCLEBRAIN_MAX_PEOPLE_PER_ARM"

# Measured peak memory per row of `musclebrain run` (52 weeks at --sample-min 1, 524,162
# rows, figure included) and bytes per row of its timeseries.csv.
BYTES_PER_ROW = 650
CSV_BYTES_PER_ROW = 250
# Measured peak memory per person of a trial arm (liu_ambrose, 52 weeks, 3 arms: 115 MB
# at --n-per-arm 200, 155 MB at 5,000): the cohort's states, the solver's work arrays and
# the per-person constants.
BYTES_PER_PERSON = 8_500

MAX_SAMPLE_MIN = 1440  # the scenario's and --sample-min's upper bound


def _limit(env: str, default: int) -> int:
    """The limit from the environment variable ``env``, or ``default`` if it is not set."""
    text = os.environ.get(env, "").strip()
    if not text:
        return default
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise LimitError(
            f"environment variable {env}={text!r} is not a whole number of 1 or more. Fix: set "
            f"it to a whole number such as {default} (the default), or unset it."
        )
    return value


def max_rows() -> int:
    """The row limit of one run: ``MUSCLEBRAIN_MAX_ROWS`` or :data:`DEFAULT_MAX_ROWS`."""
    return _limit(ROWS_ENV, DEFAULT_MAX_ROWS)


def max_people_per_arm() -> int:
    """People per trial arm: ``MUSCLEBRAIN_MAX_PEOPLE_PER_ARM`` or the default."""
    return _limit(PEOPLE_ENV, DEFAULT_MAX_PEOPLE_PER_ARM)


def max_sweep_points() -> int:
    """Points of one sweep: ``MUSCLEBRAIN_MAX_SWEEP_POINTS`` or the default."""
    return _limit(SWEEP_ENV, DEFAULT_MAX_SWEEP_POINTS)


def _bytes(n: float) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n:.0f} bytes"


def estimate_rows(scenario: Any, sample_min: float) -> int:
    """An upper bound on the rows of a run's time series, from the scenario alone.

    One row per output sample on the grid from 0 to the horizon, two per scheduled session
    (its start and end) and the end of the run; counted without expanding the plan.
    """
    horizon_h = (scenario.duration_weeks + scenario.follow_up_weeks) * HOURS_PER_WEEK
    grid = math.floor(horizon_h / (sample_min / 60.0) + 1e-9) + 1
    sessions = sum(block.weeks * len(block.sessions) for block in scenario.blocks)
    return grid + 2 * sessions + 1


def check_run_size(scenario: Any, sample_min: float) -> None:
    """Refuse a run whose time series would exceed the row limit.

    Parameters
    ----------
    scenario
        A validated :class:`sim.input.scenario.Scenario`.
    sample_min
        The output sampling [min] the run will use.

    Raises
    ------
    LimitError
        With the estimate (rows, memory, CSV size), the limit and how to lower or raise it.
    """
    limit = max_rows()
    rows = estimate_rows(scenario, sample_min)
    if rows <= limit:
        return
    weeks = scenario.duration_weeks + scenario.follow_up_weeks
    sessions = sum(block.weeks * len(block.sessions) for block in scenario.blocks)
    grid_max = limit - 2 * sessions - 1
    fits = math.ceil(weeks * HOURS_PER_WEEK * 60.0 / (grid_max - 1)) if grid_max > 1 else 0
    if 0 < fits <= MAX_SAMPLE_MIN:
        lower = (
            f"sample every {fits} min or more (--sample-min {fits}, or sample_min: {fits} "
            "in the scenario)"
        )
    else:
        lower = f"schedule fewer than {sessions} sessions in all"
    raise LimitError(
        f"scenario {scenario.name!r}: {weeks} week{'' if weeks == 1 else 's'} (duration_weeks + follow_up_weeks) "
        f"sampled every {sample_min:g} min with {sessions} sessions would write about "
        f"{rows:,} rows of timeseries.csv (about {_bytes(rows * BYTES_PER_ROW)} of memory "
        f"and {_bytes(rows * CSV_BYTES_PER_ROW)} of CSV), above the limit of {limit:,} "
        f"rows. Fix: {lower}, or shorten duration_weeks/follow_up_weeks; or, if the "
        f"machine has the memory, raise the limit with the environment variable "
        f"{ROWS_ENV}={rows}."
    )


def people_per_arm_problem(n: int, arms: int) -> str | None:
    """What is wrong with ``n`` people per arm (below 2, or above the limit), or ``None``.

    Parameters
    ----------
    n
        People per arm (the trial file's ``n_per_arm`` or ``--n-per-arm``).
    arms
        Number of arms (for the estimate).

    Returns
    -------
    str or None
        The message (without the file name) with the estimate of memory, the limit and how
        to lower or raise it.
    """
    if n < 2:
        return (
            f"n_per_arm {n} is invalid: must be at least 2 (an arm's spread needs two "
            "people). Fix: give --n-per-arm 2 or more, or n_per_arm: 2 or more in the trial "
            "file."
        )
    limit = max_people_per_arm()
    if n <= limit:
        return None
    return (
        f"n_per_arm {n:,} is too large: {arms} arms of {n:,} people would need about "
        f"{_bytes(n * BYTES_PER_PERSON)} of memory for each arm and take hours, above the "
        f"limit of {limit:,} people per arm. Fix: give --n-per-arm {limit} or fewer; or, if "
        f"the machine has the memory and time, raise the limit with the environment "
        f"variable {PEOPLE_ENV}={n}."
    )
