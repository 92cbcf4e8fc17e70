"""The benchmarks still run, on small inputs.

The benchmarks are run by hand, not by the suite, and reach into the engine (its chunks, its
cluster, the integrator's meters): a change of what they call would break them silently.
Each runs here on a small input: it must finish, print every line, and where it compares
ways of running the same work, find their outputs identical byte for byte (the ensemble's
promise, checked on the benchmark's own paths: subprocess pools and a Dask cluster).
Timings are not checked (they are what the benchmarks are for).
"""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def bench(script: str, *args: str) -> str:
    """The standard output of ``benchmarks/<script>`` run with ``args``."""
    return subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=300,
    ).stdout


def test_the_cohort_step_split_runs_on_a_small_cohort() -> None:
    out = bench("cohort_steps.py", "--n", "20")
    found = re.search(r"step attempts (\d+) .* right-hand sides (\d+)", out)
    assert found, out
    attempts, calls = int(found[1]), int(found[2])
    # two right-hand sides an attempt and one an accepted step (the next one's start, or the
    # segment's first)
    assert 2 * attempts < calls <= 3 * attempts, out
    for line in ("right-hand side", "step arithmetic", "closed form", "at this pace"):
        assert line in out, out


def test_ensemble_chunks_finds_every_way_identical() -> None:
    out = bench("ensemble_chunks.py", "--n", "300", "--blocks", "150", "--repeats", "2")
    assert "medians of 2 interleaved rounds" in out, out
    ways = re.findall(
        r"^  (\d process|\d processes)[^\n]* s .* members/s.*\(([\d.]+)-([\d.]+)\)$", out, re.M
    )
    assert len(ways) == 4, out
    assert all(float(lo) <= float(hi) for _, lo, hi in ways), out
    assert "however run: identical" in out, out
    assert "10,000 members at the best rate" in out, out


def test_blocks_side_by_side_reports_a_ratio() -> None:
    out = bench("blocks_side_by_side.py", "--sizes", "200", "--repeats", "1")
    found = re.search(r"blocks of +200: alone +([\d.]+) s, side by side +([\d.]+) s each", out)
    assert found and float(found[1]) > 0 and float(found[2]) > 0, out


def test_sobol_scale_on_a_small_sample_is_identical_on_two_workers() -> None:
    out = bench("sobol_scale.py", "--n", "8", "--k", "3", "--single", "2")
    assert "64 parameter sets (3 parameters, n = 8" in out, out
    assert "identical bytes: True" in out, out
    found = re.search(r"largest relative difference ([\d.e+-]+)", out)
    # the parameter-set integrator's accuracy against single runs (its docstring: ~0.6 %)
    assert found and float(found[1]) < 1e-2, out


def test_dask_scaling_gives_identical_bytes_on_one_and_two_workers() -> None:
    out = bench("dask_scaling.py", "--n", "300")
    assert out.count("identical bytes") == 2, out
    assert "different" not in out.lower(), out


def test_overlap_check_times_all_three_cases() -> None:
    out = bench("overlap_check.py")
    for case in ("(apart)", "(back to back)", "(each overlapping)"):
        assert case in out, out
