"""Evidence targets T5-T8 and T11-T13 (weeks to months of training and detraining).

Targets and sources: docs/targets.md; the published numbers in docs/references.md.
The ranges are wide on purpose: a target holds when the behaviour has the right shape and
order of magnitude.
"""

from __future__ import annotations

import pytest

from sim.model.constants import igf1_age_baseline_ng_mL
from sim.model.endocrine import igf1_benefit
from sim.model.parameters import DEFAULTS
from tests.evidence.helpers import aerobic, resistance, run

THRICE_RT = [resistance("mon"), resistance("wed"), resistance("fri")]
ZONE2 = [aerobic("mon"), aerobic("wed"), aerobic("fri")]


@pytest.fixture(scope="module")
def aerobic_24():
    return run(ZONE2, weeks=24)


@pytest.fixture(scope="module")
def resistance_24():
    return run([resistance("tue"), resistance("fri")], weeks=24)


def test_t5_aerobic_training_raises_resting_bdnf_modestly(aerobic_24):
    """T5 (Dinoff 2016: aerobic SMD 0.66): resting serum BDNF rises modestly."""
    assert 3.0 <= aerobic_24.metrics["bdnf_serum_rest_change_pct"] <= 25.0


def test_t5_resistance_training_leaves_resting_bdnf_about_unchanged(aerobic_24, resistance_24):
    """T5 (Dinoff 2016: resistance SMD 0.07, NS): resting serum BDNF ~unchanged."""
    change = resistance_24.metrics["bdnf_serum_rest_change_pct"]
    assert abs(change) < 5.0
    assert abs(change) < aerobic_24.metrics["bdnf_serum_rest_change_pct"] / 3


@pytest.fixture(scope="module")
def igf1_by_age():
    return {
        age: run(THRICE_RT, weeks=25, rule="autoregulated", participant={"age_years": age})
        for age in (37, 70)
    }


def test_t6_resistance_training_raises_igf1_in_middle_age_then_plateaus(igf1_by_age):
    """T6 (Borst 2001): ~+20 % within ~13 weeks in middle-aged adults, then a plateau."""
    r = igf1_by_age[37]
    start = r.columns["igf1_ng_mL"][0]
    at13, at25 = r.at("igf1_ng_mL", 13 * 168.0), r.at("igf1_ng_mL", 25 * 168.0)
    assert 0.10 <= at13 / start - 1.0 <= 0.30
    assert abs(at25 / at13 - 1.0) < 0.05


def test_t6_igf1_barely_changes_in_older_adults(igf1_by_age):
    """T6 (Borst 2002): no change in resting IGF-1 after 6 months of RT at ~68 y."""
    assert abs(igf1_by_age[70].metrics["igf1_change_pct"]) < 5.0


def test_t6_strength_gains_do_not_depend_on_igf1_rising(igf1_by_age):
    """T6 (Borst 2002): older adults gain strength without an IGF-1 rise."""
    old, young = igf1_by_age[70].metrics, igf1_by_age[37].metrics
    assert old["strength_change_pct"] >= 0.8 * young["strength_change_pct"] > 0


def test_t7_igf1_benefit_is_a_hump_centred_in_the_middle_range():
    """T7 (Rahmani 2022: lowest mortality at 120-160 ng/mL): too low and too high both lose."""
    c = type(
        "C",
        (),
        {
            "igf1_optimum_ng_mL": DEFAULTS.igf1_optimum_ng_mL,
            "igf1_hump_width_ng_mL": DEFAULTS.igf1_hump_width_ng_mL,
        },
    )()
    import numpy as np

    levels = np.linspace(40.0, 300.0, 261)
    benefit = igf1_benefit(c, levels, np.exp)
    assert 120.0 <= levels[np.argmax(benefit)] <= 160.0
    assert benefit[levels == 80.0] < benefit[levels == 140.0] > benefit[levels == 220.0]


def test_t7_through_the_model_the_middle_range_gives_the_most_brain_bdnf():
    """T7 (Rahmani 2022: lowest mortality at 120-160 ng/mL), run through the model: the same
    12 weeks of zone-2 training from baseline IGF-1 levels 60-240 ng/mL; the brain-BDNF AUC
    is largest for a baseline inside 120-160 and smaller at both ends (the range is the
    source's, written before the run)."""
    levels = (60.0, 90.0, 120.0, 140.0, 160.0, 190.0, 240.0)
    auc = [
        run(ZONE2, weeks=12, participant={"baseline_igf1_ng_mL": level}).metrics["bdnf_brain_auc"]
        for level in levels
    ]
    best = levels[max(range(len(levels)), key=auc.__getitem__)]
    assert 120.0 <= best <= 160.0, dict(zip(levels, auc, strict=True))
    assert auc[0] < max(auc) > auc[-1]


def test_t7_default_igf1_baseline_falls_with_age():
    """T7 (Gasco 2007): ~200 ng/mL at 30 y, ~100 at 65 y; -1.5 to -2 %/yr."""
    assert igf1_age_baseline_ng_mL(DEFAULTS, 30.0) == pytest.approx(200.0, rel=0.1)
    assert igf1_age_baseline_ng_mL(DEFAULTS, 65.0) == pytest.approx(100.0, rel=0.1)
    assert 0.015 <= DEFAULTS.igf1_decline_per_yr <= 0.02


