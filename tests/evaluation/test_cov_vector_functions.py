"""Every built-in function a rule can call gives the same published results on both engines.

A province that scores thousands of agencies gets the vectorised engine; whatever
function its rules call (``one_of``, rounding, ``ratio``, ``capped_ratio``, ``clamp``,
``min``/``max``, ``abs``, ``bands``, ``per_item``, ``count_true``, ``floor``/``ceil``)
must publish byte for byte what the exact Decimal engine publishes, traces included.
A function without a column form (``sqrt``) sends the rule set to the exact engine.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

import udcntt
from udcntt.report import assessment_to_json

pytest.importorskip("numpy")

from udcntt.evaluation._vector import VectorResult  # needs NumPy

RULES = """udcntt: 1
id: ham_cot
title: Hàm theo cột
rounding: {total: 2, share: 4}
blocks: {so: {label: Khối sở}}
indicators:
  a: {label: A, type: number, range: [0, 100], direction: higher}
  b: {label: B, type: count, range: [0, 50], direction: higher}
  f: {label: F, type: bool}
  g: {label: G, type: bool}
  k: {label: K, type: category, categories: {x: X, y: Y, z: Z}}
criteria:
  - {id: c_one_of, label: one_of, max: 5, points: "5 if one_of(k, 'x', 'z') else 0"}
  - {id: c_round, label: round, max: 20, points: "round_half_up(a / 11, 2) + round_down(a / 13, 1)"}
  - {id: c_ratio, label: ratio, max: 10, points: "ratio(b, a, 0) * 2 if a > 20 else 0"}
  - {id: c_capped, label: capped, max: 10, points: "capped_ratio(b, a) * 10"}
  - {id: c_clamp, label: clamp, max: 10, points: "clamp(a - 40, 0, 10)"}
  - {id: c_minmax, label: minmax, max: 10, points: "min(a, b, 10) + max(a - 100, b - 50, 0)"}
  - {id: c_abs, label: abs, max: 50, points: "abs(a - 50)"}
  - {id: c_bands, label: bands, max: 20, points: "bands(b, 40, 20, 20, 10, 5, 5, 0)"}
  - {id: c_per_item, label: per_item, max: 10, points: "per_item(b, 0.5, 10)"}
  - {id: c_count, label: count_true, max: 4, points: "count_true(f, g, a > 50, f and not g)"}
  - {id: c_floor, label: floor, max: 20, points: "floor(a / 10) + ceil(b / 10) / 10 + (1 if f or g else 0)"}
  - {id: c_signs, label: signs, max: 25, points: "(10 if k == 'y' and True else 0) + (-a + 100) / 10 + (+b) / 10"}
tiers:
  levels:
    - {id: tot, label: Tốt, min: 120}
    - {id: kha, label: Khá, min: 60}
    - {id: tb, label: TB}
"""
A_VALUES = [0, 5, 11, 13, 20, 21, "33.3", 40, 44, 50, 55, 77, 100]


def _survey(n: int, seed: int) -> udcntt.Dataset:
    rng = random.Random(seed)
    return udcntt.Dataset.from_records(
        [
            {
                "id": f"cq{i:03}",
                "block": "so",
                "values": {
                    "a": rng.choice(A_VALUES),
                    "b": rng.randint(0, 50),
                    "f": rng.random() < 0.5,
                    "g": rng.random() < 0.5,
                    "k": rng.choice("xyz"),
                    "d": f"2024-01-0{rng.randint(1, 3)}",
                },
            }
            for i in range(n)
        ]
    )


def _both(text: str, data: udcntt.Dataset) -> tuple[udcntt.Assessment, udcntt.Assessment]:
    rules = udcntt.compile_rules(udcntt.load_rules("ham-cot.yaml", text=text))
    exact = udcntt.evaluate(rules, data, engine="decimal")
    vector = udcntt.evaluate(rules, data, engine="vector")
    assert assessment_to_json(vector) == assessment_to_json(exact)
    assert assessment_to_json(vector, traces=True) == assessment_to_json(exact, traces=True)
    return exact, vector


@pytest.mark.parametrize("seed", [7, 11, 2026])
def test_every_builtin_function_publishes_the_same_on_both_engines(seed: int) -> None:
    exact, vector = _both(RULES, _survey(40, seed))
    assert sum(isinstance(r, VectorResult) for r in vector.results) > 0
    assert [r.rank for r in vector.results] == [r.rank for r in exact.results]


def test_values_of_the_column_functions_are_the_rules_values() -> None:
    """Spot values worked by hand: a = 44, b = 33, f yes, g no, k = 'z'."""
    data = udcntt.Dataset.from_records(
        [
            {
                "id": "cq",
                "block": "so",
                "values": {"a": 44, "b": 33, "f": True, "g": False, "k": "z"},
            },
            {
                "id": "cr",
                "block": "so",
                "values": {"a": 5, "b": 0, "f": False, "g": False, "k": "y"},
            },
        ]
    )
    _, vector = _both(RULES, data)
    first = vector.by_id("cq")
    assert isinstance(first, VectorResult)
    points = {cid: res.points for cid, res in first.criteria.items()}
    assert points["c_one_of"] == 5
    assert points["c_round"] == Decimal("4") + Decimal("3.3")  # 44/11 = 4.00; 44/13 → 3.3
    assert points["c_clamp"] == 4
    assert points["c_minmax"] == 10
    assert points["c_abs"] == 6
    assert points["c_bands"] == 10  # 33 ≥ 20
    assert points["c_per_item"] == 10  # 33 × 0.5 capped at 10
    assert points["c_count"] == 2  # f, and f and not g
    assert points["c_floor"] == Decimal("5.4")  # 4 + 4/10 + 1
    assert points["c_signs"] == Decimal("8.9")  # k is not 'y'; (100 − 44)/10 + 33/10
    second = vector.by_id("cr")
    assert second.criteria["c_signs"].points == Decimal("19.5")  # 10 + 95/10 + 0
    assert second.criteria["c_ratio"].points == 0  # a ≤ 20
    assert second.criteria["c_capped"].points == 0


@pytest.mark.parametrize(
    "points", ["sqrt(a) * 5", "a ** 2 / 200", "50 if d > date(2024, 1, 1) else 0"]
)
def test_a_construct_without_a_column_form_scores_the_rule_set_exactly(points: str) -> None:
    """A square root, a power or a date: every agency takes the exact engine, same JSON."""
    text = RULES.replace('points: "abs(a - 50)"', f'points: "{points}"').replace(
        "  k: {label: K,", "  d: {label: D, type: date}\n  k: {label: K,"
    )
    if "date" not in points:
        text = text.replace("  d: {label: D, type: date}\n", "")
    _, vector = _both(text, _survey(20, 3))
    assert not any(isinstance(r, VectorResult) for r in vector.results)
