"""The explorer as a class uses it: ``musclebrain explore`` served, driven in headless Chromium.

The server is the real command in its own process (``python -m sim explore --no-browser``);
the page is opened in Debian's Chromium (``tests/browser/conftest.py``). The test changes a
slider and waits for the curves to change, sends a burst of changes and checks that they do
not queue up runs, shows a refused setting's message inline, walks the claims tour, pins two
regimens side by side, downloads the scenario and the report, and checks that
``musclebrain run`` on the downloaded scenario gives the numbers the page showed. Ctrl-C stops
the server with exit code 130 and no traceback. Screenshots go to ``outputs/screenshots/``.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

SHOTS = ROOT / "outputs" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "explore", "--no-browser", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("the explorer did not start within 60 s")
    yield url, proc
    if proc.poll() is None:
        proc.kill()


def _headline(page) -> dict[str, float]:  # type: ignore[no-untyped-def]
    cells = page.locator("#headline td[data-key]")
    return {
        cells.nth(i).get_attribute("data-key"): float(cells.nth(i).get_attribute("data-value"))
        for i in range(cells.count())
    }


def _seq(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.evaluate("document.body.dataset.seq || '0'"))


def _wait_update(page, after: int) -> int:  # type: ignore[no-untyped-def]
    page.wait_for_function(f"Number(document.body.dataset.seq || 0) > {after}", timeout=20000)
    page.wait_for_timeout(50)
    return _seq(page)


def test_explorer_in_chromium(browser, server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, proc = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    # bypass_csp: Playwright evaluates its waiting conditions, which the page's CSP forbids
    # (the CSP header itself is checked in tests/unit/test_explore.py).
    page = browser.new_page(
        viewport={"width": 1280, "height": 900}, accept_downloads=True, bypass_csp=True
    )
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    seq = _wait_update(page, 0)
    assert page.locator(".banner").inner_text().startswith("Illustrative teaching model")
    assert "combined" in page.locator("#title").inner_text()
    before = _headline(page)
    curve = page.locator('#slow path[data-label="combined"]').first
    reserve_before = curve.get_attribute("d")
    page.screenshot(path=str(SHOTS / "explorer.png"), full_page=False)

    # A slider moves; the curves and numbers follow.
    page.locator("#c-resistance_per_week").fill("0")
    seq = _wait_update(page, seq)
    after = _headline(page)
    assert after["strength_change_pct"] < before["strength_change_pct"] - 5.0
    assert (
        page.locator('#slow path[data-label="combined_explored"]').first.get_attribute("d")
        != reserve_before
    )

    # A burst of changes runs the model at most twice more: one in flight, one pending.
    runs_before = sum("/api/run" in r for r in requests)
    for age in range(66, 80):
        page.locator("#c-age_years").fill(str(age))
    page.wait_for_function("!document.getElementById('status').textContent.includes('Running')")
    page.wait_for_timeout(1500)
    runs = sum("/api/run" in r for r in requests) - runs_before
    assert 1 <= runs <= 3, f"{runs} runs for 14 quick changes: stale work queued up"
    assert page.locator("#v-age_years").inner_text().startswith("79")
    seq = _seq(page)

    # A refused combination: the schema's message inline, the last good result kept.
    shown = _headline(page)
    page.locator("#c-hiit_per_week").fill("1")
    seq = _wait_update(page, seq)
    page.locator("#c-hiit_intervals").fill("30")
    page.wait_for_selector("#error:not([hidden])", timeout=20000)
    message = page.locator("#error").inner_text()
    assert "do not fit in duration_min" in message and "Fix:" in message
    page.screenshot(path=str(SHOTS / "explorer-refused.png"))
    page.locator("#c-hiit_intervals").fill("4")
    seq = _wait_update(page, seq)
    assert page.locator("#error").is_hidden()
    assert _headline(page) != shown  # the HIIT session counts now

    # The session hour by hour, the performance view and the pathways fill in.
    page.locator('.tabs button[data-tab="session"]').click()
    page.wait_for_selector("#session svg path[data-label]")
    page.screenshot(path=str(SHOTS / "explorer-session.png"))
    page.locator('.tabs button[data-tab="why"]').click()
    page.wait_for_selector("#why table")
    assert "strength gained" in page.locator("#why").inner_text()
    page.locator('.tabs button[data-tab="performance"]').click()
    assert page.locator("#performance .chart > svg").count() == 4

    # Download the scenario: musclebrain run gives the numbers the page shows.
    shown = _headline(page)
    with page.expect_download() as info:
        page.locator("#download-scenario").click()
    scenario = tmp_path / info.value.suggested_filename
    info.value.save_as(scenario)
    out = tmp_path / "run"
    subprocess.run([sys.executable, "-m", "sim", "run", str(scenario), "--out", str(out),
                    "--no-plots"], cwd=ROOT, check=True, capture_output=True)  # fmt: skip
    metrics = json.loads((out / "summary.json").read_text())["metrics"]
    assert {k: metrics[k] for k in shown} == shown
    with page.expect_download() as info:
        page.locator("#download-report").click()
    report = tmp_path / "report.html"
    info.value.save_as(report)
    assert "Illustrative teaching model, not clinical" in report.read_text()

    # Two regimens side by side.
    page.locator("#pin").click()
    page.locator("#base").select_option("resistance")
    _wait_update(page, seq)
    page.locator("#pin").click()
    page.locator('.tabs button[data-tab="compare"]').click()
    page.wait_for_function("document.querySelectorAll('#compare-table tr').length === 3")
    assert page.locator("#compare .chart > svg").count() == 6
    page.screenshot(path=str(SHOTS / "explorer-compare.png"), full_page=True)
    with page.expect_download() as info:
        page.locator("#download-report").click()
    assert info.value.suggested_filename == "side_by_side.html"

    # The claims tour: a claim, its scenarios' curves, its verdict.
    page.locator('.tabs button[data-tab="claims"]').click()
    page.wait_for_selector("#claim-charts svg")
    first = page.locator("#claim h3").inner_text()
    assert first.startswith("C")
    page.locator("#claim-next").click()
    page.wait_for_function(
        f"!document.querySelector('#claim h3').textContent.startsWith({first[:3]!r})"
    )
    page.wait_for_selector("#claim-charts svg")
    page.screenshot(path=str(SHOTS / "explorer-claims.png"), full_page=True)

    # the refused setting's answer (422, by design) is the only failed request
    assert [e for e in errors if "status of 422" not in e] == [], errors
    assert all(r.startswith(url) or r.startswith(("blob:", "data:")) for r in requests), requests
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280
    page.close()

    # Ctrl-C: exit 130, a short message, no traceback.
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert "Traceback" not in stderr and "explorer stopped" in stderr
