"""Nothing lost, ever: each command keeps every file it did not write (one test per case).

The cases are the ones a user (and a tester with hostile input) would try: ``--force`` on a
folder of their own, a project checkout, a backup folder named like ours, the demo run again
over a folder with notes in it, ``export-sbml --force`` onto a device or a FIFO, two runs into
the same new folder at once, protected places, and interruptions while writing.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import main
from sim.io.folders import MANIFEST

SHIPPED = Path(__file__).parents[2] / "scenarios"
SHORT = "name: short\nduration_weeks: 1\nblocks:\n  - weeks: 1\n    sessions:\n" + (
    "      - {day: mon, start: '09:00', modality: aerobic, duration_min: 30, "
    "intensity_pct_hrmax: 65}\n"
)


@pytest.fixture
def short(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "short.yaml"
    path.parent.mkdir()
    path.write_text(SHORT, encoding="utf-8")
    return path


def user_folder(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "thesis.txt").write_text("three years of work", encoding="utf-8")
    return path


def assert_refused(capsys: pytest.CaptureFixture[str], *words: str) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("error:") == 1, err
    for word in words:
        assert word in err, err
    return err


@pytest.mark.parametrize("command", ["run", "compare", "trial"])
def test_force_never_deletes_a_users_files(
    command: str, short: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = user_folder(tmp_path / "u")
    if command == "trial":
        args = ["trial", str(SHIPPED / "trials" / "liu_ambrose.yaml")]
    else:
        args = [command, str(short)]
    assert main([*args, "--out", str(out), "--force", "--no-plots"]) == 2
    assert_refused(capsys, str(out), "not written by musclebrain", "thesis.txt")
    assert sorted(os.listdir(out)) == ["thesis.txt"]


def test_force_never_writes_into_a_project_checkout(
    short: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "p"
    (project / ".git").mkdir(parents=True)
    (project / "wip.txt").write_text("wip", encoding="utf-8")
    assert main(["run", str(short), "--out", str(project), "--force", "--no-plots"]) == 2
    assert_refused(capsys, "a project folder")
    assert sorted(os.listdir(project)) == [".git", "wip.txt"]


def test_a_users_folder_named_like_a_backup_is_kept(short: Path, tmp_path: Path) -> None:
    backup = user_folder(tmp_path / ".o.old")
    out = tmp_path / "o"
    assert main(["run", str(short), "--out", str(out), "--no-plots"]) == 0
    assert main(["run", str(short), "--out", str(out), "--no-plots", "--force"]) == 0
    assert (backup / "thesis.txt").read_text(encoding="utf-8") == "three years of work"
    assert sorted(os.listdir(tmp_path)) == [".o.old", "in", "o"]


def test_the_demo_run_again_keeps_notes_a_user_added(
    short: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sim.analyses.compare.demo_paths", lambda: [short])
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out)]) == 0
    (out / "notes.txt").write_text("n", encoding="utf-8")
    assert main(["demo", "--out", str(out)]) == 0  # its own output: no --force needed
    assert (out / "notes.txt").read_text(encoding="utf-8") == "n"
    assert {"comparison.csv", "comparison.json", MANIFEST} <= set(os.listdir(out))


def test_the_demo_does_not_take_over_another_commands_results(
    short: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sim.analyses.compare.demo_paths", lambda: [short])
    out = tmp_path / "o"
    assert main(["run", str(short), "--out", str(out), "--no-plots"]) == 0
    assert main(["demo", "--out", str(out)]) == 2
    assert_refused(capsys, "earlier results of 'musclebrain run'", "--force")


@pytest.mark.parametrize("kind", ["fifo", "plain-file", "folder", "device"])
def test_export_sbml_force_replaces_only_an_sbml_file(
    kind: str, short: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("libsbml")
    target = tmp_path / "target.xml"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "plain-file":
        target.write_text("my notes", encoding="utf-8")
    elif kind == "folder":
        target.mkdir()
    else:
        target = Path("/dev/null")
    before = os.lstat(target)
    assert main(["export-sbml", str(short), "--out", str(target), "--force"]) == 2
    assert_refused(capsys, str(target), "Fix:")
    after = os.lstat(target)
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode)
    assert after.st_ino == before.st_ino
    if kind == "plain-file":
        assert target.read_text(encoding="utf-8") == "my notes"


def test_export_sbml_force_replaces_an_earlier_export(short: Path, tmp_path: Path) -> None:
    pytest.importorskip("libsbml")
    target = tmp_path / "m.xml"
    assert main(["export-sbml", str(short), "--out", str(target)]) == 0
    assert main(["export-sbml", str(short), "--out", str(target), "--force"]) == 0
    assert "<sbml" in target.read_text(encoding="utf-8")[:4096]


def test_two_runs_into_the_same_new_folder_at_once_never_replace_each_other(
    tmp_path: Path,
) -> None:
    out = tmp_path / "same"
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sim",
                "run",
                str(SHIPPED / name),
                "--out",
                str(out),
                "--no-plots",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("combined.yaml", "aerobic.yaml")
    ]
    results = [(run.wait(timeout=120), run.communicate()) for run in runs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    winner = next(out_err for code, out_err in results if code == 0)
    loser = next(out_err for code, out_err in results if code == 2)
    assert "Traceback" not in loser[1] and str(out) in loser[1]
    name = winner[0].split(":")[0]
    assert f'"scenario": "{name}"' in (out / "summary.json").read_text(encoding="utf-8")
    assert sorted(os.listdir(tmp_path)) == ["same"]


@pytest.mark.parametrize(
    ("out", "reason"),
    [
        (".", "is the current folder"),
        ("/", "is the root of the file system"),
        ("a" * 300, "the folder name is 300 bytes long"),
    ],
    ids=["dot", "root", "long-name"],
)
def test_impossible_output_folders_are_one_message(
    out: str,
    reason: str,
    short: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(short), "--out", out, "--force", "--no-plots"]) == 2
    assert_refused(capsys, reason, "Fix:")


def test_a_dangling_link_as_out_is_one_message(
    short: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "nowhere")
    assert main(["run", str(short), "--out", str(link), "--no-plots"]) == 2
    assert_refused(capsys, "which does not exist")
    assert link.is_symlink() and not (tmp_path / "nowhere").exists()


def test_a_full_disk_is_one_message_and_nothing_half_written(
    short: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("sim.io.run.write_run", full)
    assert main(["run", str(short), "--out", str(tmp_path / "o"), "--no-plots"]) == 2
    assert_refused(capsys, "No space left on device", "Fix:")
    assert sorted(os.listdir(tmp_path)) == ["in"]


SIGNAL_DURING_WRITING = """
import os, signal, sys
import sim.__main__  # the program's own start: its early handlers
import sim.cli, sim.io.run
write_run = sim.io.run.write_run
def write_then_signal(result, folder):
    write_run(result, folder)
    os.kill(os.getpid(), signal.{signal})
sim.io.run.write_run = write_then_signal
sys.exit(sim.cli.main(sys.argv[1:]))
"""


@pytest.mark.parametrize(
    ("name", "code", "word"), [("SIGINT", 130, "interrupted"), ("SIGTERM", 143, "terminated")]
)
def test_a_signal_while_writing_leaves_no_half_written_folder(
    name: str, code: int, word: str, short: Path, tmp_path: Path
) -> None:
    out = tmp_path / "o"
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            SIGNAL_DURING_WRITING.format(signal=name),
            "run",
            str(short),
            "--out",
            str(out),
            "--no-plots",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == code, proc.stderr
    assert proc.stderr == f"{word}; nothing was written\n"
    assert sorted(os.listdir(tmp_path)) == ["in"]  # no output folder, no temporary folder


def test_ctrl_c_while_the_program_is_still_starting_is_quiet(tmp_path: Path) -> None:
    """The interrupt lands while the CLI's modules are being imported."""
    code = (
        "import os, signal\n"
        "import sim.__main__\n"
        "os.kill(os.getpid(), signal.SIGINT)\n"
        "import sim.cli\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert proc.returncode == 130
    assert proc.stderr == "interrupted; nothing was written\n"
