"""Hypothesis strategies derived from a rule set: valid agency data, datasets, rule sets.

Everything here is valid by construction where the rule file says enough to construct it:

* values respect the indicator's type and range (:attr:`udcntt.model.Indicator.bounds`);
  numbers without a declared bound are drawn within ``unbounded`` of the other bound (or of
  0), so a ``number`` with no range may be negative — declare ``range: [0, null]`` when it
  cannot be;
* category indicators take one of their categories, yes/no indicators ``True``/``False``,
  dates a day between 2000 and 2035;
* :data:`~udcntt.NA` appears only where the indicator allows it (``not_applicable: true``),
  :data:`~udcntt.MISSING` only where the missing policy is not ``error`` and the value is
  not part of a declared relation;
* linear relations (``a <= b``, ``a + b <= c``, ``a < b``, ``a >= b + 1``) are satisfied by
  drawing the bounding side first; any other relation is checked after drawing and the
  example is rejected (:func:`hypothesis.reject`) when it fails.

Shrinking goes toward the simplest case: fewer agencies, the first block, small numbers
(or the lower bound), ``False``, the first category, applicable values.
"""

from __future__ import annotations

import ast
import datetime
import math
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from hypothesis import reject
from hypothesis import strategies as st

from udcntt.data import MISSING, NA, AgencyRecord, Dataset, Marker, ValueOrMarker
from udcntt.expressions import Expression, RuleArithmeticError
from udcntt.model import Direction, Indicator, IndicatorType, MissingPolicy, RuleSet
from udcntt.program import CompiledRuleSet, compile_rules

__all__ = [
    "DEFAULT_UNBOUNDED",
    "agency_records",
    "agency_values",
    "datasets",
    "rule_set_documents",
    "rule_sets",
]

#: How far from the other bound (or from 0) an unbounded number is drawn.
DEFAULT_UNBOUNDED = Decimal(1000)

_NUMERIC = (IndicatorType.COUNT, IndicatorType.NUMBER, IndicatorType.RATIO)
_GRAIN = {
    IndicatorType.COUNT: Decimal(1),
    IndicatorType.NUMBER: Decimal("0.01"),
    IndicatorType.RATIO: Decimal("0.0001"),
}
_FIRST_DAY = datetime.date(2000, 1, 1)
_LAST_DAY = datetime.date(2035, 12, 31)
# Strategies built once: building one per draw is what makes drawing slow.
_ONE_IN_FOUR = st.integers(0, 3)
_MARKER_ONE = st.integers(0, 4)
_MARKER_BOTH = st.integers(0, 5)
_BOOLEANS = st.booleans()
_DAYS = st.integers(0, (_LAST_DAY - _FIRST_DAY).days)


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
    out: dict[str, set[Decimal]] = {}
    for leaf in compiled.blocks[block].leaves:
        rule = leaf.rule
        stack = [rule] if rule is not None else []
        while stack:
            current = stack.pop()
            stack.extend(current.parts)
            if current.kind == "bands" and current.expr is not None:
                name = current.expr.source.strip()
                if name in compiled.rules.indicators:
                    out.setdefault(name, set()).update(b for _, b, _ in current.steps)
            if current.kind == "normalise" and current.normalise is not None:
                spec = current.normalise
                if spec.goalposts is not None and current.expr is not None:
                    name = current.expr.source.strip()
                    out.setdefault(name, set()).update(spec.goalposts)
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


def _effective_range(var: _Var, unbounded: Decimal) -> tuple[Decimal, Decimal]:
    lo, hi = var.lo, var.hi
    if lo is None:
        if hi is None:
            return -unbounded, unbounded
        return min(hi, Decimal(0)) - unbounded, hi
    if hi is None:
        return lo, max(lo, Decimal(0)) + unbounded
    return lo, hi


def _draw_number(
    draw: st.DrawFn, kind: IndicatorType, lo: Decimal, hi: Decimal, specials: Sequence[Decimal]
) -> Decimal:
    grain = _GRAIN[kind]
    inside = [s for s in specials if lo <= s <= hi]
    # One draw in four takes a value next to a threshold of the rules (bands, goalposts).
    if inside and draw(_ONE_IN_FOUR) == 3:
        return inside[draw(st.integers(0, len(inside) - 1))]
    k_lo = math.ceil(lo / grain)
    k_hi = math.floor(hi / grain)
    if k_lo > k_hi:
        return lo
    value = Decimal(draw(st.integers(k_lo, k_hi))) * grain
    return value.quantize(Decimal(1)) if kind is IndicatorType.COUNT else value.quantize(grain)


