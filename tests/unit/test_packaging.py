"""What a packager checks: every third-party package the code imports is declared, the
project's basic files exist, and the package data (scenarios, templates, the ledger) is there."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

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


def tracked_files() -> list[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to list the repository's files")
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return [ROOT / name for name in listing.split("\0") if name]


# a path on some machine, not in the repository (the pieces keep this file from matching)
MACHINE_PATH = re.compile(
    "("
    + "|".join(["/ho" + "me/", "/Us" + "ers/", "/wo" + "rk/", "/ro" + "ot/", "file" + ":///"])
    + ")"
)


def test_no_file_cites_a_path_outside_the_repository() -> None:
    """Links, symlinks and paths in every tracked file stay inside the repository."""
    cited = []
    for path in tracked_files():
        if path.is_symlink():
            target = Path(os.path.realpath(path))
            if not target.is_relative_to(ROOT.resolve()) or not target.exists():
                cited.append(f"{path.relative_to(ROOT)} -> {os.readlink(path)}")
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, IsADirectoryError):
            continue
        cited += [f"{path.relative_to(ROOT)}: {m}" for m in MACHINE_PATH.findall(text)]
        if path.suffix == ".md":
            for link in re.findall(r"\]\(([^)#\s]+)[^)]*\)", text):
                if "://" in link or link.startswith("mailto:"):
                    continue
                target = (path.parent / link).resolve()
                if not target.is_relative_to(ROOT.resolve()) or not target.exists():
                    cited.append(f"{path.relative_to(ROOT)}: ]({link})")
    assert not cited, cited
