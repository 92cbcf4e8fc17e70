"""Statistics of a virtual trial: per-arm changes and effect sizes, subgroups, CONSORT counts.

Pure functions of arrays; no file or model access. The analysed quantity is the *measured*
change of the outcome from baseline (week 0) to an assessment: the model's true value plus
independent measurement noise at each assessment (drawn in :mod:`sim.analyses.trial.run`).

The closed forms (mean-change CIs, Hedges' g, expected g, responders, completers) are in
:mod:`sim.analyses.trial.formulas`; ``people.csv`` and the printed table are built in
:mod:`sim.presentation.text.trial`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.analyses.trial.formulas import (
    completers,
    expected_g,
    hedges_g,
    mean_ci,
    responder_fraction,
)
from sim.input.trial_spec import Design
from sim.model.constants import COGNITIVE_STATUSES
from sim.running.cohort import GENOTYPE_CODES, People


@dataclass(frozen=True)
class ArmData:
    """One simulated arm: its people and their values at every assessment (rows)."""

    name: str
    people: People
    weeks: tuple[int, ...]
    sessions_planned: int
    sessions_completed: np.ndarray  # (N,)
    true: np.ndarray  # (n_assessments, N) outcome, noise-free
    measured: np.ndarray  # (n_assessments, N) outcome + measurement noise
    strength: np.ndarray  # (n_assessments, N) strength_rel
    fitness: np.ndarray  # (n_assessments, N) fitness_rel

    def change(self, week: int, measured: bool = True) -> np.ndarray:
        """Outcome at ``week`` minus baseline (week 0), per person."""
        values = self.measured if measured else self.true
        return values[self.weeks.index(week)] - values[0]

    def relative_change_pct(self, name: str, week: int) -> np.ndarray:
        """Percentage change of ``strength`` or ``fitness`` from baseline to ``week``."""
        values = getattr(self, name)
        return 100.0 * (values[self.weeks.index(week)] / values[0] - 1.0)


def age_band_label(band: Sequence[float]) -> str:
    """``"70-75"`` for the band ``[70, 75)``."""
    return f"{band[0]:g}-{band[1]:g}"


def subgroup_labels(
    people: People, field: str, bands: Sequence[Sequence[float]] = ()
) -> np.ndarray:
    """Each person's subgroup label for ``field`` (``""`` if outside every age band).

    Age bands are half-open, ``low <= age < high``; the highest band also holds ``age == high``.
    """
    if field == "genotype":
        return np.asarray(GENOTYPE_CODES)[people.genotype]
    if field == "cognitive_status":
        return np.asarray(COGNITIVE_STATUSES)[people.status]
    if field == "sex":
        return np.where(people.female, "female", "male")
    labels = np.full(people.n, "", dtype=object)
    top = max(high for _, high in bands)
    for low, high in bands:
        inside = (people.age_years >= low) & (
            (people.age_years < high) | ((high == top) & (people.age_years == high))
        )
        labels[inside] = age_band_label((low, high))
    return labels


def subgroup_categories(field: str, bands: Sequence[Sequence[float]] = ()) -> list[str]:
    """All labels of ``field`` in a fixed order (so outputs do not depend on who was drawn)."""
    return {
        "genotype": list(GENOTYPE_CODES),
        "cognitive_status": list(COGNITIVE_STATUSES),
        "sex": ["female", "male"],
    }.get(field) or [age_band_label(b) for b in bands]


def clean(value: Any) -> Any:
    """JSON-ready: NaN -> None, NumPy -> Python, floats rounded to 6 decimals, recursively."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(value) else round(float(value), 6) + 0.0  # no -0.0
    return value


def analysed(design: Design, arm: ArmData) -> np.ndarray:
    """Who is analysed: everybody (intention to treat) or the completers only."""
    done = completers(arm.sessions_completed, arm.sessions_planned, design.completer_min_fraction)
    return done if design.analysis == "completers" else np.ones_like(done)


