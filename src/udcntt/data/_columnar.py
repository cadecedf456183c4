"""Reading a wide delimited survey column by column.

A survey column repeats a few texts (``0``–``100``, ``Có``/``Không``) over thousands of
rows. The column reader reads each chunk of records as columns: every distinct text of a
column is parsed once by the column's :class:`ColumnParser` (one per kind of indicator:
type, range, scale, locale), its result remembered, and the column's values are then looked
up at C speed. Values land in a :class:`ColumnStore` (a list per indicator, shared values);
each agency sees its row through :class:`RowValues` and :class:`LazyCells`, which build
:class:`~udcntt.data.CellInfo` and its location only when asked.

Only what needs more goes through the cell-by-cell reader
(:class:`~udcntt.data._cell_values.ValueReader`), in the same order as before, so every
diagnostic is the one it was: cells whose text fails to parse, paired columns (appraisal,
evidence), indicators that require evidence, and values of blocks an indicator does not
apply to. Their :class:`~udcntt.data.CellInfo` keeps the raw text; a clean cell's has
``raw=None``.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, MutableMapping
from decimal import Decimal
from enum import Enum
from itertools import repeat
from operator import is_
from typing import TYPE_CHECKING, Any, Final
from unicodedata import normalize

from udcntt.data._agencies import Rejected, name_buckets
from udcntt.data._chars import no_lookalike
from udcntt.data._columns import Column, header_text
from udcntt.data._dataset import MISSING, CellInfo, ValueOrMarker
from udcntt.data._locale import MAX_DIGITS, Scale, number_value, parse_text
from udcntt.data._table import Cell, Record, Row, Table, column_letter
from udcntt.data._text import left_clean
from udcntt.data._value_context import ValueContext, _Bad
from udcntt.errors import Diagnostic, SourceLocation, msg
from udcntt.model import ColumnRole, EvidencePolicy, Indicator, IndicatorType

if TYPE_CHECKING:
    from udcntt.data._validate import Builder

__all__ = [
    "ABSENT",
    "ColumnParser",
    "ColumnStore",
    "LazyCells",
    "RowValues",
    "ragged_row",
    "read_columns",
]


class _Slot(Enum):
    ABSENT = "absent"  # a blank field: no value, no cell
    MISSING = "missing"  # a spelling of a missing answer: no value, a cell
    FAIL = "fail"  # a text the parser refuses: read again cell by cell, for its diagnostic


ABSENT: Final = _Slot.ABSENT
_FAIL: Final = _Slot.FAIL
_MISSING_CELL: Final = _Slot.MISSING
#: Texts remembered per parser (a column of distinct figures is parsed cell by cell).
MEMO_LIMIT = 16_384
_NUMERIC = frozenset({IndicatorType.COUNT, IndicatorType.NUMBER, IndicatorType.RATIO})
_NOWHERE = SourceLocation()
_NO_CELLS: dict[int, Cell] = {}


class ColumnStore:
    """The values of one table's agencies, a list per indicator, and where they came from."""

    __slots__ = ("by_key", "columns", "file", "index", "letters", "numbers", "overrides")

    def __init__(self, file: str, indicators: list[tuple[str, str]]) -> None:
        self.file = file
        self.index = {ind: i for i, (ind, _letter) in enumerate(indicators)}
        self.letters = [letter for _ind, letter in indicators]
        self.columns: list[list[Any]] = [[] for _ in indicators]
        self.by_key = dict(zip(self.index, self.columns, strict=True))  # the same lists
        self.numbers = array("q")  # the row number of each position
        # Cell information set by the cell-by-cell reader (None: removed).
        self.overrides: dict[tuple[int, str], CellInfo | None] = {}

    def slot(self, pos: int, key: str) -> Any:
        """What position ``pos`` holds for indicator ``key`` (a value, a marker or a slot).

        Raises:
            KeyError: for an indicator without a column.
        """
        return self.columns[self.index[key]][pos]

    def cell(self, pos: int, key: str) -> CellInfo | None:
        """The cell information of ``key`` at ``pos``, built on demand."""
        found = self.overrides.get((pos, key), ABSENT)
        if found is not ABSENT:
            return found  # type: ignore[return-value]
        column = self.index.get(key)
        if column is None:
            return None
        value = self.columns[column][pos]
        if value is ABSENT or value is _FAIL:
            return None
        if value is _MISSING_CELL:
            value = MISSING
        where = SourceLocation(
            file=self.file, row=self.numbers[pos], cell_column=self.letters[column]
        )
        return CellInfo(location=where, self_assessed=value)


