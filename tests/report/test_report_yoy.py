"""Year over year in the reports, and data that say they are synthetic.

Through the CLI as a province runs it (``udcntt score … --previous … -o …``) for every
format, and through the public API for the tables' functions and the narrative.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

import udcntt
from udcntt.cli import main
from udcntt.errors import DataError
from udcntt.report import narrative, narrative_paragraphs
from udcntt.report._figures import figure_changes
from udcntt.report._tables import (
    block_views,
    comparison_cells,
    ranking_cells,
    ranking_headers,
    tier_changes,
    tier_changes_line,
    tier_movers,
)

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules" / "lam-dong-2017.yaml"
EXAMPLE = ROOT / "examples" / "lam-dong"

pytest.importorskip("openpyxl")
pytest.importorskip("docx")
pytest.importorskip("jinja2")

#: The headings of the comparison columns, Vietnamese.
YOY_HEADINGS = ("Tổng điểm năm 2016", "Tăng/giảm điểm", "Xếp loại năm 2016", "Thứ hạng năm 2016")


def _score(tmp_path: Path, *extra: str, outputs: tuple[str, ...], registry: bool = True) -> None:
    args = ["score", str(RULES), str(EXAMPLE / "survey-2017.csv"), "--year", "2017", *extra]
    if registry:
        args += ["--registry", str(EXAMPLE / "agencies.yaml")]
    for name in outputs:
        args += ["-o", str(tmp_path / name)]
    assert main(args) == 0


def _text(path: Path) -> str:
    """The readable text of a report: XLSX cell values, DOCX XML text, else the file."""
    if path.suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path)
        return "\n".join(
            str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
        )
    if path.suffix == ".docx":
        import docx

        doc = docx.Document(str(path))
        cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)
    return path.read_text(encoding="utf-8-sig")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The 2017 example against 2016, in every format."""
    tmp = tmp_path_factory.mktemp("yoy")
    names = ("r.md", "r.html", "r.docx", "r.xlsx", "r.json", "r.csv")
    _score(tmp, "--previous", str(EXAMPLE / "survey-2016.csv"), outputs=names)
    return {Path(n).suffix: tmp / n for n in names}


@pytest.mark.parametrize("fmt", [".md", ".html", ".docx", ".xlsx"])
def test_every_format_shows_last_year_beside_this_year(reports: dict[str, Path], fmt: str) -> None:
    """Previous total, score change, previous tier and rank as columns, Sở TT&TT's values,
    and the tier-change summary of each block."""
    text = _text(reports[fmt])
    for heading in YOY_HEADINGS:
        assert heading in text, (fmt, heading)
    if fmt == ".xlsx":  # numbers stored as numbers
        assert "78.5" in text and "9.6" in text
    else:
        assert "78,50" in text and "+9,60" in text
    assert "Thay đổi xếp loại so với năm 2016: Tốt 1 → 4, Khá 10 → 15, Trung bình 9 → 1" in text
    assert "Tốt 0 → 1, Khá 5 → 9, Trung bình 7 → 2" in text


def test_csv_carries_last_year(reports: dict[str, Path]) -> None:
    """Previous total, score change (published rounding) and previous tier per row."""
    data = reports[".csv"].read_bytes().decode("utf-8-sig")
    rows = {r["agency_id"]: r for r in csv.DictReader(io.StringIO(data))}
    stt = rows["so_thong_tin_truyen_thong"]
    assert (stt["previous_total"], stt["score_change"], stt["previous_tier"]) == (
        "78.50",
        "9.60",
        "kha",
    )
    assert rows["ubnd_huyen_lam_ha"]["score_change"].startswith("-")


def test_xlsx_score_change_is_a_signed_number(reports: dict[str, Path]) -> None:
    import openpyxl

    ws = openpyxl.load_workbook(reports[".xlsx"]).worksheets[0]
    header = next(r for r in ws.iter_rows(values_only=True) if r and r[0] == "STT")
    col = header.index("Tăng/giảm điểm") + 1
    row = next(r for r in ws.iter_rows() if r[1].value == "Sở Thông tin và Truyền thông")
    cell = row[col - 1]
    assert cell.value == pytest.approx(9.6)
    assert cell.number_format.startswith('"+"')


