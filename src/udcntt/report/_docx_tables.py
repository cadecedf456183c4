"""The annex tables of the Word report: the ranking table of each block, the points by
criterion of each block, the province figures and the list of rank and tier changes.

Every table is built by :func:`add_table`: a repeated header row, ``Table Text`` cells, and a
grid (:mod:`udcntt.report._docx_grid`) whose widths come from the text, so the name column
is wide and the number columns narrow. The ranking tables take their columns from
:func:`~udcntt.report._tables.ranking_headers` and :func:`~udcntt.report._tables.ranking_cells`,
so any column added there (the year-over-year comparison) appears here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from udcntt.evaluation import Assessment
from udcntt.report._docx_grid import Column, apply_grid, column_widths
from udcntt.report._docx_style import TABLE_PT, TABLE_STYLE
from udcntt.report._figures import ProvinceFigures, aggregation_lines, province_figures
from udcntt.report._format import fmt_fraction, fmt_number, fmt_percent
from udcntt.report._i18n import t
from udcntt.report._tables import (
    BlockView,
    change_text,
    comparison_keys,
    display_points,
    previous_tier_label,
    previous_year,
    ranking_cells,
    ranking_headers,
    score_places,
)

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

__all__ = [
    "LANDSCAPE_WIDTH",
    "Row",
    "add_table",
    "changes_table",
    "detail_table",
    "figures_tables",
    "rank_changes",
    "ranking_table",
]

#: Text width of a landscape A4 page with 3 cm and 2 cm side margins (24.7 cm), in twips.
LANDSCAPE_WIDTH = 14000


@dataclass(frozen=True, slots=True)
class Row:
    """One body row: ``(text, align)`` cells, bold cell indexes; or, with ``span``, one
    bold cell across the whole table (a block's label inside a list)."""

    cells: Sequence[tuple[str, str]]
    bold: frozenset[int] = frozenset()
    span: bool = False


def _put(cell: Any, text: str, *, bold: bool, align: str, style_id: str) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = cell.paragraphs[0]
    # By id: python-docx looks a style name up by scanning every style, per paragraph.
    paragraph._p.style = style_id
    paragraph.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    run = paragraph.add_run(text)
    if bold:
        run.bold = True
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def add_table(
    doc: DocumentObject,
    headers: Sequence[str],
    rows: Sequence[Row],
    *,
    wide: int | None,
    width: int = LANDSCAPE_WIDTH,
) -> Any:
    """A table with a bold header row repeated on every page, column ``wide`` widened first
    (see :func:`~udcntt.report._docx_grid.column_widths`)."""
    from docx.oxml.ns import qn

    table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    style_id = doc.styles[TABLE_STYLE].style_id
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _put(cell, text, bold=True, align="center", style_id=style_id)
    trpr = table.rows[0]._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))
    texts: list[list[tuple[str, bool]]] = [[(h, True)] for h in headers]
    for row, spec in zip(table.rows[1:], rows, strict=True):
        cells = row.cells
        if spec.span:
            merged = cells[0].merge(cells[-1])
            _put(merged, spec.cells[0][0], bold=True, align="left", style_id=style_id)
            continue
        for index, (cell, (text, align)) in enumerate(zip(cells, spec.cells, strict=True)):
            bold = index in spec.bold
            _put(cell, text, bold=bold, align=align, style_id=style_id)
            texts[index].append((text, bold))
        # A row is never split across pages.
        rowpr = row._tr.get_or_add_trPr()
        rowpr.append(rowpr.makeelement(qn("w:cantSplit"), {qn("w:val"): "true"}))
    columns = [Column(col, wide=index == wide) for index, col in enumerate(texts)]
    apply_grid(table, column_widths(columns, width, TABLE_PT))
    return table


def ranking_table(doc: DocumentObject, assessment: Assessment, view: BlockView, lang: str) -> Any:
    """A block's official ranking table (every column of
    :func:`~udcntt.report._tables.ranking_headers`); the total in bold."""
    headers = ranking_headers(assessment, view, lang)
    rows = []
    places, keys = score_places(assessment), comparison_keys(assessment)
    for stt, result in enumerate(view.results, start=1):
        cells = ranking_cells(assessment, view, result, stt, lang, places=places, keys=keys)
        bold = frozenset(i for i, c in enumerate(cells) if c.key == "total")
        rows.append(Row([(c.text, c.align) for c in cells], bold))
    return add_table(doc, headers, rows, wide=1)


def detail_table(doc: DocumentObject, assessment: Assessment, view: BlockView, lang: str) -> Any:
    """A block's points by criterion: every criterion of the block's tree (groups in bold)
    with its maximum and the block's mean, lowest and highest points and how many agencies
    reached the maximum."""
    places = score_places(assessment)
    headers = [
        t(lang, "code"),
        t(lang, "criterion"),
        t(lang, "max"),
        t(lang, "docx.detail_mean"),
        t(lang, "docx.detail_lowest"),
        t(lang, "docx.detail_highest"),
        t(lang, "docx.detail_full"),
    ]
    rows = []
    for info in view.criteria:
        scored = [
            (res.points, res.max)
            for r in view.results
            if (res := r.criteria.get(info.id)) is not None and res.points is not None
        ]
        points = [p for p, _ in scored]
        mean = sum(points, Decimal(0)) / len(points) if points else None
        full = sum(1 for p, m in scored if m and p >= m)
        cells = [
            (info.code or "", "center"),
            (info.label, "left"),
            (fmt_number(info.full_max.normalize(), lang=lang), "right"),
            (display_points(mean, places, lang), "right"),
            (display_points(min(points) if points else None, places, lang), "right"),
            (display_points(max(points) if points else None, places, lang), "right"),
            (fmt_fraction(full, len(scored), lang=lang) if scored else "—", "center"),
        ]
        rows.append(Row(cells, frozenset(range(len(cells))) if not info.is_leaf else frozenset()))
    return add_table(doc, headers, rows, wide=1)


