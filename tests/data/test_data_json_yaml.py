"""Reading JSON and YAML surveys: records, nested appraisal, long form, and hostile documents."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from data_helpers import write

from udcntt.data import MISSING, NA, read_survey
from udcntt.errors import DataError, Severity
from udcntt.model import RuleSet


def errors(exc: DataError) -> list[str]:
    """Codes of the error-level diagnostics."""
    return [d.code for d in exc.diagnostics if d.severity is Severity.ERROR]


def test_json_wide(rules: RuleSet, fixtures: Path) -> None:
    """JSON numbers are machine numbers; strings follow the locale; appraisal replaces."""
    ds = read_survey(fixtures / "survey.json", rules)
    assert ds.year == 2024
    yte = ds.by_id()["so_yte"]
    assert yte.values["staff_pc"] == Decimal(100)
    assert yte.values["bandwidth"] == Decimal("12.5")
    assert yte.values["pc_ratio"] == Decimal("0.75")
    assert yte.values["portal"] is False
    info = yte.cells["portal"]
    assert (info.self_assessed, info.appraised, info.evidence) == (True, False, "CV 12")
    appraised = [d for d in ds.diagnostics if d.code == "W-DATA-APPRAISED"]
    assert len(appraised) == 1
    assert appraised[0].agency == "so_yte"
    huyen = ds.by_id()["h_hoa_vang"]
    assert huyen.values["online_services"] is NA
    assert huyen.values["bandwidth"] == Decimal("1537.5")


def test_yaml_wide(rules: RuleSet, fixtures: Path) -> None:
    """Plain YAML numbers use the dot; quoted text uses the locale."""
    ds = read_survey(fixtures / "survey.yaml", rules)
    yte = ds.by_id()["so_yte"]
    assert yte.values["bandwidth"] == Decimal("12.5")
    assert yte.values["pc_ratio"] == Decimal("0.75")
    assert yte.values["portal"] is True
    assert ds.year == 2024


def test_yaml_locations(rules: RuleSet, tmp_path: Path) -> None:
    """A refused YAML value names its line and path."""
    path = write(
        tmp_path / "s.yaml",
        "agencies:\n  - id: a\n    name: A\n    block: so_nganh\n"
        "    values:\n      staff_total: nhiều\n",
    )
    with pytest.raises(DataError) as info:
        read_survey(path, rules)
    loc = info.value.location
    assert loc is not None
    assert loc.line == 6
    assert loc.path == "agencies[0].values.staff_total"


def test_yaml_hostile(rules: RuleSet, tmp_path: Path) -> None:
    """Anchors, duplicate keys and deep nesting in YAML surveys are refused."""
    cases = {
        "alias": "agencies:\n  - &a {id: a, name: A, block: so_nganh}\n  - *a\n",
        "dup": "agencies: []\nagencies: []\n",
        "deep": "agencies: " + "[" * 200 + "]" * 200 + "\n",
    }
    for name, text in cases.items():
        path = write(tmp_path / f"{name}.yaml", text)
        with pytest.raises(DataError) as info:
            read_survey(path, rules)
        assert info.value.code in ("E-DATA-FORMAT", "E-DATA-LIMIT"), name


def test_json_long(rules: RuleSet, tmp_path: Path) -> None:
    """A JSON document with a 'values' list is a long table."""
    doc = {
        "values": [
            {
                "agency": "a",
                "name": "A",
                "block": "so_nganh",
                "indicator": "staff_total",
                "value": 9,
            },
            {
                "agency": "a",
                "name": "A",
                "block": "so_nganh",
                "indicator": "Tỷ lệ máy tính",
                "value": "9%",
            },
        ]
    }
    path = write(tmp_path / "s.json", json.dumps(doc, ensure_ascii=False))
    ds = read_survey(path, rules)
    assert ds.agencies[0].values == {"staff_total": Decimal(9), "pc_ratio": Decimal("0.09")}
    assert ds.rows_read == 2


def test_deeply_nested_json(rules: RuleSet, tmp_path: Path) -> None:
    """A 100,000-deep array is refused before the parser recurses."""
    path = write(tmp_path / "s.json", "[" * 100_000 + "]" * 100_000)
    with pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert info.value.code == "E-DATA-LIMIT"


def test_brackets_inside_strings_do_not_count(rules: RuleSet, tmp_path: Path) -> None:
    """Depth is measured outside strings."""
    doc = {"agencies": [{"id": "a", "name": "[" * 500, "block": "so_nganh"}]}
    path = write(tmp_path / "s.json", json.dumps(doc))
    assert len(read_survey(path, rules)) == 1


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("NaN", "E-DATA-NUMBER"),
        ("Infinity", "E-DATA-NUMBER"),
        ("1e999", "E-DATA-NUMBER"),
        ("9" * 5000, "E-DATA-NUMBER"),
        ('"1e999"', "E-DATA-NUMBER"),
        ("[1, 2]", "E-DATA-FORMAT"),
        ("true", "E-DATA-NUMBER"),
    ],
)
def test_json_bad_numbers(rules: RuleSet, tmp_path: Path, value: str, code: str) -> None:
    """Non-finite, huge and non-scalar values are located cell errors."""
    text = (
        '{"agencies": [{"id": "a", "name": "A", "block": "so_nganh", '
        f'"values": {{"bandwidth": {value}}}}}]}}'
    )
    path = write(tmp_path / "s.json", text)
    with pytest.raises(DataError) as info:
        read_survey(path, rules)
    assert errors(info.value) == [code]
    assert info.value.location.path == "agencies[0].values.bandwidth"  # type: ignore[union-attr]


def test_json_syntax_and_shape(rules: RuleSet, tmp_path: Path) -> None:
    """Invalid JSON, an unexpected shape and duplicate keys are format errors."""
    for text in (
        '{"agencies": [',
        '"hello"',
        '{"agencies": 3}',
        '{"agencies": [], "x": 1}',
        '{"agencies": [], "agencies": []}',
    ):
        path = write(tmp_path / "s.json", text)
        with pytest.raises(DataError) as info:
            read_survey(path, rules)
        assert info.value.code == "E-DATA-FORMAT", text


def test_json_records_that_are_not_mappings(rules: RuleSet, tmp_path: Path) -> None:
    """A record that is not a mapping is a rejected row, counted."""
    path = write(
        tmp_path / "s.json",
        '[{"id": "a", "name": "A", "block": "so_nganh"}, 3, '
        '{"id": "b", "id": "c", "block": "so_nganh"}]',
    )
    ds = read_survey(path, rules, policy="lenient")
    assert [a.id for a in ds] == ["a"]
    assert (ds.rows_read, ds.rows_used, ds.rows_rejected) == (3, 1, 2)


def test_json_utf16_with_bom(rules: RuleSet, tmp_path: Path) -> None:
    """JSON saved as UTF-16 with a BOM is read."""
    path = tmp_path / "s.json"
    path.write_bytes('[{"id": "a", "name": "Sở Y tế", "block": "so_nganh"}]'.encode("utf-16"))
    assert read_survey(path, rules).agencies[0].name == "Sở Y tế"
    assert read_survey(path, rules).agencies[0].get("staff_total") is MISSING
