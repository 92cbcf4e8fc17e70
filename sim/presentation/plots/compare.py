"""Figures of a comparison. matplotlib is imported here only, never by ``import sim``.

Three PNG files in the house style (:mod:`sim.presentation.plots.style`), each with the
"Illustrative model, not clinical" watermark and its lesson as a caption:

- ``slow_states.png``: reserve, brain BDNF (daily mean), IGF-1 with its protective middle
  range shaded, strength, fitness and cognition over the whole horizon, in weeks;
- ``final_bars.png``: final cognitive reserve and cognition change, one bar per scenario;
- ``acute_response.png``: lactate, IL-6, irisin, cathepsin B, FGF-21 and serum BDNF over the
  6 h from the start of one completed session from the middle of each scenario's training,
  at 2-minute resolution.

One colour and line style per scenario throughout, in one shared legend; axis labels (with
units) come from :mod:`sim.model.state`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from sim.analyses.compare import ACUTE_WINDOW_H, Comparison, acute_response
from sim.input.regimen import HOURS_PER_WEEK
from sim.model.state import label
from sim.presentation.plots.style import (
    MODALITY_NAMES,
    OKABE_ITO,
    WATERMARK,
    draw_all,
    house_style,
    new_figure,
    series_style,
    shared_legend,
    stamp,
)
from sim.running.results import IGF1_MIDRANGE_NG_ML, Result

RELATIVE = " (1 = the start)"

CAPTIONS = {
    "slow_states.png": (
        "The slow states week by week for each regimen: strength follows resistance work, "
        "fitness follows aerobic work, and the reserve integrates both."
    ),
    "final_bars.png": (
        "Where each regimen ends: cognitive reserve and cognition change at the end of the run."
    ),
    "acute_response.png": (
        "Six hours around one mid-programme session: intensity sets lactate and serum BDNF, "
        "duration and muscle mass set IL-6, and cathepsin B and FGF-21 follow the effort."
    ),
}
"""The one-sentence lesson of each comparison figure, by file name."""


def _styles(comparison: Comparison) -> dict[str, dict[str, Any]]:
    """Colour, line style and width per scenario (:func:`series_style`): earlier ones wider,
    so a later identical curve drawn on top leaves the earlier one's edges visible (sedentary
    and aerobic strength, combined under detraining), and colour and line style both differ."""
    styles = {}
    for i, (lbl, _) in enumerate(comparison.results):
        look = series_style(i)
        styles[lbl] = {"color": look["color"], "ls": look["linestyle"],
                       "lw": max(1.4, 3.0 - 0.4 * i)}  # fmt: skip
    return styles


def weekly_mean(result: Result, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Time-weighted mean of a column per week (acute spikes would hide the trend).

    Returns week midpoints [weeks] and the means.
    """
    t, v = result.times_h, result.columns[name]
    dt = np.diff(t)
    mid = 0.5 * (v[1:] + v[:-1])
    week = np.floor(t[:-1] / HOURS_PER_WEEK).astype(int)
    total = np.bincount(week, weights=mid * dt)
    span = np.bincount(week, weights=dt)
    keep = span > 0
    return np.nonzero(keep)[0] + 0.5, total[keep] / span[keep]


def _follow_up(ax: Any, comparison: Comparison) -> None:
    ends = {(r.training_end_h, r.horizon_h) for _, r in comparison.results}
    for i, (end, horizon) in enumerate(sorted(ends)):
        if horizon > end:
            ax.axvspan(
                end / HOURS_PER_WEEK,
                horizon / HOURS_PER_WEEK,
                color="0.93",
                zorder=0,
                label="follow-up, no training" if i == 0 else None,
            )


SLOW_PANELS: tuple[tuple[str, str, str], ...] = (
    ("reserve", "Cognitive reserve", "Reserve [model units] (0 = the start)"),
    ("bdnf_brain_rel", "Brain BDNF, weekly mean", label("bdnf_brain_rel") + RELATIVE),
    ("igf1_ng_mL", "Serum IGF-1", label("igf1_ng_mL")),
    ("strength_rel", "Strength (1RM)", label("strength_rel") + RELATIVE),
    ("fitness_rel", "Aerobic fitness (VO2max)", label("fitness_rel") + RELATIVE),
    ("cognition_z", "Cognition change", label("cognition_z")),
)


@house_style
def plot_slow_states(comparison: Comparison, path: Path | str | None = None) -> Any:
    """Slow states of every scenario over the horizon, one panel per state."""
    styles = _styles(comparison)
    fig = new_figure(figsize=(13, 12), layout="constrained")
    axes = fig.subplots(3, 2)
    for ax, (name, title, ylabel) in zip(axes.flat, SLOW_PANELS, strict=True):
        if name == "igf1_ng_mL":
            lo, hi = IGF1_MIDRANGE_NG_ML
            ax.axhspan(
                lo,
                hi,
                color=OKABE_ITO["yellow"],
                alpha=0.35,
                label=f"protective middle range ({lo:.0f}-{hi:.0f} ng/mL)",
            )
        _follow_up(ax, comparison)
        for lbl, r in comparison.results:
            if name == "bdnf_brain_rel":
                weeks, values = weekly_mean(r, name)
            else:
                weeks, values = r.times_h / HOURS_PER_WEEK, r.columns[name]
            ax.plot(weeks, values, label=lbl, **styles[lbl])
        ax.set_title(title)
        ax.set_xlabel("Week of the programme")
        ax.set_ylabel(ylabel)
        if name == "igf1_ng_mL":  # the shaded band: the scenarios are in the shared legend
            handles = [
                h
                for h in ax.get_legend_handles_labels()[0]
                if h.get_label().startswith("protective")
            ]
            ax.legend(handles=handles, loc="best")
    fig.suptitle(f"How each regimen changes the slow states over the weeks ({WATERMARK.lower()})")
    shared_legend(fig, axes.flat[0], title="Scenario")
    stamp(fig, CAPTIONS["slow_states.png"])
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig


