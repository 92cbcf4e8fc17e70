"""Virtual trials: a randomised cohort per arm, simulated and measured, and the trial's outputs.

The trial file and its schema are in :mod:`sim.input.trial_spec` and :mod:`sim.input.trial_schema`
(:func:`load_trial`, :func:`trial_from_dict`, :class:`Trial` and :class:`TrialError` are
re-exported here). Each arm is an ensemble (:mod:`sim.running.ensemble`) of ``n_per_arm``
sampled people, keyed by the arm's name.

The measured outcome is the model's true value plus independent ``Normal(0, measurement_sd)``
noise at every assessment. Every person has their own streams
(:mod:`sim.running.streams`), keyed by ``(seed, crc32(arm name), stream, person's index)``, for
their characteristics, their attendance and their measurement noise: arms are independent and
reproducible, adding, removing or reordering an arm leaves the other arms' draws unchanged (the
scenarios' own ``seed`` fields are not used), and an arm run in chunks (``chunk_size``), in any
order or on other processes gives byte-identical results. The statistics are in :mod:`sim.analyses.trial.stats` (closed forms in :mod:`sim.analyses.trial.formulas`),
the tables in :mod:`sim.presentation.text.trial`, the figures in :mod:`sim.presentation.plots.trial`.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.analyses.trial.stats import ArmData, summarise
from sim.input.limits import people_per_arm_problem
from sim.input.trial_spec import Trial, TrialError, load_trial, trial_from_dict
from sim.model.rhs import states_behind
from sim.running.ensemble import Ensemble, run_ensemble
from sim.running.streams import NOISE, normals, stream_key

__all__ = [
    "Trial",
    "TrialError",
    "TrialResult",
    "arm_key",
    "load_trial",
    "run_trial",
    "simulate_arm",
    "trial_from_dict",
]


@dataclass(frozen=True)
class TrialResult:
    """A run trial: the arms' data, the seed and size used, and the ``trial.json`` content.

    Examples
    --------
    >>> trial = run_trial(load_trial("smart"), n_per_arm=10)  # doctest: +SKIP
    >>> trial.summary["arms"]["prt"]["hedges_g"]  # doctest: +SKIP
    >>> trial.people_frame().head()  # the columns of people.csv  # doctest: +SKIP
    """

    trial: Trial
    seed: int
    n_per_arm: int
    arms: dict[str, ArmData]
    summary: dict[str, Any]

    def people_frame(self) -> Any:
        """One row per person as a pandas DataFrame, with the columns of ``people.csv``."""
        from sim.analyses.trial.people import people_table
        from sim.running.frames import pandas

        header, rows = people_table(self.trial.design(), self.arms, self.trial.spec.outcome.name)
        return pandas().DataFrame(rows, columns=header)


READ_ALONGSIDE = ("strength_rel", "fitness_rel")
"""What a trial reads of every person besides the outcome (:class:`ArmData`)."""


def trial_reads(outcome: str) -> tuple[str, ...]:
    """The states a trial with ``outcome`` reads of every person (its arms are integrated
    for these): the outcome's and :data:`READ_ALONGSIDE`."""
    return states_behind((outcome, *READ_ALONGSIDE))


def arm_key(arm: str) -> int:
    """The key of an arm's streams: the CRC-32 of its name."""
    return zlib.crc32(arm.encode("utf-8"))


def arm_ensemble(trial: Trial, arm: str, n: int, seed: int) -> Ensemble:
    """The ensemble of ``arm``: ``n`` people of the trial's population through its scenario,
    integrated for the states the trial reads (the outcome's, strength and fitness)."""
    return Ensemble(
        trial.scenarios[arm],
        n,
        seed=seed,
        key=arm_key(arm),
        pop=trial.spec.population.to_population(),
        assessments_weeks=tuple(float(w) for w in trial.spec.assessments_weeks),
        reported=trial_reads(trial.spec.outcome.name),
    )


