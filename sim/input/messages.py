"""Plain-English messages for input files: pydantic validation errors as one line each.

Pydantic reports a problem as ``(type, loc, input, ctx)``. Users need the field path in the
form they wrote it (``blocks[0].sessions[1].day``), the bad value, what is wrong and how to fix
it, one line per problem. The helpers here translate; the walk through the model classes that
finds field names and bounds is in :mod:`sim.input.schema_paths`, and the reading of YAML files (with
its own messages) in :mod:`sim.input.yamlfile`.

Custom rules raised inside models use :func:`rule_error`, which carries pre-written
``(relative path, message)`` pairs so that one validator can report several problems.
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from sim.input.schema_paths import (
    field_bounds,
    is_model,
    length_limit,
    locate,
    range_text,
    union_tags,
    unwrap,
)

RULE_ERROR = "scenario_rules"
MAX_LINES = 10

_TYPE_WORDS = {
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "string_type": "text",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a mapping (key: value pairs)",
    "model_type": "a mapping (key: value pairs)",
    "model_attributes_type": "a mapping (key: value pairs)",
    "list_type": "a list",
    "tuple_type": "a list",
}


def rule_error(problems: Sequence[tuple[str, str]]) -> PydanticCustomError:
    """An error for cross-field rules, carrying several ``(relative path, message)`` pairs.

    Parameters
    ----------
    problems
        Each pair is a path relative to the model that raised (``""`` for the model itself,
        ``"sessions[1]"`` below it) and a full message that already states the fix.

    Returns
    -------
    PydanticCustomError
        To be raised from a pydantic validator.
    """
    summary = "; ".join(f"{p}: {m}" if p else m for p, m in problems)
    return PydanticCustomError(
        RULE_ERROR, "{summary}", {"summary": summary, "problems": tuple(problems)}
    )


def render_value(value: Any, limit: int = 60) -> str:
    """Short, YAML-like rendering of a bad value for a message, at most ``limit`` characters.

    Lists, mappings and long text are rendered only as far as the message shows them, so a
    huge value costs no more than a small one.
    """
    if value is None:
        text = "null (empty)"
    elif isinstance(value, bool):
        text = str(value).lower()
    elif isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, datetime.date):  # YAML reads 2024-01-01 as a date
        text = value.isoformat()
    else:
        return short_repr(value, limit)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def short_repr(value: Any, limit: int = 60) -> str:
    """``repr(value)`` for a message, cut to ``limit`` characters without building it whole."""
    text = _repr_head(value, limit + 1)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _repr_head(value: Any, budget: int) -> str:
    """``repr(value)``, or a start of it at least ``budget`` characters long.

    The containers a YAML file can hold (lists, tuples, mappings, sets) are walked only as far
    as needed, text is cut before it is quoted, and nesting is cut at :data:`_REPR_DEPTH`.
    """
    parts: list[str] = []
    size = 0

    def emit(text: str) -> None:
        nonlocal size
        parts.append(text)
        size += len(text)

    def walk(item: Any, depth: int) -> None:
        if size > budget:
            return
        if depth > _REPR_DEPTH and isinstance(item, (dict, list, tuple, set, frozenset)):
            emit("...")
        elif isinstance(item, dict):
            emit("{")
            for i, (key, val) in enumerate(item.items()):
                if size > budget:
                    return
                emit(", " if i else "")
                walk(key, depth + 1)
                emit(": ")
                walk(val, depth + 1)
            emit("}")
        elif isinstance(item, (list, tuple, set, frozenset)) and type(item) in _BRACKETS:
            opening, closing = _BRACKETS[type(item)]
            if not item and isinstance(item, (set, frozenset)):
                emit(repr(item))
                return
            emit(opening)
            for i, element in enumerate(item):
                if size > budget:
                    return
                emit(", " if i else "")
                walk(element, depth + 1)
            emit("," + closing if isinstance(item, tuple) and len(item) == 1 else closing)
        elif isinstance(item, str) and len(item) > budget:
            emit(_str_head(item, budget))
        elif isinstance(item, bytes):
            emit(repr(item[: budget + 1]))
        elif isinstance(item, int) and not isinstance(item, bool):
            emit(_int_text(item))
        else:
            emit(repr(item)[: budget + 1])

    walk(value, 0)
    return "".join(parts)


def _str_head(text: str, budget: int) -> str:
    """The start of ``repr(text)`` from ``text[:budget]`` only, in the quotes repr would use."""
    # repr quotes with " only when the text holds a ' and no "; a last character of the other
    # kind makes repr of the start choose the same quotes; it and the closing quote are dropped.
    double = "'" in text and '"' not in text
    return repr(text[:budget] + ("'" if double else '"'))[:-2]


_REPR_DEPTH = 10
_BRACKETS: dict[type, tuple[str, str]] = {
    list: ("[", "]"),
    tuple: ("(", ")"),
    set: ("{", "}"),
    frozenset: ("frozenset({", "})"),
}


def _int_text(value: int) -> str:
    """``str(value)``, or its size for an integer too long to print (Python limits digits)."""
    try:
        return str(value)
    except ValueError:
        return f"<an integer of {value.bit_length()} bits>"


_MAX_GUESS_CHARS = 100


def closest(word: str, choices: Sequence[str]) -> str | None:
    """The choice a user most likely meant by ``word``, or ``None``.

    A close spelling (ignoring case; no guess between equally close ones) first; otherwise the
    one choice that ``word`` is the stem of, so that ``age`` finds ``age_years``. A word over
    :data:`_MAX_GUESS_CHARS` characters is no misspelling (and too slow to compare).
    """
    if len(word) > _MAX_GUESS_CHARS:
        return None
    scores = sorted(
        ((difflib.SequenceMatcher(None, word.lower(), c.lower()).ratio(), c) for c in choices),
        reverse=True,
    )
    if scores and scores[0][0] >= 0.6:  # difflib.get_close_matches' default cutoff
        tied = len(scores) > 1 and scores[1][0] == scores[0][0]
        return None if tied else scores[0][1]  # 'val/xx' is as near val/val as val/met
    stems = [c for c in choices if c.lower().startswith(word.lower() + "_")]
    return stems[0] if len(stems) == 1 else None


def _unknown_field(model: type[BaseModel] | None, key: str) -> tuple[str, str]:
    allowed = sorted(model.model_fields) if model is not None else []
    close = closest(key, allowed)
    hint = f"; did you mean {close!r}?" if close else ""
    fix = (
        f"rename it to {close!r}"
        if close
        else f"remove it; allowed fields here: {', '.join(allowed)}"
    )
    return f"unknown field {key!r}{hint}", fix


def _quoted(text: str) -> list[str]:
    """The quoted words of pydantic's ``expected`` text: ``"'a', 'b' or 'c'"`` -> a, b, c."""
    return re.findall(r"'([^']*)'", text)


