"""What every report format shows, computed once: blocks, criteria trees, rows, gaps.

The criteria tree (codes, labels, groups) comes from the assessment's compiled rule set.
An assessment reloaded from JSON has no rule set: the tree is then rebuilt from the order
and maxima of the criteria results (leaves first, then groups children-before-parents, as
:func:`udcntt.evaluate` writes them) when that is unambiguous, and is otherwise shown flat.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from udcntt.evaluation import (
    AgencyResult,
    Assessment,
    CriterionInfo,
    comparability_heading,
    comparability_text,
    lost_points,
)
from udcntt.report._format import fmt_change, fmt_number
from udcntt.report._i18n import t

__all__ = [
    "BlockView",
    "CriterionInfo",
    "block_views",
    "change_text",
    "display_points",
    "group_heading",
    "has_labels",
    "label_text",
    "lost_rows",
    "next_tier_label",
    "previous_year",
    "ranking_headers",
    "score_places",
    "tier_index",
    "tier_thresholds",
]


@dataclass(frozen=True, slots=True)
class BlockView:
    """One block: its label, criteria tree, top-level groups and ranked results."""

    id: str
    label: str
    max: Decimal | None
    criteria: tuple[CriterionInfo, ...]  # pre-order: a group before its children
    groups: tuple[CriterionInfo, ...]  # top-level groups (the official table's columns)
    results: tuple[AgencyResult, ...]  # ranked order

    def tier_counts(self, tier_ids: list[str]) -> dict[str, int]:
        """How many agencies of the block are in each tier (in ``tier_ids`` order)."""
        counts = dict.fromkeys(tier_ids, 0)
        for r in self.results:
            counts[r.tier] = counts.get(r.tier, 0) + 1
        return counts


def block_views(assessment: Assessment) -> list[BlockView]:
    """Every block with agencies, in rule-set order."""
    views: list[BlockView] = []
    for block in assessment.blocks():
        results = tuple(assessment.ranking(block))
        tree = assessment.criteria_tree.get(block) or tuple(
            # An assessment assembled by hand, without its tree: the criteria, flat.
            CriterionInfo(cid, None, cid, 0, True, res.full_max)
            for cid, res in results[0].criteria.items()
        )
        groups = tuple(c for c in tree if c.depth == 0 and not c.is_leaf)
        views.append(
            BlockView(
                id=block,
                label=assessment.block_labels.get(block, block),
                max=assessment.block_max.get(block),
                criteria=tuple(tree),
                groups=groups,
                results=results,
            )
        )
    return views


def ranking_headers(
    assessment: Assessment, view: BlockView, lang: str, *, share: bool = False
) -> list[str]:
    """Column headings of a block's official ranking table (STT, đơn vị, groups, …)."""
    headers = [
        t(lang, "stt"),
        t(lang, "agency"),
        *(group_heading(g, lang) for g in view.groups),
        t(lang, "total"),
        *([t(lang, "share")] if share else []),
        t(lang, "tier"),
        t(lang, "rank"),
    ]
    if assessment.comparison is not None:
        prev = previous_year(assessment)
        headers.append(
            t(lang, "previous_rank_year", year=prev) if prev else t(lang, "previous_rank")
        )
        headers.append(t(lang, "change"))
        if has_labels(assessment):
            headers.append(comparability_heading(lang))
    return headers


def has_labels(assessment: Assessment) -> bool:
    """Whether the ranking tables need a comparability column: some rank change is not
    plainly comparable (renamed, derived, new or not comparable). When every change is
    comparable the tables stay as they were; JSON and CSV always carry the labels."""
    return assessment.comparison is not None and any(
        r.comparability not in (None, "comparable") for r in assessment.results
    )


def label_text(result: AgencyResult, lang: str) -> str:
    """The comparability cell: ``so sánh được``, ``suy ra (trung bình …)``, ``đơn vị mới``."""
    return comparability_text(result.comparability, lang)


def group_heading(group: CriterionInfo, lang: str) -> str:
    """A table column heading for a top-level group: ``1. Hạ tầng (20)``."""
    return f"{group.title} ({fmt_number(group.full_max.normalize(), lang=lang)})"


def lost_rows(
    assessment: Assessment, view: BlockView, result: AgencyResult
) -> list[tuple[CriterionInfo, Decimal]]:
    """Leaf criteria where ``result`` lost points, most points lost first."""
    info = {c.id: c for c in view.criteria}
    pairs = lost_points(assessment, result)
    return [
        (info.get(cid) or CriterionInfo(cid, None, cid, 0, True, Decimal(0)), lost)
        for cid, lost in pairs
    ]


def tier_index(assessment: Assessment, tier: str) -> int:
    """Position of ``tier`` among the tiers, best first (0 = best)."""
    tiers = list(assessment.tier_labels)
    return tiers.index(tier) if tier in tiers else len(tiers)


def next_tier_label(assessment: Assessment, result: AgencyResult) -> str | None:
    """Label of the tier just above the agency's, or ``None`` for the best tier."""
    index = tier_index(assessment, result.tier)
    if index == 0:
        return None
    tiers = list(assessment.tier_labels.values())
    return tiers[index - 1] if index - 1 < len(tiers) else None


def tier_thresholds(assessment: Assessment) -> list[tuple[int, Decimal]]:
    """``(tier index, minimum share)`` of each tier with a share threshold, when known."""
    if assessment.tier_basis != "share":
        return []
    return [
        (tier_index(assessment, level.id), level.min)
        for level in assessment.tiers
        if level.min is not None
    ]


def previous_year(assessment: Assessment) -> int | None:
    """The year the rank changes compare with, when known."""
    if assessment.comparison is None:
        return None
    if assessment.comparison.previous_year is not None:
        return assessment.comparison.previous_year
    return None if assessment.year is None else assessment.year - 1


def score_places(assessment: Assessment) -> int:
    """Decimal places the published totals are written with (at least 0)."""
    exponents = [r.total.as_tuple().exponent for r in assessment.results]
    return max((-e for e in exponents if isinstance(e, int) and e < 0), default=0)


def display_points(value: Decimal | None, places: int, lang: str) -> str:
    """Points for a table cell: ``87,50``; ``—`` when not applicable."""
    return "—" if value is None else fmt_number(value, lang=lang, places=places)


def change_text(assessment: Assessment, result: AgencyResult, lang: str) -> str:
    """The rank-change cell: ``+4``, ``−2``, ``0``, ``mới`` for a newcomer, else empty."""
    if result.rank_change is not None:
        return fmt_change(result.rank_change)
    comp = assessment.comparison
    if comp is not None and result.agency_id in comp.new_agencies:
        return t(lang, "new")
    return ""
