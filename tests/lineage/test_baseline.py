"""Comparable baselines: last year's values carried across a reorganisation, labelled."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import pytest

import udcntt
from udcntt.errors import EvaluationError
from udcntt.evaluation import compare_with_lineage
from udcntt.lineage import load_lineage

ROOT = Path(__file__).resolve().parents[2]
INDICES = (
    "nhan_thuc_so",
    "the_che_so",
    "ha_tang_so",
    "nhan_luc_so",
    "an_toan_thong_tin_mang",
    "hoat_dong_chinh_quyen_so",
    "hoat_dong_kinh_te_so",
    "hoat_dong_xa_hoi_so",
)
#: Depth-2 criteria of rules/dti-922-province.yaml: the main indices as points.
MAIN = tuple(f"{i}_diem" for i in INDICES)

# Seven synthetic provinces of 2024; in 2025 a, b, c merge (the new Lâm Đồng pattern), d and
# e merge, f is renamed, g stays.
LINEAGE = """\
title: DTI 2024, 7 former provinces, 4 new ones (synthetic)
synthetic: true
units:
  - {id: a, name: Tỉnh A, block: tinh}
  - {id: b, name: Tỉnh B, block: tinh}
  - {id: c, name: Tỉnh C, block: tinh}
  - {id: d, name: Thành phố D, block: tinh}
  - {id: e, name: Tỉnh E, block: tinh}
  - {id: f, name: Tỉnh F, block: tinh}
  - {id: g, name: Tỉnh G, block: tinh}
events:
  - {date: 2025-07-01, kind: merge, from: [a, b, c], to: {id: abc, name: Tỉnh ABC}, basis: Nghị quyết 202/2025/QH15}
  - {date: 2025-07-01, kind: merge, from: [d, e], to: {id: de, name: Thành phố DE}, basis: Nghị quyết 202/2025/QH15}
  - {date: 2025-07-01, kind: rename, from: f, to: {id: f_moi, name: Tỉnh F mới}, basis: Nghị quyết 202/2025/QH15}
baseline:
  total: mean
  levels: {2: mean}
"""


def _values(rng: random.Random) -> dict[str, Decimal]:
    return {i: Decimal(rng.randint(4000, 9500)) / 10000 for i in INDICES}


@pytest.fixture(scope="module")
def rules() -> udcntt.RuleSet:
    return udcntt.load_rules(ROOT / "rules" / "dti-922-province.yaml")


@pytest.fixture(scope="module")
def years(rules: udcntt.RuleSet) -> tuple[udcntt.Assessment, udcntt.Assessment]:
    rng = random.Random(2024)
    old = udcntt.Dataset.from_records(
        [{"id": p, "block": "tinh", "values": _values(rng)} for p in "abcdefg"], year=2024
    )
    new = udcntt.Dataset.from_records(
        [
            {"id": p, "name": n, "block": "tinh", "values": _values(rng)}
            for p, n in (
                ("abc", "Tỉnh ABC"),
                ("de", "Thành phố DE"),
                ("f_moi", "Tỉnh F mới"),
                ("g", "Tỉnh G"),
            )
        ],
        year=2025,
    )
    return udcntt.evaluate(rules, old), udcntt.evaluate(rules, new)


def test_dti_2024_regrouping_is_the_mean_of_predecessors_main_indices(
    years: tuple[udcntt.Assessment, udcntt.Assessment],
) -> None:
    """As the ministry published DTI 2024 among the 34: a merged province's value is the
    plain mean of its predecessors' main indices, and ranks are taken among the new units."""
    old, new = years
    lineage = load_lineage("lineage.yaml", text=LINEAGE)
    both = compare_with_lineage(new, old, lineage)
    units = both.comparison.baseline["units"]  # type: ignore[union-attr]
    for merged, parts in (("abc", "abc"), ("de", "de")):
        for cid in MAIN:
            mean = sum(old.by_id(p).criteria[cid].points for p in parts) / len(parts)  # type: ignore[operator, misc]
            assert Decimal(units[merged]["levels"][cid]) == mean.quantize(Decimal("0.0001"))
        share = sum(old.by_id(p).share for p in parts) / len(parts)
        assert Decimal(units[merged]["share"]) == share.quantize(Decimal("0.0001"))
        # The mean of the main indices' points over 1000 is the DTI of the merged unit.
        assert abs(sum(Decimal(units[merged]["levels"][c]) for c in MAIN) / 1000 - share) < Decimal(
            "0.0001"
        )
    # Old view: ranks among the 7 former provinces; new view: the derived values ranked
    # among the 4 new ones.
    new_view = sorted(
        (Decimal(units[u]["share"]) if u in units else old.by_id(u).share, u)
        for u in ("abc", "de", "f_moi", "g")
        if True
    )
    labels = {r.agency_id: r.comparability for r in both.results}
    assert labels == {
        "abc": "derived:mean",
        "de": "derived:mean",
        "f_moi": "renamed",
        "g": "comparable",
    }
    ranked = [u for _, u in sorted(new_view, key=lambda t: -t[0])]
    assert [both.by_id(u).previous_rank for u in ranked] == [1, 2, 3, 4]
    for r in both.results:
        assert r.rank_change == r.previous_rank - r.rank  # type: ignore[operator]
    assert both.by_id("f_moi").previous_total == old.by_id("f").total
    assert dict(both.comparison.label_counts) == {  # type: ignore[union-attr]
        "comparable": 1,
        "derived:mean": 2,
        "renamed": 1,
    }
    assert both.comparison.previous_synthetic  # type: ignore[union-attr]
    # g was ranked among 7 last year; among the 4 new units its previous rank differs.
    assert old.by_id("g").rank != both.by_id("g").previous_rank or old.by_id("g").rank <= 4  # type: ignore[operator]


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("sum", sum),
        ("best", max),
        ("worst", min),
    ],
)
def test_declared_methods_derive_the_total(
    years: tuple[udcntt.Assessment, udcntt.Assessment], method: str, expected: object
) -> None:
    old, new = years
    lineage = load_lineage("lineage.yaml", text=LINEAGE.replace("total: mean", f"total: {method}"))
    both = compare_with_lineage(new, old, lineage)
    totals = [old.by_id(p).total for p in "abc"]
    assert both.by_id("abc").previous_total == expected(totals)  # type: ignore[operator]
    assert both.by_id("abc").comparability == f"derived:{method}"