def _effect(
    design: Design,
    arm: ArmData,
    control: ArmData,
    week: int,
    pick: np.ndarray,
    pick_control: np.ndarray,
) -> dict[str, Any]:
    """Mean change, its CI and (for a non-control arm) g against control, on the chosen people."""
    change, change_c = arm.change(week)[pick], control.change(week)[pick_control]
    mean, low, high = mean_ci(change)
    out: dict[str, Any] = {
        "n": int(pick.sum()),
        "mean_change": mean,
        "ci95": [low, high],
        "hedges_g": None,
        "hedges_g_ci95": None,
    }
    if arm.name != design.control:
        g, g_low, g_high = hedges_g(change, change_c)
        out.update(hedges_g=g, hedges_g_ci95=[g_low, g_high])
    true, true_c = arm.change(week, measured=False)[pick], control.change(week, False)[pick_control]
    out["true_mean_change"] = float(true.mean()) if true.size else math.nan
    out["expected_g"] = (
        None if arm.name == design.control else expected_g(true, true_c, design.measurement_sd)
    )
    return out


def _arm_entry(design: Design, arm: ArmData, control: ArmData) -> dict[str, Any]:
    pick, pick_c = analysed(design, arm), analysed(design, control)
    entry = _effect(design, arm, control, design.at_week, pick, pick_c)
    n_done = int(
        completers(
            arm.sessions_completed, arm.sessions_planned, design.completer_min_fraction
        ).sum()
    )
    entry = {"n": entry.pop("n"), "completers": n_done, **entry}
    entry["responder_fraction"] = responder_fraction(
        arm.change(design.at_week)[pick], design.responder_threshold
    )
    entry["sessions_planned"] = arm.sessions_planned
    entry["mean_sessions_completed"] = float(np.mean(arm.sessions_completed))
    for name in ("strength", "fitness"):
        change = arm.relative_change_pct(name, design.at_week)[pick]
        mean = float(np.mean(change))
        entry[f"{name}_change_pct"] = mean
        # how individual adaptations spread (Ahtiainen 2016; Bouchard 1999): SD between
        # people and the share who gained less than a quarter of the arm's mean gain
        entry[f"{name}_change_sd_pct"] = float(np.std(change, ddof=1)) if len(change) > 1 else None
        entry[f"{name}_low_responder_fraction"] = (
            float(np.mean(change < 0.25 * mean)) if mean > 0 else None
        )
    entry["by_week"] = {
        str(w): {
            k: v for k, v in _effect(design, arm, control, w, pick, pick_c).items() if k != "n"
        }
        for w in arm.weeks[1:]
    }
    return entry


def _subgroups(design: Design, arms: dict[str, ArmData]) -> dict[str, Any]:
    control = arms[design.control]
    out: dict[str, Any] = {}
    for field, bands in design.subgroups:
        labels = {name: subgroup_labels(arm.people, field, bands) for name, arm in arms.items()}
        table: dict[str, Any] = {}
        for category in subgroup_categories(field, bands):
            pick_c = analysed(design, control) & (labels[design.control] == category)
            table[category] = {
                name: _effect(
                    design,
                    arm,
                    control,
                    design.at_week,
                    analysed(design, arm) & (labels[name] == category),
                    pick_c,
                )
                for name, arm in arms.items()
            }
        out[field] = table
    return out


def summarise(design: Design, arms: dict[str, ArmData]) -> dict[str, Any]:
    """The statistics part of ``trial.json``: arms, subgroups and the CONSORT counts.

    Parameters
    ----------
    design
        The analysis plan.
    arms
        The simulated arms by name (insertion order is kept in the output).

    Returns
    -------
    dict
        JSON-ready (NaN as ``None``, floats rounded to 6 decimals).
    """
    control = arms[design.control]
    consort = {
        name: {
            "allocated": arm.people.n,
            "completers": int(
                completers(
                    arm.sessions_completed, arm.sessions_planned, design.completer_min_fraction
                ).sum()
            ),
            "analysed": int(analysed(design, arm).sum()),
        }
        for name, arm in arms.items()
    }
    return clean(
        {
            "arms": {name: _arm_entry(design, arm, control) for name, arm in arms.items()},
            "subgroups": _subgroups(design, arms),
            "consort": consort,
        }
    )
