"""Figures of a run. matplotlib is imported here only, never by ``import sim``.

Every figure carries the words "illustrative model" and the scenario's name; axis labels come
from :mod:`sim.model.state`, so names and units match ``timeseries.csv``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from sim.model.state import label
from sim.model.vocabulary import HOURS_PER_WEEK
from sim.presentation.plots.style import (
    MODALITY_COLOURS,
    MODALITY_NAMES,
    OKABE_ITO,
    WATERMARK,
    draw_all,
    house_style,
    new_figure,
    quantity_style,
    stamp,
)
from sim.running.results import IGF1_MIDRANGE_NG_ML, Result

__all__ = ["WATERMARK", "draw_all", "new_figure", "plot_run", "stamp"]

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

CAPTION = (
    "One typical training week (top), the slow states over the weeks (middle) and the "
    "reserve with cognition (bottom): single sessions pulse and fade, adaptation builds slowly."
)
ONE_SESSION_CAPTION = (
    "One session hour by hour (top) and what it leaves over the days after (middle, bottom): "
    "the signals pulse and fade, and one session barely moves the slow states."
)
SESSION_WINDOW_H = 12.0
"""Hours shown after the start of the only session of a one-session scenario."""


def one_session(result: Result) -> bool:
    """Whether the scenario has a single session (its overview then shows hours, not a week)."""
    return len(result.bouts) == 1


def _window(result: Result) -> tuple[float, float, float, str]:
    """The fast panels' window: start and end [h], hours per x unit, and the x label."""
    if one_session(result):
        start = result.bouts[0].start_h
        return start, start + SESSION_WINDOW_H, 1.0, "Hours from the start of the session"
    weeks = max(1, round(result.training_end_h / HOURS_PER_WEEK))
    start = HOURS_PER_WEEK * (weeks // 2)
    return start, start + HOURS_PER_WEEK, 24.0, f"Day of training week {weeks // 2 + 1}"


def plot_week(ax: Any, result: Result) -> None:
    """Fast signals relative to rest over one typical training week (or the one session)."""
    t0, t1, unit, xlabel = _window(result)
    t, cols = result.times_h, result.columns
    sel = (t >= t0) & (t <= t1)
    x = (t[sel] - t0) / unit
    il6 = cols["il6_pg_mL"][sel] / cols["il6_pg_mL"][0]
    ax.plot(x, il6, label="IL-6 (x rest)", **quantity_style("il6_pg_mL"))
    for name in ("irisin_rel", "ctsb_rel", "fgf21_rel", "bdnf_brain_rel"):
        ax.plot(x, cols[name][sel], label=label(name).split(" [")[0], **quantity_style(name))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Relative to rest (1 = rest)")
    what = "the session" if unit == 1.0 else "one typical week"
    ax.set_title(f"Myokines and brain BDNF over {what}")
    ax.legend(loc="upper right")


def plot_week_metabolites(axes: tuple[Any, Any], result: Result) -> None:
    """Lactate and serum BDNF over the same window, each on its own axis (no twin axes)."""
    t0, t1, unit, xlabel = _window(result)
    t, cols = result.times_h, result.columns
    sel = (t >= t0) & (t <= t1)
    x = (t[sel] - t0) / unit
    for ax, name, title in zip(
        axes, ("lactate_mmol_L", "bdnf_serum_ng_mL"), ("Blood lactate", "Serum BDNF"), strict=True
    ):
        ax.plot(x, cols[name][sel], label=label(name), **quantity_style(name))
        ax.set_ylabel(label(name))
        ax.set_title(f"{title} (same {'hours' if unit == 1.0 else 'week'})")
        ax.set_xlabel(xlabel)


def time_axis(result: Result) -> tuple[float, str]:
    """Hours per x unit and the x label of the slow panels: days for a run of two weeks or
    less (a one-session scenario), else weeks."""
    if result.horizon_h <= 2 * HOURS_PER_WEEK:
        return 24.0, "Day"
    return HOURS_PER_WEEK, "Week"


def _training_span(ax: Any, result: Result) -> None:
    unit, _ = time_axis(result)
    if result.horizon_h > result.training_end_h:
        ax.axvspan(
            result.training_end_h / unit,
            result.horizon_h / unit,
            color="0.92",
            zorder=0,  # behind the IGF-1 band and the curves, not over them
            label="follow-up (no training)",
        )


def daily_minimum(times_h: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lowest value of each day (the resting level of a state that spikes during bouts)."""
    day = np.floor(times_h / 24.0).astype(int)
    starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]])
    return times_h[starts], np.minimum.reduceat(values, starts)


def plot_slow(
    ax: Any,
    result: Result,
    names: tuple[str, ...],
    title: str,
    ylabel: str,
    resting: tuple[str, ...] = (),
) -> None:
    """Slow states over the whole horizon, in weeks; ``resting`` ones as daily minima."""
    unit, xlabel = time_axis(result)
    for name in names:
        t, v = result.times_h, result.columns[name]
        text = label(name)
        if name in resting:
            t, v = daily_minimum(t, v)
            text += " (resting: daily minimum)"
        ax.plot(t / unit, v, label=text, **quantity_style(name))
    _training_span(ax, result)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="best")


def plot_igf1(ax: Any, result: Result) -> None:
    """IGF-1 over the horizon with the protective middle range shaded."""
    unit, xlabel = time_axis(result)
    weeks = result.times_h / unit
    lo, hi = IGF1_MIDRANGE_NG_ML
    ax.axhspan(lo, hi, color=OKABE_ITO["yellow"], alpha=0.35, label="protective middle range")
    ax.plot(weeks, result.columns["igf1_ng_mL"], label=label("igf1_ng_mL"),
            **quantity_style("igf1_ng_mL"))  # fmt: skip
    _training_span(ax, result)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(label("igf1_ng_mL"))
    ax.set_title("IGF-1")
    ax.legend(loc="best")


def plot_calendar(ax: Any, result: Result) -> None:
    """Session calendar: week against weekday, filled if done, hollow if missed or skipped."""
    for modality, colour in MODALITY_COLOURS.items():
        for done in (True, False):
            pts = [
                (b.start_h // 168 + 1, (b.start_h % 168) / 24.0)
                for b in result.bouts
                if b.modality == modality and b.completed == done
            ]
            if pts:
                x, y = np.array(pts).T
                ax.scatter(
                    x,
                    y,
                    s=18,
                    marker="s",
                    label=f"{MODALITY_NAMES[modality]}{'' if done else ' (missed)'}",
                    facecolors=colour if done else "none",
                    edgecolors=colour,
                )
    ax.set_yticks(np.arange(7) + 0.4, DAYS)
    ax.set_ylim(7, 0)
    ax.set_xlim(0, max(1.0, result.horizon_h / HOURS_PER_WEEK) + 1)
    ax.xaxis.get_major_locator().set_params(integer=True)  # weeks are counted, not measured
    ax.set_xlabel("Week of the programme (1 = the first)")
    ax.set_ylabel("Day of the week")
    ax.set_title("Session calendar (hollow: missed or skipped)")
    if result.bouts:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))  # off the dots
    else:
        ax.text(0.5, 0.5, "no sessions", transform=ax.transAxes, ha="center", color="0.4")


@house_style
def plot_run(result: Result, path: Path | str | None = None) -> Any:
    """The multi-panel overview of one run: a typical week, the slow states, the calendar.

    Returns the :class:`matplotlib.figure.Figure`; writes it as PNG to ``path`` if given.

    Example
    -------
    >>> fig = plot_run(simulate(load_scenario("scenarios/combined.yaml")))  # doctest: +SKIP
    """
    fig = new_figure(figsize=(13, 13), layout="constrained")
    grid = fig.add_gridspec(3, 2)
    axes = np.empty((3, 2), dtype=object)
    for row in range(3):
        for col in range(2):
            if (row, col) != (0, 1):
                axes[row, col] = fig.add_subplot(grid[row, col])
    inner = grid[0, 1].subgridspec(2, 1)
    top = fig.add_subplot(inner[0])
    bottom = fig.add_subplot(inner[1], sharex=top)
    plot_week(axes[0, 0], result)
    plot_week_metabolites((top, bottom), result)
    plot_slow(
        axes[1, 0],
        result,
        ("strength_rel", "fitness_rel", "bdnf_brain_rel", "inflammation_rel"),
        "Adaptation",
        "Relative to the start (1 = baseline)",
        resting=("bdnf_brain_rel",),
    )
    plot_igf1(axes[1, 1], result)
    plot_slow(
        axes[2, 0],
        result,
        ("reserve", "cognition_z"),
        "Cognitive reserve and cognition",
        "Reserve [model units] / cognition [SD]",
    )
    plot_calendar(axes[2, 1], result)
    fig.suptitle(f"{result.name}: {WATERMARK.lower()}")
    stamp(fig, ONE_SESSION_CAPTION if one_session(result) else CAPTION)
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig
