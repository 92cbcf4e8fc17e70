"""Figures of a virtual trial, drawn without pyplot, in the house style.

Three PNGs, each with the illustrative-model watermark, the trial's name and its lesson:

- ``effect_sizes.png``: Hedges' g vs control with 95 % CIs per arm (and per subgroup);
- ``trajectories.png``: mean ± SD of the measured outcome at each assessment per arm, with the
  true (noise-free) mean dashed;
- ``responders.png``: the distribution of measured changes per arm with the responder threshold.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from sim.analyses.trial.run import TrialResult
from sim.analyses.trial.stats import analysed
from sim.model.state import QUANTITIES
from sim.presentation.plots.style import (
    FIELD_NAMES,
    OKABE_ITO,
    STATUS_NAMES,
    draw_all,
    house_style,
    new_figure,
    series_style,
    stamp,
)

DPI = 110

CAPTIONS = {
    "effect_sizes.png": (
        "Each arm's effect against the control, with its 95 % interval; the shaded band is "
        "the published effect the trial mirrors, the hollow diamond the effect without noise."
    ),
    "trajectories.png": (
        "The measured outcome at each assessment (mean and spread); dashed lines are the true, "
        "noise-free means: most of the spread between people is measurement noise."
    ),
    "responders.png": (
        "How individual changes spread: even the untrained control arm has 'responders', "
        "because one noisy measurement minus another often crosses the threshold."
    ),
}
"""The one-sentence lesson of each trial figure, by file name."""


def _save(fig: Any, path: Path | str | None, name: str) -> Any:
    stamp(fig, CAPTIONS[name])
    if path is not None:
        fig.savefig(path, dpi=DPI, metadata={"Software": None})
    return fig


def _forest(
    ax: Any, rows: list[tuple[str, Any, Any, Any]], title: str, legend: bool = True
) -> None:
    """Horizontal g with CI per row (and the expected g, hollow); rows without g left blank."""
    ys = np.arange(len(rows))[::-1]
    for y, (_, g, ci, expected) in zip(ys, rows):
        if g is not None and ci is not None and None not in ci:
            ax.errorbar(
                [g],
                [y],
                xerr=[[g - ci[0]], [ci[1] - g]],
                fmt="o",
                color=OKABE_ITO["blue"],
                capsize=3,
                label="sample g (95 % CI)" if y == ys[0] else None,
            )
        if expected is not None:
            ax.plot(
                [expected],
                [y],
                "D",
                mfc="none",
                mew=1.5,
                color=OKABE_ITO["vermillion"],
                label="expected g (no sampling noise)" if y == ys[0] else None,
            )
    ax.axvline(0.0, color="0.4", lw=0.8)
    ax.set_yticks(ys, [r[0] for r in rows])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel("Hedges' g vs control")
    ax.set_title(title)
    if legend:
        ax.legend(loc="best")


def reference_band(ax: Any, reference: dict[str, Any] | None) -> None:
    """The published effect the trial mirrors: its 95 % CI shaded, its value a line."""
    if not reference:
        return
    source = reference["source"].split(",")[0].split(" (")[0]
    if reference.get("ci95"):
        lo, hi = reference["ci95"]
        ax.axvspan(lo, hi, color="#F0E442", alpha=0.45, lw=0, label=f"published: {source}, 95 % CI")
    ax.axvline(
        reference["value"],
        color="#000000",
        ls=":",
        lw=1.5,
        label=f"published: {source}, {reference['value']:g}",
    )


def _outcome(name: str) -> tuple[str, str]:
    """The outcome in words (``cognition``) and its unit, for axis labels."""
    q = QUANTITIES[name]
    words = q.label.lower().removesuffix(" change")
    return words, "" if q.unit == "1" else f" [{q.unit}]"


def _subgroup(field: str, category: str) -> str:
    """``cognitive status: subjective decline`` rather than identifiers."""
    return f"{FIELD_NAMES.get(field, field)} {STATUS_NAMES.get(category, category)}"


@house_style
def plot_effect_sizes(result: TrialResult, path: Path | str | None = None) -> Any:
    """Effect sizes per arm, and per subgroup if the trial has subgroups."""
    s = result.summary
    arm_rows = [
        (a, e["hedges_g"], e["hedges_g_ci95"], e["expected_g"])
        for a, e in s["arms"].items()
        if a != s["control"]
    ]
    sub_rows = [
        (
            f"{a}: {_subgroup(field, cat)} (n={e['n']})",
            e["hedges_g"],
            e["hedges_g_ci95"],
            e["expected_g"],
        )
        for field, table in s["subgroups"].items()
        for cat, arms in table.items()
        for a, e in arms.items()
        if a != s["control"]
    ]
    panels = 2 if sub_rows else 1
    height = max(4.0, 0.32 * max(len(arm_rows), len(sub_rows)) + 2.5)
    fig = new_figure(figsize=(7.0 * panels, height), layout="constrained")
    axes = fig.subplots(1, panels, squeeze=False)
    reference_band(axes[0][0], s.get("reference"))
    _forest(axes[0][0], arm_rows, f"Arms at week {s['at_week']}")
    if sub_rows:
        _forest(axes[0][1], sub_rows, "Subgroups", legend=False)
    outcome, _ = _outcome(s["outcome"])
    fig.suptitle(f"{s['trial']}: effect on {outcome} ({s['analysis'].replace('_', ' ')})\n"
                 "(illustrative model, not clinical)")  # fmt: skip
    return _save(fig, path, "effect_sizes.png")


@house_style
def plot_trajectories(result: TrialResult, path: Path | str | None = None) -> Any:
    """Mean ± SD of the measured outcome per arm at the assessments; true mean dashed."""
    fig = new_figure(figsize=(9.0, 6.0), layout="constrained")
    ax = fig.subplots()
    design = result.trial.design()
    for i, arm in enumerate(result.arms.values()):
        pick = analysed(design, arm)
        weeks = np.asarray(arm.weeks, dtype=float) + 0.4 * (i - (len(result.arms) - 1) / 2)
        measured, true = arm.measured[:, pick], arm.true[:, pick]
        look = series_style(i)
        colour = look["color"]
        ax.errorbar(
            weeks,
            measured.mean(axis=1),
            yerr=measured.std(axis=1, ddof=1),
            fmt=look["marker"] + "-",
            color=colour,
            capsize=3,
            label=f"{arm.name} (mean ± SD)",
        )
        ax.plot(weeks, true.mean(axis=1), "--", color=colour, lw=1.5, alpha=0.9,
                label="_true mean")  # fmt: skip
    name = result.trial.spec.outcome.name
    ax.set_xlabel("Week (assessments)")
    words, unit = _outcome(name)
    ax.set_ylabel(f"Measured {words}{unit}")
    ax.set_title(f"{words.capitalize()} per arm (dashed: true mean, no noise)")
    ax.legend(loc="best")
    fig.suptitle(f"{result.trial.name} (illustrative model, not clinical)")
    return _save(fig, path, "trajectories.png")


@house_style
def plot_responders(result: TrialResult, path: Path | str | None = None) -> Any:
    """Histogram of measured changes at the primary week per arm, with the threshold."""
    design = result.trial.design()
    arms = list(result.arms.values())
    fig = new_figure(figsize=(9.0, 1.9 * len(arms) + 2.2), layout="constrained")
    axes = fig.subplots(len(arms), 1, sharex=True, squeeze=False)
    changes = [arm.change(design.at_week)[analysed(design, arm)] for arm in arms]
    edges = np.histogram_bin_edges(np.concatenate(changes), bins=30)
    for i, (ax, arm, change) in enumerate(zip(axes[:, 0], arms, changes)):
        share = result.summary["arms"][arm.name]["responder_fraction"]
        ax.hist(change, bins=edges, color=series_style(i)["color"], alpha=0.85)
        ax.axvline(design.responder_threshold, color=OKABE_ITO["black"], ls="--", lw=1.5)
        text = "n/a" if share is None else f"{100 * share:.0f} % responders"
        if arm.name == result.trial.spec.control:
            text += " (no training: these are measurement noise)"
        ax.set_ylabel("People")
        ax.set_title(f"{arm.name}: {text}", loc="left")
    words, unit = _outcome(result.trial.spec.outcome.name)
    axes[-1, 0].set_xlabel(
        f"Measured change in {words}{unit} at week {design.at_week}\n"
        f"(dashed: responder threshold {design.responder_threshold:g})"
    )
    fig.suptitle(f"{result.trial.name}: distribution of changes (illustrative model, not clinical)")
    return _save(fig, path, "responders.png")


def plot_trial(result: TrialResult, out: Path | str | None = None) -> dict[str, Any]:
    """The three trial figures by file name; written into the folder ``out`` if given.

    Example
    -------
    >>> figs = plot_trial(run_trial(load_trial("smart"), n_per_arm=20))  # doctest: +SKIP
    >>> figs["effect_sizes.png"]  # a matplotlib Figure  # doctest: +SKIP
    """
    draw = {
        "effect_sizes.png": plot_effect_sizes,
        "trajectories.png": plot_trajectories,
        "responders.png": plot_responders,
    }
    return draw_all(draw, result, out)
