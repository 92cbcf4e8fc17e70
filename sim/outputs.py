"""Writing output folders atomically and never over a user's earlier results by accident."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sim.errors import OutputError


def check_writable(out: Path, force: bool) -> None:
    """Raise :class:`OutputError` if ``out`` is a file, or a non-empty folder without ``force``."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder. Fix: choose another --out.")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputError(
            f"{out}: the output folder exists and is not empty. Fix: pass --force "
            "to replace it, or choose another --out."
        )


def _umask() -> int:
    """The process's file-mode creation mask (reading it means setting it; set it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_output_dir(out: str | Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder beside ``out``; on success it replaces ``out`` in one rename.

    An interrupted or failed run leaves ``out`` as it was and no half-written files.
    """
    out = Path(out)
    check_writable(out, force)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
        tmp.chmod(0o777 & ~_umask())  # mkdtemp makes it private (0700); results are to share
    except OSError as exc:
        raise OutputError(
            f"{out}: cannot create the output folder ({exc.strerror}). Fix: "
            "choose a writable --out."
        ) from None
    try:
        yield tmp
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
