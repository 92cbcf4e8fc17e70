"""Speed of one 24-week scenario and of the whole `musclebrain run --no-plots` process.

Targets (issue "The simulator, end to end"): one 24-week scenario with ~5 sessions a week
simulates in <= 150 ms; the CLI run as a whole process takes <= 1 s on a 2-core machine.

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

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "combined.yaml"
TARGET_SIM_S, TARGET_CLI_S = 0.150, 1.0


def time_simulate(repeats: int = 7) -> tuple[float, int]:
    from sim.scenario import load_scenario
    from sim.simulation import simulate

    scenario = load_scenario(SCENARIO)
    simulate(scenario)  # warm-up: imports and caches
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = simulate(scenario)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), len(result.bouts)


def time_cli(repeats: int = 5) -> float:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeats):
            cmd = [sys.executable, "-m", "sim", "run", str(SCENARIO), "--no-plots",
                   "--out", str(Path(tmp) / f"run{i}")]
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    sim_s, bouts = time_simulate()
    cli_s = time_cli()
    print(f"simulate(combined.yaml): 24 weeks, {bouts} sessions: median {sim_s * 1e3:.1f} ms "
          f"(target {TARGET_SIM_S * 1e3:.0f} ms; ratio {sim_s / TARGET_SIM_S:.2f})")
    print(f"musclebrain run --no-plots (whole process): median {cli_s * 1e3:.0f} ms "
          f"(target {TARGET_CLI_S * 1e3:.0f} ms; ratio {cli_s / TARGET_CLI_S:.2f})")


if __name__ == "__main__":
    main()
