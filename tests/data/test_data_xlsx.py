"""Reading XLSX workbooks, and refusing hostile ones quickly and in bounded memory."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from udcntt.data import MISSING, Limits, read_layout, read_survey
from udcntt.errors import DataError, Severity
from udcntt.model import RuleSet

openpyxl = pytest.importorskip("openpyxl")

HEADER = ["id", "name", "block", "staff_total", "pc_ratio", "bandwidth", "plan_date"]


@contextmanager
def bounded(megabytes: int = 100) -> Iterator[None]:
    """Fail if the block allocates more than ``megabytes`` (time: benchmarks/)."""
    tracemalloc.start()
    try:
        yield
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < megabytes * 1_000_000, f"peak {peak / 1e6:.0f} MB"


def workbook(
    path: Path, rows: list[list[Any]], header: list[str] = HEADER, title: str = "Data"
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def rezip(src: Path, dst: Path, replace: dict[str, bytes]) -> Path:
    """Copy a workbook, replacing or adding parts."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = replace.pop(item.filename, None)
            zout.writestr(item.filename, data if data is not None else zin.read(item))
        for name, data in replace.items():
            zout.writestr(name, data)
    return dst


def error_codes(exc: DataError) -> list[str]:
    return [d.code for d in exc.diagnostics if d.severity is Severity.ERROR]


def test_typed_cells(rules: RuleSet, tmp_path: Path) -> None:
    """Numbers, percent-formatted cells, dates and Vietnamese text are read exactly."""
    path = tmp_path / "s.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(HEADER)
    ws.append(["a", "Sở Y tế", "so_nganh", 12, 0.75, 0.1, datetime(2024, 3, 25)])
    ws["E2"].number_format = "0%"
    ws.append(["b", "Sở B", "so_nganh", "1.537", "75%", "12,5", "25/03/2024"])
    wb.save(path)
    ds = read_survey(path, rules)
    a, b = ds.agencies
    assert a.values == {
        "staff_total": Decimal(12),
        "pc_ratio": Decimal("0.75"),
        "bandwidth": Decimal("0.1"),
        "plan_date": datetime(2024, 3, 25).date(),
    }
    assert b.values == a.values | {"staff_total": Decimal(1537), "bandwidth": Decimal("12.5")}
    assert a.cells["pc_ratio"].location.cell_column == "E"  # type: ignore[union-attr]
    assert a.cells["pc_ratio"].location.sheet == "Data"  # type: ignore[union-attr]


def test_formula_cells_are_refused(rules: RuleSet, tmp_path: Path) -> None:
    """Formulas are seen (data_only=False) and refused; cached values are not trusted."""
    path = workbook(tmp_path / "s.xlsx", [["a", "A", "so_nganh", "=1+2", "=B1", 1, None]])
    with bounded(), pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert error_codes(info.value) == ["E-DATA-FORMULA", "E-DATA-FORMULA"]
    assert info.value.location.cell_column == "D"  # type: ignore[union-attr]
    ds = read_survey(path, rules, policy="lenient")
    assert ds.agencies[0].get("staff_total") is MISSING
    assert ds.agencies[0].values == {"bandwidth": Decimal(1)}


def test_excel_error_values(rules: RuleSet, tmp_path: Path) -> None:
    """#DIV/0! and friends are refused."""
    path = workbook(tmp_path / "s.xlsx", [["a", "A", "so_nganh", "#DIV/0!", None, 1, None]])
    with pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert error_codes(info.value) == ["E-DATA-FORMULA"]


def test_zip_bomb(rules: RuleSet, tmp_path: Path) -> None:
    """A part that compresses 1000:1 is refused before any XML parser sees the file."""
    base = workbook(tmp_path / "base.xlsx", [])
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, zin.read(item))
        with zout.open("xl/media/image1.bin", "w") as part:
            chunk = b"\0" * 1_000_000
            for _ in range(40):
                part.write(chunk)
    with bounded(), pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-LIMIT"
    assert "zip bomb" in str(info.value)


