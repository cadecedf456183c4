"""Ranges of a leaf's points proven before any data is seen, for the generated code.

The generated fast path checks that every leaf's points lie in ``[0, max]`` (else the
agency goes to the reference path, which reports ``E-EVAL-RANGE``). Where this module
proves the points cannot leave that range, the check is left out of the generated code.

A proof must hold for the values the generated code computes, not for exact arithmetic:
every bound here is computed with the operations of :data:`DECIMAL_CONTEXT` (the context
the generated code runs under) applied to the bounds of the operands. Decimal rounding to
a fixed precision never reverses an order, so ``x <= y`` gives ``round(x + z) <=
round(y + z)``, and the rounded result of an operation lies between the rounded results
at the corners of its operands' ranges. Inputs lie in their declared ranges (the
generated code has checked them, with the declared relations, before any rule runs).

The analysis covers the built-in rule types whose points are constants or expressions
(``points``, ``bands``, ``lookup``, ``conditions``, ``per_item``, ``sum_of``,
``best_of``), each with its ``cap``. A rule type of a plugin, a population rule
(``normalise``) or anything the analysis does not know has no proven range: its leaf
keeps its check. Unlike the load-time warnings' range analysis (``_ranges.expr_range``,
which reads the source's literals as binary floats), this one reads the checked tree,
whose literals are exact decimals.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from decimal import Decimal, DecimalException
from typing import Any

from udcntt.expressions import DECIMAL_CONTEXT, Expression
from udcntt.model import IndicatorType
from udcntt.program._plan import BlockPlan, CompiledRuleSet

__all__ = ["ProvenRanges", "points_range"]

#: (lowest, highest); ``None`` on a side that is not bounded (or not known).
Range = tuple[Decimal | None, Decimal | None]
#: Pairs ``(a, b)`` of names known to satisfy ``a <= b`` where an expression is evaluated.
Facts = frozenset[tuple[str, str]]

_UNKNOWN: Range = (None, None)
_ZERO = Decimal(0)
_ONE = Decimal(1)
_CTX = DECIMAL_CONTEXT.copy()
_NUMBERS = (IndicatorType.COUNT, IndicatorType.NUMBER, IndicatorType.RATIO)
#: Rule types whose points the analysis knows (built-ins only; a plugin may reuse a name).
_KNOWN_RULES = ("points", "bands", "lookup", "conditions", "per_item", "sum_of", "best_of")


def _lowest(values: Iterable[Decimal | None]) -> Decimal | None:
    """The least of ``values``; ``None`` (unbounded) when one is."""
    known = list(values)
    return None if any(v is None for v in known) else min(v for v in known if v is not None)


def _highest(values: Iterable[Decimal | None]) -> Decimal | None:
    known = list(values)
    return None if any(v is None for v in known) else max(v for v in known if v is not None)


def _hull(*ranges: Range) -> Range:
    """The smallest range holding every one of ``ranges``."""
    return _lowest(r[0] for r in ranges), _highest(r[1] for r in ranges)


def _least(ranges: list[Range]) -> Range:
    """The range of ``min`` of values in ``ranges``."""
    his = [r[1] for r in ranges if r[1] is not None]
    return _lowest(r[0] for r in ranges), (min(his) if his else None)


def _most(ranges: list[Range]) -> Range:
    """The range of ``max`` of values in ``ranges``."""
    los = [r[0] for r in ranges if r[0] is not None]
    return (max(los) if los else None), _highest(r[1] for r in ranges)


def _op(fn: Any, a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else fn(a, b)


def _unary(fn: Any, a: Decimal | None) -> Decimal | None:
    return None if a is None else fn(a)


def _add(a: Range, b: Range) -> Range:
    return _op(_CTX.add, a[0], b[0]), _op(_CTX.add, a[1], b[1])


def _sub(a: Range, b: Range) -> Range:
    return _op(_CTX.subtract, a[0], b[1]), _op(_CTX.subtract, a[1], b[0])


def _nonnegative(r: Range) -> bool:
    return r[0] is not None and r[0] >= 0


def _corners(fn: Any, a: Range, b: Range) -> Range:
    """Every operand bound known: the range of ``fn`` is that of its four corners."""
    values = [fn(x, y) for x in a for y in b if x is not None and y is not None]
    return min(values), max(values)


def _mul(a: Range, b: Range) -> Range:
    if None not in a and None not in b:
        return _corners(_CTX.multiply, a, b)
    if _nonnegative(a) and _nonnegative(b):
        return _op(_CTX.multiply, a[0], b[0]), _op(_CTX.multiply, a[1], b[1])
    return _UNKNOWN


def _div(a: Range, b: Range) -> Range:
    """``a / b`` for a divisor range that excludes zero; unknown otherwise."""
    lo, hi = b
    if lo is None or hi is None or (lo <= 0 <= hi):
        return _UNKNOWN
    if None not in a:
        return _corners(_CTX.divide, a, b)
    if _nonnegative(a) and lo > 0:
        return _ZERO, None
    return _UNKNOWN


def _facts(test: ast.expr, holds: bool) -> Facts:
    """What ``test`` being ``holds`` says about the order of two names."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _facts(test.operand, not holds)
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) and holds:
        return frozenset().union(*(_facts(v, True) for v in test.values))
    if not isinstance(test, ast.Compare) or (not holds and len(test.ops) != 1):
        return frozenset()
    out: set[tuple[str, str]] = set()
    operands = [test.left, *test.comparators]
    for op, left, right in zip(test.ops, operands, operands[1:], strict=False):
        if not (isinstance(left, ast.Name) and isinstance(right, ast.Name)):
            continue
        below = isinstance(op, ast.Lt | ast.LtE)
        if not below and not isinstance(op, ast.Gt | ast.GtE):
            continue
        # a <= b holds, or a > b fails: a is not above b (and the other way round).
        out.add((left.id, right.id) if below == holds else (right.id, left.id))
    return frozenset(out)


