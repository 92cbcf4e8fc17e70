"""Wall time of `musclebrain demo` as a whole process (issue 3: "well under a minute").

Run: ``.venv/bin/python benchmarks/demo_speed.py``. Prints the median of a few runs measured
in this one run and its ratio to the 60 s bound; numbers taken while other work runs on the
machine are inflated.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BOUND_S = 60.0
MUSCLEBRAIN = Path(sys.executable).with_name("musclebrain")


def time_demo(repeats: int = 3) -> list[float]:
    """Wall times of ``musclebrain demo --out <fresh folder>`` [s]."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeats):
            out = Path(tmp) / f"demo{i}"
            t0 = time.perf_counter()
            subprocess.run(
                [str(MUSCLEBRAIN), "demo", "--out", str(out)], check=True, capture_output=True
            )
            times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    times = time_demo()
    median = statistics.median(times)
    print(
        f"musclebrain demo: median {median:.2f} s over {len(times)} runs "
        f"({', '.join(f'{t:.2f}' for t in times)}); {median / BOUND_S:.3f} of the {BOUND_S:.0f} s bound"
    )


if __name__ == "__main__":
    main()
