"""The explorer's controls: what a page can change, and each shipped scenario's values.

A page starts from a shipped scenario (its *base*) and sends the controls the user has
changed; :mod:`sim.explore.settings` turns them into a scenario. Untouched, a base is the
shipped scenario itself; once a regimen control is touched, the weekly plan is rebuilt from
the regimen controls: one block of identical weeks.

The controls' ranges are read from the schema's fields (one source for the bounds); a few
sliders show a narrower range than the schema allows, for a usable slider.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass
from typing import Any

import yaml

from sim.errors import ScenarioError
from sim.input.scenario import (
    Adherence,
    AerobicSession,
    Intervals,
    Participant,
    Progression,
    Recovery,
    ResistanceSession,
    Scenario,
    Session,
    scenario_from_dict,
)
from sim.input.shipped import lesson, shipped_scenarios

MAX_CHANGES = 64
"""A page never sends more changed controls than there are controls."""


def schema_bounds(model: type[Any], name: str) -> tuple[float, float]:
    """``(lowest, highest)`` a pydantic field of the scenario schema accepts."""
    lo, hi = -float("inf"), float("inf")
    for item in model.model_fields[name].metadata:
        for attr in ("ge", "gt"):
            if getattr(item, attr, None) is not None:
                lo = float(getattr(item, attr))
        for attr in ("le", "lt"):
            if getattr(item, attr, None) is not None:
                hi = float(getattr(item, attr))
    return lo, hi


@dataclass(frozen=True)
class Control:
    """One control of the page: a slider (``step`` > 0) or a choice (``options``)."""

    key: str
    label: str
    group: str
    low: float = 0.0
    high: float = 0.0
    step: float = 0.0
    unit: str = ""
    options: tuple[str, ...] = ()

    def check(self, value: Any) -> Any:
        """``value`` as the control's type; a value of the wrong kind is refused."""
        if self.options:
            if value not in self.options:
                raise ScenarioError(
                    f"<explorer>: {self.key}: {value!r} is not one of {', '.join(self.options)}. "
                    "Fix: choose one of them."
                )
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ScenarioError(
                f"<explorer>: {self.key}: {value!r} is not a number. Fix: give a number "
                f"between {self.low:g} and {self.high:g}."
            )
        return int(value) if float(value).is_integer() and self.step >= 1 else float(value)


def _slider(
    key: str, label: str, group: str, model: type[Any], name: str, step: float, unit: str = "",
    high: float | None = None, low: float | None = None,
) -> Control:  # fmt: skip
    lo, hi = schema_bounds(model, name)
    lo = lo if low is None else max(lo, low)
    return Control(key, label, group, lo, hi if high is None else min(hi, high), step, unit)


def _choice(key: str, label: str, group: str, model: type[Any], name: str) -> Control:
    from typing import get_args

    annotation = model.model_fields[name].annotation
    options = tuple(str(o) for o in get_args(get_args(annotation)[0]) or get_args(annotation))
    return Control(key, label, group, options=options)


CONTROLS: tuple[Control, ...] = (
    _slider("age_years", "Age", "participant", Participant, "age_years", 1, "years"),
    _choice("sex", "Sex", "participant", Participant, "sex"),
    _choice("bdnf_genotype", "BDNF genotype", "participant", Participant, "bdnf_genotype"),
    _choice("cognitive_status", "Cognitive status", "participant", Participant, "cognitive_status"),
    Control("aerobic_per_week", "Aerobic sessions a week", "regimen", 0, 7, 1),
    _slider(
        "aerobic_duration_min",
        "Aerobic minutes",
        "regimen",
        AerobicSession,
        "duration_min",
        5,
        "min",
        high=180,
        low=5,
    ),
    _slider(
        "aerobic_pct_hrmax",
        "Aerobic intensity",
        "regimen",
        AerobicSession,
        "intensity_pct_hrmax",
        5,
        "% HRmax",
    ),
    Control("hiit_per_week", "HIIT sessions a week", "regimen", 0, 7, 1),
    _slider(
        "hiit_duration_min",
        "HIIT session minutes",
        "regimen",
        Session,
        "duration_min",
        5,
        "min",
        high=120,
        low=5,
    ),
    _slider("hiit_intervals", "HIIT intervals", "regimen", Intervals, "count", 1),
    _slider(
        "hiit_work_pct_hrmax",
        "HIIT work intensity",
        "regimen",
        Intervals,
        "work_pct_hrmax",
        5,
        "% HRmax",
    ),
    Control("resistance_per_week", "Resistance sessions a week", "regimen", 0, 7, 1),
    _slider(
        "resistance_duration_min",
        "Resistance minutes",
        "regimen",
        ResistanceSession,
        "duration_min",
        5,
        "min",
        high=120,
        low=5,
    ),
    _slider(
        "resistance_pct_1rm",
        "Resistance load",
        "regimen",
        ResistanceSession,
        "intensity_pct_1rm",
        5,
        "% 1RM",
    ),
    _slider("resistance_sets", "Sets per muscle group", "regimen", ResistanceSession, "sets", 1),
    _slider("resistance_reps", "Reps per set", "regimen", ResistanceSession, "reps", 1),
    _choice("resistance_movements", "Movements", "regimen", ResistanceSession, "movements"),
    _choice("progression", "Progression rule", "programme", Progression, "rule"),
    _slider(
        "duration_weeks",
        "Programme length",
        "programme",
        Scenario,
        "duration_weeks",
        1,
        "weeks",
        high=104,
    ),
    _slider(
        "follow_up_weeks",
        "Follow-up without training",
        "programme",
        Scenario,
        "follow_up_weeks",
        1,
        "weeks",
        high=52,
    ),
    _slider("attendance", "Attendance", "programme", Adherence, "attendance", 0.05),
    _slider(
        "intensity_fidelity",
        "Share of the prescribed intensity reached",
        "programme",
        Adherence,
        "intensity_fidelity",
        0.05,
    ),
    _slider("sleep_h", "Sleep", "recovery", Recovery, "sleep_h", 0.5, "h a night"),
    _slider(
        "protein_g_per_kg", "Protein", "recovery", Recovery, "protein_g_per_kg", 0.1, "g/kg a day"
    ),
)
"""Every control, in the order the page shows them."""

