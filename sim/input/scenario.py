"""The scenario file: a strict pydantic schema and its loader.

A scenario names a participant, a regimen (blocks of weeks, each with weekly sessions; a
progression rule; adherence), recovery habits and optional parameter overrides. Every model
forbids unknown keys and is frozen. :func:`load_scenario` turns any problem (file, YAML or
schema) into one :class:`~sim.errors.ScenarioError` whose message names the file, the field
path, the bad value and the fix; the translation lives in :mod:`sim.input.messages`.

Times in a week are hours from Monday 00:00; a session may run past Sunday midnight into the
next week (its ``end_h_of_week`` is then above 168).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from sim.errors import ScenarioError
from sim.input.base import Number, StrictModel, Whole
from sim.input.messages import (
    format_problems,
    format_validation_error,
    override_problem,
    render_value,
    rule_error,
    short_repr,
)
from sim.input.shipped import shipped_file
from sim.input.yamlfile import read_yaml
from sim.model.parameters import check_override
from sim.model.vocabulary import DAYS, HOURS_PER_WEEK

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _clock(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 9:00 as the sexagesimal integer 540.
        hint = f"{value // 60:02d}:{value % 60:02d}" if 0 <= value < 1440 else "09:00"
        raise rule_error(
            [
                (
                    "",
                    f"{value} looks like an unquoted time (YAML reads h:mm as "
                    f'minutes). Fix: write it in quotes, e.g. start: "{hint}".',
                )
            ]
        )
    if not isinstance(value, str) or not (m := _TIME.match(value.strip())):
        raise rule_error(
            [
                (
                    "",
                    f"{render_value(value)} is not a 24-hour time. Fix: write "
                    '"HH:MM" in quotes, from "00:00" to "23:59", e.g. "09:00".',
                )
            ]
        )
    return f"{int(m.group(1)):02d}:{m.group(2)}"


class Participant(StrictModel):
    """Who trains: age, sex, BDNF genotype, cognitive status, pathology and optional baselines."""

    age_years: Number = Field(default=65.0, ge=18, le=100)
    sex: Annotated[Literal["female", "male"], BeforeValidator(_lower)] = "female"
    bdnf_genotype: Annotated[Literal["val/val", "val/met", "met/met"], BeforeValidator(_lower)] = (
        "val/val"
    )
    cognitive_status: Annotated[
        Literal["healthy", "subjective_decline", "mci"], BeforeValidator(_lower)
    ] = "healthy"
    pathology_load: Number = Field(default=0.0, ge=0, le=1)
    pathology_progression_per_yr: Number = Field(default=0.0, ge=0, le=0.5)
    baseline_strength_rel: Number | None = Field(default=None, ge=0.3, le=3)
    baseline_fitness_rel: Number | None = Field(default=None, ge=0.3, le=3)
    baseline_igf1_ng_mL: Number | None = Field(default=None, ge=10, le=800)


class Recovery(StrictModel):
    """Habits that set how well fatigue clears and adaptation proceeds."""

    sleep_h: Number = Field(default=7.5, ge=3, le=14)
    protein_g_per_kg: Number = Field(default=1.2, ge=0.3, le=4.0)


class Background(StrictModel):
    """Daily activity outside the sessions."""

    steps_per_day: Whole = Field(default=0, ge=0, le=40000)


class Session(StrictModel):
    """One weekly session slot; the modality subclasses add their intensity fields."""

    day: Annotated[
        Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], BeforeValidator(_lower)
    ]
    start: Annotated[str, BeforeValidator(_clock)]
    duration_min: Number = Field(gt=0, le=240)
    label: str = ""

    @property
    def start_h_of_week(self) -> float:
        """Start in hours from Monday 00:00 (``tue 09:00`` is 33.0)."""
        hh, mm = self.start.split(":")
        return DAYS.index(self.day) * 24.0 + int(hh) + int(mm) / 60.0

    @property
    def duration_h(self) -> float:
        """Duration in hours."""
        return self.duration_min / 60.0

    @property
    def end_h_of_week(self) -> float:
        """End in hours from Monday 00:00; above 168 if it runs past Sunday midnight."""
        return self.start_h_of_week + self.duration_h

    def describe(self) -> str:
        """``"mon 09:00, 90 min"``: how messages refer to the session."""
        return f"{self.day} {self.start}, {self.duration_min:g} min"


class AerobicSession(Session):
    """Continuous aerobic work at one intensity, given as %HRmax or %VO2max (exactly one)."""

    modality: Literal["aerobic"]
    intensity_pct_hrmax: Number | None = Field(default=None, ge=40, le=100)
    intensity_pct_vo2max: Number | None = Field(default=None, ge=20, le=100)

    @model_validator(mode="after")
    def _one_intensity(self) -> AerobicSession:
        if (self.intensity_pct_hrmax is None) == (self.intensity_pct_vo2max is None):
            both = self.intensity_pct_hrmax is not None
            raise rule_error(
                [
                    (
                        "",
                        (
                            f"{'both' if both else 'neither'} intensity_pct_hrmax and intensity_pct_vo2max "
                            "given. Fix: give exactly one of them, e.g. intensity_pct_hrmax: 65."
                        ),
                    )
                ]
            )
        return self


class Intervals(StrictModel):
    """HIIT intervals: ``count`` repeats of work then rest."""

    count: Whole = Field(ge=1, le=30)
    work_min: Number = Field(gt=0, le=20)
    rest_min: Number = Field(ge=0, le=20)
    work_pct_hrmax: Number = Field(ge=70, le=100)
    rest_pct_hrmax: Number = Field(default=60.0, ge=40, le=85)

    @property
    def total_min(self) -> float:
        """Minutes spent in the intervals (work and rest)."""
        return self.count * (self.work_min + self.rest_min)


class HiitSession(Session):
    """Intervals; the rest of the session is warm-up/cool-down at ``rest_pct_hrmax``."""

    modality: Literal["hiit"]
    intervals: Intervals

    @model_validator(mode="after")
    def _intervals_fit(self) -> HiitSession:
        iv = self.intervals
        if iv.total_min > self.duration_min + 1e-9:
            raise rule_error(
                [
                    (
                        "intervals",
                        (
                            f"{iv.count} x ({iv.work_min:g} + {iv.rest_min:g}) min = {iv.total_min:g} min "
                            f"of intervals do not fit in duration_min {self.duration_min:g}. Fix: raise "
                            f"duration_min to at least {iv.total_min:g} or use fewer or shorter intervals."
                        ),
                    )
                ]
            )
        return self


class ResistanceSession(Session):
    """Resistance work: load as %1RM, working sets per major muscle group, reps per set."""

    modality: Literal["resistance"]
    intensity_pct_1rm: Number = Field(ge=20, le=100)
    sets: Whole = Field(ge=1, le=20)
    reps: Whole = Field(ge=1, le=50)
    movements: Annotated[
        Literal["compound", "isolation", "bodyweight", "bands"], BeforeValidator(_lower)
    ] = "compound"


AnySession = Annotated[
    AerobicSession | HiitSession | ResistanceSession, Field(discriminator="modality")
]


class Block(StrictModel):
    """A run of ``weeks`` identical weeks of sessions."""

    weeks: Whole = Field(ge=1)
    label: str = ""
    sessions: tuple[AnySession, ...] = ()


class Progression(StrictModel):
    """How the load moves over weeks, and when fatigue forces a deload or a skip."""

    rule: Annotated[
        Literal["none", "linear", "double", "autoregulated"], BeforeValidator(_lower)
    ] = "none"
    load_step_pct: Number = Field(default=2.5, ge=0, le=20)
    every_weeks: Whole = Field(default=2, ge=1, le=52)
    deload_fatigue: Number = Field(default=1.5, gt=0, le=10)
    skip_fatigue: Number = Field(default=2.5, gt=0, le=10)
    deload_factor: Number = Field(default=0.85, ge=0.3, le=1)

    @model_validator(mode="after")
    def _skip_above_deload(self) -> Progression:
        if self.skip_fatigue <= self.deload_fatigue:
            raise rule_error(
                [
                    (
                        "skip_fatigue",
                        (
                            f"{self.skip_fatigue:g} is invalid: must be above deload_fatigue "
                            f"({self.deload_fatigue:g}). Fix: raise skip_fatigue or lower deload_fatigue."
                        ),
                    )
                ]
            )
        return self


class Adherence(StrictModel):
    """Fraction of sessions attended and of the prescribed intensity achieved."""

    attendance: Number = Field(default=1.0, ge=0, le=1)
    intensity_fidelity: Number = Field(default=1.0, ge=0.5, le=1.0)


class Scenario(StrictModel):
    """A whole scenario file, validated. Build it with :func:`load_scenario`.

    Frozen: change it with :meth:`with_changes` (or ``model_copy(update=...)``), which
    returns a new scenario validated exactly as a file is.

    Examples
    --------
    >>> scenario = load_scenario("combined")  # doctest: +SKIP
    >>> scenario.duration_weeks, [b.weeks for b in scenario.blocks]  # doctest: +SKIP
    >>> older = scenario.with_changes({"participant.age_years": 75})  # doctest: +SKIP
    """

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    duration_weeks: Whole = Field(ge=1, le=520)
    follow_up_weeks: Whole = Field(default=0, ge=0, le=520)
    seed: Whole = Field(default=0, ge=0)
    sample_min: Number = Field(default=60.0, ge=1, le=1440)
    participant: Participant = Field(default_factory=Participant)
    recovery: Recovery = Field(default_factory=Recovery)
    background: Background = Field(default_factory=Background)
    blocks: tuple[Block, ...] = ()
    progression: Progression = Field(default_factory=Progression)
    adherence: Adherence = Field(default_factory=Adherence)
    parameters: dict[str, float] = Field(default_factory=dict)

    def with_changes(self, changes: Mapping[str, Any] | None = None, /, **fields: Any) -> Scenario:
        """A new scenario with some fields changed, validated exactly as a file is.

        Fields are named as keywords or, for nested ones, by dotted paths (list items by
        index): ``{"participant.age_years": 70, "blocks.0.weeks": 12}``.

        Raises
        ------
        ScenarioError
            Naming the field path, the bad value and the fix, as for a file.

        Examples
        --------
        >>> short = scenario.with_changes(duration_weeks=12, **{"blocks.0.weeks": 12})  # doctest: +SKIP
        """
        data: Any = _listed(self.model_dump(mode="python"))
        for path, value in {**(changes or {}), **fields}.items():
            *parents, last = str(path).split(".")
            node = data
            try:
                for key in parents:
                    node = node[int(key)] if isinstance(node, list) else node[key]
                if isinstance(node, list):
                    node[int(last)] = _listed(value)
                else:
                    node[last] = _listed(value)
            except (KeyError, IndexError, ValueError, TypeError):
                raise ScenarioError(
                    f"<{self.name} with changes>: {path}: no such field. Fix: name a field "
                    "of the scenario by its path, e.g. 'participant.age_years' or 'blocks.0.weeks'."
                ) from None
        return scenario_from_dict(data, source=f"<{self.name} with changes>")

    def first_weeks(self, weeks: int) -> Scenario:
        """The first ``weeks`` of the programme, without follow-up (blocks cut to fit).

        The sessions and attendance draws of those weeks are those of the whole scenario, so
        a short re-run at a finer sampling shows the same sessions.
        """
        weeks = max(1, min(int(weeks), self.duration_weeks))
        blocks, left = [], weeks
        for block in self.blocks:
            if left <= 0:
                break
            blocks.append(
                {**_listed(block.model_dump(mode="python")), "weeks": min(block.weeks, left)}
            )
            left -= block.weeks
        return self.with_changes(duration_weeks=weeks, follow_up_weeks=0, blocks=blocks)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Any:
        """A copy; with ``update``, validated like :meth:`with_changes` (never skipped)."""
        if update:
            return self.with_changes(update)
        return super().model_copy(deep=deep)

    @property
    def total_weeks(self) -> int:
        """Programme plus follow-up weeks."""
        return self.duration_weeks + self.follow_up_weeks

    @property
    def horizon_h(self) -> float:
        """Simulated time in hours."""
        return self.total_weeks * HOURS_PER_WEEK

    @field_validator("parameters", mode="before")
    @classmethod
    def _check_parameters(cls, value: Any) -> Any:
        # Names first, with close matches; pydantic reports a non-mapping itself.
        if isinstance(value, dict):
            problems = [
                (str(name), override_problem(msg))
                for name, v in value.items()
                if (msg := check_override(str(name), v))
            ]
            if problems:
                raise rule_error(problems)
        return value

    @model_validator(mode="after")
    def _check_regimen(self) -> Scenario:
        problems = _overlaps(self.blocks)
        weeks = sum(b.weeks for b in self.blocks)
        if self.blocks and weeks != self.duration_weeks:
            problems.append(
                (
                    "blocks",
                    (
                        f"block weeks add up to {weeks} but duration_weeks is {self.duration_weeks}. "
                        f"Fix: make the blocks' weeks sum to {self.duration_weeks}, or set "
                        f"duration_weeks: {weeks}."
                    ),
                )
            )
        if problems:
            raise rule_error(problems)
        return self


def _clash(a: Session, b: Session, shift: float) -> bool:
    return (
        a.start_h_of_week < b.end_h_of_week + shift and b.start_h_of_week + shift < a.end_h_of_week
    )


# Sessions are sorted by start and each is compared with the ones starting before it ends
# (the sweep below), so the check costs O(n log n) plus the clashes found, not O(n^2): a week
# of 2,016 five-minute sessions took 22 s with every pair compared. Candidates are found with
# a small tolerance and confirmed with :func:`_clash`, so the verdicts (and the messages, in
# the order of the former pairwise loops) are exactly those of comparing every pair.
_TOLERANCE_H = 1e-6


def _clashing_pairs(ss: tuple[Session, ...]) -> list[tuple[int, int]]:
    """Pairs ``(j, m)``, ``j < m``, of one week's sessions that overlap (with the week wrap)."""
    spans = [(s.start_h_of_week, s.end_h_of_week, k) for k, s in enumerate(ss)]
    # A session past Sunday midnight also occupies the start of the week: [start-168, end-168).
    spans += [
        (t0 - HOURS_PER_WEEK, t1 - HOURS_PER_WEEK, k)
        for t0, t1, k in spans
        if t1 > HOURS_PER_WEEK - _TOLERANCE_H
    ]
    spans.sort()
    candidates: set[tuple[int, int]] = set()
    for p, (_, t1, k) in enumerate(spans):
        q = p + 1
        while q < len(spans) and spans[q][0] < t1 + _TOLERANCE_H:
            other = spans[q][2]
            if other != k:
                candidates.add((min(k, other), max(k, other)))
            q += 1
    shifts = (-HOURS_PER_WEEK, 0.0, HOURS_PER_WEEK)
    return [
        (j, m)
        for j, m in sorted(candidates)
        if any(_clash(ss[j], ss[m], shift) for shift in shifts)
    ]