def test_total_uncompressed_size(rules: RuleSet, tmp_path: Path) -> None:
    """The total expanded size is bounded (here with a small limit)."""
    path = workbook(tmp_path / "s.xlsx", [["a", "A", "so_nganh", 1, None, None, None]])
    with pytest.raises(DataError) as info:
        read_survey(path, rules, limits=Limits(max_uncompressed_bytes=1000))
    assert info.value.code == "E-DATA-LIMIT"


def test_cell_at_xfd1048576(rules: RuleSet, tmp_path: Path) -> None:
    """A stray cell at the last row and column is refused without building the grid."""
    path = tmp_path / "s.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["a", "A", "so_nganh", 1, None, None, None])
    ws["XFD1048576"] = 1
    wb.save(path)
    with bounded(), pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-LIMIT"
    assert "XFD1048576" in str(info.value)


def test_cell_far_right(rules: RuleSet, tmp_path: Path) -> None:
    """A stray cell far to the right is refused with its column."""
    path = tmp_path / "s.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws["XFD2"] = "x"
    wb.save(path)
    with bounded(), pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-LIMIT"
    assert info.value.location.cell_column == "XFD"  # type: ignore[union-attr]


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>&lol3;</t></si></sst>'
)
XXE = (
    b'<?xml version="1.0"?><!-- harmless --><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">'
    b']><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&x;</workbook>'
)


@pytest.mark.parametrize(
    ("part", "data"),
    [
        ("xl/sharedStrings.xml", BILLION_LAUGHS),
        ("xl/workbook.xml", XXE),
        ("xl/worksheets/sheet1.xml", XXE.decode().encode("utf-16")),
    ],
)
def test_xml_entity_tricks(rules: RuleSet, tmp_path: Path, part: str, data: bytes) -> None:
    """DOCTYPE and ENTITY declarations in any part are refused (defusedxml also in place)."""
    base = workbook(tmp_path / "base.xlsx", [["a", "A", "so_nganh", "x", None, None, None]])
    path = rezip(base, tmp_path / "evil.xlsx", {part: data})
    with bounded(), pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-FORMAT"
    assert "DOCTYPE" in str(info.value)


def test_defusedxml_is_in_place() -> None:
    """openpyxl parses through defusedxml."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"not a zip at all", "not a valid zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old-format .xls"),
        (None, "no xl/workbook.xml"),
    ],
)
def test_not_a_workbook(rules: RuleSet, tmp_path: Path, data: bytes | None, text: str) -> None:
    """Files that are not workbooks are named for what they are."""
    path = tmp_path / "s.xlsx"
    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("word/document.xml", "<w/>")
        data = buffer.getvalue()
    path.write_bytes(data)
    with bounded(), pytest.raises(DataError, match=text) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-FORMAT"


def test_truncated_workbook(rules: RuleSet, tmp_path: Path) -> None:
    """A truncated file is a format error."""
    good = workbook(tmp_path / "g.xlsx", [["a", "A", "so_nganh", 1, None, None, None]])
    path = tmp_path / "s.xlsx"
    path.write_bytes(good.read_bytes()[:-200])
    with pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-FORMAT"


@pytest.mark.parametrize("suffix", [".xls", ".xlsm", ".ods"])
def test_unsupported_spreadsheets(rules: RuleSet, tmp_path: Path, suffix: str) -> None:
    """Other spreadsheet formats get a hint to save as .xlsx."""
    path = tmp_path / f"s{suffix}"
    path.write_bytes(b"x")
    with pytest.raises(DataError, match="xlsx"):
        read_survey(path, rules)


def test_province_layout(rules: RuleSet, tmp_path: Path, fixtures: Path) -> None:
    """A province's own workbook reads through a declared layout."""
    path = tmp_path / "tinh.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ghi chú"
    ws["A1"] = "Số liệu tổng hợp, không đọc"
    ws = wb.create_sheet("Số liệu 2024")
    ws.append(["BIỂU TỔNG HỢP ỨNG DỤNG CNTT NĂM 2024"])
    ws.append([])
    ws.append(
        [
            "STT",
            "Mã ĐV",
            "Tên cơ quan, đơn vị",
            "Khối",
            "Tổng số CBCCVC",
            "Số CBCCVC có máy tính",
            "Tỷ lệ MT (%)",
            "Băng thông (Mbps)",
            "Ghi chú",
        ]
    )
    ws.append([1, "so_yte", "Sở Y tế", "so_nganh", 120, 100, 83, "chưa có", ""])
    ws.append([2, "h_a", "Huyện A", "Khối UBND huyện", 80, 60, "75%", "KAD", "x"])
    wb.save(path)
    layout = read_layout(fixtures / "layout.yaml")
    ds = read_survey(path, rules, layout=layout, policy="lenient")
    yte = ds.by_id()["so_yte"]
    assert yte.values == {
        "staff_total": Decimal(120),
        "staff_pc": Decimal(100),
        "pc_ratio": Decimal("0.83"),
    }
    assert ds.by_id()["h_a"].values["pc_ratio"] == Decimal("0.75")
    assert [d.code for d in ds.diagnostics if d.severity is Severity.ERROR] == ["E-DATA-NA"]


