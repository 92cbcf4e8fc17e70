"""Is a single run worth its own path? simulate() against the cohort engine with one person.

The layout asks that a single person be a cohort of one, unless a benchmark shows the single
run's own path is worth at least 2x; then both stay behind one interface. This measures, on the
24-week combined scenario (the default participant, the default integrators):

- ``simulate()``: the single run, with its hourly time series and exact bout boundaries;
- the cohort engine with one person assessed every 1.3125 h (a grid a little coarser than the
  run's hourly one; the output a run must write has a row per sample);
- the cohort engine with one person assessed only at start, end of training and end
  (what a trial needs; no time series, so it cannot replace a run).

Run: ``.venv/bin/python benchmarks/single_vs_cohort.py [--repeats N]``. Prints medians and the
ratios measured in this one run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def median_time(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    from sim.input.population import Population
    from sim.input.scenario import load_scenario
    from sim.running.cohort import People, simulate_cohort
    from sim.running.simulation import simulate

    scenario = load_scenario(ROOT / "scenarios" / "combined.yaml")
    one = People(
        age_years=np.array([float(scenario.participant.age_years)]),
        female=np.array([scenario.participant.sex == "female"]),
        genotype=np.array([0]),
        status=np.array([0]),
        baseline_strength_rel=np.array([1.0]),
        baseline_fitness_rel=np.array([1.0]),
        igf1_factor=np.array([1.0]),
        strength_responsiveness=np.array([1.0]),
        fitness_responsiveness=np.array([1.0]),
        attendance_factor=np.array([1.0]),
    )
    # every 1/128 week (1.3125 h): exact in binary, so each assessment time is hit exactly
    hourly = tuple(float(w) for w in np.arange(0, scenario.total_weeks * 128 + 1) / 128.0)
    ends = (0.0, float(scenario.duration_weeks), float(scenario.total_weeks))

    single = median_time(lambda: simulate(scenario), args.repeats)
    dense = median_time(
        lambda: simulate_cohort(
            scenario, one, Population(), seed=scenario.seed, assessments_weeks=hourly
        ),
        args.repeats,
    )
    sparse = median_time(
        lambda: simulate_cohort(
            scenario, one, Population(), seed=scenario.seed, assessments_weeks=ends
        ),
        args.repeats,
    )
    print(f"24-week combined scenario, {args.repeats} repeats, medians")
    print(f"  simulate() (hourly series + bout boundaries): {single * 1e3:8.1f} ms")
    print(
        f"  cohort of one, every 1.3 h:                   {dense * 1e3:8.1f} ms  ratio {dense / single:5.2f}"
    )
    print(
        f"  cohort of one, assessed at 3 times:            {sparse * 1e3:8.1f} ms  ratio {sparse / single:5.2f}"
    )
    print(
        "A ratio >= 2 for the hourly cohort keeps the single run's own path (see sim/running/simulation.py)."
    )


if __name__ == "__main__":
    main()
