"""A page's settings turned into a scenario: the week rebuilt from the regimen controls.

:func:`build_scenario` applies the controls a page changed to its base scenario's mapping and
validates the result with the scenario schema, exactly as ``musclebrain run`` validates a file;
a refusal carries the schema's message and names the page's controls behind its fields.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

import yaml

from sim.errors import ScenarioError
from sim.explore.controls import (
    BY_KEY,
    CONTROLS,
    MAX_CHANGES,
    MODALITIES,
    START,
    base_mapping,
    controls_of,
    first_of,
)
from sim.input.scenario import DAYS, Scenario, scenario_from_dict


def spread_days(n: int) -> list[str]:
    """``n`` training days spread over the week (``2`` gives Monday and Thursday)."""
    return [DAYS[(i * 7) // n] for i in range(n)]


def build_week(v: dict[str, Any], template: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The week's sessions from the regimen controls ``v``.

    ``template`` holds the base's first session of each modality, whose other fields (an
    aerobic session given in %VO2max keeps %HRmax from the control; HIIT work and rest
    minutes) are kept.
    """
    sessions = []
    for day in spread_days(int(v["aerobic_per_week"])):
        sessions.append({"day": day, "start": START["aerobic"], "modality": "aerobic",
                         "duration_min": v["aerobic_duration_min"],
                         "intensity_pct_hrmax": v["aerobic_pct_hrmax"]})  # fmt: skip
    iv = dict(template.get("hiit", {}).get("intervals") or {"work_min": 4, "rest_min": 3})
    iv.update(count=v["hiit_intervals"], work_pct_hrmax=v["hiit_work_pct_hrmax"])
    for day in spread_days(int(v["hiit_per_week"])):
        sessions.append({"day": day, "start": START["hiit"], "modality": "hiit",
                         "duration_min": v["hiit_duration_min"], "intervals": dict(iv)})  # fmt: skip
    for day in spread_days(int(v["resistance_per_week"])):
        sessions.append({"day": day, "start": START["resistance"], "modality": "resistance",
                         "duration_min": v["resistance_duration_min"],
                         "intensity_pct_1rm": v["resistance_pct_1rm"], "sets": v["resistance_sets"],
                         "reps": v["resistance_reps"],
                         "movements": v["resistance_movements"]})  # fmt: skip
    sessions.sort(key=lambda s: (DAYS.index(s["day"]), s["start"]))
    return sessions


def fit_blocks(blocks: list[dict[str, Any]], weeks: int) -> list[dict[str, Any]]:
    """The blocks cut to ``weeks`` (or the last one lengthened), as a length change needs."""
    out, left = [], weeks
    for block in blocks:
        if left <= 0:
            break
        out.append({**block, "weeks": min(int(block["weeks"]), left)})
        left -= out[-1]["weeks"]
    if out and left > 0:
        out[-1]["weeks"] += left
    return out


@dataclass(frozen=True)
class Built:
    """A scenario built from a page's settings, with the mapping it was validated from."""

    scenario: Scenario
    mapping: dict[str, Any]
    values: dict[str, Any]

    def yaml_text(self) -> str:
        """The scenario file ``musclebrain run`` reproduces exactly."""
        header = (
            "# Written by the musclebrain explorer. Run it with: musclebrain run FILE.yaml\n"
            "# Illustrative teaching model, not clinical.\n"
        )
        return header + yaml.safe_dump(self.mapping, sort_keys=False, allow_unicode=True)


