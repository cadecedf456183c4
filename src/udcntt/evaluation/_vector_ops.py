"""Float64 columns with error bounds: the arithmetic of the vectorised scoring path.

A number column (:class:`Num`) holds, for each agency of a block, a float64 value ``v`` and
a bound ``e`` such that ``|v − x| ≤ e``, where ``x`` is what the exact ``Decimal`` function
computes for that agency. The bounds follow each operation, with γ = 2⁻⁵² per operation
(twice float64's unit roundoff; ``Decimal``'s own rounding at 34 digits, under 10⁻³³
relative, fits in the other half):

* a constant or an input: ``e = 0`` when the float equals the decimal exactly and is
  *short* (a multiple of 2⁻²⁰ below 2³³, so it has at most 30 significant digits and every
  exact ``Decimal`` operation giving it is exact too); otherwise ``e = γ|v|`` (plus the
  smallest float, 2⁻¹⁰⁷⁴, in every inexact bound, for values that underflow);
* ``a ± b``: ``ea + eb + γ|r|``; ``a × b``: ``|a|·eb + |b|·ea + ea·eb + γ|r|``;
  ``a / b``: ``(ea + |r|·eb) / (|b| − eb) + γ|r|`` — each ``0`` when both operands are
  exact and the float result is exact (checked by an error-free transformation) and short;
* ``min``/``max``: the bound of the operand chosen, the larger one when the choice is not
  certain.

A comparison ``a op b`` is **certain** when ``|a − b| > 2·(ea + eb)``, or when both are
exact. Rounding ``v`` to ``q`` is certain when ``v/q`` is farther than twice its bound from
every rounding boundary (or exact). Every agency for which one comparison or rounding it
reaches is not certain, or whose arithmetic would fail (a divisor that may be 0, a value
not finite), is marked *unsafe*; the engine scores those with the exact function. For the
others, the published values decided here are exactly the ``Decimal`` ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np

__all__ = ["GAMMA", "Cat", "Frame", "Num", "VectorUnsupported"]

#: Relative error bound added by each operation (see the module docstring).
GAMMA = 2.0**-52
_SHORT = 2.0**33
_SCALE = 2.0**20
_LARGE = 2.0**52
_SPLIT = 134217729.0  # 2**27 + 1, Dekker's splitter for float64
#: The smallest positive float64: added to every inexact bound, it covers the absolute
#: error of a result that underflows (a decimal far below float64's range reads as 0.0).
_TINY = 5e-324


class VectorUnsupported(Exception):
    """The rule set uses something the vectorised path does not compute (a rule type
    without a vector hook, a function, a date): the whole rule set takes the exact path."""


class Num:
    """A number column: float64 values and their error bounds.

    :attr:`exact` tells whether every bound is 0 (every value exact and short): survey
    counts and the constants of a rule file usually are, and the operations on two exact
    columns skip the bound arithmetic, which could only give 0 or the result's own
    rounding.
    """

    __slots__ = ("_z", "e", "v")

    def __init__(self, v: Any, e: Any, exact: bool | None = None) -> None:
        self.v = v
        self.e = e
        self._z = exact

    @property
    def exact(self) -> bool:
        """Whether every value's bound is 0 (computed once)."""
        z = self._z
        if z is None:
            z = self._z = not self.e.any()
        return z


class Cat:
    """A category column: integer codes and the code of each category name."""

    __slots__ = ("codes", "index")

    def __init__(self, codes: Any, index: Mapping[str, int]) -> None:
        self.codes = codes
        self.index = index


