"""More charts of the Word report, drawn as PNG with Pillow from the HTML's chart data.

Each chart is drawn from the plain figures of :mod:`udcntt.report._charts_data`, the same
the HTML report draws as SVG, so both formats show the same numbers; each function returns
the PNG bytes and a description that states those numbers (for the picture's alt text):

- **Distribution of totals** (:func:`distribution_png`): one dot per agency on a 0–100 %
  scale of the block's maximum, the middle half as a box with the median, the tier
  thresholds as labelled dashed lines.
- **Group means** (:func:`group_means_png`): one heatmap for all blocks, a row per block,
  a column per criteria group, each cell the block's mean share of the group's maximum.
- **Strengths and weaknesses** (:func:`strengths_png`): per block, a heatmap of agencies ×
  groups, each cell the agency's share minus the block's mean share (percentage points),
  blue above the mean and vermilion below.

Cell text is black or white, whichever contrasts more with the cell; either way the ratio
is at least 4.5:1 (:func:`contrast`). The bytes depend only on the figures, the font file
and Pillow.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from udcntt.evaluation import Assessment
from udcntt.report._charts_data import (
    block_group_means,
    distribution,
    group_columns,
    strengths,
)
from udcntt.report._docx_charts import _fit_text, _fonts, _png
from udcntt.report._format import fmt_number, fmt_percent
from udcntt.report._i18n import t
from udcntt.report._tables import BlockView, tier_thresholds

__all__ = [
    "cell_colours",
    "contrast",
    "distribution_png",
    "group_means_png",
    "strengths_png",
]

_PX = 200 / 72
_INK, _AXIS, _BOX = "#000000", "#767676", "#333333"
# Tier dots: Okabe–Ito, best tier first, each at least 3:1 on white.
_TIER_DOTS = ("#0072B2", "#009E73", "#B8860B", "#D55E00", "#767676")
_LOW, _HIGH = (255, 255, 255), (8, 48, 107)  # sequential: white → dark blue
_ABOVE, _BELOW = (33, 102, 172), (178, 24, 43)  # diverging: blue above, vermilion below


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(low: tuple[int, int, int], high: tuple[int, int, int], f: float) -> tuple[int, ...]:
    f = min(max(f, 0.0), 1.0)
    return tuple(round(lo + (hi - lo) * f) for lo, hi in zip(low, high, strict=True))


def cell_colours(
    value: Decimal | None, *, diverging: bool = False, span: Decimal = Decimal(1)
) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """``(fill, ink)`` of a heatmap cell: a share in [0, 1] on white → dark blue, or (with
    ``diverging``) a difference on vermilion ← white → blue, full at ``±span``; grey for
    ``None``. The ink is black or white, whichever contrasts more (always ≥ 4.5:1)."""
    if value is None:
        fill: tuple[int, ...] = (238, 238, 238)
    elif diverging:
        f = float(abs(value) / span) if span else 0.0
        fill = _mix(_LOW, _ABOVE if value >= 0 else _BELOW, f)
    else:
        fill = _mix(_LOW, _HIGH, float(value))
    rgb = (fill[0], fill[1], fill[2])
    black, white = (0, 0, 0), (255, 255, 255)
    return rgb, black if contrast(rgb, black) >= contrast(rgb, white) else white


def _signed(diff: Decimal, lang: str) -> str:
    text = fmt_number(abs(diff) * 100, lang=lang, places=1)
    return ("+" if diff > 0 else "\u2212" if diff < 0 else "±") + text


def distribution_png(
    assessment: Assessment, view: BlockView, lang: str, *, width_cm: float = 24.7
) -> tuple[bytes, str, str] | None:
    """The block's totals as dots with the middle-half box and the tier thresholds, its
    caption and description; ``None`` for a block without agencies."""
    from PIL import Image, ImageDraw

    dist = distribution(view, assessment)
    if dist is None:
        return None
    small, _ = _fonts(8)
    width = round(width_cm / 2.54 * 200)
    left, right = round(12 * _PX), width - round(12 * _PX)
    top, band = round(22 * _PX), round(40 * _PX)
    height = top + band + round(20 * _PX)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)

    def x(share: Decimal) -> float:
        return left + float(share) * (right - left)

    mid = top + band / 2
    for tick in range(0, 101, 10):
        at = x(Decimal(tick) / 100)
        draw.line([(at, top + band), (at, top + band + 8)], fill=_AXIS, width=2)
        draw.text((at, top + band + 10), f"{tick}%", font=small, fill=_INK, anchor="mt")
    draw.line([(left, top + band), (right, top + band)], fill=_AXIS, width=2)
    for tier, minimum in tier_thresholds(assessment):
        labels = list(assessment.tier_labels.values())
        label = labels[tier] if tier < len(labels) else ""
        pos = x(minimum)
        for y in range(top - 4, top + band, 12):
            draw.line([(pos, y), (pos, y + 6)], fill=_INK, width=2)
        text = f"{label} ≥ {fmt_percent(minimum, lang=lang, places=0)}"
        draw.text((pos, top - 8), text, font=small, fill=_INK, anchor="md")
    draw.line([(x(dist.lowest), mid), (x(dist.highest), mid)], fill=_AXIS, width=2)
    box = [x(dist.q1), mid - 28, max(x(dist.q3), x(dist.q1) + 1), mid + 28]
    draw.rectangle(box, outline=_BOX, width=3)
    draw.line([(x(dist.median), mid - 28), (x(dist.median), mid + 28)], fill=_INK, width=6)
    # Dots in rank order, nudged up and down (five places) so a crowd stays countable.
    for index, (share, tier) in enumerate(dist.shares):
        dy = (0, -16, 16, -32, 32)[index % 5]
        colour = _TIER_DOTS[min(tier, len(_TIER_DOTS) - 1)] if tier >= 0 else _AXIS
        cx, cy = x(share), mid + dy
        draw.ellipse([cx - 9, cy - 9, cx + 9, cy + 9], fill=colour, outline="white")
    pct = {
        key: fmt_percent(value, lang=lang)
        for key, value in (
            ("lowest", dist.lowest),
            ("q1", dist.q1),
            ("median", dist.median),
            ("q3", dist.q3),
            ("highest", dist.highest),
            ("mean", dist.mean),
        )
    }
    descr = t(lang, "docx.chart_distribution", block=view.label, n=len(dist.shares), **pct)
    return _png(image), descr, descr


def _heatmap(
    rows: Sequence[tuple[str, Sequence[Decimal | None]]],
    columns: Sequence[str],
    lang: str,
    *,
    diverging: bool,
    width_cm: float,
) -> bytes:
    """A table of coloured cells with their values written in them; ``columns`` are short
    keys (group numbers) explained under the chart."""
    from PIL import Image, ImageDraw

    regular, bold = _fonts(9)
    width = round(width_cm / 2.54 * 200)
    row_h = round(14 * _PX)
    top = round(16 * _PX)
    name_w = round(width * 0.38)
    cell_w = min((width - name_w - 8) / max(len(columns), 1), 110 * _PX)
    height = top + row_h * len(rows) + 4
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    span = max((abs(v) for _, values in rows for v in values if v is not None), default=Decimal(0))
    span = max(span, Decimal("0.2")) if diverging else Decimal(1)
    for c, column in enumerate(columns):
        cx = name_w + (c + 0.5) * cell_w
        draw.text((cx, top / 2), column, font=bold, fill=_INK, anchor="mm")
    for r, (name, values) in enumerate(rows):
        y = top + r * row_h
        label = _fit_text(draw, name, regular, name_w - 16)
        draw.text((name_w - 10, y + row_h / 2), label, font=regular, fill=_INK, anchor="rm")
        for c, value in enumerate(values):
            x0 = name_w + c * cell_w
            fill, ink = cell_colours(value, diverging=diverging, span=span)
            draw.rectangle([x0, y, x0 + cell_w - 2, y + row_h - 2], fill=fill)
            if value is None:
                text = "–"
            elif diverging:
                text = _signed(value, lang)
            else:
                text = fmt_percent(value, lang=lang, places=0)
            cx, cy = x0 + (cell_w - 2) / 2, y + (row_h - 2) / 2
            draw.text((cx, cy), text, font=regular, fill=ink, anchor="mm")
    return _png(image)


def _key(titles: Sequence[str]) -> str:
    """``1. Title; 2. Title`` (a title that starts with its own number keeps it once)."""
    return "; ".join(
        title if title.startswith(f"{n}.") else f"{n}. {title}"
        for n, title in enumerate(titles, start=1)
    )


def group_means_png(
    views: Sequence[BlockView], lang: str, *, width_cm: float = 24.7
) -> tuple[bytes, str, str] | None:
    """One heatmap of every block's mean share per criteria group, its caption and
    description (the same); ``None`` when no block has agencies."""
    shown = [v for v in views if v.results]
    if not shown:
        return None
    columns = group_columns(shown)
    means = block_group_means(shown, columns)
    png = _heatmap(
        means,
        [str(c.index + 1) for c in columns],
        lang,
        diverging=False,
        width_cm=width_cm,
    )
    rows = [
        f"{label}: "
        + ", ".join(
            f"{c.index + 1} {fmt_percent(v, lang=lang, places=0)}"
            for c, v in zip(columns, values, strict=True)
            if v is not None
        )
        for label, values in means
    ]
    descr = t(
        lang,
        "docx.chart_group_means",
        groups=_key([c.title for c in columns]),
        rows="; ".join(rows),
    )
    return png, descr, descr


def strengths_png(
    view: BlockView, lang: str, *, width_cm: float = 24.7
) -> tuple[bytes, str, str] | None:
    """The block's agencies × groups heatmap of share minus block mean, its caption and
    its description (the caption and every cell's value); ``None`` for a block without
    agencies or groups."""
    if not view.results or not view.groups:
        return None
    data = strengths(view)
    rows = [(r.name, [s.difference for s in data[r.agency_id]]) for r in view.results]
    png = _heatmap(
        rows,
        [str(n) for n in range(1, len(view.groups) + 1)],
        lang,
        diverging=True,
        width_cm=width_cm,
    )
    first = data[view.results[0].agency_id]
    means = ", ".join(
        f"{n} {fmt_percent(s.mean, lang=lang, places=0)}"
        for n, s in enumerate(first, start=1)
        if s.mean is not None
    )
    agencies = "; ".join(
        f"{name}: "
        + ", ".join(
            f"{n} {_signed(d, lang)}" for n, d in enumerate(values, start=1) if d is not None
        )
        for name, values in rows
    )
    caption = t(
        lang,
        "docx.chart_strengths",
        block=view.label,
        groups=_key([g.title for g in view.groups]),
        means=means,
    )
    return png, caption, f"{caption} {agencies}."
