"""Scoring semantics through the public API: applicability, missing values, rounding, ties."""

from __future__ import annotations

import csv
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from eval_helpers import both_paths, results_json

import udcntt
from udcntt.report import assessment_to_csv, assessment_to_json, load_assessment

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

BASE = """udcntt: 1
id: semantics
title: Kiểm thử ngữ nghĩa
rounding: {total: 2, share: 4}
blocks: {so: {label: Khối sở}, huyen: {label: Khối huyện}}
indicators:
  a: {label: Chỉ tiêu A, type: number, range: [0, 100], direction: higher}
  b: {label: Chỉ tiêu B, type: number, range: [0, 100], direction: higher, not_applicable: true}
  c: {label: Chỉ tiêu C, type: number, range: [0, 100], direction: higher, missing: zero}
  d: {label: Chỉ tiêu D, type: number, range: [0, 100], missing: impute_mean}
criteria:
  - {id: ca, label: Tiêu chí A, max: 40, points: "a * 0.4"}
  - {id: cb, label: Tiêu chí B, max: 30, points: "b * 0.3"}
  - {id: cc, label: Tiêu chí C, max: 20, points: "c * 0.2"}
  - {id: cd, label: Tiêu chí D, max: 10, points: "d * 0.1"}
tiers:
  basis: share
  levels:
    - {id: tot, label: Tốt, min: 0.8}
    - {id: kha, label: Khá, min: 0.5}
    - {id: tb, label: Trung bình}
"""


def rules(text: str = BASE) -> udcntt.RuleSet:
    return udcntt.load_rules("semantics.yaml", text=text)


def data(
    *rows: tuple[str, str, dict[str, object]], ranked: dict[str, bool] | None = None
) -> udcntt.Dataset:
    return udcntt.Dataset.from_records(
        {
            "id": i,
            "name": f"Đơn vị {i}",
            "block": b,
            "values": v,
            "ranked": (ranked or {}).get(i, True),
        }
        for i, b, v in rows
    )


FULL = {"a": 100, "b": 100, "c": 100, "d": 100}


def test_not_applicable_reduces_the_maximum() -> None:
    """An N/A criterion leaves the agency's maximum; the share compares fairly."""
    a = udcntt.evaluate(rules(), data(("x", "so", {**FULL, "b": udcntt.NA})))
    r = a.by_id("x")
    assert r.total == Decimal("70.00") and r.max == Decimal(70) and r.share == Decimal("1.0000")
    assert r.criteria["cb"].status == "not_applicable" and r.criteria["cb"].points is None
    assert r.tier == "tot"


def test_rescale_policy_scales_points_up() -> None:
    """With not_applicable: rescale, the agency is scored on the full maximum."""
    text = BASE.replace("rounding:", "not_applicable: rescale\nrounding:")
    r = udcntt.evaluate(rules(text), data(("x", "so", {**FULL, "b": udcntt.NA, "a": 50}))).by_id(
        "x"
    )
    assert r.max == Decimal(100)
    assert r.total == Decimal("71.43")  # (20 + 20 + 10) / 70 × 100


def test_na_where_not_allowed_is_an_error_naming_agency_and_indicator() -> None:
    """Only indicators declaring not_applicable accept N/A."""
    with pytest.raises(udcntt.EvaluationError) as info:
        udcntt.evaluate(rules(), data(("x", "so", {**FULL, "a": udcntt.NA})))
    d = info.value.first
    assert (d.code, d.agency, d.indicator) == ("E-EVAL-TYPE", "x", "a")


