"""DTI: the provincial set of QĐ 922 reproduces the published 2022 values; Lâm Đồng's QĐ 454
has three index sets (1000 / 800 / 900) built with `extends`."""

from __future__ import annotations

import csv
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import udcntt

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
PROVINCES = ROOT / "examples" / "dti-2022" / "provinces.csv"
PUBLISHED = ROOT / "tests" / "fixtures" / "published" / "dti_2022_provinces_partial.csv"

#: DTI 2022 as published on dti.gov.vn (rank, index).
DTI_2022 = {
    "da_nang": (1, Decimal("0.8002")),
    "ho_chi_minh": (2, Decimal("0.7163")),
    "quang_ninh": (3, Decimal("0.7024")),
    "thua_thien_hue": (4, Decimal("0.6975")),
    "can_tho": (5, Decimal("0.6924")),
}
TOLERANCE = Decimal("0.0001")


@pytest.fixture(scope="module")
def dti922() -> udcntt.RuleSet:
    return udcntt.load_rules(RULES / "dti-922-province.yaml")


@pytest.fixture(scope="module")
def provinces(dti922: udcntt.RuleSet, read_survey: Callable[..., Any]) -> Any:
    return udcntt.evaluate(dti922, read_survey(PROVINCES, dti922))


def test_922_reproduces_the_published_dti(provinces: Any) -> None:
    """Share of 1000 points within 0.0001 of the published DTI, for all five."""
    assert {r.agency_id for r in provinces.results} == set(DTI_2022)
    for r in provinces.results:
        assert abs(r.share - DTI_2022[r.agency_id][1]) <= TOLERANCE, (r.agency_id, r.share)


def test_922_only_input_rounding_separates_ho_chi_minh(provinces: Any) -> None:
    """Four provinces match exactly; TP. HCM computes to 716.355 points (0.7164 vs 0.7163)."""
    exact = {r.agency_id for r in provinces.results if r.share == DTI_2022[r.agency_id][1]}
    assert exact == set(DTI_2022) - {"ho_chi_minh"}
    assert provinces.by_id("ho_chi_minh").total == Decimal("716.355")
    assert provinces.by_id("da_nang").total == Decimal("800.175")


def test_922_reproduces_the_published_order(provinces: Any) -> None:
    """Ranked on the share, over all provinces: 1 to 5 as published."""
    assert {r.agency_id: r.rank for r in provinces.results} == {
        k: v[0] for k, v in DTI_2022.items()
    }


def test_922_example_holds_the_published_values() -> None:
    """examples/dti-2022/provinces.csv carries the shared published table's values."""
    if not PUBLISHED.is_file():
        pytest.skip("the published tables are not in tests/fixtures/published")
    with PUBLISHED.open(encoding="utf-8", newline="") as fh:
        published = {row["province"]: row for row in csv.DictReader(fh) if row["nhan_thuc_so"]}
    with PROVINCES.open(encoding="utf-8", newline="") as fh:
        ours = {row["name"]: row for row in csv.DictReader(fh, delimiter=";")}
    assert set(ours) == set(published)
    for name, row in ours.items():
        for column, value in row.items():
            if column in ("agency_id", "name", "block", "do_thi_thong_minh"):
                continue
            assert Decimal(value.replace(",", ".")) == Decimal(published[name][column]), (
                name,
                column,
            )
        assert Decimal(published[name]["pdti"]) == DTI_2022[row["agency_id"]][1]


def test_922_main_indices_and_points(dti922: udcntt.RuleSet) -> None:
    """Nine main indices, 1000 points; Đô thị thông minh unscored with 0 points."""
    leaves = [c for c in dti922.all_criteria() if not c.is_group]
    assert len(leaves) == 9
    maxima = sorted(c.max for c in leaves)
    assert maxima == [0, 100, 100, 100, 100, 100, 150, 150, 200]
    smart = dti922.criterion("do_thi_thong_minh_diem")
    assert smart.unscored
    assert smart.max == 0
    assert dti922.rounding.share == 4
    assert dti922.ranking.on.value == "share"


@pytest.fixture(scope="module")
def dti454() -> udcntt.RuleSet:
    return udcntt.load_rules(RULES / "dti-454-lam-dong.yaml")


def test_454_block_maxima(dti454: udcntt.RuleSet) -> None:
    """Sở with procedures 1000, without 800, UBND huyện 900."""
    compiled = udcntt.compile_rules(dti454)
    assert {b: p.max_total for b, p in compiled.blocks.items()} == {
        "so_co_tthc": 1000,
        "so_khong_tthc": 800,
        "ubnd_huyen": 900,
    }
    assert dti454.scale == {"so_co_tthc": 1000, "so_khong_tthc": 800, "ubnd_huyen": 900}


def test_454_main_indices_per_set(dti454: udcntt.RuleSet) -> None:
    """7 main indices for the sở, 8 for the huyện (Hoạt động kinh tế số)."""
    compiled = udcntt.compile_rules(dti454)
    roots = {b: [r.id for r in p.roots] for b, p in compiled.blocks.items()}
    assert len(roots["so_co_tthc"]) == len(roots["so_khong_tthc"]) == 7
    assert len(roots["ubnd_huyen"]) == 8
    assert set(roots["ubnd_huyen"]) - set(roots["so_co_tthc"]) == {"hoat_dong_kinh_te_so"}


def test_454_is_built_with_extends(dti454: udcntt.RuleSet) -> None:
    """Two files (the base and the set), with modify, remove and add."""
    files = [Path(f.path).name for f in dti454.source.files]
    assert files == ["dti-454-lam-dong.yaml", "dti-lam-dong-base.yaml"]
    base = udcntt.load_rules(RULES / "base" / "dti-lam-dong-base.yaml")
    base_ids = {c.id for c in base.all_criteria()}
    ids = {c.id for c in dti454.all_criteria()}
    assert base_ids - ids == {"do_thi_thong_minh"}
    assert ids - base_ids == {"hoat_dong_kinh_te_so"}
    assert dti454.criterion("cqs_dich_vu_cong").blocks == ("so_co_tthc", "ubnd_huyen")
    assert base.criterion("cqs_dich_vu_cong").blocks is None


def test_454_a_main_index_value_is_recovered_in_every_set(dti454: udcntt.RuleSet) -> None:
    """Points of a main index / its maximum in the agency's set = the value fed."""
    values = {
        "cs_nhan_thuc_so": "0.8",
        "cs_the_che_so": "0.7",
        "cs_ha_tang_so": "0.9",
        "cs_nhan_luc_so": "0.6",
        "cs_an_toan_thong_tin_mang": "0.75",
        "cs_chinh_quyen_so": "0.85",
        "cs_xa_hoi_so": "0.5",
    }
    data = udcntt.Dataset.from_records(
        [
            {"id": "a", "block": "so_co_tthc", "values": values},
            {"id": "b", "block": "so_khong_tthc", "values": values},
            {"id": "c", "block": "ubnd_huyen", "values": {**values, "cs_kinh_te_so": "0.4"}},
        ]
    )
    result = udcntt.evaluate(dti454, data)
    for r in result.results:
        for index, value in (
            ("the_che_so", "0.7"),
            ("hoat_dong_chinh_quyen_so", "0.85"),
            ("hoat_dong_xa_hoi_so", "0.5"),
        ):
            crit = r.criteria[index]
            assert crit.points / crit.max == Decimal(value), (r.agency_id, index)
