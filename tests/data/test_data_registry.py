"""The agency registry: reading it, and matching survey rows to it."""

from __future__ import annotations

from pathlib import Path

import pytest
from data_helpers import write

from udcntt.data import Registry, RegistryAgency, read_registry, read_survey
from udcntt.errors import DataError, Severity
from udcntt.model import RuleSet

HEAD = "id,name,block,staff_total\n"


@pytest.fixture
def registry(fixtures: Path) -> Registry:
    """The fixture registry."""
    return read_registry(fixtures / "registry.yaml")


def report(ds: object) -> list[tuple[str, str | None]]:
    return [(d.code, d.agency) for d in ds.diagnostics]  # type: ignore[attr-defined]


def test_read_yaml_registry(registry: Registry) -> None:
    """YAML entries give ids, names, blocks, aliases, ranking and parents."""
    assert len(registry) == 7
    gd = registry.get("so_gddt")
    assert gd is not None
    assert gd.aliases == ("Sở GD&ĐT", "Sở Giáo dục")
    assert registry.get("bchqs").ranked is False  # type: ignore[union-attr]
    xa = registry.get("xa_hoa_bac")
    assert xa is not None
    assert (xa.ranked, xa.parent) == (False, "h_hoa_vang")
    assert xa.location is not None
    assert xa.location.line is not None


def test_read_csv_registry(fixtures: Path) -> None:
    """CSV registries take Vietnamese headers and ';'-separated aliases."""
    reg = read_registry(fixtures / "registry.csv")
    assert [a.id for a in reg] == ["so_yte", "so_gddt", "bchqs", "h_hoa_vang", "xa_hoa_bac"]
    assert reg.get("so_gddt").aliases == ("Sở GD&ĐT", "Sở Giáo dục")  # type: ignore[union-attr]
    assert reg.get("bchqs").ranked is False  # type: ignore[union-attr]


def test_match(registry: Registry) -> None:
    """Matching by id, name, alias, ignoring case and spacing; look-alikes flagged."""
    assert registry.match("so_yte").how == "id"  # type: ignore[union-attr]
    assert registry.match("SỞ  Y TẾ").how == "name"  # type: ignore[union-attr]
    assert registry.match("Sở GD&ĐT").agency.id == "so_gddt"  # type: ignore[union-attr]
    hit = registry.match("UBND huyện Hòa Vang")
    assert hit is not None
    assert (hit.agency.id, hit.lookalike) == ("h_hoa_vang", True)
    eth = registry.match("UBND huyện \u00d0ạ Huoai")
    assert eth is not None
    assert (eth.agency.id, eth.lookalike) == ("h_da_huoai", True)
    assert registry.match("Sở Nội vụ") is None


@pytest.mark.parametrize(
    ("records", "code"),
    [
        (
            [{"id": "a", "name": "A", "block": "b"}, {"id": "a", "name": "B", "block": "b"}],
            "E-DATA-AGENCY-DUPLICATE",
        ),
        (
            [{"id": "a", "name": "Hòa", "block": "b"}, {"id": "c", "name": "Hoà", "block": "b"}],
            "E-DATA-AGENCY-LOOKALIKE",
        ),
        (
            [
                {"id": "a", "name": "A", "block": "b"},
                {"id": "c", "name": "C", "block": "b", "aliases": ["a"]},
            ],
            "E-DATA-REGISTRY",
        ),
        ([{"id": "a", "name": "A", "block": "b", "parent": "zz"}], "E-DATA-REGISTRY"),
        ([{"id": "a b", "name": "A", "block": "b"}], "E-DATA-REGISTRY"),
        ([{"id": "a", "block": "b"}], "E-DATA-REGISTRY"),
        ([{"id": "a", "name": "A", "block": "b", "colour": "x"}], "E-DATA-REGISTRY"),
        ([{"id": "a", "name": "A", "block": "b", "ranked": "maybe"}], "E-DATA-REGISTRY"),
    ],
)
def test_malformed_registries(records: list[dict[str, object]], code: str) -> None:
    """Every registry problem is reported with its code."""
    with pytest.raises(DataError) as info:
        Registry.from_records(records)
    assert info.value.code == code


def test_registry_file_errors_are_all_listed(tmp_path: Path) -> None:
    """A registry file lists all its problems at once, located."""
    path = write(tmp_path / "r.yaml", "agencies:\n  - {id: a, name: A}\n  - {id: b, block: x}\n")
    with pytest.raises(DataError) as info:
        read_registry(path)
    assert [d.location.line for d in info.value.diagnostics] == [2, 3]  # type: ignore[union-attr]


def test_survey_matched_to_registry(rules: RuleSet, registry: Registry, tmp_path: Path) -> None:
    """Rows match by id or name; look-alikes match with a warning; registry fills blocks."""
    path = write(
        tmp_path / "s.csv",
        "id,name,staff_total\nso_yte,,1\n,Sở Giáo dục,2\n"
        ",Sở Thông tin và Truyền thông,3\n,Bộ Chỉ huy Quân sự tỉnh,4\n"
        ",UBND huyện Đạ Huoai,5\n,UBND huyện Hòa Vang,6\n,UBND xã Hoà Bắc,7\n",
    )
    ds = read_survey(path, rules, registry=registry)
    assert [(a.id, a.block, a.ranked) for a in ds][:2] == [
        ("so_yte", "so_nganh", True),
        ("so_gddt", "so_nganh", True),
    ]
    assert ds.by_id()["bchqs"].ranked is False
    assert ds.by_id()["xa_hoa_bac"].parent == "h_hoa_vang"
    assert ds.by_id()["so_gddt"].name == "Sở Giáo dục và Đào tạo"
    lookalikes = [d for d in ds.diagnostics if d.code == "W-DATA-LOOKALIKE"]
    assert sorted(d.agency for d in lookalikes) == ["h_hoa_vang"]  # type: ignore
    assert all(d.severity is Severity.WARNING for d in lookalikes)


