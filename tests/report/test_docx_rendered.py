"""The 2017 example's Word report as LibreOffice prints it (PDF read back with poppler).

Checked on the printed pages: the three ranking tables take four pages or fewer; every page
carries "Trang X/Y"; the headings are heading styles (LibreOffice turns exactly those into
the PDF's bookmarks, with their levels); the document properties reach the PDF; no word of
a table is broken across lines.

"No column is narrower than its longest word" is checked two ways, honestly different:

- on the PDF: every word of every ranking-table cell is printed whole on the table's pages
  (LibreOffice breaks a word only when the column cannot hold it, and the broken word then
  no longer occurs in the page text);
- on the document: each column's width in the table grid against the longest word of each
  of its cells measured with the font file fontconfig gives LibreOffice for Times New Roman
  (Liberation Serif where Microsoft's font is absent: the same advance widths), at the
  cell's size and weight, plus the cell margins.

The PDF and a PNG of the first ranking page are kept in tests/artifacts for a reviewer.
Skipped with a reason when LibreOffice or poppler is not installed (``.ci/run`` installs
both; ``fonts-liberation2`` gives the Vietnamese letters Times New Roman's metrics).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.rendered import outline, page_png, page_texts, pdf_info, to_pdf

import udcntt

docx = pytest.importorskip("docx")

from docx.oxml.ns import qn  # noqa: E402

from udcntt.report import assessment_to_docx  # noqa: E402
from udcntt.report._docx_charts import chart_font  # noqa: E402
from udcntt.report._docx_grid import CELL_MARGIN  # noqa: E402
from udcntt.report._tables import block_views, ranking_headers  # noqa: E402

pytestmark = pytest.mark.timeout(600)

RANKING = "I. KẾT QUẢ XẾP HẠNG"
DETAIL = "II. CHI TIẾT ĐIỂM THEO NHÓM TIÊU CHÍ"


@pytest.fixture(scope="module")
def printed(
    lam_dong: udcntt.Assessment, tmp_path_factory: pytest.TempPathFactory, artifacts: Path
) -> dict[str, Any]:
    """The document, its PDF, page texts, outline and information."""
    folder = tmp_path_factory.mktemp("docx-rendered")
    data = assessment_to_docx(lam_dong)
    path = folder / "lam-dong-2017.docx"
    path.write_bytes(data)
    pdf = to_pdf(path)
    marks = outline(pdf)
    first = next(page for page, _, title in marks if title == RANKING)
    shutil.copy(pdf, artifacts / "lam-dong-2017-docx.pdf")
    shutil.copy(page_png(pdf, first), artifacts / "lam-dong-2017-docx-ranking.png")
    return {
        "doc": docx.Document(io.BytesIO(data)),
        "texts": page_texts(pdf),
        "outline": marks,
        "info": pdf_info(pdf),
    }


def _ranking_pages(printed: dict[str, Any]) -> range:
    marks = printed["outline"]
    first = next(page for page, _, title in marks if title == RANKING)
    after = next(page for page, _, title in marks if title == DETAIL)
    return range(first, after)


def test_ranking_tables_take_at_most_four_pages(
    printed: dict[str, Any], lam_dong: udcntt.Assessment
) -> None:
    """The issue's bar: the three ranking tables (43 agencies) print on four pages or fewer,
    and every agency is on them."""
    pages = _ranking_pages(printed)
    assert len(pages) <= 4, f"ranking tables on pages {list(pages)}"
    text = " ".join(" ".join(printed["texts"][p - 1].split()) for p in pages)
    for result in lam_dong.results:
        assert " ".join(result.name.split()) in text or all(
            w in text for w in result.name.split()
        ), result.name


def test_every_page_has_its_number(printed: dict[str, Any]) -> None:
    """The last line of every page is 'Trang X/Y' with the right X and Y."""
    texts = printed["texts"]
    assert int(printed["info"]["Pages"]) == len(texts)
    for number, text in enumerate(texts, start=1):
        last = [line.strip() for line in text.splitlines() if line.strip()][-1]
        assert last == f"Trang {number}/{len(texts)}"


def test_headings_are_heading_styles(printed: dict[str, Any]) -> None:
    """LibreOffice builds the PDF's bookmarks from heading styles: they are exactly the
    report's sections (level 1) and blocks (level 2), in order."""
    blocks = ["1. Khối các sở, ban, ngành", "2. Khối các cơ quan, đơn vị khác"]
    blocks.append("3. Khối UBND các huyện, thành phố")
    expected = [
        (1, "I. TỔNG HỢP, NHẬN XÉT KẾT QUẢ ĐÁNH GIÁ"),
        (1, "II. PHƯƠNG PHÁP ĐÁNH GIÁ"),
        (1, RANKING),
        *((2, b) for b in blocks),
        (1, DETAIL),
        *((2, b) for b in blocks),
        (1, "III. SỐ LIỆU TỔNG HỢP TOÀN TỈNH"),
        (1, "IV. DANH SÁCH ĐƠN VỊ THAY ĐỔI THỨ HẠNG, XẾP LOẠI"),
    ]
    if chart_font() is not None:
        expected += [(1, "V. BIỂU ĐỒ"), *((2, b) for b in blocks)]
        expected.append((2, "4. Bình quân các khối theo nhóm tiêu chí"))
    assert [(level, title) for _, level, title in printed["outline"]] == expected
    pages = [page for page, _, _ in printed["outline"]]
    assert pages == sorted(pages)


