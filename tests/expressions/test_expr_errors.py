"""Invalid and forbidden expressions: each gives its code, a hint and a location."""

from __future__ import annotations

from dataclasses import replace

import pytest

from udcntt.errors import CODES, ExpressionError, SourceLocation
from udcntt.expressions import (
    MAX_BRACKET_DEPTH,
    MAX_SOURCE_LENGTH,
    ExprType,
    NameInfo,
    compile_expression,
    parse_expression,
)

NUM = NameInfo(ExprType.NUMBER)
NAMES = {
    "a": NUM,
    "b": NUM,
    "c": NUM,
    "staff_total": NUM,
    "flag": NameInfo(ExprType.BOOL),
    "ok": NameInfo(ExprType.BOOL),
    "head": NameInfo(ExprType.CATEGORY, frozenset({"bi_thu", "chu_tich", "pho"})),
    "issued": NameInfo(ExprType.DATE),
}
WHERE = SourceLocation(file="rules/x.yaml", line=12, column=9, path="criteria[0].points")

INVALID: list[tuple[str, str, str | None]] = [
    # (source, code, text the hint must contain)
    ("__class__", "E-EXPR-FORBIDDEN", None),
    ("().__class__.__bases__", "E-EXPR-FORBIDDEN", None),
    ("a.real", "E-EXPR-FORBIDDEN", None),
    ("a[0]", "E-EXPR-FORBIDDEN", None),
    ("[x for x in y]", "E-EXPR-FORBIDDEN", None),
    ("sum(x for x in y)", "E-EXPR-FUNC", None),
    ("lambda: 1", "E-EXPR-FORBIDDEN", "derived value"),
    ("(lambda: 1)()", "E-EXPR-FORBIDDEN", None),
    ('f"{a}"', "E-EXPR-FORBIDDEN", None),
    ("x := 1", "E-EXPR-FORBIDDEN", "derived value"),
    ("(x := 1)", "E-EXPR-FORBIDDEN", "derived value"),
    ("a ^ b", "E-EXPR-FORBIDDEN", "**"),
    ("flag & ok", "E-EXPR-FORBIDDEN", "and"),
    ("flag | ok", "E-EXPR-FORBIDDEN", "or"),
    ("a // b", "E-EXPR-FORBIDDEN", "floor"),
    ("a % b", "E-EXPR-FORBIDDEN", None),
    ("a @ b", "E-EXPR-FORBIDDEN", None),
    ("a << 2", "E-EXPR-FORBIDDEN", None),
    ("~flag", "E-EXPR-FORBIDDEN", "not"),
    ("9**9**9", "E-EXPR-POWER", None),
    ("a ** 65", "E-EXPR-POWER", None),
    ("a ** -65", "E-EXPR-POWER", None),
    ("a ** (60 + 5)", "E-EXPR-POWER", None),
    ('"a" * 10**8', "E-EXPR-TYPE", "category"),
    ("a; b", "E-EXPR-MULTI", "parentheses"),
    ("a\nb", "E-EXPR-MULTI", "parentheses"),
    ("a\n+ b", "E-EXPR-MULTI", None),
    ("a = 1", "E-EXPR-FORBIDDEN", "=="),
    ("import os", "E-EXPR-FORBIDDEN", None),
    ("if flag: a", "E-EXPR-FORBIDDEN", "else"),
    ("await a", "E-EXPR-FORBIDDEN", None),
    ("yield a", "E-EXPR-FORBIDDEN", None),
    ("a is b", "E-EXPR-FORBIDDEN", "=="),
    ('head in ("pho", "bi_thu")', "E-EXPR-FORBIDDEN", "one_of"),
    ('head not in ("pho",)', "E-EXPR-FORBIDDEN", "one_of"),
    ("[1, 2]", "E-EXPR-FORBIDDEN", "one_of"),
    ("{1: 2}", "E-EXPR-FORBIDDEN", None),
    ("{1, 2}", "E-EXPR-FORBIDDEN", None),
    ("(1, 2)", "E-EXPR-FORBIDDEN", None),
    ("0,7", "E-EXPR-FORBIDDEN", "0.7"),
    ("a, b", "E-EXPR-FORBIDDEN", None),
    ("min(a, b, key=abs)", "E-EXPR-FORBIDDEN", "position"),
    ("min(*a)", "E-EXPR-FORBIDDEN", None),
    ("min(a)(b)", "E-EXPR-FORBIDDEN", None),
    ('eval("1")', "E-EXPR-FUNC", None),
    ('__import__("os")', "E-EXPR-FORBIDDEN", None),
    ("None", "E-EXPR-FORBIDDEN", None),
    ("1j", "E-EXPR-FORBIDDEN", None),
    ('b"x"', "E-EXPR-FORBIDDEN", None),
    ("...", "E-EXPR-FORBIDDEN", None),
    ("0x10", "E-EXPR-FORBIDDEN", "16"),
    ("staf_total + 1", "E-EXPR-NAME", "staff_total"),
    ("zzz", "E-EXPR-NAME", "declared names"),
    ("true", "E-EXPR-NAME", "True"),
    ("min", "E-EXPR-NAME", "min("),
    ("điểm + 1", "E-EXPR-NAME", "diem"),
    ("mn(a, b)", "E-EXPR-FUNC", "min"),
    ("min(a)", "E-EXPR-FUNC", "min(a, b"),
    ("ratio(a, b)", "E-EXPR-FUNC", "default"),
    ("bands(a, 1, 5)", "E-EXPR-FUNC", None),
    ("clamp(a, 10, 0)", "E-EXPR-FUNC", None),
    ("sqrt(a, b)", "E-EXPR-FUNC", None),
    ("year(a)", "E-EXPR-FUNC", None),
    ("min(a, flag)", "E-EXPR-FUNC", None),
    ("round_half_up(a, 2.5)", "E-EXPR-FUNC", None),
    ("round_half_up(a, b)", "E-EXPR-FUNC", None),
    ("round_half_up(a, 21)", "E-EXPR-FUNC", None),
    ("date(2023, 2, 30)", "E-EXPR-FUNC", None),
    ("one_of(head, pho)", "E-EXPR-FUNC", None),
    ('one_of(a, "x")', "E-EXPR-FUNC", None),
    ("count_true(a)", "E-EXPR-FUNC", None),
    ("a / 0", "E-EXPR-DIVZERO", "ratio"),
    ("a / (1 - 1)", "E-EXPR-DIVZERO", None),
    ("0 ** -1", "E-EXPR-DIVZERO", None),
    ("flag + 1", "E-EXPR-TYPE", None),
    ("head * 2", "E-EXPR-TYPE", None),
    ('head < "pho"', "E-EXPR-TYPE", "=="),
    ("flag < ok", "E-EXPR-TYPE", "=="),
    ("a and flag", "E-EXPR-TYPE", ">"),
    ("not a", "E-EXPR-TYPE", None),
    ("a if a else b", "E-EXPR-TYPE", None),
    ("a if flag else ok", "E-EXPR-TYPE", None),
    ("head == 1", "E-EXPR-TYPE", None),
    ('a + "x"', "E-EXPR-TYPE", None),
    ('"a" == "a"', "E-EXPR-TYPE", None),
    ('"pho"', "E-EXPR-TYPE", None),
    ("issued < 5", "E-EXPR-TYPE", None),
    ("0 < a < flag", "E-EXPR-TYPE", None),
    ('head == "chu_tick"', "E-EXPR-CATEGORY", "chu_tich"),
    ('"Pho" != head', "E-EXPR-CATEGORY", "pho"),
    ('one_of(head, "pho", "bí_thu")', "E-EXPR-CATEGORY", "bi_thu"),
    ('"\\d" == head', "E-EXPR-CATEGORY", None),
    ("bands(a, 1, 5, 2, 10, 0)", "E-BANDS", "highest"),
    ("", "E-EXPR-SYNTAX", None),
    ("   \n ", "E-EXPR-SYNTAX", None),
    ("# just a comment", "E-EXPR-SYNTAX", None),
    ("a +", "E-EXPR-SYNTAX", None),
    ("a;", "E-EXPR-SYNTAX", None),
    ("a if flag", "E-EXPR-SYNTAX", "else"),
    ("a ≥ b", "E-EXPR-SYNTAX", ">="),
    ("flag && ok", "E-EXPR-SYNTAX", "and"),
    ("!flag", "E-EXPR-SYNTAX", "not"),
    ("a +\n b", "E-EXPR-SYNTAX", "parentheses"),
    ("a\u202e", "E-EXPR-SYNTAX", None),
    ("a\x00", "E-EXPR-SYNTAX", None),
    ("1.00000000000000000000000000000000001", "E-EXPR-LIMIT", "34"),
    ("1e9999999", "E-EXPR-LIMIT", None),
]


