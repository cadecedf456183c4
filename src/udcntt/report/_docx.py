"""The report as a Word document a province can issue: the narrative first, the annex of
tables after it.

Vietnamese administrative conventions (Nghị định 30/2020/NĐ-CP): Times New Roman, 13 pt
body, A4 with a 3 cm left margin, headings numbered I, II, … and 1, 2, …, decimal comma in
numbers. The text is portrait: optional front matter (:mod:`udcntt.report._docx_front`),
"Tổng hợp, nhận xét kết quả đánh giá", "Phương pháp đánh giá", and with the front matter
"Kiến nghị", "Nơi nhận" and the signature block. The annex is landscape: the title and the
"(Kèm theo …)" line, then I. the ranking table of each block, II. the points by criterion of
each block, III. the province figures, IV. the agencies whose rank or tier changed
(:mod:`udcntt.report._docx_tables`) and V. charts drawn as images
(:mod:`udcntt.report._docx_charts`). Each part of the annex starts a page; header rows
repeat on every page; headings are ``Heading 1`` / ``Heading 2`` and keep with what follows;
every page has "Trang X/Y" in its footer (:mod:`udcntt.report._docx_style`).

Survey text is written as plain runs: the only fields are the page numbers, and nothing
creates hyperlinks. The bytes are reproducible (fixed dates, see
:func:`~udcntt.report._docx_style.fixed_time`).

Needs the optional dependency ``python-docx`` (``pip install 'udcntt[docx]'``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from udcntt._words import heading
from udcntt.errors import UsageError, msg
from udcntt.evaluation import Assessment
from udcntt.report._docx_charts import chart_font, rank_slope_png, split_bars_png
from udcntt.report._docx_charts_more import distribution_png, group_means_png, strengths_png
from udcntt.report._docx_front import FrontMatter, front_header, signature_block
from udcntt.report._docx_style import (
    clean_package,
    fixed_time,
    page_number_footer,
    reproducible_zip,
    setup_styles,
)
from udcntt.report._docx_tables import (
    changes_table,
    detail_table,
    figures_tables,
    ranking_table,
)
from udcntt.report._format import check_lang
from udcntt.report._i18n import t
from udcntt.report._method import methodology
from udcntt.report._narrative import narrative_paragraphs
from udcntt.report._tables import BlockView, block_views, previous_year, tier_changes_line

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject

__all__ = ["FrontMatter", "assessment_to_docx", "write_docx"]

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


def _front(front_matter: FrontMatter | Mapping[str, Any] | bool | None) -> FrontMatter | None:
    if front_matter is None or front_matter is False:
        return None
    if front_matter is True:
        return FrontMatter()
    if isinstance(front_matter, FrontMatter):
        return front_matter
    if isinstance(front_matter, Mapping):
        return FrontMatter.from_mapping(front_matter)
    raise UsageError(
        msg("front_matter must be a FrontMatter, a mapping or True, not {kind}",
            kind=type(front_matter).__name__),
        code="E-FRONT-MATTER",
    )  # fmt: skip


def _page(section: Any, *, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = Cm(29.7), Cm(21.0)
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.footer_distance = Cm(1.0)


def _text(
    doc: DocumentObject,
    text: str,
    *,
    italic: bool = False,
    center: bool = False,
    justify: bool = False,
    after: float | None = None,
) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    p = doc.add_paragraph()
    run = p.add_run(text)
    if italic:
        run.italic = True
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif justify:
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        p.paragraph_format.first_line_indent = Cm(1)
    if after is not None:
        p.paragraph_format.space_after = Pt(after)
    return p


def _heading(doc: DocumentObject, text: str, level: int, *, new_page: bool = False) -> Any:
    p = doc.add_paragraph(text, style=f"Heading {level}")
    if new_page:
        p.paragraph_format.page_break_before = True
    return p


def _text_part(
    doc: DocumentObject, assessment: Assessment, lang: str, front: FrontMatter | None
) -> None:
    """The portrait part: title or front matter, narrative, method, recommendations."""
    from docx.shared import Pt

    year = assessment.year
    title = t(lang, "report_title_year", year=year) if year else t(lang, "report_title")
    if front is not None:
        front_header(doc, front, title, lang)
    else:
        doc.add_paragraph(heading(title, lang), style="Title")
    if assessment.title:
        _text(doc, t(lang, "by_rules", title=assessment.title), italic=True, center=True, after=12)
    number = 0
    number += 1
    _heading(doc, f"{_roman(number)}. {heading(t(lang, 'narrative_title'), lang)}", 1)
    for paragraph in narrative_paragraphs(assessment, lang=lang):
        _text(doc, paragraph, justify=True)
    number += 1
    _heading(doc, f"{_roman(number)}. {heading(t(lang, 'method.title'), lang)}", 1)
    for label, text in methodology(assessment).lines(lang):
        p = doc.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(text)
        p.paragraph_format.space_after = Pt(3)
    if front is None:
        return
    number += 1
    _heading(doc, f"{_roman(number)}. {heading(t(lang, 'docx.recommendations'), lang)}", 1)
    for paragraph in front.recommendations or (t(lang, "docx.recommendations_blank"),):
        last = _text(doc, paragraph, justify=True, italic=not front.recommendations)
    # The signature never stands alone on a page: the last paragraph goes with it.
    last.paragraph_format.keep_with_next = True
    last.paragraph_format.space_after = Pt(12)
    signature_block(doc, front, lang)


def _annex(
    doc: DocumentObject, assessment: Assessment, lang: str, front: FrontMatter | None
) -> None:
    """The landscape annex: title, then the four parts, each from a new page."""
    year = assessment.year
    title = t(lang, "report_title_year", year=year) if year else t(lang, "report_title")
    doc.add_paragraph(heading(t(lang, "annex"), lang), style="Title")
    doc.add_paragraph(heading(title, lang), style="Title")
    attached = (
        t(lang, "docx.annex_attached_report", number=front.number_text(lang))
        if front is not None
        else t(lang, "annex_attached")
    )
    _text(doc, attached, italic=True, center=True, after=6)
    views = block_views(assessment)
    part = 1
    _heading(doc, f"{_roman(part)}. {heading(t(lang, 'docx.annex_ranking'), lang)}", 1)
    for number, view in enumerate(views, start=1):
        _heading(doc, f"{number}. {view.label}", 2)
        ranking_table(doc, assessment, view, lang)
        counts = view.tier_counts(list(assessment.tier_labels))
        summary = "; ".join(
            f"{label}: {counts.get(tid, 0)}" for tid, label in assessment.tier_labels.items()
        )
        _text(doc, f"{t(lang, 'summary_tiers')}: {summary}.", italic=True, after=0)
        changes = tier_changes_line(assessment, view, lang)
        if changes is not None:
            _text(doc, f"{changes}.", italic=True, after=0)
    note = methodology(assessment).totals.note(lang)
    if note is not None:
        _text(doc, note[:1].upper() + note[1:] + ".", italic=True, after=0)
    part += 1
    _heading(
        doc, f"{_roman(part)}. {heading(t(lang, 'docx.annex_detail'), lang)}", 1, new_page=True
    )
    for number, view in enumerate(views, start=1):
        _heading(doc, f"{number}. {view.label}", 2)
        detail_table(doc, assessment, view, lang)
        _text(doc, t(lang, "docx.detail_note", n=len(view.results)), italic=True, after=0)
    part += 1
    figures_at = _heading(
        doc, f"{_roman(part)}. {heading(t(lang, 'docx.annex_figures'), lang)}", 1, new_page=True
    )
    if not figures_tables(doc, assessment, lang):
        figures_at._p.getparent().remove(figures_at._p)
        part -= 1
    if assessment.comparison is not None:
        part += 1
        _heading(doc, f"{_roman(part)}. {heading(t(lang, 'docx.annex_changes'), lang)}", 1,
                 new_page=True)  # fmt: skip
        if changes_table(doc, assessment, views, lang) == 0:
            _text(doc, t(lang, "docx.no_rank_changes"), italic=True)
    if chart_font() is not None:
        _charts_part(doc, assessment, views, lang, part + 1)


def _picture(doc: DocumentObject, png: bytes, caption: str, descr: str | None = None) -> None:
    """An image the width of the landscape text, described for screen readers by
    ``descr`` (default: its caption), with the caption under it."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm

    doc.add_picture(io.BytesIO(png), width=Cm(24.7))
    picture = doc.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True
    for props in picture._p.iter(qn("wp:docPr")):
        props.set("descr", descr or caption)
    _text(doc, caption, italic=True, center=True)


