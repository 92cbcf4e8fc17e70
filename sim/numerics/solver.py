"""Numerics: integrate the model segment by segment between drive changes.

The drive is piecewise constant and jumps at every bout (and interval) boundary. Integrating
across a jump with an adaptive solver lets it step over short bouts entirely, so every call
here covers one segment of constant drive, and the caller splits time at every boundary.

Two integrators share that interface; :func:`integrate` runs the one named by its ``method``
argument (``simulate(..., method=...)`` passes it down; there is no hidden setting):

- :func:`integrate_segment_exp`, the default: an exponential Runge-Kutta method of order 3
  (ETD3RK) in the eigenbasis of a linear operator taken from the model itself. The scheme,
  its error control and why it replaced LSODA: :mod:`sim.numerics.expint`; the operator:
  :mod:`sim.numerics.linear_operator`; the settings and step weights: :mod:`sim.numerics.etd3`.
- :func:`integrate_segment`, LSODA through :func:`scipy.integrate.odeint`: the reference. The
  ``"reference"`` method runs it with ``rtol = 1e-10``, ``atol = 1e-12``; ``"lsoda"`` with its
  defaults (the former default path).

Cohorts run the same ETD3RK scheme for many people at once (:mod:`sim.numerics.cohort_solver`).
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np

from sim.errors import SolverError
from sim.model.constants import Constants
from sim.model.drive import Drive
from sim.model.rhs import rhs
from sim.numerics.etd3 import ExponentialSettings
from sim.numerics.expint import integrate_segment_exp

__all__ = [
    "ATOL",
    "METHODS",
    "REFERENCE_ATOL",
    "REFERENCE_RTOL",
    "RTOL",
    "ExponentialSettings",
    "Method",
    "check_method",
    "integrate",
    "integrate_segment",
    "integrate_segment_exp",
]

# --------------------------------------------------------------------------------------------
# Choosing the integrator of single runs
# --------------------------------------------------------------------------------------------

Method = Literal["exponential", "lsoda", "reference"]
"""The name of a solver method, for type hints (``simulate(..., method=...)``)."""

METHODS: tuple[Method, ...] = ("exponential", "lsoda", "reference")
"""Solver methods: ``"exponential"`` (the default, ETD3RK), ``"lsoda"`` (LSODA with
``rtol = 1e-6``, ``atol = 1e-8``) and ``"reference"`` (LSODA with ``rtol = 1e-10``,
``atol = 1e-12``)."""

REFERENCE_RTOL = 1e-10
REFERENCE_ATOL = 1e-12


def check_method(name: str) -> str:
    """``name`` if it is one of :data:`METHODS`, else a ``ValueError`` naming the choices."""
    if name not in METHODS:
        raise ValueError(f"unknown solver method {name!r}; choose one of {', '.join(METHODS)}")
    return name


def integrate(
    c: Constants,
    y0: np.ndarray,
    t0: float,
    t1: float,
    drive: Drive,
    t_out: np.ndarray,
    label: str = "",
    method: str = "exponential",
) -> tuple[np.ndarray, np.ndarray]:
    """Integrate one person over one segment with ``method`` (one of :data:`METHODS`).

    Parameters and return values are those of :func:`integrate_segment`.
    """
    if method == "exponential":
        return integrate_segment_exp(c, y0, t0, t1, drive, t_out, label)
    if method == "reference":
        return integrate_segment(
            c, y0, t0, t1, drive, t_out, label, rtol=REFERENCE_RTOL, atol=REFERENCE_ATOL
        )
    return integrate_segment(c, y0, t0, t1, drive, t_out, label)


# --------------------------------------------------------------------------------------------
# LSODA: the reference
# --------------------------------------------------------------------------------------------

RTOL = 1e-6
ATOL = 1e-8


def integrate_segment(
    c: Constants,
    y0: np.ndarray,
    t0: float,
    t1: float,
    drive: Drive,
    t_out: np.ndarray,
    label: str = "",
    rtol: float = RTOL,
    atol: float = ATOL,
) -> tuple[np.ndarray, np.ndarray]:
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
    from scipy.integrate import odeint  # imported here: ~0.3 s, and only the reference needs it

    times = np.concatenate(([t0], t_out, [t1]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # failures are reported through SolverError below
        ys, info = odeint(
            rhs,
            y0,
            times,
            args=(c, drive),
            tfirst=True,
            rtol=rtol,
            atol=atol,
            full_output=True,
            mxstep=200_000,
        )
    if info["message"] != "Integration successful." or not np.all(np.isfinite(ys)):
        raise SolverError(
            f"integration failed on segment {label} [{t0:.4f} h, {t1:.4f} h] "
            f"(drive {drive}): {info['message']}"
        )
    return ys[1:-1], ys[-1]
