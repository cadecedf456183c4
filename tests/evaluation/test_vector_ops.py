"""The error bounds of the vectorised path hold: |float − exact decimal| ≤ bound, always.

Each operation of :class:`udcntt.evaluation._vector_ops.Frame` is checked against the
``Decimal`` arithmetic udcntt's generated code does (34 digits), on decimals drawn around
the cases that matter: integers, short fractions, values that no float holds exactly,
values that underflow, operands that cancel. A bound of 0 must mean the float *is* the
decimal; a comparison or rounding said to be certain must decide as the decimals do.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("numpy")

import numpy as np

from udcntt.evaluation._vector_ops import Frame, Num, number
from udcntt.expressions import DECIMAL_CONTEXT

DECIMALS = st.one_of(
    st.integers(-(10**6), 10**6).map(Decimal),
    st.integers(-(10**6), 10**6).map(lambda i: Decimal(i).scaleb(-2)),
    st.integers(1, 10**9).map(lambda i: Decimal(i).scaleb(-7)),
    st.sampled_from([Decimal(t) for t in ("0.1", "0.3", "1E-400", "-1E-400", "1E+20", "2.5")]),
    st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=12),
)
SETTINGS = settings(max_examples=300, derandomize=True, deadline=None)


def column(values: list[Decimal]) -> Num:
    pairs = [number(v) for v in values]
    return Num(np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs]))


def holds(result: Num, exact: list[Decimal]) -> None:
    for v, e, x in zip(result.v, result.e, exact, strict=True):
        gap = abs(Decimal(float(v)) - x)
        assert gap <= Decimal(float(e)), (v, e, x)
        if e == 0:
            assert Decimal(float(v)) == x


@SETTINGS
@given(st.lists(st.tuples(DECIMALS, DECIMALS), min_size=1, max_size=8))
def test_bounds_of_add_mul_div_min_max_hold(pairs: list[tuple[Decimal, Decimal]]) -> None:
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    frame = Frame(len(pairs), {})
    with decimal.localcontext(DECIMAL_CONTEXT), np.errstate(all="ignore"):
        ca, cb = column(a), column(b)
        holds(frame.add(ca, cb), [x + y for x, y in zip(a, b, strict=True)])
        holds(frame.sub(ca, cb), [x - y for x, y in zip(a, b, strict=True)])
        holds(frame.mul(ca, cb), [x * y for x, y in zip(a, b, strict=True)])
        holds(frame.minimum(ca, cb), [min(x, y) for x, y in zip(a, b, strict=True)])
        holds(frame.maximum(ca, cb), [max(x, y) for x, y in zip(a, b, strict=True)])
        quotient = frame.div(ca, cb)
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if not frame.unsafe[i]:
                holds(Num(quotient.v[i : i + 1], quotient.e[i : i + 1]), [x / y])


@SETTINGS
@given(st.lists(st.tuples(DECIMALS, DECIMALS), min_size=1, max_size=8))
def test_a_certain_comparison_decides_as_the_decimals_do(
    pairs: list[tuple[Decimal, Decimal]],
) -> None:
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    with decimal.localcontext(DECIMAL_CONTEXT), np.errstate(all="ignore"):
        for op, check in ((">=", lambda x, y: x >= y), ("<", lambda x, y: x < y)):
            frame = Frame(len(pairs), {})
            # Compare computed values (a·3 against b·3) so bounds are not all zero.
            three = frame.const(Decimal(3))
            got = frame.compare(frame.mul(column(a), three), op, frame.mul(column(b), three))
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                if not frame.unsafe[i]:
                    assert bool(got[i]) == check(x * 3, y * 3)


@SETTINGS
@given(
    st.lists(DECIMALS, min_size=1, max_size=8),
    st.sampled_from(["half_up", "half_even", "down"]),
    st.integers(0, 4),
)
def test_a_certain_rounding_gives_the_decimal_quantize(
    values: list[Decimal], mode: str, places: int
) -> None:
    modes = {
        "half_up": decimal.ROUND_HALF_UP,
        "half_even": decimal.ROUND_HALF_EVEN,
        "down": decimal.ROUND_DOWN,
    }
    frame = Frame(len(values), {})
    with decimal.localcontext(DECIMAL_CONTEXT), np.errstate(all="ignore"):
        seventh = frame.div(column(values), frame.const(Decimal(7)))
        _, k = frame.quantize(seventh, places, mode)
        for i, x in enumerate(values):
            if not frame.unsafe[i]:
                want = (x / 7).quantize(Decimal(1).scaleb(-places), rounding=modes[mode])
                assert str(Decimal(int(k[i])).scaleb(-places)) == str(want)


def test_exact_integers_compare_exactly_and_inexact_ties_are_not_certain() -> None:
    """40 ≥ 40 from integers is certain; 0.1 × 3 against 0.3 is not (floats disagree)."""
    frame = Frame(2, {})
    x = column([Decimal(40), Decimal("0.1")])
    bound = column([Decimal(40), Decimal("0.3")])
    three = column([Decimal(1), Decimal(3)])
    got = frame.compare(frame.mul(x, three), ">=", bound)
    assert frame.unsafe.tolist() == [False, True]
    assert bool(got[0])


def test_a_decimal_that_underflows_has_a_nonzero_bound() -> None:
    f, e = number(Decimal("1E-400"))
    assert f == 0.0 and e > 0
