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

import decimal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from decimal import Decimal
from operator import itemgetter
from typing import Any

from udcntt.data import MISSING, AgencyRecord
from udcntt.evaluation._assessment import AgencyResult, CriteriaView, CriterionResult, ZipMapping
from udcntt.evaluation._compare import NEW_AGENCY
from udcntt.evaluation._finish import ARITHMETIC, BUGS
from udcntt.evaluation._ranking import rank_change, ranks_of_keys
from udcntt.expressions import DECIMAL_CONTEXT
from udcntt.model import TierLevel
from udcntt.program import BlockPlan, GeneratedCodeError, SlowPath

__all__ = ["RECENT", "FastRowResult", "FastTable", "RowResult", "Table", "row_picker"]

_NAMES = tuple(f.name for f in fields(AgencyResult))


def row_picker(keys: Sequence[str]) -> Any:
    """A function giving an agency's values of ``keys`` as a tuple (missing: MISSING)."""
    pick: Any
    if len(keys) > 1:
        pick = itemgetter(*keys)
    else:

        def pick(v: Any) -> tuple[Any, ...]:
            return tuple(v[k] for k in keys)

    def row(v: Any) -> tuple[Any, ...]:
        try:
            found: tuple[Any, ...] = pick(v)
        except KeyError:
            return tuple(v.get(k, MISSING) for k in keys)
        return found

    return row


class RecordInputs(Mapping[str, Any]):
    """A block's inputs of one agency, read from its record's values when asked: what
    ``row_picker(keys)(values)`` gives, by key (:data:`~udcntt.data.MISSING` for a key
    the record lacks), without building the row."""

    __slots__ = ("_keys", "_known", "_values")

    def __init__(
        self, keys: tuple[str, ...], known: frozenset[str], values: Mapping[str, Any]
    ) -> None:
        self._keys = keys
        self._known = known  # the keys, as a set
        self._values = values

    def __getitem__(self, key: str) -> Any:
        if key not in self._known:
            raise KeyError(key)
        return self._values.get(key, MISSING)

    def __iter__(self) -> Any:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


#: How many rows' exact values one evaluation keeps after they were computed (see Table).
RECENT = 1024


