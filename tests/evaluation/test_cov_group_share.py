"""``min_group_share`` on a tier: a high total with one weak group does not reach the tier.

Several provinces' methods require every group of criteria to reach a share of its
maximum for the best tier; an agency that makes its total in one group only falls to the
next tier. The exact, reference and vectorised engines must agree on it.
"""

from __future__ import annotations

import pytest

import udcntt

RULES = """udcntt: 1
id: nhom
title: Nhóm
rounding: {total: 2, share: 4}
blocks: {so: {label: Khối sở}}
indicators:
  a: {label: A, type: number, range: [0, 100], direction: higher}
  b: {label: B, type: number, range: [0, 100], direction: higher}
criteria:
  - id: g1
    label: Nhóm 1
    children:
      - {id: ca, label: A, max: 50, points: "a / 2"}
  - id: g2
    label: Nhóm 2
    children:
      - {id: cb, label: B, max: 50, points: "b / 2"}
tiers:
  levels:
    - {id: tot, label: Tốt, min: 70, min_group_share: 0.5}
    - {id: kha, label: Khá, min: 50}
    - {id: tb, label: TB}
"""


@pytest.mark.parametrize(
    "options",
    [{"engine": "decimal"}, {"engine": "vector"}, {"reference": True}],
    ids=["decimal", "vector", "reference"],
)
def test_a_weak_group_keeps_an_agency_out_of_the_tier(options: dict[str, object]) -> None:
    if options.get("engine") == "vector":
        pytest.importorskip("numpy")
    rules = udcntt.load_rules("nhom.yaml", text=RULES)
    data = udcntt.Dataset.from_records(
        [
            {"id": "x", "block": "so", "values": {"a": 100, "b": 40}},  # 70, group 2 at 0.4
            {"id": "y", "block": "so", "values": {"a": 80, "b": 80}},  # 80, both at 0.8
            {"id": "z", "block": "so", "values": {"a": 100, "b": 50}},  # 75, group 2 at 0.5
        ]
    )
    assessment = udcntt.evaluate(rules, data, **options)  # type: ignore[arg-type]
    got = {r.agency_id: (str(r.total), r.tier) for r in assessment.results}
    assert got == {"x": ("70.00", "kha"), "y": ("80.00", "tot"), "z": ("75.00", "tot")}
