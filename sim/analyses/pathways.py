"""Why the reserve changed: the terms of the reserve equation integrated over a run.

The built reserve :math:`R_b` grows by a build term and shrinks by its decay; the reported
reserve also subtracts the age-related loss (``docs/model.md``, section 5). The build term is

    k_R * dose(D) * (1 - R_b / R_sat),   D = (1 + w_G G) (P_B + P_S + P_F)

with the brain-BDNF path :math:`P_B = w_B (B - 1)_+`, the strength path :math:`P_S` (strength
gained, while resistance training goes on) and the fitness path :math:`P_F`, all amplified by
the IGF-1 middle-range benefit :math:`G`. At every sample the build is split in proportion:
the share :math:`(M - 1)/M` of the amplification ``M = 1 + w_G G`` goes to "IGF-1 middle
range", the rest to the three paths by their shares of ``P_B + P_S + P_F``. The parts are
integrated over the run with the trapezoid rule on a fine grid (default 5 min), so they add up
to the reserve's change up to the quadrature error (a test checks it).

Where brain BDNF came from is split the same way, by each source's share of the
time-integrated brain-BDNF drive (lactate, irisin, cathepsin B, the aerobic metabolic drive,
their synergy, muscle BDNF, and fitness gained): brain BDNF follows its drive with gain 1, so
these shares are the shares of the brain-BDNF area above rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model.brain import activity_gate
from sim.model.constants import compile_constants, relu

FINE_SAMPLE_MIN = 5.0
"""Sampling [min] of the run the terms are integrated on (a session lasts 30-60 min)."""

RESERVE_PARTS = (
    "brain BDNF",
    "strength gained",
    "fitness gained",
    "IGF-1 middle range",
    "decay of built reserve",
    "age-related loss",
)
BDNF_SOURCES = (
    "lactate",
    "irisin",
    "cathepsin B",
    "aerobic metabolism",
    "synergy of the signals",
    "muscle BDNF",
    "fitness gained",
)


@dataclass(frozen=True)
class Pathways:
    """A run's reserve change by pathway, and brain BDNF's sources (shares summing to 1)."""

    reserve_change: float
    parts: dict[str, float]
    bdnf_sources: dict[str, float]

    @property
    def residual(self) -> float:
        """Reserve change minus the sum of the parts (quadrature error)."""
        return self.reserve_change - sum(self.parts.values())


def _integral(t: np.ndarray, y: np.ndarray) -> float:
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(t)))


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    return np.divide(part, whole, out=np.zeros_like(whole), where=whole > 0)


def _aerobic_drive(result: Any, t: np.ndarray) -> np.ndarray:
    """Relative aerobic intensity at each time, from the completed sessions' segments."""
    x = np.zeros_like(t)
    for bout in result.bouts:
        if bout.completed:
            for t0, t1, drive in bout.segments:
                x[(t >= t0) & (t < t1)] = drive.aerobic_frac_vo2max
    return x


def fine_run(result: Any, sample_min: float = FINE_SAMPLE_MIN) -> Any:
    """``result`` itself if sampled finely enough, else the same run at ``sample_min``."""
    from sim.running.simulation import simulate

    step_min = 60.0 * float(result.times_h[1] - result.times_h[0])
    if step_min <= sample_min + 1e-9:
        return result
    return simulate(result.scenario, result.parameters, sample_min, result.seed)


def reserve_pathways(result: Any, sample_min: float = FINE_SAMPLE_MIN) -> Pathways:
    """The reserve's change over ``result``'s horizon, split into :data:`RESERVE_PARTS`.

    Examples
    --------
    >>> reserve_pathways(simulate(load_scenario("scenarios/resistance.yaml"))).parts  # doctest: +SKIP
    """
    from sim.running.simulation import subject_from_scenario

    run = fine_run(result, sample_min)
    c = compile_constants(run.parameters, subject_from_scenario(run.scenario))
    t, col = np.asarray(run.times_h), run.columns
    built = np.asarray(col["reserve_built"])
    sets, recent = relu(np.asarray(col["rt_weekly_sets"])), np.asarray(col["recent_training"])
    p_b = c.reserve_weight_bdnf * relu(np.asarray(col["bdnf_brain_rel"]) - 1.0)
    p_s = (
        c.reserve_weight_strength
        * relu(np.asarray(col["strength_rel"]) / c.strength0 - 1.0)
        * sets
        / (sets + c.reserve_strength_gate_sets_per_wk)
    )
    p_f = c.reserve_weight_fitness * relu(np.asarray(col["fitness_rel"]) / c.fitness0 - 1.0)
    inner = p_b + p_s + p_f
    amplify = 1.0 + c.reserve_weight_igf1 * np.asarray(col["igf1_benefit"])
    build = amplify * inner
    dose = build / (1.0 + build / c.reserve_drive_half)
    dose = dose * activity_gate(c, recent)
    gain = c.reserve_build_per_h * dose * (1.0 - built / c.reserve_max)
    paths = gain / amplify
    reserve = np.asarray(col["reserve"])
    age_loss = (built - reserve)[-1] - (built - reserve)[0]
    parts = {
        "brain BDNF": _integral(t, paths * _share(p_b, inner)),
        "strength gained": _integral(t, paths * _share(p_s, inner)),
        "fitness gained": _integral(t, paths * _share(p_f, inner)),
        "IGF-1 middle range": _integral(t, gain - paths),
        "decay of built reserve": -_integral(t, built / c.reserve_decay_tau_h),
        "age-related loss": -float(age_loss),
    }
    return Pathways(float(reserve[-1] - reserve[0]), parts, _bdnf_sources(run, c, t))


def _bdnf_sources(run: Any, c: Any, t: np.ndarray) -> dict[str, float]:
    """Each source's share of the time-integrated brain-BDNF drive."""
    col = run.columns
    s = {
        "lactate": c.bdnf_weight_lactate_per_mmol_L
        * relu(np.asarray(col["lactate_mmol_L"]) - c.lactate_rest_mmol_L),
        "irisin": c.bdnf_weight_irisin * relu(np.asarray(col["irisin_rel"]) - 1.0),
        "cathepsin B": c.bdnf_weight_ctsb * relu(np.asarray(col["ctsb_rel"]) - 1.0),
        "aerobic metabolism": c.bdnf_weight_aerobic
        * (_aerobic_drive(run, t) + c.walk_duty * c.walking_frac_vo2max),
    }
    lac, iri, ctsb, aer = s.values()
    s["synergy of the signals"] = c.bdnf_synergy * (
        lac * (iri + ctsb + aer) + iri * (ctsb + aer) + ctsb * aer
    )
    s["muscle BDNF"] = c.bdnf_weight_muscle * relu(np.asarray(col["bdnf_muscle_rel"]) - 1.0)
    s["fitness gained"] = c.bdnf_weight_fitness * relu(np.asarray(col["fitness_rel"]) - c.fitness0)
    areas = {k: _integral(t, v) for k, v in s.items()}
    total = sum(areas.values())
    if total <= 1e-9:  # no training: nothing but rounding above rest
        return dict.fromkeys(areas, 0.0)
    return {k: a / total for k, a in areas.items()}
