"""The range analysis behind the band checks is sound: the bounds it claims for an
expression contain every value the expression takes on data within the declared ranges."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import udcntt
from udcntt.expressions import ExprType, NameInfo, compile_expression
from udcntt.program._ranges import expr_range

RULES = """udcntt: 1
id: ranges
title: Ranges
blocks: {so: {label: So}}
indicators:
  a: {label: A, type: count, range: [0, 10]}
  b: {label: B, type: number, range: [1, 5]}
  r: {label: R, type: ratio}
  n: {label: N, type: number}
  y: {label: Y, type: bool}
derived:
  d: {label: D, expr: "a + b"}
  e: {label: E, expr: "d * 2 - r"}
criteria:
  - {id: c, label: C, max: 1, points: "r"}
tiers: {levels: [{id: t, label: T}]}
"""

RANGES = {"a": (0, 10), "b": (1, 5), "r": (0, 1)}


@pytest.fixture(scope="module")
def rules() -> udcntt.RuleSet:
    return udcntt.load_rules("ranges.yaml", text=RULES)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a", (0, 10)),
        ("-a", (-10, 0)),
        ("a + b", (1, 15)),
        ("a - b", (-5, 9)),
        ("a * b", (0, 50)),
        ("a / b", (0, 10)),
        ("r * 100", (0, 100)),
        ("capped_ratio(a, b)", (0, 1)),
        ("min(a, 3)", (0, 3)),
        ("max(a, 3)", (3, 10)),
        ("clamp(n, 2, 4)", (2, 4)),
        ("d", (1, 15)),
        ("e", (1, 30)),
        ("2.5", (Decimal("2.5"), Decimal("2.5"))),
    ],
)
def test_known_bounds(rules: udcntt.RuleSet, source: str, expected: tuple[object, object]) -> None:
    lo, hi = expr_range(source, rules)
    assert (lo, hi) == (Decimal(expected[0]), Decimal(expected[1]))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "source",
    ["n", "a / n", "a / (b - 3)", "n * a", "y", "a ** 2", "round(a)", "a +", "unknown_name"],
)
def test_unknown_where_nothing_can_be_said(rules: udcntt.RuleSet, source: str) -> None:
    lo, hi = expr_range(source, rules)
    assert lo is None or hi is None


def test_nesting_too_deep_is_unknown_not_a_crash(rules: udcntt.RuleSet) -> None:
    deep = "(" * 40 + "a" + " + 1)" * 40
    assert expr_range(deep, rules) == (None, None)


_ATOMS = st.sampled_from(["a", "b", "r", "d", "1", "2", "0.5"])


def _expressions() -> st.SearchStrategy[str]:
    return st.recursive(
        _ATOMS,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(inner, inner).map(lambda t: f"min({t[0]}, {t[1]})"),
            st.tuples(inner, inner).map(lambda t: f"max({t[0]}, {t[1]})"),
            inner.map(lambda x: f"-{x}"),
            inner.map(lambda x: f"({x} / b)"),
        ),
        max_leaves=6,
    )


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    source=_expressions(),
    a=st.integers(0, 10),
    b=st.decimals(1, 5, places=2),
    r=st.decimals(0, 1, places=3),
)
def test_claimed_bounds_contain_every_value(
    rules: udcntt.RuleSet, source: str, a: int, b: Decimal, r: Decimal
) -> None:
    lo, hi = expr_range(source, rules)
    names = {n: NameInfo(ExprType.NUMBER) for n in ("a", "b", "r", "d")}
    env = {"a": Decimal(a), "b": b, "r": r, "d": Decimal(a) + b}
    value = compile_expression(source, names=names).evaluate(env)
    assert lo is None or value >= lo, (source, value, lo)
    assert hi is None or value <= hi, (source, value, hi)
