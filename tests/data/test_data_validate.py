"""Validation: strict and lenient policies, row accounting, appraisal, evidence, relations."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from data_helpers import write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from udcntt.data import MISSING, NA, read_survey
from udcntt.errors import DataError, Severity
from udcntt.model import RuleSet
from udcntt.model._survey import SurveyLayout


def errors(diags: object) -> list[str]:
    return [d.code for d in diags if d.severity is Severity.ERROR]  # type: ignore[attr-defined]


def test_strict_lists_every_error(rules: RuleSet, tmp_path: Path) -> None:
    """Strict raises one DataError holding every problem, not just the first."""
    path = write(
        tmp_path / "s.csv",
        "id,name,block,staff_total,pc_ratio,leader\n"
        "a,A,so_nganh,x,2,Bí thư\nb,B,so_nganh,-1,50%,Chủ tịch\n",
    )
    with pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert errors(info.value.diagnostics) == [
        "E-DATA-NUMBER",
        "E-DATA-RANGE",
        "E-DATA-CATEGORY",
        "E-DATA-RANGE",
    ]


def test_lenient_keeps_valid_values(rules: RuleSet, tmp_path: Path) -> None:
    """Lenient keeps what is valid; invalid cells are missing and listed with their raw text."""
    path = write(tmp_path / "s.csv", "id,name,block,staff_total,pc_ratio\na,A,so_nganh,x,50%\n")
    ds = read_survey(path, rules, policy="lenient")
    agency = ds.agencies[0]
    assert agency.get("staff_total") is MISSING
    assert agency.values["pc_ratio"] == Decimal("0.5")
    assert agency.cells["staff_total"].raw == "x"
    assert errors(ds.diagnostics) == ["E-DATA-NUMBER"]
    assert (ds.rows_read, ds.rows_used, ds.rows_rejected) == (1, 1, 0)


def test_policy_must_be_known(rules: RuleSet, fixtures: Path) -> None:
    """An unknown policy is a usage error."""
    from udcntt.errors import UsageError

    with pytest.raises(UsageError):
        read_survey(fixtures / "survey_wide.csv", rules, policy="loose")  # type: ignore[arg-type]


def test_appraisal_columns(rules: RuleSet, tmp_path: Path) -> None:
    """The appraised value replaces the self-assessed one; each change is listed."""
    path = write(
        tmp_path / "s.csv",
        "id,name,block,staff_total__tu_danh_gia,staff_total__tham_dinh,"
        "Tỷ lệ máy tính,Tỷ lệ máy tính (thẩm định),bandwidth,bandwidth__appraised\n"
        "a,A,so_nganh,100,90,50%,50%,10,\n",
    )
    ds = read_survey(path, rules)
    agency = ds.agencies[0]
    assert agency.values == {
        "staff_total": Decimal(90),
        "pc_ratio": Decimal("0.5"),
        "bandwidth": Decimal(10),
    }
    info = agency.cells["staff_total"]
    assert (info.self_assessed, info.appraised) == (Decimal(100), Decimal(90))
    changes = [d for d in ds.diagnostics if d.code == "W-DATA-APPRAISED"]
    assert [(d.indicator, d.location.cell_column) for d in changes] == [  # type: ignore[union-attr]
        ("staff_total", "E")
    ]


def test_appraiser_may_mark_not_applicable(rules: RuleSet, tmp_path: Path) -> None:
    """An appraised N/A replaces a self-assessed figure."""
    path = write(
        tmp_path / "s.csv",
        "id,name,block,plan_date,plan_date__tham_dinh\na,A,so_nganh,01/01/2024,KAD\n",
    )
    ds = read_survey(path, rules)
    assert ds.agencies[0].values["plan_date"] is NA


def test_evidence_required(rules: RuleSet, tmp_path: Path) -> None:
    """A claimed value without required evidence is an error and is not used; 'no' needs none."""
    path = write(
        tmp_path / "s.csv",
        "id,name,block,portal,portal__minh_chung\n"
        "a,A,so_nganh,Có,\nb,B,so_nganh,Không,\nc,C,so_nganh,Có,QĐ 12\n",
    )
    ds = read_survey(path, rules, policy="lenient")
    by_id = ds.by_id()
    assert by_id["a"].get("portal") is MISSING
    assert by_id["b"].values["portal"] is False
    assert by_id["c"].values["portal"] is True
    assert by_id["c"].cells["portal"].evidence == "QĐ 12"
    assert errors(ds.diagnostics) == ["E-DATA-EVIDENCE"]


def test_relations(rules: RuleSet, tmp_path: Path) -> None:
    """A declared relation that fails is reported per agency; its values are not used."""
    path = write(
        tmp_path / "s.csv",
        "id,name,block,staff_total,staff_pc\n"
        "a,A,so_nganh,10,12\nb,B,so_nganh,10,8\nc,C,so_nganh,,8\n",
    )
    with pytest.raises(DataError) as info:
        read_survey(path, rules)
    (diag,) = [d for d in info.value.diagnostics if d.severity is Severity.ERROR]
    assert (diag.code, diag.agency) == ("E-DATA-RELATION", "a")
    assert any("staff_pc = 12" in note for note in diag.notes)
    ds = read_survey(path, rules, policy="lenient")
    assert ds.by_id()["a"].values == {}
    assert ds.by_id()["b"].values == {"staff_total": Decimal(10), "staff_pc": Decimal(8)}


def test_indicator_for_another_block(rules: RuleSet, tmp_path: Path) -> None:
    """A value for an indicator that does not apply to the agency's block is flagged, unused."""
    path = write(tmp_path / "s.csv", "id,name,block,online_services\na,A,so_nganh,5\nb,B,huyen,5\n")
    ds = read_survey(path, rules)
    assert ds.by_id()["a"].values == {}
    assert ds.by_id()["b"].values == {"online_services": Decimal(5)}
    assert any(d.code == "W-DATA-SUSPICIOUS" and d.agency == "a" for d in ds.diagnostics)


