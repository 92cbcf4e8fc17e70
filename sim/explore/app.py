"""The explorer's web app: a small Starlette (ASGI) app served by uvicorn on 127.0.0.1.

Endpoints (all JSON in and out unless said otherwise; bodies are bounded by ``MAX_BODY``):

- ``GET /``: the page; ``GET /static/<name>``: its script and style sheet, from a fixed list
  (no file a request names is ever opened).
- ``GET /api/catalogue``: the controls (ranges from the scenario schema), the shipped
  scenarios with their lessons, and the claims ledger's rows.
- ``POST /api/run``: ``{"settings": {"base": NAME, "changes": {...}}, "seq": N}`` gives the
  headline metrics, the slow states and the Performance-Manager view (one run, ~0.2 s);
  ``POST /api/detail`` with ``"views": ["session"]`` and/or ``["why"]`` gives the session
  hour by hour or the reserve's pathways (each a finer re-run, ~0.2 s), for the tab on show. A refused setting answers 422 with the
  schema's message. A request overtaken by a newer one from the same page (a higher
  ``seq``) before its turn answers 409 without running: stale work never queues up.
- ``POST /api/compare``: ``{"items": [settings, ...]}`` (at most 4) gives the slow states of
  each, side by side, and their headline metrics.
- ``POST /api/scenario``: the scenario file of the settings (YAML, ``musclebrain run`` gives
  the same numbers); ``POST /api/report``: the HTML report of the settings, or with
  ``{"items": [...]}`` of the regimens side by side.

Nothing here reads or writes a file other than the shipped scenarios (by name), the claims
ledger and the page's own three files. No request leaves the machine.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections import OrderedDict
from importlib import resources
from typing import Any

from sim.errors import InputError, MusclebrainError, RequestTooLarge
from sim.explore import views
from sim.explore.controls import catalogue
from sim.explore.settings import Built, build_scenario
from sim.running.results import Result

MAX_BODY = 64 * 1024
"""Largest request body accepted [bytes]; a page's settings take about 1 KiB."""
MAX_COMPARE = 4
"""Regimens shown side by side at most."""
CACHE_SIZE = 24
"""Runs kept in memory (a 24-week run takes ~1.5 MB), so a pinned regimen is not re-run."""

DETAIL = {"session": views.session_view, "why": views.why_view}
"""The slower views (each re-runs the scenario finely, ~0.2 s): sent for the tab on show."""

STATIC = {
    "explorer.js": "text/javascript; charset=utf-8",
    "explorer.css": "text/css; charset=utf-8",
}
"""The only files the server sends besides the page."""

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
"""The page may load nothing from anywhere but this server."""


def _static(name: str) -> bytes:
    return resources.files("sim.explore").joinpath("static").joinpath(name).read_bytes()


class Engine:
    """Runs settings into results, keeps the last few, and drops work a newer request overtook."""

    def __init__(self) -> None:
        self.cache: OrderedDict[str, tuple[Built, Result]] = OrderedDict()
        self.latest: dict[tuple[str, str], int] = {}
        self.lock = asyncio.Lock()
        self.runs = 0

    def result(self, settings: Any) -> tuple[Built, Result]:
        from sim.running.simulation import simulate

        built = build_scenario(settings)
        key = json.dumps(built.mapping, sort_keys=True, default=str)
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
        result = simulate(built.scenario)
        self.runs += 1
        self.cache[key] = (built, result)
        while len(self.cache) > CACHE_SIZE:
            self.cache.popitem(last=False)
        return built, result

    def overtaken(self, page: str, kind: str, seq: int) -> bool:
        """Whether a newer request of ``kind`` from ``page`` arrived after this one."""
        return self.latest.get((page, kind), seq) > seq


def _settings_of(body: Any) -> Any:
    if not isinstance(body, dict):
        raise InputError("<explorer>: request: not a JSON object. Fix: reload the page.")
    return body.get("settings")


