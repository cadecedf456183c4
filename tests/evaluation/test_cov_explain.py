"""``udcntt.explain``: what a trace tells an agency about each criterion and its next tier.

The trace is what an agency reads when it asks "why these points?": the rule as written
(an unscored criterion says so; a cap is shown and applied as a step), the points it lost
and how many more it needs for the next tier, on the tier basis the rule set declares.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

import udcntt

RULES = """udcntt: 1
id: giai_thich
title: Giải thích
rounding: {total: 2, share: 4}
blocks: {so: {label: Khối sở}}
indicators:
  a: {label: Chỉ tiêu A, type: number, range: [0, 100], direction: higher}
  m: {label: Số cuộc họp, type: count, range: [0, 100]}
criteria:
  - {id: ca, label: Tiêu chí A, max: 50, points: "a / 2"}
  - id: hop
    label: Họp
    max: 20
    cap: 20
    bands:
      input: m
      steps: [{min: 4, points: 25}, {min: 2, points: 10}]
  - {id: ghi, label: Ghi nhận, max: 0, unscored: true}
tiers:
  basis: share
  levels:
    - {id: tot, label: Tốt, min: 0.8}
    - {id: kha, label: Khá, min: 0.5}
    - {id: tb, label: Trung bình}
"""


@pytest.fixture(scope="module")
def assessment() -> udcntt.Assessment:
    rules = udcntt.load_rules("giai-thich.yaml", text=RULES)
    data = udcntt.Dataset.from_records(
        [
            {"id": "x", "block": "so", "values": {"a": 100, "m": 5}},
            {"id": "y", "block": "so", "values": {"a": 60, "m": 2}},
            {"id": "z", "block": "so", "values": {"a": 20, "m": 0}},
        ]
    )
    return udcntt.evaluate(rules, data)


def _criterion(trace: dict[str, Any], cid: str) -> dict[str, Any]:
    return next(c for c in trace["criteria"] if c["id"] == cid)


def test_a_capped_rule_shows_its_cap_and_the_cap_step(assessment: udcntt.Assessment) -> None:
    hop = _criterion(udcntt.explain(assessment, "x"), "hop")
    assert hop["rule"] == {
        "kind": "bands",
        "expr": "m",
        "steps": ["≥ 4 → 25", "≥ 2 → 10"],
        "otherwise": "0",
        "cap": "20",
    }
    assert hop["steps"] == [
        {"step": "bands", "input": "m", "value": "5", "matched": "≥ 4", "points": "25"},
        {"step": "cap", "cap": "20", "before": "25"},
    ]
    assert hop["points"] == "20"


def test_an_unscored_criterion_says_so(assessment: udcntt.Assessment) -> None:
    ghi = _criterion(udcntt.explain(assessment, "y"), "ghi")
    assert ghi["rule"] == {"kind": "unscored"}
    assert ghi["steps"] == []
    assert ghi["inputs"] == {}


def test_points_to_the_next_tier_on_a_share_basis(assessment: udcntt.Assessment) -> None:
    """Share thresholds are converted with the agency's own maximum (70 here)."""
    best = udcntt.explain(assessment, "x")
    assert (best["tier"], best["to_next_tier"], best["lost_points"]) == ("tot", None, [])
    middle = udcntt.explain(assessment, "y")
    assert middle["tier"] == "kha" and middle["total"] == "40.00"
    assert middle["to_next_tier"] == "16.00"  # 0.8 × 70 − 40
    assert middle["lost_points"] == [{"id": "ca", "lost": "20"}, {"id": "hop", "lost": "10"}]
    last = udcntt.explain(assessment, "z")
    assert last["to_next_tier"] == "25.00"  # 0.5 × 70 − 10
    assert last["lost_points"] == [{"id": "ca", "lost": "40"}, {"id": "hop", "lost": "20"}]


def test_explain_without_the_rule_set_is_a_usage_error(assessment: udcntt.Assessment) -> None:
    """An assessment that no longer carries its rule set (as a regrouped view does) cannot
    be re-traced and says so instead of guessing; an unknown agency is a KeyError."""
    detached = replace(assessment, _compiled=None)
    with pytest.raises(udcntt.UsageError) as caught:
        udcntt.explain(detached, "x")
    assert caught.value.diagnostics[0].code == "E-USAGE"
    with pytest.raises(KeyError):
        udcntt.explain(assessment, "khong_co")


IMPUTED = """udcntt: 1
id: bu
title: Bù
rounding: {criteria: 1, total: 2, share: 4}
blocks: {so: {label: Khối sở}}
indicators:
  a: {label: A, type: number, range: [0, 100], direction: higher, missing: impute_mean}
criteria:
  - {id: ca, label: A, max: 10, points: "a / 3"}
tiers:
  levels:
    - {id: tot, label: Tốt, min: 8}
    - {id: tb, label: TB}
"""


def test_the_trace_of_an_imputed_value_shows_it_and_the_rounded_points() -> None:
    """A missing value imputed from the block's mean is the input the trace shows; points
    rounded per criterion show the unrounded value they came from."""
    rules = udcntt.load_rules("bu.yaml", text=IMPUTED)
    data = udcntt.Dataset.from_records(
        [
            {"id": "x", "block": "so", "values": {"a": 10}},
            {"id": "y", "block": "so", "values": {"a": 12}},
            {"id": "z", "block": "so", "values": {"a": udcntt.MISSING}},
        ]
    )
    trace = udcntt.explain(udcntt.evaluate(rules, data), "z")
    assert trace["inputs"] == {"a": "11"}
    assert trace["notes"] == ["a: missing, imputed impute_mean = 11"]
    (ca,) = trace["criteria"]
    assert ca["inputs"] == {"a": "11"}
    assert ca["points"] == "3.7"
    assert ca["unrounded"].startswith("3.666")
