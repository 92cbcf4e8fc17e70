r"""Numerics of ensembles whose members all differ in their fast rates: one operator each.

A sensitivity analysis or a robustness check runs one person with a different parameter set
per member; when the varied parameters include fast rates (a clearance, a short time
constant), no two members share a linear operator and the grouping of
:class:`sim.numerics.cohort_solver.GroupedCohortIntegrator` degenerates into one cohort per
member. :class:`MemberOperatorIntegrator` keeps them in one array instead:

- **Each member's own diagonal operator.** :math:`L_i = \operatorname{diag}(d_i)`, with
  :math:`d_i` the diagonal of member :math:`i`'s Jacobian at rest (fast states at their
  resting values, slow states at the member's current ones; the same construction as
  :func:`sim.numerics.linear_operator.linear_operator`), rebuilt every ``refresh_h``; during
  a session, one built with the session's drive for that segment (a session's own terms,
  such as the fast filling of the memory of recent training, can be the stiffest of all and
  vanish at rest). Every member's stiffness is thus exact; the couplings between states stay in :math:`N` (the
  splitting :math:`\dot y = L y + N` is exact for any :math:`L`), which costs more steps than
  the coupled operator but no matrix products, and a diagonal operator needs no
  eigendecomposition: the modal coordinates are the states.
- **The single run's scheme otherwise**: ETD3RK with its step-size ladder, step memory and
  error estimate (:mod:`sim.numerics.expint`), one step size for everybody, steps ending on
  the assessment times, as in :class:`sim.numerics.cohort_solver.CohortIntegrator`. The
  step weights are elementwise functions of ``h d_i``, computed per ladder step and kept
  until the next rebuild.

:func:`cohort_integrator` chooses: the grouped integrator while the members fall into at most
:data:`MAX_GROUPS` groups of equal fast rates, this one beyond. The choice depends only on the
members' constants, so a block's result does not depend on how the ensemble is chunked.
At its tolerance (:data:`MEMBER_SETTINGS`, rtol 2e-3, tighter than the coupled cohort's) the
slow states stay within 3e-3 of a 1,000 times tighter solution, and a parameter set's summary
metrics within 1 % of the single run with its parameters (measured: 2.2e-3, the brain-BDNF
AUC, and 0.5 %; ``tests/unit/test_member_solver.py``). Measured on parameter
draws of the 24-week combined scenario, the diagonal operators take about three times the
steps of a coupled one: members whose plasma IL-6 is fed by a slowly fading muscle signal
(explicit here) set everybody's step after a session. Coupled per-member operators (sparse
eigenvectors by substitution) were tried: ~40 % fewer steps, but applying them cost more
than the steps saved (1.6x slower in all).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from sim.errors import SolverError
from sim.model.constants import Constants
from sim.model.drive import REST, Drive
from sim.model.rhs import initial_state, linear_decay_rates, rhs
from sim.numerics.cohort_solver import (
    COHORT_SETTINGS,
    CohortIntegrator,
    GroupedCohortIntegrator,
    describe_drive,
    operator_groups,
    subset_constants,
    subset_drive,
)
from sim.numerics.etd3 import ExponentialSettings, etd3_weights
from sim.numerics.expint import segment_failure
from sim.numerics.linear_operator import LinearOperator

MEMBER_SETTINGS = dataclasses.replace(COHORT_SETTINGS, rtol=2e-3)
"""Default accuracy of :class:`MemberOperatorIntegrator`: ``rtol`` 2e-3. Its diagonal operators
leave every coupling explicit, and at the coupled cohort's 1e-2 a parameter set's summary
metrics drift more than 1 % from the single run of the same parameters."""

MAX_GROUPS = 4
"""Most operator groups integrated group by group; beyond, every member gets its own."""


def member_diagonal(
    c: Constants, n: int, t: float, y: np.ndarray, drive: Drive = REST
) -> np.ndarray:
    """The diagonal of every member's Jacobian at ``y`` under ``drive`` (shape
    ``(N_STATES, n)``), by forward differences in one right-hand-side call on
    ``(N_STATES + 1) n`` columns."""
    s = y.shape[0]
    step = 1e-7 * np.maximum(np.abs(y), 1.0)
    probes = np.tile(y, (1, s + 1))
    for j in range(s):
        probes[j, (j + 1) * n : (j + 2) * n] += step[j]
    members = np.tile(np.arange(n), s + 1)
    f = rhs(t, probes, subset_constants(c, n, members), subset_drive(drive, n, members))
    base = f[:, :n]
    return np.array([(f[j, (j + 1) * n : (j + 2) * n] - base[j]) / step[j] for j in range(s)])


class MemberOperatorIntegrator(CohortIntegrator):
    """ETD3RK for ``n`` members, each with its own diagonal operator (module docstring).

    Same interface as :class:`sim.numerics.cohort_solver.CohortIntegrator`.
    """

    def __init__(
        self, c: Constants, n: int, settings: ExponentialSettings = MEMBER_SETTINGS
    ) -> None:
        super().__init__(c, n, settings)
        self._n, self._c_members = n, c.vectorised()
        self._fast = linear_decay_rates(c, n) > settings.fast_rate_per_h
        self._rest = initial_state(c, n)
        self._origin = np.where(self._fast, 0.0, self._rest)
        self._rungs: dict[int, tuple[np.ndarray, ...]] = {}
        self._resting: tuple[LinearOperator | None, dict[int, tuple[np.ndarray, ...]]] = (None, {})
        self._op_active = False

    def _rebuild(self, c: Constants, t: float, y: np.ndarray) -> LinearOperator:
        """Every member's diagonal operator at rest at their own slow states."""
        return self._diagonal(t, y, REST)

    def _diagonal(self, t: float, y: np.ndarray, drive: Drive) -> LinearOperator:
        d = member_diagonal(self._c_members, self._n, t, np.where(self._fast, self._rest, y), drive)
        eye = np.eye(d.shape[0])
        self._op, self._rungs = LinearOperator(d, d, eye, eye, t, True), {}
        self.operators += 1
        return self._op

    def _operator(self, c: Constants, t0: float, y0: np.ndarray, drive: Drive) -> LinearOperator:
        """At rest, the resting operator (rebuilt every ``refresh_h``); in a bout, one with
        the bout's drive (its terms can be the stiffest of the segment), built for it."""
        if drive.active:
            if self._op is not None and not self._op_active:
                self._resting = (self._op, self._rungs)
            self._op_active = True
            return self._diagonal(t0, y0, drive)
        if self._op_active:
            self._op, self._rungs = self._resting
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
        """Integrate over ``[t0, t1]``; everybody's ``y(t1)`` (the modal states are the states)."""
        s = self.settings
        op, key = self._start(c, t0, y0, drive)
        lam, origin, inv_tol = op.lam, self._origin, 1.0 / s.rtol
        y = y0.copy()
        n0 = rhs(t0, y, c, drive) - lam * y
        trial: list[np.ndarray] = [y]

        def attempt(t: float, h: float, weights: tuple[np.ndarray, ...]) -> float:
            e_half, hq1, e, hp1, w0, wa, wb, ve = weights
            za = e_half * y + hq1 * n0
            na = rhs(t + 0.5 * h, za, c, drive) - lam * za
            ez = e * y
            zb = ez + hp1 * (2.0 * na - n0)
            nb = rhs(t + h, zb, c, drive) - lam * zb
            y1 = ez + w0 * n0 + wa * na + wb * nb
            trial[:] = [y1]
            error = np.abs(ve * (n0 - 2.0 * na + nb))
            return inv_tol * float((error / np.maximum(np.abs(y1 - origin), s.floor)).max())

        def failure(reason: str) -> SolverError:
            return segment_failure(label, (t0, t1), describe_drive(drive), trial[0], reason)

        for t, h, last in self._controlled_steps(key, t0, t1, attempt, failure):
            y = trial[0]
            if not last:
                n0 = rhs(t + h, y, c, drive) - lam * y
        return y


def cohort_integrator(c: Constants, n: int, settings: ExponentialSettings | None = None) -> Any:
    """The integrator for ``n`` members with constants ``c``: grouped by fast rates while
    there are at most :data:`MAX_GROUPS` groups, else :class:`MemberOperatorIntegrator`;
    without ``settings``, each with its own default (:data:`COHORT_SETTINGS`,
    :data:`MEMBER_SETTINGS`).

    Both have ``run(c, y0, (t0, t1), drive, t_out=..., label=...)`` and ``steps``.
    """
    if len(operator_groups(c, n, settings or COHORT_SETTINGS)) <= MAX_GROUPS:
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
