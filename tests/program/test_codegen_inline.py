"""The generated block functions write library calls out and leave out proven checks.

``min``, ``max``, ``clamp``, ``ratio``, ``capped_ratio``, ``per_item`` and ``bands`` become
conditional expressions in the generated code (no Python call per agency), giving the very
objects the calls give; the range check of a leaf's points is left out where a static
analysis proves the points lie in ``[0, max]``, and kept (with its diagnostic on the
reference path) everywhere else.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import udcntt
from udcntt.expressions import (
    DECIMAL_CONTEXT,
    RUNTIME,
    ExprType,
    NameInfo,
    RuleArithmeticError,
    compile_expression,
)
from udcntt.program._proven import points_range
from udcntt.report import assessment_to_json

ROOT = Path(__file__).resolve().parents[2]
HELPER_CALLS = re.compile(r"\b(_u_min|_u_max|_u_ratio|_u_clamp|_u_capped_ratio|_min|_max)\(")
#: ``best_of`` keeps one call of the built-in ``max`` over its parts (``_max``).
MIN_CALLS = re.compile(r"\b(_u_min|_u_max|_u_ratio|_u_clamp|_u_capped_ratio|_min)\(")
DETERMINISTIC = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _benchmark() -> Any:
    spec = importlib.util.spec_from_file_location("bench_evaluate", ROOT / "benchmarks/evaluate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _results(assessment: udcntt.Assessment) -> dict[str, Any]:
    """The results JSON without the counts of evaluation paths (they differ by design)."""
    doc = json.loads(assessment_to_json(assessment))
    doc.get("receipt", {}).pop("evaluation_paths", None)
    doc.pop("paths", None)
    return doc


def _rules(criteria: str, *, relations: str = "", rounding: str = "{total: 2}") -> str:
    return f"""udcntt: 1
id: inline
title: Mã sinh ra viết thẳng các hàm
rounding: {rounding}
blocks: {{so: {{label: Khối sở}}}}
indicators:
  a: {{label: A, type: number, range: [0, 10]}}
  b: {{label: B, type: number, range: [0, 10]}}
  c: {{label: C, type: number, range: [0, 10]}}
  n: {{label: N, type: number, range: [-5, 100]}}
  f: {{label: F, type: bool}}
{relations}criteria:
{criteria}tiers:
  levels: [{{id: tb, label: Trung bình}}]
"""


def _survey(*rows: dict[str, Any]) -> udcntt.Dataset:
    base = {"a": Decimal(1), "b": Decimal(2), "c": Decimal(3), "n": Decimal(4), "f": True}
    return udcntt.Dataset.from_records(
        [{"id": f"a{i}", "block": "so", "values": {**base, **row}} for i, row in enumerate(rows)]
    )


# -- no helper calls -------------------------------------------------------------------


def test_the_benchmark_rule_file_generates_no_helper_calls_and_no_range_checks() -> None:
    """issue 13: the benchmark's 48 expressions run without a Python call for min, max,
    ratio or clamp, and all 40 leaves are proven in range; both paths still agree."""
    bench = _benchmark()
    compiled = udcntt.compile_rules(udcntt.load_rules("b.yaml", text=bench.rule_file()))
    for plan in compiled.blocks.values():
        source = plan.fast_source or ""
        assert "def whole_" in source
        assert HELPER_CALLS.findall(source) == []
        assert "points_out_of_range" not in source
    rows = bench.agencies(60)
    data = udcntt.Dataset.from_records(
        [
            {
                **row,
                "values": {
                    k: v if isinstance(v, bool) else Decimal(v) for k, v in row["values"].items()
                },
            }
            for row in rows
        ]
    )
    fast = udcntt.evaluate(compiled, data)
    assert dict(fast.paths) == {"fast": 60}
    assert _results(fast) == _results(udcntt.evaluate(compiled, data, reference=True))


def test_shipped_rule_sets_call_no_min_max_helper() -> None:
    """Caps, ``per_item`` and the expressions of every shipped rule set are written out."""
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        compiled = udcntt.compile_rules(udcntt.load_rules(path))
        for plan in compiled.blocks.values():
            assert MIN_CALLS.findall(plan.fast_source or "") == [], (path.name, plan.id)


# -- the same objects as the calls ----------------------------------------------------

EQUALS = """\
  - {id: lo2, label: L2, max: 10, points: "min(a, b)"}
  - {id: hi2, label: H2, max: 10, points: "max(a, b)"}
  - {id: lo3, label: L3, max: 10, points: "min(c, a, b)"}
  - {id: hi3, label: H3, max: 10, points: "max(c, b, a)"}
  - {id: cl, label: CL, max: 10, points: "clamp(a, b, c)"}
  - {id: pi, label: PI, max: 10, points: "per_item(a, 1, b)"}
  - {id: cap, label: CAP, max: 10, points: "a", cap: "1.0000"}
  - {id: up, label: UP, max: 10, points: "max(min(a, 2.0), 2.00)"}
  - {id: down, label: DOWN, max: 10, points: "min(max(a, 2.0), 2.00)"}
