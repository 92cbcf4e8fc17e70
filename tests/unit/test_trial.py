"""Virtual trials: the trial schema, the statistics against closed forms, reproducible outputs.

Covers sim/analyses/trial/run.py, sim/input/trial_spec.py, sim/input/trial_schema.py, sim/analyses/trial/stats.py,
sim/analyses/trial/formulas.py, sim/presentation/text/trial.py, sim/presentation/plots/trial.py and the ``trial`` subcommand.
Simulations here are tiny (a few people, a few weeks); the shipped trials and the evidence
targets are checked in tests/evidence/test_trial_targets.py.
"""

from __future__ import annotations

import copy
import json
import math
import re
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from sim.analyses.trial.formulas import (
    completers,
    expected_g,
    hedges_g,
    mean_ci,
    responder_fraction,
    small_sample_correction,
)
from sim.analyses.trial.run import (
    TrialError,
    arm_key,
    load_trial,
    run_trial,
    trial_from_dict,
)
from sim.cli import main
from sim.errors import InputError
from sim.input.trial_schema import PopulationSpec
from sim.io.trial import write_trial
from sim.running.cohort import Population
from sim.running.streams import ATTENDANCE, NOISE, PEOPLE, stream_key

RT = {
    "day": "tue",
    "start": "10:00",
    "modality": "resistance",
    "duration_min": 50,
    "intensity_pct_1rm": 75,
    "sets": 3,
    "reps": 8,
}


def tiny_trial(**top: Any) -> dict[str, Any]:
    """A valid 4-week trial: an inline untrained control and an inline twice-weekly RT arm."""
    data: dict[str, Any] = {
        "name": "tiny-trial",
        "seed": 3,
        "population": {
            "age_mean_years": 70,
            "status_weights": {"healthy": 0.5, "subjective_decline": 0.5},
        },
        "arms": {
            "control": {"scenario": {"name": "rest", "duration_weeks": 4}},
            "rt": {
                "scenario": {
                    "name": "rt",
                    "duration_weeks": 4,
                    "blocks": [{"weeks": 4, "sessions": [RT, {**RT, "day": "fri"}]}],
                }
            },
        },
        "control": "control",
        "n_per_arm": 8,
        "assessments_weeks": [0, 4],
        "outcome": {"name": "cognition_z", "measurement_sd": 0.5, "at_week": 4},
        "subgroups": [
            {"field": "cognitive_status"},
            {"field": "age_band", "bands": [[50, 70], [70, 95]]},
        ],
    }
    data.update(top)
    return data


