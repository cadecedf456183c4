"""The vectorised scoring path: a block's agencies at once, as float64 columns.

Each block's inputs become columns (:mod:`udcntt.evaluation._vector_ops`); derived
values, leaves (each rule type's ``vector`` hook), groups (each aggregation's), the
total, its rounding, the share and the tier are computed for all agencies together, with
an error bound per value. An agency whose every comparison and rounding is certain
(see the bounds in :mod:`udcntt.evaluation._vector_ops`) gets its published total, share
and tier from here — exactly the ``Decimal`` ones, since a certain rounding gives the
same integer of hundredths. Every other agency (an uncertain comparison, a value on a
rounding boundary, a missing or invalid input, a relation that fails, points out of
range …) is scored by the exact generated function, as on the ``Decimal`` path.

The exact unrounded values (leaf points, derived values, the total before rounding) are
computed on demand, by the same generated function, when a report or ``explain`` reads
them (:class:`VectorTable`); that computation also checks that it publishes what the
vectorised path published, and a difference is a :class:`GeneratedCodeError`, never
hidden.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from udcntt.data import AgencyRecord, survey_columns, survey_positions
from udcntt.evaluation._finish import FastShape
from udcntt.evaluation._rows import RowResult, Table, row_picker
from udcntt.evaluation._vector_inputs import WholeColumns, input_columns
from udcntt.evaluation._vector_ops import Frame, Num, VectorUnsupported
from udcntt.model import TierBasis, TierLevel
from udcntt.program import (
    Applicability,
    BlockPlan,
    CompiledRuleSet,
    LeafPlan,
)

__all__ = [
    "BlockOutcome",
    "VectorResult",
    "VectorTable",
    "vector_blocks",
    "vector_tables",
]

_ZERO = Decimal(0)


def _finish(frame: Frame, compiled: CompiledRuleSet, plan: BlockPlan) -> tuple[Any, Any, Any]:
    """Leaves to tier, as the generated ``finish`` does: (k of the total, k of the share,
    tier index) per agency; unsafe agencies are marked in ``frame``."""
    rules = compiled.rules
    rounding = rules.rounding
    mode = rounding.mode.value
    app = Applicability(compiled, plan, frozenset())
    names: dict[str, Num] = {}
    for leaf in plan.leaves:
        value = _leaf(frame, leaf)
        if leaf.unscored:
            names[leaf.id] = frame.zero
            continue
        if leaf.id not in app.max:  # pragma: no cover - no input is N/A here
            raise VectorUnsupported("not applicable leaf")
        if rounding.criteria is not None:
            value, _ = frame.quantize(value, rounding.criteria, mode)
        top = frame.const(leaf.max)
        inside = frame.compare(value, ">=", frame.zero) & frame.compare(value, "<=", top)
        frame.flag(~inside)
        names[leaf.id] = value
    for group in plan.groups:
        kids = [c for c in group.children if c.id in app.max]
        if group.id not in app.max:  # pragma: no cover - no input is N/A here
            raise VectorUnsupported("not applicable group")
        if group.aggregation.additive:
            g = frame.zero
            for kid in kids:
                g = frame.add(g, names[kid.id])
            if group.id in app.rescaled:
                applicable = sum((app.max[c.id] for c in kids), _ZERO)
                g = frame.div(frame.mul(g, frame.const(group.max)), frame.const(applicable))
        else:
            shares = [
                frame.div(names[c.id], frame.const(app.max[c.id])) if app.max[c.id] else frame.zero
                for c in kids
            ]
            share = group.aggregation.vector(frame, shares, [c.criterion.weight for c in kids])
            if share is None:
                raise VectorUnsupported(f"aggregation {group.aggregation.name}")
            g = frame.mul(share, frame.const(group.max))
        names[group.id] = g
    roots = [r for r in plan.roots if r.id in app.max]
    t = frame.zero
    for root in roots:
        top_value = names[root.id]
        if rounding.totals.value == "sum_of_rounded":
            top_value, _ = frame.quantize(top_value, rounding.total, mode)
        t = frame.add(t, top_value)
    applicable = sum((app.max[r.id] for r in roots), _ZERO)
    if app.total != applicable and applicable:
        t = frame.div(frame.mul(t, frame.const(app.total)), frame.const(applicable))
    _, k_total = frame.quantize(t, rounding.total, mode)
    if not app.total:
        frame.flag(np.ones(frame.n, dtype=bool))  # zero_maximum: the exact path notes it
        return k_total, k_total, np.full(frame.n, -1)
    k_share = _share(frame, k_total, app.total, rounding.total, rounding.share, mode)
    on_share = rules.tiers.basis is TierBasis.SHARE
    basis = k_share if on_share else k_total
    places = rounding.share if on_share else rounding.total
    tier = np.full(frame.n, -1)
    for k in reversed(range(len(rules.tiers.levels))):
        level = rules.tiers.levels[k]
        held = np.ones(frame.n, dtype=bool)
        if level.min is not None:
            low = (level.min.scaleb(places)).to_integral_value(rounding=decimal.ROUND_CEILING)
            held &= basis >= int(low)
        if level.max is not None:
            high = (level.max.scaleb(places)).to_integral_value(rounding=decimal.ROUND_FLOOR)
            held &= basis <= int(high)
        tier = np.where(held, k, tier)
    frame.flag(tier < 0)  # no tier: E-EVAL-NOTIER, reported by the exact path
    return k_total, k_share, tier


def _share(frame: Frame, k: Any, top: Decimal, places: int, share_places: int, mode: str) -> Any:
    """The share ``(k·10⁻ᵖ / top)`` rounded to ``share_places``, as integers, exactly.

    A published total over the maximum is a fraction of integers, rounded here by integer
    division: the same integer as ``Decimal`` gives, whose 34 digits cannot move a
    fraction with a denominator below 10¹⁵ across a rounding boundary (shares land
    exactly on half-way points often, so floats would send many agencies to the exact
    path).
    """
    p, q = top.as_integer_ratio()
    num_scale, den = q, p
    if share_places >= places:
        num_scale *= 10 ** (share_places - places)
    else:
        den *= 10 ** (places - share_places)
    biggest = int(np.max(k, initial=0))
    if den >= 10**15 or biggest * num_scale >= 2**62:
        frame.flag(np.ones(frame.n, dtype=bool))
        return np.zeros(frame.n, dtype=np.int64)
    num = k * num_scale
    whole, rest = np.divmod(num, den)
    if mode == "half_up":
        return whole + (2 * rest >= den)
    if mode == "half_even":
        return whole + ((2 * rest > den) | ((2 * rest == den) & (whole % 2 == 1)))
    return whole


def _leaf(frame: Frame, leaf: LeafPlan) -> Num:
    if leaf.rule is None:
        return frame.zero
    value = leaf.rule.vector(frame)
    if value is None:
        raise VectorUnsupported(f"rule type {leaf.rule.kind}")
    if not isinstance(value, Num):  # pragma: no cover - a hook gave a condition
        raise VectorUnsupported(f"rule type {leaf.rule.kind} gave no number")
    return value


class BlockOutcome:
    """What the vectorised path decided for one block's agencies (in their order)."""

    __slots__ = ("arrays", "safe", "share", "tier", "total")

    def __init__(self, safe: Any, total: Any, share: Any, tier: Any):
        self.safe = safe.tolist()
        self.total = total.tolist()
        self.share = share.tolist()
        self.tier = tier.tolist()
        self.arrays = (total, share)  # for ranking


