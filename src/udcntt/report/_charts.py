"""Inline SVG charts, drawn in Python: no JavaScript library, no network, no fonts to fetch.

Every text that comes from the survey or the rule set is XML-escaped here; the HTML
template inserts the finished SVG as markup. Coordinates are rounded to one decimal so
the same assessment always draws byte-identical charts.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from udcntt._words import word
from udcntt.evaluation import AgencyResult
from udcntt.report._format import fmt_change, fmt_number, fmt_percent

__all__ = ["TIER_COLOURS", "mini_bar", "rank_change_chart", "score_chart", "tier_colour"]

#: Bar colours by tier position, best first (green, blue, amber, red, grey).
TIER_COLOURS = ("#2e7d32", "#1565c0", "#f9a825", "#c62828", "#757575")
_UP, _DOWN, _FLAT = "#2e7d32", "#c62828", "#9e9e9e"
_WIDTH = 760
_LABEL = 260
_BAR = 390
_ROW = 24
_TOP = 30
_NAME_MAX = 40
_SVG_OPEN = (
    '<svg class="chart" role="img" aria-label="{label}" viewBox="0 0 {width} {height}"'
    ' xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
)


def tier_colour(index: int) -> str:
    """The colour of the tier at ``index`` (0 = best)."""
    return TIER_COLOURS[min(max(index, 0), len(TIER_COLOURS) - 1)]


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _short(name: str) -> str:
    flat = " ".join(name.split())
    return flat if len(flat) <= _NAME_MAX else flat[: _NAME_MAX - 1].rstrip() + "…"


def score_chart(
    results: Sequence[AgencyResult],
    tier_of: dict[str, int],
    thresholds: Sequence[tuple[int, Decimal, str]],
    *,
    places: int,
    lang: str,
    label: str,
) -> str:
    """Horizontal bars of each agency's share of its maximum, coloured by tier.

    ``thresholds`` are ``(tier index, minimum share, tier label)``, drawn as dashed lines.
    """
    height = _TOP + _ROW * len(results) + 10
    parts = [_SVG_OPEN.format(label=escape(label), width=_WIDTH, height=height)]
    for pct in range(0, 101, 20):
        x = _LABEL + _BAR * pct / 100
        parts.append(
            f'<line x1="{_n(x)}" y1="{_TOP - 6}" x2="{_n(x)}" y2="{height - 8}" class="grid"/>'
            f'<text x="{_n(x)}" y="{_TOP - 10}" class="tick" text-anchor="middle">{pct}%</text>'
        )
    for index, minimum, tier_label in thresholds:
        x = _LABEL + _BAR * float(minimum)
        parts.append(
            f'<line x1="{_n(x)}" y1="{_TOP - 6}" x2="{_n(x)}" y2="{height - 8}" class="threshold"'
            f' stroke="{tier_colour(index)}"><title>{escape(tier_label)} ≥ '
            f"{escape(fmt_percent(minimum, lang=lang, places=0))}</title></line>"
        )
    for row, r in enumerate(results):
        y = _TOP + row * _ROW
        share = min(max(float(r.share), 0.0), 1.0)
        width = _BAR * share
        colour = tier_colour(tier_of.get(r.tier, len(TIER_COLOURS)))
        total = fmt_number(r.total, lang=lang, places=places)
        tip = f"{r.name}: {total} ({fmt_percent(r.share, lang=lang)}) — {r.tier_label}"
        parts.append(
            f"<g><title>{escape(tip)}</title>"
            f'<text x="{_LABEL - 8}" y="{y + 16}" class="name" text-anchor="end">'
            f"{escape(_short(r.name))}</text>"
            f'<rect x="{_LABEL}" y="{y + 4}" width="{_n(width)}" height="16" rx="2"'
            f' fill="{colour}"/><text x="{_n(_LABEL + width + 6)}" y="{y + 16}" class="value">'
            f"{escape(total)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def rank_change_chart(results: Sequence[AgencyResult], *, lang: str, label: str) -> str | None:
    """A diverging bar per agency: rises to the right in green, falls to the left in red.

    ``None`` when no agency of the block moved (or none has a previous rank).
    """
    rows = sorted(
        (r for r in results if r.rank_change is not None),
        key=lambda r: (-(r.rank_change or 0), r.rank or 0, r.name),
    )
    if not any(r.rank_change for r in rows):
        return None
    biggest = max(abs(r.rank_change or 0) for r in rows) or 1
    centre = _LABEL + _BAR / 2
    unit = (_BAR / 2 - 30) / biggest
    height = _TOP + _ROW * len(rows) + 10
    word_up, word_down = word("chart.up", lang), word("chart.down", lang)
    top = _TOP - 10
    parts = [
        _SVG_OPEN.format(label=escape(label), width=_WIDTH, height=height),
        f'<line x1="{_n(centre)}" y1="{_TOP - 6}" x2="{_n(centre)}" y2="{height - 8}"'
        ' class="axis"/>',
        f'<text x="{_n(centre - 8)}" y="{top}" class="tick" text-anchor="end">← {word_down}</text>',
        f'<text x="{_n(centre + 8)}" y="{top}" class="tick">{word_up} →</text>',
    ]
    for row, r in enumerate(rows):
        y = _TOP + row * _ROW
        change = r.rank_change or 0
        width = abs(change) * unit
        x = centre if change >= 0 else centre - width
        colour = _UP if change > 0 else _DOWN if change < 0 else _FLAT
        text = fmt_change(change)
        if change > 0:
            value_x, anchor = centre + width + 6, "start"
        elif change < 0:
            value_x, anchor = centre - width - 6, "end"
        else:
            value_x, anchor = centre + 8, "start"
        bar = (
            f'<rect x="{_n(x)}" y="{y + 4}" width="{_n(width)}" height="16" rx="2"'
            f' fill="{colour}"/>'
            if change
            else f'<circle cx="{_n(centre)}" cy="{y + 12}" r="4" fill="{colour}"/>'
        )
        tip = f"{r.name}: {text} ({r.previous_rank} → {r.rank})"
        parts.append(
            f"<g><title>{escape(tip)}</title>"
            f'<text x="{_LABEL - 8}" y="{y + 16}" class="name" text-anchor="end">'
            f"{escape(_short(r.name))}</text>{bar}"
            f'<text x="{_n(value_x)}" y="{y + 16}" class="value" text-anchor="{anchor}">'
            f"{escape(text)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def mini_bar(share: Decimal | None, colour: str) -> str:
    """A small inline bar (60 × 8) for a table cell; empty when there is no share."""
    if share is None:
        return ""
    width = 60 * min(max(float(share), 0.0), 1.0)
    return (
        '<svg class="mini" viewBox="0 0 60 8" width="60" height="8" aria-hidden="true"'
        ' xmlns="http://www.w3.org/2000/svg">'
        '<rect width="60" height="8" rx="1.5" fill="#e6e9ef"/>'
        f'<rect width="{_n(width)}" height="8" rx="1.5" fill="{colour}"/></svg>'
    )
