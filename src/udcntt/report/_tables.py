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
from udcntt.report._format import fmt_change, fmt_number, fmt_percent, round_half_up
from udcntt.report._i18n import t

__all__ = [
    "BlockView",
    "Cell",
    "CriterionInfo",
    "TierChange",
    "block_views",
    "change_text",
    "comparison_cells",
    "comparison_keys",
    "display_points",
    "group_heading",
    "has_labels",
    "label_text",
    "lost_rows",
    "next_tier_label",
    "previous_tier_label",
    "previous_year",
    "ranking_cells",
    "ranking_headers",
    "ranking_keys",
    "score_change",
    "score_change_text",
    "score_places",
    "tier_changes",
    "tier_changes_line",
    "tier_changes_text",
    "tier_index",
    "tier_movers",
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
    """Column headings of a block's official ranking table (STT, đơn vị, groups, …).

    With a previous year the table carries, after this year's rank, the previous total, the
    score change, the previous tier, the previous rank and the rank change (and the
    comparability column when some change is not plainly comparable):
    :func:`ranking_cells` gives a row's cells in the same order, :func:`ranking_keys` what
    each column is.
    """
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
        for key in comparison_keys(assessment):
            if key in _YEAR_HEADINGS:
                headers.append(t(lang, f"{key}_year", year=prev) if prev else t(lang, key))
            elif key == "comparability":
                headers.append(comparability_heading(lang))
            else:
                headers.append(t(lang, key))
    return headers


#: The comparison columns whose heading names the previous year when it is known.
_YEAR_HEADINGS = ("previous_total", "previous_tier", "previous_rank")


def comparison_keys(assessment: Assessment) -> list[str]:
    """What the comparison columns of the ranking tables are, in order (empty without a
    previous year): ``previous_total``, ``score_change``, ``previous_tier``,
    ``previous_rank``, ``change`` and, when needed (:func:`has_labels`), ``comparability``.
    """
    if assessment.comparison is None:
        return []
    keys = ["previous_total", "score_change", "previous_tier", "previous_rank", "change"]
    if has_labels(assessment):
        keys.append("comparability")
    return keys


def ranking_keys(assessment: Assessment, view: BlockView, *, share: bool = False) -> list[str]:
    """What each column of :func:`ranking_headers` is: ``stt``, ``agency``, ``group:<id>``,
    ``total``, (``share``), ``tier``, ``rank``, then :func:`comparison_keys`."""
    return [
        "stt",
        "agency",
        *(f"group:{g.id}" for g in view.groups),
        "total",
        *(["share"] if share else []),
        "tier",
        "rank",
        *comparison_keys(assessment),
    ]


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a ranking table: its text as published, how it is aligned, what column
    it is in (a key of :func:`ranking_keys`) and, for numbers, the value behind the text
    (``Decimal`` points, ``int`` ranks and rank changes) for spreadsheets."""

    text: str
    align: str  # "left" | "right" | "center"
    key: str
    value: Decimal | int | None = None


def ranking_cells(
    assessment: Assessment,
    view: BlockView,
    result: AgencyResult,
    stt: int,
    lang: str,
    *,
    share: bool = False,
    places: int | None = None,
    keys: list[str] | None = None,
) -> list[Cell]:
    """The cells of one row of a block's ranking table, in :func:`ranking_headers` order.

    ``places`` (:func:`score_places`) and ``keys`` (:func:`comparison_keys`) read every
    result: a table of N rows passes them, worked out once, to stay linear in N.

    Raises:
        UsageError: for a language udcntt does not speak.
    """
    places = score_places(assessment) if places is None else places
    cells = [Cell(str(stt), "center", "stt", stt), Cell(result.name, "left", "agency")]
    for g in view.groups:
        res = result.criteria.get(g.id)
        points = None if res is None else res.points
        cells.append(Cell(display_points(points, places, lang), "right", f"group:{g.id}", points))
    cells.append(
        Cell(fmt_number(result.total, lang=lang, places=places), "right", "total", result.total)
    )
    if share:
        cells.append(Cell(fmt_percent(result.share, lang=lang), "right", "share", result.share))
    cells.append(Cell(result.tier_label, "center", "tier"))
    cells.append(
        Cell("" if result.rank is None else str(result.rank), "center", "rank", result.rank)
    )
    cells.extend(comparison_cells(assessment, result, lang, places=places, keys=keys))
    return cells


def comparison_cells(
    assessment: Assessment,
    result: AgencyResult,
    lang: str,
    *,
    places: int | None = None,
    keys: list[str] | None = None,
) -> list[Cell]:
    """The comparison cells of one row (:func:`comparison_keys` order; empty without a
    previous year): ``72,10``, ``+7,10``, ``Khá``, ``9``, ``+4``, (``so sánh được``).

    ``places`` (:func:`score_places`) and ``keys`` (:func:`comparison_keys`) read every
    result: a table of N rows passes them, worked out once, to stay linear in N.

    Raises:
        UsageError: for a language udcntt does not speak.
    """
    out: list[Cell] = []
    keys = comparison_keys(assessment) if keys is None else keys
    if not keys:
        return out
    places = score_places(assessment) if places is None else places
    for key in keys:
        if key == "previous_total":
            prev = result.previous_total
            text = "" if prev is None else fmt_number(prev, lang=lang, places=places)
            out.append(Cell(text, "right", key, prev))
        elif key == "score_change":
            diff = score_change(assessment, result)
            out.append(Cell(score_change_text(diff, places, lang), "right", key, diff))
        elif key == "previous_tier":
            out.append(Cell(previous_tier_label(assessment, result) or "", "center", key))
        elif key == "previous_rank":
            rank = result.previous_rank
            out.append(Cell("" if rank is None else str(rank), "center", key, rank))
        elif key == "change":
            out.append(
                Cell(change_text(assessment, result, lang), "center", key, result.rank_change)
            )
        else:
            out.append(Cell(label_text(result, lang), "center", key))
    return out


def score_change(assessment: Assessment, result: AgencyResult) -> Decimal | None:
    """This year's published total minus last year's, when both are known and comparable:
    the two years were scored under the same rules (or last year's through a crosswalk)."""
    comp = assessment.comparison
    if comp is None or result.previous_total is None:
        return None
    if not (comp.same_rules or comp.criteria_compared):
        return None
    return result.total - result.previous_total


def score_change_text(diff: Decimal | None, places: int, lang: str) -> str:
    """A score change with its sign, rounded as published: ``+7,10``, ``−4,30``, ``0,00``.

    Raises:
        UsageError: for a language udcntt does not speak.
    """
    if diff is None:
        return ""
    text = fmt_number(abs(diff), lang=lang, places=places)
    if round_half_up(diff, places) == 0:
        return text
    return ("+" if diff > 0 else "\u2212") + text


def previous_tier_label(assessment: Assessment, result: AgencyResult) -> str | None:
    """The label of the agency's tier last year (its id when this year's tiers lack it)."""
    if result.previous_tier is None:
        return None
    return assessment.tier_labels.get(result.previous_tier, result.previous_tier)


@dataclass(frozen=True, slots=True)
class TierChange:
    """How many of a block's agencies are in one tier this year and were last year.

    ``before`` counts this year's agencies with a result last year by their tier then;
    ``after`` counts all of this year's agencies.
    """

    tier: str
    label: str
    before: int
    after: int


def tier_changes(assessment: Assessment, view: BlockView) -> list[TierChange]:
    """The block's tier counts last year and this year, best tier first (empty without a
    previous year, or when no agency of the block has last year's tier). A tier of last
    year's rules that this year's lack comes last, under its id."""
    if assessment.comparison is None:
        return []
    paired = [r for r in view.results if r.previous_tier is not None]
    if not paired:
        return []
    order = list(assessment.tier_labels)
    order += sorted({str(r.previous_tier) for r in paired} - set(order))
    after = view.tier_counts(order)
    before = dict.fromkeys(order, 0)
    for r in paired:
        before[str(r.previous_tier)] += 1
    return [
        TierChange(tid, assessment.tier_labels.get(tid, tid), before[tid], after.get(tid, 0))
        for tid in order
    ]


def tier_changes_text(changes: list[TierChange], lang: str) -> str:
    """The tier-change summary of a block: ``Tốt 0 → 4, Khá 10 → 8, Trung bình 2 → 1``.

    Raises:
        UsageError: for a language udcntt does not speak.
    """
    return ", ".join(
        f"{c.label} {fmt_number(c.before, lang=lang)} → {fmt_number(c.after, lang=lang)}"
        for c in changes
    )


def tier_changes_line(assessment: Assessment, view: BlockView, lang: str) -> str | None:
    """The tier-change summary with its heading, as every format shows it under a block's
    table: ``Thay đổi xếp loại so với năm 2016: Tốt 0 → 4, Khá 10 → 8``; ``None``
    without a previous year.

    Raises:
        UsageError: for a language udcntt does not speak.
    """
    changes = tier_changes(assessment, view)
    if not changes:
        return None
    prev = previous_year(assessment)
    head = t(lang, "tier_changes_year", year=prev) if prev else t(lang, "tier_changes")
    return f"{head}: {tier_changes_text(changes, lang)}"


def tier_movers(assessment: Assessment, view: BlockView) -> list[tuple[AgencyResult, int]]:
    """The agencies of the block whose tier changed since last year, in ranking order, each
    with how many tiers it moved (positive: up to a better tier)."""
    out: list[tuple[AgencyResult, int]] = []
    for r in view.results:
        if r.previous_tier is None or r.previous_tier == r.tier:
            continue
        if r.previous_tier not in assessment.tier_labels:
            continue
        moved = tier_index(assessment, r.previous_tier) - tier_index(assessment, r.tier)
        out.append((r, moved))
    return out


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
