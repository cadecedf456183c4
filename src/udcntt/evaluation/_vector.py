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
them (:class:`VectorCore`); that computation also checks that it publishes what the
vectorised path published, and a difference is a :class:`GeneratedCodeError`, never
hidden.
"""

from __future__ import annotations

import decimal
from collections import deque
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from udcntt.data import AgencyRecord, survey_columns
from udcntt.evaluation._finish import ARITHMETIC, BUGS, FastShape
from udcntt.evaluation._state import Core
from udcntt.evaluation._vector_inputs import input_columns, row_picker
from udcntt.evaluation._vector_ops import Frame, Num, VectorUnsupported
from udcntt.expressions import DECIMAL_CONTEXT
from udcntt.model import TierBasis, TierLevel
from udcntt.program import (
    Applicability,
    BlockPlan,
    CompiledRuleSet,
    GeneratedCodeError,
    LeafPlan,
    SlowPath,
)

__all__ = [
    "BlockOutcome",
    "LazyCriteria",
    "LazyDerived",
    "VectorCore",
    "vector_blocks",
    "vector_cores",
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

    __slots__ = ("safe", "share", "tier", "total")

    def __init__(self, safe: Any, total: Any, share: Any, tier: Any):
        self.safe = safe.tolist()
        self.total = total.tolist()
        self.share = share.tolist()
        self.tier = tier.tolist()


def _supported(compiled: CompiledRuleSet, blocks: Sequence[str]) -> bool:
    """Whether the rule set's structure has a vector form (its rules are tried later)."""
    if any(lv.require or lv.min_group_share is not None for lv in compiled.rules.tiers.levels):
        return False
    return all(compiled.blocks[b].fast_whole is not None for b in blocks)


def _block(
    compiled: CompiledRuleSet, plan: BlockPlan, records: Sequence[AgencyRecord]
) -> BlockOutcome:
    keys = plan.indicators
    n = len(records)
    values = [r.values for r in records]
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


def vector_blocks(
    compiled: CompiledRuleSet, by_block: Mapping[str, Sequence[AgencyRecord]]
) -> dict[str, BlockOutcome] | None:
    """The vectorised outcome of every block, or ``None`` when the rule set has no
    vector form (a rule type, aggregation, function or tier condition without one)."""
    if not _supported(compiled, list(by_block)):
        return None
    try:
        return {b: _block(compiled, compiled.blocks[b], rs) for b, rs in by_block.items()}
    except VectorUnsupported:
        return None


def vector_cores(
    compiled: CompiledRuleSet, by_block: Mapping[str, Sequence[AgencyRecord]]
) -> dict[str, list[Core | None]]:
    """Per block, the finished core of each agency the vectorised path scored (in the
    block's order; ``None`` for the agencies the exact path must score). Empty when the
    rule set has no vector form. Runs under the caller's ``DECIMAL_CONTEXT``."""
    outcomes = vector_blocks(compiled, by_block)
    if outcomes is None:
        return {}
    rounding = compiled.rules.rounding
    levels = compiled.tier_levels
    totals: dict[int, Decimal] = {}
    shares: dict[int, Decimal] = {}
    out: dict[str, list[Core | None]] = {}
    recent: deque[VectorCore] = deque()  # this evaluation's agencies keeping exact values
    for block, records in by_block.items():
        outcome = outcomes[block]
        plan = compiled.blocks[block]
        shape = FastShape(plan, rounding, Applicability(compiled, plan, frozenset()))
        cores: list[Core | None] = []
        add = cores.append
        for record, safe, k, ks, ti in zip(
            records, outcome.safe, outcome.total, outcome.share, outcome.tier, strict=True
        ):
            if not safe:
                add(None)
                continue
            total = totals.get(k)
            if total is None:
                total = totals[k] = Decimal(k).scaleb(-rounding.total)
            share = shares.get(ks)
            if share is None:
                share = shares[ks] = Decimal(ks).scaleb(-rounding.share)
            add(VectorCore(record, plan, shape, total, share, levels[ti], ti, recent))
        out[block] = cores
    return out


