"""Writing output folders and files atomically, never over anything the program did not write.

Every output folder carries a manifest, :data:`MANIFEST` (``.musclebrain-output.json``), that
lists the files the program wrote there with their SHA-256. A folder is replaced only when it
is such an output folder (and ``--force`` is given, or it is the same command's own earlier
output where that command allows it, like the demo). Replacing it removes only the listed
files whose content is unchanged; anything else in the folder (a user's notes, a file they
edited) is carried over into the new folder, and a name clash between the two is refused
before anything changes.

A result is built in a hidden temporary folder beside the target and published in one rename
(:mod:`sim.io.filesystem`). The rename never replaces something that appeared meanwhile: on Linux it uses
``renameat2(RENAME_NOREPLACE)`` and ``renameat2(RENAME_EXCHANGE)``; elsewhere a re-check under
the lock precedes a plain rename. Concurrent musclebrain processes serialise the check and the
rename with an advisory lock on the parent folder.

Some targets are refused with or without ``--force``: ``/``, the home folder, the current
folder or any folder that contains it, a folder holding ``.git`` or ``pyproject.toml``, and
the input files or a folder containing them.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sim.errors import OutputError
from sim.io.filesystem import (
    carry_over,
    os_error,
    parent_lock,
    remove,
    rename_noreplace,
    swap,
    umask,
)

MANIFEST = ".musclebrain-output.json"
"""The file in every output folder that lists what the program wrote there."""

NAME_MAX_BYTES = 255
"""Longest file or folder name most file systems accept (bytes)."""

_PROTECTED_MARKERS = (".git", "pyproject.toml")
_SHOWN_FOREIGN = 3  # foreign names a refusal lists before "and N more"


@dataclass
class _Existing:
    """What is at an output path now."""

    kind: str  # "missing" | "empty" | "managed" | "foreign" | "not-a-folder"
    command: str | None = None
    ours: list[str] = field(default_factory=list)  # listed and unchanged: ours to remove
    foreign: list[str] = field(default_factory=list)  # everything else but the manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _plain_name(name: object) -> bool:
    return (
        isinstance(name, str)
        and name not in ("", ".", "..", MANIFEST)
        and "/" not in name
        and "\\" not in name
        and "\0" not in name
    )


def _read_manifest(folder: Path) -> tuple[str | None, dict[str, str]] | None:
    """``(command, {name: sha256})`` of a folder's manifest, or ``None`` if it has none."""
    path = folder / MANIFEST
    if path.is_symlink() or not path.is_file():
        return None
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = info.get("files") if isinstance(info, dict) else None
    if not isinstance(files, dict):
        return None
    listed = {n: h for n, h in files.items() if _plain_name(n) and isinstance(h, str)}
    command = info.get("command")
    return (command if isinstance(command, str) else None), listed


def _inspect(out: Path) -> _Existing:
    if not os.path.lexists(out):
        return _Existing("missing")
    if out.is_symlink() or not out.is_dir():
        return _Existing("not-a-folder")
    names = sorted(os.listdir(out))
    if not names:
        return _Existing("empty")
    manifest = _read_manifest(out)
    if manifest is None:
        return _Existing("foreign", foreign=names)
    command, listed = manifest
    state = _Existing("managed", command=command)
    for name in names:
        if name == MANIFEST:
            continue
        path = out / name
        unchanged = (
            name in listed
            and not path.is_symlink()
            and path.is_file()
            and _sha256(path) == listed[name]
        )
        (state.ours if unchanged else state.foreign).append(name)
    return state


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:_SHOWN_FOREIGN])
    more = len(names) - _SHOWN_FOREIGN
    return shown + (f" and {more} more" if more > 0 else "")


