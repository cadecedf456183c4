"""Population normalisations, group aggregations and N/A rescaling against hand-computed values.

Every case is scored on both paths — the code generated from the rule file and the
reference interpreter (``evaluate(..., reference=True)``) — which must agree byte for byte,
and the fast path must have scored every agency.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from eval_helpers import both_paths

import udcntt

NORMALISED = """udcntt: 1
id: norm
title: Chuẩn hoá
rounding: {total: 4, share: 4}
blocks: {so: {label: Khối sở}, huyen: {label: Khối huyện}}
indicators:
  v: {label: Giá trị (cao là tốt), type: number, range: [0, 1000], direction: higher}
  w: {label: Giá trị (thấp là tốt), type: number, range: [0, 1000], direction: lower}
criteria:
  - id: n
    label: Điểm chuẩn hoá
    max: 100
    normalise: {value: VALUE, method: METHOD, scope: SCOPE}
tiers:
  levels: [{id: all, label: Tất cả}]
"""


def _rules(method: str, value: str = "v", scope: str = "all", extra: str = "") -> udcntt.RuleSet:
    text = (
        NORMALISED.replace("METHOD", method).replace("VALUE", value).replace("SCOPE", scope + extra)
    )
    return udcntt.load_rules("norm.yaml", text=text)


def _points(
    rules: udcntt.RuleSet, values: list[str], indicator: str = "v", block: str = "so"
) -> list[Decimal]:
    """Published points (score × 100, 4 places) of agencies a0, a1, … with these values."""
    data = udcntt.Dataset.from_records(
        {
            "id": f"a{i}",
            "block": block,
            "values": {"v": Decimal(0), "w": Decimal(0), indicator: Decimal(x)},
        }
        for i, x in enumerate(values)
    )
    fast, _ = both_paths(rules, data)
    assert dict(fast.paths) == {"fast": len(values)}
    return [fast.by_id(f"a{i}").total for i in range(len(values))]


def _d(*values: str) -> list[Decimal]:
    return [Decimal(v) for v in values]


CASES = [
    # method, values, expected points (score × 100)
    ("to_best", ["10", "20", "40", "40"], _d("25", "50", "100", "100")),
    ("to_best", ["7"], _d("100")),
    ("to_best", ["5", "5", "5"], _d("100", "100", "100")),
    ("to_best", ["0", "0"], _d("0", "0")),  # nobody has any: nobody scores
    ("to_best", ["0", "30"], _d("0", "100")),
    ("min_max", ["10", "20", "50"], _d("0", "25", "100")),
    ("min_max", ["10", "10", "50", "20"], _d("0", "0", "100", "25")),
    ("min_max", ["10", "20", "40"], _d("0", "33.3333", "100")),
    ("min_max", ["5", "5", "5"], _d("100", "100", "100")),
    ("min_max", ["7"], _d("100")),
    ("[z_score, min_max]", ["10", "20", "50"], _d("0", "25", "100")),
    ("[z_score, min_max]", ["4", "4"], _d("100", "100")),
    ("[z_score, min_max]", ["7"], _d("100")),
    ("rank", ["10", "20", "20", "50", "60"], _d("0", "50", "50", "75", "100")),
    ("rank", ["60", "60", "10"], _d("100", "100", "0")),  # ties share the better rank
    ("rank", ["5", "5", "5"], _d("100", "100", "100")),
    ("rank", ["7"], _d("100")),
    ("percentile", ["10", "20", "20", "50"], _d("25", "75", "75", "100")),
    ("percentile", ["5", "5", "5"], _d("100", "100", "100")),
    ("percentile", ["7"], _d("100")),
    ("goalposts", ["0", "50", "150", "250"], _d("0", "25", "75", "100")),
    ("goalposts", ["80"], _d("40")),  # fixed posts: a population of one is no special case
]


@pytest.mark.parametrize(("method", "values", "expected"), CASES)
def test_higher_is_better(method: str, values: list[str], expected: list[Decimal]) -> None:
    """Each method gives the documented score for values where higher is better."""
    extra = ", goalposts: [0, 200]" if method == "goalposts" else ""
    assert _points(_rules(method, extra=extra), values) == expected


LOWER = [
    ("to_best", ["10", "20", "40"], _d("100", "50", "25")),
    ("to_best", ["0", "5"], _d("100", "0")),  # 0 is the best a lower-is-better value can be
    ("to_best", ["8"], _d("100")),
    ("min_max", ["10", "20", "50"], _d("100", "75", "0")),
    ("[z_score, min_max]", ["10", "20", "50"], _d("100", "75", "0")),
    ("rank", ["10", "20", "20", "50", "60"], _d("100", "75", "75", "25", "0")),
    ("percentile", ["10", "20", "20", "50"], _d("100", "75", "75", "25")),
    ("goalposts", ["0", "50", "150", "250"], _d("100", "75", "25", "0")),
]


@pytest.mark.parametrize(("method", "values", "expected"), LOWER)
def test_lower_is_better_from_the_indicator(
    method: str, values: list[str], expected: list[Decimal]
) -> None:
    """An indicator declared ``direction: lower`` reverses every method."""
    extra = ", goalposts: [0, 200]" if method == "goalposts" else ""
    assert _points(_rules(method, value="w", extra=extra), values, indicator="w") == expected


def test_direction_on_the_normalisation_overrides_the_indicator() -> None:
    """``direction: lower`` on ``normalise`` reverses a higher-is-better indicator."""
    rules = _rules("to_best", extra=", direction: lower")
    assert _points(rules, ["10", "20", "40"]) == _d("100", "50", "25")


def test_block_scope_normalises_each_block_alone() -> None:
    """``scope: block``: each block is its own population; a block of one gets full marks."""
    rules = _rules("min_max", scope="block")
    data = udcntt.Dataset.from_records(
        [
            {"id": "s1", "block": "so", "values": {"v": 10, "w": 0}},
            {"id": "s2", "block": "so", "values": {"v": 30, "w": 0}},
            {"id": "s3", "block": "so", "values": {"v": 15, "w": 0}},
            {"id": "h1", "block": "huyen", "values": {"v": 1, "w": 0}},
        ]
    )
    a, _ = both_paths(rules, data)
    assert [a.by_id(i).total for i in ("s1", "s2", "s3", "h1")] == _d("0", "100", "25", "100")
    assert a.normalisation["n"]["huyen"][0]["note"] == "no spread: every agency scores 1"
    assert a.normalisation["n"]["so"][0] == {"min": "10", "max": "30", "method": "min_max"}


def test_z_score_statistics_are_the_population_ones() -> None:
    """The z-score stage records the mean and the population standard deviation (÷ n)."""
    rules = _rules("[z_score, min_max]")
    data = udcntt.Dataset.from_records(
        {"id": f"a{i}", "block": "so", "values": {"v": x, "w": 0}}
        for i, x in enumerate([2, 4, 4, 4, 5, 5, 7, 9])
    )
    a, _ = both_paths(rules, data)
    z, mm = a.normalisation["n"]["all"]
    assert (Decimal(z["mean"]), Decimal(z["sd"])) == (Decimal(5), Decimal(2))
    assert mm["method"] == "min_max"
    assert a.by_id("a0").total == 0 and a.by_id("a7").total == 100
    assert a.by_id("a1").total == Decimal("28.5714")  # (4 - 2) / (9 - 2)


GROUPS = """udcntt: 1
id: groups
title: Nhóm
rounding: {total: 4, share: 4}
NOT_APPLICABLE
blocks: {so: {label: Khối sở}}
indicators:
  p1: {label: P1, type: number, range: [0, 10]}
  p2: {label: P2, type: number, range: [0, 10]}
  q1: {label: Q1, type: number, range: [0, 20], not_applicable: true}
  q2: {label: Q2, type: number, range: [0, 40]}
  r: {label: R, type: number, range: [0, 40]}
