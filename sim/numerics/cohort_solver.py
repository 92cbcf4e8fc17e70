r"""Numerics of cohorts: the single run's ETD3RK scheme for N people at once.

States have shape ``(N_STATES, N)``. The scheme, step-size ladder, error estimates and
step memory are those of :class:`sim.numerics.expint.ExponentialIntegrator` (see the
:mod:`sim.numerics.expint` docstring; Cox & Matthews 2002, J Comput Phys 176:430; Hochbruck &
Ostermann 2010, Acta Numerica 19:209), changed so that the cost of a step grows far more
slowly than the number of people (one step for 10,000 people costs about as much as 90
steps of one person):

- **One linear operator for everybody.** The splitting :math:`\dot y = L y + N(t, y)` is
  exact for any :math:`L`, so the cohort takes :math:`L` from
  :func:`sim.numerics.linear_operator.linear_operator` for a *reference person*: every constant that
  differs between people at its median, every slow state at the cohort's median. The fast rates (clearances, time constants) are
  parameters and the same for everyone, so :math:`L` captures everybody's stiffness; what
  differs between people (genotype, IGF-1 potentiation, baselines) stays in :math:`N`,
  evaluated per person. The modal transforms are then ``(N_STATES, N_STATES) @ (N_STATES,
  N)`` matrix products and the step weights are tabulated once per operator for all.
- **One step size for everybody**, accepted when the error estimates of *every* person are
  within tolerance. Everybody follows the same calendar (the drive only switches off for
  those who miss a session), so the step sizes one person needs suit the others.

- **Steps end on the assessment times**, so states are never sampled inside a step and
  only the end-point error estimate is needed (the single run's midpoint estimate guards
  output inside long steps); the step works in few arrays, reused once spent, so that two
  blocks side by side stay in the processor's cache (:class:`~sim.numerics.cohort_step.Work`),
  and applies the operator's mostly-zero eigenvectors through a sparse kernel
  (:class:`~sim.numerics.cohort_step.Transforms`).

- **Members whose fast rates differ get operators of their own.** With per-member parameters
  (:mod:`sim.running.members`) a fast rate may differ between people; the splitting stays
  exact, but the rate's difference would sit in :math:`N`, explicit, and limit every step.
  :class:`sim.numerics.member_solver.GroupedCohortIntegrator` splits the members by fast rates
  (:func:`sim.numerics.per_member.operator_groups`),
  each group with its own operator, steps and error control; without per-member fast rates
  the cohort is one group, integrated as before (a sweep over a fast rate costs about one
  cohort per distinct value).

- **Per-person scales.** Where a person's couplings from fast states differ from the
  reference person's (plasma IL-6 released per unit of muscle signal falls with age; brain
  BDNF's inputs carry each person's potentiation), the difference would sit in :math:`N`
  and fade only as fast as the forcing state, setting the steps for hours after every
  session. Each person's states are therefore scaled (:func:`sim.numerics.per_member.coupling_scales`, once per
  operator) so that in the scaled states their couplings are the operator's; the right-hand
  side is evaluated on the unscaled states. A 1,000-person block of the 24-week combined
  scenario: 1,036 steps at rest without the scales, 570 with them.
- **A session variant of the operator.** In a session, the states whose decay the session
  speeds up (the memory of recent training, filled within minutes) take the faster rate
  (:func:`sim.numerics.linear_operator.linear_operator` with the session's drive); one
  variant per resting operator in practice. The session's growth terms stay explicit
  (linearised at rest, the IL-6 signal's self-amplification would keep growing at its
  initial rate once the signal saturates). Session steps of that block: 798 -> 675, then
  limited by the IL-6 signal's growth in each session's first minutes.
- **The muscle IL-6 signal in closed form in sessions** (:mod:`sim.numerics.saturating`):
  every stage of a session step takes everybody's exact signal (a rank-one update of the
  modal states, :func:`~sim.numerics.cohort_step.pin`), the signal has no error estimate,
  and the session variant of the operator holds none of its couplings (its forcing of
  plasma IL-6 stays in :math:`N`, evaluated with the exact signal). Session step attempts of
  that block: 675 -> 291.
- **Errors counted by what the caller reads** (``reported``; a trial reads its outcome,
  strength and fitness): the other fast states' local errors count by what they pass on
  (:mod:`sim.numerics.transients`), along the couplings the reference person's operator
  leaves explicit. That block: 2.9 -> 2.15 s.
- **Only the states the read ones depend on are integrated** (:mod:`sim.numerics.subsystem`):
  19 of 24 for a trial, with the restriction of the operator; 10,000 people read for a trial
  on two processes 2-17 % less time (medians of five sets of three to five alternations with
  the code before, on a machine whose speed drifted by tens of percent within the hour). The
  right-hand side then leaves out the rates no integrated state reads (``rhs``'s ``omit``),
  and a block's constants are stacked from the members' derived constants alone: medians of
  five alternations 6.07 -> 5.26 s. With a longer first rest step and the pending adaptations'
  errors counted by what they pass on (below; :mod:`sim.numerics.transients`), 5.39 -> 4.48 s.

The time grid is thus bout-aware by construction: segments end on every bout and interval
edge, each segment starts with the step that suited the previous one of its kind (short
after a bout, long at rest), and steps grow as the fast states settle, as far as the error
control allows. For a cohort of one person the operator is the single run's, and the two
differ only through the tolerance and the closed-form signal (``tests/unit/test_cohort.py``:
~1e-4 on the summary metrics).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.errors import SolverError
from sim.model.adaptation import PENDING
from sim.model.constants import Constants
from sim.model.drive import Drive
from sim.model.rhs import initial_state, linear_decay_rates
from sim.model.state import STATE_NAMES
from sim.numerics.cohort_step import Transforms, Work, cohort_weights
from sim.numerics.etd3 import DEFAULT_EXP_SETTINGS, ExponentialSettings, etd3_weights
from sim.numerics.expint import ExponentialIntegrator, segment_failure
from sim.numerics.linear_operator import LinearOperator, linear_operator
from sim.numerics.per_member import (
    coupling_scales,
    describe_drive,
    reference_constants,
    reference_drive,
)
from sim.numerics.saturating import SIGNAL, session_signal
from sim.numerics.subsystem import Subsystem
from sim.numerics.transients import ErrorTransfer

COHORT_SETTINGS = dataclasses.replace(
    DEFAULT_EXP_SETTINGS, rtol=1e-2, last_step_stretch=2.0, first_rest_step_h=2.0**1.5
)
"""Default accuracy of the cohort integrator: the single run's structure at ``rtol`` 1e-2.

