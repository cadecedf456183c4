"""Reading delimited text surveys, including the hostile files people actually send."""

from __future__ import annotations

import codecs
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from data_helpers import write

from udcntt.data import MISSING, NA, Limits, read_survey
from udcntt.errors import DataError
from udcntt.model import RuleSet

HEADER = "id,name,block,staff_total,staff_pc,pc_ratio,bandwidth"
ROWS = 'so_yte,Sở Y tế,so_nganh,1.537,1.200,75%,"12,5"\nh_a,Huyện A,huyen,80,80,100%,50\n'


def quick(seconds: float = 1.0) -> _Timer:
    return _Timer(seconds)


class _Timer:
    """Marks a hostile case whose goal is ``seconds``; the time is measured in
    benchmarks/fail_fast.py, never asserted in a test (it fails on a loaded machine)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        pass


def codes(error: DataError) -> list[str]:
    """The codes of the error-level diagnostics."""
    return [d.code for d in error.diagnostics if d.severity.value == "error"]


def to_cp1258(text: str) -> bytes:
    """Encode Vietnamese as legacy Windows-1258 (base letters plus combining tone marks)."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + tones).encode("cp1258")
    return bytes(out)


def test_wide_csv(rules: RuleSet, fixtures: Path) -> None:
    """A wide CSV gives typed values, NA, and missing cells."""
    ds = read_survey(fixtures / "survey_wide.csv", rules, year=2024)
    assert [a.id for a in ds] == ["so_yte", "so_gddt", "h_hoa_vang"]
    yte = ds.by_id()["so_yte"]
    assert yte.values["staff_total"] == Decimal(1537)
    assert yte.values["pc_ratio"] == Decimal("0.75")
    assert yte.values["bandwidth"] == Decimal("12.5")
    assert yte.values["portal"] is True
    assert yte.cells["portal"].evidence == "CV 12/SYT"
    gd = ds.by_id()["so_gddt"]
    assert gd.get("plan_date") is NA
    assert gd.get("online_services") is MISSING
    assert ds.by_id()["h_hoa_vang"].values["online_services"] == Decimal(12)
    assert (ds.rows_read, ds.rows_used, ds.rows_rejected, ds.year) == (3, 3, 0, 2024)


def test_cell_locations(rules: RuleSet, tmp_path: Path) -> None:
    """Every refused cell is reported with its row, column and raw text."""
    path = write(tmp_path / "s.csv", HEADER + "\nso_yte,Sở Y tế,so_nganh,12.5,1,2,3\n")
    with pytest.raises(DataError) as info:
        read_survey(path, rules)
    diag = info.value.diagnostics[0]
    assert diag.code == "E-DATA-NUMBER"
    assert (diag.location.row, diag.location.cell_column) == (2, "D")  # type: ignore[union-attr]
    assert diag.value == "12.5"
    assert "s.csv:row 2:col D: error[E-DATA-NUMBER]" in str(info.value)


def test_semicolon_and_tab_delimiters(rules: RuleSet, tmp_path: Path) -> None:
    """Excel in a Vietnamese locale saves with ';'; TSV uses tabs: both are sniffed."""
    semi = write(
        tmp_path / "s.csv", (HEADER + "\n" + ROWS).replace(",", ";").replace('"12;5"', "12,5")
    )
    ds = read_survey(semi, rules)
    assert ds.by_id()["so_yte"].values["bandwidth"] == Decimal("12.5")
    tab = write(
        tmp_path / "s.tsv", (HEADER + "\n" + ROWS).replace(",", "\t").replace('"12\t5"', "12,5")
    )
    assert len(read_survey(tab, rules)) == 2


def test_utf8_bom_is_accepted(rules: RuleSet, tmp_path: Path) -> None:
    """A UTF-8 BOM (Excel's 'CSV UTF-8') is accepted."""
    path = tmp_path / "s.csv"
    path.write_bytes(codecs.BOM_UTF8 + (HEADER + "\n" + ROWS).encode())
    with quick():
        assert len(read_survey(path, rules)) == 2


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_unicode_text(rules: RuleSet, tmp_path: Path, encoding: str) -> None:
    """Excel's 'Unicode text' is UTF-16, tab-separated; with or without BOM."""
    text = (HEADER + "\n" + ROWS).replace(",", "\t").replace('"12\t5"', "12,5")
    path = tmp_path / "s.txt"
    path.write_bytes(text.encode(encoding))
    with quick():
        ds = read_survey(path, rules)
    assert ds.by_id()["so_yte"].name == "Sở Y tế"


