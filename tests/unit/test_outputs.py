"""Output folders (sim/outputs.py): never over earlier results by accident, never half-written."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim.cli
from sim.errors import OutputError
from sim.outputs import atomic_output_dir, check_writable


def earlier(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.csv").write_text("old", encoding="utf-8")
    return out


def siblings(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir())


def test_success_replaces_the_folder_in_one_step(tmp_path: Path) -> None:
    out = earlier(tmp_path)
    with atomic_output_dir(out, force=True) as tmp:
        (tmp / "new.csv").write_text("new", encoding="utf-8")
        assert [p.name for p in out.iterdir()] == ["old.csv"]  # nothing visible until the end
    assert [p.name for p in out.iterdir()] == ["new.csv"]
    assert siblings(tmp_path) == ["out"]  # no temporary or .old folder left behind


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt], ids=["error", "interrupt"])
def test_a_failure_half_way_leaves_the_earlier_folder_as_it_was(
    tmp_path: Path, error: type[BaseException]
) -> None:
    out = earlier(tmp_path)
    with pytest.raises(error, match="half way"), atomic_output_dir(out, force=True) as tmp:
        (tmp / "timeseries.csv").write_text("half", encoding="utf-8")
        raise error("half way")
    assert [p.name for p in out.iterdir()] == ["old.csv"]
    assert (out / "old.csv").read_text(encoding="utf-8") == "old"
    assert siblings(tmp_path) == ["out"]


def test_a_failed_first_run_creates_no_folder(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="boom"), atomic_output_dir(tmp_path / "new"):
        raise RuntimeError("boom")
    assert siblings(tmp_path) == []


@pytest.mark.parametrize(
    ("make", "force", "message"),
    [
        ("folder", False, r"out: the output folder exists and is not empty\. Fix: pass --force"),
        ("file", True, r"out: exists and is not a folder\. Fix: choose another --out\."),
    ],
    ids=["non-empty-without-force", "a-file"],
)
def test_refused_targets(tmp_path: Path, make: str, force: bool, message: str) -> None:
    out = tmp_path / "out"
    if make == "folder":
        out.mkdir()
        (out / "x").write_text("x", encoding="utf-8")
    else:
        out.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match=message):
        check_writable(out, force)


def test_empty_existing_folder_is_used_without_force(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    with atomic_output_dir(tmp_path / "out") as tmp:
        (tmp / "a.csv").write_text("a", encoding="utf-8")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["a.csv"]


def test_cli_interrupted_run_says_nothing_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: s\nduration_weeks: 1\n", encoding="utf-8")
    out = earlier(tmp_path)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("sim.results.write_run", interrupted)
    assert sim.cli.main(["run", str(scenario), "--out", str(out), "--force"]) == 130
    assert capsys.readouterr().err == "interrupted; nothing was written\n"
    assert [p.name for p in out.iterdir()] == ["old.csv"]
    assert siblings(tmp_path) == ["out", "s.yaml"]


def test_output_folder_gets_the_usual_permissions_not_the_temporary_ones(tmp_path: Path) -> None:
    """The temporary folder is private while written (mkdtemp: 0700); the finished folder is
    readable as any folder made under the user's umask would be."""
    import os

    mask = os.umask(0o022)
    try:
        with atomic_output_dir(tmp_path / "out") as tmp:
            (tmp / "a.csv").write_text("a", encoding="utf-8")
    finally:
        os.umask(mask)
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o755