def _did_you_mean(value: Any, choices: Sequence[str]) -> str:
    close = closest(value, choices) if isinstance(value, str) else None
    return f"; did you mean {close!r}?" if close else ""


def describe(root: type[BaseModel], error: Any) -> list[tuple[str, str]]:
    """``(path, "what is wrong. Fix: how")`` pairs for one pydantic error dict."""
    kind, loc_t, value = error["type"], tuple(error["loc"]), error.get("input")
    ctx = error.get("ctx") or {}
    if kind == RULE_ERROR:
        base = locate(root, loc_t).path
        return [
            (".".join(p for p in (base, rel) if p).replace(".[", "["), msg)
            for rel, msg in ctx["problems"]
        ]
    here = locate(root, loc_t)
    shown = render_value(value)
    if kind == "extra_forbidden":
        parent = unwrap(locate(root, loc_t[:-1]).target)
        what, fix = _unknown_field(parent if is_model(parent) else None, str(loc_t[-1]))
    elif kind == "missing":
        name = loc_t[-1]
        what, fix = f"required field {name!r} is missing", f"add '{name}: ...'"
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        disc = str(ctx.get("discriminator", "")).strip("'")
        member_tags = str(ctx.get("expected_tags", "")) or ", ".join(
            repr(t) for t in union_tags(here.target, disc)
        )
        here = here._replace(path=f"{here.path}.{disc}" if here.path else disc)
        what = (
            f"unknown {disc} {ctx.get('tag')!r}{_did_you_mean(ctx.get('tag'), _quoted(member_tags))}"
            if kind == "union_tag_invalid"
            else f"required field {disc!r} is missing"
        )
        fix = (
            f"use one of {member_tags}"
            if kind == "union_tag_invalid"
            else f"add '{disc}: ...' with one of {member_tags}"
        )
        everyday = MODALITY_WORDS.get(str(ctx.get("tag", "")).strip().lower())
        if disc == "modality" and everyday:
            fix = everyday
    elif kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        what = f"{shown} is not allowed{_did_you_mean(value, _quoted(expected))}"
        fix = f"use one of {expected}"
    elif kind in _TYPE_WORDS:
        kind_word = _TYPE_WORDS[kind]
        what = f"expected {kind_word}, got {shown}"
        bounds = f", {range_text(here.field)}" if field_bounds(here.field) else ""
        quotes = " without quotes" if isinstance(value, str) and "number" in kind_word else ""
        fix = f"write {kind_word}{quotes}{bounds}"
        if quotes and _is_exponent_number(value):  # YAML 1.1 reads 1e3 (no dot) as text
            fix = f"write {kind_word} in plain digits (YAML reads {value} as text){bounds}"
        optional = (
            isinstance(loc_t[-1], str) and here.field is not None and not here.field.is_required()
        )
        if value is None and "mapping" in kind_word and optional:  # `participant:` and nothing
            fix += ", indented under the key, or {} for none (or delete the line)"
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {
            "greater_than_equal": "at least",
            "greater_than": "greater than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }[kind]
        limit = next(iter(ctx.values()))
        what = (
            f"{shown} is invalid: must be {words} {render_value(limit)}"
            if not isinstance(value, float) or math.isfinite(value)
            else f"{shown} is not a finite number"
        )
        finite = not isinstance(value, float) or math.isfinite(value)
        fix = f"{'use a value' if finite else 'write a finite number'} {range_text(here.field)}"
        scaled = _scale_hint(value, field_bounds(here.field))
        if scaled:
            what, fix = f"{what}; {scaled[0]}", scaled[1]
    elif kind in ("string_too_short", "string_too_long"):
        what = f"{shown} is invalid: {error['msg'].lower()}"
        fix = (
            f"use between {length_limit(here.field, 'min_length')} and "
            f"{length_limit(here.field, 'max_length')} characters"
        )
    elif kind == "string_pattern_mismatch":
        what = f"{shown} is invalid: it must match {ctx.get('pattern')}"
        fix = "use letters, digits, '_', '.' and '-' only, starting with a letter or digit"
    elif kind == "finite_number":
        what = f"{shown} is not a finite number"
        fix = f"write {_number_word(here.field)}{_bounds_text(here.field)}"
    elif kind == "invalid_key":
        here = locate(root, loc_t[:-1])
        what, fix = f"key {shown} is not text", "use field names as keys"
    elif kind in ("too_short", "too_long"):
        what = f"{shown} is invalid: {_lower_first(error['msg'])}"
        fix = (
            f"give between {length_limit(here.field, 'min_length')} and "
            f"{length_limit(here.field, 'max_length')} items"
        )
    elif kind == "int_parsing_size":
        what = f"{shown} is invalid: the number has too many digits"
        fix = f"write a whole number{_bounds_text(here.field)}"
    else:  # not met by the current models; still a fix from what the field holds
        what = f"{shown} is invalid: {_lower_first(error['msg'])}"
        fix = _fix_for_field(here.field)
    stop = "" if what.endswith("?") else "."
    return [(here.path, f"{what}{stop} Fix: {fix}.")]


def _number_word(field: FieldInfo | None) -> str:
    """``"a whole number"`` for an integer field, else ``"a finite number"``."""
    return "a whole number" if _holds(field, int) else "a finite number"


def _holds(field: FieldInfo | None, tp: type) -> bool:
    """Whether ``field``'s type (``Optional`` and ``Annotated`` stripped) is ``tp``."""
    return field is not None and unwrap(field.annotation) is tp


def _bounds_text(field: FieldInfo | None) -> str:
    """``", between 1 and 520"`` for a field with bounds, else ``""``."""
    return f", {range_text(field)}" if field_bounds(field) else ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


MODALITY_WORDS = {
    **dict.fromkeys(
        ("walking", "walk", "running", "run", "jogging", "cycling", "bike", "swimming", "rowing"),
        "use 'aerobic' (walking, running, cycling and swimming are aerobic work: give "
        "intensity_pct_hrmax or intensity_pct_vo2max), or 'hiit' for intervals",
    ),
    **dict.fromkeys(
        ("weights", "lifting", "strength", "weight_training", "bands", "bodyweight"),
        "use 'resistance' (with sets, reps, intensity_pct_1rm and movements)",
    ),
    "intervals": "use 'hiit'",
}
"""Everyday words for a modality and the fix that names the model's modality."""


def _scale_hint(value: Any, bounds: dict[str, Any]) -> tuple[str, str] | None:
    """A percentage written as a fraction (0.7 for 70), or a fraction as a percentage (85 for
    0.85): what it looks like, and the fix with the value rewritten."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    low = bounds.get("ge", bounds.get("gt"))
    high = bounds.get("le", bounds.get("lt"))
    if low is not None and low > 1 and 0 < value <= 1 and (high is None or high >= 100 * value):
        return (
            "it looks like a fraction where a percentage is asked for",
            f"write it as a percentage: {100 * value:g} (not {value:g})",
        )
    if high is not None and high <= 1 and 2 < value <= 100:  # 1.5 is a slip, 85 a percentage
        return (
            "it looks like a percentage where a fraction is asked for",
            f"write it as a fraction: {value / 100:g} (not {value:g})",
        )
    return None


def _fix_for_field(field: FieldInfo | None) -> str:
    """A concrete fix from what ``field`` holds, for an error type without its own wording."""
    tp = unwrap(field.annotation) if field is not None else None
    if typing.get_origin(tp) is typing.Literal:
        return f"use one of {', '.join(repr(a) for a in typing.get_args(tp))}"
    if tp in (int, float):
        return f"write {_number_word(field)}{_bounds_text(field)}"
    if tp is str:
        return "write text, in quotes if it could be read as a number or true/false"
    if tp is bool:
        return "write true or false"
    if is_model(tp):
        return "write a mapping of its fields (key: value lines, indented under the key)"
    if typing.get_origin(tp) in (tuple, list):
        return "write a list, one '- ' item a line or [a, b] on one line"
    if typing.get_origin(tp) is dict:
        return "write a mapping of names to values (name: value lines, indented under the key)"
    return "replace it with a value like those in the files in scenarios/ (or delete the line)"


def _is_exponent_number(value: str) -> bool:
    """Whether ``value`` is a number in exponent notation, such as ``1e3`` or ``7E1``."""
    try:
        float(value)
    except ValueError:
        return False
    return "e" in value.lower() and "inf" not in value.lower()


def override_problem(msg: str) -> str:
    """A :func:`sim.model.parameters.check_override` problem in the ``what. Fix: how.`` form."""
    if ": use " in msg:
        what, how = msg.split(": use ", 1)
        return f"{what}. Fix: use {how}."
    if msg.startswith("unknown"):
        msg = msg.split(": run 'musclebrain params'")[0]  # the fix below says it once
        stop = "" if msg.endswith((".", "?")) else "."
        return f"{msg}{stop} Fix: correct the name ('musclebrain params' lists them all)."
    return f"{msg}. Fix: write a number without quotes."


def format_problems(
    source: str, problems: Sequence[tuple[str, str]], limit: int = MAX_LINES, unlisted: int = 0
) -> str:
    """One line per problem, ``source: path: message``, at most ``limit`` then a count.

    ``unlisted`` counts further problems that were not worded (they would not be shown).
    """
    lines = [
        f"{source}: {path}: {msg}" if path else f"{source}: {msg}" for path, msg in problems[:limit]
    ]
    if len(problems) + unlisted > limit:
        lines.append(f"... and {len(problems) + unlisted - limit} more")
    return "\n".join(lines)


def format_validation_error(source: str, root: type[BaseModel], exc: ValidationError) -> str:
    """The user-facing message for a pydantic ``ValidationError`` raised by ``root``.

    Parameters
    ----------
    source
        The file name (or another label) each line starts with.
    root
        The model class that was validated; used to find field names and bounds.
    exc
        The error to translate.

    Returns
    -------
    str
        One line per problem; see :func:`format_problems`.
    """
    errors = _drop_explained_missing(root, exc.errors())
    problems: list[tuple[str, str]] = []
    unlisted = 0
    for err in errors:
        if len(problems) <= MAX_LINES:
            problems += describe(root, err)
        else:  # beyond what is shown: only counted (describe gives one line per problem)
            unlisted += len(err["ctx"]["problems"]) if err["type"] == RULE_ERROR else 1
    return format_problems(source, problems, unlisted=unlisted)


def _drop_explained_missing(root: type[BaseModel], errors: Sequence[Any]) -> list[Any]:
    """Leave out "field X is missing" where an unknown key beside it is a misspelt X.

    ``duration_wekks: 24`` is one mistake; it gets one line (the unknown key, with the
    suggestion), not a second one saying ``duration_weeks`` is missing.
    """
    meant = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            parent_loc = tuple(err["loc"][:-1])
            parent = unwrap(locate(root, parent_loc).target)
            if is_model(parent):
                close = closest(str(err["loc"][-1]), sorted(parent.model_fields))
                meant.add((*parent_loc, close))
    return [e for e in errors if not (e["type"] == "missing" and tuple(e["loc"]) in meant)]
