"""Writing one output file (the SBML export) through a temporary file and one rename.

An existing file is replaced only with ``--force`` and only when it is a regular file of the
expected kind; a folder, a device, a FIFO, a link or any other file is refused.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from sim.errors import OutputError
from sim.io.filesystem import os_error, parent_lock, umask


def write_file_atomic(
    text: str, path: Path, overwrite: bool, replaceable: Callable[[Path], bool], kind: str
) -> None:
    """Write ``text`` to ``path`` through a temporary file and one rename.

    An existing ``path`` is replaced only with ``overwrite`` and only when it is a regular
    file that ``replaceable`` accepts (e.g. an SBML document); a folder, a device, a FIFO or
    any other file is refused. Without ``overwrite`` the rename never replaces a file that
    appeared meanwhile.
    """
    check_file_target(path, overwrite, replaceable, kind)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".musclebrain-", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise os_error(path, exc, "create the output file") from None
    tmp = Path(name)
    try:
        os.fchmod(fd, 0o666 & ~umask())  # mkstemp makes it private; a result is shared
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        with parent_lock(path.parent):
            check_file_target(path, overwrite, replaceable, kind)
            if overwrite and os.path.lexists(path):
                os.replace(tmp, path)
            else:
                os.link(tmp, path)  # fails, rather than replaces, if the file appeared
    except FileExistsError:
        raise OutputError(
            f"{path}: appeared while the export was working; it was left as it is. Fix: "
            "run again with --force to replace it, or choose another --out."
        ) from None
    except OSError as exc:
        raise os_error(path, exc, "write the file") from None
    finally:
        if os.path.lexists(tmp):
            tmp.unlink()


def check_file_target(
    path: Path, overwrite: bool, replaceable: Callable[[Path], bool], kind: str
) -> None:
    """Raise :class:`OutputError` unless ``path`` can become the written file."""
    if path.is_dir():
        raise OutputError(
            f"{path}: is a folder. Fix: give --out a file name such as {path / 'model.xml'}."
        )
    if os.path.lexists(path):
        if not overwrite:
            raise OutputError(
                f"{path}: the file exists. Fix: pass --force to replace it, or choose another "
                "--out."
            )
        if path.is_symlink() or not path.is_file():
            raise OutputError(
                f"{path}: is not a regular file (a device, a FIFO, a link or a socket); "
                "musclebrain never replaces one, with or without --force. Fix: choose "
                "another --out."
            )
        if not replaceable(path):
            raise OutputError(
                f"{path}: is not {kind}, so musclebrain will not replace it, with or without "
                "--force. Fix: choose another --out."
            )
    folder = next(p for p in path.absolute().parents if p.exists())
    if not folder.is_dir():
        raise OutputError(
            f"{path}: {folder} is a file, so it cannot hold the output. Fix: choose another --out."
        )