class _Text:
    """A category name written in an expression (only compared or passed to one_of)."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value


def short(v: Any) -> Any:
    """Whether each value is a multiple of 2⁻²⁰ below 2³³ in magnitude."""
    scaled = v * _SCALE
    out: Any = (np.abs(v) < _SHORT) & (np.floor(scaled) == scaled)
    return out


def _product_error(a: Any, b: Any, p: Any) -> Any:
    """``a·b − p`` exactly, for ``p = fl(a·b)`` (Dekker's TwoProduct, no overflow here)."""
    ca = _SPLIT * a
    ah = ca - (ca - a)
    al = a - ah
    cb = _SPLIT * b
    bh = cb - (cb - b)
    bl = b - bh
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl


def number(value: Decimal) -> tuple[float, float]:
    """A decimal as (float, error bound)."""
    f = float(value)
    exact = Decimal(f) == value and abs(f) < _SHORT and (f * _SCALE).is_integer()
    return f, 0.0 if exact else abs(f) * GAMMA + _TINY


class Frame:
    """The columns of one block's agencies and the mask of agencies sent to the exact path.

    Implements :class:`udcntt._contexts.VectorContext` for the rule types' ``vector`` hooks.
    ``live`` is the mask of agencies for which the value being computed matters (inside
    ``x if c else y``, ``and``/``or`` and band steps, only the agencies that reach it), so
    an uncertain comparison or a zero divisor sends only those agencies to the exact path.
    """

    def __init__(self, n: int, env: dict[str, Any]) -> None:
        self.n = n
        self.env = env
        self.unsafe = np.zeros(n, dtype=bool)
        self.live = np.ones(n, dtype=bool)
        self._zeros = np.zeros(n)  # the bounds of exact columns: shared, never written
        self.zero = Num(np.zeros(n), self._zeros, True)
        #: Constant columns by value (a rule set repeats its constants); read-only.
        self._consts: dict[Decimal, Num] = {}

    # -- bookkeeping ---------------------------------------------------------------------
    def flag(self, mask: Any) -> None:
        """Send the live agencies of ``mask`` to the exact path."""
        self.unsafe |= mask & self.live

    def under(self, mask: Any, build: Callable[[], Any]) -> Any:
        """``build()`` with only the agencies of ``mask`` live."""
        saved = self.live
        self.live = saved & mask
        try:
            return build()
        finally:
            self.live = saved

    # -- VectorContext -------------------------------------------------------------------
    def const(self, value: Decimal) -> Num:
        found = self._consts.get(value)  # 5 and 5.0 share one: the same number
        if found is None:
            f, e = number(value)
            found = self._consts[value] = Num(np.full(self.n, f), np.full(self.n, e))
        return found

    def input(self, name: str) -> Any:
        found = self.env.get(name)
        if found is None:
            raise VectorUnsupported(f"value {name}")
        return found

    def expr(self, expression: Any) -> Any:
        from udcntt.evaluation._vector_expr import evaluate_tree

        return evaluate_tree(self, expression.tree)

    def compare(self, left: Any, op: str, right: Any) -> Any:
        if isinstance(left, Cat | _Text) or isinstance(right, Cat | _Text):
            return self._compare_categories(left, op, right)
        a, b = left.v, right.v
        if not (left.exact and right.exact):  # two exact columns compare with certainty
            d = a - b
            tol = 2.0 * (left.e + right.e)
            self.flag(((np.abs(d) <= tol) & (tol > 0)) | ~np.isfinite(d) | ~np.isfinite(tol))
        out: Any
        if op == "<":
            out = a < b
        elif op == "<=":
            out = a <= b
        elif op == ">":
            out = a > b
        elif op == ">=":
            out = a >= b
        elif op == "==":
            out = a == b
        elif op == "!=":
            out = a != b
        else:  # pragma: no cover - the expression checker admits no other operator
            raise VectorUnsupported(op)
        return out

    def _compare_categories(self, left: Any, op: str, right: Any) -> Any:
        if op not in ("==", "!="):
            raise VectorUnsupported(op)
        if isinstance(left, _Text):
            left, right = right, left
        if not (isinstance(left, Cat) and isinstance(right, _Text)):
            raise VectorUnsupported("two category columns compared")
        same = left.codes == left.index.get(right.value, -2)
        return same if op == "==" else ~same

    def select(self, condition: Any, then: Any, otherwise: Any) -> Any:
        if isinstance(then, Num) and isinstance(otherwise, Num):
            v = np.where(condition, then.v, otherwise.v)
            if then.exact and otherwise.exact:
                return Num(v, self._zeros, True)
            return Num(v, np.where(condition, then.e, otherwise.e))
        if isinstance(then, Num) or isinstance(otherwise, Num):  # pragma: no cover - typed
            raise VectorUnsupported("mixed types")
        if isinstance(then, Cat | _Text) or isinstance(otherwise, Cat | _Text):
            raise VectorUnsupported("a category chosen by a condition")
        return np.where(condition, then, otherwise)

    def first(self, choices: Sequence[tuple[Any, Any]], otherwise: Any) -> Any:
        undecided = np.ones(self.n, dtype=bool)
        picks = []
        for condition, value in choices:
            held = self.under(undecided, condition)
            took = undecided & held
            picks.append((took, value))
            undecided = undecided & ~held
        result = otherwise
        for took, value in reversed(picks):
            result = self.select(took, value, result)
        return result

    def add(self, left: Any, right: Any) -> Num:
        r = left.v + right.v
        if left.exact and right.exact:
            short_sum = np.abs(r) < _SHORT  # then exact: a multiple of 2⁻²⁰ below 2³³
            if short_sum.all():
                return Num(r, self._zeros, True)
            return Num(r, np.where(short_sum, 0.0, GAMMA * np.abs(r) + _TINY))
        e = left.e + right.e + GAMMA * np.abs(r) + _TINY
        exact = (left.e == 0) & (right.e == 0) & (np.abs(r) < _SHORT)
        return Num(r, np.where(exact, 0.0, e))

    def neg(self, value: Num) -> Num:
        return Num(-value.v, value.e, value._z)

    def sub(self, left: Any, right: Any) -> Num:
        return self.add(left, self.neg(right))

    def mul(self, left: Any, right: Any) -> Num:
        a, b = left.v, right.v
        r = a * b
        e = np.abs(a) * right.e + np.abs(b) * left.e + left.e * right.e + GAMMA * np.abs(r) + _TINY
        both = (left.e == 0) & (right.e == 0)
        if not both.any():  # no agency has two exact operands: no exact product
            return Num(r, e, False)
        exact = both & (_product_error(a, b, r) == 0) & short(r)
        return Num(r, np.where(exact, 0.0, e))

    def div(self, left: Any, right: Any) -> Num:
        b = right.v
        self.flag((np.abs(b) <= 2.0 * right.e) | ~np.isfinite(b))
        return self._quotient(left, right)

    def _quotient(self, left: Num, right: Num) -> Num:
        a, b = left.v, right.v
        r = a / b
        room = np.abs(b) - right.e
        e = (left.e + np.abs(r) * right.e) / room + GAMMA * np.abs(r) + _TINY
        e = np.where(room > 0, e, np.inf)
        both = (left.e == 0) & (right.e == 0)
        if not both.any():  # no agency has two exact operands: no exact quotient
            return Num(r, e, False)
        exact = both & short(r) & (r * b == a) & (_product_error(r, b, r * b) == 0)
        return Num(r, np.where(exact, 0.0, e))

    def ratio(self, left: Num, right: Num, default: Num) -> Num:
        """``left / right``, or ``default`` where ``right`` is 0."""
        nonzero = self.compare(right, "!=", self.zero)
        quotient = self.under(nonzero, lambda: self._quotient(left, right))
        chosen: Num = self.select(nonzero, quotient, default)
        return chosen

    def minimum(self, left: Any, right: Any) -> Num:
        return self._choose(left, right, left.v <= right.v)

    def maximum(self, left: Any, right: Any) -> Num:
        return self._choose(left, right, left.v >= right.v)

    def _choose(self, left: Num, right: Num, take_left: Any) -> Num:
        if left.exact and right.exact:
            return Num(np.where(take_left, left.v, right.v), self._zeros, True)
        d = np.abs(left.v - right.v)
        sure = (d > 2.0 * (left.e + right.e)) | ((left.e == 0) & (right.e == 0))
        v = np.where(take_left, left.v, right.v)
        chosen = np.where(take_left, left.e, right.e)
        return Num(v, np.where(sure, chosen, np.maximum(left.e, right.e)))

    def lookup(self, category: Any, table: Mapping[str, Decimal], otherwise: Decimal) -> Num:
        if not isinstance(category, Cat):
            raise VectorUnsupported("lookup of a value that is not a category column")
        f_other, e_other = number(otherwise)
        size = max(category.index.values(), default=-1) + 1
        values = np.full(size + 1, f_other)
        errors = np.full(size + 1, e_other)
        for name, code in category.index.items():
            if name in table:
                values[code], errors[code] = number(table[name])
        codes = np.where(category.codes >= 0, category.codes, size)
        return Num(values[codes], errors[codes])

    # -- rounding -------------------------------------------------------------------------
    def quantize(self, value: Num, places: int, mode: str) -> tuple[Num, Any]:
        """``value`` rounded to ``places`` decimals by ``mode`` (``half_up``, ``half_even``,
        ``down``): the rounded column and the integers ``k`` (the result is ``k·10⁻ᵖ``).

        An agency is sent to the exact path when the value may be negative (``-0.00``),
        too large, or too close to a rounding boundary for its bound.
        """
        scale = self.const(Decimal(10) ** places) if places >= 0 else None
        if scale is None:
            raise VectorUnsupported("negative places")
        s = self.mul(value, scale)
        v, e = s.v, s.e
        self.flag(
            np.signbit(value.v)
            | ((value.v <= 2.0 * value.e) & (value.e > 0))
            | ~(np.abs(v) < _LARGE)
            | ~np.isfinite(e)
        )
        with np.errstate(invalid="ignore"):
            whole = np.floor(np.where(np.abs(v) < _LARGE, v, 0.0))
        frac = np.where(np.abs(v) < _LARGE, v, 0.0) - whole
        inexact = e > 0
        if mode == "down":
            near = np.minimum(frac, 1.0 - frac) <= 2.0 * e
            k = whole
        else:
            near = np.abs(frac - 0.5) <= 2.0 * e
            if mode == "half_up":
                k = whole + (frac >= 0.5)
            else:
                k = whole + ((frac > 0.5) | ((frac == 0.5) & (np.fmod(whole, 2.0) == 1.0)))
        self.flag(near & inexact)
        ints = k.astype(np.int64)
        rounded = self._quotient(Num(k, np.zeros(self.n)), scale)
        return rounded, ints

    def quantize_signed(self, value: Num, places: int, mode: str) -> Num:
        """``round_half_up`` / ``round_down`` in an expression (see :meth:`quantize`)."""
        rounded, _ = self.quantize(value, places, mode)
        return rounded

    def integral(self, value: Num, up: bool) -> Num:
        """``floor`` (or ``ceil``) of a number column, certain away from integers."""
        whole = np.floor(value.v) if not up else np.ceil(value.v)
        frac = value.v - np.floor(value.v)
        near = (np.minimum(frac, 1.0 - frac) <= 2.0 * value.e) & (value.e > 0)
        self.flag(near | ~(np.abs(value.v) < _LARGE))
        return Num(whole, np.where(np.abs(whole) < _SHORT, 0.0, GAMMA * np.abs(whole)))
