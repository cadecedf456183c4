"""The Word report, reopened with python-docx and read as XML: narrative first and annex
after, heading styles, one font size per role, vi-VN proofing, page numbers, a table grid
that agrees with its cells, the annex tables, clean properties, reproducible bytes and the
optional front matter of an official text."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

import udcntt

docx = pytest.importorskip("docx")

from docx.oxml.ns import qn  # noqa: E402

from udcntt.cli import EXIT_OK, EXIT_USAGE, main  # noqa: E402
from udcntt.report import (  # noqa: E402
    FrontMatter,
    assessment_to_docx,
    load_front_matter,
    narrative_paragraphs,
)
from udcntt.report._docx_grid import (  # noqa: E402
    CELL_MARGIN,
    Column,
    column_widths,
    lines_needed,
    text_width,
    word_width,
)
from udcntt.report._tables import block_views, ranking_headers  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules" / "lam-dong-2017.yaml"
EXAMPLE = ROOT / "examples" / "lam-dong"
FRONT = {
    "parent_body": "Ủy ban nhân dân tỉnh Lâm Đồng",
    "issuer": "Sở Thông tin và Truyền thông",
    "number": "125/BC-STTTT",
    "place": "Lâm Đồng",
    "date": "2018-01-05",
    "recipients": ["Ủy ban nhân dân tỉnh", "Bộ Thông tin và Truyền thông"],
    "copies_to": ["Như trên", "Lưu: VT, CNTT"],
    "signer_authority": "KT. Giám đốc",
    "signer_title": "Phó Giám đốc",
    "signer_name": "Nguyễn Văn A",
    "recommendations": ["Đề nghị các cơ quan khắc phục các tiêu chí còn thấp điểm."],
}


def _open(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def _rows(table: Any) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def _parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n).decode("utf-8", "replace") for n in z.namelist()}


@pytest.fixture(scope="module")
def small_doc(small: udcntt.Assessment) -> bytes:
    return assessment_to_docx(small)


@pytest.fixture(scope="module")
def lam_dong_doc(lam_dong: udcntt.Assessment) -> bytes:
    return assessment_to_docx(lam_dong)


def test_narrative_first_then_the_annex(small: udcntt.Assessment, small_doc: bytes) -> None:
    """The portrait text (title, narrative, method) comes before the landscape annex."""
    doc = _open(small_doc)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG MỨC ĐỘ ỨNG DỤNG CÔNG NGHỆ THÔNG TIN NĂM 2017"
    narrative = texts.index("I. TỔNG HỢP, NHẬN XÉT KẾT QUẢ ĐÁNH GIÁ")
    method = texts.index("II. PHƯƠNG PHÁP ĐÁNH GIÁ")
    annex = texts.index("PHỤ LỤC")
    assert narrative < method < annex
    expected = narrative_paragraphs(small)
    assert texts[narrative + 1 : narrative + 1 + len(expected)] == expected
    assert doc.paragraphs[narrative + 1].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.JUSTIFY
    assert texts[annex + 2].startswith("(Kèm theo Quyết định số")
    text, annex_section = doc.sections
    assert text.orientation == docx.enum.section.WD_ORIENT.PORTRAIT
    assert annex_section.orientation == docx.enum.section.WD_ORIENT.LANDSCAPE
    assert round(annex_section.page_width.cm, 1) == 29.7
    assert round(text.left_margin.cm, 1) == 3.0
    # Every table is in the annex: after the section break.
    body = doc.element.body
    children = list(body)
    brk = next(i for i, el in enumerate(children) if el.find(".//" + qn("w:sectPr")) is not None)
    assert all(children.index(t._tbl) > brk for t in doc.tables)


def test_headings_are_heading_styles(small_doc: bytes) -> None:
    """Sections are Heading 1, blocks Heading 2, both kept with the next paragraph."""
    doc = _open(small_doc)
    styles = {p.text: p.style.name for p in doc.paragraphs}
    assert styles["I. TỔNG HỢP, NHẬN XÉT KẾT QUẢ ĐÁNH GIÁ"] == "Heading 1"
    assert styles["I. KẾT QUẢ XẾP HẠNG"] == "Heading 1"
    assert styles["1. Khối sở, ban, ngành"] == "Heading 2"
    assert styles["2. Khối UBND huyện"] == "Heading 2"
    for name in ("Heading 1", "Heading 2", "Title"):
        assert doc.styles[name].paragraph_format.keep_with_next is True
    # No bold-paragraph imitation of a heading is left.
    assert not [p.text for p in doc.paragraphs if p.text.startswith("II. KHỐI")]


def test_one_font_size_per_role(small_doc: bytes) -> None:
    """Sizes live in the styles (body 13, tables 11, headings 13, title 14), never in runs;
    every table paragraph is 'Table Text'; the fonts are Times New Roman, not theme fonts."""
    doc = _open(small_doc)
    sizes = {n: doc.styles[n].font.size.pt for n in ("Normal", "Table Text", "Heading 1")}
    assert sizes == {"Normal": 13, "Table Text": 11, "Heading 1": 13}
    assert doc.styles["Heading 2"].font.size.pt == 13
    assert doc.styles["Title"].font.size.pt == 14
    body = doc.element.body.xml
    assert "<w:sz " not in body and "<w:szCs " not in body
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                assert {p.style.name for p in cell.paragraphs} == {"Table Text"}
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Text"):
        xml = doc.styles[name].element.xml
        assert "Theme" not in xml and "w:color" not in xml, name
    defaults = _parts(small_doc)["word/styles.xml"].split("</w:docDefaults>")[0]
    assert "Theme" not in defaults
    assert doc.styles["Heading 1"].font.name == "Times New Roman"


@pytest.mark.parametrize(("lang", "tag"), [("vi", "vi-VN"), ("en", "en-US")])
def test_proofing_language(small: udcntt.Assessment, lang: str, tag: str) -> None:
    """w:lang of the defaults, of every style and of the settings is the document's language."""
    parts = _parts(assessment_to_docx(small, lang=lang))
    langs = re.findall(r'<w:lang w:val="([^"]+)"', parts["word/styles.xml"])
    assert langs and set(langs) == {tag}
    assert f'<w:themeFontLang w:val="{tag}"/>' in parts["word/settings.xml"]
    assert "en-US" not in parts["word/styles.xml"] or tag == "en-US"
    assert "w:proofState" not in parts["word/settings.xml"]


def test_page_numbers_in_the_footer(small: udcntt.Assessment, small_doc: bytes) -> None:
    """'Trang {PAGE}/{NUMPAGES}' in the first section's footer, which the annex inherits."""
    doc = _open(small_doc)
    footer = doc.sections[0].footer
    xml = footer._element.xml
    assert "PAGE" in xml and "NUMPAGES" in xml
    assert footer.paragraphs[0].text.startswith("Trang 1/1")
    assert doc.sections[1].footer.is_linked_to_previous
    english = _open(assessment_to_docx(small, lang="en")).sections[0].footer.paragraphs[0]
    assert english.text == "Page 1 of 1"


def _grid(table: Any) -> list[int]:
    return [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def test_table_grid_agrees_with_the_cells(lam_dong_doc: bytes) -> None:
    """Each table: fixed layout, grid columns = cell widths = table width; the name column
    is the widest and the number columns narrow; the landscape text width is not exceeded."""
    doc = _open(lam_dong_doc)
    for table in doc.tables:
        grid = _grid(table)
        tblpr = table._tbl.tblPr
        assert tblpr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        assert int(tblpr.find(qn("w:tblW")).get(qn("w:w"))) == sum(grid)
        assert sum(grid) <= 14000
        for tr in table._tbl.tr_lst:
            at = 0
            for tc in tr.tc_lst:
                span = tc.grid_span
                assert int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) == sum(grid[at : at + span])
                at += span
            assert at == len(grid)
    ranking = doc.tables[0]
    grid = _grid(ranking)
    assert grid[1] == max(grid)
    total = _rows(ranking)[0].index("Tổng điểm")
    assert grid[total] < grid[1] / 3


