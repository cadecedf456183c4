"""A survey cell '=HYPERLINK("http://x","y")' is inert text in every output."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

import udcntt
from udcntt.report import available_formats, write_report

INJECTED = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def outputs(small: udcntt.Assessment, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("inert")
    paths = {}
    for ext in available_formats():
        paths[ext] = folder / f"report{ext}"
        write_report(small, paths[ext])
    return paths


def test_every_format_is_covered(outputs: dict[str, Path]) -> None:
    """The check runs on all six formats."""
    assert set(outputs) == {".json", ".csv", ".md", ".xlsx", ".docx", ".html"}


def test_xlsx_cells_are_strings_not_formulas(outputs: dict[str, Path]) -> None:
    """Every cell holding the name is a string starting with "'", never a formula."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(outputs[".xlsx"])
    found = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and "HYPERLINK" in cell.value:
                    found += 1
                    assert cell.data_type == "s"
                    assert not cell.value.startswith(("=", "+", "-", "@"))
                    assert cell.value.startswith("'")
    assert found >= 2  # the block table and the agency's score sheet
    with zipfile.ZipFile(outputs[".xlsx"]) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode("utf-8"), name


def test_csv_cells_are_neutralised(outputs: dict[str, Path]) -> None:
    """The CSV name column carries the same "'" prefix."""
    rows = list(csv.reader(io.StringIO(outputs[".csv"].read_text(encoding="utf-8"))))
    names = [r[1] for r in rows[1:]]
    assert "'" + INJECTED in names

    def is_number(cell: str) -> bool:
        try:
            float(cell)
        except ValueError:
            return False
        return True

    texts = [cell for r in rows for cell in r if cell and not is_number(cell)]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in texts)


def test_json_keeps_the_text_as_data(outputs: dict[str, Path]) -> None:
    """JSON is data, not a spreadsheet: the name is kept exactly, as a string."""
    data = json.loads(outputs[".json"].read_text(encoding="utf-8"))
    assert INJECTED in [r["name"] for r in data["results"]]


def test_markdown_has_no_link(outputs: dict[str, Path]) -> None:
    """Markdown shows the text; no link syntax can form around it."""
    text = outputs[".md"].read_text(encoding="utf-8")
    assert INJECTED in text
    assert not re.search(r"\]\(http", text)
    assert "<http" not in text


def test_docx_has_no_field_or_hyperlink(outputs: dict[str, Path]) -> None:
    """Word gets a plain run: no field codes, no hyperlink relationships."""
    docx = pytest.importorskip("docx")
    doc = docx.Document(str(outputs[".docx"]))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert INJECTED in cells
    with zipfile.ZipFile(outputs[".docx"]) as z:
        body = z.read("word/document.xml").decode("utf-8")
        rels = z.read("word/_rels/document.xml.rels").decode("utf-8")
    for marker in ("w:fldSimple", "w:instrText", "w:hyperlink"):
        assert marker not in body
    assert "http://x" not in rels


def test_html_escapes_it(outputs: dict[str, Path]) -> None:
    """HTML shows the text escaped; no link to the URL exists."""
    html = outputs[".html"].read_text(encoding="utf-8")
    assert INJECTED not in html
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)" in html
    assert 'href="http' not in html
