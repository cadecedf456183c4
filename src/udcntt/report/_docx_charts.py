"""Charts of the Word report, drawn as PNG images with Pillow (behind the ``docx`` extra).

Word has no SVG a report can rely on, so the two charts a reader of the tables most wants
are rasterised from the same figures the tables print:

- **Total split by group**: one horizontal bar per agency in ranking order, a segment per
  top-level criteria group (its published points), the total at the end, and the tier
  thresholds as labelled dashed lines ("Tốt ≥ 80%").
- **Rank last year → this year**: a slope chart per block, one line per agency from its
  previous rank to its rank, rises in blue and falls in vermilion (Okabe–Ito colours,
  3:1 against white), labelled with the agency's name.

Text needs a font with the Vietnamese letters. The first of the usual files that exists is
used (Liberation Serif 2, which has Times New Roman's metrics, DejaVu, Windows' or macOS'
Times New Roman or Arial); without one, or without Pillow, the report has no charts and
says nothing of them. The PNG bytes depend only on the figures, the font file and Pillow.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from udcntt.evaluation import Assessment
from udcntt.report._format import fmt_number, fmt_percent
from udcntt.report._tables import BlockView, score_places, tier_thresholds

__all__ = ["FONT_FILES", "chart_font", "rank_slope_png", "split_bars_png"]

_WINDOWS = Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"
#: Font files tried in order: (regular, bold).
FONT_FILES: tuple[tuple[Path, Path], ...] = (
    (
        Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
        Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"),
    ),
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"),
    ),
    (_WINDOWS / "times.ttf", _WINDOWS / "timesbd.ttf"),
    (_WINDOWS / "arial.ttf", _WINDOWS / "arialbd.ttf"),
    (
        Path("/System/Library/Fonts/Supplemental/Times New Roman.ttf"),
        Path("/System/Library/Fonts/Supplemental/Times New Roman Bold.ttf"),
    ),
)
# Okabe–Ito colours (distinguishable with colour-blindness), each at least 3:1 on white
# except the light ones, which only fill bars with a dark outline.
_GROUP_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999")
_RISE, _FALL, _SAME = "#0072B2", "#D55E00", "#767676"
_INK, _GRID = "#000000", "#BBBBBB"
#: Pixels per point at the resolution the charts are drawn (200 dpi).
_PX = 200 / 72


@lru_cache(maxsize=1)
def chart_font() -> tuple[str, str] | None:
    """The (regular, bold) font files the charts are drawn with, or ``None`` when Pillow
    or every known file is missing."""
    try:
        import PIL.ImageFont  # noqa: F401 - optional dependency
    except ImportError:
        return None
    for regular, bold in FONT_FILES:
        if regular.is_file() and bold.is_file():
            return str(regular), str(bold)
    return None


def _fonts(size_pt: float) -> tuple[Any, Any]:
    from PIL import ImageFont

    files = chart_font()
    if files is None:  # callers check chart_font() first
        raise RuntimeError("no chart font")
    px = round(size_pt * _PX)
    return ImageFont.truetype(files[0], px), ImageFont.truetype(files[1], px)


def _png(image: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _fit_text(draw: Any, text: str, font: Any, width: float) -> str:
    """``text`` cut with "…" so that it fits ``width`` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def split_bars_png(
    assessment: Assessment, view: BlockView, lang: str, *, width_cm: float = 24.7
) -> bytes:
    """The block's totals split by group, with the tier thresholds (see the module)."""
    from PIL import Image, ImageDraw

    places = score_places(assessment)
    regular, bold = _fonts(9)
    small, _ = _fonts(8)
    width = round(width_cm / 2.54 * 200)
    row, bar = round(14 * _PX), round(10 * _PX)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1), "white"))
    # Legend: one swatch per group, wrapped onto as many lines as it needs.
    legend: list[tuple[float, int, str, str]] = []
    at, line = 8.0, 0
    for index, group in enumerate(view.groups):
        item = bar + 18 + measure.textlength(group.title, font=small)
        if at > 8 and at + item > width - 8:
            at, line = 8.0, line + 1
        legend.append((at, line, group.title, _GROUP_COLOURS[index % len(_GROUP_COLOURS)]))
        at += item
    top = round((16 * (line + 1) + 14) * _PX)
    height = top + row * len(view.results) + round(8 * _PX)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    name_w = min(
        max((draw.textlength(r.name, font=regular) for r in view.results), default=0) + 12,
        width * 0.34,
    )
    left = round(name_w) + 8
    right = width - round(draw.textlength("100,00", font=bold)) - 16
    scale_max = view.max or max((r.max for r in view.results), default=Decimal(1)) or Decimal(1)

    def x(points: Decimal) -> float:
        return left + float(points / scale_max) * (right - left)

    for at, line, label, colour in legend:
        y0 = 4 + line * round(16 * _PX)
        draw.rectangle([at, y0, at + bar, y0 + bar], fill=colour, outline=_INK)
        draw.text((at + bar + 6, y0 + bar / 2), label, font=small, fill=_INK, anchor="lm")
    totals: list[tuple[float, float, str]] = []
    for index, result in enumerate(view.results):
        y = top + index * row + (row - bar) / 2
        name = _fit_text(draw, result.name, regular, name_w - 12)
        draw.text((left - 8, y + bar / 2), name, font=regular, fill=_INK, anchor="rm")
        start = Decimal(0)
        for g_index, group in enumerate(view.groups):
            res = result.criteria.get(group.id)
            if res is None or res.points is None or not res.points:
                continue
            end = start + res.points
            colour = _GROUP_COLOURS[g_index % len(_GROUP_COLOURS)]
            draw.rectangle([x(start), y, x(end), y + bar], fill=colour, outline="white")
            start = end
        totals.append(
            (x(start) + 6, y + bar / 2, fmt_number(result.total, lang=lang, places=places))
        )
    # Threshold lines over the bars, labelled at the top.
    for tier, minimum in tier_thresholds(assessment):
        label = (
            list(assessment.tier_labels.values())[tier]
            if tier < len(assessment.tier_labels)
            else ""
        )
        pos = x(minimum * scale_max)
        for y in range(top - 4, height - 4, 12):
            draw.line([(pos, y), (pos, y + 6)], fill=_INK, width=2)
        text = f"{label} ≥ {fmt_percent(minimum, lang=lang, places=0)}"
        draw.text((pos, top - 6), text, font=small, fill=_INK, anchor="md")
    # Totals last, on white, so a threshold line never crosses their digits.
    for tx, ty, text in totals:
        box = draw.textbbox((tx, ty), text, font=bold, anchor="lm")
        draw.rectangle([box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2], fill="white")
        draw.text((tx, ty), text, font=bold, fill=_INK, anchor="lm")
    draw.line([(left, top - 2), (left, height - 4)], fill=_INK, width=2)
    return _png(image)


