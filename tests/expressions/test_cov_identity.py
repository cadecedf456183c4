"""Expressions compare and hash by their text, and a parsed one keeps its place when compiled.

Rule-set tools key caches and deduplicate on expressions (the same ``points:`` text in two
criteria is one expression); an expression parsed once and compiled later with a location
must report its errors at that location, for the criterion named.
"""

from __future__ import annotations

import pytest

from udcntt.errors import ExpressionError, SourceLocation
from udcntt.expressions import ExprType, NameInfo, compile_expression, parse_expression

NAMES = {"a": NameInfo(ExprType.NUMBER)}
WHERE = SourceLocation(file="rules/x.yaml", line=12, column=9, path="criteria[0].points")


def test_parsed_expressions_are_equal_and_hash_alike_by_their_text() -> None:
    first, again, other = (parse_expression(s) for s in ("a + 1", "a + 1", "a + 2"))
    assert first == again and hash(first) == hash(again)
    assert first != other
    assert first != "a + 1"  # not equal to its text: a different kind of value
    assert len({first, again, other}) == 2


def test_compiled_expressions_are_equal_and_hash_alike_by_their_text() -> None:
    from_text = compile_expression("a + 1", names=NAMES)
    from_parsed = compile_expression(parse_expression("a + 1"), names=NAMES)
    assert from_text == from_parsed and hash(from_text) == hash(from_parsed)
    assert from_text != compile_expression("a + 2", names=NAMES)
    assert from_text != 1
    assert len({from_text, from_parsed}) == 1


def test_a_parsed_expression_compiled_with_a_location_reports_errors_there() -> None:
    parsed = parse_expression("a + b")  # parsing alone does not check names
    with pytest.raises(ExpressionError) as caught:
        compile_expression(parsed, names=NAMES, location=WHERE, criterion="c1_1")
    error = caught.value
    assert error.code == "E-EXPR-NAME"
    assert error.location is not None
    # 'b' is 4 characters into the expression, which starts at column 9
    assert (error.location.file, error.location.line, error.location.column) == (
        "rules/x.yaml",
        12,
        13,
    )
    assert error.first.criterion == "c1_1"