def _supported(compiled: CompiledRuleSet, blocks: Sequence[str]) -> bool:
    """Whether the rule set's structure has a vector form (its rules are tried later)."""
    if any(lv.require or lv.min_group_share is not None for lv in compiled.rules.tiers.levels):
        return False
    return all(compiled.blocks[b].fast_whole is not None for b in blocks)


def _block(
    compiled: CompiledRuleSet,
    plan: BlockPlan,
    records: Sequence[AgencyRecord],
    whole: WholeColumns | None,
) -> BlockOutcome:
    keys = plan.indicators
    n = len(records)
    values = [r.values for r in records]
    found = survey_positions(values) if whole is not None else None
    if (
        whole is not None
        and found is not None
        and found[0] is whole.by_key
        and all(k in whole.by_key for k in keys)
    ):
        env, bad = whole.inputs(plan, found[1])
    else:
        cols: Sequence[Sequence[Any]] | None = survey_columns(values, keys)
        if cols is None:  # not a survey read by column: the agencies' rows, turned
            cols = list(zip(*map(row_picker(keys), values), strict=True)) if keys and n else []
            if not cols:
                cols = [()] * len(keys)
        env, bad = input_columns(compiled, plan, cols, n)
    frame = Frame(n, env)
    frame.unsafe |= bad
    with np.errstate(all="ignore"):
        for index in plan.relations:
            _, expr = compiled.relations[index]
            frame.flag(~frame.expr(expr))
        for name in plan.derived:
            env[name] = frame.expr(compiled.derived[name])
        total, share, tier = _finish(frame, compiled, plan)
    return BlockOutcome(~frame.unsafe, total, share, tier)


def _whole_columns(
    compiled: CompiledRuleSet, by_block: Mapping[str, Sequence[AgencyRecord]]
) -> WholeColumns | None:
    """Whole-column conversion when the blocks' agencies are most rows of one survey file."""
    first = next((rs[0] for rs in by_block.values() if rs), None)
    if first is None:
        return None
    found = survey_positions([first.values])
    if found is None:
        return None
    by_key = found[0]
    rows = len(next(iter(by_key.values()), ()))
    if 2 * sum(map(len, by_block.values())) < rows:
        return None
    return WholeColumns(compiled, by_key, [compiled.blocks[b] for b in by_block])


