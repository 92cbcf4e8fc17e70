"""Render the report page with Jinja2 (the optional extra ``musclebrain[report]``)."""

from __future__ import annotations

import re
from typing import Any

from sim.errors import ReportUnavailable

INSTALL_HINT = "pip install 'musclebrain[report]'"

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)([^*]+?)\*(?![*\w])")


def inline_markdown(text: str) -> Any:
    """The ledger's inline Markdown (``**bold**``, ``*italic*``, ```code```) as safe HTML."""
    from markupsafe import Markup, escape

    html = str(escape(text))
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    html = _ITALIC.sub(r"<em>\1</em>", html)
    return Markup(_CODE.sub(r"<code>\1</code>", html))


def render_report(context: dict[str, Any], template: str = "report.html.j2") -> str:
    """The page's HTML for a context of :func:`sim.presentation.report.context.report_context`
    (or, with ``template="trial.html.j2"``, of :func:`sim.presentation.report.trial.trial_context`)."""
    try:
        import jinja2
    except ImportError:
        raise ReportUnavailable(
            f"report.html needs Jinja2, which is not installed. Fix: {INSTALL_HINT}"
        ) from None
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sim.presentation.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = inline_markdown
    return env.get_template(template).render(**context)