def _verdict(out: Path, state: _Existing, force: bool, command: str, replace_own: bool) -> None:
    """Raise :class:`OutputError` unless results of ``command`` may be published at ``out``."""
    if state.kind == "not-a-folder":
        raise OutputError(f"{out}: exists and is not a folder. Fix: choose another --out.")
    if state.kind == "foreign":
        raise OutputError(
            f"{out}: the folder is not empty and was not written by musclebrain (it holds "
            f"{_listing(state.foreign)}). musclebrain replaces only its own output folders, "
            "with or without --force. Fix: choose another --out, or move those files away."
        )
    own_rerun = replace_own and state.command == command
    if state.kind == "managed" and not (force or own_rerun):
        made_by = f"'musclebrain {state.command}'" if state.command else "musclebrain"
        raise OutputError(
            f"{out}: holds earlier results of {made_by}. Fix: pass --force to replace them "
            "(files you added there are kept), or choose another --out."
        )


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def resolve_target(
    out: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]] = ()
) -> Path:
    """The output path to use for ``out``, or :class:`OutputError` if it may never be one.

    A symbolic link is followed once, here: the rest works on the folder it names, so no link
    is ever renamed or left behind. A dangling link, a name longer than the file system
    allows, and the protected places of this module's docstring are refused.
    """
    given = Path(out)
    name_bytes = len(os.fsencode(given.absolute().name))
    if name_bytes > NAME_MAX_BYTES:
        raise OutputError(
            f"{out}: the folder name is {name_bytes} bytes long; file systems allow "
            f"{NAME_MAX_BYTES}. Fix: choose a shorter --out."
        )
    try:
        if given.is_symlink():
            target = Path(os.path.realpath(given))
            if not target.exists():
                raise OutputError(
                    f"{given}: is a link to {target}, which does not exist. Fix: create "
                    f"{target} first, or choose another --out."
                )
            given = target
    except OSError as exc:
        raise os_error(given, exc, "use this path") from None
    real = Path(os.path.realpath(given))
    cwd, home = Path.cwd().resolve(), Path.home().resolve()
    reason = None
    if real == Path(real.anchor):
        reason = "the root of the file system"
    elif _is_within(cwd, real):
        reason = "the current folder" if real == cwd else "a folder containing the current folder"
    elif _is_within(home, real):
        reason = "your home folder" if real == home else "a folder containing your home folder"
    elif any((real / marker).exists() for marker in _PROTECTED_MARKERS):
        reason = "a project folder (it holds .git or pyproject.toml)"
    else:
        for source in inputs:
            source_real = Path(os.path.realpath(source))
            if _is_within(source_real, real):
                reason = (
                    f"the input file {source}"
                    if real == source_real
                    else (f"a folder containing the input file {source}")
                )
                break
    if reason:
        raise OutputError(
            f"{out}: is {reason}; musclebrain never writes results there, with or without "
            "--force. Fix: choose a new folder of its own, e.g. --out outputs/NAME."
        )
    return given


