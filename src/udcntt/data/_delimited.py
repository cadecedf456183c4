"""Delimited survey files read in chunks of raw records, not as a table of cells.

:func:`read_delimited` (in :mod:`udcntt.data._readers`) turns every non-empty field into a
located :class:`~udcntt.data._table.Cell`; that costs far more than the reading itself and
holds the whole file as cells. A survey is instead opened with :func:`open_delimited`: the
text is decoded and its shape checked against the limits as before, the first rows become
cells (the header is looked for among them), and the rest is handed to the column reader
(:mod:`udcntt.data._columnar`) chunk by chunk as raw records.

Every file-level error stays what the whole-file reader gives, whatever the order in which
streaming meets problems: when a chunk shows one (malformed quoting, a row too wide, a
field too long) or validation stops on a file-level error, :meth:`DelimitedSource.broken`
reads the whole file the old way, which raises the error it would have raised first.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from itertools import chain, count, islice
from pathlib import Path
from typing import NoReturn

from udcntt.data._limits import Limits, decode_text
from udcntt.data._readers import delimited_table, raw_rows, record_row, sniff
from udcntt.data._table import Record, Row, Table
from udcntt.errors import DataError

__all__ = ["CHUNK", "DelimitedSource", "open_delimited"]

#: Records per chunk handed to the column reader.
CHUNK = 512
# Characters of text per ``io.StringIO`` (which holds 4 bytes per character).
_PIECE = 1 << 16


class DelimitedSource:
    """The decoded text of a delimited file, read record by record on demand."""

    __slots__ = ("delimiter", "file", "limits", "max_field_chars", "text")

    def __init__(self, file: str, text: str, delimiter: str, limits: Limits) -> None:
        self.file = file
        self.text = text
        self.delimiter = delimiter
        self.limits = limits
        self.max_field_chars = limits.max_field_chars

    def _reader(self) -> Iterator[list[str]]:
        return csv.reader(_lines(self.text), delimiter=self.delimiter, strict=True)

    def records(self, after: int = 0) -> Iterator[list[Record]]:
        """The non-blank records numbered after ``after``, in chunks of :data:`CHUNK`.

        Records are numbered as :func:`read_delimited` numbers rows (blank ones count).

        Raises:
            DataError: what the whole-file reader raises, for malformed quoting or a row
                wider than ``limits.max_columns``.
        """
        reader = self._reader()
        widest = self.limits.max_columns
        number = 0
        while True:
            try:
                block = list(islice(reader, CHUNK))
            except csv.Error:
                self.broken()
            if not block:
                return
            start, number = number, number + len(block)
            if number <= after:
                continue
            if max(map(len, block)) > widest:
                self.broken()
            out = [
                (n, fields)
                for n, fields in zip(count(start + 1), block, strict=False)
                if n > after
                and ((fields and fields[0] and not fields[0].isspace()) or _filled(fields))
            ]
            if out:
                yield out

    def head(self, done: Callable[[list[Row]], bool]) -> list[Row]:
        """The first non-blank records as rows of cells, until ``done`` says they suffice.

        Raises:
            DataError: what the whole-file reader raises for the file.
        """
        rows: list[Row] = []
        for chunk in self.records():
            for record in chunk:
                rows.append(self.row(record))
                if done(rows):
                    return rows
        return rows

    def row(self, record: Record) -> Row:
        """A record as a row of located cells, keeping its raw fields.

        Raises:
            DataError: what the whole-file reader raises, for a field too long.
        """
        number, fields = record
        try:
            row = record_row(self.file, number, fields, self.limits)
        except DataError:
            self.broken()
        row.fields = fields
        return row

    def broken(self) -> NoReturn:
        """Raise the first file-level error of the whole-file reader.

        Streaming met a problem (malformed quoting, a row too wide, a field too long):
        reading the whole file the old way raises the error it would have raised first, so
        the error does not depend on how the file was read.

        Raises:
            DataError: always: the whole-file reader's error.
            RuntimeError: should that reader accept the file (a bug in udcntt).
        """
        delimited_table(self.file, self.text, self.delimiter, self.limits)
        raise RuntimeError(
            f"{self.file}: the whole-file reader accepts what the streaming reader refused; "
            "this is a bug in udcntt"
        )

    def recheck(self) -> None:
        """Raise the whole-file reader's error, if the file has one; else return.

        Raises:
            DataError: the first file-level error of the whole-file reader.
        """
        delimited_table(self.file, self.text, self.delimiter, self.limits)


def _filled(fields: list[str]) -> bool:
    """Whether a record has a field that is not blank (its first, usually)."""
    first = fields[0] if fields else ""
    return bool(first and not first.isspace()) or any(f and not f.isspace() for f in fields)


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` as ``io.StringIO(text, newline="")`` gives them, piece by piece.

    Pieces end after a line feed, so no line (``\\r\\n`` included) is split; the lines of
    each piece are iterated at C speed.
    """
    return chain.from_iterable(io.StringIO(piece, newline="") for piece in _pieces(text))


def _pieces(text: str) -> Iterator[str]:
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start + _PIECE)
        stop = end if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


def open_delimited(
    path: Path,
    data: bytes,
    *,
    encoding: str | None,
    delimiter: str | None,
    limits: Limits,
    head_done: Callable[[list[Row]], bool],
) -> Table:
    """A delimited survey as a streamed table: its first rows as cells, the rest raw.

    The file's shape is checked against ``max_rows`` and ``max_cells`` before any cell is
    made: from its line and delimiter counts when they are within the limits (the counts
    bound the records and the non-empty fields), else by counting the records exactly.

    Raises:
        DataError: as :func:`~udcntt.data._readers.read_delimited`.
    """
    file = str(path)
    text = decode_text(data, file, encoding)
    delim = delimiter or sniff(text)
    lines = text.count("\n") + text.count("\r") - text.count("\r\n")
    if text and text[-1] not in "\r\n":
        lines += 1
    if lines > limits.max_rows or text.count(delim) + lines > limits.max_cells:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
        raw_rows(reader, file, limits, keep=False)
    source = DelimitedSource(file, text, delim, limits)
    rows = source.head(head_done)
    return Table(
        file=file,
        sheet=None,
        rows=rows,
        source=source,
        stream_after=rows[-1].number if rows else 0,
    )