BY_KEY = {c.key: c for c in CONTROLS}
MODALITIES = ("aerobic", "hiit", "resistance")
START = {"aerobic": "08:00", "hiit": "13:00", "resistance": "17:00"}
"""When each kind of session starts on its days (three kinds fit in one day without overlap)."""


def shipped_names() -> list[str]:
    """The shipped scenarios a page may start from, by name."""
    return [p.stem for p in shipped_scenarios()]


def base_mapping(name: str) -> dict[str, Any]:
    """The shipped scenario ``name`` as the mapping its file holds (never a path from a page)."""
    files = {p.stem: p for p in shipped_scenarios()}
    if name not in files:
        raise ScenarioError(
            f"<explorer>: base: {name!r} is not a shipped scenario. Fix: choose one of "
            f"{', '.join(sorted(files))}."
        )
    data = yaml.safe_load(files[name].read_text(encoding="utf-8"))
    return dict(data)


def first_of(sessions: list[dict[str, Any]], modality: str) -> dict[str, Any] | None:
    return next((s for s in sessions if s.get("modality") == modality), None)


def controls_of(data: dict[str, Any]) -> dict[str, Any]:
    """The value of every control for a scenario mapping (its first block gives the regimen)."""
    s = scenario_from_dict(copy.deepcopy(data), source="<explorer>")
    sessions = [x.model_dump(mode="json") for x in (s.blocks[0].sessions if s.blocks else ())]
    count = {m: sum(x["modality"] == m for x in sessions) for m in MODALITIES}
    aer = first_of(sessions, "aerobic") or {}
    hiit = first_of(sessions, "hiit") or {}
    res = first_of(sessions, "resistance") or {}
    iv = hiit.get("intervals") or {}
    p = s.participant
    return {
        "age_years": p.age_years,
        "sex": p.sex,
        "bdnf_genotype": p.bdnf_genotype,
        "cognitive_status": p.cognitive_status,
        "aerobic_per_week": count["aerobic"],
        "aerobic_duration_min": aer.get("duration_min", 45),
        "aerobic_pct_hrmax": aer.get("intensity_pct_hrmax") or 65,
        "hiit_per_week": count["hiit"],
        "hiit_duration_min": hiit.get("duration_min", 40),
        "hiit_intervals": iv.get("count", 4),
        "hiit_work_pct_hrmax": iv.get("work_pct_hrmax", 90),
        "resistance_per_week": count["resistance"],
        "resistance_duration_min": res.get("duration_min", 50),
        "resistance_pct_1rm": res.get("intensity_pct_1rm", 75),
        "resistance_sets": res.get("sets", 3),
        "resistance_reps": res.get("reps", 8),
        "resistance_movements": res.get("movements", "compound"),
        "progression": s.progression.rule,
        "duration_weeks": s.duration_weeks,
        "follow_up_weeks": s.follow_up_weeks,
        "attendance": s.adherence.attendance,
        "intensity_fidelity": s.adherence.intensity_fidelity,
        "sleep_h": s.recovery.sleep_h,
        "protein_g_per_kg": s.recovery.protein_g_per_kg,
    }


def catalogue() -> dict[str, Any]:
    """What a page needs to draw its controls and its scenario list."""
    scenarios = []
    for p in shipped_scenarios():
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        scenarios.append({"name": p.stem, "lesson": lesson(str(data.get("description", "")))})
    return {"controls": [asdict(c) for c in CONTROLS], "scenarios": scenarios}
