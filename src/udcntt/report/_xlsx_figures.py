"""The province-figures sheet of the workbook: indicator totals and shares, by block.

Split from :mod:`udcntt.report._xlsx` (the sheet is a unit of its own: it reads
:func:`~udcntt.report.province_figures`, not the ranking tables).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from udcntt._words import heading
from udcntt.evaluation import Assessment
from udcntt.report._figures import ProvinceFigures, ShareFigure, aggregation_lines, province_figures
from udcntt.report._format import fmt_fraction
from udcntt.report._i18n import t
from udcntt.report._xlsx_book import HEADER_FILL, Book

__all__ = ["figures_sheet"]


def _share_rows(figures: ProvinceFigures) -> list[tuple[str, str, ShareFigure, int | None]]:
    """``(part label, whole label, share, part index or None for the combined share)``."""

    def label(indicator: str) -> str:
        fig = figures.indicator(indicator)
        return fig.label if fig else indicator

    out: list[tuple[str, str, ShareFigure, int | None]] = []
    for share in figures.shares:
        wlabel = label(share.whole)
        for index, pid in enumerate(share.parts):
            out.append((label(pid), wlabel, share, index))
        if len(share.parts) > 1:
            out.append((" + ".join(label(p) for p in share.parts), wlabel, share, None))
    return out


def figures_sheet(book: Book, assessment: Assessment, lang: str) -> None:
    """Add the province-figures sheet (indicator totals and shares by block) to ``book``."""
    sh = book.sheet(t(lang, "figures_sheet"))
    figures = province_figures(assessment)
    blocks = list(figures.blocks) if figures else assessment.blocks()
    scopes: list[tuple[str | None, str]] = [(b, assessment.block_labels.get(b, b)) for b in blocks]
    scopes.append((None, t(lang, "all_blocks")))
    last_col = 4 + 2 * len(scopes)
    year = assessment.year
    sh.title(
        1,
        heading(t(lang, "figures"), lang) + (f" {year}" if year else ""),
        last_col,
    )
    if not figures:
        sh.put(3, 2, t(lang, "no_figures"), italic=True)
        sh.finish(header_rows=None, freeze=None, fixed={1: 6, 2: 70})
        return
    for col, text in enumerate(
        [t(lang, "stt"), t(lang, "indicator"), t(lang, "unit"), t(lang, "aggregate")], start=1
    ):
        sh.put(3, col, text, bold=True, align="center", wrap=True, fill=HEADER_FILL, border=True)
        sh.merge(3, col, col, last_row=4)
    for i, (_, label) in enumerate(scopes):
        col = 5 + 2 * i
        sh.put(3, col, label, bold=True, align="center", wrap=True, fill=HEADER_FILL, border=True)
        sh.merge(3, col, col + 1)
        sh.put(4, col, t(lang, "value"), bold=True, align="center", fill=HEADER_FILL, border=True)
        sh.put(
            4,
            col + 1,
            t(lang, "reporting"),
            bold=True,
            align="center",
            fill=HEADER_FILL,
            border=True,
        )
    row = 5
    stt = 0
    for fig in figures.indicators:
        for how, category in aggregation_lines(fig, lang):
            stt += 1
            sh.put(row, 1, stt, align="center", border=True)
            sh.put(row, 2, fig.label, wrap=True, border=True)
            sh.put(row, 3, fig.unit or "", border=True)
            sh.put(row, 4, how, wrap=True, border=True)
            for i, (scope, _) in enumerate(scopes):
                agg = fig.overall if scope is None else fig.by_block.get(scope)
                col = 5 + 2 * i
                value: Any = None
                fmt = "#,##0"
                if agg is not None:
                    if fig.kind == "mean":
                        value, fmt = agg.mean, "0.0%"
                    elif category is not None:
                        value = agg.categories.get(category, 0)
                    else:
                        value = agg.total
                        if value != value.to_integral_value():
                            fmt = "#,##0.00"
                sh.put(row, col, value, fmt=fmt, border=True)
                sh.put(
                    row, col + 1, None if agg is None else agg.reporting, fmt="#,##0", border=True
                )
            row += 1
    row += 1
    sh.put(row, 2, t(lang, "shares"), bold=True, size=13)
    row += 1
    share_header = [t(lang, "stt"), t(lang, "indicator"), t(lang, "share_of"), ""]
    for col, text in enumerate(share_header, start=1):
        sh.put(row, col, text, bold=True, align="center", fill=HEADER_FILL, border=True)
    for i, (_, label) in enumerate(scopes):
        col = 5 + 2 * i
        sh.put(row, col, label, bold=True, align="center", wrap=True, fill=HEADER_FILL, border=True)
        sh.merge(row, col, col + 1)
    row += 1
    stt = 0
    entries: list[tuple[str, str, dict[str | None, tuple[Decimal, Decimal]]]] = []
    for part_label, whole_label, share, index in _share_rows(figures):
        sums: dict[str | None, tuple[Decimal, Decimal]] = {}
        for scope, _ in scopes:
            found = share.overall if scope is None else share.by_block.get(scope)
            if found is None:
                continue
            parts, whole = found
            sums[scope] = (sum(parts, Decimal(0)) if index is None else parts[index], whole)
        entries.append((part_label, whole_label, sums))
    for fig in figures.indicators:
        if fig.kind == "yes":
            sums = {b: (a.total, Decimal(a.reporting)) for b, a in fig.by_block.items()}
            sums[None] = (fig.overall.total, Decimal(fig.overall.reporting))
            entries.append((fig.label, t(lang, "reporting"), dict(sums)))
    for part_label, whole_label, sums in entries:
        stt += 1
        sh.put(row, 1, stt, align="center", border=True)
        sh.put(row, 2, part_label, wrap=True, border=True)
        sh.put(row, 3, whole_label, wrap=True, border=True)
        sh.put(row, 4, "", border=True)
        for i, (scope, _) in enumerate(scopes):
            col = 5 + 2 * i
            pair = sums.get(scope)
            if pair is None or not pair[1]:
                sh.put(row, col, None, border=True)
                sh.put(row, col + 1, None, border=True)
                continue
            sh.put(row, col, pair[0] / pair[1], fmt="0.0%", border=True)
            sh.put(
                row, col + 1, fmt_fraction(pair[0], pair[1], lang=lang), align="right", border=True
            )
        row += 1
    fixed = {1: 6, 2: 52, 3: 22, 4: 16}
    fixed.update({5 + 2 * i: 14 for i in range(len(scopes))})
    # The ratio texts ("1.383/1.469") set their column's width: none is ever clipped.
    fixed.update({6 + 2 * i: max(11, sh.widths.get(6 + 2 * i, 0)) for i in range(len(scopes))})
    sh.finish(header_rows="3:4", freeze="E5", fixed=fixed)