def test_weighted_needs_the_weight_of_every_predecessor(
    years: tuple[udcntt.Assessment, udcntt.Assessment],
) -> None:
    old, new = years
    text = LINEAGE.replace("total: mean", "total: weighted\n  weight: dan_so")
    with pytest.raises(EvaluationError) as err:
        compare_with_lineage(new, old, load_lineage("lineage.yaml", text=text))
    assert err.value.code == "E-BASELINE-METHOD"
    assert "dan_so" in str(err.value) and err.value.first.location.line == 15  # type: ignore[union-attr]


def test_method_none_makes_merged_units_new(
    years: tuple[udcntt.Assessment, udcntt.Assessment],
) -> None:
    old, new = years
    both = compare_with_lineage(
        new, old, load_lineage("lineage.yaml", text=LINEAGE.replace("total: mean", "total: none"))
    )
    assert both.by_id("abc").comparability == "new"
    assert both.by_id("abc").rank_change is None
    assert both.by_id("g").rank_change is not None


def test_units_the_lineage_does_not_cover_are_named(
    rules: udcntt.RuleSet, years: tuple[udcntt.Assessment, udcntt.Assessment]
) -> None:
    old, _ = years
    stray = udcntt.evaluate(
        rules,
        udcntt.Dataset.from_records(
            [{"id": "zz", "block": "tinh", "values": dict.fromkeys(INDICES, Decimal("0.5"))}],
            year=2025,
        ),
    )
    with pytest.raises(EvaluationError) as err:
        compare_with_lineage(stray, old, load_lineage("lineage.yaml", text=LINEAGE))
    assert [(d.code, d.agency) for d in err.value.diagnostics] == [("E-LINEAGE-UNCOVERED", "zz")]
    with pytest.raises(EvaluationError) as err:
        compare_with_lineage(
            stray, old, load_lineage("l.yaml", text=LINEAGE), previous_date=dt.date(2025, 8, 1)
        )
    assert {d.agency for d in err.value.diagnostics} >= {"a", "b", "zz"}


def test_changed_criteria_make_every_change_not_comparable(
    years: tuple[udcntt.Assessment, udcntt.Assessment],
) -> None:
    old, new = years
    both = compare_with_lineage(new, old, load_lineage("l.yaml", text=LINEAGE), same_rules=False)
    assert {r.comparability for r in both.results} == {"not_comparable"}


