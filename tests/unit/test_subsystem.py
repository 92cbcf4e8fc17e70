"""Integrating part of the states (``sim.numerics.subsystem``): the right-hand side on the
states integrated is the whole right-hand side's rows, whatever the others hold."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.constants import Subject, compile_constants
from sim.model.drive import REST, Drive
from sim.model.parameters import Parameters
from sim.model.rhs import FGF21_CHAIN, initial_state, rhs
from sim.model.state import IX, N_STATES, STATE_NAMES
from sim.numerics.subsystem import Subsystem

TRIAL = ("strength_rel", "fitness_rel", "reserve_built")


def cohort(n: int, seed: int) -> tuple[object, np.ndarray]:
    """Vectorised constants of one person and ``n`` perturbed states of them."""
    c = compile_constants(Parameters(), Subject(age_years=70.0)).vectorised()
    rng = np.random.default_rng(seed)
    y = initial_state(c, n) * rng.uniform(0.8, 1.3, (N_STATES, n)) + 0.01
    return c, y


def test_a_trials_reads_integrate_nineteen_states_in_three_runs() -> None:
    part = Subsystem.reading(TRIAL)
    assert part.states is not None and len(part.states) == 19
    assert part.integrated is not None and part.integrated.sum() == 19
    names = [STATE_NAMES[i] for i in part.states]
    assert "fgf21_rel" not in names and "reserve_built" in names
    assert part.row(IX.il6_signal) == names.index("il6_signal")
    assert part.row(IX.fgf21_rel) is None
    # the coach's reads are integrated even when nothing read needs them
    steered = Subsystem.reading(("fgf21_rel",), ("fatigue",))
    assert steered.integrated is not None
    assert {STATE_NAMES[i] for i in np.flatnonzero(steered.integrated)} == {
        "fgf21_trigger",
        "fgf21_signal",
        "fgf21_rel",
        "fatigue",
    }
    assert Subsystem.reading(None).states is None
    assert Subsystem.reading(tuple(STATE_NAMES)).states is None  # all: no subset


@pytest.mark.parametrize("scaled", [False, True], ids=["unscaled", "scaled"])
@pytest.mark.parametrize(
    "drive",
    [REST, Drive(aerobic_frac_vo2max=0.7, muscle_mass_frac=0.7)],
    ids=["rest", "session"],
)
def test_the_rate_on_the_integrated_states_is_the_whole_rates_rows(
    scaled: bool, drive: Drive
) -> None:
    n = 7
    c, y0 = cohort(n, 1)
    for part in (Subsystem(), Subsystem.reading(TRIAL)):
        rows = part.rows
        k = len(y0[rows])
        rng = np.random.default_rng(2)
        scale = None
        if scaled:  # some rows 1 for everybody (copied), the others not
            scale = np.where(rng.random((k, 1)) < 0.5, 1.0, rng.uniform(0.5, 2.0, (k, n)))
        y = y0[rows] * rng.uniform(0.9, 1.1, (k, n))  # the integrated states, moved
        rate, tmp = np.empty((k, n)), np.empty((k, n))
        f = part.rate(y0, scale, rate, tmp)
        given = y if scale is None else y * scale
        got = f(3.0, given, c, drive)
        whole = y0.copy()
        whole[rows] = given if scale is None else given / scale  # what f takes the states as
        expected = rhs(3.0, whole, c, drive)[rows]
        if scale is not None:
            expected = expected * scale
        if part.states is None:
            assert got is rate
        else:  # the rates of every state; the integrated ones' rows are read
            assert got.shape == y0.shape
            got = got[rows]
        assert np.array_equal(got, expected)  # the same arithmetic, to the bit
        # the states not integrated keep their values in what put returns
        out = part.put(y0, y)
        assert np.array_equal(out[rows], y)
        if part.integrated is not None:
            assert np.array_equal(out[~part.integrated], y0[~part.integrated])


@pytest.mark.parametrize(
    "drive",
    [REST, Drive(aerobic_frac_vo2max=0.7, muscle_mass_frac=0.7)],
    ids=["rest", "session"],
)
def test_rhs_leaves_out_only_the_rates_it_is_told_no_one_reads(drive: Drive) -> None:
    c, y = cohort(5, 3)
    whole = rhs(2.0, y, c, drive)
    trial = Subsystem.reading(TRIAL)
    assert trial.omitted == {*FGF21_CHAIN, "bdnf_serum_ng_mL", "bdnf_brain_auc"}
    left = rhs(2.0, y, c, drive, omit=trial.omitted)
    skipped = [STATE_NAMES.index(name) for name in (*FGF21_CHAIN, "bdnf_serum_ng_mL")]
    kept = np.setdiff1d(np.arange(N_STATES), skipped)
    assert np.array_equal(left[kept], whole[kept])  # to the bit
    assert np.all(left[skipped] == 0.0) and np.all(whole[skipped] != 0.0)
    # part of the chain is not enough to leave it out (its states read each other)
    assert np.array_equal(rhs(2.0, y, c, drive, omit={"fgf21_rel"}), whole)
