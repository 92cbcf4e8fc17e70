"""What a packager checks: every third-party package the code imports is declared, the
project's basic files exist, and the package data (scenarios, templates, the ledger) is there."""

from __future__ import annotations

import ast
import re
import sys

import pytest

from tests.conftest import ROOT

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

# import name -> distribution name, where they differ
DISTRIBUTION = {
    "yaml": "pyyaml",
    "libsbml": "python-libsbml",
    "roadrunner": "libroadrunner",
    "pydantic_core": "pydantic-core",
    "annotated_types": "annotated-types",
}


def imported_packages() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "sim").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "sim"}


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
    return {re.split(r"[<>=!~\[ ;]", s, maxsplit=1)[0].lower() for s in specs}


def test_every_imported_package_is_declared() -> None:
    names = {DISTRIBUTION.get(m, m).lower().replace("_", "-") for m in imported_packages()}
    missing = sorted(names - declared())
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_project_basics() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert project["classifiers"] and project["urls"]["Homepage"]
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert "cff-version: 1.2.0" in citation and f"version: {project['version']}" in citation
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_package_data_is_where_the_package_reads_it() -> None:
    from sim.input.shipped import shipped_scenarios, shipped_trials
    from sim.presentation.report.ledger import ledger_text

    assert {p.name for p in shipped_scenarios()} == {
        p.name for p in (ROOT / "scenarios").glob("*.yaml")
    }
    assert len(shipped_trials()) == len(list((ROOT / "scenarios" / "trials").glob("*.yaml")))
    assert "| C28 |" in ledger_text()
    assert (ROOT / "sim" / "presentation" / "report" / "templates" / "base.html.j2").is_file()
