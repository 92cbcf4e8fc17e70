"""Reading an input file as YAML, every file or syntax problem turned into one clear error.

Input files are small and written by hand, so anything else is refused early and cheaply,
each with a message naming the line and the fix:

* only regular files are read (not a device such as ``/dev/zero``, a named pipe, a socket),
  and at most :data:`MAX_INPUT_BYTES` of them;
* values nest at most :data:`MAX_DEPTH` levels deep (PyYAML's composer is recursive);
* aliases (``*name``) may repeat at most :data:`MAX_ALIAS_VALUES` values in all, so that a few
  hundred bytes of nested aliases cannot expand to billions of values, and an alias cannot
  repeat the value it is inside;
* mapping keys are plain names: text of at most :data:`MAX_KEY_CHARS` characters, not a list,
  a mapping, a number, true/false or a date, and not given twice in one mapping (PyYAML would
  silently keep the last);
* a number is at most :data:`MAX_NUMBER_CHARS` characters long (Python refuses, or takes
  seconds over, integers of thousands of digits).

Merge keys (``<<: *defaults`` or ``<<: [*a, *b]``) work as the YAML merge-key spec says: keys
written in the mapping override merged ones, and an earlier mapping in the list overrides a
later one. Otherwise the loader is PyYAML's safe loader.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_INPUT_BYTES = 1024 * 1024
"""Largest input file read, in bytes (1 MiB); scenario and trial files are a few kB."""

MAX_DEPTH = 50
"""Deepest nesting of lists and mappings (values included); a trial with an inline scenario
needs about 10 levels."""

MAX_VALUES = 50_000
"""Most values (keys, scalars, lists and mappings) written in a file; the largest shipped
scenario or trial has under 200, and the busiest valid week (2,016 five-minute sessions) about
30,000. Parsing in pure Python takes about 0.1 s per 1000 values."""

MAX_ALIAS_VALUES = 10_000
"""Most values that all the aliases (``*name``) of a file repeat, in addition."""

MAX_KEY_CHARS = 100
"""Longest mapping key, in characters; field and parameter names are far shorter."""

MAX_NUMBER_CHARS = 100
"""Longest number written in a file, in characters."""

_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"
_VALUE = "tag:yaml.org,2002:value"  # the key '=', which PyYAML reads as text in a mapping
_KEY_KINDS = {
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true or false",
    "tag:yaml.org,2002:null": "null (empty)",
    "tag:yaml.org,2002:timestamp": "a date",
}
_MIB = 1024 * 1024


class _Refused(yaml.YAMLError):
    """Valid YAML that is refused: where (a mark), what is wrong and the fix."""

    def __init__(self, mark: Any, what: str, fix: str) -> None:
        super().__init__(f"{what}. Fix: {fix}.")
        self.mark, self.what, self.fix = mark, what, fix


def _snippet(text: str, limit: int = 40) -> str:
    """``text`` quoted, cut to about ``limit`` characters."""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with the limits and key rules of the module docstring."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0  # lists and mappings open around the node being composed
        self._size: dict[int, int] = {}  # id(node) -> values in it, its aliases written out
        self._height: dict[int, int] = {}  # id(node) -> levels in it, its aliases written out
        self._alias_values = 0  # values repeated by aliases
        self._values = 0  # values written
        self._merged: dict[int, dict[str, Node]] = {}  # id(mapping node) -> key -> value node

    # --- composing: nesting depth and alias budget -----------------------------------------

    def compose_node(self, parent: Node | None, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            node: Any = super().compose_node(parent, index)  # an undefined alias raises
            return self._alias(event, node)
        event = self.peek_event()
        self._values += 1
        if self._values > MAX_VALUES:
            raise _Refused(
                event.start_mark,
                f"the file holds more than {MAX_VALUES} values (keys, numbers, text, lists and "
                "mappings), far more than a scenario or trial needs",
                "check that this is a scenario or trial file; the largest shipped one holds "
                "fewer than 200",
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(
                event.start_mark,
                f"lists and mappings are nested more than {MAX_DEPTH} levels deep here",
                "close the brackets or undo the indentation; scenario and trial files need "
                "about 10 levels",
            )
        node = super().compose_node(parent, index)
        self._depth -= 1
        children = _children(node)
        self._size[id(node)] = 1 + sum(self._size[id(c)] for c in children)
        self._height[id(node)] = 1 + max((self._height[id(c)] for c in children), default=0)
        return node

    def _alias(self, event: Any, node: Node) -> Node:
        """Count what the alias ``event`` (which names ``node``) repeats; refuse beyond limits."""
        name = event.anchor if len(event.anchor) <= 40 else event.anchor[:37] + "..."
        if id(node) not in self._size:  # still being composed: the alias is inside it
            raise _Refused(
                event.start_mark,
                f"the alias *{name} is inside the value it names",
                "an alias can only repeat a value that ends before it; write the values out",
            )
        size = self._size[id(node)]
        self._alias_values += size
        if self._alias_values > MAX_ALIAS_VALUES:
            raise _Refused(
                event.start_mark,
                f"aliases expand to more than {MAX_ALIAS_VALUES} values (this "
                f"*{name} repeats {size})",
                "write the values out or use fewer nested aliases",
            )
        if self._depth + self._height[id(node)] > MAX_DEPTH:
            raise _Refused(
                event.start_mark,
                f"with the alias *{name} written out, lists and mappings are "
                f"nested more than {MAX_DEPTH} levels deep",
                "write the values out with less nesting, or use fewer nested aliases",
            )
        return node

    # --- constructing: keys, merges, numbers ------------------------------------------------

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if not isinstance(node, MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping, but found {node.id}", node.start_mark
            )
        return {
            key: self.construct_object(value, deep=deep) for key, value in self._pairs(node).items()
        }

    def _pairs(self, node: Any) -> dict[str, Node]:
        """Key -> value node of a mapping, its merge keys (``<<``) resolved."""
        if id(node) in self._merged:
            return self._merged[id(node)]
        written: dict[str, Node] = {}
        sources: list[Node] = []
        merge_key: Node | None = None
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                if merge_key is not None:
                    raise _Refused(
                        key_node.start_mark,
                        "the merge key '<<' appears twice in the same mapping",
                        "merge several mappings with one '<<', as in '<<: [*a, *b]'",
                    )
                merge_key, sources = key_node, self._merge_sources(value_node)
                continue
            key = self._key(key_node)
            if key in written:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"key {_snippet(key)} appears twice in the same mapping",
                    key_node.start_mark,
                )
            written[key] = value_node
        pairs: dict[str, Node] = {}
        for source in sources:  # an earlier mapping wins over a later one
            for key, value_node in self._pairs(source).items():
                pairs.setdefault(key, value_node)
        pairs.update(written)  # keys written here win over merged ones
        self._merged[id(node)] = pairs
        return pairs

    @staticmethod
    def _merge_sources(value: Any) -> list[Node]:
        """The mappings a merge key ``<<`` names: one mapping or a list of mappings."""
        sources = value.value if isinstance(value, SequenceNode) else [value]
        for source in sources:
            if not isinstance(source, MappingNode):
                got = "a list" if isinstance(source, SequenceNode) else _snippet(str(source.value))
                raise _Refused(
                    source.start_mark,
                    f"the merge key '<<' needs a mapping or a list of mappings, got {got}",
                    "name mappings defined earlier with an anchor, as in '<<: *defaults' or "
                    "'<<: [*a, *b]'",
                )
        return list(sources)

    def _key(self, node: Node) -> str:
        """A mapping key as text; anything but a plain name is refused."""
        if not isinstance(node, ScalarNode):
            kind = "list" if isinstance(node, SequenceNode) else "mapping"
            raise _Refused(
                node.start_mark,
                f"a {kind} is used as a mapping key",
                "keys must be plain names, as in 'duration_weeks: 12'; a list or mapping "
                "goes after the colon",
            )
        if node.tag not in (_STR, _VALUE):
            kind = _KEY_KINDS.get(node.tag, f"the type {node.tag}")
            raise _Refused(
                node.start_mark,
                f"the key {_snippet(node.value)} is read as {kind}, not as a name",
                "keys must be plain names; write the field name, or quote the key "
                f"(as in '\"{node.value[:MAX_KEY_CHARS]}\": ...') if it is meant as text",
            )
        key = str(node.value)
        if len(key) > MAX_KEY_CHARS:
            raise _Refused(
                node.start_mark,
                f"a key of {len(key)} characters (at most {MAX_KEY_CHARS}): {_snippet(key)}",
                "keys must be plain names; check for a missing ': ' or a missing quote",
            )
        return key

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        if (
            isinstance(node, ScalarNode)
            and node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
            and len(node.value) > MAX_NUMBER_CHARS
        ):
            raise _Refused(
                node.start_mark,
                f"a number of {len(node.value)} characters (at most {MAX_NUMBER_CHARS}): "
                f"{_snippet(node.value)}",
                "write the number with fewer digits, or quote it if it is meant as text",
            )
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:  # a date such as 2024-13-45
            if not isinstance(node, ScalarNode):
                raise
            raise _Refused(
                node.start_mark,
                f"{_snippet(node.value)} cannot be read as {_KEY_KINDS.get(node.tag, node.tag)} "
                f"({exc})",
                "correct it, or quote it if it is meant as text",
            ) from exc


def _file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    kinds = (
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((word for test, word in kinds if test(mode)), "not a regular file")


def _read_bytes(source: str, fail: Callable[[str], Exception]) -> bytes:
    """At most :data:`MAX_INPUT_BYTES` of a regular file; never blocks on a pipe or device."""

    def not_regular(mode: int) -> Exception:
        return fail(
            f"is {_file_kind(mode)}, not a regular file; only regular files are read. "
            "Fix: save the YAML in a .yaml file and give its path."
        )

    def too_big(size: str) -> Exception:
        return fail(
            f"is {size} bytes, more than the limit of {MAX_INPUT_BYTES} bytes "
            f"({MAX_INPUT_BYTES / _MIB:g} MiB) for an input file. Fix: check that this is a "
            "scenario or trial file; they are a few kilobytes."
        )

    def unreadable(exc: OSError) -> Exception:
        return fail(f"cannot be read ({exc.strerror}). Fix: check that the file is readable.")

    try:
        info = os.stat(source)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise fail(f"file not found. Fix: check the path (looked in {Path.cwd()}).") from exc
    except OSError as exc:
        raise unreadable(exc) from exc
    if stat.S_ISDIR(info.st_mode):
        raise fail("is a folder, not a scenario file. Fix: give the path of a .yaml file.")
    if not stat.S_ISREG(info.st_mode):
        raise not_regular(info.st_mode)
    if info.st_size > MAX_INPUT_BYTES:
        raise too_big(str(info.st_size))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(source, flags)  # O_NONBLOCK: a file swapped for a pipe cannot block
    except OSError as exc:
        raise unreadable(exc) from exc
    with os.fdopen(fd, "rb") as stream:
        mode = os.fstat(stream.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise not_regular(mode)
        try:
            raw = stream.read(MAX_INPUT_BYTES + 1)
        except OSError as exc:
            raise unreadable(exc) from exc
    if len(raw) > MAX_INPUT_BYTES:  # grew since stat, or a /proc-like file of size 0
        raise too_big(f"more than {MAX_INPUT_BYTES}")
    return raw


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
        Whatever ``error`` builds, for a missing file, a folder, a device, pipe or socket, a
        file over :data:`MAX_INPUT_BYTES`, an unreadable or non-UTF-8 file, a YAML syntax error
        (with line and column), nesting over :data:`MAX_DEPTH`, aliases over
        :data:`MAX_ALIAS_VALUES`, a key that is not a plain name or is repeated, or an empty
        file.
    """
    source = os.fspath(path)

    def fail(message: str) -> Exception:
        return error(f"{source}: {message}")

    raw = _read_bytes(source, fail)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(
            f"is not UTF-8 text (byte {exc.object[exc.start]:#04x} at position "
            f"{exc.start}). Fix: save the file with UTF-8 encoding."
        ) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as reading in text mode did
    try:
        data = yaml.load(text, Loader=_Loader)  # _Loader is a SafeLoader
    except RecursionError as exc:  # not expected below MAX_DEPTH; a message all the same
        raise fail(
            "lists and mappings are nested too deeply. Fix: close the brackets or undo the "
            "indentation; scenario and trial files need about 10 levels."
        ) from exc
    except _Refused as exc:
        raise fail(
            f"line {exc.mark.line + 1}, column {exc.mark.column + 1}: {exc.what}. Fix: {exc.fix}."
        ) from exc
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
