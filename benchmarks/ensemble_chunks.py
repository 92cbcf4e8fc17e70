"""Ensemble scale-out on this machine, measured in one run (issue "How robust is a conclusion?").

Runs the same ensemble (``scenarios/combined.yaml``, 24 weeks, ``--n`` members, default 4,000)
four ways and prints wall times and ratios:

1. one process, one chunk, the BLAS library's default threads;
2. one process, one chunk, one BLAS thread (``OPENBLAS_NUM_THREADS=1`` and friends, set
   before NumPy is imported);
3. two processes, chunks of 1,000 members (whole blocks), one BLAS thread each;
4. the same as 3, and checks that the merged arrays equal those of 1 byte for byte.

Each way runs in a fresh subprocess so the thread settings take effect. Numbers measured while
other jobs share the cores are inflated; compare the ratios. Illustrative model, not clinical.

Run: ``.venv/bin/python benchmarks/ensemble_chunks.py [--n 4000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

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

ensemble = Ensemble(load_scenario({scenario!r}), {n}, seed=7, key=1, pop=Population())
start = time.perf_counter()
if {workers} <= 1:
    result = run_ensemble(ensemble)
else:
    chunks = ensemble.chunks(1000)
    with ProcessPoolExecutor({workers}) as pool:
        parts = list(pool.map(run_chunk, [ensemble] * len(chunks), chunks))
    result = merge(parts)
print(json.dumps({{"seconds": time.perf_counter() - start, "digest": digest(result)}}))
"""


def measure(n: int, workers: int, one_thread: bool) -> dict[str, float | str]:
    env = dict(os.environ)
    for var in THREAD_VARS:
        env.pop(var, None)
        if one_thread:
            env[var] = "1"
    code = CHILD.format(root=str(ROOT), scenario=str(ROOT / "scenarios" / "combined.yaml"),
                        n=n, workers=workers)  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000, help="members (default 4,000)")
    n = parser.parse_args().n
    ways = {
        "1 process, default BLAS threads": measure(n, 1, one_thread=False),
        "1 process, 1 BLAS thread": measure(n, 1, one_thread=True),
        "2 processes, 1 BLAS thread each": measure(n, 2, one_thread=True),
    }
    base = float(ways["1 process, default BLAS threads"]["seconds"])
    print(f"{n} members x 24 weeks (combined.yaml), cores: {os.cpu_count()}")
    for label, r in ways.items():
        s = float(r["seconds"])
        print(
            f"  {label:34s} {s:7.2f} s  {n / s:8.0f} members/s  ratio to the first {s / base:.2f}"
        )
    digests = {str(r["digest"]) for r in ways.values()}
    same = "identical" if len(digests) == 1 else "DIFFERENT"
    print(f"  outputs of the three ways: {same} (sha256 of every column)")
    best = max(n / float(r["seconds"]) for r in ways.values())
    print(f"  10,000 members at the best rate: {10_000 / best:.1f} s (issue's aim: <= 5 s)")


if __name__ == "__main__":
    main()