def test_table_cells_follow_the_headers(lam_dong: udcntt.Assessment) -> None:
    """ranking_cells gives a row in ranking_headers order; the change is signed and rounded
    as published; a tier last year is its label."""
    view = block_views(lam_dong)[0]
    headers = ranking_headers(lam_dong, view, "vi")
    stt = lam_dong.by_id("so_thong_tin_truyen_thong")
    cells = ranking_cells(lam_dong, view, stt, 2, "vi")
    assert len(cells) == len(headers)
    row = dict(zip(headers, (c.text for c in cells), strict=True))
    assert row["Tổng điểm"] == "88,10"
    assert row["Tổng điểm năm 2016"] == "78,50"
    assert row["Tăng/giảm điểm"] == "+9,60"
    assert row["Xếp loại năm 2016"] == "Khá"
    assert row["Thứ hạng năm 2016"] == "2"
    lam_ha = lam_dong.by_id("ubnd_huyen_lam_ha")
    change = next(c for c in comparison_cells(lam_dong, lam_ha, "en") if c.key == "score_change")
    assert change.text == "\u22124.30" and change.value == Decimal("-4.30")


def test_tier_changes_count_this_year_and_last(lam_dong: udcntt.Assessment) -> None:
    """Per block: how many were in each tier last year and are now, and who moved."""
    so, khac, huyen = block_views(lam_dong)
    assert [(c.label, c.before, c.after) for c in tier_changes(lam_dong, so)] == [
        ("Tốt", 1, 4),
        ("Khá", 10, 15),
        ("Trung bình", 9, 1),
    ]
    moved = [len(tier_movers(lam_dong, v)) for v in (so, khac, huyen)]
    assert moved == [11, 4, 6]
    assert tier_changes_line(lam_dong, khac, "en") == (
        "Tier changes since 2016: Tốt 0 → 1, Khá 2 → 4, Trung bình 9 → 6"
    )


def test_narrative_names_tier_changes(lam_dong: udcntt.Assessment) -> None:
    text = narrative(lam_dong)
    assert (
        "So với năm 2016, số cơ quan đạt mức tốt tăng từ 1 lên 4, mức khá tăng từ 10 lên 15 "
        "và mức trung bình giảm từ 9 xuống 1." in text
    )
    assert (
        "Được nâng lên mức tốt so với năm 2016 có 3 cơ quan: Sở Thông tin và Truyền thông, "
        "Văn phòng Ủy ban nhân dân tỉnh, Sở Giáo dục và Đào tạo." in text
    )
    assert "Được nâng lên mức tốt so với năm 2016 có 1 cơ quan: Cục Thuế tỉnh Lâm Đồng." in text
    english = narrative(lam_dong, lang="en")
    assert "Moved up to Good (Tốt) since 2016 (1 agency): UBND thành phố Đà Lạt." in english


def test_narrative_gives_the_province_figures_of_both_years(lam_dong: udcntt.Assessment) -> None:
    """The article's two year-over-year facts, computed from the two surveys: online services
    at levels 3-4 from 251 to 626 (+375), IT staff from 137 to 129."""
    last = narrative_paragraphs(lam_dong)[-1]
    assert last.startswith("So với năm 2016, ")
    assert "số dịch vụ công trực tuyến mức độ 3 và 4 tăng 375 (từ 251 lên 626 thủ tục)" in last
    assert "số cán bộ chuyên trách CNTT giảm 8 (từ 137 xuống 129 người)" in last
    english = narrative_paragraphs(lam_dong, lang="en")[-1]
    assert (
        "“Số dịch vụ công trực tuyến mức độ 3” + “Số dịch vụ công trực tuyến mức độ 4” up 375 "
        "(from 251 to 626)" in english
    )
    sums = {c.ids: (c.before, c.after) for c in figure_changes(lam_dong)}
    assert sums[("procedures_level3", "procedures_level4")] == (251, 626)
    assert sums[("it_staff",)] == (137, 129)