def test_missing_policies() -> None:
    """zero scores 0, impute_mean takes the block mean, error blocks publication."""
    a = udcntt.evaluate(
        rules(),
        data(
            ("x", "so", {"a": 100, "b": 100, "c": udcntt.MISSING, "d": 40}),
            ("y", "so", {"a": 100, "b": 100, "c": 100, "d": udcntt.MISSING}),
            ("z", "so", {"a": 100, "b": 100, "c": 100, "d": 80}),
        ),
    )
    assert a.by_id("x").criteria["cc"].points == 0
    assert a.by_id("y").criteria["cd"].points == Decimal("6.0")  # mean(40, 80) × 0.1
    assert any("imputed" in n for n in a.by_id("y").notes)
    with pytest.raises(udcntt.EvaluationError) as info:
        udcntt.evaluate(rules(), data(("x", "so", {"b": 1, "c": 1, "d": 1})))
    d = info.value.first
    assert (d.code, d.agency, d.indicator) == ("E-EVAL-MISSING", "x", "a")


def test_out_of_range_value_is_an_error_not_a_wrong_total() -> None:
    """A value beyond its declared range stops scoring with agency, indicator and value."""
    with pytest.raises(udcntt.EvaluationError) as info:
        udcntt.evaluate(rules(), data(("x", "so", {**FULL, "a": 120})))
    d = info.value.first
    assert (d.code, d.agency, d.indicator, d.value) == ("E-EVAL-RANGE", "x", "a", "120")


def test_division_by_zero_names_agency_and_criterion() -> None:
    """A rule dividing by a zero survey value is a located evaluation error."""
    text = BASE.replace('points: "a * 0.4"', 'points: "min(40, c / a)"')
    with pytest.raises(udcntt.EvaluationError) as info:
        udcntt.evaluate(rules(text), data(("ok", "so", FULL), ("x", "so", {**FULL, "a": 0})))
    d = info.value.first
    assert (d.code, d.agency, d.criterion) == ("E-EVAL-DIVZERO", "x", "ca")
    assert d.location is not None and d.location.line == 12
    assert "ratio(" in (d.hint or "")


def test_points_beyond_max_are_an_error() -> None:
    """A rule giving more than its max is reported, never silently capped."""
    text = BASE.replace('points: "a * 0.4"', 'points: "a"')
    with pytest.raises(udcntt.EvaluationError) as info:
        udcntt.evaluate(rules(text), data(("x", "so", {**FULL, "a": 50})))
    assert (info.value.code, info.value.first.criterion) == ("E-EVAL-RANGE", "ca")


def test_exact_decimals_in_rules() -> None:
    """0.7 + 0.1 >= 0.8 holds in a rule file."""
    text = BASE.replace('points: "a * 0.4"', 'points: "40 if 0.7 + 0.1 >= 0.8 else 0"')
    r = udcntt.evaluate(rules(text), data(("x", "so", FULL))).by_id("x")
    assert r.criteria["ca"].points == 40


def test_tiers_use_the_published_rounded_value() -> None:
    """A share of 0.79996 is published as 0.8000 and classified Tốt."""
    text = BASE.replace("rounding: {total: 2, share: 4}", "rounding: {total: 3, share: 4}")
    # total 79.996 of 100 → share 0.79996 → published 0.8000
    r = udcntt.evaluate(
        rules(text), data(("x", "so", {"a": 99.99, "b": 100, "c": 50, "d": 0}))
    ).by_id("x")
    assert r.total == Decimal("79.996") and r.share == Decimal("0.8000") and r.tier == "tot"


def test_competition_ties_and_tie_break() -> None:
    """Equal totals share a rank (1, 2, 2, 4); a declared tie-break key separates them."""
    rows = [
        ("p", "so", {**FULL, "a": 90}),
        ("q", "so", {**FULL, "a": 80}),
        ("r", "so", {**FULL, "a": 80, "c": 90}),
        ("s", "so", {**FULL, "a": 10}),
    ]
    a = udcntt.evaluate(rules(), data(*rows))
    assert [a.by_id(i).rank for i in "pqrs"] == [1, 2, 3, 4]
    tie_rows = [
        ("p", "so", {**FULL, "a": 90}),
        ("q", "so", {**FULL, "a": 80}),
        ("r", "so", {**FULL, "a": 80}),
        ("s", "so", {**FULL, "a": 10}),
    ]
    a = udcntt.evaluate(rules(), data(*tie_rows))
    assert [a.by_id(i).rank for i in "pqrs"] == [1, 2, 2, 4]
    text = BASE.replace("tiers:", "ranking: {tie_break: [cc]}\ntiers:")
    # q: 40 + 30 + 10 + 10 = 90; r: 30 + 30 + 20 + 10 = 90 — a tie that criterion cc breaks.
    broken = udcntt.evaluate(
        rules(text), data(("q", "so", {**FULL, "c": 50}), ("r", "so", {**FULL, "a": 75}))
    )
    q, r = broken.by_id("q"), broken.by_id("r")
    assert q.total == r.total == Decimal("90.00")
    assert (r.rank, q.rank) == (1, 2)


