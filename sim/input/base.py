"""The one strict pydantic base of every input schema, and the field types they share.

Every schema (scenario, trial) derives from :class:`StrictModel`: unknown keys are refused
(with a close-match suggestion, see :mod:`sim.input.messages`) and validated values are
frozen. YAML reads ``yes`` as true and quoted numbers as text; :data:`Number` and
:data:`Whole` accept neither as a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticKnownError


class StrictModel(BaseModel):
    """Base of every input schema: unknown keys refused, values frozen once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Any:
        """A copy; with ``update``, validated again (pydantic's own copy would skip it).

        Raises
        ------
        pydantic.ValidationError
            When the updated values do not validate (naming each field, value and rule).
        """
        if update:
            return type(self).model_validate({**self.model_dump(mode="python"), **update})
        return super().model_copy(deep=deep)


def _number(value: Any) -> Any:
    if isinstance(value, (bool, str)):
        raise PydanticKnownError("float_type")
    return value


def _whole(value: Any) -> Any:
    if isinstance(value, (bool, str)):
        raise PydanticKnownError("int_type")
    return value


Number = Annotated[float, BeforeValidator(_number)]
"""A real number written as a number (not ``true``, not ``"3"``)."""

Whole = Annotated[int, BeforeValidator(_whole)]
"""A whole number written as a number (not ``true``, not ``"3"``)."""