"""


@pytest.mark.parametrize(
    ("a", "b", "c"),
    [("1.0", "1.00", "1.000"), ("1.00", "1.0", "1"), ("2", "2.0", "2.00"), ("0.0", "0", "0.00")],
)
def test_min_and_max_of_equal_values_keep_the_first_as_the_built_ins_do(
    a: str, b: str, c: str
) -> None:
    """Equal values with different exponents: the generated code publishes the very value
    ``min`` / ``max`` give (the first smallest, the first largest), as the reference does."""
    da, db, dc = Decimal(a), Decimal(b), Decimal(c)
    compiled = udcntt.compile_rules(udcntt.load_rules("e.yaml", text=_rules(EQUALS)))
    data = _survey({"a": da, "b": db, "c": dc})
    fast = udcntt.evaluate(compiled, data)
    assert dict(fast.paths) == {"fast": 1}
    points = {k: str(v.points) for k, v in fast.by_id("a0").criteria.items()}
    assert points == {
        "lo2": str(min(da, db)),
        "hi2": str(max(da, db)),
        "lo3": str(min(dc, da, db)),
        "hi3": str(max(dc, db, da)),
        "cl": str(min(max(da, db), dc)),
        "pi": str(min(da * 1, db)),
        "cap": str(min(da, Decimal("1.0000"))),
        # ranges that touch (at most 2.0, at least 2.00) decide nothing: equal values
        "up": str(max(min(da, Decimal("2.0")), Decimal("2.00"))),
        "down": str(min(max(da, Decimal("2.0")), Decimal("2.00"))),
    }
    assert _results(fast) == _results(udcntt.evaluate(compiled, data, reference=True))


# -- the inlined form against the call form, expression by expression -------------------

NAMES = {n: NameInfo(ExprType.NUMBER) for n in ("a", "b", "c")} | {"f": NameInfo(ExprType.BOOL)}
FORMS = [
    "min(a, b)",
    "max(a, b)",
    "min(a, b, c)",
    "max(a * 2, b - c, c + 1)",
    "min(max(a, b), c)",
    "clamp(a, b, c)",
    "clamp(a / 10, 0, 5)",
    "clamp(a + b, -1, 1)",
    "ratio(a, b, c)",
    "ratio(a, b + c, 0)",
    "ratio(a + b, c - 1, 0)",
    "ratio(a, b + c, a * 2)",
    "ratio(a - 1, b * c, a / 3)",
    "ratio(a, b - c, 1 if f else 2)",
    "ratio(a, b - c, 1 if not f or a > b else 2)",
    "ratio(a, b, 0) * 5 if a <= b else 5",
    "capped_ratio(a, b)",
    "capped_ratio(a + b, c)",
    "capped_ratio(a, b - c)",
    "per_item(a, 2, b)",
    "per_item(a + b, c, 5)",
    "bands(a, 10, 3, 5, 2, 0)",
    "bands(a - b, c, 1, 0, 0.5, 0)",
    "bands(a, b + 1, 1, 0)",
    "min(2.5 if f else 0, b) + (2.5 if 1 < a <= 6 else 0)",
]
NUMBERS = st.sampled_from(
    [
        "0",
        "0.0",
        "-0",
        "1",
        "1.0",
        "1.00",
        "-1",
        "2.5",
        "2.50",
        "3",
        "10",
        "1E+1",
        "0.333333333333333333333333333333333333",
        "-7.25",
        "9E+999998",
        "-9E+999998",
    ]
).map(Decimal)


def _inlined(source: str) -> Any:
    """The fast path's form of ``source`` (temporaries), compiled into a function."""
    expr = compile_expression(source, names=NAMES)
    consts: dict[str, Decimal] = {}
    temps = iter(range(1, 10_000))

    def const(value: Decimal) -> str:
        name = f"c{len(consts)}"
        consts[name] = value
        return name

    body = expr.to_python(lambda n: n, const, lambda: f"_t{next(temps)}")
    assert HELPER_CALLS.findall(body) == []
    # bands is written out when its table cannot raise; else the call keeps its order.
    assert ("_u_bands(" in body) == (source == "bands(a, b + 1, 1, 0)")
    namespace: dict[str, Any] = {"__builtins__": {}, **RUNTIME, **consts}
    exec(f"def inlined(a, b, c, f):\n    return {body}\n", namespace)
    return expr, namespace["inlined"]