@pytest.mark.parametrize(("source", "code", "hint"), INVALID)
def test_invalid_expression_gives_code_hint_and_location(
    source: str, code: str, hint: str | None
) -> None:
    """Every rejected construct gives its stable code, a hint and a file location."""
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source, names=NAMES, location=WHERE, criterion="c1_1")
    error = caught.value
    assert error.code == code, str(error)
    assert code in CODES
    assert error.hint, str(error)
    if hint is not None:
        assert hint in error.hint, str(error)
    assert error.location is not None
    assert error.location.file == "rules/x.yaml"
    assert error.location.path == "criteria[0].points"
    assert error.location.line is not None
    assert error.location.line >= 12
    assert error.first.criterion == "c1_1"
    assert "criterion 'c1_1'" in str(error)


def test_table_is_large_enough() -> None:
    """The table covers at least thirty cases and every expression error code."""
    assert len(INVALID) >= 30
    expression_codes = {c for c in CODES if c.startswith("E-EXPR-")}
    assert expression_codes <= {code for _, code, _ in INVALID}


def test_error_column_is_offset_of_the_offending_part() -> None:
    """A single-line expression's error column adds the offending node's offset."""
    with pytest.raises(ExpressionError) as caught:
        compile_expression("a + staf_total", names=NAMES, location=WHERE)
    assert caught.value.location == replace(WHERE, column=9 + 4)


