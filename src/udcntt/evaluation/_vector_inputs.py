"""The vectorised path's inputs: a block's survey columns as float64, bool and category
columns, with the mask of agencies whose values have no column form.

Numbers go through a table of the indicator's distinct values (a survey's numbers repeat):
each distinct ``Decimal`` is checked (finite, in range, whole for a count) and turned into a
float with its error bound once, and a column is then one lookup per agency into NumPy
arrays. A value of another type (a blank, a missing or not-applicable marker, a refused
text) marks its agency for the exact path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from udcntt.evaluation._vector_ops import Cat, Num, number
from udcntt.program import BlockPlan, CompiledRuleSet

__all__ = ["WholeColumns", "column_input", "input_columns", "no_error"]

_NUMBERS = ("count", "number", "ratio")
#: Distinct values of one indicator kept between evaluations (a survey's numbers repeat;
#: past this the table starts again, so a long-running process stays bounded).
_MAX_DISTINCT = 200_000


class _Index(dict[Any, int]):
    """Distinct values of one indicator → their row in the value tables (filled on use)."""

    def __init__(self, valid: Any, convert: Any) -> None:
        super().__init__()
        self.valid = valid
        self.convert = convert
        self.floats: list[float] = []
        self.errors: list[float] = []
        self.invalid: list[bool] = []

    def __missing__(self, key: Any) -> int:
        ok = self.valid(key)
        f, e = self.convert(key) if ok else (0.0, 0.0)
        self.floats.append(f)
        self.errors.append(e)
        self.invalid.append(not ok)
        at = self[key] = len(self.floats) - 1
        return at


def _number_check(lo: Decimal | None, hi: Decimal | None, count: bool) -> Any:
    def valid(value: Decimal) -> bool:
        if not value.is_finite():
            return False
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            return False
        return not count or value == value.to_integral_value()

    return valid


def _codes(col: Sequence[Any], index: _Index, kind: type, bad: Any) -> Any:
    """Row numbers of a column's values in ``index``; wrong types are marked in ``bad``."""
    n = len(col)
    if set(map(type, col)) != {kind}:
        typed = np.fromiter((x.__class__ is kind for x in col), dtype=bool, count=n)
        bad |= ~typed
        filler = next((x for x, t in zip(col, typed, strict=True) if t), None)
        if filler is None:
            return None
        col = [x if t else filler for x, t in zip(col, typed, strict=True)]
    return np.fromiter(map(index.__getitem__, col), dtype=np.intp, count=n)


def column_input(compiled: CompiledRuleSet, name: str, col: Sequence[Any], bad: Any) -> Any:
    """One indicator's values as a column (:class:`Num`, bool array or :class:`Cat`);
    rows whose value has no column form are marked in ``bad``. ``None`` for a type
    without a column form (a date: an expression reading it is unsupported)."""
    n = len(col)
    cache: dict[str, _Index] = compiled.fast_variants.setdefault(("vector", "columns"), {})
    ind = compiled.rules.indicators[name]
    kind = ind.type.value
    if kind in _NUMBERS:
        index = cache.get(name)
        if index is None or len(index) > _MAX_DISTINCT:
            lo, hi = ind.bounds
            index = cache[name] = _Index(_number_check(lo, hi, kind == "count"), number)
        rows_of = _codes(col, index, Decimal, bad)
        if rows_of is None:
            return Num(np.zeros(n), np.zeros(n))
        bad |= np.array(index.invalid, dtype=bool)[rows_of]
        errors = np.array(index.errors)
        if not errors.any():  # every value exact: one shared zero, no array of bounds
            return Num(np.array(index.floats)[rows_of], no_error(n), True)
        return Num(np.array(index.floats)[rows_of], errors[rows_of])
    if kind == "bool":
        if set(map(type, col)) == {bool}:
            return np.fromiter(col, dtype=bool, count=n)
        typed = np.fromiter((x.__class__ is bool for x in col), dtype=bool, count=n)
        bad |= ~typed
        return np.fromiter((x is True for x in col), dtype=bool, count=n)
    if kind == "category":
        names = tuple(ind.categories or {})
        codes = {c: i for i, c in enumerate(names)}
        got = np.fromiter((codes.get(x, -1) if x.__class__ is str else -1 for x in col), np.intp, n)
        bad |= got < 0
        return Cat(got, codes)
    return None


def input_columns(
    compiled: CompiledRuleSet, plan: BlockPlan, cols: Sequence[Sequence[Any]], n: int
) -> tuple[dict[str, Any], Any]:
    """The block's inputs as float64 (bool, category) columns, and the mask of rows that
    cannot be vectorised (a value that is not of the indicator's type, out of range …)."""
    bad = np.zeros(n, dtype=bool)
    env: dict[str, Any] = {}
    for name, col in zip(plan.indicators, cols, strict=True):
        found = column_input(compiled, name, col, bad)
        if found is not None:
            env[name] = found
    return env, bad


def no_error(n: int) -> Any:
    """The bounds of ``n`` exact values: a read-only zero repeated (no memory per value)."""
    return np.broadcast_to(np.float64(0.0), (n,))


def _take(found: Any, at: Any) -> Any:
    """The rows ``at`` of a column made by :func:`column_input`."""
    if isinstance(found, Num):
        if found.exact:
            return Num(found.v[at], no_error(len(at)), True)
        return Num(found.v[at], found.e[at])
    if isinstance(found, Cat):
        return Cat(found.codes[at], found.index)
    return found[at]


class WholeColumns:
    """The inputs of a survey read by column, converted once per column for every block.

    Each needed indicator's whole column (every row of the file) becomes a float64 (bool,
    category) column in one pass; a block then takes its agencies' rows by position —
    no per-block copy of the values in Python. Used when the blocks' agencies are most of
    the file's rows; otherwise each block converts its own rows (:func:`input_columns`).
    """

    def __init__(
        self,
        compiled: CompiledRuleSet,
        by_key: Mapping[str, Sequence[Any]],
        plans: Sequence[BlockPlan],
    ) -> None:
        self.compiled = compiled
        self.by_key = by_key
        self.done: dict[str, tuple[Any, Any]] = {}
        #: How many blocks have yet to take each column (a column is dropped after the last).
        self.left: dict[str, int] = {}
        for plan in plans:
            for name in plan.indicators:
                self.left[name] = self.left.get(name, 0) + 1

    def inputs(self, plan: BlockPlan, positions: Sequence[int]) -> tuple[dict[str, Any], Any]:
        """As :func:`input_columns`, for the block's agencies at ``positions`` (each block
        once, among the ``plans`` given when made)."""
        at = np.array(positions, dtype=np.intp)
        bad = np.zeros(len(at), dtype=bool)
        env: dict[str, Any] = {}
        for name in plan.indicators:
            done = self.done.get(name)
            if done is None:
                col = self.by_key[name]
                whole_bad = np.zeros(len(col), dtype=bool)
                done = self.done[name] = (
                    column_input(self.compiled, name, col, whole_bad),
                    whole_bad,
                )
            found, whole_bad = done
            bad |= whole_bad[at]
            if found is not None:
                env[name] = _take(found, at)
            self.left[name] = left = self.left.get(name, 1) - 1
            if left <= 0:
                del self.done[name]
        return env, bad
