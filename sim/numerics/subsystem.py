"""Integrating part of the states: those that the states a caller reads depend on.

A trial reads its outcome, strength and fitness; no other state's rate reads the FGF-21 chain,
serum BDNF or the brain-BDNF AUC, so these five of 24 states need not be integrated for it
(:func:`sim.model.equations.states_upstream` finds such sets from the equations). The states
that are integrated form a system of their own: its linear operator is the restriction of the
whole one (the other states do not enter it), and every array of a step has rows for those
states only. The right-hand side is still evaluated on all states, the others held at their
values at the segment's start (no integrated state's rate reads them), except that it leaves
out the rates of those it can (``rhs``'s ``omit``: the FGF-21 chain, serum BDNF).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np

from sim.model.constants import Constants
from sim.model.drive import Drive
from sim.model.equations import states_upstream
from sim.model.rhs import rhs
from sim.model.state import N_STATES, STATE_NAMES

Rate = Callable[[float, np.ndarray, Constants, Drive], np.ndarray]


class Subsystem:
    """The states integrated (``states``: indices in state order, ``None`` for all), and
    the right-hand side on them.

    Attributes
    ----------
    states
        Indices of the states integrated (``None``: all).
    integrated
        The same as a mask over the states (``None``: all).
    omitted
        The names of the states not integrated.
    """

    def __init__(self, states: np.ndarray | None = None) -> None:
        self.states = states
        self.integrated = None if states is None else np.isin(np.arange(N_STATES), states)
        self.omitted = frozenset(
            () if states is None else set(STATE_NAMES) - {STATE_NAMES[i] for i in states}
        )
        self._runs = _runs(states)
        self._full: tuple[np.ndarray, np.ndarray] | None = None  # all states, and their rates

    @classmethod
    def reading(cls, reported: Sequence[str] | None, steering: Sequence[str] = ()) -> Subsystem:
        """What ``reported`` (``None``: every state) and ``steering`` depend on."""
        if reported is None:
            return cls()
        needed = np.isin(STATE_NAMES, states_upstream((*reported, *steering)))
        return cls(None if needed.all() else np.flatnonzero(needed))

    @property
    def rows(self) -> slice | np.ndarray:
        """Index of the integrated states' rows in an array of every state."""
        return slice(None) if self.states is None else self.states

    def row(self, state: int) -> int | None:
        """Where ``state`` is among the integrated states (``None`` if it is not one)."""
        if self.states is None:
            return state
        where = np.flatnonzero(self.states == state)
        return int(where[0]) if where.size else None

    def put(self, y0: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Every state: the integrated ones from ``y``, the others from ``y0`` (new array)."""
        if self.states is None:
            return y.copy()
        out = y0.copy()
        out[self.states] = y
        return out

    def rate(
        self, y0: np.ndarray, scale: np.ndarray | None, rate: np.ndarray, tmp: np.ndarray
    ) -> Rate:
        """The right-hand side on the integrated states, scaled by ``scale`` (``y / scale``
        are the states, ``rate * scale`` their rates); the states not integrated are held at
        their values in ``y0``. With every state integrated the rates go into ``rate`` (and
        ``tmp``, of its shape, is scratch); otherwise the function returns the rates of every
        state, the integrated ones' rows to be read
        (:attr:`sim.numerics.cohort_step.Transforms.rate_modes` with ``columns``).

        Rows whose scale is 1 for everybody are copied instead of divided and multiplied
        (the same values: x / 1 and x * 1 are x).
        """
        if self.states is None and scale is None:
            return lambda t, y, c, d: rhs(t, y, c, d, out=rate)
        runs = self._runs if self.states is not None else [(0, len(y0), 0, len(y0))]
        unit = np.ones(len(rate), dtype=bool) if scale is None else np.all(scale == 1.0, axis=1)
        divisor = rate if scale is None else scale  # rate: never used (every row has scale 1)
        pieces = [
            (a + k - i, a + m - i, k, m, bool(unit[k]))
            for a, _, i, j in runs
            for k, m in _split(unit, i, j)
        ]
        if self.states is None:  # every state: work in tmp, the rates straight into rate
            full, full_rate = tmp, rate
        else:
            if self._full is None or self._full[0].shape != y0.shape:
                self._full = (np.empty_like(y0), np.empty_like(y0))
            full, full_rate = self._full
            full[...] = y0

        def f(t: float, y: np.ndarray, c: Constants, d: Drive) -> np.ndarray:
            for a, b, i, j, one in pieces:  # states a:b of all are i:j of the integrated
                if one:
                    full[a:b] = y[i:j]
                else:
                    np.divide(y[i:j], divisor[i:j], out=full[a:b])
            rhs(t, full, c, d, out=full_rate, omit=self.omitted)
            for a, b, i, j, one in pieces:
                if not one:
                    np.multiply(full_rate[a:b], divisor[i:j], out=full_rate[a:b])
            return full_rate

        return f


def _split(unit: np.ndarray, i: int, j: int) -> list[tuple[int, int]]:
    """Rows ``i:j`` cut where ``unit`` changes."""
    cuts = [i, *(k for k in range(i + 1, j) if unit[k] != unit[k - 1]), j]
    return list(itertools.pairwise(cuts))


def _runs(states: np.ndarray | None) -> list[tuple[int, int, int, int]]:
    """Runs of consecutive integrated states, ``(a, b, i, j)``: states ``a:b`` of all are
    ``i:j`` of the integrated ones (none if all are integrated)."""
    if states is None:
        return []
    breaks = np.flatnonzero(np.diff(states) != 1) + 1
    starts, stops = np.r_[0, breaks], np.r_[breaks, len(states)]
    return [(int(states[i]), int(states[j - 1]) + 1, int(i), int(j)) for i, j in zip(starts, stops)]
