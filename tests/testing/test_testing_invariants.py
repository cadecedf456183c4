"""Each invariant as a plain function, on hand-made data; and all of them on random rule sets."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import udcntt
from udcntt.data import MISSING, NA, AgencyRecord, Dataset
from udcntt.testing import (
    INVARIANTS,
    InvalidData,
    Violation,
    check_bounds,
    check_determinism,
    check_extends,
    check_monotone,
    check_not_applicable,
    check_permutation,
    check_tiers,
    datasets,
    extension_of,
    format_agency,
    probe_tiers,
    rule_sets,
)
from udcntt.testing._reproducible import fresh_compile
from udcntt.testing._strategies import directional_indicators, improve

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "fixtures" / "valid" / "small.yaml"
FAULTY = ROOT / "tests" / "fixtures" / "faulty"


def survey(*agencies: tuple[str, str, dict[str, Any]]) -> Dataset:
    """A dataset from (id, block, values) triples; ints become Decimals."""
    records = []
    for agency_id, block, values in agencies:
        typed = {
            k: Decimal(str(v)) if isinstance(v, int | float) and not isinstance(v, bool) else v
            for k, v in values.items()
        }
        records.append(AgencyRecord(id=agency_id, name=agency_id, block=block, values=typed))
    return Dataset(agencies=tuple(records))


SO = {
    "staff_total": 40,
    "staff_pc": 30,
    "meetings": 3,
    "head": "pho",
    "has_portal": False,
    "bandwidth": 50,
}
HUYEN = {**SO, "dvc_l4": 4}


@pytest.fixture(scope="module")
def small() -> udcntt.RuleSet:
    return udcntt.load_rules(SMALL)


def test_invariant_table() -> None:
    """Every invariant has a code documented in udcntt.errors.CODES."""
    from udcntt.errors import CODES

    assert list(INVARIANTS) == [
        "tiers",
        "bounds",
        "scoring",
        "monotone",
        "permutation",
        "determinism",
        "not_applicable",
        "missing",
        "normalise",
        "extends",
        "totals",
    ]
    for inv in INVARIANTS.values():
        assert inv.code in CODES and inv.summary


def test_bounds_catches_an_expression_over_its_max() -> None:
    """'points: it_staff * 2' with max 20 breaks at 11 staff, not at 10."""
    rules = udcntt.load_rules(FAULTY / "leaf-over-max.yaml")
    assert check_bounds(rules, survey(("a", "so", {"it_staff": 10, "has_website": True}))) == []
    found = check_bounds(rules, survey(("a", "so", {"it_staff": 11, "has_website": False})))
    assert len(found) == 1
    v = found[0]
    assert (v.invariant, v.code, v.criterion, v.agency) == (
        "bounds",
        "E-PROP-BOUNDS",
        "chuyen_trach",
        "a",
    )
    assert "22" in v.message


def test_bounds_rejects_invalid_data() -> None:
    """Data outside a declared range is not a counterexample: InvalidData."""
    rules = udcntt.load_rules(FAULTY / "leaf-over-max.yaml")
    with pytest.raises(InvalidData):
        check_bounds(rules, survey(("a", "so", {"it_staff": 101, "has_website": False})))


def test_scoring_failures_on_valid_data_are_reported() -> None:
    """A division by an indicator that may be 0 is a 'scoring' violation."""
    text = """\
udcntt: 1
id: divides
title: Chia cho chỉ tiêu có thể bằng 0
blocks: {so: {label: Sở}}
indicators:
  pcs: {label: Máy tính, type: count, direction: higher}
  staff: {label: Cán bộ, type: count}
relations: [pcs <= staff]
criteria:
  - {id: may_tinh, label: Máy tính, max: 10, points: "pcs / staff * 10"}
tiers:
  levels: [{id: dat, label: Đạt, min: 5}, {id: chua_dat, label: Chưa đạt}]