Against the same cohorts (200 sampled people) at ``rtol`` 2e-6, the assessed reserve,
strength, fitness, IGF-1, inflammation, serum BDNF, brain-BDNF AUC, training status and
anti-inflammatory signal of the 24-week combined, HIIT, resistance and aerobic scenarios
differ by at most 1e-3 of each one's change over the run (those that change; measured with
``last_step_stretch`` 2.0: 5.2e-4 combined, reserve; 7.6e-4 HIIT, 3.3e-4 resistance, 7.8e-4
aerobic, inflammation; with the single run's 1.5 the same to two digits in 2-12 % more step
attempts), in 1.6x less time than at 2e-3. Integrated for what a trial reads, the combined
reserve is within 1.0e-3 of its change. One default person's 24-week aerobic reserve is
within 1e-3 of its value. A cohort's verdicts compare arms that differ by percents, and
people who differ by tens of percents.
(Before the first rest step was capped, ``first_rest_step_h``, tolerances above 2e-3 let
that step's one-signed error add up: 0.8 % on the reserve at 5e-3.) The cap is 2^1.5 h for
cohorts (2 h for single runs and parameter sets): 6 % fewer step attempts for a trial, and
the nine quantities at least as close as with 2 h (``docs/model.md``, "Only what is read is
integrated"). Parameter sets
integrated with per-member operators have their own tolerance
(:data:`sim.numerics.member_solver.MEMBER_SETTINGS`).
"""


class CohortIntegrator(ExponentialIntegrator):
    """ETD3RK integrator of a cohort's run (``y`` of shape ``(N_STATES, N)``).

    The single run's :class:`~sim.numerics.expint.ExponentialIntegrator` built for the reference
    person (:func:`sim.numerics.per_member.reference_constants`): the same step-size ladder, step memory and
    operator rebuilds; :meth:`segment` has the same interface and integrates everybody.

    Parameters
    ----------
    c
        The cohort's constants (:func:`sim.running.cohort.cohort_constants`): floats where everybody
        agrees, arrays of shape ``(N,)`` where people differ.
    n
        Number of people.
    settings
        Accuracy and structure (:class:`sim.numerics.etd3.ExponentialSettings`).
    reported
        The states the caller reads (``None``: all). Only they and the states they depend on
        (:func:`sim.model.equations.states_upstream`) are integrated, with their own
        operator (no other state enters their equations, so it is the restriction of the
        whole one); the others keep their values. Fast states nobody reads count by what
        they pass on (:mod:`sim.numerics.transients`).
    steering
        States read during the run (what the coach reads before a session): integrated,
        with what they depend on, whatever ``reported`` says.

    Attributes
    ----------
    steps, rejected, operators
        Accepted and rejected steps and operators built so far (diagnostics).
    integrated
        Which states are integrated (see the property).
    """

    integrates_subsets = True
    """Whether ``reported`` may leave states out of the integration."""

    def __init__(
        self,
        c: Constants,
        n: int,
        settings: ExponentialSettings = COHORT_SETTINGS,
        reported: Sequence[str] | None = None,
        steering: Sequence[str] = (),
    ) -> None:
        self._ref = reference_constants(c)
        super().__init__(self._ref, settings)
        part = Subsystem.reading(reported if self.integrates_subsets else None, steering)
        self._part, self._states, rows = part, part.states, part.rows
        rates = linear_decay_rates(self._ref)
        self._fast_all = rates > settings.fast_rate_per_h
        self._ref_rates = rates[rows]
        fast = self._fast_all[rows]
        self._fast, self._rest = fast, initial_state(c, n)
        self._origin = np.where(fast[:, None], 0.0, self._rest[rows])  # per person
        self._signal_row = part.row(SIGNAL)
        self._scale: np.ndarray | None = None
        self._cohort_table: tuple[np.ndarray, ...] = ()
        self._buffers: Work | None = None
        self._ref_y = np.empty(0)
        self._sessions: dict[bytes, tuple[Any, ...]] = {}
        self._session_of: dict[tuple[float, ...], bytes] = {}
        self._rest_state: tuple[Any, ...] | None = None
        self._signal_decay = linear_decay_rates(c, n)[SIGNAL]
        self._reported = None if reported is None else np.isin(STATE_NAMES, list(reported))[rows]
        self._stores = np.isin(STATE_NAMES, PENDING)[rows]  # unread, they count as they pass on
        self._transfers: dict[int, tuple[LinearOperator, ErrorTransfer]] = {}
        self._products: dict[int, tuple[LinearOperator, Transforms]] = {}

    @property
    def integrated(self) -> np.ndarray | None:
        """Which states are integrated (a mask over the states; ``None``: all)."""
        return self._part.integrated

    def _rebuild(self, c: Constants, t: float, y: np.ndarray) -> LinearOperator:
        """The reference person's operator, at the cohort's median slow states."""
        self._ref_y = np.median(y, axis=1)
        self._sessions, self._session_of, self._transfers = {}, {}, {}
        self._products = {}
        op = super()._rebuild(self._ref, t, self._ref_y)
        self._cohort_table = cohort_weights(self._table)
        self._rest_state = None
        self._scale = coupling_scales(
            c, y.shape[1], t, y, op, self._fast_all, self._rest, self._states
        )
        return op

    def _operator(self, c: Constants, t0: float, y0: np.ndarray, drive: Drive) -> LinearOperator:
        """At rest, the resting operator (rebuilt when due); in a session, its session variant.

        A session's variant takes the session's own fast decay on its diagonal
        (:func:`~sim.numerics.linear_operator.session_rates`): the memory of recent training,
        filled within minutes by any session, would otherwise set every session's steps.
        Variants are kept by drive, their tables by operator (in practice one per resting
        operator), until the next rebuild.
        """
        if not drive.active:
            if self._rest_state is not None:
                self._install(self._rest_state)
                self._rest_state = None
            return super()._operator(c, t0, y0, drive)
        if self._rest_state is None:
            rest = super()._operator(c, t0, y0, drive)
            self._rest_state = self._installed()
        else:
            rest = self._rest_state[0]
        session = reference_drive(drive)
        drive_key = tuple(float(getattr(session, f.name)) for f in dataclasses.fields(Drive))
        key = self._session_of.get(drive_key)
        if key is None:  # a drive not seen since the rebuild
            op = linear_operator(
                self._ref,
                rest.t_h,
                self._ref_y,
                self.settings,
                self._c_vec,
                self._y_rest,
                session,
                exact=(SIGNAL,),
                states=self._states,
            )
            key = self._session_of[drive_key] = op.matrix.tobytes()
            if key not in self._sessions and not np.array_equal(op.matrix, rest.matrix):
                table = etd3_weights(np.array(self._h)[:, None], op.lam)
                weights = cohort_weights(table)
                self._sessions[key] = (op, table, [None] * len(self._h), {}, weights)
                self.operators += 1
        self._install(self._sessions.get(key, self._rest_state))
        assert self._op is not None
        return self._op

    def _transfer(self, op: LinearOperator) -> ErrorTransfer | None:
        """With ``reported``, how the fast states' errors count (:mod:`sim.numerics.transients`):
        along the reference person's couplings from fast states that ``op`` leaves explicit,
        and from the pending adaptations along all (kept with the operator)."""
        if self._reported is None or op.jacobian is None:
            return None
        if id(op) not in self._transfers:
            transfer = ErrorTransfer(
                op.jacobian[:, :, None],
                self._ref_rates[:, None],
                self._fast,
                self._reported,
                op.matrix[:, :, None],
                self._stores,
            )
            self._transfers[id(op)] = (op, transfer)  # the operator kept: its id stays its own
        return self._transfers[id(op)][1]

    def _installed(self) -> tuple[Any, ...]:
        """The operator in use with its weight tables."""
        return (self._op, self._table, self._ladder_weights, self._odd_weights, self._cohort_table)

    def _install(self, state: tuple[Any, ...]) -> None:
        """Use an operator with its weight tables (from :meth:`_installed`)."""
        self._op, self._table, self._ladder_weights, self._odd_weights, self._cohort_table = state

    def segment(
        self,
        c: Constants,
        y0: np.ndarray,
        t0: float,
        t1: float,
        drive: Drive,
        t_out: np.ndarray,
        label: str = "",
    ) -> tuple[np.ndarray, np.ndarray]:
        """Integrate everybody over ``[t0, t1]`` with constant ``drive``.

        Steps end on every time of ``t_out`` (the segment is split there), so the states
        reported there are step ends.

        Parameters
        ----------
        c
            The cohort's constants, with ``exp`` for arrays (``Constants.vectorised``).
        y0
            States at ``t0``, shape ``(N_STATES, N)``.
        t0, t1
            Segment start and end [h], ``t1 > t0``.
        drive
            The segment's drive: floats (the same for all) or arrays of shape ``(N,)``.
        t_out
            Sorted times strictly inside ``(t0, t1)`` at which to report the states.
        label
            Where this segment sits, for the error message.

        Returns
        -------
        states_out, y1
            States at ``t_out`` (shape ``(len(t_out), N_STATES, N)``) and at ``t1``.

        Raises
        ------
        SolverError
            If a state becomes non-finite or the step size falls below ``min_step_h``.
        """
        ends = [float(t) for t in t_out if t0 < t < t1] + [t1]
        if len(ends) != len(t_out) + 1:
            raise ValueError(f"t_out must lie strictly inside ({t0}, {t1}): {list(t_out)}")
        out, y, t = [], y0, t0
        for end in ends:
            y = self._span(c, y, t, end, drive, label)
            out.append(y)
            t = end
        return np.array(out[:-1]).reshape(len(t_out), *y0.shape), y

    def _span(
        self, c: Constants, y0: np.ndarray, t0: float, t1: float, drive: Drive, label: str
    ) -> np.ndarray:
        """Integrate over ``[t0, t1]`` (no output inside); return everybody's ``y(t1)``.

        The operator rebuilds and step-size control are the single run's
        (:meth:`~sim.numerics.expint.ExponentialIntegrator._controlled_steps`), so a cohort of one
        takes the single run's steps at the same tolerance; only the step itself
        (:meth:`Work.step`) works on everybody's states.
        """
        s = self.settings
        op, key = self._start(c, t0, y0, drive)
        lam = op.lam[:, None]
        scale, row = self._scale, self._signal_row
        signal = None
        if drive.active and row is not None:  # the IL-6 signal in closed form (scaled)
            exact = session_signal(c, y0, drive, self._signal_decay)
            signal_scale = 1.0 if scale is None else scale[row]
            signal = lambda dt: signal_scale * exact(dt)  # noqa: E731
        y = y0[self._part.rows]
        w = self._work(y.shape)
        f = self._part.rate(y0, scale, w.rate, w.tmp)
        origin = self._origin
        if scale is not None:  # in scaled states, everybody's fast couplings are the operator's
            origin, y = origin * scale, y * scale
        inv_tol, transfer = 1.0 / s.rtol, self._transfer(op)
        T = self._transforms(op)
        w.start(y, f(t0, y, c, drive), T, lam)

        def attempt(t: float, h: float, weights: tuple[np.ndarray, ...]) -> float:
            pinned = None if signal is None else (signal(t + 0.5 * h - t0), signal(t + h - t0))
            ratio = w.step(f, c, drive, t, h, weights, T, lam, origin, s.floor, pinned, transfer)
            return inv_tol * ratio

        def failure(reason: str) -> SolverError:
            return segment_failure(label, (t0, t1), describe_drive(drive), w.y, reason)

        for t, h, last in self._controlled_steps(key, t0, t1, attempt, failure):
            w.accept(None if last else f(t + h, w.y, c, drive), T, lam)
        return self._part.put(y0, w.y if scale is None else w.y / scale)

    def _transforms(self, op: LinearOperator) -> Transforms:
        """The modal transforms of ``op`` for cohort states (kept with the operator until the
        next rebuild)."""
        if id(op) not in self._products:
            transforms = Transforms(op.V, op.W, self._signal_row, self._states)
            self._products[id(op)] = (op, transforms)  # op kept: its id stays its own
        return self._products[id(op)][1]

    def _step_weights(self, i: int | None, h: float) -> tuple[np.ndarray, ...]:
        """The single run's weights for ``(N_STATES, N)`` states
        (:func:`~sim.numerics.cohort_step.cohort_weights`)."""
        if i is not None:
            return tuple(a[i] for a in self._cohort_table)
        assert self._op is not None
        return cohort_weights(super()._step_weights(None, h))

    def _work(self, shape: tuple[int, ...]) -> Work:
        if self._buffers is None or self._buffers.za.shape != shape:
            self._buffers = Work(shape)
        return self._buffers
