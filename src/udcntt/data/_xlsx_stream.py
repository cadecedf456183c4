"""Opening a workbook and streaming its sheets, with work bounded by the cells read.

:class:`Workbook` reads what a survey needs of the workbook (sheets, their state and part,
the date system, the shared strings, each cell style's number format) with
:mod:`zipfile` and ``defusedxml``; the archive was checked first (``_xlsx_archive``), so
each part read here is bounded.

:class:`SheetStream` wraps a sheet part as a file object for the XML parser: it passes the
root element and ``<sheetData>`` only, without the empty self-closing cells
(``<c r="B7" s="3"/>``: formatting only) that a file can hold by the million in a few
hundred kilobytes, and without what comes before (column formats, views) or after (merges,
hyperlinks, validations) the data. :func:`parse_rows` streams its rows, yielding only the
cells written in the file (a row is never padded to its last column).
:class:`XlsxStats` counts what was parsed, deterministically, for the limits, the tests
and the benchmarks.

openpyxl is used through its public helpers only (built-in number formats, date formats,
serial dates); its workbook reader is not used because it parses every sheet in full on
opening (looking for a dimension) and pads each row to its last cell.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any, NamedTuple
from xml.etree.ElementTree import Element

__all__ = ["RawCell", "SheetStream", "Workbook", "XlsxStats", "parse_rows"]

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


_COORD = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)")


def _local(tag: str) -> str:
    """An element's name without its namespace (``{ns}c`` → ``c``)."""
    return tag[tag.rfind("}") + 1 :]


def _attr(element: Element, name: str) -> str | None:
    """An attribute by local name, whatever its namespace (``r:id``)."""
    value = element.get(name)
    if value is not None:
        return value
    for key, found in element.attrib.items():
        if key.startswith("{") and _local(key) == name:
            return found
    return None


def _text(element: Element) -> str:
    """The text of a string item (``<si>``, ``<is>``): plain or runs, phonetic runs left out."""
    parts: list[str] = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


class RawCell(NamedTuple):
    """A cell as written in the sheet, typed but not yet checked.

    ``kind`` is ``n`` (number), ``s`` (text), ``b`` (boolean), ``d`` (date or time),
    ``e`` (Excel error) or ``f`` (formula: ``value`` is its text); ``value`` is ``None``
    for a cell without one.
    """

    column: int
    value: Any
    kind: str
    style: int


