"""Figures a class can read: palette, type size, no offset notation, legends, lessons.

Every figure drawn in the house style is checked here after rendering (``fig.canvas.draw()``),
so the checks see what a reader sees: each line's colour is one of the Okabe-Ito colours
(Okabe & Ito 2008), no text is smaller than :data:`MIN_FONT_PT`, no axis shows an offset
("1e-12+1"), and every panel with more than one line has a legend.
"""

from __future__ import annotations

import matplotlib
import pytest
from matplotlib.colors import to_hex

from sim.input.scenario import load_scenario
from sim.presentation.plots.session import PANELS, plot_session
from sim.presentation.plots.style import MIN_FONT_PT, OKABE_ITO
from sim.running.simulation import simulate
from tests.conftest import SCENARIOS

SAFE = {c.lower() for c in OKABE_ITO.values()}


def check_house_style(fig) -> None:  # type: ignore[no-untyped-def]
    """Assert the house style on a drawn figure (see the module docstring)."""
    fig.canvas.draw()
    for ax in fig.axes:
        lines = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]
        for ln in lines:
            assert to_hex(ln.get_color()).lower() in SAFE, (ax.get_title(), ln.get_color())
        if len(lines) > 1:
            assert ax.get_legend() is not None, f"panel {ax.get_title()!r} has no legend"
        for axis in (ax.xaxis, ax.yaxis):
            assert axis.get_offset_text().get_text() == "", (
                f"offset notation on {ax.get_title()!r}: {axis.get_offset_text().get_text()}"
            )
    for text in fig.findobj(matplotlib.text.Text):
        if text.get_text() and text.get_visible():
            assert text.get_fontsize() >= MIN_FONT_PT, (text.get_text(), text.get_fontsize())


@pytest.fixture(scope="module")
def single_bout():  # type: ignore[no-untyped-def]
    return simulate(load_scenario(SCENARIOS / "single_bout.yaml"))


def test_session_view_shows_every_signal_on_an_hours_scale(single_bout, tmp_path) -> None:  # type: ignore[no-untyped-def]
    backend = matplotlib.get_backend()
    fig = plot_session(single_bout, tmp_path / "s.png")
    assert matplotlib.get_backend() == backend  # never switches the backend
    assert (tmp_path / "s.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    shown = {ln.get_label() for ax in fig.axes for ln in ax.get_lines()}
    wanted = {
        "Blood lactate", "Plasma IL-6", "Irisin", "Cathepsin B", "FGF-21", "Muscle BDNF",
        "Brain BDNF", "Serum BDNF", "Serum IGF-1",
    }  # fmt: skip
    assert wanted <= shown
    assert len(fig.axes) == len(PANELS)
    x = fig.axes[0].get_lines()[0].get_xdata()
    assert x[0] == 0.0 and x[-1] == pytest.approx(12.0)  # hours, not days
    check_house_style(fig)


def test_flat_series_get_a_readable_axis(single_bout) -> None:  # type: ignore[no-untyped-def]
    fig = plot_session(single_bout)
    igf1 = fig.axes[-1]
    lo, hi = igf1.get_ylim()
    assert hi - lo > 1.0  # IGF-1 does not move within hours: no 1e-12-wide axis


def test_the_check_catches_a_default_colour_and_a_small_legend() -> None:
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], label="a")  # matplotlib's default blue is not Okabe-Ito
    ax.plot([0, 1], [1, 0], label="b", color=OKABE_ITO["blue"])
    ax.legend(fontsize=6)
    with pytest.raises(AssertionError):
        check_house_style(fig)


def test_performance_view_shows_load_adaptation_fatigue_and_reserve(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sim.analyses.dose import daily_load
    from sim.presentation.plots.performance import plot_performance

    result = simulate(load_scenario(SCENARIOS / "detraining.yaml"))
    fig = plot_performance(result, tmp_path / "p.png")
    shown = {ln.get_label() for ax in fig.axes for ln in ax.get_lines()}
    assert {"Aerobic fitness gained", "Strength gained", "Fatigue", "Cognitive reserve"} <= shown
    bars = fig.axes[0].patches
    load = daily_load(result.bouts, len(bars))
    assert [b.get_height() for b in bars] == pytest.approx(load)
    # detraining.yaml trains 24 weeks, then stops: no load after day 168
    assert sum(load[:168]) > 0 and sum(load[168:]) == 0
    check_house_style(fig)
