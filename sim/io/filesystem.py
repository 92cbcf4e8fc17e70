"""File-system moves that never replace or lose what another process put there.

``renameat2`` (Linux) gives a rename that fails if the target exists (``RENAME_NOREPLACE``)
and an atomic swap of two folders (``RENAME_EXCHANGE``); elsewhere a re-check under an
advisory lock on the parent folder precedes a plain rename. Used by :mod:`sim.io.folders` and
:mod:`sim.io.files`.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sim.errors import OutputError

_AT_FDCWD = -100
_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2


def _renameat2(src: Path, dst: Path, flags: int) -> bool:
    """``renameat2`` with ``flags``; ``False`` where the system or file system lacks it."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    if fn(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL):
        return False
    raise OSError(err, os.strerror(err), str(dst))


def rename_noreplace(src: Path, dst: Path) -> None:
    """Rename ``src`` to ``dst``; :class:`FileExistsError` if ``dst`` exists, even if empty."""
    if _renameat2(src, dst, _RENAME_NOREPLACE):
        return
    if os.path.lexists(dst):  # fallback: a re-check (under the caller's lock), then the rename
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(dst))
    os.rename(src, dst)


def swap(new: Path, out: Path) -> Path:
    """Put folder ``new`` at ``out``; return where the previous ``out`` is now."""
    if _renameat2(new, out, _RENAME_EXCHANGE):
        return new
    old = Path(tempfile.mkdtemp(prefix=".musclebrain-", suffix=".old", dir=out.parent))
    old.rmdir()  # a fresh unique name: nobody else's folder is ever touched
    os.rename(out, old)
    try:
        rename_noreplace(new, out)
    except OSError:
        os.rename(old, out)
        raise
    return old


@contextmanager
def parent_lock(folder: Path) -> Iterator[None]:
    """An advisory lock on ``folder`` held by one musclebrain process at a time."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: the no-replace renames still hold
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def carry_over(src: Path, dst: Path) -> None:
    """Put a copy of ``src`` at ``dst``: hard links where possible, so nothing is duplicated."""

    def link_or_copy(a: str, b: str) -> None:
        try:
            os.link(a, b, follow_symlinks=False)
        except OSError:
            shutil.copy2(a, b, follow_symlinks=False)

    if src.is_dir() and not src.is_symlink():
        shutil.copytree(src, dst, symlinks=True, copy_function=link_or_copy)
    else:
        link_or_copy(str(src), str(dst))


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def umask() -> int:
    """The process's file-mode creation mask (reading it means setting it; set it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def os_error(out: Path, exc: OSError, doing: str) -> OutputError:
    where = f" ({exc.strerror or exc})"
    return OutputError(
        f"{out}: cannot {doing}{where}; nothing there was changed. Fix: free some space, "
        "check the permissions, or choose another --out."
    )
