"""The docs cannot drift from the code: references, generated sections, the network diagram."""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from sim.model.illustrative import WHY_ILLUSTRATIVE
from sim.model.parameters import Parameters
from tools.network import coupling_edges, drive_edges, mermaid

ROOT = Path(__file__).resolve().parents[2]
REFERENCES = ROOT / "docs" / "references.md"
MODEL_MD = ROOT / "docs" / "model.md"
MODEL_DIR = ROOT / "sim" / "model"
REGENERATE = "docs/model.md is stale: run `python tools/make_docs.py` and commit the result"

# A citation key in a docstring: ``lowercase_words2009`` (optionally a letter after the year).
KEY_IN_DOCSTRING = re.compile(r"``([a-z][a-z_]*[0-9]{4}[a-z]?)``")
KEY_HEADING = re.compile(r"^#{2,4}\s+`([a-z][a-z0-9_]*)`\s*$", re.MULTILINE)


def _make_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_docs", ROOT / "tools" / "make_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKE_DOCS = _make_docs()


def reference_keys() -> list[str]:
    return KEY_HEADING.findall(REFERENCES.read_text(encoding="utf-8"))


def docstring_keys() -> set[str]:
    keys: set[str] = set()
    for path in sorted(MODEL_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nodes = [tree] + [
            n
            for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        ]
        for node in nodes:
            keys.update(KEY_IN_DOCSTRING.findall(ast.get_docstring(node) or ""))
    return keys


def test_references_have_one_heading_per_key() -> None:
    keys = reference_keys()
    assert keys, "no `key` headings found in docs/references.md"
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert not duplicates, f"keys with more than one entry in docs/references.md: {duplicates}"


@pytest.mark.parametrize("name", Parameters.names())
def test_parameter_source_is_illustrative_or_a_reference(name: str) -> None:
    source = Parameters.spec(name)["source"]
    assert source == "illustrative" or source in reference_keys(), (
        f"parameter {name!r} cites {source!r}, which has no entry in docs/references.md: add "
        f"a '### `{source}`' entry there or mark the parameter 'illustrative'"
    )


def test_every_illustrative_parameter_says_why_and_only_those() -> None:
    """Issue 4: parameters the evidence cannot identify are marked illustrative *with the
    reason* (sim/model/illustrative.py, printed in docs/model.md)."""
    illustrative = {n for n in Parameters.names() if Parameters.spec(n)["source"] == "illustrative"}
    assert set(WHY_ILLUSTRATIVE) == illustrative, (
        f"without a reason: {sorted(illustrative - set(WHY_ILLUSTRATIVE))}; "
        f"reasons for parameters that cite a source: {sorted(set(WHY_ILLUSTRATIVE) - illustrative)}"
    )
    short = [n for n, why in WHY_ILLUSTRATIVE.items() if len(why.split()) < 8]
    assert not short, f"reasons too short to say anything: {short}"


def test_docstring_keys_are_found() -> None:
    # Guards the regex: if it stopped matching, the next test would pass vacuously.
    assert {"swain1994", "kraemer1995", "tumati2016", "canivet2015", "kim2013"} <= docstring_keys()


@pytest.mark.parametrize("key", sorted(docstring_keys()))
def test_docstring_key_is_a_reference(key: str) -> None:
    assert key in reference_keys(), (
        f"``{key}`` is cited in a docstring of sim/model/ but has no entry in "
        f"docs/references.md: add a '### `{key}`' entry"
    )


@pytest.mark.parametrize("section", sorted(MAKE_DOCS.sections()))
def test_generated_section_is_current(section: str) -> None:
    text = MODEL_MD.read_text(encoding="utf-8")
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    assert start in text and end in text, f"docs/model.md lacks the markers of {section!r}"
    current = text.split(start, 1)[1].split(end, 1)[0].strip("\n")
    assert current == MAKE_DOCS.sections()[section], f"{section!r}: {REGENERATE}"


def test_make_docs_check_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert MAKE_DOCS.main(["--check"]) == 0, REGENERATE
    assert "up to date" in capsys.readouterr().out


def test_render_refuses_a_missing_marker() -> None:
    with pytest.raises(ValueError, match="lacks the markers <!-- network:start -->"):
        MAKE_DOCS.render("no markers here", {"network": "x"})


def test_every_parameter_has_a_symbol_in_model_md() -> None:
    missing = MAKE_DOCS.undocumented_parameters()
    assert not missing, (
        f"parameters without a symbol in docs/model.md: {missing}; add them to "
        f"SYMBOLS in tools/make_docs.py (and to the equations)"
    )


KNOWN = [
    ("lactate_mmol_L", "bdnf_brain_rel"),
    ("il6_signal", "il6_pg_mL"),
    ("igf1_ng_mL", "bdnf_brain_rel"),
    ("fitness_rel", "bdnf_brain_rel"),
    ("rt_weekly_sets", "igf1_ng_mL"),
    ("irisin_rel", "bdnf_brain_rel"),
    ("inflammation_rel", "bdnf_brain_rel"),
    ("strength_rel", "reserve_built"),
    ("fatigue", "strength_rel"),
]
ABSURD = [
    ("reserve_built", "lactate_mmol_L"),
    ("reserve_built", "bdnf_brain_rel"),
    ("bdnf_brain_auc", "reserve_built"),
    ("bdnf_serum_ng_mL", "bdnf_brain_rel"),
    ("igf1_ng_mL", "lactate_mmol_L"),
    ("fgf21_rel", "bdnf_brain_rel"),
]


@pytest.mark.parametrize("edge", KNOWN, ids=[f"{a}->{b}" for a, b in KNOWN])
def test_known_coupling_is_found(edge: tuple[str, str]) -> None:
    assert edge in coupling_edges()


@pytest.mark.parametrize("edge", ABSURD, ids=[f"{a}->{b}" for a, b in ABSURD])
def test_absurd_coupling_is_absent(edge: tuple[str, str]) -> None:
    assert edge not in coupling_edges()


def test_no_self_edges() -> None:
    assert all(a != b for a, b in coupling_edges())


def test_drive_edges_follow_the_evidence() -> None:
    edges = drive_edges()
    assert ("sets_per_h", "rt_weekly_sets") in edges
    assert ("aerobic_frac_vo2max", "ctsb_rel") in edges
    # Heavy resistance work gives no cathepsin B rise (APNM 2020) and no acute IGF-1 (Kraemer).
    assert ("resistance_frac_1rm", "ctsb_rel") not in edges
    assert not any(target == "igf1_ng_mL" for _, target in edges)


def test_mermaid_draws_every_edge() -> None:
    text = mermaid()
    assert text.startswith("flowchart LR\n")
    drawn = coupling_edges() + [("drive", b) for _, b in drive_edges()]
    for a, b in drawn:
        assert re.search(rf"^\s*{a} \S+ {b}$", text, re.MULTILINE), f"{a} -> {b} not drawn"
    arrows = re.findall(r"^\s*\w+ (?:-->|--x|-->\|±\||-\.->) \w+$", text, re.MULTILINE)
    assert len(arrows) == len(set(drawn)), "the diagram draws an edge the probe did not find"


def test_import_sim_stays_free_of_matplotlib() -> None:
    code = "import sys, sim, tools.network; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
