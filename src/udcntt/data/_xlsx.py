"""Reading XLSX workbooks safely.

Before openpyxl touches a workbook, the archive itself is checked with :mod:`zipfile`:

* it is a zip with the parts of a workbook (an old ``.xls`` or a password-protected file is
  recognised and named);
* entries are few, none expands beyond ``Limits.max_part_bytes``, all together beyond
  ``Limits.max_uncompressed_bytes``, and no large entry compresses better than
  ``Limits.max_zip_ratio`` : 1 (a zip bomb);
* no XML part declares a document type (``<!DOCTYPE``/``<!ENTITY``: entity expansion and
  external entities), found by reading each part's prolog up to its root element.

openpyxl is then used with ``defusedxml`` in place (checked: ``openpyxl.xml.DEFUSEDXML``),
in read-only mode (rows stream, the grid is never materialised) and with
``data_only=False`` so that formula cells are seen as formulas: they are refused
(``E-DATA-FORMULA``) because the cached results stored next to them are not trusted.
A worksheet whose content reaches beyond ``Limits.max_rows`` / ``max_columns`` (a stray
cell at XFD1048576) is refused as soon as the stream gets there.
"""

from __future__ import annotations

import codecs
import re
import warnings
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

from udcntt.data._limits import Limits
from udcntt.data._table import Cell, Row, Table, column_letter, fatal
from udcntt.data._text import match_key
from udcntt.errors import Diagnostic, SourceLocation, UdcnttError, UsageError, did_you_mean

__all__ = ["INSTRUCTION_SHEETS", "check_archive", "read_xlsx", "require_openpyxl"]

#: Sheets never read as data (compared by match key): the template's instructions and lists.
INSTRUCTION_SHEETS = frozenset(
    match_key(n) for n in ("README", "Hướng dẫn", "Huong dan", "_lists", "Danh mục")
)
_PROLOG_LIMIT = 1_000_000
_SCAN_FROM = 256_000
# A cell or row reference with a column of three or more letters, or a row of six or more
# digits: the only ones that can exceed the default limits (checked exactly when found).
_FAR_REF = re.compile(rb'\sr="([A-Z]{3,}|[A-Z]{0,2}(?=[0-9]{6}))([0-9]*)"')
_NAME_START = re.compile(r"[A-Za-z_:\u00c0-\uffff]")


def require_openpyxl() -> ModuleType:
    """Import openpyxl, checking that it parses XML through defusedxml.

    Raises:
        UsageError: when openpyxl or defusedxml is not installed.
    """
    hint = "install the Excel extra: pip install 'udcntt[excel]'"
    try:
        import defusedxml  # noqa: F401 - the excel extra is optional
        import openpyxl
        import openpyxl.xml
    except ImportError as exc:
        raise UsageError(
            f"reading and writing .xlsx needs openpyxl and defusedxml ({exc.name} is missing)",
            hint=hint,
        ) from exc
    if not openpyxl.xml.DEFUSEDXML:
        raise UsageError(
            "openpyxl is not using defusedxml (OPENPYXL_DEFUSEDXML is set to False)",
            hint="unset OPENPYXL_DEFUSEDXML; untrusted workbooks need defusedxml",
        )
    return openpyxl


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


def check_archive(path: Path, limits: Limits) -> None:
    """Check an XLSX file's archive before any XML parser sees it.

    Raises:
        DataError: ``E-DATA-FORMAT`` when it is not a workbook or declares a DOCTYPE,
            ``E-DATA-LIMIT`` for a zip bomb or too many or too large parts.
    """
    loc = SourceLocation(file=str(path))
    with open(path, "rb") as handle:
        magic = handle.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise fatal(
            "E-DATA-FORMAT",
            "an old-format .xls workbook or a password-protected .xlsx",
            loc,
            "open it in Excel and save as 'Excel Workbook (.xlsx)' without a password",
        )
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise fatal(
            "E-DATA-FORMAT",
            "not an XLSX workbook (not a valid zip archive)",
            loc,
            "save the file from Excel as 'Excel Workbook (.xlsx)'",
        ) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_zip_entries:
            raise fatal("E-DATA-LIMIT", f"{len(infos):,} parts in the workbook archive", loc)
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limits.max_part_bytes or total > limits.max_uncompressed_bytes:
                raise fatal(
                    "E-DATA-LIMIT",
                    f"the workbook expands to more than {min(total, info.file_size):,} bytes "
                    f"(part '{info.filename}')",
                    loc,
                    "a survey workbook is a few megabytes; this one may be a zip bomb",
                )
            if info.file_size > 1_000_000 and ratio > limits.max_zip_ratio:
                raise fatal(
                    "E-DATA-LIMIT",
                    f"part '{info.filename}' compresses {ratio:,.0f}:1 (a zip bomb)",
                    loc,
                    "re-save the workbook from Excel",
                )
            if info.flag_bits & 0x1:
                raise fatal("E-DATA-FORMAT", "the workbook archive is encrypted", loc)
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise fatal(
                "E-DATA-FORMAT",
                "not an Excel workbook (the archive has no xl/workbook.xml)",
                loc,
                "save the file from Excel as 'Excel Workbook (.xlsx)'",
            )
        for info in infos:
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(info) as part:
                    head = part.read(_PROLOG_LIMIT)
                    if info.file_size > _SCAN_FROM:
                        _scan_part(part, head, info.filename, limits, loc)
            except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError) as exc:
                raise fatal(
                    "E-DATA-FORMAT", f"part '{info.filename}' cannot be read: {exc}", loc
                ) from exc
            verdict = _prolog_declares_doctype(head)
            if verdict is None and len(head) >= _PROLOG_LIMIT:
                verdict = True
            if verdict:
                raise fatal(
                    "E-DATA-FORMAT",
                    f"part '{info.filename}' declares an XML DOCTYPE or ENTITY",
                    loc,
                    "workbooks saved by Excel never do; this file may be crafted to attack "
                    "XML parsers. Re-save it from Excel",
                )


