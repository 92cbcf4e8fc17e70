"""The whole model: one pure right-hand side assembled from the compartment modules.

``rhs(t, y, c, d)`` returns ``dy/dt`` for state ``y`` (shape ``(N_STATES,)`` or
``(N_STATES, N)`` for N individuals), per-run constants ``c`` (see
:mod:`sim.model.constants`) and the constant drive ``d`` of the current segment. Each
compartment's equations are written once in :mod:`sim.model.equations` (and checked against this
code by ``tests/unit/test_equations.py``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

import numpy as np

from sim.model import adaptation, brain, endocrine, muscle, myokines
from sim.model.constants import Constants
from sim.model.drive import Drive
from sim.model.state import IX, N_STATES, STATE_NAMES

_I = IX


FGF21_CHAIN = ("fgf21_trigger", "fgf21_signal", "fgf21_rel")
"""The hepatic FGF-21 chain: no other state's rate reads it."""


def rhs(
    t: float,
    y: np.ndarray,
    c: Constants,
    d: Drive,
    out: np.ndarray | None = None,
    omit: Collection[str] = (),
) -> np.ndarray:
    """Time derivative of the state [state units per hour].

    ``out``, if given, is an array of ``y``'s shape the rates are written into (and
    returned): each compartment's rates go there as soon as they are computed, so a cohort's
    rates never exist twice. ``omit``: states whose rates the caller does not need (it does
    not integrate them, and no other state's rate reads them); the FGF-21 chain's
    (:data:`FGF21_CHAIN`, all three) and serum BDNF's are then left out, 0.0. The other rates
    are the same to the bit.
    """
    # One person: Python floats are several times faster than NumPy scalars here.
    v = y.tolist() if y.ndim == 1 else y
    lactate, inflammation = v[_I.lactate_mmol_L], v[_I.inflammation_rel]
    irisin, ctsb, bdnf_muscle = v[_I.irisin_rel], v[_I.ctsb_rel], v[_I.bdnf_muscle_rel]
    strength, fitness, weekly_sets = v[_I.strength_rel], v[_I.fitness_rel], v[_I.rt_weekly_sets]
    igf1 = v[_I.igf1_ng_mL]
    benefit = endocrine.igf1_benefit(c, igf1)

    if out is None and y.ndim > 1:
        out = np.empty_like(y, dtype=float)
    dy: Any = [0.0] * N_STATES if out is None else out
    (
        dy[_I.lactate_mmol_L],
        dy[_I.il6_signal],
        dy[_I.il6_pg_mL],
        dy[_I.anti_inflammatory_signal],
        dy[_I.inflammation_rel],
    ) = muscle.rates(
        c,
        d,
        lactate,
        v[_I.il6_signal],
        v[_I.il6_pg_mL],
        v[_I.anti_inflammatory_signal],
        inflammation,
        fitness,
    )
    (
        dy[_I.irisin_rel],
        dy[_I.ctsb_rel],
        dy[_I.fgf21_trigger],
        dy[_I.fgf21_signal],
        dy[_I.fgf21_rel],
        dy[_I.bdnf_muscle_rel],
    ) = myokines.rates(
        c,
        d,
        irisin,
        ctsb,
        v[_I.fgf21_trigger],
        v[_I.fgf21_signal],
        v[_I.fgf21_rel],
        bdnf_muscle,
        strength,
        fitness,
        fgf21_chain=not (omit and all(name in omit for name in FGF21_CHAIN)),
    )
    dy[_I.igf1_ng_mL] = endocrine.rate(c, t, igf1, weekly_sets)
    (
        dy[_I.bdnf_brain_rel],
        dy[_I.bdnf_serum_ng_mL],
        dy[_I.reserve_built],
        dy[_I.bdnf_brain_auc],
    ) = brain.rates(
        c,
        d,
        v[_I.bdnf_brain_rel],
        v[_I.bdnf_serum_ng_mL],
        v[_I.reserve_built],
        lactate,
        irisin,
        ctsb,
        bdnf_muscle,
        inflammation,
        benefit,
        strength,
        fitness,
        weekly_sets,
        v[_I.recent_training],
        serum_bdnf="bdnf_serum_ng_mL" not in omit,
    )
    (
        dy[_I.rt_weekly_sets],
        dy[_I.strength_rel],
        dy[_I.fitness_rel],
        dy[_I.fatigue],
        dy[_I.recent_training],
        dy[_I.strength_pending],
        dy[_I.fitness_pending],
        dy[_I.training_status],
    ) = adaptation.rates(
        c,
        d,
        weekly_sets,
        strength,
        fitness,
        v[_I.fatigue],
        v[_I.recent_training],
        v[_I.strength_pending],
        v[_I.fitness_pending],
        v[_I.training_status],
    )
    return np.array(dy, dtype=float) if out is None else out


