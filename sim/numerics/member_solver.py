r"""Numerics of ensembles whose members all differ in their fast rates: one operator each.

A sensitivity analysis or a robustness check runs one person with a different parameter set
per member; when the varied parameters include fast rates (a clearance, a short time
constant), no two members share a linear operator and the grouping of
:class:`GroupedCohortIntegrator` degenerates into one cohort per
member. :class:`MemberOperatorIntegrator` keeps them in one array instead:

- **Each member's own triangular operator.** :math:`L_i = \operatorname{diag}(\lambda_i) +
  E_i`, from member :math:`i`'s Jacobian at rest (fast states at their resting values, slow
  states at the member's current ones; the same construction as
  :func:`sim.numerics.linear_operator.linear_operator`), rebuilt every ``refresh_h``: its
  diagonal, and in :math:`E_i` its couplings *from* fast states (plasma IL-6 from the muscle
  signal, the anti-inflammatory trace from plasma IL-6, the FGF-21 chain, brain BDNF from the
  myokines, the brain-BDNF AUC from brain BDNF). These form chains, so :math:`L_i` is
  triangular: its eigenvalues are its diagonal and its eigenvectors follow by substitution
  (:func:`triangular_modes`), sparse, with one shared pattern, and applied to everybody in a
  few array operations (:class:`UnitTriangular`). Two rates on one chain that a parameter set
  makes nearly equal are moved apart in :math:`L_i` (:func:`separated_rates`). During a
  session the operator is built with the session's drive for that segment: a session's own
  decay terms (the memory of recent training fills within minutes) join the diagonal, its
  growth terms stay explicit (linearised at rest, the IL-6 signal's self-amplification would
  keep growing at its initial rate after the signal saturates). The couplings from slow
  states stay in :math:`N` (the splitting :math:`\dot y = L y + N` is exact for any
  :math:`L`); they change slowly.
- **The single run's scheme otherwise**: ETD3RK with its step-size ladder, step memory and
  error estimate (:mod:`sim.numerics.expint`), one step size for everybody, steps ending on
  the assessment times, as in :class:`sim.numerics.cohort_solver.CohortIntegrator`. The
  step weights are elementwise functions of ``h lambda_i``, computed per ladder step and kept
  until the next rebuild.

:func:`cohort_integrator` chooses: the grouped integrator while the members fall into at most
:data:`MAX_GROUPS` groups of equal fast rates, this one beyond. The choice depends only on the
members' constants, so a block's result does not depend on how the ensemble is chunked.
At its tolerance (:data:`MEMBER_SETTINGS`, rtol 3e-3) the slow states stay within 3e-3 of a
solution at 2e-6 (measured: at most 7.1e-4, the reserve), and a parameter set's summary
metrics within 1 % of the single run with its parameters (measured: 0.64 %;
``tests/unit/test_member_solver.py``).

Measured on a Sobol sample (10 illustrative parameters) of the 24-week combined scenario: its
first set alone takes 1,020 steps (4,206 with the diagonal operators used before at rtol
2e-3, whose explicit couplings of the FGF-21 chain and of plasma IL-6 set the step at rest);
a block of 2,816 sets 40.9 s on one core (56.8 s before). What sets a
block's steps now is the few members whose sampled IL-6 signal amplifies itself strongly
(build-up, amplification and resistance weight near their upper bounds): the signal's
explicit growth in each session's first minutes.
"""

from __future__ import annotations

import dataclasses
import graphlib
from typing import Any

import numpy as np

from sim.errors import SolverError
from sim.model.constants import Constants
from sim.model.drive import REST, Drive
from sim.model.rhs import linear_decay_rates, rhs
from sim.numerics.cohort_solver import COHORT_SETTINGS, CohortIntegrator
from sim.numerics.etd3 import ExponentialSettings, etd3_weights
from sim.numerics.expint import segment_failure
from sim.numerics.linear_operator import LinearOperator, session_rates
from sim.numerics.per_member import (
    describe_drive,
    member_jacobian,
    operator_groups,
    subset_constants,
    subset_drive,
)

MEMBER_SETTINGS = dataclasses.replace(COHORT_SETTINGS, rtol=3e-3, coupling_gap=0.02)
"""Default accuracy of :class:`MemberOperatorIntegrator`: ``rtol`` 3e-3. Against single runs
with the same parameters (6 sets, 10 weeks of combined), the largest difference of a summary
metric: 0.66 % at 2e-3, 0.64 % at 3e-3, 1.3 % at 5e-3, 2.2 % at 1e-2 (the change of resting
serum BDNF, a change of a few percent); 3e-3 takes 20 % less time than 2e-3. ``coupling_gap`` 0.02: rates on one chain closer
than 2 % are moved apart (:func:`separated_rates`), so no eigenvector entry exceeds 50 times
its coupling over the larger rate."""

