"""From an agency's leaf values to its total and tier, on the fast and the reference path.

The tier is decided by one function for both paths (:func:`decide_tier`), so a tier
condition (``require``) that cannot be evaluated is reported the same way whichever path
scored the agency.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import partial
from types import MappingProxyType
from typing import Any

from udcntt.data import NA
from udcntt.errors import Diagnostic, msg
from udcntt.evaluation._assessment import CriteriaShape, CriteriaView, CriterionResult
from udcntt.evaluation._interpret import LeafOutcome
from udcntt.evaluation._ranking import quantize, tier_of
from udcntt.evaluation._state import Agency, Core, Run, plan_location
from udcntt.expressions import RuleArithmeticError
from udcntt.loading import RuleSource
from udcntt.model import NotApplicablePolicy, Rounding, TierBasis, TierLevel, TotalsRule
from udcntt.program import (
    Applicability,
    BlockPlan,
    CompiledRuleSet,
    GeneratedCodeError,
    LeafPlan,
    NodePlan,
    SlowPath,
)

__all__ = ["ARITHMETIC", "BUGS", "FastShape", "decide_tier", "finish_fast", "finish_reference"]

_ZERO = Decimal(0)
_NO_STATE: Any = MappingProxyType({})
#: What generated code may raise for a declared reason (see ``SLOW_REASONS``): the
#: ``SlowPath`` signal itself, and arithmetic errors the reference path locates.
ARITHMETIC = (RuleArithmeticError, decimal.DecimalException)
#: Exceptions from generated code that can only mean a bug in udcntt (never a fallback).
BUGS = (TypeError, AttributeError, KeyError, IndexError, ValueError, NameError)


class _ConditionFailed(Exception):
    """A tier condition could not be evaluated (carries the finished diagnostic)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _condition_diagnostic(
    compiled: CompiledRuleSet, agency: Agency, level: TierLevel, code: str, detail: str
) -> Diagnostic:
    index = next(i for i, lv in enumerate(compiled.tier_levels) if lv.id == level.id)
    src = compiled.rules.source
    loc = src.locate(("tiers", "levels", index, "require")) if isinstance(src, RuleSource) else None
    return Diagnostic(
        code=code if code.startswith("E-EVAL") else "E-EVAL",
        message=msg(
            "tier '{tier}': condition '{condition}' cannot be evaluated: {detail}",
            tier=level.id,
            condition=level.require or "",
            detail=detail,
        ),
        location=loc or agency.record.location,
        agency=agency.record.id,
        hint=msg("use ratio(a, b, default) where a denominator can be 0")
        if code == "E-EVAL-DIVZERO"
        else None,
    )


def decide_tier(
    run: Run,
    agency: Agency,
    criteria: Mapping[str, CriterionResult],
    published: Decimal,
    share: Decimal,
) -> TierLevel | None:
    """The agency's tier; ``None`` after reporting why there is none.

    A tier's ``require`` reads the agency's inputs, derived values, criterion points (0 when
    a criterion does not apply), ``total`` and ``share``. When it cannot be evaluated — a
    division by zero, or a not-applicable value it reaches — the agency gets no tier and a
    located error (``E-EVAL-DIVZERO``, ``E-EVAL-NONFINITE``, ``E-EVAL``); it never falls
    silently into a lower tier. A total in no tier is ``E-EVAL-NOTIER``.
    """
    compiled = run.compiled
    basis_value = share if compiled.rules.tiers.basis is TierBasis.SHARE else published
    env: dict[str, Any] = {}
    if compiled.tier_requires:
        env.update(run.tier_base)
        env.update(agency.env)
        env.update(agency.derived)
        env.update(
            {
                cid: (res.points if res.points is not None else _ZERO)
                for cid, res in criteria.items()
            }
        )
        env["total"] = published
        env["share"] = share
    roots = agency.plan.roots

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
        if expr is None:
            return True
        try:
            return bool(expr.evaluate(env))
        except RuleArithmeticError as exc:
            raise _ConditionFailed(
                _condition_diagnostic(compiled, agency, level, exc.code, exc.detail)
            ) from exc
        except TypeError as exc:
            na = sorted(n for n in expr.names if env.get(n) is NA)
            if not na:
                raise  # a value of the wrong type here is a bug in udcntt, not in the data
            detail = msg("it reads a value that is not applicable ({names})", names=", ".join(na))
            raise _ConditionFailed(
                _condition_diagnostic(compiled, agency, level, "E-EVAL", detail)
            ) from exc

    try:
        level = tier_of(basis_value, compiled.tier_levels, check)
    except _ConditionFailed as exc:
        run.errors.append(exc.diagnostic)
        return None
    if level is None:
        run.errors.append(
            Diagnostic(
                code="E-EVAL-NOTIER",
                message=msg(
                    "total {total} (share {share}) falls in no tier", total=published, share=share
                ),
                agency=agency.record.id,
                location=agency.record.location,
            )
        )
    return level


class _GroupFailed(Exception):
    """A group's aggregation could not combine its children (a plugin's, at its boundary)."""

    def __init__(self, node: NodePlan, cause: RuleArithmeticError) -> None:
        super().__init__(cause.detail)
        self.node = node
        self.cause = cause


