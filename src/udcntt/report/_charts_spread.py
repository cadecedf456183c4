"""Charts of how totals spread: the distribution per block and the split by group.

The distribution chart has one band per block: a box from the first to the third
quartile with the median, whiskers from the lowest to the highest total, and a dot per
agency coloured by its tier, on a 0–100 % scale of the block's maximum with the tier
thresholds marked and labelled. The split chart stacks each agency's group points into
one bar whose full length is the block's maximum. See :mod:`udcntt.report._charts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from udcntt.report._charts import (
    AXIS,
    INK,
    ROW,
    group_colour,
    pct,
    share_ticks,
    short,
    svg_close,
    svg_open,
    threshold_marks,
    tier_colour,
)
from udcntt.report._charts_data import Distribution, GroupColumn, SplitRow
from udcntt.report._format import fmt_number, fmt_percent
from udcntt.report._i18n import t

__all__ = ["distribution_chart", "split_chart"]

_BAND = 58  # a block's band: a line of text, then the box and its dots


def _x(share: Decimal) -> float:
    return min(max(float(share), 0.0), 1.0) * 100


def _dots(dist: Distribution, y: int) -> list[str]:
    """One dot per agency; agencies within half a percent of each other are stacked."""
    parts = []
    seen: dict[int, int] = {}
    for share, tier in sorted(dist.shares, key=lambda item: item[0]):
        slot = round(_x(share) * 2)
        # Nearby dots take the next free place above or below the line.
        count = max((seen.get(s, 0) for s in (slot - 1, slot, slot + 1)), default=0)
        seen[slot] = count + 1
        # At most five places (0, ±7, ±14 px): a crowd of dots overlaps inside its band.
        place = count % 5
        offset = ((place + 1) // 2) * 7 * (1 if place % 2 else -1)
        parts.append(
            f'<circle cx="{pct(_x(share))}" cy="{y + offset}" r="4" fill="{tier_colour(tier)}"'
            ' stroke="#ffffff" stroke-width="1"/>'
        )
    return parts


def distribution_chart(
    distributions: Sequence[Distribution],
    thresholds: Sequence[tuple[int, Decimal, str]],
    *,
    lang: str,
    label: str,
    width: int | None = None,
) -> str:
    """Dot and box plot of the totals of every block, as shares of the block's maximum."""
    top = 36 if thresholds else 8
    bottom = top + _BAND * len(distributions)
    parts = share_ticks(top, bottom)
    heads = []
    items = []
    for row, dist in enumerate(distributions):
        y = top + row * _BAND
        mid = y + 36
        median = fmt_percent(dist.median, lang=lang)
        head = t(
            lang, "charts.distribution_row", block=dist.label, n=len(dist.shares), median=median
        )
        items.append(
            f"{head}; {t(lang, 'charts.lowest')} {fmt_percent(dist.lowest, lang=lang)},"
            f" {t(lang, 'charts.q1')} {fmt_percent(dist.q1, lang=lang)},"
            f" {t(lang, 'charts.q3')} {fmt_percent(dist.q3, lang=lang)},"
            f" {t(lang, 'charts.highest')} {fmt_percent(dist.highest, lang=lang)}"
        )
        low, high = pct(_x(dist.lowest)), pct(_x(dist.highest))
        q1, q3 = _x(dist.q1), _x(dist.q3)
        heads.append(f'<text x="0" y="{y + 14}" class="name">{escape(short(head, 60))}</text>')
        parts.append(
            f'<g><line x1="{low}" y1="{mid}" x2="{high}" y2="{mid}" stroke="{AXIS}"/>'
            f'<line x1="{low}" y1="{mid - 6}" x2="{low}" y2="{mid + 6}" stroke="{AXIS}"/>'
            f'<line x1="{high}" y1="{mid - 6}" x2="{high}" y2="{mid + 6}" stroke="{AXIS}"/>'
            f'<rect x="{pct(q1)}" y="{mid - 11}" width="{pct(q3 - q1)}" height="22"'
            f' fill="#ffffff" fill-opacity="0.6" stroke="{INK}" stroke-width="1.2"/>'
            f'<line x1="{pct(_x(dist.median))}" y1="{mid - 11}" x2="{pct(_x(dist.median))}"'
            f' y2="{mid + 11}" stroke="{INK}" stroke-width="3"/>'
            + "".join(_dots(dist, mid))
            + "</g>"
        )
    lines, labels = threshold_marks(thresholds, top, bottom, lang=lang)
    desc = "; ".join(items) + "."
    return "".join(
        [
            svg_open("distribution", label, desc, bottom + 20, width),
            *parts,
            *lines,
            *heads,
            *labels,
            svg_close(),
        ]
    )


def split_chart(
    rows: Sequence[SplitRow],
    columns: Sequence[GroupColumn],
    *,
    places: int,
    lang: str,
    label: str,
    width: int | None = None,
) -> str:
    """Each agency's total as a bar stacked from its group points, coloured by group.

    ``columns`` are the block's own groups, in the order of the rows' ``parts``, with the
    colour index they have across the report.
    """
    top = 8
    bottom = top + ROW * len(rows)
    parts = share_ticks(top, bottom)
    items = []
    for row, split in enumerate(rows):
        y = top + row * ROW
        total = fmt_number(split.total, lang=lang, places=places)
        maximum = fmt_number(split.max, lang=lang)
        values = []
        segments = []
        start = 0.0
        for column, points in zip(columns, split.parts, strict=True):
            if points is None:
                values.append(f"{column.title}: —")
                continue
            values.append(f"{column.title}: {fmt_number(points, lang=lang, places=places)}")
            length = float(points / split.max) * 100 if split.max else 0.0
            if length > 0:
                segments.append(
                    f'<rect x="{pct(start)}" y="{y + 19}" width="{pct(length)}" height="13"'
                    f' fill="{group_colour(column.index)}" stroke="#ffffff" stroke-width="1"/>'
                )
            start += length
        items.append(f"{split.name} {total}/{maximum} ({', '.join(values)})")
        parts.append(
            f'<g><text x="0" y="{y + 14}" class="name">{escape(short(split.name))}</text>'
            f'<text x="100%" y="{y + 14}" class="value" text-anchor="end">'
            f"{escape(total)}/{escape(maximum)}</text>{''.join(segments)}</g>"
        )
    desc = t(lang, "charts.stacked_desc", list="; ".join(items))
    return "".join([svg_open("split", label, desc, bottom + 20, width), *parts, svg_close()])
