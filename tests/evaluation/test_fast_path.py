"""The fast path is accountable: it scores the shipped rule sets, and it falls back only for a reason.

``Assessment.paths`` (and the receipt's ``evaluation_paths``) count the agencies per path:
``"fast"`` for the code generated from the rule file, ``"reference:<reason>"`` for the
reference interpreter with one of ``udcntt.evaluation.SLOW_REASONS``.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from eval_helpers import both_paths, results_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import udcntt
from udcntt.evaluation import SLOW_REASONS, GeneratedCodeError
from udcntt.testing import datasets

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_RULES = sorted(
    [*(ROOT / "rules").glob("*.yaml"), *(ROOT / "rules" / "base").glob("*.yaml")]
)
EXAMPLES = [
    ("lam-dong-2017.yaml", "lam-dong/survey-2017.csv", "lam-dong/agencies.yaml"),
    ("lam-dong-2017.yaml", "lam-dong/survey-2016.csv", "lam-dong/agencies.yaml"),
    ("lam-dong-2018.yaml", "lam-dong-2018/survey-2018.csv", "lam-dong-2018/agencies.yaml"),
    ("dti-922-province.yaml", "dti-2022/provinces.csv", None),
]


@pytest.mark.parametrize(
    ("rules_name", "survey", "registry"), EXAMPLES, ids=[e[1] for e in EXAMPLES]
)
def test_shipped_examples_run_entirely_on_the_fast_path(
    rules_name: str, survey: str, registry: str | None
) -> None:
    """Every example agency — N/A answers and missing values included — is scored by generated code."""
    rules = udcntt.load_rules(ROOT / "rules" / rules_name)
    reg = udcntt.read_registry(ROOT / "examples" / registry) if registry else None
    data = udcntt.read_survey(ROOT / "examples" / survey, rules, registry=reg)
    fast, _ = both_paths(rules, data)
    assert dict(fast.paths) == {"fast": len(data)}
    assert dict(fast.receipt.evaluation_paths) == {"fast": len(data)}


@pytest.mark.parametrize("path", SHIPPED_RULES, ids=[p.name for p in SHIPPED_RULES])
def test_every_shipped_rule_set_scores_generated_surveys_entirely_on_the_fast_path(
    path: Path,
) -> None:
    """Valid generated surveys (N/A and missing values where allowed): all on the fast path."""
    compiled = udcntt.compile_rules(udcntt.load_rules(path))

    @settings(
        max_examples=15,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(datasets(compiled, 1, 6))
    def check(data: udcntt.Dataset) -> None:
        fast, _ = both_paths(compiled, data)
        assert dict(fast.paths) == {"fast": len(data)}

    check()


SEMANTICS = """udcntt: 1
id: fast_missing
title: Giá trị thiếu trên đường nhanh
rounding: {total: 2, share: 4}
blocks: {so: {label: Khối sở}}
indicators:
  a: {label: Chỉ tiêu A, type: number, range: [0, 100], direction: higher}
  c: {label: Chỉ tiêu C, type: number, range: [0, 100], direction: higher, missing: zero}
  d: {label: Chỉ tiêu D, type: number, range: [0, 100], missing: impute_mean}
  e: {label: Chỉ tiêu E, type: number, range: [0, 100]}
  ok: {label: Có, type: bool, missing: zero}
criteria:
  - {id: ca, label: A, max: 40, points: "a * 0.4"}
  - {id: cc, label: C, max: 20, points: "c * 0.2"}
  - {id: cd, label: D, max: 10, points: "d * 0.1"}
  - {id: ce, label: E, max: 20, points: "e * 0.2"}
  - {id: cok, label: Có, max: 10, points: "10 if ok else 0"}
tiers:
  levels: [{id: tot, label: Tốt, min: 80}, {id: tb, label: Trung bình}]
