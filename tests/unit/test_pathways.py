"""The reserve's pathway decomposition adds up, and each part behaves as its equation says."""

from __future__ import annotations

import pytest

from sim.analyses.pathways import BDNF_SOURCES, RESERVE_PARTS, reserve_pathways
from sim.input.regimen import HOURS_PER_WEEK
from sim.input.scenario import load_scenario
from sim.model.constants import HOURS_PER_YEAR
from sim.model.parameters import Parameters
from sim.running.simulation import simulate
from tests.conftest import SCENARIOS


@pytest.fixture(scope="module")
def runs():  # type: ignore[no-untyped-def]
    names = ("sedentary", "aerobic", "resistance", "combined", "detraining")
    return {n: simulate(load_scenario(SCENARIOS / f"{n}.yaml")) for n in names}


@pytest.mark.parametrize("name", ["aerobic", "resistance", "combined", "detraining"])
def test_the_parts_add_up_to_the_reserve_change(runs, name) -> None:  # type: ignore[no-untyped-def]
    p = reserve_pathways(runs[name])
    assert set(p.parts) == set(RESERVE_PARTS)
    assert p.reserve_change == pytest.approx(
        runs[name].columns["reserve"][-1] - runs[name].columns["reserve"][0]
    )
    # the trapezoid rule on 5-minute samples: within 0.1 % of the change
    assert abs(p.residual) < 1e-3 * abs(p.reserve_change)
    assert sum(p.bdnf_sources.values()) == pytest.approx(1.0)
    assert set(p.bdnf_sources) == set(BDNF_SOURCES)


def test_sedentary_loses_exactly_the_age_related_reserve(runs) -> None:  # type: ignore[no-untyped-def]
    # closed form: loss = rate x decline multiplier (1 when healthy) x years
    p = reserve_pathways(runs["sedentary"])
    years = 24 * HOURS_PER_WEEK / HOURS_PER_YEAR
    loss = Parameters().reserve_age_loss_per_yr * years
    assert p.parts["age-related loss"] == pytest.approx(-loss, rel=1e-9)
    built = [k for k in RESERVE_PARTS if k not in ("age-related loss", "decay of built reserve")]
    assert all(p.parts[k] == 0.0 for k in built)
    assert all(v == 0.0 for v in p.bdnf_sources.values())


def test_each_path_appears_only_where_its_training_is(runs) -> None:  # type: ignore[no-untyped-def]
    aerobic, resistance = reserve_pathways(runs["aerobic"]), reserve_pathways(runs["resistance"])
    assert aerobic.parts["strength gained"] == 0.0  # no resistance sets: the strength gate is shut
    assert resistance.parts["strength gained"] > resistance.parts["brain BDNF"]
    assert aerobic.parts["brain BDNF"] > aerobic.parts["fitness gained"] > 0.0
    assert (
        aerobic.bdnf_sources["aerobic metabolism"]
        > 0.0
        == resistance.bdnf_sources["aerobic metabolism"]
    )


def test_switching_the_strength_path_off_removes_its_part(runs) -> None:  # type: ignore[no-untyped-def]
    s = load_scenario(SCENARIOS / "resistance.yaml")
    off = simulate(s, Parameters().with_overrides({"reserve_weight_strength": 0.0}))
    p = reserve_pathways(off)
    assert p.parts["strength gained"] == 0.0
    assert abs(p.residual) < 1e-3 * abs(p.reserve_change)


def test_detraining_decays_more_than_it_trains_after_stopping(runs) -> None:  # type: ignore[no-untyped-def]
    # 24 weeks of follow-up without training: the decay part grows beyond the 24-week run's
    assert (
        reserve_pathways(runs["detraining"]).parts["decay of built reserve"]
        < reserve_pathways(runs["combined"]).parts["decay of built reserve"]
    )
