"""One ETD3RK step for a whole cohort, in preallocated arrays.

:class:`sim.numerics.cohort_solver.CohortIntegrator` controls the steps; :class:`Work` takes
them on states of shape ``(N_STATES, N)`` with the shared operator's modal transforms
(:func:`cohort_weights` shapes the single run's weights for it), and in a session pins the
muscle IL-6 signal to its closed form (:func:`pin`, :mod:`sim.numerics.saturating`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.model.constants import Constants
from sim.model.drive import Drive
from sim.numerics.saturating import SIGNAL
from sim.numerics.transients import ErrorTransfer, error_ratio


class Work:
    """Preallocated arrays of one ETD3RK step for ``(N_STATES, N)`` states.

    For large cohorts every fresh temporary of that shape costs more in page faults than
    its arithmetic, so the step writes into these in place; and arrays are reused once their
    values are spent, because a step's working set must stay in the processor's shared cache
    while other blocks run beside it (two 5,000-person blocks side by side took 10 % longer
    each than one alone, two of 3,500 no longer).

    ``y`` holds the state at the end of the last attempt: after :meth:`accept`, the current
    state. ``tmp`` is free whenever the right-hand side is called (the caller's function may
    write its input there).
    """

    def __init__(self, shape: tuple[int, ...]) -> None:
        new = lambda: np.empty(shape)  # noqa: E731
        self.y, self.z, self.n0 = new(), new(), new()
        self.za, self.zb, self.na, self.nb = new(), new(), new(), new()
        self.tmp, self.delta = new(), new()
        self.rate = new()  # the right-hand side's output (its input may be scaled into tmp)

    def modal_remainder(
        self, out: np.ndarray, f: np.ndarray, z: np.ndarray, W: np.ndarray, lam: np.ndarray
    ) -> None:
        """``out = W f - lam z``: the nonlinear remainder in modal coordinates."""
        np.matmul(W, f, out=out)
        np.multiply(lam, z, out=self.tmp)
        out -= self.tmp

    def step(
        self,
        f: Any,
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
        pinned: tuple[np.ndarray, np.ndarray] | None = None,
        transfer: ErrorTransfer | None = None,
    ) -> float:
        """One ETD3RK step from ``(t, z, n0)`` into ``y`` (and its modal states, which
        :meth:`accept` makes the current ones); the largest error ratio.

        The ratio is that of the end-point error estimate to
        ``max(|y - origin|, floor)``, over every state and person (divide by ``rtol``).
        ``pinned``: the IL-6 signal's exact values at the step's midpoint and end (in a
        session), which the stages and the end take instead of their own, without an error
        estimate. ``transfer``: the fast states' errors counted by what they pass on
        (:mod:`sim.numerics.transients`).
        """
        e_half, hq1, e, hp1, w0, wa, wb, ve = weights
        z, n0, za, zb, na, nb, tmp = self.z, self.n0, self.za, self.zb, self.na, self.nb, self.tmp
        np.multiply(e_half, z, out=za)
        np.multiply(hq1, n0, out=tmp)
        za += tmp
        if pinned:
            pin(za, pinned[0], V, W, tmp)
        np.matmul(V, za, out=self.y)
        self.modal_remainder(na, f(t + 0.5 * h, self.y, c, drive), za, W, lam)
        ez = np.multiply(e, z, out=za)  # za is spent
        delta = np.multiply(na, 2.0, out=self.delta)
        np.subtract(delta, n0, out=zb)
        zb *= hp1
        zb += ez
        if pinned:
            pin(zb, pinned[1], V, W, tmp)
        np.matmul(V, zb, out=self.y)
        self.modal_remainder(nb, f(t + h, self.y, c, drive), zb, W, lam)
        z1 = np.multiply(w0, n0, out=zb)  # zb is spent
        z1 += np.multiply(wa, na, out=tmp)
        z1 += np.multiply(wb, nb, out=tmp)
        z1 += ez
        if pinned:
            pin(z1, pinned[1], V, W, tmp)
        np.matmul(V, z1, out=self.y)
        np.subtract(n0, delta, out=delta)  # n0 - 2 na + nb
        delta += nb
        estimates = np.matmul(ve, delta, out=za)  # end-point error estimate (za is spent)
        np.abs(estimates, out=estimates)
        if pinned:
            estimates[SIGNAL] = 0.0
        return error_ratio(estimates, self.y, origin, floor, transfer, tmp, delta)

    def accept(self) -> None:
        """The step's end becomes the current state (``y`` already holds it)."""
        self.z, self.zb = self.zb, self.z


def pin(
    z: np.ndarray, value: np.ndarray, V: np.ndarray, W: np.ndarray, tmp: np.ndarray | None = None
) -> None:
    """Move modal states ``z`` in place so that ``(V z)`` takes ``value`` as its IL-6 signal
    and keeps every other state (a rank-one update along ``W``'s column of the signal);
    ``tmp``, if given, is a scratch array of ``z``'s shape."""
    z += np.multiply(W[:, SIGNAL, None], (value - V[SIGNAL] @ z)[None, :], out=tmp)


def cohort_weights(weights: tuple[np.ndarray, ...], V: np.ndarray) -> tuple[np.ndarray, ...]:
    """Single-run weights shaped for ``(N_STATES, N)`` states.

    The seven update weights get a trailing axis (one column for everybody). Of the two
    error weights ``we`` (shape ``(..., 2, N_STATES)``) only the end-point one is kept, as
    the matrix ``V diag(we_end)``: the midpoint estimate guards output sampled inside long
    steps, and cohort steps end on every assessment time instead.
    """
    *update, we = weights
    return (*(w[..., None] for w in update), V * we[..., 0, None, :])
