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
  (:func:`sim.numerics.triangular.triangular_modes`), sparse, with one shared pattern, and
  applied to everybody with two array operations per coupling
  (:class:`~sim.numerics.triangular.UnitTriangular`). Two rates on one chain that a parameter
  set makes nearly equal are moved apart in :math:`L_i`
  (:func:`~sim.numerics.triangular.separated_rates`). During a session the operator is built
  with the session's drive for that segment: a session's own decay terms (the memory of
  recent training fills within minutes) join the diagonal; its other growth terms stay
  explicit. The couplings from slow states stay in :math:`N` (the splitting :math:`\dot y =
  L y + N` is exact for any :math:`L`); they change slowly.
- **The muscle IL-6 signal in closed form during sessions.** Its equation depends on nothing
  but the signal and the drive, so within a session segment it has a closed form
  (:mod:`sim.numerics.saturating`); its coefficients are read off the model's rate at two
  values of the signal. In a session the signal takes its exact value at every stage of a
  step, is left out of the error estimate, and is no source of the operator (its forcing of
  plasma IL-6 sits in :math:`N`, evaluated with the exact signal). Followed step by step
  instead, its self-amplification in each session's first minutes set the steps of every
  session (linearised at rest in the operator, it would keep growing at its initial rate
  after the signal saturates). At rest it decays exponentially, exact in the operator.
- **Errors counted by what the caller reads.** Given ``reported`` (a parameter-set ensemble
  reads only the states of its summary metrics), the local error of every other fast state
  counts by what it passes on to the read and slow states (:mod:`sim.numerics.transients`):
  along the operator's couplings their own estimates carry it, along couplings left
  explicit it is added; its own error is held to 30 times the tolerance only. Held to the
  tolerance, plasma IL-6 set most steps in and after sessions (a middle block of a Sobol
  sample: 7,992 -> 3,360 right-hand sides).
- **The single run's scheme otherwise**: ETD3RK with its step-size ladder, step memory and
  error estimate (:mod:`sim.numerics.expint`), one step size for everybody, steps ending on
  the assessment times, as in :class:`sim.numerics.cohort_solver.CohortIntegrator`. The
  step weights are elementwise functions of ``h lambda_i``, computed per ladder step and kept
  with their operator. A session's operator is built at the first session with its drive
  after each rebuild of the resting one and kept with its weights until the next (as the
  cohort keeps its session variants): rebuilt every session, the operators and their
  weights took a third of a block's time.

:func:`cohort_integrator` chooses: the grouped integrator while the members fall into at most
:data:`MAX_GROUPS` groups of equal fast rates, this one beyond. The choice depends only on the
members' constants, so a block's result does not depend on how the ensemble is chunked.
At its tolerance (:data:`MEMBER_SETTINGS`, rtol 3e-3) the slow states stay within 3e-3 of a
solution at 2e-6 (measured: at most 7.1e-4, the reserve), and a parameter set's summary
metrics within 1 % of the single run with its parameters (measured over 10 weeks: 0.33 %,
over 24 weeks 0.92 %, the change of resting serum BDNF; ``tests/unit/test_member_solver.py``).

