"""Strategies derived from a rule set: valid by construction, shrinking to the simplest case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis import strategies as st

import udcntt
from udcntt.data import MISSING, NA
from udcntt.model import IndicatorType, MissingPolicy
from udcntt.testing import agency_records, agency_values, datasets, rule_set_documents, rule_sets
from udcntt.testing._spaces import block_space, clause_relation, linear_relation, relations_hold

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "fixtures" / "valid" / "small.yaml"

RELATED = """\
udcntt: 1
id: related
title: Quan hệ giữa các chỉ tiêu
blocks:
  so: {label: Sở}
  huyen: {label: Huyện}
indicators:
  total: {label: Tổng số, type: count, range: [1, 200]}
  with_pc: {label: Có máy tính, type: count, direction: higher}
  trained: {label: Được đào tạo, type: count, direction: higher}
  level3: {label: Mức 3, type: count, direction: higher, not_applicable: true}
  level4: {label: Mức 4, type: count, direction: higher}
  signed: {label: Ký số, type: count, direction: higher}
  budget: {label: Kinh phí, type: number, range: [0, 500], missing: zero}
  spent: {label: Đã chi, type: number, range: [0, null], missing: error}
  share_online: {label: Tỷ lệ trực tuyến, type: ratio, direction: higher}
  has_lan: {label: Có LAN, type: bool, direction: higher}
  lan_segmented: {label: LAN phân vùng, type: bool, direction: higher}
  head: {label: Trưởng ban, type: category, categories: [chu_tich, pho, khac]}
  since: {label: Ngày ban hành, type: date}
  imputed: {label: Băng thông, type: number, range: [0, 1000], missing: impute_mean}
relations:
  - with_pc <= total
  - signed <= with_pc
  - trained < total
  - level3 + level4 <= total
  - spent <= budget
  - has_lan or not lan_segmented
  - {check: "ratio(trained, total, 0) <= 0.9", blocks: [huyen]}
criteria:
  - id: ha_tang
    label: Hạ tầng
    max: 60
    children:
      - {id: may_tinh, label: Máy tính, max: 10, points: "capped_ratio(with_pc, total) * 10"}
      - {id: dao_tao, label: Đào tạo, max: 10, points: "capped_ratio(trained, total) * 10"}
      - {id: dvc, label: DVC, max: 10, points: "capped_ratio(level3 + level4, total) * 10"}
      - {id: ky_so, label: Ký số, max: 5, per_item: {count: signed, points: 1, cap: 5}}
      - {id: chi, label: Giải ngân, max: 5, points: "ratio(spent, budget, 0) * 5", cap: 5}
      - {id: truc_tuyen, label: Trực tuyến, max: 5, points: share_online * 5}
      - id: mang
        label: Mạng
        max: 5
        conditions: [{when: has_lan, points: 3}, {when: lan_segmented, points: 2}]
      - {id: truong_ban, label: Trưởng ban, max: 5, lookup: {input: head, table: {chu_tich: 5, pho: 3}}}
      - {id: ban_hanh, label: Ban hành sớm, max: 2, conditions: [{when: "since <= date(2024, 6, 30)", points: 2}]}
      - id: bang_thong
        label: Băng thông
        max: 3
        normalise: {value: imputed, method: to_best}
tiers:
  levels:
    - {id: tot, label: Tốt, min: 40}
    - {id: trung_binh, label: Trung bình}
