"""``report.html``: the self-contained page written beside a run's or comparison's files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.errors import ReportUnavailable
from sim.presentation.report.context import FIGURE_CAPTIONS, Figure, report_context
from sim.presentation.report.render import render_report

REPORT = "report.html"


def figures_in(folder: Path, captions: dict[str, str] = FIGURE_CAPTIONS) -> list[Figure]:
    """The known figures already drawn in ``folder``, in the order of the captions."""
    return [
        Figure(name, caption, (folder / name).read_bytes())
        for name, caption in captions.items()
        if (folder / name).is_file()
    ]


def write_report(
    folder: Path,
    title: str,
    command: str,
    results: Sequence[tuple[str, Any]],
    headlines: Sequence[str] = (),
) -> str | None:
    """Write ``report.html`` for ``results`` with the figures already in ``folder``.

    Returns ``None``, or (Jinja2 missing: nothing written) the sentence that says how to get
    the report, for the caller to print.
    """
    folder = Path(folder)
    context = report_context(title, command, results, figures_in(folder), headlines)
    return _write(folder, context, "report.html.j2")


def write_comparison_report(folder: Path, comparison: Any, title: str, command: str) -> str | None:
    """:func:`write_report` for a comparison's results and its plain-English headlines."""
    from sim.presentation.text.compare import headlines

    if not comparison.results:
        return None
    return write_report(folder, title, command, comparison.results, headlines(comparison))


def _write(folder: Path, context: dict[str, Any], template: str) -> str | None:
    """Render ``template`` into ``folder/report.html``; the note instead when Jinja2 is missing."""
    try:
        html = render_report(context, template)
    except ReportUnavailable as exc:
        return f"note: {exc}"
    (folder / REPORT).write_text(html, encoding="utf-8")
    return None


def write_trial_report(folder: Path, result: Any, command: str = "musclebrain trial") -> str | None:
    """``report.html`` of a virtual trial; ``None``, or the note when Jinja2 is missing."""
    from sim.presentation.report.trial import TRIAL_CAPTIONS, trial_context

    folder = Path(folder)
    return _write(folder, trial_context(result, figures_in(folder, TRIAL_CAPTIONS), command),
                  "trial.html.j2")  # fmt: skip


def write_sweep_report(folder: Path, result: Any, metric: str, command: str) -> str | None:
    """``report.html`` of a sweep; ``None``, or the note when Jinja2 is missing."""
    from sim.presentation.report.sweep import SWEEP_CAPTIONS, sweep_context

    folder = Path(folder)
    figures = figures_in(folder, SWEEP_CAPTIONS)
    return _write(folder, sweep_context(result, metric, figures, command), "sweep.html.j2")
