"""Writing cells for the workbook: fonts, number formats, fills, widths, print setup.

Kept apart from :mod:`udcntt.report._xlsx` (which lays the sheets out) so each stays small.
Every text cell goes through :func:`~udcntt.report._csv.neutralise` here, in one place.
"""

from __future__ import annotations

import re
from copy import copy
from typing import TYPE_CHECKING, Any

from udcntt.errors import UsageError, msg
from udcntt.evaluation import Assessment
from udcntt.report._csv import neutralise
from udcntt.report._tables import tier_index

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "HEADER_FILL",
    "Book",
    "Sheet",
    "points_format",
    "require_openpyxl",
    "sheet_title",
    "tier_fill",
]

_FONT = "Times New Roman"
_TIER_FILLS = ("C8E6C9", "BBDEFB", "FFE082", "FFCDD2", "E0E0E0")
HEADER_FILL = "D9E2F3"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def require_openpyxl() -> None:
    """Raise a ``UsageError`` with the install hint when openpyxl is missing."""
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


def sheet_title(text: str, used: set[str]) -> str:
    """A valid, unique worksheet name: ≤ 31 characters, none of ``[]:*?/\\``.

    ``used`` holds the names taken so far (compared case-insensitively, as Excel does)
    and is updated.

    >>> used: set[str] = set()
    >>> sheet_title("Khối: sở/ban/ngành", used), sheet_title("khối  sở ban ngành", used)
    ('Khối sở ban ngành', 'khối sở ban ngành (2)')
    """
    clean = " ".join(_BAD_SHEET_CHARS.sub(" ", text).split()).strip("'") or "Sheet"
    base = clean[:31].strip().strip("'") or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)].rstrip() + suffix
        n += 1
    used.add(candidate.lower())
    return candidate


_StyleKey = tuple[bool, bool, int, str | None, str | None, str | None, bool, int, bool]


class Sheet:
    """Cell writing with the report's fonts and formats.

    openpyxl hashes every style object on assignment, which made a 43-agency workbook take
    seconds; each distinct combination is therefore built once per workbook and its style
    array copied to the next cells (``styles`` is shared by all sheets of a workbook).
    """

    def __init__(self, ws: Worksheet, styles: dict[_StyleKey, Any]) -> None:
        self.ws = ws
        self.styles = styles
        self.widths: dict[int, int] = {}

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
    ) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        cell = self.ws.cell(row=row, column=col)
        if isinstance(value, str):
            cell.value = neutralise(value)
            cell.data_type = "s"  # never a formula, whatever the text looks like
        else:
            cell.value = value
        key: _StyleKey = (bold, italic, size, fmt, align, fill, wrap, indent, border)
        cached = self.styles.get(key)
        if cached is not None:
            cell._style = copy(cached)  # type: ignore[union-attr]
        else:
            cell.font = Font(name=_FONT, size=size, bold=bold, italic=italic)
            if fmt:
                cell.number_format = fmt
            if align or wrap or indent:
                cell.alignment = Alignment(
                    horizontal=align, vertical="center", wrap_text=wrap, indent=indent
                )
            if fill:
                cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
            if border:
                side = Side(style="thin", color="808080")
                cell.border = Border(left=side, right=side, top=side, bottom=side)
            self.styles[key] = copy(cell._style)  # type: ignore[union-attr]
        if measure and value is not None and not wrap:
            length = len(str(cell.value)) + 2 * indent + 2
            self.widths[col] = max(self.widths.get(col, 0), length)

    def title(self, row: int, text: str, last_col: int, *, size: int = 14) -> None:
        from openpyxl.styles import Alignment

        self.put(row, 1, text, bold=True, size=size, measure=False)
        if last_col > 1:
            self.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
        self.ws.cell(row=row, column=1).alignment = Alignment(
            horizontal="center", vertical="center"
        )

    def finish(
        self,
        *,
        header_rows: str | None,
        freeze: str | None,
        min_width: int = 8,
        max_width: int = 60,
        fixed: dict[int, int] | None = None,
    ) -> None:
        from openpyxl.utils import get_column_letter

        for col, width in sorted(self.widths.items()):
            self.ws.column_dimensions[get_column_letter(col)].width = max(
                min_width, min(max_width, width)
            )
        for col, width in sorted((fixed or {}).items()):
            self.ws.column_dimensions[get_column_letter(col)].width = width
        if freeze:
            self.ws.freeze_panes = freeze
        ps = self.ws.page_setup
        ps.orientation = "landscape"
        ps.paperSize = 9  # A4
        ps.fitToWidth = 1
        ps.fitToHeight = 0
        setup = self.ws.sheet_properties.pageSetUpPr
        if setup is None:
            from openpyxl.worksheet.properties import PageSetupProperties

            setup = self.ws.sheet_properties.pageSetUpPr = PageSetupProperties()
        setup.fitToPage = True
        self.ws.print_options.horizontalCentered = True
        margins = self.ws.page_margins
        margins.left, margins.right, margins.top, margins.bottom = 0.5, 0.4, 0.6, 0.6
        if header_rows:
            self.ws.print_title_rows = header_rows


class Book:
    """The workbook being written: its sheet names and shared cell styles."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.used: set[str] = set()
        self.styles: dict[_StyleKey, Any] = {}

    def sheet(self, name: str) -> Sheet:
        """A new worksheet named (a valid, unique form of) ``name``."""
        return Sheet(self.wb.create_sheet(sheet_title(name, self.used)), self.styles)


def points_format(places: int) -> str:
    return "#,##0" + ("." + "0" * places if places else "")


def tier_fill(assessment: Assessment, tier: str) -> str:
    return _TIER_FILLS[min(tier_index(assessment, tier), len(_TIER_FILLS) - 1)]
