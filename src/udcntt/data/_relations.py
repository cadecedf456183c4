"""Checking a rule set's declared relations (``staff_with_computer <= staff_total``) per agency.

Relations are compiled with :func:`udcntt.expressions.compile_expression` (imported lazily,
so reading data does not pay for the expression compiler unless relations exist). A relation
is checked for an agency when its block is in the relation's ``blocks`` (or it has none) and
every indicator it names has a value; a relation over a not-applicable or missing value is
not checked.

Until the expressions package is available, a small whitelisted evaluator over Python's
``ast`` (names, numbers, strings, arithmetic, comparisons, ``and``/``or``/``not``) stands in.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

from udcntt.data._dataset import Value
from udcntt.errors import ExpressionError
from udcntt.model._indicators import IndicatorType, Relation
from udcntt.model._ruleset import RuleSet

__all__ = ["CompiledRelation", "compile_relations"]

_Check = Callable[[Mapping[str, Value]], Any]


@dataclass(frozen=True)
class CompiledRelation:
    """A relation ready to check: the names it reads and a function of their values."""

    relation: Relation
    names: tuple[str, ...]
    check: _Check

    def applies(self, block: str) -> bool:
        """Whether the relation is checked for agencies of ``block``."""
        return self.relation.blocks is None or block in self.relation.blocks


def compile_relations(rules: RuleSet) -> list[CompiledRelation]:
    """Compile every relation of ``rules``.

    Raises:
        ExpressionError: when a relation is not a valid expression over the indicators.
    """
    if not rules.relations:
        return []
    try:
        from udcntt import expressions
    except ImportError:
        return [_fallback(rules, rel) for rel in rules.relations]
    names = {}
    kinds = {
        IndicatorType.COUNT: "NUMBER",
        IndicatorType.NUMBER: "NUMBER",
        IndicatorType.RATIO: "NUMBER",
        IndicatorType.BOOL: "BOOL",
        IndicatorType.CATEGORY: "CATEGORY",
        IndicatorType.DATE: "DATE",
    }
    for ind_id, ind in rules.indicators.items():
        cats = frozenset(ind.categories) if ind.categories else None
        names[ind_id] = expressions.NameInfo(
            type=getattr(expressions.ExprType, kinds[ind.type]), categories=cats, label=ind.label
        )
    out = []
    for rel in rules.relations:
        expr = expressions.compile_expression(
            rel.check, names=names, expected=expressions.ExprType.BOOL
        )
        out.append(CompiledRelation(rel, tuple(sorted(expr.names)), expr.evaluate))
    return out


_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_CMPOPS: dict[type, Callable[[Any, Any], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


def _fallback(rules: RuleSet, rel: Relation) -> CompiledRelation:
    source = rel.check
    if len(source) > 500:
        raise ExpressionError(f"relation too long: {source[:40]}…", code="E-EXPR-LIMIT")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"invalid relation '{source}'", code="E-EXPR-SYNTAX") from exc
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in rules.indicators:
                raise ExpressionError(
                    f"relation '{source}' names '{node.id}', which is not an indicator",
                    code="E-EXPR-NAME",
                )
            names.add(node.id)
        elif not isinstance(
            node,
            ast.Expression
            | ast.BinOp
            | ast.Compare
            | ast.BoolOp
            | ast.UnaryOp
            | ast.Constant
            | ast.Load
            | ast.operator
            | ast.cmpop
            | ast.boolop
            | ast.unaryop,
        ) or isinstance(node, ast.Pow | ast.MatMult | ast.BitXor | ast.LShift | ast.RShift):
            raise ExpressionError(
                f"relation '{source}' uses {type(node).__name__}", code="E-EXPR-FORBIDDEN"
            )

    def check(env: Mapping[str, Value]) -> Any:
        return _eval(tree.body, env)

    return CompiledRelation(rel, tuple(sorted(names)), check)


def _eval(node: ast.AST, env: Mapping[str, Value]) -> Any:
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool | str):
            return value
        if isinstance(value, int | float):
            return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        raise ExpressionError(f"unexpected constant {value!r}", code="E-EXPR-FORBIDDEN")
    if isinstance(node, ast.BinOp):
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise ExpressionError("operator not allowed", code="E-EXPR-FORBIDDEN")
        try:
            return op(_eval(node.left, env), _eval(node.right, env))
        except (DivisionByZero, InvalidOperation, ZeroDivisionError) as exc:
            raise ArithmeticError("division by zero") from exc
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, env)
        if isinstance(node.op, ast.Not):
            return not operand
        if isinstance(node.op, ast.USub):
            return -operand
        return operand
    if isinstance(node, ast.BoolOp):
        values = [_eval(v, env) for v in node.values]
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.Compare):
        left = _eval(node.left, env)
        for op_node, right_node in zip(node.ops, node.comparators, strict=True):
            right = _eval(right_node, env)
            cmp = _CMPOPS.get(type(op_node))
            if cmp is None or not cmp(left, right):
                return False
            left = right
        return True
    raise ExpressionError(f"unexpected {type(node).__name__}", code="E-EXPR-FORBIDDEN")