def test_t8_met_carriers_have_smaller_not_zero_gains():
    """T8 (Egan 2003): blunted activity-dependent BDNF release; smaller, not zero, reserve
    gains in Met carriers."""
    above_vt = [aerobic("mon", minutes=30, pct_vo2max=70), aerobic("wed"), aerobic("fri")]
    results = {
        g: run(above_vt, weeks=24, sample_min=5, participant={"bdnf_genotype": g})
        for g in ("val/val", "val/met", "met/met")
    }
    peaks = [r.columns["bdnf_serum_ng_mL"].max() for r in results.values()]
    reserve = [r.metrics["reserve_end_training"] for r in results.values()]
    assert peaks[0] > peaks[1] > peaks[2]
    assert reserve[0] > reserve[1] > reserve[2] > 0.3 * reserve[0]


@pytest.fixture(scope="module")
def strength_16wk():
    return {
        pct: run(
            [resistance(d, pct) for d in ("mon", "wed", "fri")],
            weeks=16,
            rule="autoregulated",
            participant={"age_years": 69},
        ).metrics["strength_change_pct"]
        for pct in (50, 70, 90)
    }


# Beneka (in Borde 2015), 16 weeks, 66-72 y, men / women: 50 % 1RM +4 / +3 %, 70 % +8 / +7 %,
# 90 % +11 / +15 %. (The target once read the 90 % group's gains as the 70 % group's.)
BENEKA = {50: (3.0, 4.0), 70: (7.0, 8.0), 90: (11.0, 15.0)}
SMALLER_TRIAL = (
    "the model takes the size of the gain from Peterson 2010's meta-analysis and the effect of "
    "load from this trial as a ratio; Beneka's gains are about a third of the meta-analysis's "
    "and of other trials in older adults (Soendenbroe 2026, Ahtiainen 2016), so the absolute "
    "numbers cannot all be met (docs/evidence.md, F115-F117)"
)


def test_t11_heavier_loads_clearly_beat_light_ones(strength_16wk):
    """T11 (Beneka): 70 % 1RM gives about twice the gain of 50 % (men 8 / 4, women 7 / 3: a
    ratio of 1.75 to 2.67 from the groups' values), and 90 % more than 70 %."""
    assert 1.75 <= strength_16wk[70] / strength_16wk[50] <= 8.0 / 3.0
    assert strength_16wk[90] > strength_16wk[70]


@pytest.mark.parametrize("pct", [50, 70, 90])
@pytest.mark.xfail(strict=True, reason=SMALLER_TRIAL)
def test_t11_gains_at_each_load_are_beneka_s(strength_16wk, pct):
    """T11 (Beneka): the 16-week gain at each load within the men's and women's values."""
    low, high = BENEKA[pct]
    assert low <= strength_16wk[pct] <= high


@pytest.fixture(scope="module")
def peterson_24():
    return run([resistance(d, 80) for d in ("mon", "wed", "fri")], weeks=24, rule="double")


def test_t11_untrained_older_adults_gain_mostly_early(peterson_24):
    """T11 (Peterson 2010): most of the 12-24-week gain comes in the first half."""
    total = peterson_24.metrics["strength_change_pct"]
    half = 100.0 * (peterson_24.at("strength_rel", 12 * 168.0) - 1.0)
    assert half > total - half


def test_t11_untrained_older_adults_gain_a_quarter(peterson_24):
    """T11 (Peterson 2010, meta-analysis of adults >= 50 y): +24-33 % 1RM over 12-24 weeks."""
    assert 24.0 <= peterson_24.metrics["strength_change_pct"] <= 33.0


def test_t11_returns_level_off_above_ten_to_twenty_weekly_sets():
    """T11 (Schoenfeld 2017; 2022 meta-analysis): gains still rise from under 5 to 10+ weekly
    sets, 12-20 are recommended and more than 20 are no better: from 6 to 12 weekly sets the gain
    rises, from 12 to 24 it rises by less than half as much but does not fall, and 36 gives
    no more than 24 (within 1 point). A fixed prescription (double progression), as in those
    trials: the autoregulated rule deloads when fatigued and would cut the sets compared."""
    gains = {
        sets: run([resistance(d, 75, sets) for d in ("mon", "wed", "fri")], weeks=16).metrics[
            "strength_change_pct"
        ]
        for sets in (2, 4, 8, 12)
    }
    assert gains[4] - gains[2] > 1.0, gains
    assert 0.0 <= gains[8] - gains[4] < 0.5 * (gains[4] - gains[2]), gains
    assert gains[12] - gains[8] < 1.0, gains


def test_t12_resting_inflammation_falls_slightly_and_late():
    """T12 (Front Psychol 2023; Cytokine 2023): resting inflammation falls only slightly
    (SMD ~0.15-0.45) and not before ~8-12 weeks of training."""
    r = run([resistance("tue"), resistance("fri"), *ZONE2], weeks=24)
    change = {w: 1.0 - r.at("inflammation_rel", w * 168.0) for w in (4, 12, 24)}
    assert 0.03 <= change[24] <= 0.20
    assert change[4] < 0.02 and change[4] < 0.2 * change[24]
    assert change[12] > 0.3 * change[24]


def test_t13_cognitive_gains_fade_more_slowly_than_fitness():
    """T13 (SMART; Best 2015; Ferreira 2024): partial retention 6-12 months after training
    stops; the reserve decays over months, fitness over weeks."""
    r = run([resistance("tue"), resistance("fri"), *ZONE2], weeks=24, follow_up=52)
    end = 24 * 168.0

    def kept(name, weeks_off, base=0.0):
        return (r.at(name, end + weeks_off * 168.0) - base) / (r.at(name, end) - base)

    assert kept("reserve_built", 26) > kept("fitness_rel", 26, base=1.0) + 0.3
    assert 0.2 <= kept("reserve_built", 52) <= 0.8
