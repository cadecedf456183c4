"""A results JSON reads back as the assessment that wrote it, field by field."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

import udcntt
from udcntt.data import read_registry, read_survey
from udcntt.report import ASSESSMENT_SCHEMA, assessment_to_json, load_assessment
from udcntt.report._results_layout import ASSESSMENT
from udcntt.report._results_schema import validate

ROOT = Path(__file__).resolve().parents[2]
LAM_DONG = ROOT / "examples" / "lam-dong"
LAM_DONG_2018 = ROOT / "examples" / "lam-dong-2018"


def _round_trip(assessment: udcntt.Assessment, tmp_path: Path) -> udcntt.Assessment:
    path = tmp_path / "ket-qua.json"
    path.write_text(assessment_to_json(assessment), encoding="utf-8")
    return load_assessment(path)


def _assert_equal(a: udcntt.Assessment, b: udcntt.Assessment) -> None:
    """Every compared field of the assessment, the receipt, and each result's fields."""
    for f in dataclasses.fields(udcntt.Assessment):
        if f.compare and f.name != "stored_receipt":
            assert getattr(a, f.name) == getattr(b, f.name), f.name
    assert a.receipt == b.receipt
    for f in dataclasses.fields(udcntt.Receipt):
        assert getattr(a.receipt, f.name) == getattr(b.receipt, f.name), f.name
    for ra, rb in zip(a.results, b.results, strict=True):
        for f in dataclasses.fields(type(ra)):
            assert getattr(ra, f.name) == getattr(rb, f.name), (ra.agency_id, f.name)


def _lam_dong(lenient_bad_row: bool, tmp_path: Path) -> udcntt.Assessment:
    rules = udcntt.load_rules(ROOT / "rules" / "lam-dong-2017.yaml")
    registry = read_registry(LAM_DONG / "agencies.yaml")
    previous = udcntt.evaluate(
        rules, read_survey(LAM_DONG / "survey-2016.csv", rules, registry=registry, year=2016)
    )
    survey = LAM_DONG / "survey-2017.csv"
    if lenient_bad_row:
        lines = survey.read_text(encoding="utf-8").splitlines()
        header = lines[0].split(",")
        row = lines[1].split(",")
        row[header.index("staff_total")] = "không rõ"
        survey = tmp_path / "survey-2017.csv"
        survey.write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n", encoding="utf-8")
    data = read_survey(
        survey,
        rules,
        registry=registry,
        year=2017,
        policy="lenient" if lenient_bad_row else "strict",
    )
    return udcntt.evaluate(rules, data, previous=previous, on_error="skip")


def test_lam_dong_example_round_trips_exactly(tmp_path: Path) -> None:
    """The shipped example (with last year's comparison) reads back equal in every field."""
    a = _lam_dong(False, tmp_path)
    assert a.comparison is not None
    b = _round_trip(a, tmp_path)
    _assert_equal(a, b)
    # Written again, the loaded assessment gives the same file (traces need the rule set).
    assert assessment_to_json(b) == assessment_to_json(a, traces=False)


def test_diagnostics_round_trip_with_their_translations(tmp_path: Path) -> None:
    """The validation report survives the file, and still renders in Vietnamese."""
    a = _lam_dong(True, tmp_path)
    assert any(d.severity.value == "error" for d in a.diagnostics)
    b = _round_trip(a, tmp_path)
    _assert_equal(a, b)
    assert [d.format("vi") for d in b.diagnostics] == [d.format("vi") for d in a.diagnostics]
    assert [d.format("en") for d in b.diagnostics] == [d.format("en") for d in a.diagnostics]


def test_normalisation_statistics_round_trip(tmp_path: Path) -> None:
    """A rule set with population normalisation keeps its statistics through the file."""
    rules = udcntt.load_rules(ROOT / "rules" / "lam-dong-2018.yaml")
    registry = read_registry(LAM_DONG_2018 / "agencies.yaml")
    a = udcntt.evaluate(
        rules, read_survey(LAM_DONG_2018 / "survey-2018.csv", rules, registry=registry, year=2018)
    )
    assert a.normalisation
    assert any(c.normalised is not None for r in a.results for c in r.criteria.values())
    b = _round_trip(a, tmp_path)
    _assert_equal(a, b)


def test_small_rule_set_with_derived_values_round_trips(
    small: udcntt.Assessment, tmp_path: Path
) -> None:
    """Derived values come back with their types (numbers as Decimal, not text)."""
    assert any(r.derived for r in small.results)
    _assert_equal(small, _round_trip(small, tmp_path))


def test_written_files_pass_the_published_schema(small: udcntt.Assessment) -> None:
    """What the writer produces is valid against the layout the schema is generated from."""
    data = json.loads(assessment_to_json(small))
    assert validate(data, ASSESSMENT, None) == []
    assert ASSESSMENT_SCHEMA["properties"] == ASSESSMENT.schema()["properties"]
    assert ASSESSMENT_SCHEMA["additionalProperties"] is False
    assert set(ASSESSMENT_SCHEMA["required"]) >= {"results", "receipt", "diagnostics"}
    result = ASSESSMENT_SCHEMA["properties"]["results"]["items"]
    assert result["properties"]["rank"]["anyOf"][0]["type"] == "integer"
    assert "pattern" in result["properties"]["total"]


def test_receipt_fields_are_all_in_the_schema() -> None:
    """Each Receipt field has a key in the schema: a new field is written and read back."""
    receipt = ASSESSMENT_SCHEMA["properties"]["receipt"]["properties"]
    assert set(receipt) == {f.name for f in dataclasses.fields(udcntt.Receipt)}


@pytest.mark.parametrize("fmt", [".md", ".csv", ".html"])
def test_reports_from_the_file_equal_direct_ones(
    small: udcntt.Assessment, tmp_path: Path, fmt: str
) -> None:
    """A report made from the results file equals the one made directly."""
    from udcntt.report import render_report

    assert render_report(_round_trip(small, tmp_path), fmt) == render_report(small, fmt)
