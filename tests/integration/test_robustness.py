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
        diff = np.subtract(d["higher_values"], d["lower_values"])
        u = np.array(d["error_estimates"])
        assert np.all(u >= 0)
        assert d["holds"] == list(diff > u) and d["fails"] == list(diff < -u)
        assert math.isclose(d["share"], sum(d["holds"]) / DATA["draws"])
    assert (DATA["rtol_verdict"], DATA["rtol_check"]) == rb.verdict_rtols(), STALE


@pytest.mark.parametrize("index", [7, 2, 14])  # C9 combined > aerobic, C4, C16 middle > low
def test_the_draws_are_current(index: int) -> None:
    d = DATA["directions"][index]
    names = tuple(DATA["parameters"])
    rows = rb.draws(DATA["draws"], DATA["seed"], names)
    tight, loose = rb.verdict_rtols()
    got = {}
    for side in ("higher", "lower"):
        got[side] = rb.scenario_metrics(d[side], names, rows, [d["metric"]], tight)[:, 0]
        assert np.allclose(got[side], d[f"{side}_values"], rtol=1e-5, atol=1e-9), STALE
    if index == 14:  # the error estimates too, for one direction (two more ensembles)
        coarse = [rb.scenario_metrics(d[k], names, rows, [d["metric"]], loose)[:, 0]
                  for k in ("higher", "lower")]  # fmt: skip
        u = np.abs((got["higher"] - got["lower"]) - (coarse[0] - coarse[1]))
        assert np.allclose(u, d["error_estimates"], rtol=1e-4, atol=1e-8), STALE


def test_outcomes_count_differences_within_the_error_estimate_as_too_close_to_call() -> None:
    # Closed cases: the error estimate is the distance between the two tolerances' differences.
    tight = np.array([0.10, -0.10, 1e-5, 0.0, 3e-6])
    loose = np.array([0.09, -0.12, -1e-5, 0.0, 1e-6])
    holds, fails, u = rb.outcomes(tight, loose)
    assert np.allclose(u, [0.01, 0.02, 2e-5, 0.0, 2e-6])
    assert holds.tolist() == [True, False, False, False, True]
    assert fails.tolist() == [False, True, False, False, False]


def test_the_cell_says_how_many_draws_are_too_close_to_call() -> None:
    one = {"claim": "C3", "higher": "a", "lower": "b", "holds": [True] * 6 + [False] * 4,
           "fails": [False] * 6 + [True] + [False] * 3, "share": 0.6}  # fmt: skip
    cells = rb.robustness_cells({"draws": 10, "directions": [one]})
    assert cells == {"C3": "a > b: 6/10 (60 %, fragile; 3 too close to call)"}
    one.update(holds=[True] * 10, fails=[False] * 10, share=1.0)
    assert rb.robustness_cells({"draws": 10, "directions": [one]}) == {
        "C3": "a > b: 10/10 (100 %, solid)"
    }


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
    diffs = []
    for rtol in rb.verdict_rtols():
        hi = rb.scenario_metrics("combined", names, rows, ["reserve_final"], rtol)[:, 0]
        lo = rb.scenario_metrics("combined_no_synergy", names, rows, ["reserve_final"], rtol)
        diffs.append(hi - lo[:, 0])
    holds, _, _ = rb.outcomes(*diffs)
    assert not np.any(holds)