"""
    rules = udcntt.load_rules("divides.yaml", text=text)
    found = check_bounds(rules, survey(("a", "so", {"pcs": 0, "staff": 0})))
    assert [v.invariant for v in found] == ["scoring"]
    assert found[0].code == "E-PROP-EVAL"
    assert "E-EVAL-DIVZERO" in found[0].message


def test_monotone_on_a_band_table_that_drops() -> None:
    """Raising meetings from 2 to 4 loses points; from 4 to 5 does not."""
    rules = udcntt.load_rules(FAULTY / "band-drops.yaml")
    data = survey(("a", "so", {"meetings": 2, "has_plan": False}))
    found = check_monotone(rules, data, "a", "meetings", Decimal(4))
    assert len(found) == 1
    assert (found[0].criterion, found[0].indicator, found[0].invariant) == (
        "hop_bcd",
        "meetings",
        "monotone",
    )
    assert "from 10 to 5" in found[0].message
    assert found[0].change == "set meetings of a to 4"
    higher = survey(("a", "so", {"meetings": 4, "has_plan": False}))
    assert check_monotone(rules, higher, "a", "meetings", Decimal(5)) == []


def test_monotone_sees_tiers_and_ranks() -> None:
    """A 'require' that a better value breaks moves the agency to a worse tier."""
    text = """\
udcntt: 1
id: tier_require
title: Điều kiện xếp loại ngược chiều
blocks: {so: {label: Sở}}
indicators:
  apps: {label: Phần mềm, type: count, direction: higher, range: [0, 20]}
criteria:
  - {id: ung_dung, label: Ứng dụng, max: 10, per_item: {count: apps, points: 1, cap: 10}}
tiers:
  levels:
    - {id: tot, label: Tốt, min: 5, require: "apps < 8"}
    - {id: kha, label: Khá}
