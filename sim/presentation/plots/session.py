"""One training session on an hours scale: every myokine, lactate, serum BDNF and IGF-1.

The figure a class looks at first: what a single bout does in the hours after it. Drawn with
:class:`matplotlib.figure.Figure` directly (no pyplot), so it never touches the backend, and
under :func:`sim.presentation.plots.style.figure_style`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.analyses.compare import acute_response
from sim.model.state import QUANTITIES
from sim.presentation.plots.style import figure_style, quantity_style, stamp
from sim.running.results import Result

SESSION_WINDOW_H = 12.0
"""Hours shown from the start of the session (IL-6 and FGF-21 are back near rest by then)."""

CAPTION = (
    "One session hour by hour: lactate and IL-6 rise during the work and fall within hours, "
    "FGF-21 peaks after the session ends, and IGF-1 does not move: single bouts pulse and fade."
)

# (panel title, quantities drawn in it, y label)
PANELS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Blood lactate", ("lactate_mmol_L",), "Lactate [mmol/L]"),
    ("Plasma IL-6", ("il6_pg_mL",), "IL-6 [pg/mL]"),
    (
        "Irisin, cathepsin B, FGF-21, muscle BDNF",
        ("irisin_rel", "ctsb_rel", "fgf21_rel", "bdnf_muscle_rel"),
        "Relative to rest (1 = rest)",
    ),
    ("Brain BDNF", ("bdnf_brain_rel",), "Relative to rest (1 = rest)"),
    ("Serum BDNF", ("bdnf_serum_ng_mL",), "Serum BDNF [ng/mL]"),
    ("Serum IGF-1", ("igf1_ng_mL",), "IGF-1 [ng/mL]"),
)


MIN_SPAN = 0.1
"""The y axis of a panel spans at least this share of its middle value, so that a change of
0.004 ng/mL in IGF-1 is drawn as the flat line it is, not stretched over the whole panel."""


def _honest_span(ax: Any) -> None:
    lo, hi = ax.get_ylim()
    middle = 0.5 * (lo + hi)
    if hi - lo < MIN_SPAN * abs(middle):
        ax.set_ylim(middle * (1 - MIN_SPAN / 2), middle * (1 + MIN_SPAN / 2))


def plot_session(
    result: Result, path: Path | str | None = None, window_h: float = SESSION_WINDOW_H
) -> Any:
    """The representative session of ``result`` (the completed one nearest mid-training).

    Returns the :class:`matplotlib.figure.Figure`; writes it as PNG to ``path`` if given.

    Example
    -------
    >>> fig = plot_session(simulate(load_scenario("scenarios/single_bout.yaml")))  # doctest: +SKIP
    """
    from matplotlib.figure import Figure

    bout, minutes, cols = acute_response(result, window_h=window_h)
    hours = minutes / 60.0
    with figure_style():
        fig = Figure(figsize=(12, 10), layout="constrained")
        axes = fig.subplots(3, 2, sharex=True).ravel()
        for ax, (title, names, ylabel) in zip(axes, PANELS, strict=True):
            for name in names:
                q = QUANTITIES[name]
                ax.plot(hours, cols[name], label=q.label, **quantity_style(name))
            if bout is not None:
                ax.axvspan(0.0, bout.end_h - bout.start_h, color="#F0E442", alpha=0.35, lw=0)
            _honest_span(ax)
            ax.set_title(title)
            ax.set_ylabel(ylabel)
            ax.legend(loc="upper right")
        for ax in axes[-2:]:
            ax.set_xlabel("Hours from the start of the session")
        if bout is None:
            what = "no session was completed: resting levels"
        else:
            what = (
                f"{bout.modality} session of {60 * (bout.end_h - bout.start_h):.0f} min "
                f"(shaded) in week {int(bout.start_h // 168) + 1}"
            )
        fig.suptitle(f"{result.name}: one {what}\n(illustrative model, not clinical)")
        stamp(fig, CAPTION)
        if path is not None:
            fig.savefig(path, dpi=110)
    return fig