def simulate_arm(
    trial: Trial,
    arm: str,
    n: int,
    seed: int,
    chunk_size: int | None = None,
    runner: Callable[[Ensemble, int | None], Any] | None = None,
) -> ArmData:
    """Sample ``n`` people for ``arm``, run its scenario and measure them at each assessment.

    ``chunk_size`` (a multiple of the ensemble's block size) and ``runner`` (where the chunks
    run: this process by default, or a Dask cluster, :mod:`sim.running.distributed`) change
    how the arm is run, never its results (:mod:`sim.running.ensemble`).
    """
    spec = trial.spec
    ensemble = arm_ensemble(trial, arm, n, seed)
    result = (runner or run_ensemble)(ensemble, chunk_size)
    weeks = spec.assessments_weeks
    true = np.asarray(result.columns[spec.outcome.name], dtype=float)
    z = normals(stream_key(seed, ensemble.key, NOISE), result.members, len(weeks)).T
    noise = spec.outcome.measurement_sd * z
    return ArmData(
        arm,
        result.people,
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
    chunk_size: int | None = None,
    runner: Callable[[Ensemble, int | None], Any] | None = None,
) -> TrialResult:
    """Simulate every arm and compute the trial's statistics.

    Parameters
    ----------
    trial
        From :func:`sim.input.trial_spec.load_trial`.
    n_per_arm, seed
        Override the trial file's values. ``n_per_arm`` must be at least 2 and at most the
        limit of :mod:`sim.input.limits` (100,000; environment variable
        ``MUSCLEBRAIN_MAX_PEOPLE_PER_ARM``).
    progress
        Called as ``progress(i, n_arms, label)`` before each arm.
    chunk_size, runner
        Members per chunk of each arm and where the chunks run (see :func:`simulate_arm`,
        :func:`sim.running.distributed.dask_runner`); results do not depend on them.

    Returns
    -------
    TrialResult
        Same trial, size and seed give identical results.

    Raises
    ------
    TrialError
        For ``n_per_arm`` below 2 or above the limit, or a negative seed, before anything runs.

    Examples
    --------
    >>> result = run_trial(load_trial("scenarios/trials/smart.yaml"), n_per_arm=50)  # doctest: +SKIP
    >>> result.summary["arms"]["prt"]["hedges_g"]  # doctest: +SKIP
    """
    n = trial.spec.n_per_arm if n_per_arm is None else int(n_per_arm)
    seed = trial.spec.seed if seed is None else int(seed)
    # Before anybody is sampled: a size beyond the limit (sim.input.limits) costs nothing.
    problem = people_per_arm_problem(n, len(trial.scenarios))
    if problem is not None:
        raise TrialError(f"{trial.source}: {problem}", path=trial.source)
    if seed < 0:
        raise TrialError(f"seed {seed} is invalid: must be at least 0. Fix: use 0 or more.")
    arms: dict[str, ArmData] = {}
    for i, arm in enumerate(trial.scenarios, start=1):
        if progress is not None:
            progress(i, len(trial.scenarios), f"arm {arm!r} ({n} people)")
        arms[arm] = simulate_arm(trial, arm, n, seed, chunk_size, runner)
    return TrialResult(trial, seed, n, arms, _trial_json(trial, seed, n, arms))


def _trial_json(trial: Trial, seed: int, n: int, arms: dict[str, ArmData]) -> dict[str, Any]:
    from sim import __version__
    from sim.running.results import ILLUSTRATIVE

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
        "reference": _reference(trial),
        "population": trial.spec.population.model_dump(mode="json"),
    }


def _reference(trial: Trial) -> dict[str, Any] | None:
    """The published effect the file mirrors, with the arms it applies to (all treated arms
    when the file names none)."""
    ref = trial.spec.reference
    if ref is None:
        return None
    treated = [a for a in trial.scenarios if a != trial.spec.control]
    return {**ref.model_dump(mode="json"), "arms": list(ref.arms) or treated}
