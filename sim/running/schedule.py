"""SimPy plays the regimen: sessions happen, or are missed, deloaded or skipped.

Processes are small generator functions (``env`` first) that yield SimPy events; they know
nothing of the equations. At the start of each session the process reads the physiology's
current state through the one seam, ``body.advance(env.now)``, and decides the load
(progression rule, autoregulation, attendance drawn from the seeded generator). A completed
session is handed to ``body.perform(bout)``, which integrates through it. A cohort's
sessions are decided the same way for arrays of people (:class:`CohortCoach`).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import simpy

from sim.input.regimen import PlannedSession
from sim.model.drive import MUSCLE_MASS_FRAC, Drive, vo2max_frac_from_hrmax

Segment = tuple[float, float, Drive]

COACH_READS = ("strength_rel", "fatigue")
"""The states a coach reads before each session (the load follows strength; autoregulation
skips or lightens sessions by fatigue): a body must keep them exact, whatever else it reads."""


@dataclass(frozen=True)
class Bout:
    """One scheduled session as it happened (a row of ``bouts.csv``)."""

    start_h: float
    end_h: float
    modality: str
    intensity: float
    intensity_unit: str
    load_rel: float
    relative_intensity: float
    sets: int
    completed: bool
    reason: str
    segments: tuple[Segment, ...] = field(default=(), repr=False)

    @property
    def happened(self) -> bool:
        """Whether anybody trained (for one person: whether the session was completed)."""
        return self.completed


class Body(Protocol):
    """What the schedule needs from the physiology."""

    def advance(self, to_t: float) -> dict[str, Any]: ...

    def perform(self, bout: Any) -> None: ...


def _aerobic_frac(session: Any) -> tuple[float, str, float]:
    """Prescribed intensity, its unit, and the fraction of VO2max of an aerobic session."""
    if session.intensity_pct_vo2max is not None:
        pct = float(session.intensity_pct_vo2max)
        return pct, "%VO2max", pct / 100.0
    pct = float(session.intensity_pct_hrmax)
    return pct, "%HRmax", vo2max_frac_from_hrmax(pct)


def hiit_segments(start: float, session: Any, fidelity: float) -> tuple[Segment, ...]:
    """Warm-up, work/recovery intervals and cool-down of a HIIT session as drive segments."""
    iv = session.intervals
    easy = Drive(
        aerobic_frac_vo2max=vo2max_frac_from_hrmax(iv.rest_pct_hrmax) * fidelity,
        muscle_mass_frac=MUSCLE_MASS_FRAC["aerobic"],
    )
    hard = Drive(
        aerobic_frac_vo2max=vo2max_frac_from_hrmax(iv.work_pct_hrmax) * fidelity,
        muscle_mass_frac=MUSCLE_MASS_FRAC["aerobic"],
    )
    work_h, rest_h = iv.work_min / 60.0, iv.rest_min / 60.0
    warm = (float(session.duration_h) - iv.count * (work_h + rest_h)) / 2.0
    parts: list[tuple[float, Drive]] = [(warm, easy)]
    for _ in range(iv.count):
        parts += [(work_h, hard), (rest_h, easy)]
    parts.append((warm, easy))
    segments, t = [], start
    for length, drive in parts:
        if length > 1e-9:
            segments.append((t, t + length, drive))
            t += length
    end = start + float(session.duration_h)
    last = segments[-1]
    segments[-1] = (last[0], end, last[2])  # absorb rounding so the bout ends exactly on time
    return tuple(segments)


def progressed_load(
    rule: Any, pct: float, base: Any, strength: Any, week_in_block: int
) -> tuple[Any, Any]:
    """Load of a resistance session under a progression rule, and the slot's new base load.

    Works on floats (one person) and arrays (a cohort). Loads are absolute, as fractions of
    the baseline 1RM; ``base`` is the slot's load set at the block's first session.

    - ``none``: the same absolute load all block long (relative intensity drifts down);
    - ``linear``: ``base (1 + step)^floor(week / every_weeks)``;
    - ``double``: add one step when estimated 1RM has outgrown the load, i.e. when the
      relative intensity has fallen below ``pct / (1 + step)``;
    - ``autoregulated``: ``pct`` of the current strength.
    """
    step = rule.load_step_pct / 100.0
    if rule.rule == "linear":
        return base * (1.0 + step) ** (week_in_block // rule.every_weeks), base
    if rule.rule == "double":
        bumped = base * (1.0 + step * (base / strength <= pct / (1.0 + step)))
        return bumped, bumped
    if rule.rule == "autoregulated":
        return pct * strength, base
    return base, base


class Coach:
    """Decides each session's load from the progression rule and the body's state."""

    def __init__(self, progression: Any, adherence: Any, rng: np.random.Generator) -> None:
        self.rule = progression
        self.adherence = adherence
        self.rng = rng
        self.loads: dict[tuple[int, int], float] = {}

    def _load(self, planned: PlannedSession, strength: float) -> float:
        pct = float(planned.session.intensity_pct_1rm) / 100.0
        key = (planned.block, planned.slot)
        base = self.loads.setdefault(key, pct * strength)  # set at the block's first session
        load, self.loads[key] = progressed_load(
            self.rule, pct, base, strength, planned.week_in_block
        )
        return float(load)

    def decide(self, planned: PlannedSession, state: dict[str, float]) -> Bout:
        """The bout that happens for a planned session given the current state."""
        s, start, end = planned.session, planned.start_h, planned.end_h
        attends = self.rng.random() < self.adherence.attendance
        fidelity = float(self.adherence.intensity_fidelity)
        strength, fatigue = (state[name] for name in COACH_READS)
        factor, sets, reason = 1.0, int(getattr(s, "sets", 0) or 0), ""
        if self.rule.rule == "autoregulated" and fatigue > self.rule.skip_fatigue:
            return self._skipped(
                planned, f"skipped: fatigue {fatigue:.2f} above {self.rule.skip_fatigue:g}"
            )
        if self.rule.rule == "autoregulated" and fatigue > self.rule.deload_fatigue:
            factor = float(self.rule.deload_factor)
            sets = max(1, round(sets * factor)) if sets else 0
            reason = f"deload: fatigue {fatigue:.2f} above {self.rule.deload_fatigue:g}"
        if s.modality == "resistance":
            load = self._load(planned, strength) * factor
            if not attends:
                return self._skipped(planned, "missed (attendance)", load)
            r = load * fidelity / strength
            drive = Drive(
                resistance_frac_1rm=r,
                sets_per_h=sets / float(s.duration_h),
                muscle_mass_frac=MUSCLE_MASS_FRAC[s.movements],
                reps_per_set=float(s.reps),
            )
            return Bout(
                start,
                end,
                "resistance",
                float(s.intensity_pct_1rm),
                "%1RM",
                load,
                r,
                sets,
                True,
                reason,
                ((start, end, drive),),
            )
        if not attends:
            return self._skipped(planned, "missed (attendance)")
        if s.modality == "hiit":
            segs = hiit_segments(start, s, fidelity * factor)
            peak = max(seg[2].aerobic_frac_vo2max for seg in segs)
            return Bout(
                start,
                end,
                "hiit",
                float(s.intervals.work_pct_hrmax),
                "%HRmax",
                math.nan,
                peak,
                0,
                True,
                reason,
                segs,
            )
        pct, unit, x = _aerobic_frac(s)
        drive = Drive(
            aerobic_frac_vo2max=x * fidelity * factor, muscle_mass_frac=MUSCLE_MASS_FRAC["aerobic"]
        )
        return Bout(
            start,
            end,
            "aerobic",
            pct,
            unit,
            math.nan,
            drive.aerobic_frac_vo2max,
            0,
            True,
            reason,
            ((start, end, drive),),
        )

    def _skipped(self, planned: PlannedSession, reason: str, load: float = math.nan) -> Bout:
        s = planned.session
        pct = {"resistance": "intensity_pct_1rm"}.get(s.modality)
        intensity = float(getattr(s, pct)) if pct else math.nan
        unit = "%1RM" if pct else "%HRmax"
        if s.modality == "hiit":
            intensity = float(s.intervals.work_pct_hrmax)
        elif s.modality == "aerobic":
            intensity, unit, _ = _aerobic_frac(s)
        return Bout(
            planned.start_h,
            planned.end_h,
            s.modality,
            intensity,
            unit,
            load,
            0.0,
            int(getattr(s, "sets", 0) or 0),
            False,
            reason,
        )


def session_process(
    env: simpy.Environment, planned: PlannedSession, body: Body, coach: Coach, log: list[Bout]
) -> Generator[simpy.Event, Any, None]:
    """One session: read the state at its start, decide, and let the body live through it."""
    bout = coach.decide(planned, body.advance(env.now))
    log.append(bout)
    if bout.happened:
        body.perform(bout)
        yield env.timeout(bout.end_h - env.now)


def regimen_process(
    env: simpy.Environment,
    plan: tuple[PlannedSession, ...],
    body: Body,
    coach: Coach,
    log: list[Bout],
) -> Generator[simpy.Event, Any, None]:
    """Walk the plan in time order; sessions never overlap, so one process suffices."""
    for planned in plan:
        yield env.timeout(max(0.0, planned.start_h - env.now))
        yield env.process(session_process(env, planned, body, coach, log))


def play(
    plan: tuple[PlannedSession, ...],
    body: Body,
    progression: Any,
    adherence: Any,
    rng: np.random.Generator,
    horizon_h: float,
    coach: Any = None,
) -> list[Any]:
    """Run the SimPy schedule of a plan to the horizon and return the bouts as they happened.

    ``coach`` defaults to a :class:`Coach` for one person; a cohort passes its own (same
    ``decide(planned, state)`` interface, with one value per person).
    """
    env = simpy.Environment()
    log: list[Any] = []
    coach = coach or Coach(progression, adherence, rng)
    env.process(regimen_process(env, plan, body, coach, log))
    env.run(until=horizon_h + 1e-9)
    return log


@dataclass(frozen=True)
class CohortBout:
    """One planned session for everybody: who did it, and its drive segments."""

    start_h: float
    end_h: float
    modality: str
    completed: np.ndarray
    segments: tuple[tuple[float, float, Drive], ...]

    @property
    def happened(self) -> bool:
        """Whether anybody did this session."""
        return bool(self.completed.any())


class CohortCoach:
    """The progression rules and attendance of :class:`Coach`, for arrays of people."""

    def __init__(
        self,
        progression: Any,
        adherence: Any,
        attendance: np.ndarray,
        rng: np.random.Generator,
        draws: np.ndarray | None = None,
    ) -> None:
        self.rule, self.adherence, self.attendance, self.rng = (
            progression,
            adherence,
            attendance,
            rng,
        )
        self.draws = draws  # (N, sessions planned) uniforms, or None: draw from rng
        self.loads: dict[tuple[int, int], np.ndarray] = {}

    def decide(self, planned: PlannedSession, state: dict[str, np.ndarray]) -> CohortBout:
        """Who attends the planned session, and its drive for each person.

        A field nobody drives (the resistance fields of aerobic work, the aerobic one of
        resistance work) stays the float 0.0: the right-hand side then skips its arithmetic.
        """
        s, start, end = planned.session, planned.start_h, planned.end_h
        strength, fatigue = (state[name] for name in COACH_READS)
        u = self.rng.random(len(strength)) if self.draws is None else self.draws[:, planned.index]
        attends = u < self.attendance
        factor = np.ones_like(strength)
        if self.rule.rule == "autoregulated":
            attends &= fatigue <= self.rule.skip_fatigue
            factor = np.where(fatigue > self.rule.deload_fatigue, self.rule.deload_factor, 1.0)
        on = attends.astype(float)
        fidelity = float(self.adherence.intensity_fidelity)
        if s.modality == "resistance":
            pct = float(s.intensity_pct_1rm) / 100.0
            key = (planned.block, planned.slot)
            base = self.loads.setdefault(key, pct * strength)
            load, self.loads[key] = progressed_load(
                self.rule, pct, base, strength, planned.week_in_block
            )
            sets = np.maximum(1.0, np.round(s.sets * factor))
            drive = Drive(
                0.0,
                load * factor * fidelity / strength * on,
                sets / float(s.duration_h) * on,
                MUSCLE_MASS_FRAC[s.movements] * on,
                float(s.reps) * on,
            )
            segments: tuple[tuple[float, float, Drive], ...] = ((start, end, drive),)
        elif s.modality == "hiit":
            segments = tuple(
                (
                    a,
                    b,
                    Drive(
                        d.aerobic_frac_vo2max * factor * on,
                        0.0,
                        0.0,
                        d.muscle_mass_frac * on,
                    ),
                )
                for a, b, d in hiit_segments(start, s, fidelity)
            )
        else:
            x = _aerobic_frac(s)[2]
            drive = Drive(x * fidelity * factor * on, 0.0, 0.0, MUSCLE_MASS_FRAC["aerobic"] * on)
            segments = ((start, end, drive),)
        return CohortBout(start, end, s.modality, attends, segments)
