"""Virtual trials: a strict trial file, a randomised cohort per arm, and the trial's outputs.

A trial file names a population (the distributions of :class:`sim.cohort.Population`), arms
(each a scenario file, relative to the trial file, or an inline scenario mapping: the arm's
scenario only supplies the regimen, adherence, progression and parameter overrides; people are
sampled from the population), a control arm, the assessment weeks and the outcome. Each arm
gets ``n_per_arm`` freshly sampled people, simulated with :func:`sim.cohort.simulate_cohort`.

The measured outcome is the model's true value plus independent ``Normal(0, measurement_sd)``
noise at every assessment. Randomness per arm comes from
``SeedSequence(seed, spawn_key=(crc32(arm name),))``, spawned into people, schedule and
measurement streams: arms are independent and reproducible, and adding, removing or reordering
an arm leaves the other arms' draws unchanged (the scenarios' own ``seed`` fields are not
used). The statistics are in :mod:`sim.trial_stats`, the figures in :mod:`sim.trial_plots`.
"""

from __future__ import annotations

import csv
import difflib
import itertools
import json
import os
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from sim.cohort import Population, sample_people, simulate_cohort
from sim.errors import InputError, ScenarioError
from sim.model.state import QUANTITIES
from sim.scenario import Number, Scenario, Whole, load_scenario
from sim.trial_stats import ArmData, Design, people_table, summarise
from sim.validation import (
    describe,
    format_problems,
    format_validation_error,
    read_yaml,
    render_value,
    rule_error,
)

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_POP = Population()


