"""Numbers and short phrases as a Vietnamese (or English) reader expects them.

Vietnamese writes ``1.537`` for one thousand five hundred and thirty-seven and ``87,5`` for
eighty-seven and a half; Babel's ``vi_VN`` locale knows this. Values are rounded half-up
here, before Babel sees them, because Babel rounds half-even and published Vietnamese
tables round half-up.

>>> fmt_number(Decimal("1537"))
'1.537'
>>> fmt_number(Decimal("87.50"))
'87,50'
>>> fmt_percent(Decimal(120) / Decimal(129))
'93,0%'
>>> fmt_number(Decimal("1537"), lang="en")
'1,537'
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

from udcntt._words import LANGS, check_lang, join_words, lower_first

__all__ = [
    "LANGS",
    "check_lang",
    "fmt_change",
    "fmt_fraction",
    "fmt_number",
    "fmt_percent",
    "join_words",
    "lower_first",
    "places_of",
    "round_half_up",
]

_MINUS = "\u2212"  # typographic minus sign, for rank changes in prose and tables


def places_of(value: Decimal) -> int:
    """Number of decimal places ``value`` is written with (``Decimal('80.00')`` → 2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def round_half_up(value: Decimal, places: int) -> Decimal:
    """``value`` rounded half-up to ``places`` decimals."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def fmt_number(value: Decimal | int, *, lang: str = "vi", places: int | None = None) -> str:
    """A number in the reader's convention; ``places=None`` keeps the value's own places."""
    locale = check_lang(lang)
    number = Decimal(value)
    digits = places_of(number) if places is None else places
    number = round_half_up(number, digits)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(number, format=pattern, locale=locale))


def fmt_percent(share: Decimal, *, lang: str = "vi", places: int = 1) -> str:
    """A share in [0, 1] as a percentage: ``Decimal('0.93')`` → ``93,0%``."""
    return fmt_number(share * 100, lang=lang, places=places) + "%"


def fmt_fraction(part: Decimal | int, whole: Decimal | int, *, lang: str = "vi") -> str:
    """``18/20``."""
    return f"{fmt_number(part, lang=lang)}/{fmt_number(whole, lang=lang)}"


def fmt_change(change: int | None) -> str:
    """A rank change: ``+4`` (rose four places), ``−2`` (fell two), ``0``; empty when unknown."""
    if change is None:
        return ""
    if change > 0:
        return f"+{change}"
    if change < 0:
        return f"{_MINUS}{-change}"
    return "0"