def test_unranked_agencies_are_scored_but_not_ranked() -> None:
    """An agency excluded from ranking keeps its score and tier, takes no rank."""
    a = udcntt.evaluate(
        rules(), data(("p", "so", FULL), ("q", "so", {**FULL, "a": 0}), ranked={"p": False})
    )
    assert a.by_id("p").rank is None and a.by_id("p").tier == "tot"
    assert a.by_id("q").rank == 1


def test_ranks_are_within_blocks() -> None:
    """Each block is ranked separately."""
    a = udcntt.evaluate(
        rules(), data(("p", "so", FULL), ("q", "huyen", {**FULL, "a": 0}), ("r", "huyen", FULL))
    )
    assert (a.by_id("p").rank, a.by_id("q").rank, a.by_id("r").rank) == (1, 2, 1)


def test_rank_change_against_previous_year_with_aliases_and_json() -> None:
    """Rank change = previous − current; agencies match by id or alias; new and dropped listed."""
    prev = udcntt.evaluate(
        rules(),
        data(
            ("old_p", "so", {**FULL, "a": 10}), ("q", "so", FULL), ("gone", "so", {**FULL, "a": 50})
        ),
    )
    cur_data = udcntt.Dataset(
        agencies=(
            udcntt.AgencyRecord(
                id="p",
                name="P",
                block="so",
                values={k: Decimal(v) for k, v in FULL.items()},
                aliases=("old_p",),
            ),
            udcntt.AgencyRecord(
                id="q",
                name="Q",
                block="so",
                values={**{k: Decimal(v) for k, v in FULL.items()}, "a": Decimal(0)},
            ),
            udcntt.AgencyRecord(
                id="new", name="N", block="so", values={k: Decimal(v) for k, v in FULL.items()}
            ),
        )
    )
    a = udcntt.evaluate(rules(), cur_data, previous=prev)
    p = a.by_id("p")
    assert (p.previous_rank, p.rank, p.rank_change) == (3, 1, 2)  # "tăng 2 bậc"
    assert a.by_id("q").rank_change == -2
    assert a.by_id("new").rank_change is None
    assert a.comparison is not None
    assert a.comparison.new_agencies == ("new",) and a.comparison.dropped_agencies == ("gone",)
    assert dict(a.comparison.matched_by_alias) == {"p": "old_p"}
    assert a.comparison.same_rules


def test_previous_results_round_trip_through_json(tmp_path: Path) -> None:
    """Last year's results JSON gives the same rank changes as last year's data."""
    prev = udcntt.evaluate(rules(), data(("p", "so", {**FULL, "a": 10}), ("q", "so", FULL)))
    path = tmp_path / "prev.json"
    path.write_text(assessment_to_json(prev), encoding="utf-8")
    cur = data(("p", "so", FULL), ("q", "so", {**FULL, "a": 0}))
    from_json = udcntt.evaluate(rules(), cur, previous=load_assessment(path))
    from_data = udcntt.evaluate(rules(), cur, previous=prev)
    assert (
        [r.rank_change for r in from_json.results]
        == [r.rank_change for r in from_data.results]
        == [1, -1]
    )


