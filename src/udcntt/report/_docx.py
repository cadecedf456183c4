"""The annex a Quyết định attaches, and the narrative section, as a Word document.

Vietnamese administrative conventions (Nghị định 30/2020/NĐ-CP): Times New Roman, 13–14 pt
body, centred bold upper-case titles, an italic "(Kèm theo Quyết định số …)" line under the
annex title, A4 with a 3 cm left margin, decimal comma in numbers. The annex is landscape
(the ranking tables are wide), the narrative portrait. Table header rows repeat on every
page. Survey text is written as plain runs: Word has no formulas in text, and nothing here
creates fields or hyperlinks.

Needs the optional dependency ``python-docx`` (``pip install 'udcntt[docx]'``).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from udcntt._words import heading
from udcntt.errors import UsageError, msg
from udcntt.evaluation import Assessment
from udcntt.report._format import check_lang, fmt_number
from udcntt.report._i18n import t
from udcntt.report._method import methodology
from udcntt.report._narrative import narrative_paragraphs
from udcntt.report._tables import (
    BlockView,
    block_views,
    change_text,
    display_points,
    has_labels,
    label_text,
    ranking_headers,
    score_places,
)

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

__all__ = ["assessment_to_docx"]

_FONT = "Times New Roman"
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _require_docx() -> None:
    try:
        import docx  # noqa: F401 - optional dependency
    except ImportError:
        raise UsageError(
            msg(
                "writing .{format} reports needs the optional dependency {package}",
                format="docx",
                package="python-docx",
            ),
            code="E-USAGE",
            hint="pip install 'udcntt[docx]'",
        ) from None


def _roman(n: int) -> str:
    return _ROMAN[n - 1] if 0 < n <= len(_ROMAN) else str(n)


def _set_font(style: Any, size: float) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style.font.name = _FONT
    style.font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), _FONT)


def _paragraph(
    doc: DocumentObject,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    center: bool = False,
    justify: bool = False,
    indent: bool = False,
    after: float = 6,
) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    run.italic = italic
    if size:
        run.font.size = Pt(size)
    fmt = p.paragraph_format
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(0)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif justify:
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        fmt.first_line_indent = Cm(1)


def _method_line(doc: DocumentObject, label: str, text: str) -> None:
    from docx.shared import Pt

    p = doc.add_paragraph()
    p.add_run(f"{label}: ").bold = True
    p.add_run(text)
    p.paragraph_format.space_after = Pt(3)


def _cell(
    cell: Any, text: str, *, bold: bool = False, align: str = "left", size: float = 12
) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    cell.text = ""
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    p.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    p.paragraph_format.space_after = Pt(0)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _repeat_header(row: Any) -> None:
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    header = trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"})
    trpr.append(header)


def _block_table(doc: DocumentObject, assessment: Assessment, view: BlockView, lang: str) -> None:
    from docx.shared import Cm

    places = score_places(assessment)
    has_changes = assessment.comparison is not None
    headers = ranking_headers(assessment, view, lang)
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    size = 11 if len(view.groups) > 4 else 12
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, text, bold=True, align="center", size=size)
    _repeat_header(table.rows[0])
    for stt, r in enumerate(view.results, start=1):
        cells = table.add_row().cells
        values: list[tuple[str, str]] = [
            (str(stt), "center"),
            (r.name, "left"),
            *(
                (
                    display_points(
                        r.criteria[g.id].points if g.id in r.criteria else None, places, lang
                    ),
                    "right",
                )
                for g in view.groups
            ),
            (fmt_number(r.total, lang=lang, places=places), "right"),
            (r.tier_label, "center"),
            ("" if r.rank is None else str(r.rank), "center"),
        ]
        if has_changes:
            values.append(("" if r.previous_rank is None else str(r.previous_rank), "center"))
            values.append((change_text(assessment, r, lang), "center"))
            if has_labels(assessment):
                values.append((label_text(r, lang), "center"))
        for index, (cell, (text, align)) in enumerate(zip(cells, values, strict=True)):
            _cell(cell, text, align=align, size=size, bold=index == len(view.groups) + 2)
    # Landscape A4 minus margins leaves about 24.7 cm.
    fixed = {0: 1.2, 1: 6.5}
    rest = (24.7 - sum(fixed.values())) / max(1, len(headers) - 2)
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            cell.width = Cm(fixed.get(index, rest))


def assessment_to_docx(assessment: Assessment, *, lang: str = "vi") -> bytes:
    """The annex (ranking tables by block) and the narrative, as ``.docx`` bytes.

    Raises:
        UsageError: when python-docx is not installed, or ``lang`` is unknown.
    """
    check_lang(lang)
    _require_docx()
    from docx import Document
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm, Pt

    doc = Document()
    _set_font(doc.styles["Normal"], 13)
    doc.styles["Normal"].paragraph_format.space_after = Pt(6)
    props = doc.core_properties
    props.author = "udcntt"
    props.title = assessment.title
    props.comments = ""

    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)

    method = methodology(assessment)
    year = assessment.year
    title = t(lang, "report_title_year", year=year) if year else t(lang, "report_title")
    _paragraph(doc, t(lang, "annex").upper(), bold=True, size=14, center=True, after=0)
    _paragraph(doc, heading(title, lang), bold=True, size=14, center=True, after=0)
    _paragraph(doc, t(lang, "annex_attached"), italic=True, center=True, after=12)
    if assessment.title:
        _paragraph(
            doc, t(lang, "by_rules", title=assessment.title), italic=True, center=True, after=12
        )
    for number, view in enumerate(block_views(assessment), start=1):
        label = heading(view.label, lang)
        _paragraph(doc, f"{_roman(number)}. {label}", bold=True, after=6)
        _block_table(doc, assessment, view, lang)
        counts = view.tier_counts(list(assessment.tier_labels))
        summary = "; ".join(
            f"{label}: {counts.get(tid, 0)}" for tid, label in assessment.tier_labels.items()
        )
        _paragraph(doc, f"{t(lang, 'summary_tiers')}: {summary}.", italic=True, size=12, after=12)
    note = method.totals.note(lang)
    if note is not None:
        _paragraph(doc, note[:1].upper() + note[1:] + ".", italic=True, size=12, after=12)

    portrait = doc.add_section(WD_SECTION.NEW_PAGE)
    portrait.orientation = WD_ORIENT.PORTRAIT
    portrait.page_width, portrait.page_height = Cm(21.0), Cm(29.7)
    portrait.left_margin, portrait.right_margin = Cm(3.0), Cm(2.0)
    portrait.top_margin, portrait.bottom_margin = Cm(2.0), Cm(2.0)
    _paragraph(
        doc,
        heading(t(lang, "narrative_title"), lang),
        bold=True,
        size=14,
        center=True,
        after=12,
    )
    for paragraph in narrative_paragraphs(assessment, lang=lang):
        _paragraph(doc, paragraph, justify=True, indent=True, size=14)
    _paragraph(doc, heading(t(lang, "method.title"), lang), bold=True, size=14, after=6)
    for label, text in method.lines(lang):
        _method_line(doc, label, text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