Measured on a Sobol sample (10 illustrative parameters) of the 24-week combined scenario: its
first set alone takes 1,020 steps (4,206 with the diagonal operators used before at rtol
2e-3, whose explicit couplings of the FGF-21 chain and of plasma IL-6 set the step at rest).
A block of the 2,816 sets of a sample at N = 128, one core, one run each: 33.8 s
with an operator built every session and the couplings applied by one gather and
``reduceat``, 26.4 s with session operators kept and a multiply-add per coupling (peak
memory 365 -> 566 MiB: the kept weights). What sets the steps of a session is then plasma
IL-6, driven by the closed-form signal (its growth in each session's first minutes); of a
block's time the right-hand side takes ~35 %, the step weights ~17 % (profiled).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from sim.errors import SolverError
from sim.model.constants import Constants
from sim.model.drive import REST, Drive
from sim.model.rhs import linear_decay_rates, rhs
from sim.numerics.cohort_solver import COHORT_SETTINGS, CohortIntegrator
from sim.numerics.etd3 import ExponentialSettings, member_weights
from sim.numerics.expint import segment_failure
from sim.numerics.linear_operator import LinearOperator, session_rates
from sim.numerics.per_member import (
    describe_drive,
    member_jacobian,
    operator_groups,
    subset_constants,
    subset_drive,
)
from sim.numerics.saturating import SIGNAL, session_signal
from sim.numerics.transients import ErrorTransfer, error_ratio
from sim.numerics.triangular import UnitTriangular, triangular_modes

MEMBER_SETTINGS = dataclasses.replace(
    COHORT_SETTINGS, rtol=3e-3, coupling_gap=0.02, last_step_stretch=1.5, first_rest_step_h=2.0
)
"""Default accuracy of :class:`MemberOperatorIntegrator`: ``rtol`` 3e-3. Against single runs
with the same parameters (6 sets, 10 weeks of combined), the largest difference of a summary
metric: 0.66 % at 2e-3, 0.64 % at 3e-3, 1.3 % at 5e-3, 2.2 % at 1e-2 (the change of resting
serum BDNF, a change of a few percent; measured before fast states' errors were counted by
their effect, :mod:`sim.numerics.transients`); 3e-3 takes 20 % less time than 2e-3.
``coupling_gap`` 0.02: rates on one chain closer than 2 % are moved apart
(:func:`~sim.numerics.triangular.separated_rates`), so no eigenvector entry exceeds 50 times
its coupling over the larger rate. ``last_step_stretch`` 1.5, the single run's: the accuracy
above was measured with it."""

MAX_GROUPS = 4
"""Most operator groups integrated group by group; beyond, every member gets its own."""


class MemberOperatorIntegrator(CohortIntegrator):
    """ETD3RK for ``n`` members, each with its own triangular operator (module docstring).

    Same interface as :class:`sim.numerics.cohort_solver.CohortIntegrator`; it integrates
    every state.
    """

    integrates_subsets = False

    def __init__(
        self,
        c: Constants,
        n: int,
        settings: ExponentialSettings = MEMBER_SETTINGS,
        reported: Sequence[str] | None = None,
    ) -> None:
        super().__init__(c, n, settings, reported)
        self._n, self._c_members = n, c.vectorised()
        rates = linear_decay_rates(c, n)
        self._own = rates
        self._fast = rates > settings.fast_rate_per_h
        self._sources = np.asarray(self._fast.all(axis=1))
        self._origin = np.where(self._fast, 0.0, self._rest)
        self._rungs: dict[int, tuple[np.ndarray, ...]] = {}
        self._modes: tuple[UnitTriangular, UnitTriangular, ErrorTransfer | None] | None = None
        self._sessions: dict[bytes, tuple[Any, ...]] = {}
        self._resting: tuple[Any, ...] = (None, {}, None)
        self._op_active = False

    def _rebuild(self, c: Constants, t: float, y: np.ndarray) -> LinearOperator:
        """Every member's operator at rest at their own slow states (the sessions' operators
        are built anew after it)."""
        self._sessions = {}
        return self._build(t, y, REST)

    def _build(self, t: float, y: np.ndarray, drive: Drive) -> LinearOperator:
        jac = member_jacobian(
            self._c_members, self._n, t, np.where(self._fast, self._rest, y), drive
        )
        d = np.diagonal(jac).T.copy()
        sources = self._sources
        if drive.active:  # each state's own decay stands for its rate at rest
            d = session_rates(-self._own, d, self.settings)
            sources = sources.copy()  # the signal is exact, its forcing of plasma IL-6 in N
            sources[SIGNAL] = False
        lam, V, W, held = triangular_modes(jac, d, sources, self.settings.coupling_gap)
        transfer = (  # in a session the signal's couplings are explicit, but it is exact
            None
            if self._reported is None
            else ErrorTransfer(jac, self._own, self._sources, self._reported, held)
        )
        self._modes = (V, W, transfer)
        eye = np.eye(d.shape[0])
        self._op, self._rungs = LinearOperator(d, lam, eye, eye, t, True), {}
        self.operators += 1
        return self._op

    def _operator(self, c: Constants, t0: float, y0: np.ndarray, drive: Drive) -> LinearOperator:
        """At rest, the resting operator (rebuilt every ``refresh_h``); in a bout, one with
        the bout's drive (its terms can be the stiffest of the segment), built at the first
        bout with that drive since the resting operator was and kept, with its weights, until
        the next rebuild (like the resting one, it only has to be close to the Jacobian)."""
        if drive.active:
            if self._op is not None and not self._op_active:
                self._resting = (self._op, self._rungs, self._modes)
            self._op_active = True
            key = b"".join(
                np.asarray(getattr(drive, f.name), dtype=float).tobytes()
                for f in dataclasses.fields(Drive)
            )
            if key in self._sessions:
                self._op, self._rungs, self._modes = self._sessions[key]
            else:
                self._build(t0, y0, drive)
                self._sessions[key] = (self._op, self._rungs, self._modes)
            assert self._op is not None
            return self._op
        if self._op_active:
            self._op, self._rungs, self._modes = self._resting
            self._op_active = False
        return super()._operator(c, t0, y0, drive)

    def _signal(
        self, c: Constants, t0: float, y0: np.ndarray, drive: Drive
    ) -> Callable[[float], np.ndarray] | None:
        """In a session, every member's IL-6 signal as a function of the time since ``t0``
        (:func:`~sim.numerics.saturating.session_signal`); at rest ``None`` (there the signal
        decays exponentially, exact in the operator)."""
        return session_signal(c, y0, drive, self._own[SIGNAL]) if drive.active else None

    def _step_weights(self, i: int | None, h: float) -> tuple[np.ndarray, ...]:
        """Weights of ladder step ``i`` (kept with the operator) or of the step ``h`` (a
        segment's last, off the ladder; not kept: each costs as much memory as a rung, and
        on a Sobol block fewer than half of them repeat)."""
        if i is not None and i in self._rungs:
            return self._rungs[i]
        assert self._op is not None
        weights = member_weights(h, self._op.lam)  # end-point estimate (steps end on outputs)
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
        V, W, transfer = self._modes
        lam, origin, inv_tol = op.lam, self._origin, 1.0 / s.rtol
        y = y0.copy()
        z = W(y)
        n0 = W(rhs(t0, y, c, drive)) - lam * z
        trial: list[np.ndarray] = [y, z]
        signal = self._signal(c, t0, y0, drive)

        def attempt(t: float, h: float, weights: tuple[np.ndarray, ...]) -> float:
            e_half, hq1, e, hp1, w0, wa, wb, ve = weights
            za = e_half * z + hq1 * n0
            if signal:  # not a mode of anything else in a session: z and y agree on it
                za[SIGNAL], m1 = signal(t + 0.5 * h - t0), signal(t + h - t0)
            na = W(rhs(t + 0.5 * h, V(za), c, drive)) - lam * za
            ez = e * z
            zb = ez + hp1 * (2.0 * na - n0)
            if signal:
                zb[SIGNAL] = m1
            nb = W(rhs(t + h, V(zb), c, drive)) - lam * zb
            z1 = ez + w0 * n0 + wa * na + wb * nb
            estimate = ve * (n0 - 2.0 * na + nb)
            if signal:
                z1[SIGNAL], estimate[SIGNAL] = m1, 0.0
            y1 = V(z1)
            trial[:] = [y1, z1]
            error = np.abs(V(estimate))
            return inv_tol * error_ratio(error, y1, origin, s.floor, transfer)

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
        self,
        c: Constants,
        n: int,
        settings: ExponentialSettings = COHORT_SETTINGS,
        reported: Sequence[str] | None = None,
        steering: Sequence[str] = (),
    ) -> None:
        self.n = n
        self.groups = operator_groups(c, n, settings.fast_rate_per_h)
        self._parts = [
            (g, CohortIntegrator(subset_constants(c, n, g), len(g), settings, reported, steering))
            for g in self.groups
        ]

    @property
    def steps(self) -> int:
        """Accepted steps, summed over the groups."""
        return sum(part.steps for _, part in self._parts)

    @property
    def integrated(self) -> np.ndarray | None:
        """Which states are integrated (``None``: all; the same in every group)."""
        return self._parts[0][1].integrated

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


