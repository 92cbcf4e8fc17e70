"""The real browser the browser tests drive: Debian's Chromium through Playwright.

Needs Debian's ``chromium`` (``apt-get install chromium``; CI installs it) and the
``playwright`` package (the ``test`` extra); Playwright's own browser download is not used
(``executable_path``). Without a browser the tests are skipped with the reason, except under
CI (the ``CI`` environment variable), where they fail.
"""

from __future__ import annotations

import os
import shutil

import pytest


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    reason = "no Chromium found (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must have it (.ci/run installs it)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    executable = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()
