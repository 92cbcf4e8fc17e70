"""A Sobol-scale set of parameter draws: the ensemble engine vs single runs, in one run.

The sample of a Sobol analysis over ``--k`` parameters (default 10 of the illustrative ones)
with ``--n`` base samples (default 1,024) and second-order indices: ``n (2k + 2)`` parameter
sets (22,528 at the defaults) of the 24-week ``combined`` scenario, the metrics
``reserve_final`` and ``bdnf_brain_auc``. Prints, measured here:

1. single runs (:func:`sim.running.simulation.simulate`), the first ``--single`` sets only
   (default 40): seconds per run, and the whole sample's time at that pace;
2. the ensemble engine in this process (:func:`sim.running.parameter_sets.run_parameter_sets`,
   blocks of :data:`~sim.running.parameter_sets.BLOCK_SIZE`): wall time, runs per second,
   peak memory (maximum resident set);
3. the same on ``LocalCluster(n_workers=2)`` (the ``[distributed]`` extra): wall time without
   the cluster's start-up, the speed-up over (2), whether the metrics are byte-identical to
   (2), and the workers' peak memory;

and how far the ensemble's metrics are from the single runs' on the sets both ran.
Numbers measured while other jobs share the cores are inflated; compare the ratios.
Illustrative model, not clinical.

Run: ``.venv/bin/python benchmarks/sobol_scale.py [--n 1024] [--k 10] [--single 40]``
(about 3 minutes at the defaults on 2 cores, nothing else running; ``--n 64`` for a
quick look).
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from sim.analyses.robustness import illustrative_names
from sim.analyses.sensitivity import parameter_bounds
from sim.input.scenario import load_scenario
from sim.model.parameters import Parameters
from sim.running.distributed import dask_runner
from sim.running.parameter_sets import BLOCK_SIZE, run_parameter_sets
from sim.running.simulation import simulate

METRICS = ("reserve_final", "bdnf_brain_auc")


def peak_mib() -> float:
    """This process's maximum resident set so far [MiB] (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1024)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--single", type=int, default=40)
    args = parser.parse_args()
    from SALib.sample import sobol

    names = illustrative_names()[: args.k]
    # second order, as the count: musclebrain sensitivity samples n (k + 2) sets
    problem = {"num_vars": len(names), "names": list(names), "bounds": parameter_bounds(names)}
    rows = np.asarray(sobol.sample(problem, args.n, calc_second_order=True, seed=0))
    scenario = load_scenario("combined")
    print(f"Sobol sample: {len(rows):,} parameter sets ({args.k} parameters, n = {args.n}, "
          f"second order) of 24-week '{scenario.name}'")  # fmt: skip

    t0 = time.perf_counter()
    single = np.array(
        [
            [simulate(scenario, Parameters().with_overrides(dict(zip(names, map(float, r)))))
             .metrics[m] for m in METRICS]
            for r in rows[: args.single]
        ]
    )  # fmt: skip
    per_run = (time.perf_counter() - t0) / args.single
    print(f"  single runs          {per_run * 1e3:7.1f} ms a run ({args.single} runs); "
          f"the whole sample {per_run * len(rows):7.0f} s at that pace")  # fmt: skip

    t0 = time.perf_counter()
    here = run_parameter_sets(scenario, names, rows, METRICS)
    wall = time.perf_counter() - t0
    print(f"  ensemble, 1 process  {wall:7.1f} s  {len(rows) / wall:6.0f} runs/s  "
          f"{per_run * len(rows) / wall:5.1f}x single runs  peak {peak_mib():6.0f} MiB "
          f"(blocks of {BLOCK_SIZE:,})")  # fmt: skip

    t0 = time.perf_counter()
    with dask_runner(workers=2) as run:
        start = time.perf_counter() - t0
        t1 = time.perf_counter()
        spread = run_parameter_sets(scenario, names, rows, METRICS, run.map)
        wall2 = time.perf_counter() - t1
        workers = run.client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    worker_peak = max(workers.values()) / 1024.0
    print(f"  ensemble, 2 workers  {wall2:7.1f} s  {len(rows) / wall2:6.0f} runs/s  "
          f"speed-up {wall / wall2:4.2f}  identical bytes: {here.tobytes() == spread.tobytes()}"
          f"  worker peak {worker_peak:6.0f} MiB  (cluster start {start:.1f} s)")  # fmt: skip

    rel = np.abs(here[: args.single] - single) / np.maximum(np.abs(single), 1e-2)
    print(
        f"  ensemble vs single runs: largest relative difference {rel.max():.1e} "
        f"({', '.join(f'{m} {v:.1e}' for m, v in zip(METRICS, rel.max(axis=0), strict=True))})"
    )
    print("Illustrative model, not clinical.")


if __name__ == "__main__":
    main()