class TrialError(InputError):
    """A trial file that cannot be read, does not validate, or whose arms do not fit it."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _fraction(default: float) -> Any:
    return Field(default=default, ge=0, le=1)


class StatusWeights(_Strict):
    """Shares of cognitive statuses; missing ones count as 0, together they make 1."""

    healthy: Number = _fraction(0.0)
    subjective_decline: Number = _fraction(0.0)
    mci: Number = _fraction(0.0)

    @model_validator(mode="after")
    def _sum_to_one(self) -> StatusWeights:
        total = self.healthy + self.subjective_decline + self.mci
        if abs(total - 1.0) > 1e-6:
            raise rule_error(
                [
                    (
                        "",
                        f"the shares add up to {total:g}. Fix: make healthy + "
                        "subjective_decline + mci equal 1 (missing ones count as 0).",
                    )
                ]
            )
        return self


class PopulationSpec(_Strict):
    """The distributions people are drawn from (the fields of :class:`sim.cohort.Population`)."""

    age_mean_years: Number = Field(default=_POP.age_mean_years, ge=18, le=100)
    age_sd_years: Number = Field(default=_POP.age_sd_years, ge=0, le=30)
    age_min_years: Number = Field(default=_POP.age_min_years, ge=18, le=100)
    age_max_years: Number = Field(default=_POP.age_max_years, ge=18, le=100)
    female_fraction: Number = _fraction(_POP.female_fraction)
    met_allele_frequency: Number = _fraction(_POP.met_allele_frequency)
    status_weights: StatusWeights = Field(default_factory=lambda: StatusWeights(healthy=1.0))
    strength_cv: Number = Field(default=_POP.strength_cv, ge=0, le=2)
    fitness_cv: Number = Field(default=_POP.fitness_cv, ge=0, le=2)
    igf1_cv: Number = Field(default=_POP.igf1_cv, ge=0, le=2)
    responsiveness_cv: Number = Field(default=_POP.responsiveness_cv, ge=0, le=2)
    strength_nonresponder_fraction: Number = _fraction(_POP.strength_nonresponder_fraction)
    fitness_nonresponder_fraction: Number = _fraction(_POP.fitness_nonresponder_fraction)
    attendance_concentration: Number = Field(default=_POP.attendance_concentration, gt=0, le=1000)
    sleep_h: Number = Field(default=_POP.sleep_h, ge=3, le=14)
    protein_g_per_kg: Number = Field(default=_POP.protein_g_per_kg, ge=0.3, le=4)
    steps_per_day: Number = Field(default=_POP.steps_per_day, ge=0, le=40000)

    @model_validator(mode="after")
    def _ages(self) -> PopulationSpec:
        lo, mean, hi = self.age_min_years, self.age_mean_years, self.age_max_years
        if lo >= hi:
            raise rule_error(
                [
                    (
                        "age_max_years",
                        f"{hi:g} is invalid: must be above "
                        f"age_min_years ({lo:g}). Fix: raise age_max_years or lower "
                        "age_min_years.",
                    )
                ]
            )
        if not lo <= mean <= hi:
            raise rule_error(
                [
                    (
                        "age_mean_years",
                        f"{mean:g} is outside age_min_years.."
                        f"age_max_years ({lo:g}..{hi:g}). Fix: use a mean inside "
                        "that range.",
                    )
                ]
            )
        return self

    def to_population(self) -> Population:
        """The :class:`sim.cohort.Population` these fields describe."""
        values = {
            f.name: getattr(self, f.name) for f in fields(Population) if f.name != "status_weights"
        }
        w = self.status_weights
        return Population(**values, status_weights=(w.healthy, w.subjective_decline, w.mci))


def _path_or_mapping(value: Any) -> Any:
    if isinstance(value, (str, dict)) and value:
        return value
    raise rule_error(
        [
            (
                "",
                f"{render_value(value)} is neither a scenario file path nor a "
                "scenario mapping. Fix: write a path relative to the trial file "
                "(scenario: ../aerobic.yaml) or an inline scenario (name: ..., "
                "duration_weeks: ...).",
            )
        ]
    )


class ArmSpec(_Strict):
    """One arm: its scenario (a file relative to the trial file, or an inline mapping)."""

    scenario: Annotated[Any, BeforeValidator(_path_or_mapping)]
    description: str = ""


class OutcomeSpec(_Strict):
    """The analysed outcome, its measurement noise per assessment and the primary week."""

    name: str = "cognition_z"
    measurement_sd: Number = Field(default=0.5, ge=0, le=5)
    at_week: Whole = Field(ge=1, le=1040)

    @field_validator("name")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in QUANTITIES:
            close = difflib.get_close_matches(value, list(QUANTITIES), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else "."
            raise rule_error(
                [
                    (
                        "",
                        f"unknown outcome {value!r}{hint} Fix: use a model state "
                        "or observable, e.g. cognition_z, reserve or strength_rel.",
                    )
                ]
            )
        return value


class ResponderSpec(_Strict):
    """Responder threshold on the measured change: a value, or a multiple of measurement_sd."""

    threshold: Number | None = Field(default=None, ge=-10, le=10)
    threshold_measurement_sds: Number | None = Field(default=None, ge=0, le=10)

    @model_validator(mode="after")
    def _at_most_one(self) -> ResponderSpec:
        if self.threshold is not None and self.threshold_measurement_sds is not None:
            raise rule_error(
                [
                    (
                        "",
                        "both threshold and threshold_measurement_sds given. Fix: "
                        "give one of them (default: threshold_measurement_sds 0.5).",
                    )
                ]
            )
        return self


class SubgroupSpec(_Strict):
    """A subgroup analysis: by genotype, cognitive status, sex, or age bands ``[low, high)``."""

    field: Literal["age_band", "genotype", "cognitive_status", "sex"]
    bands: tuple[tuple[Number, Number], ...] | None = None

    @model_validator(mode="after")
    def _bands(self) -> SubgroupSpec:
        if self.field != "age_band":
            if self.bands is not None:
                raise rule_error(
                    [
                        (
                            "bands",
                            f"bands only apply to age_band, not {self.field}. Fix: remove bands.",
                        )
                    ]
                )
            return self
        if not self.bands:
            raise rule_error(
                [
                    (
                        "bands",
                        "age_band needs bands. Fix: add e.g. bands: [[65, 70], "
                        "[70, 75], [75, 80]] (years, low inclusive).",
                    )
                ]
            )
        edges = sorted(self.bands)
        for i, (lo, hi) in enumerate(edges):
            if lo >= hi or (i and lo < edges[i - 1][1]):
                raise rule_error(
                    [
                        (
                            "bands",
                            f"band [{lo:g}, {hi:g}] is empty or overlaps "
                            "another. Fix: give non-overlapping [low, high] "
                            "pairs with low < high.",
                        )
                    ]
                )
        return self


class TrialFile(_Strict):
    """A whole trial file, validated (scenarios not yet resolved: see :func:`load_trial`)."""

    name: str = Field(min_length=1, max_length=64, pattern=NAME_PATTERN)
    description: str = ""
    seed: Whole = Field(default=0, ge=0)
    population: PopulationSpec = Field(default_factory=PopulationSpec)
    arms: dict[str, ArmSpec]
    control: str
    n_per_arm: Whole = Field(default=100, ge=2, le=100000)
    assessments_weeks: tuple[Whole, ...]
    outcome: OutcomeSpec
    responder: ResponderSpec = Field(default_factory=ResponderSpec)
    completer_min_fraction: Number = Field(default=2.0 / 3.0, ge=0, le=1)
    analysis: Literal["intention_to_treat", "completers"] = "intention_to_treat"
    subgroups: tuple[SubgroupSpec, ...] = ()

    @model_validator(mode="after")
    def _design(self) -> TrialFile:
        problems: list[tuple[str, str]] = []
        bad = [a for a in self.arms if len(a) > 40 or not re.match(NAME_PATTERN, a)]
        problems += [
            (
                f"arms.{a}",
                "invalid arm name. Fix: use letters, digits, '_', '.' and "
                "'-' only (at most 40), starting with a letter or digit.",
            )
            for a in bad
        ]
        if len(self.arms) < 2:
            problems.append(
                (
                    "arms",
                    f"{len(self.arms)} arm given. Fix: give a control arm and "
                    "at least one other arm.",
                )
            )
        if self.control not in self.arms:
            close = difflib.get_close_matches(self.control, list(self.arms), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            problems.append(
                (
                    "control",
                    f"{self.control!r} is not one of the arms; {hint}"
                    f"Fix: use one of {', '.join(self.arms)}.",
                )
            )
        w = self.assessments_weeks
        if len(w) < 2 or w[0] != 0 or any(b <= a for a, b in itertools.pairwise(w)):
            problems.append(
                (
                    "assessments_weeks",
                    f"{list(w)} is invalid: it must start at 0 "
                    "(baseline) and increase. Fix: e.g. [0, 24] or [0, 26, 78].",
                )
            )
        elif self.outcome.at_week not in w:
            problems.append(
                (
                    "outcome.at_week",
                    f"week {self.outcome.at_week} is not an "
                    f"assessment. Fix: use one of {list(w[1:])} or add it to "
                    "assessments_weeks.",
                )
            )
        seen = [s.field for s in self.subgroups]
        problems += [
            ("subgroups", f"{f} appears twice. Fix: keep one.")
            for f in sorted({f for f in seen if seen.count(f) > 1})
        ]
        if problems:
            raise rule_error(problems)
        return self

    @property
    def responder_threshold(self) -> float:
        """The responder threshold in outcome units."""
        r = self.responder
        if r.threshold is not None:
            return float(r.threshold)
        sds = 0.5 if r.threshold_measurement_sds is None else r.threshold_measurement_sds
        return float(sds * self.outcome.measurement_sd)


@dataclass(frozen=True)
class Trial:
    """A validated trial file with each arm's scenario resolved and checked."""

    spec: TrialFile
    scenarios: dict[str, Scenario]
    source: str

    @property
    def name(self) -> str:
        """The trial's name."""
        return self.spec.name

    def design(self) -> Design:
        """The analysis plan for :func:`sim.trial_stats.summarise`."""
        s = self.spec
        return Design(
            control=s.control,
            at_week=s.outcome.at_week,
            measurement_sd=s.outcome.measurement_sd,
            responder_threshold=s.responder_threshold,
            completer_min_fraction=s.completer_min_fraction,
            analysis=s.analysis,
            subgroups=tuple((g.field, g.bands or ()) for g in s.subgroups),
        )