def _aggregate(
    node: NodePlan | LeafPlan,
    leaf_points: Mapping[str, tuple[Decimal | None, Decimal]],
    out: dict[str, tuple[Decimal | None, Decimal]],
) -> tuple[Decimal | None, Decimal]:
    """(points or None if not applicable, applicable max) of ``node``; fills ``out``.

    A summing group with ``rescale_na: true`` scales its points up to its own maximum when
    some children do not apply. The rule set's ``not_applicable: rescale`` does not rescale
    groups: it scales the agency's total once (see :func:`finish_reference`), so the share
    is the same as under ``reduce_max``.
    """
    if isinstance(node, LeafPlan):
        return leaf_points[node.id]
    parts = [_aggregate(child, leaf_points, out) for child in node.children]
    scored = [
        (pts, mx, child)
        for (pts, mx), child in zip(parts, node.children, strict=True)
        if pts is not None and not (isinstance(child, LeafPlan) and child.unscored)
    ]
    if not scored:
        out[node.id] = (None, _ZERO)
        return out[node.id]
    if node.aggregation.additive:
        points = sum((p for p, _, _ in scored), _ZERO)
        applicable = sum((m for _, m, _ in scored), _ZERO)
        if node.rescale_na and applicable and applicable != node.max:
            points = points * node.max / applicable
            applicable = node.max
        result = (points, applicable)
    else:
        weights = tuple(c.criterion.weight for _, _, c in scored)
        shares = tuple((p / m) if m else _ZERO for p, m, _ in scored)
        try:
            share = node.aggregation.run(shares, weights)
        except RuleArithmeticError as exc:
            raise _GroupFailed(node, exc) from exc
        result = (share * node.max, node.max)
    out[node.id] = result
    return result


def _leaf_result(
    run: Run, agency: Agency, leaf: LeafPlan, outcome: LeafOutcome
) -> tuple[CriterionResult, Decimal | None, Decimal] | None:
    """A leaf's result and its (points, applicable max); ``None`` after reporting a problem."""
    rounding = run.compiled.rules.rounding
    if leaf.unscored:
        return (
            CriterionResult(leaf.id, _ZERO, _ZERO, _ZERO, "unscored", raw=outcome.raw),
            _ZERO,
            _ZERO,
        )
    raw = outcome.raw
    if outcome.na or raw is None:
        return CriterionResult(leaf.id, None, _ZERO, leaf.max, "not_applicable"), None, _ZERO
    normalised = None
    points = raw
    if leaf.normalised:
        normalised = run.scores.get((agency.record.id, leaf.id), _ZERO)
        points = normalised * leaf.max
        if leaf.rule is not None and leaf.rule.cap is not None:
            points = min(points, leaf.rule.cap)
    unrounded = points
    if rounding.criteria is not None:
        points = quantize(points, rounding.criteria, rounding.mode)
    if points < 0 or points > leaf.max:
        run.errors.append(
            Diagnostic(
                code="E-EVAL-RANGE",
                message=msg(
                    "criterion gives {points} points, outside [0, {max}]",
                    points=points,
                    max=leaf.max,
                ),
                location=plan_location(run.compiled, leaf) or agency.record.location,
                agency=agency.record.id,
                criterion=leaf.id,
                value=str(points),
                hint=msg("bound the rule with clamp(...) or 'cap', or correct the survey data"),
            )
        )
        return None
    result = CriterionResult(
        leaf.id,
        points,
        leaf.max,
        leaf.max,
        "scored",
        raw=raw,
        normalised=normalised,
        unrounded=unrounded,
    )
    return result, points, leaf.max


def finish_reference(run: Run, agency: Agency) -> Core | None:
    """The reference path from leaf values to tier, for one agency (``None``: reported)."""
    rules = run.compiled.rules
    plan = agency.plan
    rounding = rules.rounding
    leaf_points: dict[str, tuple[Decimal | None, Decimal]] = {}
    criteria: dict[str, CriterionResult] = {}
    ok = True
    for leaf in plan.leaves:
        outcome = agency.leaves.get(leaf.id)
        if outcome is None:
            return None
        done = _leaf_result(run, agency, leaf, outcome)
        if done is None:
            ok = False
            continue
        criteria[leaf.id], pts, mx = done
        leaf_points[leaf.id] = (pts, mx)
    if not ok:
        return None
    group_out: dict[str, tuple[Decimal | None, Decimal]] = {}
    rescale_all = rules.not_applicable is NotApplicablePolicy.RESCALE
    # ``totals: sum_of_rounded``: the total adds the top-level points as published.
    rounded_parts = rounding.totals is TotalsRule.SUM_OF_ROUNDED
    total = _ZERO
    applicable_max = _ZERO
    for root in plan.roots:
        if isinstance(root, LeafPlan) and root.unscored:
            continue
        try:
            pts, mx = _aggregate(root, leaf_points, group_out)
        except _GroupFailed as exc:
            run.errors.append(
                Diagnostic(
                    code=exc.cause.code,
                    message=exc.cause.detail,
                    location=plan_location(run.compiled, exc.node) or agency.record.location,
                    agency=agency.record.id,
                    criterion=exc.node.id,
                )
            )
            return None
        if pts is not None:
            total += quantize(pts, rounding.total, rounding.mode) if rounded_parts else pts
            applicable_max += mx
    if rescale_all and applicable_max and applicable_max != plan.max_total:
        total = total * plan.max_total / applicable_max
        applicable_max = plan.max_total
    for group in plan.groups:
        g_pts, g_mx = group_out.get(group.id, (None, _ZERO))
        criteria[group.id] = CriterionResult(
            group.id,
            None if g_pts is None else quantize(g_pts, rounding.total, rounding.mode),
            g_mx,
            group.max,
            "not_applicable" if g_pts is None else "scored",
            unrounded=g_pts,
        )
    published = quantize(total, rounding.total, rounding.mode)
    share = (
        quantize(published / applicable_max, rounding.share, rounding.mode)
        if applicable_max
        else _ZERO
    )
    notes = list(agency.inputs.notes) if agency.inputs is not None else []
    if not applicable_max:
        notes.append("no criterion applies to this agency: share set to 0")
    level = decide_tier(run, agency, criteria, published, share)
    if level is None:
        return None
    return Core(
        agency,
        MappingProxyType(criteria),
        total,
        published,
        applicable_max,
        share,
        level,
        tuple(notes),
    )


