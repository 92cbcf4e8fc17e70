r"""The muscle IL-6 signal within a segment of constant drive, in closed form.

The signal's equation (:mod:`sim.model.equations`) depends only on the signal itself, the
drive and constants:

.. math:: \dot m = p + q \frac{m}{1 + m} - k m, \qquad p = b D,\ q = b D a,

with build-up :math:`b`, drive :math:`D`, amplification :math:`a` and decay :math:`k`. Within
a segment of constant drive it is a scalar autonomous equation, and it separates:
:math:`(1 + m)\,\dot m = g(m) = p + (p + q - k) m - k m^2 = -k (m - m_+)(m - m_-)`, with one
root :math:`m_+ \ge 0` (the level the signal saturates at) and one :math:`m_- < 0`. Partial
fractions give the time as an explicit function of the signal,

.. math:: -k t = A \ln\frac{m - m_+}{m_0 - m_+} + B \ln\frac{m - m_-}{m_0 - m_-},
   \qquad A = \frac{1 + m_+}{m_+ - m_-},\ B = \frac{1 + m_-}{m_- - m_+},

and the signal at a time follows from it by Newton's method in
:math:`s = \ln((m - m_+)/(m_0 - m_+))` (:func:`saturating_signal`): there the equation is
smooth, monotone (its derivative is :math:`(1 + m)/(m - m_-) > 0`) and nearly linear, so
:data:`NEWTON_STEPS` iterations from :math:`s = -k t (m_0 - m_-)/(1 + m_0)` reach the last
digits (checked against ``solve_ivp`` over twelve decades of each coefficient,
``tests/unit/test_saturating.py``).

Why it matters: in a session's first minutes the signal amplifies itself, and an
integrator that follows this growth step by step needs several short steps per session for
it alone; the parameter-set integrator (:mod:`sim.numerics.member_solver`) takes the signal
from here instead.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.model.constants import Constants
from sim.model.drive import Drive
from sim.model.muscle import signal_rate
from sim.model.state import STATE_NAMES

SIGNAL = STATE_NAMES.index("il6_signal")
"""Index of the muscle IL-6 signal among the states."""

NEWTON_STEPS = 6
"""Newton iterations of :func:`saturating_signal`; a fixed number, so every member's value
depends on its own coefficients only (never on how many members share an array). Over the
ranges of ``tests/unit/test_saturating.py`` (3,000 draws), the fifth iteration leaves values
within 2.5e-9 of the converged ones, the sixth within 3e-15 (rounding)."""


class SaturatingSignal:
    r"""The signal as a function of the time since it was ``m0``, under
    :math:`\dot m = p + q m/(1+m) - k m` (module docstring).

    Elementwise over members; ``m0 >= 0``, ``p >= 0``, ``q >= 0``, ``k > 0``. What does not
    depend on the time (the roots, the partial fractions) is computed once.
    """

    def __init__(self, m0: np.ndarray, p: np.ndarray, q: np.ndarray, k: np.ndarray) -> None:
        b = p + q - k
        root = np.sqrt(b * b + 4.0 * k * p)
        up = b > 0.0  # the roots without cancellation: one from the formula, one from -p/k
        m_plus = np.where(up, (b + root) / (2.0 * k), 2.0 * p / np.where(up, 1.0, root - b))
        m_minus = np.where(up, -p / (k * np.where(up, m_plus, 1.0)), (b - root) / (2.0 * k))
        self.m0, self.k, self._d0 = m0, k, m0 - m_plus
        self._a = (1.0 + m_plus) / (m_plus - m_minus)
        self._b = (1.0 + m_minus) / (m_minus - m_plus)
        self._below, self._one_m0 = m0 - m_minus, 1.0 + m0
        self._start = -k * self._below / self._one_m0  # the slope of s at t = 0

    def __call__(self, t: float | np.ndarray) -> np.ndarray:
        """The signal ``t >= 0`` hours on."""
        kt, d0, below = self.k * t, self._d0, self._below
        s = self._start * t
        for _ in range(NEWTON_STEPS):
            dm = d0 * np.expm1(s)  # m - m0, without cancellation when m0 is far from m+
            residual = self._a * s + self._b * np.log1p(dm / below) + kt
            s = s - residual * (below + dm) / (self._one_m0 + dm)
        return np.asarray(self.m0 + d0 * np.expm1(s))


def saturating_signal(
    m0: np.ndarray, p: np.ndarray, q: np.ndarray, k: np.ndarray, t: float | np.ndarray
) -> np.ndarray:
    """The signal ``t`` hours after it was ``m0`` (:class:`SaturatingSignal`)."""
    return SaturatingSignal(m0, p, q, k)(t)


def signal_coefficients(
    rate: Callable[[float], np.ndarray], k: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``p`` and ``q`` of the signal's equation from its rate at ``m = 0`` and ``m = 1``.

    ``rate(m)`` is the model's right-hand side of the signal at signal ``m`` (every member's),
    ``k`` its decay rate: :math:`\\dot m(0) = p` and :math:`\\dot m(1) = p + q/2 - k`.
    """
    p = rate(0.0)
    return p, 2.0 * (rate(1.0) - p + k)


def session_signal(
    c: Constants, y0: np.ndarray, drive: Drive, k: np.ndarray | float
) -> Callable[[float], np.ndarray]:
    """Every member's signal as a function of the time since a segment of constant ``drive``
    began, from the states there ``y0`` (shape ``(N_STATES, n)``) and the signal's decay rate
    ``k``; its coefficients from the model's signal equation
    (:func:`sim.model.muscle.signal_rate`)."""
    m0 = y0[SIGNAL].copy()
    p, q = signal_coefficients(lambda m: np.asarray(signal_rate(c, drive, m)), np.asarray(k))
    return SaturatingSignal(m0, p, q, np.asarray(k))
