"""One ETD3RK step for a whole cohort, in few arrays.

:class:`sim.numerics.cohort_solver.CohortIntegrator` controls the steps; :class:`Work` takes
them on states of shape ``(S, N)`` (the ``S`` states integrated, :mod:`sim.numerics.subsystem`)
with the shared operator's modal transforms (:class:`Transforms`; :func:`cohort_weights`
shapes the single run's weights for them), and in a session pins the muscle IL-6 signal to its
closed form (:func:`pin`, :mod:`sim.numerics.saturating`).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import scipy.sparse

from sim.model.constants import Constants
from sim.model.drive import Drive
from sim.model.state import N_STATES
from sim.numerics.saturating import SIGNAL
from sim.numerics.transients import ErrorTransfer, error_ratio

SPARSE_SHARE = 0.2
"""An operator's modal transforms go through a sparse kernel when at most this share of their
entries is non-zero. Eigenvectors of an operator hold 47-95 of 24 x 24 entries: a product with
5,000 people's states took 75-127 us against 180 us for the dense product (break-even near a
share of 0.25)."""


class Transforms:
    """An operator's eigenvectors ``V`` and their inverse ``W``, applied to states of shape
    ``(S, N)``: ``states(z) = V z``, ``modes(y) = W y`` (new arrays; sparse products
    where the matrices are mostly zeros, :data:`SPARSE_SHARE`). Each person's column takes
    the same arithmetic whoever else is in the cohort. ``signal``: the row of the muscle IL-6
    signal among the states (``None`` if it is not integrated).

    ``rate_modes(f) = W f`` for the rates ``f`` the right-hand side gives: of the states
    integrated, or with ``columns`` (their indices among every state) of every state, the
    others' rows ignored (``W`` with zero columns for them: the same products, no gather).
    """

    def __init__(
        self,
        V: np.ndarray,
        W: np.ndarray,
        signal: int | None = SIGNAL,
        columns: np.ndarray | None = None,
    ) -> None:
        self.V, self.W, self.signal = V, W, signal
        self.states, self.modes = _product(V), _product(W)
        self.rate_modes = self.modes
        if columns is not None:
            spread = np.zeros((W.shape[0], N_STATES))
            spread[:, columns] = W
            self.rate_modes = _product(spread)


def _product(matrix: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """``x -> matrix @ x``, through a sparse kernel if ``matrix`` is mostly zeros."""
    if np.count_nonzero(matrix) <= SPARSE_SHARE * matrix.size:
        return partial(operator.matmul, scipy.sparse.csr_array(matrix))
    return partial(np.matmul, matrix)


class Work:
    """Arrays of one ETD3RK step for ``(S, N)`` states.

    For large cohorts every fresh temporary of that shape costs time, so the step writes into
    these in place where it can (the products with the modal transforms return new arrays);
    and arrays are reused once their values are spent, because a step's working set must stay
    in the processor's shared cache while other blocks run beside it (two 5,000-person blocks
    side by side took ~10 % longer each than one alone, two of 3,500 no longer:
    ``benchmarks/blocks_side_by_side.py``).

    ``y`` holds the state at the end of the last attempt: after :meth:`accept`, the current
    state. ``tmp`` is free whenever the right-hand side is called (the caller's function may
    write its input there).
    """

    def __init__(self, shape: tuple[int, ...]) -> None:
        new = lambda: np.empty(shape)  # noqa: E731
        self.za, self.zb, self.tmp, self.delta = new(), new(), new(), new()
        self.rate = new()  # the right-hand side's output (its input may be scaled into tmp)
        # set by start: the state, its modal states and their remainder (none written in place)
        self.y: np.ndarray
        self.z: np.ndarray
        self.n0: np.ndarray

    def start(self, y0: np.ndarray, rate: np.ndarray, T: Transforms, lam: np.ndarray) -> None:
        """Begin at state ``y0`` (not written to) whose rate is ``rate``."""
        self.y = y0
        self.z = T.modes(y0)
        self.n0 = self.modal_remainder(rate, self.z, T, lam)

    def modal_remainder(
        self, f: np.ndarray, z: np.ndarray, T: Transforms, lam: np.ndarray
    ) -> np.ndarray:
        """``W f - lam z``: the nonlinear remainder in modal coordinates (a new array)."""
        out = T.rate_modes(f)
        out -= np.multiply(lam, z, out=self.tmp)
        return out

    def step(
        self,
        f: Any,
        c: Constants,
        drive: Drive,
        t: float,
        h: float,
        weights: tuple[np.ndarray, ...],
        T: Transforms,
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
        e_half, hq1, e, hp1, w0, wa, wb, we = weights
        z, n0, za, zb, tmp = self.z, self.n0, self.za, self.zb, self.tmp
        np.multiply(e_half, z, out=za)
        za += np.multiply(hq1, n0, out=tmp)
        if pinned:
            pin(za, pinned[0], T, tmp)
        y = T.states(za)
        na = self.modal_remainder(f(t + 0.5 * h, y, c, drive), za, T, lam)
        ez = np.multiply(e, z, out=za)  # za is spent
        delta = np.multiply(na, 2.0, out=self.delta)
        delta -= n0  # 2 na - n0
        np.multiply(delta, hp1, out=zb)
        zb += ez
        if pinned:
            pin(zb, pinned[1], T, tmp)
        y = T.states(zb)
        nb = self.modal_remainder(f(t + h, y, c, drive), zb, T, lam)
        z1 = np.multiply(w0, n0, out=zb)  # zb is spent
        z1 += np.multiply(wa, na, out=tmp)
        z1 += np.multiply(wb, nb, out=tmp)
        z1 += ez
        if pinned:
            pin(z1, pinned[1], T, tmp)
        self.y = T.states(z1)
        np.subtract(nb, delta, out=delta)  # n0 - 2 na + nb (the same bits as in that order)
        delta *= we
        estimates = T.states(delta)  # the end-point error estimate
        np.abs(estimates, out=estimates)
        if pinned:
            estimates[T.signal] = 0.0
        return error_ratio(estimates, self.y, origin, floor, transfer, tmp, delta)

    def accept(self, rate: np.ndarray | None, T: Transforms, lam: np.ndarray) -> None:
        """The step's end becomes the current state (``y`` already holds it), ``rate`` its
        rate (pass ``None`` after the segment's last step)."""
        self.z, self.zb = self.zb, self.z
        if rate is not None:
            self.n0 = self.modal_remainder(rate, self.z, T, lam)


def pin(z: np.ndarray, value: np.ndarray, T: Transforms, tmp: np.ndarray | None = None) -> None:
    """Move modal states ``z`` in place so that ``(V z)`` takes ``value`` as its IL-6 signal
    and keeps every other state (a rank-one update along ``W``'s column of the signal);
    ``tmp``, if given, is a scratch array of ``z``'s shape."""
    V, W, row = T.V, T.W, T.signal
    z += np.multiply(W[:, row, None], (value - V[row] @ z)[None, :], out=tmp)


def cohort_weights(weights: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """Single-run weights shaped for ``(S, N)`` states.

    The seven update weights get a trailing axis (one column for everybody). Of the two
    error weights ``we`` (shape ``(..., 2, S)``) only the end-point one is kept: the
    midpoint estimate guards output sampled inside long steps, and cohort steps end on every
    assessment time instead.
    """
    *update, we = weights
    return (*(w[..., None] for w in update), we[..., 0, :, None])
