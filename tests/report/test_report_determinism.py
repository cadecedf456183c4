"""Writing twice gives the same report: bytes for text formats, content for xlsx and docx."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import udcntt
from udcntt.report import write_report


@pytest.mark.parametrize("ext", [".md", ".html", ".csv", ".json"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_text_formats_are_byte_identical(
    small: udcntt.Assessment, tmp_path: Path, ext: str, lang: str
) -> None:
    """Two runs, two files, the same bytes."""
    first, second = tmp_path / f"a{ext}", tmp_path / f"b{ext}"
    write_report(small, first, lang=lang)
    write_report(small, second, lang=lang)
    assert first.read_bytes() == second.read_bytes()


def test_fresh_assessments_give_identical_html(
    small_factory: Callable[[], udcntt.Assessment], tmp_path: Path
) -> None:
    """Scoring again from scratch and writing gives the same page (no hidden state)."""
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    write_report(small_factory(), first)
    write_report(small_factory(), second)
    assert first.read_bytes() == second.read_bytes()


def _xlsx_content(path: Path) -> list[Any]:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(path)
    return [
        (
            ws.title,
            ws.freeze_panes,
            [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()],
        )
        for ws in wb.worksheets
    ]


def _docx_content(path: Path) -> list[Any]:
    docx = pytest.importorskip("docx")
    doc = docx.Document(io.BytesIO(path.read_bytes()))
    return [
        [p.text for p in doc.paragraphs],
        [[c.text for row in t.rows for c in row.cells] for t in doc.tables],
        [(s.orientation, s.page_width) for s in doc.sections],
    ]


def test_xlsx_content_is_identical(small: udcntt.Assessment, tmp_path: Path) -> None:
    """Workbooks carry a save time; everything else is the same."""
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_report(small, first)
    write_report(small, second)
    assert _xlsx_content(first) == _xlsx_content(second)


def test_docx_content_is_identical(small: udcntt.Assessment, tmp_path: Path) -> None:
    """Documents compared by their text, tables and sections."""
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    write_report(small, first)
    write_report(small, second)
    assert _docx_content(first) == _docx_content(second)
