"""The parameter table: name, value, unit, bounds, description and source of every parameter."""

from __future__ import annotations

from sim.model.parameters import Parameters


def parameter_rows(overrides: dict[str, float] | None = None) -> list[dict[str, object]]:
    """One dict per parameter, with the value after ``overrides``."""
    params = Parameters().with_overrides(overrides or {})
    rows = []
    for name in Parameters.names():
        spec = Parameters.spec(name)
        spec["value"] = getattr(params, name)
        spec["overridden"] = name in (overrides or {})
        rows.append(spec)
    return rows


def parameter_table(overrides: dict[str, float] | None = None, markdown: bool = False) -> str:
    """The table as Markdown, or as aligned plain text grouped by compartment."""
    rows = parameter_rows(overrides)
    if markdown:
        lines = [
            "| group | name | value | unit | bounds | description | source |",
            "|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {r['group']} | `{r['name']}` | {r['value']:g} | {r['unit']} | "
            f"{r['lower']:g} – {r['upper']:g} | {r['description']} | {r['source']} |"
            for r in rows
        ]
        return "\n".join(lines)
    width = max(len(str(r["name"])) for r in rows)
    lines, group = [], None
    for r in rows:
        if r["group"] != group:
            group = r["group"]
            lines.append(f"\n[{group}]")
        mark = "*" if r["overridden"] else " "
        lines.append(
            f"{r['name']:<{width}} {mark}{r['value']:>10.4g}  {r['unit']:<18} "
            f"[{r['lower']:g}, {r['upper']:g}]  {r['source']}: {r['description']}"
        )
    lines.append("\n* overridden by the scenario. Illustrative model, not clinical.")
    return "\n".join(lines).lstrip("\n")