def test_no_column_narrower_than_its_longest_word(lam_dong_doc: bytes) -> None:
    """By the writer's own Times New Roman metrics (the rendered test measures with the
    font LibreOffice uses): every word of every cell fits its column."""
    doc = _open(lam_dong_doc)
    for table in doc.tables:
        grid = _grid(table)
        for tr in table._tbl.tr_lst:
            at = 0
            for tc in tr.tc_lst:
                width = sum(grid[at : at + tc.grid_span])
                at += tc.grid_span
                for r in tc.iter(qn("w:r")):
                    text = "".join(x.text or "" for x in r.iter(qn("w:t")))
                    bold = r.find(qn("w:rPr") + "/" + qn("w:b")) is not None
                    assert word_width(text, 11, bold=bold) + 2 * CELL_MARGIN <= width, text


def test_ranking_columns_follow_ranking_headers(
    lam_dong: udcntt.Assessment, lam_dong_doc: bytes
) -> None:
    """The ranking tables have exactly ranking_headers' columns, with last year's figures."""
    doc = _open(lam_dong_doc)
    views = block_views(lam_dong)
    for table, view in zip(doc.tables[:3], views, strict=True):
        rows = _rows(table)
        assert rows[0] == ranking_headers(lam_dong, view, "vi")
        assert len(rows) - 1 == len(view.results)
    first = _rows(doc.tables[0])
    assert first[1][:2] == ["1", "Sở Tài chính"]
    assert "Tổng điểm năm 2016" in first[0]


def test_annex_has_detail_figures_and_changes(lam_dong_doc: bytes) -> None:
    """Besides the three ranking tables: points by criterion per block, the province
    figures and shares, and the agencies whose rank or tier changed."""
    doc = _open(lam_dong_doc)
    texts = [p.text for p in doc.paragraphs]
    for heading in (
        "I. KẾT QUẢ XẾP HẠNG",
        "II. CHI TIẾT ĐIỂM THEO NHÓM TIÊU CHÍ",
        "III. SỐ LIỆU TỔNG HỢP TOÀN TỈNH",
        "IV. DANH SÁCH ĐƠN VỊ THAY ĐỔI THỨ HẠNG, XẾP LOẠI",
    ):
        assert heading in texts
        assert doc.paragraphs[texts.index(heading)].style.name == "Heading 1"
    tables = [_rows(t) for t in doc.tables]
    assert len(tables) == 3 + 3 + 2 + 1
    detail = tables[3]
    assert detail[0] == [
        "Mã",
        "Tiêu chí",
        "Điểm tối đa",
        "Bình quân",
        "Thấp nhất",
        "Cao nhất",
        "Số đơn vị đạt tối đa",
    ]
    assert detail[1][0] == "1" and detail[2][0] == "1.1"
    assert detail[1][-1].endswith("/20")
    figures = tables[6]
    assert figures[0][-1] == "Toàn tỉnh"
    assert any(row[1].startswith("Số dịch vụ công trực tuyến mức độ 3") for row in figures)
    changes = tables[8]
    assert changes[0][:5] == ["STT", "Đơn vị", "Thứ hạng năm 2016", "Thứ hạng", "Tăng/giảm bậc"]
    assert set(changes[1]) == {"Khối các sở, ban, ngành"}  # a block's label spans the row
    rows = {row[1]: row for row in changes[1:] if len(set(row)) > 1}
    assert rows["Sở Công Thương"][2:5] == ["9", "5", "+4"]
    # Same rank, better tier: listed too.
    assert rows["Sở Thông tin và Truyền thông"][2:5] == ["2", "2", "0"]
    assert rows["Sở Thông tin và Truyền thông"][-2:] == ["Khá", "Tốt"]
    assert "Sở Tài chính" not in rows


def test_from_a_results_file(reloaded: udcntt.Assessment, small_doc: bytes) -> None:
    """An assessment read back from JSON (no rule set) gives the same document."""
    doc = _open(assessment_to_docx(reloaded))
    assert [_rows(t) for t in doc.tables] == [_rows(t) for t in _open(small_doc).tables]


