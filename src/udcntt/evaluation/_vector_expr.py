"""Rule expressions over columns: the syntax tree of a checked expression, on a :class:`Frame`.

The tree is the one the checker validated (:attr:`udcntt.expressions.Expression.tree`), so
only its whitelisted nodes occur. Each is computed for every agency of a block at once,
with the semantics of the generated ``Decimal`` code: ``x if c else y``, ``and`` and
``or`` evaluate a branch only for the agencies that reach it (so only those can be sent to
the exact path by it). A function without a column form here — a plugin's, ``sqrt``,
dates, powers — raises :class:`VectorUnsupported`, and the rule set is scored exactly.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np

from udcntt.evaluation._vector_ops import Cat, Frame, Num, VectorUnsupported, _Text
from udcntt.expressions import FUNCTIONS

__all__ = ["evaluate_tree"]

_COMPARE = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}


def _n(value: Any) -> Num:
    if not isinstance(value, Num):  # pragma: no cover - the checker typed the tree
        raise VectorUnsupported("a number was expected")
    return value


def _fold(frame: Frame, args: list[Any], pick: Callable[[Num, Num], Num]) -> Num:
    out = _n(args[0])
    for arg in args[1:]:
        out = pick(out, _n(arg))
    return out


def _bands(frame: Frame, args: list[Any]) -> Num:
    x = _n(args[0])
    table = args[1:]
    choices = [
        (lambda bound=table[i]: frame.compare(x, ">=", bound), _n(table[i + 1]))
        for i in range(0, len(table) - 1, 2)
    ]
    return _n(frame.first(choices, _n(table[-1])))


def _call(frame: Frame, node: ast.Call) -> Any:
    if not isinstance(node.func, ast.Name):  # pragma: no cover - the whitelist
        raise VectorUnsupported("call")
    name = node.func.id
    spec = FUNCTIONS[name]
    if not spec.builtin:
        raise VectorUnsupported(f"extension function {name}")
    if name == "one_of":
        category = evaluate_tree(frame, node.args[0])
        if not isinstance(category, Cat):
            raise VectorUnsupported("one_of on a value that is not a category column")
        codes = [
            category.index.get(a.value, -2)
            for a in node.args[1:]
            if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
        return np.isin(category.codes, codes)
    if name in ("round_half_up", "round_down"):
        x = _n(evaluate_tree(frame, node.args[0]))
        places = node.args[1]
        if not (isinstance(places, ast.Constant) and isinstance(places.value, Decimal)):
            raise VectorUnsupported("rounding places")  # pragma: no cover - checked literal
        mode = "half_up" if name == "round_half_up" else "down"
        return frame.quantize_signed(x, int(places.value), mode)
    if name == "ratio":
        a, b, d = (_n(evaluate_tree(frame, arg)) for arg in node.args)
        return frame.ratio(a, b, d)
    args = [evaluate_tree(frame, arg) for arg in node.args]
    if name == "capped_ratio":
        a, b = _n(args[0]), _n(args[1])
        one = frame.const(Decimal(1))
        r = frame.ratio(a, b, frame.zero)
        return frame.minimum(frame.maximum(r, frame.zero), one)
    if name == "clamp":
        return frame.minimum(frame.maximum(_n(args[0]), _n(args[1])), _n(args[2]))
    if name == "min":
        return _fold(frame, args, frame.minimum)
    if name == "max":
        return _fold(frame, args, frame.maximum)
    if name == "abs":
        x = _n(args[0])
        return Num(np.abs(x.v), x.e)
    if name == "bands":
        return _bands(frame, args)
    if name == "per_item":
        return frame.minimum(frame.mul(_n(args[0]), _n(args[1])), _n(args[2]))
    if name == "count_true":
        total = np.zeros(frame.n)
        for flag in args:
            total = total + flag
        return Num(total, np.zeros(frame.n))
    if name in ("floor", "ceil"):
        return frame.integral(_n(args[0]), up=name == "ceil")
    raise VectorUnsupported(f"function {name}")


def _boolean(frame: Frame, node: ast.BoolOp) -> Any:
    is_and = isinstance(node.op, ast.And)
    result = evaluate_tree(frame, node.values[0])
    for value in node.values[1:]:
        reach = result if is_and else ~result

        def operand(v: ast.expr = value) -> Any:
            return evaluate_tree(frame, v)

        right = frame.under(reach, operand)
        result = (result & right) if is_and else (result | right)
    return result


def _compare(frame: Frame, node: ast.Compare) -> Any:
    left = evaluate_tree(frame, node.left)
    result = np.ones(frame.n, dtype=bool)
    for op, comparator in zip(node.ops, node.comparators, strict=True):
        symbol = _COMPARE.get(type(op))
        if symbol is None:  # pragma: no cover - the whitelist
            raise VectorUnsupported(type(op).__name__)

        def step(lhs: Any = left, c: ast.expr = comparator, s: str = symbol) -> Any:
            right = evaluate_tree(frame, c)
            return right, frame.compare(lhs, s, right)

        right, held = frame.under(result, step)
        result = result & held
        left = right
    return result


def evaluate_tree(frame: Frame, node: ast.expr) -> Any:
    """The column of one node of a checked expression tree.

    Raises:
        VectorUnsupported: for a construct without a column form.
    """
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            return np.full(frame.n, value)
        if isinstance(value, str):
            return _Text(value)
        if isinstance(value, Decimal):
            return frame.const(value)
        raise VectorUnsupported(type(value).__name__)
    if isinstance(node, ast.Name):
        found = frame.env.get(node.id)
        if found is None:
            raise VectorUnsupported(f"value {node.id}")
        return found
    if isinstance(node, ast.UnaryOp):
        operand = evaluate_tree(frame, node.operand)
        if isinstance(node.op, ast.Not):
            return ~operand
        if isinstance(node.op, ast.USub):
            return frame.neg(_n(operand))
        return operand
    if isinstance(node, ast.BinOp):
        left, right = _n(evaluate_tree(frame, node.left)), _n(evaluate_tree(frame, node.right))
        if isinstance(node.op, ast.Add):
            return frame.add(left, right)
        if isinstance(node.op, ast.Sub):
            return frame.sub(left, right)
        if isinstance(node.op, ast.Mult):
            return frame.mul(left, right)
        if isinstance(node.op, ast.Div):
            return frame.div(left, right)
        raise VectorUnsupported(type(node.op).__name__)
    if isinstance(node, ast.BoolOp):
        return _boolean(frame, node)
    if isinstance(node, ast.Compare):
        return _compare(frame, node)
    if isinstance(node, ast.IfExp):
        test = evaluate_tree(frame, node.test)
        then = frame.under(test, lambda: evaluate_tree(frame, node.body))
        otherwise = frame.under(~test, lambda: evaluate_tree(frame, node.orelse))
        return frame.select(test, then, otherwise)
    if isinstance(node, ast.Call):
        return _call(frame, node)
    raise VectorUnsupported(type(node).__name__)
