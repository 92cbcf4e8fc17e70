"""Structure a physiologist expects, checked on the shipped scenarios.

- Performance (Banister: fitness less the cost of fatigue) peaks within a taper that follows
  an overload block, above where it stood before the overload (Hellard 2006; Mujika 2003:
  tapers of one to three weeks raise performance a few percent).
- The reserve build stops when training stops: the reserve peaks within about ten days of the
  last session and then falls (Ferreira 2024: decline after 10 days to 16 weeks off).
- A lone bout is not training: mitochondrial enzyme activities rise only from the third
  session of a programme on (Perry 2010), so one bout brings less than a fifth of what the same
  bout brings, on average, within the first three weeks of a programme.
- A session's adaptation is realised over days, not during it or the same day (muscle protein
  synthesis stays raised for one to two days).
- Cognition is not a fixed multiple of the reserve: the age-related decline is the score's
  own, buffered by the built reserve (Stern 2012), so the cognition/reserve ratio differs
  between trained and untrained arms.

Ranges are from those sources, not from the model's output; musclebrain is illustrative.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.input.scenario import load_scenario
from sim.running.simulation import simulate
from tests.conftest import SCENARIOS

WEEK_H, DAY_H = 168.0, 24.0


@pytest.fixture(scope="module")
def taper():  # type: ignore[no-untyped-def]
    return simulate(load_scenario(SCENARIOS / "taper.yaml"))


def test_performance_peaks_within_the_taper(taper) -> None:  # type: ignore[no-untyped-def]
    t, perf = np.asarray(taper.times_h), np.asarray(taper.columns["performance_rel"])
    overload_start, taper_start, end = 8 * WEEK_H, 10 * WEEK_H, 13 * WEEK_H
    peak = t[np.argmax(perf)]
    assert taper_start < peak < end, f"performance peaks at day {peak / DAY_H:.1f}"
    before = perf[t <= overload_start][-1]
    at_overload_end = perf[t <= taper_start][-1]
    assert perf.max() > before + 0.01  # the taper's gain is visible (a few percent)
    assert at_overload_end < before  # overload: fatigue outweighs the fitness it adds


def test_an_overload_block_raises_fitness_but_lowers_performance(taper) -> None:  # type: ignore[no-untyped-def]
    """Overreaching (Banister; Hellard 2006): two weeks of heavy training still build
    fitness while fatigue outgrows it, so performance falls over the block."""
    t = np.asarray(taper.times_h)
    col = taper.columns
    start, end = t <= 8 * WEEK_H, t <= 10 * WEEK_H

    def last(name: str, mask: np.ndarray) -> float:
        return float(np.asarray(col[name])[mask][-1])

    assert last("fitness_rel", end) > last("fitness_rel", start)
    assert last("performance_rel", end) < last("performance_rel", start)


def test_the_reserve_stops_building_within_ten_days_of_the_last_session() -> None:
    r = simulate(load_scenario(SCENARIOS / "detraining.yaml"))
    t, reserve = np.asarray(r.times_h), np.asarray(r.columns["reserve"])
    last = max(b.end_h for b in r.bouts if b.completed)
    peak = t[np.argmax(reserve)]
    assert peak - last <= 10 * DAY_H, f"reserve still rose {(peak - last) / DAY_H:.1f} days on"
    four_weeks_on = reserve[t <= last + 28 * DAY_H][-1]
    assert four_weeks_on < reserve.max()  # and then falls


def test_once_weekly_training_keeps_the_gate_open_between_sessions() -> None:
    from sim.model.brain import activity_gate
    from sim.model.constants import compile_constants
    from sim.running.simulation import subject_from_scenario

    scenario = load_scenario(SCENARIOS / "resistance_once_weekly.yaml")
    r = simulate(scenario)
    c = compile_constants(r.parameters, subject_from_scenario(scenario))
    t = np.asarray(r.times_h)
    middle = (t > 4 * WEEK_H) & (t < 20 * WEEK_H)
    gate = activity_gate(c, np.asarray(r.columns["recent_training"])[middle])
    assert gate.min() > 0.8


def test_cognition_is_not_a_multiple_of_the_reserve() -> None:
    runs = {n: simulate(load_scenario(SCENARIOS / f"{n}.yaml")) for n in ("sedentary", "combined")}
    ratio = {n: r.columns["cognition_z"][-1] / r.columns["reserve"][-1] for n, r in runs.items()}
    # an untrained 65-year-old declines (hippocampal atrophy ~1.4 %/yr, Barnes 2009): the
    # score falls by itself, not only through the reserve
    assert runs["sedentary"].columns["cognition_z"][-1] < -0.005
    assert abs(ratio["sedentary"] - ratio["combined"]) > 0.25 * abs(ratio["combined"]), ratio


def test_adaptation_follows_a_session_over_days_not_during_it() -> None:
    """Protein synthesis and mitochondrial biogenesis follow a session over one to several
    days: VO2max does not rise while the run goes on. At the end of the 30-minute bout fitness
    has moved less than 0.05 %; the gain appears over the next days."""
    r = simulate(load_scenario(SCENARIOS / "single_bout.yaml"))
    t, fit = np.asarray(r.times_h), np.asarray(r.columns["fitness_rel"])
    bout = r.bouts[0]
    at_end = fit[t <= bout.end_h][-1]
    two_days = fit[t <= bout.end_h + 48.0][-1]
    assert at_end - fit[0] < 5e-4 * fit[0]
    assert two_days - fit[0] > 0.3 * (fit.max() - fit[0])


def test_a_programme_session_is_realised_over_days() -> None:
    """Muscle protein synthesis stays raised for one to two days after a session (the reason
    given for ``adaptation_lag_tau_h``): in the third week of a thrice-weekly resistance
    programme, six hours after Friday's session less than half of the strength it has
    brought by Sunday is realised (a same-day jump would put it near all of it)."""
    from tests.evidence.helpers import resistance, run

    r = run([resistance(d) for d in ("mon", "wed", "fri")], weeks=3, sample_min=30)
    t, strength = np.asarray(r.times_h), np.asarray(r.columns["strength_rel"])
    end = r.bouts[-1].end_h
    gain = {h: float(np.interp(end + h, t, strength)) - float(np.interp(end, t, strength))
            for h in (6.0, 48.0)}  # fmt: skip
    assert 0.0 < gain[6.0] < 0.5 * gain[48.0], gain


def test_a_lone_bout_brings_less_than_a_session_of_a_programme() -> None:
    """Perry 2010: enzyme activities unchanged after one session, raised from the third on.
    The same 30-min run at 85 % HRmax once, and three times a week for three weeks: a week
    after the lone bout VO2max has risen by less than a fifth of the programme's gain per
    session and by less than 0.2 %: one bout should not show in a fitness curve (0.2 % is the
    bound the model-fidelity issue sets for single_bout.yaml, this same run)."""
    from tests.evidence.helpers import aerobic, run

    def bout(day: str) -> dict[str, object]:
        return aerobic(day, minutes=30, pct_hrmax=85)

    lone = run([bout("mon")], weeks=1).columns["fitness_rel"][-1] - 1.0
    programme = run([bout(d) for d in ("mon", "wed", "fri")], weeks=3)
    per_session = (programme.at("fitness_rel", 3 * WEEK_H) - 1.0) / 9
    assert 0.0 < lone < 0.2 * per_session, (lone, per_session)
    assert lone < 0.002