@functools.cache
def _compiled_forms() -> list[tuple[Any, Any]]:
    return [_inlined(source) for source in FORMS]


def _outcome(call: Any) -> str:
    import decimal

    try:
        with decimal.localcontext(DECIMAL_CONTEXT):
            return f"value {call()!s}"
    except (RuleArithmeticError, decimal.DecimalException):
        return "raises"


@DETERMINISTIC
@given(a=NUMBERS, b=NUMBERS, c=NUMBERS, f=st.booleans())
def test_inlined_forms_give_what_the_calls_give(
    a: Decimal, b: Decimal, c: Decimal, f: bool
) -> None:
    """Same value with the same exponent, or an exception on both (an exception sends the
    agency to the reference path), for every inlined function."""
    env = {"a": a, "b": b, "c": c, "f": f}
    for expr, inlined in _compiled_forms():
        reference = _outcome(lambda expr=expr: expr.evaluate(env))
        assert _outcome(lambda inlined=inlined: inlined(a, b, c, f)) == reference, expr.source


# -- comparisons the proven ranges decide ----------------------------------------------

DECIDED = """\
  - {id: keep, label: K, max: 10, points: "min(2.5 if f else 0, 2.5) + max(a, -1) - 5"}
  - {id: swap, label: S, max: 10, points: "min(11, a)"}
  - {id: clamp, label: C, max: 10, points: "clamp(a / 10, 0, 5) + clamp(n, 0, 5)"}
  - {id: sums, label: U, max: 10, points: "min(a + b, 20) / 2 + max(a * 2, 0) * 0"}
  - {id: raises, label: R, max: 10, points: "min(a, b + 20)"}
  - {id: open, label: O, max: 10, points: "max(min(n, 10), 0)"}
  - {id: low, label: W, max: 10, points: "clamp(n / 10, 0, 20)"}
"""


def test_comparisons_the_ranges_decide_are_left_out_and_results_unchanged() -> None:
    """a, b in [0, 10], n in [-5, 100]: ``min(x, 2.5)`` of a value at most 2.5 is that
    value, ``max(a, -1)`` is ``a``, ``min(11, a)`` is ``a``, ``clamp(a / 10, 0, 5)`` is
    ``a / 10``; a comparison stays where the ranges overlap (``clamp(n, 0, 5)``,
    ``max(min(n, 10), 0)``) or where the argument it would discard can raise
    (``b + 20``). Generated surveys score the same on both paths."""
    from udcntt.testing import datasets

    compiled = udcntt.compile_rules(udcntt.load_rules("d.yaml", text=_rules(DECIDED)))
    plan = compiled.blocks["so"]
    whole = (plan.fast_source or "").split("def whole_")[1]
    computed = dict(re.findall(r"^    (r\d+) = (.*)$", whole, re.M))
    leaf_of = dict(re.findall(r"^    l(\d+) = (r\d+)$", whole, re.M))
    comparisons = {
        plan.leaves[int(i)].id: len(re.findall(r" [<>] ", computed[r])) for i, r in leaf_of.items()
    }
    assert comparisons == {
        "keep": 0,
        "swap": 0,
        "clamp": 2,
        "sums": 0,
        "raises": 1,
        "open": 2,
        "low": 1,
    }

    @settings(
        max_examples=25, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck)
    )
    @given(datasets(compiled, 1, 8))
    def check(data: udcntt.Dataset) -> None:
        fast = udcntt.evaluate(compiled, data, on_error="skip")
        slow = udcntt.evaluate(compiled, data, on_error="skip", reference=True)
        assert _results(fast) == _results(slow)

    check()


