"""How fast the explorer answers a changed control, for a 24-week scenario.

Bound: the page shows the update within 0.5 s (the explorer issue). Measured through the real
server: ``musclebrain explore`` is started in its own process on 127.0.0.1 and the requests
a page sends after a slider moves are timed over HTTP (``POST /api/run``: the headline
numbers, the slow states and the Performance-Manager view; then ``POST /api/detail`` for
the tab on show: the session hour by hour, or the reserve's pathways, which fill in after). Each request uses a
new age, so nothing comes from the server's cache. The browser's own drawing of the SVG
curves adds a few tens of ms (the browser test prints "Updated in N ms" on the page).

Run: ``.venv/bin/python benchmarks/explorer_latency.py``. Prints medians and the ratio of the
first answer to the 0.5 s bound, measured in this one run; other work on the machine inflates
them.
"""

from __future__ import annotations

import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BOUND_S = 0.5
ROOT = Path(__file__).resolve().parents[1]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _post(url: str, body: dict) -> float:
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return time.perf_counter() - t0


def main(repeats: int = 15) -> None:
    port = _port()
    server = subprocess.Popen(
        [sys.executable, "-m", "sim", "explore", "--no-browser", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/api/catalogue", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        _post(base + "/api/run", {"settings": {"base": "combined", "changes": {}}})  # warm-up
        run, session, why = [], [], []
        for i in range(repeats):
            body = {"settings": {"base": "combined", "changes": {"age_years": 40 + i}},
                    "seq": i + 1, "page": "bench"}  # fmt: skip
            run.append(_post(base + "/api/run", body))
            session.append(_post(base + "/api/detail", {**body, "views": ["session"]}))
            why.append(_post(base + "/api/detail", {**body, "views": ["why"]}))
    finally:
        server.terminate()
        server.wait(timeout=30)
    first = statistics.median(run)
    print(f"24-week combined scenario, {repeats} changes of age, each a fresh run:")
    print(f"  first answer (headline, slow states, performance): median {first:.3f} s, "
          f"max {max(run):.3f} s, {first / BOUND_S:.2f} of the {BOUND_S} s bound")  # fmt: skip
    for name, times in (("session tab (hour by hour)", session), ("why tab (pathways)", why)):
        both = statistics.median(a + b for a, b in zip(run, times, strict=True))
        print(f"  then the {name:<27} median {statistics.median(times):.3f} s; with the first "
              f"answer {both:.3f} s ({both / BOUND_S:.2f} of the bound)")  # fmt: skip


if __name__ == "__main__":
    main()