criteria:
  - id: g
    label: Nhóm trung bình
    max: 100
    aggregate: AGGREGATE
    children:
      - {id: g1, label: G1, max: 10, weight: W1, points: "p1"}
      - {id: g2, label: G2, max: 10, weight: W2, points: "p2"}
  - id: grp
    label: Nhóm có thể không áp dụng
    max: 60
    RESCALE
    children:
      - {id: q1c, label: Q1, max: 20, points: "q1"}
      - {id: q2c, label: Q2, max: 40, points: "q2"}
  - {id: other, label: Khác, max: 40, points: "r"}
tiers:
  basis: share
  levels: [{id: all, label: Tất cả}]
"""


def _groups(
    aggregate: str = "weighted_mean",
    w1: str = "1",
    w2: str = "1",
    rescale: str = "",
    policy: str = "",
) -> udcntt.RuleSet:
    text = (
        GROUPS.replace("AGGREGATE", aggregate)
        .replace("W1", w1)
        .replace("W2", w2)
        .replace("RESCALE", rescale)
        .replace("NOT_APPLICABLE", policy)
    )
    return udcntt.load_rules("groups.yaml", text=text)


FULL = {"p1": 10, "p2": 10, "q1": 20, "q2": 40, "r": 40}


@pytest.mark.parametrize(
    ("w1", "w2", "p1", "p2", "expected"),
    [
        ("1", "1", "2.5", "10", "50"),  # √(0.25 × 1)
        ("1", "3", "0.625", "10", "50"),  # 0.0625^¼ × 1^¾
        ("1", "1", "2.5", "6.4", "40"),  # √(0.25 × 0.64)
        ("1", "1", "0", "10", "0"),  # a zero share makes the mean 0
        ("2", "1", "10", "10", "100"),
    ],
)
def test_geometric_mean_group(w1: str, w2: str, p1: str, p2: str, expected: str) -> None:
    """``aggregate: geometric_mean`` = Π shareᵢ^(wᵢ/Σw) × max."""
    rules = _groups("geometric_mean", w1, w2)
    data = udcntt.Dataset.from_records(
        [{"id": "x", "block": "so", "values": {**FULL, "p1": Decimal(p1), "p2": Decimal(p2)}}]
    )
    a, _ = both_paths(rules, data)
    assert a.by_id("x").criteria["g"].points == Decimal(expected)
    assert dict(a.paths) == {"fast": 1}


def test_weighted_mean_group() -> None:
    """``aggregate: weighted_mean`` = Σ wᵢ·shareᵢ / Σw × max: (1 × 0.25 + 3 × 1) / 4 = 0.8125."""
    rules = _groups("weighted_mean", "1", "3")
    data = udcntt.Dataset.from_records(
        [{"id": "x", "block": "so", "values": {**FULL, "p1": Decimal("2.5")}}]
    )
    a, _ = both_paths(rules, data)
    assert a.by_id("x").criteria["g"].points == Decimal("81.25")


def _na_agency() -> udcntt.Dataset:
    return udcntt.Dataset.from_records(
        [
            {"id": "na", "block": "so", "values": {**FULL, "q1": udcntt.NA, "q2": 30, "r": 20}},
            {"id": "full", "block": "so", "values": {**FULL, "q1": 10, "q2": 30, "r": 20}},
        ]
    )


def test_not_applicable_reduces_the_group_maximum_by_default() -> None:
    """Without rescaling, an N/A child leaves its group's and the agency's maximum."""
    a, _ = both_paths(_groups(), _na_agency())
    r = a.by_id("na")
    assert (r.criteria["grp"].points, r.criteria["grp"].max) == (Decimal(30), Decimal(40))
    assert (r.total, r.max, r.share) == (Decimal(150), Decimal(180), Decimal("0.8333"))
    assert dict(a.paths) == {"fast": 2}


def test_group_rescale_na_scales_the_group_to_its_maximum() -> None:
    """``rescale_na: true``: 30 of an applicable 40 becomes 45 of 60."""
    a, _ = both_paths(_groups(rescale="rescale_na: true"), _na_agency())
    r = a.by_id("na")
    assert (r.criteria["grp"].points, r.criteria["grp"].max) == (Decimal(45), Decimal(60))
    assert (r.total, r.max) == (Decimal(165), Decimal(200))
    full = a.by_id("full")
    assert (full.criteria["grp"].points, full.total) == (Decimal(40), Decimal(160))


def test_rule_set_rescale_policy_scales_the_total() -> None:
    """``not_applicable: rescale``: the total is scaled up to the full maximum (150 / 180 × 200)."""
    a, _ = both_paths(_groups(policy="not_applicable: rescale"), _na_agency())
    r = a.by_id("na")
    assert r.max == Decimal(200)
    assert r.total == Decimal("166.6667")
    # Groups keep their applicable maximum; the share is the one reduce_max gives.
    assert (r.criteria["grp"].points, r.criteria["grp"].max) == (Decimal(30), Decimal(40))
    reduced = udcntt.evaluate(_groups(), _na_agency()).by_id("na")
    assert r.share == reduced.share == Decimal("0.8333")