# -- range checks: left out only where proven -------------------------------------------

RANGES = """\
  - {id: proven, label: P, max: 10, points: "max(min(n, 10), 0)"}
  - {id: doubled, label: D, max: 10, points: "a * 2 - 0.1"}
  - {id: share, label: S, max: 10, points: "ratio(a, b, 0) * 10"}
  - {id: guarded, label: G, max: 10, points: "ratio(a, b, 0) * 10 if a <= b else 10"}
  - {id: literal, label: L, max: 5, points: "min(c, 5.00000000000000001)"}
"""


def _checked_leaves(plan: Any) -> set[str]:
    """The leaves whose points the generated ``whole`` function checks."""
    whole = (plan.fast_source or "").split("def whole_")[1]
    found = set(re.findall(r"<= l(\d+) <=", whole))
    return {plan.leaves[int(i)].id for i in found}


def test_a_leaf_proven_in_range_has_no_check_and_the_others_keep_theirs() -> None:
    """Proven: ``n`` limited to [0, 10], a ratio guarded by ``a <= b``. Not proven:
    ``a * 2 - 0.1`` (from -0.1 to 19.9), an unguarded ratio, and a literal just above the max (exact decimals:
    ``5.00000000000000001`` is not the float 5)."""
    compiled = udcntt.compile_rules(udcntt.load_rules("r.yaml", text=_rules(RANGES)))
    assert _checked_leaves(compiled.blocks["so"]) == {"doubled", "share", "literal"}


@pytest.mark.parametrize(
    ("values", "criterion"),
    [
        ({"a": Decimal(6), "b": Decimal(10)}, "doubled"),
        ({"a": Decimal(3), "b": Decimal(2)}, "share"),
        ({"c": Decimal("5.00000000000000001")}, "literal"),
    ],
)
def test_a_leaf_not_proven_still_reports_points_out_of_range(
    values: dict[str, Any], criterion: str
) -> None:
    """An out-of-range point of a leaf that keeps its check goes to the reference path,
    which reports E-EVAL-RANGE for that criterion; an agency in range stays fast."""
    compiled = udcntt.compile_rules(udcntt.load_rules("r.yaml", text=_rules(RANGES)))
    data = _survey({"a": Decimal(1), "b": Decimal(2)}, values)
    assessment = udcntt.evaluate(compiled, data, on_error="skip")
    assert dict(assessment.paths) == {"fast": 1, "reference:points_out_of_range": 1}
    assert [(d.code, d.agency, d.criterion) for d in assessment.diagnostics] == [
        ("E-EVAL-RANGE", "a1", criterion)
    ]


def test_a_declared_relation_proves_a_ratio_in_range() -> None:
    """``a <= b`` declared: ``ratio(a, b, 0) * 10`` cannot exceed 10, so it is not checked."""
    text = _rules(RANGES, relations="relations: ['a <= b']\n")
    compiled = udcntt.compile_rules(udcntt.load_rules("r.yaml", text=text))
    assert _checked_leaves(compiled.blocks["so"]) == {"doubled", "literal"}
    data = _survey({"a": Decimal(2), "b": Decimal(3)}, {"a": Decimal(3), "b": Decimal(2)})
    assessment = udcntt.evaluate(compiled, data, on_error="skip")
    assert dict(assessment.paths) == {"fast": 1, "reference:relation": 1}


def test_rounded_leaf_points_are_proven_only_when_the_max_rounds_to_itself() -> None:
    """With criteria rounded to 1 place half up, points up to 2.55 may round to 2.6, above
    a max of 2.55: that leaf keeps its check; points up to 2.5 and exact zeros (whatever
    the max) need none."""
    criteria = """\
  - {id: even, label: E, max: 2.5, points: "min(a, 2.5)"}
  - {id: odd, label: O, max: 2.55, points: "min(a, 2.55)"}
  - {id: rest, label: R, max: 4.95, points: "0"}
"""
    text = _rules(criteria, rounding="{criteria: 1, total: 2, mode: half_up}")
    compiled = udcntt.compile_rules(udcntt.load_rules("r.yaml", text=text))
    source = compiled.blocks["so"].fast_source or ""
    whole = source.split("def whole_")[1]
    assert re.findall(r"<= (l\d+) <=", whole) == ["l1"]
    data = _survey({"a": Decimal("2.55")})
    assessment = udcntt.evaluate(compiled, data, on_error="skip")
    assert dict(assessment.paths) == {"reference:points_out_of_range": 1}


