"""Speed of one 24-week scenario and of the whole `musclebrain run --no-plots` process.

Targets (issue "The simulator, end to end"): one 24-week scenario with ~5 sessions a week
simulates in <= 150 ms; the CLI run as a whole process takes <= 1 s on a 2-core machine.

The scenario is timed with each solver method (``simulate(..., method=...)``): the default
exponential integrator, LSODA at its default tolerances (the former default) and the tight
LSODA reference the tests compare against; the largest deviation of the default from the
reference over all columns and metrics is printed too.

Run: ``.venv/bin/python benchmarks/run_speed.py``. Prints medians of repeated runs measured
in this one run, and the ratio to each target, so results compare across machines.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "combined.yaml"
TARGET_SIM_S, TARGET_CLI_S = 0.150, 1.0


def time_simulate(method: str, repeats: int = 7) -> tuple[float, Any]:
    """Median wall time of ``simulate(combined.yaml)`` with a solver method, and a result."""
    from sim.input.scenario import load_scenario
    from sim.running.simulation import simulate

    scenario = load_scenario(SCENARIO)
    result = simulate(scenario, method=method)  # warm-up: imports and caches
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = simulate(scenario, method=method)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def max_deviation(result: Any, reference: Any) -> tuple[float, str]:
    """Largest deviation over columns (relative to max(|ref|, 1e-2)) and metrics."""
    worst = (0.0, "")
    for name, ref in reference.columns.items():
        dev = float(np.max(np.abs(result.columns[name] - ref) / np.maximum(np.abs(ref), 1e-2)))
        worst = max(worst, (dev, name))
    for name, ref in reference.metrics.items():
        dev = abs(result.metrics[name] - ref) / max(abs(ref), 1e-2)
        worst = max(worst, (dev, f"metrics.{name}"))
    return worst


def time_cli(repeats: int = 5) -> float:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeats):
            cmd = [
                sys.executable,
                "-m",
                "sim",
                "run",
                str(SCENARIO),
                "--no-plots",
                "--out",
                str(Path(tmp) / f"run{i}"),
            ]
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    fast_s, fast = time_simulate("exponential")
    lsoda_s, _ = time_simulate("lsoda", repeats=5)
    ref_s, ref = time_simulate("reference", repeats=5)
    dev, where = max_deviation(fast, ref)
    cli_s = time_cli()
    print(f"simulate(combined.yaml): 24 weeks, {len(fast.bouts)} sessions")
    print(
        f"  exponential (default): median {fast_s * 1e3:7.1f} ms "
        f"(target {TARGET_SIM_S * 1e3:.0f} ms; ratio {fast_s / TARGET_SIM_S:.2f})"
    )
    print(
        f"  lsoda (rtol 1e-6):     median {lsoda_s * 1e3:7.1f} ms "
        f"({lsoda_s / fast_s:.1f}x the default)"
    )
    print(
        f"  reference (rtol 1e-10): median {ref_s * 1e3:6.1f} ms "
        f"({ref_s / fast_s:.1f}x the default; default/reference = {fast_s / ref_s:.3f})"
    )
    print(f"  default vs reference: largest deviation {dev:.1e} ({where}; tolerance 1e-3)")
    print(
        f"musclebrain run --no-plots (whole process): median {cli_s * 1e3:.0f} ms "
        f"(target {TARGET_CLI_S * 1e3:.0f} ms; ratio {cli_s / TARGET_CLI_S:.2f})"
    )


if __name__ == "__main__":
    main()
