"""The package works once installed: build the wheel, check what it carries, install it into a
fresh venv, and run the demo, a shipped scenario and a shipped trial by name from a folder
outside the repository.

Slow (about 40 s: a build and an install from the package index, cached after the first
time), and it needs the network to the package index, like the README's install commands.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

# not part of a source tree: a stale build/lib would carry deleted files into the wheel
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "outputs", "*.egg-info", "__pycache__", ".*_cache"
)


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, f"{args}: {proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    return proc


def build_wheel(tmp_path: Path) -> Path:
    """The wheel of a clean copy of the source tree (links kept as links, as in a clone)."""
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, symlinks=True, ignore=NOT_SOURCE)
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", dist, source)
    (wheel,) = dist.glob("musclebrain-*.whl")
    return wheel


def check_contents(wheel: Path) -> None:
    """Every shipped scenario and trial, the report's templates, the claims ledger, the explorer's page."""
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in sorted((ROOT / "scenarios").rglob("*.yaml")):
        assert f"sim/scenarios/{path.relative_to(ROOT / 'scenarios').as_posix()}" in names, path
    report = ROOT / "sim" / "presentation" / "report"
    static = sorted((ROOT / "sim" / "explore" / "static").iterdir())  # the explorer's page
    assert len(static) == 3
    for path in [*sorted((report / "templates").glob("*.j2")), report / "claims.md", *static]:
        assert path.relative_to(ROOT).as_posix() in names, path
    assert "sim/py.typed" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not any(n.startswith(("tests/", "tools/", "benchmarks/")) for n in names)


def test_the_wheel_installs_and_runs_outside_the_repository(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    check_contents(wheel)
    env = tmp_path / "env"
    venv.create(env, with_pip=True)  # no system site-packages: only what the wheel declares
    python = env / "bin" / "python"
    run(python, "-m", "pip", "install", "-q", f"{wheel}[report]")
    work = tmp_path / "elsewhere"
    work.mkdir()
    musclebrain = env / "bin" / "musclebrain"
    demo = run(musclebrain, "demo", cwd=work)
    assert "combined" in demo.stdout and "not clinical" in demo.stdout
    for name in ("comparison.csv", "comparison.json", "report.html", "slow_states.png"):
        assert (work / "outputs" / "demo" / name).is_file(), name
    run(musclebrain, "run", "combined", "--out", "c", cwd=work)
    for name in ("timeseries.csv", "summary.json", "report.html", "session.png"):
        assert (work / "c" / name).is_file(), name
    run(musclebrain, "trial", "northey_modalities", "--n-per-arm", "2", "--no-plots",
        "--out", "t", cwd=work)  # fmt: skip
    for name in ("trial.json", "people.csv", "report.html"):
        assert (work / "t" / name).is_file(), name
    listing = run(python, "-m", "sim", "scenarios", cwd=work).stdout
    assert "northey_modalities" in listing and "single_bout" in listing
    assert "Traceback" not in run(musclebrain, "run", "--help", cwd=work).stdout
    # the installed package is the wheel, not this checkout
    where = run(python, "-c", "import sim; print(sim.__file__)", cwd=work).stdout
    assert str(ROOT) not in where and str(env) in where