@house_style
def plot_final_bars(comparison: Comparison, path: Path | str | None = None) -> Any:
    """Final cognitive reserve and cognition change of every scenario, as bars."""
    styles = _styles(comparison)
    labels = [lbl for lbl, _ in comparison.results]
    follow_up = any(r.horizon_h > r.training_end_h for _, r in comparison.results)
    when = "at the end (of follow-up, if any)" if follow_up else "after the programme"
    fig = new_figure(figsize=(max(10.0, 1.4 * len(labels) + 4), 6.0), layout="constrained")
    axes = fig.subplots(1, 2)
    panels = (
        ("reserve_final", f"Cognitive reserve {when}", "Reserve [model units] (0 = the start)"),
        ("cognition_z_final", f"Cognition change {when}", "Change in cognitive score [SD]"),
    )
    x = np.arange(len(labels))
    for ax, (key, title, ylabel) in zip(axes, panels, strict=True):
        values = [r.metrics[key] for _, r in comparison.results]
        bars = ax.bar(x, values, color=[styles[lbl]["color"] for lbl in labels])
        ax.bar_label(bars, fmt="%+.3f", padding=2)
        ax.axhline(0.0, color="0.3", lw=0.8)
        ax.set_xticks(x, labels, rotation=30, ha="right")
        ax.set_xlabel("Scenario")
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.grid(axis="x", visible=False)
        ax.margins(y=0.15)  # room for the value labels
    fig.suptitle(
        f"Which regimen leaves the brain better off?\n({WATERMARK.lower()}; bigger is better)"
    )
    stamp(fig, CAPTIONS["final_bars.png"])
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig


ACUTE_PANELS: tuple[tuple[str, str], ...] = (
    ("lactate_mmol_L", "Blood lactate"),
    ("il6_pg_mL", "Plasma IL-6"),
    ("irisin_rel", "Irisin"),
    ("ctsb_rel", "Cathepsin B"),
    ("fgf21_rel", "FGF-21"),
    ("bdnf_serum_ng_mL", "Serum BDNF"),
)


def _session_name(bout: Any, lbl: str) -> str:
    if bout is None:
        return f"{lbl}:\nno session (rest)"
    week = int(bout.start_h // HOURS_PER_WEEK) + 1
    minutes = (bout.end_h - bout.start_h) * 60.0
    return f"{lbl}:\n{MODALITY_NAMES[bout.modality]}, week {week}, {minutes:.0f} min"


@house_style
def plot_acute(comparison: Comparison, path: Path | str | None = None) -> Any:
    """Myokines over 6 h from the start of one mid-training session of each scenario."""
    styles = _styles(comparison)
    fig = new_figure(figsize=(13, 12), layout="constrained")
    axes = fig.subplots(3, 2, sharex=True)
    for lbl, r in comparison.results:
        bout, minutes, cols = acute_response(r)
        for ax, (name, _) in zip(axes.flat, ACUTE_PANELS, strict=True):
            ax.plot(
                minutes,
                cols[name],
                label=_session_name(bout, lbl),
                **styles[lbl],
            )
            if bout is not None:
                end = (bout.end_h - bout.start_h) * 60.0
                ax.axvline(end, color=styles[lbl]["color"], lw=0.8, ls=":")
    for ax, (name, title) in zip(axes.flat, ACUTE_PANELS, strict=True):
        ax.set_title(title)
        ax.set_ylabel(label(name) + (" (1 = rest)" if name.endswith("_rel") else ""))
        ax.set_xlim(0.0, ACUTE_WINDOW_H * 60.0)
    for ax in axes[-1]:
        ax.set_xlabel("Minutes since the session started")
    fig.suptitle(
        "One session from the middle of each programme: the acute myokine response\n"
        f"(thin vertical lines: each session's end; {WATERMARK.lower()})"
    )
    shared_legend(fig, axes.flat[0], title="Each programme's session")
    stamp(fig, CAPTIONS["acute_response.png"])
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig


def plot_comparison(comparison: Comparison, folder: Path | str | None = None) -> dict[str, Any]:
    """The three comparison figures by file name; written into ``folder`` if given.

    Example
    -------
    >>> figs = plot_comparison(compare([aerobic, resistance]))  # doctest: +SKIP
    >>> figs["slow_states.png"]  # doctest: +SKIP
    """
    draw = {
        "slow_states.png": plot_slow_states,
        "final_bars.png": plot_final_bars,
        "acute_response.png": plot_acute,
    }
    return draw_all(draw, comparison, folder)