def create_app() -> Any:
    """The Starlette app (``uvicorn`` serves it; tests call it through its test client)."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    engine = Engine()
    headers = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
               "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}  # fmt: skip
    claims = catalogue_with_claims()

    async def read_json(request: Request) -> Any:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            raise RequestTooLarge
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise RequestTooLarge
        try:
            return json.loads(body or b"null")
        except (ValueError, UnicodeDecodeError):
            raise InputError("<explorer>: request: not JSON. Fix: reload the page.") from None

    def refused(message: str, status: int = 422) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status, headers=headers)

    async def answer(request: Request, kind: str, work: Any) -> Response:
        try:
            body = await read_json(request)
            page = str(body.get("page", "")) if isinstance(body, dict) else ""
            seq = body.get("seq", 0) if isinstance(body, dict) else 0
            seq = seq if isinstance(seq, int) and not isinstance(seq, bool) else 0
            engine.latest[(page, kind)] = max(seq, engine.latest.get((page, kind), seq))
            async with engine.lock:
                if engine.overtaken(page, kind, seq):
                    return refused("overtaken by a newer change", 409)
                out = await run_in_threadpool(work, body)
        except RequestTooLarge:
            return refused(f"request larger than {MAX_BODY} bytes", 413)
        except InputError as exc:
            return refused(str(exc))
        except MusclebrainError as exc:
            return refused(f"the model could not run these settings: {exc}", 500)
        if isinstance(out, Response):
            out.headers.update(headers)
            return out
        out["seq"] = seq
        return JSONResponse(out, headers=headers)

    def do_run(body: Any) -> dict[str, Any]:
        built, result = engine.result(_settings_of(body))
        return {**views.run_view(result), "values": built.values}

    def do_detail(body: Any) -> dict[str, Any]:
        _, result = engine.result(_settings_of(body))
        wanted = body.get("views", list(DETAIL)) if isinstance(body, dict) else []
        if not isinstance(wanted, list) or not set(wanted) <= set(DETAIL):
            raise InputError(f"<explorer>: views: give some of {', '.join(DETAIL)}.")
        return {name: DETAIL[name](result) for name in DETAIL if name in wanted}

    def pinned(body: Any) -> list[tuple[str, Result]]:
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_COMPARE:
            raise InputError(
                f"<explorer>: items: give 1 to {MAX_COMPARE} regimens. Fix: unpin one."
            )
        results = []
        for i, settings in enumerate(items):
            built, result = engine.result(settings)
            results.append((f"{i + 1}. {built.scenario.name}", result))
        return results

    def do_compare(body: Any) -> dict[str, Any]:
        results = pinned(body)
        return {
            "panels": views.compare_view(results),
            "rows": [{"label": lbl, "headline": views.headline(r)} for lbl, r in results],
        }

    def do_scenario(body: Any) -> Response:
        built, _ = engine.result(_settings_of(body))
        return Response(
            built.yaml_text(),
            media_type="application/x-yaml",
            headers={"Content-Disposition": f'attachment; filename="{built.scenario.name}.yaml"'},
        )

    def do_report(body: Any) -> Response:
        if isinstance(body, dict) and "items" in body:  # the side-by-side view
            html, name = comparison_report_html(pinned(body)), "side_by_side"
        else:
            built, result = engine.result(_settings_of(body))
            html, name = report_html(result), built.scenario.name
        return Response(
            html,
            media_type="text/html; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.html"'},
        )

    async def page(request: Request) -> Response:
        return Response(_static("index.html"), media_type="text/html; charset=utf-8",
                        headers=headers)  # fmt: skip

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return Response("not found", status_code=404, media_type="text/plain")
        return Response(_static(name), media_type=STATIC[name], headers=headers)

    async def cat(request: Request) -> Response:
        return JSONResponse(claims, headers=headers)

    def post(kind: str, work: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            return await answer(request, kind, work)

        return endpoint

    routes = [
        Route("/", page),
        Route("/static/{name}", static),
        Route("/api/catalogue", cat),
        Route("/api/run", post("run", do_run), methods=["POST"]),
        Route("/api/detail", post("detail", do_detail), methods=["POST"]),
        Route("/api/compare", post("compare", do_compare), methods=["POST"]),
        Route("/api/scenario", post("scenario", do_scenario), methods=["POST"]),
        Route("/api/report", post("report", do_report), methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    app.state.engine = engine
    return app


def catalogue_with_claims() -> dict[str, Any]:
    """The controls, the shipped scenarios, and the ledger's rows with shipped scenarios."""
    from sim.explore.controls import shipped_names
    from sim.presentation.report.ledger import claim_rows
    from sim.presentation.report.render import inline_markdown

    names = set(shipped_names())
    rows = []
    for r in claim_rows():
        shown = [n for n in sorted(r.scenario_names) if n in names]
        # keep the ledger's order of the scenarios (its first is the one that should be higher)
        ordered = sorted(shown, key=r.scenarios.find)[:MAX_COMPARE]
        if ordered:
            rows.append({"number": r.number, "claim": str(inline_markdown(r.claim)),
                         "scenarios": ordered, "metric": str(inline_markdown(r.metric)),
                         "figure": str(inline_markdown(r.figure)),
                         "verdict": str(inline_markdown(r.verdict)),
                         "robustness": str(inline_markdown(r.robustness))})  # fmt: skip
    return {**catalogue(), "claims": rows}


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def comparison_report_html(results: list[tuple[str, Result]]) -> str:
    """The HTML report of regimens side by side (as ``musclebrain compare`` writes it)."""
    from sim.analyses.compare import Comparison, Entry
    from sim.presentation.plots.compare import plot_comparison
    from sim.presentation.report.context import FIGURE_CAPTIONS, Figure, report_context
    from sim.presentation.report.render import render_report
    from sim.presentation.text.compare import headlines

    comparison = Comparison(tuple(Entry(lbl, r.scenario, r) for lbl, r in results))
    figures = [Figure(name, FIGURE_CAPTIONS[name], _png(fig))
               for name, fig in plot_comparison(comparison).items()]  # fmt: skip
    title = "Regimens side by side (from the explorer)"
    return render_report(report_context(title, "musclebrain explore", results, figures,
                                        headlines(comparison)))  # fmt: skip


def report_html(result: Result) -> str:
    """The HTML report of one run, figures drawn in memory (as ``musclebrain run`` writes it)."""
    from sim.presentation.plots.performance import plot_performance
    from sim.presentation.plots.run import plot_run
    from sim.presentation.plots.session import plot_session
    from sim.presentation.report.context import FIGURE_CAPTIONS, Figure, report_context
    from sim.presentation.report.render import render_report

    figures = [Figure(name, FIGURE_CAPTIONS[name], _png(draw(result)))
               for name, draw in (("session.png", plot_session), ("overview.png", plot_run),
                                  ("performance.png", plot_performance))]  # fmt: skip
    title = f"{result.name}: what the regimen does (from the explorer)"
    return render_report(report_context(title, "musclebrain explore", [(result.name, result)],
                                         figures))  # fmt: skip
