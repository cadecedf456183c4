"""Tier checks against one published total in two tiers (part of the ``tiers`` property).

* :func:`same_total_tiers` — agencies of one block with the same published total and the
  same maximum fall in the same tier unless a tier condition tells them apart;
* :func:`probe_same_total` — with ``basis: share`` and not-applicable answers that lower the
  maximum, the smallest total that two agencies publish in two tiers (flagged by
  :func:`udcntt.testing.run_properties` as ``W-PROP-SAME-TOTAL``).
"""

from __future__ import annotations

from decimal import Decimal

from udcntt.errors import msg
from udcntt.evaluation import AgencyResult, Assessment, tier_of
from udcntt.model import NotApplicablePolicy, RuleSet, TierBasis
from udcntt.program import CompiledRuleSet, LeafPlan, NodePlan
from udcntt.testing._spaces import compiled_of, plain_decimal
from udcntt.testing._violations import Violation

__all__ = ["probe_same_total", "same_total_tiers"]


def same_total_tiers(compiled: CompiledRuleSet, assessment: Assessment) -> list[Violation]:
    """Agencies of one block with the same published total fall in the same tier.

    Tier conditions (``require``, ``min_group_share``) may tell them apart; the thresholds
    alone may not (with ``basis: share`` and different maxima they do).
    """
    levels = compiled.tier_levels
    share = compiled.rules.tiers.basis is TierBasis.SHARE
    seen: dict[tuple[str, Decimal, Decimal], tuple[AgencyResult, str]] = {}
    for r in assessment.results:
        level = tier_of(r.share if share else r.total, levels, lambda _lv: True)
        if level is None:
            continue
        # Different maxima (not-applicable answers under 'basis: share') are the declared
        # behaviour; probe_same_total reports that design separately.
        key = (r.block, r.total, r.max)
        if key not in seen:
            seen[key] = (r, level.id)
            continue
        first, tier = seen[key]
        if tier != level.id:
            return [
                Violation(
                    "tiers",
                    msg(
                        "agencies '{first}' and '{second}' of block '{block}' both publish total {total} but their thresholds put them in tiers '{tier}' and '{other_tier}' (shares {first_share} and {second_share} of maxima {first_max} and {second_max})",
                        first=first.agency_id,
                        second=r.agency_id,
                        block=r.block,
                        total=plain_decimal(r.total),
                        tier=tier,
                        other_tier=level.id,
                        first_share=plain_decimal(first.share),
                        second_share=plain_decimal(r.share),
                        first_max=plain_decimal(first.max),
                        second_max=plain_decimal(r.max),
                    ),
                    agency=r.agency_id,
                    hint=msg(
                        "decide tiers on points ('basis: points'), or rescale not-applicable answers ('not_applicable: rescale') so that one total means one share"
                    ),
                )
            ]
    return []


def _reductions(compiled: CompiledRuleSet, block: str) -> list[tuple[str, Decimal]]:
    """(leaf, budget it removes from the agency's maximum when not applicable)."""
    optional = {n for n, ind in compiled.rules.indicators.items() if ind.not_applicable}
    out: list[tuple[str, Decimal]] = []

    def walk(node: NodePlan | LeafPlan, keeps: bool) -> None:
        if isinstance(node, LeafPlan):
            if not keeps and not node.unscored and node.reads & optional and node.max > 0:
                out.append((node.id, node.max))
            return
        inner = keeps or node.rescale_na or not node.aggregation.additive
        for child in node.children:
            walk(child, inner)

    for root in compiled.blocks[block].roots:
        walk(root, False)
    return out


def probe_same_total(rules: RuleSet | CompiledRuleSet) -> list[Violation]:
    """With tiers on shares, one published total in one block never gets two tiers.

    Not-applicable answers lower an agency's maximum (``not_applicable: reduce_max``), so
    with ``basis: share`` the same total can be a different share. Probes, for each
    criterion that may not apply, the smallest total at which the two shares straddle a
    tier threshold.
    """
    compiled = compiled_of(rules)
    rule_set = compiled.rules
    if (
        rule_set.tiers.basis is not TierBasis.SHARE
        or rule_set.not_applicable is NotApplicablePolicy.RESCALE
    ):
        return []
    from udcntt.evaluation import quantize

    grain = Decimal(1).scaleb(-rule_set.rounding.total)
    levels = compiled.tier_levels
    for block_id, plan in compiled.blocks.items():
        full = plan.max_total
        for leaf_id, budget in _reductions(compiled, block_id):
            smaller = full - budget
            if smaller <= 0:
                continue
            for level in levels:
                if level.min is None:
                    continue
                total = (level.min * smaller / grain).to_integral_value(rounding="ROUND_CEILING")
                total *= grain
                if total > smaller:
                    continue
                places, mode = rule_set.rounding.share, rule_set.rounding.mode
                one = tier_of(quantize(total / full, places, mode), levels, lambda _lv: True)
                two = tier_of(quantize(total / smaller, places, mode), levels, lambda _lv: True)
                if one is None or two is None or one.id == two.id:
                    continue
                shown = plain_decimal(total)
                return [
                    Violation(
                        "tiers",
                        msg(
                            "in block '{block}' two agencies publishing the same total {shown} get tiers '{first_tier}' (maximum {full}) and '{second_tier}' (maximum {smaller}, '{criterion}' not applicable)",
                            block=block_id,
                            shown=shown,
                            first_tier=one.id,
                            full=plain_decimal(full),
                            second_tier=two.id,
                            smaller=plain_decimal(smaller),
                            criterion=leaf_id,
                        ),
                        criterion=leaf_id,
                        change=msg(
                            "block {block}, total {shown}, '{criterion}' not applicable",
                            block=block_id,
                            shown=shown,
                            criterion=leaf_id,
                        ),
                        hint=msg(
                            "decide tiers on points ('basis: points'), or rescale not-applicable answers ('not_applicable: rescale', 'rescale_na') so that one total means one share"
                        ),
                    )
                ]
    return []
