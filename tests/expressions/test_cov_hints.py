"""The hint that comes with a refused expression is the one that helps its author.

Someone typing a rule by hand writes ``null`` for "no value", ``TRUE`` as in Excel, a
category where a condition belongs, or text as a result; each gets a hint saying what
to write instead. Constant parts are worked out when the rule file is loaded.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from udcntt.errors import ExpressionError
from udcntt.expressions import ExprType, NameInfo, compile_expression

NAMES = {
    "a": NameInfo(ExprType.NUMBER),
    "flag": NameInfo(ExprType.BOOL),
    "head": NameInfo(ExprType.CATEGORY, frozenset({"bi_thu", "pho"})),
}
TEXT_ONLY = (
    "text is only allowed as a category value: compare it with == or != to a category "
    'indicator, or list it in one_of(x, "a", "b")'
)


@pytest.mark.parametrize(
    ("source", "code", "message", "hint"),
    [
        (
            "none",
            "E-EXPR-NAME",
            "unknown name 'none'",
            "there is no empty value; use 0, False or a category value",
        ),
        (
            "null + 1",
            "E-EXPR-NAME",
            "unknown name 'null'",
            "there is no empty value; use 0, False or a category value",
        ),
        ("TRUE", "E-EXPR-NAME", "unknown name 'TRUE'", "did you mean True?"),
        (
            "head and flag",
            "E-EXPR-TYPE",
            "'and' needs yes/no values, not a category value",
            'compare it, e.g. x == "a"',
        ),
        (
            "a or flag",
            "E-EXPR-TYPE",
            "'or' needs yes/no values, not a number",
            "compare it, e.g. x > 0",
        ),
        ('"pho" if flag else "bi_thu"', "E-EXPR-TYPE", "a branch cannot be only text", TEXT_ONLY),
        ('a if flag else "pho"', "E-EXPR-TYPE", "a branch cannot be only text", TEXT_ONLY),
    ],
)
def test_a_refused_expression_says_what_to_write_instead(
    source: str, code: str, message: str, hint: str
) -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source, names=NAMES, expected=None)
    error = caught.value
    assert (error.code, error.first.message, error.hint) == (code, message, hint)


def test_where_no_names_are_declared_the_hint_says_so() -> None:
    """A rule file that declares nothing yet: no list of "did you mean" guesses."""
    with pytest.raises(ExpressionError) as caught:
        compile_expression("a + 1", names={}, expected=None)
    assert caught.value.code == "E-EXPR-NAME"
    assert caught.value.hint == "no names are declared here"


@pytest.mark.parametrize(
    ("source", "flag", "value"),
    [
        ("not True", True, False),
        ("10 if not (1 > 2) else 0", False, Decimal(10)),
        ("1 if not flag else 2", True, Decimal(2)),
        ("1 if not flag else 2", False, Decimal(1)),
    ],
)
def test_not_of_a_constant_is_folded_and_of_a_name_evaluated(
    source: str, flag: bool, value: object
) -> None:
    expr = compile_expression(source, names=NAMES, expected=None)
    assert expr.evaluate({"a": Decimal(1), "flag": flag}) == value
