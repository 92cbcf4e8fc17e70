"""One cohort block alone against two side by side, measured in one run.

A 10,000-person trial on two cores integrates two blocks of
:data:`~sim.running.ensemble.BLOCK_SIZE` people at once, one a process. The two processes share
the processor's last-level cache: when a step's arrays outgrow their share, each block takes
longer beside the other than alone. For each block size of ``--sizes`` this runs one block
alone, then two side by side (each its own process, one BLAS thread), ``--repeats`` times
alternated, and prints the block times and their ratio (side by side / alone; 1.0 means the
two cores are used fully). Blocks are read for a trial (the outcome's states, strength and
fitness), as trials integrate them. Numbers measured while other jobs share the cores are
inflated; compare the ratios. Illustrative model, not clinical.

Run: ``.venv/bin/python benchmarks/blocks_side_by_side.py [--sizes 3500,5000] [--repeats 2]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
sys.path.insert(0, {root!r})
from sim.analyses.trial.run import trial_reads
from sim.input.population import Population
from sim.input.scenario import load_scenario
from sim.running.ensemble import Ensemble, run_chunk

ensemble = Ensemble(load_scenario("combined"), {n}, seed=7, key=1, pop=Population(),
                    block_size={n}, reported=trial_reads("cognition_z"))
start = time.perf_counter()
run_chunk(ensemble, ensemble.chunks()[0])
print(json.dumps(time.perf_counter() - start))
"""


def blocks(n: int, together: int) -> list[float]:
    """Seconds of ``together`` blocks of ``n`` people started at once, one a process."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    code = CHILD.format(root=str(ROOT), n=n)
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(together)
    ]
    return [float(json.loads(p.communicate()[0].strip().splitlines()[-1])) for p in procs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="3500,5000", help="block sizes, comma-separated")
    parser.add_argument("--repeats", type=int, default=2, help="alternations (default 2)")
    args = parser.parse_args()
    print(f"24 weeks of combined.yaml read for a trial, cores: {os.cpu_count()}")
    for n in (int(s) for s in args.sizes.split(",")):
        alone: list[float] = []
        paired: list[float] = []
        for _ in range(args.repeats):
            alone += blocks(n, 1)
            paired += blocks(n, 2)
        a, p = statistics.median(alone), statistics.median(paired)
        print(
            f"  blocks of {n:>6,}: alone {a:5.2f} s, side by side {p:5.2f} s each "
            f"(ratio {p / a:.2f}; {1e3 * a / n:.2f} ms a person alone)"
        )


if __name__ == "__main__":
    main()