def test_sheets_blocks_and_skipped_sheets(rules: RuleSet, tmp_path: Path) -> None:
    """Each data sheet is read; its name gives the block; other sheets are named."""
    path = tmp_path / "s.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "huyen"
    ws.append(["id", "name", "staff_total"])
    ws.append(["h1", "Huyện 1", 5])
    ws2 = wb.create_sheet("Khối sở, ban, ngành")
    ws2.append(["id", "name", "staff_total"])
    ws2.append(["s1", "Sở 1", 6])
    hidden = wb.create_sheet("secret")
    hidden.sheet_state = "hidden"
    hidden.append(["id", "name", "staff_total"])
    hidden.append(["z", "Z", 1])
    notes = wb.create_sheet("Thống kê")
    notes["A1"] = "Biểu đồ"
    wb.save(path)
    ds = read_survey(path, rules)
    assert [(a.id, a.block) for a in ds] == [("h1", "huyen"), ("s1", "so_nganh")]
    skipped = [d for d in ds.diagnostics if "not read" in d.message]
    assert [d.location.sheet for d in skipped] == ["secret", "Thống kê"]  # type: ignore[union-attr]


def test_missing_sheet(rules: RuleSet, tmp_path: Path) -> None:
    """A declared sheet that does not exist is a mapping error with a suggestion."""
    from udcntt.model._survey import SurveyLayout

    path = workbook(tmp_path / "s.xlsx", [], title="So lieu")
    with pytest.raises(DataError) as info:
        read_survey(path, rules, layout=SurveyLayout(sheet="Số liệu"))
    assert info.value.code == "E-DATA-MAPPING"


def test_sheet_without_dimension_beyond_limits(rules: RuleSet, tmp_path: Path) -> None:
    """A large sheet with no <dimension> is bounded as it streams, parsed once."""
    base = workbook(tmp_path / "base.xlsx", [])
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in "ABCDEFGHIJ") + "</row>"
        for r in range(1, 30_001)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        f'.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
    ).encode()
    path = rezip(base, tmp_path / "big.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    with bounded(), pytest.raises(DataError) as info:
        read_survey(path, rules, limits=Limits(max_cells=20_000))
    assert info.value.code == "E-DATA-LIMIT"
    far = rezip(
        base,
        tmp_path / "far.xlsx",
        {
            "xl/worksheets/sheet1.xml": sheet.replace(
                b'r="30000"><c r="A30000"', b'r="1048576"><c r="XFD1048576"'
            )
        },
    )
    with bounded(), pytest.raises(DataError, match="1048576"):
        read_survey(far, rules)


def test_excel_extra_missing(
    rules: RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without openpyxl, reading or writing .xlsx is a usage error with an install hint."""
    import sys

    from udcntt.data import write_template
    from udcntt.errors import UsageError

    path = workbook(tmp_path / "s.xlsx", [])
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(UsageError, match=r"udcntt\[excel\]"):
        read_survey(path, rules)
    with pytest.raises(UsageError, match=r"udcntt\[excel\]"):
        write_template(rules, tmp_path / "t.xlsx")


def test_defusedxml_switched_off(
    rules: RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """openpyxl without defusedxml in place is refused."""
    import openpyxl.xml

    from udcntt.errors import UsageError

    path = workbook(tmp_path / "s.xlsx", [])
    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    with pytest.raises(UsageError, match="defusedxml"):
        read_survey(path, rules)
