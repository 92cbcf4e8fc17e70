"""Our solver against libRoadRunner on the exported SBML, measured in one run.

1. One 24-week scenario (``scenarios/combined.yaml``): median of repeated ``simulate()`` calls
   against the median of ``rr.reset(); rr.simulate(times=ours)`` on the exported model (model
   loading timed separately). Goal: ours <= 2x roadrunner's simulate. RoadRunner is timed at
   rtol 1e-4 (atol 1e-6), at our own single-run tolerances (rtol 1e-6, atol 1e-8) and at the
   tight ones the agreement test uses (1e-10, 1e-12); the largest error in the reserve of each
   run against the tight one says what accuracy each time buys.
2. If ``sim.running.cohort.simulate_cohort`` exists: cohorts of 200 and 1,000 sampled people (1,000
   is a trial arm of issue 5), per-individual time against a roadrunner loop, estimated from
   10 timed individuals (each: ``reset``, set that person's constants and initial state,
   simulate to the assessment times). Goal: the cohort >= 20x faster per individual. The
   cohort's cost per individual falls with its size (each step has a fixed cost in Python
   calls that everybody shares), so both sizes are printed. The loop re-uses one loaded model with our
   single run's bouts, which favours roadrunner: people with their own attendance would each
   need their own file (load time, printed too).

Run: ``.venv/bin/python benchmarks/vs_roadrunner.py`` (needs ``pip install -e '.[sbml]'``).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "combined.yaml"
REPEATS = 5
COHORT_SIZES, RR_SAMPLE = (200, 1000), 10
GOAL_SINGLE, GOAL_COHORT = 2.0, 20.0
# roadrunner (rtol, atol) of the single run: about our accuracy, our tolerances, the test's.
TOLERANCES = ((1e-4, 1e-6), (1e-6, 1e-8), (1e-10, 1e-12))


@contextlib.contextmanager
def cvode_chatter() -> Iterator[list[int]]:
    """Send what the C libraries print to stdout to a file; count CVODE's step-size notes.

    After each event CVODE restarts with a tiny first step and prints "t + h = t" warnings
    (harmless: "the solver will continue anyway"); they would bury the numbers.
    """
    count = [0]
    sys.stdout.flush()
    saved, python_stdout = os.dup(1), sys.stdout
    with tempfile.TemporaryFile(mode="w+") as sink, os.fdopen(os.dup(saved), "w") as real:
        os.dup2(sink.fileno(), 1)
        sys.stdout = real  # our own prints still reach the terminal
        try:
            yield count
        finally:
            real.flush()
            sys.stdout = python_stdout
            os.dup2(saved, 1)
            os.close(saved)
            sink.seek(0)
            count[0] = sum("t + h = t" in line for line in sink)


def median_time(fn: Callable[[], Any], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def roadrunner_model(path: Path, rtol: float, atol: float) -> Any:
    import roadrunner

    rr = roadrunner.RoadRunner(str(path))
    rr.integrator.relative_tolerance = rtol
    rr.integrator.absolute_tolerance = atol
    rr.integrator.maximum_num_steps = 1_000_000
    return rr


def single_run(scenario: Any, path: Path) -> Any:
    """Time simulate() against roadrunner on one scenario; return our result."""
    from sim.io.sbml.export import export_sbml
    from sim.running.simulation import simulate

    export = export_sbml(scenario, path)
    result = export.result
    times = [float(t) for t in result.times_h]
    ours = median_time(lambda: simulate(scenario))
    load = median_time(lambda: roadrunner_model(path, 1e-6, 1e-8))
    print(
        f"24-week {scenario.name!r}: {len(result.bouts)} sessions, {export.n_events} events, "
        f"{len(times)} output times"
    )
    print(f"  ours simulate():                      median {ours * 1e3:8.1f} ms")
    print(f"  roadrunner load (parse + compile):    median {load * 1e3:8.1f} ms")
    runs = {}
    for rtol, atol in TOLERANCES:
        rr = roadrunner_model(path, rtol, atol)
        first = rr.simulate(times=times, selections=["time", "reserve"])
        runs[rtol] = np.asarray(first[:, 1], dtype=float)

        def again(rr: Any = rr) -> None:
            rr.reset()
            rr.simulate(times=times, selections=["time", "reserve"])

        t_rr = median_time(again)
        rr.reset()
        repeat = rr.simulate(times=times, selections=["time", "reserve"])
        assert np.allclose(first, repeat), "reset() did not restore the initial state"
        print(
            f"  roadrunner simulate (rtol {rtol:.0e}):    median {t_rr * 1e3:8.1f} ms  "
            f"ours/roadrunner = {ours / t_rr:.2f} (goal <= {GOAL_SINGLE:g})"
        )
    # What each run buys: its largest error in the reserve against the tight roadrunner run.
    ref = runs[1e-10]
    scale = float(np.max(np.abs(ref)))
    candidates = {"ours": result.columns["reserve"]}
    candidates.update({f"roadrunner rtol {r:.0e}": v for r, v in runs.items() if r != 1e-10})
    for label, values in candidates.items():
        err = float(np.max(np.abs(values - ref))) / scale
        print(f"  accuracy, {label}: max |reserve - tight roadrunner| = {err:.1e} of its peak")
    return result


def cohort_run(scenario: Any, path: Path) -> None:
    """Time the vectorised cohort against a loop of roadrunner runs."""
    from sim.input.regimen import HOURS_PER_WEEK
    from sim.model.parameters import Parameters
    from sim.model.rhs import initial_state
    from sim.model.state import STATE_NAMES
    from sim.running import cohort

    pop = cohort.Population()
    per_ours: dict[int, float] = {}
    for n in COHORT_SIZES:
        people = cohort.sample_people(pop, n, np.random.default_rng(3))
        cohort.simulate_cohort(scenario, people, pop)  # warm-up
        t_cohort = median_time(
            lambda people=people: cohort.simulate_cohort(scenario, people, pop), 3
        )
        per_ours[n] = t_cohort / n
        print(
            f"cohort of {n} ({scenario.name!r}): median {t_cohort:.2f} s, "
            f"{per_ours[n] * 1e3:.2f} ms per individual"
        )

    params = Parameters().with_overrides(dict(scenario.parameters))
    c = cohort.cohort_constants(params, people, pop)
    varying = {
        k: np.asarray(v)
        for k, v in vars(c).items()
        if isinstance(v, np.ndarray) and np.ndim(v) == 1
    }
    y0 = initial_state(c, people.n)
    weeks = (0.0, scenario.duration_weeks, scenario.duration_weeks + scenario.follow_up_weeks)
    times = sorted({w * HOURS_PER_WEEK for w in weeks})
    print(f"  {len(times)} assessment times; {len(varying)} constants vary between people")
    t_load = median_time(lambda: roadrunner_model(path, 1e-6, 1e-8), 3)
    for rtol, atol in ((1e-3, 1e-6), (1e-6, 1e-8)):
        rr = roadrunner_model(path, rtol, atol)

        def person(i: int, rr: Any = rr) -> None:
            rr.reset()
            for name, values in varying.items():
                rr.setValue(name, float(values[i]))
            for j, name in enumerate(STATE_NAMES):
                rr.setValue(name, float(y0[j, i]))
            rr.simulate(times=times, selections=["time", "reserve"])

        person(0)  # warm-up
        t0 = time.perf_counter()
        for i in range(RR_SAMPLE):
            person(i)
        per_rr = (time.perf_counter() - t0) / RR_SAMPLE
        print(
            f"  roadrunner loop (rtol {rtol:.0e}): {per_rr * 1e3:.1f} ms per individual "
            f"(from {RR_SAMPLE}); with one model load per person "
            f"{(per_rr + t_load) * 1e3:.0f} ms"
        )
        for n, ours in per_ours.items():
            print(
                f"    cohort of {n:>5}: {per_rr / ours:5.1f}x faster per individual (goal >= "
                f"{GOAL_COHORT:g}); with one model load per person {(per_rr + t_load) / ours:.0f}x"
            )


def main() -> None:
    from sim.input.scenario import load_scenario

    scenario = load_scenario(SCENARIO)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "combined.xml"
        with cvode_chatter() as notes:
            single_run(scenario, path)
        print(f"  (CVODE printed {notes[0]} 't + h = t' notes at event restarts; hidden)")
        try:
            from sim.running.cohort import simulate_cohort  # noqa: F401
        except ImportError:
            print("sim.running.cohort.simulate_cohort not available: cohort comparison skipped")
        else:
            with cvode_chatter() as notes:
                cohort_run(scenario, path)
            print(f"  (CVODE printed {notes[0]} 't + h = t' notes at event restarts; hidden)")


if __name__ == "__main__":
    main()