class _Analysis:
    """Ranges of the expressions of one block, for one set of not-applicable inputs."""

    def __init__(self, compiled: CompiledRuleSet, plan: BlockPlan, na: frozenset[str]) -> None:
        self.compiled = compiled
        self.na = na
        self.derived = {d for d in plan.derived if not (compiled.derived_reads[d] & na)}
        self.memo: dict[str, Range] = {}
        facts: set[tuple[str, str]] = set()
        for index in plan.relations:
            _, expr = compiled.relations[index]
            if not (expr.names & na):
                facts |= _facts(expr.tree, True)
        self.facts: Facts = frozenset(facts)

    def name(self, name: str) -> Range:
        if name in self.memo:
            return self.memo[name]
        found: Range = _UNKNOWN
        indicator = self.compiled.rules.indicators.get(name)
        if indicator is not None and name not in self.na and indicator.type in _NUMBERS:
            found = indicator.bounds
        elif name in self.derived:
            self.memo[name] = _UNKNOWN  # a cycle cannot pass the loader; never loop
            found = self.expr(self.compiled.derived[name])
        self.memo[name] = found
        return found

    def expr(self, e: Expression) -> Range:
        try:
            return self.node(e.tree, self.facts)
        except (DecimalException, ArithmeticError, RecursionError):
            return _UNKNOWN

    def node(self, node: ast.expr, facts: Facts) -> Range:
        if isinstance(node, ast.Constant):
            value = node.value
            return (value, value) if isinstance(value, Decimal) else _UNKNOWN
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            lo, hi = self.node(node.operand, facts)
            if isinstance(node.op, ast.UAdd):
                return _unary(_CTX.plus, lo), _unary(_CTX.plus, hi)
            return _unary(_CTX.minus, hi), _unary(_CTX.minus, lo)
        if isinstance(node, ast.BinOp):
            left, right = self.node(node.left, facts), self.node(node.right, facts)
            if isinstance(node.op, ast.Add):
                return _add(left, right)
            if isinstance(node.op, ast.Sub):
                return _sub(left, right)
            if isinstance(node.op, ast.Mult):
                return _mul(left, right)
            if isinstance(node.op, ast.Div):
                return _div(left, right)
            return _UNKNOWN
        if isinstance(node, ast.IfExp):
            body = self.node(node.body, facts | _facts(node.test, True))
            orelse = self.node(node.orelse, facts | _facts(node.test, False))
            return _hull(body, orelse)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node.func.id, node.args, facts)
        return _UNKNOWN

    def call(self, name: str, args: list[ast.expr], facts: Facts) -> Range:
        if name == "count_true":
            return _ZERO, Decimal(len(args))
        if name not in ("min", "max", "clamp", "ratio", "capped_ratio", "per_item", "bands"):
            return _UNKNOWN
        ranges = [self.node(a, facts) for a in args]
        if name == "min":
            return _least(ranges)
        if name == "max":
            return _most(ranges)
        if name == "clamp":
            return _least([_most(ranges[:2]), ranges[2]])
        if name == "per_item":
            return _least([_mul(ranges[0], ranges[1]), ranges[2]])
        if name == "capped_ratio":
            return _ZERO, _ONE
        if name == "bands":
            return _hull(*ranges[2::2], ranges[-1])
        return _hull(self.quotient(args, ranges, facts), ranges[2])

    def quotient(self, args: list[ast.expr], ranges: list[Range], facts: Facts) -> Range:
        """The range of ``a / b`` in ``ratio(a, b, default)`` where ``b`` is not zero."""
        a, b = args[0], args[1]
        if (
            isinstance(a, ast.Name)
            and isinstance(b, ast.Name)
            and (a.id, b.id) in facts
            and _nonnegative(ranges[0])
        ):
            # 0 <= a <= b and b != 0: the exact quotient lies in [0, 1], so does its rounding.
            return _ZERO, _ONE
        quotient = _div(ranges[0], ranges[1])
        if quotient == _UNKNOWN and _nonnegative(ranges[0]) and _nonnegative(ranges[1]):
            return _ZERO, None  # b > 0 wherever it is not zero
        return quotient

    def rule(self, rule: Any) -> Range:
        """The range of a compiled rule's points, its ``cap`` applied."""
        kind = rule.kind
        if not rule.type.builtin or kind not in _KNOWN_RULES or rule.population:
            return _UNKNOWN
        found: Range
        if kind == "points":
            found = self.expr(rule.exprs["expr"])
        elif kind == "bands":
            points = [pts for _, _, pts in rule.params]
            found = _hull(*((p, p) for p in [*points, rule.spec.otherwise]))
        elif kind == "lookup":
            points = [*rule.params.values(), rule.spec.otherwise]
            found = _hull(*((p, p) for p in points))
        elif kind == "conditions":
            # Each condition gives its points or zero, summed from the first term on.
            terms = [_hull((points, points), (_ZERO, _ZERO)) for points, _ in rule.params]
            found = terms[0] if terms else _UNKNOWN
            for term in terms[1:]:
                found = _add(found, term)
        elif kind == "per_item":
            each, cap = rule.spec.points, rule.spec.cap
            found = _least([_mul(self.expr(rule.exprs["count"]), (each, each)), (cap, cap)])
        else:
            parts = [self.rule(p) for p in rule.parts]
            if kind == "sum_of":
                found = parts[0]
                for part in parts[1:]:
                    found = _add(found, part)
            else:
                found = _most(parts)
        if rule.cap is not None:
            found = _least([found, (rule.cap, rule.cap)])
        return found