def _missing_allowed(var: _Var, space: BlockSpace) -> bool:
    ind = var.indicator
    if ind.missing is MissingPolicy.ERROR or var.id in space.relation_names:
        return False
    if ind.missing is MissingPolicy.ZERO and ind.type in _NUMERIC:
        # 'missing: zero' on a range without 0 makes the survey unscoreable; not our data.
        return (var.lo is None or var.lo <= 0) and (var.hi is None or var.hi >= 0)
    return True


def _upper_cap(
    var: _Var,
    space: BlockSpace,
    values: Mapping[str, ValueOrMarker],
    unbounded: Decimal,
) -> Decimal | None:
    caps: list[Decimal] = []
    for lin in space.bounded_by.get(var.id, ()):
        big = [values.get(n) for n in lin.rhs]
        if any(not isinstance(v, Decimal) for v in big):
            continue  # not drawn, not applicable: the relation does not constrain
        others = [n for n in lin.lhs if n != var.id]
        if any(values.get(n) is NA for n in others):
            continue
        used = Decimal(0)
        for other in others:
            got = values.get(other)
            if isinstance(got, Decimal):
                used += got
            else:
                other_var = space.variables[other]
                used += _effective_range(other_var, unbounded)[0]
        cap = sum((v for v in big if isinstance(v, Decimal)), Decimal(0)) + lin.const - used
        if lin.strict:
            cap -= _GRAIN[var.indicator.type]
        caps.append(cap)
    return min(caps) if caps else None


def draw_values(
    draw: st.DrawFn,
    space: BlockSpace,
    *,
    not_applicable: bool = True,
    missing: bool = True,
    unbounded: Decimal = DEFAULT_UNBOUNDED,
) -> dict[str, ValueOrMarker]:
    """Draw one agency's values for ``space`` (inside a :func:`hypothesis.strategies.composite`)."""
    values: dict[str, ValueOrMarker] = {}
    for name in space.order:
        var = space.variables[name]
        ind = var.indicator
        # The value is drawn even when a marker replaces it, so that every agency makes the
        # same choices: hypothesis then shrinks toward "no marker, smallest value" rather
        # than toward whatever saves a choice.
        value: ValueOrMarker
        if ind.type in _NUMERIC:
            lo, hi = _effective_range(var, unbounded)
            cap = _upper_cap(var, space, values, unbounded)
            if cap is not None:
                hi = min(hi, cap)
            if hi < lo:
                reject()
            value = _draw_number(draw, ind.type, lo, hi, var.specials)
        elif ind.type is IndicatorType.BOOL:
            flag: bool = draw(_BOOLEANS)
            for clause in space.closes.get(name, ()):
                others = [(n, want) for n, want in clause.literals if n != name]
                if any(values.get(n) is NA for n, _ in others):
                    continue  # the relation is skipped for this agency
                if not any(values.get(n) is want for n, want in others):
                    flag = dict(clause.literals)[name]  # the only literal left must hold
            value = flag
        elif ind.type is IndicatorType.CATEGORY:
            categories = list(ind.categories or {})
            value = categories[draw(st.integers(0, len(categories) - 1))]
        else:
            value = _FIRST_DAY + datetime.timedelta(days=draw(_DAYS))
        # One choice decides the marker: 0–3 keep the value, 4 not applicable, 5 missing.
        can_na = not_applicable and ind.not_applicable
        can_miss = missing and _missing_allowed(var, space)
        if can_na or can_miss:
            pick = draw(_MARKER_BOTH if can_na and can_miss else _MARKER_ONE)
            if pick == 4:
                value = NA if can_na else MISSING
            elif pick == 5:
                value = MISSING
        values[name] = value
    if space.general:
        env = {k: v for k, v in values.items() if not isinstance(v, Marker)}
        for expr in space.general:
            if any(values.get(n) is NA for n in expr.names):
                continue
            try:
                ok = bool(expr.evaluate(env))
            except (RuleArithmeticError, KeyError, TypeError):
                continue
            if not ok:
                reject()
    declared = list(space.variables)
    return {k: values[k] for k in sorted(values, key=declared.index)}


