"""Load-time checks that use the declared ranges of indicators.

* the range an expression can take, from the ``range`` (and type) of the indicators it
  reads, through derived values, arithmetic and a few functions (:func:`expr_range`);
* band steps that the input's declared range can never reach (``E-BANDS``), and band
  tables written for shares in [0, 1] fed a value that runs to 100 (``W-BANDS-SCALE``);
* ``capped_ratio(a, b)`` / ``ratio(a, b, d)`` whose numerator a declared relation makes at
  least the denominator: swapped arguments (``E-RATIO-SWAPPED``).
"""

from __future__ import annotations

import ast
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from udcntt.errors import msg
from udcntt.model import IndicatorType, RuleSet

if TYPE_CHECKING:
    from udcntt.program._context import CheckContext

__all__ = ["check_ratio_order", "expr_range"]

_Path = tuple[str | int, ...]
_Range = tuple[Decimal | None, Decimal | None]
_UNKNOWN: _Range = (None, None)
#: How deep derived values are followed (they form a DAG checked elsewhere).
_DEPTH = 20


def _parse(source: str) -> ast.expr | None:
    try:
        return ast.parse(source.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _add(a: _Range, b: _Range, sign: int) -> _Range:
    lo_b, hi_b = (
        b if sign > 0 else (None if b[1] is None else -b[1], None if b[0] is None else -b[0])
    )
    lo = None if a[0] is None or lo_b is None else a[0] + lo_b
    hi = None if a[1] is None or hi_b is None else a[1] + hi_b
    return lo, hi


def _mul(a: _Range, b: _Range) -> _Range:
    if None in a or None in b:
        return _UNKNOWN
    products = [x * y for x in a for y in b if x is not None and y is not None]
    return min(products), max(products)


def _range(node: ast.expr, rules: RuleSet, depth: int) -> _Range:
    if depth > _DEPTH:
        return _UNKNOWN
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        if isinstance(node.value, bool):
            return _UNKNOWN
        value = Decimal(repr(node.value))
        return value, value
    if isinstance(node, ast.Name):
        ind = rules.indicators.get(node.id)
        if ind is not None:
            if ind.type in (IndicatorType.COUNT, IndicatorType.NUMBER, IndicatorType.RATIO):
                return ind.bounds
            return _UNKNOWN
        derived = rules.derived.get(node.id)
        if derived is not None:
            inner = _parse(derived.expr)
            return _UNKNOWN if inner is None else _range(inner, rules, depth + 1)
        return _UNKNOWN
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        lo, hi = _range(node.operand, rules, depth + 1)
        return (None if hi is None else -hi), (None if lo is None else -lo)
    if isinstance(node, ast.BinOp):
        left = _range(node.left, rules, depth + 1)
        right = _range(node.right, rules, depth + 1)
        if isinstance(node.op, ast.Add):
            return _add(left, right, 1)
        if isinstance(node.op, ast.Sub):
            return _add(left, right, -1)
        if isinstance(node.op, ast.Mult):
            return _mul(left, right)
        if isinstance(node.op, ast.Div) and right[0] is not None and right[0] > 0:
            if right[1] is None:
                return _UNKNOWN
            return _mul(left, (1 / right[1], 1 / right[0]))
        return _UNKNOWN
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = node.func.id
        if name == "capped_ratio":
            return Decimal(0), Decimal(1)
        args = [_range(a, rules, depth + 1) for a in node.args]
        if name in ("min", "max") and args:
            pick = min if name == "min" else max
            los = [a[0] for a in args]
            his = [a[1] for a in args]
            if name == "min":
                lo = None if None in los else pick(x for x in los if x is not None)
                known = [h for h in his if h is not None]
                hi = min(known) if known else None
            else:
                hi = None if None in his else pick(x for x in his if x is not None)
                known = [lo_ for lo_ in los if lo_ is not None]
                lo = max(known) if known else None
            return lo, hi
        if name == "clamp" and len(args) == 3:
            return args[1][0], args[2][1]
    return _UNKNOWN


def expr_range(source: str, rules: RuleSet) -> _Range:
    """(lowest, highest) value the expression ``source`` can take; ``None`` where unknown."""
    node = _parse(source)
    if node is None:
        return _UNKNOWN
    try:
        return _range(node, rules, 0)
    except (InvalidOperation, ArithmeticError):
        return _UNKNOWN


def _relations(rules: RuleSet) -> set[tuple[str, str]]:
    """(small, big) for each relation ``small <= big`` (or ``<``, ``>=``, ``>``) of two names."""
    out: set[tuple[str, str]] = set()
    for rel in rules.relations:
        node = _parse(rel.check)
        if not isinstance(node, ast.Compare) or len(node.ops) != 1:
            continue
        left, right = node.left, node.comparators[0]
        if not (isinstance(left, ast.Name) and isinstance(right, ast.Name)):
            continue
        op = node.ops[0]
        if isinstance(op, ast.LtE | ast.Lt):
            out.add((left.id, right.id))
        elif isinstance(op, ast.GtE | ast.Gt):
            out.add((right.id, left.id))
    return out


def check_ratio_order(rules: RuleSet, source: str, path: _Path, ctx: CheckContext) -> None:
    """``capped_ratio(a, b)`` or ``ratio(a, b, d)`` where a relation declares ``b <= a``."""
    node = _parse(source)
    if node is None:
        return
    declared = _relations(rules)
    if not declared:
        return
    for call in ast.walk(node):
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id in ("capped_ratio", "ratio")
            and len(call.args) >= 2
        ):
            continue
        num, den = call.args[0], call.args[1]
        if not (isinstance(num, ast.Name) and isinstance(den, ast.Name)):
            continue
        if (den.id, num.id) in declared:
            ctx.error(
                "E-RATIO-SWAPPED",
                msg(
                    "{function}({numerator}, {denominator}): a relation declares "
                    "{denominator} <= {numerator}, so the ratio is never below 1 "
                    "(numerator and denominator swapped?)",
                    function=call.func.id,
                    numerator=num.id,
                    denominator=den.id,
                ),
                path,
                hint=msg(
                    "write {function}({denominator}, {numerator}): the part first, the whole "
                    "second",
                    function=call.func.id,
                    numerator=num.id,
                    denominator=den.id,
                ),
            )