def test_without_lineage_every_change_is_labelled(rules: udcntt.RuleSet) -> None:
    """Plain --previous (matching by id and alias) labels changes too."""
    rng = random.Random(7)
    old = udcntt.evaluate(
        rules,
        udcntt.Dataset.from_records(
            [{"id": p, "block": "tinh", "values": _values(rng)} for p in "abc"], year=2024
        ),
    )
    new = udcntt.evaluate(
        rules,
        udcntt.Dataset.from_records(
            [
                {"id": "a", "block": "tinh", "values": _values(rng)},
                {"id": "b2", "block": "tinh", "aliases": ["b"], "values": _values(rng)},
                {"id": "n", "block": "tinh", "values": _values(rng)},
            ],
            year=2025,
        ),
        previous=old,
    )
    assert {r.agency_id: r.comparability for r in new.results} == {
        "a": "comparable",
        "b2": "renamed",
        "n": "new",
    }
    assert dict(new.comparison.label_counts) == {"comparable": 1, "new": 1, "renamed": 1}  # type: ignore[union-attr]
    alone = udcntt.evaluate(
        rules, udcntt.Dataset.from_records([{"id": "a", "block": "tinh", "values": _values(rng)}])
    )
    assert alone.results[0].comparability is None


def test_dti_2024_both_views_of_one_year(
    years: tuple[udcntt.Assessment, udcntt.Assessment],
) -> None:
    """The 2024 year in the old units (7) and regrouped into the new ones (4), as published:
    a merged unit's main indices are the plain mean of its predecessors'."""
    from udcntt.evaluation import regroup

    old, _ = years
    new_view = regroup(old, load_lineage("lineage.yaml", text=LINEAGE), at=dt.date(2025, 7, 1))
    assert sorted(r.agency_id for r in old.results) == list("abcdefg")
    assert sorted(r.agency_id for r in new_view.results) == ["abc", "de", "f_moi", "g"]
    for merged, parts in (("abc", "abc"), ("de", "de")):
        unit = new_view.by_id(merged)
        assert unit.comparability == "derived:mean"
        for cid in MAIN:
            mean = sum(old.by_id(p).criteria[cid].points for p in parts) / len(parts)  # type: ignore[misc]
            assert unit.criteria[cid].points == mean.quantize(Decimal("0.0001"))
        share = sum(old.by_id(p).share for p in parts) / len(parts)
        assert unit.share == share.quantize(Decimal("0.0001"))
    assert new_view.by_id("f_moi").total == old.by_id("f").total
    assert new_view.by_id("f_moi").comparability == "renamed"
    ranks = sorted(new_view.results, key=lambda r: -r.share)
    assert [r.rank for r in ranks] == [1, 2, 3, 4]


def test_narrative_qualifies_a_non_comparable_change(
    years: tuple[udcntt.Assessment, udcntt.Assessment],
) -> None:
    from udcntt.report import narrative

    old, new = years
    both = compare_with_lineage(new, old, load_lineage("l.yaml", text=LINEAGE), same_rules=False)
    text = narrative(both, lang="vi")
    moved = [r for r in both.results if r.rank_change]
    assert moved and all(r.comparability == "not_comparable" for r in moved)
    # One sentence per block says so, with the block's own count; the names are not marked
    # one by one (every change of the block has the prevailing label).
    for block in both.blocks():
        ranked = [
            r for r in both.ranking(block) if r.ranked and r.comparability not in (None, "new")
        ]
        phrase = (
            f"Thứ hạng năm 2024 của {len(ranked)} cơ quan không so sánh được với năm nay "
            "(bộ tiêu chí hoặc đơn vị đã thay đổi), thay đổi thứ hạng chỉ để tham khảo"
        )
        assert text.count(phrase) == 1
    assert "(không so sánh được với năm trước)" not in text


def test_the_results_schema_documents_the_labels() -> None:
    from udcntt.evaluation import COMPARABILITY_LABELS
    from udcntt.report import ASSESSMENT_SCHEMA

    text = str(ASSESSMENT_SCHEMA)
    assert all(label in text for label in COMPARABILITY_LABELS)
    assert "how the rank change compares with last year" in text


def test_regroup_weighted_by_a_declared_indicator(
    years: tuple[udcntt.Assessment, udcntt.Assessment],
) -> None:
    """A regrouped unit's value weighted by last year's value of an indicator (here one of
    the main indices stands in for population)."""
    from udcntt.evaluation import regroup

    old, _ = years
    text = LINEAGE.replace(
        "total: mean\n  levels: {2: mean}", "total: weighted\n  weight: nhan_thuc_so"
    )
    view = regroup(old, load_lineage("l.yaml", text=text), at=dt.date(2025, 7, 1))
    parts = [old.by_id(p) for p in "abc"]
    weights = [p.inputs["nhan_thuc_so"] for p in parts]
    expected = sum(p.total * w for p, w in zip(parts, weights, strict=True)) / sum(weights)
    assert view.by_id("abc").total == expected.quantize(Decimal("0.001"))
    assert view.by_id("abc").comparability == "derived:weighted"
    none = regroup(old, load_lineage("l.yaml", text=LINEAGE.replace("total: mean", "total: none")))
    assert sorted(r.agency_id for r in none.results) == ["f_moi", "g"]
