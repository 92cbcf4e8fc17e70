"""One row per person of a virtual trial: the content of ``people.csv`` and ``people_frame()``."""

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
