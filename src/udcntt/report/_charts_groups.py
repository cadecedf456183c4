"""Charts of the criteria groups: the heatmap and each agency's strengths and weaknesses.

The heatmap has a row per block (block means) or per agency, a cell per top-level group,
coloured by fifths of the share of the group's maximum and with the percentage written in
the cell. Columns are numbered; the key under the chart names the groups. The strengths
chart is a diverging bar per group: the agency's share minus its block's mean share, in
percentage points. See :mod:`udcntt.report._charts` for the shared conventions.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from udcntt.report._charts import (
    AXIS,
    DOWN,
    FLAT,
    HEAT_COLOURS,
    HEAT_TEXT,
    ROW,
    UP,
    pct,
    short,
    svg_close,
    svg_open,
)
from udcntt.report._charts_data import Strength
from udcntt.report._format import fmt_number, fmt_percent
from udcntt.report._i18n import t

__all__ = ["heat_colour", "heatmap", "signed_points", "strengths_chart"]

_HEAD = 18  # the line of column numbers
_CELL = 22


def heat_colour(share: Decimal) -> tuple[str, str]:
    """The cell colour for ``share`` (by fifths) and the colour of the text written on it."""
    step = min(max(int(share * 5), 0), len(HEAT_COLOURS) - 1)
    return HEAT_COLOURS[step], HEAT_TEXT[step]


def heatmap(
    rows: Sequence[tuple[str, Sequence[Decimal | None]]],
    numbers: Sequence[int],
    titles: Sequence[str],
    *,
    lang: str,
    label: str,
    width: int | None = None,
) -> str:
    """A row per ``(name, shares)``, a cell per column; ``numbers`` head the columns.

    ``titles`` name the columns in the description (the key under the chart names them
    for a sighted reader). A ``None`` share is a group that does not apply: an empty cell
    with a dash.
    """
    count = max(len(numbers), 1)
    step = 100 / count
    top = _HEAD + 4
    height = top + (ROW + 4) * len(rows)
    parts = [
        f'<text x="{pct(step * (i + 0.5))}" y="13" class="tick" text-anchor="middle">{n}</text>'
        for i, n in enumerate(numbers)
    ]
    items = []
    for row, (name, shares) in enumerate(rows):
        y = top + row * (ROW + 4)
        cells = []
        values = []
        for i, share in enumerate(shares):
            x, w = pct(step * i), pct(step)
            centre = pct(step * (i + 0.5))
            if share is None:
                values.append(f"{titles[i]}: —")
                cells.append(
                    f'<rect x="{x}" y="{y + 16}" width="{w}" height="{_CELL}" fill="#ffffff"'
                    f' stroke="{AXIS}" stroke-width="0.8" stroke-dasharray="3 2"/>'
                    f'<text x="{centre}" y="{y + 31}" class="cell" text-anchor="middle"'
                    f' fill="{AXIS}">—</text>'
                )
                continue
            fill, ink = heat_colour(share)
            text = fmt_percent(share, lang=lang, places=0)
            values.append(f"{titles[i]}: {text}")
            cells.append(
                f'<rect x="{x}" y="{y + 16}" width="{w}" height="{_CELL}" fill="{fill}"'
                ' stroke="#ffffff" stroke-width="2"/>'
                f'<text x="{centre}" y="{y + 31}" class="cell" text-anchor="middle"'
                f' fill="{ink}">{escape(text)}</text>'
            )
        items.append(f"{name}: {', '.join(values)}")
        parts.append(
            f'<g><text x="0" y="{y + 12}" class="name">{escape(short(name, 60))}</text>'
            f"{''.join(cells)}</g>"
        )
    desc = t(lang, "charts.heatmap_desc", list="; ".join(items))
    return "".join([svg_open("heatmap", label, desc, height, width), *parts, svg_close()])


def signed_points(difference: Decimal, lang: str) -> str:
    """A difference of shares in percentage points: ``+12,3 điểm %``, ``−4,0 điểm %``."""
    value = fmt_number(abs(difference) * 100, lang=lang, places=1)
    sign = "+" if difference > 0 else "\u2212" if difference < 0 else "±"
    return t(lang, "charts.points_pp", value=sign + value)


def strengths_chart(
    rows: Sequence[Strength],
    *,
    scale: Decimal,
    lang: str,
    label: str,
    width: int | None = None,
) -> str | None:
    """A diverging bar per group: above the block mean to the right, below to the left.

    ``scale`` is the difference (a share) drawn at full half-width, the same for every
    agency of a block so their charts compare. ``None`` when no group has both a share and
    a mean.
    """
    known = [s for s in rows if s.difference is not None]
    if not known:
        return None
    top = 6
    bottom = top + ROW * len(rows)
    unit = 46 / float(scale) if scale else 0.0
    parts = [
        f'<line x1="50%" y1="{top + 14}" x2="50%" y2="{bottom}" stroke="{AXIS}" class="axis"/>'
    ]
    items = []
    for row, s in enumerate(rows):
        y = top + row * ROW
        diff = s.difference
        if diff is None or s.share is None or s.mean is None:
            items.append(f"{s.group}: —")
            parts.append(f'<text x="0" y="{y + 14}" class="name">{escape(short(s.group))}</text>')
            continue
        value = t(
            lang,
            "charts.strength_value",
            share=fmt_percent(s.share, lang=lang, places=0),
            mean=fmt_percent(s.mean, lang=lang, places=0),
            diff=signed_points(diff, lang),
        )
        items.append(f"{s.group}: {value}")
        colour = UP if diff > 0 else DOWN if diff < 0 else FLAT
        length = min(abs(float(diff)) * unit, 48.0)
        if length >= 0.2:
            start = 50 if diff > 0 else 50 - length
            mark = (
                f'<rect x="{pct(start)}" y="{y + 19}" width="{pct(length)}" height="13" rx="2"'
                f' fill="{colour}"/>'
            )
        else:
            mark = f'<circle cx="50%" cy="{y + 25}" r="4" fill="{FLAT}"/>'
        # The numbers go on the other side of the axis from the bar, where there is room.
        side = 'dx="-6" text-anchor="end"' if diff > 0 else 'dx="6"'
        parts.append(
            f'<g><text x="0" y="{y + 14}" class="name">{escape(short(s.group, 60))}</text>'
            f"{mark}"
            f'<text x="50%" {side} y="{y + 30}" class="value">{escape(value)}</text></g>'
        )
    return "".join(
        [
            svg_open("strengths", label, "; ".join(items) + ".", bottom + 6, width),
            *parts,
            svg_close(),
        ]
    )
