"""Derived values on both evaluation paths: not-applicable spreads, arithmetic errors are located.

A derived value that reads a not-applicable indicator is itself not applicable, so the
criteria that read it are left out of the agency's maximum, not scored 0. A derived value
whose arithmetic fails (division by zero) stops scoring with an error naming the derived
value and the agency — on the fast path and on the reference path alike.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from eval_helpers import both_paths

import udcntt

RULES = """udcntt: 1
id: derived_paths
title: Giá trị suy ra
rounding: {total: 2, share: 4}
blocks: {so: {label: Khối sở}}
indicators:
  staff: {label: Tổng số CBCCVC, type: count, range: [0, 1000]}
  pc: {label: Số máy tính, type: count, range: [0, 1000], direction: higher, not_applicable: true}
  rooms: {label: Số phòng, type: count, range: [0, 100], direction: higher}
derived:
  per_staff:
    expr: pc / staff
    label: Máy tính mỗi người
    direction: higher
criteria:
  - {id: may_tinh, label: Máy tính, max: 10, points: "min(per_staff, 1) * 10"}
  - {id: phong, label: Phòng, max: 10, points: "min(rooms, 10)"}
  - {id: ghi_chu, label: Ghi chú, max: 0, unscored: true}
tiers:
  levels:
    - {id: tot, label: Tốt, min: 15}
    - {id: tb, label: Trung bình}
"""


def _data(*rows: tuple[str, object, object, object]) -> udcntt.Dataset:
    return udcntt.Dataset.from_records(
        {"id": i, "name": i, "block": "so", "values": {"staff": s, "pc": p, "rooms": r}}
        for i, s, p, r in rows
    )


def test_not_applicable_spreads_through_a_derived_value() -> None:
    """pc N/A makes per_staff N/A, so 'may_tinh' leaves the maximum on both paths."""
    rules = udcntt.load_rules("derived.yaml", text=RULES)
    fast, _ = both_paths(rules, _data(("a", 10, 5, 4), ("b", 10, udcntt.NA, 6)))
    a, b = fast.by_id("a"), fast.by_id("b")
    assert (a.total, a.max) == (Decimal("9"), Decimal("20"))
    assert b.criteria["may_tinh"].points is None
    assert (b.total, b.max) == (Decimal("6"), Decimal("10"))
    assert b.criteria["ghi_chu"].points == 0


@pytest.mark.parametrize("reference", [False, True], ids=["fast", "reference"])
def test_division_by_zero_in_a_derived_value_is_located(reference: bool) -> None:
    """staff = 0 is E-EVAL-DIVZERO naming the derived value and the agency."""
    rules = udcntt.load_rules("derived.yaml", text=RULES)
    with pytest.raises(udcntt.EvaluationError) as caught:
        udcntt.evaluate(rules, _data(("a", 10, 5, 4), ("b", 0, 5, 6)), reference=reference)
    (problem,) = caught.value.diagnostics
    assert problem.code == "E-EVAL-DIVZERO"
    assert problem.agency == "b"
    assert "derived value 'per_staff'" in problem.message