def _scan_part(part: Any, head: bytes, name: str, limits: Limits, loc: SourceLocation) -> None:
    """Bound a large XML part's content before a parser builds anything from it.

    Counts elements (every ``<``: an upper bound of cells, rows and strings) and looks for
    cell or row references beyond the row and column limits, reading the part once in
    chunks (regular expressions on bytes, so a 30 MB sheet takes a fraction of a second).
    openpyxl reads a sheet twice when it has no ``<dimension>``; this keeps both bounded.
    """
    budget = 6 * limits.max_cells + 10_000  # <c r=..><v>1</v></c> is 4 tags; strings 6
    elements = 0
    tail = b""
    chunk = head
    while chunk:
        buf = tail + chunk
        cut = buf.rfind(b">") + 1
        body, tail = buf[:cut], buf[cut:]
        if len(tail) > _PROLOG_LIMIT:
            raise fatal("E-DATA-FORMAT", f"part '{name}' is not XML markup", loc)
        elements += body.count(b"<")
        if elements > budget:
            raise fatal(
                "E-DATA-LIMIT",
                f"part '{name}' holds more than {budget:,} XML tags",
                loc,
                f"a survey has at most {limits.max_cells:,} cells; raise Limits.max_cells",
            )
        for col, row in _FAR_REF.findall(body):
            row_number = int(row) if row else 0
            col_number = _column_number(col.decode("ascii")) if col else 0
            if row_number > limits.max_rows or col_number > limits.max_columns:
                ref = (col + row).decode("ascii")
                what = f"a cell at {ref}" if col else f"a row numbered {ref}"
                raise fatal(
                    "E-DATA-LIMIT",
                    f"part '{name}' has {what}, beyond {limits.max_rows:,} rows or "
                    f"{limits.max_columns:,} columns",
                    loc,
                    "delete the stray cells far below or to the right of the data",
                )
        chunk = part.read(1 << 20)


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _sheet_names(wb: Any, wanted: str | None, file: str) -> list[str]:
    names: list[str] = list(wb.sheetnames)
    if wanted is not None:
        key = match_key(wanted)
        for name in names:
            if match_key(name) == key:
                return [name]
        raise fatal(
            "E-DATA-MAPPING",
            f"the workbook has no sheet '{wanted}'",
            SourceLocation(file=file),
            did_you_mean(wanted, names) or f"sheets: {', '.join(names)}",
        )
    return [name for name in names if match_key(name) not in INSTRUCTION_SHEETS]


def read_xlsx(path: Path, *, sheet: str | None, limits: Limits) -> list[Table]:
    """Read the data sheets of a workbook (or the one named) into raw tables.

    Raises:
        UsageError: when openpyxl or defusedxml is missing.
        DataError: for an unsafe or corrupt workbook, a missing sheet or exceeded limits.
    """
    openpyxl = require_openpyxl()
    check_archive(path, limits)
    file = str(path)
    # Open the file ourselves so that it is closed whatever openpyxl does on a corrupt file.
    with open(path, "rb") as handle:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                wb = openpyxl.load_workbook(
                    handle, read_only=True, data_only=False, keep_links=False, keep_vba=False
                )
        except Exception as exc:  # openpyxl raises many kinds on corrupt files
            raise fatal(
                "E-DATA-FORMAT",
                f"the workbook cannot be read ({type(exc).__name__}: {exc})",
                SourceLocation(file=file),
                "open it in Excel, check it, and save it again as .xlsx",
            ) from exc
        try:
            tables = []
            cells_seen = 0
            for name in _sheet_names(wb, sheet, file):
                if sheet is None and getattr(wb[name], "sheet_state", "visible") != "visible":
                    # Hidden sheets are not read, but named in the report.
                    tables.append(Table(file=file, sheet=name, meta={"skipped": "hidden"}))
                    continue
                table, count = _read_sheet(wb[name], name, file, limits, cells_seen)
                cells_seen += count
                tables.append(table)
            return tables
        finally:
            wb.close()


