"""Statistics of a virtual trial: per-arm changes, effect sizes, responders, subgroups, CONSORT.

Pure functions of arrays; no file or model access. The analysed quantity is the *measured*
change of the outcome from baseline (week 0) to an assessment: the model's true value plus
independent measurement noise at each assessment (drawn in :mod:`sim.trial`).

- Mean change with a two-sided t-interval (``scipy.stats.t``).
- Hedges' g of the change, each arm against the control arm, with the large-sample normal
  interval of Hedges & Olkin (1985), *Statistical Methods for Meta-Analysis*, ch. 5:
  ``d = (m1 - m2) / s_pooled``, ``g = J d`` with ``J = 1 - 3 / (4 (n1 + n2) - 9)``,
  ``var(g) = (n1 + n2) / (n1 n2) + g**2 / (2 (n1 + n2))``.
- Responders: measured change above a threshold (by default half the measurement SD).
- Completers: people who completed at least ``min_fraction`` (default 2/3) of their arm's
  planned sessions; in an arm with no planned sessions (a sedentary control) everybody is a
  completer.
- ``expected_g``: the standardised difference of the *true* mean changes, scaled by the SD the
  measured change would have (pooled true-change variance + twice the measurement variance).
  It is what g estimates when the same people are re-measured many times, and it is free of
  the measurement-noise sampling error, so tests of orderings between arms can use it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from sim.cohort import GENOTYPE_CODES, People
from sim.model.constants import COGNITIVE_STATUSES

LEVEL = 0.95


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


def mean_ci(values: Any, level: float = LEVEL) -> tuple[float, float, float]:
    """Mean and two-sided t confidence interval.

    Parameters
    ----------
    values
        One sample.
    level
        Confidence level.

    Returns
    -------
    tuple of float
        ``(mean, low, high)``; the bounds are NaN with fewer than 2 values, the mean too with none.
    """
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return math.nan, math.nan, math.nan
    m = float(x.mean())
    if x.size < 2:
        return m, math.nan, math.nan
    half = (
        float(stats.t.ppf(0.5 + level / 2.0, x.size - 1)) * float(x.std(ddof=1)) / math.sqrt(x.size)
    )
    return m, m - half, m + half


def small_sample_correction(n1: int, n2: int) -> float:
    """Hedges' correction factor ``J = 1 - 3 / (4 (n1 + n2) - 9)`` (Hedges & Olkin 1985)."""
    return 1.0 - 3.0 / (4.0 * (n1 + n2) - 9.0)


def hedges_g(treated: Any, control: Any, level: float = LEVEL) -> tuple[float, float, float]:
    """Hedges' g of ``treated`` against ``control`` with its large-sample confidence interval.

    Uses the pooled SD, the small-sample correction ``J = 1 - 3 / (4 (n1 + n2) - 9)`` and the
    variance ``(n1 + n2) / (n1 n2) + g**2 / (2 (n1 + n2))`` of Hedges & Olkin (1985),
    *Statistical Methods for Meta-Analysis*, Academic Press, ch. 5.

    Parameters
    ----------
    treated, control
        The two samples (here: measured changes).
    level
        Confidence level of the normal interval.

    Returns
    -------
    tuple of float
        ``(g, low, high)``; all NaN if a sample has fewer than 2 values or both have no spread.
    """
    a, b = np.asarray(treated, dtype=float), np.asarray(control, dtype=float)
    n1, n2 = a.size, b.size
    if n1 < 2 or n2 < 2:
        return math.nan, math.nan, math.nan
    pooled = math.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
    if pooled == 0.0:
        return math.nan, math.nan, math.nan
    g = small_sample_correction(n1, n2) * (float(a.mean()) - float(b.mean())) / pooled
    se = math.sqrt((n1 + n2) / (n1 * n2) + g * g / (2.0 * (n1 + n2)))
    z = float(stats.norm.ppf(0.5 + level / 2.0))
    return g, g - z * se, g + z * se


def expected_g(true_treated: Any, true_control: Any, measurement_sd: float) -> float:
    """Standardised difference of true mean changes, scaled by the measured-change SD.

    Parameters
    ----------
    true_treated, true_control
        Noise-free changes of the two arms.
    measurement_sd
        SD of the measurement noise at one assessment (a change carries it twice).

    Returns
    -------
    float
        NaN if the scale is zero or a sample has fewer than 2 values.
    """
    a, b = np.asarray(true_treated, dtype=float), np.asarray(true_control, dtype=float)
    if a.size < 2 or b.size < 2:
        return math.nan
    pooled_var = ((a.size - 1) * a.var(ddof=1) + (b.size - 1) * b.var(ddof=1)) / (
        a.size + b.size - 2
    )
    scale = math.sqrt(pooled_var + 2.0 * measurement_sd**2)
    return (float(a.mean()) - float(b.mean())) / scale if scale > 0 else math.nan


def responder_fraction(change: Any, threshold: float) -> float:
    """Fraction of people whose change is strictly above ``threshold`` (NaN if nobody)."""
    x = np.asarray(change, dtype=float)
    return float(np.mean(x > threshold)) if x.size else math.nan


