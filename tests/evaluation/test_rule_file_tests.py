"""A rule file's own ``tests:`` section: every failing expectation is reported, located.

Method authors pin a rule set's behaviour with embedded test cases; ``udcntt check`` runs
them. Each wrong expectation must be its own located ``E-TEST-FAIL`` naming what was
expected and what came out, and a case whose inputs cannot be read is ``E-TEST-SHAPE``.
"""

from __future__ import annotations

import pytest

import udcntt

BASE = """udcntt: 1
id: selftest
title: Tự kiểm thử
rounding: {total: 2, share: 4}
blocks: {so: {label: Khối sở}}
indicators:
  a: {label: Chỉ tiêu A, type: number, range: [0, 100], direction: higher}
  b: {label: Chỉ tiêu B, type: number, range: [0, 100], direction: higher}
  n: {label: Số đếm, type: count, range: [0, 100], missing: zero}
criteria:
  - {id: ca, label: Tiêu chí A, max: 100, points: "a"}
  - {id: cb, label: Tiêu chí B, max: 100, points: "b + n"}
tiers:
  levels:
    - {id: tot, label: Tốt, min: 80}
    - {id: tb, label: Trung bình}
tests:
"""
CASE_LINE = BASE.count("\n") + 1


def _problems(case: str) -> tuple[udcntt.CheckReport, list[tuple[str, str]]]:
    report = udcntt.check_rules("selftest.yaml", text=BASE + case)
    found = []
    for d in report.diagnostics:
        assert d.location is not None and d.location.line == CASE_LINE
        found.append((d.code, d.message))
    return report, found


def test_a_passing_case_reports_nothing() -> None:
    """Inputs left null are missing values and follow the indicator's policy (zero here)."""
    _, found = _problems(
        "  - {name: đủ điểm, block: so, inputs: {a: 50, b: 40, n: null},"
        " expect: {total: 90, share: 0.45, max: 200, points: {ca: 50, cb: 40}, tier: tot,"
        " rank: 1}}\n"
    )
    assert found == []


def test_every_wrong_expectation_is_its_own_failure() -> None:
    """Points, total, share, max, tier and rank are each compared and each reported."""
    _, found = _problems(
        "  - {name: sai, block: so, inputs: {a: 50, b: 40},"
        " expect: {total: 91, share: 0.5, max: 100, points: {ca: 5}, tier: tb, rank: 2}}\n"
    )
    assert found == [
        ("E-TEST-FAIL", "test 'sai': points of 'ca': expected 5, got 50"),
        ("E-TEST-FAIL", "test 'sai': total: expected 91, got 90.00"),
        ("E-TEST-FAIL", "test 'sai': share: expected 0.5, got 0.4500"),
        ("E-TEST-FAIL", "test 'sai': max: expected 100, got 200"),
        ("E-TEST-FAIL", "test 'sai': tier: expected 'tb', got 'tot'"),
        ("E-TEST-FAIL", "test 'sai': rank: expected 2, got 1"),
    ]


def test_a_case_that_cannot_be_scored_says_why() -> None:
    """A missing value under the 'error' policy fails the case with the scoring error."""
    _, found = _problems(
        "  - {name: thiếu, block: so, inputs: {a: 1, b: null}, expect: {total: 1}}\n"
    )
    assert found == [
        (
            "E-TEST-FAIL",
            "test 'thiếu': scoring failed: 'Chỉ tiêu B' is missing and its policy is 'error'",
        )
    ]


@pytest.mark.parametrize(
    ("inputs", "problem"),
    [
        ("{a: 1, b: 1, zz: 3}", "'zz' is not an indicator"),
        ("{a: 1, b: 1, n: 2.5}", "input 'n': a count must be a whole number"),
    ],
)
def test_inputs_that_cannot_be_read_are_a_shape_error(inputs: str, problem: str) -> None:
    """An unknown indicator or a value of the wrong type stops the case: E-TEST-SHAPE."""
    report, found = _problems(
        f"  - {{name: hỏng, block: so, inputs: {inputs}, expect: {{total: 2}}}}\n"
    )
    assert [code for code, _ in found] == ["E-TEST-SHAPE"]
    assert problem in found[0][1]
    assert not report.ok
