"""Charts of rank changes: the diverging rank-change bars and the slope chart.

Both fit the screen they are on: the rank-change bars grow from the middle of the chart
and the longest reaches just short of its edge, so a rise is never pushed off to the right
of a phone; the slope chart's two rank axes sit at fixed fractions of its width with the
names after them. See :mod:`udcntt.report._charts` for the shared conventions.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from udcntt._words import word
from udcntt.evaluation import AgencyResult
from udcntt.report._charts import (
    AXIS,
    DOWN,
    FLAT,
    ROW,
    UP,
    pct,
    short,
    svg_close,
    svg_open,
)
from udcntt.report._charts_data import SlopeRow
from udcntt.report._format import fmt_change
from udcntt.report._i18n import t

__all__ = ["change_words", "rank_change_chart", "slope_chart"]

_SLOPE_LEFT = 9.0  # % of the width: last year's axis
_SLOPE_RIGHT = 33.0  # % of the width: this year's axis, names after it
_SLOPE_ROW = 22
_SLOPE_NAME = 38


def change_words(change: int, lang: str) -> str:
    """A rank change said in words: ``tăng 4 bậc``, ``giảm 2 bậc``, ``giữ nguyên``."""
    if change > 0:
        return t(lang, "charts.rank_up", n=change)
    if change < 0:
        return t(lang, "charts.rank_down", n=-change)
    return t(lang, "charts.rank_same")


def _colour(change: int | None) -> str:
    if not change:
        return FLAT
    return UP if change > 0 else DOWN


def rank_change_chart(
    results: Sequence[AgencyResult], *, lang: str, label: str, width: int | None = None
) -> str | None:
    """A diverging bar per agency: rises to the right in green, falls to the left in red.

    Each row writes the agency's name and its change in words (``tăng 4 bậc (hạng 9 → 5)``)
    above its bar. ``None`` when no agency of the block moved (or none has a previous rank).
    """
    rows = sorted(
        (r for r in results if r.rank_change is not None),
        key=lambda r: (-(r.rank_change or 0), r.rank or 0, r.name),
    )
    if not any(r.rank_change for r in rows):
        return None
    biggest = max(abs(r.rank_change or 0) for r in rows) or 1
    top = 22
    bottom = top + ROW * len(rows)
    word_up, word_down = word("chart.up", lang), word("chart.down", lang)
    parts = [
        f'<line x1="50%" y1="{top}" x2="50%" y2="{bottom}" stroke="{AXIS}" class="axis"/>',
        f'<text x="50%" y="{top - 8}" dx="-6" class="tick" text-anchor="end">'
        f"← {escape(word_down)}</text>",
        f'<text x="50%" y="{top - 8}" dx="6" class="tick">{escape(word_up)} →</text>',
    ]
    items = []
    for row, r in enumerate(rows):
        y = top + row * ROW
        change = r.rank_change or 0
        length = abs(change) / biggest * 48
        move = t(
            lang,
            "charts.rank_move",
            change=change_words(change, lang),
            before=r.previous_rank,
            after=r.rank,
        )
        items.append(f"{r.name}: {move}")
        if change:
            start = 50 if change > 0 else 50 - length
            bar = (
                f'<rect x="{pct(start)}" y="{y + 19}" width="{pct(length)}" height="13" rx="2"'
                f' fill="{_colour(change)}"/>'
            )
        else:
            bar = f'<circle cx="50%" cy="{y + 25}" r="4" fill="{FLAT}"/>'
        parts.append(
            f'<g><text x="0" y="{y + 14}" class="name">{escape(short(r.name, 40))}</text>'
            f'<text x="100%" y="{y + 14}" class="value" text-anchor="end"'
            f' fill="{_colour(change)}">{escape(fmt_change(change))} ({r.previous_rank} → {r.rank})'
            f"</text>{bar}</g>"
        )
    ups = sum(1 for r in rows if (r.rank_change or 0) > 0)
    downs = sum(1 for r in rows if (r.rank_change or 0) < 0)
    desc = t(
        lang,
        "charts.changes_desc",
        up=ups,
        down=downs,
        same=len(rows) - ups - downs,
        list="; ".join(items),
    )
    return "".join([svg_open("changes", label, desc, bottom + 8, width), *parts, svg_close()])


def slope_chart(
    rows: Sequence[SlopeRow],
    *,
    before: str,
    after: str,
    lang: str,
    label: str,
    width: int | None = None,
) -> str | None:
    """Last year's rank (left axis) joined to this year's (right axis) for every agency.

    ``before`` and ``after`` head the two axes (the years). Agencies new this year have a
    hollow dot on the right only. ``None`` when no agency has a previous rank.
    """
    if not any(r.previous_rank is not None for r in rows):
        return None
    top = 30
    right_y = {id(r): top + i * _SLOPE_ROW for i, r in enumerate(rows)}
    earlier = sorted(
        (r for r in rows if r.previous_rank is not None),
        key=lambda r: (r.previous_rank or 0, r.rank, r.name),
    )
    left_y = {id(r): top + i * _SLOPE_ROW for i, r in enumerate(earlier)}
    bottom = top + _SLOPE_ROW * max(len(rows), len(earlier))
    left, right = pct(_SLOPE_LEFT), pct(_SLOPE_RIGHT)
    parts = [
        f'<text x="{left}" y="14" class="axis-head" text-anchor="middle">{escape(before)}</text>',
        f'<text x="{right}" y="14" class="axis-head" text-anchor="middle">{escape(after)}</text>',
        f'<line x1="{left}" y1="{top - 10}" x2="{left}" y2="{bottom - 10}" stroke="{AXIS}"'
        ' class="axis"/>',
        f'<line x1="{right}" y1="{top - 10}" x2="{right}" y2="{bottom - 10}" stroke="{AXIS}"'
        ' class="axis"/>',
    ]
    items = []
    new_word = t(lang, "charts.new")
    # Unchanged ranks first, so the coloured lines of the movers are drawn on top.
    for r in sorted(rows, key=lambda r: (bool(r.change), r.rank, r.name)):
        y1 = right_y[id(r)]
        colour = _colour(r.change)
        name = escape(short(r.name, _SLOPE_NAME))
        if r.previous_rank is None:
            items.append(f"{r.name}: {new_word}, {r.rank}")
            parts.append(
                f'<g><circle cx="{right}" cy="{y1 - 4}" r="4" fill="#ffffff" stroke="{AXIS}"'
                f' stroke-width="1.5"/><text x="{right}" dx="10" y="{y1}" class="name">'
                f"{r.rank}. {name} ({escape(new_word)})</text></g>"
            )
            continue
        y0 = left_y[id(r)]
        items.append(f"{r.name}: {r.previous_rank} → {r.rank}")
        parts.append(
            f'<g><line x1="{left}" y1="{y0 - 4}" x2="{right}" y2="{y1 - 4}" stroke="{colour}"'
            f' stroke-width="{2 if r.change else 1.2}"/>'
            f'<circle cx="{left}" cy="{y0 - 4}" r="3.5" fill="{colour}"/>'
            f'<circle cx="{right}" cy="{y1 - 4}" r="3.5" fill="{colour}"/>'
            f'<text x="{left}" dx="-8" y="{y0}" class="value" text-anchor="end">'
            f"{r.previous_rank}</text>"
            f'<text x="{right}" dx="10" y="{y1}" class="name">{r.rank}. {name}</text></g>'
        )
    desc = t(lang, "charts.slope_title", before=before, after=after) + ": " + "; ".join(items)
    return "".join([svg_open("slope", label, desc, bottom + 4, width), *parts, svg_close()])
