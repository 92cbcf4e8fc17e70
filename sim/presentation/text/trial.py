"""The printed summary table of a virtual trial (``people.csv`` is :mod:`sim.analyses.trial.people`)."""

from __future__ import annotations

from typing import Any


def _num(value: Any, signed: bool = True) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.2f}" if signed else f"{value:.2f}"


def format_table(summary: dict[str, Any]) -> str:
    """A plain-text table of the arms: n, mean change [CI], g [CI], responders, expected g."""
    lines = [
        f"{'arm':<18} {'n':>5}  {'mean change [95% CI]':<24} {'g vs control [95% CI]':<24}"
        f" {'responders':>10}  {'expected g':>10}"
    ]
    for name, arm in summary["arms"].items():
        lo, hi = arm["ci95"]
        change = f"{_num(arm['mean_change'])} [{_num(lo)}, {_num(hi)}]"
        if arm["hedges_g"] is None:
            effect = "(control)"
        else:
            g_lo, g_hi = arm["hedges_g_ci95"]
            effect = f"{_num(arm['hedges_g'])} [{_num(g_lo)}, {_num(g_hi)}]"
        share = arm["responder_fraction"]
        share_text = "n/a" if share is None else f"{100 * share:.0f} %"
        expected = "" if arm["expected_g"] is None else _num(arm["expected_g"])
        lines.append(
            f"{name:<18} {arm['n']:>5}  {change:<24} {effect:<24} {share_text:>10}  {expected:>10}"
        )
    lines.append(
        "expected g: the effect these people would show without measurement noise "
        "(true changes,\nscaled by the SD of a measured change); g itself varies "
        "from trial to trial."
    )
    return "\n".join(lines)
