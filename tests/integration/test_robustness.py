"""The robustness of the ledger's verdicts: the committed draws are current and the column says so.

``tools/make_robustness.py`` runs every two-scenario direction of the ledger in 128 parameter
sets and writes ``docs/robustness.json`` and the ledger's robustness column. These tests
re-run the draws of a few directions and compare them with the committed values (a model
change that moves them makes the file stale; all draws, since the draws of a scenario are
integrated together, one ensemble), check that the column is the rendering of the file, and
that a direction whose mechanism is removed no longer holds in the draws.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from sim.analyses import robustness as rb
from sim.presentation.report.ledger import NO_DIRECTION, claim_rows, with_robustness
from tests.conftest import ROOT

DATA = json.loads((ROOT / "docs" / "robustness.json").read_text(encoding="utf-8"))
STALE = "docs/robustness.json is stale: run `python tools/make_robustness.py` and commit it"


def test_the_file_covers_every_direction_with_todays_parameters() -> None:
    assert [(d["claim"], d["higher"], d["lower"], d["metric"]) for d in DATA["directions"]] == [
        (d.claim, d.higher, d.lower, d.metric) for d in rb.DIRECTIONS
    ], STALE
    assert DATA["parameters"] == list(rb.illustrative_names()), STALE
    for d in DATA["directions"]:
        assert len(d["holds"]) == DATA["draws"] == len(d["higher_values"])
        assert d["holds"] == [h > lo for h, lo in zip(d["higher_values"], d["lower_values"],
                                                       strict=True)]  # fmt: skip
        assert math.isclose(d["share"], sum(d["holds"]) / DATA["draws"])


@pytest.mark.parametrize("index", [7, 2, 14])  # C9 combined > aerobic, C4, C16 middle > low
def test_the_draws_are_current(index: int) -> None:
    d = DATA["directions"][index]
    names = tuple(DATA["parameters"])
    rows = rb.draws(DATA["draws"], DATA["seed"], names)
    for side in ("higher", "lower"):
        got = rb.scenario_metrics(d[side], names, rows, [d["metric"]])[:, 0]
        assert np.allclose(got, d[f"{side}_values"], rtol=1e-5, atol=1e-9), STALE


def test_the_ledger_column_is_the_files_rendering() -> None:
    text = (ROOT / "docs" / "claims.md").read_text(encoding="utf-8")
    assert with_robustness(text, rb.robustness_cells(DATA)) == text, (
        "docs/claims.md: the robustness column is stale: run tools/make_robustness.py"
    )
    rows = {r.number: r for r in claim_rows(text)}
    assert "combined > aerobic: " in rows["C9"].robustness
    assert rows["C2"].robustness == NO_DIRECTION
    assert all(r.robustness for r in rows.values())


def test_reading_bands() -> None:
    assert rb.reading(1.0) == rb.reading(0.9) == "solid"
    assert rb.reading(0.89) == rb.reading(0.6) == "fragile"
    assert rb.reading(0.59) == "hinges on the values"


def test_a_direction_without_its_mechanism_does_not_hold() -> None:
    # Negative control: with the synergy weight at 0 in every draw, "combined beats
    # combined_no_synergy" has nothing left to stand on (the two scenarios are then alike).
    names = tuple(DATA["parameters"])
    rows = rb.draws(4, 1, names)
    rows[:, names.index("bdnf_synergy")] = 0.0
    hi = rb.scenario_metrics("combined", names, rows, ["reserve_final"])[:, 0]
    lo = rb.scenario_metrics("combined_no_synergy", names, rows, ["reserve_final"])[:, 0]
    assert not np.any(hi > lo + 1e-9)
