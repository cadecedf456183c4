"""Safety limits for survey files, and safe reading and decoding of their bytes.

Survey files come from anyone; every reader checks the limits below *before* doing work
proportional to the content, so a hostile file gives a clear ``E-DATA-LIMIT`` error quickly
and in bounded memory instead of exhausting the machine.

Text decoding never produces mojibake: UTF-8 (a BOM is accepted), UTF-16/UTF-32 with a BOM
(Excel's "Unicode text"), UTF-16 without BOM when the NUL-byte pattern shows it, or the
encoding declared by the caller (``cp1258`` for legacy Vietnamese Windows files). Anything
else is ``E-DATA-ENCODING`` with the offending byte's line and a hint.
"""

from __future__ import annotations

import codecs
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from udcntt.data._chars import check_text
from udcntt.data._table import fatal
from udcntt.errors import DataError, SourceLocation, msg

__all__ = [
    "DEFAULT_LIMITS",
    "READ_COST",
    "Limits",
    "decode_text",
    "limit_hint",
    "read_bytes",
    "shape_error",
]


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what a survey file may contain. All are settable.

    Attributes:
        max_file_bytes: size of the file on disk.
        max_field_chars: characters in one cell.
        max_rows: rows of one table (worksheet rows up to the last used one); checked on
            the file's shape before any value is read. Raise with ``--max-rows N``; each
            row of a 50-column survey costs about 50 × the per-cell cost below: about
            2 KB of memory and 25 µs of CPU from a CSV file, 24 KB and 1 ms from an XLSX
            workbook.
        max_columns: columns of one table.
        max_cells: non-empty cells of one file (of one worksheet, empty formatted cells
            included); checked before any value is read. Raise with ``--max-cells N``;
            reading costs about 35 bytes of memory and 0.45 µs of CPU per cell of a CSV
            file, about 0.5 KB and 20 µs per cell of an XLSX workbook (read cell by cell
            by openpyxl), measured on a 2-core machine.
        max_depth: nesting of JSON / YAML documents.
        max_zip_entries: parts of an XLSX archive.
        max_uncompressed_bytes: total uncompressed size of an XLSX archive.
        max_part_bytes: uncompressed size of one XLSX part (a sheet, the shared strings).
        max_zip_ratio: compression ratio of a large XLSX part beyond which it is a zip bomb.
    """

    max_file_bytes: int = 50_000_000
    max_field_chars: int = 10_000
    max_rows: int = 100_000
    max_columns: int = 4_000
    max_cells: int = 1_000_000
    max_depth: int = 32
    max_zip_entries: int = 5_000
    max_uncompressed_bytes: int = 200_000_000
    max_part_bytes: int = 100_000_000
    max_zip_ratio: int = 150


#: The limits used when none are given.
DEFAULT_LIMITS = Limits()

#: What reading one survey cell costs, per format, stated in the hints of ``E-DATA-LIMIT``.
#: Measured on a 2-core machine: ``udcntt.read_survey`` of ``benchmarks/end_to_end.py``'s
#: survey (50 columns: id, name, block, 39 numbers, 8 yes/no), CPU by
#: ``time.process_time`` (median of 5), memory by ``tracemalloc``'s peak. CSV: 0.34 µs and
#: 31 bytes a cell at 20,000 rows (0.47 µs and 60 bytes at 2,000, a fixed part spread over
#: fewer cells). XLSX, which openpyxl reads cell by cell: 18–22 µs and 475 bytes a cell at
#: 2,000 and 4,000 rows (357 bytes kept by the dataset).
READ_COST = msg(
    "about 35 bytes of memory and 0.45 µs of CPU per cell of a CSV file, about 0.5 KB and "
    "20 µs per cell of an XLSX workbook (measured on a 2-core machine)"
)

# The CLI option that raises each limit checked on a file's shape.
_OPTIONS = {"max_rows": "--max-rows", "max_cells": "--max-cells"}


def shape_error(
    field: str, count: int, limits: Limits, loc: SourceLocation, *, at_least: bool = False
) -> DataError:
    """The ``E-DATA-LIMIT`` error of a file whose shape exceeds ``max_rows`` / ``max_cells``.

    The message names the limit and the file's actual size (``count``; a lower bound when
    ``at_least``), the hint the option that raises it and what that costs.

    Args:
        field: ``"max_rows"`` or ``"max_cells"``.
        count: the rows or non-empty cells the file holds.
        limits: the limits in force.
        loc: where (the file; the row or part when known).
        at_least: the count stopped early (the rest of the file is malformed).

    Returns:
        The error, to raise.
    """
    limit = format(getattr(limits, field), ",")
    size = format(count, ",")
    if field == "max_rows":
        message = (
            msg(
                "the survey has at least {count} rows; the limit is {limit} (max_rows)",
                count=size,
                limit=limit,
            )
            if at_least
            else msg(
                "the survey has {count} rows; the limit is {limit} (max_rows)",
                count=size,
                limit=limit,
            )
        )
    else:
        message = msg(
            "the survey has {count} non-empty cells; the limit is {limit} (max_cells)",
            count=size,
            limit=limit,
        )
    return fatal("E-DATA-LIMIT", message, loc, limit_hint(field))


def limit_hint(field: str) -> str:
    """The hint naming the option and the API field that raise a limit, and the cost
    (:data:`READ_COST`)."""
    return msg(
        "if the file is trusted, raise the limit: {option} N on the command line, "
        "Limits({field}=N) in the API (reading costs {cost})",
        option=_OPTIONS[field],
        field=field,
        cost=READ_COST,
    )


_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Letters only Vietnamese uses, to recognise legacy Windows-1258 text in the hint.
_VIETNAMESE = frozenset("ăâđêôơưĂÂĐÊÔƠƯ")


def check_size(path: Path, limits: Limits) -> SourceLocation:
    """Check that the file exists and is within the size limit, without reading it.

    Returns:
        The file's location, for diagnostics.

    Raises:
        DataError: ``E-IO`` when it cannot be read, ``E-DATA-LIMIT`` when too large.
    """
    loc = SourceLocation(file=str(path))
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise fatal(
            "E-IO", msg("cannot read the file: {reason}", reason=exc.strerror or exc), loc
        ) from exc
    if size > limits.max_file_bytes:
        raise fatal(
            "E-DATA-LIMIT",
            msg(
                "file is {size} bytes; survey files are limited to {limit}",
                size=format(size, ","),
                limit=format(limits.max_file_bytes, ","),
            ),
            loc,
            msg("split the file, or raise the limit (Limits(max_file_bytes=...))"),
        )
    return loc


def read_bytes(path: Path, limits: Limits) -> bytes:
    """The file's bytes, after checking it exists and is not larger than the limit.

    Raises:
        DataError: ``E-IO`` when it cannot be read, ``E-DATA-LIMIT`` when too large.
    """
    loc = check_size(path, limits)
    try:
        with open(path, "rb") as handle:
            # Read what the file holds, not a buffer of the limit's size (which the
            # allocator would reserve whole); more only if the file grew meanwhile.
            size = min(os.fstat(handle.fileno()).st_size, limits.max_file_bytes)
            data = handle.read(size + 1)
            if len(data) > size:
                data += handle.read(limits.max_file_bytes + 1 - len(data))
    except OSError as exc:
        raise fatal(
            "E-IO", msg("cannot read the file: {reason}", reason=exc.strerror or exc), loc
        ) from exc
    if len(data) > limits.max_file_bytes:
        raise fatal("E-DATA-LIMIT", msg("file grew beyond the size limit while reading"), loc)
    return data


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even == 0:
        return "utf-16-le"
    if even > 0.3 * half and odd == 0:
        return "utf-16-be"
    return None


def decode_text(data: bytes, file: str, encoding: str | None = None) -> str:
    """Decode a text file's bytes and normalise to NFC.

    Args:
        data: the file's bytes.
        file: the name used in diagnostics.
        encoding: the declared encoding, or ``None`` to accept UTF-8 / UTF-16 / UTF-32
            (with a BOM for the last two).

    Raises:
        DataError: ``E-DATA-ENCODING`` when the bytes are not text in that encoding,
            ``E-DATA-FORMAT`` for NUL characters (a binary file), and ``E-DATA-CHAR`` for
            other control, invisible or bidirectional characters.
    """
    chosen = encoding
    body = data
    if chosen is None:
        for bom, name in _BOMS:
            if data.startswith(bom):
                chosen = name
                break
    if chosen is None:
        chosen = _utf16_without_bom(data) or "utf-8"
    elif codecs.lookup(chosen).name == "utf-8" and data.startswith(codecs.BOM_UTF8):
        chosen = "utf-8-sig"
    try:
        text = body.decode(chosen)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        hint = msg("save the file as UTF-8 ('CSV UTF-8' in Excel)")
        if encoding is None:
            try:
                legacy = body.decode("cp1258")
            except UnicodeDecodeError:
                legacy = ""
            if any(ch in _VIETNAMESE for ch in unicodedata.normalize("NFC", legacy)):
                hint = msg(
                    "the file looks like legacy Vietnamese Windows-1258 text: save it as 'CSV UTF-8' in Excel, or declare encoding: cp1258 in the layout"
                )
            else:
                hint = msg(
                    "save the file as UTF-8 ('CSV UTF-8' in Excel), or declare its encoding "
                    "in the layout (encoding: cp1258, …)"
                )
        raise fatal(
            "E-DATA-ENCODING",
            msg(
                "not {encoding} text (byte 0x{byte} at offset {offset})",
                encoding=chosen,
                byte=format(body[exc.start], "02x"),
                offset=exc.start,
            ),
            SourceLocation(file=file, line=line),
            hint,
        ) from exc
    except LookupError as exc:  # pragma: no cover - layouts validate encodings
        raise fatal(
            "E-DATA-ENCODING",
            msg("unknown encoding {encoding}", encoding=repr(chosen)),
            SourceLocation(file=file),
        ) from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise fatal(
            "E-DATA-FORMAT",
            msg("NUL character in a text file (is it a binary file, or saved in another format?)"),
            SourceLocation(file=file, line=line),
            msg("open the file in Excel and save it as 'CSV UTF-8'"),
        )
    text = unicodedata.normalize("NFC", text)
    check_text(text, file)
    return text
