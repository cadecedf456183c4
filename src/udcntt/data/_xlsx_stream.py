"""Opening a workbook and feeding openpyxl's sheet parser only what it must see.

:class:`Workbook` opens the archive as openpyxl's read-only mode does, without its pass over
every sheet looking for a dimension.

:class:`SheetStream` wraps a sheet part of the archive as a file object for openpyxl's
``WorkSheetParser``: it passes the root element and ``<sheetData>`` only, without the empty
self-closing cells (``<c r="B7" s="3"/>``: formatting only) that a file can hold by the
million in a few hundred kilobytes, and without what comes before (column formats, views)
or after (merges, hyperlinks, validations) the data. :class:`XlsxStats` counts what was
parsed, deterministically, for the limits, the tests and the benchmarks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import IO, Any

__all__ = ["Sheet", "SheetStream", "Workbook", "XlsxStats"]

_CHUNK = 1 << 16
_HEAD_LIMIT = 1_000_000
_NAME = rb"(?:[A-Za-z_][\w.-]*:)?"
# An empty cell: self-closing, with its own reference first, as Excel writes it (cells
# without one are positional; others are parsed, and count against Limits.max_cells).
_EMPTY_CELL = re.compile(rb"<" + _NAME + rb'c r="[A-Z]{1,3}[0-9]{1,7}"[^<>]*/>')
_DATA_START = re.compile(rb"<" + _NAME + rb"sheetData(?=[\s/>])")
_DATA_END = re.compile(rb"</" + _NAME + rb"sheetData\s*>|<" + _NAME + rb"sheetData[^<>]*/>")
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")


@dataclass(slots=True)
class XlsxStats:
    """The work of reading a workbook, counted as it streams (deterministic).

    Attributes:
        rows_iterated: ``<row>`` elements the sheet parser handled.
        cells_visited: ``<c>`` elements the sheet parser handled (empty ones included).
        empty_cells_skipped: empty self-closing cells removed before parsing.
        bytes_parsed: bytes of sheet XML fed to the parser.
    """

    rows_iterated: int = 0
    cells_visited: int = 0
    empty_cells_skipped: int = 0
    bytes_parsed: int = 0


class SheetStream:
    """A sheet part as the parser should see it: root, ``<sheetData>``, no empty cells.

    Everything between the root's start tag and ``<sheetData>`` (column formats, views),
    and everything after ``</sheetData>`` (merges, hyperlinks, validations: thousands of
    elements openpyxl would build objects for) is left out; data rows are unchanged but
    for the empty self-closing cells.
    """

    def __init__(self, part: IO[bytes], stats: XlsxStats) -> None:
        self._part = part
        self._stats = stats
        self._tail = b""
        self._state = "head"  # head → seek → data → done
        self._root = b""
        self._pending = b""

    def read(self, size: int = -1) -> bytes:
        while self._state != "done":
            chunk = self._part.read(_CHUNK)
            out = self._feed(chunk)
            if out:
                self._stats.bytes_parsed += len(out)
                return out
        return b""

    def close(self) -> None:
        self._part.close()

    def _feed(self, chunk: bytes) -> bytes:
        if not chunk:  # the part ends (without </sheetData>: let the parser say so)
            self._state = "done"
            rest, self._tail = self._tail, b""
            return rest + (b"</" + self._root + b">" if self._root else b"")
        buf = self._tail + chunk
        cut = buf.rfind(b">") + 1
        body, self._tail = buf[:cut], buf[cut:]
        if self._state == "head":
            return self._head(body)
        if self._state == "seek":
            return self._seek(body)
        return self._data(body)

    def _head(self, body: bytes) -> bytes:
        buf = self._pending + body
        pos = 0
        while True:
            lt = buf.find(b"<", pos)
            if lt < 0:
                break
            if buf.startswith(b"<?", lt) or buf.startswith(b"<!--", lt):
                close = b"?>" if buf[lt + 1 : lt + 2] == b"?" else b"-->"
                end = buf.find(close, lt)
                if end < 0:
                    break
                pos = end + len(close)
                continue
            root = _ROOT.match(buf, lt)
            if root is None:
                raise ValueError("the sheet is not XML markup")
            end = buf.find(b">", lt)
            if end < 0:
                break
            self._pending = b""
            if buf[end - 1 : end] == b"/":  # <worksheet/>: no data at all
                self._state = "done"
                return buf
            self._root = root.group(1)
            self._state = "seek"
            return buf[: end + 1] + self._seek(buf[end + 1 :])
        if len(buf) > _HEAD_LIMIT:
            raise ValueError("no root element in the first megabyte of the sheet")
        self._pending = buf
        return b""

    def _seek(self, body: bytes) -> bytes:
        found = _DATA_START.search(body)
        if found is None:
            return b""
        self._state = "data"
        return self._data(body[found.start() :])

    def _data(self, body: bytes) -> bytes:
        end = _DATA_END.search(body)
        if end is not None:
            body = body[: end.end()] + b"</" + self._root + b">"
            self._state = "done"
        kept, skipped = _EMPTY_CELL.subn(b"", body)
        self._stats.empty_cells_skipped += skipped
        return kept


class Sheet:
    """What a :class:`ReadOnlyCell` needs of its sheet: a title and the workbook's styles."""

    __slots__ = ("parent", "title")

    def __init__(self, title: str, parent: Any) -> None:
        self.title = title
        self.parent = parent


class Workbook:
    """A workbook opened as openpyxl's read-only mode does, without touching the sheets.

    ``load_workbook(read_only=True)`` looks for each sheet's ``<dimension>`` when it opens
    the file, and without one it parses the whole sheet (every empty cell included) before
    a single row is read. This does the other steps of its reader (content types, shared
    strings, workbook, styles) and lists the sheets; :class:`SheetStream` streams them.
    """

    def __init__(self, handle: IO[bytes]) -> None:
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet

        reader = ExcelReader(
            handle, read_only=True, keep_vba=False, data_only=False, keep_links=False
        )
        self.archive = reader.archive
        try:
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            self.book: Any = reader.wb  # private attributes (date formats) are read
            self.shared_strings = reader.shared_strings
            self.sheetnames: list[str] = []
            self.states: dict[str, str] = {}
            self.targets: dict[str, str] = {}
            for sheet, rel in reader.parser.find_sheets():
                if rel.target not in reader.valid_files or "chartsheet" in rel.Type:
                    continue  # a missing part (reported when no sheet is left) or a chart
                self.sheetnames.append(sheet.name)
                self.states[sheet.name] = sheet.state or "visible"
                self.targets[sheet.name] = rel.target
        except BaseException:
            self.archive.close()
            raise

    def close(self) -> None:
        """Close the archive."""
        self.archive.close()
