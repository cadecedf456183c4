"""Hostile and damaged workbooks: work bounded by the cells read, located refusals."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from data_helpers import hand_xlsx, xml_row

from udcntt.cli import main
from udcntt.data import Limits, read_survey
from udcntt.data._xlsx import XlsxStats, read_xlsx
from udcntt.errors import DataError
from udcntt.model import RuleSet

pytest.importorskip("openpyxl")

HEAD = xml_row(1, [("A", "id"), ("B", "name"), ("C", "block"), ("D", "staff_total")])
ROWS = HEAD + "".join(
    xml_row(n, [("A", f"a{n}"), ("B", f"Sở {n}"), ("C", "so_nganh"), ("D", n)])
    for n in range(2, 12)
)


def _empty_cells(rows: int, per_row: int, start: int = 12) -> str:
    """Rows of empty, formatted cells: ``<c r="E12" s="1"/>`` (Excel writes them for borders)."""
    cols = [f"{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(per_row)]
    return "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="1"/>' for c in cols) + "</row>"
        for r in range(start, start + rows)
    )


def _read(path: Path, limits: Limits | None = None) -> tuple[list[object], XlsxStats]:
    stats = XlsxStats()
    tables = read_xlsx(path, sheet=None, limits=limits or Limits(), stats=stats)
    return [row for table in tables for row in table.rows], stats


def test_empty_formatted_cells_cost_nothing(tmp_path: Path) -> None:
    """Empty cells are dropped before parsing: the parser's work is the same at n and 4n."""
    small = hand_xlsx(tmp_path / "s.xlsx", ROWS + _empty_cells(100, 50))
    large = hand_xlsx(tmp_path / "l.xlsx", ROWS + _empty_cells(400, 50))
    rows_s, stats_s = _read(small)
    rows_l, stats_l = _read(large)
    assert len(rows_s) == len(rows_l) == 11
    assert stats_s.cells_visited == stats_l.cells_visited == 44
    assert (stats_s.empty_cells_skipped, stats_l.empty_cells_skipped) == (5_000, 20_000)
    # Rows of empty cells are still rows (bounded by max_rows), but hold no cells.
    assert stats_l.rows_iterated == 411


def test_one_cell_far_right_is_one_cell(tmp_path: Path, rules: RuleSet) -> None:
    """A row whose only cell is at column 4,000 costs one cell, not 4,000 (no padding)."""
    far = "".join(f'<row r="{r}"><c r="EWV{r}"><v>1</v></c></row>' for r in range(12, 1012))
    path = hand_xlsx(tmp_path / "far.xlsx", ROWS + far)
    _rows, stats = _read(path)
    assert stats.cells_visited == 44 + 1_000
    with pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert "E-DATA-HEADER" in {d.code for d in info.value.diagnostics}  # values, no header
    with pytest.raises(DataError, match="EWV12, beyond 100,000 rows or 3,999 columns") as info:
        _read(path, Limits(max_columns=3_999))
    assert info.value.code == "E-DATA-LIMIT"


def test_cells_counted_as_they_stream(tmp_path: Path) -> None:
    """Reading stops at Limits.max_cells, counting every cell the parser handles."""
    path = hand_xlsx(tmp_path / "s.xlsx", ROWS)
    with pytest.raises(DataError, match=r"max_cells") as info:
        _read(path, Limits(max_cells=20))
    assert info.value.code == "E-DATA-LIMIT"
    many_rows = "".join(f'<row r="{r}"/>' for r in range(12, 60))
    with pytest.raises(DataError, match="max_rows"):
        _read(hand_xlsx(tmp_path / "r.xlsx", ROWS + many_rows), Limits(max_rows=50))


def test_parts_after_the_data_are_not_parsed(tmp_path: Path) -> None:
    """Merges, links and validations after <sheetData> are never given to the parser."""
    merges = "".join(f'<mergeCell ref="A{r}:B{r}"/>' for r in range(100, 20_100))
    after = f'<mergeCells count="20000">{merges}</mergeCells>'
    path = hand_xlsx(tmp_path / "m.xlsx", ROWS, after=after)
    rows, stats = _read(path)
    assert len(rows) == 11
    assert stats.bytes_parsed < len(after) // 10


