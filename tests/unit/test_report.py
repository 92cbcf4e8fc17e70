"""The report's parts: dose counting, the ledger reader, the page's HTML and its failure modes."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.analyses.dose import dose, dose_note
from sim.input.scenario import load_scenario
from sim.presentation.report.context import FIGURE_CAPTIONS, Figure, report_context
from sim.presentation.report.ledger import claim_rows, matching_rows
from sim.presentation.report.render import inline_markdown, render_report
from sim.running.simulation import simulate
from tests.conftest import ROOT, SCENARIOS

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="module")
def runs() -> dict[str, object]:
    return {
        name: simulate(load_scenario(SCENARIOS / f"{name}.yaml"))
        for name in ("sedentary", "aerobic", "combined")
    }


def test_dose_counts_the_planned_week_times_the_weeks(runs):  # type: ignore[no-untyped-def]
    # aerobic.yaml: 3 sessions of 45 min a week for 24 weeks, attendance not set (all done);
    # combined.yaml: 2 resistance sessions (3 x 8, 50 min) and 3 aerobic (45 min) a week.
    d = dose(runs["aerobic"].bouts)
    assert (d.sessions_planned, d.sessions_completed) == (72, 72)
    assert d.minutes == pytest.approx(72 * 45)
    assert d.minutes_by_modality["aerobic"] == pytest.approx(72 * 45)
    assert d.resistance_sets == 0
    c = dose(runs["combined"].bouts)
    assert c.sessions_by_modality == {"aerobic": 72, "hiit": 0, "resistance": 48}
    assert c.minutes == pytest.approx(72 * 45 + 48 * 50)
    assert c.resistance_sets == 48 * 3
    assert dose(runs["sedentary"].bouts).minutes == 0.0


def test_dose_note_only_when_minutes_differ_by_more_than_a_tenth(runs):  # type: ignore[no-untyped-def]
    a, c, s = (dose(runs[n].bouts) for n in ("aerobic", "combined", "sedentary"))
    note = dose_note([("aerobic", a), ("combined", c), ("sedentary", s)])
    assert note is not None and "not dose-matched" in note and "5,640 min" in note
    assert dose_note([("aerobic", a), ("again", a), ("sedentary", s)]) is None


def test_the_ledger_has_28_rows_of_six_cells_and_matches_by_scenario() -> None:
    rows = claim_rows()
    assert [r.number for r in rows] == [f"C{i}" for i in range(1, 29)]
    assert all(r.verdict for r in rows)
    shown = {r.number for r in matching_rows({"aerobic", "sedentary"})}
    assert {"C1", "C8", "C17"} <= shown  # each names aerobic.yaml and sedentary.yaml
    assert "C12" not in shown  # resistance frequencies only
    assert {r.number for r in matching_rows({"smart_mci"})} == {"C7", "C23"}


def test_shipped_ledger_is_the_repository_ledger() -> None:
    from sim.presentation.report.ledger import ledger_text

    assert ledger_text() == (ROOT / "docs" / "claims.md").read_text(encoding="utf-8")


def test_inline_markdown_escapes_before_formatting() -> None:
    html = str(inline_markdown("**agreed** for *acute* `x_y`; a < b <script>"))
    assert html == (
        "<strong>agreed</strong> for <em>acute</em> <code>x_y</code>; a &lt; b &lt;script&gt;"
    )


def test_page_is_self_contained_and_opens_with_the_banner(runs):  # type: ignore[no-untyped-def]
    results = [(n, runs[n]) for n in ("sedentary", "aerobic", "combined")]
    figs = [Figure("slow_states.png", FIGURE_CAPTIONS["slow_states.png"], PNG)]
    html = render_report(report_context("T <x>", "musclebrain demo", results, figs))
    body = html.split("<body>", 1)[1]
    assert body.lstrip().startswith('<div class="banner"') and "not clinical" in body[:300]
    assert "T &lt;x&gt;" in html  # the title is escaped
    urls = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert urls and all(u.startswith("data:") for u in urls), urls
    assert re.search(r"https?://", html) is None
    assert "not dose-matched" in html
    # no negative zero, no float noise like 1e-14
    assert re.search(r"-0(\.0+)?(?![.\d])", html) is None
    assert re.search(r"\de-\d", html) is None
    sections = (
        "participant",
        "What each arm did",
        "What changed",
        "Why",
        "literature",
        "leaves out",
    )
    for section in sections:
        assert section in html


def test_without_jinja2_the_run_still_writes_and_says_how_to_get_the_report(
    tmp_path: Path,
) -> None:
    code = (
        "import sys; sys.modules['jinja2'] = None; from sim.__main__ import main; "
        f"sys.argv = ['musclebrain', 'run', {str(SCENARIOS / 'single_bout.yaml')!r}, "
        f"'--out', {str(tmp_path / 'o')!r}, '--no-plots']; main()"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "pip install 'musclebrain[report]'" in proc.stderr
    assert (tmp_path / "o" / "summary.json").is_file()
    assert not (tmp_path / "o" / "report.html").exists()


def test_run_writes_the_report_into_its_manifest(tmp_path: Path) -> None:
    out = tmp_path / "o"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "run",
            str(SCENARIOS / "single_bout.yaml"),
            "--out",
            str(out),
            "--no-plots",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"Report: {out / 'report.html'}" in proc.stdout
    assert "report.html" in (out / ".musclebrain-output.json").read_text(encoding="utf-8")


def test_trial_report_states_the_reference_and_the_noise_of_the_control() -> None:
    from sim.analyses.trial.run import load_trial, run_trial
    from sim.presentation.report.trial import trial_context

    result = run_trial(load_trial(SCENARIOS / "trials" / "northey_modalities.yaml"), n_per_arm=20)
    ctx = trial_context(result, [], "musclebrain trial")
    assert ctx["reference"]["value"] == 0.29 and ctx["reference"]["ci95"] == [0.17, 0.41]
    assert ctx["reference"]["arms"] == ["aerobic", "resistance", "combined"]
    plans = {r["arm"]: r["minutes"] for r in ctx["arm_rows"]}
    assert plans == {
        "sedentary (control)": "0",
        "aerobic": "3,240",  # 72 sessions of 45 min
        "resistance": "2,400",  # 48 of 50 min
        "combined": "5,640",
    }
    html = render_report(ctx, "trial.html.j2")
    assert "Northey et al. 2018" in html and "measurement noise" in html
    assert html.split("<body>", 1)[1].lstrip().startswith('<div class="banner"')
