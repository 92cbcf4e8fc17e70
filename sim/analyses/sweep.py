"""Sweeps: one scenario run over a grid of values of its fields or of model parameters.

``--vary FIELD=START:STOP:STEP`` (or ``FIELD=A,B,C``) names what changes. ``FIELD`` is

- a model parameter of ``musclebrain params`` (it becomes a scenario parameter override);
- a dotted path into the scenario (``participant.age_years``, ``blocks.0.weeks``,
  ``blocks.0.sessions.1.intensity_pct_1rm``);
- or a short name: a field of the scenario (``duration_weeks``), of its participant
  (``age_years``), or of its sessions (``intensity_pct_1rm``, ``duration_min``, ``sets``),
  which then changes in every session that has it.

Every point is built through the scenario schema, so a point the schema refuses (a session
that overlaps the next, an intensity above 100 %) is listed with the schema's message and not
run. The result is one row per point with the summary metrics of ``summary.json``.
Illustrative model, not clinical.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sim.errors import InputError, ScenarioError
from sim.input.limits import SWEEP_ENV, max_sweep_points


@dataclass(frozen=True)
class Vary:
    """One varied field: its name as given, the scenario paths it sets, and its values."""

    name: str
    paths: tuple[str, ...]
    values: tuple[float, ...]
    parameter: bool = False


@dataclass(frozen=True)
class SweepResult:
    """The grid's runs: varied names, the valid points' values and metrics, invalid points."""

    scenario: Any
    varies: tuple[Vary, ...]
    metric_names: tuple[str, ...]
    rows: list[tuple[tuple[float, ...], dict[str, float]]]
    invalid: list[tuple[tuple[float, ...], str]]

    def column(self, metric: str) -> list[float]:
        """One metric over the valid points, in grid order."""
        return [m.get(metric, math.nan) for _, m in self.rows]


_SYNTAX = (
    "Fix: write FIELD=START:STOP:STEP (e.g. intensity_pct_1rm=60:85:5) or FIELD=A,B,C "
    "(e.g. duration_min=30,45,60)."
)


def _check_points(count: int, what: str) -> None:
    """Refuse more points than the limit, saying how to lower the count or raise the limit."""
    limit = max_sweep_points()
    if count > limit:
        raise InputError(
            f"{what}, more than the limit of {limit} (each point is a whole run). Fix: use "
            f"fewer values or a larger step, or raise the limit, e.g. {SWEEP_ENV}={count} "
            "musclebrain sweep ..."
        )


def _values(text: str, spec: str) -> tuple[float, ...]:
    def number(s: str) -> float:
        try:
            value = float(s)
        except ValueError:
            raise InputError(f"--vary {spec!r}: {s.strip()!r} is not a number. {_SYNTAX}") from None
        if not math.isfinite(value):
            raise InputError(f"--vary {spec!r}: {s.strip()!r} is not a finite number. {_SYNTAX}")
        return value

    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise InputError(f"--vary {spec!r}: a range has three parts. {_SYNTAX}")
        start, stop, step = (number(p) for p in parts)
        if step <= 0 or stop < start:
            raise InputError(
                f"--vary {spec!r}: the range must rise by a positive step (START <= STOP, "
                f"STEP > 0). {_SYNTAX}"
            )
        count = math.floor((stop - start) / step + 1e-9) + 1
        _check_points(count, f"--vary {spec!r}: {count} values")
        return tuple(round(start + i * step, 12) for i in range(count))
    values = tuple(number(p) for p in text.split(",") if p.strip())
    if not values:
        raise InputError(f"--vary {spec!r}: no values. {_SYNTAX}")
    return values


def _paths(scenario: Any, name: str) -> tuple[str, ...]:
    """Where the field ``name`` is in ``scenario``: its dotted paths (see the module docstring)."""
    if "." in name:
        return (name,)
    data = scenario.model_dump(mode="python")
    if name in data and name not in ("blocks", "participant", "parameters"):
        return (name,)
    if name in data.get("participant", {}):
        return (f"participant.{name}",)
    found = tuple(
        f"blocks.{b}.sessions.{s}.{name}"
        for b, block in enumerate(data.get("blocks", []))
        for s, session in enumerate(block.get("sessions", []))
        if session.get(name) is not None
    )
    if found:
        return found
    raise InputError(
        f"--vary {name}: the scenario {scenario.name!r} has no field {name!r} (in its sessions, "
        "participant or top level) and it is not a model parameter. Fix: name a session field "
        "the scenario uses (e.g. intensity_pct_1rm, duration_min, sets), a participant field "
        "(age_years), a dotted path (blocks.0.weeks), or a name from `musclebrain params`."
    )


def parse_vary(scenario: Any, spec: str) -> Vary:
    """One ``--vary`` argument, checked against ``scenario``.

    Raises
    ------
    InputError
        Naming the argument, what is wrong and the fix (exit code 2 on the command line).
    """
    from sim.model.parameters import Parameters, unit_of

    name, sep, text = spec.partition("=")
    name = name.strip()
    if not sep or not name:
        raise InputError(f"--vary {spec!r}: no '='. {_SYNTAX}")
    values = _values(text, spec)
    if name in Parameters.names():
        lo, hi = Parameters.spec(name)["lower"], Parameters.spec(name)["upper"]
        outside = [v for v in values if not lo <= v <= hi]
        if outside:
            shown = ", ".join(f"{v:g}" for v in outside[:5])
            raise InputError(
                f"--vary {spec!r}: {shown} {'is' if len(outside) == 1 else 'are'} outside the "
                f"bounds of parameter {name!r}, {lo:g} to {hi:g} ({unit_of(name)}). Fix: vary "
                "it within its bounds (`musclebrain params` lists them)."
            )
        return Vary(name, (f"parameters.{name}",), values, parameter=True)
    return Vary(name, _paths(scenario, name), values)


def _point(scenario: Any, varies: Sequence[Vary], values: Sequence[float]) -> Any:
    """The scenario at one grid point, validated (ScenarioError or ParameterError if not)."""
    changes: dict[str, Any] = {}
    overrides = dict(scenario.parameters)
    for vary, value in zip(varies, values, strict=True):
        number: Any = int(value) if float(value).is_integer() and not vary.parameter else value
        if vary.parameter:
            overrides[vary.name] = float(value)
        else:
            changes.update(dict.fromkeys(vary.paths, number))
    if overrides != dict(scenario.parameters):
        changes["parameters"] = overrides
    return scenario.with_changes(changes)


def point_metrics(point: Any) -> dict[str, float]:
    """The summary metrics of one point's run (a task of :func:`sweep`'s ``mapper``)."""
    from sim.running.simulation import simulate

    return dict(simulate(point).metrics)


def sweep(
    scenario: Any,
    varies: Sequence[Vary],
    progress: Callable[[int, int, str], None] | None = None,
    mapper: Callable[..., Iterable[dict[str, float]]] = map,
) -> SweepResult:
    """Run ``scenario`` at every point of the grid of ``varies`` (grid order: last fastest).

    Each valid point is one run (every summary metric, peaks included, needs its time
    series), run by ``mapper`` (``map``, or a Dask client's or an executor's ``map``: the
    result is the same).

    Examples
    --------
    >>> s = load_scenario("resistance_twice_weekly")  # doctest: +SKIP
    >>> result = sweep(s, [parse_vary(s, "intensity_pct_1rm=50:85:5")])  # doctest: +SKIP
    """
    from sim.errors import ParameterError

    grid = list(itertools.product(*(v.values for v in varies)))
    _check_points(len(grid), f"--vary: {len(grid)} points")
    points: list[tuple[tuple[float, ...], Any]] = []
    invalid: list[tuple[tuple[float, ...], str]] = []
    for values in grid:
        try:
            points.append((tuple(values), _point(scenario, varies, values)))
        except (ScenarioError, ParameterError) as exc:
            invalid.append((tuple(values), str(exc)))
    rows: list[tuple[tuple[float, ...], dict[str, float]]] = []
    runs = mapper(point_metrics, [point for _, point in points])
    for i, ((values, _), metrics) in enumerate(zip(points, runs, strict=True)):
        if progress is not None:
            label = ", ".join(f"{v.name}={x:g}" for v, x in zip(varies, values, strict=True))
            progress(i + 1, len(points), label)
        rows.append((values, metrics))
    names = tuple(rows[0][1]) if rows else ()
    return SweepResult(scenario, tuple(varies), names, rows, invalid)