def test_results_file_keeps_last_years_figures(reports: dict[str, Path], tmp_path: Path) -> None:
    """The JSON carries last year's province totals, so ``udcntt report`` on it compares the
    years as the direct run does."""
    data = json.loads(reports[".json"].read_text(encoding="utf-8"))
    assert data["previous_figures"]["it_staff"] == "137"
    out = tmp_path / "again.md"
    assert main(["report", str(reports[".json"]), "-o", str(out)]) == 0
    assert "số cán bộ chuyên trách CNTT giảm 8 (từ 137 xuống 129 người)" in out.read_text(
        encoding="utf-8"
    )


def test_without_a_previous_year_nothing_is_compared(
    first_year: udcntt.Assessment, tmp_path: Path
) -> None:
    view = block_views(first_year)[0]
    assert not any(
        h.startswith(("Tổng điểm năm", "Xếp loại năm"))
        for h in ranking_headers(first_year, view, "vi")
    )
    assert tier_changes_line(first_year, view, "vi") is None
    assert figure_changes(first_year) == []
    assert "So với" not in narrative(first_year)


# ---------------------------------------------------------------------------------------
# synthetic data


@pytest.mark.parametrize("fmt", [".md", ".html", ".docx", ".xlsx"])
def test_synthetic_data_are_said_in_every_report(reports: dict[str, Path], fmt: str) -> None:
    """The example's registry declares ``synthetic: true``: the methodology and the
    narrative say so."""
    text = _text(reports[fmt])
    assert "số liệu khảo sát là số liệu giả lập (ví dụ)" in text
    if fmt != ".xlsx":
        assert "Lưu ý: số liệu khảo sát trong báo cáo này là số liệu giả lập" in text


def test_synthetic_data_survive_the_results_file(reports: dict[str, Path], tmp_path: Path) -> None:
    data = json.loads(reports[".json"].read_text(encoding="utf-8"))
    assert data["methodology"]["synthetic_data"] is True
    out = tmp_path / "again.md"
    assert main(["report", str(reports[".json"]), "-o", str(out)]) == 0
    assert "số liệu khảo sát là số liệu giả lập (ví dụ)" in out.read_text(encoding="utf-8")


def test_real_data_are_not_called_synthetic(tmp_path: Path) -> None:
    """Without the registry's flag nothing says synthetic."""
    _score(tmp_path, outputs=("r.md", "r.json"), registry=False)
    assert "giả lập" not in (tmp_path / "r.md").read_text(encoding="utf-8")
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert "synthetic_data" not in data["methodology"]


def _survey_yaml(tmp_path: Path, flag: str) -> Path:
    path = tmp_path / f"survey-{flag.replace(' ', '-')}.yaml"
    path.write_text(
        f"year: 2017\nsynthetic: {flag}\nagencies:\n"
        "  - {id: a, name: Sở A, block: so, values: {staff_total: 10, staff_pc: 5, meetings: 2,"
        " head: pho, has_portal: true, bandwidth: 50}}\n",
        encoding="utf-8",
    )
    return path


def test_a_survey_file_can_say_it_is_synthetic(tmp_path: Path) -> None:
    rules = udcntt.load_rules(ROOT / "tests" / "fixtures" / "valid" / "small.yaml")
    data = udcntt.read_survey(_survey_yaml(tmp_path, "true"), rules)
    assert data.synthetic
    assessment = udcntt.evaluate(rules, data)
    assert "giả lập" in narrative(assessment)
    with pytest.raises(DataError) as info:
        udcntt.read_survey(_survey_yaml(tmp_path, "maybe"), rules)
    assert info.value.diagnostics[0].code == "E-DATA-FORMAT"


def test_a_registry_flag_must_be_true_or_false(tmp_path: Path) -> None:
    from udcntt.data import read_registry

    path = tmp_path / "reg.yaml"
    path.write_text(
        "synthetic: yes please\nagencies:\n  - {id: a, name: Sở A, block: so}\n", encoding="utf-8"
    )
    with pytest.raises(DataError) as info:
        read_registry(path)
    assert info.value.diagnostics[0].code == "E-DATA-REGISTRY"
    path.write_text("synthetic: true\nagencies:\n  - {id: a, name: Sở A, block: so}\n")
    assert read_registry(path).synthetic is True