def test_error_column_counts_characters_not_bytes() -> None:
    """Vietnamese text before the offending part counts one column per character."""
    source = 'head == "pho" and "Phó" == head and staf'
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source.replace("Phó", "pho"), names=NAMES, location=WHERE)
    assert caught.value.location is not None
    assert caught.value.location.column == 9 + source.index("staf")
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source, names=NAMES, location=WHERE)
    assert caught.value.code == "E-EXPR-CATEGORY"
    assert caught.value.location is not None
    assert caught.value.location.column == 9 + source.index('"Phó"')


def test_error_column_accounts_for_stripped_whitespace() -> None:
    """Leading whitespace of the string is part of the offset."""
    with pytest.raises(ExpressionError) as caught:
        compile_expression("   staf", names=NAMES, location=WHERE)
    assert caught.value.location is not None
    assert caught.value.location.column == 12


def test_error_on_later_line_adds_line_offset() -> None:
    """In a multi-line expression, the error line is the expression's line plus the offset."""
    with pytest.raises(ExpressionError) as caught:
        compile_expression("(a +\n  staf)", names=NAMES, location=WHERE)
    assert caught.value.location is not None
    assert caught.value.location.line == 13
    assert caught.value.location.column is None
    with pytest.raises(ExpressionError) as caught:
        compile_expression("a\nb", names=NAMES, location=WHERE)
    assert caught.value.location is not None
    assert caught.value.location.line == 13


