"""The annex and narrative as a Word document, reopened with python-docx."""

from __future__ import annotations

import io
from typing import Any

import pytest

import udcntt

docx = pytest.importorskip("docx")

from udcntt.report import assessment_to_docx, narrative_paragraphs  # noqa: E402


def _open(assessment: udcntt.Assessment, lang: str = "vi") -> Any:
    return docx.Document(io.BytesIO(assessment_to_docx(assessment, lang=lang)))


def _table_rows(table: Any) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_annex_titles(small: udcntt.Assessment) -> None:
    """Centred bold upper-case titles and the '(Kèm theo Quyết định …)' line."""
    doc = _open(small)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "PHỤ LỤC"
    assert texts[1] == "KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG MỨC ĐỘ ỨNG DỤNG CÔNG NGHỆ THÔNG TIN NĂM 2017"
    assert texts[2].startswith("(Kèm theo Quyết định số")
    assert "I. KHỐI SỞ, BAN, NGÀNH" in texts
    assert "II. KHỐI UBND HUYỆN" in texts
    first = doc.paragraphs[0]
    assert first.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    assert first.runs[0].bold is True


def test_one_table_per_block(small: udcntt.Assessment) -> None:
    """Ranking tables with decimal commas and signed rank changes; header rows repeat."""
    doc = _open(small)
    assert len(doc.tables) == 2
    so, huyen = (_table_rows(t) for t in doc.tables)
    assert so[0] == [
        "STT",
        "Đơn vị",
        "Hạ tầng (40)",
        "Chỉ đạo điều hành (40)",
        "Tổng điểm",
        "Xếp loại",
        "Thứ hạng",
        "Thứ hạng năm 2016",
        "Tăng/giảm bậc",
    ]
    assert so[1] == ["1", "Sở Tài chính", "40,00", "40,00", "80,00", "Tốt", "1", "3", "+2"]
    assert so[2][-1] == "\u22121"
    assert len(so) == 5
    assert huyen[1][:6] == ["1", "UBND TP Đà Lạt", "40,00", "40,00", "20,00", "100,00"]
    header_xml = doc.tables[0].rows[0]._tr.xml
    assert "w:tblHeader" in header_xml


def test_typography(small: udcntt.Assessment) -> None:
    """Times New Roman 13 pt body, A4 landscape annex, portrait narrative section."""
    doc = _open(small)
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 13
    annex, text = doc.sections
    assert annex.orientation == docx.enum.section.WD_ORIENT.LANDSCAPE
    assert round(annex.page_width.cm, 1) == 29.7
    assert text.orientation == docx.enum.section.WD_ORIENT.PORTRAIT
    assert round(annex.left_margin.cm, 1) == 3.0


def test_narrative_section(small: udcntt.Assessment) -> None:
    """The narrative follows the annex, paragraph for paragraph, justified."""
    doc = _open(small)
    texts = [p.text for p in doc.paragraphs]
    start = texts.index("TỔNG HỢP, NHẬN XÉT KẾT QUẢ ĐÁNH GIÁ")
    expected = narrative_paragraphs(small)
    assert texts[start + 1 : start + 1 + len(expected)] == expected
    body = doc.paragraphs[start + 1]
    assert body.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.JUSTIFY


def test_lam_dong_annex(lam_dong: udcntt.Assessment) -> None:
    """Three blocks, 20 + 11 + 12 agencies; the cơ quan khác table has no group 5."""
    doc = _open(lam_dong)
    tables = [_table_rows(t) for t in doc.tables]
    assert [len(t) - 1 for t in tables] == [20, 11, 12]
    assert not any(h.startswith("5.") for h in tables[1][0])
    assert any(h.startswith("6.") for h in tables[2][0])
    assert tables[0][1][1] == "Sở Tài chính"


def test_english_document(small: udcntt.Assessment) -> None:
    """lang='en': English frame, decimal points."""
    doc = _open(small, lang="en")
    assert doc.paragraphs[0].text == "ANNEX"
    assert _table_rows(doc.tables[0])[1][4] == "80.00"
