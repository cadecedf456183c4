"""Value types, limits, the decimal context and the run-time arithmetic signal.

Everything here is shared by the parser, the checker, the compiler, the run-time helpers
and the reference interpreter, so it sits at the bottom of the package's imports.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from udcntt.errors import RuleArithmeticError

__all__ = [
    "DECIMAL_CONTEXT",
    "MAX_BRACKET_DEPTH",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "MAX_NODES",
    "MAX_SOURCE_LENGTH",
    "ExprType",
    "NameInfo",
    "RuleArithmeticError",
    "Value",
]

#: Longest expression accepted, in characters (after stripping surrounding whitespace).
#: Checked before the text is parsed.
MAX_SOURCE_LENGTH = 2_000
#: Deepest nesting of brackets ``( [ {`` accepted, counted on the raw text before parsing.
MAX_BRACKET_DEPTH = 32
#: Most syntax-tree nodes (names, numbers, operators, calls, …) in one expression.
MAX_NODES = 500
#: Deepest nesting of the syntax tree (``a + b + c`` nests two deep; operators and calls
#: count, brackets themselves do not).
MAX_DEPTH = 64
#: Largest absolute exponent of ``**``, checked on constant exponents when compiling and
#: on every exponent at run time.
MAX_EXPONENT = 64
#: Most significant digits of a number literal: what :data:`DECIMAL_CONTEXT` keeps exactly.
MAX_DIGITS = 34

#: The decimal context of all rule arithmetic: 34 significant digits (IEEE decimal128),
#: exponents within ±999,999, and the signals that would otherwise yield an infinite or
#: undefined number (invalid operation, division by zero, overflow) raised as exceptions.
DECIMAL_CONTEXT = decimal.Context(
    prec=MAX_DIGITS,
    rounding=decimal.ROUND_HALF_EVEN,
    Emax=999_999,
    Emin=-999_999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

#: What an expression reads and yields: a number, a yes/no, a category value or a date.
Value = Decimal | bool | str | date


class ExprType(StrEnum):
    """The static type of a name or of an expression's result.

    * ``NUMBER`` — a :class:`~decimal.Decimal` (counts, amounts, ratios, points);
    * ``BOOL`` — ``True`` or ``False`` (có/không);
    * ``CATEGORY`` — one of a declared set of text values (``"chu_tich"``, ``"pho"``);
    * ``DATE`` — a :class:`datetime.date`.
    """

    NUMBER = "number"
    BOOL = "bool"
    CATEGORY = "category"
    DATE = "date"


@dataclass(frozen=True, slots=True)
class NameInfo:
    """What the checker knows about a declared name (an indicator or a derived value).

    Attributes:
        type: The static type of the name's values.
        categories: For ``CATEGORY`` names, the allowed values; ``None`` when unknown
            (then string literals compared with the name are not checked).
        label: A human label (Vietnamese), used in messages.
    """

    type: ExprType
    categories: frozenset[str] | None = None
    label: str | None = None