class RowValues(MutableMapping[str, ValueOrMarker]):
    """One agency's values: a view of its row in a :class:`ColumnStore`.

    Behaves as the ``dict`` it replaces: a missing answer or a blank cell is no key.
    """

    __slots__ = ("_pos", "_store")

    def __init__(self, store: ColumnStore, pos: int) -> None:
        self._store = store
        self._pos = pos

    # Scoring reads every input through these two: kept to a lookup and a test.
    def __getitem__(self, key: str) -> ValueOrMarker:
        value = self._store.by_key[key][self._pos]
        if value.__class__ is _Slot:
            raise KeyError(key)
        return value  # type: ignore[no-any-return]

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, or ``default``."""
        column = self._store.by_key.get(key)
        if column is None:
            return default
        value = column[self._pos]
        if value.__class__ is _Slot:
            return default
        return value

    def __iter__(self) -> Iterator[str]:
        pos, columns = self._pos, self._store.columns
        for key, column in self._store.index.items():
            value = columns[column][pos]
            if value.__class__ is not _Slot:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __setitem__(self, key: str, value: ValueOrMarker) -> None:
        self._store.columns[self._store.index[key]][self._pos] = value

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        store = self._store
        info = store.cell(self._pos, key)
        store.overrides.setdefault((self._pos, key), info)  # the cell stays as it was
        store.columns[store.index[key]][self._pos] = ABSENT

    def __repr__(self) -> str:
        return repr(dict(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (dict(self),)


class LazyCells(MutableMapping[str, CellInfo]):
    """One agency's cell information, built from its row of a :class:`ColumnStore`."""

    __slots__ = ("_pos", "_store")

    def __init__(self, store: ColumnStore, pos: int) -> None:
        self._store = store
        self._pos = pos

    def __getitem__(self, key: str) -> CellInfo:
        info = self._store.cell(self._pos, key)
        if info is None:
            raise KeyError(key)
        return info

    def __iter__(self) -> Iterator[str]:
        for key in self._store.index:
            if self._store.cell(self._pos, key) is not None:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __setitem__(self, key: str, info: CellInfo) -> None:
        self._store.overrides[(self._pos, key)] = info

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self._store.overrides[(self._pos, key)] = None

    def __repr__(self) -> str:
        return repr(dict(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (dict(self),)


class ColumnParser:
    """Reads the texts of one kind of column, each distinct text once.

    The result of a text depends only on the indicator's type, range, categories and
    not-applicable rule, the column's scale and the locale; columns that agree on those
    share a parser. Plain ASCII digits skip the general reader (``Decimal(text)``, then
    scale and range as it applies them); everything else goes through it.
    """

    __slots__ = ("ctx", "failing", "ind", "ind_id", "memo", "numeric", "scale", "special")

    def __init__(self, ind_id: str, ind: Indicator, ctx: ValueContext, scale: Scale) -> None:
        self.ind_id, self.ind, self.ctx, self.scale = ind_id, ind, ctx, scale
        self.numeric = ind.type in _NUMERIC
        self.special = ctx.missing | ctx.not_applicable
        self.memo: dict[str, Any] = {"": ABSENT}  # text → value, marker or slot (never None)
        self.failing: set[str] = set()

    def resolve(self, text: str) -> Any:
        """The value, marker or slot a text reads as (``_FAIL`` when it is refused)."""
        if not text or text.isspace():
            return ABSENT
        try:
            if (
                self.numeric
                and text.isdigit()
                and text.isascii()
                and len(text) <= MAX_DIGITS
                and text not in self.special
            ):
                return number_value(Decimal(text), self.ind, self.scale)
            value = parse_text(self.ind_id, self.ind, text, self.ctx, self.scale)
        except _Bad:
            return _FAIL
        return _MISSING_CELL if value is MISSING else value

    def column(self, texts: tuple[str, ...], limit: int) -> tuple[list[Any], set[str]] | None:
        """The values of a column's texts, and those of its texts that are refused.

        Returns ``None`` when a text is longer than ``limit`` (a file-level error).
        """
        memo = self.memo
        values = list(map(memo.get, texts))  # a text not read before gives None
        if not any(map(is_, values, repeat(None))):  # no text is touched again
            failing = self.failing
            if failing and not failing.isdisjoint(texts):
                return values, failing.intersection(texts)
            return values, set()
        distinct = set(texts)
        extra: dict[str, Any] = {}
        for text in [t for t in distinct if t not in memo]:
            if len(text) > limit:
                return None
            value = self.resolve(text)
            if value is _FAIL:
                self.failing.add(text)
            if len(memo) < MEMO_LIMIT:
                memo[text] = value
            else:
                extra[text] = value
        if extra:
            values = [memo[t] if t in memo else extra[t] for t in texts]
        else:
            values = list(map(memo.__getitem__, texts))
        return values, (distinct & self.failing if self.failing else set())


def _parser_key(ind: Indicator, scale: Scale) -> tuple[Any, ...]:
    cats = tuple(ind.categories.items()) if ind.categories else None
    return (ind.type, ind.bounds, (ind.unit or "").casefold(), ind.not_applicable, cats, scale)


class _Plan:
    """How one indicator's columns are read: by column (``parser`` set) or cell by cell."""

    __slots__ = ("blocks", "group", "ind_id", "index", "parser", "store_column")

    def __init__(
        self,
        ind_id: str,
        group: dict[ColumnRole, Column],
        store_column: int,
        parser: ColumnParser | None,
        blocks: frozenset[str] | None,
    ) -> None:
        self.ind_id, self.group, self.store_column = ind_id, group, store_column
        self.parser, self.blocks = parser, blocks
        self.index = group[ColumnRole.VALUE].index if parser is not None else -1


def ragged_row(row: Row, width: int) -> Diagnostic:
    """The ``E-DATA-ROW`` error of a row whose field count differs from the header's."""
    return Diagnostic(
        code="E-DATA-ROW",
        message=msg(
            "the row has {fields} fields, the header has {header}",
            fields=row.width,
            header=width,
        ),
        location=row.location,
        hint=msg("a field was added or lost (a delimiter in an unquoted value?)"),
    )


def read_columns(
    builder: Builder,
    table: Table,
    cols: dict[str, Column],
    groups: dict[str, dict[ColumnRole, Column]],
    width: int,
    chunks: Iterable[list[Record]],
) -> set[int]:
    """Read the records of a wide delimited table into the builder's agencies.

    Returns:
        The indexes of columns without a header that hold a value in a row of the right
        width (reported as such by the header plan).

    Raises:
        DataError: what the whole-file reader raises, for a field longer than the limit.
    """
    source = table.source
    if source is None:  # pragma: no cover - only streamed tables come here
        raise ValueError("read_columns needs a streamed table")
    file, limit, rules = table.file, source.max_field_chars, builder.rules
    parsers: dict[tuple[Any, ...], ColumnParser] = {}
    plans: list[_Plan] = []
    for ind_id, group in groups.items():
        ind = rules.indicators[ind_id]
        parser = None
        plain = len(group) == 1 and ColumnRole.VALUE in group
        if plain and ind.evidence is not EvidencePolicy.REQUIRED:
            scale = group[ColumnRole.VALUE].scale
            key = _parser_key(ind, scale)
            parser = parsers.get(key) or parsers.setdefault(
                key, ColumnParser(ind_id, ind, builder.ctx, scale)
            )
        blocks = frozenset(ind.blocks) if ind.blocks is not None else None
        plans.append(_Plan(ind_id, group, len(plans), parser, blocks))
    store = ColumnStore(
        file,
        [(p.ind_id, column_letter(min(c.index for c in p.group.values()) + 1)) for p in plans],
    )
    fast = [p for p in plans if p.parser is not None]
    slow_columns = [p.store_column for p in plans if p.parser is None]
    fast_indexes = {p.index for p in fast}
    checked = [i for i in range(width) if i not in fast_indexes]
    headers = table.headers
    headerless = [
        i for i in range(width) if not header_text(headers[i] if i < len(headers) else None)
    ]
    by_block: dict[str, list[_Plan]] = {}
    used: set[int] = set()
    at_id, at_name, at_block = (cols[k].index if k in cols else -1 for k in ("id", "name", "block"))
    book = builder.book
    for chunk in chunks:
        ok = [fields for _number, fields in chunk if len(fields) == width]
        base, count = len(store.numbers), len(ok)
        failed: dict[int, set[str]] = {}
        if count:
            columns = list(zip(*ok, strict=True))
            for i in checked:
                if max(map(len, columns[i])) > limit:
                    source.broken()
            for i in headerless:
                if i not in used and any(t and not t.isspace() for t in columns[i]):
                    used.add(i)
            for plan in fast:
                texts = columns[plan.index]
                read = plan.parser.column(texts, limit)  # type: ignore[union-attr]
                if read is None:
                    source.broken()
                values, refused = read
                store.columns[plan.store_column].extend(values)
                if refused:
                    for k, text in enumerate(texts):
                        if text in refused:
                            failed.setdefault(k, set()).add(plan.ind_id)
            for column in slow_columns:
                store.columns[column].extend([ABSENT] * count)
            store.numbers.extend(number for number, fields in chunk if len(fields) == width)
        # Who each row is about, read a column at a time: texts, look-alikes, clean names.
        ids, names, block_texts = (
            [normalize("NFC", t).strip() if t else "" for t in columns[at]]
            if count and at >= 0
            else [""] * count
            for at in (at_id, at_name, at_block)
        )
        plain = no_lookalike(ids) and no_lookalike(names)
        clean = left_clean(names)
        buckets = name_buckets(names) if clean and book.registry is None else None
        k = -1
        builder.rows_read += len(chunk)
        for number, fields in chunk:
            where = _row_location(file, number)
            if len(fields) != width:
                if fields and max(map(len, fields)) > limit:
                    source.broken()
                builder._reject(ragged_row(Row(number, _NO_CELLS, where, len(fields)), width))
                continue
            k += 1
            pos = base + k
            name = names[k]
            try:
                ident = book.identify_texts(
                    table, where, ids[k], name, block_texts[k], checked=plain
                )
                agency = book.open(
                    ident,
                    where,
                    reuse=False,
                    views=(RowValues(store, pos), LazyCells(store, pos)),
                    clean=name if clean and name else None,
                    bucket=buckets[k] if buckets is not None else None,
                )
            except Rejected as rejected:
                builder._reject(rejected.diag)
                continue
            slow = by_block.get(agency.block)
            if slow is None:
                slow = by_block[agency.block] = [
                    p
                    for p in plans
                    if p.parser is None or (p.blocks is not None and agency.block not in p.blocks)
                ]
            refused_here = failed.get(k)
            if refused_here:
                slow = [p for p in plans if p in slow or p.ind_id in refused_here]
            for plan in slow:
                if plan.parser is not None:
                    store.columns[plan.store_column][pos] = ABSENT
                builder.group_value(agency, plan.ind_id, plan.group, _CellsOf(file, number, fields))
    return used


_NEW = object.__new__
_SET = tuple(
    getattr(SourceLocation, name).__set__
    for name in ("file", "line", "column", "path", "sheet", "row", "cell_column")
)


def _row_location(file: str, row: int) -> SourceLocation:
    """``SourceLocation(file=file, row=row)``, made at a third of the cost.

    One is made per agency; the frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``, which is most of the cost. The fields are set here through
    their slots, the same values (a test checks the two are equal).
    """
    loc = _NEW(SourceLocation)
    set_file, set_line, set_column, set_path, set_sheet, set_row, set_cell = _SET
    set_file(loc, file)
    set_line(loc, None)
    set_column(loc, None)
    set_path(loc, None)
    set_sheet(loc, None)
    set_row(loc, row)
    set_cell(loc, None)
    return loc


class _CellsOf:
    """The located cell of a column in one record (``None`` for a blank field)."""

    __slots__ = ("fields", "file", "number")

    def __init__(self, file: str, number: int, fields: list[str]) -> None:
        self.file, self.number, self.fields = file, number, fields

    def __call__(self, col: Column) -> Cell | None:
        text = self.fields[col.index]
        if not text or text.isspace():
            return None
        letter = column_letter(col.index + 1)
        return Cell(text, SourceLocation(file=self.file, row=self.number, cell_column=letter))
