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
  output inside long steps); the step writes into preallocated arrays (:class:`_Work`).

- **Members whose fast rates differ get operators of their own.** With per-member parameters
  (:mod:`sim.running.members`) a fast rate may differ between people; the splitting stays
  exact, but the rate's difference would sit in :math:`N`, explicit, and limit every step.
  :class:`GroupedCohortIntegrator` splits the members by fast rates (:func:`operator_groups`),
  each group with its own operator, steps and error control; without per-member fast rates
  the cohort is one group, integrated as before (a sweep over a fast rate costs about one
  cohort per distinct value).

The time grid is thus bout-aware by construction: segments end on every bout and interval
edge, each segment starts with the step that suited the previous one of its kind (short
after a bout, long at rest), and steps grow as the fast states settle, as far as the error
control allows. For a cohort of one person the operator is the single run's, and the two
differ only through the tolerance (``tests/unit/test_cohort.py``: ~1e-4 on the summary
metrics).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from sim.errors import SolverError
from sim.model.constants import Constants
from sim.model.drive import Drive
from sim.model.rhs import initial_state, linear_decay_rates, rhs
from sim.numerics.etd3 import DEFAULT_EXP_SETTINGS, ExponentialSettings
from sim.numerics.expint import ExponentialIntegrator, segment_failure
from sim.numerics.linear_operator import LinearOperator

COHORT_SETTINGS = dataclasses.replace(DEFAULT_EXP_SETTINGS, rtol=1e-2)
"""Default accuracy of the cohort integrator: the single run's structure at ``rtol`` 1e-2.

Against the same cohorts (200 sampled people) at ``rtol`` 2e-6, the assessed reserve,
strength, fitness, IGF-1, inflammation, serum BDNF, brain-BDNF AUC, training status and
anti-inflammatory signal of the 24-week combined and HIIT scenarios differ by at most 1.0e-3
of each one's change over the run (5e-4 at 2e-3), in 1.6x less time than at 2e-3; one
default person's 24-week aerobic reserve by 1e-3 of its value. A cohort's verdicts compare
arms that differ by percents, and people who differ by tens of percents. (Before the first
rest step was capped, ``first_rest_step_h``, tolerances above 2e-3 let that step's one-signed
error add up: 0.8 % on the reserve at 5e-3.) Parameter sets integrated with diagonal
operators keep 2e-3 (:data:`sim.numerics.member_solver.MEMBER_SETTINGS`).
"""


def reference_constants(c: Constants) -> Constants:
    """One person's constants from a cohort's: per-person arrays replaced by their medians.

    The reference person only defines the shared linear operator; each person's own
    constants stay in the right-hand side.
    """
    values = {
        key: float(np.median(value)) if isinstance(value, np.ndarray) else value
        for key, value in vars(c).items()
    }
    values["exp"] = math.exp
    return Constants(values)


