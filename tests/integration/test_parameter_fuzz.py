"""Every legal parameter value runs: no crash, no NaN or inf, no negative concentration.

"Legal" is what ``musclebrain params`` shows: each parameter's bounds from
:meth:`sim.model.parameters.Parameters.spec`. A short regimen exercises every pathway (zone-2 and
intense aerobic work, HIIT, heavy compound and light bodyweight resistance, everyday walking,
short sleep) and a follow-up week of detraining. Hypothesis draws several overrides at once
(sometimes all of them, often at a bound); each parameter alone at each bound is checked too.
The regression cases are the issue's: ``anti_inflammatory_hill`` 1.5 or 1.75 (legal, bounds
[1, 6]) made a sedentary run raise a TypeError and a trial fail with "a state became
non-finite" (a state ~1e-14 below zero raised to a fractional power is complex).

Under CI (the ``ci`` profile of ``tests/conftest.py``) the draws are the same every run;
locally each run draws new ones.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.input.scenario import scenario_from_dict
from sim.model.parameters import Parameters
from sim.model.state import QUANTITIES
from sim.running.cohort import Population, sample_people, simulate_cohort
from sim.running.results import SOLVER_SLACK, Result
from sim.running.simulation import simulate
from tests.conftest import SCENARIOS

NAMES = Parameters.names()
BOUNDS = {name: (Parameters.spec(name)["lower"], Parameters.spec(name)["upper"]) for name in NAMES}
# how far below 0 a concentration may be (it is clipped to 0 where written): the integrator's
# error near 0, one step's allowed error there (SOLVER_SLACK's docstring has what was found)
ROUNDING = SOLVER_SLACK

HIIT = {"count": 4, "work_min": 4, "rest_min": 3, "work_pct_hrmax": 95, "rest_pct_hrmax": 65}
SESSIONS = [
    {"day": "mon", "start": "09:00", "modality": "aerobic", "duration_min": 45,
     "intensity_pct_hrmax": 65},
    {"day": "tue", "start": "10:00", "modality": "resistance", "duration_min": 50,
     "intensity_pct_1rm": 85, "sets": 4, "reps": 6, "movements": "compound"},
    {"day": "wed", "start": "17:00", "modality": "hiit", "duration_min": 38, "intervals": HIIT},
    {"day": "thu", "start": "09:00", "modality": "aerobic", "duration_min": 30,
     "intensity_pct_vo2max": 85},
    {"day": "sat", "start": "10:00", "modality": "resistance", "duration_min": 40,
     "intensity_pct_1rm": 50, "sets": 3, "reps": 15, "movements": "bodyweight"},
]  # fmt: skip


def short_scenario(
    parameters: dict[str, float], status: str = "mci", genotype: str = "val/met"
) -> dict[str, Any]:
    """Two weeks of every modality and a week of follow-up, with the overrides."""
    return {
        "name": "fuzz",
        "duration_weeks": 2,
        "follow_up_weeks": 1,
        "seed": 3,
        "participant": {
            "age_years": 72,
            "bdnf_genotype": genotype,
            "cognitive_status": status,
            "pathology_load": 0.3,
            "pathology_progression_per_yr": 0.1,
        },
        "recovery": {"sleep_h": 6, "protein_g_per_kg": 1.0},
        "background": {"steps_per_day": 6000},
        "parameters": parameters,
        "blocks": [{"weeks": 2, "sessions": SESSIONS}],
        "progression": {"rule": "double", "load_step_pct": 2.5},
    }


def assert_sound(result: Result) -> None:
    """Finite columns and metrics, no concentration below 0 beyond rounding, no -0.0."""
    for name, values in result.columns.items():
        assert np.all(np.isfinite(values)), f"{name} is not finite"
        if not QUANTITIES[name].signed:
            assert values.min() >= -ROUNDING, f"{name} went negative: {values.min()!r}"
    for key, value in result.metrics.items():
        assert math.isfinite(value), f"metric {key} = {value!r}"
        assert math.copysign(1.0, value) > 0 or value < 0, f"metric {key} is -0.0"
    assert result.times_h[-1] == pytest.approx(3 * 168.0)


def legal_value(name: str) -> st.SearchStrategy[float]:
    lo, hi = BOUNDS[name]
    return st.one_of(st.sampled_from([lo, hi]), st.floats(lo, hi, allow_nan=False))


SOME = st.lists(st.sampled_from(NAMES), min_size=1, max_size=len(NAMES), unique=True).flatmap(
    lambda names: st.fixed_dictionaries({n: legal_value(n) for n in names})
)
ALL = st.fixed_dictionaries({n: legal_value(n) for n in NAMES})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    overrides=st.one_of(SOME, ALL),
    status=st.sampled_from(["healthy", "subjective_decline", "mci"]),
    genotype=st.sampled_from(["val/val", "val/met", "met/met"]),
)
def test_random_legal_overrides_never_crash(
    overrides: dict[str, float], status: str, genotype: str
) -> None:
    assert_sound(simulate(scenario_from_dict(short_scenario(overrides, status, genotype))))


BOUND_CASES = [(n, BOUNDS[n][i]) for n in NAMES for i in (0, 1)]


@pytest.mark.parametrize(
    ("name", "value"),
    BOUND_CASES,
    ids=[f"{n}={v:g}-{'lower' if v == BOUNDS[n][0] else 'upper'}" for n, v in BOUND_CASES],
)
def test_each_parameter_at_each_bound_runs(name: str, value: float) -> None:
    assert_sound(simulate(scenario_from_dict(short_scenario({name: value}))))


COHORT = Population(status_weights=(1.0, 1.0, 1.0), sleep_h=6.0, steps_per_day=6000.0)
HILLS = [1.0, 1.5, 1.75, 6.0]  # the bounds and the two crashing values


def sedentary_with(parameters: dict[str, float], folder: Path) -> Path:
    data = yaml.safe_load((SCENARIOS / "sedentary.yaml").read_text(encoding="utf-8"))
    data["parameters"] = parameters
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("hill", HILLS)
def test_cli_run_with_a_fractional_hill_exponent(hill: float, tmp_path: Path) -> None:
    path = sedentary_with({"anti_inflammatory_hill": hill}, tmp_path)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--no-plots"]) == 0
    with (out / "timeseries.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 24 * 168 + 1
    for name in rows[0]:
        values = [float(row[name]) for row in rows]
        assert all(math.isfinite(v) for v in values), name
        if name != "time_h" and not QUANTITIES[name].signed:
            assert min(values) >= 0.0, name  # rounding below 0 is written as 0
        assert not any(row[name] == "-0" for row in rows), name
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["parameters"]["anti_inflammatory_hill"] == hill
    assert all(math.isfinite(v) for v in summary["metrics"].values())


def trial_file(folder: Path, hill: float) -> Path:
    """A small trial whose arms (untrained, every modality) override the Hill exponent."""
    trained = short_scenario({"anti_inflammatory_hill": hill})
    del trained["participant"], trained["recovery"], trained["background"], trained["seed"]
    trained["name"] = "every-modality"
    data = {
        "name": "hill-trial",
        "seed": 7,
        "population": {"age_mean_years": 70, "age_sd_years": 5, "status_weights": {"mci": 1}},
        "arms": {
            "control": {
                "scenario": {
                    "name": "untrained",
                    "duration_weeks": 2,
                    "follow_up_weeks": 1,
                    "blocks": [],
                    "parameters": {"anti_inflammatory_hill": hill},
                }
            },
            "trained": {"scenario": trained},
        },
        "control": "control",
        "n_per_arm": 5,
        "assessments_weeks": [0, 2, 3],
        "outcome": {"name": "cognition_z", "measurement_sd": 0.5, "at_week": 2},
    }
    path = folder / "trial.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("hill", HILLS)
def test_cli_trial_with_a_fractional_hill_exponent(hill: float, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["trial", str(trial_file(tmp_path, hill)), "--n-per-arm", "5", "--out", str(out)]
    assert main([*args, "--no-plots"]) == 0
    text = (out / "trial.json").read_text(encoding="utf-8")
    assert "-0.0," not in text and "-0.0\n" not in text
    summary = json.loads(text)
    assert summary["arms"]["trained"]["n"] == 5
    with (out / "people.csv").open(encoding="utf-8") as fh:
        people = list(csv.DictReader(fh))
    assert len(people) == 10
    assert all(row["cognition_z_w2"] not in ("", "nan", "inf") for row in people)


@pytest.mark.parametrize("hill", HILLS)
def test_cohort_with_a_fractional_hill_exponent(hill: float) -> None:
    scenario = scenario_from_dict(short_scenario({"anti_inflammatory_hill": hill}))
    people = sample_people(COHORT, 12, np.random.default_rng(1))
    result = simulate_cohort(scenario, people, COHORT, seed=2)
    for name, values in result.columns.items():
        assert np.all(np.isfinite(values)), name
        if not QUANTITIES[name].signed:
            assert values.min() >= 0.0, name


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overrides=st.one_of(SOME, ALL))
def test_random_legal_overrides_never_crash_a_cohort(overrides: dict[str, float]) -> None:
    scenario = scenario_from_dict(short_scenario(overrides))
    people = sample_people(COHORT, 6, np.random.default_rng(0))
    result = simulate_cohort(scenario, people, COHORT, seed=1)
    for name, values in result.columns.items():
        assert np.all(np.isfinite(values)), name
        if not QUANTITIES[name].signed:
            assert values.min() >= -ROUNDING, name