def test_long_csv(rules: RuleSet, fixtures: Path) -> None:
    """Long tables: one row per value, with appraisal and evidence columns."""
    layout = SurveyLayout(format="long", block_column=None)
    from udcntt.data import read_registry

    registry = read_registry(fixtures / "registry.yaml")
    ds = read_survey(
        fixtures / "survey_long.csv", rules, layout=layout, registry=registry, policy="lenient"
    )
    yte = ds.by_id()["so_yte"]
    assert yte.values == {
        "staff_total": Decimal(120),
        "staff_pc": Decimal(90),
        "portal": True,
        "pc_ratio": Decimal("0.8"),
    }
    assert ds.by_id()["h_hoa_vang"].values["online_services"] is NA
    assert (ds.rows_read, ds.rows_used, ds.rows_rejected) == (6, 6, 0)
    assert "W-DATA-APPRAISED" in [d.code for d in ds.diagnostics]


def test_long_rejections(rules: RuleSet, tmp_path: Path) -> None:
    """Unknown indicators and repeated values reject their rows, counted."""
    path = write(
        tmp_path / "s.csv",
        "id,name,block,indicator,value\n"
        "a,A,so_nganh,staff_total,1\na,A,so_nganh,staf_total,1\n"
        "a,A,so_nganh,pc_ratio,1%\na,A,so_nganh,pc_ratio,2%\n",
    )
    ds = read_survey(path, rules, layout=SurveyLayout(format="long"), policy="lenient")
    assert ds.agencies[0].values == {"staff_total": Decimal(1)}
    assert (ds.rows_read, ds.rows_used, ds.rows_rejected) == (4, 2, 2)
    unknown = next(d for d in ds.diagnostics if d.value == "staf_total")
    assert unknown.hint == "did you mean 'staff_total'?"


def test_no_agency_column_is_fatal(rules: RuleSet, tmp_path: Path) -> None:
    """A table without any agency column cannot be read at all, in either policy."""
    path = write(tmp_path / "s.csv", "staff_total,pc_ratio\n1,2\n")
    with pytest.raises(DataError) as info:
        read_survey(path, rules, policy="lenient")
    assert info.value.code == "E-DATA-HEADER"


