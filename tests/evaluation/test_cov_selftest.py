"""Embedded rule-file tests with several agencies, missing and not-applicable inputs.

A method author writes a case of several agencies, where some only set the scene (no
``expect``) and some leave an input missing on purpose; ``udcntt check`` must score them
all as a survey would and compare only what was expected.
"""

from __future__ import annotations

from decimal import Decimal

import udcntt
from udcntt.data import MISSING, NA
from udcntt.evaluation import case_dataset
from udcntt.model import TestCase

RULES = """udcntt: 1
id: selftest_many
title: Tự kiểm thử nhiều cơ quan
rounding: {total: 2, share: 4}
blocks: {so: {label: Khối sở}}
indicators:
  a: {label: Chỉ tiêu A, type: number, range: [0, 100], direction: higher}
  n: {label: Số đếm, type: count, range: [0, 100], missing: zero}
  p: {label: Cổng dịch vụ, type: bool, not_applicable: true}
criteria:
  - {id: ca, label: Tiêu chí A, max: 100, points: "a + n"}
  - {id: cp, label: Cổng, max: 10, points: "10 if p else 0"}
tiers:
  levels:
    - {id: tot, label: Tốt, min: 80}
    - {id: tb, label: Trung bình}
tests:
"""


def _check(case: str) -> udcntt.CheckReport:
    return udcntt.check_rules("many.yaml", text=RULES + case)


def test_agencies_without_expectations_still_take_part_in_the_ranking() -> None:
    """The rank of ``x`` depends on ``y``, which has no ``expect`` and yields no failure."""
    report = _check(
        "  - name: hai cơ quan\n"
        "    agencies:\n"
        "      - {id: x, block: so, inputs: {a: 50, p: true}, missing: [n],"
        " expect: {total: 60, max: 110, rank: 2, points: {ca: 50, cp: 10}}}\n"
        "      - {id: y, block: so, inputs: {a: 70, n: 5, p: true}}\n"
    )
    assert report.tests_run == 1
    assert report.diagnostics == []
    assert report.ok


def test_a_wrong_rank_caused_by_an_agency_without_expectations_is_reported() -> None:
    report = _check(
        "  - name: hạng sai\n"
        "    agencies:\n"
        "      - {id: x, block: so, inputs: {a: 50, p: true}, missing: [n], expect: {rank: 1}}\n"
        "      - {id: y, block: so, inputs: {a: 70, n: 5, p: false}}\n"
    )
    assert [(d.code, d.agency, d.message) for d in report.diagnostics] == [
        ("E-TEST-FAIL", "x", "test 'hạng sai': rank: expected 1, got 2")
    ]
    assert report.tests_failed == 1
    assert not report.ok


def test_not_applicable_inputs_lower_the_maximum_in_a_case() -> None:
    report = _check(
        "  - {name: không áp dụng, block: so, inputs: {a: 40, n: 2},"
        " not_applicable: [p], expect: {total: 42, max: 100, share: 0.42}}\n"
    )
    assert report.diagnostics == []


def test_the_dataset_of_a_case_is_what_a_survey_would_give() -> None:
    """Inputs typed exactly (a float through its repr, as a survey cell would read);
    listed N/A and missing values become the markers; a key
    that names no indicator (reported by ``check`` as E-TEST-SHAPE) is left out."""
    rules = udcntt.load_rules("many.yaml", text=RULES + "  []\n")
    case = TestCase.model_validate(
        {
            "name": "tập dữ liệu",
            "agencies": [
                {"id": "x", "block": "so", "inputs": {"a": "12.50", "zz": 1}, "missing": ["n"]},
                {"id": "y", "block": "so", "inputs": {"a": 0.1, "n": 3}, "not_applicable": ["p"]},
            ],
        }
    )
    data = case_dataset(rules, case)
    x, y = data.agencies
    assert x.values == {"a": Decimal("12.50"), "n": MISSING}
    assert y.values == {"a": Decimal("0.1"), "n": Decimal(3), "p": NA}
    assert data.source == "test 'tập dữ liệu'"


def test_a_case_naming_an_unknown_indicator_stops_the_tests_with_a_located_error() -> None:
    """``check`` reports the case's unknown key, located at the case's inputs, and runs no
    test on top of it (a failure built on a wrong input would only mislead)."""
    report = _check("  - {name: khóa lạ, block: so, inputs: {a: 1, zz: 3}, expect: {total: 1}}\n")
    (problem,) = report.diagnostics
    assert problem.code == "E-TEST-SHAPE"
    assert problem.message == "test 'khóa lạ': 'zz' is not an indicator"
    assert problem.location is not None
    assert problem.location.path == "tests[0].inputs"
    assert report.tests_run == 0
    assert not report.ok
