r"""The local error of a fast state nobody reads, counted by what it passes on.

Ensembles often read a few states only: a parameter-set ensemble the states of its summary
metrics (strength, fitness, the reserve, inflammation, ...), a trial the outcome's, strength
and fitness. A fast state such as plasma IL-6 matters there only through the states it
drives, and held to the tolerance itself it set most steps in and after sessions. What it
passes on is counted instead (:class:`sim.numerics.member_solver.MemberOperatorIntegrator`
and :class:`sim.numerics.cohort_solver.CohortIntegrator` given ``reported``):

- **Along a coupling the operator holds**, nothing needs adding. In modal coordinates the
  downstream state's forcing carries the fast state's (:math:`W` mixes them), so the
  downstream state's own error estimate already includes the error of what it takes up.
- **Along a coupling left explicit** (two rates on a chain too close to be moved apart, a
  loop), the downstream estimate does not see it. A local error :math:`e_j` left in fast
  state :math:`j` fades at :math:`j`'s own rate :math:`k_j`; while it fades it adds
  :math:`|J_{ij}| e_j / k_j` to a state :math:`i` that :math:`j` drives (its peak,
  :math:`/\max(k_i, k_j)`, in a fast state that is read), and through fast intermediates the
  product of such factors along the chain. The error estimate of every state that is read
  or slow becomes :math:`|e_i| + \sum_j M_{ij} |e_j|` (:class:`ErrorTransfer`).

- **From a store nobody reads** (``stores``: the pending adaptations,
  :data:`sim.model.adaptation.PENDING`), slow as it is: it only passes on what it holds, at
  its own rate, to the state that reads it. A local error left there reaches that state over
  the following days, along a coupling the operator holds as well, where no later step's
  estimate sees it (it is the next steps' starting value). It is counted as a fast state's
  is, along every coupling: :math:`|J_{ij}| e_j / k_j`, for a store the whole error. A
  resistance session's steps were set by the pending strength stimulus (it saturates in the
  weekly sets, which rise through the session): 5,000 people read for a trial, session step
  attempts 183 -> 141; 3,000 people's reserve, strength and fitness as close to ``rtol``
  2e-6 as before (9.9e-4, 5.4e-4, 6.0e-5 of their changes -> 9.8e-4, 5.4e-4, 6.5e-5).

The fast states and stores nobody reads are still held to their own error, at
:data:`TRANSIENT_SLACK` times the tolerance: a backstop where the Jacobian at the operator's
build point understates a coupling, and a bound on how far a transient may stray.
"""

from __future__ import annotations

import numpy as np

TRANSIENT_SLACK = 30.0
"""An unread fast state's own error is held to this many times the tolerance."""


class ErrorTransfer:
    """Error ratios with the unread fast states' errors counted by their effect (module
    docstring).

    ``jac`` is every member's Jacobian (shape ``(N_STATES, N_STATES, n)``, ``[i, j]`` the
    derivative of state ``i``'s rate by state ``j``), ``own`` the states' own decay rates
    (shape ``(N_STATES, n)``, positive), ``fast`` which states are fast for every member,
    ``reported`` which states the caller reads, and ``held`` the couplings the operator holds
    (copied from ``jac``; default: none). An error's first step is counted along the
    couplings left explicit, ``jac - held``; further steps follow every coupling of ``jac``.
    ``stores`` (a mask, default none): slow states whose errors count like an unread fast
    state's, their first step along every coupling (module docstring); read ones are ignored.
    """

    def __init__(
        self,
        jac: np.ndarray,
        own: np.ndarray,
        fast: np.ndarray,
        reported: np.ndarray,
        held: np.ndarray | None = None,
        stores: np.ndarray | None = None,
    ) -> None:
        s = len(fast)
        explicit = jac if held is None else jac - held
        if stores is not None:  # unread stores: their errors pass on along every coupling
            stores = stores & ~reported & ~fast
            explicit = explicit.copy()
            explicit[:, stores] = jac[:, stores]
            fast = fast | stores
        counted = ~fast | reported  # the states whose errors are read or add up

        patterns: dict[int, np.ndarray] = {}

        def driven(couplings: np.ndarray, j: int) -> list[int]:
            """The states ``j`` drives through ``couplings`` (any member's)."""
            if id(couplings) not in patterns:
                pattern = (couplings != 0.0).any(axis=2)
                np.fill_diagonal(pattern, False)
                patterns[id(couplings)] = pattern
            return np.flatnonzero(patterns[id(couplings)][:, j]).tolist()

        reach: dict[int, dict[int, np.ndarray]] = {}

        def effect(j: int, couplings: np.ndarray, path: frozenset[int]) -> dict[int, np.ndarray]:
            """Counted state -> the share of ``j``'s error it receives (per member)."""
            if couplings is jac and j in reach:
                return reach[j]
            out: dict[int, np.ndarray] = {}
            for i in driven(couplings, j):
                coupling = np.abs(couplings[i, j])
                if counted[i]:  # what it takes up (its peak, for a fast state it reports)
                    out[i] = out.get(i, 0.0) + coupling / np.maximum(own[j], own[i])
                if fast[i] and i not in path:  # a loop among fast states is cut where it closes
                    for k, v in effect(i, jac, path | {i}).items():
                        out[k] = out.get(k, 0.0) + coupling / own[j] * v
            if couplings is jac:
                reach[j] = out
            return out

        self.pairs = [
            (i, j, v)
            for j in range(s)
            if fast[j]
            for i, v in effect(j, explicit, frozenset({j})).items()
        ]
        self.weight = np.where(fast & ~reported, 1.0 / TRANSIENT_SLACK, 1.0)[:, None]

    def ratio(self, error: np.ndarray, scale: np.ndarray, out: np.ndarray | None = None) -> float:
        """The largest ratio of a state's (own or passed-on) error to its ``scale``, over the
        states and members; ``error`` and ``scale`` of shape ``(N_STATES, n)``; ``out``, if
        given, an array of that shape to work in."""
        counted = np.multiply(error, self.weight, out=out)
        term = np.empty(error.shape[1:])
        for i, j, share in self.pairs:
            counted[i] += np.multiply(share, error[j], out=term)
        counted /= scale
        return float(counted.max())


def error_ratio(
    error: np.ndarray,
    y: np.ndarray,
    origin: np.ndarray,
    floor: float,
    transfer: ErrorTransfer | None = None,
    scale: np.ndarray | None = None,
    counted: np.ndarray | None = None,
) -> float:
    """The largest ratio of a local error to its state's scale ``max(|y - origin|, floor)``,
    over the states and members (divide by ``rtol``); with ``transfer``, the unread fast
    states' errors counted by what they pass on. ``error`` is overwritten; ``scale`` and
    ``counted``, if given, are arrays of ``error``'s shape that the scales and the counted
    errors are written to."""
    scale = np.subtract(y, origin, out=scale)
    np.abs(scale, out=scale)
    np.maximum(scale, floor, out=scale)
    if transfer is not None:
        return transfer.ratio(error, scale, counted)
    error /= scale
    return float(error.max())
