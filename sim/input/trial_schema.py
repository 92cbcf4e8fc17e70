"""The schema of a trial file: strict pydantic models, unknown keys forbidden.

A trial file names a population (the distributions of :class:`sim.running.cohort.Population`), arms
(each a scenario file, relative to the trial file, or an inline scenario mapping: the arm's
scenario only supplies the regimen, adherence, progression and parameter overrides; people are
sampled from the population), a control arm, the assessment weeks and the outcome, the responder
threshold, the completer rule and the subgroup analyses. :class:`TrialFile` checks the file on
its own; resolving the arms' scenarios is :func:`sim.input.trial_spec.trial_from_dict`'s job.
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import fields
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    field_validator,
    model_validator,
)

from sim.input.base import Number, StrictModel, Whole
from sim.input.messages import render_value, rule_error, short_repr
from sim.input.population import Population
from sim.model.state import QUANTITIES

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_POP = Population()
_MAX_GUESS_CHARS = 100


def _fraction(default: float) -> Any:
    return Field(default=default, ge=0, le=1)


class StatusWeights(StrictModel):
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


class PopulationSpec(StrictModel):
    """The distributions people are drawn from (the fields of :class:`sim.running.cohort.Population`)."""

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
    strength_responsiveness_cv: Number = Field(default=_POP.strength_responsiveness_cv, ge=0, le=2)
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
        """The :class:`sim.running.cohort.Population` these fields describe."""
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


class ArmSpec(StrictModel):
    """One arm: its scenario (a file relative to the trial file, or an inline mapping)."""

    scenario: Annotated[Any, BeforeValidator(_path_or_mapping)]
    description: str = ""


class OutcomeSpec(StrictModel):
    """The analysed outcome, its measurement noise per assessment and the primary week."""

    name: str = "cognition_z"
    measurement_sd: Number = Field(default=0.5, ge=0, le=5)
    at_week: Whole = Field(ge=1, le=1040)

    @field_validator("name")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in QUANTITIES:
            close = (
                difflib.get_close_matches(value, list(QUANTITIES), n=1, cutoff=0.6)
                if len(value) <= _MAX_GUESS_CHARS  # a long text is no misspelling (and slow)
                else []
            )
            hint = f"; did you mean {close[0]!r}?" if close else "."
            raise rule_error(
                [
                    (
                        "",
                        f"unknown outcome {short_repr(value)}{hint} Fix: use a model state "
                        "or observable, e.g. cognition_z, reserve or strength_rel.",
                    )
                ]
            )
        return value


class ResponderSpec(StrictModel):
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


class SubgroupSpec(StrictModel):
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


class ReferenceSpec(StrictModel):
    """The published effect the trial file mirrors, drawn as a band beside the virtual one."""

    source: str = Field(min_length=1, max_length=300)
    measure: Literal["hedges_g", "smd", "cohen_d"] = "hedges_g"
    value: Number = Field(ge=-5, le=5)
    ci95: tuple[Number, Number] | None = None
    arms: tuple[str, ...] = ()
    note: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _inside(self) -> ReferenceSpec:
        if self.ci95 is not None and not self.ci95[0] <= self.value <= self.ci95[1]:
            raise rule_error(
                [
                    (
                        "ci95",
                        f"{short_repr(list(self.ci95))} does not contain the value "
                        f"{self.value:g}. Fix: give [lower, upper] around the value.",
                    )
                ]
            )
        return self


class TrialFile(StrictModel):
    """A whole trial file, validated (scenarios not yet resolved: see :func:`sim.input.trial_spec.load_trial`)."""

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
    reference: ReferenceSpec | None = None

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
            close = (
                difflib.get_close_matches(self.control, list(self.arms), n=1, cutoff=0.6)
                if len(self.control) <= _MAX_GUESS_CHARS
                else []
            )
            hint = f"did you mean {close[0]!r}? " if close else ""
            problems.append(
                (
                    "control",
                    f"{short_repr(self.control)} is not one of the arms; {hint}"
                    f"Fix: use one of {', '.join(self.arms)}.",
                )
            )
        w = self.assessments_weeks
        if len(w) < 2 or w[0] != 0 or any(b <= a for a, b in itertools.pairwise(w)):
            problems.append(
                (
                    "assessments_weeks",
                    f"{short_repr(list(w))} is invalid: it must start at 0 "
                    "(baseline) and increase. Fix: e.g. [0, 24] or [0, 26, 78].",
                )
            )
        elif self.outcome.at_week not in w:
            problems.append(
                (
                    "outcome.at_week",
                    f"week {self.outcome.at_week} is not an "
                    f"assessment. Fix: use one of {short_repr(list(w[1:]), 200)} or add it to "
                    "assessments_weeks.",
                )
            )
        if self.reference is not None:
            problems += [
                (
                    "reference.arms",
                    f"{short_repr(a)} is not a treated arm. Fix: use some of "
                    f"{', '.join(x for x in self.arms if x != self.control)}.",
                )
                for a in self.reference.arms
                if a not in self.arms or a == self.control
            ]
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
