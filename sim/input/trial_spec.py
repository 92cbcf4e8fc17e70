"""A validated trial: the trial file read and checked, each arm's scenario resolved.

:func:`load_trial` reads a trial YAML file and :func:`trial_from_dict` validates a parsed
mapping against :class:`sim.input.trial_schema.TrialFile`, then loads each arm's scenario (a file
relative to the trial file, or an inline mapping) and checks that every arm runs to the last
assessment week. A scenario file must lie in the trial file's folder (or a folder inside it)
or among the shipped scenarios (``scenarios/``), after ``..`` and symbolic links are resolved;
a file that is not a scenario is refused without echoing its content. Problems are reported in one :class:`TrialError`, each line with the field
path, the bad value and the fix.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sim.errors import ScenarioError, TrialError
from sim.input.messages import describe, format_problems, format_validation_error, short_repr
from sim.input.scenario import Scenario, scenario_from_dict
from sim.input.shipped import SCENARIO_DIR, shipped_file
from sim.input.trial_schema import TrialFile
from sim.input.yamlfile import read_yaml


@dataclass(frozen=True)
class Design:
    """The analysis plan of a trial, as plain values (built from the trial file)."""

    control: str
    at_week: int
    measurement_sd: float
    responder_threshold: float
    completer_min_fraction: float = 2.0 / 3.0
    analysis: str = "intention_to_treat"  # or "completers" (per protocol)
    subgroups: tuple[tuple[str, tuple[tuple[float, float], ...]], ...] = ()

    @property
    def completer_rule(self) -> str:
        """The completer rule in words."""
        return (
            f"completed at least {self.completer_min_fraction:.3g} of the arm's planned "
            "sessions (everybody, in an arm with no planned sessions)"
        )


@dataclass(frozen=True)
class Trial:
    """A validated trial file with each arm's scenario resolved and checked.

    Examples
    --------
    >>> trial = load_trial("smart")  # doctest: +SKIP
    >>> trial.name, list(trial.scenarios)  # doctest: +SKIP
    """

    spec: TrialFile
    scenarios: dict[str, Scenario]
    source: str

    @property
    def name(self) -> str:
        """The trial's name."""
        return self.spec.name

    def design(self) -> Design:
        """The analysis plan for :func:`sim.analyses.trial.stats.summarise`."""
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


# Fields every scenario file has: a file without them is not treated as a scenario, and its
# content is never echoed in a message (an arm path may name any file the trial's author likes).
_REQUIRED = ("name", "duration_weeks")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _scenario_file(arm: str, ref: str, base: Path) -> Scenario | list[tuple[str, str]]:
    """An arm's scenario file: inside the trial file's folder or the shipped scenarios.

    ``..`` and symbolic links are resolved first, so a path cannot leave those folders; a file
    that does not look like a scenario (no ``name`` and ``duration_weeks``) is reported
    without echoing any of its content.
    """
    where = f"arms.{arm}.scenario"
    path = base / ref
    try:
        real = path.resolve()
        real.exists()
    except (OSError, ValueError):  # a name too long, or with a NUL character
        return [
            (
                where,
                f"scenario path {short_repr(ref)} cannot be a file name (too long, or with a "
                "NUL character). Fix: give the path of a scenario file, relative to the trial "
                f"file's folder ({base}).",
            )
        ]
    folders = (base.resolve(), SCENARIO_DIR)
    if not any(_inside(real, folder) for folder in folders):
        return [
            (
                where,
                f"scenario path {short_repr(ref)} leads outside the trial file's folder ({base}) to "
                f"{real}. Fix: put the scenario file in the trial file's folder (or a folder "
                f"inside it) and give its path from there, name a shipped scenario (e.g. "
                f"{os.path.relpath(SCENARIO_DIR / 'aerobic.yaml', base)}) or write the "
                "scenario inline (scenario: {name: ..., duration_weeks: ...}).",
            )
        ]
    if real.is_dir():
        return [
            (
                where,
                f"scenario path {short_repr(ref)} is a folder ({path}), not a scenario file. Fix: give "
                "the path of a scenario .yaml file in it, relative to the trial file's folder.",
            )
        ]
    if not real.is_file():
        return [
            (
                where,
                f"scenario file {short_repr(ref)} not found (looked for {path}). Fix: correct the "
                f"path; it is relative to the trial file's folder ({base}).",
            )
        ]
    try:
        data = read_yaml(path, lambda message: ScenarioError(message, path=str(path)))
    except ScenarioError as exc:
        cause = exc.__cause__
        if not isinstance(cause, yaml.YAMLError):
            return [(where, f"scenario file {short_repr(ref)} is invalid. Fix: correct it:\n{exc}")]
        mark = getattr(cause, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return [
            (
                where,
                f"scenario file {short_repr(ref)} is not valid YAML{at}. Fix: check that {path} is a "
                f"scenario file; 'musclebrain validate {path}' shows what is wrong there.",
            )
        ]
    missing = [key for key in _REQUIRED if not (isinstance(data, dict) and key in data)]
    if missing:
        what = (
            "its top level is not a mapping of fields"
            if not isinstance(data, dict)
            else f"it has no {' and no '.join(missing)} field"
        )
        return [
            (
                where,
                f"{ref!r} is not a scenario file: {what}. Fix: give the path of a scenario "
                "file (every one starts with name: ... and duration_weeks: ..., see "
                "scenarios/aerobic.yaml).",
            )
        ]
    try:
        return scenario_from_dict(data, source=os.fspath(path))
    except ScenarioError as exc:
        return [(where, f"scenario file {short_repr(ref)} is invalid. Fix: correct it:\n{exc}")]


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
    return _scenario_file(arm, str(ref), base)


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
    """Read and validate a trial YAML file (or a shipped trial by name, e.g. ``"smart"``).

    Scenario paths in it are relative to its folder.

    A scenario path must stay inside the trial file's folder or name a shipped scenario
    (``scenarios/*.yaml``, e.g. ``../aerobic.yaml`` from ``scenarios/trials/``).

    Parameters
    ----------
    path
        The trial file, or the name of a shipped trial (``"smart"``) when no file of that
        name exists.

    Returns
    -------
    Trial
        The validated trial with every arm's scenario loaded.

    Raises
    ------
    TrialError
        For a missing, unreadable, empty or malformed file, any schema violation, a missing or
        invalid scenario, or arms whose weeks do not match the assessments.

    Examples
    --------
    >>> trial = load_trial("scenarios/trials/smart.yaml")  # doctest: +SKIP
    >>> trial = load_trial("smart")  # the shipped one, from any folder  # doctest: +SKIP
    """
    source = os.fspath(path)
    source = shipped_file(source, trial=True) or source
    data = read_yaml(source, lambda message: TrialError(message, path=source))
    return trial_from_dict(data, source=source, base_dir=Path(source).parent)
