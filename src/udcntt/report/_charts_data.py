"""The numbers behind the report charts, as plain data any writer can draw.

The HTML report draws these as inline SVG (``_charts_rank``, ``_charts_spread``,
``_charts_groups``); a DOCX or XLSX writer can draw the same figures from the same
functions. Every value is a :class:`~decimal.Decimal` share in [0, 1] (or a difference of
shares) computed from the published points, so every writer shows the same figure.

>>> quartiles([Decimal(1), Decimal(2), Decimal(3), Decimal(4)])
(Decimal('1'), Decimal('1.75'), Decimal('2.5'), Decimal('3.25'), Decimal('4'))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from udcntt.evaluation import AgencyResult, Assessment
from udcntt.report._tables import BlockView, tier_index

__all__ = [
    "Distribution",
    "GroupColumn",
    "SlopeRow",
    "SplitRow",
    "Strength",
    "agency_group_shares",
    "block_group_means",
    "distribution",
    "group_columns",
    "group_share",
    "group_split",
    "quartiles",
    "slope_rows",
    "strengths",
]


@dataclass(frozen=True, slots=True)
class SlopeRow:
    """One agency in the slope chart: last year's and this year's rank."""

    name: str
    previous_rank: int | None  # None: new this year (or not ranked last year)
    rank: int
    change: int | None
    tier_index: int


@dataclass(frozen=True, slots=True)
class Distribution:
    """A block's totals as shares of its maximum, with their five-number summary."""

    block: str
    label: str
    shares: tuple[tuple[Decimal, int], ...]  # (share, tier index), in rank order
    lowest: Decimal
    q1: Decimal
    median: Decimal
    q3: Decimal
    highest: Decimal
    mean: Decimal


@dataclass(frozen=True, slots=True)
class GroupColumn:
    """A top-level criteria group, as a column shared by the blocks that have it."""

    id: str
    title: str
    index: int  # position among all blocks' groups: its colour and key number


@dataclass(frozen=True, slots=True)
class SplitRow:
    """One agency's total split by its block's groups (points, ``None`` when n/a)."""

    name: str
    parts: tuple[Decimal | None, ...]
    total: Decimal
    max: Decimal


@dataclass(frozen=True, slots=True)
class Strength:
    """An agency's share of one group against the block's mean share of that group."""

    group: str
    share: Decimal | None
    mean: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        """Share minus mean (``None`` when either is unknown)."""
        if self.share is None or self.mean is None:
            return None
        return self.share - self.mean


def slope_rows(view: BlockView, assessment: Assessment) -> list[SlopeRow]:
    """The ranked agencies of a block with their previous ranks, in this year's order."""
    return [
        SlopeRow(
            name=r.name,
            previous_rank=r.previous_rank,
            rank=r.rank,
            change=r.rank_change,
            tier_index=tier_index(assessment, r.tier),
        )
        for r in view.results
        if r.rank is not None
    ]


def quartiles(values: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
    """Lowest, first quartile, median, third quartile and highest of ``values``.

    Quartiles interpolate linearly between the sorted values (the common "type 7" rule).

    Raises:
        ValueError: when ``values`` is empty.
    """
    if not values:
        raise ValueError("no values to summarise")
    ordered = sorted(values)

    def at(fraction: Decimal) -> Decimal:
        position = fraction * (len(ordered) - 1)
        below = int(position)
        above = min(below + 1, len(ordered) - 1)
        return ordered[below] + (ordered[above] - ordered[below]) * (position - below)

    return ordered[0], at(Decimal("0.25")), at(Decimal("0.5")), at(Decimal("0.75")), ordered[-1]


def distribution(view: BlockView, assessment: Assessment) -> Distribution | None:
    """The block's totals as shares of its maximum; ``None`` for a block without agencies."""
    if not view.results:
        return None
    shares = [r.share for r in view.results]
    lowest, q1, median, q3, highest = quartiles(shares)
    return Distribution(
        block=view.id,
        label=view.label,
        shares=tuple((r.share, tier_index(assessment, r.tier)) for r in view.results),
        lowest=lowest,
        q1=q1,
        median=median,
        q3=q3,
        highest=highest,
        mean=sum(shares, Decimal(0)) / len(shares),
    )


def group_columns(views: Sequence[BlockView]) -> list[GroupColumn]:
    """Every block's top-level groups, matched by id, in order of first appearance."""
    columns: dict[str, GroupColumn] = {}
    for view in views:
        for group in view.groups:
            if group.id not in columns:
                columns[group.id] = GroupColumn(group.id, group.title, len(columns))
    return list(columns.values())


def group_share(result: AgencyResult, group_id: str) -> Decimal | None:
    """The agency's points in a group as a share of the group's applicable maximum."""
    res = result.criteria.get(group_id)
    return None if res is None else res.share


def _mean(values: Sequence[Decimal | None]) -> Decimal | None:
    known = [v for v in values if v is not None]
    return sum(known, Decimal(0)) / len(known) if known else None


def block_group_means(
    views: Sequence[BlockView], columns: Sequence[GroupColumn]
) -> list[tuple[str, list[Decimal | None]]]:
    """Per block, the mean share of each column's group (``None`` where it has no such group)."""
    out = []
    for view in views:
        own = {g.id for g in view.groups}
        out.append(
            (
                view.label,
                [
                    _mean([group_share(r, c.id) for r in view.results]) if c.id in own else None
                    for c in columns
                ],
            )
        )
    return out


def agency_group_shares(view: BlockView) -> list[tuple[str, list[Decimal | None]]]:
    """Per agency of the block (rank order), its share of each of the block's groups."""
    return [(r.name, [group_share(r, g.id) for g in view.groups]) for r in view.results]


def group_split(view: BlockView) -> list[SplitRow]:
    """Per agency of the block (rank order), its points in each of the block's groups."""
    rows = []
    for r in view.results:
        parts = []
        for g in view.groups:
            res = r.criteria.get(g.id)
            parts.append(None if res is None else res.points)
        rows.append(SplitRow(r.name, tuple(parts), r.total, view.max or r.max))
    return rows


def strengths(view: BlockView) -> dict[str, list[Strength]]:
    """Per agency id, its share of each group against the block's mean share of it."""
    means = {g.id: _mean([group_share(r, g.id) for r in view.results]) for g in view.groups}
    return {
        r.agency_id: [Strength(g.title, group_share(r, g.id), means[g.id]) for g in view.groups]
        for r in view.results
    }