def _scenario(arm: str, ref: Any, base: Path) -> Scenario | list[tuple[str, str]]:
    """An arm's scenario, or the problems found (paths relative to the trial file)."""
    where = f"arms.{arm}.scenario"
    if isinstance(ref, dict):
        try:
            return Scenario.model_validate(ref)
        except ValidationError as exc:
            return [
                (f"{where}.{p}" if p else where, m)
                for err in exc.errors()
                for p, m in describe(Scenario, err)
            ]
    path = base / ref
    if not path.is_file():
        return [
            (
                where,
                f"scenario file {ref!r} not found (looked for {path}). Fix: correct the "
                f"path; it is relative to the trial file's folder ({base}).",
            )
        ]
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        return [(where, f"scenario file {ref!r} is invalid. Fix: correct it:\n{exc}")]


def _horizon_problems(spec: TrialFile, scenarios: dict[str, Scenario]) -> list[tuple[str, str]]:
    last = spec.assessments_weeks[-1]
    return [
        (
            f"arms.{arm}.scenario",
            (
                f"the scenario runs {s.duration_weeks} training + {s.follow_up_weeks} follow-up = "
                f"{s.total_weeks} weeks but assessments_weeks ends at week {last}. Fix: make the last "
                f"assessment week {s.total_weeks}, or set the scenario's duration_weeks and "
                f"follow_up_weeks to add up to {last}."
            ),
        )
        for arm, s in scenarios.items()
        if s.total_weeks != last
    ]


