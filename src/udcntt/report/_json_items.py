"""Checking and building the results of a results JSON one agency at a time.

:func:`~udcntt.report._json_stream.read_document` hands each result to a :class:`Loader`
as it is read: the result is validated against the published layout, checked against the
parts of the file it refers to (blocks, tiers, criteria trees, indicators), and built into
an :class:`~udcntt.evaluation.AgencyResult`; its JSON (and trace) is then dropped. Memory
follows the number of agencies, never the size of the file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from udcntt.data import MISSING, NA
from udcntt.errors import DataError, SourceLocation, msg
from udcntt.evaluation import AgencyResult, CriterionResult
from udcntt.report._json_stream import Streamed
from udcntt.report._results_layout import ASSESSMENT, RESULT
from udcntt.report._results_scalars import MAX_ITEMS, Dec, Spec, _Problems
from udcntt.report._results_schema import Arr, Obj

__all__ = ["TOP", "Context", "Loader", "Row", "context"]

# Distinct decimal texts shared between agencies (maxima, points, ratios repeat a lot).
_MAX_SHARED = 200_000


@dataclass(frozen=True)
class Context:
    """What checking and building a result needs from the keys before ``results``."""

    types: Mapping[str, str]
    blocks: frozenset[str]
    tiers: frozenset[str]
    trees: Mapping[str, tuple[str, ...]]


_CONTEXT_KEYS = ("indicators", "blocks", "tiers", "criteria_tree")


def context(top: Mapping[str, Any]) -> Context | None:
    """The context, when the keys it needs were read and are valid; else ``None``."""
    probe = _Problems(None)
    for key in _CONTEXT_KEYS:
        if key not in top:
            return None
        ASSESSMENT.required[key].check(top[key], key, probe)
    if probe.items:
        return None
    return Context(
        types={i["id"]: i["type"] for i in top["indicators"]},
        blocks=frozenset(b["id"] for b in top["blocks"]),
        tiers=frozenset(t["id"] for t in top["tiers"]),
        trees={b: tuple(c["id"] for c in items) for b, items in top["criteria_tree"].items()},
    )


@dataclass(frozen=True)
class _Results(Spec):
    """The ``results`` array: checked item by item while reading when it was streamed."""

    inner: Arr

    def schema(self) -> dict[str, Any]:
        return self.inner.schema()

    def check(self, value: Any, path: str, p: _Problems) -> None:
        if not isinstance(value, Streamed):
            self.inner.check(value, path, p)
        elif value.count > self.inner.max_items:
            p.add(
                "E-RESULTS-LIMIT",
                path,
                msg(
                    "'{path}' has {n} items; at most {limit} are allowed",
                    path=path,
                    n=value.count,
                    limit=self.inner.max_items,
                ),
            )


_RESULTS = ASSESSMENT.required["results"]
if not isinstance(_RESULTS, Arr):  # the layout declares results as an array of RESULT
    raise TypeError("the results layout must declare 'results' as an array")
#: The layout with ``results`` checked as it was read.
TOP = Obj({**ASSESSMENT.required, "results": _Results(_RESULTS)}, ASSESSMENT.optional)


class Loader:
    """Checks each result as it is read and keeps only what the assessment needs.

    The trace is dropped once its type is checked; texts and decimal numbers that repeat
    between agencies (ids of criteria and inputs, maxima, points) are shared, so the
    results of 100,000 agencies hold each of them once.
    """

    def __init__(self, file: str, context: Context | None = None) -> None:
        self.file = file
        self.top: dict[str, Any] = {}
        self.problems = _Problems(file)
        self.context = context
        self.deferred = False  # results came before the keys they are checked against
        self.results: list[AgencyResult] = []
        self._seen: set[str] = set()
        self._names: dict[str, str] = {}
        self._decimals: dict[str, Decimal] = {}
        self._criteria: dict[tuple[Any, ...], CriterionResult] = {}
        self._shapes: dict[tuple[str, ...], dict[str, int]] = {}
        self._derived: list[tuple[int, dict[str, Any]]] = []

    def type_derived(self, declared: Mapping[str, str]) -> None:
        """Type the derived values as ``derived_types`` declares (numbers, dates).

        Raises:
            DataError: ``E-RESULTS-VALUE`` when a value is not of its declared type.
        """
        kinds = {k: kind for k, kind in declared.items() if kind in ("number", "date")}
        if not kinds:
            return
        for i, derived in self._derived:
            for key, value in derived.items():
                kind = kinds.get(key)
                if kind is None:
                    continue
                try:
                    derived[key] = _typed(value, kind)
                except ValueError as exc:
                    path = f"results[{i}].inputs"
                    raise DataError(
                        msg(
                            "'{path}' holds a value that is not of its indicator's type: {value}",
                            path=path,
                            value=str(exc),
                        ),
                        code="E-RESULTS-VALUE",
                        location=SourceLocation(file=self.file, path=path),
                    ) from None

    def add(self, i: int, item: Any) -> None:
        """Check the ``i``-th result and, when the file is sound so far, build it."""
        if i >= MAX_ITEMS:
            return  # counted by _Results
        where = f"results[{i}]"
        if not RESULT.ok(item):
            RESULT.check(item, where, self.problems)  # only a failing result says why
        if self.problems.items:
            return  # the file is refused: keep reading only to name more problems
        if self.context is None:
            self.context = context(self.top)
            if self.context is None:
                self.deferred = True
        if self.deferred or self.context is None:
            return
        item.pop("trace", None)
        if self._check(item, where, self.context):
            try:
                self.results.append(self._result(i, item, self.context.types))
            except ValueError as exc:
                self.problems.add(
                    "E-RESULTS-VALUE",
                    f"{where}.inputs",
                    msg(
                        "'{path}' holds a value that is not of its indicator's type: {value}",
                        path=f"{where}.inputs",
                        value=str(exc),
                    ),
                )

    def _check(self, r: dict[str, Any], where: str, ctx: Context) -> bool:
        """References of one result to the rest of the file; ``False`` with a problem."""
        p = self.problems
        agency, block, tier = r["agency_id"], r["block"], r["tier"]
        if agency in self._seen:
            path = f"{where}.agency_id"
            p.add(
                "E-RESULTS-VALUE",
                path,
                msg("'{path}': agency '{id}' appears twice", path=path, id=agency),
            )
        self._seen.add(agency)
        if block not in ctx.blocks:
            path = f"{where}.block"
            p.add(
                "E-RESULTS-VALUE",
                path,
                msg("'{path}' names an undeclared block '{id}'", path=path, id=block),
            )
        if tier not in ctx.tiers:
            path = f"{where}.tier"
            p.add(
                "E-RESULTS-VALUE",
                path,
                msg("'{path}' names an undeclared tier '{id}'", path=path, id=tier),
            )
        criteria = r["criteria"]
        missing = [c for c in ctx.trees.get(block, ()) if c not in criteria]
        if missing:
            path = f"{where}.criteria"
            p.add(
                "E-RESULTS-VALUE",
                path,
                msg("'{path}' has no result for criterion '{id}'", path=path, id=missing[0]),
            )
        return not p.items

    def _name(self, text: str) -> str:
        return self._names.setdefault(text, text)

    def _num(self, text: str) -> Decimal:
        found = self._decimals.get(text)
        if found is None:
            found = Decimal(text)
            if len(self._decimals) < _MAX_SHARED:
                self._decimals[text] = found
        return found

    def _dec(self, text: str | None) -> Decimal | None:
        return None if text is None else self._num(text)

    def _row(self, keys: tuple[str, ...], values: tuple[Any, ...]) -> Row:
        index = self._shapes.get(keys)
        if index is None:
            index = {self._name(k): n for n, k in enumerate(keys)}
            if len(self._shapes) < _MAX_SHARED:
                self._shapes[keys] = index
        return Row(index, values)

    def _criterion(self, cid: str, c: dict[str, Any]) -> CriterionResult:
        """The criterion result, shared with every agency that has the same one."""
        key = (cid, *(c[f] for f in _CRITERION_FIELDS))
        found = self._criteria.get(key)
        if found is None:
            dec, num = self._dec, self._num
            found = CriterionResult(
                self._name(cid),
                dec(c["points"]),
                num(c["max"]),
                num(c["full_max"]),
                self._name(c["status"]),
                raw=dec(c["raw"]),
                normalised=dec(c["normalised"]),
                unrounded=dec(c["unrounded"]),
            )
            if len(self._criteria) < _MAX_SHARED:
                self._criteria[key] = found
        return found

    def _input(self, value: Any, kind: str | None) -> Any:
        if kind in _NUMBERS and isinstance(value, str):
            if not _DEC.ok(value):
                raise ValueError(value)
            return self._num(value)
        return _typed(value, kind)

    def _result(self, i: int, r: dict[str, Any], types: Mapping[str, str]) -> AgencyResult:
        name = self._name
        crit = r["criteria"]
        criteria = self._row(tuple(crit), tuple(self._criterion(k, c) for k, c in crit.items()))
        given = r["inputs"]
        inputs = self._row(
            tuple(given), tuple(self._input(v, types.get(k)) for k, v in given.items())
        )
        # Numbers and dates are typed once the whole file is read: derived_types comes
        # after the results; markers are typed now.
        derived = {name(k): _typed(v, None) for k, v in r["derived"].items()}
        if derived:
            self._derived.append((i, derived))
        return AgencyResult(
            agency_id=r["agency_id"],
            name=r["name"],
            block=name(r["block"]),
            ranked=r["ranked"],
            inputs=inputs,
            derived=MappingProxyType(derived),
            criteria=criteria,
            total_unrounded=Decimal(r["total_unrounded"]),
            total=Decimal(r["total"]),
            max=Decimal(r["max"]),
            share=Decimal(r["share"]),
            tier=name(r["tier"]),
            tier_label=name(r["tier_label"]),
            rank=r["rank"],
            previous_rank=r["previous_rank"],
            rank_change=r["rank_change"],
            previous_total=self._dec(r["previous_total"]),
            previous_tier=r["previous_tier"],
            notes=tuple(r["notes"]),
            comparability=r.get("comparability"),
        )


_DEC = Dec()
_NUMBERS = frozenset(("count", "number", "ratio"))
_CRITERION_FIELDS = ("points", "max", "full_max", "status", "raw", "normalised", "unrounded")


class Row(Mapping[str, Any]):
    """A read-only mapping whose keys (and their positions) are shared by every agency
    with the same criteria or inputs: a tuple of values per agency, not a dict."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: tuple[Any, ...]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, key: str) -> Any:
        return self._values[self._index[key]]

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


def _typed(value: Any, kind: str | None) -> Any:
    """A value read back from JSON, typed as its indicator (or derived value) declares.

    Raises:
        ValueError: when the text is not a number or date of that type.
    """
    if isinstance(value, dict):
        return NA if value["marker"] == NA.value else MISSING
    if kind in ("count", "number", "ratio") and isinstance(value, str):
        return _number(value)
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _number(text: str) -> Decimal:
    if not _DEC.accepts(text):
        raise ValueError(text)
    return Decimal(text)
