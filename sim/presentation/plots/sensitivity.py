"""The ranked bar figure of a sensitivity analysis: which parameters a result hinges on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from sim.analyses.sensitivity import Sensitivity, ranking
from sim.presentation.plots.style import WATERMARK, house_style, new_figure, series_style, stamp
from sim.presentation.plots.sweep import metric_words

SHOWN = 15
"""Parameters drawn per panel (the largest indices)."""

UPPER = {"morris": np.inf, "sobol": 1.0}
"""The largest value an index can take (mu* has no upper bound; a Sobol index is a share)."""


def error_bars(values: Any, halfwidths: Any, method: str) -> np.ndarray:
    """``(2, n)`` lower and upper error-bar lengths: ``value -+ halfwidth`` cut to the index's
    range, ``[0, UPPER[method]]`` (a symmetric bootstrap interval can reach below 0, which
    neither mu* nor a Sobol index can; an estimate itself outside the range keeps its bar)."""
    v, h = np.asarray(values, dtype=float), np.asarray(halfwidths, dtype=float)
    lo = np.minimum(h, np.maximum(v, 0.0))
    hi = np.minimum(h, np.maximum(UPPER[method] - v, 0.0))
    return np.stack([lo, hi])


@house_style
def plot_sensitivity(result: Sensitivity, path: Path | str | None = None) -> Any:
    """One panel per scenario and metric: the largest indices with their confidence."""
    panels = result.indices[:4]
    fig = new_figure(figsize=(11, 4.2 * len(panels) + 1.0), layout="constrained")
    axes = np.atleast_1d(fig.subplots(len(panels), 1))
    label = (
        "mu* (mean absolute elementary effect)"
        if result.method == "morris"
        else ("total-order Sobol index")
    )
    for k, (ax, ix) in enumerate(zip(axes, panels, strict=True)):
        top = ranking(ix, result.method)[:SHOWN][::-1]
        y = np.arange(len(top))
        values = [v for _, v, _ in top]
        ax.barh(y, values, xerr=error_bars(values, [c for _, _, c in top], result.method),
                color=series_style(k)["color"], capsize=3)  # fmt: skip
        ax.set_yticks(y, [name.replace("_", " ") for name, _, _ in top])
        ax.set_xlabel(label)
        ax.set_title(f"{ix.scenario}: {metric_words(ix.metric).split(' [')[0].lower()}")
    fig.suptitle(f"Which parameters the result hinges on ({result.method}, {WATERMARK.lower()})")
    stamp(fig, "The longer the bar, the more the result moves when that parameter moves "
               "within its bounds. Error bars: 95 % bootstrap confidence, cut at 0 (an index "
               "is never negative); wide ones need more runs.")  # fmt: skip
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig
