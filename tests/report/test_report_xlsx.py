"""The workbook, reopened with openpyxl: sheets, headers, numbers, panes, print setup."""

from __future__ import annotations

import io
from typing import Any

import pytest

import udcntt

openpyxl = pytest.importorskip("openpyxl")

from udcntt.report import assessment_to_xlsx  # noqa: E402

INJECTED = '=HYPERLINK("http://x","y")'


def _open(assessment: udcntt.Assessment, lang: str = "vi") -> Any:
    return openpyxl.load_workbook(io.BytesIO(assessment_to_xlsx(assessment, lang=lang)))


def _rows(ws: Any) -> list[tuple[Any, ...]]:
    return list(ws.iter_rows(values_only=True))


def test_sheets(small: udcntt.Assessment) -> None:
    """Block tables first, then figures and the methodology, one score sheet per agency,
    validation last."""
    wb = _open(small)
    names = wb.sheetnames
    assert names[:4] == [
        "Khối sở, ban, ngành",
        "Khối UBND huyện",
        "Số liệu toàn tỉnh",
        "Phương pháp đánh giá",
    ]
    assert names[-1] == "Kiểm tra dữ liệu"
    assert len(names) == 4 + 7 + 1
    assert names[4] == "01 Sở Tài chính"
    for name in names:
        assert len(name) <= 31
        assert not set(name) & set("[]:*?/\\")


def test_block_table(small: udcntt.Assessment) -> None:
    """STT, đơn vị, points per group, total, tier, rank, change; numbers stored as numbers."""
    ws = _open(small)["Khối sở, ban, ngành"]
    rows = _rows(ws)
    assert rows[0][0] == "KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG MỨC ĐỘ ỨNG DỤNG CÔNG NGHỆ THÔNG TIN NĂM 2017"
    assert rows[3] == (
        "STT",
        "Đơn vị",
        "Hạ tầng (40)",
        "Chỉ đạo điều hành (40)",
        "Tổng điểm",
        "Tỷ lệ điểm",
        "Xếp loại",
        "Thứ hạng",
        "Tổng điểm năm 2016",
        "Tăng/giảm điểm",
        "Xếp loại năm 2016",
        "Thứ hạng năm 2016",
        "Tăng/giảm bậc",
    )
    assert rows[4] == (1, "Sở Tài chính", 40, 40, 80, 1, "Tốt", 1, 51, 29, "Khá", 3, 2)
    assert rows[5][1] == "Sở Thông tin và Truyền thông"
    assert rows[5][12] == -1
    total = ws["E5"]
    assert total.data_type == "n"
    assert total.number_format == "#,##0.00"
    assert ws["F5"].number_format == "0.0%"
    assert ws["J5"].number_format == '"+"#,##0.00;"-"#,##0.00;#,##0.00'
    assert ws["M5"].number_format == '"+"0;"-"0;0'
    assert ws.freeze_panes == "C5"
    assert ws.print_title_rows == "$4:$4"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.column_dimensions["B"].width >= 24


def test_huyen_block_has_its_own_groups(small: udcntt.Assessment) -> None:
    """A group that applies to one block only is a column of that block's table only."""
    ws = _open(small)["Khối UBND huyện"]
    header = _rows(ws)[3]
    assert "Dịch vụ công (20)" in header
    assert _rows(ws)[4][:6] == (1, "UBND TP Đà Lạt", 40, 40, 20, 100)


def test_score_sheet(small: udcntt.Assessment) -> None:
    """Per agency: criteria with max, points and lost points; the gap to the next tier."""
    wb = _open(small)
    ws = next(wb[n] for n in wb.sheetnames if n.startswith("04 "))
    rows = _rows(ws)
    text = [r for r in rows if any(v is not None for v in r)]
    flat = [v for r in text for v in r if v is not None]
    assert "'" + INJECTED in flat
    assert ("Số điểm cần thêm để đạt mức Khá", 22) in [(r[1], r[3]) for r in rows]
    header = next(
        i
        for i, r in enumerate(rows)
        if r[:6] == ("Mã", "Tiêu chí", "Điểm tối đa", "Điểm đạt", "Điểm bị mất", "Ghi chú")
    )
    assert rows[header + 1][1:5] == ("Hạ tầng", 40, 16, 24)
    assert rows[header + 2][1:5] == ("Tỷ lệ máy tính", 20, 12, 8)
    lost_title = next(
        i for i, r in enumerate(rows) if r[1] == "Các tiêu chí bị mất điểm (nhiều nhất trước)"
    )
    assert rows[lost_title + 1][1] == "Băng thông"
    assert rows[lost_title + 1][4] == 16
    assert ws.freeze_panes == "A3"


def test_best_tier_has_no_gap(small: udcntt.Assessment) -> None:
    """An agency already Tốt is told so instead of a gap."""
    ws = _open(small)["01 Sở Tài chính"]
    assert "Đã ở mức cao nhất" in [r[1] for r in _rows(ws)]


def test_many_agencies_share_one_score_sheet(
    small: udcntt.Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the limit, one 'Phiếu điểm' sheet holds a section per agency, with page breaks."""
    monkeypatch.setattr("udcntt.report._xlsx.MAX_AGENCY_SHEETS", 3)
    wb = _open(small)
    assert "Phiếu điểm" in wb.sheetnames
    assert len(wb.sheetnames) == 4 + 1 + 1
    ws = wb["Phiếu điểm"]
    names = [
        r[0] for r in _rows(ws) if r[0] in {x.name for x in small.results} or r[0] == "'" + INJECTED
    ]
    assert len(names) == 7
    assert len(ws.row_breaks.brk) == 7


def test_figures_sheet(small: udcntt.Assessment) -> None:
    """Sums and yes-counts per block and overall, then computed shares."""
    ws = _open(small)["Số liệu toàn tỉnh"]
    rows = _rows(ws)
    assert rows[2][4] == "Khối sở, ban, ngành"
    assert rows[3][4:6] == ("Giá trị", "Số đơn vị")
    staff = next(r for r in rows if r[1] == "Tổng số CBCCVC")
    assert staff[4:] == (200, 4, 150, 3, 350, 7)
    portal = next(r for r in rows if r[1] == "Có cổng thông tin" and r[3] == "Số đơn vị đạt")
    assert portal[4:] == (2, 4, 2, 3, 4, 7)
    share = next(r for r in rows if r[1] == "Số CBCCVC có máy tính" and r[2] == "Tổng số CBCCVC")
    assert share[4] == pytest.approx(0.825)
    assert share[5] == "165/200"
    assert share[8] == pytest.approx(275 / 350)
    assert ws.freeze_panes == "E5"


def test_lam_dong_figures(lam_dong: udcntt.Assessment) -> None:
    """The article's province figures are in the workbook, computed."""
    ws = _open(lam_dong)["Số liệu toàn tỉnh"]
    rows = _rows(ws)
    it_staff = next(r for r in rows if r[1] == "Số cán bộ chuyên trách CNTT" and r[3] == "Tổng")
    assert it_staff[-2] == 129
    one_stop = next(
        r
        for r in rows
        if r[1] == "Đã triển khai hệ thống một cửa điện tử hiện đại" and r[3] == "Số đơn vị đạt"
    )
    assert one_stop[4:6] == (18, 20)
    college = next(
        r
        for r in rows
        if r[1] == "Số cán bộ chuyên trách CNTT có trình độ cao đẳng trở lên"
        and r[2] == "Số cán bộ chuyên trách CNTT"
    )
    assert college[-1] == "120/129"
    assert college[-2] == pytest.approx(120 / 129)


def test_validation_sheet(small: udcntt.Assessment) -> None:
    """Diagnostics (none here), the comparison with last year and the receipt."""
    rows = _rows(_open(small)["Kiểm tra dữ liệu"])
    flat = [v for r in rows for v in r if v is not None]
    assert "Không có lỗi hay cảnh báo nào." in flat
    assert "Cùng bộ tiêu chí với năm trước" in flat
    assert small.receipt.rules_fingerprint in flat


def test_english_workbook(small: udcntt.Assessment) -> None:
    """lang='en' names sheets and headers in English; survey text stays as written."""
    wb = _open(small, lang="en")
    assert "Province figures" in wb.sheetnames
    assert "Validation" in wb.sheetnames
    assert _rows(wb["Khối sở, ban, ngành"])[3][:2] == ("No.", "Agency")


def test_reloaded_assessment(reloaded: udcntt.Assessment) -> None:
    """From JSON: the criteria tree, its labels and the province figures come back."""
    wb = _open(reloaded)
    header = _rows(wb["Khối sở, ban, ngành"])[3]
    assert header[2:4] == ("Hạ tầng (40)", "Chỉ đạo điều hành (40)")
    flat = [v for r in _rows(wb["Số liệu toàn tỉnh"]) for v in r if v is not None]
    assert not any("không có số liệu" in str(v).lower() for v in flat)
    assert any("Tổng số CBCCVC" in str(v) for v in flat)


def test_validation_lists_diagnostics(small: udcntt.Assessment) -> None:
    """Each diagnostic is a row: severity, code, message, agency name, location, value, hint."""
    from dataclasses import replace

    warning = udcntt.Diagnostic(
        code="W-DATA-SUSPICIOUS",
        message="value is valid but unusual",
        severity=udcntt.Severity.WARNING,
        location=udcntt.SourceLocation(file="survey.xlsx", sheet="2017", row=7, cell_column="D"),
        agency="inj",
        indicator="bandwidth",
        value=INJECTED,
        hint="check the survey",
    )
    ws = _open(replace(small, diagnostics=(warning,)))["Kiểm tra dữ liệu"]
    row = _rows(ws)[3]
    assert row[:4] == ("warning", "W-DATA-SUSPICIOUS", "value is valid but unusual", "'" + INJECTED)
    assert row[5] == "bandwidth"
    assert row[6] == "survey.xlsx[2017]:row 7:col D"
    assert row[7] == "'" + INJECTED
    assert all(c.data_type != "f" for c in ws[4])


# --- Readable sheet names, printing, reproducible bytes, linear work (issue 14 item 7,
# --- issue 13 item 3) -----------------------------------------------------------------

#: The abbreviations a sheet name may use for words of the agency's name.
_SHORT_FORMS = {
    "UBND",
    "HĐND",
    "NN&PTNT",
    "LĐ-TB&XH",
    "VHTTDL",
    "BHXH",
    "VKSND",
    "TAND",
    "PT-TH",
    "PTTH",
    "BQL",
    "VQG",
    "KDL",
    "QG",
}


def test_sheet_names_are_whole_words(lam_dong: udcntt.Assessment) -> None:
    """Each agency's sheet is its number and its name, shortened the registry's way or the
    usual Vietnamese way and cut between words, never inside one: 'Văn phòng UBND tỉnh',
    not 'Văn phòng Ủy ban nhân dân tỉ'."""
    wb = _open(lam_dong)
    agency_sheets = [n for n in wb.sheetnames if n[:2].isdigit()]
    assert len(agency_sheets) == len(lam_dong.results) == 43
    names = [r.name for view in _views(lam_dong) for r in view.results]
    for sheet, name in zip(agency_sheets, names, strict=True):
        assert len(sheet) <= 31
        words = set(name.replace(",", " ").split())
        for word in sheet[3:].replace(",", " ").split():
            assert word in words or word in _SHORT_FORMS, (sheet, name, word)
    assert "03 Văn phòng UBND tỉnh" in agency_sheets
    assert "18 Sở NN&PTNT" in agency_sheets
    assert "24 Chi cục Hải quan tỉnh" in agency_sheets
    assert "31 BQL KDL QG hồ Tuyền Lâm" in agency_sheets
    # The registry's own short form, among the agency's other spellings, comes first;
    # a partial name ("Đà Lạt") or a former one is never used.
    assert "29 Đài PTTH Lâm Đồng" in agency_sheets
    assert len({n.lower() for n in wb.sheetnames}) == len(wb.sheetnames)


def _views(assessment: udcntt.Assessment) -> Any:
    from udcntt.report._tables import block_views

    return block_views(assessment)


def test_every_sheet_prints_page_numbers(small: udcntt.Assessment) -> None:
    """Every sheet has 'Trang &P/&N' in its footer (page 2 of 5 prints 'Trang 2/5')."""
    wb = _open(small)
    for ws in wb.worksheets:
        assert ws.oddFooter.center.text == "Trang &P/&N", ws.title
    assert _open(small, lang="en").worksheets[0].oddFooter.center.text == "Page &P of &N"


def test_agency_sheet_is_one_portrait_page(small: udcntt.Assessment) -> None:
    """A score sheet is scaled to one page, portrait, its title rows repeated."""
    ws = _open(small)["01 Sở Tài chính"]
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 1)
    assert ws.print_title_rows == "$1:$2"


