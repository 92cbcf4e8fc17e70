"""Figures a class can read: palette, type size, no offset notation, legends, lessons.

Every figure musclebrain draws is checked here after rendering (``fig.canvas.draw()``), so the
checks see what a reader sees: each line's and bar's colour is one of the Okabe-Ito colours
(Okabe & Ito 2008), no text is smaller than :data:`MIN_FONT_PT`, no axis shows an offset
("1e-12+1"), every panel with more than one line has a legend (its own or one shared by the
figure), no label is a raw identifier (``cognition_z``), and the figure carries its lesson as a
one-sentence caption and the "illustrative model, not clinical" watermark.
"""

from __future__ import annotations

import re

import matplotlib
import pytest
from matplotlib.colors import to_hex

from sim.input.scenario import load_scenario
from sim.presentation.plots.session import PANELS, plot_session
from sim.presentation.plots.style import MIN_FONT_PT, OKABE_ITO, WATERMARK
from sim.running.simulation import simulate
from tests.conftest import SCENARIOS

SAFE = {c.lower() for c in OKABE_ITO.values()}


IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
"""snake_case words: a state or field name where a reader needs words."""


def check_house_style(fig, caption: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Assert the house style on a drawn figure (see the module docstring)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.container import BarContainer

    FigureCanvasAgg(fig).draw()
    shared = {t.get_text() for legend in fig.legends for t in legend.get_texts()}
    for ax in fig.axes:
        lines = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]
        for ln in lines:
            assert to_hex(ln.get_color()).lower() in SAFE, (ax.get_title(), ln.get_color())
        for container in ax.containers:
            if isinstance(container, BarContainer):
                for bar in container:
                    colour = to_hex(bar.get_facecolor(), keep_alpha=False).lower()
                    assert colour in SAFE, (ax.get_title(), colour)
        labels = {ln.get_label() for ln in lines}
        if len(lines) > 1 and not labels <= shared:
            assert ax.get_legend() is not None, f"panel {ax.get_title()!r} has no legend"
        for axis in (ax.xaxis, ax.yaxis):
            assert axis.get_offset_text().get_text() == "", (
                f"offset notation on {ax.get_title()!r}: {axis.get_offset_text().get_text()}"
            )
    texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_text() and t.get_visible()]
    for text in texts:
        assert text.get_fontsize() >= MIN_FONT_PT, (text.get_text(), text.get_fontsize())
        assert not IDENTIFIER.search(text.get_text()), f"identifier in {text.get_text()!r}"
    words = [t.get_text() for t in fig.texts]
    assert WATERMARK in words
    if caption:
        lessons = [w for w in words if w != WATERMARK and w.rstrip().endswith(".")]
        assert lessons, "no caption stating the figure's lesson"


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


# --- every figure musclebrain draws -------------------------------------------------------


@pytest.fixture(scope="module")
def comparison():  # type: ignore[no-untyped-def]
    from sim.analyses.compare import compare

    names = ("aerobic", "resistance", "combined", "sedentary", "hiit", "detraining")
    return compare([load_scenario(SCENARIOS / f"{n}.yaml") for n in names])


@pytest.fixture(scope="module")
def trial():  # type: ignore[no-untyped-def]
    from sim.analyses.trial.run import load_trial, run_trial

    return run_trial(load_trial(SCENARIOS / "trials" / "northey_modalities.yaml"), n_per_arm=30)


@pytest.mark.parametrize("name", ["combined", "single_bout", "sedentary", "detraining"])
def test_run_overview_is_in_the_house_style(name: str) -> None:
    from sim.presentation.plots.run import plot_run

    fig = plot_run(simulate(load_scenario(SCENARIOS / f"{name}.yaml")))
    check_house_style(fig)
    # lactate and serum BDNF get axes of their own: no twin axes drawn over one another
    boxes = [tuple(round(v, 4) for v in ax.get_position().bounds) for ax in fig.axes]
    assert len(set(boxes)) == len(boxes)


def test_one_session_overview_is_drawn_in_hours(single_bout) -> None:  # type: ignore[no-untyped-def]
    from sim.presentation.plots.run import plot_run

    fig = plot_run(single_bout)
    first = fig.axes[0]
    assert first.get_xlabel() == "Hours from the start of the session"
    assert max(first.get_lines()[0].get_xdata()) == pytest.approx(12.0, abs=0.1)


@pytest.mark.parametrize("figure", ["slow_states.png", "final_bars.png", "acute_response.png"])
def test_comparison_figures_are_in_the_house_style(comparison, figure: str) -> None:  # type: ignore[no-untyped-def]
    from sim.presentation.plots.compare import plot_comparison

    fig = plot_comparison(comparison)[figure]
    check_house_style(fig)


def test_six_scenarios_never_share_both_colour_and_line_style(comparison) -> None:  # type: ignore[no-untyped-def]
    from sim.presentation.plots.compare import plot_slow_states

    ax = plot_slow_states(comparison).axes[0]
    looks = [(to_hex(ln.get_color()), ln.get_linestyle()) for ln in ax.get_lines()]
    assert len(looks) == 6 and len(set(looks)) == 6
    assert len({c for c, _ in looks}) == 6  # and six distinct colours


@pytest.mark.parametrize("figure", ["effect_sizes.png", "trajectories.png", "responders.png"])
def test_trial_figures_are_in_the_house_style(trial, figure: str) -> None:  # type: ignore[no-untyped-def]
    from sim.presentation.plots.trial import plot_trial

    fig = plot_trial(trial)[figure]
    check_house_style(fig)


def test_the_check_catches_an_identifier_and_a_missing_caption() -> None:
    from matplotlib.figure import Figure

    from sim.presentation.plots.style import stamp

    fig = Figure()
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], color=OKABE_ITO["blue"])
    ax.set_ylabel("cognition_z")
    stamp(fig, "A lesson in one sentence.")
    with pytest.raises(AssertionError, match="identifier"):
        check_house_style(fig)
    ax.set_ylabel("Cognition change [SD]")
    check_house_style(fig)
    bare = Figure()
    bare.subplots().plot([0, 1], [0, 1], color=OKABE_ITO["blue"])
    stamp(bare)
    with pytest.raises(AssertionError, match="caption"):
        check_house_style(bare)
