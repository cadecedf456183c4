"""A ``cap`` on a normalised criterion bounds its points after normalisation.

``max: 10, cap: 8`` on a population-normalised criterion: the best agency's score of 1
would give 10 points; the cap publishes 8, on every engine, and the trace shows the cap
with the normalisation the points came from.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import udcntt

RULES = """udcntt: 1
id: chuan
title: Chuẩn hoá
rounding: {total: 2, share: 4}
blocks: {so: {label: Khối sở}}
indicators:
  a: {label: A, type: number, range: [0, 100], direction: higher}
criteria:
  - {id: cn, label: N, max: 10, cap: 8, normalise: {value: a, method: min_max}}
tiers:
  levels:
    - {id: tot, label: Tốt, min: 8}
    - {id: tb, label: TB}
"""


@pytest.mark.parametrize(
    "options",
    [{"engine": "decimal"}, {"engine": "vector"}, {"reference": True}],
    ids=["decimal", "vector", "reference"],
)
def test_the_cap_bounds_normalised_points(options: dict[str, object]) -> None:
    if options.get("engine") == "vector":
        pytest.importorskip("numpy")
    rules = udcntt.load_rules("chuan.yaml", text=RULES)
    data = udcntt.Dataset.from_records(
        [{"id": f"x{i}", "block": "so", "values": {"a": v}} for i, v in enumerate([0, 50, 90, 100])]
    )
    assessment = udcntt.evaluate(rules, data, **options)  # type: ignore[arg-type]
    points = [r.criteria["cn"].points for r in assessment.results]
    # min-max scores 0, 0.5, 0.9, 1 → 0, 5, 9 and 10 points, the last two capped at 8
    assert points == [Decimal(0), Decimal(5), Decimal(8), Decimal(8)]
    assert [r.tier for r in assessment.results] == ["tb", "tb", "tot", "tot"]
    if options.get("reference"):
        return
    trace = udcntt.explain(assessment, "x3")["criteria"][0]
    assert trace["rule"]["cap"] == "8"
    assert trace["points"] == "8"
    assert trace["normalisation"]["score"] == "1"
    assert trace["normalisation"]["population"] == [{"min": "0", "max": "100", "method": "min_max"}]
