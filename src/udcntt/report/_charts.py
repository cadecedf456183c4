"""Inline SVG charts, drawn in Python: no JavaScript library, no network, no fonts to fetch.

Every text that comes from the survey or the rule set is XML-escaped here; the HTML
template inserts the finished SVG as markup. Coordinates are rounded to one decimal so
the same assessment always draws byte-identical charts.

The charts fit any width without scrolling: horizontal positions are percentages of the
chart's width (SVG ``x="37.5%"``), so bars scale with the screen while the text keeps its
size, and every row writes its name on a line of its own above its bar, where a phone has
room for it. ``width`` draws a chart at a fixed size instead (pixels, for an image).

Every chart is an image with a name and a description (``role="img"``, ``<title>``,
``<desc>``); the description states the chart's numbers as text. The colours come from
one palette (:data:`TIER_COLOURS`, :data:`GROUP_COLOURS`, :data:`HEAT_COLOURS`), each at
least 3:1 against the white page and, where text sits on a colour, 4.5:1 against it.

This module has the palette, the shared drawing helpers, the score chart and the mini
bars; the chart families are in ``_charts_rank`` (rank changes and the slope chart),
``_charts_spread`` (distribution and group split) and ``_charts_groups`` (heatmaps and
strengths), their data in ``_charts_data``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from udcntt.evaluation import AgencyResult
from udcntt.report._format import fmt_number, fmt_percent
from udcntt.report._i18n import t

__all__ = [
    "AXIS",
    "DOWN",
    "FLAT",
    "GROUP_COLOURS",
    "HEAT_COLOURS",
    "HEAT_TEXT",
    "INK",
    "TIER_COLOURS",
    "UP",
    "group_colour",
    "mini_bar",
    "pct",
    "score_chart",
    "share_ticks",
    "short",
    "svg_close",
    "svg_open",
    "threshold_marks",
    "tier_colour",
]

#: Bar colours by tier position, best first (green, blue, amber, red, grey); each is at
#: least 4.5:1 against white, so white text on a badge reads too.
TIER_COLOURS = ("#2e7d32", "#1565c0", "#a15c00", "#c62828", "#757575")
#: Rank rises, falls and unchanged ranks.
UP, DOWN, FLAT = "#2e7d32", "#c62828", "#757575"
#: Text and axis lines.
INK, AXIS = "#1d2430", "#5b6575"
#: Criteria groups in the stacked bars and their key, by the group's position.
GROUP_COLOURS = (
    "#1f5fa8",
    "#b45309",
    "#2e7d32",
    "#7b1fa2",
    "#00838f",
    "#ad1457",
    "#5d4037",
    "#455a64",
)
#: Heatmap cells by fifths of the share (0–20 %, …, 80–100 %), light to dark, and the text
#: colour written on each.
HEAT_COLOURS = ("#eef3fb", "#c6d8f0", "#8fb3e0", "#2f6fbf", "#0d3c87")
HEAT_TEXT = (INK, INK, INK, "#ffffff", "#ffffff")

NAME_MAX = 42
ROW = 38  # one chart row: a line of text and a bar under it
_SVG_OPEN = (
    '<svg class="chart {kind}" role="img" width="{width}" height="{height}"'
    ' xmlns="http://www.w3.org/2000/svg" font-family="inherit">'
    "<title>{title}</title><desc>{desc}</desc>"
)


def tier_colour(index: int) -> str:
    """The colour of the tier at ``index`` (0 = best)."""
    return TIER_COLOURS[min(max(index, 0), len(TIER_COLOURS) - 1)]


def group_colour(index: int) -> str:
    """The colour of the criteria group at ``index`` (cycles after eight groups)."""
    return GROUP_COLOURS[index % len(GROUP_COLOURS)]


def pct(value: float) -> str:
    """A horizontal position as a percentage of the chart's width: ``37.5%``."""
    text = f"{min(max(value, 0.0), 100.0):.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def short(name: str, limit: int = NAME_MAX) -> str:
    """``name`` on one line, cut with an ellipsis after ``limit`` characters."""
    flat = " ".join(name.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def svg_open(kind: str, title: str, desc: str, height: int, width: int | None = None) -> str:
    """The opening of a chart: an image named ``title`` and described by ``desc``."""
    return _SVG_OPEN.format(
        kind=kind,
        width="100%" if width is None else width,
        height=height,
        title=escape(title),
        desc=escape(desc),
    )


def svg_close() -> str:
    """The end of a chart."""
    return "</svg>"


def threshold_marks(
    thresholds: Sequence[tuple[int, Decimal, str]], top: int, bottom: int, *, lang: str
) -> tuple[list[str], list[str]]:
    """Dashed lines at the tier thresholds and their labels (``Tốt ≥ 80%``) above the plot.

    The labels alternate between two lines (at ``top - 18`` and ``top - 4``) so that
    neighbouring thresholds never write over each other on a narrow screen. The lines are
    drawn over the bars and under the texts, the labels last.
    """
    lines, labels = [], []
    ordered = sorted(thresholds, key=lambda item: item[1])
    for position, (index, minimum, label) in enumerate(ordered):
        x = pct(float(minimum) * 100)
        text = t(
            lang, "charts.threshold", tier=label, share=fmt_percent(minimum, lang=lang, places=0)
        )
        anchor = "end" if minimum >= Decimal("0.85") else "middle"
        y = top - 4 - 14 * ((len(ordered) - 1 - position) % 2)
        lines.append(
            f'<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" class="threshold"'
            f' stroke="{tier_colour(index)}"/>'
        )
        labels.append(
            f'<text x="{x}" y="{y}" class="threshold-label" text-anchor="{anchor}"'
            f' fill="{tier_colour(index)}">{escape(text)}</text>'
        )
    return lines, labels


def share_ticks(top: int, bottom: int) -> list[str]:
    """Grid lines and ``0%`` … ``100%`` labels under the plot."""
    parts = []
    for value in range(0, 101, 20):
        anchor = "start" if value == 0 else "end" if value == 100 else "middle"
        parts.append(
            f'<line x1="{pct(value)}" y1="{top}" x2="{pct(value)}" y2="{bottom}" class="grid"/>'
            f'<text x="{pct(value)}" y="{bottom + 14}" class="tick" text-anchor="{anchor}">'
            f"{value}%</text>"
        )
    return parts


def score_chart(
    results: Sequence[AgencyResult],
    tier_of: dict[str, int],
    thresholds: Sequence[tuple[int, Decimal, str]],
    *,
    places: int,
    lang: str,
    label: str,
    width: int | None = None,
) -> str:
    """Horizontal bars of each agency's share of its maximum, coloured by tier.

    ``thresholds`` are ``(tier index, minimum share, tier label)``, drawn as labelled dashed
    lines. Each row writes the agency's name, total and tier above its bar.
    """
    top = 36 if thresholds else 8
    bottom = top + ROW * len(results)
    items = []
    bars: list[str] = []
    texts: list[str] = []
    for row, r in enumerate(results):
        y = top + row * ROW
        share = min(max(float(r.share), 0.0), 1.0)
        colour = tier_colour(tier_of.get(r.tier, len(TIER_COLOURS)))
        total = fmt_number(r.total, lang=lang, places=places)
        value = f"{total} · {r.tier_label}"
        items.append(f"{r.name} {total} ({fmt_percent(r.share, lang=lang)}, {r.tier_label})")
        bars.append(
            f'<rect x="0" y="{y + 19}" width="{pct(share * 100)}" height="13" rx="2"'
            f' fill="{colour}"/>'
        )
        texts.append(
            f'<g><text x="0" y="{y + 14}" class="name">{escape(short(r.name))}</text>'
            f'<text x="100%" y="{y + 14}" class="value" text-anchor="end">{escape(value)}</text>'
            "</g>"
        )
    desc = t(lang, "charts.scores_desc", list="; ".join(items))
    lines, labels = threshold_marks(thresholds, top, bottom, lang=lang)
    return "".join(
        [
            svg_open("scores", label, desc, bottom + 20, width),
            *share_ticks(top, bottom),
            *bars,
            *lines,
            *texts,
            *labels,
            svg_close(),
        ]
    )


def mini_bar(share: Decimal | None, colour: str) -> str:
    """A small inline bar (60 × 8) for a table cell; empty when there is no share."""
    if share is None:
        return ""
    width = 60 * min(max(float(share), 0.0), 1.0)
    text = f"{width:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return (
        '<svg class="mini" viewBox="0 0 60 8" width="60" height="8" aria-hidden="true"'
        ' xmlns="http://www.w3.org/2000/svg">'
        '<rect width="60" height="8" rx="1.5" fill="#e6e9ef" stroke="#8a93a3"'
        ' stroke-width="0.6"/>'
        f'<rect width="{text}" height="8" rx="1.5" fill="{colour}"/></svg>'
    )
