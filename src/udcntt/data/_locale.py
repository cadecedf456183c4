"""Reading one survey cell as a typed value under a declared locale.

Numbers written as text are parsed by Babel (``babel.numbers.parse_decimal`` with
``strict=True``) under the declared locale, never by guessing:

* in ``vi-VN`` the decimal separator is the comma and the group separator the dot:
  ``1.537`` is 1537, ``12,5`` is 12.5, ``1.234.567,25`` is 1234567.25;
* a text that reads two ways is refused (``E-DATA-AMBIGUOUS``): ``1,537`` is 1.537 under
  ``vi-VN`` but 1537 to anyone typing the English way, so it is an error with a hint;
* ``12.5`` under ``vi-VN`` is refused (``E-DATA-NUMBER``): the dot groups thousands;
* exponents, ``NaN``, ``inf`` and numbers of more than 30 digits or beyond 10¹⁸ are refused.

Machine numbers (Excel numeric cells, JSON numbers, plain YAML numbers) need no locale:
an ``int`` becomes ``Decimal(int)``, a ``float`` ``Decimal(repr(float))``.

Types: ``count`` (whole, ≥ 0), ``number``, ``ratio`` (``75%`` → 0.75; with a column scale
``percent``, ``75`` → 0.75), ``bool`` (declared spellings such as ``Có``/``Không``/``x``,
and 1/0), ``date`` (``dd/mm/yyyy`` or ``yyyy-mm-dd``; ``30/02/2024`` is refused),
``category`` (by id or label). The declared range (``Indicator.bounds``) is checked.

The locale and the spellings a cell is read under (:class:`ValueContext`) are set up in
:mod:`udcntt.data._value_context`.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from babel.numbers import NumberFormatError, parse_decimal

from udcntt.data._dataset import MISSING, NA, ValueOrMarker
from udcntt.data._table import Cell
from udcntt.data._text import clean_text, match_key
from udcntt.data._value_context import ValueContext, _Bad, parse_locale
from udcntt.errors import Diagnostic, Severity, SourceLocation, did_you_mean, msg
from udcntt.model import (
    Indicator,
    IndicatorType,
)

__all__ = [
    "MAX_DIGITS",
    "MAX_MAGNITUDE",
    "Scale",
    "number_value",
    "parse_cell",
    "parse_text",
    "suggest_locale",
]


#: Most digits a number may have.
MAX_DIGITS = 30
#: Largest magnitude accepted (a province's budget in đồng is far below).
MAX_MAGNITUDE = Decimal(10) ** 18

Scale = Literal["percent"] | Decimal | None

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_NUMBER_CHARS = re.compile(r"^[+-]?[0-9.,]*[0-9][0-9.,]*$")
_NONFINITE = re.compile(r"^[+-]?(nan|inf|infinity|∞)$", re.IGNORECASE)
_EXPONENT = re.compile(r"^[+-]?[0-9.,]+e[+-]?[0-9]+$", re.IGNORECASE)
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{1,4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_PERCENT_UNITS = frozenset({"%", "phần trăm", "percent"})
_NOWHERE = SourceLocation()


def parse_cell(
    indicator_id: str,
    indicator: Indicator,
    cell: Cell | None,
    ctx: ValueContext,
    *,
    scale: Scale = None,
    agency: str | None = None,
) -> tuple[ValueOrMarker | None, Diagnostic | None]:
    """Read one cell as a value of ``indicator``.

    Returns:
        ``(value, None)`` with a typed value, :data:`NA` or :data:`MISSING`; or
        ``(None, diagnostic)`` when the cell cannot be read.
    """
    if cell is None:
        return MISSING, None
    if cell.error is not None:
        return None, _with(cell.error, indicator_id, agency)
    try:
        return _parse(indicator_id, indicator, cell, ctx, scale), None
    except _Bad as bad:
        return None, Diagnostic(
            code=bad.code,
            message=bad.message,
            severity=Severity.ERROR,
            location=cell.location,
            hint=bad.hint,
            indicator=indicator_id,
            agency=agency,
            value=_shown(cell),
        )


def _with(diag: Diagnostic, indicator: str, agency: str | None) -> Diagnostic:
    return replace(diag, indicator=indicator, agency=agency)


def _shown(cell: Cell) -> str | None:
    text = cell.raw_text
    if text is not None and len(text) > 80:
        return text[:77] + "..."
    return text


def _parse(
    indicator_id: str, ind: Indicator, cell: Cell, ctx: ValueContext, scale: Scale
) -> ValueOrMarker:
    raw = cell.value
    if raw is None:
        return MISSING
    if isinstance(raw, str):
        text = clean_text(raw)
        key = match_key(text)
        if not text or key in ctx.missing:
            return MISSING
        if key in ctx.not_applicable:
            if not ind.not_applicable:
                raise _Bad(
                    "E-DATA-NA",
                    msg(
                        "'{text}' means not applicable, but indicator '{indicator}' always applies",
                        text=text,
                        indicator=indicator_id,
                    ),
                    msg("give a value, or leave the cell empty if it is unknown"),
                )
            return NA
        raw = text
    kind = ind.type
    if kind is IndicatorType.BOOL:
        return _bool(raw, ctx)
    if kind is IndicatorType.DATE:
        return _date(raw)
    if kind is IndicatorType.CATEGORY:
        return _category(raw, ind)
    value = _number(raw, ind, cell, ctx, scale)
    _check_range(value, ind)
    return value


def _number(raw: Any, ind: Indicator, cell: Cell, ctx: ValueContext, scale: Scale) -> Decimal:
    marked_percent = cell.percent
    if isinstance(raw, bool):
        raise _Bad("E-DATA-NUMBER", msg("a yes/no cell where a number is expected"))
    if isinstance(raw, datetime | date | time | timedelta):
        raise _Bad(
            "E-DATA-NUMBER",
            msg("a date or time where a number is expected"),
            msg("format the cell as a number (Excel turned what was typed into a date)"),
        )
    if isinstance(raw, str):
        text = raw.replace("\u2212", "-")  # the typographic minus sign
        if text.endswith("%"):
            marked_percent = True
            text = text[:-1].rstrip()
            if ind.type is not IndicatorType.RATIO and (ind.unit or "").casefold() not in (
                _PERCENT_UNITS
            ):
                raise _Bad(
                    "E-DATA-NUMBER",
                    msg("a percentage where a {type} is expected", type=ind.type.value),
                    msg("write the number without '%'"),
                )
        value = _number_text(text, ctx)
        if marked_percent and ind.type is IndicatorType.RATIO:
            value = value.scaleb(-2)
    else:
        value = _machine_number(raw)
    return _scaled(value, marked_percent, ind, scale)


def _scaled(value: Decimal, marked_percent: bool, ind: Indicator, scale: Scale) -> Decimal:
    if not marked_percent:
        if scale == "percent":
            value = value.scaleb(-2)
        elif isinstance(scale, Decimal):
            value = value * scale
    if ind.type is IndicatorType.COUNT:
        if value != value.to_integral_value():
            raise _Bad("E-DATA-NUMBER", msg("a count must be a whole number"), msg("write e.g. 12"))
        value = Decimal(int(value))
    return value


def number_value(value: Decimal, ind: Indicator, scale: Scale) -> Decimal:
    """A number read from plain digits, scaled and checked as a cell's number is.

    ``value`` is ``Decimal(text)`` of a text of at most :data:`MAX_DIGITS` ASCII digits that
    is no spelling of a missing or not-applicable answer: what :func:`parse_cell` reads it
    as, without its general path.

    Raises:
        _Bad: when the value is not whole for a count, or outside the range.
    """
    value = _scaled(value, False, ind, scale)
    _check_range(value, ind)
    return value


def parse_text(
    indicator_id: str, ind: Indicator, text: str, ctx: ValueContext, scale: Scale
) -> ValueOrMarker:
    """What :func:`parse_cell` reads a delimited file's text as, without a location.

    Raises:
        _Bad: when the text cannot be read (the code, message and hint of the diagnostic).
    """
    return _parse(indicator_id, ind, Cell(text, _NOWHERE), ctx, scale)


def _machine_number(raw: Any) -> Decimal:
    if isinstance(raw, int):
        if abs(raw) > MAX_MAGNITUDE:
            raise _Bad("E-DATA-NUMBER", msg("number too large"))
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise _Bad("E-DATA-NUMBER", msg("not a finite number"))
        value = Decimal(repr(raw))
    elif isinstance(raw, Decimal):
        value = raw
    else:  # pragma: no cover - readers only produce the types above
        raise _Bad("E-DATA-NUMBER", msg("unexpected {kind} value", kind=type(raw).__name__))
    if not value.is_finite():
        raise _Bad("E-DATA-NUMBER", msg("not a finite number"), msg("write a number"))
    if abs(value) > MAX_MAGNITUDE:
        raise _Bad(
            "E-DATA-NUMBER",
            msg("number too large (beyond {limit})", limit=format(MAX_MAGNITUDE, ".0E")),
        )
    return value


def _number_text(text: str, ctx: ValueContext) -> Decimal:
    if _NONFINITE.match(text):
        raise _Bad("E-DATA-NUMBER", msg("not a finite number"), msg("write a number"))
    if _EXPONENT.match(text):
        raise _Bad(
            "E-DATA-NUMBER",
            msg("exponent notation is not accepted in survey data"),
            msg("write the number out in full"),
        )
    if not _NUMBER_CHARS.match(text):
        raise _Bad("E-DATA-NUMBER", msg("not a number"), _separators_hint(ctx))
    if len(text) > MAX_DIGITS and sum(ch.isdigit() for ch in text) > MAX_DIGITS:
        raise _Bad("E-DATA-NUMBER", msg("number with more than {limit} digits", limit=MAX_DIGITS))
    dec, grp = ctx.decimal_symbol, ctx.group_symbol
    body = text.lstrip("+-")
    if body.count(dec) == 1 and grp not in body:
        whole, frac = body.split(dec)
        if len(frac) == 3 and whole.isdigit() and 1 <= len(whole) <= 3 and whole != "0":
            raise _Bad(
                "E-DATA-AMBIGUOUS",
                msg(
                    "'{text}' is {whole}{dec}{frac} with '{dec}' as decimal separator "
                    "({locale}), but {whole}{frac} if '{dec}' groups thousands",
                    text=text,
                    whole=whole,
                    dec=dec,
                    frac=frac,
                    locale=ctx.locale_name,
                ),
                msg(
                    "write {whole}{frac} or {whole}{grp}{frac} for the whole number, "
                    "or {whole}{dec}{frac}0 for the decimal",
                    whole=whole,
                    frac=frac,
                    grp=grp,
                    dec=dec,
                ),
            )
    if _INTEGER.match(text):
        return Decimal(text)  # what Babel returns for plain digits, without its cost
    value, suggestions = _babel_decimal(text, ctx.locale_name)
    if value is None:
        hint = _separators_hint(ctx)
        if suggestions:
            hint = msg(
                "did you mean {suggestions}? {hint}",
                suggestions=" or ".join(repr(s) for s in suggestions),
                hint=hint,
            )
        raise _Bad(
            "E-DATA-NUMBER",
            msg("not a number under the locale {locale}", locale=ctx.locale_name),
            hint,
        )
    if not value.is_finite() or abs(value) > MAX_MAGNITUDE:
        raise _Bad("E-DATA-NUMBER", msg("number not finite or too large"))
    return value


@lru_cache(maxsize=16384)
def _babel_decimal(text: str, locale_name: str) -> tuple[Decimal | None, tuple[str, ...]]:
    """Babel's strict reading: the value, or ``None`` and Babel's suggestions.

    Cached: survey columns repeat the same texts, and Babel's strict parse is the costly
    step of reading a cell.
    """
    try:
        return parse_decimal(text, locale=parse_locale(locale_name), strict=True), ()
    except NumberFormatError as exc:
        return None, tuple(s for s in (exc.suggestions or []) if s)


def _separators_hint(ctx: ValueContext) -> str:
    return msg(
        "in {locale} the decimal separator is '{decimal}' and '{group}' groups thousands",
        locale=ctx.locale_name,
        decimal=ctx.decimal_symbol,
        group=ctx.group_symbol,
    )


def _check_range(value: Decimal, ind: Indicator) -> None:
    lo, hi = ind.bounds
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        lo_text = "−∞" if lo is None else str(lo)
        hi_text = "∞" if hi is None else str(hi)
        hint = None
        if ind.type is IndicatorType.RATIO and value > 1:
            hint = msg("a ratio is a share: write 75% (not 75), or declare 'scale: percent'")
        raise _Bad(
            "E-DATA-RANGE",
            msg("{value} is outside the range [{lo}, {hi}]", value=value, lo=lo_text, hi=hi_text),
            hint,
        )


def _bool(raw: Any, ctx: ValueContext) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float | Decimal):
        if raw in (0, 1):
            return bool(raw)
        raise _Bad("E-DATA-BOOL", msg("{value} is not a yes/no answer", value=raw), ctx.yes_no_hint)
    if isinstance(raw, str):
        key = match_key(raw)
        if key in ctx.true_values:
            return True
        if key in ctx.false_values:
            return False
    raise _Bad("E-DATA-BOOL", msg("not a yes/no answer"), ctx.yes_no_hint)


def _date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str):
        raise _Bad(
            "E-DATA-DATE",
            msg("not a date"),
            msg("format the cell as a date, or write dd/mm/yyyy such as 25/03/2024"),
        )
    match = _DMY.match(raw)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) != 4:
            raise _Bad(
                "E-DATA-DATE", msg("the year must have four digits"), msg("write dd/mm/yyyy")
            )
    else:
        match = _ISO.match(raw)
        if not match:
            raise _Bad("E-DATA-DATE", msg("not a date"), msg("write dd/mm/yyyy such as 25/03/2024"))
        year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise _Bad(
            "E-DATA-DATE",
            msg(
                "there is no day {day}/{month}/{year}",
                day=format(day, "02d"),
                month=format(month, "02d"),
                year=format(year, "04d"),
            ),
            msg("dates are day/month/year"),
        ) from exc


def _category(raw: Any, ind: Indicator) -> str:
    cats = ind.categories or {}
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise _Bad("E-DATA-CATEGORY", msg("not one of the categories"), _cat_hint(cats))
    key = match_key(str(raw))
    for cat_id, label in cats.items():
        if key in (match_key(cat_id), match_key(label)):
            return cat_id
    hint = did_you_mean(str(raw), [*cats.keys(), *cats.values()]) or _cat_hint(cats)
    raise _Bad("E-DATA-CATEGORY", msg("not one of the categories"), hint)


def _cat_hint(cats: dict[str, str]) -> str:
    shown = ", ".join(f"'{label}'" for label in list(cats.values())[:8])
    return msg("one of {values}", values=shown)


_NUMBER_CODES = frozenset({"E-DATA-NUMBER", "E-DATA-AMBIGUOUS"})


def suggest_locale(diags: list[Diagnostic], ctx: ValueContext, *, long: bool) -> list[Diagnostic]:
    """Add a ``--locale`` hint to the first number error of columns written in another locale.

    A column (a wide table's column, or an indicator of a long table) qualifies when at
    least two of its numbers fail or read two ways under the declared locale, and at least
    half of those read under the other convention (``en-US`` for a decimal comma, ``vi-VN``
    for a decimal point). The hint is given once per column, on its first such error.
    """
    if not any(d.code in _NUMBER_CODES for d in diags):
        return list(diags)
    other = "en-US" if ctx.decimal_symbol != "." else "vi-VN"
    Key = tuple[str | None, str | None, str | None]
    columns: dict[Key, list[int]] = {}
    readable: dict[Key, int] = {}
    for index, diag in enumerate(diags):
        if diag.code not in _NUMBER_CODES or diag.location is None or diag.value is None:
            continue
        loc = diag.location
        key = (loc.file, loc.sheet, diag.indicator if long else loc.cell_column)
        columns.setdefault(key, []).append(index)
        text = diag.value.removesuffix("%").strip()
        if _NUMBER_CHARS.match(text) and _babel_decimal(text, other)[0] is not None:
            readable[key] = readable.get(key, 0) + 1
    out = list(diags)
    for key, indexes in columns.items():
        count = readable.get(key, 0)
        if count >= 2 and 2 * count >= len(indexes):
            first = out[indexes[0]]
            out[indexes[0]] = replace(
                first,
                hint=msg(
                    "{count} numbers of this column read as {locale} numbers ('{example}'): if "
                    "the file is written that way, read it with --locale {locale} (or locale: "
                    "{locale} in the layout)",
                    count=count,
                    locale=other,
                    example=first.value or "",
                ),
            )
    return out
