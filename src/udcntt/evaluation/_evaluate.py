"""The scoring pipeline: inputs → derived → leaves → normalisation → groups → tier → rank."""

from __future__ import annotations

import decimal
import gc
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from functools import partial
from operator import attrgetter, itemgetter
from types import MappingProxyType
from typing import Any, Literal

from udcntt._version import __version__
from udcntt.data import MISSING, NA, AgencyRecord, Dataset
from udcntt.errors import Diagnostic, EvaluationError, SourceLocation, UsageError
from udcntt.evaluation._assessment import (
    AgencyResult,
    Assessment,
    Comparison,
    CriteriaShape,
    CriteriaView,
    CriterionInfo,
    CriterionResult,
    IndicatorInfo,
    Receipt,
    TierInfo,
    ZipMapping,
)
from udcntt.evaluation._inputs import PreparedInputs, imputations, prepare
from udcntt.evaluation._interpret import LeafOutcome, RuleFailure, derive, run_leaf
from udcntt.evaluation._normalise import normalise_population
from udcntt.evaluation._ranking import (
    competition_ranks,
    match_previous,
    quantize,
    rank_change,
    tier_of,
)
from udcntt.expressions import DECIMAL_CONTEXT, RuleArithmeticError
from udcntt.loading import RuleSource
from udcntt.model import (
    Aggregate,
    NotApplicablePolicy,
    RankOn,
    Rounding,
    RuleSet,
    TierBasis,
    TierLevel,
)
from udcntt.program import BlockPlan, CompiledRuleSet, LeafPlan, NodePlan, compile_rules
from udcntt.program._codegen import SlowPath