class Workbook:
    """The parts of a workbook a survey needs, read without touching the sheets.

    Raises (from the constructor) whatever a malformed part raises (``KeyError``,
    ``ValueError``, XML errors): the caller reports it as a damaged workbook.
    """

    def __init__(self, handle: IO[bytes]) -> None:
        from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

        self.archive = zipfile.ZipFile(handle)
        try:
            self._names = set(self.archive.namelist())
            book = self._first(self._rels(""), "/officeDocument", "xl/workbook.xml")
            if book is None:
                raise KeyError("the archive has no workbook part")
            rels = self._rels(book)
            root = self._parse(book)
            self.epoch = WINDOWS_EPOCH
            self.sheetnames: list[str] = []
            self.states: dict[str, str] = {}
            self.targets: dict[str, str] = {}
            for element in root:
                name = _local(element.tag)
                if name == "workbookPr" and element.get("date1904") in ("1", "true"):
                    self.epoch = MAC_EPOCH
                elif name == "sheets":
                    for sheet in element:
                        if _local(sheet.tag) == "sheet":
                            self._add_sheet(sheet, rels)
            strings = self._first(rels, "/sharedStrings", "xl/sharedStrings.xml")
            self.shared_strings = self._strings(strings) if strings else []
            styles = self._first(rels, "/styles", "xl/styles.xml")
            self._styles(styles)
        except BaseException:
            self.archive.close()
            raise

    def close(self) -> None:
        """Close the archive."""
        self.archive.close()

    def number_format(self, style: int) -> str:
        """The number format of a cell style (``General`` when the style is unknown)."""
        return self.formats[style] if 0 <= style < len(self.formats) else "General"

    def _parse(self, name: str) -> Element:
        from defusedxml.ElementTree import parse

        with self.archive.open(name) as part:
            root: Element = parse(part, forbid_dtd=True).getroot()
        return root

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """A part's relationships: id → (type, target part)."""
        folder, base = posixpath.split(part)
        path = posixpath.join(folder, "_rels", base + ".rels")
        found: dict[str, tuple[str, str]] = {}
        if path not in self._names:
            return found
        for element in self._parse(path).iter():
            target = element.get("Target")
            if _local(element.tag) != "Relationship" or target is None:
                continue
            if element.get("TargetMode") == "External":
                continue
            if target.startswith("/"):
                resolved = target[1:]
            else:
                resolved = posixpath.normpath(posixpath.join(folder, target))
            found[element.get("Id", "")] = (element.get("Type", ""), resolved)
        return found

    def _first(self, rels: dict[str, tuple[str, str]], kind: str, default: str) -> str | None:
        for rel_type, target in rels.values():
            if rel_type.endswith(kind) and target in self._names:
                return target
        return default if default in self._names else None

    def _add_sheet(self, element: Element, rels: dict[str, tuple[str, str]]) -> None:
        rel = rels.get(_attr(element, "id") or "")
        name = element.get("name")
        if rel is None or name is None or rel[1] not in self._names or "chartsheet" in rel[0]:
            return  # a missing part (reported when no sheet is left) or a chart
        self.sheetnames.append(name)
        self.states[name] = element.get("state") or "visible"
        self.targets[name] = rel[1]

    def _strings(self, name: str) -> list[str]:
        """The shared strings, streamed (their number was bounded by the archive check)."""
        from defusedxml.ElementTree import iterparse

        strings: list[str] = []
        root: Element | None = None
        with self.archive.open(name) as part:
            for event, element in iterparse(part, events=("start", "end"), forbid_dtd=True):
                if event == "start":
                    root = element if root is None else root
                elif _local(element.tag) == "si":
                    # As openpyxl reads them: "_x005F_" (an escaped "_") loses its escape.
                    strings.append(_text(element).replace("x005F_", ""))
                    if root is not None:
                        root.clear()
        return strings

    def _styles(self, name: str | None) -> None:
        """Each cell style's number format, and which of them show dates or durations."""
        from openpyxl.styles.numbers import (
            BUILTIN_FORMATS,
            is_date_format,
            is_timedelta_format,
        )

        self.formats: list[str] = []
        self.date_styles: set[int] = set()
        self.timedelta_styles: set[int] = set()
        if name is None:
            return
        root = self._parse(name)
        custom: dict[int, str] = {}
        cell_xfs: list[Element] = []
        for element in root:
            if _local(element.tag) == "numFmts":
                for item in element:
                    code = item.get("formatCode")
                    if _local(item.tag) == "numFmt" and code is not None:
                        custom[int(item.get("numFmtId", "0"))] = code
            elif _local(element.tag) == "cellXfs":
                cell_xfs = [xf for xf in element if _local(xf.tag) == "xf"]
        for index, xf in enumerate(cell_xfs):
            number = int(xf.get("numFmtId", "0"))
            fmt = custom.get(number) or BUILTIN_FORMATS.get(number) or "General"
            self.formats.append(fmt)
            if is_date_format(fmt):
                self.date_styles.add(index)
            if is_timedelta_format(fmt):
                self.timedelta_styles.add(index)


def parse_rows(source: SheetStream, book: Workbook) -> Iterator[tuple[int, list[RawCell]]]:
    """Stream a sheet's rows: the row number and the cells written in it, in order.

    The parser calls :class:`_SheetTarget` for each tag (no element tree is built); rows
    are handed on after each chunk of the stream, so memory stays that of one chunk.

    Raises:
        ValueError, IndexError or an XML error: for a malformed sheet (a bad reference,
            number or shared-string index); the caller reports a damaged workbook.
    """
    from defusedxml.ElementTree import XMLParser

    target = _SheetTarget(book)
    parser = XMLParser(target=target, forbid_dtd=True)
    while True:
        chunk = source.read()
        if chunk:
            parser.feed(chunk)
        else:
            parser.close()
        yield from target.rows
        target.rows.clear()
        if not chunk:
            return