def trial_from_dict(
    data: Any,
    source: str = "<dict>",
    base_dir: str | os.PathLike[str] = ".",
) -> Trial:
    """Validate a parsed trial mapping and resolve its arms' scenarios.

    Parameters
    ----------
    data
        The mapping, as ``yaml.safe_load`` would return it.
    source
        Label each message line starts with (a file name, or ``"<dict>"``).
    base_dir
        Folder that scenario paths are relative to.

    Returns
    -------
    Trial
        The validated trial.

    Raises
    ------
    TrialError
        One message listing every problem with field path, bad value and fix.
    """
    path = None if source == "<dict>" else source
    if not isinstance(data, dict):
        raise TrialError(
            format_problems(
                source,
                [
                    (
                        "",
                        (
                            "the top level must be a mapping of fields (name: ..., arms: ...). Fix: write "
                            "'key: value' lines at the top level, without a leading '- '."
                        ),
                    )
                ],
            ),
            path=path,
        )
    try:
        spec = TrialFile.model_validate(data)
    except ValidationError as exc:
        raise TrialError(format_validation_error(source, TrialFile, exc), path=path) from None
    scenarios: dict[str, Scenario] = {}
    problems: list[tuple[str, str]] = []
    for arm, arm_spec in spec.arms.items():
        found = _scenario(arm, arm_spec.scenario, Path(base_dir))
        if isinstance(found, Scenario):
            scenarios[arm] = found
        else:
            problems += found
    problems += _horizon_problems(spec, scenarios)
    if problems:
        raise TrialError(format_problems(source, problems), path=path)
    return Trial(spec, scenarios, source)


def load_trial(path: str | os.PathLike[str]) -> Trial:
    """Read and validate a trial YAML file; scenario paths are relative to its folder.

    Parameters
    ----------
    path
        The trial file.

    Returns
    -------
    Trial
        The validated trial with every arm's scenario loaded.

    Raises
    ------
    TrialError
        For a missing, unreadable, empty or malformed file, any schema violation, a missing or
        invalid scenario, or arms whose weeks do not match the assessments.
    """
    source = os.fspath(path)
    data = read_yaml(source, lambda message: TrialError(message, path=source))
    return trial_from_dict(data, source=source, base_dir=Path(source).parent)


@dataclass(frozen=True)
class TrialResult:
    """A run trial: the arms' data, the seed and size used, and the ``trial.json`` content."""

    trial: Trial
    seed: int
    n_per_arm: int
    arms: dict[str, ArmData]
    summary: dict[str, Any]


def arm_streams(seed: int, arm: str) -> tuple[np.random.Generator, int, np.random.Generator]:
    """The arm's people generator, schedule seed and measurement-noise generator."""
    people, schedule, noise = np.random.SeedSequence(
        seed, spawn_key=(zlib.crc32(arm.encode("utf-8")),)
    ).spawn(3)
    return (
        np.random.default_rng(people),
        int(schedule.generate_state(1)[0]),
        np.random.default_rng(noise),
    )