def vector_blocks(
    compiled: CompiledRuleSet, by_block: Mapping[str, Sequence[AgencyRecord]]
) -> dict[str, BlockOutcome] | None:
    """The vectorised outcome of every block, or ``None`` when the rule set has no
    vector form (a rule type, aggregation, function or tier condition without one)."""
    if not _supported(compiled, list(by_block)):
        return None
    whole = _whole_columns(compiled, by_block)
    try:
        return {b: _block(compiled, compiled.blocks[b], rs, whole) for b, rs in by_block.items()}
    except VectorUnsupported:
        return None


def vector_tables(
    compiled: CompiledRuleSet,
    by_block: Mapping[str, Sequence[AgencyRecord]],
    kept: dict[tuple[Table, int], tuple[Any, ...]],
) -> dict[str, VectorTable]:
    """Per block, the table of its agencies as the vectorised path scored them (row ``i``
    is the block's ``i``-th agency; ``safe[i]`` says whether the row's published values
    stand, else the exact path scores the agency). Empty when the rule set has no vector
    form. ``kept`` is the evaluation's store of exact values read (see
    :class:`~udcntt.evaluation._rows.Table`). Runs under the caller's ``DECIMAL_CONTEXT``."""
    outcomes = vector_blocks(compiled, by_block)
    if outcomes is None:
        return {}
    rounding = compiled.rules.rounding
    totals = _Scaled(-rounding.total)
    shares = _Scaled(-rounding.share)
    out: dict[str, VectorTable] = {}
    for block, records in by_block.items():
        outcome = outcomes[block]
        plan = compiled.blocks[block]
        shape = FastShape(plan, rounding, Applicability(compiled, plan, frozenset()))
        table = VectorTable(plan, shape, compiled.tier_levels, kept)
        table.records = list(records)
        table.safe = outcome.safe
        table.k_totals = outcome.total
        table.k_shares = outcome.share
        table.tiers = outcome.tier
        table.scaled = (totals, shares)
        table.arrays = outcome.arrays
        out[block] = table
    return out


class _Scaled(dict[int, Decimal]):
    """``k`` → ``k·10^places`` as a ``Decimal``, each distinct ``k`` made once."""

    def __init__(self, places: int) -> None:
        super().__init__()
        self.places = places

    def __missing__(self, k: int) -> Decimal:
        found = self[k] = Decimal(k).scaleb(self.places)
        return found


class VectorTable(Table):
    """A block's agencies as the vectorised path scored them: published values as integers
    of their last decimal place; the exact ones on demand (see
    :class:`~udcntt.evaluation._rows.Table`), checked against these."""

    __slots__ = ("arrays", "k_shares", "k_totals", "safe", "scaled", "tiers")

    published_by = "the vectorised path"

    def __init__(
        self,
        plan: BlockPlan,
        shape: FastShape,
        levels: Sequence[TierLevel],
        kept: dict[tuple[Table, int], tuple[Any, ...]],
    ) -> None:
        super().__init__(plan, shape, levels, kept)
        self.safe: list[bool] = []
        #: published totals and shares as integers of their last decimal place
        self.k_totals: list[int] = []
        self.k_shares: list[int] = []
        self.scaled = (_Scaled(0), _Scaled(0))
        self.arrays: tuple[Any, Any] = (np.zeros(0, np.int64), np.zeros(0, np.int64))
        self.tiers: list[int] = []

    def total(self, i: int) -> Decimal:
        return self.scaled[0][self.k_totals[i]]

    def share(self, i: int) -> Decimal:
        return self.scaled[1][self.k_shares[i]]

    def tier_index(self, i: int) -> int:
        return self.tiers[i]

    def block_ranks(self, on_share: bool, ranked: list[bool]) -> list[int | None]:
        # The integers order the rows as their Decimals do (one scale for all rows):
        # rank = 1 + how many are strictly greater, by one sort and a binary search.
        keys = self.arrays[1 if on_share else 0]
        everyone = all(ranked)
        mask = None if everyone else np.array(ranked, dtype=bool)
        chosen = keys if mask is None else keys[mask]
        ordered = np.sort(chosen)
        ranks = len(chosen) - np.searchsorted(ordered, chosen, side="right") + 1
        if mask is None:
            found: list[int | None] = ranks.tolist()
            return found
        out: list[int | None] = [None] * len(ranked)
        for i, rank in zip(np.flatnonzero(mask).tolist(), ranks.tolist(), strict=True):
            out[i] = rank
        return out


class VectorResult(RowResult):
    """An agency's result from the vectorised path (exact values computed on demand)."""

    __slots__ = ()


VectorTable.result_class = VectorResult