__all__ = ["evaluate"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_NO_STATE: Any = MappingProxyType({})


class _Agency:
    """Mutable per-agency state while the pipeline runs.

    Agencies on the fast path keep the generated function's tuples (``fast_values``,
    ``fast_derived``, ``fast_leaves``); the others keep the reference path's dictionaries.
    """

    __slots__ = (
        "derived",
        "env",
        "fast_derived",
        "fast_done",
        "fast_leaves",
        "fast_values",
        "inputs",
        "leaves",
        "plan",
        "record",
    )

    def __init__(
        self, record: AgencyRecord, plan: BlockPlan, inputs: PreparedInputs | None
    ) -> None:
        self.record = record
        self.plan = plan
        self.inputs = inputs
        self.env: dict[str, Any] = dict(inputs.values) if inputs is not None else {}
        self.derived: dict[str, Any] = {}
        self.leaves: dict[str, LeafOutcome] = {}
        self.fast_values: list[Any] | None = None
        self.fast_derived: tuple[Any, ...] = ()
        self.fast_leaves: tuple[Decimal, ...] = ()
        self.fast_done: tuple[Any, ...] | None = None

    @classmethod
    def fast(
        cls, record: AgencyRecord, plan: BlockPlan, values: Any, out: tuple[Any, ...], whole: bool
    ) -> _Agency:
        """An agency scored by generated code (no dictionaries: they are never filled)."""
        self = cls.__new__(cls)
        self.record = record
        self.plan = plan
        self.inputs = None
        self.env = self.derived = self.leaves = _NO_STATE
        self.fast_values = values
        self.fast_derived = out[0]
        self.fast_leaves = out[1]
        self.fast_done = out[2:] if whole else None
        return self

    def raw(self, leaf_index: int, leaf_id: str) -> Decimal | None:
        """A leaf's value before normalisation (``None`` when not applicable)."""
        if self.fast_values is not None:
            return self.fast_leaves[leaf_index]
        outcome = self.leaves.get(leaf_id)
        return None if outcome is None or outcome.na else outcome.raw


class _Core:
    """An agency's scores before ranking and comparison."""

    __slots__ = ("agency", "criteria", "max", "notes", "share", "tier", "total", "unrounded")

    def __init__(
        self,
        agency: _Agency,
        criteria: Mapping[str, CriterionResult],
        unrounded: Decimal,
        total: Decimal,
        max_: Decimal,
        share: Decimal,
        tier: TierLevel,
        notes: tuple[str, ...],
    ) -> None:
        self.agency = agency
        self.criteria = criteria
        self.unrounded = unrounded
        self.total = total
        self.max = max_
        self.share = share
        self.tier = tier
        self.notes = notes


def _failure(
    compiled: CompiledRuleSet, record: AgencyRecord, plan: BlockPlan, exc: RuleFailure
) -> Diagnostic:
    loc: SourceLocation | None = None
    if exc.criterion:
        leaf = plan.node(exc.criterion)
        if leaf is not None:
            loc = _plan_location(compiled, leaf)
    return Diagnostic(
        code=exc.code if exc.code.startswith("E-EVAL") else "E-EVAL",
        message=exc.message,
        location=loc or record.location,
        agency=record.id,
        criterion=exc.criterion,
        value=None if exc.value is None else str(exc.value),
        hint="use ratio(a, b, default) where a denominator can be 0"
        if exc.code == "E-EVAL-DIVZERO"
        else None,
    )


def _plan_location(compiled: CompiledRuleSet, node: NodePlan | LeafPlan) -> SourceLocation | None:
    src = compiled.rules.source
    return src.locate(node.path) if isinstance(src, RuleSource) else None


def _phase_one(
    compiled: CompiledRuleSet, agency: _Agency, errors: list[Diagnostic], *, with_trace: bool
) -> None:
    plan = agency.plan
    record = agency.record
    na = agency.inputs.na if agency.inputs is not None else set()
    try:
        env = agency.env
        derive(compiled, plan.derived, env, na)
        for name in plan.derived:
            agency.derived[name] = env[name]
        for leaf in plan.leaves:
            agency.leaves[leaf.id] = run_leaf(leaf, env, na, with_trace=with_trace)
    except RuleFailure as exc:
        errors.append(_failure(compiled, record, plan, exc))
    except RuleArithmeticError as exc:  # pragma: no cover - run_leaf wraps these
        errors.append(_failure(compiled, record, plan, RuleFailure(exc.code, str(exc), None)))


def _check_relations(compiled: CompiledRuleSet, agency: _Agency, errors: list[Diagnostic]) -> None:
    env = agency.env
    for index in agency.plan.relations:
        rel, expr = compiled.relations[index]
        needed = expr.names
        if any(env.get(n, NA) is NA for n in needed if n in compiled.rules.indicators):
            continue
        try:
            ok = expr.evaluate(env)
        except (RuleArithmeticError, KeyError):
            continue
        if not ok:
            values = ", ".join(f"{n} = {env.get(n)}" for n in sorted(needed) if n in env)
            errors.append(
                Diagnostic(
                    code="E-EVAL-RELATION",
                    message=f"relation '{rel.check}' does not hold ({values})"
                    + (f": {rel.message}" if rel.message else ""),
                    location=agency.record.location,
                    agency=agency.record.id,
                    hint="correct the survey answers; the relation is declared in the rule file",
                )
            )


def _leaf_index(plan: BlockPlan) -> dict[str, int]:
    return {leaf.id: i for i, leaf in enumerate(plan.leaves)}


def _normalise(
    compiled: CompiledRuleSet,
    agencies: Sequence[_Agency],
    stats_out: dict[str, Any],
) -> dict[tuple[str, str], Decimal]:
    """Population scores of normalised leaves, by (agency id, criterion id)."""
    scores: dict[tuple[str, str], Decimal] = {}
    normalised: dict[str, LeafPlan] = {}
    for plan in compiled.blocks.values():
        for leaf in plan.leaves:
            if leaf.normalised:
                normalised.setdefault(leaf.id, leaf)
    if not normalised:
        return scores
    indexes = {b: _leaf_index(p) for b, p in compiled.blocks.items()}
    for cid, leaf in normalised.items():
        assert leaf.rule is not None
        spec = leaf.rule.normalise
        assert spec is not None
        members: list[tuple[_Agency, Decimal]] = []
        for a in agencies:
            idx = indexes[a.record.block].get(cid)
            if idx is None:
                continue
            raw = a.raw(idx, cid)
            if raw is not None:
                members.append((a, raw))
        groups: dict[str, list[tuple[_Agency, Decimal]]] = {}
        for a, raw in members:
            groups.setdefault(a.record.block if spec.scope.value == "block" else "all", []).append(
                (a, raw)
            )
        direction = None
        if leaf.rule.expr is not None:
            names = leaf.rule.expr.names
            dirs = {
                compiled.rules.indicators[n].direction
                for n in names
                if n in compiled.rules.indicators
            }
            if len(dirs) == 1:
                direction = dirs.pop()
        for scope, group in groups.items():
            result, stats = normalise_population(spec, [raw for _, raw in group], direction)
            stats_out.setdefault(cid, {})[scope] = stats
            for (a, _), score in zip(group, result, strict=True):
                scores[(a.record.id, cid)] = score
    return scores


def _aggregate(
    node: NodePlan | LeafPlan,
    leaf_points: Mapping[str, tuple[Decimal | None, Decimal]],
    out: dict[str, tuple[Decimal | None, Decimal]],
    rescale_all: bool,
) -> tuple[Decimal | None, Decimal]:
    """(points or None if not applicable, applicable max) of ``node``; fills ``out``."""
    if isinstance(node, LeafPlan):
        return leaf_points[node.id]
    parts = [_aggregate(child, leaf_points, out, rescale_all) for child in node.children]
    scored = [
        (pts, mx, child)
        for (pts, mx), child in zip(parts, node.children, strict=True)
        if pts is not None and not (isinstance(child, LeafPlan) and child.unscored)
    ]
    if not scored:
        out[node.id] = (None, _ZERO)
        return out[node.id]
    if node.aggregate is Aggregate.SUM:
        points = sum((p for p, _, _ in scored), _ZERO)
        applicable = sum((m for _, m, _ in scored), _ZERO)
        if (node.rescale_na or rescale_all) and applicable and applicable != node.max:
            points = points * node.max / applicable
            applicable = node.max
        result = (points, applicable)
    else:
        weights = [c.criterion.weight for _, _, c in scored]
        total_w = sum(weights, _ZERO)
        shares = [(p / m) if m else _ZERO for p, m, _ in scored]
        if node.aggregate is Aggregate.WEIGHTED_MEAN:
            mean = sum((w * s for w, s in zip(weights, shares, strict=True)), _ZERO) / total_w
        else:
            mean = _ONE
            for w, s in zip(weights, shares, strict=True):
                mean *= s ** (w / total_w) if s > 0 else _ZERO
        result = (mean * node.max, node.max)
    out[node.id] = result
    return result


def _tier_conditions(
    compiled: CompiledRuleSet,
    env: Mapping[str, Any],
    criteria: Mapping[str, CriterionResult],
    roots: Sequence[NodePlan | LeafPlan],
) -> Any:
    def check(level: TierLevel) -> bool:
        if level.min_group_share is not None:
            for root in roots:
                res = criteria[root.id]
                if (
                    res.points is not None
                    and res.max
                    and res.points / res.max < level.min_group_share
                ):
                    return False
        expr = compiled.tier_requires.get(level.id)
        if expr is not None:
            try:
                return bool(expr.evaluate(env))
            except (RuleArithmeticError, KeyError, TypeError):
                return False
        return True

    return check


def _finish_agency(
    compiled: CompiledRuleSet,
    agency: _Agency,
    scores: Mapping[tuple[str, str], Decimal],
    errors: list[Diagnostic],
) -> _Core | None:
    """The reference path from leaf values to tier, for one agency."""
    rules = compiled.rules
    plan = agency.plan
    record = agency.record
    rounding = rules.rounding
    leaf_points: dict[str, tuple[Decimal | None, Decimal]] = {}
    criteria: dict[str, CriterionResult] = {}
    ok = True
    for leaf in plan.leaves:
        outcome = agency.leaves.get(leaf.id)
        if outcome is None:
            return None
        if leaf.unscored:
            criteria[leaf.id] = CriterionResult(
                leaf.id, _ZERO, _ZERO, _ZERO, "unscored", raw=outcome.raw
            )
            leaf_points[leaf.id] = (_ZERO, _ZERO)
            continue
        if outcome.na:
            criteria[leaf.id] = CriterionResult(leaf.id, None, _ZERO, leaf.max, "not_applicable")
            leaf_points[leaf.id] = (None, _ZERO)
            continue
        raw = outcome.raw
        assert raw is not None
        normalised = None
        points = raw
        if leaf.normalised:
            normalised = scores.get((record.id, leaf.id), _ZERO)
            points = normalised * leaf.max
            if leaf.rule is not None and leaf.rule.cap is not None:
                points = min(points, leaf.rule.cap)
        unrounded = points
        if rounding.criteria is not None:
            points = quantize(points, rounding.criteria, rounding.mode)
        if points < 0 or points > leaf.max:
            ok = False
            errors.append(
                Diagnostic(
                    code="E-EVAL-RANGE",
                    message=f"criterion gives {points} points, outside [0, {leaf.max}]",
                    location=_plan_location(compiled, leaf) or record.location,
                    agency=record.id,
                    criterion=leaf.id,
                    value=str(points),
                    hint="bound the rule with clamp(...) or 'cap', or correct the survey data",
                )
            )
            continue
        criteria[leaf.id] = CriterionResult(
            leaf.id,
            points,
            leaf.max,
            leaf.max,
            "scored",
            raw=raw,
            normalised=normalised,
            unrounded=unrounded,
        )
        leaf_points[leaf.id] = (points, leaf.max)
    if not ok:
        return None
    group_out: dict[str, tuple[Decimal | None, Decimal]] = {}
    rescale_all = rules.not_applicable is NotApplicablePolicy.RESCALE
    total = _ZERO
    applicable_max = _ZERO
    for root in plan.roots:
        if isinstance(root, LeafPlan) and root.unscored:
            continue
        pts, mx = _aggregate(root, leaf_points, group_out, rescale_all)
        if pts is not None:
            total += pts
            applicable_max += mx
    if rescale_all and applicable_max and applicable_max != plan.max_total:
        total = total * plan.max_total / applicable_max
        applicable_max = plan.max_total
    for group in plan.groups:
        pts, mx = group_out.get(group.id, (None, _ZERO))
        criteria[group.id] = CriterionResult(
            group.id,
            None if pts is None else quantize(pts, rounding.total, rounding.mode),
            mx,
            group.max,
            "not_applicable" if pts is None else "scored",
            unrounded=pts,
        )
    published = quantize(total, rounding.total, rounding.mode)
    share = (
        quantize(published / applicable_max, rounding.share, rounding.mode)
        if applicable_max
        else _ZERO
    )
    inputs = agency.inputs
    notes = list(inputs.notes) if inputs is not None else []
    if not applicable_max:
        notes.append("no criterion applies to this agency: share set to 0")
    level = _tier(compiled, agency, criteria, published, share)
    if level is None:
        errors.append(
            Diagnostic(
                code="E-EVAL-NOTIER",
                message=f"total {published} (share {share}) falls in no tier",
                agency=record.id,
                location=record.location,
            )
        )
        return None
    return _Core(
        agency,
        MappingProxyType(criteria),
        total,
        published,
        applicable_max,
        share,
        level,
        tuple(notes),
    )


def _tier(
    compiled: CompiledRuleSet,
    agency: _Agency,
    criteria: Mapping[str, CriterionResult],
    published: Decimal,
    share: Decimal,
) -> TierLevel | None:
    basis_value = share if compiled.rules.tiers.basis is TierBasis.SHARE else published
    env = dict(agency.env)
    env.update(agency.derived)
    env.update(
        {cid: (res.points if res.points is not None else _ZERO) for cid, res in criteria.items()}
    )
    env["total"] = published
    env["share"] = share
    return tier_of(
        basis_value,
        compiled.tier_levels,
        _tier_conditions(compiled, env, criteria, agency.plan.roots),
    )


class _FastShape:
    """Per-block constants for building fast-path results."""

    def __init__(self, plan: BlockPlan, rounding: Rounding) -> None:
        ids = tuple(leaf.id for leaf in plan.leaves) + tuple(g.id for g in plan.groups)
        full_max = tuple(leaf.max for leaf in plan.leaves) + tuple(g.max for g in plan.groups)
        status = tuple("unscored" if leaf.unscored else "scored" for leaf in plan.leaves)
        self.criteria = CriteriaShape(
            ids,
            full_max,
            status + ("scored",) * len(plan.groups),
            len(plan.leaves),
            partial(quantize, places=rounding.total, mode=rounding.mode),
        )
        self.normalised = tuple(
            (i, leaf.id, leaf.max, leaf.rule.cap if leaf.rule is not None else None)
            for i, leaf in enumerate(plan.leaves)
            if leaf.normalised
        )


def _finish_fast(
    compiled: CompiledRuleSet,
    agency: _Agency,
    shape: _FastShape,
    scores: Mapping[tuple[str, str], Decimal],
) -> _Core | None:
    """The generated path from leaf values to tier; ``None`` sends the agency to the reference path."""
    plan = agency.plan
    assert plan.fast_finish is not None
    raws = agency.fast_leaves
    norm: dict[str, Decimal] | None = None
    if agency.fast_done is not None:
        leaves, groups, total, published, share, ti = agency.fast_done
        unrounded = raws
    else:
        pre = list(raws)
        for i, cid, mx, cap in shape.normalised:
            score = scores.get((agency.record.id, cid), _ZERO)
            points = score * mx
            if cap is not None:
                points = min(points, cap)
            pre[i] = points
            if norm is None:
                norm = {}
            norm[cid] = score
        try:
            leaves, groups, total, published, share, ti = plan.fast_finish(*pre)
        except (SlowPath, RuleArithmeticError, decimal.DecimalException):
            return None
        unrounded = tuple(pre)
    if leaves is None:  # no rounding of leaf points: they are the values themselves
        leaves = unrounded
    criteria = CriteriaView(shape.criteria, leaves, raws, unrounded, groups, norm)
    if ti >= 0:
        level = compiled.tier_levels[ti]
        return _Core(agency, criteria, total, published, plan.max_total, share, level, ())
    return _finish_tier(compiled, agency, criteria, total, published, share)


def _finish_tier(
    compiled: CompiledRuleSet,
    agency: _Agency,
    criteria: Mapping[str, CriterionResult],
    total: Decimal,
    published: Decimal,
    share: Decimal,
) -> _Core | None:
    """Tier of a fast-path agency when tiers have conditions to evaluate."""
    plan = agency.plan
    agency.env = dict(zip(plan.indicators, agency.fast_values or (), strict=True))
    agency.derived = dict(zip(plan.derived, agency.fast_derived, strict=True))
    level = _tier(compiled, agency, criteria, published, share)
    if level is None:
        return None
    return _Core(agency, criteria, total, published, plan.max_total, share, level, ())


def _ranks(rules: RuleSet, cores: list[_Core]) -> list[int | None]:
    scope_all = rules.ranking.scope == "all"
    on_share = rules.ranking.on is RankOn.SHARE
    tie_break = rules.ranking.tie_break
    groups: dict[str, list[int]] = {}
    for i, c in enumerate(cores):
        if c.agency.record.ranked:
            groups.setdefault("*" if scope_all else c.agency.record.block, []).append(i)
    ranks: list[int | None] = [None] * len(cores)

    key: Callable[[_Core], Any]
    if tie_break:

        def key(c: _Core) -> Any:
            head = c.share if on_share else c.total
            extra = tuple(
                ((c.criteria[t].points or _ZERO) if t in c.criteria else _ZERO) for t in tie_break
            )
            return (head, *extra)

    else:
        key = attrgetter("share" if on_share else "total")

    for members in groups.values():
        for i, rank in zip(
            members, competition_ranks([cores[i] for i in members], key), strict=True
        ):
            ranks[i] = rank
    return ranks


def _compare(
    cores: list[_Core],
    compiled: CompiledRuleSet,
    previous: Assessment,
) -> tuple[dict[str, AgencyResult], Comparison]:
    prev_by_id = {r.agency_id: r for r in previous.results}
    ids = [c.agency.record.id for c in cores]
    mapping, via_alias = match_previous(
        [(c.agency.record.id, c.agency.record.name, c.agency.record.aliases) for c in cores],
        [(r.agency_id, r.name) for r in previous.results],
    )
    matched: dict[str, AgencyResult] = {}
    moved = []
    for c in cores:
        rid = c.agency.record.id
        pid = mapping.get(rid)
        if pid is None:
            continue
        prev = prev_by_id[pid]
        matched[rid] = prev
        if prev.block != c.agency.record.block:
            moved.append(rid)
    matched_prev = set(mapping.values())
    comparison = Comparison(
        previous_rules_id=previous.rules_id,
        previous_fingerprint=previous.receipt.rules_fingerprint,
        same_rules=previous.receipt.rules_fingerprint == compiled.fingerprint,
        new_agencies=tuple(i for i in ids if i not in mapping),
        dropped_agencies=tuple(p for p in prev_by_id if p not in matched_prev),
        matched_by_alias=MappingProxyType(via_alias),
        moved_block=tuple(moved),
        previous_year=previous.year,
    )
    return matched, comparison


def _result(core: _Core, rank: int | None, prev: AgencyResult | None) -> AgencyResult:
    agency = core.agency
    record = agency.record
    plan = agency.plan
    if agency.fast_values is not None:
        inputs: Mapping[str, Any] = ZipMapping(plan.indicators, agency.fast_values)
        derived: Mapping[str, Any] = ZipMapping(plan.derived, agency.fast_derived)
    else:
        inputs = MappingProxyType(dict(agency.inputs.values) if agency.inputs is not None else {})
        derived = MappingProxyType(dict(agency.derived))
    same_block = prev is not None and prev.block == record.block
    # Field order of AgencyResult (a test checks it against the dataclass).
    return AgencyResult._fast(
        record.id,
        record.name,
        record.block,
        record.ranked,
        inputs,
        derived,
        core.criteria,
        core.unrounded,
        core.total,
        core.max,
        core.share,
        core.tier.id,
        core.tier.label,
        rank,
        prev.rank if prev is not None and same_block else None,
        rank_change(prev.rank, rank) if prev is not None and same_block else None,
        prev.total if prev is not None else None,
        prev.tier if prev is not None else None,
        core.notes,
    )


def criteria_tree(plan: BlockPlan) -> tuple[CriterionInfo, ...]:
    """The block's criteria in pre-order, as reports list them."""
    out: list[CriterionInfo] = []
    stack: list[tuple[NodePlan | LeafPlan, int]] = [(r, 0) for r in reversed(plan.roots)]
    while stack:
        node, depth = stack.pop()
        crit = node.criterion
        is_leaf = isinstance(node, LeafPlan)
        out.append(CriterionInfo(crit.id, crit.code, crit.label, depth, is_leaf, node.max))
        if isinstance(node, NodePlan):
            stack.extend((c, depth + 1) for c in reversed(node.children))
    return tuple(out)


def _slow_start(
    compiled: CompiledRuleSet,
    record: AgencyRecord,
    plan: BlockPlan,
    imputed: Mapping[str, Decimal],
    errors: list[Diagnostic],
) -> _Agency | None:
    before = len(errors)
    inputs = prepare(compiled.rules, record, plan.indicators, imputed, errors)
    if len(errors) > before:
        return None
    agency = _Agency(record, plan, inputs)
    _check_relations(compiled, agency, errors)
    if len(errors) > before:
        return None
    _phase_one(compiled, agency, errors, with_trace=False)
    return agency if len(errors) == before else None


def evaluate(
    rules: RuleSet | CompiledRuleSet,
    data: Dataset,
    *,
    previous: Assessment | Dataset | None = None,
    previous_rules: RuleSet | CompiledRuleSet | None = None,
    options: Mapping[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_error: Literal["raise", "skip"] = "raise",
) -> Assessment:
    """Score every agency of ``data`` with ``rules``.

    Args:
        rules: a loaded rule set (compiled on first use and cached) or a compiled one.
        data: the survey of the year.
        previous: last year's assessment, or last year's survey (scored with
            ``previous_rules``, by default the same rules) — for rank changes.
        previous_rules: the rule set of the previous year, when ``previous`` is a dataset.
        options: free-form options recorded in the receipt.
        progress: called as ``progress(done, total)`` every 1,000 agencies and at the end
            (the CLI draws its progress bar with it).
        on_error: ``"raise"`` (the default) stops with every problem found; ``"skip"`` leaves
            the agencies that cannot be scored out of the results (and out of population
            normalisations and ranks) and lists their problems in ``diagnostics`` — the
            lenient policy of ``udcntt score --lenient``. A skipped agency never gets a
            partial total.

    Returns:
        The immutable :class:`Assessment`.

    Raises:
        EvaluationError: listing every agency and criterion that could not be scored
            (division by zero, value out of range, missing value with a blocking policy,
            violated relation, unknown block); never a partial or wrong total.
        RuleFileError: when the rule set does not pass its checks.
    """
    compiled = rules if isinstance(rules, CompiledRuleSet) else compile_rules(rules)
    if isinstance(previous, Dataset):
        previous = evaluate(previous_rules or compiled, previous, on_error=on_error)
    elif previous is not None and not isinstance(previous, Assessment):
        raise UsageError("'previous' must be an Assessment or a Dataset", code="E-USAGE")
    # Scoring allocates many small acyclic objects; pausing the cyclic collector meanwhile
    # saves a third of the time on large surveys and changes nothing else.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _evaluate(compiled, data, previous, options, progress, on_error)
    finally:
        if gc_was_enabled:
            gc.enable()


def _evaluate(
    compiled: CompiledRuleSet,
    data: Dataset,
    previous: Assessment | None,
    options: Mapping[str, Any] | None,
    progress: Callable[[int, int], None] | None = None,
    on_error: str = "raise",
) -> Assessment:
    skip = on_error == "skip"
    rule_set = compiled.rules
    src = rule_set.source
    errors: list[Diagnostic] = []
    slow_errors = (
        SlowPath,
        RuleArithmeticError,
        decimal.DecimalException,
        TypeError,
        AttributeError,
    )
    with decimal.localcontext(DECIMAL_CONTEXT):
        by_block: dict[str, list[AgencyRecord]] = {}
        for record in data.agencies:
            if record.block not in compiled.blocks:
                errors.append(
                    Diagnostic(
                        code="E-EVAL-BLOCK",
                        message=f"block '{record.block}' is not declared by rule set '{rule_set.id}'",
                        agency=record.id,
                        location=record.location,
                        hint="blocks: " + ", ".join(compiled.blocks),
                    )
                )
                continue
            by_block.setdefault(record.block, []).append(record)
        agencies: list[_Agency] = []
        imputed_by_block: dict[str, dict[str, Decimal]] = {}
        for block_id, records in by_block.items():
            plan = compiled.blocks[block_id]
            imputed = imputations(rule_set, records, plan.indicators)
            imputed_by_block[block_id] = imputed
            fast = plan.fast_whole or plan.fast
            whole = plan.fast_whole is not None
            keys = plan.indicators
            pick = itemgetter(*keys) if len(keys) > 1 else None
            for record in records:
                if progress is not None and not len(agencies) % 1000:
                    progress(len(agencies), len(data.agencies))
                if fast is not None:
                    try:
                        values = (
                            pick(record.values)
                            if pick is not None
                            else [record.values[keys[0]]]
                            if keys
                            else []
                        )
                    except KeyError:
                        get = record.values.get
                        values = [get(k, MISSING) for k in keys]
                    try:
                        out = fast(*values)
                    except slow_errors:
                        pass
                    else:
                        agencies.append(_Agency.fast(record, plan, values, out, whole))
                        continue
                slow = _slow_start(compiled, record, plan, imputed, errors)
                if slow is not None:
                    agencies.append(slow)
        stats: dict[str, Any] = {}
        scores = _normalise(compiled, agencies, stats) if skip or not errors else {}
        cores: list[_Core] = []
        if skip or not errors:
            order = {r.id: i for i, r in enumerate(data.agencies)}
            agencies.sort(key=lambda a: order[a.record.id])
            shapes = {
                b: _FastShape(p, rule_set.rounding)
                for b, p in compiled.blocks.items()
                if p.fast_finish is not None
            }
            for scored in agencies:
                core: _Core | None = None
                current: _Agency | None = scored
                if scored.fast_values is not None:
                    core = _finish_fast(compiled, scored, shapes[scored.record.block], scores)
                    if core is None:
                        # Generated code declined (a point out of range, …): the reference
                        # path reports the problem with its location.
                        current = _slow_start(
                            compiled,
                            scored.record,
                            scored.plan,
                            imputed_by_block[scored.record.block],
                            errors,
                        )
                if core is None and current is not None:
                    core = _finish_agency(compiled, current, scores, errors)
                if core is not None:
                    cores.append(core)
    if errors and not skip:
        raise EvaluationError.from_diagnostics(errors)
    if progress is not None:
        progress(len(data.agencies), len(data.agencies))
    ranks = _ranks(rule_set, cores)
    comparison = None
    matched: dict[str, AgencyResult] = {}
    if previous is not None:
        matched, comparison = _compare(cores, compiled, previous)
    results = tuple(
        _result(core, rank, matched.get(core.agency.record.id))
        for core, rank in zip(cores, ranks, strict=True)
    )
    previous_assessment = previous

    def receipt() -> Receipt:
        return Receipt(
            udcntt_version=__version__,
            rules_id=rule_set.id,
            rules_fingerprint=compiled.fingerprint,
            rule_files=tuple((f.path, f.sha256) for f in src.files)
            if isinstance(src, RuleSource)
            else (),
            data_fingerprint=data.fingerprint(),
            data_source=data.source,
            previous_fingerprint=previous_assessment.receipt.data_fingerprint
            if previous_assessment is not None
            else None,
            options=MappingProxyType(dict(options or {})),
        )

    return Assessment(
        rules_id=rule_set.id,
        title=rule_set.title,
        year=data.year,
        results=results,
        block_labels=MappingProxyType({b: v.label for b, v in rule_set.blocks.items()}),
        block_max=MappingProxyType({b: p.max_total for b, p in compiled.blocks.items()}),
        tier_labels=MappingProxyType({t.id: t.label for t in rule_set.tiers.levels}),
        criteria_tree=MappingProxyType({b: criteria_tree(p) for b, p in compiled.blocks.items()}),
        tiers=tuple(
            TierInfo(t.id, t.label, t.min, t.max, bool(t.require or t.min_group_share is not None))
            for t in rule_set.tiers.levels
        ),
        tier_basis=rule_set.tiers.basis.value,
        indicators=tuple(
            IndicatorInfo(i, ind.label, ind.type.value, ind.unit, dict(ind.categories or {}))
            for i, ind in rule_set.indicators.items()
        ),
        relations=tuple((rel.check, rel.blocks) for rel in rule_set.relations),
        comparison=comparison,
        normalisation=MappingProxyType(stats),
        diagnostics=(*data.diagnostics, *errors),
        _compiled=compiled,
        _dataset=data,
        _receipt_args=receipt,
    )