def test_error_without_location_is_relative_to_the_expression() -> None:
    """Without a file location, errors point into the expression itself."""
    with pytest.raises(ExpressionError) as caught:
        compile_expression("a ^ b", names=NAMES)
    assert str(caught.value).startswith("<expression>:1:1: error[E-EXPR-FORBIDDEN]")
    with pytest.raises(ExpressionError) as caught:
        compile_expression("a + b + zz", names=NAMES)
    assert caught.value.location == SourceLocation(file="<expression>", line=1, column=9)


def test_syntax_error_is_located() -> None:
    """Python's syntax-error position is carried into the location."""
    with pytest.raises(ExpressionError) as caught:
        compile_expression("a b", names=NAMES, location=WHERE)
    assert caught.value.location == replace(WHERE, column=11)


def test_expected_type_mismatch() -> None:
    """A condition where points are expected is a type error with a hint."""
    with pytest.raises(ExpressionError) as caught:
        compile_expression("a > 1", names=NAMES, expected=ExprType.NUMBER)
    assert caught.value.code == "E-EXPR-TYPE"
    assert caught.value.hint is not None
    assert "if" in caught.value.hint
    with pytest.raises(ExpressionError) as caught:
        compile_expression("a", names=NAMES, expected=ExprType.BOOL)
    assert caught.value.code == "E-EXPR-TYPE"


def test_non_text_source_is_an_expression_error() -> None:
    """A number given where text was expected is reported, not crashed on."""
    with pytest.raises(ExpressionError) as caught:
        compile_expression(5, names=NAMES)  # type: ignore[arg-type]
    assert caught.value.code == "E-EXPR-SYNTAX"


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("(" * 10_000 + "1" + ")" * 10_000, id="10k-parens"),
        pytest.param("1+" * 2_500_000 + "1", id="5MB"),
        pytest.param("[" * 10_000, id="10k-brackets"),
        pytest.param("-" * 1_999 + "1", id="unary-chain"),
        pytest.param("not " * 499 + "flag", id="not-chain"),
        pytest.param("a+" * 600 + "a", id="many-nodes"),
        pytest.param("min(" + "a, " * 600 + "a)", id="wide-call"),
        pytest.param("(" * (MAX_BRACKET_DEPTH + 1) + "a" + ")" * (MAX_BRACKET_DEPTH + 1), id="33"),
        pytest.param("a" * (MAX_SOURCE_LENGTH + 1), id="long-name"),
        pytest.param("a if flag else " * 100 + "a", id="deep-conditional"),
    ],
)
def test_limits_fail_fast(source: str) -> None:
    """Huge or deep input fails with E-EXPR-LIMIT, without RecursionError (its time is
    measured in benchmarks/fail_fast.py, never asserted here)."""
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source, names=NAMES)
    assert caught.value.code == "E-EXPR-LIMIT"
    assert caught.value.hint


def test_bracket_depth_at_the_limit_is_accepted() -> None:
    """Exactly MAX_BRACKET_DEPTH nested brackets are fine."""
    depth = MAX_BRACKET_DEPTH
    expr = compile_expression("(" * depth + "a" + ")" * depth, names=NAMES)
    assert expr.names == {"a"}


def test_parse_alone_does_not_check_names() -> None:
    """parse_expression checks syntax only; it reports the names and functions used."""
    parsed = parse_expression("ratio(chaired, meetings, 0) * 20 + unknown")
    assert parsed.names == {"chaired", "meetings", "unknown"}
    assert parsed.functions == {"ratio"}
    with pytest.raises(ExpressionError) as caught:
        compile_expression(parsed, names=NAMES)
    assert caught.value.code == "E-EXPR-NAME"


def test_parse_rejects_unknown_function_and_arity() -> None:
    """Functions are a fixed library, so parse_expression checks them already."""
    with pytest.raises(ExpressionError) as caught:
        parse_expression("clmp(x, 0, 1)")
    assert caught.value.code == "E-EXPR-FUNC"
    assert caught.value.hint == "did you mean 'clamp'?"
    with pytest.raises(ExpressionError) as caught:
        parse_expression("bands(x, 3, 10)")
    assert caught.value.code == "E-EXPR-FUNC"