def agency_values(
    rules: RuleSet | CompiledRuleSet,
    block: str,
    *,
    not_applicable: bool = True,
    missing: bool = True,
    unbounded: Decimal = DEFAULT_UNBOUNDED,
) -> st.SearchStrategy[dict[str, ValueOrMarker]]:
    """Valid survey answers of one agency of ``block``, keyed by indicator id.

    Args:
        rules: the rule set (loaded or compiled).
        block: a block id of the rule set.
        not_applicable: allow :data:`~udcntt.NA` where the indicator allows it.
        missing: allow :data:`~udcntt.MISSING` where the missing policy scores it.
        unbounded: spread of values on an open side of a range.

    Returns:
        A strategy of ``{indicator id: Decimal | bool | str | date | NA | MISSING}`` with
        every indicator the block's criteria and relations read, satisfying the declared
        relations.

    >>> from udcntt.testing import agency_values                  # doctest: +SKIP
    >>> @given(agency_values(rules, "so"))                         # doctest: +SKIP
    ... def test_no_crash(values): ...
    """
    space = block_space(rules, block)

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, ValueOrMarker]:
        return draw_values(
            draw, space, not_applicable=not_applicable, missing=missing, unbounded=unbounded
        )

    return build()


def _fill_imputed(
    rules: RuleSet, records: list[AgencyRecord], spaces: Mapping[str, BlockSpace]
) -> list[AgencyRecord]:
    """Give one agency a value where a whole block would impute from nothing."""
    out = list(records)
    for block, space in spaces.items():
        members = [i for i, r in enumerate(out) if r.block == block]
        for name, var in space.variables.items():
            if var.indicator.missing not in (MissingPolicy.IMPUTE_MEAN, MissingPolicy.IMPUTE_MIN):
                continue
            vals = [out[i].values.get(name, MISSING) for i in members]
            if any(isinstance(v, Decimal) for v in vals) or MISSING not in vals:
                continue
            first = members[vals.index(MISSING)]
            lo, hi = _effective_range(var, DEFAULT_UNBOUNDED)
            fill = min(max(Decimal(0), lo), hi)
            if var.indicator.type is IndicatorType.COUNT:
                fill = Decimal(math.ceil(fill))
            rec = out[first]
            out[first] = AgencyRecord(
                id=rec.id, name=rec.name, block=rec.block, values={**rec.values, name: fill}
            )
    return out


def agency_records(
    rules: RuleSet | CompiledRuleSet,
    *,
    blocks: Sequence[str] | None = None,
    not_applicable: bool = True,
    missing: bool = True,
    unbounded: Decimal = DEFAULT_UNBOUNDED,
    agency_id: str = "a1",
) -> st.SearchStrategy[AgencyRecord]:
    """One agency (:class:`~udcntt.AgencyRecord`) of one of ``blocks`` (default: all)."""
    compiled = compiled_of(rules)
    chosen = list(blocks) if blocks is not None else list(compiled.blocks)
    spaces = {b: block_space(compiled, b) for b in chosen}

    @st.composite
    def build(draw: st.DrawFn) -> AgencyRecord:
        block = draw(st.sampled_from(chosen))
        values = draw_values(
            draw, spaces[block], not_applicable=not_applicable, missing=missing, unbounded=unbounded
        )
        return AgencyRecord(id=agency_id, name=agency_id, block=block, values=values)

    return build()


def datasets(
    rules: RuleSet | CompiledRuleSet,
    min_agencies: int = 1,
    max_agencies: int = 5,
    *,
    blocks: Sequence[str] | None = None,
    not_applicable: bool = True,
    missing: bool = True,
    unbounded: Decimal = DEFAULT_UNBOUNDED,
) -> st.SearchStrategy[Dataset]:
    """Whole surveys: ``min_agencies`` to ``max_agencies`` agencies over the blocks.

    Agencies are named ``a1``, ``a2``, … in order; each block's values come from
    :func:`agency_values`. When every agency of a block lacks a value whose missing policy
    imputes from the block, one of them gets the lowest valid value so the survey stays
    scoreable.
    """
    if min_agencies < 0 or max_agencies < max(min_agencies, 1):
        raise ValueError("need 0 <= min_agencies <= max_agencies and max_agencies >= 1")
    compiled = compiled_of(rules)
    chosen = list(blocks) if blocks is not None else list(compiled.blocks)
    for b in chosen:
        if b not in compiled.blocks:
            raise ValueError(f"unknown block '{b}'")
    spaces = {b: block_space(compiled, b) for b in chosen}

    @st.composite
    def one(draw: st.DrawFn) -> tuple[str, dict[str, ValueOrMarker]]:
        block = draw(st.sampled_from(chosen))
        values = draw_values(
            draw, spaces[block], not_applicable=not_applicable, missing=missing, unbounded=unbounded
        )
        return block, values

    @st.composite
    def build(draw: st.DrawFn) -> Dataset:
        rows = draw(st.lists(one(), min_size=min_agencies, max_size=max_agencies))
        records = [
            AgencyRecord(id=f"a{i + 1}", name=f"a{i + 1}", block=b, values=v)
            for i, (b, v) in enumerate(rows)
        ]
        if missing:
            records = _fill_imputed(compiled.rules, records, spaces)
        return Dataset(agencies=tuple(records), source="hypothesis")

    return build()