def test_different_rule_sets_are_flagged() -> None:
    """Comparing with a year scored by another rule set sets same_rules to False."""
    other = rules(BASE.replace("id: semantics", "id: other").replace("min: 0.8", "min: 0.85"))
    prev = udcntt.evaluate(other, data(("p", "so", FULL)))
    a = udcntt.evaluate(rules(), data(("p", "so", FULL)), previous=prev)
    assert a.comparison is not None and not a.comparison.same_rules


def test_same_inputs_give_byte_identical_json() -> None:
    """Determinism: two runs produce the same bytes, receipt included."""
    ds = data(("p", "so", FULL), ("q", "huyen", {**FULL, "b": udcntt.NA}))
    one = assessment_to_json(udcntt.evaluate(rules(), ds))
    two = assessment_to_json(udcntt.evaluate(rules(), ds))
    assert one == two
    assert '"data_fingerprint"' in one and '"rules_fingerprint"' in one


def test_csv_has_the_required_columns() -> None:
    """CSV output: agency_id, name, block, total, tier, rank, rank_change at least."""
    text = assessment_to_csv(udcntt.evaluate(rules(), data(("p", "so", FULL))), style="plain")
    header = next(csv.reader([text.splitlines()[0]]))
    for col in ("agency_id", "name", "block", "total", "tier", "rank", "rank_change"):
        assert col in header


def test_unknown_block_is_an_error() -> None:
    """An agency in a block the rule set does not declare is reported."""
    with pytest.raises(udcntt.EvaluationError) as info:
        udcntt.evaluate(rules(), data(("p", "xa", FULL)))
    assert info.value.code == "E-EVAL-BLOCK"


def test_mic_2017_published_ties() -> None:
    """Ranking the published MIC 2017 index values reproduces its ranks, ties included."""
    with (FIXTURES / "published" / "mic_2017_province_egov_index_ranking_partial.csv").open(
        encoding="utf-8"
    ) as f:
        rows = list(csv.DictReader(f))
    text = """udcntt: 1
id: mic_2017
title: Chỉ số ứng dụng CNTT cấp tỉnh 2017 (giá trị công bố)
rounding: {total: 3, share: 3}
blocks: {tinh: {label: "Tỉnh, thành phố"}}
indicators: {index: {label: Chỉ số, type: ratio, direction: higher}}
criteria: [{id: chi_so, label: Chỉ số tổng hợp, max: 1, points: index}]
tiers: {levels: [{id: all, label: Tất cả}]}
"""
    ds = udcntt.Dataset.from_records(
        {
            "id": f"p{i}",
            "name": r["province"],
            "block": "tinh",
            "values": {"index": Decimal(r["overall_index_2017"])},
        }
        for i, r in enumerate(rows)
    )
    a = udcntt.evaluate(udcntt.load_rules("mic.yaml", text=text), ds)
    assert [a.by_id(f"p{i}").rank for i in range(len(rows))] == [int(r["rank"]) for r in rows]


def _without_fast_paths(compiled: udcntt.CompiledRuleSet) -> udcntt.CompiledRuleSet:
    return replace(
        compiled,
        blocks={
            b: replace(p, fast=None, fast_finish=None, fast_whole=None)
            for b, p in compiled.blocks.items()
        },
    )


def test_fast_and_reference_paths_agree_on_the_small_fixture() -> None:
    """The generated fast path and the reference interpreter give identical assessments."""
    rs = udcntt.load_rules(FIXTURES / "valid" / "small.yaml")
    compiled = udcntt.compile_rules(rs)
    ds = udcntt.Dataset.from_records(
        [
            {
                "id": "a",
                "block": "so",
                "values": {
                    "staff_total": 40,
                    "staff_pc": 30,
                    "meetings": 3,
                    "head": "pho",
                    "has_portal": False,
                    "bandwidth": 50,
                },
            },
            {
                "id": "b",
                "block": "so",
                "values": {
                    "staff_total": 40,
                    "staff_pc": 40,
                    "meetings": 4,
                    "head": "chu_tich",
                    "has_portal": True,
                    "bandwidth": 100,
                },
            },
            {
                "id": "c",
                "block": "huyen",
                "values": {
                    "staff_total": 7,
                    "staff_pc": 3,
                    "meetings": 1,
                    "head": "khac",
                    "has_portal": True,
                    "bandwidth": 3.3,
                    "dvc_l4": 3,
                },
            },
            {
                "id": "d",
                "block": "huyen",
                "values": {
                    "staff_total": 9,
                    "staff_pc": 9,
                    "meetings": 0,
                    "head": "pho",
                    "has_portal": True,
                    "dvc_l4": udcntt.NA,
                },
            },
        ]
    )
    fast = udcntt.evaluate(compiled, ds)
    assert results_json(fast) == results_json(udcntt.evaluate(_without_fast_paths(compiled), ds))
    both_paths(compiled, ds)
    assert fast.paths["fast"] >= 1


