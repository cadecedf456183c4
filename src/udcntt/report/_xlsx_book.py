"""Writing cells for the workbook: fonts, number formats, fills, widths, print setup.

Kept apart from :mod:`udcntt.report._xlsx` (which lays the sheets out) so each stays small.
Every text cell goes through :func:`~udcntt.report._csv.neutralise` here, in one place.

The workbook is written in openpyxl's write-only mode: a :class:`Sheet` holds the cells
put into it (in any order) and writes them out, row by row, when it is finished or flushed
— so a sheet costs time and memory in proportion to its cells, whatever the size of the
book. Merged ranges are recorded once each (openpyxl's ``merge_cells`` compares every new
range with every range already merged, which made a book with thousands of sections
quadratic), and page breaks are set once per sheet. Row heights are computed from the text
of wrapped cells and the widths of their columns, so no wrapped text is clipped.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from copy import copy
from functools import lru_cache
from typing import IO, TYPE_CHECKING, Any

from udcntt._words import word
from udcntt.errors import UsageError, msg
from udcntt.evaluation import Assessment
from udcntt.report._csv import neutralise
from udcntt.report._tables import tier_index
from udcntt.report._xlsx_file import book_time, cell_rows_class, default_font, save_book
from udcntt.report._xlsx_names import sheet_title

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = [
    "HEADER_FILL",
    "Book",
    "Sheet",
    "book_time",
    "points_format",
    "require_openpyxl",
    "sheet_title",
    "tier_fill",
]

_FONT = "Times New Roman"
_TIER_FILLS = ("C8E6C9", "BBDEFB", "FFE082", "FFCDD2", "E0E0E0")
HEADER_FILL = "D9E2F3"
#: A4 in points, and the margins set below (inches), for the one-page-per-section scale.
_A4 = (595.0, 842.0)
_MARGINS = (0.5, 0.4, 0.6, 0.7)  # left, right, top, bottom
#: Points per unit of column width: the width of a digit of the workbook's default font,
#: set to the report's font (Times New Roman 12 pt: half an em, 6 pt) so that widths mean
#: the same in Excel and in LibreOffice whichever fonts they have; and the height of a line
#: per point of font size.
_PT_PER_WIDTH = 6.0
_LINE_PT = 1.3


def require_openpyxl() -> None:
    """Raise a ``UsageError`` with the install hint when openpyxl is missing.

    Raises:
        UsageError: ``E-USAGE`` when ``openpyxl`` cannot be imported.
    """
    try:
        import openpyxl  # noqa: F401 - optional dependency
    except ImportError:
        raise UsageError(
            msg(
                "writing .{format} reports needs the optional dependency {package}",
                format="xlsx",
                package="openpyxl",
            ),
            code="E-USAGE",
            hint="pip install 'udcntt[excel]'",
        ) from None


_StyleKey = tuple[bool, bool, int, str | None, str | None, str | None, bool, int, bool, str]
#: Every look a cell has had, so that the cells waiting to be written share its tuple.
_KEYS: dict[_StyleKey, _StyleKey] = {}


def _em(text: str) -> float:
    """The printed width of ``text`` in em of Times New Roman: the mean widths of its
    small letters, capitals, digits, spaces and signs."""
    width = 0.0
    for ch in text:
        if ch == " ":
            width += 0.25
        elif ch.isupper():
            width += 0.68
        elif ch.isdigit():
            width += 0.5
        elif ch.isalpha():
            width += 0.45
        else:
            width += 0.33
    return width


@lru_cache(maxsize=4096)  # criterion labels repeat on every agency's score sheet
def _lines(text: str, room: float) -> int:
    """How many lines ``text`` takes, wrapped by words into lines ``room`` em wide."""
    space = _em(" ")
    total = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0.0
        for token in paragraph.split():
            size = _em(token)
            if used == 0.0 or used + space + size <= room:
                used = size if used == 0.0 else used + space + size
                while used > room:  # a word longer than the line breaks inside
                    lines += 1
                    used -= room
            else:
                lines += 1
                used = size
        total += lines
    return total


class Sheet:
    """Cell writing with the report's fonts and formats, buffered until written out.

    openpyxl hashes every style object on assignment, which made a 43-agency workbook take
    seconds; each distinct combination is therefore built once per workbook and its style
    array copied to the next cells (``styles`` is shared by all sheets of a workbook).
    """

    def __init__(self, ws: WriteOnlyWorksheet, styles: dict[_StyleKey, Any], lang: str) -> None:
        #: The worksheet; ``Any``: openpyxl's stubs lack what write-only sheets share with
        #: ordinary ones (dimensions, page setup, merged cells, breaks).
        self.ws: Any = ws
        self.styles = styles
        self.lang = lang
        self.widths: dict[int, int] = {}
        self.merges = 0
        self._cells: dict[int, dict[int, tuple[Any, _StyleKey]]] = {}
        self._spans: dict[tuple[int, int], int] = {}
        self._heights: dict[int, float] = {}
        self._breaks: list[int] = []
        self._break_rows: set[int] = set()
        self._columns: dict[int, float] | None = None
        self._written = 0
        self._tallest = 0.0  # the tallest run of rows between two page breaks, in points
        self._run = 0.0

    def put(
        self,
        row: int,
        col: int,
        value: Any,
        *,
        bold: bool = False,
        italic: bool = False,
        size: int = 12,
        fmt: str | None = None,
        align: str | None = None,
        fill: str | None = None,
        wrap: bool = False,
        indent: int = 0,
        border: bool = False,
        measure: bool = True,
        valign: str = "center",
    ) -> None:
        """Put ``value`` in the cell at ``row``, ``col`` with the given look.

        ``measure``: the text widens its column (up to the sheet's maximum width).

        Raises:
            ValueError: the row was already written out (:meth:`flush`).
        """
        if row <= self._written:
            raise ValueError(f"row {row} of sheet {self.ws.title!r} is already written")
        if isinstance(value, str):
            value = neutralise(value)
        key: _StyleKey = (bold, italic, size, fmt, align, fill, wrap, indent, border, valign)
        key = _KEYS.setdefault(key, key)  # one tuple per look, however many cells wait
        self._cells.setdefault(row, {})[col] = (value, key)
        if measure and value is not None and not wrap:
            length = len(str(value)) + 2 * indent + 2
            self.widths[col] = max(self.widths.get(col, 0), length)

    def merge(self, row: int, col: int, last_col: int, last_row: int | None = None) -> None:
        """Merge the cells from ``row``, ``col`` to ``last_row`` (default ``row``), ``last_col``.

        The ranges a sheet merges never overlap, so each is recorded without comparing it
        with the others.
        """
        self._spans[row, col] = last_col
        self.merges += 1
        from openpyxl.worksheet.cell_range import CellRange

        end = row if last_row is None else last_row
        rng = CellRange(min_col=col, min_row=row, max_col=last_col, max_row=end)
        self.ws.merged_cells.ranges.add(rng)

    def height(self, row: int, points: float) -> None:
        """Make ``row`` at least ``points`` tall."""
        self._heights[row] = max(self._heights.get(row, 0.0), points)

    def page_break(self, after_row: int) -> None:
        """Start a new printed page after ``after_row``."""
        self._breaks.append(after_row)
        self._break_rows.add(after_row)

    def title(self, row: int, text: str, last_col: int, *, size: int = 14) -> None:
        """A bold title centred over the columns 1 to ``last_col``, wrapped when long."""
        self.put(row, 1, text, bold=True, size=size, align="center", wrap=True, measure=False)
        if last_col > 1:
            self.merge(row, 1, last_col)

    def _layout(
        self,
        fixed: dict[int, int] | None,
        freeze: str | None,
        min_width: int,
        max_width: int,
        fit_to_page: bool,
    ) -> dict[int, float]:
        """Set the column widths, panes and fitting (before the first row is written out:
        openpyxl writes them at the top of the sheet)."""
        if self._columns is not None:
            return self._columns
        from openpyxl.worksheet.properties import PageSetupProperties

        self.ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=fit_to_page)
        from openpyxl.utils import get_column_letter

        columns: dict[int, float] = {
            col: max(min_width, min(max_width, width)) for col, width in self.widths.items()
        }
        columns.update(fixed or {})
        for col, width in sorted(columns.items()):
            self.ws.column_dimensions[get_column_letter(col)].width = width
        if freeze:
            self.ws.freeze_panes = freeze
        self._columns = columns
        return columns

    def _row_height(self, row: int, cells: dict[int, tuple[Any, _StyleKey]]) -> float | None:
        columns = self._columns or {}
        lines_pt = 0.0
        for col, (value, key) in cells.items():
            if not key[6] or not isinstance(value, str) or not value:
                continue
            last = self._spans.get((row, col), col)
            width = sum(columns.get(c, 8.43) for c in range(col, last + 1))
            room = max(1.0, (width - 1.0 - 2 * key[7]) * _PT_PER_WIDTH / key[2])
            lines_pt = max(lines_pt, _lines(value, room) * key[2] * _LINE_PT + 4)
        explicit = self._heights.get(row)
        if explicit is None and lines_pt <= 16.5:
            return None
        return max(explicit or 0.0, lines_pt)

    def flush(
        self,
        before_row: int,
        *,
        fixed: dict[int, int] | None = None,
        freeze: str | None = None,
        min_width: int = 8,
        max_width: int = 60,
        fit_to_page: bool = True,
    ) -> None:
        """Write out every row above ``before_row``; they can no longer be changed.

        The first flush fixes the column widths (from what was measured so far and
        ``fixed``), the frozen panes and whether the print is scaled to fit the page.
        """
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self._layout(fixed, freeze, min_width, max_width, fit_to_page)
        for row in range(self._written + 1, before_row):
            cells = self._cells.pop(row, {})
            height = self._row_height(row, cells)
            self._run += height if height is not None else 15.75
            if row in self._break_rows:
                self._tallest, self._run = max(self._tallest, self._run), 0.0
            if height is not None:
                self.ws.row_dimensions[row].height = round(height, 1)
            out: list[Any] = []
            for col in sorted(cells):
                value, key = cells[col]
                cell: Any = WriteOnlyCell(self.ws, value)
                cell.row, cell.column = row, col
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text looks like
                cached = self.styles.get(key)
                if cached is not None:
                    cell._style = copy(cached)
                else:
                    bold, italic, size, fmt, align, fill, wrap, indent, border, valign = key
                    cell.font = Font(name=_FONT, size=size, bold=bold, italic=italic)
                    if fmt:
                        cell.number_format = fmt
                    cell.alignment = Alignment(
                        horizontal=align, vertical=valign, wrap_text=wrap, indent=indent
                    )
                    if fill:
                        cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
                    if border:
                        side = Side(style="thin", color="808080")
                        cell.border = Border(left=side, right=side, top=side, bottom=side)
                    self.styles[key] = copy(cell._style)
                out.append(cell)
            self.ws.append(out)
            if height is not None:  # written with its row: no need to keep it
                del self.ws.row_dimensions[row]
            for col in cells:
                self._spans.pop((row, col), None)
        self._written = max(self._written, before_row - 1)

    def finish(
        self,
        *,
        header_rows: str | None,
        freeze: str | None,
        min_width: int = 8,
        max_width: int = 60,
        fixed: dict[int, int] | None = None,
        portrait: bool = False,
        one_page: bool = False,
        page_per_break: bool = False,
    ) -> None:
        """Write out the rest of the sheet and set up its printing.

        Every page carries its number in the footer ("Trang 2/5"); the sheet fits the
        page width (``one_page``: the whole sheet fits one page; ``page_per_break``: the
        scale is chosen so that the tallest run between two page breaks fits one page).
        """
        last = max([*self._cells, *self._heights, self._written], default=0)
        self.flush(
            last + 1,
            fixed=fixed,
            freeze=freeze,
            min_width=min_width,
            max_width=max_width,
            fit_to_page=not page_per_break,
        )
        self._tallest = max(self._tallest, self._run)
        ws = self.ws
        ps = ws.page_setup
        ps.orientation = "portrait" if portrait else "landscape"
        ps.paperSize = 9  # A4
        left, right, top, bottom = _MARGINS
        margins = ws.page_margins
        margins.left, margins.right, margins.top, margins.bottom = left, right, top, bottom
        margins.header, margins.footer = 0.3, 0.3
        # The page number on every printed page, in the Word report's words: "Trang 2/50"
        # (``&P`` the page, ``&N`` the pages).
        before, between = (
            word("report.docx.page_before", self.lang),
            word("report.docx.page_between", self.lang),
        )
        ws.oddFooter.center.text = f"{before}&P{between}&N"
        ws.oddFooter.center.size = 10
        ws.print_options.horizontalCentered = True
        if page_per_break:
            ps.scale = self._scale(portrait)
        else:
            ps.fitToWidth = 1
            ps.fitToHeight = 1 if one_page else 0
        if self._breaks:
            from openpyxl.worksheet.pagebreak import Break, RowBreak

            ws.row_breaks = RowBreak(brk=[Break(id=row) for row in self._breaks])
        if header_rows:
            ws.print_title_rows = header_rows

    def _scale(self, portrait: bool) -> int:
        """The print scale (per cent) at which the columns fit the page width and the
        tallest run of rows between page breaks fits the page height."""
        page_w, page_h = _A4 if portrait else _A4[::-1]
        left, right, top, bottom = _MARGINS
        room_w = page_w - 72 * (left + right)
        room_h = page_h - 72 * (top + bottom)
        width = sum(w * _PT_PER_WIDTH + 4.0 for w in (self._columns or {}).values())
        by_width = room_w / width if width else 1.0
        by_height = room_h / self._tallest if self._tallest else 1.0
        return max(10, min(100, math.floor(100 * min(by_width, by_height))))


class Book:
    """The workbook being written: its sheet names, shared cell styles and language."""

    def __init__(self, wb: Workbook, lang: str = "vi") -> None:
        default_font(wb, _FONT)
        self.wb = wb
        self.lang = lang
        self.used: set[str] = set()
        self.styles: dict[_StyleKey, Any] = {}
        self.sheets: list[Sheet] = []

    def sheet(self, name: str, *, prefix: str = "", aliases: Sequence[str] = ()) -> Sheet:
        """A new worksheet named (a valid, unique, readable form of) ``prefix + name``;
        ``aliases``: the registry's other spellings, among which a short form may serve."""
        title = sheet_title(name, self.used, prefix=prefix, aliases=aliases)
        ws = cell_rows_class()(parent=self.wb, title=title)
        self.wb._add_sheet(ws)  # type: ignore[attr-defined]
        sheet = Sheet(ws, self.styles, self.lang)
        self.sheets.append(sheet)
        return sheet

    def save(self, when: datetime.datetime, out: IO[bytes]) -> None:
        """Write the ``.xlsx`` file to ``out``, every part and property stamped ``when``."""
        save_book(self.wb, when, out)


def points_format(places: int) -> str:
    return "#,##0" + ("." + "0" * places if places else "")


def tier_fill(assessment: Assessment, tier: str) -> str:
    return _TIER_FILLS[min(tier_index(assessment, tier), len(_TIER_FILLS) - 1)]