class CohortIntegrator(ExponentialIntegrator):
    """ETD3RK integrator of a cohort's run (``y`` of shape ``(N_STATES, N)``).

    The single run's :class:`~sim.numerics.expint.ExponentialIntegrator` built for the reference
    person (:func:`reference_constants`): the same step-size ladder, step memory and
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

    Attributes
    ----------
    steps, rejected, operators
        Accepted and rejected steps and operators built so far (diagnostics).
    """

    def __init__(
        self, c: Constants, n: int, settings: ExponentialSettings = COHORT_SETTINGS
    ) -> None:
        self._ref = reference_constants(c)
        super().__init__(self._ref, settings)
        fast = linear_decay_rates(self._ref) > settings.fast_rate_per_h
        self._origin = np.where(fast[:, None], 0.0, initial_state(c, n))  # per person
        self._cohort_table: tuple[np.ndarray, ...] = ()
        self._buffers: _Work | None = None

    def _rebuild(self, c: Constants, t: float, y: np.ndarray) -> LinearOperator:
        """The reference person's operator, at the cohort's median slow states."""
        op = super()._rebuild(self._ref, t, np.median(y, axis=1))
        self._cohort_table = _cohort_weights(self._table, op.V)
        return op

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
        (:meth:`_Work.step`) works on everybody's states.
        """
        s = self.settings
        op, key = self._start(c, t0, y0, drive)
        lam, V, W = op.lam[:, None], op.V, op.W
        origin, inv_tol = self._origin, 1.0 / s.rtol
        w = self._work(y0.shape)
        np.copyto(w.y, y0)
        np.matmul(W, w.y, out=w.z)
        w.modal_remainder(w.n0, rhs(t0, w.y, c, drive), w.z, W, lam)

        def attempt(t: float, h: float, weights: tuple[np.ndarray, ...]) -> float:
            return inv_tol * w.step(c, drive, t, h, weights, V, W, lam, origin, s.floor)

        def failure(reason: str) -> SolverError:
            return segment_failure(label, (t0, t1), describe_drive(drive), w.y1, reason)

        for t, h, last in self._controlled_steps(key, t0, t1, attempt, failure):
            w.accept()
            if not last:
                w.modal_remainder(w.n0, rhs(t + h, w.y, c, drive), w.z, W, lam)
        return w.y.copy()

    def _step_weights(self, i: int | None, h: float) -> tuple[np.ndarray, ...]:
        """The single run's weights (:func:`_cohort_weights`) for ``(N_STATES, N)`` states."""
        if i is not None:
            return tuple(a[i] for a in self._cohort_table)
        assert self._op is not None
        return _cohort_weights(super()._step_weights(None, h), self._op.V)

    def _work(self, shape: tuple[int, ...]) -> _Work:
        if self._buffers is None or self._buffers.y.shape != shape:
            self._buffers = _Work(shape)
        return self._buffers


class _Work:
    """Preallocated arrays of one ETD3RK step for ``(N_STATES, N)`` states.

    For large cohorts every fresh temporary of that shape costs more in page faults than
    its arithmetic, so the step writes into these in place.
    """

    def __init__(self, shape: tuple[int, ...]) -> None:
        new = lambda: np.empty(shape)  # noqa: E731
        self.y, self.z, self.n0, self.y1, self.z1 = new(), new(), new(), new(), new()
        self.za, self.zb, self.na, self.nb, self.ez = new(), new(), new(), new(), new()
        self.tmp, self.delta, self.scale, self.estimates = new(), new(), new(), new()

    def modal_remainder(
        self, out: np.ndarray, f: np.ndarray, z: np.ndarray, W: np.ndarray, lam: np.ndarray
    ) -> None:
        """``out = W f - lam z``: the nonlinear remainder in modal coordinates."""
        np.matmul(W, f, out=out)
        np.multiply(lam, z, out=self.tmp)
        out -= self.tmp

    def step(
        self,
        c: Constants,
        drive: Drive,
        t: float,
        h: float,
        weights: tuple[np.ndarray, ...],
        V: np.ndarray,
        W: np.ndarray,
        lam: np.ndarray,
        origin: np.ndarray,
        floor: float,
    ) -> float:
        """One ETD3RK step from ``(t, y, z, n0)`` into ``y1, z1``; the largest error ratio.

        The ratio is that of the end-point error estimate to
        ``max(|y1 - origin|, floor)``, over every state and person (divide by ``rtol``).
        """
        e_half, hq1, e, hp1, w0, wa, wb, ve = weights
        z, n0, za, zb, na, nb, tmp = self.z, self.n0, self.za, self.zb, self.na, self.nb, self.tmp
        np.multiply(e_half, z, out=za)
        np.multiply(hq1, n0, out=tmp)
        za += tmp
        np.matmul(V, za, out=self.y1)
        self.modal_remainder(na, rhs(t + 0.5 * h, self.y1, c, drive), za, W, lam)
        np.multiply(e, z, out=self.ez)
        delta = np.multiply(na, 2.0, out=self.delta)
        np.subtract(delta, n0, out=zb)
        zb *= hp1
        zb += self.ez
        np.matmul(V, zb, out=self.y1)
        self.modal_remainder(nb, rhs(t + h, self.y1, c, drive), zb, W, lam)
        z1 = np.multiply(w0, n0, out=self.z1)
        z1 += np.multiply(wa, na, out=tmp)
        z1 += np.multiply(wb, nb, out=tmp)
        z1 += self.ez
        np.matmul(V, z1, out=self.y1)
        np.subtract(n0, delta, out=delta)  # n0 - 2 na + nb
        delta += nb
        estimates = np.matmul(ve, delta, out=self.estimates)  # end-point error estimate
        np.abs(estimates, out=estimates)
        scale = np.subtract(self.y1, origin, out=self.scale)
        np.abs(scale, out=scale)
        np.maximum(scale, floor, out=scale)
        estimates /= scale
        return float(estimates.max())

    def accept(self) -> None:
        """The step's end becomes the current state."""
        self.y, self.y1 = self.y1, self.y
        self.z, self.z1 = self.z1, self.z


