"""Ensemble scale-out on this machine, measured in one run (issue "How robust is a conclusion?").

Runs the same ensemble (``scenarios/combined.yaml``, 24 weeks, ``--n`` members, default 4,000)
several ways and prints wall times and ratios:

1. one process, one chunk, the BLAS library's default threads;
2. one process, one chunk, one BLAS thread (``OPENBLAS_NUM_THREADS=1`` and friends, set
   before NumPy is imported);
3. two processes, one block per task, one BLAS thread each, for each block size of
   ``--blocks`` (default :data:`~sim.running.ensemble.BLOCK_SIZE`);

4. two processes in blocks of ``BLOCK_SIZE`` integrated for what a trial with the cognition
   outcome reads (the built reserve, strength and fitness; the other states' errors counted by
   what they pass on, :mod:`sim.numerics.transients`);

and checks that the merged arrays of the ways in blocks of ``BLOCK_SIZE`` integrated for every
state equal those of 1 byte for byte (another block size is another ensemble: its members
share steps with other members).

Each way runs in a fresh subprocess so the thread settings take effect. Numbers measured while
other jobs share the cores are inflated; compare the ratios. With ``--repeats R`` every way
runs R times in interleaved rounds (each round all ways once), and the medians are printed
with their ranges: on a shared machine single readings drift by tens of percent within the
hour. Illustrative model, not clinical.

Run: ``.venv/bin/python benchmarks/ensemble_chunks.py [--n 4000] [--blocks 1000,5000]
[--repeats 1]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from sim.analyses.trial.run import trial_reads
from sim.running.ensemble import BLOCK_SIZE

ROOT = Path(__file__).resolve().parents[1]
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

CHILD = r"""
import hashlib, json, sys, time
from concurrent.futures import ProcessPoolExecutor
sys.path.insert(0, {root!r})
from sim.input.scenario import load_scenario
from sim.input.population import Population
from sim.running.ensemble import Ensemble, merge, run_chunk, run_ensemble

def digest(result):
    h = hashlib.sha256()
    for name in sorted(result.columns):
        h.update(result.columns[name].tobytes())
    return h.hexdigest()

ensemble = Ensemble(
    load_scenario({scenario!r}),
    {n},
    seed=7,
    key=1,
    pop=Population(),
    block_size={block},
    reported={reported!r},
)
start = time.perf_counter()
if {workers} <= 1:
    result = run_ensemble(ensemble)
else:
    chunks = ensemble.chunks({block})
    with ProcessPoolExecutor({workers}) as pool:
        parts = list(pool.map(run_chunk, [ensemble] * len(chunks), chunks))
    result = merge(parts)
print(json.dumps({{"seconds": time.perf_counter() - start, "digest": digest(result)}}))
"""


def measure(
    n: int, workers: int, one_thread: bool, block: int, reported: tuple[str, ...] | None = None
) -> dict[str, float | str]:
    env = dict(os.environ)
    for var in THREAD_VARS:
        env.pop(var, None)
        if one_thread:
            env[var] = "1"
    code = CHILD.format(root=str(ROOT), scenario=str(ROOT / "scenarios" / "combined.yaml"),
                        n=n, workers=workers, block=block, reported=reported)  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000, help="members (default 4,000)")
    parser.add_argument(
        "--blocks",
        default=f"{BLOCK_SIZE}",
        help=f"block sizes for the two-process way, comma-separated (default {BLOCK_SIZE})",
    )
    parser.add_argument(
        "--repeats", type=int, default=1, help="interleaved rounds of every way (default 1)"
    )
    args = parser.parse_args()
    n, blocks = args.n, [int(b) for b in args.blocks.split(",")]
    plan: dict[str, tuple[int, bool, int, tuple[str, ...] | None]] = {
        "1 process, default BLAS threads": (1, False, BLOCK_SIZE, None),
        "1 process, 1 BLAS thread": (1, True, BLOCK_SIZE, None),
    }
    for block in blocks:
        plan[f"2 processes, blocks of {block:,}"] = (2, True, block, None)
    trial = f"2 processes, blocks of {BLOCK_SIZE:,}, a trial's states"
    plan[trial] = (2, True, BLOCK_SIZE, trial_reads("cognition_z"))
    runs: dict[str, list[dict[str, float | str]]] = {label: [] for label in plan}
    for _ in range(max(1, args.repeats)):
        for label, (workers, one_thread, block, reported) in plan.items():
            runs[label].append(measure(n, workers, one_thread, block, reported))
    seconds = {label: [float(r["seconds"]) for r in rs] for label, rs in runs.items()}
    median = {label: statistics.median(s) for label, s in seconds.items()}
    base = median["1 process, default BLAS threads"]
    rounds = f", medians of {args.repeats} interleaved rounds" if args.repeats > 1 else ""
    print(f"{n} members x 24 weeks (combined.yaml), cores: {os.cpu_count()}{rounds}")
    width = max(map(len, plan))
    for label, s in median.items():
        spread = (
            f"  ({min(seconds[label]):.2f}-{max(seconds[label]):.2f})" if args.repeats > 1 else ""
        )
        print(
            f"  {label:{width}s} {s:7.2f} s  {n / s:6.0f} members/s  ratio to the first "
            f"{s / base:.2f}{spread}"
        )
    # every state, in blocks of BLOCK_SIZE: the same ensemble however run
    same = [
        label for label, (_, _, block, rep) in plan.items() if block == BLOCK_SIZE and rep is None
    ]
    digests = {str(r["digest"]) for label in same for r in runs[label]}
    verdict = "identical" if len(digests) == 1 else "DIFFERENT"
    print(f"  outputs in blocks of {BLOCK_SIZE:,}, however run: {verdict} (sha256 of every column)")
    best = max(n / s for s in median.values())
    print(f"  10,000 members at the best rate: {10_000 / best:.1f} s (issue's aim: <= 5 s)")


if __name__ == "__main__":
    main()