class VectorCore(Core):
    """An agency scored on the vectorised path: published values now, exact ones on demand.

    ``criteria``, the derived values and the unrounded total come from the exact generated
    function when they are read (:meth:`exact`). Only the :data:`RECENT` agencies read last
    keep them: a writer reads an agency's values together and moves on, and 100,000
    agencies' exact values (about 4.7 KB each) would outweigh everything else a run holds;
    an agency read again after that is computed again (the same values).
    """

    __slots__ = ("_exact", "_recent", "index", "plan", "record", "shape")

    def __init__(
        self,
        record: AgencyRecord,
        plan: BlockPlan,
        shape: FastShape,
        total: Decimal,
        share: Decimal,
        level: TierLevel,
        index: int,
        recent: deque[VectorCore],
    ) -> None:
        self._recent = recent
        self.record = record
        self.plan = plan
        self.shape = shape
        self.total = total
        self.share = share
        self.tier = level
        self.index = index
        self.max = shape.max_total
        self.notes = ()
        self._exact: tuple[Any, ...] | None = None

    @property
    def values(self) -> tuple[Any, ...]:
        """The agency's inputs, in the order of the block's indicators (read from its
        record when asked: the vectorised path keeps no copy)."""
        found: tuple[Any, ...] = row_picker(self.plan.indicators)(self.record.values)
        return found

    @property
    def criteria(self) -> LazyCriteria:  # type: ignore[override]
        """The criterion results (exact, computed when first read)."""
        return LazyCriteria(self)

    @property
    def agency(self) -> VectorCore:  # type: ignore[override]
        """The agency's record holder (itself: ``agency.record``)."""
        return self

    @property
    def unrounded(self) -> Decimal:  # type: ignore[override]
        """The total before rounding (exact, computed on first use)."""
        found: Decimal = self.exact()[4]
        return found

    def exact(self) -> tuple[Any, ...]:
        """The exact generated function's result for the agency (kept while it is one of
        the :data:`RECENT` agencies read last).

        Raises:
            GeneratedCodeError: the function fails, or publishes a total, share or tier
                other than the vectorised path's — a bug in udcntt.
        """
        if self._exact is not None:
            return self._exact
        plan = self.plan
        whole = plan.fast_whole
        if whole is None:  # pragma: no cover - only plans with whole functions get here
            raise GeneratedCodeError(f"block '{plan.id}' has no generated function")
        try:
            with decimal.localcontext(DECIMAL_CONTEXT):
                out = whole(*self.values)
        except (SlowPath, *ARITHMETIC, *BUGS) as exc:
            raise GeneratedCodeError(
                f"agency '{self.record.id}' scored on the vectorised path fails exactly: "
                f"{exc!r}; this is a bug in udcntt"
            ) from exc
        derived, raws, leaves, groups, t, published, share, ti = out
        if (str(published), str(share), ti) != (str(self.total), str(self.share), self.index):
            raise GeneratedCodeError(
                f"agency '{self.record.id}': the vectorised path published {self.total} "
                f"(share {self.share}, tier {self.index}), the exact function {published} "
                f"(share {share}, tier {ti}); this is a bug in udcntt"
            )
        from udcntt.evaluation._assessment import CriteriaView

        view = CriteriaView(
            self.shape.criteria, leaves if leaves is not None else raws, raws, raws, groups
        )
        found = self._exact = (derived, raws, view, groups, t)
        recent = self._recent
        while len(recent) >= RECENT:  # read long ago: computed again if asked
            try:
                recent.popleft()._exact = None
            except IndexError:  # another thread emptied it
                break
        recent.append(self)
        return found


#: How many agencies' exact values are kept after they were computed (see VectorCore).
#: (per evaluation: an assessment dropped frees them all with it)
RECENT = 1024


class LazyCriteria(Mapping[str, Any]):
    """The criterion results of a :class:`VectorCore`, computed exactly when first read."""

    __slots__ = ("_core",)

    def __init__(self, core: VectorCore) -> None:
        self._core = core

    def __getitem__(self, key: str) -> Any:
        view: Mapping[str, Any] = self._core.exact()[2]
        return view[key]

    def __contains__(self, key: object) -> bool:
        return key in self._core.shape.criteria.index

    def __iter__(self) -> Any:
        return iter(self._core.shape.criteria.ids)

    def __len__(self) -> int:
        return len(self._core.shape.criteria.ids)


class LazyDerived(Mapping[str, Any]):
    """The derived values of a :class:`VectorCore`, computed exactly when first read."""

    __slots__ = ("_core",)

    def __init__(self, core: VectorCore) -> None:
        self._core = core

    def __getitem__(self, key: str) -> Any:
        names = self._core.plan.derived
        if key not in names:
            raise KeyError(key)
        return self._core.exact()[0][names.index(key)]

    def __iter__(self) -> Any:
        return iter(self._core.plan.derived)

    def __len__(self) -> int:
        return len(self._core.plan.derived)
