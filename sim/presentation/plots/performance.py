"""The Performance-Manager view of a run: daily load, fitness, fatigue, their balance, reserve.

After the charts endurance coaches use (Banister's fitness-fatigue model): the daily training
load as bars; the adaptations it builds (aerobic fitness and strength gained, slow); the
fatigue it leaves (fast); their balance, performance, when the model provides it
(``performance_rel``); and the cognitive reserve. Drawn with
:class:`matplotlib.figure.Figure` (no pyplot, no backend change) in the house style.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from sim.analyses.dose import daily_load
from sim.model.state import QUANTITIES
from sim.presentation.plots.style import OKABE_ITO, figure_style, quantity_style, stamp
from sim.running.results import Result

HOURS_PER_DAY, DAYS_PER_WEEK = 24.0, 7.0

CAPTION = (
    "Training as a coach sees it: each day's load (bars) builds fitness and strength slowly "
    "and fatigue quickly, performance is fitness less fatigue's cost (it peaks when fatigue "
    "clears, as in a taper), and the reserve grows while training goes on."
)


def daily_values(result: Result, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A column at the end of each day (weeks on the x axis)."""
    t = np.asarray(result.times_h)
    days = np.arange(0.0, math.floor(t[-1] / HOURS_PER_DAY) + 1.0)
    values = np.interp(days * HOURS_PER_DAY, t, np.asarray(result.columns[name]))
    return days / DAYS_PER_WEEK, values


def plot_performance(result: Result, path: Path | str | None = None) -> Any:
    """Daily load, fitness and strength gained, fatigue (and performance), and the reserve.

    Returns the :class:`matplotlib.figure.Figure`; writes it as PNG to ``path`` if given.

    Example
    -------
    >>> fig = plot_performance(simulate(load_scenario("scenarios/combined.yaml")))  # doctest: +SKIP
    """
    from matplotlib.figure import Figure

    days = math.ceil(result.horizon_h / HOURS_PER_DAY)
    load = np.asarray(daily_load(result.bouts, days))
    has_performance = "performance_rel" in result.columns
    with figure_style():
        fig = Figure(figsize=(11, 10), layout="constrained")
        axes = fig.subplots(4, 1, sharex=True)
        ax = axes[0]
        ax.bar(np.arange(days) / DAYS_PER_WEEK, load, width=0.9 / DAYS_PER_WEEK,
               align="edge", color=OKABE_ITO["sky blue"], label="Daily load")  # fmt: skip
        ax.set_ylabel("Load [min x\nrelative intensity]")
        ax.set_title("Daily training load")
        ax.legend(loc="upper right")
        ax = axes[1]
        for name in ("fitness_rel", "strength_rel"):
            weeks, values = daily_values(result, name)
            ax.plot(weeks, 100.0 * (values - values[0]), label=QUANTITIES[name].label + " gained",
                    **quantity_style(name))  # fmt: skip
        ax.set_ylabel("Change since\nthe start [%]")
        ax.set_title("Fitness and strength (slow adaptation)")
        ax.legend(loc="upper left")
        ax = axes[2]
        weeks, fatigue = daily_values(result, "fatigue")
        ax.plot(weeks, fatigue, label=QUANTITIES["fatigue"].label, **quantity_style("fatigue"))
        ax.set_ylabel("Fatigue [1 = a week\nof moderate training]")
        title = "Fatigue (fast)"
        if has_performance:
            twin_label = QUANTITIES["performance_rel"].label
            weeks, perf = daily_values(result, "performance_rel")
            ax.plot(weeks, 100.0 * (perf - 1.0), label=f"{twin_label} [% vs start]",
                    color=OKABE_ITO["vermillion"], linestyle="-")  # fmt: skip
            title = "Fatigue and performance (fitness minus fatigue's effect)"
            ax.set_ylabel("Fatigue [units] and\nperformance [% vs start]")
        ax.set_title(title)
        ax.legend(loc="upper right")
        ax = axes[3]
        weeks, reserve = daily_values(result, "reserve")
        ax.plot(weeks, reserve, label=QUANTITIES["reserve"].label, **quantity_style("reserve"))
        ax.set_ylabel("Reserve\n[model units]")
        ax.set_title("Cognitive reserve")
        ax.set_xlabel("Week of the programme")
        ax.legend(loc="upper left")
        if result.training_end_h < result.horizon_h:
            for a in axes:
                a.axvline(result.training_end_h / (HOURS_PER_DAY * DAYS_PER_WEEK),
                          color=OKABE_ITO["black"], lw=1, ls="--")  # fmt: skip
        fig.suptitle(f"{result.name}: load, adaptation, fatigue and reserve\n"
                     "(illustrative model, not clinical)")  # fmt: skip
        stamp(fig, CAPTION)
        if path is not None:
            fig.savefig(path, dpi=110)
    return fig