def test_cp1258_is_refused_with_a_hint(rules: RuleSet, tmp_path: Path) -> None:
    """Legacy Windows-1258 text is detected, never read as mojibake."""
    path = tmp_path / "s.csv"
    path.write_bytes(to_cp1258(HEADER + "\n" + ROWS))
    with quick(), pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-ENCODING"
    assert "cp1258" in (info.value.hint or "")
    assert info.value.location.line == 2  # type: ignore[union-attr]


def test_cp1258_when_declared(rules: RuleSet, tmp_path: Path) -> None:
    """Declared cp1258 is decoded and normalised to NFC."""
    path = tmp_path / "s.csv"
    path.write_bytes(to_cp1258(HEADER + "\n" + ROWS))
    ds = read_survey(path, rules, encoding="cp1258")
    assert ds.by_id()["so_yte"].name == "Sở Y tế"


def test_duplicate_headers(rules: RuleSet, tmp_path: Path) -> None:
    """Two columns for the same indicator: an error, and neither is read."""
    path = write(tmp_path / "s.csv", "id,name,block,staff_total,Tổng số cán bộ\na,A,so_nganh,1,2\n")
    with quick(), pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert codes(info.value) == ["E-DATA-HEADER", "E-DATA-HEADER"]
    ds = read_survey(path, rules, policy="lenient")
    assert ds.agencies[0].get("staff_total") is MISSING


def test_ragged_rows(rules: RuleSet, tmp_path: Path) -> None:
    """Rows with more or fewer fields than the header are rejected and counted."""
    path = write(
        tmp_path / "s.csv",
        HEADER + "\na,A,so_nganh,1,1,1%,1\nb,B,so_nganh,1,1\nc,C,so_nganh,1,1,1%,1,9,9\n",
    )
    with quick(), pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert codes(info.value) == ["E-DATA-ROW", "E-DATA-ROW"]
    ds = read_survey(path, rules, policy="lenient")
    assert [a.id for a in ds] == ["a"]
    assert (ds.rows_read, ds.rows_used, ds.rows_rejected) == (3, 1, 2)


def test_nul_bytes(rules: RuleSet, tmp_path: Path) -> None:
    """A NUL byte (a binary file) is a located format error."""
    path = tmp_path / "s.csv"
    path.write_bytes((HEADER + "\n").encode() + b"a,A,so_nganh,1\x00,1,1%,1\n")
    with quick(), pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-FORMAT"
    assert info.value.location.line == 2  # type: ignore[union-attr]


@pytest.mark.parametrize("size", [20_000, 1_000_000])
def test_huge_fields(rules: RuleSet, tmp_path: Path, size: int) -> None:
    """A field beyond the limit (10,000 characters) is refused quickly."""
    path = write(tmp_path / "s.csv", HEADER + f'\na,"{"x" * size}",so_nganh,1,1,1%,1\n')
    with quick(), pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-LIMIT"


def test_huge_file(rules: RuleSet, tmp_path: Path) -> None:
    """A file beyond the size limit is refused before it is read."""
    path = tmp_path / "s.csv"
    with open(path, "wb") as handle:
        handle.truncate(60_000_000)  # sparse: 60 MB on paper, nothing on disk
    with quick(), pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-LIMIT"
    small = Limits(max_file_bytes=100)
    path2 = write(tmp_path / "t.csv", HEADER + "\n" + ROWS)
    with pytest.raises(DataError, match="limited to 100"):
        read_survey(path2, rules, limits=small)


def test_too_many_rows(rules: RuleSet, tmp_path: Path) -> None:
    """The row limit stops reading early."""
    path = write(tmp_path / "s.csv", HEADER + "\n" + "a,A,so_nganh,1,1,1%,1\n" * 50)
    with pytest.raises(DataError) as info:
        read_survey(path, rules, limits=Limits(max_rows=10))
    assert info.value.code == "E-DATA-LIMIT"


