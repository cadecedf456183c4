"""Checking an XLSX archive before any XML parser sees it.

:func:`check_archive` reads every XML part of the workbook once, in chunks, with
:mod:`zipfile` and regular expressions on bytes (C speed, bounded memory), and refuses:

* files that are not workbooks (an old ``.xls``, a password-protected file, a damaged
  archive: a corrupted byte, an unsupported compression method, a missing part), as
  ``E-DATA-FORMAT``, never as an internal error;
* archives with too many parts, parts that expand beyond ``Limits.max_part_bytes`` (all
  together beyond ``Limits.max_uncompressed_bytes``) or compress better than
  ``Limits.max_zip_ratio`` : 1 (a zip bomb);
* any XML part that declares a document type (``<!DOCTYPE``/``<!ENTITY``: entity expansion
  and external entities);
* work out of proportion to the data: more XML tags than ``Limits.max_cells`` cells can
  need, a cell or row reference beyond ``Limits.max_rows`` / ``max_columns``, thousands of
  elements before a sheet's data (column formats, views: never parsed, but scanned), and a
  shared-strings table larger than the cells that use it (a workbook saved by Excel keeps
  only the texts its cells use; the reader loads every one of them).
"""

from __future__ import annotations

import codecs
import re
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from udcntt.data._limits import Limits, limit_hint
from udcntt.data._table import fatal
from udcntt.errors import SourceLocation, msg

__all__ = ["SPARE_STRINGS", "ArchiveFacts", "check_archive"]

#: Texts a shared-strings table may hold beyond those its cells use.
SPARE_STRINGS = 10_000
#: XML elements a sheet may have before its data (columns, views, properties).
HEAD_TAGS = 50_000

_PROLOG_LIMIT = 1_000_000
_CHUNK = 1 << 20
# A cell or row reference with a column of three or more letters, or a row of six or more
# digits: the only ones that can exceed the default limits (checked exactly when found).
_FAR_REF = re.compile(rb'r="([A-Z]{3,}|[A-Z]{0,2}(?=[0-9]{6}))([0-9]*)"')  # after a space
_NAME_START = re.compile(r"[A-Za-z_:\u00c0-\uffff]")
_PREFIXED_ITEM = re.compile(rb"<[A-Za-z_][\w.-]*:si[\s/>]")
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData[\s/>]")
# Everything a damaged archive can raise while a part is read.
_DAMAGED = (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError, EOFError, KeyError)


@dataclass(slots=True)
class ArchiveFacts:
    """What the scan counted: the reader's work is bounded by these before it starts."""

    tags: int = 0
    string_refs: int = 0
    shared_strings: int = 0


def _xml_encoding(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, b"<\x00")):
        return "utf-16-le"
    if head.startswith((codecs.BOM_UTF16_BE, b"\x00<")):
        return "utf-16-be"
    return "latin-1"  # enough to find ASCII markup in UTF-8 and single-byte encodings


def _prolog_declares_doctype(data: bytes) -> bool | None:
    """``True`` when the XML prolog declares a DOCTYPE, ``None`` when it is not complete."""
    text = codecs.decode(data, _xml_encoding(data[:4]), errors="replace")
    text = text.lstrip("\ufeff")
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos >= len(text):
            return None
        if text.startswith("<?", pos):
            end, close = text.find("?>", pos + 2), "?>"
        elif text.startswith("<!--", pos):
            end, close = text.find("-->", pos + 4), "-->"
        elif text.startswith("<!", pos):
            return True  # <!DOCTYPE, <!ENTITY or anything else of the kind
        elif text.startswith("<", pos) and _NAME_START.match(text, pos + 1):
            return False  # the root element: no DOCTYPE can follow in well-formed XML
        else:
            return False  # not XML markup: the parser will reject it
        if end < 0:
            return None
        pos = end + len(close)


def _open(path: Path, loc: SourceLocation) -> zipfile.ZipFile:
    with open(path, "rb") as handle:
        magic = handle.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise fatal(
            "E-DATA-FORMAT",
            msg("an old-format .xls workbook or a password-protected .xlsx"),
            loc,
            msg("open it in Excel and save as 'Excel Workbook (.xlsx)' without a password"),
        )
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise fatal(
            "E-DATA-FORMAT",
            msg("not an XLSX workbook (not a valid zip archive)"),
            loc,
            msg("save the file from Excel as 'Excel Workbook (.xlsx)'"),
        ) from exc