def points_range(
    compiled: CompiledRuleSet, plan: BlockPlan, rule: Any, na: frozenset[str] = frozenset()
) -> Range:
    """The range of the points ``rule`` gives in the generated code of ``plan``.

    Args:
        compiled: The compiled rule set.
        plan: The block whose generated code computes the points.
        rule: A leaf's compiled rule.
        na: The inputs not applicable in the generated functions (their leaves are not
            computed; what reads them has no range).

    Returns:
        (lowest, highest); ``None`` on a side the analysis cannot bound.
    """
    return _Analysis(compiled, plan, na).rule(rule)


class ProvenRanges:
    """Which leaves of a block need no range check in its generated functions.

    One analysis per block and set of not-applicable inputs: derived values are analysed
    once for all the leaves that read them.

    Args:
        compiled: The compiled rule set.
        plan: The block.
        na: The not-applicable inputs of the generated functions.
    """

    def __init__(
        self, compiled: CompiledRuleSet, plan: BlockPlan, na: frozenset[str] = frozenset()
    ) -> None:
        self._analysis = _Analysis(compiled, plan, na)

    def bounds(self, node: ast.expr) -> Range:
        """The proven range of a subexpression of the block's derived values and rules
        (``(None, None)`` when nothing is proven): a value read after the generated code
        has checked the inputs and the relations."""
        try:
            return self._analysis.node(node, self._analysis.facts)
        except (DecimalException, ArithmeticError, RecursionError):
            return _UNKNOWN

    def in_range(self, rule: Any, top: Decimal, quantum: Decimal | None, rounding: str) -> bool:
        """Whether the points of ``rule`` always lie in ``[0, top]`` in the generated code.

        Args:
            rule: The leaf's compiled rule.
            top: The leaf's maximum.
            quantum: The places leaf points are rounded to before the check, if any
                (rounding keeps the order: the rounded points lie between the rounded
                bounds).
            rounding: The :mod:`decimal` rounding mode of that rounding.

        Returns:
            ``True`` only when proven; the generated code then leaves the check out.
        """
        lo, hi = self._analysis.rule(rule)
        if lo is None or hi is None:
            return False
        if quantum is not None:
            try:
                lo = lo.quantize(quantum, rounding, _CTX)
                hi = hi.quantize(quantum, rounding, _CTX)
            except DecimalException:
                return False
        return lo >= 0 and hi <= top
