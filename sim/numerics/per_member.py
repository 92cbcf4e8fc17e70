"""What differs between the members of a cohort: their constants, drives, Jacobians and the
scales that make their couplings from fast states those of a shared operator.

Used by the cohort integrator (:mod:`sim.numerics.cohort_solver`) and by the per-member
operators of parameter sets (:mod:`sim.numerics.member_solver`). A per-member value is an
array of shape ``(n,)``; anything else is shared.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.model.constants import Constants
from sim.model.drive import REST, Drive
from sim.model.rhs import linear_decay_rates, rhs
from sim.numerics.etd3 import DEFAULT_EXP_SETTINGS

if TYPE_CHECKING:  # linear_operator builds its Jacobian with member_jacobian
    from sim.numerics.linear_operator import LinearOperator


def _take(value: Any, n: int, members: np.ndarray) -> Any:
    """``value[members]`` for a per-member array (shape ``(n,)``), else ``value``."""
    return value[members] if isinstance(value, np.ndarray) and value.shape == (n,) else value


def subset_constants(c: Constants, n: int, members: np.ndarray) -> Constants:
    """The constants of some members (per-member arrays indexed by ``members``)."""
    return Constants({key: _take(value, n, members) for key, value in vars(c).items()})


def subset_drive(drive: Drive, n: int, members: np.ndarray) -> Drive:
    """The drive of some members (per-member fields indexed by ``members``)."""
    return Drive(*(_take(getattr(drive, f.name), n, members) for f in dataclasses.fields(Drive)))


JACOBIAN_COLUMNS = 10_000
"""Columns (members x probes) of one right-hand-side call of :func:`member_jacobian`: larger
calls leave the processor's cache (a 5,000-person block's twelve coupling scales, eleven
probes each, took 0.32 s with all probes in one call, 0.19 s two a call; 5,000 or 20,000
columns a call, 0.19 and 0.17 s)."""


def member_jacobian(
    c: Constants,
    n: int,
    t: float,
    y: np.ndarray,
    drive: Drive = REST,
    columns: np.ndarray | None = None,
) -> np.ndarray:
    """Every member's Jacobian at ``y`` under ``drive`` (shape ``(N_STATES, N_STATES, n)``,
    ``[i, j]`` the derivative of state ``i``'s rate by state ``j``), by forward differences:
    right-hand-side calls on the members' states and on ``k`` probes, each state
    differentiated by raised in every member, about :data:`JACOBIAN_COLUMNS` columns a call.

    ``columns``: the states ``j`` to differentiate by (a boolean mask; default all); the
    other columns are 0. Each member's column takes the same arithmetic whichever others are
    computed with it.
    """
    s = y.shape[0]
    which = np.arange(s) if columns is None else np.flatnonzero(columns)
    base, probed, step = _probe(c, n, t, y, drive, which.tolist())
    jac = np.zeros((s, s, n))
    for j, rates in zip(which, probed, strict=True):
        jac[:, j] = (rates - base) / step[j]
    return jac


def member_couplings(
    c: Constants, n: int, t: float, y: np.ndarray, pairs: list[tuple[int, int]]
) -> dict[tuple[int, int], np.ndarray]:
    """Entries ``[i, j]`` of every member's Jacobian at rest (shape ``(n,)`` each), for the
    ``pairs`` only: the values of :func:`member_jacobian`, without the whole array."""
    which = sorted({j for _, j in pairs})
    base, probed, step = _probe(c, n, t, y, REST, which)
    rates = dict(zip(which, probed, strict=True))
    return {(i, j): (rates[j][i] - base[i]) / step[j] for i, j in pairs}


def _probe(
    c: Constants, n: int, t: float, y: np.ndarray, drive: Drive, which: list[int]
) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """The rates at ``y``, at ``y`` with each state of ``which`` raised by its step, and the
    steps (:func:`member_jacobian`)."""
    step = 1e-7 * np.maximum(np.abs(y), 1.0)
    probes = [-1, *which]  # -1: the members' own states
    per_call = max(1, JACOBIAN_COLUMNS // max(n, 1))
    rates: list[np.ndarray] = []
    subsets: dict[int, tuple[Constants, Drive]] = {}
    for start in range(0, len(probes), per_call):
        chunk = probes[start : start + per_call]
        if len(chunk) not in subsets:
            members = np.tile(np.arange(n), len(chunk))
            subsets[len(chunk)] = subset_constants(c, n, members), subset_drive(drive, n, members)
        states = np.tile(y, (1, len(chunk)))
        for p, j in enumerate(chunk):
            if j >= 0:
                states[j, p * n : (p + 1) * n] += step[j]
        f = rhs(t, states, *subsets[len(chunk)])
        rates += [f[:, p * n : (p + 1) * n] for p in range(len(chunk))]
    return rates[0], rates[1:], step


def coupling_scales(
    c: Constants,
    n: int,
    t: float,
    y: np.ndarray,
    op: LinearOperator,
    fast: np.ndarray,
    rest: np.ndarray,
    states: np.ndarray | None = None,
) -> np.ndarray | None:
    r"""Per-person scales of the states that make everybody's fast couplings the operator's.

    The shared operator holds the reference person's couplings; where a person's differ (the
    release of plasma IL-6 per unit of muscle signal falls with age, brain BDNF's inputs carry
    each person's potentiation), the difference is explicit and fades only as fast as the
    forcing state, setting the steps after every session. In states scaled per person,
    :math:`\tilde y_k = s_k y_k`, a coupling becomes :math:`J_{kj} s_k / s_j`; the scales
    are the least-squares solution, person by person, of :math:`\log s_k - \log s_j =
    \log(L_{kj} / J_{kj})` over the operator's couplings from fast states (``None`` if there
    is nothing to fit). The splitting stays exact whatever the scales: they only move what
    :math:`N` holds.

    ``y``, ``fast`` and ``rest`` cover every state; ``op`` is that of ``states`` (indices;
    default: all), and so are the scales (shape ``(len(states), n)``).
    """
    y_ref = np.where(fast[:, None], rest, y)
    kept = np.arange(len(fast)) if states is None else states
    coupled = op.matrix != 0.0
    np.fill_diagonal(coupled, False)
    coupled &= fast[kept][None, :]  # the operator's couplings from fast states
    pairs = [(int(k), int(j)) for k, j in zip(*np.nonzero(coupled), strict=True)]
    among_all = [(int(kept[k]), int(kept[j])) for k, j in pairs]  # the same, in every state
    jac = member_couplings(c, n, t, y_ref, among_all)
    ratio = {}
    for (k, j), entry in zip(pairs, among_all, strict=True):
        derivative = jac[entry]
        r = np.zeros(n)
        np.divide(op.matrix[k, j], derivative, out=r, where=derivative != 0.0)
        if np.all(r > 0.0):
            ratio[k, j] = r
    edges = list(ratio)
    varying = [(k, j) for k, j in edges if np.ptp(ratio[k, j]) > 1e-9 * np.abs(ratio[k, j]).max()]
    if not varying:
        return None
    design = np.zeros((len(edges), len(kept)))
    for e, (k, j) in enumerate(edges):
        design[e, k], design[e, j] = 1.0, -1.0
    logs = np.log(np.array([ratio[k, j] for k, j in edges]))
    return np.exp(np.linalg.pinv(design) @ logs)


def reference_constants(c: Constants) -> Constants:
    """One person's constants from a cohort's: per-person arrays replaced by their medians.

    The reference person only defines the shared linear operator; each person's own
    constants stay in the right-hand side.
    """
    values = {
        key: float(np.median(value)) if isinstance(value, np.ndarray) else value
        for key, value in vars(c).items()
    }
    values["exp"] = math.exp
    return Constants(values)


def reference_drive(drive: Drive) -> Drive:
    """One person's drive from a cohort's: each per-person field at its largest (those who
    attend; the others' drive is zero)."""
    return Drive(
        *(
            np.max(getattr(drive, f.name))
            if isinstance(getattr(drive, f.name), np.ndarray)
            else getattr(drive, f.name)
            for f in dataclasses.fields(Drive)
        )
    )


def describe_drive(drive: Drive) -> str:
    """A drive in an error message: the largest value of each field over the cohort."""
    parts: list[Any] = [
        f"{name} max {float(np.max(getattr(drive, name))):.3g}"
        for name in ("aerobic_frac_vo2max", "resistance_frac_1rm", "sets_per_h")
    ]
    return ", ".join(parts)


def operator_groups(
    c: Constants, n: int, fast_rate_per_h: float = DEFAULT_EXP_SETTINGS.fast_rate_per_h
) -> list[np.ndarray]:
    """Indices of the members that can share a linear operator: equal fast decay rates.

    A rate is fast above ``fast_rate_per_h`` (the integrators' setting); slow rates and every
    other per-member constant may differ within a group. Only the per-member constants that move a decay rate
    between their extremes (the others at the reference person's) are looked at, the rates
    computed once per distinct combination of them. Groups come in the order of their first
    member, so the grouping depends only on the members' constants, in order.
    """
    ref = vars(reference_constants(c))
    base = linear_decay_rates(Constants(ref))
    columns = {k: v for k, v in vars(c).items() if isinstance(v, np.ndarray) and v.shape == (n,)}

    def rates(values: dict[str, float]) -> np.ndarray:
        return linear_decay_rates(Constants({**ref, **values}))

    relevant = [
        k
        for k, v in columns.items()
        if any(not np.array_equal(rates({k: float(x)}), base) for x in (v.min(), v.max()))
    ]
    if n == 0 or not relevant:
        return [np.arange(n)]
    table = np.stack([columns[k] for k in relevant], axis=1)
    rows, inverse = np.unique(table, axis=0, return_inverse=True)
    fast = np.array([rates(dict(zip(relevant, map(float, row), strict=True))) for row in rows])
    fast = np.where(fast > fast_rate_per_h, fast, 0.0)[inverse.reshape(-1)]
    _, first, group_of = np.unique(fast, axis=0, return_index=True, return_inverse=True)
    group_of = group_of.reshape(-1)
    return [np.flatnonzero(group_of == g) for g in np.argsort(first, kind="stable")]