class _SheetTarget:
    """Parser callbacks for ``<row>``, ``<c>``, ``<v>``, ``<f>`` and ``<is>`` (their text)."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.rows: list[tuple[int, list[RawCell]]] = []
        self.number = 0
        self.cells: list[RawCell] = []
        self.cell: dict[str, str] = {}
        self.value: str | None = None
        self.formula: str | None = None
        self.inline: list[str] | None = None
        self.text: list[str] | None = None  # the text being collected, if any
        self.phonetic = 0  # depth inside <rPh> (phonetic runs: not part of the text)
        self.names: dict[str, str] = {}

    def _name(self, tag: str) -> str:
        name = self.names.get(tag)
        if name is None:
            name = self.names[tag] = _local(tag)
        return name

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = self._name(tag)
        if name == "c":
            self.cell = attrib
            self.value = self.formula = self.inline = None
        elif name in ("v", "f") or (name == "t" and self.inline is not None):
            self.text = []
        elif name == "row":
            found = attrib.get("r")
            self.number = _row_number(found) if found is not None else self.number + 1
            self.cells = []
        elif name == "is":
            self.inline = []
        elif name == "rPh":
            self.phonetic += 1

    def data(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)

    def end(self, tag: str) -> None:
        name = self._name(tag)
        text = self.text
        if name == "c":
            previous = self.cells[-1].column if self.cells else 0
            inline = None if self.inline is None else "".join(self.inline)
            self.cells.append(
                _cell(self.cell, previous, self.value, self.formula, inline, self.book)
            )
        elif name == "row":
            self.rows.append((self.number, self.cells))
        elif text is not None and name in ("v", "f", "t"):
            joined = "".join(text)
            self.text = None
            if name == "v":
                self.value = joined or None
            elif name == "f":
                self.formula = joined
            elif self.inline is not None and not self.phonetic:
                self.inline.append(joined)
        elif name == "rPh":
            self.phonetic -= 1


def _row_number(text: str) -> int:
    value = float(text) if "." in text else int(text)
    if value != int(value) or value < 1:
        raise ValueError(f"row number {text!r} is not a positive integer")
    return int(value)


def _column(reference: str | None, previous: int) -> int:
    if reference is None:
        return previous + 1  # cells without a reference follow the one before
    found = _COORD.fullmatch(reference)
    if found is None:
        raise ValueError(f"invalid cell reference {reference[:20]!r}")
    number = 0
    for ch in found.group(1).upper():
        number = number * 26 + ord(ch) - 64
    return number


def _cell(
    cell: dict[str, str],
    previous: int,
    value: str | None,
    formula: str | None,
    inline: str | None,
    book: Workbook,
) -> RawCell:
    """One ``<c>``: its column and typed value, as Excel's cell types define them."""
    from openpyxl.utils.datetime import from_excel

    column = _column(cell.get("r"), previous)
    kind = cell.get("t", "n")
    style = int(cell.get("s") or 0)
    if formula is not None:
        return RawCell(column, "=" + formula, "f", style)
    if kind == "inlineStr":
        return RawCell(column, inline, "s", style)
    if value is None:
        return RawCell(column, None, kind, style)
    if kind == "n":
        number = float(value) if any(ch in value for ch in ".eE") else int(value)
        if style not in book.date_styles:
            return RawCell(column, number, "n", style)
        try:
            when = from_excel(number, book.epoch, timedelta=style in book.timedelta_styles)
        except (OverflowError, ValueError):
            return RawCell(column, "#VALUE!", "e", style)  # a date beyond the calendar
        return RawCell(column, when, "d", style)
    if kind == "s":
        index = int(value)
        if not 0 <= index < len(book.shared_strings):
            raise IndexError(f"shared string {index} does not exist")
        return RawCell(column, book.shared_strings[index], "s", style)
    if kind == "b":
        return RawCell(column, bool(int(value)), "b", style)
    if kind == "str":
        return RawCell(column, value, "s", style)
    if kind == "d":
        return RawCell(column, _iso_date(value), "d", style)
    return RawCell(column, value, kind, style)  # "e": an Excel error such as #DIV/0!


def _iso_date(text: str) -> Any:
    """A date, time or duration written as ISO 8601 (cells of type ``d``)."""
    from openpyxl.utils import datetime as dates

    convert: Callable[[str], Any] = dates.from_ISO8601  # untyped in the stubs
    return convert(text)
