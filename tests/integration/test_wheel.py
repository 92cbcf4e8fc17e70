"""The package works once installed: build the wheel, install it into a fresh venv, and run
the demo and a shipped scenario by name from a folder outside the repository.

Slow (about a minute: a build and an install from the package index, cached after the first
time), and it needs the network to the package index, like the README's install commands.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, f"{args}: {proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    return proc


def test_the_wheel_installs_and_runs_outside_the_repository(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", dist, ROOT)
    (wheel,) = dist.glob("musclebrain-*.whl")
    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    run(python, "-m", "pip", "install", "-q", f"{wheel}[report]")
    work = tmp_path / "elsewhere"
    work.mkdir()
    musclebrain = env / "bin" / "musclebrain"
    demo = run(musclebrain, "demo", cwd=work)
    assert "combined" in demo.stdout and "not clinical" in demo.stdout
    for name in ("comparison.csv", "report.html", "slow_states.png"):
        assert (work / "outputs" / "demo" / name).is_file(), name
    run(musclebrain, "run", "combined", "--out", "c", cwd=work)
    for name in ("timeseries.csv", "summary.json", "report.html", "session.png"):
        assert (work / "c" / name).is_file(), name
    listing = run(musclebrain, "scenarios", cwd=work).stdout
    assert "northey_modalities" in listing and "single_bout" in listing
    # the installed package is the wheel, not this checkout
    where = run(python, "-c", "import sim; print(sim.__file__)", cwd=work).stdout
    assert str(ROOT) not in where