def test_unused_shared_strings_are_refused_before_loading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shared-strings table far larger than its use is refused before it is loaded."""
    import udcntt.data._xlsx as reader

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the workbook must not be opened")

    shared = [f"s{i}" for i in range(15_000)]
    path = hand_xlsx(tmp_path / "sst.xlsx", ROWS, shared=shared)
    monkeypatch.setattr(reader, "Workbook", never)
    with pytest.raises(DataError, match="shared-strings table holds 15,000 texts") as info:
        _read(path)
    assert info.value.code == "E-DATA-LIMIT"
    with pytest.raises(DataError, match=r"Limits\.max_cells"):
        _read(path, Limits(max_cells=10_000))


def test_used_shared_strings_are_read(tmp_path: Path, rules: RuleSet) -> None:
    """Shared strings that cells use are read as usual."""
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>5</v></c>'
        '<c r="C2" t="s"><v>6</v></c><c r="D2"><v>7</v></c></row>'
    )
    strings = ["id", "name", "block", "staff_total", "so_yte", "Sở Y tế", "so_nganh"]
    path = hand_xlsx(tmp_path / "s.xlsx", rows, shared=strings)
    ds = read_survey(path, rules)
    assert ds.agencies[0].name == "Sở Y tế"
    assert ds.agencies[0].values["staff_total"] == Decimal(7)


def _corrupt(src: Path, dst: Path, member: str, offset: int = 40) -> Path:
    """Flip one byte inside the compressed data of ``member``."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + min(offset, info.compress_size - 1)] ^= 0xFF
    dst.write_bytes(bytes(data))
    return dst


def _compression(src: Path, dst: Path, member: str, method: int) -> Path:
    """Declare an unsupported compression method for ``member`` (local and central header)."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as archive:
        info = archive.getinfo(member)
    data[info.header_offset + 8 : info.header_offset + 10] = method.to_bytes(2, "little")
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = int.from_bytes(data[pos + 28 : pos + 30], "little")
        if data[pos + 46 : pos + 46 + name_len] == member.encode():
            data[pos + 10 : pos + 12] = method.to_bytes(2, "little")
        pos = data.find(b"PK\x01\x02", pos + 4)
    dst.write_bytes(bytes(data))
    return dst


@pytest.mark.parametrize(
    "damage",
    ["corrupt-deflate", "corrupt-stored", "deflate64", "missing-sheet", "not-xml"],
)
def test_damaged_workbooks_are_format_errors(
    tmp_path: Path, rules: RuleSet, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A damaged workbook is E-DATA-FORMAT (exit 1), never an internal error (exit 3)."""
    good = hand_xlsx(tmp_path / "g.xlsx", ROWS + _empty_cells(20, 20))
    sheet = "xl/worksheets/sheet1.xml"
    if damage == "corrupt-deflate":
        path = _corrupt(good, tmp_path / "bad.xlsx", sheet)
    elif damage == "corrupt-stored":
        stored = hand_xlsx(tmp_path / "st.xlsx", ROWS, compression=zipfile.ZIP_STORED)
        path = _corrupt(stored, tmp_path / "bad.xlsx", sheet, offset=200)
    elif damage == "deflate64":
        path = _compression(good, tmp_path / "bad.xlsx", sheet, 9)
    elif damage == "missing-sheet":
        path = hand_xlsx(tmp_path / "bad.xlsx", ROWS, target="worksheets/sheet9.xml")
    else:
        path = hand_xlsx(tmp_path / "bad.xlsx", "</row><row><<")
    with pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-FORMAT"
    rules_file = Path(__file__).parents[2] / "rules" / "lam-dong-2017.yaml"
    out = tmp_path / "out.csv"
    code = main(["--lang", "en", "score", str(rules_file), str(path), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "E-DATA-FORMAT" in err and "internal error" not in err
    assert not out.exists()
