"""Errors inside tier conditions and relations are located errors, never a quiet wrong answer."""

from __future__ import annotations

from pathlib import Path

import pytest

import udcntt
from udcntt.cli import EXIT_PROBLEMS, main

TIERED = """udcntt: 1
id: tier_require
title: Điều kiện xếp loại
rounding: {total: 2, share: 4}
blocks: {so: {label: Khối sở}}
indicators:
  a: {label: Chỉ tiêu A, type: number, range: [0, 100], direction: higher}
  c: {label: Chỉ tiêu C, type: number, range: [0, 100], direction: higher}
criteria:
  - {id: ca, label: Tiêu chí A, max: 100, points: "a"}
  - {id: cc, label: Tiêu chí C, max: 0, unscored: true, points: "c"}
tiers:
  levels:
    - {id: tot, label: Tốt, min: 80, require: "a / c > 1"}
    - {id: kha, label: Khá, min: 50}
    - {id: tb, label: Trung bình}
"""

RELATED = """udcntt: 1
id: relations
title: Ràng buộc
rounding: {total: 2, share: 4}
blocks: {so: {label: Khối sở}}
indicators:
  staff: {label: Tổng số CBCCVC, type: count, range: [0, 1000]}
  with_pc: {label: Số CBCCVC có máy tính, type: count, range: [0, 1000], direction: higher}
  rooms: {label: Số phòng, type: count, range: [0, 100]}
relations:
  - {check: "with_pc <= staff", message: máy tính nhiều hơn người}
  - check: "with_pc / staff <= 1 + rooms"
criteria:
  - {id: may_tinh, label: Máy tính, max: 10, points: "ratio(with_pc, staff, 0) * 10"}
tiers:
  levels:
    - {id: tot, label: Tốt, min: 8}
    - {id: tb, label: Trung bình}
"""


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize("reference", [False, True], ids=["fast", "reference"])
def test_division_by_zero_in_a_tier_condition_is_a_located_error(reference: bool) -> None:
    """`require: a / c > 1` with c = 0 is E-EVAL-DIVZERO at the tier, not a lower tier."""
    rules = udcntt.load_rules("tiers.yaml", text=TIERED)
    data = udcntt.Dataset.from_records(
        [
            {"id": "x", "block": "so", "values": {"a": 90, "c": 0}},
            {"id": "y", "block": "so", "values": {"a": 90, "c": 30}},
        ]
    )
    with pytest.raises(udcntt.EvaluationError) as info:
        udcntt.evaluate(rules, data, reference=reference)
    (d,) = info.value.diagnostics
    assert d.code == "E-EVAL-DIVZERO"
    assert d.agency == "x"
    assert "tier 'tot'" in d.message and "a / c > 1" in d.message
    assert d.location is not None and d.location.line == _line_of(TIERED, "require:")
    assert d.hint is not None and "ratio(" in d.hint
    # Skipping the agency leaves the others scored: 'y' meets the condition.
    a = udcntt.evaluate(rules, data, reference=reference, on_error="skip")
    assert [r.agency_id for r in a.results] == ["y"]
    assert a.by_id("y").tier == "tot"
    assert [d.code for d in a.diagnostics] == ["E-EVAL-DIVZERO"]


def test_the_condition_is_only_evaluated_where_the_total_reaches_the_tier() -> None:
    """Below the tier's minimum the condition is not read, so c = 0 is no problem there."""
    rules = udcntt.load_rules("tiers.yaml", text=TIERED)
    data = udcntt.Dataset.from_records([{"id": "x", "block": "so", "values": {"a": 60, "c": 0}}])
    a = udcntt.evaluate(rules, data)
    assert a.by_id("x").tier == "kha"
    assert dict(a.paths) == {"fast": 1}


def test_a_tier_condition_reading_a_not_applicable_value_is_an_error() -> None:
    """A condition that reaches an N/A value cannot be decided: E-EVAL names the value."""
    text = TIERED.replace(
        "c: {label: Chỉ tiêu C, type: number, range: [0, 100], direction: higher}",
        "c: {label: Chỉ tiêu C, type: number, range: [0, 100], direction: higher, "
        "not_applicable: true}",
    )
    rules = udcntt.load_rules("tiers.yaml", text=text)
    data = udcntt.Dataset.from_records(
        [{"id": "x", "block": "so", "values": {"a": 90, "c": udcntt.NA}}]
    )
    with pytest.raises(udcntt.EvaluationError) as info:
        udcntt.evaluate(rules, data)
    (d,) = info.value.diagnostics
    assert d.code == "E-EVAL" and "not applicable (c)" in d.message and d.agency == "x"


