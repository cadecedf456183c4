"""Rule expressions: parsed once, checked against declared names, compiled, evaluated exactly.

An expression is one line of Python-like syntax in a rule file::

    ratio(chaired, meetings, 0) * 20
    bands(meetings, 4, 20, 3, 15, 2, 10, 1, 5, 0)
    10 if one_of(head, "bi_thu", "chu_tich") else 5 if head == "pho" else 0
    0 < share <= 1 and has_plan

Allowed: number literals (exact :class:`~decimal.Decimal` values read from their text, so
``0.7 + 0.1 >= 0.8`` holds), ``True``/``False``, category values in quotes (only compared
with ``==``/``!=`` to a category name or passed to ``one_of``), declared names,
``+ - * / **`` (bounded exponents), unary ``-``/``+``, comparisons (chained too),
``and``/``or``/``not``, ``x if c else y``, and calls of the functions in :data:`FUNCTIONS`.
Everything else is rejected when the rule file is loaded, with a located
:class:`~udcntt.errors.ExpressionError` and a hint.

Pipeline: :func:`parse_expression` (limits, one expression per string, whitelist) →
:func:`compile_expression` (names, types, categories, constant parts; then compiled once to a
code object) → :meth:`Expression.evaluate`, or :meth:`Expression.to_python` to embed the
expression in code generated for a whole rule set. :func:`evaluate_reference` evaluates the
same expressions with simpleeval, for differential tests.
"""

from __future__ import annotations

from udcntt.expressions._compile import Expression, compile_expression
from udcntt.expressions._functions import ArgKind, FunctionSpec
from udcntt.expressions._parse import ParsedExpression, parse_expression
from udcntt.expressions._reference import evaluate_reference
from udcntt.expressions._registry import (
    ENTRY_POINT_GROUP,
    FUNCTIONS,
    ExtensionInfo,
    check_requirement,
    discover,
    extension_record,
    lookup_function,
    register_function,
    unregister_function,
)
from udcntt.expressions._runtime import RUNTIME
from udcntt.expressions._types import (
    DECIMAL_CONTEXT,
    MAX_BRACKET_DEPTH,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_EXPONENT,
    MAX_NODES,
    MAX_SOURCE_LENGTH,
    ExprType,
    NameInfo,
    RuleArithmeticError,
    Value,
)

__all__ = [
    "DECIMAL_CONTEXT",
    "ENTRY_POINT_GROUP",
    "FUNCTIONS",
    "MAX_BRACKET_DEPTH",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "MAX_NODES",
    "MAX_SOURCE_LENGTH",
    "RUNTIME",
    "ArgKind",
    "ExprType",
    "Expression",
    "ExtensionInfo",
    "FunctionSpec",
    "NameInfo",
    "ParsedExpression",
    "RuleArithmeticError",
    "Value",
    "check_requirement",
    "compile_expression",
    "discover",
    "evaluate_reference",
    "extension_record",
    "lookup_function",
    "parse_expression",
    "register_function",
    "unregister_function",
]
