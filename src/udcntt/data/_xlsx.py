"""Reading XLSX workbooks safely, with work bounded by the cells actually read.

Before any XML parser sees a workbook, :func:`~udcntt.data._xlsx_archive.check_archive` reads
the archive with :mod:`zipfile` and refuses damaged files, zip bombs, DOCTYPEs and content
out of proportion to the data (see that module).

The workbook and its sheets are then read with ``defusedxml``'s streaming parser
(:mod:`~udcntt.data._xlsx_stream`), not with openpyxl's reader, which parses a sheet
without a ``<dimension>`` in full when the workbook is opened, pads every row to its last
cell (one cell at column 4,000 costs 4,000) and builds objects for every empty formatted
cell and every merge after the data. Only the sheet's ``<sheetData>`` is parsed, without
the empty self-closing cells (``<c r="B7" s="3"/>``: formatting only) that a file can hold
by the million in a few hundred kilobytes. Formula cells are seen as formulas and refused
(``E-DATA-FORMULA``) because the cached results stored next to them are not trusted.
Rows and cells are counted as they stream (:class:`XlsxStats`) and reading stops at
``Limits.max_rows``, ``max_columns`` and ``max_cells`` with ``E-DATA-LIMIT``. openpyxl's
public helpers give the built-in number formats and turn serial numbers into dates.
Texts holding control, invisible or bidirectional characters, in cells or sheet names, are
refused (``E-DATA-CHAR``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from types import ModuleType

from udcntt.data._chars import CharGuard, first_unsafe, visible
from udcntt.data._limits import Limits
from udcntt.data._table import Cell, Row, Table, column_letter, fatal
from udcntt.data._text import match_key
from udcntt.data._xlsx_archive import check_archive
from udcntt.data._xlsx_stream import RawCell, SheetStream, Workbook, XlsxStats, parse_rows
from udcntt.errors import (
    Diagnostic,
    SourceLocation,
    UdcnttError,
    UsageError,
    did_you_mean,
    msg,
)

__all__ = ["INSTRUCTION_SHEETS", "XlsxStats", "read_xlsx", "require_openpyxl"]

#: Sheets never read as data (compared by match key): the template's instructions and lists.
INSTRUCTION_SHEETS = frozenset(
    match_key(n) for n in ("README", "Hướng dẫn", "Huong dan", "_lists", "Danh mục")
)


def require_openpyxl() -> ModuleType:
    """Import openpyxl, checking that it parses XML through defusedxml.

    Raises:
        UsageError: when openpyxl or defusedxml is not installed.
    """
    hint = msg("install the Excel extra: pip install 'udcntt[excel]'")
    try:
        import defusedxml  # noqa: F401 - the excel extra is optional
        import openpyxl
        import openpyxl.xml
    except ImportError as exc:
        raise UsageError(
            msg(
                "reading and writing .xlsx needs openpyxl and defusedxml ({module} is missing)",
                module=exc.name,
            ),
            hint=hint,
        ) from exc
    if not openpyxl.xml.DEFUSEDXML:
        raise UsageError(
            msg("openpyxl is not using defusedxml (OPENPYXL_DEFUSEDXML is set to False)"),
            hint=msg("unset OPENPYXL_DEFUSEDXML; untrusted workbooks need defusedxml"),
        )
    return openpyxl


def _sheet_names(wb: Workbook, wanted: str | None, file: str) -> list[str]:
    names: list[str] = list(wb.sheetnames)
    if wanted is not None:
        key = match_key(wanted)
        for name in names:
            if match_key(name) == key:
                return [name]
        raise fatal(
            "E-DATA-MAPPING",
            msg("the workbook has no sheet '{sheet}'", sheet=wanted),
            SourceLocation(file=file),
            did_you_mean(wanted, names) or msg("sheets: {sheets}", sheets=", ".join(names)),
        )
    return [name for name in names if match_key(name) not in INSTRUCTION_SHEETS]


def read_xlsx(
    path: Path, *, sheet: str | None, limits: Limits, stats: XlsxStats | None = None
) -> list[Table]:
    """Read the data sheets of a workbook (or the one named) into raw tables.

    Args:
        path: the workbook.
        sheet: the sheet to read, or ``None`` for every visible data sheet.
        limits: the safety limits.
        stats: counts the work done, when given (tests and benchmarks use it).

    Raises:
        UsageError: when openpyxl or defusedxml is missing.
        DataError: for an unsafe, damaged or corrupt workbook (``E-DATA-FORMAT``), a
            missing sheet, refused characters (``E-DATA-CHAR``) or exceeded limits.
    """
    require_openpyxl()
    check_archive(path, limits)
    file = str(path)
    stats = stats if stats is not None else XlsxStats()
    # Open the file here so that it is closed whatever a corrupt part raises.
    with open(path, "rb") as handle:
        try:
            wb = Workbook(handle)
        except Exception as exc:  # zip, XML, KeyError, ValueError on corrupt files
            raise fatal(
                "E-DATA-FORMAT",
                msg(
                    "the workbook cannot be read ({kind}: {reason})",
                    kind=type(exc).__name__,
                    reason=exc,
                ),
                SourceLocation(file=file),
                msg("open it in Excel, check it, and save it again as .xlsx"),
            ) from exc
        try:
            _check_sheet_names(wb, file)
            guard = CharGuard()
            tables = []
            for name in _sheet_names(wb, sheet, file):
                if sheet is None and wb.states[name] != "visible":
                    # Hidden sheets are not read, but named in the report.
                    tables.append(Table(file=file, sheet=name, meta={"skipped": "hidden"}))
                    continue
                tables.append(_read_sheet(wb, name, file, limits, stats, guard))
            guard.done()
            return tables
        finally:
            wb.close()


def _check_sheet_names(wb: Workbook, file: str) -> None:
    if not wb.sheetnames:  # sheets whose part is missing are left out
        raise fatal(
            "E-DATA-FORMAT",
            msg("the workbook has no sheet that can be read (a damaged file?)"),
            SourceLocation(file=file),
            msg("open it in Excel (which may repair it) and save it again as .xlsx"),
        )
    guard = CharGuard()
    for name in wb.sheetnames:
        bad = first_unsafe(name)
        if bad is not None:
            guard.add(name, bad, SourceLocation(file=file, sheet=visible(name)))
    guard.done()


def _read_sheet(
    wb: Workbook, name: str, file: str, limits: Limits, stats: XlsxStats, guard: CharGuard
) -> Table:
    table = Table(file=file, sheet=name)
    try:
        source = SheetStream(wb.archive.open(wb.targets[name]), stats)
        try:
            for number, raw in parse_rows(source, wb):
                stats.rows_iterated += 1
                stats.cells_visited += len(raw)
                _bound(stats, number, raw, name, file, limits)
                cells = _cells(wb, raw, number, name, file, limits, guard)
                if cells:
                    loc = SourceLocation(file=file, sheet=name, row=number)
                    table.rows.append(Row(number, cells, loc))
        finally:
            source.close()
    except UdcnttError:
        raise
    except Exception as exc:  # a damaged part: zlib, zip, XML, bad numbers or references
        raise fatal(
            "E-DATA-FORMAT",
            msg(
                "sheet '{sheet}' cannot be read ({kind}: {reason})",
                sheet=name,
                kind=type(exc).__name__,
                reason=exc,
            ),
            SourceLocation(file=file, sheet=name),
            msg("open the workbook in Excel (which may repair it) and save it again as .xlsx"),
        ) from exc
    return table


def _bound(
    stats: XlsxStats, number: int, raw: list[RawCell], name: str, file: str, limits: Limits
) -> None:
    """Stop at the first row, column or cell beyond the limits."""
    loc = SourceLocation(file=file, sheet=name, row=number)
    last = max((cell.column for cell in raw), default=0)
    if number > limits.max_rows or stats.rows_iterated > limits.max_rows:
        where = (
            msg("a cell at {column}{row}", column=column_letter(last), row=number)
            if last
            else msg("row {row}", row=format(number, ","))
        )
        raise fatal(
            "E-DATA-LIMIT",
            msg(
                "sheet '{sheet}' has {where}, beyond row {limit}",
                sheet=name,
                where=where,
                limit=format(limits.max_rows, ","),
            ),
            replace(loc, cell_column=column_letter(last) if last else None),
            msg(
                "delete the rows and cells below the data, or raise the limit: --max-rows N "
                "on the command line, Limits(max_rows=N) in the API"
            ),
        )
    if last > limits.max_columns:
        col = column_letter(last)
        raise fatal(
            "E-DATA-LIMIT",
            msg(
                "sheet '{sheet}' has a cell in column {column}, beyond {limit} columns",
                sheet=name,
                column=col,
                limit=format(limits.max_columns, ","),
            ),
            SourceLocation(file=file, sheet=name, row=number, cell_column=col),
            msg("delete the stray cells to the right of the data, or raise Limits.max_columns"),
        )
    if stats.cells_visited > limits.max_cells:
        raise fatal(
            "E-DATA-LIMIT",
            msg(
                "the workbook holds more than {limit} cells (formatted empty cells included)",
                limit=format(limits.max_cells, ","),
            ),
            loc,
            msg(
                "delete the unused rows and columns, or raise the limit: --max-cells N on "
                "the command line, Limits(max_cells=N) in the API"
            ),
        )


def _cells(
    wb: Workbook,
    raw: list[RawCell],
    number: int,
    name: str,
    file: str,
    limits: Limits,
    guard: CharGuard,
) -> dict[int, Cell]:
    cells: dict[int, Cell] = {}
    for item in raw:
        value = item.value
        if value is None:
            continue
        index = item.column - 1
        col = column_letter(index + 1)
        loc = SourceLocation(file=file, sheet=name, row=number, cell_column=col)
        kind = item.kind
        if kind == "f":
            shown = str(value)
            guard.check(shown, loc)
            shown = shown[:60]
            cells[index] = Cell(
                None,
                loc,
                error=Diagnostic(
                    code="E-DATA-FORMULA",
                    message=msg(
                        "the cell holds a formula ({formula}); formulas are not read and their cached results are not trusted",
                        formula=shown,
                    ),
                    location=loc,
                    value=shown,
                    hint=msg("copy the column and use Paste Special → Values"),
                ),
            )
        elif kind == "e":
            shown = visible(str(value))
            cells[index] = Cell(
                None,
                loc,
                error=Diagnostic(
                    code="E-DATA-FORMULA",
                    message=msg("the cell holds the Excel error {error}", error=shown),
                    location=loc,
                    value=shown,
                    hint=msg("replace it with the value, or leave the cell empty"),
                ),
            )
        elif isinstance(value, str):
            if not value.strip():
                continue
            if len(value) > limits.max_field_chars:
                raise fatal(
                    "E-DATA-LIMIT",
                    msg(
                        "a cell of {count} characters; the limit is {limit}",
                        count=format(len(value), ","),
                        limit=format(limits.max_field_chars, ","),
                    ),
                    loc,
                    msg("survey cells hold short values, or raise Limits.max_field_chars"),
                )
            guard.check(value, loc)
            cells[index] = Cell(value, loc)
        elif isinstance(value, bool | int | float | Decimal):
            fmt = "" if isinstance(value, bool) else wb.number_format(item.style)
            cells[index] = Cell(value, loc, percent="%" in fmt)
        elif isinstance(value, datetime | date | time | timedelta):
            cells[index] = Cell(value, loc)
        else:
            text = str(value)
            guard.check(text, loc)
            cells[index] = Cell(text, loc)
    return cells
