"""Speed and memory of the cohort engine (issue 5), measured in one run.

Targets (issue "Virtual cohorts and virtual trials", on 2 cores):

1. a 3-arm trial of 1,000 per arm over 24 weeks in <= 10 s: timed here as the whole shipped
   ``scenarios/trials/northey_modalities.yaml`` (aerobic, resistance and combined arms plus
   its sedentary control, so 4,000 people) through ``load_trial``/``run_trial`` with
   ``n_per_arm=1000``, statistics included;
2. 10,000 individuals x 24 weeks (``scenarios/combined.yaml`` through ``simulate_cohort``) in
   <= 20 s and <= 2 GiB peak memory: each repeat runs in a fresh subprocess, whose peak
   resident set size (``ru_maxrss``, imports included) is the memory figure.

Both print individuals per second next to the single-run path (``simulate()`` of one person
on the same 24-week combined scenario, the default exponential integrator).

Run: ``.venv/bin/python benchmarks/trial_speed.py [--repeats N]``. Prints medians of the
repeats and the ratio to each target, so results compare across machines; numbers measured
while other jobs share the cores are inflated.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRIAL = ROOT / "scenarios" / "trials" / "northey_modalities.yaml"
SCENARIO = ROOT / "scenarios" / "combined.yaml"
N_PER_ARM, N_LARGE = 1000, 10_000
TARGET_TRIAL_S, TARGET_LARGE_S, TARGET_LARGE_GIB = 10.0, 20.0, 2.0


def single_run(repeats: int) -> float:
    """Median wall time of one ``simulate()`` of the 24-week combined scenario [s]."""
    from sim.input.scenario import load_scenario
    from sim.running.simulation import simulate

    scenario = load_scenario(SCENARIO)
    simulate(scenario)  # warm-up
    times = []
    for _ in range(max(repeats, 5)):
        t0 = time.perf_counter()
        simulate(scenario)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def trial_run(repeats: int) -> tuple[float, int, dict[str, float]]:
    """Median wall time of the whole trial at 1,000 per arm, people, and per-arm seconds."""
    from sim.analyses.trial.run import load_trial, run_trial

    trial = load_trial(TRIAL)
    times, arms = [], {}
    for _ in range(repeats):
        marks: list[tuple[str, float]] = []
        t0 = time.perf_counter()
        run_trial(
            trial,
            n_per_arm=N_PER_ARM,
            progress=lambda i, n, label, marks=marks: marks.append((label, time.perf_counter())),
        )
        end = time.perf_counter()
        times.append(end - t0)
        stamps = [t for _, t in marks] + [end]
        arms = {label: stamps[i + 1] - t for i, (label, t) in enumerate(marks)}
    return statistics.median(times), N_PER_ARM * len(trial.scenarios), arms


def large_child() -> None:
    """In a subprocess: time 10,000 people through 24 weeks; print seconds and peak RSS."""
    import numpy as np

    from sim.input.scenario import load_scenario
    from sim.running.cohort import Population, sample_people, simulate_cohort

    scenario = load_scenario(SCENARIO)
    pop = Population()
    t0 = time.perf_counter()
    people = sample_people(pop, N_LARGE, np.random.default_rng(1))
    result = simulate_cohort(scenario, people, pop)
    seconds = time.perf_counter() - t0
    assert np.all(np.isfinite(result.states))
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"seconds": seconds, "peak_gib": peak_kib / 2**20}))


def large_run(repeats: int) -> tuple[float, float]:
    """Median seconds and largest peak memory [GiB] of the 10,000-person cohort."""
    seconds, peaks = [], []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, __file__, "--child"],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        seconds.append(figures["seconds"])
        peaks.append(figures["peak_gib"])
    return statistics.median(seconds), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="repeats per measurement")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        large_child()
        return
    repeats = max(1, args.repeats)
    single = single_run(repeats)
    print(
        f"single run (simulate(), 24-week combined): median {single * 1e3:.1f} ms = "
        f"{1.0 / single:.1f} individuals/s"
    )

    t_trial, n_trial, arms = trial_run(repeats)
    print(
        f"trial {TRIAL.name}, {N_PER_ARM} per arm, {len(arms)} arms ({n_trial} people), "
        f"24 weeks: median {t_trial:.2f} s over {repeats} = {n_trial / t_trial:.0f} "
        f"individuals/s ({n_trial / t_trial * single:.0f}x the single run per individual); "
        f"target <= {TARGET_TRIAL_S:g} s: {t_trial / TARGET_TRIAL_S:.2f} of it"
    )
    print("  last repeat by arm: " + ", ".join(f"{a} {t:.2f} s" for a, t in arms.items()))

    t_large, peak = large_run(repeats)
    print(
        f"cohort of {N_LARGE} x 24 weeks ({SCENARIO.name}, sampling included): median "
        f"{t_large:.2f} s over {repeats} = {N_LARGE / t_large:.0f} individuals/s "
        f"({N_LARGE / t_large * single:.0f}x the single run per individual); target <= "
        f"{TARGET_LARGE_S:g} s: {t_large / TARGET_LARGE_S:.2f} of it"
    )
    print(
        f"  peak memory (max RSS of the subprocess, imports included) {peak:.2f} GiB; target "
        f"<= {TARGET_LARGE_GIB:g} GiB: {peak / TARGET_LARGE_GIB:.2f} of it"
    )


if __name__ == "__main__":
    main()