def test_document_properties_reach_the_pdf(printed: dict[str, Any]) -> None:
    """Title with the year, the rule set as subject, udcntt as author."""
    info = printed["info"]
    assert (
        info["Title"] == "Kết quả đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin năm 2017"
    )
    assert info["Subject"].startswith("Bộ tiêu chí đánh giá, xếp hạng mức độ ứng dụng CNTT")
    assert info["Author"] == "udcntt"


def test_no_word_of_a_ranking_table_is_broken(
    printed: dict[str, Any], lam_dong: udcntt.Assessment
) -> None:
    """Every word of every ranking-table cell (headings, names, numbers) is printed whole
    on the tables' pages."""
    pages = _ranking_pages(printed)
    text = "\n".join(printed["texts"][p - 1] for p in pages)
    words: set[str] = set()
    for view in block_views(lam_dong):
        for heading in ranking_headers(lam_dong, view, "vi"):
            words.update(heading.split())
        for result in view.results:
            words.update(result.name.split())
    missing = sorted(w for w in words if w not in text)
    assert not missing, f"words printed broken: {missing}"


def _font(bold: bool) -> Any:
    image_font = pytest.importorskip("PIL.ImageFont", reason="Pillow measures the font")
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        pytest.skip("fontconfig's fc-match is not installed: the rendering font is unknown")
    pattern = "Times New Roman:bold" if bold else "Times New Roman"
    found = subprocess.run(
        [fc_match, "-f", "%{file}", pattern], capture_output=True, text=True, check=False
    ).stdout.strip()
    if not found:
        pytest.skip("fontconfig finds no font for Times New Roman")
    return image_font.truetype(found, 1100)  # 11 pt in hundredths of a point


def test_no_column_narrower_than_its_longest_word(printed: dict[str, Any]) -> None:
    """Each word of each table cell, measured with the rendering font at 11 pt, fits the
    cell's grid width minus its margins."""
    fonts = {False: _font(False), True: _font(True)}
    problems = []
    for number, table in enumerate(printed["doc"].tables, start=1):
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        for tr in table._tbl.tr_lst:
            at = 0
            for tc in tr.tc_lst:
                room = sum(grid[at : at + tc.grid_span]) - 2 * CELL_MARGIN
                at += tc.grid_span
                for r in tc.iter(qn("w:r")):
                    bold = r.find(qn("w:rPr") + "/" + qn("w:b")) is not None
                    text = "".join(t.text or "" for t in r.iter(qn("w:t")))
                    for word in re.split(r"\s+", text.strip()):
                        # getlength at 1100 units = 11 pt in 1/100 pt; twips are 1/20 pt.
                        width = fonts[bold].getlength(word) / 100 * 20
                        if width > room:
                            problems.append((number, word, round(width), room))
    assert not problems, problems
