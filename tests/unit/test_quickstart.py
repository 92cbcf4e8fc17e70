"""The README's quick start: CI runs its test command verbatim, that command installs the
extras the suite needs (``[sbml]`` for the libRoadRunner cross-check, otherwise skipped), and
the core install (the demo command) needs neither python-libsbml nor libroadrunner."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)\n```", section, flags=re.DOTALL)


def test_quick_start_has_two_commands_and_ci_runs_the_test_one_verbatim() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert commands[1] in ci


def test_the_test_command_installs_the_test_and_sbml_extras() -> None:
    test_command = quick_start_commands()[1]
    assert "pip install -q -e '.[test,sbml]'" in test_command
    assert test_command.endswith("-m pytest -q")


def test_the_core_install_needs_neither_sbml_package() -> None:
    blocked = "import sys; sys.modules['libsbml'] = sys.modules['roadrunner'] = None; "
    code = (
        blocked
        + "import sim, sim.cli, sim.io.sbml.export, sim.running.simulation; sim.cli.build_parser()"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    core = pyproject.split("\ndependencies = [", 1)[1].split("]", 1)[0]
    assert "numpy" in core and "libsbml" not in core and "roadrunner" not in core


def test_ci_checks_lint_format_and_types_and_has_chromium_before_the_tests() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    tests_at = ci.index(quick_start_commands()[1])
    before = "\n".join(ci[:tests_at])
    for check in (
        "ruff check .",
        "ruff format --check .",
        "mypy",
        "apt-get install -y -qq chromium",
    ):
        assert check in before, check
    assert 'export CI="${CI:-true}"' in before  # the browser test must not skip in CI
