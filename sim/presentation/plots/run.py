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
from sim.running.results import IGF1_MIDRANGE_NG_ML, Result

WATERMARK = "Illustrative model, not clinical"
MODALITY_COLOURS = {"aerobic": "tab:blue", "hiit": "tab:red", "resistance": "tab:green"}
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def new_figure(**kwargs: Any) -> Any:
    """A :class:`matplotlib.figure.Figure` made without pyplot: no backend is chosen or
    changed, nothing is kept open, and a notebook shows the returned figure."""
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def draw_all(draw: dict[str, Any], subject: Any, folder: Path | str | None) -> dict[str, Any]:
    """``{file name: draw[name](subject, path)}``: each figure, written into ``folder`` if given."""
    out = None if folder is None else Path(folder)
    return {name: plot(subject, None if out is None else out / name) for name, plot in draw.items()}


def stamp(fig: Any) -> None:
    """Put the illustrative-model watermark on a figure, in a strip kept free for it.

    A constrained layout does not see ``fig.text``: its area is shrunk so that the watermark
    never sits on a tick label.
    """
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    from sim.presentation.plots.style import readable_axes

    readable_axes(fig)

    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0.0, 0.025, 1.0, 0.975))
    fig.text(
        0.995, 0.005, WATERMARK, ha="right", va="bottom", fontsize=8, color="0.35", style="italic"
    )


def _typical_week(result: Result) -> tuple[float, float]:
    weeks = max(1, round(result.training_end_h / HOURS_PER_WEEK))
    start = HOURS_PER_WEEK * (weeks // 2)
    return start, start + HOURS_PER_WEEK


def plot_week(ax: Any, result: Result) -> None:
    """Fast signals relative to rest over one typical training week."""
    t0, t1 = _typical_week(result)
    t, cols = result.times_h, result.columns
    sel = (t >= t0) & (t <= t1)
    days = (t[sel] - t0) / 24.0
    il6 = cols["il6_pg_mL"][sel] / cols["il6_pg_mL"][0]
    ax.plot(days, il6, label="IL-6 (× pre-training rest)")
    for name in ("irisin_rel", "ctsb_rel", "fgf21_rel", "bdnf_brain_rel"):
        ax.plot(days, cols[name][sel], label=label(name))
    ax.set_xlabel(f"Day of training week {int(t0 // 168) + 1}")
    ax.set_ylabel("Relative to pre-training rest (1 = baseline)")
    ax.set_title("Myokines and brain BDNF over one typical week")
    ax.legend(fontsize=7, loc="upper right")


def plot_week_metabolites(ax: Any, result: Result) -> None:
    """Lactate and serum BDNF over the same week (absolute units)."""
    t0, t1 = _typical_week(result)
    t, cols = result.times_h, result.columns
    sel = (t >= t0) & (t <= t1)
    days = (t[sel] - t0) / 24.0
    ax.plot(days, cols["lactate_mmol_L"][sel], color="tab:purple", label=label("lactate_mmol_L"))
    ax.set_ylabel(label("lactate_mmol_L"))
    twin = ax.twinx()
    twin.plot(
        days,
        cols["bdnf_serum_ng_mL"][sel],
        color="tab:orange",
        ls="--",  # dashed: the two often spike together and would hide each other
        label=label("bdnf_serum_ng_mL"),
    )
    twin.set_ylabel(label("bdnf_serum_ng_mL"))
    ax.set_xlabel(f"Day of training week {int(t0 // 168) + 1}")
    ax.set_title("Lactate and serum BDNF (same week)")
    lines = ax.get_lines() + twin.get_lines()
    ax.legend(lines, [ln.get_label() for ln in lines], fontsize=7, loc="upper right")


def _training_span(ax: Any, result: Result) -> None:
    if result.horizon_h > result.training_end_h:
        ax.axvspan(
            result.training_end_h / HOURS_PER_WEEK,
            result.horizon_h / HOURS_PER_WEEK,
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
    for name in names:
        t, v = result.times_h, result.columns[name]
        text = label(name)
        if name in resting:
            t, v = daily_minimum(t, v)
            text += " (resting: daily minimum)"
        ax.plot(t / HOURS_PER_WEEK, v, label=text)
    _training_span(ax, result)
    ax.set_xlabel("Week")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=7)


def plot_igf1(ax: Any, result: Result) -> None:
    """IGF-1 over the horizon with the protective middle range shaded."""
    weeks = result.times_h / HOURS_PER_WEEK
    lo, hi = IGF1_MIDRANGE_NG_ML
    ax.axhspan(lo, hi, color="tab:green", alpha=0.15, label="protective middle range")
    ax.plot(weeks, result.columns["igf1_ng_mL"], color="tab:brown", label=label("igf1_ng_mL"))
    _training_span(ax, result)
    ax.set_xlabel("Week")
    ax.set_ylabel(label("igf1_ng_mL"))
    ax.set_title("IGF-1")
    ax.legend(fontsize=7)


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
                    s=14,
                    marker="s",
                    label=f"{modality}{'' if done else ' (missed)'}",
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
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # off the dots
    else:
        ax.text(0.5, 0.5, "no sessions", transform=ax.transAxes, ha="center", color="0.4")


def plot_run(result: Result, path: Path | str | None = None) -> Any:
    """The multi-panel overview of one run: a typical week, the slow states, the calendar.

    Returns the :class:`matplotlib.figure.Figure`; writes it as PNG to ``path`` if given.

    Example
    -------
    >>> fig = plot_run(simulate(load_scenario("scenarios/combined.yaml")))  # doctest: +SKIP
    """
    fig = new_figure(figsize=(13, 11), constrained_layout=True)
    axes = fig.subplots(3, 2)
    plot_week(axes[0, 0], result)
    plot_week_metabolites(axes[0, 1], result)
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
    fig.suptitle(f"{result.name}: {WATERMARK.lower()}", fontsize=13)
    stamp(fig)
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig
