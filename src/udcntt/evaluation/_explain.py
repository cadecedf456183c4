"""Explanations: for an agency, every criterion's inputs, rule, intermediate values and points.

Traces are rebuilt on demand by the reference interpreter from the assessment's own
compiled rule set and dataset, so scoring stays fast and an explanation always matches the
published numbers (a test checks both agree).
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any

from udcntt.data import NA, Marker
from udcntt.errors import UsageError, msg
from udcntt.evaluation._assessment import AgencyResult, Assessment
from udcntt.evaluation._inputs import imputations, prepare
from udcntt.evaluation._interpret import derive, run_leaf
from udcntt.expressions import DECIMAL_CONTEXT
from udcntt.program import CompiledRuleSet, LeafPlan, NodePlan

__all__ = ["TRACE_VERSION", "explain", "lost_points", "points_to_next_tier"]

#: Version of the trace JSON layout.
TRACE_VERSION = "1"


def _text(value: Any) -> Any:
    if isinstance(value, Marker):
        return value.value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _rule_text(leaf: LeafPlan) -> dict[str, Any]:
    rule = leaf.rule
    if rule is None:
        return {"kind": "unscored"}
    out: dict[str, Any] = {"kind": rule.kind, **rule.type.describe(rule)}
    if rule.cap is not None:
        out["cap"] = str(rule.cap)
    return out


def explain(assessment: Assessment, agency_id: str) -> dict[str, Any]:
    """The trace of one agency as a JSON-ready dict (layout version :data:`TRACE_VERSION`).

    Raises:
        KeyError: when the assessment has no such agency.
        UsageError: when the assessment was not produced by :func:`udcntt.evaluate` in
            this process (a reloaded JSON assessment already carries its traces).
    """
    result = assessment.by_id(agency_id)
    compiled: CompiledRuleSet | None = assessment._compiled
    dataset = assessment._dataset
    if compiled is None or dataset is None:
        raise UsageError(msg("this assessment carries no rule set to explain with"), code="E-USAGE")
    rules = compiled.rules
    plan = compiled.blocks[result.block]
    record = dataset.by_id()[agency_id]
    imputed: dict[str, Decimal] = {}
    if any(rules.indicators[i].missing.value.startswith("impute") for i in plan.indicators):
        # Only an imputing policy needs the block's other agencies.
        peers = [a for a in dataset.agencies if a.block == result.block]
        imputed = imputations(rules, peers, plan.indicators)
    with decimal.localcontext(DECIMAL_CONTEXT):
        inputs = prepare(rules, record, plan.indicators, imputed, [])
        env = dict(inputs.values)
        derive(compiled, plan.derived, env, inputs.na)
        leaves = {leaf.id: run_leaf(leaf, env, inputs.na, with_trace=True) for leaf in plan.leaves}
    criteria: list[dict[str, Any]] = []

    def node_entry(node: NodePlan | LeafPlan, depth: int) -> None:
        res = result.criteria[node.id]
        crit = node.criterion
        entry: dict[str, Any] = {
            "id": node.id,
            "code": crit.code,
            "label": crit.label,
            "depth": depth,
            "status": res.status,
            "points": _text(res.points),
            "max": _text(res.max),
            "full_max": _text(res.full_max),
        }
        if isinstance(node, LeafPlan):
            entry["rule"] = _rule_text(node)
            entry["inputs"] = {name: _text(env.get(name, NA)) for name in sorted(node.reads)}
            names: set[str] = set()
            if node.rule is not None:
                for e in node.rule.expressions():
                    names |= e.names
            entry["derived"] = {d: _text(env.get(d)) for d in plan.derived if d in names}
            entry["steps"] = leaves[node.id].trace or []
            if res.raw is not None:
                entry["raw"] = _text(res.raw)
            if res.normalised is not None:
                scope = (
                    "all"
                    if node.rule is not None and node.rule.spec.scope.value == "all"
                    else result.block
                )
                entry["normalisation"] = {
                    "score": _text(res.normalised),
                    "population": assessment.normalisation.get(node.id, {}).get(scope, []),
                }
            if res.unrounded is not None and res.unrounded != res.points:
                entry["unrounded"] = _text(res.unrounded)
        else:
            entry["aggregate"] = node.aggregate
            if res.unrounded is not None:
                entry["unrounded"] = _text(res.unrounded)
            if res.max != res.full_max and res.status == "scored":
                entry["rescaled"] = False
        criteria.append(entry)
        if isinstance(node, NodePlan):
            for child in node.children:
                node_entry(child, depth + 1)

    for root in plan.roots:
        node_entry(root, 0)
    return {
        "trace_version": TRACE_VERSION,
        "agency_id": result.agency_id,
        "name": result.name,
        "block": result.block,
        "block_label": assessment.block_labels.get(result.block, result.block),
        "inputs": {k: _text(v) for k, v in sorted(inputs.values.items())},
        "notes": list(result.notes),
        "criteria": criteria,
        "total": _text(result.total),
        "total_unrounded": _text(result.total_unrounded),
        "max": _text(result.max),
        "share": _text(result.share),
        "tier": result.tier,
        "tier_label": result.tier_label,
        "rank": result.rank,
        "previous_rank": result.previous_rank,
        "rank_change": result.rank_change,
        "lost_points": [
            {"id": cid, "lost": _text(lost)} for cid, lost in lost_points(assessment, result)
        ],
        "to_next_tier": _text(points_to_next_tier(assessment, result)),
    }


def lost_points(assessment: Assessment, result: AgencyResult) -> list[tuple[str, Decimal]]:
    """Leaf criteria where the agency lost points, most points lost first."""
    tree = assessment.criteria_tree.get(result.block)
    leaf_ids = {c.id for c in tree if c.is_leaf} if tree else None
    rows = [
        (cid, res.lost)
        for cid, res in result.criteria.items()
        if res.lost > 0 and (leaf_ids is None or cid in leaf_ids)
    ]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def points_to_next_tier(assessment: Assessment, result: AgencyResult) -> Decimal | None:
    """Fewest extra points (on the published total) to reach the next better tier.

    ``None`` for agencies already in the best tier, or when tiers are unknown. With tiers on
    share, the threshold is converted with the agency's own maximum. Extra tier conditions
    (``require``, ``min_group_share``) are not accounted for.
    """
    ids = [t.id for t in assessment.tiers]
    if result.tier not in ids:
        return None
    index = ids.index(result.tier)
    if index == 0:
        return None
    target = assessment.tiers[index - 1]
    if target.min is None:
        return None
    needed = target.min * result.max if assessment.tier_basis == "share" else target.min
    return max(needed - result.total, Decimal(0))
