"""Output folders (sim/io/folders.py): only the program's own files are ever replaced, atomically.

Every output folder carries a manifest of the files the program wrote, with their SHA-256.
A folder is replaced only when it has one; only listed, unchanged files go; anything else in
it is carried into the new folder; the publishing rename never replaces what appeared meanwhile.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim.cli
from sim.errors import OutputError
from sim.io.folders import (
    MANIFEST,
    atomic_output_dir,
    check_writable,
    rename_noreplace,
    resolve_target,
)


def earlier(tmp_path: Path, command: str = "run") -> Path:
    """An output folder of an earlier run: ``old.csv`` and its manifest."""
    out = tmp_path / "out"
    with atomic_output_dir(out, command=command) as tmp:
        (tmp / "old.csv").write_text("old", encoding="utf-8")
    return out


def siblings(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir())


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_the_manifest_lists_what_was_written_with_hashes(tmp_path: Path) -> None:
    out = earlier(tmp_path)
    info = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert info["command"] == "run" and set(info["files"]) == {"old.csv"}
    assert info["files"]["old.csv"] == hashlib.sha256(b"old").hexdigest()


def test_success_replaces_the_programs_files_in_one_step(tmp_path: Path) -> None:
    out = earlier(tmp_path)
    with atomic_output_dir(out, force=True) as tmp:
        (tmp / "new.csv").write_text("new", encoding="utf-8")
        assert names(out) == [MANIFEST, "old.csv"]  # nothing visible until the end
    assert names(out) == [MANIFEST, "new.csv"]
    assert siblings(tmp_path) == ["out"]  # no temporary or .old folder left behind


def test_files_a_user_added_survive_a_forced_replacement(tmp_path: Path) -> None:
    out = earlier(tmp_path)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "drafts").mkdir()
    (out / "drafts" / "a.md").write_text("draft", encoding="utf-8")
    with atomic_output_dir(out, force=True) as tmp:
        (tmp / "new.csv").write_text("new", encoding="utf-8")
    assert names(out) == [MANIFEST, "drafts", "new.csv", "notes.txt"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "drafts" / "a.md").read_text(encoding="utf-8") == "draft"
    assert siblings(tmp_path) == ["out"]


def test_a_result_file_the_user_edited_is_theirs_and_blocks_a_clash(tmp_path: Path) -> None:
    out = earlier(tmp_path)
    (out / "old.csv").write_text("edited by hand", encoding="utf-8")
    with (
        pytest.raises(
            OutputError, match=r"old\.csv was not written by musclebrain \(or was changed"
        ),
        atomic_output_dir(out, force=True) as tmp,
    ):
        (tmp / "old.csv").write_text("new", encoding="utf-8")
    assert (out / "old.csv").read_text(encoding="utf-8") == "edited by hand"
    assert siblings(tmp_path) == ["out"]


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt], ids=["error", "interrupt"])
def test_a_failure_half_way_leaves_the_earlier_folder_as_it_was(
    tmp_path: Path, error: type[BaseException]
) -> None:
    out = earlier(tmp_path)
    with pytest.raises(error, match="half way"), atomic_output_dir(out, force=True) as tmp:
        (tmp / "timeseries.csv").write_text("half", encoding="utf-8")
        raise error("half way")
    assert names(out) == [MANIFEST, "old.csv"]
    assert (out / "old.csv").read_text(encoding="utf-8") == "old"
    assert siblings(tmp_path) == ["out"]


def test_a_failed_first_run_creates_no_folder(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="boom"), atomic_output_dir(tmp_path / "new"):
        raise RuntimeError("boom")
    assert siblings(tmp_path) == []


def test_a_write_error_such_as_a_full_disk_is_one_clear_message(tmp_path: Path) -> None:
    import errno

    with (
        pytest.raises(OutputError, match=r"cannot write the results \(No space left on device\)"),
        atomic_output_dir(tmp_path / "new"),
    ):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert siblings(tmp_path) == []


def test_earlier_results_need_force(tmp_path: Path) -> None:
    out = earlier(tmp_path)
    with pytest.raises(
        OutputError, match=r"holds earlier results of 'musclebrain run'\. Fix: pass --force"
    ):
        check_writable(out, force=False)
    check_writable(out, force=True)


def test_a_command_replaces_its_own_results_without_force_only_if_it_may(tmp_path: Path) -> None:
    out = earlier(tmp_path, command="demo")
    check_writable(out, command="demo", replace_own=True)
    with pytest.raises(OutputError, match="earlier results of 'musclebrain demo'"):
        check_writable(out, command="compare", replace_own=True)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        ("folder", r"not written by musclebrain \(it holds x\)\. .*with or without --force"),
        ("file", r"out: exists and is not a folder\. Fix: choose another --out\."),
        ("bad-manifest", r"not written by musclebrain"),
    ],
    ids=["foreign-folder", "a-file", "unreadable-manifest"],
)
@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_refused_targets(tmp_path: Path, make: str, message: str, force: bool) -> None:
    out = tmp_path / "out"
    if make == "file":
        out.write_text("x", encoding="utf-8")
    else:
        out.mkdir()
        (out / "x").write_text("x", encoding="utf-8")
        if make == "bad-manifest":
            (out / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(OutputError, match=message):
        check_writable(out, force)


def test_a_manifest_naming_files_outside_its_folder_removes_nothing_there(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    out = earlier(tmp_path)
    info = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    info["files"]["../victim.txt"] = info["files"]["old.csv"]
    (out / MANIFEST).write_text(json.dumps(info), encoding="utf-8")
    with atomic_output_dir(out, force=True) as tmp:
        (tmp / "new.csv").write_text("new", encoding="utf-8")
    assert victim.read_text(encoding="utf-8") == "keep"


def test_protected_places_are_refused_even_with_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    (project / "work").mkdir(parents=True)
    (project / "pyproject.toml").write_text("", encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(project / "work")
    scenario = tmp_path / "in" / "s.yaml"
    scenario.parent.mkdir()
    scenario.write_text("name: s\n", encoding="utf-8")
    cases = {
        "/": "the root of the file system",
        ".": "the current folder",
        "..": "a folder containing the current folder",
        str(home): "your home folder",
        str(tmp_path): "a folder containing the current folder",
        str(project): "a folder containing the current folder",
        str(scenario): "the input file",
        str(scenario.parent): "a folder containing the input file",
    }
    for out, reason in cases.items():
        with pytest.raises(OutputError, match=f"is {reason}.*never writes results there"):
            resolve_target(out, inputs=[str(scenario)])
    other = tmp_path / "other"
    (other / ".git").mkdir(parents=True)
    with pytest.raises(OutputError, match=r"a project folder \(it holds \.git"):
        resolve_target(other)


def test_a_symlinked_out_is_followed_once_and_leaves_no_stray_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    for force in (False, True):
        with atomic_output_dir(link, force=force) as tmp:
            (tmp / "a.csv").write_text("a", encoding="utf-8")
    assert link.is_symlink() and names(real) == [MANIFEST, "a.csv"]
    assert siblings(tmp_path) == ["link", "real"]


def test_a_dangling_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    with pytest.raises(OutputError, match=r"is a link to .*nowhere, which does not exist"):
        check_writable(tmp_path / "link")


def test_a_name_too_long_for_the_file_system_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="the folder name is 300 bytes long"):
        check_writable(tmp_path / ("a" * 300))


def test_a_folder_created_during_the_run_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with (
        pytest.raises(OutputError, match="was created by someone else while this run was working"),
        atomic_output_dir(out) as tmp,
    ):
        (tmp / "a.csv").write_text("a", encoding="utf-8")
        out.mkdir()
        (out / "theirs.txt").write_text("theirs", encoding="utf-8")
    assert names(out) == ["theirs.txt"]
    assert siblings(tmp_path) == ["out"]


def test_results_published_by_a_concurrent_run_are_not_replaced_without_force(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    with pytest.raises(OutputError, match="created by someone else"), atomic_output_dir(out) as tmp:
        (tmp / "mine.csv").write_text("mine", encoding="utf-8")
        with atomic_output_dir(out) as other:  # the concurrent run finishes first
            (other / "theirs.csv").write_text("theirs", encoding="utf-8")
    assert names(out) == [MANIFEST, "theirs.csv"]


def test_rename_noreplace_refuses_even_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "dst").mkdir()
    with pytest.raises(FileExistsError):
        rename_noreplace(tmp_path / "src", tmp_path / "dst")
    assert siblings(tmp_path) == ["dst", "src"]


def test_a_user_folder_named_like_an_old_backup_is_never_touched(tmp_path: Path) -> None:
    backup = tmp_path / ".out.old"
    backup.mkdir()
    (backup / "thesis.txt").write_text("thesis", encoding="utf-8")
    out = earlier(tmp_path)
    for force in (False, True):
        if force:
            with atomic_output_dir(out, force=True) as tmp:
                (tmp / "b.csv").write_text("b", encoding="utf-8")
    assert (backup / "thesis.txt").read_text(encoding="utf-8") == "thesis"
    assert siblings(tmp_path) == [".out.old", "out"]


def test_empty_existing_folder_is_used_without_force(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    with atomic_output_dir(tmp_path / "out") as tmp:
        (tmp / "a.csv").write_text("a", encoding="utf-8")
    assert names(tmp_path / "out") == [MANIFEST, "a.csv"]


def test_cli_interrupted_run_says_nothing_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: s\nduration_weeks: 1\n", encoding="utf-8")
    out = earlier(tmp_path)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("sim.io.run.write_run", interrupted)
    assert sim.cli.main(["run", str(scenario), "--out", str(out), "--force"]) == 130
    assert capsys.readouterr().err == "interrupted; nothing was written\n"
    assert names(out) == [MANIFEST, "old.csv"]
    assert siblings(tmp_path) == ["out", "s.yaml"]


def test_output_folder_gets_the_usual_permissions_not_the_temporary_ones(tmp_path: Path) -> None:
    """The temporary folder is private while written (mkdtemp: 0700); the finished folder is
    readable as any folder made under the user's umask would be."""
    mask = os.umask(0o022)
    try:
        with atomic_output_dir(tmp_path / "out") as tmp:
            (tmp / "a.csv").write_text("a", encoding="utf-8")
    finally:
        os.umask(mask)
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o755


