"""Shared field types for the rule-file model."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

from udcntt.errors import msg

__all__ = ["Dec", "Expr", "Id", "Label", "StrictModel", "parse_decimal_text"]

_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$")


class StrictModel(BaseModel):
    """Frozen, closed model: unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(
            msg(
                "id {id} must be lower-case ASCII snake_case starting with a letter (Vietnamese without diacritics is fine: 'nhan_luc_so')",
                id=repr(value),
            )
        )
    return value


def _to_text(value: Any) -> Any:
    # The YAML layer keeps scalars as text; Python callers may pass numbers for ids.
    if isinstance(value, bool):
        raise ValueError(msg("expected text, got a boolean"))
    if isinstance(value, int | Decimal):
        return str(value)
    return value


def parse_decimal_text(value: Any) -> Decimal:
    """Read a number written in a rule file (``20``, ``0.5``, ``1e3``) as an exact Decimal.

    Rule files use the dot as decimal separator; survey data has its own locale rules.
    """
    if isinstance(value, bool):
        raise ValueError(msg("expected a number, got a boolean"))
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        # Python callers: go through repr so 0.1 is 0.1, not its binary expansion.
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace("_", "")
        if not _NUMBER.match(text):
            raise ValueError(
                msg("{value} is not a number (use a dot for decimals: 12.5)", value=repr(value))
            )
        try:
            result = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the regex rules this out
            raise ValueError(msg("{value} is not a number", value=repr(value))) from exc
    else:
        raise ValueError(msg("expected a number, got {kind}", kind=type(value).__name__))
    if not result.is_finite():
        raise ValueError(msg("numbers must be finite"))
    return result


def _check_expr(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int | Decimal | float):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(msg("expected an expression (text)"))
    text = value.strip()
    if not text:
        raise ValueError(msg("empty expression"))
    return text


def _check_label(value: Any) -> Any:
    value = _to_text(value)
    if isinstance(value, str):
        value = " ".join(value.split())
        if not value:
            raise ValueError(msg("empty label"))
    return value


#: An identifier: ASCII snake_case.
Id = Annotated[str, BeforeValidator(_to_text), AfterValidator(_check_id)]
#: A human label (Vietnamese), whitespace collapsed.
Label = Annotated[str, BeforeValidator(_check_label)]
#: An exact decimal number.
Dec = Annotated[Decimal, BeforeValidator(parse_decimal_text)]
#: An expression in the rule language (checked later, when names are known).
Expr = Annotated[str, BeforeValidator(_check_expr)]