def _charts_part(
    doc: DocumentObject, assessment: Assessment, views: list[BlockView], lang: str, part: int
) -> None:
    """Each block's totals split by group, its ranks last year and this year, the
    distribution of its totals and its agencies' strengths and weaknesses; then the block
    means by criteria group."""
    _heading(doc, f"{_roman(part)}. {heading(t(lang, 'docx.annex_charts'), lang)}", 1,
             new_page=True)  # fmt: skip
    year = assessment.year
    prev = previous_year(assessment)
    years = (
        (str(prev), str(year))
        if prev and year
        else (t(lang, "docx.previous_year"), t(lang, "docx.this_year"))
    )
    for number, view in enumerate(views, start=1):
        _heading(doc, f"{number}. {view.label}", 2)
        _picture(doc, split_bars_png(assessment, view, lang), t(lang, "docx.chart_split"))
        slope = rank_slope_png(assessment, view, lang, years)
        if slope is not None:
            _picture(doc, slope, t(lang, "docx.chart_slope", before=years[0], after=years[1]))
        for drawn in (distribution_png(assessment, view, lang), strengths_png(view, lang)):
            if drawn is not None:
                _picture(doc, *drawn)
    means = group_means_png(views, lang)
    if means is not None:
        _heading(doc, f"{len(views) + 1}. {t(lang, 'docx.chart_group_means_title')}", 2)
        _picture(doc, *means)


