r"""The linear part :math:`L` of the exponential integrator, and its eigendecomposition.

The exponential integrator (:mod:`sim.numerics.expint`) splits the right-hand side exactly as
:math:`\dot y = L y + N(t, y)` and integrates the linear part exactly in the eigenbasis of
:math:`L`; this module builds :math:`L` from the model and eigendecomposes it.

*The linear operator.* :math:`L` is the Jacobian of :func:`sim.model.rhs.rhs` at rest, by
forward differences at a resting reference: every fast state (own decay rate from
:func:`sim.model.rhs.linear_decay_rates` above ``fast_rate_per_h``: the metabolites, myokines
and brain and serum BDNF) at its resting value from :func:`sim.model.rhs.initial_state`, every
slow state (adaptations, IGF-1, inflammation, anti-inflammatory signal, reserve) at its
current value. At that point each ``max(0, .)`` of the acute drive sits on its kink and the
forward difference takes the branch above rest, the branch a state is on after a bout. So
:math:`L` holds the exact linear couplings (plasma IL-6 from the muscle IL-6 signal and from
inflammation, FGF-21 from its hepatic signal, the anti-inflammatory signal from plasma IL-6,
the brain-BDNF AUC from brain BDNF) and the linearisation of the others at rest: brain BDNF
from lactate, irisin, cathepsin B and muscle BDNF with the current IGF-1 potentiation and
inflammation suppression, the reserve from brain BDNF, strength and fitness, inflammation from
the anti-inflammatory signal. The slow integrator-like states (AUC, reserve,
anti-inflammatory signal, through it inflammation) thus receive their fast, exponentially
decaying forcings through the exact exponential rather than through an interpolant in time,
which is what makes long steps accurate. A coupling between two states whose rates differ by
less than ``coupling_gap`` (relative) is left out (to :math:`N`): with it :math:`L` would be
nearly defective. :math:`L` depends on the slow states, so it is rebuilt every ``refresh_h``
of simulated time (at the start of a rest segment). What remains in :math:`N` is small and
mostly slow: the pairwise synergy and saturations of the brain-BDNF and reserve drives, the
drift of the slow coefficients since the last rebuild, and the exercise terms during bouts.

*Modal coordinates.* The couplings form chains from faster to slower states (the only loop,
inflammation - IL-6 - anti-inflammatory signal - inflammation, is weak), so the eigenvalues
are real and, with the gap rule, the eigenvectors well conditioned: :math:`L = V \Lambda
V^{-1}`. Should the eigenvalues be complex or :math:`\operatorname{cond}_\infty(V)` exceed
``max_condition``, :math:`L` keeps only the couplings that involve a fast state and, failing
that, only its diagonal (still correct, only slower).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.constants import Constants
from sim.model.drive import REST, Drive
from sim.model.rhs import initial_state, linear_decay_rates
from sim.numerics.etd3 import DEFAULT_EXP_SETTINGS, ExponentialSettings
from sim.numerics.per_member import member_jacobian


@dataclass(frozen=True)
class LinearOperator:
    """The linear part ``L = V diag(lam) W`` (``W = V^-1``) and when it was built.

    Attributes
    ----------
    matrix
        ``L`` [1/h], shape ``(N_STATES, N_STATES)``.
    lam, V, W
        Eigenvalues, eigenvectors (columns) and the inverse of ``V``.
    t_h
        Simulation time at which it was built [h].
    diagonal
        Whether the last fallback (diagonal ``L``) was used.
    jacobian
        The Jacobian whose couplings ``L`` holds or leaves explicit (``None`` where not kept).
    """

    matrix: np.ndarray
    lam: np.ndarray
    V: np.ndarray
    W: np.ndarray
    t_h: float
    diagonal: bool
    jacobian: np.ndarray | None = None


def linear_operator(
    c: Constants,
    t: float,
    y: np.ndarray,
    settings: ExponentialSettings = DEFAULT_EXP_SETTINGS,
    c_vec: Constants | None = None,
    y_rest: np.ndarray | None = None,
    drive: Drive = REST,
    exact: tuple[int, ...] = (),
    states: np.ndarray | None = None,
) -> LinearOperator:
    """The linear part of the right-hand side at rest, for the slow states of ``y``.

    The forward-difference Jacobian of :func:`sim.model.rhs.rhs` at ``y`` with its fast
    states at rest, without couplings between states of nearly equal rates, and
    eigendecomposed (see the module docstring for the fallbacks).

    Parameters
    ----------
    c
        Per-run constants of one person.
    t
        Time [h] (the age-dependent IGF-1 target).
    y
        Current state; only its slow states are used (see the module docstring).
    settings
        ``fast_rate_per_h``, ``coupling_gap`` and ``max_condition``.
    c_vec, y_rest
        ``c.vectorised()`` and ``initial_state(c)``, if already at hand.
    drive
        A session's drive: a state whose decay under the drive is faster than at rest by
        more than ``fast_rate_per_h`` takes it (a session fills the memory of recent
        training within minutes). The session's smaller changes, its growth terms (the IL-6
        signal's self-amplification, largest at rest and gone once the signal saturates) and
        its couplings stay in the remainder.
    exact
        States the integrator takes from a closed form (in a session, the muscle IL-6
        signal: :mod:`sim.numerics.saturating`): the operator keeps their own rates but
        none of their couplings to other states, which stay in the remainder, evaluated
        with the exact values.
    states
        Indices of the states to build the operator of (default: all), a set that no other
        state's rate enters (:func:`sim.model.equations.states_upstream`): the operator of
        their own equations, of shape ``(len(states),) * 2``.

    Returns
    -------
    LinearOperator
        ``L`` and its eigendecomposition.
    """
    fast = linear_decay_rates(c) > settings.fast_rate_per_h
    y_ref = np.where(fast, initial_state(c) if y_rest is None else y_rest, y)
    c_vec = c_vec or c.vectorised()
    jac = _jacobian(c_vec, t, y_ref, REST)
    d = np.diag(jac).copy()
    for j in exact:
        jac[:, j] = np.where(np.arange(len(d)) == j, d[j], 0.0)
    if drive.active:
        d = session_rates(d, np.diag(_jacobian(c_vec, t, y_ref, drive)), settings)
    if states is not None:
        jac, d, fast = jac[np.ix_(states, states)], d[states], fast[states]
    return decompose(jac, d, fast, t, settings)


def session_rates(
    rest: np.ndarray, under: np.ndarray, settings: ExponentialSettings = DEFAULT_EXP_SETTINGS
) -> np.ndarray:
    """An operator's diagonal in a session: a state whose rate under the session's drive
    (``under``) decays faster than at rest by more than ``fast_rate_per_h`` takes it, the
    others keep their resting rate (``rest``).

    A session's own fast decay (the memory of recent training fills within minutes) would
    otherwise set its steps; its growth terms stay in the remainder: the IL-6 signal's
    self-amplification, linearised at rest where it is largest, would keep growing at that
    rate after the signal saturates.
    """
    return np.where(under < rest - settings.fast_rate_per_h, under, rest)


def _jacobian(c_vec: Constants, t: float, y_ref: np.ndarray, drive: Drive) -> np.ndarray:
    """Forward-difference Jacobian of the right-hand side at ``y_ref`` under ``drive``."""
    return member_jacobian(c_vec, 1, t, y_ref[:, None], drive)[:, :, 0]


def decompose(
    jac: np.ndarray,
    d: np.ndarray,
    fast: np.ndarray,
    t: float,
    settings: ExponentialSettings = DEFAULT_EXP_SETTINGS,
) -> LinearOperator:
    """The operator with diagonal ``d`` and the couplings of ``jac`` between states whose
    rates differ by more than ``coupling_gap``, eigendecomposed (module docstring)."""
    n = len(d)
    scale = np.maximum(np.abs(d)[:, None], np.abs(d)[None, :])
    apart = np.abs(d[:, None] - d[None, :]) > settings.coupling_gap * scale
    for keep in (apart, apart & (fast[None, :] | fast[:, None])):
        if not keep.any():
            continue
        matrix = np.where(keep, jac, 0.0)
        np.fill_diagonal(matrix, d)
        lam, vecs = np.linalg.eig(matrix)
        if np.iscomplexobj(lam) or not np.all(np.isfinite(vecs)):
            continue
        inv = np.linalg.inv(vecs)
        if np.linalg.norm(vecs, np.inf) * np.linalg.norm(inv, np.inf) <= settings.max_condition:
            return LinearOperator(matrix, lam, vecs, inv, t, False, jac)
    return LinearOperator(np.diag(d), d, np.eye(n), np.eye(n), t, True, jac)
