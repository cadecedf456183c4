"""A block's agencies scored together, and their result records read from the block's table.

Scoring 100,000 agencies should not cost 100,000 objects of twenty fields each. An agency
finished in one call of its block's whole generated function (the ``Decimal`` path), or
scored on the vectorised path, is one row of its block's table: the table keeps the
function's outputs (or the vectorised path's published values) in lists, and the agency's
:class:`RowResult` is an :class:`~udcntt.evaluation.AgencyResult` of two references — the
table and the row — whose fields are read from the table when asked. It equals, field by
field, the record the reference path would make; ``dataclasses.replace`` and pickling give
an ordinary :class:`~udcntt.evaluation.AgencyResult`.

Ranks and last year's matches are filled into the table once the whole survey is scored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from decimal import Decimal
from typing import Any

from udcntt.data import AgencyRecord
from udcntt.evaluation._assessment import AgencyResult, CriteriaView, CriterionResult, ZipMapping
from udcntt.evaluation._compare import NEW_AGENCY
from udcntt.evaluation._ranking import rank_change, ranks_of_keys
from udcntt.model import TierLevel
from udcntt.program import BlockPlan

__all__ = ["FastRowResult", "FastTable", "RowResult", "Table"]

_NAMES = tuple(f.name for f in fields(AgencyResult))


class Table:
    """One block's agencies scored together (a base: see :class:`FastTable` and
    :class:`~udcntt.evaluation._vector.VectorTable`).

    ``records`` holds the agency of each row; ``ranks`` and ``prev`` (last year's record as
    :func:`~udcntt.evaluation._compare.compare` matched it) are set after scoring.
    """

    __slots__ = ("levels", "max", "plan", "prev", "ranks", "records", "shape")

    #: The result class of this table's rows.
    result_class: type[RowResult]

    def __init__(self, plan: BlockPlan, shape: Any, levels: Sequence[TierLevel]) -> None:
        self.plan = plan
        self.shape = shape
        self.levels = levels
        self.max: Decimal = shape.max_total
        self.records: list[AgencyRecord] = []
        self.ranks: list[int | None] = []
        self.prev: list[AgencyResult | None] | None = None

    def total(self, i: int) -> Decimal:
        """The published total of row ``i``."""
        raise NotImplementedError

    def share(self, i: int) -> Decimal:
        """The published share of row ``i``."""
        raise NotImplementedError

    def level(self, i: int) -> TierLevel:
        """The tier of row ``i``."""
        raise NotImplementedError

    def values(self, i: int) -> tuple[Any, ...]:
        """Row ``i``'s inputs, in the order of the block's indicators."""
        raise NotImplementedError

    def block_ranks(self, on_share: bool, ranked: list[bool]) -> list[int | None]:
        """Competition ranks of the rows within the table, on the published share or
        total; ``None`` for the rows not ``ranked``."""
        get = self.share if on_share else self.total
        rows = [i for i, r in enumerate(ranked) if r]
        out: list[int | None] = [None] * len(ranked)
        for i, rank in zip(rows, ranks_of_keys([get(i) for i in rows]), strict=True):
            out[i] = rank
        return out

    def exact(self, i: int) -> tuple[Any, ...]:
        """Row ``i``'s exact values: (derived values, criterion results, unrounded total)."""
        raise NotImplementedError


class FastTable(Table):
    """Rows finished by the block's whole generated function: its outputs, as returned.

    Each output is ``(derived, raws, leaves, groups, unrounded, published, share, tier)``.
    """

    __slots__ = ("outs", "vals")

    def __init__(self, plan: BlockPlan, shape: Any, levels: Sequence[TierLevel]) -> None:
        super().__init__(plan, shape, levels)
        self.outs: list[tuple[Any, ...]] = []
        self.vals: list[tuple[Any, ...]] = []

    def total(self, i: int) -> Decimal:
        found: Decimal = self.outs[i][5]
        return found

    def share(self, i: int) -> Decimal:
        found: Decimal = self.outs[i][6]
        return found

    def level(self, i: int) -> TierLevel:
        found: TierLevel = self.levels[self.outs[i][7]]
        return found

    def values(self, i: int) -> tuple[Any, ...]:
        return self.vals[i]

    def exact(self, i: int) -> tuple[Any, ...]:
        derived, raws, leaves, groups, t = self.outs[i][:5]
        shown = raws if leaves is None else leaves
        return derived, CriteriaView(self.shape.criteria, shown, raws, raws, groups), t


