"""Generate docs/robustness.json and the claims ledger's robustness column.

Usage::

    .venv/bin/python tools/make_robustness.py            # run the draws, rewrite both files
    .venv/bin/python tools/make_robustness.py --check    # exit 1 if the column is out of date

Every two-scenario direction of the ledger (:data:`sim.analyses.robustness.DIRECTIONS`) is
checked in each of ``--draws`` parameter sets (the illustrative parameters together, a Latin
hypercube over the parameter table's bounds, ``--seed``): the draws of a scenario run as the
members of one ensemble, the scenarios in two processes. ``tests/integration/test_robustness.py``
re-runs the draws of some directions and fails when the committed values are stale, and checks
that the column says what the JSON says.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.analyses.robustness import robustness, robustness_cells  # noqa: E402
from sim.presentation.report.ledger import with_robustness  # noqa: E402

JSON = ROOT / "docs" / "robustness.json"
LEDGER = ROOT / "docs" / "claims.md"


def ledger_text(data: dict) -> str:
    """The ledger with the column of ``data``."""
    return with_robustness(LEDGER.read_text(encoding="utf-8"), robustness_cells(data))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.check:
        data = json.loads(JSON.read_text(encoding="utf-8"))
        if ledger_text(data) != LEDGER.read_text(encoding="utf-8"):
            print("docs/claims.md: the robustness column is stale: run tools/make_robustness.py")
            return 1
        return 0
    t0 = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        data = robustness(args.draws, args.seed, mapper=pool.map)
    JSON.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    LEDGER.write_text(ledger_text(data), encoding="utf-8")
    for d in data["directions"]:
        print(f"{d['claim']:>4} {d['higher']} > {d['lower']} ({d['metric']}): {d['share']:.2f}")
    print(
        f"{args.draws} draws in {time.perf_counter() - t0:.0f} s; wrote {JSON.name}, {LEDGER.name}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
