"""The terminal view of a comparison (sim/presentation/text/compare.py): table, headlines, heading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sim.analyses.compare import Comparison, Entry
from sim.input.scenario import load_scenario, scenario_from_dict
from sim.presentation.text.compare import demo_heading, format_table, headlines, show

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.mark.parametrize(
    ("fmt", "value", "text"),
    [
        ("{:+.1f}", -0.04, "+0.0"),
        ("{:+.1f}", -0.0, "+0.0"),
        ("{:.1f}", -0.01, "0.0"),
        ("{:+.1f}", -0.06, "-0.1"),
        ("{:+.3f}", 0.2341, "+0.234"),
        ("{:.0f}", float("nan"), "nan"),
    ],
    ids=["tiny-negative", "negative-zero", "unsigned", "real-negative", "plain", "nan"],
)
def test_show_never_prints_negative_zero(fmt: str, value: float, text: str) -> None:
    assert show(fmt, value) == text


class FakeResult:
    """Just the metrics the terminal view reads."""

    def __init__(self, weeks: float = 24.0, **metrics: float) -> None:
        self.metrics = metrics
        self.horizon_h = 168.0 * weeks


def comparison(**rows: dict[str, Any]) -> Comparison:
    entries = [Entry(k, None, FakeResult(**v)) for k, v in rows.items()]  # type: ignore[arg-type]
    return Comparison(tuple(entries))


def test_headline_gap_uses_the_metric_precision_and_names_percentage_points() -> None:
    lines = headlines(
        comparison(
            lift={"strength_change_pct": 17.93, "cognition_z_final": 0.18612},
            walk={"strength_change_pct": -0.004, "cognition_z_final": 0.14711},
            rest={"strength_change_pct": -0.001, "cognition_z_final": -0.0071},
        )
    )
    assert lines == [
        "Strength gain: lift wins (+17.9 %), 17.9 percentage points ahead of rest (+0.0 %); "
        "lowest walk (+0.0 %).",
        "Cognition change: lift wins (+0.186 SD), 0.039 SD ahead of walk (+0.147 SD); "
        "lowest rest (-0.007 SD).",
    ]


def test_values_equal_as_shown_are_a_tie() -> None:
    lines = headlines(comparison(a={"strength_change_pct": 5.01}, b={"strength_change_pct": 4.99}))
    assert lines == ["Strength gain: a and b tie (+5.0 %)."]


def test_table_shows_no_negative_zero() -> None:
    table = format_table(comparison(rest={"strength_change_pct": -0.004, "reserve_final": -0.01}))
    assert "-0.0 " not in table + " " and "+0.0" in table and "-0.010" in table


def test_demo_heading_describes_the_shipped_participant() -> None:
    paths = [SCENARIOS / f"{n}.yaml" for n in ("sedentary", "aerobic", "resistance", "combined")]
    scenarios = [load_scenario(p) for p in paths]
    assert demo_heading(scenarios) == "24 weeks of each regimen for a healthy 65-year-old woman:"


def _person(**participant: Any) -> Any:
    return scenario_from_dict({"name": "p", "duration_weeks": 12, "participant": participant})


@pytest.mark.parametrize(
    ("people", "heading"),
    [
        (
            [{"age_years": 72, "sex": "male", "cognitive_status": "mci"}] * 2,
            "12 weeks of each regimen for a 72-year-old man with mild cognitive impairment:",
        ),
        (
            [{"age_years": 60}, {"age_years": 70}],
            "12 weeks of each regimen, each for its own participant:",
        ),
    ],
    ids=["same-person", "different-people"],
)
def test_demo_heading_follows_the_scenarios(people: list[dict[str, Any]], heading: str) -> None:
    assert demo_heading([_person(**p) for p in people]) == heading


def test_scenarios_of_different_lengths_get_a_caveat_line() -> None:
    lines = headlines(
        comparison(
            combined={"reserve_final": 0.40},
            detraining={"reserve_final": 0.33, "weeks": 48},
        )
    )
    assert lines[-1] == (
        "Mind the spans (weeks: combined 24, detraining 48): reserve, cognition and the brain "
        "BDNF area are taken at the end of each scenario's own span, the strength, fitness and "
        "serum BDNF changes at the end of its training."
    )
    same = headlines(comparison(a={"reserve_final": 0.4}, b={"reserve_final": 0.3}))
    assert not any(line.startswith("Mind") for line in same)
