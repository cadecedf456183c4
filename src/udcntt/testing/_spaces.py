"""The space of valid values of one block of a rule set: ranges, relations, drawing order.

:func:`block_space` reads, once per compiled rule set and block, what the strategies of
:mod:`udcntt.testing._strategies` need to draw valid answers: each indicator's effective
range and grain, the linear relations to satisfy by drawing the bounding side first, the
clauses of other relations, and an order in which to draw. :func:`relations_hold` checks
the declared relations on drawn values.
"""

from __future__ import annotations

import ast
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from udcntt.data import NA, Marker, ValueOrMarker
from udcntt.expressions import Expression, RuleArithmeticError
from udcntt.model import Indicator, IndicatorType, RuleSet
from udcntt.program import CompiledRuleSet, compile_rules

__all__ = [
    "BlockSpace",
    "Clause",
    "LinearRelation",
    "block_space",
    "clause_relation",
    "compiled_of",
    "linear_relation",
    "plain_decimal",
    "relations_hold",
]


_NUMERIC = (IndicatorType.COUNT, IndicatorType.NUMBER, IndicatorType.RATIO)
_GRAIN = {
    IndicatorType.COUNT: Decimal(1),
    IndicatorType.NUMBER: Decimal("0.01"),
    IndicatorType.RATIO: Decimal("0.0001"),
}


def compiled_of(rules: RuleSet | CompiledRuleSet) -> CompiledRuleSet:
    """The compiled form of ``rules`` (cached on the rule set)."""
    return rules if isinstance(rules, CompiledRuleSet) else compile_rules(rules)


def plain_decimal(value: Decimal) -> str:
    """``Decimal`` as the shortest plain text: ``100``, ``0.25`` (never ``1E+2``)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


# ---------------------------------------------------------------------------------------
# Relations


@dataclass(frozen=True)
class LinearRelation:
    """``sum(lhs) <= sum(rhs) + const`` (``<`` when ``strict``), over numeric indicators."""

    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    const: Decimal
    strict: bool


def _terms(node: ast.expr) -> tuple[list[str], Decimal] | None:
    if isinstance(node, ast.Name):
        return [node.id], Decimal(0)
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        return [], Decimal(repr(node.value))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _terms(node.left), _terms(node.right)
        if left is None or right is None:
            return None
        return left[0] + right[0], left[1] + right[1]
    return None


def linear_relation(text: str, numeric: Mapping[str, Indicator]) -> LinearRelation | None:
    """Read ``a + b <= c + 2`` style relations; ``None`` for anything else."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(tree, ast.Compare) or len(tree.ops) != 1:
        return None
    op = tree.ops[0]
    left, right = _terms(tree.left), _terms(tree.comparators[0])
    if left is None or right is None:
        return None
    if isinstance(op, ast.LtE | ast.Lt):
        small, big = left, right
    elif isinstance(op, ast.GtE | ast.Gt):
        small, big = right, left
    else:
        return None
    names = small[0] + big[0]
    if not small[0] or any(n not in numeric for n in names) or len(set(names)) != len(names):
        return None
    return LinearRelation(
        lhs=tuple(small[0]),
        rhs=tuple(big[0]),
        const=big[1] - small[1],
        strict=isinstance(op, ast.Lt | ast.Gt),
    )


@dataclass(frozen=True)
class Clause:
    """``l1 or l2 or …`` over yes/no indicators; each literal is (name, wanted value)."""

    literals: tuple[tuple[str, bool], ...]


def _literal(node: ast.expr) -> tuple[str, bool] | None:
    if isinstance(node, ast.Name):
        return node.id, True
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.Not)
        and isinstance(node.operand, ast.Name)
    ):
        return node.operand.id, False
    return None


def clause_relation(text: str, booleans: Mapping[str, Indicator]) -> Clause | None:
    """Read ``a or not b`` style relations over yes/no indicators; ``None`` for anything else."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
    nodes = tree.values if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.Or) else [tree]
    literals = [_literal(n) for n in nodes]
    if any(lit is None for lit in literals):
        return None
    found = tuple(lit for lit in literals if lit is not None)
    names = [n for n, _ in found]
    if any(n not in booleans for n in names) or len(set(names)) != len(names):
        return None
    return Clause(found)


def relations_hold(
    compiled: CompiledRuleSet, block: str, values: Mapping[str, ValueOrMarker]
) -> bool:
    """Whether the declared relations of ``block`` hold for ``values`` (as scoring checks them).

    A relation reading a not-applicable value is skipped, as :func:`udcntt.evaluate` does.
    """
    plan = compiled.blocks[block]
    env = {k: v for k, v in values.items() if not isinstance(v, Marker)}
    for index in plan.relations:
        _, expr = compiled.relations[index]
        if any(values.get(n) is NA for n in expr.names):
            continue
        try:
            if not expr.evaluate(env):
                return False
        except (RuleArithmeticError, KeyError, TypeError):
            continue
    return True


# ---------------------------------------------------------------------------------------
# The space of valid values of one block


@dataclass
class _Var:
    id: str
    indicator: Indicator
    lo: Decimal | None
    hi: Decimal | None
    specials: tuple[Decimal, ...] = ()


@dataclass
class BlockSpace:
    """What valid data looks like for one block: indicators in drawing order, relations."""

    block: str
    order: tuple[str, ...]
    variables: dict[str, _Var]
    bounded_by: dict[str, list[LinearRelation]] = field(default_factory=dict)
    closes: dict[str, list[Clause]] = field(default_factory=dict)
    relation_names: frozenset[str] = frozenset()
    general: tuple[Expression, ...] = ()


def _band_thresholds(compiled: CompiledRuleSet, block: str) -> dict[str, set[Decimal]]:
    """Values of each indicator where some rule's points change, as its rule type says."""
    out: dict[str, set[Decimal]] = {}
    for leaf in compiled.blocks[block].leaves:
        rule = leaf.rule
        if rule is None:
            continue
        for name, values in rule.type.thresholds(rule).items():
            if name in compiled.rules.indicators:
                out.setdefault(name, set()).update(values)
    return out