def cohort_integrator(
    c: Constants,
    n: int,
    settings: ExponentialSettings | None = None,
    reported: Sequence[str] | None = None,
    steering: Sequence[str] = (),
) -> Any:
    """The integrator for ``n`` members with constants ``c``: grouped by fast rates while
    there are at most :data:`MAX_GROUPS` groups, else :class:`MemberOperatorIntegrator`;
    without ``settings``, each with its own default (:data:`COHORT_SETTINGS`,
    :data:`MEMBER_SETTINGS`). ``reported`` names the states the caller reads (``None``:
    all); both then count the local error of every other fast state by what it passes on
    (:mod:`sim.numerics.transients`), and the grouped one integrates only the states that
    ``reported`` and ``steering`` (states read along the way, held exact) depend on.

    Both have ``run(c, y0, (t0, t1), drive, t_out=..., label=...)``, ``steps`` and
    ``integrated`` (which states are integrated, ``None``: all; the others keep their
    values).
    """
    if len(operator_groups(c, n, (settings or COHORT_SETTINGS).fast_rate_per_h)) <= MAX_GROUPS:
        return GroupedCohortIntegrator(c, n, settings or COHORT_SETTINGS, reported, steering)
    return _Members(MemberOperatorIntegrator(c, n, settings or MEMBER_SETTINGS, reported))


class _Members:
    """:class:`MemberOperatorIntegrator` with the grouped integrator's ``run`` interface."""

    integrated = None  # every state

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