class Table:
    """One block's agencies scored together (a base: see :class:`FastTable` and
    :class:`~udcntt.evaluation._vector.VectorTable`).

    ``records`` holds the agency of each row; ``ranks`` and ``prev`` (last year's record as
    :func:`~udcntt.evaluation._compare.compare` matched it) are set after scoring. A table
    keeps each row's published values only: the exact ones (criterion points, derived
    values, the unrounded total) come from the block's whole generated function when they
    are read (:meth:`exact`), and only the :data:`RECENT` rows read last keep them — a
    writer reads an agency's values together and moves on, and 100,000 agencies' exact
    values (about 4.7 KB each) would outweigh everything else a run holds.
    """

    __slots__ = ("_kept", "keyset", "levels", "max", "plan", "prev", "ranks", "records", "shape")

    #: The result class of this table's rows.
    result_class: type[RowResult]

    def __init__(
        self,
        plan: BlockPlan,
        shape: Any,
        levels: Sequence[TierLevel],
        kept: dict[tuple[Table, int], tuple[Any, ...]],
    ) -> None:
        self.plan = plan
        self.shape = shape
        self.levels = levels
        self.max: Decimal = shape.max_total
        self.records: list[AgencyRecord] = []
        self.ranks: list[int | None] = []
        self.prev: list[AgencyResult | None] | None = None
        self._kept = kept  # shared by the tables of one evaluation
        self.keyset = frozenset(plan.indicators)

    def total(self, i: int) -> Decimal:
        """The published total of row ``i``."""
        raise NotImplementedError

    def share(self, i: int) -> Decimal:
        """The published share of row ``i``."""
        raise NotImplementedError

    def tier_index(self, i: int) -> int:
        """The index of row ``i``'s tier in the rule set's levels."""
        raise NotImplementedError

    def level(self, i: int) -> TierLevel:
        """The tier of row ``i``."""
        found: TierLevel = self.levels[self.tier_index(i)]
        return found

    def values(self, i: int) -> tuple[Any, ...]:
        """Row ``i``'s inputs, in the order of the block's indicators (read from its record
        when asked: a table keeps no copy)."""
        found: tuple[Any, ...] = row_picker(self.plan.indicators)(self.records[i].values)
        return found

    def inputs(self, i: int) -> Mapping[str, Any]:
        """Row ``i``'s inputs by indicator: a view of its record (one look-up a value)."""
        return RecordInputs(self.plan.indicators, self.keyset, self.records[i].values)

    def block_ranks(self, on_share: bool, ranked: list[bool]) -> list[int | None]:
        """Competition ranks of the rows within the table, on the published share or
        total; ``None`` for the rows not ``ranked``."""
        get = self.share if on_share else self.total
        rows = [i for i, r in enumerate(ranked) if r]
        out: list[int | None] = [None] * len(ranked)
        for i, rank in zip(rows, ranks_of_keys([get(i) for i in rows]), strict=True):
            out[i] = rank
        return out

    def kept(self, i: int) -> bool:
        """Whether row ``i``'s exact values are kept now."""
        return (self, i) in self._kept

    def exact(self, i: int) -> tuple[Any, ...]:
        """Row ``i``'s exact values — (derived values, criterion results, unrounded
        total) — from the block's whole generated function.

        Raises:
            GeneratedCodeError: the function fails, or publishes a total, share or tier
                other than the row's — a bug in udcntt.
        """
        kept = self._kept
        found = kept.get((self, i))
        if found is not None:
            return found
        plan = self.plan
        whole = plan.fast_whole
        if whole is None:  # pragma: no cover - only plans with whole functions get here
            raise GeneratedCodeError(f"block '{plan.id}' has no generated function")
        agency = self.records[i].id
        try:
            with decimal.localcontext(DECIMAL_CONTEXT):
                out = whole(*self.values(i))
        except (SlowPath, *ARITHMETIC, *BUGS) as exc:
            raise GeneratedCodeError(
                f"agency '{agency}' fails when its exact values are computed again: "
                f"{exc!r}; this is a bug in udcntt"
            ) from exc
        derived, raws, leaves, groups, t, published, share, ti = out
        total, mine, tier = self.total(i), self.share(i), self.tier_index(i)
        if (str(published), str(share), ti) != (str(total), str(mine), tier):
            raise GeneratedCodeError(
                f"agency '{agency}': {self.published_by} published {total} "
                f"(share {mine}, tier {tier}), the exact function {published} "
                f"(share {share}, tier {ti}); this is a bug in udcntt"
            )
        view = CriteriaView(
            self.shape.criteria, leaves if leaves is not None else raws, raws, raws, groups
        )
        found = (derived, view, t)
        while len(kept) >= RECENT:  # read long ago: computed again if asked
            try:
                del kept[next(iter(kept))]
            except (StopIteration, KeyError, RuntimeError):  # another thread changed it
                break
        kept[self, i] = found
        return found

    #: Who published the rows' values (for the message of a disagreement).
    published_by = "the first pass"


class FastTable(Table):
    """Rows finished by the block's whole generated function in one call: the published
    total, share and tier of each. A row's inputs are its record's, as the function got
    them (:meth:`Table.values` reads them again)."""

    __slots__ = ("pubs", "shares", "tiers")

    def __init__(
        self,
        plan: BlockPlan,
        shape: Any,
        levels: Sequence[TierLevel],
        kept: dict[tuple[Table, int], tuple[Any, ...]],
    ) -> None:
        super().__init__(plan, shape, levels, kept)
        self.pubs: list[Decimal] = []
        self.shares: list[Decimal] = []
        self.tiers: list[int] = []

    def total(self, i: int) -> Decimal:
        return self.pubs[i]

    def share(self, i: int) -> Decimal:
        return self.shares[i]

    def tier_index(self, i: int) -> int:
        return self.tiers[i]


def _materialise(*values: Any) -> AgencyResult:
    result: AgencyResult = AgencyResult._fast(*values)
    return result


def _of_record(attribute: str, doc: str) -> Any:
    """A result field read from the row's agency record."""

    def read(self: RowResult) -> Any:
        return getattr(self._t.records[self._i], attribute)

    return property(read, doc=doc)


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

    agency_id = _of_record("id", "The agency's id.")
    name = _of_record("name", "The agency's name.")
    block = _of_record("block", "The agency's block.")
    ranked = _of_record("ranked", "Whether the agency is ranked.")

    @property
    def inputs(self) -> Mapping[str, Any]:
        """The agency's inputs (as the survey gave them)."""
        return self._t.inputs(self._i)

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
