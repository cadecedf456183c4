"""Values passed from Python (``Dataset.from_records``) are typed exactly or refused, located.

A caller embedding udcntt hands plain Python values to :func:`udcntt.evaluate`; each must
either become the exact value a survey cell would give, or be an ``E-EVAL-TYPE`` error that
names the agency, the indicator, the value and the reason. Nothing is guessed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import udcntt

RULES = """udcntt: 1
id: python_values
title: Giá trị từ Python
rounding: {total: 2, share: 4}
blocks: {so: {label: Khối sở}}
indicators:
  a: {label: Chỉ tiêu A, type: number, range: [0, 100], direction: higher}
  n: {label: Số đếm, type: count, range: [0, 100], direction: higher, missing: impute_mean}
  m: {label: Số nhỏ nhất, type: number, range: [0, 100], direction: higher, missing: impute_min}
  b: {label: Có hay không, type: bool}
  k: {label: Loại, type: category, categories: {x: Loại X, y: Loại Y}}
  d: {label: Ngày ban hành, type: date}
criteria:
  - {id: ca, label: Tiêu chí A, max: 300, points: "a + n + m"}
  - {id: cb, label: Tiêu chí B, max: 10, points: "10 if b else 0"}
  - {id: cc, label: Tiêu chí C, max: 10, points: "10 if k == 'x' else 0"}
  - {id: cd, label: Tiêu chí D, max: 10, points: "10 if d > date(2024, 1, 1) else 0"}
tiers:
  levels:
    - {id: tot, label: Tốt, min: 80}
    - {id: tb, label: Trung bình}
"""

GOOD = {"a": "1", "n": 1, "m": 1, "b": True, "k": "x", "d": "2024-01-02"}


def _assess(*values: dict[str, Any]) -> udcntt.Assessment:
    rules = udcntt.load_rules("python-values.yaml", text=RULES)
    records = [
        {"id": f"cq{i}", "name": f"Cơ quan {i}", "block": "so", "values": v}
        for i, v in enumerate(values, start=1)
    ]
    return udcntt.evaluate(rules, udcntt.Dataset.from_records(records))


def test_python_values_become_the_exact_values_a_survey_would_give() -> None:
    """Floats through repr, numeric strings, ints, yes/no words and dates are exact."""
    result = _assess(
        {"a": 0.1, "n": 2, "m": Decimal("3"), "b": "TRUE", "k": "x", "d": date(2024, 5, 1)},
        {"a": " 12.5 ", "n": Decimal("4"), "m": 7, "b": " false", "k": "y", "d": "2023-12-31"},
    )
    first, second = result.results
    assert first.criteria["ca"].points == Decimal("5.1")  # 0.1 + 2 + 3, exactly
    assert first.criteria["cb"].points == 10
    assert first.criteria["cd"].points == 10
    assert second.criteria["ca"].points == Decimal("23.5")
    assert second.criteria["cb"].points == 0
    assert second.criteria["cc"].points == 0
    assert second.criteria["cd"].points == 0


def test_missing_values_are_imputed_by_their_declared_policy() -> None:
    """impute_mean takes the mean of the typed values; impute_min their minimum."""
    result = _assess(
        {**GOOD, "n": 2, "m": 5},
        {**GOOD, "n": 4, "m": 9},
        {**GOOD, "n": udcntt.MISSING, "m": udcntt.MISSING},
    )
    third = result.by_id("cq3")
    # a = 1, n imputed as mean(2, 4) = 3, m imputed as min(5, 9) = 5
    assert third.criteria["ca"].points == 9


def test_imputation_ignores_values_that_cannot_be_typed() -> None:
    """A value that is itself an error does not feed the mean; it is reported instead."""
    with pytest.raises(udcntt.EvaluationError) as caught:
        _assess({**GOOD, "n": "abc"}, {**GOOD, "n": 6}, {**GOOD, "n": udcntt.MISSING})
    problems = [(d.code, d.agency, d.indicator) for d in caught.value.diagnostics]
    assert problems == [("E-EVAL-TYPE", "cq1", "n")]


@pytest.mark.parametrize(
    ("indicator", "value", "reason"),
    [
        ("a", True, "expected a number, got a yes/no value"),
        ("a", "NaN", "numbers must be finite"),
        ("a", "12,5", "'12,5' is not a number"),
        ("a", [1], "expected a number, got list"),
        ("n", 2.5, "a count must be a whole number"),
        ("b", "yes", "expected yes/no (true/false)"),
        ("b", 1, "expected yes/no (true/false)"),
        ("k", "z", "not one of the categories: x, y"),
        ("k", 3, "not one of the categories: x, y"),
        ("d", "31/12/2024", "'31/12/2024' is not a date (YYYY-MM-DD)"),
        ("d", 5, "expected a date"),
    ],
)
def test_a_value_of_the_wrong_type_is_a_located_error(
    indicator: str, value: Any, reason: str
) -> None:
    """The error names the agency, the indicator, the value given and why it is refused."""
    with pytest.raises(udcntt.EvaluationError) as caught:
        _assess(GOOD, {**GOOD, indicator: value})
    (problem,) = caught.value.diagnostics
    assert problem.code == "E-EVAL-TYPE"
    assert problem.agency == "cq2"
    assert problem.indicator == indicator
    assert problem.value == str(value)
    assert reason in problem.message
