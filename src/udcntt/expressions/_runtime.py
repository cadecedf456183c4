"""Run-time helpers that generated code calls, and the :data:`RUNTIME` namespace.

Generated code (from :meth:`Expression.to_python`) refers only to the names in
:data:`RUNTIME`, to the caller's variables and to the caller's hoisted constants. The helpers
are deliberately plain: no context is created per call, no argument is checked that the
static checker has already proved; they run under :data:`DECIMAL_CONTEXT`, which the caller
sets once for a whole batch (``with decimal.localcontext(DECIMAL_CONTEXT): ...``).

Addition, subtraction, multiplication, negation and comparisons are emitted as Python
operators on :class:`~decimal.Decimal` values; only operations with a failure mode of their
own (division, power, square root, rounding to places) go through a helper that raises
:class:`RuleArithmeticError`.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal, DecimalException
from typing import Final

from udcntt.errors import msg
from udcntt.expressions._types import MAX_EXPONENT, RuleArithmeticError

__all__ = [
    "RUNTIME",
    "places_quantum",
    "u_abs",
    "u_bands",
    "u_capped_ratio",
    "u_ceil",
    "u_clamp",
    "u_count_true",
    "u_date",
    "u_days_between",
    "u_div",
    "u_floor",
    "u_max",
    "u_min",
    "u_one_of",
    "u_per_item",
    "u_pow",
    "u_ratio",
    "u_round_down",
    "u_round_half_up",
    "u_sqrt",
    "u_year",
]

_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)
_MAX_EXP: Final = Decimal(MAX_EXPONENT)
_MIN_EXP: Final = -Decimal(MAX_EXPONENT)


def u_div(a: Decimal, b: Decimal) -> Decimal:
    """``a / b``; raises ``E-EVAL-DIVZERO`` when ``b`` is zero."""
    if not b:
        raise RuleArithmeticError("E-EVAL-DIVZERO", msg("division by zero"))
    return a / b


def u_pow(a: Decimal, b: Decimal) -> Decimal:
    """``a ** b`` with ``|b| <= MAX_EXPONENT``; undefined or huge results raise."""
    if b > _MAX_EXP or b < _MIN_EXP:
        raise RuleArithmeticError(
            "E-EVAL",
            msg(
                "exponent {exponent} is beyond ±{limit} (results would be unbounded)",
                exponent=b,
                limit=MAX_EXPONENT,
            ),
        )
    if not a and b < _ZERO:  # decimal answers Infinity without a signal
        raise RuleArithmeticError("E-EVAL-DIVZERO", msg("zero raised to a negative power"))
    try:
        return a**b
    except DecimalException as exc:
        raise RuleArithmeticError.from_decimal(exc) from None


def u_ratio(a: Decimal, b: Decimal, default: Decimal) -> Decimal:
    """``a / b``, or ``default`` when ``b`` is zero."""
    return a / b if b else default


def u_capped_ratio(a: Decimal, b: Decimal) -> Decimal:
    """``a / b`` clipped to [0, 1]; 0 when ``b`` is zero."""
    if not b:
        return _ZERO
    r = a / b
    if r > _ONE:
        return _ONE
    if r < _ZERO:
        return _ZERO
    return r


def u_clamp(x: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    """``lo`` when ``x < lo``, else ``hi`` when ``x > hi``, else ``x``."""
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


def u_per_item(count: Decimal, each: Decimal, cap: Decimal) -> Decimal:
    """``min(count * each, cap)``."""
    r = count * each
    return cap if r > cap else r


def places_quantum(places: int) -> Decimal:
    """The quantum for rounding to ``places`` decimal places (``2`` → ``0.01``)."""
    return _ONE.scaleb(-places)


def u_round_half_up(x: Decimal, quantum: Decimal) -> Decimal:
    """Round ``x`` half away from zero to the exponent of ``quantum``."""
    try:
        return x.quantize(quantum, rounding=ROUND_HALF_UP)
    except DecimalException:
        raise RuleArithmeticError(
            "E-EVAL-NONFINITE", msg("a number is too large to round to the requested places")
        ) from None


def u_round_down(x: Decimal, quantum: Decimal) -> Decimal:
    """Round ``x`` towards zero to the exponent of ``quantum``.

    "Down" means towards zero everywhere in rule files, as ``rounding: {mode: down}`` does
    and as Excel's ROUNDDOWN does: ``-2.678`` becomes ``-2.67``. ``floor`` goes towards
    minus infinity.
    """
    try:
        return x.quantize(quantum, rounding=ROUND_DOWN)
    except DecimalException:
        raise RuleArithmeticError(
            "E-EVAL-NONFINITE", msg("a number is too large to round to the requested places")
        ) from None


def u_floor(x: Decimal) -> Decimal:
    """The largest integer not above ``x``."""
    return x.to_integral_value(rounding=ROUND_FLOOR)


def u_ceil(x: Decimal) -> Decimal:
    """The smallest integer not below ``x``."""
    return x.to_integral_value(rounding=ROUND_CEILING)


def u_sqrt(x: Decimal) -> Decimal:
    """The square root of ``x``; a negative ``x`` raises ``E-EVAL-NONFINITE``."""
    if x < _ZERO:
        raise RuleArithmeticError("E-EVAL-NONFINITE", msg("square root of a negative number"))
    return x.sqrt()


def u_bands(x: Decimal, *table: Decimal) -> Decimal:
    """``table`` is ``t1, p1, t2, p2, …, otherwise``: the first ``p_i`` with ``x >= t_i``."""
    last = len(table) - 1
    for i in range(0, last, 2):
        if x >= table[i]:
            return table[i + 1]
    return table[last]


def u_one_of(x: str, *options: str) -> bool:
    """Whether the category value ``x`` is one of ``options``."""
    return x in options


def u_count_true(*flags: bool) -> Decimal:
    """How many of ``flags`` are true, as a number."""
    return Decimal(sum(flags))


def u_year(d: date) -> Decimal:
    """The year of a date, as a number."""
    return Decimal(d.year)


def u_days_between(a: date, b: date) -> Decimal:
    """Days from ``a`` to ``b`` (negative when ``b`` is earlier)."""
    return Decimal((b - a).days)


def u_date(year: int, month: int, day: int) -> date:
    """A date from its parts (the checker has proved they form a valid date)."""
    return date(year, month, day)


u_min = min
u_max = max
u_abs = abs

#: Every name generated code may refer to, besides the caller's variables and constants.
#: Each helper is also reachable under its public ``u_`` name in this module.
RUNTIME: Final[dict[str, object]] = {
    "_u_abs": u_abs,
    "_u_bands": u_bands,
    "_u_capped_ratio": u_capped_ratio,
    "_u_ceil": u_ceil,
    "_u_clamp": u_clamp,
    "_u_count_true": u_count_true,
    "_u_date": u_date,
    "_u_days_between": u_days_between,
    "_u_div": u_div,
    "_u_floor": u_floor,
    "_u_max": u_max,
    "_u_min": u_min,
    "_u_one_of": u_one_of,
    "_u_per_item": u_per_item,
    "_u_pow": u_pow,
    "_u_ratio": u_ratio,
    "_u_round_down": u_round_down,
    "_u_round_half_up": u_round_half_up,
    "_u_sqrt": u_sqrt,
    "_u_year": u_year,
}
