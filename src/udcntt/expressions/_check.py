"""Static checks of a parsed expression against the declared names.

The checker walks the (already size-bounded) tree once and infers a type for every node:
names must be declared, operators must get operands of the right types, category values
must be among the declared categories, function arguments must fit the function's
signature. Parts made only of number literals are folded at compile time, which finds
divisions by a literal zero and exponents beyond the bound; the compiler emits the folded
values as constants.

:func:`check_expression` is the entry point; the tree walk itself is the checker class of
:mod:`udcntt.expressions._checker`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from udcntt.errors import msg
from udcntt.expressions._checker import _TEXT_ONLY, _WORDS, _Checker
from udcntt.expressions._parse import ParsedExpression
from udcntt.expressions._types import ExprType, NameInfo

__all__ = ["CheckResult", "check_expression"]


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of :func:`check_expression`.

    Attributes:
        result_type: The type of the expression's value.
        folded: Compile-time values of constant number parts, by ``id`` of their node.
        categories: For a ``CATEGORY`` result, its possible values if known.
    """

    result_type: ExprType
    folded: Mapping[int, Decimal]
    categories: frozenset[str] | None


def check_expression(
    parsed: ParsedExpression,
    names: Mapping[str, NameInfo],
    expected: ExprType | None = None,
) -> CheckResult:
    """Check names, types, categories and constant parts of ``parsed``.

    Args:
        parsed: The output of :func:`parse_expression`.
        names: The declared names and what is known of them.
        expected: The type the expression must have, if the caller requires one.

    Returns:
        The result type and the folded constants.

    Raises:
        ExpressionError: ``E-EXPR-NAME``, ``E-EXPR-FUNC``, ``E-EXPR-TYPE``,
            ``E-EXPR-CATEGORY``, ``E-EXPR-DIVZERO``, ``E-EXPR-POWER``, ``E-EXPR-LIMIT`` or
            ``E-BANDS`` (bands thresholds not descending).
    """
    checker = _Checker(parsed, names)
    info = checker.visit(parsed.tree)
    loc = parsed.locator
    if info.type is None:
        raise loc.error(
            "E-EXPR-TYPE",
            msg("an expression cannot be only text"),
            node=parsed.tree,
            hint=_TEXT_ONLY,
        )
    if expected is not None and info.type is not expected:
        raise loc.error(
            "E-EXPR-TYPE",
            msg(
                "the expression gives {got}, but {expected} is expected here",
                got=_WORDS[info.type],
                expected=_WORDS[expected],
            ),
            node=parsed.tree,
            hint=_expected_hint(info.type, expected),
        )
    return CheckResult(info.type, checker.folded, info.categories)


def _expected_hint(got: ExprType, expected: ExprType) -> str:
    if expected is ExprType.NUMBER and got is ExprType.BOOL:
        return msg("to give points for a condition, write 10 if condition else 0")
    if expected is ExprType.BOOL and got is ExprType.NUMBER:
        return msg("compare the number, e.g. x > 0")
    return msg("write an expression that gives {expected}", expected=_WORDS[expected])