def check_archive(path: Path, limits: Limits) -> ArchiveFacts:
    """Check an XLSX file's archive before any XML parser sees it.

    Returns:
        The counts the scan made (tags, cells referring to shared strings, shared strings).

    Raises:
        DataError: ``E-DATA-FORMAT`` when it is not a workbook, is damaged or declares a
            DOCTYPE, ``E-DATA-LIMIT`` for a zip bomb, too many or too large parts, or
            content out of proportion to the data (see the module docstring).
    """
    loc = SourceLocation(file=str(path))
    with _open(path, loc) as archive:
        infos = archive.infolist()
        _check_sizes(infos, limits, loc)
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise fatal(
                "E-DATA-FORMAT",
                msg("not an Excel workbook (the archive has no xl/workbook.xml)"),
                loc,
                msg("save the file from Excel as 'Excel Workbook (.xlsx)'"),
            )
        facts = ArchiveFacts()
        for info in infos:
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(info) as part:
                    _scan_part(part, info.filename, limits, loc, facts)
            except _DAMAGED as exc:
                raise fatal(
                    "E-DATA-FORMAT",
                    msg(
                        "the workbook is damaged: part '{part}' cannot be read ({error})",
                        part=info.filename,
                        error=f"{type(exc).__name__}: {exc}",
                    ),
                    loc,
                    msg("open it in Excel (which may repair it) and save it again as .xlsx"),
                ) from exc
    _check_strings(facts, limits, loc)
    return facts


def _check_sizes(infos: list[zipfile.ZipInfo], limits: Limits, loc: SourceLocation) -> None:
    if len(infos) > limits.max_zip_entries:
        raise fatal(
            "E-DATA-LIMIT",
            msg(
                "{count} parts in the workbook archive; the limit is {limit}",
                count=f"{len(infos):,}",
                limit=f"{limits.max_zip_entries:,}",
            ),
            loc,
            msg("raise Limits.max_zip_entries if the workbook is trusted"),
        )
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.max_part_bytes or total > limits.max_uncompressed_bytes:
            raise fatal(
                "E-DATA-LIMIT",
                msg(
                    "the workbook expands to more than {size} bytes (part '{part}')",
                    size=f"{min(total, info.file_size):,}",
                    part=info.filename,
                ),
                loc,
                msg(
                    "a survey workbook is a few megabytes; this one may be a zip bomb (or "
                    "raise Limits.max_part_bytes / Limits.max_uncompressed_bytes)"
                ),
            )
        if info.file_size > 1_000_000 and ratio > limits.max_zip_ratio:
            raise fatal(
                "E-DATA-LIMIT",
                msg(
                    "part '{part}' compresses {ratio}:1 (a zip bomb)",
                    part=info.filename,
                    ratio=f"{ratio:,.0f}",
                ),
                loc,
                msg("re-save the workbook from Excel, or raise Limits.max_zip_ratio"),
            )
        if info.flag_bits & 0x1:
            raise fatal("E-DATA-FORMAT", msg("the workbook archive is encrypted"), loc)


def _check_strings(facts: ArchiveFacts, limits: Limits, loc: SourceLocation) -> None:
    if facts.shared_strings > limits.max_cells:
        raise fatal(
            "E-DATA-LIMIT",
            msg(
                "the shared-strings table holds {count} texts; a survey has at most {limit} cells",
                count=f"{facts.shared_strings:,}",
                limit=f"{limits.max_cells:,}",
            ),
            loc,
            msg("raise Limits.max_cells if the workbook is trusted"),
        )
    if facts.shared_strings > facts.string_refs + SPARE_STRINGS:
        raise fatal(
            "E-DATA-LIMIT",
            msg(
                "the shared-strings table holds {count} texts but the sheets use at most "
                "{used} (a workbook saved by Excel keeps only the texts it uses)",
                count=f"{facts.shared_strings:,}",
                used=f"{facts.string_refs:,}",
            ),
            loc,
            msg(
                "open the workbook in Excel and save it again, or copy the data into a new workbook"
            ),
        )