def with_change(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with the dotted ``path`` set to ``value`` (``DELETE`` removes)."""
    out = copy.deepcopy(data)
    *parents, last = path.split(".")
    node = out
    for key in parents:
        node = node[key]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return out


DELETE = object()
SOURCE = "t.yaml"


def error_of(data: Any, base: Path | None = None) -> str:
    with pytest.raises(TrialError) as info:
        trial_from_dict(data, source=SOURCE, base_dir=base or Path("."))
    return str(info.value)


# --- schema -------------------------------------------------------------------------------

BAD_FIELDS = [
    (
        "unknown-top",
        "n_per_arms",
        5,
        "t.yaml: n_per_arms: unknown field 'n_per_arms'; did you mean 'n_per_arm'? Fix: rename "
        "it to 'n_per_arm'.",
    ),
    (
        "unknown-population",
        "population.female_fractoin",
        0.5,
        "t.yaml: population.female_fractoin: unknown field 'female_fractoin'; did you mean "
        "'female_fraction'? Fix: rename it to 'female_fraction'.",
    ),
    (
        "probability-above-1",
        "population.female_fraction",
        1.5,
        "t.yaml: population.female_fraction: 1.5 is invalid: must be at most 1. Fix: use a value "
        "between 0 and 1.",
    ),
    (
        "negative-allele-frequency",
        "population.met_allele_frequency",
        -0.1,
        "t.yaml: population.met_allele_frequency: -0.1 is invalid: must be at least 0. Fix: use "
        "a value between 0 and 1.",
    ),
    (
        "n-zero",
        "n_per_arm",
        0,
        "t.yaml: n_per_arm: 0 is invalid: must be at least 2. Fix: use a value between 2 and "
        "100000.",
    ),
    (
        "n-negative",
        "n_per_arm",
        -5,
        "t.yaml: n_per_arm: -5 is invalid: must be at least 2. Fix: use a value between 2 and "
        "100000.",
    ),
    (
        "n-text",
        "n_per_arm",
        "100",
        "t.yaml: n_per_arm: expected a whole number, got '100'. Fix: write a whole number "
        "without quotes, between 2 and 100000.",
    ),
    (
        "status-sum",
        "population.status_weights",
        {"healthy": 0.5, "mci": 0.2},
        "t.yaml: population.status_weights: the shares add up to 0.7. Fix: make healthy + "
        "subjective_decline + mci equal 1 (missing ones count as 0).",
    ),
    (
        "age-range",
        "population.age_min_years",
        96,
        "t.yaml: population.age_max_years: 95 is invalid: must be above age_min_years (96). Fix: "
        "raise age_max_years or lower age_min_years.",
    ),
    (
        "age-mean-outside",
        "population.age_mean_years",
        45,
        "t.yaml: population.age_mean_years: 45 is outside age_min_years..age_max_years (50..95). "
        "Fix: use a mean inside that range.",
    ),
    (
        "control-missing",
        "control",
        "contrl",
        "t.yaml: control: 'contrl' is not one of the arms; did you mean 'control'? Fix: use one "
        "of control, rt.",
    ),
    (
        "assessments-no-baseline",
        "assessments_weeks",
        [4],
        "t.yaml: assessments_weeks: [4] is invalid: it must start at 0 (baseline) and increase. "
        "Fix: e.g. [0, 24] or [0, 26, 78].",
    ),
    (
        "assessments-decreasing",
        "assessments_weeks",
        [0, 4, 2],
        "t.yaml: assessments_weeks: [0, 4, 2] is invalid: it must start at 0 (baseline) and "
        "increase. Fix: e.g. [0, 24] or [0, 26, 78].",
    ),
    (
        "at-week-not-assessed",
        "outcome.at_week",
        3,
        "t.yaml: outcome.at_week: week 3 is not an assessment. Fix: use one of [4] or add it to "
        "assessments_weeks.",
    ),
    (
        "outcome-unknown",
        "outcome.name",
        "cognition",
        "t.yaml: outcome.name: unknown outcome 'cognition'; did you mean 'cognition_z'? Fix: use "
        "a model state or observable, e.g. cognition_z, reserve or strength_rel.",
    ),
    (
        "measurement-sd-negative",
        "outcome.measurement_sd",
        -0.5,
        "t.yaml: outcome.measurement_sd: -0.5 is invalid: must be at least 0. Fix: use a value "
        "between 0 and 5.",
    ),
    (
        "outcome-week-missing",
        "outcome.at_week",
        DELETE,
        "t.yaml: outcome.at_week: required field 'at_week' is missing. Fix: add 'at_week: ...'.",
    ),
    (
        "responder-both",
        "responder",
        {"threshold": 0.2, "threshold_measurement_sds": 0.5},
        "t.yaml: responder: both threshold and threshold_measurement_sds given. Fix: give one of "
        "them (default: threshold_measurement_sds 0.5).",
    ),
    (
        "subgroup-unknown-field",
        "subgroups",
        [{"field": "education"}],
        "t.yaml: subgroups[0].field: 'education' is not allowed. Fix: use one of 'age_band', "
        "'genotype', 'cognitive_status' or 'sex'.",
    ),
    (
        "age-band-without-bands",
        "subgroups",
        [{"field": "age_band"}],
        "t.yaml: subgroups[0].bands: age_band needs bands. Fix: add e.g. bands: [[65, 70], "
        "[70, 75], [75, 80]] (years, low inclusive).",
    ),
    (
        "bands-on-genotype",
        "subgroups",
        [{"field": "genotype", "bands": [[60, 70]]}],
        "t.yaml: subgroups[0].bands: bands only apply to age_band, not genotype. Fix: remove "
        "bands.",
    ),
    (
        "bands-overlap",
        "subgroups",
        [{"field": "age_band", "bands": [[60, 70], [65, 80]]}],
        "t.yaml: subgroups[0].bands: band [65, 80] is empty or overlaps another. Fix: give "
        "non-overlapping [low, high] pairs with low < high.",
    ),
    (
        "subgroup-twice",
        "subgroups",
        [{"field": "sex"}, {"field": "sex"}],
        "t.yaml: subgroups: sex appears twice. Fix: keep one.",
    ),
    (
        "one-arm",
        "arms",
        {"control": {"scenario": {"name": "rest", "duration_weeks": 4}}},
        "t.yaml: arms: 1 arm given. Fix: give a control arm and at least one other arm.",
    ),
    (
        "arm-scenario-not-mapping",
        "arms.rt.scenario",
        5,
        "t.yaml: arms.rt.scenario: 5 is neither a scenario file path nor a scenario mapping. "
        "Fix: write a path relative to the trial file (scenario: ../aerobic.yaml) or an inline "
        "scenario (name: ..., duration_weeks: ...).",
    ),
    (
        "arm-unknown-field",
        "arms.rt.scenarios",
        "x.yaml",
        "t.yaml: arms.rt.scenarios: unknown field 'scenarios'; did you mean 'scenario'? Fix: "
        "rename it to 'scenario'.",
    ),
    (
        "inline-scenario-invalid",
        "arms.rt.scenario.duration_weeks",
        0,
        "t.yaml: arms.rt.scenario.duration_weeks: 0 is invalid: must be at least 1. Fix: use a "
        "value between 1 and 520.",
    ),
]


@pytest.mark.parametrize(
    ("path", "value", "message"), [b[1:] for b in BAD_FIELDS], ids=[b[0] for b in BAD_FIELDS]
)
def test_malformed_field_gives_one_exact_message(path: str, value: Any, message: str) -> None:
    assert error_of(with_change(tiny_trial(), path, value)) == message


def test_trial_error_is_an_input_error() -> None:
    assert issubclass(TrialError, InputError)


def test_top_level_must_be_a_mapping() -> None:
    with pytest.raises(TrialError, match=r"^t\.yaml: the top level must be a mapping"):
        trial_from_dict([1, 2], source=SOURCE)


def test_missing_scenario_file_is_named_with_where_it_was_looked_for(tmp_path: Path) -> None:
    data = with_change(tiny_trial(), "arms.rt.scenario", "sub/nowhere.yaml")
    expected = (
        f"t.yaml: arms.rt.scenario: scenario file 'sub/nowhere.yaml' not found (looked "
        f"for {tmp_path / 'sub/nowhere.yaml'}). Fix: correct the path; it is relative to "
        f"the trial file's folder ({tmp_path})."
    )
    assert error_of(data, tmp_path) == expected


def test_invalid_scenario_file_is_reported_with_its_own_message(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("name: bad\nduration_weeks: 4\nsead: 1\n")
    message = error_of(with_change(tiny_trial(), "arms.rt.scenario", "bad.yaml"), tmp_path)
    assert message.startswith(
        "t.yaml: arms.rt.scenario: scenario file 'bad.yaml' is invalid. Fix: correct it:\n"
    )
    assert re.search(r"bad\.yaml: sead: unknown field 'sead'; did you mean 'seed'\?", message)


def test_arm_weeks_must_match_the_last_assessment() -> None:
    data = with_change(tiny_trial(), "arms.control.scenario.follow_up_weeks", 2)
    assert error_of(data) == (
        "t.yaml: arms.control.scenario: the scenario runs 4 training + 2 follow-up = 6 weeks but "
        "assessments_weeks ends at week 4. Fix: make the last assessment week 6, or set the "
        "scenario's duration_weeks and follow_up_weeks to add up to 4."
    )


def test_several_problems_are_listed_together() -> None:
    data = with_change(with_change(tiny_trial(), "n_per_arm", 0), "population.sleep_h", 1)
    lines = error_of(data).splitlines()
    assert [line.split(":")[1].strip() for line in lines] == ["population.sleep_h", "n_per_arm"]


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        (None, r"t\.yaml: file not found\. Fix: check the path"),
        ("", r"t\.yaml: the file is empty"),
        ("name: [unclosed\n", r"t\.yaml: line 2, column 1: invalid YAML"),
    ],
    ids=["missing", "empty", "bad-yaml"],
)
def test_unreadable_trial_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str | None, pattern: str
) -> None:
    monkeypatch.chdir(tmp_path)
    if text is not None:
        (tmp_path / "t.yaml").write_text(text)
    with pytest.raises(TrialError, match=pattern):
        load_trial("t.yaml")


def test_scenario_paths_are_relative_to_the_trial_file(tmp_path: Path) -> None:
    (tmp_path / "trials" / "arms").mkdir(parents=True)
    (tmp_path / "trials" / "arms" / "rest.yaml").write_text("name: rest\nduration_weeks: 4\n")
    data = with_change(tiny_trial(), "arms.control.scenario", "arms/../arms/rest.yaml")
    (tmp_path / "trials" / "t.yaml").write_text(yaml.safe_dump(data))
    trial = load_trial(tmp_path / "trials" / "t.yaml")
    assert trial.scenarios["control"].name == "rest"


def test_population_spec_mirrors_the_cohort_population() -> None:
    """Every Population field is settable in a trial file, with the same defaults."""
    assert set(PopulationSpec.model_fields) == {f.name for f in fields(Population)}
    assert PopulationSpec().to_population() == Population()


def test_responder_threshold_defaults_to_half_the_measurement_sd() -> None:
    trial = trial_from_dict(
        tiny_trial(outcome={"name": "cognition_z", "measurement_sd": 0.4, "at_week": 4})
    )
    assert trial.spec.responder_threshold == pytest.approx(0.2)
    stated = trial_from_dict(tiny_trial(responder={"threshold": 0.1}))
    assert stated.spec.responder_threshold == pytest.approx(0.1)


# --- statistics against closed forms -----------------------------------------------------


def test_hedges_g_matches_a_hand_computation() -> None:
    """[2, 4, 6, 8] vs [1, 2, 3]: s_pooled^2 = (3 * 20/3 + 2 * 1) / 5 = 4.4, d = 3 / 2.0976,
    J = 1 - 3 / (4 * 7 - 9) = 16/19, var = 7/12 + g^2 / 14 (Hedges & Olkin 1985)."""
    d = 3.0 / math.sqrt(4.4)
    g = (1.0 - 3.0 / 19.0) * d
    se = math.sqrt(7.0 / 12.0 + g * g / 14.0)
    got = hedges_g([2, 4, 6, 8], [1, 2, 3])
    assert got == pytest.approx((g, g - 1.959964 * se, g + 1.959964 * se), rel=1e-6)
    assert g == pytest.approx(1.204374, abs=1e-6)


def test_small_sample_correction() -> None:
    assert small_sample_correction(10, 10) == pytest.approx(1 - 3 / 71)
    assert small_sample_correction(1000, 1000) == pytest.approx(1.0, abs=1e-3)


def test_hedges_g_is_antisymmetric_and_undefined_without_spread() -> None:
    a, b = [0.1, 0.5, 0.9, 1.3], [0.0, 0.2, 0.1]
    g_ab, lo_ab, hi_ab = hedges_g(a, b)
    g_ba, lo_ba, hi_ba = hedges_g(b, a)
    assert (g_ab, lo_ab, hi_ab) == pytest.approx((-g_ba, -hi_ba, -lo_ba))
    assert all(math.isnan(v) for v in hedges_g([1, 1], [1, 1]))
    assert all(math.isnan(v) for v in hedges_g([1], [1, 2]))


def test_mean_ci_matches_the_t_interval() -> None:
    """Mean 3, SD sqrt(2.5), t(0.975, 4) = 2.776445."""
    half = 2.776445 * math.sqrt(2.5) / math.sqrt(5)
    assert mean_ci([1, 2, 3, 4, 5]) == pytest.approx((3.0, 3.0 - half, 3.0 + half), rel=1e-6)
    mean, lo, hi = mean_ci([2.0])
    assert mean == 2.0 and math.isnan(lo) and math.isnan(hi)


def test_confidence_intervals_cover_the_truth_about_95_percent_of_the_time() -> None:
    """2000 simulated two-arm samples (n = 30 each, true d = 0.5, SD 1): the t-interval of
    the mean and the Hedges & Olkin interval of g each cover the truth 93-97 % of the time."""
    rng = np.random.default_rng(12345)
    reps, n, delta = 2000, 30, 0.5
    hits_mean = hits_g = 0
    for _ in range(reps):
        treated, control = rng.normal(delta, 1.0, n), rng.normal(0.0, 1.0, n)
        _, lo, hi = mean_ci(treated)
        hits_mean += lo <= delta <= hi
        _, g_lo, g_hi = hedges_g(treated, control)
        hits_g += g_lo <= delta <= g_hi
    assert 0.93 <= hits_mean / reps <= 0.97
    assert 0.93 <= hits_g / reps <= 0.97


def test_expected_g_scales_true_change_by_the_measured_change_sd() -> None:
    """No true spread: the scale is sqrt(2) x measurement SD."""
    assert expected_g([0.3, 0.3], [0.0, 0.0], 0.5) == pytest.approx(0.3 / math.sqrt(0.5))
    assert math.isnan(expected_g([0.3, 0.3], [0.0, 0.0], 0.0))


def test_responders_are_strictly_above_the_threshold() -> None:
    assert responder_fraction([0.1, 0.25, 0.3, 0.5], 0.25) == 0.5
    assert math.isnan(responder_fraction([], 0.25))


def test_completers_need_two_thirds_of_planned_sessions() -> None:
    assert completers([31, 32, 48, 0], 48, 2 / 3).tolist() == [False, True, True, False]
    assert completers([0, 0], 0, 2 / 3).tolist() == [True, True]  # nothing planned


# --- running and writing -----------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_result() -> Any:
    return run_trial(trial_from_dict(tiny_trial(), source="tiny.yaml"))


def test_trial_json_follows_the_contract(tiny_result: Any) -> None:
    s = tiny_result.summary
    assert (s["trial"], s["seed"], s["outcome"]) == ("tiny-trial", 3, "cognition_z")
    for arm in ("control", "rt"):
        assert {
            "n",
            "completers",
            "mean_change",
            "ci95",
            "hedges_g",
            "hedges_g_ci95",
            "responder_fraction",
        } <= set(s["arms"][arm])
        assert s["consort"][arm]["allocated"] == 8
    assert s["arms"]["control"]["hedges_g"] is None
    assert s["arms"]["control"]["hedges_g_ci95"] is None
    assert len(s["arms"]["rt"]["hedges_g_ci95"]) == 2
    assert set(s["subgroups"]) == {"cognitive_status", "age_band"}
    assert set(s["subgroups"]["age_band"]) == {"50-70", "70-95"}
    assert "illustrative" in s["note"].lower()


def test_same_seed_gives_identical_files(tiny_result: Any, tmp_path: Path) -> None:
    again = run_trial(trial_from_dict(tiny_trial(), source="tiny.yaml"))
    for folder, result in (("a", tiny_result), ("b", again)):
        (tmp_path / folder).mkdir()
        write_trial(result, tmp_path / folder, plots=False)
    for name in ("trial.json", "people.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_another_seed_gives_other_people(tiny_result: Any) -> None:
    other = run_trial(trial_from_dict(tiny_trial(), source="tiny.yaml"), seed=4)
    assert other.summary["seed"] == 4
    assert not np.array_equal(
        other.arms["rt"].people.age_years, tiny_result.arms["rt"].people.age_years
    )


def test_arms_are_independent_and_do_not_depend_on_their_order(tiny_result: Any) -> None:
    """Each arm's draws are keyed by its name: reordering arms changes nothing in an arm."""
    data = tiny_trial()
    data["arms"] = dict(reversed(list(data["arms"].items())))
    reordered = run_trial(trial_from_dict(data))
    for arm in ("control", "rt"):
        assert np.array_equal(reordered.arms[arm].measured, tiny_result.arms[arm].measured)
    assert not np.array_equal(
        tiny_result.arms["control"].people.age_years, tiny_result.arms["rt"].people.age_years
    )
    for stream in (PEOPLE, ATTENDANCE, NOISE):
        keys = {stream_key(3, arm_key(arm), stream) for arm in ("control", "rt")}
        assert len(keys) == 2


def test_people_csv_has_one_row_per_person_with_true_and_measured_outcome(
    tiny_result: Any, tmp_path: Path
) -> None:
    write_trial(tiny_result, tmp_path, plots=False)
    lines = (tmp_path / "people.csv").read_text().splitlines()
    header = lines[0].split(",")
    assert len(lines) == 1 + 2 * 8
    for column in (
        "arm",
        "id",
        "age_years",
        "sex",
        "genotype",
        "cognitive_status",
        "sessions_completed",
        "cognition_z_w0",
        "cognition_z_w4",
        "cognition_z_w4_measured",
        "strength_change_pct_w4",
        "fitness_change_pct_w4",
        "responder",
    ):
        assert column in header
    assert json.loads((tmp_path / "trial.json").read_text())["trial"] == "tiny-trial"


def test_run_trial_rejects_a_bad_override(tiny_result: Any) -> None:
    with pytest.raises(TrialError, match=r"n_per_arm 1 is invalid: must be at least 2"):
        run_trial(tiny_result.trial, n_per_arm=1)
    with pytest.raises(TrialError, match=r"seed -1 is invalid: must be at least 0"):
        run_trial(tiny_result.trial, seed=-1)


# --- command line ------------------------------------------------------------------------


def test_cli_trial_writes_outputs_and_prints_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(tiny_trial(), sort_keys=False))
    out = tmp_path / "out"
    assert main(["trial", str(path), "--out", str(out), "--n-per-arm", "5", "--seed", "9"]) == 0
    captured = capsys.readouterr()
    assert "[1/2] simulating arm 'control' (5 people)" in captured.err
    assert re.search(r"^rt\s+5\s+[+-]\d", captured.out, flags=re.MULTILINE)
    assert "not clinical" in captured.out
    assert sorted(p.name for p in out.iterdir()) == [
        ".musclebrain-output.json",
        "effect_sizes.png",
        "people.csv",
        "report.html",
        "responders.png",
        "trajectories.png",
        "trial.json",
    ]
    summary = json.loads((out / "trial.json").read_text())
    assert (summary["seed"], summary["n_per_arm"]) == (9, 5)
    # A second run into the same folder needs --force.
    assert main(["trial", str(path), "--out", str(out), "--n-per-arm", "5"]) == 2
    assert "--force" in capsys.readouterr().err


def test_cli_trial_bad_input_exits_2_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(with_change(tiny_trial(), "control", "nobody")))
    assert main(["trial", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: control: 'nobody' is not one of the arms")
    assert "Traceback" not in err
    assert main(["trial", str(path.with_name("t2.yaml"))]) == 2
