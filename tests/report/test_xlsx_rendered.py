"""The 2017 example's workbook as LibreOffice prints it (PDF read back with poppler).

Each agency's score sheet is one page; every page carries its number; the ratio texts of
the province sheet ("1.383/1.469") are printed whole — none runs into a cell border, which
is where LibreOffice and Excel cut a text too wide for its cell. The PDF and a PNG of the
first score sheet are kept in tests/artifacts for a reviewer to look at.

Skipped with a reason when LibreOffice or poppler is not installed (``.ci/run`` installs
both).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.rendered import PDFTOPPM, PDFTOTEXT, page_count, page_png, page_texts, to_pdf

import udcntt

openpyxl = pytest.importorskip("openpyxl")

from udcntt.report import assessment_to_xlsx  # noqa: E402

pytestmark = pytest.mark.timeout(600)

_RATIO = re.compile(r"^\d[\d.]*/\d[\d.]*$")
_SCORE_TITLE = "PHIẾU ĐIỂM ĐÁNH GIÁ MỨC ĐỘ ỨNG DỤNG CNTT NĂM 2017"


@pytest.fixture(scope="module")
def printed(
    lam_dong: udcntt.Assessment, tmp_path_factory: pytest.TempPathFactory, artifacts: Path
) -> dict[str, Any]:
    """The workbook, its PDF, page texts and the ratio texts of the province sheet."""
    folder = tmp_path_factory.mktemp("xlsx-rendered")
    data = assessment_to_xlsx(lam_dong)
    book = folder / "lam-dong-2017.xlsx"
    book.write_bytes(data)
    pdf = to_pdf(book)
    texts = page_texts(pdf)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ratios = sorted(
        {
            v
            for row in wb["Số liệu toàn tỉnh"].iter_rows(values_only=True)
            for v in row
            if isinstance(v, str) and _RATIO.match(v)
        }
    )
    shutil.copy(pdf, artifacts / "lam-dong-2017-xlsx.pdf")
    return {"pdf": pdf, "texts": texts, "ratios": ratios, "sheets": wb.sheetnames}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_each_agency_sheet_is_one_page(
    printed: dict[str, Any], lam_dong: udcntt.Assessment, artifacts: Path
) -> None:
    """43 agencies, 43 score-sheet pages: each starts with the title and the agency's name
    and ends with its list of lost points, on the same page."""
    from udcntt.report._tables import block_views

    names = [r.name for view in block_views(lam_dong) for r in view.results]
    pages = [
        (number, _lines(text))
        for number, text in enumerate(printed["texts"], start=1)
        if _SCORE_TITLE in text
    ]
    assert [lines[1] for _, lines in pages] == names
    for _, lines in pages:
        assert "Các tiêu chí bị mất điểm (nhiều nhất trước)" in lines
    first = pages[0][0]
    png = page_png(printed["pdf"], first)
    shutil.copy(png, artifacts / "lam-dong-2017-xlsx-score-sheet.png")


def test_every_page_has_its_number(printed: dict[str, Any]) -> None:
    """'Trang 7/50' at the foot of page 7 of 50, on every page."""
    total = page_count(printed["pdf"])
    assert total == len(printed["texts"])
    for number, text in enumerate(printed["texts"], start=1):
        assert _lines(text)[-1] == f"Trang {number}/{total}", number


def test_ratio_texts_are_printed_whole(printed: dict[str, Any]) -> None:
    """Every 'part/whole' text of the province sheet is in the PDF as a word of its own,
    and no cell border runs through it (a clipped text is cut at its cell's border)."""
    words = {w for text in printed["texts"] for w in text.split()}
    ratios = printed["ratios"]
    assert len(ratios) > 30
    assert "120/129" in ratios and "176.182/260.440" in ratios
    missing = [r for r in ratios if r not in words]
    assert not missing
    crossed = _crossed_by_borders(printed["pdf"], set(ratios))
    assert not crossed


def _crossed_by_borders(pdf: Path, wanted: set[str]) -> list[tuple[int, str]]:
    """``(page, word)`` for each of the ``wanted`` words that a vertical line crosses: a
    column of pixels inside the word's box dark from its top to its bottom."""
    if PDFTOPPM is None or PDFTOTEXT is None:
        pytest.skip("poppler-utils is not installed; not rendered")
    dpi = 150
    scale = dpi / 72
    boxes = subprocess.run(
        [PDFTOTEXT, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    crossed: list[tuple[int, str]] = []
    for number, page in enumerate(boxes.split("<page ")[1:], start=1):
        found = [
            (m.group(5), [float(v) * scale for v in m.groups()[:4]])
            for m in re.finditer(
                r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', page
            )
            if "/" in m.group(5)
        ]
        if not found:
            continue
        width, pixels = _gray_page(pdf, number, dpi)
        for word, (x0, y0, x1, y1) in found:
            if word not in wanted and not any(w in word for w in wanted):
                continue
            rows = range(int(y0) + 1, int(y1))
            for x in range(int(x0) + 1, int(x1)):
                dark = sum(pixels[y * width + x] < 200 for y in rows)
                if dark >= 0.95 * len(rows):
                    crossed.append((number, word))
                    break
    return crossed


def _gray_page(pdf: Path, number: int, dpi: int) -> tuple[int, bytes]:
    """Page ``number`` rendered in grey levels: its width and one byte per pixel (PGM)."""
    assert PDFTOPPM is not None
    out = subprocess.run(
        [PDFTOPPM, "-r", str(dpi), "-gray", "-f", str(number), "-l", str(number), str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    head = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", out)
    assert head is not None, "pdftoppm wrote no PGM image"
    return int(head.group(1)), out[head.end() :]


def test_shared_score_sheet_prints_a_page_per_agency(
    small: udcntt.Assessment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the per-agency limit the score sheets share one sheet: printed, each agency's
    section is one page, all six columns across it."""
    monkeypatch.setattr("udcntt.report._xlsx.MAX_AGENCY_SHEETS", 3)
    book = tmp_path / "shared.xlsx"
    book.write_bytes(assessment_to_xlsx(small))
    texts = page_texts(to_pdf(book))
    pages = [_lines(text) for text in texts if "PHIẾU ĐIỂM" in text]
    assert len(pages) == len(small.results)
    for lines in pages:
        assert any(line.startswith("Mã") and line.endswith("Ghi chú") for line in lines)
        assert "Các tiêu chí bị mất điểm (nhiều nhất trước)" in lines
