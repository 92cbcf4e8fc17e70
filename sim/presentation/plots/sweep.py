"""Figures of a sweep: a dose-response curve for one varied field, a heatmap for two."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from sim.analyses.sweep import SweepResult
from sim.presentation.plots.style import (
    WATERMARK,
    house_style,
    new_figure,
    series_style,
    stamp,
)

METRIC_WORDS = {
    "reserve_final": "Cognitive reserve at the end [model units]",
    "cognition_z_final": "Cognition change at the end [SD]",
    "strength_change_pct": "Strength gain [%]",
    "fitness_change_pct": "Aerobic fitness gain [%]",
    "reserve_end_training": "Cognitive reserve at the end of training [model units]",
    "bdnf_brain_auc": "Brain BDNF above rest (area) [h]",
}


def metric_words(metric: str) -> str:
    """A metric's axis label in words (its name with spaces when no words are known)."""
    return METRIC_WORDS.get(metric, metric.replace("_", " "))


def _field_words(name: str) -> str:
    return (
        name.split(".")[-1]
        .replace("_pct_1rm", " [% 1RM]")
        .replace("_pct_hrmax", " [% HRmax]")
        .replace("_min", " [min]")
        .replace("_years", " [years]")
        .replace("_", " ")
    )


@house_style
def plot_sweep(result: SweepResult, metric: str, path: Path | str | None = None) -> Any:
    """``metric`` against one varied field (with the three other headline metrics), or a
    heatmap of ``metric`` over two. Invalid points are left out (a gap, or a grey cell)."""
    one = len(result.varies) == 1
    if one:
        fig = new_figure(figsize=(11, 8), layout="constrained")
        axes = fig.subplots(2, 2, sharex=True).ravel()
        headline = ("reserve_final", "cognition_z_final", "strength_change_pct",
                    "fitness_change_pct")  # fmt: skip
        shown = [metric, *[m for m in headline if m != metric][:3]]
        x = [values[0] for values, _ in result.rows]
        for i, (ax, name) in enumerate(zip(axes, shown, strict=True)):
            look = series_style(i)
            ax.plot(x, result.column(name), color=look["color"], marker=look["marker"],
                    label=metric_words(name).split(" [")[0])  # fmt: skip
            ax.set_title(metric_words(name).split(" [")[0])
            ax.set_ylabel(metric_words(name))
        for ax in axes[-2:]:
            ax.set_xlabel(_field_words(result.varies[0].name))
        caption = (
            f"How the result answers the dose: each point is a whole run of "
            f"{result.scenario.name} with {_field_words(result.varies[0].name)} changed."
        )
    else:
        fig = new_figure(figsize=(9, 7), layout="constrained")
        ax = fig.subplots()
        xs, ys = result.varies[0].values, result.varies[1].values
        grid = np.full((len(ys), len(xs)), np.nan)
        for values, metrics in result.rows:
            grid[ys.index(values[1]), xs.index(values[0])] = metrics[metric]
        image = ax.imshow(grid, origin="lower", aspect="auto", cmap="cividis")
        ax.set_facecolor("0.85")
        ax.grid(False)
        ax.set_xticks(range(len(xs)), [f"{v:g}" for v in xs])
        ax.set_yticks(range(len(ys)), [f"{v:g}" for v in ys])
        ax.set_xlabel(_field_words(result.varies[0].name))
        ax.set_ylabel(_field_words(result.varies[1].name))
        ax.set_title(metric_words(metric).split(" [")[0])
        fig.colorbar(image, ax=ax, label=metric_words(metric))
        caption = (
            f"{metric_words(metric).split(' [')[0]} over two doses of {result.scenario.name}; "
            "grey cells are combinations the scenario schema refuses."
        )
    fig.suptitle(f"{result.scenario.name}: dose and response ({WATERMARK.lower()})")
    stamp(fig, caption)
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig
