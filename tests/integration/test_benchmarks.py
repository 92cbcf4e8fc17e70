"""The benchmark that opens the cohort integrator up still runs.

``benchmarks/cohort_steps.py`` wraps the integrator's right-hand side, step and segments with
meters to split a block's time; a change of their signatures would break it silently (the
benchmarks are run by hand, not by the suite). Run here on a small cohort: it must finish and
report every line of its split, with counts that add up.
"""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def test_the_cohort_step_split_runs_on_a_small_cohort() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "cohort_steps.py"), "--n", "20"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=300,
    ).stdout
    found = re.search(r"step attempts (\d+) .* right-hand sides (\d+)", out)
    assert found, out
    attempts, calls = int(found[1]), int(found[2])
    # two right-hand sides an attempt and one an accepted step (the next one's start, or the
    # segment's first)
    assert 2 * attempts < calls <= 3 * attempts, out
    for line in ("right-hand side", "step arithmetic", "closed form", "at this pace"):
        assert line in out, out
