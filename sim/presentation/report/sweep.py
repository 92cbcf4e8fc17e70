"""The report of a sweep: what was varied, the headline metrics at every point, the refused
points with the schema's message, the dose-response figure and the ledger's matching rows."""

from __future__ import annotations

from typing import Any

from sim.presentation.plots.sweep import metric_words
from sim.presentation.report.context import LEFT_OUT, Figure, participant_words
from sim.presentation.report.ledger import matching_rows
from sim.presentation.text.compare import HEADLINES, show
from sim.running.results import ILLUSTRATIVE

SWEEP_CAPTIONS = {
    "dose_response.png": "The chosen metric (and the other headline metrics) against the "
    "varied dose: where the returns level off, the curve flattens.",
    "heatmap.png": "The chosen metric over two doses at once; grey cells are combinations the "
    "scenario schema refuses.",
}
"""The one-sentence lesson of each figure a sweep's report embeds, by file name."""


def sweep_context(result: Any, metric: str, figures: list[Figure], command: str) -> dict[str, Any]:
    """Everything the sweep template shows."""
    s = result.scenario
    names = [v.name for v in result.varies]
    head = [*names, *(f"{w} [{u}]" if u else w for _, w, u, _ in HEADLINES)]
    rows = [
        [*(f"{v:g}" for v in values), *(show(fmt, metrics[k]) for k, _, _, fmt in HEADLINES)]
        for values, metrics in result.rows
    ]
    refused = [
        {"point": ", ".join(f"{n} = {v:g}" for n, v in zip(names, values, strict=True)),
         "message": message}
        for values, message in result.invalid
    ]  # fmt: skip
    varied = [
        {"name": v.name, "kind": "model parameter" if v.parameter else "scenario field",
         "points": ", ".join(f"{x:g}" for x in v.values)}
        for v in result.varies
    ]  # fmt: skip
    return {
        "title": f"Sweep of {s.name}: {' and '.join(names)}",
        "command": command,
        "illustrative": ILLUSTRATIVE,
        "participant": participant_words(s),
        "description": " ".join(str(s.description).split()),
        "weeks": int(s.duration_weeks),
        "varied": varied,
        "metric": metric_words(metric),
        "head": head,
        "rows": rows,
        "refused": refused,
        "figures": figures,
        # a ledger row names the file (resistance_twice_weekly.yaml), the file may name itself
        # with hyphens (resistance-twice-weekly)
        "claims": matching_rows({str(s.name).replace("-", "_")}),
        "left_out": LEFT_OUT,
    }