def test_default_font_is_the_report_font(small: udcntt.Assessment) -> None:
    """Column widths count digits of the default font: it is the report's own, Times New
    Roman 12, so widths mean the same wherever the book is opened (with Calibri, the
    default, LibreOffice without Calibri printed the columns a quarter wider)."""
    wb = _open(small)
    normal = wb._named_styles["Normal"].font
    assert (normal.name, normal.sz) == ("Times New Roman", 12)


def test_shared_score_sheets_print_a_page_per_agency(
    small: udcntt.Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the per-agency limit, each section ends with a page break, the scale makes the
    tallest section fit a page, and a sheet holds at most SECTIONS_PER_SHEET sections."""
    monkeypatch.setattr("udcntt.report._xlsx.MAX_AGENCY_SHEETS", 3)
    monkeypatch.setattr("udcntt.report._xlsx.SECTIONS_PER_SHEET", 3)
    wb = _open(small)
    shared = [n for n in wb.sheetnames if n.startswith("Phiếu điểm")]
    assert shared == ["Phiếu điểm 1–3", "Phiếu điểm 4–6", "Phiếu điểm 7–7"]
    for name, sections in zip(shared, (3, 3, 1), strict=True):
        ws = wb[name]
        assert len(ws.row_breaks.brk) == sections
        assert ws.sheet_properties.pageSetUpPr.fitToPage is not True
        assert 10 <= ws.page_setup.scale < 100


def test_wrapped_rows_are_tall_enough(lam_dong: udcntt.Assessment) -> None:
    """A row whose wrapped text needs several lines is made taller (nothing is cut off):
    the share rows of the province sheet, whose 'compared with' texts wrap."""
    ws = _open(lam_dong)["Số liệu toàn tỉnh"]
    rows = _rows(ws)
    start = next(i for i, r in enumerate(rows) if r[1] == "Tỷ lệ") + 2
    wrapped = [i + 1 for i in range(start, len(rows)) if len(str(rows[i][2] or "")) > 30]
    assert wrapped
    for row in wrapped:
        assert (ws.row_dimensions[row].height or 0) >= 30, row


def _core_and_stamps(data: bytes) -> tuple[str, set[tuple[int, ...]]]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        core = archive.read("docProps/core.xml").decode()
        return core, {info.date_time for info in archive.infolist()}


def test_same_data_same_bytes(small_factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two runs give identical files: the parts and properties carry 1 January of the
    assessment's year, or SOURCE_DATE_EPOCH when it is set — never the time of the run."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = assessment_to_xlsx(small_factory())
    assert assessment_to_xlsx(small_factory()) == first
    core, stamps = _core_and_stamps(first)
    assert stamps == {(2017, 1, 1, 0, 0, 0)}
    assert "<dcterms:created" in core and core.count("2017-01-01T00:00:00Z") == 2
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    core, stamps = _core_and_stamps(assessment_to_xlsx(small_factory()))
    assert stamps == {(2023, 11, 14, 22, 13, 20)}
    assert core.count("2023-11-14T22:13:20Z") == 2


def _scaled(n: int, *, previous: bool = False) -> udcntt.Assessment:
    """``n`` agencies of the small rule set, alternately in its two blocks; every ten
    agencies alike (``n`` a multiple of ten: the same mix of scores at every size).
    ``previous``: scored against last year's survey of the same agencies."""
    from tests.report.conftest import SMALL_RULES, _small

    def survey(shift: int) -> udcntt.Dataset:
        records = [
            _small(
                f"a{i}",
                f"Đơn vị số {i}",
                "so" if i % 2 else "huyen",
                10 + 4 * ((i + shift) % 10),
                (i + shift) % 5,
                ("chu_tich", "pho", "khac")[(i + shift) % 3 % 2],
                bool((i + shift) % 10 % 3),
                10 * ((i + shift) % 10),
                (i + shift) % 10,
            )
            for i in range(n)
        ]
        return udcntt.Dataset.from_records(records, year=2017 - shift)

    rules = udcntt.load_rules(SMALL_RULES)
    last = udcntt.evaluate(rules, survey(1)) if previous else None
    return udcntt.evaluate(rules, survey(0), previous=last)


def _calls(assessment: udcntt.Assessment) -> int:
    """How many Python and built-in functions writing the workbook calls: a measure of
    its work that does not depend on the machine or its load."""
    import sys

    calls = [0]

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event in ("call", "c_call"):
            calls[0] += 1

    sys.setprofile(profile)
    try:
        assessment_to_xlsx(assessment)
    finally:
        sys.setprofile(None)
    return calls[0]


@pytest.mark.parametrize("previous", [False, True], ids=["first-year", "with-previous"])
def test_work_is_linear_in_agencies(monkeypatch: pytest.MonkeyPatch, previous: bool) -> None:
    """Each 40 more agencies cost the same work: the calls made writing the book at 40, 80
    and 160 agencies grow by equal steps per agency (a scan of every result for each
    agency's row or score sheet made the second step larger), and so do the cells written
    and the merges; merged ranges are never compared with each other (openpyxl's
    merge_cells compared each new range with every earlier one)."""
    from openpyxl.worksheet.cell_range import CellRange

    from udcntt.report._xlsx_book import Sheet

    counts = {"compare": 0, "put": 0}
    issubset, put = CellRange.issubset, Sheet.put

    def counted_issubset(self: Any, other: Any) -> bool:
        counts["compare"] += 1
        return bool(issubset(self, other))

    def counted_put(self: Any, *args: Any, **kwargs: Any) -> None:
        counts["put"] += 1
        put(self, *args, **kwargs)

    monkeypatch.setattr(CellRange, "issubset", counted_issubset)
    monkeypatch.setattr(CellRange, "__le__", counted_issubset)
    monkeypatch.setattr("udcntt.report._xlsx.MAX_AGENCY_SHEETS", 10)
    _calls(_scaled(20, previous=previous))  # caches and lazy imports filled once
    sizes = (40, 80, 160)
    books = [_scaled(n, previous=previous) for n in sizes]
    calls = [_calls(book) for book in books]
    assert (calls[2] - calls[1]) <= 2.05 * (calls[1] - calls[0]), calls
    monkeypatch.setattr(Sheet, "put", counted_put)
    work = []
    for book in books:
        counts.update(compare=0, put=0)
        merges = _merges_counted(monkeypatch)
        assessment_to_xlsx(book)
        work.append((counts["put"], merges()))
    assert counts["compare"] == 0
    (put_1, merges_1), (put_2, merges_2), (put_4, merges_4) = work
    assert put_4 - put_2 <= 2.05 * (put_2 - put_1)
    assert merges_4 - merges_2 <= 2.05 * (merges_2 - merges_1)


def _merges_counted(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Count Sheet.merge calls from now on; return a function giving the count so far."""
    from udcntt.report._xlsx_book import Sheet

    seen = [0]
    merge = Sheet.merge

    def counted(self: Any, *args: Any, **kwargs: Any) -> None:
        seen[0] += 1
        merge(self, *args, **kwargs)

    monkeypatch.setattr(Sheet, "merge", counted)
    return lambda: seen[0]


def test_written_file_is_streamed(
    small: udcntt.Assessment, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """write_report (and so `udcntt score -o x.xlsx`) writes the book through a temporary
    file in chunks, never as one bytes object; the file is the one assessment_to_xlsx
    gives."""
    from udcntt.report import write_report

    expected = assessment_to_xlsx(small)

    def whole(*args: Any, **kwargs: Any) -> bytes:
        raise AssertionError("the whole book was built in memory")

    monkeypatch.setattr("udcntt.report._xlsx.assessment_to_xlsx", whole)
    target = tmp_path / "book.xlsx"
    write_report(small, target)
    assert target.read_bytes() == expected