def simulate_arm(trial: Trial, arm: str, n: int, seed: int) -> ArmData:
    """Sample ``n`` people for ``arm``, run its scenario and measure them at each assessment."""
    spec = trial.spec
    people_rng, schedule_seed, noise_rng = arm_streams(seed, arm)
    pop = spec.population.to_population()
    people = sample_people(pop, n, people_rng)
    weeks = spec.assessments_weeks
    result = simulate_cohort(
        trial.scenarios[arm],
        people,
        pop,
        seed=schedule_seed,
        assessments_weeks=tuple(float(w) for w in weeks),
    )
    true = np.asarray(result.columns[spec.outcome.name], dtype=float)
    noise = noise_rng.normal(0.0, spec.outcome.measurement_sd, true.shape)
    return ArmData(
        arm,
        people,
        tuple(weeks),
        int(result.sessions_planned),
        np.asarray(result.sessions_completed),
        true,
        true + noise,
        np.asarray(result.columns["strength_rel"]),
        np.asarray(result.columns["fitness_rel"]),
    )


def run_trial(
    trial: Trial,
    n_per_arm: int | None = None,
    seed: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> TrialResult:
    """Simulate every arm and compute the trial's statistics.

    Parameters
    ----------
    trial
        From :func:`load_trial`.
    n_per_arm, seed
        Override the trial file's values.
    progress
        Called as ``progress(i, n_arms, label)`` before each arm.

    Returns
    -------
    TrialResult
        Same trial, size and seed give identical results.
    """
    n = trial.spec.n_per_arm if n_per_arm is None else int(n_per_arm)
    seed = trial.spec.seed if seed is None else int(seed)
    if n < 2:
        raise TrialError(f"n_per_arm {n} is invalid: must be at least 2. Fix: use 2 or more.")
    if seed < 0:
        raise TrialError(f"seed {seed} is invalid: must be at least 0. Fix: use 0 or more.")
    arms: dict[str, ArmData] = {}
    for i, arm in enumerate(trial.scenarios, start=1):
        if progress is not None:
            progress(i, len(trial.scenarios), f"arm {arm!r} ({n} people)")
        arms[arm] = simulate_arm(trial, arm, n, seed)
    return TrialResult(trial, seed, n, arms, _trial_json(trial, seed, n, arms))


def _trial_json(trial: Trial, seed: int, n: int, arms: dict[str, ArmData]) -> dict[str, Any]:
    from sim import __version__
    from sim.results import ILLUSTRATIVE

    design, spec = trial.design(), trial.spec
    stats = summarise(design, arms)
    return {
        "trial": trial.name,
        "seed": seed,
        "outcome": spec.outcome.name,
        "arms": stats["arms"],
        "subgroups": stats["subgroups"],
        "consort": stats["consort"],
        "note": ILLUSTRATIVE,
        "version": __version__,
        "control": spec.control,
        "n_per_arm": n,
        "assessments_weeks": list(spec.assessments_weeks),
        "at_week": design.at_week,
        "measurement_sd": design.measurement_sd,
        "responder_threshold": design.responder_threshold,
        "analysis": design.analysis,
        "completer_rule": design.completer_rule,
        "arm_scenarios": {a: s.name for a, s in trial.scenarios.items()},
    }


def _cell(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)):
        return f"{round(float(value), 6) + 0.0:.6g}"  # + 0.0: no "-0"
    return value


def write_trial(result: TrialResult, out: str | os.PathLike[str], plots: bool = True) -> None:
    """Write ``trial.json``, ``people.csv`` and (optionally) the figures into ``out``."""
    out = Path(out)
    text = json.dumps(result.summary, indent=2, ensure_ascii=False)
    (out / "trial.json").write_text(text + "\n", encoding="utf-8")
    header, rows = people_table(result.trial.design(), result.arms, result.trial.spec.outcome.name)
    with (out / "people.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([_cell(v) for v in row] for row in rows)
    if plots:
        from sim.trial_plots import plot_trial

        plot_trial(result, out)
