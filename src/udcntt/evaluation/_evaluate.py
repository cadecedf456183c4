"""The scoring pipeline: inputs → derived → leaves → normalisation → groups → tier → rank."""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from udcntt._version import __version__
from udcntt.data import NA, AgencyRecord, Dataset
from udcntt.errors import Diagnostic, EvaluationError, SourceLocation, UsageError
from udcntt.expressions import DECIMAL_CONTEXT, RuleArithmeticError
from udcntt.loading import RuleSource
from udcntt.model import Aggregate, NotApplicablePolicy, RankOn, RuleSet, TierBasis, TierLevel
from udcntt.program import BlockPlan, CompiledRuleSet, LeafPlan, NodePlan, compile_rules
from udcntt.evaluation._assessment import AgencyResult, Assessment, Comparison, CriterionResult, Receipt
from udcntt.evaluation._inputs import PreparedInputs, imputations, prepare
from udcntt.evaluation._interpret import LeafOutcome, RuleFailure, derive, run_leaf
from udcntt.evaluation._normalise import normalise_population
from udcntt.evaluation._ranking import competition_ranks, match_previous, quantize, rank_change, tier_of

__all__ = ["evaluate"]

_ZERO = Decimal(0)
_ONE = Decimal(1)


class _Agency:
    """Mutable per-agency state while the pipeline runs."""

    __slots__ = ("derived", "env", "inputs", "leaves", "plan", "record")

    def __init__(self, record: AgencyRecord, plan: BlockPlan, inputs: PreparedInputs) -> None:
        self.record = record
        self.plan = plan
        self.inputs = inputs
        self.env: dict[str, Any] = dict(inputs.values)
        self.derived: dict[str, Any] = {}
        self.leaves: dict[str, LeafOutcome] = {}


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
    na = agency.inputs.na
    if plan.fast is not None and not na and not with_trace:
        values = [agency.env[i] for i in plan.indicators]
        try:
            derived, leaves = plan.fast(*values)
        except RuleArithmeticError:
            pass  # the reference path below locates the failing criterion
        else:
            for name, value in zip(plan.derived, derived, strict=True):
                agency.derived[name] = value
            for leaf, value in zip(plan.leaves, leaves, strict=True):
                agency.leaves[leaf.id] = LeafOutcome(value, False, None)
            return
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
    for cid, leaf in normalised.items():
        assert leaf.rule is not None and leaf.rule.normalise is not None
        spec = leaf.rule.normalise
        members = [a for a in agencies if cid in a.leaves and not a.leaves[cid].na]
        if spec.scope.value == "block":
            groups: dict[str, list[_Agency]] = {}
            for a in members:
                groups.setdefault(a.record.block, []).append(a)
        else:
            groups = {"all": members}
        direction = None
        if leaf.rule.expr is not None:
            names = leaf.rule.expr.names
            dirs = {compiled.rules.indicators[n].direction for n in names if n in compiled.rules.indicators}
            if len(dirs) == 1:
                direction = dirs.pop()
        for scope, group in groups.items():
            raws = [a.leaves[cid].raw for a in group]
            values = [r for r in raws if r is not None]
            result, stats = normalise_population(spec, values, direction)
            stats_out.setdefault(cid, {})[scope] = stats
            for a, score in zip(group, result, strict=True):
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
                if res.points is not None and res.max and res.points / res.max < level.min_group_share:
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
) -> AgencyResult | None:
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
            criteria[leaf.id] = CriterionResult(leaf.id, _ZERO, _ZERO, _ZERO, "unscored", raw=outcome.raw)
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
            leaf.id, points, leaf.max, leaf.max, "scored", raw=raw, normalised=normalised, unrounded=unrounded
        )
        leaf_points[leaf.id] = (points, leaf.max)
    if not ok:
        return None
    group_out: dict[str, tuple[Decimal | None, Decimal]] = {}
    rescale_all = rules.not_applicable is NotApplicablePolicy.RESCALE
    total = _ZERO
    applicable_max = _ZERO
    for root in plan.roots:
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
    share = quantize(published / applicable_max, rounding.share, rounding.mode) if applicable_max else _ZERO
    basis_value = share if rules.tiers.basis is TierBasis.SHARE else published
    env = dict(agency.env)
    env.update({cid: (res.points if res.points is not None else _ZERO) for cid, res in criteria.items()})
    env["total"] = published
    env["share"] = share
    level = tier_of(basis_value, compiled.tier_levels, _tier_conditions(compiled, env, criteria, plan.roots))
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
    notes = list(agency.inputs.notes)
    if not applicable_max:
        notes.append("no criterion applies to this agency: share set to 0")
    inputs_view = {k: v for k, v in agency.inputs.values.items()}
    return AgencyResult(
        agency_id=record.id,
        name=record.name,
        block=record.block,
        ranked=record.ranked,
        inputs=MappingProxyType(inputs_view),
        derived=MappingProxyType(dict(agency.derived)),
        criteria=MappingProxyType(criteria),
        total_unrounded=total,
        total=published,
        max=applicable_max,
        share=share,
        tier=level.id,
        tier_label=level.label,
        notes=tuple(notes),
    )


def _rank(rules: RuleSet, results: list[AgencyResult]) -> list[AgencyResult]:
    scope_all = rules.ranking.scope == "all"
    on_share = rules.ranking.on is RankOn.SHARE
    tie_break = rules.ranking.tie_break
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(results):
        if r.ranked:
            groups.setdefault("*" if scope_all else r.block, []).append(i)
    ranked = list(results)

    def key(r: AgencyResult) -> tuple[Any, ...]:
        head = r.share if on_share else r.total
        extra = tuple(
            (r.criteria[t].points or _ZERO) if t in r.criteria else _ZERO for t in tie_break
        )
        return (head, *extra)

    for members in groups.values():
        ranks = competition_ranks([results[i] for i in members], key)
        for i, rank in zip(members, ranks, strict=True):
            ranked[i] = replace(results[i], rank=rank)
    return ranked