def _read_sheet(ws: Any, name: str, file: str, limits: Limits, seen: int) -> tuple[Table, int]:
    table = Table(file=file, sheet=name)
    declared = (ws.max_row, ws.max_column)
    ws.reset_dimensions()  # stream what is there; declared dimensions may lie
    count = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for number, row in enumerate(ws.iter_rows(min_row=1), start=1):
                if number > limits.max_rows:
                    shown = ""
                    if declared[0] and declared[1]:
                        shown = f" (its declared range ends at {column_letter(declared[1])}"
                        shown += f"{declared[0]})"
                    raise fatal(
                        "E-DATA-LIMIT",
                        f"sheet '{name}' has content beyond row {limits.max_rows:,}{shown}",
                        SourceLocation(file=file, sheet=name, row=number),
                        "delete the rows and cells below the data, or raise Limits.max_rows",
                    )
                if len(row) > limits.max_columns:
                    col = column_letter(len(row))
                    raise fatal(
                        "E-DATA-LIMIT",
                        f"sheet '{name}' has a cell in column {col}, beyond "
                        f"{limits.max_columns:,} columns",
                        SourceLocation(file=file, sheet=name, row=number, cell_column=col),
                        "delete the stray cells to the right of the data",
                    )
                cells = _cells(row, number, name, file, limits)
                if cells:
                    count += len(cells)
                    if seen + count > limits.max_cells:
                        raise fatal(
                            "E-DATA-LIMIT",
                            f"more than {limits.max_cells:,} non-empty cells",
                            SourceLocation(file=file, sheet=name, row=number),
                        )
                    table.rows.append(
                        Row(number, cells, SourceLocation(file=file, sheet=name, row=number))
                    )
    except UdcnttError:
        raise
    except (KeyError, ValueError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise fatal(
            "E-DATA-FORMAT",
            f"sheet '{name}' cannot be read ({type(exc).__name__}: {exc})",
            SourceLocation(file=file, sheet=name),
        ) from exc
    except zipfile.BadZipFile as exc:
        raise fatal(
            "E-DATA-FORMAT", f"sheet '{name}' is corrupt: {exc}", SourceLocation(file=file)
        ) from exc
    return table, count


def _cells(row: Any, number: int, name: str, file: str, limits: Limits) -> dict[int, Cell]:
    cells: dict[int, Cell] = {}
    for index, cell in enumerate(row):
        value = getattr(cell, "value", None)
        if value is None:
            continue
        col = column_letter(index + 1)
        loc = SourceLocation(file=file, sheet=name, row=number, cell_column=col)
        kind = getattr(cell, "data_type", None)
        if kind == "f":
            shown = str(getattr(value, "text", value))[:60]
            cells[index] = Cell(
                None,
                loc,
                error=Diagnostic(
                    code="E-DATA-FORMULA",
                    message=f"the cell holds a formula ({shown}); formulas are not read and "
                    "their cached results are not trusted",
                    location=loc,
                    value=shown,
                    hint="copy the column and use Paste Special → Values",
                ),
            )
        elif kind == "e":
            cells[index] = Cell(
                None,
                loc,
                error=Diagnostic(
                    code="E-DATA-FORMULA",
                    message=f"the cell holds the Excel error {value}",
                    location=loc,
                    value=str(value),
                    hint="replace it with the value, or leave the cell empty",
                ),
            )
        elif isinstance(value, str):
            if not value.strip():
                continue
            if len(value) > limits.max_field_chars:
                raise fatal(
                    "E-DATA-LIMIT",
                    f"a cell of {len(value):,} characters; the limit is {limits.max_field_chars:,}",
                    loc,
                )
            cells[index] = Cell(value, loc)
        elif isinstance(value, bool | int | float | Decimal):
            fmt = str(getattr(cell, "number_format", "") or "")
            cells[index] = Cell(value, loc, percent="%" in fmt and not isinstance(value, bool))
        elif isinstance(value, datetime | date | time | timedelta):
            cells[index] = Cell(value, loc)
        else:
            cells[index] = Cell(str(value), loc)
    return cells
