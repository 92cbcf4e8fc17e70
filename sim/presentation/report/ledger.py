"""The claims ledger (``docs/claims.md``, shipped with the package) as rows a report can show.

The ledger is written once, as the Markdown table of ``docs/claims.md``; the package carries
a copy (``claims.md`` beside this module is a link to it in the repository, a file in a wheel).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

_ROW = re.compile(r"^\|\s*(C\d+)\s*\|")
_SCENARIO = re.compile(r"([a-z0-9_]+)\.yaml")
_CELL_EDGE = re.compile(r"(?<!\\)\|")  # a pipe that is not escaped as \|


@dataclass(frozen=True)
class ClaimRow:
    """One row of the ledger: number, claim, scenarios, metric, figure, verdict (Markdown) and
    the robustness of its direction over parameter draws (generated, see
    :mod:`sim.analyses.robustness`)."""

    number: str
    claim: str
    scenarios: str
    metric: str
    figure: str
    verdict: str
    robustness: str = ""

    @property
    def scenario_names(self) -> frozenset[str]:
        """The scenario files the row names, without ``.yaml``."""
        return frozenset(_SCENARIO.findall(self.scenarios))


def ledger_text() -> str:
    """The Markdown of the ledger as shipped."""
    return resources.files("sim.presentation.report").joinpath("claims.md").read_text("utf-8")


def claim_rows(text: str | None = None) -> list[ClaimRow]:
    """Every ``| C<n> | ... |`` row of the ledger table."""
    rows = []
    for line in (ledger_text() if text is None else text).splitlines():
        if not _ROW.match(line):
            continue
        cells = [c.strip().replace("\\|", "|") for c in _CELL_EDGE.split(line.strip())[1:-1]]
        if len(cells) in (6, 7):
            rows.append(ClaimRow(*cells))
    return rows


ROBUSTNESS_HEADER = "robustness (share of parameter draws in which the direction holds)"
NO_DIRECTION = "not a two-scenario direction"


def _cells(line: str) -> list[str]:
    return [c.strip() for c in _CELL_EDGE.split(line.strip())[1:-1]]


def with_robustness(text: str, cells: dict[str, str]) -> str:
    """The ledger's Markdown with its robustness column set from ``cells`` (claim -> text)."""
    out = []
    for line in text.splitlines():
        parts = _cells(line) if line.startswith("|") else []
        if parts and parts[0] == "#":
            parts = [*parts[:6], ROBUSTNESS_HEADER]
        elif parts and set("".join(parts)) <= set("-: "):
            parts = ["---"] * 7
        elif parts and _ROW.match(line):
            parts = [*parts[:6], cells.get(parts[0], NO_DIRECTION)]
        else:
            out.append(line)
            continue
        out.append("| " + " | ".join(parts) + " |")
    return "\n".join(out) + "\n"


def matching_rows(names: set[str], rows: list[ClaimRow] | None = None) -> list[ClaimRow]:
    """Rows that name at least two of ``names`` (one, when only one scenario is shown)."""
    need = 1 if len(names) == 1 else 2
    rows = claim_rows() if rows is None else rows
    return [r for r in rows if len(r.scenario_names & names) >= need]