def test_renamed_agency_matches_previous_year_by_name_variant() -> None:
    """An id changed between years still matches by name, tone-mark placement folded."""
    prev = udcntt.Dataset(
        agencies=(
            udcntt.AgencyRecord(
                id="ubnd_hoa_cu",
                name="UBND huyện Đạ Huoai",
                block="so",
                values={k: Decimal(v) for k, v in FULL.items()},
            ),
            udcntt.AgencyRecord(
                id="q",
                name="Q",
                block="so",
                values={**{k: Decimal(v) for k, v in FULL.items()}, "a": Decimal(50)},
            ),
        )
    )
    cur = udcntt.Dataset(
        agencies=(
            udcntt.AgencyRecord(
                id="q", name="Q", block="so", values={k: Decimal(v) for k, v in FULL.items()}
            ),
            udcntt.AgencyRecord(
                id="da_huoai",
                name="UBND huyện  Đạ Huoai",
                block="so",
                values={**{k: Decimal(v) for k, v in FULL.items()}, "a": Decimal(10)},
            ),
        )
    )
    a = udcntt.evaluate(rules(), cur, previous=prev)
    assert a.comparison is not None
    # A match through the agency's own name is a name match, not an alias match.
    assert dict(a.comparison.matched_by_name) == {"da_huoai": "ubnd_hoa_cu"}
    assert dict(a.comparison.matched_by_alias) == {}
    assert a.by_id("da_huoai").rank_change == -1


SHIPPED = [
    ("lam-dong-2017.yaml", "lam-dong/survey-2017.csv", "lam-dong/agencies.yaml"),
    ("lam-dong-2018.yaml", "lam-dong-2018/survey-2018.csv", "lam-dong-2018/agencies.yaml"),
    ("dti-922-province.yaml", "dti-2022/provinces.csv", None),
]


@pytest.mark.parametrize(("rules_name", "survey", "registry"), SHIPPED, ids=[s[0] for s in SHIPPED])
def test_fast_and_reference_paths_agree_on_shipped_examples(
    rules_name: str, survey: str, registry: str | None
) -> None:
    """Bands, lookups, normalisations, weighted means, unscored leaves: both paths agree."""
    root = FIXTURES.parent.parent
    rs = udcntt.load_rules(root / "rules" / rules_name)
    reg = udcntt.read_registry(root / "examples" / registry) if registry else None
    ds = udcntt.read_survey(root / "examples" / survey, rs, registry=reg)
    compiled = udcntt.compile_rules(rs)
    fast = udcntt.evaluate(compiled, ds)
    slow = udcntt.evaluate(_without_fast_paths(compiled), ds)
    assert results_json(fast) == results_json(slow)
    assert dict(slow.paths) == {"reference:no_fast_code": len(ds)}
    both_paths(compiled, ds)


def test_progress_is_reported() -> None:
    """A progress callback hears the start and the end (the CLI draws its bar with it)."""
    calls: list[tuple[int, int]] = []
    udcntt.evaluate(
        rules(),
        data(("p", "so", FULL), ("q", "so", FULL)),
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls[0] == (0, 2)
    assert calls[-1] == (2, 2)