def _cohort_weights(weights: tuple[np.ndarray, ...], V: np.ndarray) -> tuple[np.ndarray, ...]:
    """Single-run weights shaped for ``(N_STATES, N)`` states.

    The seven update weights get a trailing axis (one column for everybody). Of the two
    error weights ``we`` (shape ``(..., 2, N_STATES)``) only the end-point one is kept, as
    the matrix ``V diag(we_end)``: the midpoint estimate guards output sampled inside long
    steps, and cohort steps end on every assessment time instead.
    """
    *update, we = weights
    return (*(w[..., None] for w in update), V * we[..., 0, None, :])


def describe_drive(drive: Drive) -> str:
    """A drive in an error message: the largest value of each field over the cohort."""
    parts: list[Any] = [
        f"{name} max {float(np.max(getattr(drive, name))):.3g}"
        for name in ("aerobic_frac_vo2max", "resistance_frac_1rm", "sets_per_h")
    ]
    return ", ".join(parts)


def operator_groups(
    c: Constants, n: int, settings: ExponentialSettings = COHORT_SETTINGS
) -> list[np.ndarray]:
    """Indices of the members that can share a linear operator: equal fast decay rates.

    A rate is fast above ``settings.fast_rate_per_h``; slow rates and every other per-member
    constant may differ within a group. Only the per-member constants that move a decay rate
    between their extremes (the others at the reference person's) are looked at, the rates
    computed once per distinct combination of them. Groups come in the order of their first
    member, so the grouping depends only on the members' constants, in order.
    """
    ref = vars(reference_constants(c))
    base = linear_decay_rates(Constants(ref))
    columns = {k: v for k, v in vars(c).items() if isinstance(v, np.ndarray) and v.shape == (n,)}

    def rates(values: dict[str, float]) -> np.ndarray:
        return linear_decay_rates(Constants({**ref, **values}))

    relevant = [
        k
        for k, v in columns.items()
        if any(not np.array_equal(rates({k: float(x)}), base) for x in (v.min(), v.max()))
    ]
    if n == 0 or not relevant:
        return [np.arange(n)]
    table = np.stack([columns[k] for k in relevant], axis=1)
    rows, inverse = np.unique(table, axis=0, return_inverse=True)
    fast = np.array([rates(dict(zip(relevant, map(float, row), strict=True))) for row in rows])
    fast = np.where(fast > settings.fast_rate_per_h, fast, 0.0)[inverse.reshape(-1)]
    _, first, group_of = np.unique(fast, axis=0, return_index=True, return_inverse=True)
    group_of = group_of.reshape(-1)
    return [np.flatnonzero(group_of == g) for g in np.argsort(first, kind="stable")]


def _take(value: Any, n: int, members: np.ndarray) -> Any:
    """``value[members]`` for a per-member array (shape ``(n,)``), else ``value``."""
    return value[members] if isinstance(value, np.ndarray) and value.shape == (n,) else value


def subset_constants(c: Constants, n: int, members: np.ndarray) -> Constants:
    """The constants of some members (per-member arrays indexed by ``members``)."""
    return Constants({key: _take(value, n, members) for key, value in vars(c).items()})


def subset_drive(drive: Drive, n: int, members: np.ndarray) -> Drive:
    """The drive of some members (per-member fields indexed by ``members``)."""
    return Drive(*(_take(getattr(drive, f.name), n, members) for f in dataclasses.fields(Drive)))


class GroupedCohortIntegrator:
    """A :class:`CohortIntegrator` per group of :func:`operator_groups`, with its interface.

    With one group (the usual case) it is that group's integrator, without any copying.
    """

    def __init__(
        self, c: Constants, n: int, settings: ExponentialSettings = COHORT_SETTINGS
    ) -> None:
        self.n = n
        self.groups = operator_groups(c, n, settings)
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
