"""Tier invariants: every total a block can publish falls in a tier.

:func:`probe_tiers` probes the totals of each block against the tier table without data
(with every tier condition holding and with none); :func:`check_tiers` checks that every
scored agency of a dataset gets exactly one tier.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from udcntt.data import Dataset
from udcntt.errors import EvaluationError, msg
from udcntt.evaluation import (
    evaluate,
    quantize,
    tier_of,
)
from udcntt.model import RuleSet, TierBasis
from udcntt.program import CompiledRuleSet
from udcntt.testing._spaces import compiled_of, plain_decimal
from udcntt.testing._violations import (
    _ONE,
    _ZERO,
    InvalidData,
    Violation,
    _minimal,
    _only,
)

__all__ = ["check_tiers", "probe_tiers"]


# ---------------------------------------------------------------------------------------
# tiers


def _grid(
    lo: Decimal, hi: Decimal, grain: Decimal, levels: Sequence[Any], limit: int
) -> list[Decimal]:
    count = int((hi - lo) / grain) + 1
    if count <= limit:
        return [lo + grain * i for i in range(count)]
    points = {lo, hi}
    for level in levels:
        for bound in (level.min, level.max):
            if bound is None:
                continue
            base = bound.quantize(grain, rounding=decimal.ROUND_FLOOR)
            for k in (-1, 0, 1, 2):
                v = base + grain * k
                if lo <= v <= hi:
                    points.add(v)
    return sorted(points)


def probe_tiers(rules: RuleSet | CompiledRuleSet, *, limit: int = 200_001) -> list[Violation]:
    """Every total each block can publish falls in a tier, whatever the tier conditions.

    Probes every value from 0 to the block's maximum (or share 0 to 1) at the published
    precision (around the thresholds only when there are more than ``limit`` values),
    once with every ``require``/``min_group_share`` condition holding and once with none:
    an agency failing a tier's conditions must still land in a lower tier.
    """
    compiled = compiled_of(rules)
    rule_set = compiled.rules
    share = rule_set.tiers.basis is TierBasis.SHARE
    places = rule_set.rounding.share if share else rule_set.rounding.total
    grain = Decimal(1).scaleb(-places)
    levels = compiled.tier_levels
    conditioned = [lv for lv in levels if lv.require or lv.min_group_share is not None]
    seen: set[Decimal] = set()
    for block_id, plan in compiled.blocks.items():
        top = _ONE if share else quantize(plan.max_total, places, rule_set.rounding.mode)
        if top in seen and share:
            continue
        seen.add(top)
        previous: tuple[Decimal, int] | None = None
        rank = {lv.id: i for i, lv in enumerate(levels)}
        for value in _grid(_ZERO, top, grain, levels, limit):
            where = (
                msg("share {value}", value=plain_decimal(value))
                if share
                else msg("total {value}", value=plain_decimal(value))
            )
            level = tier_of(value, levels, lambda _lv: True)
            if level is None:
                return [
                    Violation(
                        "tiers",
                        msg(
                            "a published {where} in block '{block}' falls in no tier",
                            where=where,
                            block=block_id,
                        ),
                        change=msg("block {block}, {where}", block=block_id, where=where),
                        hint=msg(
                            "leave 'max' out of the tiers (each then runs up to the next one's min) or align thresholds with the rounding of totals"
                        ),
                    )
                ]
            if conditioned and tier_of(value, levels, lambda lv: lv not in conditioned) is None:
                names = ", ".join(f"'{lv.id}'" for lv in conditioned)
                return [
                    Violation(
                        "tiers",
                        msg(
                            "a published {where} in block '{block}' falls in no tier when the conditions of tier {names} do not hold",
                            where=where,
                            block=block_id,
                            names=names,
                        ),
                        change=msg(
                            "block {block}, {where}, tier conditions failing",
                            block=block_id,
                            where=where,
                        ),
                        hint=msg(
                            "an agency that misses a tier's 'require'/'min_group_share' must fall into a lower tier: leave 'max' out of the lower tiers"
                        ),
                    )
                ]
            if previous is not None and rank[level.id] > previous[1]:
                before = levels[previous[1]].id
                shown = (
                    msg("share {value}", value=plain_decimal(previous[0]))
                    if share
                    else msg("total {value}", value=plain_decimal(previous[0]))
                )
                return [
                    Violation(
                        "tiers",
                        msg(
                            "in block '{block}' a published {where} gets tier '{tier}' but the lower {shown} gets the better tier '{before}' ({where} is above '{before}' and below the next tier's min, and falls through)",
                            block=block_id,
                            where=where,
                            tier=level.id,
                            shown=shown,
                            before=before,
                        ),
                        change=msg("block {block}, {where}", block=block_id, where=where),
                        hint=msg(
                            "make each tier's 'max' meet the next tier's 'min' at the published precision, or leave 'max' out"
                        ),
                    )
                ]
            previous = (value, rank[level.id])
    return []


def check_tiers(rules: RuleSet | CompiledRuleSet, data: Dataset) -> list[Violation]:
    """Every scored agency of ``data`` gets exactly one tier.

    Raises:
        InvalidData: scoring fails for another reason than a total in no tier.
    """
    compiled = compiled_of(rules)
    try:
        assessment = evaluate(compiled, data)
    except EvaluationError as exc:
        notier = [d for d in exc.diagnostics if d.code == "E-EVAL-NOTIER"]
        if not notier or len(notier) != len(exc.diagnostics):
            raise InvalidData("scoring failed", exc.diagnostics) from None
        d = notier[0]
        return [
            Violation(
                "tiers",
                msg(
                    "agency '{agency}' falls in no tier: {message}",
                    agency=d.agency,
                    message=d.message,
                ),
                agency=d.agency,
                data=_minimal(compiled, data, d.agency),
                hint=msg(
                    "an agency that misses a tier's 'require'/'min_group_share' must fall into a lower tier: leave 'max' out of the lower tiers"
                ),
            )
        ]
    levels = compiled.tier_levels
    index = {lv.id: i for i, lv in enumerate(levels)}
    share_basis = compiled.rules.tiers.basis is TierBasis.SHARE
    for r in assessment.results:
        value = r.share if share_basis else r.total
        shown = (
            msg("share {value}", value=plain_decimal(value))
            if share_basis
            else msg("total {value}", value=plain_decimal(value))
        )
        for better in levels[: index[r.tier]]:
            if (
                better.max is not None
                and value > better.max
                and (better.min is None or value >= better.min)
            ):
                return [
                    Violation(
                        "tiers",
                        msg(
                            "agency '{agency}' with {shown} is above tier '{better}' (up to {max}) yet falls through to the worse tier '{tier}'",
                            agency=r.agency_id,
                            shown=shown,
                            better=better.id,
                            max=plain_decimal(better.max),
                            tier=r.tier,
                        ),
                        agency=r.agency_id,
                        data=_minimal_tier(compiled, data, r.agency_id),
                        hint=msg(
                            "make each tier's 'max' meet the next tier's 'min' at the published precision, or leave 'max' out"
                        ),
                    )
                ]
    from udcntt.testing._same_total import same_total_tiers

    return [replace(v, data=data) for v in same_total_tiers(compiled, assessment)]


def _minimal_tier(compiled: CompiledRuleSet, data: Dataset, agency: str) -> Dataset:
    """The agency alone when it shows the same tier alone, else the whole data."""
    if len(data.agencies) == 1:
        return data
    alone = _only(data, agency)
    try:
        again = evaluate(compiled, alone).by_id(agency)
        before = evaluate(compiled, data).by_id(agency)
    except EvaluationError:
        return data
    return alone if again.tier == before.tier else data
