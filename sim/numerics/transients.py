r"""The local error of a fast state, counted by what it passes on to the slow states.

A parameter-set ensemble reports summary metrics read from a few states at assessment times
(strength, fitness, the reserve, inflammation, ...); most of them are slow. A fast state such
as plasma IL-6 matters there only through the slow states it drives. A local error
:math:`e_j` left in fast state :math:`j` at the end of a step fades at :math:`j`'s own rate
:math:`k_j`; while it fades it adds :math:`J_{ij} e_j / k_j` to each state :math:`i` that
:math:`j` drives (for :math:`i` much slower than :math:`j`), and through a fast intermediate
the product of the factors along the chain. So the error estimate of a slow state :math:`i`
becomes

.. math:: |e_i| + \sum_j M_{ij} |e_j|, \qquad
   M_{ij} = \sum_{\text{chains } j \to \dots \to i} \prod \frac{|J_{ba}|}{k_a},

the chains running through fast states only, with each member's Jacobian :math:`J` at the
operator's build point (:class:`ErrorTransfer`). A fast state the caller reads keeps its own
error at the tolerance; the other fast states are held to their own error too, at
:data:`TRANSIENT_SLACK` times the tolerance: a backstop for where the Jacobian at the build
point understates a coupling.

Why it matters: plasma IL-6 follows the muscle signal within an hour. Held to the tolerance
itself, it set most of a session's steps (and the steps after it) in a Sobol sample; what
reaches the slow states is its effect on the anti-inflammatory trace, which this counts.
"""

from __future__ import annotations

import numpy as np

TRANSIENT_SLACK = 30.0
"""An unreported fast state's own error is held to this many times the tolerance."""


class ErrorTransfer:
    """Error ratios with the fast states' errors counted by their effect (module docstring).

    ``jac`` is every member's Jacobian (shape ``(N_STATES, N_STATES, n)``, ``[i, j]`` the
    derivative of state ``i``'s rate by state ``j``), ``own`` the states' own decay rates
    (shape ``(N_STATES, n)``, positive), ``fast`` which states are fast for every member and
    ``reported`` which states the caller reads.
    """

    def __init__(
        self, jac: np.ndarray, own: np.ndarray, fast: np.ndarray, reported: np.ndarray
    ) -> None:
        s = len(fast)
        drives = {
            j: [i for i in range(s) if i != j and np.any(jac[i, j] != 0.0)]
            for j in range(s)
            if fast[j]
        }
        counted = ~fast | reported  # the states whose errors are read or add up
        reach: dict[int, dict[int, np.ndarray]] = {}

        def effect(j: int, path: frozenset[int]) -> dict[int, np.ndarray]:
            """Counted state -> the share of ``j``'s error it receives (per member)."""
            if j in reach:
                return reach[j]
            out: dict[int, np.ndarray] = {}
            for i in drives[j]:
                coupling = np.abs(jac[i, j])
                if counted[i]:  # what it takes up (its peak, for a fast state it reports)
                    out[i] = out.get(i, 0.0) + coupling / np.maximum(own[j], own[i])
                if fast[i] and i not in path:  # a loop among fast states is cut where it closes
                    for k, v in effect(i, path | {i}).items():
                        out[k] = out.get(k, 0.0) + coupling / own[j] * v
            reach[j] = out
            return out

        self.pairs = [(i, j, v) for j in drives for i, v in effect(j, frozenset({j})).items()]
        self.weight = np.where(fast & ~reported, 1.0 / TRANSIENT_SLACK, 1.0)[:, None]

    def ratio(self, error: np.ndarray, scale: np.ndarray) -> float:
        """The largest ratio of a state's (own or induced) error to its ``scale``, over the
        states and members; ``error`` and ``scale`` of shape ``(N_STATES, n)``."""
        counted = error * self.weight
        term = np.empty(error.shape[1:])
        for i, j, share in self.pairs:
            counted[i] += np.multiply(share, error[j], out=term)
        return float((counted / scale).max())
