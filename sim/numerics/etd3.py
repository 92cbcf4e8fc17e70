"""The ETD3RK scheme's model-free parts: its settings, the phi-functions and the step weights.

The scheme, its error estimates and step-size ladder are derived in :mod:`sim.numerics.expint`; the
linear operator whose eigenvalues the weights are evaluated at is :mod:`sim.numerics.linear_operator`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ExponentialSettings:
    """Accuracy and structure of the default integrator (see :mod:`sim.numerics.expint`).

    Attributes
    ----------
    rtol
        Bound on the local error estimates (end and midpoint of a step) of every state,
        relative to ``max(|y - y_rest|, floor)`` for slow states (their changes are what the
        summary metrics report) and to ``max(|y|, floor)`` for fast ones.
    floor
        Scale below which errors count as absolute (states that rest at 0).
    max_step_h
        Longest step [h].
    min_step_h
        Shortest step [h]; a step that fails there raises :class:`~sim.errors.SolverError`.
    max_growth
        Largest factor between consecutive steps.
    first_rest_step_h
        Longest first step [h] of a rest segment. A session's fast transients (brain BDNF,
        the myokines) decay in its first hours; in one long step their error stays within
        ``rtol`` but has the same sign after every session and adds up (a 5.7-h first step
        after each 45-min zone-2 session left the 24-week reserve 1.5e-3 off, three times
        ``rtol``; a 2-h cap: 1.3e-4, for 4 % more steps). Cohorts, at a looser tolerance, take
        2^1.5 h (:data:`sim.numerics.cohort_solver.COHORT_SETTINGS`).
    last_step_stretch
        A segment ends with one step when its rest is at most this many times the step the
        ladder offers next (and at most ``max_step_h``), rather than leaving a sliver. Cohorts
        take 2.0 (:data:`sim.numerics.cohort_solver.COHORT_SETTINGS`); at a single run's
        ``rtol`` the stretched step fails too often (combined.yaml at 2.0: 101 rejected
        steps instead of 6, 2,727 attempts instead of 2,649).
    steps_per_octave
        Resolution of the step-size ladder ``h = 2**(k / steps_per_octave)`` hours.
    refresh_h
        Age [h] after which the linear operator is rebuilt (at the start of a rest segment).
    fast_rate_per_h
        States whose own decay rate exceeds this are *fast*: at their resting value in the
        reference state of the operator; the others are *slow*.
    coupling_gap
        A coupling enters the operator only if the two states' rates differ by more than
        this fraction of the larger one.
    max_condition
        Largest condition number (infinity norm) of the eigenvector matrix: beyond it the
        operator drops the couplings between slow states, then all couplings.
    """

    rtol: float = 5e-4
    floor: float = 1e-2
    max_step_h: float = 24.0
    min_step_h: float = 2.0**-12
    max_growth: float = 8.0
    first_rest_step_h: float = 2.0
    last_step_stretch: float = 1.5
    steps_per_octave: int = 4
    refresh_h: float = 336.0
    fast_rate_per_h: float = 1.0 / 48.0
    coupling_gap: float = 0.1
    max_condition: float = 1e6


DEFAULT_EXP_SETTINGS = ExponentialSettings()


def phi_functions(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``exp(x)``, ``phi1(x)``, ``phi2(x)`` and ``phi3(x)``, elementwise, for real ``x``.

    ``phi_{k+1}(x) = (phi_k(x) - 1/k!) / x`` with ``phi_0 = exp``; for ``|x| < 0.01`` a Taylor
    series replaces the recurrence (which loses digits to cancellation there).
    """
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 1e-2
    xs = np.where(small, 1.0, x)
    p1 = np.expm1(xs) / xs
    p2 = (p1 - 1.0) / xs
    p3 = (p2 - 0.5) / xs
    if small.any():
        xm = x[small]
        s3 = 1.0 / 6.0 + xm * (1.0 / 24.0 + xm * (1.0 / 120.0 + xm * (1.0 / 720.0 + xm / 5040.0)))
        s2 = 0.5 + xm * s3
        p3[small], p2[small], p1[small] = s3, s2, 1.0 + xm * s2
    return np.exp(x), p1, p2, p3


def etd3_weights(h: float | np.ndarray, lam: np.ndarray) -> tuple[np.ndarray, ...]:
    """ETD3RK weights for steps ``h`` (shape ``(K, 1)``, or a float) and modes ``lam``.

    In order: ``e^{h lam / 2}``, ``h/2 phi1(h lam / 2)``, ``e^{h lam}``, ``h phi1``; the
    weights of ``n0``, ``na`` and ``nb`` in the update, each of the shape of ``h * lam``; and
    the weights of the end-point and midpoint error estimates, ``h (4 phi3 - 2 phi2)`` and
    ``h/2 (phi3 - phi2)(h lam / 2)``, stacked on the second-to-last axis.
    """
    x = h * lam
    (e, e2), (p1, q1), (p2, q2), (p3, q3) = phi_functions(np.stack((x, 0.5 * x)))
    estimate = np.stack((h * (4.0 * p3 - 2.0 * p2), 0.5 * h * (q3 - q2)), -2)
    return (
        e2,
        0.5 * h * q1,
        e,
        h * p1,
        h * (p1 - 3.0 * p2 + 4.0 * p3),
        4.0 * h * (p2 - 2.0 * p3),
        h * (4.0 * p3 - p2),
        estimate,
    )


def member_weights(h: float, lam: np.ndarray) -> tuple[np.ndarray, ...]:
    """:func:`etd3_weights` of one step ``h`` for every member's modes ``lam`` (shape
    ``(N_STATES, n)``), with the end-point error estimate only (shape ``(N_STATES, n)``).

    A mode's rate differs between members only where the varied parameters or the members'
    slow states reach it (3-6 of 24 rows over a Sobol sample): the rows every member shares
    are computed once and broadcast. The weights are elementwise in ``h lam``, so the values
    are those of :func:`etd3_weights` on the whole array.
    """
    shared = (lam == lam[:, :1]).all(axis=1)
    if not shared.any():
        *update, we = etd3_weights(h, lam)
        return (*update, we[:, 0, :])
    own = etd3_weights(h, lam[~shared])
    common = etd3_weights(h, lam[shared, :1])
    weights = []
    for k, (mine, ours) in enumerate(zip(own, common, strict=True)):
        if k == len(own) - 1:  # the error estimates: the end point's
            mine, ours = mine[:, 0, :], ours[:, 0, :]
        full = np.empty(lam.shape)
        full[~shared], full[shared] = mine, ours
        weights.append(full)
    return tuple(weights)