def _compare(
    results: list[AgencyResult],
    dataset: Dataset,
    compiled: CompiledRuleSet,
    previous: Assessment,
) -> tuple[list[AgencyResult], Comparison]:
    aliases = {a.id: a.aliases for a in dataset.agencies}
    prev_by_id = {r.agency_id: r for r in previous.results}
    mapping, via_alias = match_previous([r.agency_id for r in results], aliases, list(prev_by_id))
    out = []
    moved = []
    for r in results:
        pid = mapping.get(r.agency_id)
        if pid is None:
            out.append(r)
            continue
        prev = prev_by_id[pid]
        if prev.block != r.block:
            moved.append(r.agency_id)
            out.append(replace(r, previous_total=prev.total, previous_tier=prev.tier))
            continue
        out.append(
            replace(
                r,
                previous_rank=prev.rank,
                rank_change=rank_change(prev.rank, r.rank),
                previous_total=prev.total,
                previous_tier=prev.tier,
            )
        )
    matched_prev = set(mapping.values())
    comparison = Comparison(
        previous_rules_id=previous.rules_id,
        previous_fingerprint=previous.receipt.rules_fingerprint,
        same_rules=previous.receipt.rules_fingerprint == compiled.fingerprint,
        new_agencies=tuple(r.agency_id for r in results if r.agency_id not in mapping),
        dropped_agencies=tuple(p for p in prev_by_id if p not in matched_prev),
        matched_by_alias=MappingProxyType(via_alias),
        moved_block=tuple(moved),
    )
    return out, comparison


def evaluate(
    rules: RuleSet | CompiledRuleSet,
    data: Dataset,
    *,
    previous: Assessment | Dataset | None = None,
    previous_rules: RuleSet | CompiledRuleSet | None = None,
    options: Mapping[str, Any] | None = None,
) -> Assessment:
    """Score every agency of ``data`` with ``rules``.

    Args:
        rules: a loaded rule set (compiled on first use and cached) or a compiled one.
        data: the survey of the year.
        previous: last year's assessment, or last year's survey (scored with
            ``previous_rules``, by default the same rules) — for rank changes.
        previous_rules: the rule set of the previous year, when ``previous`` is a dataset.
        options: free-form options recorded in the receipt.

    Returns:
        The immutable :class:`Assessment`.

    Raises:
        EvaluationError: listing every agency and criterion that could not be scored
            (division by zero, value out of range, missing value with a blocking policy,
            violated relation, unknown block); never a partial or wrong total.
        RuleFileError: when the rule set does not pass its checks.
    """
    compiled = rules if isinstance(rules, CompiledRuleSet) else compile_rules(rules)
    rule_set = compiled.rules
    src = rule_set.source
    if isinstance(previous, Dataset):
        previous = evaluate(previous_rules or compiled, previous)
    elif previous is not None and not isinstance(previous, Assessment):
        raise UsageError("'previous' must be an Assessment or a Dataset", code="E-USAGE")
    errors: list[Diagnostic] = []
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
        for block_id, records in by_block.items():
            plan = compiled.blocks[block_id]
            imputed = imputations(rule_set, records, plan.indicators)
            for record in records:
                before = len(errors)
                inputs = prepare(rule_set, record, plan.indicators, imputed, errors)
                if len(errors) > before:
                    continue
                agency = _Agency(record, plan, inputs)
                _check_relations(compiled, agency, errors)
                if len(errors) > before:
                    continue
                _phase_one(compiled, agency, errors, with_trace=False)
                if len(errors) == before:
                    agencies.append(agency)
        stats: dict[str, Any] = {}
        scores = _normalise(compiled, agencies, stats) if not errors else {}
        results: list[AgencyResult] = []
        if not errors:
            order = {r.id: i for i, r in enumerate(data.agencies)}
            agencies.sort(key=lambda a: order[a.record.id])
            for agency in agencies:
                res = _finish_agency(compiled, agency, scores, errors)
                if res is not None:
                    results.append(res)
    if errors:
        raise EvaluationError.from_diagnostics(errors)
    results = _rank(rule_set, results)
    comparison = None
    if previous is not None:
        results, comparison = _compare(results, data, compiled, previous)
    receipt = Receipt(
        udcntt_version=__version__,
        rules_id=rule_set.id,
        rules_fingerprint=compiled.fingerprint,
        rule_files=tuple((f.path, f.sha256) for f in src.files) if isinstance(src, RuleSource) else (),
        data_fingerprint=data.fingerprint(),
        data_source=data.source,
        previous_fingerprint=previous.receipt.data_fingerprint if previous is not None else None,
        options=MappingProxyType(dict(options or {})),
    )
    return Assessment(
        rules_id=rule_set.id,
        title=rule_set.title,
        year=data.year,
        results=tuple(results),
        block_labels=MappingProxyType({b: v.label for b, v in rule_set.blocks.items()}),
        block_max=MappingProxyType({b: p.max_total for b, p in compiled.blocks.items()}),
        tier_labels=MappingProxyType({t.id: t.label for t in rule_set.tiers.levels}),
        receipt=receipt,
        comparison=comparison,
        normalisation=MappingProxyType(stats),
        diagnostics=tuple(data.diagnostics),
        _compiled=compiled,
        _dataset=data,
    )
