"""Properties of scoring on random surveys (hypothesis).

The invariants a province runs on its own rule file live in ``udcntt.testing``; here the
engine itself is checked: the fast path agrees with the reference interpreter, the ranking
ignores input order, shares stay in [0, 1] under any pattern of not-applicable values.
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from eval_helpers import results_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import udcntt
from udcntt.report import assessment_to_json
from udcntt.testing import datasets, rule_sets

SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "valid" / "small.yaml"
RULES = udcntt.load_rules(SMALL)
COMPILED = udcntt.compile_rules(RULES)
REFERENCE = replace(
    COMPILED,
    blocks={
        b: replace(p, fast=None, fast_finish=None, fast_whole=None)
        for b, p in COMPILED.blocks.items()
    },
)

_count = st.integers(min_value=0, max_value=60).map(Decimal)


@st.composite
def agency(draw: st.DrawFn, index: int) -> dict[str, Any]:
    total = draw(st.integers(min_value=1, max_value=60))
    values: dict[str, Any] = {
        "staff_total": Decimal(total),
        "staff_pc": Decimal(draw(st.integers(min_value=0, max_value=total))),
        "meetings": draw(_count),
        "head": draw(st.sampled_from(["chu_tich", "pho", "khac"])),
        "has_portal": draw(st.booleans()),
        "bandwidth": draw(
            st.one_of(st.just(udcntt.MISSING), st.decimals(min_value=0, max_value=1000, places=2))
        ),
        "dvc_l4": draw(st.one_of(st.just(udcntt.NA), _count)),
    }
    block = draw(st.sampled_from(["so", "huyen"]))
    return {"id": f"a{index}", "name": f"Đơn vị {index}", "block": block, "values": values}


@st.composite
def surveys(draw: st.DrawFn) -> udcntt.Dataset:
    n = draw(st.integers(min_value=1, max_value=8))
    return udcntt.Dataset.from_records([draw(agency(i)) for i in range(n)])


@given(surveys())
def test_fast_path_equals_reference_interpreter(data: udcntt.Dataset) -> None:
    """Generated code and the reference interpreter give the same results, and the fast path ran.

    Every agency is scored by the generated code: a missing bandwidth is scored 0 there, as
    its policy says, and N/A answers get the functions generated for them.
    """
    fast = udcntt.evaluate(COMPILED, data)
    assert dict(fast.paths) == {"fast": len(data)}
    assert dict(fast.receipt.evaluation_paths) == dict(fast.paths)
    assert results_json(fast) == results_json(udcntt.evaluate(REFERENCE, data))
    assert results_json(fast) == results_json(udcntt.evaluate(COMPILED, data, reference=True))


@given(surveys(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_input_order(data: udcntt.Dataset, rnd: random.Random) -> None:
    """Shuffling the survey rows gives byte-identical results JSON and the same fingerprint."""
    shuffled = list(data.agencies)
    rnd.shuffle(shuffled)
    other = udcntt.Dataset(agencies=tuple(shuffled))
    assert other.fingerprint() == data.fingerprint()
    one = udcntt.evaluate(RULES, data)
    two = udcntt.evaluate(RULES, other)
    assert assessment_to_json(one) == assessment_to_json(two)


@given(surveys())
def test_points_and_shares_stay_in_bounds(data: udcntt.Dataset) -> None:
    """Every criterion within [0, max]; the share within [0, 1]; exactly one tier each."""
    a = udcntt.evaluate(RULES, data)
    tiers = set(a.tier_labels)
    for r in a.results:
        assert Decimal(0) <= r.share <= Decimal(1)
        assert r.tier in tiers
        for res in r.criteria.values():
            if res.points is not None:
                assert Decimal(0) <= res.points <= res.full_max


@given(surveys(), st.integers(min_value=1, max_value=20))
def test_more_computers_never_lower_points(data: udcntt.Dataset, extra: int) -> None:
    """Raising a 'higher is better' indicator never lowers the agency's total or tier."""
    a = udcntt.evaluate(RULES, data)
    first = data.agencies[0]
    values = dict(first.values)
    values["staff_pc"] = min(values["staff_total"], values["staff_pc"] + extra)
    better = replace(first, values=values)
    b = udcntt.evaluate(RULES, udcntt.Dataset(agencies=(better, *data.agencies[1:])))
    order = list(a.tier_labels)
    before, after = a.by_id(first.id), b.by_id(first.id)
    assert after.total >= before.total
    assert order.index(after.tier) <= order.index(before.tier)


@given(st.data())
@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_random_rule_sets_agree_on_both_paths_and_run_fast(data: st.DataObject) -> None:
    """On random valid rule sets and surveys, both paths agree and all runs on the fast path."""
    rules = udcntt.load_rules("random.yaml", text=data.draw(rule_sets()))
    compiled = udcntt.compile_rules(rules)
    survey = data.draw(datasets(rules, 1, 6))
    fast = udcntt.evaluate(compiled, survey, on_error="skip")
    slow = udcntt.evaluate(compiled, survey, on_error="skip", reference=True)
    assert results_json(fast) == results_json(slow)
    assert dict(fast.paths) == {"fast": len(survey)}