def rank_slope_png(
    assessment: Assessment,
    view: BlockView,
    lang: str,
    years: Sequence[str],
    *,
    width_cm: float = 24.7,
) -> bytes | None:
    """The block's rank last year → this year (see the module); ``None`` when no agency of
    the block has a previous rank."""
    from PIL import Image, ImageDraw

    paired = [r for r in view.results if r.previous_rank is not None and r.rank is not None]
    if not paired:
        return None
    regular, bold = _fonts(9)
    width = round(width_cm / 2.54 * 200)
    ranks = max(max(int(r.rank or 0), int(r.previous_rank or 0)) for r in paired)
    row = round(14 * _PX)
    top = round(22 * _PX)
    height = top + row * ranks + round(6 * _PX)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    label_w = width * 0.36
    left, right = round(label_w), round(width - label_w)
    draw.text((left, top / 2), years[0], font=bold, fill=_INK, anchor="mm")
    draw.text((right, top / 2), years[1], font=bold, fill=_INK, anchor="mm")

    def y(rank: int) -> float:
        return top + (rank - 0.5) * row

    for result in sorted(paired, key=lambda r: abs(r.rank_change or 0)):
        before, after = int(result.previous_rank or 0), int(result.rank or 0)
        change = before - after
        colour = _RISE if change > 0 else _FALL if change < 0 else _SAME
        draw.line([(left, y(before)), (right, y(after))], fill=colour, width=4 if change else 2)
        for at, rank in ((left, before), (right, after)):
            draw.ellipse([at - 6, y(rank) - 6, at + 6, y(rank) + 6], fill=colour)
        name_l = _fit_text(draw, f"{result.name}  {before}", regular, label_w - 16)
        draw.text((left - 12, y(before)), name_l, font=regular, fill=_INK, anchor="rm")
        sign = "+" if change > 0 else "\u2212" if change < 0 else ""
        mark = f"{after}  ({sign}{abs(change)})" if change else f"{after}"
        name_r = _fit_text(draw, f"{mark}  {result.name}", regular, label_w - 16)
        draw.text((right + 12, y(after)), name_r, font=regular, fill=_INK, anchor="lm")
    return _png(image)