# -- what the analysis proves ----------------------------------------------------------

D = Decimal
KINDS = """\
  - {id: e1, label: E1, max: 100, points: "ratio(a, b, 0) * 10 if a <= b else 10"}
  - {id: e2, label: E2, max: 100, points: "ratio(a, b, 0) if b < a else 0"}
  - {id: e3, label: E3, max: 100, points: "10 if a > b else ratio(a, b, 0) * 10"}
  - {id: e4, label: E4, max: 100, points: "clamp(n / 10, 0, 5)"}
  - {id: e5, label: E5, max: 100, points: "min(n, 10)"}
  - {id: e6, label: E6, max: 100, points: "n * n"}
  - {id: e7, label: E7, max: 100, points: "a / 3"}
  - {id: e8, label: E8, max: 100, points: "capped_ratio(a, n) * 4"}
  - {id: e9, label: E9, max: 100, points: "count_true(f, a > 1) * 2"}
  - {id: e10, label: E10, max: 100, points: "ratio(a, b + c, 0)"}
  - {id: e11, label: E11, max: 100, points: "-a + 2 ** a"}
  - {id: e12, label: E12, max: 100, points: "a", cap: 4}
  - {id: e13, label: E13, max: 100, points: "ratio(a, b, 0) * 10 if not (a > b) else 10"}
  - {id: e14, label: E14, max: 100, points: "ratio(a, b, 0) * 10 if a <= b and f else 10"}
  - {id: e15, label: E15, max: 100, points: "+a - n / -2"}
  - {id: e16, label: E16, max: 100, points: "bands(n, 50, 8, 10, 3, 1)"}
  - {id: e17, label: E17, max: 100, points: "ratio(n, b, 0)"}
  - {id: e18, label: E18, max: 100, points: "a / (b + 1) + n / a * 0"}
  - {id: e19, label: E19, max: 100, points: "a / (b + 1)"}
  - {id: e20, label: E20, max: 100, points: "(n if f else a) * (a - 20)"}
  - {id: e21, label: E21, max: 100, points: "ratio(a, b, 0) if 1 < a <= b else 0"}
  - {id: e22, label: E22, max: 100, points: "max(ratio(a, b, 0), 0) / 2"}
  - {id: e23, label: E23, max: 100, points: "n * ratio(a, b, 0)"}
  - {id: e24, label: E24, max: 100, points: "ratio(a, b, 0) if a <= b or f else 0"}
  - {id: e25, label: E25, max: 100, points: "ratio(a, b, 0) if a == b else 0"}
  - {id: e26, label: E26, max: 100, points: "abs(n) + n * ratio(a, b, 0) / 2"}
  - {id: k1, label: K1, max: 100, bands: {input: n, steps: [{min: 50, points: 8}, {min: 10, points: 3}], otherwise: 1}}
  - {id: k2, label: K2, max: 100, conditions: [{when: f, points: 2}, {when: a > 1, points: 1.5}]}
  - {id: k3, label: K3, max: 100, per_item: {count: n, points: 0.5, cap: 3}}
  - {id: k4, label: K4, max: 100, sum_of: ["min(a, 2)", {per_item: {count: c, points: 1, cap: 2}}]}
  - {id: k5, label: K5, max: 100, best_of: ["min(a, 2)", "n", {points: "b", cap: 7}]}
"""
EXPECTED = {
    "e1": (D(0), D(10)),
    "e2": (D(0), None),  # b < a: a / b may exceed 1
    "e3": (D(0), D(10)),  # not a > b: a <= b
    "e4": (D(0), D(5)),
    "e5": (D(-5), D(10)),
    "e6": (D(-500), D(10000)),
    "e7": (D(0), D("3.333333333333333333333333333333333")),  # rounded as the code rounds
    "e8": (D(0), D(4)),
    "e9": (D(0), D(4)),
    "e10": (D(0), None),
    "e11": (None, None),  # a power: no range
    "e12": (D(0), D(4)),
    "e13": (D(0), D(10)),  # not a > b: a <= b
    "e14": (D(0), D(10)),  # a <= b and …: a <= b
    "e15": (D("-2.5"), D(60)),  # a - n / -2, n / -2 in [-50, 2.5]
    "e16": (D(1), D(8)),
    "e17": (None, None),  # n may be negative and b zero
    "e18": (None, None),  # n / a: a may be zero
    "e19": (D(0), D(10)),
    "e20": (D(-2000), D(100)),
    "e21": (D(0), D(1)),  # 1 < a says nothing of names; a <= b does
    "e22": (D(0), None),
    "e23": (None, None),
    "e24": (D(0), None),  # a <= b or f: nothing certain
    "e25": (D(0), None),  # equality is not used
    "e26": (None, None),  # abs is not analysed
    "k1": (D(1), D(8)),
    "k2": (D(0), D("3.5")),
    "k3": (D("-2.5"), D(3)),
    "k4": (D(0), D(4)),
    "k5": (D(0), D(100)),
}


