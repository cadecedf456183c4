"""The workbook as a file: its default font, write-only sheets that take finished cells,
and the bytes written with fixed time stamps, so that two runs give the same file.

Split from :mod:`udcntt.report._xlsx_book` (which writes the cells of a sheet): what is
here deals with openpyxl's workbook and zip archive as a whole, and is the only place that
reaches into openpyxl's internals.
"""

from __future__ import annotations

import datetime
import os
import shutil
from functools import lru_cache
from typing import IO, TYPE_CHECKING, Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

__all__ = ["book_time", "cell_rows_class", "default_font", "save_book"]


def book_time(year: int | None) -> datetime.datetime:
    """The time stamped on the workbook and its parts: ``SOURCE_DATE_EPOCH`` when set
    (reproducible builds), else 1 January of the assessment's year, else 1 January 1980.

    Two runs over the same data therefore write identical bytes.

    >>> book_time(2017)  # doctest: +SKIP
    datetime.datetime(2017, 1, 1, 0, 0)
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        stamp = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
        return max(stamp.replace(tzinfo=None), datetime.datetime(1980, 1, 1))
    if year is not None and 1980 <= year <= 9999:
        return datetime.datetime(year, 1, 1)
    return datetime.datetime(1980, 1, 1)


def save_book(wb: Workbook, when: datetime.datetime, out: IO[bytes]) -> None:
    """Write the ``.xlsx`` file to ``out``, every part and property stamped ``when``."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.created = when
    wb.properties.modified = when
    ExcelWriter(wb, _StampedZip(out, when)).save()


def default_font(wb: Workbook, font: str) -> None:
    """Make ``font`` (the report's, at 12 pt) the workbook's default (the "Normal" style).

    Column widths are counted in digits of the default font; with openpyxl's default,
    Calibri, they came out a quarter wider in LibreOffice without Calibri (it substitutes a
    wider font) than in Excel. Must run before any cell is styled: the default font is the
    first of the workbook's fonts.
    """
    from openpyxl.styles import Font
    from openpyxl.utils.indexed_list import IndexedList

    base = Font(name=font, sz=12, family=1)
    wb._fonts = IndexedList([base])  # type: ignore[attr-defined]
    wb._named_styles["Normal"].font = base  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def cell_rows_class() -> type:
    """A write-only worksheet that takes rows of finished cells.

    openpyxl's write-only sheet turns each appended value into a cell; given a cell, it
    first tries it as a value and builds an error message with the cell's ``repr`` —
    a third of the time of writing a book. The cells
    :class:`~udcntt.report._xlsx_book.Sheet` appends already carry
    their row, column, value and style, so they go to the writer as they are.
    """
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    class CellRows(WriteOnlyWorksheet):
        def _values_to_row(self, values: Any, row_idx: int) -> Any:
            return values

    return CellRows


class _StampedZip(ZipFile):
    """A zip archive whose members all carry one time stamp (not the time of writing)."""

    def __init__(self, file: IO[bytes], when: datetime.datetime) -> None:
        super().__init__(file, "w", ZIP_DEFLATED, allowZip64=True)
        self._stamp = when.timetuple()[:6]

    def _info(self, name: str) -> ZipInfo:
        info = ZipInfo(name, date_time=self._stamp)
        info.compress_type = ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        super().writestr(self._info(name), data)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        """Copy the file ``filename`` (a sheet openpyxl streamed to disk) in, in chunks."""
        info = self._info(arcname or os.path.basename(filename))
        with open(filename, "rb") as source, self.open(info, "w", force_zip64=True) as target:
            shutil.copyfileobj(source, target, 1 << 20)
