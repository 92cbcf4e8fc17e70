"""Mutation check: switch off one pathway at a time and show that its tests fail.

Usage::

    .venv/bin/python tools/mutation.py            # every mutation below, a table at the end
    .venv/bin/python tools/mutation.py --only C3  # the rows whose label contains "C3"

Each row changes one default parameter (through ``MUSCLEBRAIN_MUTATE``, read by
``tests/conftest.py``) to the value that removes the mechanism a claim or target relies on,
and runs the tests written for that mechanism. A row is **caught** when at least one of them
fails; a row that is not caught names a test that cannot fail for the reason it exists, which
is a defect to fix in the test (a margin from the evidence, or a negative control), not here.

Nothing here changes the model; it prints a Markdown table (musclebrain is illustrative, not
clinical).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    """One pathway switched off: label, the parameter change, and the tests that rely on it."""

    label: str
    change: str
    tests: tuple[str, ...]


CLAIMS = "tests/integration/test_claims.py"
FACTS = "tests/evidence/test_facts.py"
STRUCTURE = "tests/integration/test_model_structure.py"

MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        "C2/F39 cathepsin B pulse (Mazo 2022)",
        "ctsb_release_per_h=0",
        (f"{CLAIMS}::test_c2_each_myokine_raises_brain_bdnf", f"{FACTS}::test_fact_holds"),
    ),
    Mutation(
        "C3 synergy between myokines",
        "bdnf_synergy=0",
        (f"{CLAIMS}::test_c3_myokine_synergy_amplifies",),
    ),
    Mutation(
        "C21/T8 Val66Met blunting (Egan 2003)",
        "genotype_factor_val_met=0.97",
        (CLAIMS, "tests/evidence/test_chronic_targets.py"),
    ),
    Mutation(
        "T10 strength mediates the SMART benefit (Mavros 2017)",
        "reserve_weight_strength=0",
        ("tests/evidence/test_trial_targets.py", CLAIMS),
    ),
    Mutation(
        "C14 returns per weekly set level off (Schoenfeld 2017)",
        "strength_volume_half_sets_per_wk=40",
        (f"{CLAIMS}::test_c14_volume_returns_level_off_and_fatigue_climbs", FACTS),
    ),
    Mutation(
        "Banister performance: a taper peak (Hellard 2006)",
        "performance_fatigue_cost=0",
        (STRUCTURE, FACTS),
    ),
    Mutation(
        "Reserve build stops with training (Ferreira 2024)",
        "reserve_activity_gate=0.005",
        (STRUCTURE,),
    ),
    Mutation(
        "Adaptation lags the session (stimulus realised over days)",
        "adaptation_lag_tau_h=6",
        (STRUCTURE,),
    ),
    Mutation(
        "Aerobic adaptation needs repeated sessions (training status)",
        "fitness_status_full=0.05",
        (STRUCTURE,),
    ),
    Mutation(
        "Cognition's own age-related decline",
        "cognitive_decline_z_per_yr=0",
        (STRUCTURE, "tests/integration/test_invariants.py"),
    ),
    Mutation(
        "C8 aerobic drive of brain BDNF",
        "bdnf_weight_fitness=0",
        (CLAIMS,),
    ),
    Mutation(
        "C19 reserve buffers pathology (Stern 2012)",
        "pathology_z_per_unit=0",
        (CLAIMS,),
    ),
)


def run(mutation: Mutation) -> tuple[int, int, float, list[str]]:
    """Passed and failed counts, seconds, and the names of the failed tests."""
    env = {**os.environ, "MUSCLEBRAIN_MUTATE": mutation.change}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rf", *mutation.tests],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    out = proc.stdout
    passed = sum(int(n) for n in re.findall(r"(\d+) passed", out))
    failed = sum(int(n) for n in re.findall(r"(\d+) failed", out))
    failed += sum(int(n) for n in re.findall(r"(\d+) xpassed", out))  # a strict xfail that holds
    names = [
        line.split("::")[-1].split(" ")[0] for line in out.splitlines() if line.startswith("FAILED")
    ]
    return passed, failed, seconds, names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only the rows whose label contains this text")
    args = parser.parse_args(argv)
    rows = [m for m in MUTATIONS if not args.only or args.only in m.label]
    print(
        "| pathway switched off | change | tests failed / run | caught | seconds | first failures |"
    )
    print("|---|---|---|---|---|---|")
    missed = 0
    for m in rows:
        passed, failed, seconds, names = run(m)
        caught = failed > 0
        missed += not caught
        shown = ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")
        print(
            f"| {m.label} | `{m.change}` | {failed} / {passed + failed} | "
            f"{'yes' if caught else '**no**'} | {seconds:.0f} | {shown} |",
            flush=True,
        )
    print(f"\n{len(rows) - missed} of {len(rows)} mutations caught.")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