def initial_state(c: Constants, n: int | None = None) -> np.ndarray:
    """Resting, untrained state at ``t = 0`` (shape ``(N_STATES,)``, or ``(N_STATES, n)``)."""
    start = {name: 0.0 for name in STATE_NAMES}
    start.update(
        lactate_mmol_L=c.lactate_rest_mmol_L,
        il6_pg_mL=c.il6_rest_pg_mL,
        inflammation_rel=1.0,
        irisin_rel=1.0,
        ctsb_rel=1.0,
        fgf21_rel=1.0,
        bdnf_muscle_rel=1.0,
        bdnf_brain_rel=1.0,
        bdnf_serum_ng_mL=c.bdnf_serum_rest_ng_mL,
        igf1_ng_mL=c.igf1_start_ng_mL,
        strength_rel=c.strength0,
        fitness_rel=c.fitness0,
    )
    y0 = np.array(
        [np.broadcast_to(start[name], () if n is None else (n,)) for name in STATE_NAMES],
        dtype=float,
    )
    assert y0.shape[0] == N_STATES
    return y0


OBSERVED_STATES: dict[str, tuple[str, ...]] = {
    "reserve": ("reserve_built",),
    "cognition_z": ("reserve_built",),
    "igf1_benefit": ("igf1_ng_mL",),
    "performance_rel": ("fitness_rel", "fatigue"),
}
"""The states each of :func:`observables` is computed from (besides the time)."""


def states_behind(quantities: Iterable[str]) -> tuple[str, ...]:
    """The states that states and observables ``quantities`` are read from, in state order."""
    wanted = {s for q in quantities for s in OBSERVED_STATES.get(q, (q,))}
    return tuple(name for name in STATE_NAMES if name in wanted)


def observables(c: Constants, t: Any, y: np.ndarray) -> dict[str, Any]:
    """Derived outputs (reserve, cognition_z, igf1_benefit, performance_rel) at times ``t``."""
    reserve, cognition = brain.observables(c, t, y[_I.reserve_built])
    return {
        "reserve": reserve,
        "cognition_z": cognition,
        "igf1_benefit": endocrine.igf1_benefit(c, y[_I.igf1_ng_mL], np.exp),
        "performance_rel": y[_I.fitness_rel] / c.fitness0
        - c.performance_fatigue_cost * y[_I.fatigue],
    }


def linear_decay_rates(c: Constants, n: int | None = None) -> np.ndarray:
    """Per-state first-order decay rates ``k`` [1/h] such that ``rhs = N(y) - k y``.

    The exponential integrator treats ``-k y`` exactly and the remainder ``N`` explicitly, so
    ``k`` should hold each state's own (stiff) clearance or time constant. Shape
    ``(N_STATES,)``, or ``(N_STATES, n)`` for constants that differ between ``n`` members.
    """
    rates = {name: 0.0 for name in STATE_NAMES}
    rates.update(
        lactate_mmol_L=c.lactate_clearance_per_h,
        il6_signal=c.il6_signal_decay_per_h,
        il6_pg_mL=c.il6_clearance_per_h,
        anti_inflammatory_signal=1.0 / c.anti_inflammatory_tau_h,
        inflammation_rel=1.0 / c.inflammation_tau_h,
        irisin_rel=c.irisin_clearance_per_h,
        ctsb_rel=c.ctsb_clearance_per_h,
        fgf21_trigger=c.fgf21_trigger_decay_per_h,
        fgf21_signal=c.fgf21_signal_decay_per_h,
        fgf21_rel=c.fgf21_clearance_per_h,
        bdnf_muscle_rel=c.bdnf_muscle_clearance_per_h,
        bdnf_brain_rel=1.0 / c.bdnf_brain_tau_h,
        bdnf_serum_ng_mL=1.0 / c.bdnf_serum_tau_h,
        igf1_ng_mL=1.0 / c.igf1_tau_h,
        rt_weekly_sets=1.0 / c.sets_memory_tau_h,
        strength_rel=1.0 / c.strength_detraining_tau_h,
        fitness_rel=1.0 / c.fitness_detraining_tau_h,
        fatigue=c.recovery / c.fatigue_tau_h,
        recent_training=1.0 / c.training_memory_tau_h,
        strength_pending=1.0 / c.adaptation_lag_tau_h,
        fitness_pending=1.0 / c.adaptation_lag_tau_h,
        training_status=1.0 / c.training_status_tau_h,
        reserve_built=1.0 / c.reserve_decay_tau_h,
    )
    shape = () if n is None else (n,)
    return np.array([np.broadcast_to(rates[name], shape) for name in STATE_NAMES], dtype=float)
