"""The HTML report opened in a real browser (headless Chromium, driven by Playwright).

Checks what a reader relies on: the page loads with no console error, requests nothing but
``file:`` and ``data:`` URLs (it works offline), every image decodes, it needs no horizontal
scrolling at 1280 and 1024 px, and the banner saying the model is illustrative comes first.
Screenshots are saved under ``outputs/screenshots/`` for a person to look at.

The browser comes from ``tests/browser/conftest.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SHOTS = ROOT / "outputs" / "screenshots"
WIDTHS = (1280, 1024)


def _report(factory: pytest.TempPathFactory, name: str, *command: str) -> Path:
    """Run ``musclebrain COMMAND ... --out <tmp>/name`` and return its report.html."""
    out = factory.mktemp(name) / name
    subprocess.run(
        [sys.executable, "-m", "sim", *command, "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=out.parent,
    )
    return out / "report.html"


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _report(tmp_path_factory, "demo", "demo")


@pytest.fixture(scope="module")
def run_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _report(tmp_path_factory, "hiit", "run", str(ROOT / "scenarios" / "hiit.yaml"))


@pytest.fixture(scope="module")
def trial_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    trial = ROOT / "scenarios" / "trials" / "northey_modalities.yaml"
    return _report(tmp_path_factory, "northey", "trial", str(trial), "--n-per-arm", "40")


@pytest.fixture(scope="module")
def sweep_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _report(tmp_path_factory, "sweep", "sweep", "resistance_twice_weekly",
                   "--vary", "sets=1:4:1", "--vary", "intensity_pct_1rm=50,80")  # fmt: skip


def _open(browser, report: Path, width: int):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": 768})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    return page, errors, requests


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which", ["demo", "run", "trial", "sweep"])
def test_report_in_chromium(request, browser, which, width):  # type: ignore[no-untyped-def]
    report = request.getfixturevalue(f"{which}_report")
    page, errors, requests = _open(browser, report, width)
    try:
        assert errors == [], f"console errors: {errors}"
        foreign = [u for u in requests if not u.startswith(("file:", "data:"))]
        assert foreign == [], f"requests leaving file:/data: {foreign}"
        images = page.eval_on_selector_all(
            "img", "els => els.map(e => [e.complete, e.naturalWidth, e.src.slice(0, 22)])"
        )
        assert images, "the report embeds no figure"
        assert all(done and w > 0 for done, w, _ in images), f"an image did not decode: {images}"
        assert all(src.startswith("data:image/png") for _, _, src in images)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"horizontal scrolling of {overflow} px at {width} px"
        first = page.evaluate("document.body.firstElementChild.textContent")
        assert "not clinical" in first.lower(), f"the page does not open with the banner: {first!r}"
        headings = page.eval_on_selector_all("h2", "els => els.map(e => e.textContent)")
        sections = ["Who", "did", "changed", "literature", "leaves out"]
        sections += [] if which == "trial" else ["Why"]
        if which == "sweep":
            sections = ["scenario", "varied", "changed at each point", "ledger", "leaves out"]
        for section in sections:
            assert any(section in h for h in headings), f"no section about {section}: {headings}"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"report_{which}_{width}.png"), full_page=True)
    finally:
        page.close()


def test_demo_report_shows_dose_pathways_verdicts_and_every_figure(browser, demo_report):  # type: ignore[no-untyped-def]
    """What the demo's reader needs: each arm's dose, the reserve's pathways, the ledger's
    verdicts beside the result, and every figure the demo drew; and it prints to PDF."""
    page, errors, _ = _open(browser, demo_report, 1024)
    try:
        text = page.evaluate("document.body.innerText")
        for words in (
            "sessions done",
            "minutes by modality",
            "strength gained",
            "literature verdict",
        ):
            assert words.lower() in text.lower(), f"the report never says {words!r}"
        shown = page.eval_on_selector_all("figure img", "els => els.length")
        drawn = sorted(p.name for p in demo_report.parent.glob("*.png"))
        assert shown == len(drawn), (shown, drawn)
        assert errors == [], f"console errors: {errors}"
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf[:5] == b"%PDF-" and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") > 2
        (SHOTS / "report_demo.pdf").write_bytes(pdf)
    finally:
        page.close()