"""

FULL = {"a": 100, "c": 100, "d": 100, "e": 100, "ok": True}


def test_missing_values_with_a_scoring_policy_stay_on_the_fast_path() -> None:
    """`missing: zero` and `impute_mean` are applied before the generated code, with the same notes."""
    rules = udcntt.load_rules("m.yaml", text=SEMANTICS)
    data = udcntt.Dataset.from_records(
        [
            {
                "id": "x",
                "block": "so",
                "values": {**FULL, "c": udcntt.MISSING, "ok": udcntt.MISSING},
            },
            {"id": "y", "block": "so", "values": {**FULL, "d": udcntt.MISSING}},
            {"id": "z", "block": "so", "values": {**FULL, "d": 50}},
        ]
    )
    fast, slow = both_paths(rules, data)
    assert dict(fast.paths) == {"fast": 3}
    x, y = fast.by_id("x"), fast.by_id("y")
    assert x.total == Decimal(70) and x.notes == (
        "c: missing, scored as 0",
        "ok: missing, scored as 0",
    )
    assert y.criteria["cd"].points == Decimal("7.5") and y.notes == (
        "d: missing, imputed impute_mean = 75",
    )
    assert slow.by_id("y").notes == y.notes


def test_a_missing_value_whose_policy_refuses_it_is_reported_by_the_reference_path() -> None:
    """`missing: error` (the default) leaves the generated code for the declared reason 'missing'."""
    rules = udcntt.load_rules("m.yaml", text=SEMANTICS)
    data = udcntt.Dataset.from_records(
        [
            {"id": "x", "block": "so", "values": {**FULL, "e": udcntt.MISSING}},
            {"id": "y", "block": "so", "values": FULL},
        ]
    )
    a = udcntt.evaluate(rules, data, on_error="skip")
    assert dict(a.paths) == {"fast": 1, "reference:missing": 1}
    assert [d.code for d in a.diagnostics] == ["E-EVAL-MISSING"]


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({**FULL, "a": "75"}, "untyped"),  # text from a Python caller: typed by the reference path
        ({**FULL, "a": 101}, "out_of_range"),
        ({**FULL, "e": udcntt.MISSING}, "missing"),
    ],
)
def test_each_fallback_is_counted_under_its_reason(values: dict[str, object], reason: str) -> None:
    """The reason an agency left the generated code is counted, and is a declared one."""
    rules = udcntt.load_rules("m.yaml", text=SEMANTICS)
    data = udcntt.Dataset.from_records([{"id": "x", "block": "so", "values": values}])
    a = udcntt.evaluate(rules, data, on_error="skip")
    assert dict(a.paths) == {f"reference:{reason}": 1}
    assert reason in SLOW_REASONS


def test_not_applicable_answers_run_on_functions_generated_for_them() -> None:
    """Agencies with N/A answers are scored by generated code too, once per pattern of N/A."""
    text = SEMANTICS.replace(
        "e: {label: Chỉ tiêu E, type: number, range: [0, 100]}",
        "e: {label: Chỉ tiêu E, type: number, range: [0, 100], not_applicable: true}",
    ).replace(
        "c: {label: Chỉ tiêu C, type: number, range: [0, 100], direction: higher, missing: zero}",
        "c: {label: Chỉ tiêu C, type: number, range: [0, 100], direction: higher, "
        "missing: zero, not_applicable: true}",
    )
    compiled = udcntt.compile_rules(udcntt.load_rules("m.yaml", text=text))
    rows = [
        {"id": "e_na", "block": "so", "values": {**FULL, "e": udcntt.NA}},
        {"id": "e_na_2", "block": "so", "values": {**FULL, "e": udcntt.NA, "a": 50}},
        {"id": "both", "block": "so", "values": {**FULL, "e": udcntt.NA, "c": udcntt.NA}},
        {"id": "mixed", "block": "so", "values": {**FULL, "c": udcntt.NA, "d": udcntt.MISSING}},
        {"id": "none", "block": "so", "values": FULL},
    ]
    fast, _ = both_paths(compiled, udcntt.Dataset.from_records(rows))
    assert dict(fast.paths) == {"fast": 5}
    assert len(compiled.fast_variants) == 3  # {e}, {c, e}, {c}
    r = fast.by_id("e_na")
    assert (r.total, r.max, r.criteria["ce"].status) == (Decimal(80), Decimal(80), "not_applicable")
    assert fast.by_id("mixed").notes == ("d: missing, imputed impute_mean = 100",)


def test_an_n_a_answer_its_indicator_does_not_allow_is_reported_by_the_reference_path() -> None:
    """N/A where the indicator does not allow it: reason 'not_applicable', E-EVAL-TYPE."""
    rules = udcntt.load_rules("m.yaml", text=SEMANTICS)
    data = udcntt.Dataset.from_records(
        [{"id": "x", "block": "so", "values": {**FULL, "e": udcntt.NA}}]
    )
    a = udcntt.evaluate(rules, data, on_error="skip")
    assert dict(a.paths) == {"reference:not_applicable": 1}
    assert [d.code for d in a.diagnostics] == ["E-EVAL-TYPE"]


def test_a_division_by_zero_is_counted_as_arithmetic() -> None:
    """Generated code that divides by zero hands the agency over; the error is located there."""
    rules = udcntt.load_rules(
        "m.yaml", text=SEMANTICS.replace('points: "a * 0.4"', 'points: "a / e * 0.4"')
    )
    data = udcntt.Dataset.from_records(
        [{"id": "x", "block": "so", "values": {**FULL, "a": 0, "e": 0}}]
    )
    a = udcntt.evaluate(rules, data, on_error="skip")
    assert dict(a.paths) == {"reference:arithmetic": 1}
    assert [d.code for d in a.diagnostics] == ["E-EVAL-DIVZERO"]
    assert a.diagnostics[0].criterion == "ca"


def _broken(compiled: udcntt.CompiledRuleSet, error: type[Exception]) -> udcntt.CompiledRuleSet:
    def fail(*_: object) -> object:
        raise error("generated code went wrong")

    return replace(
        compiled,
        blocks={b: replace(p, fast=fail, fast_whole=fail) for b, p in compiled.blocks.items()},
    )


@pytest.mark.parametrize("error", [TypeError, AttributeError, KeyError, IndexError])
def test_a_fault_in_generated_code_is_never_hidden(error: type[Exception]) -> None:
    """TypeError and the like from generated code raise GeneratedCodeError, not a quiet fallback."""
    compiled = udcntt.compile_rules(udcntt.load_rules("m.yaml", text=SEMANTICS))
    data = udcntt.Dataset.from_records([{"id": "x", "block": "so", "values": FULL}])
    with pytest.raises(GeneratedCodeError, match="bug in udcntt") as info:
        udcntt.evaluate(_broken(compiled, error), data)
    assert isinstance(info.value.__cause__, error)
    # The reference path, asked for, does not run generated code at all.
    assert udcntt.evaluate(_broken(compiled, error), data, reference=True).by_id("x").total == 100


def test_a_fault_after_normalisation_is_never_hidden() -> None:
    """The second generated function (after the population pass) is held to the same rule."""
    text = SEMANTICS.replace(
        '- {id: ca, label: A, max: 40, points: "a * 0.4"}',
        "- {id: ca, label: A, max: 40, normalise: {value: a, method: to_best}}",
    )
    compiled = udcntt.compile_rules(udcntt.load_rules("m.yaml", text=text))
    data = udcntt.Dataset.from_records([{"id": "x", "block": "so", "values": FULL}])
    assert dict(udcntt.evaluate(compiled, data).paths) == {"fast": 1}

    def fail(*_: object) -> object:
        raise TypeError("generated code went wrong")

    broken = replace(
        compiled, blocks={b: replace(p, fast_finish=fail) for b, p in compiled.blocks.items()}
    )
    with pytest.raises(GeneratedCodeError, match="after normalisation"):
        udcntt.evaluate(broken, data)


def test_receipt_and_results_agree_across_paths(tmp_path: Path) -> None:
    """Only the counts of paths differ between a fast and a reference run."""
    rules = udcntt.load_rules("m.yaml", text=SEMANTICS)
    data = udcntt.Dataset.from_records([{"id": "x", "block": "so", "values": FULL}])
    fast = udcntt.evaluate(rules, data)
    slow = udcntt.evaluate(rules, data, reference=True)
    assert results_json(fast) == results_json(slow)
    assert dict(fast.receipt.evaluation_paths) == {"fast": 1}
    assert dict(slow.receipt.evaluation_paths) == {"reference:requested": 1}


@given(st.lists(st.sampled_from(["a", "c", "d", "e", "ok"]), unique=True))
@settings(max_examples=20, derandomize=True, deadline=None)
def test_every_agency_is_counted_once(missing: list[str]) -> None:
    """The counts add up to the agencies of declared blocks, scored or not."""
    rules = udcntt.load_rules("m.yaml", text=SEMANTICS)
    values = {k: (udcntt.MISSING if k in missing else v) for k, v in FULL.items()}
    data = udcntt.Dataset.from_records(
        [
            {"id": "x", "block": "so", "values": values},
            {"id": "y", "block": "so", "values": FULL},
            {"id": "z", "block": "khac", "values": FULL},
        ]
    )
    a = udcntt.evaluate(rules, data, on_error="skip")
    assert sum(a.paths.values()) == 2
    assert all(k == "fast" or k.removeprefix("reference:") in SLOW_REASONS for k in a.paths)


def test_thousands_of_sibling_criteria_compile_and_agree(tmp_path: Path) -> None:
    """A block of 3,000 sibling criteria (a long sum) compiles, scores on the fast path and agrees."""
    n = 3000
    lines = [
        "udcntt: 1",
        "id: wide",
        "title: Wide",
        "blocks: {so: {label: Sở}}",
        "indicators:",
        "  x: {label: X, type: count, range: [0, 10], direction: higher}",
        "criteria:",
        "  - id: all",
        "    label: All",
        f"    max: {n}",
        "    children:",
        *(f"      - {{id: c{i}, label: C{i}, max: 1, points: 'min(x, 1)'}}" for i in range(n)),
        "  - id: conds",
        "    label: Conditions",
        f"    max: {n}",
        "    conditions:",
        *(f"      - {{when: 'x >= {i % 10}', points: 1}}" for i in range(n)),
        "tiers:",
        "  basis: points",
        "  levels:",
        "    - {id: tot, label: Tốt, min: 0}",
    ]
    path = tmp_path / "wide.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rules = udcntt.load_rules(path)
    data = udcntt.Dataset.from_records(
        [
            {"id": "a", "name": "A", "block": "so", "values": {"x": 3}},
            {"id": "b", "name": "B", "block": "so", "values": {"x": 0}},
        ]
    )
    fast, _ = both_paths(rules, data)
    assert dict(fast.paths) == {"fast": 2}
    totals = {r.agency_id: r.total for r in fast.results}
    assert totals == {"a": Decimal(n + 4 * n // 10), "b": Decimal(n // 10)}
