"""An ensemble on a local Dask cluster vs in this process, measured in one run.

Runs the same ensemble (``scenarios/combined.yaml``, 24 weeks, ``--n`` members, default 4,000,
chunks of 1,000 members = whole blocks) three ways and prints wall times, individuals per
second, the ratio to the in-process run and whether the arrays are byte-identical:

1. in this process, chunk after chunk (one BLAS thread: :func:`sim.running.ensemble.one_blas_thread`);
2. ``LocalCluster(n_workers=1)`` (single-threaded worker processes on 127.0.0.1);
3. ``LocalCluster(n_workers=2)``.

The cluster's start-up is timed apart from the work. Needs the ``[distributed]`` extra.
Numbers measured while other jobs share the cores are inflated; compare the ratios.
Illustrative model, not clinical.

Run: ``.venv/bin/python benchmarks/dask_scaling.py [--n 4000]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from sim.input.scenario import load_scenario
from sim.running.distributed import dask_runner
from sim.running.ensemble import BLOCK_SIZE, Ensemble, run_ensemble


def _identical(a, b) -> bool:  # type: ignore[no-untyped-def]
    return all(a.columns[k].tobytes() == b.columns[k].tobytes() for k in a.columns) and (
        np.array_equal(a.members, b.members)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000)
    n = parser.parse_args().n
    # assessed at weeks 0, 12 and 24 as a trial is (every hour would ship ~1 GB per chunk)
    ensemble = Ensemble(load_scenario("combined"), n, seed=11, assessments_weeks=(0.0, 12.0, 24.0))
    t0 = time.perf_counter()
    serial = run_ensemble(ensemble, BLOCK_SIZE)
    base = time.perf_counter() - t0
    print(f"{n:,} members x 24 weeks, chunks of {BLOCK_SIZE:,} (whole blocks)")
    print(f"  in this process      {base:6.1f} s  {n / base:7.0f} individuals/s  ratio 1.00")
    for workers in (1, 2):
        t0 = time.perf_counter()
        with dask_runner(workers=workers) as run:
            start = time.perf_counter() - t0
            t1 = time.perf_counter()
            result = run(ensemble, BLOCK_SIZE)
            work = time.perf_counter() - t1
        same = "identical bytes" if _identical(serial, result) else "DIFFERENT"
        print(f"  Dask, {workers} worker{'s' if workers > 1 else ' '}       {work:6.1f} s  "
              f"{n / work:7.0f} individuals/s  ratio {work / base:.2f}  (cluster start "
              f"{start:.1f} s; {same})")  # fmt: skip


if __name__ == "__main__":
    main()