def _topological(names: Sequence[str], edges: Mapping[str, set[str]]) -> list[str] | None:
    """``names`` ordered so that every name comes after the names in ``edges[name]``."""
    pending = {n: set(edges.get(n, ())) & set(names) for n in names}
    out: list[str] = []
    while pending:
        ready = [n for n in names if n in pending and not pending[n]]
        if not ready:
            return None
        for n in ready:
            out.append(n)
            del pending[n]
        for deps in pending.values():
            deps.difference_update(ready)
    return out


_SPACES: weakref.WeakKeyDictionary[CompiledRuleSet, dict[str, BlockSpace]] = (
    weakref.WeakKeyDictionary()
)


def block_space(rules: RuleSet | CompiledRuleSet, block: str) -> BlockSpace:
    """Analyse the indicators and relations of ``block`` for drawing valid values (cached)."""
    compiled = compiled_of(rules)
    cache = _SPACES.setdefault(compiled, {})
    if block not in cache:
        cache[block] = _block_space(compiled, block)
    return cache[block]


def _block_space(compiled: CompiledRuleSet, block: str) -> BlockSpace:
    rule_set = compiled.rules
    if block not in compiled.blocks:
        raise KeyError(block)
    plan = compiled.blocks[block]
    declared = list(rule_set.indicators)
    names = sorted(plan.indicators, key=declared.index)
    specials = _band_thresholds(compiled, block)
    variables: dict[str, _Var] = {}
    for name in names:
        ind = rule_set.indicators[name]
        lo, hi = ind.bounds if ind.type in _NUMERIC else (None, None)
        near: set[Decimal] = set()
        if ind.type in _NUMERIC:
            grain = _GRAIN[ind.type]
            for t in specials.get(name, ()):
                near.update((t - grain, t, t + grain))
            near = {v for v in near if (lo is None or v >= lo) and (hi is None or v <= hi)}
            if ind.type is IndicatorType.COUNT:
                near = {v for v in near if v == v.to_integral_value()}
        variables[name] = _Var(name, ind, lo, hi, tuple(sorted(near)))
    numeric = {n: v.indicator for n, v in variables.items() if v.indicator.type in _NUMERIC}
    booleans = {
        n: v.indicator for n, v in variables.items() if v.indicator.type is IndicatorType.BOOL
    }
    clauses: list[Clause] = []
    linear: list[LinearRelation] = []
    general: list[Expression] = []
    relation_names: set[str] = set()
    for index in plan.relations:
        rel, expr = compiled.relations[index]
        relation_names |= {n for n in expr.names if n in rule_set.indicators}
        lin = linear_relation(rel.check, numeric)
        clause = clause_relation(rel.check, booleans) if lin is None else None
        if lin is not None:
            linear.append(lin)
        elif clause is not None:
            clauses.append(clause)
        else:
            general.append(expr)
    edges: dict[str, set[str]] = {}
    for lin in linear:
        for small in lin.lhs:
            edges.setdefault(small, set()).update(lin.rhs)
    order = _topological(names, edges)
    bounded_by: dict[str, list[LinearRelation]] = {}
    if order is None:  # relations in a cycle: draw freely, check afterwards
        order = names
        general.extend(compiled.relations[i][1] for i in plan.relations)
    else:
        for lin in linear:
            for small in lin.lhs:
                bounded_by.setdefault(small, []).append(lin)
    closes: dict[str, list[Clause]] = {}
    position = {n: i for i, n in enumerate(order)}
    for clause in clauses:
        last = max((n for n, _ in clause.literals), key=position.__getitem__)
        closes.setdefault(last, []).append(clause)
    return BlockSpace(
        block=block,
        order=tuple(order),
        variables=variables,
        bounded_by=bounded_by,
        closes=closes,
        relation_names=frozenset(relation_names),
        general=tuple(general),
    )
