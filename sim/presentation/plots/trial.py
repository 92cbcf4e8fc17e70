"""Figures of a virtual trial, drawn without pyplot (:func:`sim.presentation.plots.run.new_figure`).

Three PNGs, each with the illustrative-model watermark and the trial's name:

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
from sim.model.state import label
from sim.presentation.plots.run import draw_all, new_figure, stamp

DPI = 110


def _save(fig: Any, path: Path | str | None) -> Any:
    stamp(fig)
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
                color="tab:blue",
                capsize=3,
                label="sample g (95 % CI)" if y == ys[0] else None,
            )
        if expected is not None:
            ax.plot(
                [expected],
                [y],
                "D",
                mfc="none",
                color="tab:orange",
                label="expected g (no sampling noise)" if y == ys[0] else None,
            )
    ax.axvline(0.0, color="0.4", lw=0.8)
    ax.set_yticks(ys, [r[0] for r in rows], fontsize=8)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel("Hedges' g vs control")
    ax.set_title(title)
    if legend:
        ax.legend(fontsize=7, loc="best")


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


def plot_effect_sizes(result: TrialResult, path: Path | str | None = None) -> Any:
    """Effect sizes per arm, and per subgroup if the trial has subgroups."""
    s = result.summary
    arm_rows = [
        (a, e["hedges_g"], e["hedges_g_ci95"], e["expected_g"])
        for a, e in s["arms"].items()
        if a != s["control"]
    ]
    sub_rows = [
        (f"{a}: {field} {cat} (n={e['n']})", e["hedges_g"], e["hedges_g_ci95"], e["expected_g"])
        for field, table in s["subgroups"].items()
        for cat, arms in table.items()
        for a, e in arms.items()
        if a != s["control"]
    ]
    panels = 2 if sub_rows else 1
    height = max(3.0, 0.25 * max(len(arm_rows), len(sub_rows)) + 1.5)
    fig = new_figure(figsize=(6.0 * panels, height))
    axes = fig.subplots(1, panels, squeeze=False)
    reference_band(axes[0][0], s.get("reference"))
    _forest(axes[0][0], arm_rows, f"Arms at week {s['at_week']}")
    if sub_rows:
        _forest(axes[0][1], sub_rows, "Subgroups", legend=False)
    fig.suptitle(f"{s['trial']}: effect on {s['outcome']} ({s['analysis'].replace('_', ' ')})")
    fig.tight_layout()
    return _save(fig, path)


def plot_trajectories(result: TrialResult, path: Path | str | None = None) -> Any:
    """Mean ± SD of the measured outcome per arm at the assessments; true mean dashed."""
    fig = new_figure(figsize=(7.0, 4.5))
    ax = fig.subplots()
    design = result.trial.design()
    for i, arm in enumerate(result.arms.values()):
        pick = analysed(design, arm)
        weeks = np.asarray(arm.weeks, dtype=float) + 0.4 * (i - (len(result.arms) - 1) / 2)
        measured, true = arm.measured[:, pick], arm.true[:, pick]
        colour = f"C{i}"
        ax.errorbar(
            weeks,
            measured.mean(axis=1),
            yerr=measured.std(axis=1, ddof=1),
            fmt="o-",
            color=colour,
            capsize=3,
            label=f"{arm.name} (mean ± SD)",
        )
        ax.plot(weeks, true.mean(axis=1), "--", color=colour, lw=1, alpha=0.8)
    name = result.trial.spec.outcome.name
    ax.set_xlabel("Week (assessments)")
    ax.set_ylabel(f"Measured {label(name)}")
    ax.set_title(f"{result.trial.name}: {name} per arm (dashed: true mean, no noise)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return _save(fig, path)


def plot_responders(result: TrialResult, path: Path | str | None = None) -> Any:
    """Histogram of measured changes at the primary week per arm, with the threshold."""
    design = result.trial.design()
    arms = list(result.arms.values())
    fig = new_figure(figsize=(7.0, 1.6 * len(arms) + 1.0))
    axes = fig.subplots(len(arms), 1, sharex=True, squeeze=False)
    changes = [arm.change(design.at_week)[analysed(design, arm)] for arm in arms]
    edges = np.histogram_bin_edges(np.concatenate(changes), bins=30)
    for i, (ax, arm, change) in enumerate(zip(axes[:, 0], arms, changes)):
        share = result.summary["arms"][arm.name]["responder_fraction"]
        ax.hist(change, bins=edges, color=f"C{i}", alpha=0.8)
        ax.axvline(design.responder_threshold, color="k", ls="--", lw=1)
        text = "n/a" if share is None else f"{100 * share:.0f} % responders"
        if arm.name == result.trial.spec.control:
            text += " (no training: these are measurement noise)"
        ax.set_ylabel("people", fontsize=8)
        ax.set_title(f"{arm.name}: {text}", fontsize=9, loc="left")
    axes[-1, 0].set_xlabel(
        f"Measured change in {result.trial.spec.outcome.name} at week "
        f"{design.at_week} (dashed: responder threshold "
        f"{design.responder_threshold:g})"
    )
    fig.suptitle(f"{result.trial.name}: distribution of changes")
    fig.tight_layout()
    return _save(fig, path)


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
