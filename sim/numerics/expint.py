r"""Exponential integrator: ETD3RK in the eigenbasis of the model's linear part.

The default integrator of single runs (:func:`sim.numerics.solver.integrate` dispatches to
:func:`integrate_segment_exp`); cohorts run the same scheme for many people at once
(:mod:`sim.numerics.cohort_solver`). Each call covers one segment of constant drive.

Why not LSODA
-------------
The model is stiff at rest: the myokines clear in minutes to hours while the reserve decays
over a year. After every bout LSODA stays in its non-stiff Adams mode for about 16 h with
steps of 0.1-0.3 h, limited by stability rather than accuracy, and a 24-week run costs some
44 000 right-hand-side calls. An exponential integrator solves the stiff linear part exactly
and needs steps only where the *nonlinear* remainder changes.

Exponential integrator (default)
--------------------------------
Split the right-hand side into a constant linear part and a remainder,

.. math::
    \dot y = L y + N(t, y), \qquad N(t, y) = f(t, y) - L y,

which is exact for any :math:`L`; the better :math:`L` captures the fast dynamics, the
smoother :math:`N` is and the longer the steps can be.

*The linear operator* :math:`L` (:func:`sim.numerics.linear_operator.linear_operator`) is the model's
own Jacobian at rest, with the fast states at their resting values and the slow ones at their
current values, rebuilt every ``refresh_h`` of simulated time (at the start of a rest
segment); its eigendecomposition is :math:`L = V \Lambda V^{-1}` (the construction, why the
eigenvalues are real and the fallbacks: :mod:`sim.numerics.linear_operator`). In :math:`z = V^{-1} y`
the linear part is diagonal, :math:`\dot z = \Lambda z + n` with :math:`n = V^{-1} N = V^{-1}
f - \Lambda z`, and every matrix function is a scalar function per mode.

*The scheme* is ETD3RK (Cox & Matthews 2002, J Comput Phys 176:430;
review: Hochbruck & Ostermann 2010, Acta Numerica 19:209). With
:math:`\varphi_0(x) = e^x`, :math:`\varphi_{k+1}(x) = (\varphi_k(x) - 1/k!)/x` evaluated at
:math:`h\Lambda` unless marked:

.. math::
    a &= e^{h\Lambda/2} z_n + \tfrac{h}{2}\, \varphi_1(h\Lambda/2)\, n(t_n, z_n) \\
    b &= e^{h\Lambda} z_n + h\, \varphi_1 \big(2 n(t_n + h/2, a) - n(t_n, z_n)\big) \\
    z_{n+1} &= e^{h\Lambda} z_n + h \big[(\varphi_1 - 3\varphi_2 + 4\varphi_3)\, n_0
               + 4 (\varphi_2 - 2\varphi_3)\, n_a + (4\varphi_3 - \varphi_2)\, n_b\big]

This is the variation-of-constants formula with :math:`n` replaced by its quadratic
interpolant through :math:`n_0, n_a, n_b` at :math:`0, h/2, h`. Replacing it by the linear
interpolant through :math:`n_0, n_b` gives a second-order (ETD2) solution; their difference
at the end of the step, and that of the two continuous extensions (below) at its midpoint,

.. math::
    e_{n+1} = V\, h\, (4\varphi_3 - 2\varphi_2)\, \delta, \qquad
    e_{n+1/2} = V\, \tfrac{h}{2}\, \big(\varphi_3(h\Lambda/2) - \varphi_2(h\Lambda/2)\big)\,
    \delta, \qquad \delta = n_0 - 2 n_a + n_b,

estimate the local errors (the midpoint one guards the sampled output inside long steps,
where a stiff mode forgets the start of the step and the end-point estimate is small). A step
is accepted when both are within :math:`\mathrm{rtol} \max(|y_{n+1} - y^\circ|,
\mathrm{floor})` in every state, with :math:`y^\circ` the resting value for slow states and 0
for fast ones: the model's summary metrics are *changes* of slow states (inflammation,
strength, IGF-1) that can be a few percent of their values. The third-order solution is kept
(local extrapolation). Step sizes come from a ladder :math:`h = 2^{k/4}` h, so
:math:`e^{h\Lambda}` and the :math:`\varphi_k` are tabulated once per operator; only the last
step of a segment, which ends on the segment boundary (stretched up to ``last_step_stretch``
ladder steps rather than leaving a sliver), is evaluated on its own. Each segment starts with
the step its predecessor of the same kind (the same exercise modality, or rest after it)
found right, at most ``first_rest_step_h`` at rest (a session's transients would otherwise
leave an error of the same sign after every session, which adds up over a programme), and
steps grow by at most ``max_growth``.

*Output* between step ends uses the same interpolant, integrated up to :math:`\tau \le h`:

.. math::
    z(t_n + \tau) = e^{\tau\Lambda} z_n + \tau \varphi_1(\tau\Lambda)\, n_0
        + \tau^2 \varphi_2(\tau\Lambda)\, D_1 + 2 \tau^3 \varphi_3(\tau\Lambda)\, D_2,

with :math:`D_1 = (-3 n_0 + 4 n_a - n_b)/h` and :math:`D_2 = 2 (n_0 - 2 n_a + n_b)/h^2`;
at :math:`\tau = h` it reproduces :math:`z_{n+1}`, so sampling adds no steps.

The integrator keeps per-run state (the operator and step-size memory) in an
:class:`ExponentialIntegrator` cached per :class:`~sim.model.constants.Constants` object, so
the plain function call of :func:`integrate_segment_exp` needs no extra arguments.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Iterator

import numpy as np

from sim.errors import SolverError
from sim.model.constants import Constants
from sim.model.drive import Drive, any_positive
from sim.model.rhs import initial_state, linear_decay_rates, rhs
from sim.numerics.etd3 import DEFAULT_EXP_SETTINGS, ExponentialSettings, etd3_weights, phi_functions
from sim.numerics.linear_operator import LinearOperator, linear_operator


class ExponentialIntegrator:
    """ETD3RK integrator of one person's run (see the module docstring).

    Keeps what carries over between segments: the linear operator with its tabulated step
    weights, and the first step size that suited each kind of segment. It holds no reference
    to ``c`` itself (so a cache keyed weakly by ``c`` can drop it); pass the same ``c`` to
    every :meth:`segment` call, in time order.

    Parameters
    ----------
    c
        Per-run constants of one person.
    settings
        Accuracy and structure.

    Attributes
    ----------
    steps, rejected, operators
        Accepted and rejected steps and operators built so far (diagnostics).
    """

    def __init__(self, c: Constants, settings: ExponentialSettings = DEFAULT_EXP_SETTINGS) -> None:
        self.settings = settings
        self._c_vec = c.vectorised()
        self._y_rest = initial_state(c)
        slow = linear_decay_rates(c) <= settings.fast_rate_per_h
        self._origin = np.where(slow, self._y_rest, 0.0)
        per_octave = settings.steps_per_octave
        self._kmin = math.floor(per_octave * math.log2(settings.min_step_h))
        self._kmax = math.floor(per_octave * math.log2(settings.max_step_h) + 1e-9)
        self._h = [2.0 ** (k / per_octave) for k in range(self._kmin, self._kmax + 1)]
        self._grow = self._ladder(settings.max_growth)
        self._op: LinearOperator | None = None
        self._states: np.ndarray | None = None  # the states integrated (None: all)
        self._table: tuple[np.ndarray, ...] = ()
        self._ladder_weights: list[tuple[np.ndarray, ...] | None] = []
        self._odd_weights: dict[float, tuple[np.ndarray, ...]] = {}
        self._first_k: dict[tuple[bool, ...], int] = {}
        self._last_kind: tuple[bool, ...] = (False, False, False)
        self.steps = self.rejected = self.operators = 0

    @property
    def operator(self) -> LinearOperator | None:
        """The linear operator in use (``None`` before the first segment)."""
        return self._op

    def _rebuild(self, c: Constants, t: float, y: np.ndarray) -> LinearOperator:
        op = linear_operator(c, t, y, self.settings, self._c_vec, self._y_rest, states=self._states)
        self._op = op
        self._table = etd3_weights(np.array(self._h)[:, None], op.lam)
        self._ladder_weights = [None] * len(self._h)
        self._odd_weights = {}
        self.operators += 1
        return op

    def _ladder(self, factor: float) -> int:
        """Ladder steps to move for a step-size factor (rounded down)."""
        return math.floor(self.settings.steps_per_octave * math.log2(factor))

    def _weights(self, i: int) -> tuple[np.ndarray, ...]:
        """Tabulated weights of ladder step ``i`` (counted from the shortest)."""
        w = self._ladder_weights[i]
        if w is None:
            w = self._ladder_weights[i] = tuple(a[i] for a in self._table)
        return w

    def _odd(self, h: float, lam: np.ndarray) -> tuple[np.ndarray, ...]:
        """Weights of a step off the ladder (the last of a segment); repeats are cached."""
        w = self._odd_weights.get(h)
        if w is None:
            w = etd3_weights(h, lam)
            if len(self._odd_weights) < 512:
                self._odd_weights[h] = w
        return w

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
        """Integrate over ``[t0, t1]`` with constant ``drive``.

        Parameters and return values are those of :func:`integrate_segment_exp`.

        Raises
        ------
        SolverError
            If the state becomes non-finite or the step size falls below ``min_step_h``.
        """
        s = self.settings
        op, key = self._start(c, t0, y0, drive)
        lam, V, W, VT = op.lam, op.V, op.W, op.V.T
        floor, origin, inv_tol = s.floor, self._origin, 1.0 / s.rtol
        record = len(t_out) > 0
        steps: list[tuple[float, float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        trial: list[np.ndarray] = []  # z1, y1, na, nb of the last step tried
        y, z = y0, W @ y0
        n0 = W @ rhs(t0, y, c, drive) - lam * z

        def attempt(t: float, h: float, weights: tuple[np.ndarray, ...]) -> float:
            e_half, hq1, e, hp1, w0, wa, wb, we = weights
            za = e_half * z + hq1 * n0
            na = W @ rhs(t + 0.5 * h, V @ za, c, drive) - lam * za
            ez = e * z
            zb = ez + hp1 * (2.0 * na - n0)
            nb = W @ rhs(t + h, V @ zb, c, drive) - lam * zb
            z1 = ez + w0 * n0 + wa * na + wb * nb
            y1 = V @ z1
            trial[:] = (z1, y1, na, nb)
            return inv_tol * float(
                (
                    np.abs((we * (n0 - 2.0 * na + nb)) @ VT)
                    / np.maximum(np.abs(y1 - origin), floor)
                ).max()
            )

        def failure(reason: str) -> SolverError:
            return segment_failure(label, (t0, t1), str(drive), trial[1], reason)

        for t, h, last in self._controlled_steps(key, t0, t1, attempt, failure):
            z1, y1, na, nb = trial
            if record:
                steps.append((t, h, z, n0, na, nb))
            z, y = z1, y1
            if not last:
                n0 = W @ rhs(t + h, y, c, drive) - lam * z
        if not record:
            return np.empty((0, len(y0))), y
        return self._dense(steps, np.asarray(t_out, dtype=float)), y

    def _start(
        self, c: Constants, t0: float, y0: np.ndarray, drive: Drive
    ) -> tuple[LinearOperator, tuple[bool, ...]]:
        """A segment's operator and step-memory key."""
        active = drive.active
        kind = (
            active,
            any_positive(drive.aerobic_frac_vo2max),
            any_positive(drive.resistance_frac_1rm),
        )
        key = kind if active else (False, *self._last_kind[1:])  # rest after what
        self._last_kind = kind
        return self._operator(c, t0, y0, drive), key

    def _operator(self, c: Constants, t0: float, y0: np.ndarray, drive: Drive) -> LinearOperator:
        """The operator in use, rebuilt at the start of rest when due."""
        op = self._op
        if op is None or (not drive.active and not 0.0 <= t0 - op.t_h < self.settings.refresh_h):
            op = self._rebuild(c, t0, y0)
        return op

    def _step_weights(self, i: int | None, h: float) -> tuple[np.ndarray, ...]:
        """Weights of ladder step ``i``, or of the off-ladder step ``h`` if ``i`` is None."""
        assert self._op is not None
        return self._odd(h, self._op.lam) if i is None else self._weights(i)

    def _controlled_steps(
        self,
        key: tuple[bool, ...],
        t0: float,
        t1: float,
        attempt: Callable[[float, float, tuple[np.ndarray, ...]], float],
        failure: Callable[[str], SolverError],
    ) -> Iterator[tuple[float, float, bool]]:
        """The step-size control of one segment; yields every accepted step ``(t, h, last)``.

        ``attempt(t, h, weights)`` computes a step and returns its error ratio (accepted if
        at most 1); ``failure(reason)`` builds the error raised when the step size falls
        below ``min_step_h``. The caller takes each accepted step before the next is tried.
        """
        s = self.settings
        kmin, kmax, grow, hs, ladder = self._kmin, self._kmax, self._grow, self._h, self._ladder
        hmax, stretch = max(s.max_step_h, hs[-1]), s.last_step_stretch
        k = min(self._first_k.get(key, ladder(1.0 / 60.0)), kmax)
        if not key[0]:  # rest: the first step no longer than first_rest_step_h
            k = min(k, ladder(s.first_rest_step_h))
        first = True
        cap = math.inf  # longest step allowed right after a rejection
        t = t0
        while True:
            h = hs[k - kmin]
            last = t1 - t <= min(stretch * h, hmax, cap)  # then end on t1 (no sliver of a step)
            if last:
                h = t1 - t
            err = attempt(t, h, self._step_weights(None if last else k - kmin, h))
            if not err <= 1.0:  # also when err is NaN
                self.rejected += 1
                cap = h * (max(0.9 / err ** (1.0 / 3.0), 0.1) if err < 1e30 else 0.1)
                k = min(k - 1, ladder(cap))
                if k < kmin:
                    raise failure(f"the step size fell below {s.min_step_h:g} h")
                continue
            cap = math.inf
            self.steps += 1
            dk = min(grow, ladder(0.9 / max(err, 1e-12) ** (1.0 / 3.0)))
            if first:
                self._first_k[key] = min(kmax, max(kmin, (ladder(h) if last else k) + dk))
                first = False
            yield t, h, last
            if last:
                return
            t += h
            k = min(kmax, k + dk)

    def _dense(
        self,
        steps: list[tuple[float, float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
        t_out: np.ndarray,
    ) -> np.ndarray:
        """States at ``t_out`` from the quadratic interpolant of ``n`` within each step."""
        assert self._op is not None
        lam, V = self._op.lam, self._op.V
        starts = np.array([st[0] for st in steps])
        idx = np.searchsorted(starts, t_out, side="right") - 1
        h = np.array([st[1] for st in steps])[idx, None]
        z, n0, na, nb = np.array([st[2:] for st in steps])[idx].transpose(1, 0, 2)
        tau = (t_out - starts[idx])[:, None]
        theta = tau / h
        e, p1, p2, p3 = phi_functions(tau * lam)
        d1 = 4.0 * na - 3.0 * n0 - nb
        d2 = 4.0 * theta * (n0 - 2.0 * na + nb)
        modal = e * z + tau * (p1 * n0 + theta * (p2 * d1 + p3 * d2))
        return modal @ V.T


def segment_failure(
    label: str, span: tuple[float, float], drive: str, y: np.ndarray, reason: str
) -> SolverError:
    """The error of a failed segment: where, with which drive, and why (a non-finite state
    in ``y``, the last step tried, or ``reason``)."""
    if not np.all(np.isfinite(y)):
        reason = "the state became non-finite"
    return SolverError(
        f"integration failed on segment {label} [{span[0]:.4f} h, {span[1]:.4f} h] "
        f"(drive {drive}): {reason}"
    )


_integrators: weakref.WeakKeyDictionary[Constants, ExponentialIntegrator] = (
    weakref.WeakKeyDictionary()
)


def integrator_for(c: Constants) -> ExponentialIntegrator:
    """The :class:`ExponentialIntegrator` of a run, created on first use for ``c``.

    It lives as long as ``c`` does, so every run (one
    :func:`~sim.model.constants.compile_constants` call) gets its own.
    """
    integ = _integrators.get(c)
    if integ is None:
        integ = _integrators[c] = ExponentialIntegrator(c)
    return integ


def integrate_segment_exp(
    c: Constants,
    y0: np.ndarray,
    t0: float,
    t1: float,
    drive: Drive,
    t_out: np.ndarray,
    label: str = "",
) -> tuple[np.ndarray, np.ndarray]:
    """Integrate one person over ``[t0, t1]`` with constant ``drive`` (exponential, ETD3RK).

    Segments of one run must be integrated in order with the same ``c``: the run's
    :class:`ExponentialIntegrator` (see :func:`integrator_for`) carries the linear operator
    and step sizes from one segment to the next.

    Parameters
    ----------
    c, y0, drive
        Per-run constants, the state at ``t0`` (shape ``(N_STATES,)``) and the drive.
    t0, t1
        Segment start and end [h], ``t1 > t0``.
    t_out
        Sorted times strictly inside ``(t0, t1)`` at which to report the state.
    label
        Where this segment sits (scenario and segment), for the error message.

    Returns
    -------
    states_out, y1
        States at ``t_out`` (shape ``(len(t_out), N_STATES)``) and the state at ``t1``.

    Raises
    ------
    SolverError
        If the state becomes non-finite or the step size collapses.
    """
    return integrator_for(c).segment(c, y0, t0, t1, drive, t_out, label)