MAX_GROUPS = 4
"""Most operator groups integrated group by group; beyond, every member gets its own."""


class UnitTriangular:
    """Every member's ``I + E`` for a strictly triangular ``E`` with a shared sparsity.

    ``rows``, ``cols`` (shape ``(K,)``) list the entries of ``E``, sorted by row; ``values``
    (shape ``(K, n)``) hold each member's. Applying it costs a handful of array operations
    whatever ``K`` is, instead of a matrix product per member.
    """

    def __init__(self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray) -> None:
        order = np.argsort(rows, kind="stable")
        self.cols, self.values = cols[order], values[order]
        self.targets, self.starts = np.unique(rows[order], return_index=True)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """``(I + E) x`` for ``x`` of shape ``(N_STATES, n)``."""
        if not len(self.cols):
            return x
        out = x.copy()
        out[self.targets] += np.add.reduceat(self.values * x[self.cols], self.starts, axis=0)
        return out


def triangular_modes(
    jac: np.ndarray, d: np.ndarray, sources: np.ndarray, gap: float
) -> tuple[np.ndarray, UnitTriangular, UnitTriangular]:
    r"""Every member's triangular operator ``diag(lam) + E``: its eigenvalues ``lam`` and
    eigenvectors ``V`` and ``W = V^-1``, both :class:`UnitTriangular`.

    ``E`` holds the couplings of ``jac`` *from* the states marked in ``sources`` (the fast
    ones, whose forcing of other states decays within hours), as long as they form chains
    (an acyclic graph; else none). ``lam`` is the diagonal ``d``, where needed moved apart
    along each chain (:func:`separated_rates`). ``diag(lam) + E`` is then triangular in a
    topological order and its eigenvectors follow by substitution: with :math:`v_{jj} = 1`,
    :math:`v_{kj} = \sum_m E_{km} v_{mj} / (\lambda_j - \lambda_k)` down the chain. A member
    whose rates on a chain cannot be moved apart keeps that chain's states on the diagonal.
    """
    s, n = d.shape
    edges = (np.abs(jac) > 0.0).any(axis=2) & sources[None, :]
    np.fill_diagonal(edges, False)
    graph = {i: set(np.flatnonzero(edges[i]).tolist()) for i in range(s)}
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError:
        order, edges = list(range(s)), np.zeros_like(edges)
    position = np.empty(s, dtype=int)
    position[order] = np.arange(s)
    # the closure: k reachable from j; V and W are non-zero there only
    reach = edges.copy()
    for _ in range(s):
        grown = reach | ((reach.astype(int) @ reach.astype(int)) > 0)
        if np.array_equal(grown, reach):
            break
        reach = grown
    pairs = sorted(
        zip(*np.nonzero(reach), strict=True), key=lambda p: (position[p[1]], position[p[0]])
    )
    if not pairs:
        empty = UnitTriangular(np.zeros(0, int), np.zeros(0, int), np.zeros((0, n)))
        return d, empty, empty
    lam = separated_rates(d, order, pairs, gap)
    # per chain (connected part of the graph): which members keep its couplings
    part = np.arange(s)
    for k, j in pairs:
        part[part == part[k]] = part[j]
    apart = {p: np.ones(n, dtype=bool) for p in set(part.tolist())}
    for k, j in pairs:
        apart[part[j]] &= _apart(lam[j], lam[k], gap)
    keep = np.array([apart[p] for p in part.tolist()])  # (N_STATES, n), by target state
    e = np.where(edges[:, :, None] & keep[:, None, :], jac, 0.0)
    v: dict[tuple[int, int], np.ndarray] = {}
    for k, j in pairs:  # by source, then down its chain
        total = sum(
            (e[k, m] * (1.0 if m == j else v.get((m, j), 0.0)) for m in graph[k]), np.zeros(n)
        )
        ok = keep[k]
        v[(k, j)] = np.where(ok, total / np.where(ok, lam[j] - lam[k], 1.0), 0.0)
    w: dict[tuple[int, int], np.ndarray] = {}
    for k, j in sorted(pairs, key=lambda p: (position[p[0]], -position[p[1]])):
        # W = V^-1 (unit triangular): w_kj = -sum over j <= m < k of v_km w_mj
        w[(k, j)] = -v[(k, j)] - sum(
            (v[(k, m)] * w[(m, j)] for m in range(s) if (k, m) in v and (m, j) in w),
            np.zeros(n),
        )
    rows = np.array([k for k, _ in pairs])
    cols = np.array([j for _, j in pairs])
    return (
        lam,
        UnitTriangular(rows, cols, np.array([v[p] for p in pairs])),
        UnitTriangular(rows, cols, np.array([w[p] for p in pairs])),
    )