def test_first_year_has_no_change_list(first_year: udcntt.Assessment) -> None:
    """Without a previous year there is no list of changes (and the parts keep their
    numbers in sequence)."""
    texts = [p.text for p in _open(assessment_to_docx(first_year)).paragraphs]
    assert not any("THAY ĐỔI THỨ HẠNG" in t for t in texts)
    assert "III. SỐ LIỆU TỔNG HỢP TOÀN TỈNH" in texts


def test_document_properties(small_doc: bytes) -> None:
    """Title with the year, subject, author udcntt, dates from the year, no template
    metadata (2013, Microsoft Macintosh Word, thumbnail, custom XML, revision ids)."""
    doc = _open(small_doc)
    props = doc.core_properties
    assert props.title == "Kết quả đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin năm 2017"
    assert props.subject == "Bộ tiêu chí mẫu (nhỏ)"
    assert props.author == "udcntt" and props.last_modified_by == "udcntt"
    assert props.created.year == 2017 and props.modified == props.created
    assert props.language == "vi-VN"
    parts = _parts(small_doc)
    # The theme part names Microsoft's fonts by script; nothing else may name the template.
    everything = "".join(text for name, text in parts.items() if "theme" not in name)
    for stale in ("2013-", "Microsoft", "Macintosh", "python-docx", "w:rsid", "Normal.dotm"):
        assert stale not in everything, stale
    assert "<Application>udcntt</Application>" in parts["docProps/app.xml"]
    assert not [n for n in parts if "thumbnail" in n or n.startswith("customXml")]


