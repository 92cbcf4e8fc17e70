"""Figures (sim/presentation/plots/run.py, sim/presentation/plots/compare.py) as a student reads them.

Every panel has a title and axis labels, the watermark is on every figure and sits on no
label, a run without sessions says so, and the scenarios of a comparison stay tellable apart
where their lines coincide.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import sim.presentation.plots.compare
import sim.presentation.plots.run
from sim.analyses.compare import compare
from sim.input.scenario import scenario_from_dict
from sim.presentation.plots.run import WATERMARK, plot_run
from sim.running.simulation import simulate

LIFT = {
    "day": "tue",
    "start": "10:00",
    "modality": "resistance",
    "duration_min": 50,
    "intensity_pct_1rm": 75,
    "sets": 3,
    "reps": 8,
}
WALK = {
    "day": "thu",
    "start": "10:00",
    "modality": "aerobic",
    "duration_min": 45,
    "intensity_pct_hrmax": 65,
}


def scenario(name: str, *sessions: dict[str, Any]) -> Any:
    return scenario_from_dict(
        {
            "name": name,
            "duration_weeks": 2,
            "seed": 2,
            "adherence": {"attendance": 0.6},
            "blocks": [{"weeks": 2, "sessions": list(sessions)}] if sessions else [],
        }
    )


@pytest.fixture
def figures(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every figure the plotting modules stamp, kept for inspection after it is saved."""
    seen: list[Any] = []
    for module in (sim.presentation.plots.run, sim.presentation.plots.compare):
        original = module.stamp

        def keep(fig: Any, caption: str | None = None, original: Any = original) -> None:
            seen.append(fig)
            original(fig, caption)

        monkeypatch.setattr(module, "stamp", keep)
    return seen


def panels(fig: Any) -> list[Any]:
    """The data axes of a figure (twin axes share their host's x label)."""
    return [ax for ax in fig.axes if ax.get_title()]


def assert_labelled(fig: Any) -> None:
    for ax in panels(fig):
        shared = ax.get_shared_x_axes().get_siblings(ax)  # a column labelled once, at its foot
        assert any(a.get_xlabel() for a in shared), ax.get_title()
        assert ax.get_ylabel(), ax.get_title()


def assert_watermark_clear(fig: Any) -> None:
    """The watermark is there and overlaps no tick label or axis label."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()  # a saved, closed figure lost its canvas
    marks = [t for t in fig.texts if t.get_text() == WATERMARK]
    assert len(marks) == 1
    box = marks[0].get_window_extent(renderer)
    for ax in fig.axes:
        texts = [*ax.get_xticklabels(), *ax.get_yticklabels(), ax.xaxis.label, ax.yaxis.label]
        for text in texts:
            if text.get_text() and text.get_visible():
                assert not box.overlaps(text.get_window_extent(renderer)), text.get_text()


def test_run_figure_has_labelled_panels_and_a_clear_watermark(
    tmp_path: Path, figures: list[Any]
) -> None:
    plot_run(simulate(scenario("mixed", LIFT, WALK)), tmp_path / "overview.png")
    (fig,) = figures
    assert len(panels(fig)) == 7  # lactate and serum BDNF on axes of their own
    assert "illustrative model" in fig._suptitle.get_text()
    assert_labelled(fig)
    assert_watermark_clear(fig)
    calendar = next(ax for ax in fig.axes if ax.get_title().startswith("Session calendar"))
    legend = [t.get_text() for t in calendar.get_legend().get_texts()]
    assert {"aerobic", "resistance"} <= set(legend) and any("missed" in t for t in legend)


def test_run_without_sessions_says_so_on_the_calendar(tmp_path: Path, figures: list[Any]) -> None:
    plot_run(simulate(scenario("sedentary")), tmp_path / "overview.png")
    calendar = next(ax for ax in figures[0].axes if ax.get_title().startswith("Session"))
    assert [t.get_text() for t in calendar.texts] == ["no sessions"]


def test_comparison_figures_are_labelled_and_watermarked(
    tmp_path: Path, figures: list[Any]
) -> None:
    comparison = compare([scenario("lift", LIFT), scenario("walk", WALK), scenario("none")])
    sim.presentation.plots.compare.plot_comparison(comparison, tmp_path)
    assert len(figures) == 3
    for fig in figures:
        assert "illustrative model" in fig._suptitle.get_text()
        assert_labelled(fig)
        assert_watermark_clear(fig)


def test_coinciding_scenarios_stay_tellable_apart(tmp_path: Path, figures: list[Any]) -> None:
    """Two identical scenarios draw the same curve; colour and line style still differ."""
    comparison = compare([scenario("walk", WALK), scenario("walk", WALK), scenario("none")])
    sim.presentation.plots.compare.plot_slow_states(comparison, tmp_path / "slow.png")
    sim.presentation.plots.compare.plot_acute(comparison, tmp_path / "acute.png")
    for fig in figures:
        for ax in panels(fig):
            lines = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]
            styles = [(ln.get_color(), ln.get_linestyle()) for ln in lines]
            assert len(lines) == 3, ax.get_title()
            assert len({s for _, s in styles}) == 3, (ax.get_title(), styles)
