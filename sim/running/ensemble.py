"""Ensembles: many members through one scenario, in chunks, with identical results however run.

An ensemble is ``n`` members (indices ``0 .. n-1``) of one scenario, each with sampled
characteristics, optionally their own model parameters (any parameter of ``musclebrain params``,
one value per member, :mod:`sim.running.members`), their own attendance and, in a trial, their
own measurement noise. It is reproducible member by member, whatever the chunking:

- **Random streams per member.** Every draw of member ``i`` comes from streams keyed by
  ``(seed, key, stream, i)`` (:mod:`sim.running.streams`); nothing is drawn from a generator
  shared with other members, so a member's characteristics and attendance are the same
  whichever members are run with it.
- **Blocks: the unit of integration.** Members are integrated ``block_size`` at a time, block
  ``b`` holding members ``b * block_size .. (b + 1) * block_size - 1``. A block shares one
  time grid, and its operators come from its own members
  (:mod:`sim.numerics.cohort_solver`), so a member's trajectory depends on the members of their
  block: a fixed set, whatever the chunking. (Integrating the same member in another block
  changes its trajectory only within the solver's tolerance, ~1e-4 relative.)
- **Chunks are whole blocks.** ``chunk_size`` (a multiple of ``block_size``) only groups blocks
  into tasks (for processes or a cluster); :func:`run_chunk` runs any chunk on its own and
  :func:`merge` puts chunks back in member order, so one chunk, many, or many in any order give
  byte-identical arrays (``tests/unit/test_ensemble.py``).

Changing ``seed``, ``key`` or ``block_size`` changes the ensemble.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.input.population import Population
from sim.input.regimen import expand_regimen
from sim.model.parameters import Parameters
from sim.running.cohort import People, simulate_cohort
from sim.running.members import member_parameter_matrix
from sim.running.streams import ATTENDANCE, sample_members, stream_key, uniforms

BLOCK_SIZE = 5000
"""Default members per block: every array operation of a step has a fixed cost, shared by more
members in a larger block (the right-hand side: 322 ns a member at 1,000, 173 at 3,000, 125 at
10,000). 10,000 people x 24 weeks of ``combined`` on two processes, one block per task:
11.0 s in blocks of 1,000, 8.3 s of 2,500, 6.7-7.7 s of 5,000 (``benchmarks/ensemble_chunks.py``;
below ~1,000, CPU time doubled); since a step's arrays fit the shared cache (``docs/model.md``,
"A step's working set"), 5.9 s of 5,000 for every state, 4.5 s read for a trial. Ensembles of at
most 5,000 members are one block."""


@dataclass(frozen=True)
class Ensemble:
    """What to run: a scenario, ``n`` members and where their randomness comes from.

    Attributes
    ----------
    scenario
        A validated :class:`sim.input.scenario.Scenario`.
    n
        Number of members.
    seed, key
        Seed and stream key (a trial uses the arm's CRC-32) of the members' streams.
    pop
        The population the members are sampled from.
    params
        Base parameters (defaults if ``None``); the scenario's overrides apply on top.
    member_params
        Parameter name -> ``n`` values, one per member (checked on construction).
    assessments_weeks
        Assessment times (see :func:`sim.running.cohort.simulate_cohort`).
    block_size
        Members integrated together (see the module docstring).
    reported
        The states the caller reads (``None``: all); only what they depend on is integrated,
        the others' columns are NaN (:func:`sim.running.cohort.simulate_cohort`).
    """

    scenario: Any
    n: int
    seed: int = 0
    key: int = 0
    pop: Population = field(default_factory=Population)
    params: Parameters | None = None
    member_params: Mapping[str, Any] = field(default_factory=dict)
    assessments_weeks: tuple[float, ...] | None = None
    block_size: int = BLOCK_SIZE
    reported: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.n < 0 or self.block_size < 1:
            raise ValueError(f"need n >= 0 and block_size >= 1, got {self.n}, {self.block_size}")
        object.__setattr__(
            self, "member_params", member_parameter_matrix(self.member_params, self.n)
        )

    def blocks(self) -> list[np.ndarray]:
        """Member indices of each block, in order."""
        return [
            np.arange(start, min(start + self.block_size, self.n))
            for start in range(0, self.n, self.block_size)
        ]

    def chunks(self, chunk_size: int | None = None) -> list[np.ndarray]:
        """Member indices of each chunk of ``chunk_size`` members (all in one if ``None``).

        Raises
        ------
        ValueError
            If ``chunk_size`` is not a positive multiple of ``block_size``.
        """
        if chunk_size is None:
            return [np.arange(self.n)]
        if chunk_size < 1 or chunk_size % self.block_size:
            raise ValueError(
                f"chunk_size {chunk_size} must be a positive multiple of the block size "
                f"{self.block_size}: chunks hold whole blocks"
            )
        return [np.arange(s, min(s + chunk_size, self.n)) for s in range(0, self.n, chunk_size)]


@dataclass(frozen=True)
class EnsembleResult:
    """Members' characteristics, assessed states and observables, in member order.

    ``columns`` maps each state and observable to an array ``(n_times, len(members))``.
    """

    members: np.ndarray
    people: People
    times_h: np.ndarray
    columns: dict[str, np.ndarray]
    sessions_completed: np.ndarray
    sessions_planned: int
    training_end_h: float


def people_of(ensemble: Ensemble, members: np.ndarray) -> People:
    """The sampled characteristics of ``members`` (from their own streams)."""
    columns: dict[str, Any] = sample_members(ensemble.pop, members, ensemble.seed, ensemble.key)
    return People(**columns)


def run_block(ensemble: Ensemble, members: np.ndarray) -> EnsembleResult:
    """Integrate one block (``members`` must be exactly one of :meth:`Ensemble.blocks`)."""
    scenario = ensemble.scenario
    people = people_of(ensemble, members)
    sessions = len(expand_regimen(scenario))
    draws = uniforms(stream_key(ensemble.seed, ensemble.key, ATTENDANCE), members, sessions)
    result = simulate_cohort(
        scenario,
        people,
        ensemble.pop,
        ensemble.params,
        assessments_weeks=ensemble.assessments_weeks,
        member_params={k: v[members] for k, v in ensemble.member_params.items()},
        attendance_draws=draws,
        reported=ensemble.reported,
    )
    return EnsembleResult(
        members,
        people,
        result.times_h,
        result.columns,
        np.asarray(result.sessions_completed),
        result.sessions_planned,
        result.training_end_h,
    )


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS limited to one thread inside the block (with threadpoolctl, when installed).

    With other work on the CPUs, BLAS's own threads made a 10,000-person cohort 4-8x slower
    than one thread; the cores are used through chunks in processes instead. Every chunk
    runs with the same single thread wherever it runs, so sums are taken in the same order.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # without the [distributed] extra: BLAS keeps its own setting
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def run_chunk(ensemble: Ensemble, members: np.ndarray) -> EnsembleResult:
    """Run the blocks whose members ``members`` holds (whole blocks, any order)."""
    chosen = np.unique(np.asarray(members, dtype=int) // ensemble.block_size)
    blocks = [b for b in ensemble.blocks() if b.size and b[0] // ensemble.block_size in chosen]
    if sum(b.size for b in blocks) != len(members):
        raise ValueError("a chunk must hold whole blocks (see Ensemble.chunks)")
    with one_blas_thread():
        return merge([run_block(ensemble, b) for b in blocks])


def merge(parts: Iterable[EnsembleResult]) -> EnsembleResult:
    """Chunks or blocks joined in member order (the parts may come in any order)."""
    parts = sorted(parts, key=lambda p: int(p.members[0]) if p.members.size else -1)
    if not parts:
        raise ValueError("nothing to merge")
    first = parts[0]
    columns: dict[str, Any] = {
        name: np.concatenate([getattr(p.people, name) for p in parts])
        for name in first.people.__dataclass_fields__
        if name != "extra"
    }
    people = People(**columns)
    return EnsembleResult(
        np.concatenate([p.members for p in parts]),
        people,
        first.times_h,
        {k: np.concatenate([p.columns[k] for p in parts], axis=-1) for k in first.columns},
        np.concatenate([p.sessions_completed for p in parts]),
        first.sessions_planned,
        first.training_end_h,
    )


def run_ensemble(ensemble: Ensemble, chunk_size: int | None = None) -> EnsembleResult:
    """Every member of ``ensemble``, chunk by chunk in this process.

    The result does not depend on ``chunk_size`` (see the module docstring); it only sets
    how many members each :func:`run_chunk` call holds.
    """
    return merge(run_chunk(ensemble, chunk) for chunk in ensemble.chunks(chunk_size))
