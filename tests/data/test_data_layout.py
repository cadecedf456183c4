"""Survey layouts: the declarative mapping of a province's workbook."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from data_helpers import write
from pydantic import ValidationError

from udcntt.data import check_layout, read_layout, read_survey
from udcntt.errors import DataError
from udcntt.model import RuleSet
from udcntt.model._survey import ColumnRole, SurveyFormat, SurveyLayout


def test_read_layout(fixtures: Path) -> None:
    """A layout file (under 'survey:') gives a frozen model with shorthand expanded."""
    layout = read_layout(fixtures / "layout.yaml")
    assert layout.header_row == 3
    assert layout.columns["Tổng số CBCCVC"].indicator == "staff_total"
    assert layout.columns["Tỷ lệ MT (%)"].scale == "percent"
    assert layout.format is SurveyFormat.WIDE
    with pytest.raises(ValidationError):
        layout.header_row = 4  # type: ignore[misc]


def test_layout_errors_are_located(tmp_path: Path) -> None:
    """Unknown keys and bad values are mapping errors with their line."""
    path = write(tmp_path / "l.yaml", "format: wide\nheader_rows: 3\ndelimiter: ab\n")
    with pytest.raises(DataError) as info:
        read_layout(path)
    assert [d.code for d in info.value.diagnostics] == ["E-DATA-MAPPING", "E-DATA-MAPPING"]
    lines = sorted(d.location.line for d in info.value.diagnostics)  # type: ignore[union-attr]
    assert lines == [2, 3]


@pytest.mark.parametrize(
    "data",
    [
        {"header_row": 5, "first_data_row": 4},
        {"true_values": ["x"], "false_values": ["X"]},
        {"not_applicable": ["-"], "missing": ["-"]},
        {"format": "long", "columns": {"a": "staff_total"}},
        {"encoding": "klingon"},
        {"columns": {"a": {"indicator": "staff_total", "scale": "0"}}},
    ],
)
def test_inconsistent_layouts(data: dict[str, object]) -> None:
    """Contradictory layouts are refused by the model."""
    with pytest.raises(ValidationError):
        SurveyLayout.model_validate(data)


def test_check_layout_against_rules(rules: RuleSet) -> None:
    """Columns must name indicators; units must agree; sheets must name blocks."""
    layout = SurveyLayout.model_validate(
        {
            "columns": {
                "A": "staf_total",
                "B": {"indicator": "bandwidth", "unit": "Gbps"},
                "C": {"indicator": "portal", "scale": "percent"},
            },
            "sheet_blocks": {"X": "khoi_xa"},
            "locale": "xx-YY",
        }
    )
    diags = check_layout(rules, layout)
    assert len(diags) == 5
    assert diags[0].hint == "did you mean 'staff_total'?"


def test_explicit_columns_and_roles(rules: RuleSet, tmp_path: Path) -> None:
    """Declared columns map any header to an indicator and a role."""
    layout = SurveyLayout.model_validate(
        {
            "columns": {
                "Số máy": "staff_pc",
                "Số máy (HĐ thẩm định)": {"indicator": "staff_pc", "role": "appraised"},
                "Nguồn": {"indicator": "staff_pc", "role": "evidence"},
            },
            "unknown_columns": "ignore",
        }
    )
    path = write(
        tmp_path / "s.csv",
        "id,name,block,Số máy,Số máy (HĐ thẩm định),Nguồn,Khác\na,A,so_nganh,5,4,BC 1,zzz\n",
    )
    ds = read_survey(path, rules, layout=layout)
    agency = ds.agencies[0]
    assert agency.values == {"staff_pc": Decimal(4)}
    assert agency.cells["staff_pc"].evidence == "BC 1"
    assert layout.columns["Nguồn"].role is ColumnRole.EVIDENCE
    assert any(
        d.code == "W-DATA-HEADER-IGNORED" and d.severity.value == "warning" for d in ds.diagnostics
    )


def test_custom_spellings(rules: RuleSet, tmp_path: Path) -> None:
    """Declared spellings replace the defaults."""
    layout = SurveyLayout(
        not_applicable=("không có",),
        missing=("", "chưa nhập"),
        true_values=("đạt",),
        false_values=("không đạt",),
    )
    path = write(
        tmp_path / "s.csv",
        "id,name,block,portal,portal__minh_chung,plan_date\n"
        "a,A,so_nganh,đạt,x,không có\nb,B,so_nganh,không đạt,,chưa nhập\n",
    )
    ds = read_survey(path, rules, layout=layout)
    assert ds.by_id()["a"].values == {
        "portal": True,
        "plan_date": ds.by_id()["a"].values["plan_date"],
    }
    assert ds.by_id()["b"].values == {"portal": False}


def test_layout_locale_and_declared_header_row(rules: RuleSet, tmp_path: Path) -> None:
    """The layout's locale and header row are used."""
    layout = SurveyLayout(locale="en-US", header_row=2)
    path = write(tmp_path / "s.csv", 'title\nid,name,block,bandwidth\na,A,so_nganh,"1,537.5"\n')
    ds = read_survey(path, rules, layout=layout)
    assert ds.agencies[0].values["bandwidth"] == Decimal("1537.5")
    ds = read_survey(path, rules, layout=SurveyLayout(header_row=2), locale="en-US")
    assert ds.agencies[0].values["bandwidth"] == Decimal("1537.5")


def test_rules_declared_layout_is_used(rules: RuleSet, tmp_path: Path) -> None:
    """When the rule set carries a layout under 'survey', it is the default."""
    layout = SurveyLayout(header_row=2)

    class WithSurvey:
        def __getattr__(self, name: str) -> object:
            return layout if name == "survey" else getattr(rules, name)

    path = write(tmp_path / "s.csv", "x\nid,name,block,staff_total\na,A,so_nganh,3\n")
    ds = read_survey(
        path,
        WithSurvey(),
    )  # type: ignore[arg-type]
    assert ds.agencies[0].values == {"staff_total": Decimal(3)}