def test_cli_reports_the_tier_condition_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`udcntt score` stops with exit 1 and a file:line diagnostic at the tier's condition."""
    rules = tmp_path / "tiers.yaml"
    rules.write_text(TIERED, encoding="utf-8")
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "agency_id,name,block,a,c\nx,Sở X,so,90,0\ny,Sở Y,so,90,30\n", encoding="utf-8"
    )
    out = tmp_path / "kq.json"
    code = main(["--no-color", "--lang", "en", "score", str(rules), str(survey), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == EXIT_PROBLEMS
    line = _line_of(TIERED, "require:")
    assert f"tiers.yaml:{line}:" in err and "error[E-EVAL-DIVZERO]" in err
    assert "tier 'tot'" in err and "agency 'x'" in err
    assert not out.exists()


@pytest.mark.parametrize("reference", [False, True], ids=["fast", "reference"])
def test_evaluate_checks_relations_of_data_built_in_python(reference: bool) -> None:
    """A Dataset.from_records row breaking a relation gets E-EVAL-RELATION with the values."""
    rules = udcntt.load_rules("relations.yaml", text=RELATED)
    data = udcntt.Dataset.from_records(
        [
            {"id": "ok", "block": "so", "values": {"staff": 10, "with_pc": 9, "rooms": 1}},
            {"id": "bad", "block": "so", "values": {"staff": 10, "with_pc": 12, "rooms": 1}},
        ]
    )
    with pytest.raises(udcntt.EvaluationError) as info:
        udcntt.evaluate(rules, data, reference=reference)
    (d,) = info.value.diagnostics
    assert d.code == "E-EVAL-RELATION" and d.agency == "bad"
    assert "with_pc <= staff" in d.message and "with_pc = 12" in d.message
    assert "máy tính nhiều hơn người" in d.message


@pytest.mark.parametrize("reference", [False, True], ids=["fast", "reference"])
def test_a_relation_that_cannot_be_evaluated_is_a_located_error(reference: bool) -> None:
    """`with_pc / staff` with staff = 0 is E-EVAL-DIVZERO at the relation; it is not skipped."""
    rules = udcntt.load_rules("relations.yaml", text=RELATED)
    data = udcntt.Dataset.from_records(
        [{"id": "empty", "block": "so", "values": {"staff": 0, "with_pc": 0, "rooms": 1}}]
    )
    with pytest.raises(udcntt.EvaluationError) as info:
        udcntt.evaluate(rules, data, reference=reference)
    (d,) = info.value.diagnostics
    assert d.code == "E-EVAL-DIVZERO" and d.agency == "empty"
    assert "with_pc / staff <= 1 + rooms" in d.message
    assert d.location is not None
    assert d.location.line == _line_of(RELATED, 'check: "with_pc / staff')


@pytest.mark.parametrize("reference", [False, True], ids=["fast", "reference"])
def test_a_tier_condition_may_read_an_indicator_no_criterion_reads(reference: bool) -> None:
    """`require: has_plan` over an indicator read by no criterion decides the tier (no crash)."""
    text = TIERED.replace(
        "  c: {label: Chỉ tiêu C,",
        "  has_plan: {label: Có kế hoạch, type: bool}\n  c: {label: Chỉ tiêu C,",
    ).replace('require: "a / c > 1"', 'require: "has_plan"')
    rules = udcntt.load_rules("tiers.yaml", text=text)
    data = udcntt.Dataset.from_records(
        [
            {"id": "yes", "block": "so", "values": {"a": 90, "c": 1, "has_plan": True}},
            {"id": "no", "block": "so", "values": {"a": 90, "c": 1, "has_plan": False}},
        ]
    )
    a = udcntt.evaluate(rules, data, reference=reference)
    assert (a.by_id("yes").tier, a.by_id("no").tier) == ("tot", "kha")
