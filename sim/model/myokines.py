r"""Myokines in circulation: irisin, cathepsin B, FGF-21 and (local) muscle BDNF.

Release scales with the muscle mass engaged :math:`m`, innervation :math:`\nu` and the
trained capacity of the muscle (strength :math:`S` for resistance work, fitness :math:`F` for
aerobic work, raised to :math:`e_c`: the stronger, the larger the signal). All are 1 at rest.

Irisin (``winn2017``, ``cep2024``): small pulses (10-20 %), resistance ≥ endurance;
recruitment :math:`\rho(r)` rises to 1 at 90 % 1RM (near-maximal loads recruit all units).

Cathepsin B (``gaitan2021``): only above a high aerobic intensity :math:`x_{C}`.

FGF-21 (``khalafi2020``, ``kim2013``): hepatic, so a hormonal trigger :math:`G_H` and a hepatic
signal :math:`H` stand between the bout and plasma. The three-stage chain delays the plasma peak
to about an hour after the bout and brings it back within about three hours, as measured; a
two-stage chain could do only one of the two.

Muscle BDNF (``matthews2009``, ``mazo2022``): rises for hours after contraction, acts locally.

The equations are written once, in :mod:`sim.model.equations`, and shown with every symbol's
parameter, unit and source in ``docs/model.md`` (section 2, generated); a test checks the
code below against them (``tests/unit/test_equations.py``).
"""

from __future__ import annotations

from typing import Any

from sim.model.constants import Constants, relu
from sim.model.drive import Drive


def recruitment(d: Drive) -> Any:
    """Motor-unit recruitment of resistance work [1]: rises to 1 at 90 % 1RM."""
    return 1.0 - relu(1.0 - d.resistance_frac_1rm / 0.9)


def rates(
    c: Constants,
    d: Drive,
    irisin: Any,
    ctsb: Any,
    fgf21_trigger: Any,
    fgf21_signal: Any,
    fgf21: Any,
    bdnf_muscle: Any,
    strength: Any,
    fitness: Any,
    fgf21_chain: bool = True,
) -> tuple[Any, Any, Any, Any, Any, Any]:
    """Time derivatives of irisin, cathepsin B, the hepatic FGF-21 trigger and signal, FGF-21
    and muscle BDNF (``fgf21_chain=False``: the three FGF-21 rates are left out, 0.0, for a
    caller that does not integrate them; nothing else reads them)."""
    x = d.aerobic_frac_vo2max
    if d.active:
        mass = c.innervation_frac * d.muscle_mass_frac
        rec = recruitment(d)
        # Strength and fitness stay near their (positive) baselines; relu keeps a trial
        # step's overshoot off a negative base of the fractional exponent.
        cap_s = relu(strength) ** c.signal_capacity_exponent
        cap_f = relu(fitness) ** c.signal_capacity_exponent
        irisin_in = (
            c.irisin_release_per_h * mass * (x * cap_f + c.irisin_resistance_weight * rec * cap_s)
        )
        above = relu(x - c.ctsb_threshold_frac_vo2max) / (1.0 - c.ctsb_threshold_frac_vo2max)
        ctsb_in = c.ctsb_release_per_h * mass * cap_f * above
        fgf21_in = (
            c.fgf21_signal_build_per_h * d.muscle_mass_frac * (x + 0.8 * d.resistance_frac_1rm)
            if fgf21_chain
            else 0.0
        )
        bdnf_in = c.bdnf_muscle_release_per_h * mass * (rec + relu(x - rec))
    else:
        irisin_in = ctsb_in = fgf21_in = bdnf_in = 0.0
    d_irisin = irisin_in - c.irisin_clearance_per_h * (irisin - 1.0)
    d_ctsb = ctsb_in - c.ctsb_clearance_per_h * (ctsb - 1.0)
    d_trigger = d_signal = d_fgf21 = 0.0
    if fgf21_chain:
        transfer = c.fgf21_trigger_decay_per_h * fgf21_trigger
        d_trigger = fgf21_in - transfer
        d_signal = transfer - c.fgf21_signal_decay_per_h * fgf21_signal
        d_fgf21 = c.fgf21_release_per_h * fgf21_signal - c.fgf21_clearance_per_h * (fgf21 - 1.0)
    d_bdnf = bdnf_in - c.bdnf_muscle_clearance_per_h * (bdnf_muscle - 1.0)
    return d_irisin, d_ctsb, d_trigger, d_signal, d_fgf21, d_bdnf