def test_the_ranges_the_analysis_proves() -> None:
    """Conditions ``a <= b`` (and their negations) bound a ratio; the built-in rule types'
    points and caps are known; a power is not analysed."""
    text = _rules(KINDS, rounding="{total: 2}")
    compiled = udcntt.compile_rules(udcntt.load_rules("k.yaml", text=text))
    plan = compiled.blocks["so"]
    found = {leaf.id: points_range(compiled, plan, leaf.rule) for leaf in plan.leaves}
    assert found == EXPECTED


# -- the proof is sound ----------------------------------------------------------------

LEAVES = st.recursive(
    st.sampled_from(["a", "b", "n", "1", "0", "2.5", "-1", "0.1"]),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(inner, st.sampled_from(["3", "0.7", "-2"])).map(lambda t: f"({t[0]} / {t[1]})"),
        st.tuples(st.sampled_from(["min", "max"]), st.lists(inner, min_size=2, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        ),
        st.tuples(inner, inner, inner).map(lambda t: f"ratio({t[0]}, {t[1]}, {t[2]})"),
        st.tuples(inner, inner).map(lambda t: f"capped_ratio({t[0]}, {t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"(ratio(a, b, 0) * {t[0]} if a <= b else {t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"(ratio(a, b, 0) * {t[0]} if b < a else {t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]} if a > b else ratio(a, b, 0) * {t[1]})"),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} < {t[2]} else {t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"clamp({t[0]}, 0, {t[1]})"),
    ),
    max_leaves=6,
)
INPUTS = st.tuples(
    st.decimals(min_value=0, max_value=10, places=3),
    st.sampled_from(["0", "10", "3", "7.0000000000000000000000000000000000001"]).map(Decimal),
    st.decimals(min_value=-5, max_value=100, places=40, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(source=LEAVES, inputs=st.lists(INPUTS, min_size=1, max_size=8))
def test_proven_ranges_hold_for_the_values_computed(
    source: str, inputs: list[tuple[Decimal, Decimal, Decimal]]
) -> None:
    """Whatever the expression, the points the generated code computes for inputs in their
    declared ranges lie in the range the analysis gives (many-digit inputs included), and
    are those of the reference form (the calls), comparisons left out or not."""
    text = _rules(f'  - {{id: x, label: X, max: 100000, points: "{source}"}}\n')
    try:
        compiled = udcntt.compile_rules(udcntt.load_rules("p.yaml", text=text))
    except udcntt.RuleFileError:
        return  # e.g. a constant zero divisor: rejected when loading
    plan = compiled.blocks["so"]
    rule = plan.leaves[0].rule
    lo, hi = points_range(compiled, plan, rule)
    values = [{"a": a, "b": b, "n": n, "c": Decimal(0), "f": True} for a, b, n in inputs]
    fast = plan.fast
    assert fast is not None
    import decimal

    for v in values:
        args = [v[name] for name in plan.indicators]
        reference = _outcome(lambda v=v: rule.exprs["expr"].evaluate(v))
        try:
            with decimal.localcontext(DECIMAL_CONTEXT):
                _, (points,) = fast(*args)
        except (RuleArithmeticError, decimal.DecimalException):
            assert reference == "raises", (source, v)
            continue
        assert reference == f"value {points!s}", (source, v)
        assert lo is None or points >= lo, (source, v, lo)
        assert hi is None or points <= hi, (source, v, hi)