def completers(completed: Any, planned: int, min_fraction: float) -> np.ndarray:
    """Who completed at least ``min_fraction`` of ``planned`` sessions (all if none planned)."""
    done = np.asarray(completed, dtype=float)
    if planned <= 0:
        return np.ones(done.shape, dtype=bool)
    return done >= min_fraction * planned - 1e-9


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
        return None if not math.isfinite(value) else round(float(value), 6)
    return value


@dataclass(frozen=True)
class Design:
    """The analysis plan of a trial, as plain values (built from the trial file)."""

    control: str
    at_week: int
    measurement_sd: float
    responder_threshold: float
    completer_min_fraction: float = 2.0 / 3.0
    analysis: str = "intention_to_treat"  # or "completers" (per protocol)
    subgroups: tuple[tuple[str, tuple[tuple[float, float], ...]], ...] = ()

    @property
    def completer_rule(self) -> str:
        """The completer rule in words."""
        return (
            f"completed at least {self.completer_min_fraction:.3g} of the arm's planned "
            "sessions (everybody, in an arm with no planned sessions)"
        )


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
        entry[f"{name}_change_pct"] = float(
            np.mean(arm.relative_change_pct(name, design.at_week)[pick])
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


def people_table(
    design: Design, arms: dict[str, ArmData], outcome: str
) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of ``people.csv``: one row per person, arms in order, ids from 1."""
    weeks = next(iter(arms.values())).weeks
    header = [
        "arm",
        "id",
        "age_years",
        "sex",
        "genotype",
        "cognitive_status",
        "baseline_strength_rel",
        "baseline_fitness_rel",
        "igf1_factor",
        "strength_responsiveness",
        "fitness_responsiveness",
        "attendance_factor",
        "sessions_planned",
        "sessions_completed",
        "completer",
        "analysed",
    ]
    header += [f"{outcome}_w{w}{kind}" for w in weeks for kind in ("", "_measured")]
    header += [f"{outcome}_change_measured", "responder"]
    header += [f"{name}_change_pct_w{w}" for w in weeks[1:] for name in ("strength", "fitness")]
    rows: list[list[Any]] = []
    for arm in arms.values():
        p = arm.people
        done = completers(
            arm.sessions_completed, arm.sessions_planned, design.completer_min_fraction
        )
        chosen = analysed(design, arm)
        change = arm.change(design.at_week)
        pct = {
            (n, w): arm.relative_change_pct(n, w)
            for w in weeks[1:]
            for n in ("strength", "fitness")
        }
        for i in range(p.n):
            row = [
                arm.name,
                len(rows) + 1,
                p.age_years[i],
                "female" if p.female[i] else "male",
                GENOTYPE_CODES[int(p.genotype[i])],
                COGNITIVE_STATUSES[int(p.status[i])],
                p.baseline_strength_rel[i],
                p.baseline_fitness_rel[i],
                p.igf1_factor[i],
                p.strength_responsiveness[i],
                p.fitness_responsiveness[i],
                p.attendance_factor[i],
                arm.sessions_planned,
                int(arm.sessions_completed[i]),
                bool(done[i]),
                bool(chosen[i]),
            ]
            row += [v[j, i] for j in range(len(weeks)) for v in (arm.true, arm.measured)]
            row += [change[i], bool(change[i] > design.responder_threshold)]
            row += [pct[(n, w)][i] for w in weeks[1:] for n in ("strength", "fitness")]
            rows.append(row)
    return header, rows


def _num(value: Any, signed: bool = True) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.2f}" if signed else f"{value:.2f}"


def format_table(summary: dict[str, Any]) -> str:
    """A plain-text table of the arms: n, mean change [CI], g [CI], responders, expected g."""
    lines = [
        f"{'arm':<18} {'n':>5}  {'mean change [95% CI]':<24} {'g vs control [95% CI]':<24}"
        f" {'responders':>10}  {'expected g':>10}"
    ]
    for name, arm in summary["arms"].items():
        lo, hi = arm["ci95"]
        change = f"{_num(arm['mean_change'])} [{_num(lo)}, {_num(hi)}]"
        if arm["hedges_g"] is None:
            effect = "(control)"
        else:
            g_lo, g_hi = arm["hedges_g_ci95"]
            effect = f"{_num(arm['hedges_g'])} [{_num(g_lo)}, {_num(g_hi)}]"
        share = arm["responder_fraction"]
        share_text = "n/a" if share is None else f"{100 * share:.0f} %"
        expected = "" if arm["expected_g"] is None else _num(arm["expected_g"])
        lines.append(
            f"{name:<18} {arm['n']:>5}  {change:<24} {effect:<24} {share_text:>10}  {expected:>10}"
        )
    lines.append(
        "expected g: the effect these people would show without measurement noise "
        "(true changes,\nscaled by the SD of a measured change); g itself varies "
        "from trial to trial."
    )
    return "\n".join(lines)