"""


T = TypeVar("T")


class _Found(Exception):
    pass


def minimal(strategy: st.SearchStrategy[T], condition: Callable[[T], bool] = lambda _: True) -> T:
    """The example hypothesis shrinks to among those meeting ``condition``."""

    @seed(0)
    @settings(
        database=None,
        max_examples=100,
        deadline=None,
        derandomize=False,
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def probe(value: Any) -> None:
        if condition(value):
            raise _Found(value)

    with pytest.raises(_Found) as info:
        probe()
    found: T = info.value.args[0]
    return found


@pytest.fixture(scope="module")
def related() -> udcntt.RuleSet:
    return udcntt.load_rules("related.yaml", text=RELATED)


def test_relations_are_read_as_linear_or_clauses(related: udcntt.RuleSet) -> None:
    """Linear relations are drawn bounding side first; yes/no clauses are closed by construction."""
    numeric = {n: i for n, i in related.indicators.items() if i.type is not IndicatorType.BOOL}
    lin = linear_relation("level3 + level4 <= total", numeric)
    assert lin is not None and lin.lhs == ("level3", "level4") and lin.rhs == ("total",)
    flipped = linear_relation("total >= with_pc + 1", numeric)
    assert flipped is not None and flipped.lhs == ("with_pc",) and flipped.const == -1
    assert linear_relation("ratio(trained, total, 0) <= 0.9", numeric) is None
    assert linear_relation("with_pc == total", numeric) is None
    booleans = {n: i for n, i in related.indicators.items() if i.type is IndicatorType.BOOL}
    clause = clause_relation("has_lan or not lan_segmented", booleans)
    assert clause is not None and clause.literals == (("has_lan", True), ("lan_segmented", False))
    space = block_space(related, "huyen")
    assert [e.source for e in space.general] == ["ratio(trained, total, 0) <= 0.9"]
    assert space.order.index("total") < space.order.index("with_pc") < space.order.index("signed")


@settings(
    max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(data=st.data())
def test_agency_values_respect_every_declaration(
    related: udcntt.RuleSet, data: st.DataObject
) -> None:
    """Types, ranges, categories, relations; NA and MISSING only where declared."""
    block = data.draw(st.sampled_from(["so", "huyen"]))
    values = data.draw(agency_values(related, block))
    assert set(values) == set(udcntt.compile_rules(related).blocks[block].indicators)
    for name, value in values.items():
        ind = related.indicators[name]
        if value is NA:
            assert ind.not_applicable, name
            continue
        if value is MISSING:
            assert ind.missing is not MissingPolicy.ERROR, name
            assert name not in block_space(related, block).relation_names
            continue
        if ind.type in (IndicatorType.COUNT, IndicatorType.NUMBER, IndicatorType.RATIO):
            assert isinstance(value, Decimal)
            lo, hi = ind.bounds
            assert lo is None or value >= lo
            assert hi is None or value <= hi
            if ind.type is IndicatorType.COUNT:
                assert value == value.to_integral_value()
        elif ind.type is IndicatorType.BOOL:
            assert isinstance(value, bool)
        elif ind.type is IndicatorType.CATEGORY:
            assert value in (ind.categories or {})
        else:
            assert isinstance(value, date)
    assert relations_hold(udcntt.compile_rules(related), block, values)


@settings(
    max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(data=st.data())
def test_datasets_always_score(related: udcntt.RuleSet, data: st.DataObject) -> None:
    """Whole surveys are valid: scoring never rejects them for their inputs."""
    survey = data.draw(datasets(related, 1, 6))
    assert 1 <= len(survey) <= 6
    assert [a.id for a in survey.agencies] == [f"a{i + 1}" for i in range(len(survey))]
    udcntt.evaluate(related, survey)  # raises on any invalid input


def test_datasets_shrink_to_one_simple_agency(related: udcntt.RuleSet) -> None:
    """The simplest survey: one agency, first block, lower bounds, False, first category."""
    simplest = minimal(datasets(related, 1, 5))
    assert len(simplest) == 1
    agency = simplest.agencies[0]
    assert agency.block == "so"
    values = agency.values
    assert values["total"] == 1
    assert values["with_pc"] == 0
    assert values["has_lan"] is False
    assert values["head"] == "chu_tich"
    assert values["since"] == date(2000, 1, 1)
    assert values["budget"] == 0
    assert NA not in values.values() and MISSING not in values.values()


def test_datasets_shrink_agency_count(related: udcntt.RuleSet) -> None:
    """Shrinking keeps exactly as many agencies as the property needs."""
    three = minimal(datasets(related, 1, 5), lambda d: len(d) >= 3)
    assert len(three) == 3


def test_imputed_values_always_have_a_donor(related: udcntt.RuleSet) -> None:
    """When every agency of a block misses an imputed value, one gets the lowest valid value."""
    survey = minimal(
        datasets(related, 2, 3),
        lambda d: any(a.values.get("imputed") is MISSING for a in d.agencies),
    )
    assert any(isinstance(a.values.get("imputed"), Decimal) for a in survey.agencies)
    udcntt.evaluate(related, survey)


def test_options_turn_markers_off(related: udcntt.RuleSet) -> None:
    """not_applicable=False / missing=False never draw the markers."""
    markers = minimal(
        datasets(related, 3, 3), lambda d: any(NA in a.values.values() for a in d.agencies)
    )
    assert any(NA in a.values.values() for a in markers.agencies)

    @settings(max_examples=10, suppress_health_check=list(HealthCheck))
    @given(datasets(related, 2, 2, not_applicable=False, missing=False))
    def never(survey: udcntt.Dataset) -> None:
        for agency in survey.agencies:
            assert NA not in agency.values.values() and MISSING not in agency.values.values()

    never()
    with pytest.raises(ValueError, match="unknown block"):
        datasets(related, blocks=["nowhere"])
    with pytest.raises(ValueError, match="min_agencies"):
        datasets(related, 3, 2)


def test_agency_records_pick_a_block(related: udcntt.RuleSet) -> None:
    """One AgencyRecord, of the blocks asked for."""
    record = minimal(agency_records(related, blocks=["huyen"]))
    assert record.block == "huyen" and record.id == "a1"


def test_unbounded_numbers_get_a_sane_range() -> None:
    """A number without a range is drawn within ``unbounded`` of 0, negatives included."""
    rules = udcntt.load_rules(SMALL)
    negative = minimal(
        agency_values(rules, "so", unbounded=Decimal(50)),
        lambda v: isinstance(v.get("bandwidth"), Decimal) and v["bandwidth"] < 0,
    )
    assert negative["bandwidth"] == Decimal("-0.01")

    @settings(max_examples=40, suppress_health_check=list(HealthCheck))
    @given(agency_values(rules, "so", unbounded=Decimal(50)))
    def within(values: dict[str, Any]) -> None:
        bandwidth = values["bandwidth"]
        assert not isinstance(bandwidth, Decimal) or -50 <= bandwidth <= 50

    within()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
@given(text=rule_sets())
def test_random_rule_sets_load(text: str) -> None:
    """Every generated rule set passes every load-time check."""
    rules = udcntt.load_rules("random.yaml", text=text)
    assert rules.id == "random_rules"
    assert rules.criteria


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(rule_set_documents())
def test_rule_set_documents_are_plain_data(doc: dict[str, Any]) -> None:
    """The dict form carries every part of a rule file."""
    assert {"udcntt", "id", "title", "blocks", "indicators", "criteria", "tiers"} <= set(doc)


@settings(
    max_examples=300, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
@given(rule_set_documents(max_blocks=1, max_groups=1, max_leaves=1))
def test_rule_sets_with_a_first_group_of_one_point_are_valid(doc: dict[str, Any]) -> None:
    """Three tiers on points above a first group of max 1 cannot have distinct thresholds:
    the strategy draws fewer tiers (it used to raise hypothesis' InvalidArgument)."""
    levels = doc["tiers"]["levels"]
    if doc["tiers"]["basis"] == "points":
        assert len(levels) <= int(doc["criteria"][0]["max"]) + 1
        mins = [Decimal(lv["min"]) for lv in levels if "min" in lv]
        assert len(set(mins)) == len(mins) and all(
            1 <= m <= doc["criteria"][0]["max"] for m in mins
        )
