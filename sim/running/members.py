"""Model parameters that differ between the members of a cohort or ensemble.

Any parameter of ``musclebrain params`` (:class:`sim.model.parameters.Parameters`) may take one
value per member: a mapping from the parameter's name to an array of length N. Every value is
checked against the parameter's bounds before anything runs; the first bad value is reported
with the parameter, the value, the member's index and the bounds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from sim.errors import ParameterError
from sim.model.parameters import Parameters, unit_of, unknown_parameter_message


def member_parameter_matrix(overrides: Mapping[str, Any] | None, n: int) -> dict[str, np.ndarray]:
    """``overrides`` checked and as float arrays of shape ``(n,)``.

    Raises
    ------
    ParameterError
        For an unknown name, an array of another length, a value that is not a finite number
        or one outside the parameter's bounds.
    """
    checked: dict[str, np.ndarray] = {}
    for name, values in (overrides or {}).items():
        if name not in Parameters.names():
            raise ParameterError(f"per-member {unknown_parameter_message(name)}")
        try:
            column = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError(
                f"per-member values of parameter {name!r} must be numbers"
            ) from None
        if column.shape != (n,):
            raise ParameterError(
                f"per-member values of parameter {name!r} have shape {column.shape}: "
                f"give one value per member ({n})"
            )
        spec = Parameters.spec(name)
        lo, hi = spec["lower"], spec["upper"]
        bad = np.flatnonzero(~(np.isfinite(column) & (column >= lo) & (column <= hi)))
        if bad.size:
            i = int(bad[0])
            value = float(column[i])
            what = "is not finite" if not math.isfinite(value) else "is outside its bounds"
            raise ParameterError(
                f"parameter {name!r} = {value!r} for member {i} {what}: use a value between "
                f"{lo:g} and {hi:g} ({unit_of(name)})"
                + (f" ({bad.size} members are out of bounds)" if bad.size > 1 else "")
            )
        checked[name] = column
    return checked


def member_parameters(params: Parameters, matrix: Mapping[str, np.ndarray], i: int) -> Parameters:
    """Member ``i``'s parameters: ``params`` with the member's values (already checked)."""
    if not matrix:
        return params
    return replace(params, **{name: float(column[i]) for name, column in matrix.items()})
