"""One look for every figure: a colour-blind-safe palette, line styles, markers and type sizes.

Colours are the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), which stays
distinguishable under the common colour-vision deficiencies; each series also gets its own
line style and marker, so that no two series differ by colour alone (a projector or a grey
print loses colour too). Type is large enough to read from the back of a lecture room, and
axes never use offset notation ("1e-12+1.0"): a tick label says the value itself.

Use :func:`figure_style` around the drawing of a figure, :func:`series_style` for the i-th of
several scenarios or arms, and :func:`quantity_style` for a named model quantity (the same
quantity has the same look in every figure).
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}
"""The eight Okabe-Ito colours; yellow is kept for fills (too pale for a thin line)."""

PALETTE = tuple(
    OKABE_ITO[n]
    for n in ("blue", "orange", "bluish green", "vermillion", "reddish purple", "sky blue", "black")
)
"""Line colours in the order series get them."""

LINE_STYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")

WATERMARK = "Illustrative model, not clinical"
"""Stamped on every figure."""

MODALITY_COLOURS = {
    "aerobic": OKABE_ITO["blue"],
    "hiit": OKABE_ITO["vermillion"],
    "resistance": OKABE_ITO["bluish green"],
}
"""One colour per kind of session, the same in every figure."""

MODALITY_NAMES = {"aerobic": "aerobic", "hiit": "HIIT", "resistance": "resistance"}
STATUS_NAMES = {"healthy": "healthy", "subjective_decline": "subjective decline", "mci": "MCI"}
FIELD_NAMES = {
    "cognitive_status": "cognitive status",
    "age_band": "age",
    "genotype": "BDNF genotype",
    "sex": "sex",
}
"""Words for the identifiers a figure or a report shows (modalities, statuses, subgroup fields)."""

MIN_FONT_PT = 10.0
"""No text in a figure is smaller than this (legends and ticks included)."""

RC: dict[str, Any] = {
    "font.size": 12.0,
    "axes.titlesize": 13.0,
    "axes.labelsize": 12.0,
    "xtick.labelsize": 11.0,
    "ytick.labelsize": 11.0,
    "legend.fontsize": 10.5,
    "figure.titlesize": 14.0,
    "axes.formatter.useoffset": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 2.0,
    "legend.framealpha": 0.85,
}
"""Matplotlib settings every figure is drawn under."""

# A fixed look per quantity: the same colour and line style in every figure.
_QUANTITY = {
    "il6_pg_mL": (OKABE_ITO["vermillion"], "-"),
    "irisin_rel": (OKABE_ITO["bluish green"], "--"),
    "ctsb_rel": (OKABE_ITO["orange"], "-."),
    "fgf21_rel": (OKABE_ITO["reddish purple"], ":"),
    "bdnf_muscle_rel": (OKABE_ITO["sky blue"], "--"),
    "bdnf_brain_rel": (OKABE_ITO["blue"], "-"),
    "lactate_mmol_L": (OKABE_ITO["black"], "-"),
    "bdnf_serum_ng_mL": (OKABE_ITO["blue"], "--"),
    "igf1_ng_mL": (OKABE_ITO["reddish purple"], "-"),
    "inflammation_rel": (OKABE_ITO["vermillion"], ":"),
    "strength_rel": (OKABE_ITO["orange"], "-"),
    "fitness_rel": (OKABE_ITO["bluish green"], "-"),
    "fatigue": (OKABE_ITO["black"], ":"),
    "reserve": (OKABE_ITO["blue"], "-"),
    "cognition_z": (OKABE_ITO["vermillion"], "--"),
}


def quantity_style(name: str) -> dict[str, Any]:
    """``color`` and ``linestyle`` of a model quantity, the same in every figure."""
    color, linestyle = _QUANTITY.get(name, (OKABE_ITO["black"], "-"))
    return {"color": color, "linestyle": linestyle}


def series_style(i: int) -> dict[str, Any]:
    """``color``, ``linestyle`` and ``marker`` of the i-th series (scenario, arm).

    Colour and line style both change from one series to the next; with 7 colours and 4
    line styles (coprime counts) no two of the first 28 series share both.
    """
    return {
        "color": PALETTE[i % len(PALETTE)],
        "linestyle": LINE_STYLES[i % len(LINE_STYLES)],
        "marker": MARKERS[i % len(MARKERS)],
    }


@contextmanager
def figure_style() -> Iterator[None]:
    """Draw inside this for the house look (it changes no global state outside)."""
    import matplotlib as mpl
    from cycler import cycler

    rc: dict[str, Any] = {**RC, "axes.prop_cycle": cycler(color=list(PALETTE))}
    with mpl.rc_context(rc):  # type: ignore[arg-type]  # keys are checked by matplotlib
        yield


def readable_axes(fig: Any) -> None:
    """No offset notation ("1e-12+1") on any axis, and a flat line gets a visible band.

    A series that does not move (a control arm, IGF-1 within hours) would otherwise get an
    axis a few 1e-16 wide, which magnifies rounding into a jagged line.
    """
    import contextlib

    for ax in fig.axes:
        for axis in ("x", "y"):
            with contextlib.suppress(AttributeError, TypeError):  # not a scalar axis
                ax.ticklabel_format(axis=axis, useOffset=False)
        lo, hi = ax.get_ylim()
        middle = 0.5 * (lo + hi)
        if ax.get_yscale() == "linear" and abs(hi - lo) < 1e-6 * max(1.0, abs(middle)):
            pad = max(0.05 * abs(middle), 0.05)
            ax.set_ylim(middle - pad, middle + pad)


F = TypeVar("F", bound=Callable[..., Any])


def house_style(draw: F) -> F:
    """Decorate a figure function so that everything it draws is in :func:`figure_style`."""

    @functools.wraps(draw)
    def drawn(*args: Any, **kwargs: Any) -> Any:
        with figure_style():
            return draw(*args, **kwargs)

    return drawn  # type: ignore[return-value]


def new_figure(**kwargs: Any) -> Any:
    """A :class:`matplotlib.figure.Figure` made without pyplot: no backend is chosen or
    changed, nothing is kept open, and a notebook shows the returned figure."""
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def draw_all(draw: dict[str, Any], subject: Any, folder: Path | str | None) -> dict[str, Any]:
    """``{file name: draw[name](subject, path)}``: each figure, written into ``folder`` if given."""
    out = None if folder is None else Path(folder)
    return {name: plot(subject, None if out is None else out / name) for name, plot in draw.items()}


CAPTION_PT = 11.0
WATERMARK_PT = MIN_FONT_PT


def stamp(fig: Any, caption: str | None = None) -> None:
    """Finish a figure: readable axes, the lesson as a caption, and the watermark.

    The caption (one sentence) is written under the panels, wrapped to the figure's width;
    the watermark sits in the bottom-right corner. A constrained layout does not see
    ``fig.text``, so its area is shrunk to keep both off the tick labels.
    """
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    readable_axes(fig)
    width_in, height_in = fig.get_size_inches()
    lines: list[str] = []
    if caption:
        chars = max(40, int(width_in * 72.0 / (0.6 * CAPTION_PT)))
        lines = textwrap.wrap(caption, chars)
    line_in = 1.35 * CAPTION_PT / 72.0
    strip = (len(lines) * line_in + 1.5 * WATERMARK_PT / 72.0 + 0.08) / height_in
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0.0, strip, 1.0, 1.0 - strip))
    else:
        fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, strip + 0.08))
    if lines:
        fig.text(0.01, strip - 0.04 / height_in, "\n".join(lines), ha="left", va="top",
                 fontsize=CAPTION_PT, color="0.1", linespacing=1.25)  # fmt: skip
    fig.text(0.995, 0.005, WATERMARK, ha="right", va="bottom", fontsize=WATERMARK_PT,
             color="0.35", style="italic")  # fmt: skip


def shared_legend(fig: Any, ax: Any, title: str | None = None) -> Any:
    """One legend for every panel, right of them, made from ``ax``'s labelled lines."""
    handles, labels = ax.get_legend_handles_labels()
    return fig.legend(handles, labels, loc="outside right center", title=title)