def _clashes_into_next(ss: tuple[Session, ...], nxt: tuple[Session, ...]) -> list[tuple[int, int]]:
    """Pairs ``(j, m)``: session ``j`` of a block runs past Sunday midnight into session ``m``
    of the next block's first week."""
    starts = sorted((s.start_h_of_week, m) for m, s in enumerate(nxt))
    found = []
    for j, a in enumerate(ss):
        if not a.end_h_of_week > HOURS_PER_WEEK:
            continue
        reach = a.end_h_of_week - HOURS_PER_WEEK + _TOLERANCE_H
        hits = [m for _, m in starts[: bisect_left(starts, (reach, -1))]]
        found += [(j, m) for m in sorted(hits) if _clash(a, nxt[m], HOURS_PER_WEEK)]
    return found


def _overlaps(blocks: tuple[Block, ...]) -> list[tuple[str, str]]:
    """Sessions whose weekly spans overlap, within a block (with the week wrap) and across a
    block boundary (a late-Sunday session of one block against the next block's start)."""
    found: list[tuple[str, str]] = []

    def report(i: int, j: int, a: Session, k: int, m: int, b: Session) -> None:
        first, second = f"blocks[{i}].sessions[{j}]", f"blocks[{k}].sessions[{m}]"
        found.append(
            (
                f"blocks[{k}].sessions",
                (
                    f"{first} ({a.describe()}) overlaps {second} ({b.day} {b.start}). Fix: move one "
                    f"of them, or shorten {first} so that it ends before {second} starts."
                ),
            )
        )

    for i, block in enumerate(blocks):
        ss = block.sessions
        for j, m in _clashing_pairs(ss):
            report(i, j, ss[j], i, m, ss[m])
        if i + 1 < len(blocks):
            nxt = blocks[i + 1].sessions
            for j, m in _clashes_into_next(ss, nxt):
                report(i, j, ss[j], i + 1, m, nxt[m])
    return found


