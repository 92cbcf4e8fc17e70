"""Robustness: the targets keep their shape when the free parameters move by ±20 %.

Each draw scales every free parameter (tools.calibration.FREE) by an independent factor in
[0.8, 1.2]; the qualitative shape of the targets (tools.calibration.shape_checks) must hold.
``tools/calibrate.py --robustness`` reports one-at-a-time sensitivities; targets that flip
there are listed as fragile in docs/model.md.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sim.model.parameters import DEFAULTS
from tools.calibration import FREE, shape_checks


def test_targets_have_their_shape_at_the_defaults():
    checks = shape_checks(DEFAULTS)
    assert all(checks.values()), [k for k, ok in checks.items() if not ok]


@pytest.mark.parametrize("draw", range(4), ids=lambda d: f"draw{d}")
def test_targets_keep_their_shape_under_20_percent_perturbations(draw):
    rng = np.random.default_rng(1000 + draw)
    factors = rng.uniform(0.8, 1.2, size=len(FREE))
    params = replace(
        DEFAULTS, **{n: getattr(DEFAULTS, n) * f for n, f in zip(FREE, factors, strict=True)}
    )
    checks = shape_checks(params)
    assert all(checks.values()), [k for k, ok in checks.items() if not ok]