# ---------------------------------------------------------------------------------------
# Random rule sets, for testing the engine itself

_CATEGORIES = ("muc_a", "muc_b", "muc_c", "muc_d")


@st.composite
def _leaf(
    draw: st.DrawFn, index: int, blocks: Sequence[str]
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """One leaf criterion with the indicators it reads (and relations among them)."""
    cid = f"tc_{index}"
    top = draw(st.integers(1, 20))
    kind = draw(
        st.sampled_from(
            [
                "ratio_points",
                "bands",
                "lookup",
                "conditions",
                "per_item",
                "normalise",
                "count_points",
                "best_of",
            ]
        )
    )
    x = f"x_{index}"
    y = f"y_{index}"
    na = draw(st.booleans())
    indicators: dict[str, Any] = {}
    relations: list[str] = []
    leaf: dict[str, Any] = {"id": cid, "label": f"Tiêu chí {index}", "max": top}
    if kind == "ratio_points":
        indicators[x] = {
            "label": f"Tỷ lệ {index}",
            "type": "ratio",
            "direction": "higher",
            "not_applicable": na,
        }
        leaf["points"] = f"{x} * {top}"
    elif kind == "count_points":
        cap = draw(st.integers(1, 50))
        indicators[x] = {
            "label": f"Số lượng {index}",
            "type": "count",
            "direction": "higher",
            "not_applicable": na,
        }
        indicators[y] = {"label": f"Tổng số {index}", "type": "count", "range": [1, 500]}
        relations.append(f"{x} <= {y}")
        form = draw(st.sampled_from(["capped", "ratio", "min"]))
        if form == "capped":
            leaf["points"] = f"capped_ratio({x}, {y}) * {top}"
        elif form == "ratio":
            leaf["points"] = f"ratio({x}, {y}, 0) * {top}"
        else:
            leaf["points"] = f"min({x}, {cap}) / {cap} * {top}"
    elif kind == "bands":
        n = draw(st.integers(1, 3))
        thresholds = sorted(draw(st.sets(st.integers(1, 30), min_size=n, max_size=n)), reverse=True)
        points = sorted(draw(st.lists(st.integers(0, top), min_size=n, max_size=n)), reverse=True)
        indicators[x] = {
            "label": f"Số cuộc {index}",
            "type": "count",
            "direction": "higher",
            "not_applicable": na,
        }
        leaf["bands"] = {
            "input": x,
            "steps": [{"min": t, "points": p} for t, p in zip(thresholds, points, strict=True)],
            "otherwise": 0,
        }
    elif kind == "lookup":
        cats = _CATEGORIES[: draw(st.integers(2, len(_CATEGORIES)))]
        table = {c: draw(st.integers(0, top)) for c in cats[:-1]}
        indicators[x] = {"label": f"Mức {index}", "type": "category", "categories": list(cats)}
        leaf["lookup"] = {"input": x, "table": table, "otherwise": 0}
    elif kind == "conditions":
        n = draw(st.integers(1, 3))
        shares = draw(st.lists(st.integers(1, 5), min_size=n, max_size=n))
        conds = []
        remaining = top
        for i, share in enumerate(shares):
            name = f"{x}_{i}"
            indicators[name] = {"label": f"Có {index}.{i}", "type": "bool", "direction": "higher"}
            pts = min(remaining, max(1, top * share // 10))
            remaining -= pts
            conds.append({"when": name, "points": pts})
        leaf["conditions"] = conds
    elif kind == "per_item":
        each = draw(st.integers(1, 5))
        indicators[x] = {
            "label": f"Số phần mềm {index}",
            "type": "count",
            "direction": "higher",
            "not_applicable": na,
        }
        leaf["per_item"] = {"count": x, "points": each, "cap": top}
    elif kind == "best_of":
        indicators[x] = {"label": f"Tỷ lệ {index}", "type": "ratio", "direction": "higher"}
        indicators[y] = {"label": f"Có {index}", "type": "bool", "direction": "higher"}
        half = draw(st.integers(0, top))
        leaf["best_of"] = [
            {"points": f"{x} * {top}"},
            {"conditions": [{"when": y, "points": half}]},
        ]
    else:
        method = draw(
            st.sampled_from(["to_best", "min_max", "rank", "percentile", "goalposts", "z_min_max"])
        )
        kind_x = draw(st.sampled_from(["count", "number", "ratio"]))
        spec: dict[str, Any] = {"value": x, "scope": draw(st.sampled_from(["block", "all"]))}
        indicators[x] = {
            "label": f"Giá trị {index}",
            "type": kind_x,
            "direction": "higher",
            "not_applicable": na,
        }
        if kind_x == "number":
            indicators[x]["range"] = [0, 1000]
        if method == "z_min_max":
            spec["method"] = ["z_score", "min_max"]
        elif method == "goalposts":
            spec["method"] = "goalposts"
            spec["goalposts"] = [0, 1 if kind_x == "ratio" else 100]
        else:
            spec["method"] = method
        leaf["normalise"] = spec
    if len(blocks) > 1 and draw(st.integers(0, 3)) == 3:
        leaf["blocks"] = [draw(st.sampled_from(list(blocks)))]
    return leaf, indicators, relations


@st.composite
def _document(draw: st.DrawFn, max_blocks: int, max_groups: int, max_leaves: int) -> dict[str, Any]:
    n_blocks = draw(st.integers(1, max_blocks))
    blocks = [f"khoi_{i + 1}" for i in range(n_blocks)]
    indicators: dict[str, Any] = {}
    relations: list[str] = []
    criteria: list[dict[str, Any]] = []
    counter = 0
    for g in range(draw(st.integers(1, max_groups))):
        children = []
        for _ in range(draw(st.integers(1, max_leaves))):
            counter += 1
            leaf, inds, rels = draw(_leaf(counter, blocks if g > 0 else blocks[:1]))
            if g == 0:
                leaf.pop("blocks", None)
            children.append(leaf)
            indicators.update(inds)
            relations.extend(rels)
        group: dict[str, Any] = {
            "id": f"nhom_{g + 1}",
            "label": f"Nhóm {g + 1}",
            "children": children,
        }
        aggregate = draw(st.sampled_from(["sum", "sum", "weighted_mean"]))
        if aggregate == "sum":
            group["max"] = sum(int(c["max"]) for c in children)
            if draw(st.booleans()):
                group["rescale_na"] = True
        else:
            group["aggregate"] = aggregate
            group["max"] = draw(st.integers(1, 30))
        criteria.append(group)
    basis = draw(st.sampled_from(["points", "share"]))
    # Valid by construction: on points, the n - 1 distinct thresholds are drawn from
    # 1 .. the first group's max, so a group of max 1 leaves room for two tiers only.
    low = int(criteria[0]["max"])
    n_tiers = draw(st.integers(1, 3 if basis == "share" else min(3, max(low, 1) + 1)))
    levels: list[dict[str, Any]] = []
    if basis == "share":
        mins = sorted(
            draw(
                st.sets(
                    st.sampled_from(["0.5", "0.65", "0.8", "0.9"]),
                    min_size=n_tiers - 1,
                    max_size=n_tiers - 1,
                )
            ),
            reverse=True,
        )
    else:
        # Thresholds below the smallest first group, so that every block can reach them.
        mins = sorted(
            {
                str(v)
                for v in draw(
                    st.sets(st.integers(1, max(low, 1)), min_size=n_tiers - 1, max_size=n_tiers - 1)
                )
            },
            key=Decimal,
            reverse=True,
        )
    for i, m in enumerate(mins):
        levels.append({"id": f"muc_{i + 1}", "label": f"Mức {i + 1}", "min": m})
    levels.append({"id": f"muc_{len(mins) + 1}", "label": f"Mức {len(mins) + 1}"})
    document: dict[str, Any] = {
        "udcntt": 1,
        "id": "random_rules",
        "title": "Bộ tiêu chí ngẫu nhiên",
        "rounding": {
            "total": draw(st.integers(0, 3)),
            "share": draw(st.integers(2, 4)),
            "mode": draw(st.sampled_from(["half_up", "half_even", "down"])),
        },
        "not_applicable": draw(st.sampled_from(["reduce_max", "rescale"])),
        "blocks": {b: {"label": f"Khối {i + 1}"} for i, b in enumerate(blocks)},
        "indicators": indicators,
        "relations": relations,
        "criteria": criteria,
        "tiers": {"basis": basis, "levels": levels},
        "ranking": {
            "scope": draw(st.sampled_from(["block", "all"])),
            "on": draw(st.sampled_from(["total", "share"])),
        },
    }
    if not relations:
        del document["relations"]
    return document


def rule_set_documents(
    *, max_blocks: int = 2, max_groups: int = 3, max_leaves: int = 3
) -> st.SearchStrategy[dict[str, Any]]:
    """Random small valid rule sets as plain dicts (the YAML document before loading).

    Each has 1–``max_blocks`` blocks, 1–``max_groups`` groups of 1–``max_leaves`` leaves of
    every rule kind (expressions, bands, lookups, conditions, per-item, best-of, every
    population normalisation), relations, tiers on points or shares, and both
    not-applicable policies. Every rule is monotone in the indicators it marks
    ``direction: higher``, so every invariant of :mod:`udcntt.testing` should hold.
    """
    return _document(max_blocks, max_groups, max_leaves)


def rule_sets(
    *, max_blocks: int = 2, max_groups: int = 3, max_leaves: int = 3
) -> st.SearchStrategy[str]:
    """Random small valid rule sets as YAML text, for ``udcntt.load_rules(path, text=...)``.

    See :func:`rule_set_documents` for what they contain.

    >>> @given(rule_sets())                                        # doctest: +SKIP
    ... def test_engine(text):
    ...     rules = udcntt.load_rules("random.yaml", text=text)
    """
    return rule_set_documents(
        max_blocks=max_blocks, max_groups=max_groups, max_leaves=max_leaves
    ).map(lambda doc: yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))


def directional_indicators(compiled: CompiledRuleSet, block: str) -> list[str]:
    """Indicators of ``block`` that declare ``direction: higher`` or ``lower`` (numbers, yes/no)."""
    plan = compiled.blocks[block]
    out = []
    for name in plan.indicators:
        ind = compiled.rules.indicators[name]
        if ind.direction is not Direction.NONE and (
            ind.type in _NUMERIC or ind.type is IndicatorType.BOOL
        ):
            out.append(name)
    return out


def improve(
    draw: st.DrawFn,
    compiled: CompiledRuleSet,
    record: AgencyRecord,
    indicator: str,
    unbounded: Decimal = DEFAULT_UNBOUNDED,
) -> ValueOrMarker:
    """Draw a better value of ``indicator`` for ``record`` (by its direction), still valid.

    Rejects the example when no better valid value exists.
    """
    ind = compiled.rules.indicators[indicator]
    old = record.values.get(indicator, MISSING)
    higher = ind.direction is Direction.HIGHER
    if ind.type is IndicatorType.BOOL:
        if not isinstance(old, bool) or old is higher:
            reject()
        new: ValueOrMarker = higher
        if not relations_hold(compiled, record.block, {**record.values, indicator: new}):
            reject()
        return new
    if not isinstance(old, Decimal):
        reject()
        raise AssertionError("unreachable")  # pragma: no cover - reject() raises
    grain = _GRAIN[ind.type]
    var = block_space(compiled, record.block).variables[indicator]
    lo, hi = _effective_range(var, unbounded)
    room = (hi - old) if higher else (old - lo)
    steps_max = math.floor(room / grain)
    if steps_max < 1:
        reject()
    steps = draw(st.integers(1, steps_max))
    while steps >= 1:
        candidate = old + (grain * steps if higher else -grain * steps)
        if relations_hold(compiled, record.block, {**record.values, indicator: candidate}):
            return candidate
        steps //= 2
    reject()
    raise AssertionError("unreachable")  # pragma: no cover - reject() raises
