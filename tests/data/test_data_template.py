"""The survey template: written per block, with validation lists, and read back unchanged."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from udcntt.data import read_registry, read_survey, template_columns, write_template
from udcntt.errors import Severity, UsageError
from udcntt.model import RuleSet

openpyxl = pytest.importorskip("openpyxl")


def test_columns_per_block(rules: RuleSet) -> None:
    """A block's sheet lists only the indicators that apply to it, plus evidence columns."""
    so = [c[0] for c in template_columns(rules, "so_nganh")]
    huyen = [c[0] for c in template_columns(rules, "huyen", appraisal=True)]
    assert so[:3] == ["id", "name", "block"]
    assert "online_services" not in so
    assert "online_services" in huyen
    assert "portal__minh_chung" in so
    assert "staff_total__tham_dinh" in huyen


def test_xlsx_template(rules: RuleSet, tmp_path: Path) -> None:
    """The workbook has a README, one sheet per block, labels, comments and validation lists."""
    path = write_template(rules, tmp_path / "survey.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["README", "so_nganh", "huyen", "_lists"]
    assert wb["_lists"].sheet_state == "hidden"
    ws = wb["so_nganh"]
    assert ws["D1"].value == "staff_total"
    assert ws["D2"].value == "Tổng số cán bộ"
    assert "count" in ws["D1"].comment.text
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"Có,Không"' in formulas
    assert any("_lists" in f for f in formulas)
    readme = "\n".join(str(c.value) for row in wb["README"].iter_rows() for c in row if c.value)
    assert "N/A" in readme
    assert "1.537" in readme


def test_empty_template_reads_back(rules: RuleSet, fixtures: Path, tmp_path: Path) -> None:
    """An untouched template prefilled from a registry reads back: every value missing."""
    registry = read_registry(fixtures / "registry.yaml")
    path = write_template(rules, tmp_path / "survey.xlsx", registry=registry, appraisal=True)
    ds = read_survey(path, rules, registry=registry)
    assert len(ds) == len(registry)
    assert all(a.values == {} for a in ds)
    assert [d for d in ds.diagnostics if d.severity is Severity.ERROR] == []
    assert ds.rows_read == len(registry)


def test_template_without_registry_reads_back_empty(rules: RuleSet, tmp_path: Path) -> None:
    """An untouched template without agencies reads back as an empty dataset."""
    path = write_template(rules, tmp_path / "survey.xlsx")
    ds = read_survey(path, rules)
    assert len(ds) == 0
    assert ds.rows_read == 0


def test_filled_template_round_trip(rules: RuleSet, tmp_path: Path) -> None:
    """Template → filled in Excel → read with no layout."""
    path = write_template(rules, tmp_path / "survey.xlsx", blocks=["huyen"])
    wb = openpyxl.load_workbook(path)
    ws = wb["huyen"]
    headers = [c.value for c in ws[1]]
    values = {
        "id": "h1",
        "name": "UBND huyện Lạc Dương",
        "staff_total": 80,
        "staff_pc": "60",
        "pc_ratio": 0.75,
        "portal": "Có",
        "portal__minh_chung": "QĐ 1/UBND",
        "leader": "Phó Chủ tịch",
        "online_services": "KAD",
        "plan_date": "15/01/2024",
    }
    for name, value in values.items():
        ws.cell(row=3, column=headers.index(name) + 1, value=value)
    ws.cell(row=3, column=headers.index("pc_ratio") + 1).number_format = "0%"
    wb.save(path)
    ds = read_survey(path, rules)
    (agency,) = ds.agencies
    assert agency.block == "huyen"
    assert agency.values["pc_ratio"] == Decimal("0.75")
    assert agency.values["leader"] == "pho_chu_tich"
    assert agency.values["staff_pc"] == Decimal(60)
    assert agency.values["portal"] is True


def test_csv_template_reads_back(rules: RuleSet, fixtures: Path, tmp_path: Path) -> None:
    """The CSV template has ids and labels, and reads back."""
    registry = read_registry(fixtures / "registry.yaml")
    path = write_template(rules, tmp_path / "survey.csv", registry=registry)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        header, labels, *rows = list(csv.reader(handle))
    assert header[:4] == ["id", "name", "block", "staff_total"]
    assert labels[3] == "Tổng số cán bộ"
    assert len(rows) == len(registry)
    ds = read_survey(path, rules, registry=registry)
    assert len(ds) == len(registry)


def test_template_errors(rules: RuleSet, tmp_path: Path) -> None:
    """Unknown blocks and formats are usage errors."""
    with pytest.raises(UsageError):
        write_template(rules, tmp_path / "x.xlsx", blocks=["khoi_xa"])
    with pytest.raises(UsageError):
        write_template(rules, tmp_path / "x.ods")


def test_formula_like_labels_stay_text(rules: RuleSet, tmp_path: Path) -> None:
    """A label that starts with '=' is written as text, never as a formula."""
    data = rules.model_dump()
    data["indicators"]["staff_total"]["label"] = '=HYPERLINK("http://x")'
    evil = RuleSet.model_validate(data)
    path = write_template(evil, tmp_path / "survey.xlsx")
    ws = openpyxl.load_workbook(path)["so_nganh"]
    assert ws["D2"].data_type == "s"
    csv_path = write_template(evil, tmp_path / "survey.csv")
    assert "'=HYPERLINK" in csv_path.read_text(encoding="utf-8-sig")
