"""docs/evidence.md cannot drift from the facts and the model: regenerate it and compare.

The model values come from the same per-process cache as tests/evidence/test_facts.py, so
in one pytest session every fact is measured once.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
STALE = "docs/evidence.md is stale: run `python tools/make_evidence.py` and commit the result"


def _make_evidence() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_evidence", ROOT / "tools" / "make_evidence.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_evidence_doc_is_up_to_date() -> None:
    text = _make_evidence().render()
    assert (ROOT / "docs" / "evidence.md").read_text(encoding="utf-8") == text, STALE


def test_evidence_doc_counts_every_fact() -> None:
    from tests.evidence.facts import FACTS

    text = (ROOT / "docs" / "evidence.md").read_text(encoding="utf-8")
    assert f"**{len(FACTS)} facts;" in text
    assert "illustrative, not clinical" in text
    for fact in FACTS:
        assert f"| {fact.id} |" in text, fact.id