def check_writable(
    out: str | os.PathLike[str],
    force: bool = False,
    *,
    command: str = "run",
    replace_own: bool = False,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Check, before the work starts, that results of ``command`` may be written to ``out``.

    Returns the path to write to (a symbolic link followed); raises :class:`OutputError` for a
    file, a non-empty folder musclebrain did not write, earlier results without ``force``
    (unless ``replace_own`` and they are this command's), or a protected place.
    """
    target = resolve_target(out, inputs)
    _verdict(target, _inspect(target), force, command, replace_own)
    return target


def _publish(
    tmp: Path, out: Path, force: bool, command: str, replace_own: bool, before: str
) -> None:
    """Under the lock: re-check ``out`` as it is now, then publish ``tmp`` there.

    ``before`` is the kind of what was at ``out`` when the run started.
    """
    with parent_lock(out.parent):
        state = _inspect(out)
        if state.kind in ("missing", "empty"):
            if state.kind == "empty":
                os.rmdir(out)  # fails if something was written into it meanwhile
            rename_noreplace(tmp, out)
            return
        if before in ("missing", "empty"):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(out))
        _verdict(out, state, force, command, replace_own)
        clash = [name for name in state.foreign if os.path.lexists(tmp / name)]
        if clash:
            raise OutputError(
                f"{out}: {_listing(clash)} was not written by musclebrain (or was changed "
                "since), and the new results have a file of that name. Fix: move it away, or "
                "choose another --out."
            )
        for name in state.foreign:
            carry_over(out / name, tmp / name)
        old = swap(tmp, out)
        _clear_old(old, out, [*state.ours, *state.foreign, MANIFEST])


def _clear_old(old: Path, out: Path, names: list[str]) -> None:
    """Empty and remove the replaced folder ``old``: ``names`` are ours or were carried over.

    Anything else in it appeared during the publish: it is moved into ``out`` too, and if
    that is impossible the folder stays, under a visible name, and a note says where.
    """
    try:
        for name in names:
            if os.path.lexists(old / name):
                remove(old / name)
        for name in sorted(os.listdir(old)):
            with contextlib.suppress(OSError):
                rename_noreplace(old / name, out / name)
        old.rmdir()
    except OSError:
        kept = out.with_name(f"{out.name}.kept-{os.getpid()}")
        os.rename(old, kept)
        print(f"note: files that appeared in {out} during the run are in {kept}", file=sys.stderr)


def _write_manifest(folder: Path, command: str) -> None:
    from sim import __version__

    files = {
        p.name: _sha256(p)
        for p in sorted(folder.iterdir())
        if p.name != MANIFEST and p.is_file() and not p.is_symlink()
    }
    info = {"command": command, "version": __version__, "files": files}
    text = json.dumps(info, indent=2) + "\n"
    (folder / MANIFEST).write_text(text, encoding="utf-8")


@contextmanager
def atomic_output_dir(
    out: str | os.PathLike[str],
    force: bool = False,
    *,
    command: str = "run",
    replace_own: bool = False,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Iterator[Path]:
    """Yield a temporary folder beside ``out``; on success it becomes ``out`` in one rename.

    The caller writes its files into the yielded folder. On success the manifest is added and
    the folder is published by the rules of this module's docstring. An error, an interrupt or
    a refusal leaves ``out`` as it was and no temporary files.

    Raises
    ------
    OutputError
        If ``out`` may not receive the results (checked before and again at the rename), or
        a write fails (a full disk, say); the message names the folder and the fix.
    """
    target = check_writable(out, force, command=command, replace_own=replace_own, inputs=inputs)
    before = _inspect(target).kind
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".musclebrain-", suffix=".tmp", dir=target.parent))
        tmp.chmod(0o777 & ~umask())  # mkdtemp makes it private (0700); results are to share
    except OSError as exc:
        raise os_error(target, exc, "create the output folder") from None
    try:
        try:
            yield tmp
            _write_manifest(tmp, command)
        except OSError as exc:
            raise os_error(target, exc, "write the results") from None
        try:
            _publish(tmp, target, force, command, replace_own, before)
        except FileExistsError:
            raise OutputError(
                f"{target}: was created by someone else while this run was working, so its "
                "results were not written there. Fix: run again (with --force if it now holds "
                "musclebrain results), or choose another --out."
            ) from None
        except OSError as exc:
            raise os_error(target, exc, "publish the results") from None
    finally:
        if os.path.lexists(tmp):
            shutil.rmtree(tmp, ignore_errors=True)


@dataclass(frozen=True)
class OutputFolder:
    """Where a command writes its results, and the rules for replacing what is there.

    ``check()`` before the work starts (fail fast), ``writing()`` around the writing.
    """

    path: Path
    command: str
    force: bool = False
    replace_own: bool = False
    inputs: tuple[str, ...] = ()

    def check(self) -> Path:
        """See :func:`check_writable`."""
        return check_writable(
            self.path,
            self.force,
            command=self.command,
            replace_own=self.replace_own,
            inputs=self.inputs,
        )

    def writing(self) -> contextlib.AbstractContextManager[Path]:
        """See :func:`atomic_output_dir`."""
        return atomic_output_dir(
            self.path,
            self.force,
            command=self.command,
            replace_own=self.replace_own,
            inputs=self.inputs,
        )
