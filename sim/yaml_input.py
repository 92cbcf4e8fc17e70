"""Reading an input file as YAML, every file or syntax problem turned into one clear error.

The loader is PyYAML's safe loader, except that a key given twice in one mapping is an error
(PyYAML would silently keep the last).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"key {key!r} appears twice in the same mapping",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: str | os.PathLike[str], error: Callable[[str], Exception]) -> Any:
    """Parse a YAML file, turning every file or syntax problem into one clear error.

    Parameters
    ----------
    path
        The file to read.
    error
        Builds the exception to raise from the full message (which starts with the path).

    Returns
    -------
    Any
        The parsed document (never ``None``: an empty file is an error).

    Raises
    ------
    Exception
        Whatever ``error`` builds, for a missing file, a folder, an unreadable or non-UTF-8
        file, a YAML syntax error (with line and column), a repeated key or an empty file.
    """
    source = os.fspath(path)

    def fail(message: str) -> Exception:
        return error(f"{source}: {message}")

    path = Path(source)

    if not path.exists():
        raise fail(f"file not found. Fix: check the path (looked in {Path.cwd()}).")
    if path.is_dir():
        raise fail("is a folder, not a scenario file. Fix: give the path of a .yaml file.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise fail(
            f"is not UTF-8 text (byte {exc.object[exc.start]:#04x} at position "
            f"{exc.start}). Fix: save the file with UTF-8 encoding."
        ) from exc
    except OSError as exc:
        raise fail(
            f"cannot be read ({exc.strerror}). Fix: check that the file is readable."
        ) from exc
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise fail(
            f"{where}invalid YAML: {problem}. Fix: check indentation, colons and "
            "quotes on that line and the one above."
        ) from exc
    if data is None:
        raise fail(
            "the file is empty. Fix: write a scenario, at least 'name: ...' and "
            "'duration_weeks: ...' (see the files in scenarios/)."
        )
    return data