"""
    rules = udcntt.load_rules("tier_require.yaml", text=text)
    data = survey(("a", "so", {"apps": 7}), ("b", "so", {"apps": 6}))
    found = check_monotone(rules, data, "a", "apps", Decimal(8))
    assert len(found) == 1
    assert "tier 'tot' down to 'kha'" in found[0].message


def test_monotone_follows_direction_lower() -> None:
    """A normalisation declared the wrong way round: a shorter wait scores less."""
    rules = udcntt.load_rules(FAULTY / "normalise-inverted.yaml")
    data = survey(
        ("a", "so", {"waiting_days": 3, "has_portal": True}),
        ("b", "so", {"waiting_days": 6, "has_portal": True}),
    )
    found = check_monotone(rules, data, "a", "waiting_days", Decimal(2))
    assert found and found[0].criterion == "thoi_gian_cho"
    assert found[0].message.startswith("lowering 'waiting_days' (direction: lower)")


def test_probe_finds_tier_gaps() -> None:
    """Conditions that leave totals nowhere, and thresholds that fall between published values."""
    condition = udcntt.load_rules(FAULTY / "tier-gap-condition.yaml")
    found = probe_tiers(condition)
    assert found and found[0].invariant == "tiers"
    assert "conditions of tier 'tot'" in found[0].message and "total 80" in found[0].message
    # Probing only around thresholds gives the same answer.
    assert probe_tiers(condition, limit=10)[0].message == found[0].message
    rounding = udcntt.load_rules(FAULTY / "tier-gap-rounding.yaml")
    found = probe_tiers(rounding)
    assert found and "share 0.8 gets tier 'trung_binh'" in found[0].message


def test_probe_passes_sound_tiers(small: udcntt.RuleSet) -> None:
    assert probe_tiers(small) == []


def test_check_tiers_with_data() -> None:
    """80 points but only 20 in Hạ tầng: no tier."""
    rules = udcntt.load_rules(FAULTY / "tier-gap-condition.yaml")
    found = check_tiers(rules, survey(("a", "so", {"pc_share": Decimal("0.5"), "apps": 10})))
    assert len(found) == 1 and found[0].agency == "a"
    assert "no tier" in found[0].message
    assert check_tiers(rules, survey(("a", "so", {"pc_share": 1, "apps": 10}))) == []


def test_permutation_and_determinism(small: udcntt.RuleSet) -> None:
    data = survey(("a", "so", SO), ("b", "huyen", HUYEN), ("c", "so", {**SO, "meetings": 4}))
    assert check_permutation(small, data, [2, 0, 1]) == []
    assert check_determinism(small, data) == []
    assert check_determinism(small, data, other=fresh_compile(small)) == []
    with pytest.raises(ValueError, match="permutation"):
        check_permutation(small, data, [0, 0, 1])


def test_not_applicable_reduces_the_maximum(small: udcntt.RuleSet) -> None:
    """A huyện without online services: maximum 100 − 20."""
    data = survey(("a", "huyen", {**HUYEN, "dvc_l4": NA}), ("b", "huyen", HUYEN))
    assert check_not_applicable(small, data) == []
    assert check_not_applicable(small, data, agency="b", indicator="dvc_l4") == []
    result = udcntt.evaluate(small, data).by_id("a")
    assert result.max == 80
    with pytest.raises(ValueError, match="does not allow"):
        check_not_applicable(small, data, agency="b", indicator="meetings")


def test_not_applicable_under_rescale() -> None:
    text = SMALL.read_text(encoding="utf-8").replace(
        "rounding: {total: 2, share: 4}", "rounding: {total: 2, share: 4}\nnot_applicable: rescale"
    )
    rules = udcntt.load_rules("rescale.yaml", text=text)
    data = survey(("a", "huyen", {**HUYEN, "dvc_l4": NA}))
    assert check_not_applicable(rules, data) == []
    assert udcntt.evaluate(rules, data).by_id("a").max == 100


def test_extends_without_overrides(small: udcntt.RuleSet) -> None:
    """The extension from the file on disk, and from a dump when there is no file."""
    extended = extension_of(small)
    assert extended.id == "small_example_extends"
    data = survey(("a", "so", SO), ("b", "huyen", HUYEN))
    assert check_extends(small, extended, data) == []
    in_memory = udcntt.load_rules("nowhere/in-memory.yaml", text=SMALL.read_text(encoding="utf-8"))
    assert check_extends(in_memory, extension_of(in_memory), data) == []


def test_violation_reports_everything(small: udcntt.RuleSet) -> None:
    """The diagnostic names the invariant, the criterion, the data and the seed, and is located."""
    data = survey(("a", "huyen", {**HUYEN, "dvc_l4": NA, "bandwidth": MISSING}))
    v = Violation(
        "bounds",
        "criterion 'may_tinh' gives 21 points",
        criterion="may_tinh",
        agency="a",
        data=data,
    )
    d = v.to_diagnostic(small, seed=42)
    assert d.code == "E-PROP-BOUNDS" and d.severity is udcntt.Severity.ERROR
    assert "property 'bounds'" in d.message and "[seed 42]" in d.message
    assert "{id: a, block: huyen, inputs: {staff_total: 40" in d.message
    assert "not_applicable: [dvc_l4]" in d.message and "missing: [bandwidth]" in d.message
    assert d.location is not None and d.location.line is not None
    assert any("- name: property bounds" in n for n in d.notes)
    assert any("--seed 42" in n for n in d.notes)
    text = format_agency(data.agencies[0])
    assert text.startswith("{id: a, block: huyen, inputs: {") and text.endswith(
        "missing: [bandwidth]}"
    )


# ---------------------------------------------------------------------------------------
# The engine itself: every invariant holds on random valid rule sets with random data.


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
@given(text=rule_sets(), data=st.data())
def test_invariants_hold_on_random_rule_sets(text: str, data: st.DataObject) -> None:
    rules = udcntt.load_rules("random.yaml", text=text)
    compiled = udcntt.compile_rules(rules)
    surveyed = data.draw(datasets(rules, 1, 4), label="survey")
    assert check_bounds(rules, surveyed) == []
    assert check_tiers(rules, surveyed) == []
    assert probe_tiers(rules) == []
    order = data.draw(st.permutations(range(len(surveyed))), label="order")
    assert check_permutation(rules, surveyed, order) == []
    assert check_determinism(rules, surveyed) == []
    assert check_not_applicable(rules, surveyed) == []
    assert check_extends(rules, extension_of(rules), surveyed) == []
    first = surveyed.agencies[0]
    names = [
        n
        for n in directional_indicators(compiled, first.block)
        if isinstance(first.values.get(n), Decimal | bool)
    ]
    if not names:
        reject()
    indicator = data.draw(st.sampled_from(names), label="indicator")
    better = improve(data.draw, compiled, first, indicator)
    assert check_monotone(rules, surveyed, first.id, indicator, better) == []