class FastShape:
    """Constants for building fast-path results, per block and set of N/A inputs."""

    def __init__(self, plan: BlockPlan, rounding: Rounding, app: Applicability) -> None:
        ids = tuple(leaf.id for leaf in plan.leaves) + tuple(g.id for g in plan.groups)
        full_max = tuple(leaf.max for leaf in plan.leaves) + tuple(g.max for g in plan.groups)
        status = tuple(
            "unscored"
            if leaf.unscored
            else "not_applicable"
            if leaf.id in app.na_leaves
            else "scored"
            for leaf in plan.leaves
        ) + tuple("scored" if g.id in app.max else "not_applicable" for g in plan.groups)
        applicable = tuple(
            leaf.max if leaf.unscored else app.max.get(leaf.id, _ZERO) for leaf in plan.leaves
        ) + tuple(app.max.get(g.id, _ZERO) for g in plan.groups)
        self.criteria = CriteriaShape(
            ids,
            full_max,
            status,
            len(plan.leaves),
            partial(quantize, places=rounding.total, mode=rounding.mode),
            applicable,
        )
        self.normalised: Sequence[tuple[int, str, Decimal, Decimal | None]] = tuple(
            (i, leaf.id, leaf.max, leaf.rule.cap if leaf.rule is not None else None)
            for i, leaf in enumerate(plan.leaves)
            if leaf.normalised and leaf.id not in app.na_leaves
        )
        #: the agency's maximum (after ``not_applicable: rescale``).
        self.max_total = app.total


def finish_fast(run: Run, agency: Agency, shape: FastShape) -> Core | str | None:
    """The generated path from leaf values to tier.

    Returns:
        The agency's scores; or a reason of ``SLOW_REASONS`` when the generated code hands
        the agency to the reference path; or ``None`` when a problem was reported (no tier).
    """
    plan = agency.plan
    raws = agency.fast_leaves
    norm: dict[str, Decimal] | None = None
    if agency.fast_done is not None:
        leaves, groups, total, published, share, ti = agency.fast_done
        unrounded = raws
    else:
        finish = agency.variant.finish if agency.variant is not None else plan.fast_finish
        if finish is None:  # pragma: no cover - fast agencies come from fast plans
            return "no_fast_code"
        pre = list(raws)
        for i, cid, mx, cap in shape.normalised:
            score = run.scores.get((agency.record.id, cid), _ZERO)
            points = score * mx
            if cap is not None:
                points = min(points, cap)
            pre[i] = points
            if norm is None:
                norm = {}
            norm[cid] = score
        try:
            leaves, groups, total, published, share, ti = finish(*pre)
        except SlowPath as exc:
            return exc.reason
        except ARITHMETIC:
            return "arithmetic"
        except BUGS as exc:
            raise GeneratedCodeError(
                f"generated code of block '{plan.id}' failed for agency '{agency.record.id}' "
                f"after normalisation: {exc!r}; this is a bug in udcntt"
            ) from exc
        unrounded = tuple(pre)
    if leaves is None:  # no rounding of leaf points: they are the values themselves
        leaves = unrounded
    criteria = CriteriaView(shape.criteria, leaves, raws, unrounded, groups, norm)
    if ti >= 0:
        level = run.compiled.tier_levels[ti]
        return Core(agency, criteria, total, published, shape.max_total, share, level, agency.notes)
    # Tiers with conditions: decided in Python, as on the reference path.
    agency.env = dict(zip(plan.indicators, agency.fast_values or (), strict=True))
    agency.derived = dict(zip(plan.derived, agency.fast_derived, strict=True))
    found = decide_tier(run, agency, criteria, published, share)
    if found is None:
        return None
    return Core(agency, criteria, total, published, shape.max_total, share, found, agency.notes)
