"""One test per expressible literature fact (tests/evidence/facts.py; docs/evidence.md).

Each range was written from the source before the model was run. A fact the model failed at
that first run is a strict xfail: when a model change makes it hold, the xfail fails, and
whoever made the change removes the fact from ``FAILING`` and regenerates docs/evidence.md.
"""

from __future__ import annotations

import pytest

from tests.evidence.facts import FACTS, FAILING, Fact, value


def _param(fact: Fact) -> object:
    marks = []
    if fact.id in FAILING:
        marks.append(
            pytest.mark.xfail(
                strict=True,
                reason=(
                    f"model gave {FAILING[fact.id]:.4g} {fact.unit}, range "
                    f"[{fact.low:g}, {fact.high:g}]; see docs/evidence.md"
                ),
            )
        )
    return pytest.param(fact, id=fact.id, marks=marks)


@pytest.mark.parametrize("fact", [_param(f) for f in FACTS if f.expressible])
def test_fact_holds(fact: Fact) -> None:
    got = value(fact.id)
    assert fact.low <= got <= fact.high, (
        f"{fact.id} ({fact.source}): {fact.claim}: model {got:.4g} {fact.unit}, "
        f"range [{fact.low:g}, {fact.high:g}]"
    )


def test_every_failing_fact_is_expressible_and_known() -> None:
    ids = {f.id for f in FACTS}
    assert set(FAILING) <= {f.id for f in FACTS if f.expressible}
    assert len(ids) == len(FACTS), "fact ids must be unique"


def test_not_expressible_facts_say_why() -> None:
    for fact in FACTS:
        assert fact.expressible or fact.why_not, fact.id
        assert fact.source and fact.claim and fact.section.startswith("§"), fact.id