def build_scenario(settings: Any) -> Built:
    """The scenario of a page's ``settings`` (``{"base": name, "changes": {key: value}}``).

    Raises
    ------
    ScenarioError
        The schema's message when a setting is refused (the same as for a file).
    """
    if not isinstance(settings, dict):
        raise ScenarioError("<explorer>: settings: not a mapping. Fix: send {base, changes}.")
    changes = settings.get("changes") or {}
    if not isinstance(changes, dict) or len(changes) > MAX_CHANGES:
        raise ScenarioError("<explorer>: changes: not a mapping of controls. Fix: reload the page.")
    unknown = sorted(set(changes) - set(BY_KEY))
    if unknown:
        raise ScenarioError(
            f"<explorer>: changes: {unknown[0]!r} is not a control. Fix: use one of "
            f"{', '.join(BY_KEY)}."
        )
    base = str(settings.get("base", ""))
    data = base_mapping(base)
    values = controls_of(data)
    changes = {k: BY_KEY[k].check(v) for k, v in changes.items()}
    values.update(changes)
    if not changes:
        return Built(scenario_from_dict(data, source=f"<explorer: {base}>"), data, values)
    data = copy.deepcopy(data)
    data["name"] = f"{base}_explored"
    touched = ", ".join(f"{BY_KEY[k].label.lower()} {v}" for k, v in changes.items())
    data["description"] = (
        " ".join(str(data.get("description", "")).split()) + f" Changed in the explorer: {touched}."
    ).strip()
    participant = dict(data.get("participant") or {})
    for key in ("age_years", "sex", "bdnf_genotype", "cognitive_status"):
        participant[key] = values[key]
    data["participant"] = participant
    data["recovery"] = {**(data.get("recovery") or {}), "sleep_h": values["sleep_h"],
                        "protein_g_per_kg": values["protein_g_per_kg"]}  # fmt: skip
    data["adherence"] = {**(data.get("adherence") or {}), "attendance": values["attendance"],
                         "intensity_fidelity": values["intensity_fidelity"]}  # fmt: skip
    data["progression"] = {**(data.get("progression") or {}), "rule": values["progression"]}
    data["duration_weeks"] = values["duration_weeks"]
    data["follow_up_weeks"] = values["follow_up_weeks"]
    blocks = list(data.get("blocks") or [])
    if any(BY_KEY[k].group == "regimen" for k in changes) or not blocks:
        first = (blocks[0].get("sessions") if blocks else None) or []
        template = {m: s for m in MODALITIES if (s := first_of(first, m)) is not None}
        blocks = [{"weeks": values["duration_weeks"], "label": "explorer",
                   "sessions": build_week(values, template)}]  # fmt: skip
    data["blocks"] = fit_blocks(blocks, int(values["duration_weeks"]))
    try:
        return Built(scenario_from_dict(data, source="<explorer>"), data, values)
    except ScenarioError as exc:
        raise ScenarioError(str(exc) + in_controls(str(exc), data)) from None


# (modality or "", field of the schema) -> the control that sets it
_FIELDS = {
    ("aerobic", "duration_min"): "aerobic_duration_min",
    ("hiit", "duration_min"): "hiit_duration_min",
    ("resistance", "duration_min"): "resistance_duration_min",
    ("hiit", "intervals"): "hiit_intervals",
    ("aerobic", "intensity_pct_hrmax"): "aerobic_pct_hrmax",
    ("resistance", "intensity_pct_1rm"): "resistance_pct_1rm",
    ("resistance", "sets"): "resistance_sets",
    ("resistance", "reps"): "resistance_reps",
}
_SESSION = re.compile(r"sessions\[(\d+)\]")


def in_controls(message: str, data: dict[str, Any]) -> str:
    """A sentence naming the page's controls behind the schema's field names in ``message``."""
    sessions = (data.get("blocks") or [{}])[0].get("sessions") or []
    kinds = {sessions[int(i)].get("modality", "") for i in _SESSION.findall(message)
             if int(i) < len(sessions)}  # fmt: skip
    keys = [key for (kind, name), key in _FIELDS.items() if kind in kinds and name in message]
    keys += [c.key for c in CONTROLS if c.group != "regimen" and f".{c.key}" in message]
    labels = list(dict.fromkeys(f'"{BY_KEY[k].label}"' for k in keys))
    return f" In the explorer: {' and '.join(labels)}." if labels else ""
