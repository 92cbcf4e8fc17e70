"""The tables of a virtual trial: ``people.csv`` (one row per person) and the printed summary."""

from __future__ import annotations

from typing import Any

from sim.analyses.trial.formulas import completers
from sim.analyses.trial.stats import ArmData, Design, analysed
from sim.model.constants import COGNITIVE_STATUSES
from sim.running.cohort import GENOTYPE_CODES


def people_table(
    design: Design, arms: dict[str, ArmData], outcome: str
) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of ``people.csv``: one row per person, arms in order, ids from 1."""
    weeks = next(iter(arms.values())).weeks
    header = [
        "arm",
        "id",
        "age_years",
        "sex",
        "genotype",
        "cognitive_status",
        "baseline_strength_rel",
        "baseline_fitness_rel",
        "igf1_factor",
        "strength_responsiveness",
        "fitness_responsiveness",
        "attendance_factor",
        "sessions_planned",
        "sessions_completed",
        "completer",
        "analysed",
    ]
    header += [f"{outcome}_w{w}{kind}" for w in weeks for kind in ("", "_measured")]
    header += [f"{outcome}_change_measured", "responder"]
    header += [f"{name}_change_pct_w{w}" for w in weeks[1:] for name in ("strength", "fitness")]
    rows: list[list[Any]] = []
    for arm in arms.values():
        p = arm.people
        done = completers(
            arm.sessions_completed, arm.sessions_planned, design.completer_min_fraction
        )
        chosen = analysed(design, arm)
        change = arm.change(design.at_week)
        pct = {
            (n, w): arm.relative_change_pct(n, w)
            for w in weeks[1:]
            for n in ("strength", "fitness")
        }
        for i in range(p.n):
            row = [
                arm.name,
                len(rows) + 1,
                p.age_years[i],
                "female" if p.female[i] else "male",
                GENOTYPE_CODES[int(p.genotype[i])],
                COGNITIVE_STATUSES[int(p.status[i])],
                p.baseline_strength_rel[i],
                p.baseline_fitness_rel[i],
                p.igf1_factor[i],
                p.strength_responsiveness[i],
                p.fitness_responsiveness[i],
                p.attendance_factor[i],
                arm.sessions_planned,
                int(arm.sessions_completed[i]),
                bool(done[i]),
                bool(chosen[i]),
            ]
            row += [v[j, i] for j in range(len(weeks)) for v in (arm.true, arm.measured)]
            row += [change[i], bool(change[i] > design.responder_threshold)]
            row += [pct[(n, w)][i] for w in weeks[1:] for n in ("strength", "fitness")]
            rows.append(row)
    return header, rows


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
