"""XLSX cells read as Excel's cell types define them, without openpyxl's private modules."""

from __future__ import annotations

import ast
import sys
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from data_helpers import SHEET_NS, hand_xlsx, xml_row

from udcntt.data import Limits, read_survey
from udcntt.data._xlsx import XlsxStats, read_xlsx
from udcntt.errors import DataError
from udcntt.model import RuleSet

openpyxl = pytest.importorskip("openpyxl")

SRC = Path(__file__).parents[2] / "src" / "udcntt" / "data"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml"
# openpyxl's reader, its sheet parser and its read-only cells and sheets: not public API.
INTERNALS = (
    "openpyxl.worksheet._reader",
    "openpyxl.worksheet._read_only",
    "openpyxl.reader.excel",
    "openpyxl.cell.read_only",
    "openpyxl.styles.stylesheet",
)
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{SHEET_NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="10"/>'
    '<xf numFmtId="46"/></cellXfs></styleSheet>'
)
ROWS = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c>'
    '<c r="B1" t="s"><v>0</v></c><c r="C1" t="str"><v>plain</v></c>'
    '<c r="D1" s="2"><v>0.5</v></c><c s="1"><v>45000</v></c><c t="b"><v>1</v></c>'
    '<c r="G1" t="d"><v>2024-03-25T08:30:00</v></c><c r="H1" s="3"><v>1.25</v></c>'
    '<c r="I1" t="inlineStr"><is><r><t>Sở </t></r><r><rPr><b/></rPr><t>Y tế</t></r></is></c>'
    '<c r="J1"><v>1.5E3</v></c><c r="K1" t="e"><v>#N/A</v></c></row>'
)
STRINGS = (
    f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{SHEET_NS}"><si><r><t>Hồ </t></r>'
    '<r><t>Chí</t></r><rPh sb="0" eb="1"><t>ホ</t></rPh></si></sst>'
)


def styled_xlsx(path: Path, *, date1904: bool) -> Path:
    """A workbook with number formats, rich shared strings and every cell type."""
    props = '<workbookPr date1904="1"/>' if date1904 else ""
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{MAIN}.sheet.main+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{MAIN}.sharedStrings+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{MAIN}.styles+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{PKG}/relationships"><Relationship Id="rId1" '
        f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{SHEET_NS}" xmlns:r="{REL}">{props}<sheets>'
        '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{REL}/styles" Target="/xl/styles.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{SHEET_NS}"><sheetData>{ROWS}'
        "</sheetData></worksheet>",
        "xl/sharedStrings.xml": STRINGS,
        "xl/styles.xml": STYLES,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")
@pytest.mark.parametrize("date1904", [False, True])
def test_cell_types_read_as_openpyxl_reads_them(tmp_path: Path, date1904: bool) -> None:
    """Every cell type and number format gives the value openpyxl's public API gives."""
    path = styled_xlsx(tmp_path / "t.xlsx", date1904=date1904)
    stats = XlsxStats()
    (table,) = read_xlsx(path, sheet=None, limits=Limits(), stats=stats)
    cells = table.rows[0].cells.items()
    ours = {index + 1: cell.value for index, cell in cells if cell.error is None}
    percent = [index + 1 for index, cell in cells if cell.percent]
    errors = [index + 1 for index, cell in cells if cell.error]
    reference = openpyxl.load_workbook(path)["Data"]
    theirs = {
        cell.column: cell.value
        for cell in reference[1]
        if cell.value is not None and cell.data_type != "e"
    }
    assert ours == theirs
    serial = date(1904, 1, 1) if date1904 else date(1899, 12, 30)
    assert ours == {
        1: "id",
        2: "Hồ Chí",  # runs joined, the phonetic run left out
        3: "plain",
        4: 0.5,
        5: datetime.combine(serial + timedelta(days=45_000), datetime.min.time()),
        6: True,
        7: datetime(2024, 3, 25, 8, 30),
        8: timedelta(days=1, hours=6),
        9: "Sở Y tế",
        10: 1500.0,
    }
    assert percent == [4] and errors == [11]
    assert (stats.rows_iterated, stats.cells_visited) == (1, 11)


def test_reader_needs_no_openpyxl_internals(
    rules: RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A survey is read with openpyxl's reader and sheet parser out of reach."""
    path = tmp_path / "s.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["id", "name", "block", "staff_total", "pc_ratio", "plan_date"])
    ws.append(["a", "Sở Y tế", "so_nganh", 12, 0.75, datetime(2024, 3, 25)])
    ws["E2"].number_format = "0%"
    wb.save(path)
    for name in INTERNALS:
        monkeypatch.setitem(sys.modules, name, None)  # importing it now fails
    ds = read_survey(path, rules)
    assert ds.agencies[0].values == {
        "staff_total": Decimal(12),
        "pc_ratio": Decimal("0.75"),
        "plan_date": date(2024, 3, 25),
    }


def test_no_private_openpyxl_module_is_imported() -> None:
    """The XLSX reader imports openpyxl's public modules only (``openpyxl.x._y`` is private)."""
    for source in sorted(SRC.glob("_xlsx*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl"):
                names = [node.module or "", *(alias.name for alias in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("openpyxl")]
            else:
                continue
            private = [n for n in names for part in n.split(".") if part.startswith("_")]
            assert not private, f"{source.name}:{node.lineno} imports {private}"
            assert not {n for n in names if n in INTERNALS}, f"{source.name}:{node.lineno}"


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ('<c r="E2" t="s"><v>-1</v></c>', "shared string -1 does not exist"),
        ('<c r="E2" t="s"><v>7</v></c>', "shared string 7 does not exist"),
        ('<c r="2E"><v>1</v></c>', "invalid cell reference"),
        ('<c r="E2"><v>twelve</v></c>', "ValueError"),
    ],
)
def test_malformed_cells_are_format_errors(
    tmp_path: Path, rules: RuleSet, cell: str, reason: str
) -> None:
    """A cell that breaks the format is E-DATA-FORMAT naming the sheet, not a wrong value."""
    head = xml_row(1, [("A", "id"), ("B", "name"), ("C", "block"), ("D", "staff_total")])
    row = xml_row(2, [("A", "a"), ("B", "Sở A"), ("C", "so_nganh"), ("D", 3)], extra=cell)
    path = hand_xlsx(tmp_path / "bad.xlsx", head + row, shared=["x"])
    with pytest.raises(DataError, match=reason) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-FORMAT"
    assert info.value.location.sheet == "Data"  # type: ignore[union-attr]
