"""Numerics: integrate the model segment by segment between drive changes.

The drive is piecewise constant and jumps at every bout (and interval) boundary. Integrating
across a jump with an adaptive solver lets it step over short bouts entirely, so every call
here covers one segment of constant drive, and the caller splits time at every boundary.

:func:`integrate_segment` (single runs) uses LSODA through :func:`scipy.integrate.odeint`,
which runs a whole segment in one compiled call and switches to a stiff method at rest: the
myokines clear in minutes while the reserve decays over a year.

:func:`integrate_segment_etd` is an exponential integrator written for many individuals at
once (arrays of shape ``(N_STATES, N)``), where LSODA's one-system interface does not fit.

Exponential integrator
----------------------
The model is stiff (myokines clear in minutes, reserve decays over a year) but nearly every
state has a first-order clearance of its own. Writing ``dy/dt = N(y, t) - k * y`` with ``k``
from :func:`sim.model.rhs.linear_decay_rates`, the exponential time-differencing
Runge-Kutta scheme of order 2 (ETD2RK; Cox & Matthews 2002, J Comput Phys 176:430) treats
the stiff linear part exactly and the couplings explicitly:

.. math::
    a &= e^{-kh} y_n + h\\,\\varphi_1(-kh) N(y_n) \\\\
    y_{n+1} &= a + h\\,\\varphi_2(-kh) \\big(N(a) - N(y_n)\\big)

with :math:`\\varphi_1(z) = (e^z - 1)/z` and :math:`\\varphi_2(z) = (e^z - 1 - z)/z^2`.
The step size is adapted to keep the difference between the first-order (ETD1) and
second-order solutions within ``rtol`` (a free local error estimate); outputs between
step ends use the scheme's own continuous extension (``N`` linear in time over the step), so
sampling does not add steps. The same code runs on one
state vector or on ``(N_STATES, N)`` arrays for a cohort.

"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.integrate import odeint

from sim.errors import SolverError
from sim.model.constants import Constants
from sim.model.drive import Drive
from sim.model.rhs import rhs


@dataclass(frozen=True)
class SolverSettings:
    """Step control of the exponential integrator.

    ``rtol`` bounds the local error estimate (the difference between the first- and
    second-order solutions) per step, relative to ``max(|y|, 1)``: every state is of order one
    or larger in its own units.
    """

    rtol: float = 1e-3
    first_step_h: float = 2.0 / 60.0
    max_step_h: float = 24.0


DEFAULT_SETTINGS = SolverSettings()


def _phi(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``exp(z)``, ``phi1(z)`` and ``phi2(z)``, with series near ``z = 0``."""
    small = np.abs(z) < 1e-4
    zs = np.where(small, 1.0, z)
    em1 = np.expm1(zs)
    phi1 = np.where(small, 1.0 + z / 2.0 + z * z / 6.0, em1 / zs)
    phi2 = np.where(small, 0.5 + z / 6.0 + z * z / 24.0, (em1 - zs) / (zs * zs))
    return np.where(small, 1.0 + z * phi1, em1 + 1.0), phi1, phi2


def integrate_segment_etd(c: Constants, k: np.ndarray, y0: np.ndarray, t0: float, t1: float,
                      drive: Drive, t_out: np.ndarray, label: str = "",
                      settings: SolverSettings = DEFAULT_SETTINGS, h0: float | None = None,
                      ) -> tuple[np.ndarray, np.ndarray, float]:
    """Integrate over ``[t0, t1]`` with constant ``drive`` (adaptive ETD2RK).

    Parameters
    ----------
    c, k
        Per-run constants and the linear decay rates (:func:`linear_decay_rates`), shape
        ``(N_STATES,)`` or ``(N_STATES, N)``.
    y0
        State at ``t0``.
    t0, t1
        Segment start and end [h], ``t1 > t0``.
    drive
        The segment's constant drive.
    t_out
        Sorted times strictly inside ``(t0, t1)`` at which to report the state.
    label
        Where this segment sits (scenario and segment), for the error message.
    settings
        Error tolerances and step limits.
    h0
        First step to try [h]; by default ``settings.first_step_h``.

    Returns
    -------
    states_out, y1, h_next
        States at ``t_out`` (shape ``(len(t_out),) + y0.shape``), the state at ``t1`` and the
        step size the controller would try next (hand it to the next segment at rest).

    Raises
    ------
    SolverError
        If the state becomes non-finite or the step size collapses.
    """
    out = np.empty((len(t_out), *y0.shape))
    scale = settings.rtol * np.maximum(np.abs(y0), 1.0)
    j = 0
    y, t = y0, t0
    h = min(h0 or settings.first_step_h, settings.max_step_h)
    n0 = rhs(t, y, c, drive) + k * y
    while t < t1:
        last = t + h >= t1 - 1e-9
        h = t1 - t if last else h
        e, p1, p2 = _phi(-k * h)
        a = e * y + h * p1 * n0
        dn = rhs(t + h, a, c, drive) + k * a - n0
        correction = h * p2 * dn
        err = float(np.max(np.abs(correction) / scale))
        if err > 1.0 and h > 1e-6:
            h *= max(0.2, 0.9 / np.sqrt(err))
            continue
        if not np.all(np.isfinite(a)):
            break
        t_end = t + h
        while j < len(t_out) and t_out[j] <= t_end:
            tau = t_out[j] - t
            eq, q1, q2 = _phi(-k * tau)
            out[j] = eq * y + tau * q1 * n0 + (tau * tau / h) * q2 * dn
            j += 1
        y, t = a + correction, t1 if last else t_end
        scale = settings.rtol * np.maximum(np.abs(y), 1.0)
        n0 = rhs(t, y, c, drive) + k * y
        h_next = h * min(3.0, 0.9 / np.sqrt(max(err, 1e-10)))
        if not last:
            h = min(h_next, settings.max_step_h)
    if not np.all(np.isfinite(y)):
        raise SolverError(f"integration failed on segment {label} [{t0:.4f} h, {t1:.4f} h] "
                          f"(drive {drive}): the state became non-finite")
    return out, y, min(h_next, settings.max_step_h)


RTOL = 1e-6
ATOL = 1e-8


def integrate_segment(c: Constants, y0: np.ndarray, t0: float, t1: float, drive: Drive,
                      t_out: np.ndarray, label: str = "", rtol: float = RTOL,
                      atol: float = ATOL) -> tuple[np.ndarray, np.ndarray]:
    """Integrate one person over ``[t0, t1]`` with constant ``drive`` (LSODA).

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
    rtol, atol
        LSODA tolerances; the tests compare the defaults with much tighter ones.

    Returns
    -------
    states_out, y1
        States at ``t_out`` (shape ``(len(t_out), N_STATES)``) and the state at ``t1``.

    Raises
    ------
    SolverError
        If LSODA reports failure or the state becomes non-finite.
    """
    times = np.concatenate(([t0], t_out, [t1]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # failures are reported through SolverError below
        ys, info = odeint(rhs, y0, times, args=(c, drive), tfirst=True, rtol=rtol, atol=atol,
                          full_output=True, mxstep=200_000)
    if info["message"] != "Integration successful." or not np.all(np.isfinite(ys)):
        raise SolverError(f"integration failed on segment {label} [{t0:.4f} h, {t1:.4f} h] "
                          f"(drive {drive}): {info['message']}")
    return ys[1:-1], ys[-1]