def _scan_part(
    part: IO[bytes], name: str, limits: Limits, loc: SourceLocation, facts: ArchiveFacts
) -> None:
    """Read one XML part once, in chunks: its prolog, its tags, references and strings.

    Counts elements (every ``<``: an upper bound of cells, rows and strings), cells that
    refer to shared strings and the shared strings themselves, and looks for cell or row
    references beyond the row and column limits. A sheet's elements before its data
    (column formats, views) are skipped unparsed by the reader; they are bounded by
    :data:`HEAD_TAGS` all the same (a survey sheet has a few).
    """
    head = part.read(_PROLOG_LIMIT)
    verdict = _prolog_declares_doctype(head)
    if verdict is None and len(head) >= _PROLOG_LIMIT:
        verdict = True
    if verdict:
        raise fatal(
            "E-DATA-FORMAT",
            msg("part '{part}' declares an XML DOCTYPE or ENTITY", part=name),
            loc,
            msg(
                "workbooks saved by Excel never do; this file may be crafted to attack "
                "XML parsers. Re-save it from Excel"
            ),
        )
    lower = name.lower()
    sheet = lower.startswith("xl/worksheets/")
    strings = lower.endswith("sharedstrings.xml")
    budget = 6 * limits.max_cells + 10_000  # <c r=..><v>1</v></c> is 4 tags; strings 6
    in_data = not sheet
    head_tags = 0
    cells = 0
    tail = b""
    chunk = head
    while chunk:
        buf = tail + chunk
        cut = buf.rfind(b">") + 1
        body, tail = buf[:cut], buf[cut:]
        if len(tail) > _PROLOG_LIMIT:
            raise fatal("E-DATA-FORMAT", msg("part '{part}' is not XML markup", part=name), loc)
        tags = body.count(b"<")
        facts.tags += tags
        if facts.tags > budget:
            raise fatal(
                "E-DATA-LIMIT",
                msg(
                    "the workbook holds more than {limit} XML tags (part '{part}')",
                    limit=f"{budget:,}",
                    part=name,
                ),
                loc,
                msg(
                    "a survey has at most {limit} cells; raise Limits.max_cells",
                    limit=f"{limits.max_cells:,}",
                ),
            )
        if not in_data:
            found = _SHEET_DATA.search(body)
            head_tags += body.count(b"<", 0, found.start()) if found else tags
            if head_tags > HEAD_TAGS:
                raise fatal(
                    "E-DATA-LIMIT",
                    msg(
                        "part '{part}' has more than {limit} elements before its data "
                        "(column formats, views)",
                        part=name,
                        limit=f"{HEAD_TAGS:,}",
                    ),
                    loc,
                    msg("copy the data into a new workbook"),
                )
            in_data = found is not None
        if sheet:
            # Counted as written by Excel and openpyxl (t="s"); an upper bound is enough.
            facts.string_refs += body.count(b't="s"') + body.count(b"t='s'")
            # Cells as Excel and openpyxl write them (<c r=…>, <c>, <c/>): the sheet's
            # cells, empty formatted ones included, counted before any is parsed.
            cells += body.count(b"<c ") + body.count(b"<c>") + body.count(b"<c/>")
            _far_refs(body, name, limits, loc)
        elif strings:
            items = body.count(b"<si>") + body.count(b"<si ") + body.count(b"<si/>")
            if b":si" in body:  # a namespace prefix: <x:si>
                items += len(_PREFIXED_ITEM.findall(body))
            facts.shared_strings += items
        chunk = part.read(_CHUNK)
    if cells > limits.max_cells:
        raise fatal(
            "E-DATA-LIMIT",
            msg(
                "sheet part '{part}' has {count} cells; the limit is {limit} (max_cells)",
                part=name,
                count=f"{cells:,}",
                limit=f"{limits.max_cells:,}",
            ),
            loc,
            limit_hint("max_cells"),
        )


def _far_refs(body: bytes, name: str, limits: Limits, loc: SourceLocation) -> None:
    """Refuse a cell or row beyond the limits before the parser walks to it."""
    far = []
    for found in _FAR_REF.finditer(body):
        if body[found.start() - 1 : found.start()] not in (b" ", b"\t", b"\r", b"\n"):
            continue  # another attribute ending in r (xr="…")
        col, row = found.groups()
        row_number = int(row) if row else 0
        col_number = column_number(col.decode("ascii")) if col else 0
        if row_number > limits.max_rows or col_number > limits.max_columns:
            far.append((col.decode("ascii"), row.decode("ascii")))
    if not far:
        return
    col, row = next((ref for ref in far if ref[0] and ref[1]), far[0])
    raise fatal(
        "E-DATA-LIMIT",
        msg(
            "part '{part}' has a cell or row at {ref}, beyond {rows} rows or {columns} columns",
            part=name,
            ref=f"{col}{row}",
            rows=f"{limits.max_rows:,}",
            columns=f"{limits.max_columns:,}",
        ),
        replace(loc, row=int(row) if row else None, cell_column=col or None),
        limit_hint("max_rows")
        if row and int(row) > limits.max_rows
        else msg(
            "delete the stray cells far below or to the right of the data, or raise "
            "Limits.max_rows / Limits.max_columns"
        ),
    )


def column_number(letters: str) -> int:
    """The 1-based index of Excel column letters (``A`` → 1, ``AA`` → 27)."""
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number
