"""The raw table every reader produces, before headers and values are interpreted.

CSV, XLSX, JSON and YAML readers all turn a file into :class:`Table` objects: a header row
and data rows of :class:`Cell` s, each cell keeping its raw value and its location. Only
:mod:`udcntt.data._validate` gives them meaning, so every format is validated the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import NoReturn, Protocol

from udcntt.errors import DataError, Diagnostic, SourceLocation

__all__ = [
    "Cell",
    "RawSource",
    "RawValue",
    "Record",
    "Row",
    "Table",
    "column_letter",
    "fatal",
    "is_blank",
]

#: What a cell can hold before interpretation. ``str`` is text as typed (read under the
#: declared locale); ``Decimal``/``int``/``float`` are machine numbers (Excel numeric cells,
#: JSON numbers, plain YAML numbers: dot as decimal separator, no locale involved).
RawValue = str | Decimal | int | float | bool | date | datetime | time | timedelta | None


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its raw value, where it is, and what the reader already knows about it.

    ``percent`` is set for Excel cells formatted as a percentage (the number is already a
    fraction). ``error`` is set when the reader refuses the cell itself (a formula, an
    Excel error value); the value is then ``None``.
    """

    value: RawValue
    location: SourceLocation
    percent: bool = False
    error: Diagnostic | None = None

    @property
    def raw_text(self) -> str | None:
        """The raw value as text, for diagnostics and :class:`~udcntt.data.CellInfo`."""
        if self.value is None:
            return None
        if isinstance(self.value, str):
            return self.value
        if isinstance(self.value, bool):
            return "TRUE" if self.value else "FALSE"
        if isinstance(self.value, datetime | date):
            return self.value.isoformat()
        if isinstance(self.value, float):
            return repr(self.value)
        return str(self.value)


def is_blank(cell: Cell | None) -> bool:
    """An absent cell, ``None``, or text of only whitespace (no error attached)."""
    if cell is None:
        return True
    if cell.error is not None:
        return False
    value = cell.value
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(slots=True)
class Row:
    """A data row: its number in the file and its non-empty cells by column index.

    ``fields`` keeps a delimited record's raw texts, which the column reader reads.
    """

    number: int
    cells: dict[int, Cell]
    location: SourceLocation
    width: int | None = None  # fields in a CSV record, to spot ragged rows
    error: Diagnostic | None = None  # the reader refuses the whole row (a JSON non-object)
    fields: list[str] | None = None


#: A raw record of a delimited file: its number (as Excel shows it) and its fields.
Record = tuple[int, list[str]]


class RawSource(Protocol):
    """The records of a delimited file, read in chunks rather than held as cells."""

    #: The most characters a field may have (``Limits.max_field_chars``).
    max_field_chars: int

    def records(self, after: int) -> Iterator[list[Record]]:
        """The non-blank records numbered after ``after``, chunk by chunk.

        Raises:
            DataError: for malformed quoting or a row wider than the limit.
        """
        ...  # pragma: no cover - a protocol

    def row(self, record: Record) -> Row:
        """The record as a row of located cells.

        Raises:
            DataError: for a field longer than the limit.
        """
        ...  # pragma: no cover - a protocol

    def recheck(self) -> None:
        """Raise the whole-file reader's first error, if the file has one.

        Raises:
            DataError: the error the file's whole-file reading gives.
        """
        ...  # pragma: no cover - a protocol

    def broken(self) -> NoReturn:
        """Raise the error the whole-file reader gives for a problem found while streaming.

        Raises:
            DataError: always.
        """
        ...  # pragma: no cover - a protocol


@dataclass(slots=True)
class Table:
    """One table of a file: a CSV file, a worksheet, or the records of a JSON/YAML file.

    Readers fill ``rows`` with every non-blank row of the file; for CSV and XLSX the header
    row is found afterwards (it is among the rows until then). ``headers[i]`` is the header
    cell of column ``i`` (``None`` for a column without one). ``label_row`` is the number of
    a row of Vietnamese labels under the header (skipped). ``meta`` holds file-level facts
    (``year``, ``locale``, ``format``) from JSON/YAML documents.
    """

    file: str
    sheet: str | None
    headers: list[Cell | None] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    header_row: int = 1
    label_row: int | None = None
    meta: dict[str, str] = field(default_factory=dict)
    structured: bool = False  # JSON/YAML: columns are keys, cells are not locale text only
    #: A delimited file read in chunks: ``rows`` holds its first rows only (where the
    #: header is looked for); the records numbered after ``stream_after`` follow.
    source: RawSource | None = None
    stream_after: int | None = None


@lru_cache(maxsize=20_000)
def column_letter(index: int) -> str:
    """Excel column letters for a 1-based column index (1 → A, 27 → AA)."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def fatal(
    code: str,
    message: str,
    location: SourceLocation,
    hint: str | None = None,
    value: str | None = None,
) -> DataError:
    """A file-level error that stops reading in every policy."""
    return DataError(message, code=code, location=location, hint=hint, value=value)
