"""Where a pydantic error sits in the user's file: field paths, fields and bounds of the models.

Pydantic locates a problem by a tuple such as ``("blocks", 0, "sessions", 1, "resistance",
"day")``. :func:`locate` walks that tuple through the model classes from the root, dropping the
tags of discriminated unions (``resistance`` above), and returns the path as the user wrote it
(``blocks[0].sessions[1].day``) with the model and field found at its end, so that a message
can name the allowed fields and the bounds of a value. Nothing here knows about scenarios.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo


def unwrap(tp: Any) -> Any:
    """Strip ``Annotated`` and ``Optional`` wrappers from a type."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def is_model(tp: Any) -> bool:
    """Whether ``tp`` is a pydantic model class."""
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _discriminator(tp: Any) -> str | None:
    """The discriminator named in an ``Annotated[Union[...], Field(discriminator=...)]``."""
    if typing.get_origin(tp) is typing.Annotated:
        for meta in typing.get_args(tp)[1:]:
            if isinstance(getattr(meta, "discriminator", None), str):
                return str(meta.discriminator)
    return None


def union_tags(tp: Any, disc: str) -> dict[str, type[BaseModel]]:
    """Tag value -> member model of a discriminated union."""
    out: dict[str, type[BaseModel]] = {}
    for member in typing.get_args(unwrap(tp)):
        member = unwrap(member)
        if is_model(member) and disc in member.model_fields:
            for tag in typing.get_args(member.model_fields[disc].annotation):
                out[str(tag)] = member
    return out


class Located(typing.NamedTuple):
    """Where an error sits: the user's path, the model holding the field, and the field."""

    path: str
    model: type[BaseModel] | None
    field: FieldInfo | None
    target: Any  # the type at the end of the path, Annotated metadata kept


def locate(root: type[BaseModel], loc: Sequence[str | int]) -> Located:
    """Walk ``loc`` through the model classes from ``root``, dropping union tags.

    Parameters
    ----------
    root
        The top-level model class.
    loc
        Pydantic's location tuple.

    Returns
    -------
    Located
        The dotted/indexed path and, where found, the model and field at its end.
    """
    raw: Any = root  # keeps Annotated metadata (the discriminator)
    path = ""
    model: type[BaseModel] | None = None
    info: FieldInfo | None = None
    for seg in loc:
        tp = unwrap(raw)
        origin = typing.get_origin(tp)
        disc = _discriminator(raw)
        if isinstance(seg, int) and origin in (list, tuple):
            path, raw = path + f"[{seg}]", typing.get_args(tp)[0]
        elif disc and isinstance(seg, str) and seg in union_tags(raw, disc):
            raw = union_tags(raw, disc)[seg]  # a union tag: not part of the user's path
        elif seg == "[key]":
            raw = None
        elif is_model(tp) and seg in tp.model_fields:
            model, info = tp, tp.model_fields[seg]
            path, raw = (f"{path}.{seg}" if path else str(seg)), _field_type(info)
        else:
            raw = typing.get_args(tp)[1] if origin is dict else None
            info = None
            path += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if path else str(seg))
    return Located(path, model, info, raw)


def _field_type(info: FieldInfo) -> Any:
    """A field's annotation with its metadata (the discriminator lives there)."""
    if info.discriminator is not None:
        return typing.Annotated[info.annotation, info]
    return info.annotation


def field_bounds(info: FieldInfo | None) -> dict[str, Any]:
    """A field's numeric bounds by key (``ge``, ``gt``, ``le``, ``lt``); empty if none."""
    out: dict[str, Any] = {}
    for meta in info.metadata if info is not None else ():
        for key in ("ge", "gt", "le", "lt"):
            if isinstance(meta, annotated_types.BaseMetadata) and hasattr(meta, key):
                out[key] = getattr(meta, key)
    return out


def range_text(info: FieldInfo | None) -> str:
    """``"between 20 and 100"`` (or ``"greater than 0 and at most 240"``) from a field's bounds."""
    b = field_bounds(info)
    lower = (
        f"greater than {b['gt']:g}" if "gt" in b else f"at least {b['ge']:g}" if "ge" in b else ""
    )
    upper = f"less than {b['lt']:g}" if "lt" in b else f"at most {b['le']:g}" if "le" in b else ""
    if "ge" in b and "le" in b:
        return f"between {b['ge']:g} and {b['le']:g}"
    return " and ".join(t for t in (lower, upper) if t)


def length_limit(info: FieldInfo | None, key: str) -> Any:
    """A field's ``min_length`` or ``max_length`` (``key``), or ``"?"`` if it has none."""
    for meta in info.metadata if info is not None else ():
        if hasattr(meta, key):
            return getattr(meta, key)
    return "?"
