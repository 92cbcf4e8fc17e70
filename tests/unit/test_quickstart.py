"""The README's quick start: CI runs its test command verbatim, and that command installs the
extras the suite needs (``[sbml]`` for the libRoadRunner cross-check, otherwise skipped)."""

from __future__ import annotations

import re

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