def test_unknown_duplicate_and_missing_agencies(
    rules: RuleSet, registry: Registry, tmp_path: Path
) -> None:
    """Unknown and duplicate rows are rejected; registry agencies without a row are listed."""
    path = write(
        tmp_path / "s.csv",
        "id,name,staff_total\nso_yte,,1\n,Sở Y tê,2\n"
        ",Sở Nội vụ,3\nso_yte,Sở Y tế,4\nso_yte,Sở Giáo dục,5\n",
    )
    with pytest.raises(DataError) as info:
        read_survey(path, rules, registry=registry)
    errors = [
        (d.code, d.location.row if d.location else None)
        for d in info.value.diagnostics
        if d.severity is Severity.ERROR
    ]
    assert ("E-DATA-AGENCY-UNKNOWN", 3) in errors
    assert ("E-DATA-AGENCY-UNKNOWN", 4) in errors
    assert ("E-DATA-AGENCY-DUPLICATE", 5) in errors
    assert ("E-DATA-AGENCY-UNKNOWN", 6) in errors  # id and name disagree
    missing = {
        d.agency: d.severity
        for d in info.value.diagnostics
        if d.code in ("E-DATA-AGENCY-MISSING", "W-DATA-AGENCY-MISSING")
    }
    assert missing["so_gddt"] is Severity.ERROR
    assert missing["bchqs"] is Severity.WARNING  # not ranked
    suggestion = next(d for d in info.value.diagnostics if d.location and d.location.row == 3)
    assert "Sở Y tế" in (suggestion.hint or "")
    ds = read_survey(path, rules, registry=registry, policy="lenient")
    assert [a.id for a in ds] == ["so_yte"]
    assert (ds.rows_read, ds.rows_used, ds.rows_rejected) == (5, 1, 4)


def test_registry_block_must_exist(rules: RuleSet, tmp_path: Path) -> None:
    """A registry block the rule set does not declare is an error."""
    reg = Registry([RegistryAgency("a", "A", "khoi_xa")])
    path = write(tmp_path / "s.csv", "id,name,staff_total\na,A,1\n")
    with pytest.raises(DataError) as info:
        read_survey(path, rules, registry=reg)
    codes = {d.code for d in info.value.diagnostics}
    assert {"E-DATA-REGISTRY", "E-DATA-BLOCK"} <= codes


def test_no_registry_lookalike_names(rules: RuleSet, tmp_path: Path) -> None:
    """Without a registry, names differing by look-alikes are never two silent agencies."""
    path = write(
        tmp_path / "s.csv", "name,block,staff_total\nXã Hòa Bắc,huyen,1\nXã Hoà Bắc,huyen,2\n"
    )
    with pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-AGENCY-LOOKALIKE"
    with_ids = write(
        tmp_path / "t.csv",
        "id,name,block,staff_total\nx1,Xã Hòa Bắc,huyen,1\nx2,Xã Hoà Bắc,huyen,2\n",
    )
    with pytest.raises(DataError) as info:
        read_survey(with_ids, rules)
    assert info.value.code == "E-DATA-AGENCY-LOOKALIKE"


def test_partial_registry_of_renamed_units(rules: RuleSet, tmp_path: Path) -> None:
    """A registry with ``complete: false`` lists renamed units only; other rows stand as written."""
    reg = write(
        tmp_path / "r.yaml",
        "complete: false\nagencies:\n"
        "  - {id: so_tttt, name: Sở Thông tin và Truyền thông, block: so_nganh,\n"
        "     aliases: [Sở Bưu chính Viễn thông]}\n"
        "  - {id: so_cu, name: Sở Đã Giải Thể, block: so_nganh}\n",
    )
    registry = read_registry(reg)
    assert registry.complete is False
    survey = write(
        tmp_path / "s.csv",
        "id,name,block,staff_total\n,Sở Bưu chính Viễn thông,,3\nso_yte,Sở Y tế,so_nganh,4\n"
        ",UBND huyện Lạc Dương,huyen,5\n",
    )
    ds = read_survey(survey, rules, registry=registry)
    assert [(a.id, a.name, a.block) for a in ds] == [
        ("so_tttt", "Sở Thông tin và Truyền thông", "so_nganh"),
        ("so_yte", "Sở Y tế", "so_nganh"),
        ("ubnd_huyen_lac_duong", "UBND huyện Lạc Dương", "huyen"),
    ]
    assert ds.by_id()["so_tttt"].aliases == ("Sở Bưu chính Viễn thông",)
    assert not [d for d in ds.diagnostics if d.code == "E-DATA-AGENCY-MISSING"]
    # The same registry read as complete refuses the units it does not list.
    with pytest.raises(DataError) as info:
        read_survey(survey, rules, registry=read_registry(reg, complete=True))
    assert "E-DATA-AGENCY-UNKNOWN" in {d.code for d in info.value.diagnostics}
    bad = write(tmp_path / "b.yaml", "complete: maybe\nagencies: []\n")
    with pytest.raises(DataError, match="'complete' is true or false"):
        read_registry(bad)
