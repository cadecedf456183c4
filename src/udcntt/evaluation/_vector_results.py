"""Result records of agencies scored on the vectorised path (exact values on demand).

A :class:`VectorResult` is an :class:`AgencyResult` whose ``criteria``, ``derived`` and
``total_unrounded`` are computed exactly the first time they are read; every other field
(total, share, tier, rank …) is set when it is made. It equals the record the ``Decimal``
path makes for the same agency, field by field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from decimal import Decimal
from typing import Any

from udcntt.evaluation._assessment import AgencyResult, CriterionResult, ZipMapping
from udcntt.evaluation._compare import NEW_AGENCY
from udcntt.evaluation._ranking import rank_change
from udcntt.evaluation._vector import LazyDerived, VectorCore

__all__ = ["VectorResult", "vector_result"]

_UNROUNDED: Any = AgencyResult.__dict__["total_unrounded"]
_INPUTS: Any = AgencyResult.__dict__["inputs"]
_DERIVED: Any = AgencyResult.__dict__["derived"]
_CRITERIA: Any = AgencyResult.__dict__["criteria"]
_NAMES = tuple(f.name for f in fields(AgencyResult))
#: Fields a vectorised result computes when first read (the others are set when made).
_LAZY = ("inputs", "derived", "criteria", "total_unrounded")
_EAGER = (
    "agency_id",
    "name",
    "block",
    "ranked",
    "total",
    "max",
    "share",
    "tier",
    "tier_label",
    "rank",
    "previous_rank",
    "rank_change",
    "previous_total",
    "previous_tier",
    "notes",
    "comparability",
)


class VectorResult(AgencyResult):
    """An agency's result from the vectorised path (see the module docstring)."""

    __slots__ = ("_core",)
    _core: VectorCore

    @property
    def total_unrounded(self) -> Decimal:
        """The total before rounding: exact, computed on first use."""
        try:
            found: Decimal = _UNROUNDED.__get__(self, AgencyResult)
        except AttributeError:
            core: VectorCore = self._core
            found = core.unrounded
            _UNROUNDED.__set__(self, found)
        return found

    @total_unrounded.setter
    def total_unrounded(self, value: Decimal) -> None:
        _UNROUNDED.__set__(self, value)

    @property
    def inputs(self) -> Mapping[str, Any]:
        """The agency's inputs (exact, as the survey gave them)."""
        try:
            found: Mapping[str, Any] = _INPUTS.__get__(self, AgencyResult)
        except AttributeError:
            core: VectorCore = self._core
            found = ZipMapping(core.plan.indicators, core.values)
            _INPUTS.__set__(self, found)
        return found

    @inputs.setter
    def inputs(self, value: Mapping[str, Any]) -> None:
        _INPUTS.__set__(self, value)

    @property
    def derived(self) -> Mapping[str, Any]:
        """The agency's derived values (exact, computed on first use)."""
        try:
            found: Mapping[str, Any] = _DERIVED.__get__(self, AgencyResult)
        except AttributeError:
            found = LazyDerived(self._core)
            _DERIVED.__set__(self, found)
        return found

    @derived.setter
    def derived(self, value: Mapping[str, Any]) -> None:
        _DERIVED.__set__(self, value)

    @property
    def criteria(self) -> Mapping[str, CriterionResult]:
        """The agency's criterion results (exact, computed on first use)."""
        try:
            found: Mapping[str, CriterionResult] = _CRITERIA.__get__(self, AgencyResult)
        except AttributeError:
            found = self._core.criteria
            _CRITERIA.__set__(self, found)
        return found

    @criteria.setter
    def criteria(self, value: Mapping[str, CriterionResult]) -> None:
        _CRITERIA.__set__(self, value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AgencyResult):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in _NAMES)

    __hash__ = None  # type: ignore[assignment]


def _builder() -> Callable[..., VectorResult]:
    """A constructor setting every slot but ``total_unrounded`` (one call per slot, unrolled)."""
    names = [n for n in _NAMES if n not in _LAZY]
    if names != list(_EAGER):  # vector_result passes these positionally, in this order
        raise TypeError(f"AgencyResult fields changed: {names}; update vector_result")
    setters = {f"_s{i}": AgencyResult.__dict__[n].__set__ for i, n in enumerate(names)}
    body = "".join(f"    _s{i}(o, {n})\n" for i, n in enumerate(names))
    source = (
        f"def build(_core, {', '.join(names)}):\n"
        "    o = _new(_cls)\n"
        f"{body}"
        "    _core_slot(o, _core)\n"
        "    return o\n"
    )
    namespace: dict[str, Any] = {
        "_new": object.__new__,
        "_cls": VectorResult,
        "_core_slot": VectorResult.__dict__["_core"].__set__,
        **setters,
    }
    # Generated from the dataclass's own field names only.
    exec(compile(source, "<udcntt vector result>", "exec"), namespace)
    built: Callable[..., VectorResult] = namespace["build"]
    return built


_build = _builder()


def vector_result(core: VectorCore, rank: int | None, prev: AgencyResult | None) -> AgencyResult:
    """The result record of an agency scored on the vectorised path.

    ``prev`` is as for :func:`udcntt.evaluation._compare.result_of`.
    """
    label = None if prev is None else prev.comparability
    if prev is NEW_AGENCY:
        prev = None
    record = core.record
    same_block = prev is not None and prev.block == record.block
    tier = core.tier
    if prev is None:
        return _build(
            core, record.id, record.name, record.block, record.ranked, core.total, core.max,
            core.share, tier.id, tier.label, rank, None, None, None, None, core.notes, label,
        )  # fmt: skip
    return _build(
        core,
        record.id,
        record.name,
        record.block,
        record.ranked,
        core.total,
        core.max,
        core.share,
        tier.id,
        tier.label,
        rank,
        prev.rank if same_block else None,
        rank_change(prev.rank, rank) if same_block else None,
        prev.total,
        prev.tier,
        core.notes,
        label,
    )