def _figure_rows(
    figures: ProvinceFigures, scopes: list[str | None], lang: str
) -> tuple[list[Row], list[Row]]:
    rows: list[Row] = []
    for fig in figures.indicators:
        for how, category in aggregation_lines(fig, lang):
            cells = [(str(len(rows) + 1), "center"), (fig.label, "left")]
            cells += [(fig.unit or "", "center"), (how, "left")]
            for scope in scopes:
                agg = fig.overall if scope is None else fig.by_block.get(scope)
                if agg is None:
                    text = ""
                elif category is not None:
                    text = fmt_fraction(agg.categories.get(category, 0), agg.reporting, lang=lang)
                elif fig.kind == "yes":
                    text = fmt_fraction(agg.total, agg.reporting, lang=lang)
                elif fig.kind == "mean":
                    text = "" if agg.mean is None else fmt_percent(agg.mean, lang=lang)
                else:
                    text = fmt_number(agg.total, lang=lang)
                cells.append((text, "right"))
            rows.append(Row(cells))
    shares: list[Row] = []
    for share in figures.shares:
        whole = figures.indicator(share.whole)
        for index, pid in enumerate(share.parts):
            part = figures.indicator(pid)
            cells = [(str(len(shares) + 1), "center"), (part.label if part else pid, "left")]
            cells.append((whole.label if whole else share.whole, "left"))
            for scope in scopes:
                pair = share.overall if scope is None else share.by_block.get(scope)
                if pair is None or not pair[1]:
                    cells.append(("", "right"))
                    continue
                part_sum, whole_sum = pair[0][index], pair[1]
                cells.append(
                    (
                        f"{fmt_percent(part_sum / whole_sum, lang=lang)} "
                        f"({fmt_fraction(part_sum, whole_sum, lang=lang)})",
                        "right",
                    )
                )
            shares.append(Row(cells))
    return rows, shares


def figures_tables(doc: DocumentObject, assessment: Assessment, lang: str) -> bool:
    """The province figures (each indicator summed, averaged or counted by block and over
    the province) and the declared shares; ``False`` when the survey has no figures."""
    figures = province_figures(assessment)
    if not figures:
        return False
    scopes: list[str | None] = [*figures.blocks, None]
    labels = [assessment.block_labels.get(b, b) for b in figures.blocks]
    labels.append(t(lang, "all_blocks"))
    rows, shares = _figure_rows(figures, scopes, lang)
    head = [t(lang, "stt"), t(lang, "indicator"), t(lang, "unit"), t(lang, "aggregate")]
    add_table(doc, [*head, *labels], rows, wide=1)
    if shares:
        from docx.shared import Pt

        p = doc.add_paragraph(t(lang, "docx.shares_heading"))
        p.paragraph_format.space_before = Pt(12)
        p.paragraph_format.keep_with_next = True
        p.runs[0].bold = True
        head = [t(lang, "stt"), t(lang, "indicator"), t(lang, "share_of")]
        add_table(doc, [*head, *labels], shares, wide=1)
    return True


def rank_changes(assessment: Assessment, view: BlockView) -> list[Any]:
    """The block's agencies whose rank or tier changed since last year (or that are new),
    in ranking order."""
    if assessment.comparison is None:
        return []
    new = set(assessment.comparison.new_agencies)
    return [
        r
        for r in view.results
        if (r.rank_change not in (None, 0))
        or (r.previous_tier is not None and r.previous_tier != r.tier)
        or (r.agency_id in new)
    ]


def changes_table(
    doc: DocumentObject, assessment: Assessment, views: Sequence[BlockView], lang: str
) -> int:
    """One table of the agencies whose rank or tier changed, block by block; returns how
    many rows it has (0: no table is written)."""
    prev = previous_year(assessment)

    def head(key: str) -> str:
        return t(lang, f"{key}_year", year=prev) if prev else t(lang, key)

    headers = [
        t(lang, "stt"),
        t(lang, "agency"),
        head("previous_rank"),
        t(lang, "rank"),
        t(lang, "change"),
        head("previous_total"),
        t(lang, "total"),
        head("previous_tier"),
        t(lang, "tier"),
    ]
    places = score_places(assessment)
    rows: list[Row] = []
    count = 0
    for view in views:
        changed = rank_changes(assessment, view)
        if not changed:
            continue
        rows.append(Row([(view.label, "left")], span=True))
        for r in changed:
            count += 1
            previous_total = (
                "" if r.previous_total is None else display_points(r.previous_total, places, lang)
            )
            cells = [
                (str(count), "center"),
                (r.name, "left"),
                ("" if r.previous_rank is None else str(r.previous_rank), "center"),
                ("" if r.rank is None else str(r.rank), "center"),
                (change_text(assessment, r, lang), "center"),
                (previous_total, "right"),
                (display_points(r.total, places, lang), "right"),
                (previous_tier_label(assessment, r) or "", "center"),
                (r.tier_label, "center"),
            ]
            rows.append(Row(cells, frozenset({4})))
    if count:
        add_table(doc, headers, rows, wide=1)
    return count
