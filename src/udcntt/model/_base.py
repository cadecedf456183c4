"""Shared field types for the rule-file model."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

from udcntt.errors import msg

__all__ = [
    "MAX_NUMBER",
    "MAX_NUMBER_DIGITS",
    "MIN_NUMBER",
    "Dec",
    "Expr",
    "Id",
    "Int",
    "Label",
    "StrictModel",
    "check_number",
    "parse_decimal_text",
]

#: Most significant digits of a number in a rule file: what exact rule arithmetic keeps, as
#: for number literals in expressions (``udcntt.expressions.MAX_DIGITS``).
MAX_NUMBER_DIGITS = 34
#: Largest magnitude of a number in a rule file (points, weights, thresholds, ranges, band
#: steps, lookup values, test inputs and expectations), as for numbers in survey data.
MAX_NUMBER = Decimal(10) ** 18
#: Smallest magnitude of a number other than zero in a rule file.
MIN_NUMBER = Decimal(10) ** -18
#: Longest text of a number: the digits allowed plus room for zeros, sign, point, exponent.
_MAX_NUMBER_TEXT = 2 * MAX_NUMBER_DIGITS

_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_NON_FINITE = re.compile(r"^[+-]?\.?(nan|snan|inf|infinity)$", re.IGNORECASE)


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
        if _NON_FINITE.match(text):
            raise ValueError(msg("numbers must be finite"))
        if not _NUMBER.match(text):
            raise ValueError(
                msg("{value} is not a number (use a dot for decimals: 12.5)", value=repr(value))
            )
        if len(text) > _MAX_NUMBER_TEXT:  # before Decimal reads thousands of digits
            raise ValueError(
                msg(
                    "the number {value} is {length} characters long; rule files accept at most "
                    "{limit} significant digits",
                    value=text,
                    length=len(text),
                    limit=MAX_NUMBER_DIGITS,
                )
            )
        try:
            result = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the regex rules this out
            raise ValueError(msg("{value} is not a number", value=repr(value))) from exc
    else:
        raise ValueError(msg("expected a number, got {kind}", kind=type(value).__name__))
    return check_number(result)


def check_number(value: Decimal) -> Decimal:
    """``value`` itself when a rule file may hold it: finite, exact, of a sane magnitude.

    Raises:
        ValueError: for NaN or infinity, more than :data:`MAX_NUMBER_DIGITS` significant
            digits, or a magnitude above :data:`MAX_NUMBER` or (other than zero) below
            :data:`MIN_NUMBER`.

    >>> check_number(Decimal("12.50"))
    Decimal('12.50')
    """
    if not value.is_finite():
        raise ValueError(msg("numbers must be finite"))
    if not value:
        return Decimal(0) if abs(value.as_tuple().exponent) > 18 else value  # type: ignore[arg-type]
    significant = len("".join(map(str, value.as_tuple().digits)).strip("0"))
    if significant > MAX_NUMBER_DIGITS:
        raise ValueError(
            msg(
                "the number {text} has more than {limit} significant digits",
                text=value,
                limit=MAX_NUMBER_DIGITS,
            )
        )
    if value and not MIN_NUMBER <= value.copy_abs() <= MAX_NUMBER:  # exact, no context
        raise ValueError(
            msg(
                "the number {value} is out of range: rule files accept magnitudes from {low} "
                "to {high} (and zero)",
                value=value,
                low=f"{MIN_NUMBER:.0E}",
                high=f"{MAX_NUMBER:.0E}",
            )
        )
    return value


def _bounded_int(value: Any) -> Any:
    # Whole numbers (places, rows, ranks) are bounded like every number: NaN, infinity, 1e400
    # or 5,000 digits are out-of-range values, not an integer parser's complaint.
    if isinstance(value, str):
        text = value.strip().replace("_", "")
        try:
            number = parse_decimal_text(text)
        except ValueError:
            if len(text) > _MAX_NUMBER_TEXT or _NUMBER.match(text) or _NON_FINITE.match(text):
                raise
            return value  # not a number at all: pydantic names the type it wants
        return int(number) if number == number.to_integral_value() else value
    if isinstance(value, int) and not isinstance(value, bool):
        check_number(Decimal(value))
    return value


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
#: An exact decimal number, bounded (see :func:`check_number`).
Dec = Annotated[Decimal, BeforeValidator(parse_decimal_text)]
#: A whole number (places, rows, ranks), bounded like :data:`Dec`.
Int = Annotated[int, BeforeValidator(_bounded_int)]
#: An expression in the rule language (checked later, when names are known).
Expr = Annotated[str, BeforeValidator(_check_expr)]