@pytest.mark.parametrize("text", ["1e999", "NaN", "inf", "-Infinity", "9" * 40])
def test_non_finite_and_huge_numbers(rules: RuleSet, tmp_path: Path, text: str) -> None:
    """Non-finite and huge numbers are refused cell by cell."""
    path = write(tmp_path / "s.csv", HEADER + f"\na,A,so_nganh,1,1,1%,{text}\n")
    with quick(), pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-NUMBER"


def test_malformed_quotes(rules: RuleSet, tmp_path: Path) -> None:
    """Broken quoting is a located format error, not a shifted row."""
    path = write(tmp_path / "s.csv", HEADER + '\na,"A"x,so_nganh,1,1,1%,1\n')
    with pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-FORMAT"


def test_unknown_header_and_did_you_mean(rules: RuleSet, tmp_path: Path) -> None:
    """An unknown column is an error with a suggestion (a warning when declared ignorable)."""
    path = write(tmp_path / "s.csv", "id,name,block,staf_total\na,A,so_nganh,1\n")
    with pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-HEADER"
    assert "staff_total" in (info.value.hint or "")


def test_headers_by_label_alias_and_lookalikes(rules: RuleSet, tmp_path: Path) -> None:
    """Headers may be ids, labels or aliases, in any case, spacing or Unicode form."""
    path = write(
        tmp_path / "s.csv",
        "Mã đơn vị,TÊN ĐƠN VỊ,Khối,  tổng số  cán bộ ,CB có máy tính,STT\na,A,so_nganh,10,5,1\n",
    )
    ds = read_survey(path, rules)
    assert ds.agencies[0].values == {"staff_total": Decimal(10), "staff_pc": Decimal(5)}


def test_title_rows_and_label_row(rules: RuleSet, tmp_path: Path) -> None:
    """Title rows above the header are skipped; a row of labels under it too."""
    path = write(
        tmp_path / "s.csv",
        "BIỂU TỔNG HỢP SỐ LIỆU NĂM 2024,,,\n,,,\nid,name,block,staff_total\n"
        "Mã đơn vị,Tên đơn vị,Khối,Tổng số cán bộ\na,A,so_nganh,7\n",
    )
    ds = read_survey(path, rules)
    assert ds.agencies[0].values == {"staff_total": Decimal(7)}
    assert ds.rows_read == 1


def test_block_by_label_and_unknown_block(rules: RuleSet, tmp_path: Path) -> None:
    """Blocks are given by id or label; an unknown block rejects the row."""
    path = write(
        tmp_path / "s.csv", "id,name,block,staff_total\na,A,Khối UBND huyện,1\nb,B,khoi_xa,1\n"
    )
    ds = read_survey(path, rules, policy="lenient")
    assert [(a.id, a.block) for a in ds] == [("a", "huyen")]
    assert [d.code for d in ds.diagnostics if d.severity.value == "error"] == ["E-DATA-BLOCK"]


def test_missing_file_and_unknown_format(rules: RuleSet, tmp_path: Path) -> None:
    """A missing file is E-IO; an unknown extension is E-DATA-FORMAT."""
    with pytest.raises(DataError) as info:
        read_survey(tmp_path / "nope.csv", rules)
    assert info.value.code == "E-IO"
    with pytest.raises(DataError) as info:
        read_survey(tmp_path / "nope.xlsx", rules)
    assert info.value.code == "E-IO"
    path = write(tmp_path / "s.pdf", "x")
    with pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-FORMAT"


def test_hostile_text_in_bounded_memory(rules: RuleSet, tmp_path: Path) -> None:
    """A 5 MB field and a 100,000-deep JSON array are refused within 100 MB."""
    import tracemalloc

    big = write(tmp_path / "s.csv", HEADER + f'\na,"{"x" * 5_000_000}",so_nganh,1,1,1%,1\n')
    deep = write(tmp_path / "s.json", "[" * 100_000 + "]" * 100_000)
    for path in (big, deep):
        tracemalloc.start()
        with pytest.raises(DataError):
            read_survey(path, rules)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < 100_000_000