def test_year_and_source(rules: RuleSet, fixtures: Path) -> None:
    """The dataset records its source and year."""
    ds = read_survey(fixtures / "survey_wide.csv", rules, year=2023)
    assert ds.source is not None
    assert ds.source.endswith("survey_wide.csv")
    assert ds.year == 2023


# -- row accounting over generated messy files ----------------------------------------

ROW_KINDS = st.sampled_from(
    ["ok", "bad_cell", "no_agency", "duplicate", "ragged", "blank", "bad_block"]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kinds=st.lists(ROW_KINDS, max_size=25))
def test_rows_in_equal_rows_used_plus_rows_reported(
    rules: RuleSet, tmp_path: Path, kinds: list[str]
) -> None:
    """Every non-blank row is either used or rejected with a located diagnostic."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", "block", "staff_total", "pc_ratio"])
    expected_rejected: set[int] = set()
    bad_cells: set[int] = set()
    first_row: int | None = None
    row_number = 1
    for n, kind in enumerate(kinds):
        row_number += 1
        if kind == "blank":
            writer.writerow(["", "", "", "", ""])
            continue
        if kind == "ok":
            writer.writerow([f"a{n}", f"Đơn vị {n}", "so_nganh", str(n), "50%"])
            first_row = first_row or row_number
        elif kind == "bad_cell":
            writer.writerow([f"a{n}", f"Đơn vị {n}", "so_nganh", "12.5", "1,537"])
            bad_cells.add(row_number)
        elif kind == "no_agency":
            writer.writerow(["", "", "so_nganh", "1", "1%"])
            expected_rejected.add(row_number)
        elif kind == "duplicate":
            writer.writerow(["dup", "Dup", "so_nganh", "1", "1%"])
            if "dup" in out.getvalue()[: -len("dup,Dup,so_nganh,1,1%\n")]:
                expected_rejected.add(row_number)
        elif kind == "ragged":
            writer.writerow([f"a{n}", "x", "so_nganh", "1"])
            expected_rejected.add(row_number)
        elif kind == "bad_block":
            writer.writerow([f"a{n}", "x", "khoi_la", "1", "1%"])
            expected_rejected.add(row_number)
    path = write(tmp_path / "messy.csv", out.getvalue())
    ds = read_survey(path, rules, policy="lenient")
    non_blank = sum(k != "blank" for k in kinds)
    assert ds.rows_read == non_blank
    assert ds.rows_used is not None
    assert ds.rows_rejected is not None
    assert ds.rows_read == ds.rows_used + ds.rows_rejected
    assert ds.rows_rejected == len(expected_rejected)
    assert len(ds.agencies) == ds.rows_used
    error_rows = {
        d.location.row for d in ds.diagnostics if d.severity is Severity.ERROR and d.location
    }
    assert expected_rejected <= error_rows
    assert bad_cells <= error_rows
    for diag in ds.diagnostics:
        if diag.severity is Severity.ERROR:
            assert diag.location is not None
            assert diag.location.file == str(path)
    if any(k != "blank" for k in kinds) and not ds.agencies:
        assert ds.rows_rejected == ds.rows_read


def _with_relations(rules: RuleSet, relations: list[object]) -> RuleSet:
    data = rules.model_dump(mode="json")
    data["relations"] = relations
    return RuleSet.model_validate(data)


def test_relation_blocks_and_arithmetic(rules: RuleSet, tmp_path: Path) -> None:
    """Relations apply to their blocks; a division by zero means 'cannot be checked'."""
    ruled = _with_relations(
        rules,
        [
            {"check": "staff_pc <= staff_total", "blocks": ["huyen"], "message": "quá tổng số"},
            "staff_pc / staff_total <= 1",
        ],
    )
    path = write(
        tmp_path / "s.csv", "id,name,block,staff_total,staff_pc\na,A,so_nganh,0,3\nb,B,huyen,5,6\n"
    )
    ds = read_survey(path, ruled, policy="lenient")
    found = sorted((d.agency, d.message) for d in ds.diagnostics if d.code == "E-DATA-RELATION")
    assert found[0][0] == "a"
    assert "cannot be checked" in found[0][1]
    assert found[1] == ("b", "quá tổng số (does not hold)")