def _materialise(*values: Any) -> AgencyResult:
    result: AgencyResult = AgencyResult._fast(*values)
    return result


class RowResult(AgencyResult):
    """An agency's result read from its block's :class:`Table` (see the module docstring).

    ``criteria``, ``derived`` and ``total_unrounded`` are the table's exact values; on
    the vectorised path they are computed when first read.
    """

    __slots__ = ("_i", "_t")
    _t: Table
    _i: int

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        """``RowResult(**fields)`` (as ``dataclasses.replace`` calls it) makes a plain
        :class:`AgencyResult`: a changed record no longer reads from the table."""
        return AgencyResult(*args, **kwargs)

    def __reduce__(self) -> tuple[Callable[..., AgencyResult], tuple[Any, ...]]:
        return _materialise, tuple(getattr(self, n) for n in _NAMES)

    @property
    def agency_id(self) -> str:
        """The agency's id."""
        return self._t.records[self._i].id

    @property
    def name(self) -> str:
        """The agency's name."""
        return self._t.records[self._i].name

    @property
    def block(self) -> str:
        """The agency's block."""
        return self._t.records[self._i].block

    @property
    def ranked(self) -> bool:
        """Whether the agency is ranked."""
        return self._t.records[self._i].ranked

    @property
    def inputs(self) -> Mapping[str, Any]:
        """The agency's inputs (as the survey gave them)."""
        return ZipMapping(self._t.plan.indicators, self._t.values(self._i))

    @property
    def derived(self) -> Mapping[str, Any]:
        """The agency's derived values (exact)."""
        return ZipMapping(self._t.plan.derived, self._t.exact(self._i)[0])

    @property
    def criteria(self) -> Mapping[str, CriterionResult]:
        """The agency's criterion results (exact)."""
        found: Mapping[str, CriterionResult] = self._t.exact(self._i)[1]
        return found

    @property
    def total_unrounded(self) -> Decimal:
        """The total before rounding (exact)."""
        found: Decimal = self._t.exact(self._i)[2]
        return found

    @property
    def total(self) -> Decimal:
        """The published total."""
        return self._t.total(self._i)

    @property
    def max(self) -> Decimal:
        """The agency's maximum."""
        return self._t.max

    @property
    def share(self) -> Decimal:
        """The published share."""
        return self._t.share(self._i)

    @property
    def tier(self) -> str:
        """The tier's id."""
        return self._t.level(self._i).id

    @property
    def tier_label(self) -> str:
        """The tier's label."""
        return self._t.level(self._i).label

    @property
    def rank(self) -> int | None:
        """The competition rank (``None`` when not ranked)."""
        return self._t.ranks[self._i]

    def _prev(self) -> AgencyResult | None:
        prev = self._t.prev
        return None if prev is None else prev[self._i]

    def _known(self) -> AgencyResult | None:
        """Last year's record, when the agency had one."""
        prev = self._prev()
        return None if prev is None or prev is NEW_AGENCY else prev

    def _same_block(self) -> AgencyResult | None:
        prev = self._known()
        return prev if prev is not None and prev.block == self.block else None

    @property
    def previous_rank(self) -> int | None:
        """Last year's rank, when the agency was in the same block."""
        prev = self._same_block()
        return None if prev is None else prev.rank

    @property
    def rank_change(self) -> int | None:
        """Last year's rank minus this year's (in the same block)."""
        prev = self._same_block()
        return None if prev is None else rank_change(prev.rank, self.rank)

    @property
    def previous_total(self) -> Decimal | None:
        """Last year's published total."""
        prev = self._known()
        return None if prev is None else prev.total

    @property
    def previous_tier(self) -> str | None:
        """Last year's tier."""
        prev = self._known()
        return None if prev is None else prev.tier

    @property
    def notes(self) -> tuple[str, ...]:
        """Notes on the agency's scoring (none for a row)."""
        return ()

    @property
    def comparability(self) -> str | None:
        """How the rank change compares (``None`` without a previous year)."""
        prev = self._prev()
        return None if prev is None else prev.comparability

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AgencyResult):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in _NAMES)

    __hash__ = None  # type: ignore[assignment]


class FastRowResult(RowResult):
    """A result finished by the block's whole generated ``Decimal`` function."""

    __slots__ = ()


FastTable.result_class = FastRowResult