def test_bytes_are_reproducible(
    small: udcntt.Assessment, small_doc: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same assessment gives the same bytes; SOURCE_DATE_EPOCH sets the dates."""
    assert assessment_to_docx(small) == small_doc
    with zipfile.ZipFile(io.BytesIO(small_doc)) as z:
        assert {i.date_time for i in z.infolist()} == {(2017, 1, 1, 0, 0, 0)}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1546300800")  # 2019-01-01
    again = assessment_to_docx(small)
    assert again != small_doc
    assert _open(again).core_properties.created.year == 2019


def test_english_document(small: udcntt.Assessment) -> None:
    """lang='en': English frame, decimal points."""
    doc = _open(assessment_to_docx(small, lang="en"))
    texts = [p.text for p in doc.paragraphs]
    assert "Annex" in texts
    assert _rows(doc.tables[0])[1][4] == "80.00"


def test_front_matter_from_the_api(small: udcntt.Assessment) -> None:
    """Nghị định 30 front matter: header block, kind and subject, Kính gửi, Kiến nghị,
    Nơi nhận and signature; the issuer is the author; the annex names the report."""
    doc = _open(assessment_to_docx(small, front_matter=FRONT))
    header = _rows(doc.tables[0])[0]
    assert header[0].splitlines() == [
        "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG",
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "Số: 125/BC-STTTT",
    ]
    assert header[1].splitlines() == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lâm Đồng, ngày 05 tháng 01 năm 2018",
    ]
    texts = [p.text for p in doc.paragraphs]
    assert texts[:2] == [
        "BÁO CÁO",
        "Kết quả đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin năm 2017",
    ]
    assert "Kính gửi: Ủy ban nhân dân tỉnh" in texts
    assert "Bộ Thông tin và Truyền thông" in texts
    kien_nghi = texts.index("III. KIẾN NGHỊ")
    assert texts[kien_nghi + 1] == FRONT["recommendations"][0]
    signature = _rows(doc.tables[1])[0]
    assert signature[0].splitlines() == ["Nơi nhận:", "- Như trên;", "- Lưu: VT, CNTT."]
    assert signature[1].splitlines()[:2] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert signature[1].splitlines()[-1] == "Nguyễn Văn A"
    assert texts.index("III. KIẾN NGHỊ") < texts.index("PHỤ LỤC")
    assert "(Kèm theo Báo cáo số 125/BC-STTTT)" in texts
    assert doc.core_properties.author == "Sở Thông tin và Truyền thông"


def test_front_matter_blanks(small: udcntt.Assessment) -> None:
    """front_matter=True: every field a blank to fill in by hand."""
    doc = _open(assessment_to_docx(small, front_matter=True))
    header = _rows(doc.tables[0])[0]
    assert "Số: …/BC-…" in header[0]
    assert "…, ngày … tháng … năm …" in header[1]
    assert doc.core_properties.author == "udcntt"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"isuer": "x"}, "unknown front-matter key 'isuer'"),
        ({"date": "5/1/2018"}, "is not a date"),
        ({"recipients": {"a": "b"}}, "must be a text or a list of texts"),
        ({"issuer": ["a", "b"]}, "must be a text"),
    ],
)
def test_front_matter_mistakes(data: dict[str, Any], fragment: str) -> None:
    """Wrong keys and values are E-FRONT-MATTER usage errors."""
    with pytest.raises(udcntt.UsageError) as info:
        FrontMatter.from_mapping(data)
    assert info.value.code == "E-FRONT-MATTER"
    assert fragment in str(info.value)


def test_front_matter_from_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """score ... -o x.docx --docx-front-matter FILE; a wrong file stops before any work."""
    front = tmp_path / "front.yaml"
    front.write_text(
        "issuer: Sở Thông tin và Truyền thông\nnumber: 125/BC-STTTT\ndate: 2018-01-05\n"
        "recipients:\n  - Ủy ban nhân dân tỉnh\n",
        encoding="utf-8",
    )
    assert load_front_matter(front).number == "125/BC-STTTT"
    out = tmp_path / "bao-cao.docx"
    argv = ["score", str(RULES), str(EXAMPLE / "survey-2017.csv")]
    argv += ["--registry", str(EXAMPLE / "agencies.yaml"), "--year", "2017", "-o", str(out)]
    assert main([*argv, "--docx-front-matter", str(front)]) == EXIT_OK
    doc = _open(out.read_bytes())
    assert "Số: 125/BC-STTTT" in _rows(doc.tables[0])[0][0]
    assert "Kính gửi: Ủy ban nhân dân tỉnh" in [p.text for p in doc.paragraphs]
    out.unlink()
    front.write_text("isuer: x\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["--lang", "en", *argv, "--docx-front-matter", str(front)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "E-FRONT-MATTER" in err and "unknown front-matter key 'isuer'" in err
    assert not out.exists()


def test_column_widths_keep_words_whole() -> None:
    """Each column gets at least its longest word; the wide column takes what is left."""
    name = Column(
        [("Đơn vị", True), ("Ban Quản lý Khu du lịch quốc gia hồ Tuyền Lâm", False)], True
    )
    number = Column([("Tổng điểm", True), ("100,00", True)])
    long_head = Column(
        [("1. Hạ tầng kỹ thuật và bảo đảm an toàn thông tin (20)", True), ("19,85", False)]
    )
    widths = column_widths([name, number, long_head], 6000, 11)
    assert sum(widths) == 6000
    assert widths[1] >= word_width("điểm", 11, bold=True) + 2 * CELL_MARGIN
    assert widths[1] >= text_width("100,00", 11, bold=True) + 2 * CELL_MARGIN
    # Too narrow for the words: the table keeps them whole and grows.
    tight = column_widths([name, number, long_head], 500, 11)
    assert sum(tight) > 500
    assert lines_needed("một hai ba", 10_000, 11) == 1
    assert lines_needed("một hai ba", text_width("một", 11) + 2 * CELL_MARGIN + 40, 11) == 3
    assert text_width("ư", 11) > text_width("u", 11)


def test_charts_as_images(lam_dong: udcntt.Assessment, lam_dong_doc: bytes) -> None:
    """Part V: per block, the totals split by group and the ranks 2016 → 2017, as PNG
    pictures described by their captions."""
    from udcntt.report._docx_charts import chart_font, rank_slope_png, split_bars_png

    if chart_font() is None:
        pytest.skip("no font with the Vietnamese letters for the charts on this machine")
    doc = _open(lam_dong_doc)
    texts = [p.text for p in doc.paragraphs]
    charts = texts.index("V. BIỂU ĐỒ")
    assert doc.paragraphs[charts].style.name == "Heading 1"
    pictures = doc.inline_shapes
    assert len(pictures) == 13  # per block: split, slope, distribution, strengths; + means
    described = [d.get("descr") for d in doc.element.body.iter(qn("wp:docPr"))]
    assert described[0].startswith("Tổng điểm của từng đơn vị chia theo nhóm tiêu chí")
    assert described[1].startswith("Thứ hạng năm 2016 (trái) và năm 2017 (phải)")
    blobs = [p.blob for p in doc.part.package.iter_parts() if p.partname.endswith(".png")]
    assert len(blobs) == 13 and all(b.startswith(b"\x89PNG") for b in blobs)
    view = block_views(lam_dong)[0]
    png = split_bars_png(lam_dong, view, "vi")
    assert png == split_bars_png(lam_dong, view, "vi")
    assert png in blobs
    assert rank_slope_png(lam_dong, view, "vi", ("2016", "2017")) in blobs


def _needs_chart_font() -> None:
    from udcntt.report._docx_charts import chart_font

    if chart_font() is None:
        pytest.skip("no font with the Vietnamese letters for the charts on this machine")


def _pictures(doc: Any) -> list[tuple[str, bytes]]:
    """Each inline picture's description and PNG bytes, in document order."""
    out = []
    for shape in doc.inline_shapes:
        inline = shape._inline
        descr = inline.docPr.get("descr")
        rid = inline.graphic.graphicData.pic.blipFill.blip.embed
        out.append((descr, doc.part.related_parts[rid].blob))
    return out


def test_distribution_images_state_the_html_figures(
    lam_dong: udcntt.Assessment, lam_dong_doc: bytes
) -> None:
    """Per block, the totals' distribution (dots, middle-half box, labelled thresholds) as
    a picture whose description gives the five-number summary and mean of `_charts_data`."""
    from udcntt.report._charts_data import distribution
    from udcntt.report._docx_charts_more import distribution_png
    from udcntt.report._format import fmt_percent

    _needs_chart_font()
    pictures = _pictures(_open(lam_dong_doc))
    for view in block_views(lam_dong):
        dist = distribution(view, lam_dong)
        assert dist is not None
        drawn = distribution_png(lam_dong, view, "vi")
        assert drawn is not None
        png, _caption, descr = drawn
        assert (descr, png) in pictures
        assert f"{len(dist.shares)} đơn vị thuộc {view.label}" in descr
        for name, value in (
            ("thấp nhất", dist.lowest),
            ("tứ phân vị 1", dist.q1),
            ("trung vị", dist.median),
            ("tứ phân vị 3", dist.q3),
            ("cao nhất", dist.highest),
            ("trung bình", dist.mean),
        ):
            assert f"{name} {fmt_percent(value, lang='vi')}" in descr
    first = block_views(lam_dong)[0]
    # The 2017 example's first block: 20 agencies, median 74,3 % of the maximum.
    assert "20 đơn vị" in pictures[2][0] and "trung vị 74,3%" in pictures[2][0]
    drawn_again = distribution_png(lam_dong, first, "vi")
    assert drawn_again is not None and drawn_again[0] == pictures[2][1]


def test_group_means_heatmap_states_each_blocks_means(
    lam_dong: udcntt.Assessment, lam_dong_doc: bytes
) -> None:
    """One heatmap of the block means per criteria group, last in part V under its own
    heading; its description gives every block's mean share per group as `_charts_data`
    computes them (the HTML's numbers), and the bytes are the same on every run."""
    from udcntt.report._charts_data import block_group_means, group_columns
    from udcntt.report._docx_charts_more import group_means_png
    from udcntt.report._format import fmt_percent

    _needs_chart_font()
    doc = _open(lam_dong_doc)
    texts = [p.text for p in doc.paragraphs]
    assert "4. Bình quân các khối theo nhóm tiêu chí" in texts
    views = block_views(lam_dong)
    columns = group_columns(views)
    means = block_group_means(views, columns)
    descr, png = _pictures(doc)[-1]
    assert descr.startswith("Điểm bình quân của mỗi khối theo nhóm tiêu chí")
    for label, values in means:
        cells = ", ".join(
            f"{c.index + 1} {fmt_percent(v, lang='vi', places=0)}"
            for c, v in zip(columns, values, strict=True)
            if v is not None
        )
        assert f"{label}: {cells}" in descr
    assert "Khối các sở, ban, ngành: 1 97%, 2 86%, 3 65%, 4 80%, 5 60%" in descr
    assert "1. 1." not in descr  # numbered titles keep their own number once
    drawn = group_means_png(views, "vi")
    assert drawn is not None and drawn[0] == png
    assert assessment_to_docx(lam_dong) == lam_dong_doc


def test_strengths_heatmap_per_block(lam_dong: udcntt.Assessment, lam_dong_doc: bytes) -> None:
    """Per block, agencies × groups: share minus block mean in percentage points, every
    cell's value in the description (the caption under it keeps to the key and means)."""
    from udcntt.report._charts_data import strengths
    from udcntt.report._docx_charts_more import strengths_png
    from udcntt.report._format import fmt_number

    _needs_chart_font()
    doc = _open(lam_dong_doc)
    pictures = _pictures(doc)
    captions = [p.text for p in doc.paragraphs]
    for view in block_views(lam_dong):
        drawn = strengths_png(view, "vi")
        assert drawn is not None
        png, caption, descr = drawn
        assert (descr, png) in pictures and caption in captions
        assert descr.startswith(caption) and len(descr) > len(caption)
        data = strengths(view)
        for result in view.results:
            cells = []
            for n, s in enumerate(data[result.agency_id], start=1):
                if s.difference is None:
                    continue
                sign = "+" if s.difference > 0 else "\u2212" if s.difference < 0 else "±"
                cells.append(f"{n} {sign}{fmt_number(abs(s.difference) * 100, places=1)}")
            assert f"{result.name}: {', '.join(cells)}" in descr
    # English words with the English decimal point.
    en = strengths_png(block_views(lam_dong)[0], "en")
    assert en is not None and "Block means: 1 97%" in en[1] and "." in en[2]


def test_heatmap_cells_are_readable() -> None:
    """Cell text is black or white, whichever contrasts more: at least 4.5:1 on every
    colour of either scale, and the diverging scale is blue above, vermilion below."""
    from decimal import Decimal

    from udcntt.report._docx_charts_more import cell_colours, contrast

    for step in range(101):
        value = Decimal(step) / 100
        for fill, ink in (
            cell_colours(value),
            cell_colours(value, diverging=True),
            cell_colours(-value, diverging=True),
            cell_colours(value * 3, diverging=True, span=Decimal("0.5")),
        ):
            assert contrast(fill, ink) >= 4.5, (value, fill, ink)
    assert cell_colours(None)[0] == (238, 238, 238)
    above, _ = cell_colours(Decimal("0.5"), diverging=True, span=Decimal("0.5"))
    below, _ = cell_colours(Decimal("-0.5"), diverging=True, span=Decimal("0.5"))
    assert above[2] > above[0] and below[0] > below[2]
    assert cell_colours(Decimal(1))[1] == (255, 255, 255)  # dark blue: white text
    assert cell_colours(Decimal(0))[1] == (0, 0, 0)
    assert round(contrast((0, 0, 0), (255, 255, 255)), 2) == 21.0


def test_no_charts_without_a_font(
    small: udcntt.Assessment, first_year: udcntt.Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a font for Vietnamese the report has no chart part; without a previous year
    no slope chart."""
    from udcntt.report import _docx
    from udcntt.report._docx_charts import chart_font, rank_slope_png

    if chart_font() is not None:
        view = block_views(first_year)[0]
        assert rank_slope_png(first_year, view, "vi", ("a", "b")) is None
        images = _open(assessment_to_docx(first_year)).inline_shapes
        # split bars, distribution and strengths per block, then the group means; no slope
        assert len(images) == 3 * len(block_views(first_year)) + 1
    monkeypatch.setattr(_docx, "chart_font", lambda: None)
    doc = _open(assessment_to_docx(small))
    assert len(doc.inline_shapes) == 0
    assert not [p.text for p in doc.paragraphs if "BIỂU ĐỒ" in p.text]
