"""The survey data scored by a rule set: agencies and their typed values.

A value has three states: a typed value (``Decimal``, ``bool``, category id ``str`` or
``date``), :data:`NA` (không áp dụng — the criterion does not apply to the agency) or
:data:`MISSING` (no answer — handled by the indicator's declared policy).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cached_property
from types import MappingProxyType
from typing import Any, Final

from udcntt.errors import Diagnostic, SourceLocation, UsageError, msg

__all__ = [
    "MISSING",
    "NA",
    "AgencyRecord",
    "CellInfo",
    "Dataset",
    "Marker",
    "Value",
    "ValueOrMarker",
]


class Marker(Enum):
    """The two non-values a survey cell can hold."""

    NA = "not_applicable"
    MISSING = "missing"

    def __repr__(self) -> str:
        return self.name


#: Not applicable (không áp dụng): removed from the agency's maximum.
NA: Final = Marker.NA
#: No answer: follows the indicator's ``missing`` policy.
MISSING: Final = Marker.MISSING

Value = Decimal | bool | str | date
ValueOrMarker = Value | Marker


@dataclass(frozen=True, slots=True)
class CellInfo:
    """Where a value came from, and the appraisal around it.

    ``raw`` is the text as typed. A delimited (CSV) survey is read by column and keeps it
    only for cells that needed reading one by one — those refused, paired with an
    appraisal or evidence, or of an indicator that needs evidence; a clean cell's ``raw``
    is ``None`` (its value is ``self_assessed``).
    """

    location: SourceLocation | None = None
    raw: str | None = None
    self_assessed: ValueOrMarker | None = None
    appraised: ValueOrMarker | None = None
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class AgencyRecord:
    """One agency's survey answers.

    ``values`` maps indicator ids to typed values or markers; an indicator absent from the
    mapping counts as :data:`MISSING`. ``ranked=False`` agencies are scored and reported but
    take no rank (e.g. Bộ Chỉ huy Quân sự tỉnh in Lâm Đồng 2015).
    """

    id: str
    name: str
    block: str
    values: Mapping[str, ValueOrMarker]
    ranked: bool = True
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    cells: Mapping[str, CellInfo] = field(default_factory=dict)
    location: SourceLocation | None = None

    def get(self, indicator: str) -> ValueOrMarker:
        """The value of ``indicator``, or :data:`MISSING`."""
        return self.values.get(indicator, MISSING)


_NEW = object.__new__
_RECORD_SET = tuple(
    getattr(AgencyRecord, name).__set__
    for name in (
        "id",
        "name",
        "block",
        "values",
        "ranked",
        "aliases",
        "parent",
        "cells",
        "location",
    )
)


def make_record(
    agency_id: str,
    name: str,
    block: str,
    values: Mapping[str, ValueOrMarker],
    ranked: bool,
    aliases: tuple[str, ...],
    parent: str | None,
    cells: Mapping[str, CellInfo],
    location: SourceLocation | None,
) -> AgencyRecord:
    """``AgencyRecord(...)`` of these fields, set through its slots.

    A reader makes one record per agency; the frozen dataclass's ``__init__`` sets each
    field through ``object.__setattr__``, several times the cost. The record is the same
    (a test checks it equals the one ``__init__`` makes).
    """
    record = _NEW(AgencyRecord)
    (
        set_id,
        set_name,
        set_block,
        set_values,
        set_ranked,
        set_aliases,
        set_parent,
        set_cells,
        set_location,
    ) = _RECORD_SET
    set_id(record, agency_id)
    set_name(record, name)
    set_block(record, block)
    set_values(record, values)
    set_ranked(record, ranked)
    set_aliases(record, aliases)
    set_parent(record, parent)
    set_cells(record, cells)
    set_location(record, location)
    return record


#: Columns are kept while they hold at most this many entries per value given.
_SPARSE = 4

_TAGS: dict[type, str] = {Decimal: "d", bool: "b", str: "s", date: "t", Marker: "m"}


@dataclass(frozen=True)
class Dataset:
    """The agencies of one survey year, in input order.

    ``diagnostics`` holds what the reader rejected or found suspicious (the validation
    report); ``source`` names the file(s) read. Readers account for every data row:
    ``rows_read == rows_used + rows_rejected``, each rejected row having a diagnostic.
    """

    agencies: tuple[AgencyRecord, ...]
    year: int | None = None
    source: str | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    rows_read: int | None = None
    rows_used: int | None = None
    rows_rejected: int | None = None
    #: The receipt entry of the plugin reader that read the file (``None``: udcntt's own).
    reader: Mapping[str, str] | None = None
    #: The survey (or its registry) says the data are synthetic, an example: reports say so.
    synthetic: bool = False

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for agency in self.agencies:
            if agency.id in seen:
                raise UsageError(
                    msg("agency id '{agency}' appears twice in the dataset", agency=agency.id),
                    code="E-DATA-AGENCY-DUPLICATE",
                    agency=agency.id,
                    location=agency.location,
                )
            seen.add(agency.id)

    def __len__(self) -> int:
        return len(self.agencies)

    def __iter__(self) -> Any:
        return iter(self.agencies)

    def by_id(self) -> Mapping[str, AgencyRecord]:
        """Agencies keyed by id (built once; the dataset is immutable)."""
        return self._by_id

    @cached_property
    def _by_id(self) -> Mapping[str, AgencyRecord]:
        return MappingProxyType({a.id: a for a in self.agencies})

    @cached_property
    def _fingerprint(self) -> str:
        parts: list[str] = []
        tags = _TAGS
        # Sorted by id (unique in a dataset): the order of the rows is not content.
        for a in sorted(self.agencies, key=lambda agency: agency.id):
            parts += (a.id, a.name, a.block, "1" if a.ranked else "0", str(len(a.values)))
            values = a.values
            for key in sorted(values):
                value = values[key]
                parts += (key, tags.get(type(value), "?") + str(value))
        # JSON escaping keeps the flat list unambiguous whatever the text holds.
        blob = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def fingerprint(self) -> str:
        """SHA-256 of the dataset's content (ids, names, blocks, values).

        Independent of the file format and of the order of the rows: agencies are hashed
        in id order, each agency's values in indicator-id order.
        """
        return self._fingerprint

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        year: int | None = None,
        source: str | None = None,
    ) -> Dataset:
        """Build a dataset from plain mappings (Python callers, tests).

        Each mapping has ``id``, ``block``, optional ``name``, ``ranked`` and ``values``.
        Values may be ``Decimal``, ``int``, ``str`` numbers, ``bool``, category ids, dates,
        or the markers :data:`NA` / :data:`MISSING`. Floats are read through ``repr`` so
        ``0.1`` is exactly 0.1. Values are typed against the rule set at evaluation.

        The agencies' values are held by column, as a survey file's are: each agency's
        ``values`` is a view of its row that reads as the dict it replaces (a key the
        record did not give is absent from it; a key no record gave cannot be set), and
        :func:`~udcntt.data.survey_columns` hands a block's values back a column at a
        time. When two records give their keys in orders no single column order keeps, or
        when most keys are absent from most records, the agencies keep plain ``dict``
        values instead (the same values).

        Raises:
            DataError: ``E-DATA-CHAR`` for a text holding a control, invisible or
                bidirectional character, as the file readers refuse it.
        """
        from udcntt.data._chars import CharGuard

        guard = CharGuard()
        records = list(records)
        for index, rec in enumerate(records):
            texts = [rec.get(k) for k in ("id", "name", "block", "parent")]
            texts += list(rec.get("aliases", ())) + list(dict(rec.get("values", {})).values())
            for text in texts:
                if isinstance(text, str):
                    guard.check(text, SourceLocation(file=source, path=f"records[{index}]"))
        guard.done()
        rows = [_typed_values(rec.get("values", {})) for rec in records]
        views = _column_views(rows, source)
        agencies = [
            make_record(
                str(rec["id"]),
                str(rec.get("name", rec["id"])),
                str(rec["block"]),
                values,
                bool(rec.get("ranked", True)),
                tuple(rec.get("aliases", ())),
                rec.get("parent"),
                {},
                None,
            )
            for rec, values in zip(records, views or rows, strict=True)
        ]
        return cls(agencies=tuple(agencies), year=year, source=source)


def _typed_values(given: Mapping[Any, Any]) -> dict[str, ValueOrMarker]:
    """One record's values as :meth:`Dataset.from_records` keeps them: string keys, floats
    through ``repr`` and ints as ``Decimal``, everything else as given."""
    values: dict[str, ValueOrMarker] = {}
    for key, given_value in dict(given).items():
        val = given_value
        if isinstance(val, float):
            val = Decimal(repr(val))
        elif isinstance(val, int) and not isinstance(val, bool):
            val = Decimal(val)
        values[str(key)] = val
    return values


def _column_views(
    rows: list[dict[str, ValueOrMarker]], source: str | None
) -> list[Mapping[str, ValueOrMarker]] | None:
    """The rows held by column: one :class:`~udcntt.data._columnar.ColumnStore` list per
    key (in the order keys first appear), an absent key a slot, and each row a
    :class:`~udcntt.data._columnar.RowValues` view of its position.

    Returns ``None`` (keep the dicts) when the rows order their keys in ways no single
    order of columns keeps: a view iterates its keys in the columns' order, a dict in its
    own, and a caller may depend on that order; and when most of the columns' entries
    would stand for absent keys (records with disjoint keys), which dicts hold in less.
    """
    from udcntt.data._columnar import ABSENT, ColumnStore, RowValues

    order: dict[str, int] = {}
    same: tuple[str, ...] | None = None  # the keys of the rows checked last
    uniform = True  # every row gives the same keys in the same order
    for row in rows:
        keys = tuple(row)
        if keys == same:
            continue
        uniform = same is None
        same = keys
        last = -1
        for key in keys:
            at = order.setdefault(key, len(order))
            if at < last:
                return None
            last = at
    n = len(rows)
    if len(order) * n > _SPARSE * sum(map(len, rows)) + 1_000:
        return None  # mostly absent keys: the columns would hold mostly slots
    store = ColumnStore(source or "", [(key, "") for key in order])
    if uniform and order:
        # Every key in every row, in the columns' order: turned at C speed.
        turned = zip(*map(dict.values, rows), strict=True)
        for column, values in zip(store.columns, turned, strict=True):
            column.extend(values)
    else:
        for key, column in store.by_key.items():
            column.extend([row.get(key, ABSENT) for row in rows])
    store.numbers.extend(range(1, n + 1))  # the record's place, as a row number
    return [RowValues(store, pos) for pos in range(n)]
