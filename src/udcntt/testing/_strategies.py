"""Hypothesis strategies derived from a rule set: valid agency data and datasets.

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

What is valid in each block (ranges, relations, drawing order) is worked out in
:mod:`udcntt.testing._spaces`; random rule sets, to test the engine itself, are drawn by
:mod:`udcntt.testing._rule_sets`.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal

from hypothesis import reject
from hypothesis import strategies as st

from udcntt.data import MISSING, NA, AgencyRecord, Dataset, Marker, ValueOrMarker
from udcntt.expressions import RuleArithmeticError
from udcntt.model import Direction, IndicatorType, MissingPolicy, RuleSet
from udcntt.program import CompiledRuleSet
from udcntt.testing._spaces import (
    _GRAIN,
    _NUMERIC,
    BlockSpace,
    _Var,
    block_space,
    compiled_of,
    relations_hold,
)

__all__ = ["DEFAULT_UNBOUNDED", "agency_records", "agency_values", "datasets"]

#: How far from the other bound (or from 0) an unbounded number is drawn.
DEFAULT_UNBOUNDED = Decimal(1000)

_FIRST_DAY = datetime.date(2000, 1, 1)
_LAST_DAY = datetime.date(2035, 12, 31)
# Strategies built once: building one per draw is what makes drawing slow.
_ONE_IN_FOUR = st.integers(0, 3)
_MARKER_ONE = st.integers(0, 4)
_MARKER_BOTH = st.integers(0, 5)
_BOOLEANS = st.booleans()
_DAYS = st.integers(0, (_LAST_DAY - _FIRST_DAY).days)


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


def directional_indicators(compiled: CompiledRuleSet, block: str) -> list[str]:
    """Indicators of ``block`` that declare ``direction: higher`` or ``lower`` (numbers, yes/no).

    An indicator read by a plugin rule type that does not declare its points monotone in
    it (``RuleType.monotone``) is left out: nothing promises a better value costs nothing.
    """
    plan = compiled.blocks[block]
    unpromised: set[str] = set()
    for leaf in plan.leaves:
        rule = leaf.rule
        if rule is None:
            continue
        promised = rule.type.monotone_in(rule)
        if promised is not None:
            unpromised |= set(leaf.reads) - _reads_of(compiled, promised)
    out = []
    for name in plan.indicators:
        ind = compiled.rules.indicators[name]
        if name in unpromised:
            continue
        if ind.direction is not Direction.NONE and (
            ind.type in _NUMERIC or ind.type is IndicatorType.BOOL
        ):
            out.append(name)
    return out


def _reads_of(compiled: CompiledRuleSet, names: frozenset[str]) -> set[str]:
    """The indicators ``names`` stand for (derived values resolved to what they read)."""
    out: set[str] = set()
    for name in names:
        if name in compiled.rules.indicators:
            out.add(name)
        else:
            out |= compiled.derived_reads.get(name, frozenset())
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