_names = st.sampled_from(["a.csv", "b.csv", "notes.txt", "old.csv", "x", "sub"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    added=st.dictionaries(_names, st.binary(max_size=20), max_size=4),
    edited=st.booleans(),
    new=st.lists(_names, max_size=3, unique=True),
    force=st.booleans(),
)
def test_random_folder_contents_never_lose_a_file_outside_the_manifest(
    tmp_path_factory: pytest.TempPathFactory,
    added: dict[str, bytes],
    edited: bool,
    new: list[str],
    force: bool,
) -> None:
    """Whatever a user put in an output folder, and whatever the next run writes, every byte
    the program did not write is still there afterwards (or the run is refused)."""
    root = tmp_path_factory.mktemp("fuzz")
    out = earlier(root)
    for name, data in added.items():
        if name == "old.csv":
            continue
        (out / name).write_bytes(data)
    if edited:
        (out / "old.csv").write_bytes(b"edited")
    users = {p.name: p.read_bytes() for p in out.iterdir() if p.name not in (MANIFEST, "old.csv")}
    if edited:
        users["old.csv"] = b"edited"
    try:
        with atomic_output_dir(out, force=force) as tmp:
            for name in new:
                (tmp / name).write_text("result", encoding="utf-8")
    except OutputError:
        pass
    for name, data in users.items():
        assert (out / name).read_bytes() == data
    assert [p.name for p in root.iterdir()] == ["out"]