def _apart(a: np.ndarray, b: np.ndarray, gap: float) -> np.ndarray:
    """Whether rates ``a`` and ``b`` differ by more than ``gap`` of the larger (elementwise)."""
    return np.asarray(np.abs(a - b) > gap * np.maximum(np.abs(a), np.abs(b)))


def separated_rates(
    d: np.ndarray, order: list[int], pairs: list[tuple[int, int]], gap: float
) -> np.ndarray:
    r"""The diagonal ``d`` with each state's rate moved, where needed, to differ by more than
    ``gap`` (relative) from every state upstream of it on its chain (``pairs``: (state,
    upstream state)).

    Two equal rates on one chain make the operator defective (its eigenvectors parallel), and
    a sampled parameter set can make them so (an IL-6 signal decaying as fast as plasma IL-6
    clears). The splitting :math:`\dot y = L y + N` is exact for any :math:`L`, so the
    operator may take a rate 1.5 ``gap`` away from the upstream one instead: the difference,
    a small fraction of the state's own decay, is explicit, rather than the whole coupling.
    Of the candidates (the rate itself, 1.5 ``gap`` below or above each upstream rate) the
    nearest one apart from all upstream rates is taken; a member without one keeps ``d``.
    """
    lam = d.copy()
    for k in order:  # upstream states first
        upstream = [j for target, j in pairs if target == k]
        if not upstream:
            continue

        def valid(x: np.ndarray, upstream: list[int] = upstream) -> np.ndarray:
            ok = np.ones(x.shape, dtype=bool)
            for j in upstream:
                ok &= _apart(lam[j], x, gap)
            return ok

        best = lam[k].copy()
        distance = np.where(valid(best), 0.0, np.inf)
        for j in upstream:
            for factor in (1.0 - 1.5 * gap, 1.0 + 1.5 * gap):
                x = lam[j] * factor
                better = valid(x) & (np.abs(x - d[k]) < distance)
                best = np.where(better, x, best)
                distance = np.where(better, np.abs(x - d[k]), distance)
        lam[k] = best
    return lam


class MemberOperatorIntegrator(CohortIntegrator):
    """ETD3RK for ``n`` members, each with its own triangular operator (module docstring).

    Same interface as :class:`sim.numerics.cohort_solver.CohortIntegrator`.
    """

    def __init__(
        self, c: Constants, n: int, settings: ExponentialSettings = MEMBER_SETTINGS
    ) -> None:
        super().__init__(c, n, settings)
        self._n, self._c_members = n, c.vectorised()
        rates = linear_decay_rates(c, n)
        self._own = rates
        self._fast = rates > settings.fast_rate_per_h
        self._sources = np.asarray(self._fast.all(axis=1))
        self._origin = np.where(self._fast, 0.0, self._rest)
        self._rungs: dict[int, tuple[np.ndarray, ...]] = {}
        self._modes: tuple[UnitTriangular, UnitTriangular] | None = None
        self._resting: tuple[Any, ...] = (None, {}, None)
        self._op_active = False

    def _rebuild(self, c: Constants, t: float, y: np.ndarray) -> LinearOperator:
        """Every member's operator at rest at their own slow states."""
        return self._build(t, y, REST)

    def _build(self, t: float, y: np.ndarray, drive: Drive) -> LinearOperator:
        jac = member_jacobian(
            self._c_members, self._n, t, np.where(self._fast, self._rest, y), drive
        )
        d = np.diagonal(jac).T.copy()
        if drive.active:  # each state's own decay stands for its rate at rest
            d = session_rates(-self._own, d, self.settings)
        lam, V, W = triangular_modes(jac, d, self._sources, self.settings.coupling_gap)
        self._modes = (V, W)
        eye = np.eye(d.shape[0])
        self._op, self._rungs = LinearOperator(d, lam, eye, eye, t, True), {}
        self.operators += 1
        return self._op

    def _operator(self, c: Constants, t0: float, y0: np.ndarray, drive: Drive) -> LinearOperator:
        """At rest, the resting operator (rebuilt every ``refresh_h``); in a bout, one with
        the bout's drive (its terms can be the stiffest of the segment), built for it."""
        if drive.active:
            if self._op is not None and not self._op_active:
                self._resting = (self._op, self._rungs, self._modes)
            self._op_active = True
            return self._build(t0, y0, drive)
        if self._op_active:
            self._op, self._rungs, self._modes = self._resting
            self._op_active = False
        return super()._operator(c, t0, y0, drive)

    def _step_weights(self, i: int | None, h: float) -> tuple[np.ndarray, ...]:
        """Weights of ladder step ``i`` (kept until the next rebuild) or of the step ``h``."""
        if i is not None and i in self._rungs:
            return self._rungs[i]
        assert self._op is not None
        *update, we = etd3_weights(h, self._op.lam)
        weights = (*update, we[:, 0, :])  # the end-point estimate only (steps end on outputs)
        if i is not None:
            self._rungs[i] = weights
        return weights

    def _span(
        self, c: Constants, y0: np.ndarray, t0: float, t1: float, drive: Drive, label: str
    ) -> np.ndarray:
        """Integrate over ``[t0, t1]``; everybody's ``y(t1)``."""
        s = self.settings
        op, key = self._start(c, t0, y0, drive)
        assert self._modes is not None
        V, W = self._modes
        lam, origin, inv_tol = op.lam, self._origin, 1.0 / s.rtol
        y = y0.copy()
        z = W(y)
        n0 = W(rhs(t0, y, c, drive)) - lam * z
        trial: list[np.ndarray] = [y, z]

        def attempt(t: float, h: float, weights: tuple[np.ndarray, ...]) -> float:
            e_half, hq1, e, hp1, w0, wa, wb, ve = weights
            za = e_half * z + hq1 * n0
            na = W(rhs(t + 0.5 * h, V(za), c, drive)) - lam * za
            ez = e * z
            zb = ez + hp1 * (2.0 * na - n0)
            nb = W(rhs(t + h, V(zb), c, drive)) - lam * zb
            z1 = ez + w0 * n0 + wa * na + wb * nb
            y1 = V(z1)
            trial[:] = [y1, z1]
            error = np.abs(V(ve * (n0 - 2.0 * na + nb)))
            return inv_tol * float((error / np.maximum(np.abs(y1 - origin), s.floor)).max())

        def failure(reason: str) -> SolverError:
            return segment_failure(label, (t0, t1), describe_drive(drive), trial[0], reason)

        for t, h, last in self._controlled_steps(key, t0, t1, attempt, failure):
            y, z = trial
            if not last:
                n0 = W(rhs(t + h, y, c, drive)) - lam * z
        return y