def assessment_to_docx(
    assessment: Assessment,
    *,
    lang: str = "vi",
    front_matter: FrontMatter | Mapping[str, Any] | bool | None = None,
) -> bytes:
    """The report (narrative, methodology, annex of tables) as ``.docx`` bytes.

    Args:
        assessment: what :func:`udcntt.evaluate` returned (or a results file read back).
        lang: ``"vi"`` or ``"en"``: the words, the number format and the proofing language.
        front_matter: the front matter of an official text (:class:`FrontMatter`, a mapping
            of its fields, or ``True`` for blanks to fill in by hand); ``None`` for none.

    Raises:
        UsageError: when python-docx is not installed, ``lang`` is unknown, or
            (``E-FRONT-MATTER``) ``front_matter`` is not a front matter.
    """
    check_lang(lang)
    _require_docx()
    front = _front(front_matter)
    from docx import Document
    from docx.enum.section import WD_SECTION

    doc = Document()
    setup_styles(doc, lang)
    _page(doc.sections[0], landscape=False)
    page_number_footer(doc.sections[0], lang)
    _text_part(doc, assessment, lang, front)
    _page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=True)
    _annex(doc, assessment, lang, front)
    year = assessment.year
    when = fixed_time(year)
    title = t(lang, "report_title_year", year=year) if year else t(lang, "report_title")
    clean_package(
        doc,
        title=title,
        subject=assessment.title or t(lang, "docx.subject"),
        author=(front.issuer if front is not None and front.issuer else "udcntt"),
        keywords="; ".join(x for x in (assessment.rules_id, str(year or "")) if x),
        lang=lang,
        when=when,
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    return reproducible_zip(buffer.getvalue(), when)


def write_docx(
    assessment: Assessment,
    path: str | Path,
    *,
    lang: str = "vi",
    front_matter: FrontMatter | Mapping[str, Any] | bool | None = None,
) -> None:
    """Write the Word report to ``path`` atomically, with the front matter when given
    (:func:`assessment_to_docx`; :func:`~udcntt.report.write_report` writes it without).

    Raises:
        UsageError: as :func:`assessment_to_docx`; ``E-IO`` when the file cannot be written.
    """
    from udcntt.report._dispatch import check_output_folder, write_atomic

    check_output_folder(path)
    write_atomic(path, assessment_to_docx(assessment, lang=lang, front_matter=front_matter))