def scenario_from_dict(data: Any, source: str = "<dict>") -> Scenario:
    """Validate an already-parsed scenario mapping.

    Parameters
    ----------
    data
        The mapping, as ``yaml.safe_load`` would return it.
    source
        Label each message line starts with (a file name, or ``"<dict>"``).

    Returns
    -------
    Scenario
        The validated, frozen scenario.

    Raises
    ------
    ScenarioError
        One message listing every problem with field path, bad value and fix.

    Examples
    --------
    >>> scenario = scenario_from_dict({"name": "rest", "duration_weeks": 4})  # doctest: +SKIP
    """
    path = None if source == "<dict>" else source
    if not isinstance(data, dict):
        kind = (
            "a list" if isinstance(data, list) else f"{type(data).__name__} {short_repr(data, 40)}"
        )
        raise ScenarioError(
            format_problems(
                source,
                [
                    (
                        "",
                        (
                            f"the top level must be a mapping of fields (name: ..., duration_weeks: ...), got "
                            f"{kind}. Fix: write 'key: value' lines at the top level, without a leading '- '."
                        ),
                    )
                ],
            ),
            path=path,
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(source, Scenario, exc), path=path) from None


def _listed(data: Any) -> Any:
    """Tuples of a dumped scenario as lists, so that dotted paths can change their items.

    A model given as a new value (``update={"participant": participant}``) becomes a mapping,
    so it is validated again with the rest rather than taken as it is.
    """
    if isinstance(data, BaseModel):
        return _listed(data.model_dump(mode="python"))
    if isinstance(data, dict):
        return {k: _listed(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_listed(v) for v in data]
    return data


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario YAML file, or a shipped scenario by name.

    Parameters
    ----------
    path
        The scenario file, or the name of a shipped scenario (``"combined"``; the names
        ``musclebrain scenarios`` lists) when no file of that name exists.

    Returns
    -------
    Scenario
        The validated, frozen scenario.

    Raises
    ------
    ScenarioError
        For a missing, unreadable, empty or malformed file, or any schema violation; the
        message names the file, the field path, the bad value and the fix.

    Examples
    --------
    >>> scenario = load_scenario("scenarios/combined.yaml")  # doctest: +SKIP
    >>> scenario = load_scenario("combined")  # the shipped one, from any folder  # doctest: +SKIP
    """
    source = os.fspath(path)
    source = shipped_file(source) or source
    data = read_yaml(source, lambda message: ScenarioError(message, path=source))
    return scenario_from_dict(data, source=source)
