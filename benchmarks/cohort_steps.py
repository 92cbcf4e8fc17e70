"""Where a cohort block's time goes, and what that bounds for 10,000 people x 24 weeks.

Runs one block of ``--n`` people (default 1,000, the ensemble's block) of the 24-week
``combined`` scenario in this process with one BLAS thread, and counts and times, in one run:

- the segments (every session and every rest between two is one; a step never crosses one,
  so there is at least one step per segment);
- the step attempts, the right-hand-side calls and the time spent in them;
- the time in the rest of a step (exponential weights, modal transforms, error estimate),
  and everything else (schedule, attendance, operators, assessments, the IL-6 signal's
  closed form in sessions, timed on its own too);
- one right-hand-side call for one person, repeated: its fixed cost (NumPy call overhead),
  against its cost at ``--n`` people.

From these it prints what 10,000 people on two processes take at this pace and two bounds
at today's cost per step: one step per segment (no step-size limit at all), and a free
right-hand side. Both keep "the rest" whole, though part of it is per step (the next step's
modal remainder, the step-size control), so they are upper bounds on what either alone
could give. Numbers measured while other jobs share the cores are inflated; the ratios
come from one run. Illustrative model, not clinical.

Run: ``.venv/bin/python benchmarks/cohort_steps.py [--n 1000]`` (about 10 s).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy is imported

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from sim.input.population import Population
from sim.input.scenario import load_scenario
from sim.model.drive import REST
from sim.model.rhs import initial_state
from sim.numerics import cohort_solver, cohort_step, saturating, subsystem
from sim.running.cohort import cohort_constants, sample_people, simulate_cohort

PEOPLE = 10_000
PROCESSES = 2


class Meter:
    """Counts calls of a function and the seconds spent in them."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn, self.calls, self.seconds = fn, 0, 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return self.fn(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - t0
            self.calls += 1


def rhs_call_us(n: int, repeats: int) -> float:
    """Microseconds of one right-hand-side call for ``n`` resting people."""
    from sim.model.parameters import Parameters

    people = sample_people(Population(), n, np.random.default_rng(1))
    c = cohort_constants(Parameters(), people, Population()).vectorised()
    y = initial_state(c, n) * 1.01
    subsystem.rhs(0.0, y, c, REST)
    t0 = time.perf_counter()
    for _ in range(repeats):
        subsystem.rhs(5.0, y, c, REST)
    return (time.perf_counter() - t0) / repeats * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    scenario = load_scenario("combined")
    people = sample_people(Population(), args.n, np.random.default_rng(1))
    simulate_cohort(scenario.first_weeks(1), people)  # warm-up

    plain_rhs, plain_step, plain_span, plain_signal = (
        subsystem.rhs,
        cohort_step.Work.step,
        cohort_solver.CohortIntegrator._span,
        saturating.SaturatingSignal.__call__,
    )
    rhs, step, span = Meter(plain_rhs), Meter(plain_step), Meter(plain_span)
    signal = Meter(plain_signal)
    saturating.SaturatingSignal.__call__ = lambda self, t: signal(self, t)  # type: ignore[method-assign]
    subsystem.rhs = rhs  # type: ignore[assignment]
    cohort_step.Work.step = lambda self, *a: step(self, *a)  # type: ignore[method-assign]
    cohort_solver.CohortIntegrator._span = lambda self, *a: span(self, *a)  # type: ignore[method-assign]
    try:
        t0 = time.perf_counter()
        simulate_cohort(scenario, people)
        wall = time.perf_counter() - t0
    finally:
        subsystem.rhs = plain_rhs
        cohort_step.Work.step = plain_step  # type: ignore[method-assign]
        cohort_solver.CohortIntegrator._span = plain_span  # type: ignore[method-assign]
        saturating.SaturatingSignal.__call__ = plain_signal  # type: ignore[method-assign]
    # each step attempt calls the right-hand side twice itself (the span calls it once more
    # per accepted step, outside); calls cost alike
    inside = rhs.seconds * 2 * step.calls / rhs.calls
    arithmetic = step.seconds - inside
    other = wall - rhs.seconds - arithmetic
    per_step = (rhs.seconds + arithmetic) / step.calls
    one, many = rhs_call_us(1, 2000), rhs_call_us(args.n, 200)

    def share(seconds: float) -> str:
        return f"{seconds:.2f} s ({100 * seconds / wall:.0f} %)"

    print(f"{args.n:,} people x 24 weeks (combined), one process, one BLAS thread: {wall:.2f} s")
    print(f"  segments {span.calls} (sessions and rests); step attempts {step.calls} "
          f"({step.calls / span.calls:.1f} a segment); right-hand sides {rhs.calls}")  # fmt: skip
    print(f"  right-hand side {share(rhs.seconds)}; step arithmetic {share(arithmetic)}; "
          f"the rest {share(other)}; {1e3 * per_step:.2f} ms a step")  # fmt: skip
    print(f"  of the rest: the IL-6 signal's closed form in sessions {share(signal.seconds)} "
          f"({signal.calls} evaluations)")  # fmt: skip
    print(f"  one right-hand side: {one:.0f} us for 1 person, {many:.0f} us for {args.n:,} "
          f"(the fixed cost is {100 * one / many:.0f} % of it)")  # fmt: skip
    blocks = PEOPLE / args.n / PROCESSES
    today = wall * blocks
    floor = (span.calls * per_step + other) * blocks
    free = (arithmetic + other) * blocks
    print(f"{PEOPLE:,} people on {PROCESSES} processes (blocks of {args.n:,}):")
    print(f"  at this pace                        {today:6.1f} s")
    print(f"  one step a segment at today's cost  {floor:6.1f} s  ({today / floor:.1f}x less)")
    print(f"  a right-hand side that costs nothing {free:5.1f} s  ({today / free:.1f}x less)")
    print("Illustrative model, not clinical.")


if __name__ == "__main__":
    main()