class GroupedCohortIntegrator:
    """A :class:`CohortIntegrator` per group of
    :func:`~sim.numerics.per_member.operator_groups`, with its interface.

    With one group (the usual case) it is that group's integrator, without any copying.
    """

    def __init__(
        self, c: Constants, n: int, settings: ExponentialSettings = COHORT_SETTINGS
    ) -> None:
        self.n = n
        self.groups = operator_groups(c, n, settings.fast_rate_per_h)
        self._parts = [
            (g, CohortIntegrator(subset_constants(c, n, g), len(g), settings)) for g in self.groups
        ]

    @property
    def steps(self) -> int:
        """Accepted steps, summed over the groups."""
        return sum(part.steps for _, part in self._parts)

    def run(
        self, c: Constants, y0: np.ndarray, span: tuple[float, float], drive: Drive, **out: Any
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`CohortIntegrator.segment` over ``span`` for everybody, group by group.

        ``out`` holds ``t_out`` and ``label``, passed on.
        """
        if len(self._parts) == 1:
            return self._parts[0][1].segment(c, y0, *span, drive, **out)
        states = np.empty((len(out["t_out"]), *y0.shape))
        y1 = np.empty_like(y0)
        for g, part in self._parts:
            c_g, drive_g = subset_constants(c, self.n, g), subset_drive(drive, self.n, g)
            states[:, :, g], y1[:, g] = part.segment(c_g, y0[:, g], *span, drive_g, **out)
        return states, y1


def cohort_integrator(c: Constants, n: int, settings: ExponentialSettings | None = None) -> Any:
    """The integrator for ``n`` members with constants ``c``: grouped by fast rates while
    there are at most :data:`MAX_GROUPS` groups, else :class:`MemberOperatorIntegrator`;
    without ``settings``, each with its own default (:data:`COHORT_SETTINGS`,
    :data:`MEMBER_SETTINGS`).

    Both have ``run(c, y0, (t0, t1), drive, t_out=..., label=...)`` and ``steps``.
    """
    if len(operator_groups(c, n, (settings or COHORT_SETTINGS).fast_rate_per_h)) <= MAX_GROUPS:
        return GroupedCohortIntegrator(c, n, settings or COHORT_SETTINGS)
    return _Members(MemberOperatorIntegrator(c, n, settings or MEMBER_SETTINGS))


class _Members:
    """:class:`MemberOperatorIntegrator` with the grouped integrator's ``run`` interface."""

    def __init__(self, integrator: MemberOperatorIntegrator) -> None:
        self.integrator = integrator

    @property
    def steps(self) -> int:
        """Accepted steps."""
        return self.integrator.steps

    def run(
        self, c: Constants, y0: np.ndarray, span: tuple[float, float], drive: Drive, **out: Any
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`CohortIntegrator.segment` over ``span`` for everybody."""
        return self.integrator.segment(c, y0, *span, drive, **out)
