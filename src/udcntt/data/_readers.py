"""Readers for delimited text (CSV, TSV, Excel "Unicode text"), JSON and YAML surveys.

Each reader turns a file into raw :class:`~udcntt.data._table.Table` s and knows nothing
about indicators. File-level problems (encoding, size, nesting, syntax) stop reading with a
located ``DataError`` in every policy; cell-level problems are left to validation.

JSON and YAML surveys hold records::

    {"year": 2024, "locale": "vi-VN",
     "agencies": [
        {"id": "so_yte", "name": "Sở Y tế", "block": "so_nganh",
         "values": {"staff_total": 120, "pc_ratio": "75%",
                    "portal": {"self_assessed": "Có", "appraised": "Không",
                               "evidence": "CV 12/SYT"}}}]}

or, in long form, ``{"values": [{"agency": "so_yte", "indicator": "staff_total",
"value": 120, "appraised": 118, "evidence": "…"}]}``; a top-level list is taken as the
records. Numbers written as JSON/YAML numbers use the dot (``12.5``); text in quotes
follows the declared locale (``"12,5"``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from udcntt.data._chars import check_text, check_tree
from udcntt.data._limits import Limits, decode_text, shape_error
from udcntt.data._records import Locate, Machine, path_text, records_to_table
from udcntt.data._table import Cell, RawValue, Row, Table, column_letter, fatal
from udcntt.errors import DataError, RuleFileError, SourceLocation, msg
from udcntt.loading import parse_yaml

__all__ = [
    "delimited_table",
    "load_json_document",
    "load_yaml_document",
    "raw_rows",
    "read_delimited",
    "read_json",
    "read_yaml",
    "record_row",
    "records_to_table",
    "sniff",
]

_DELIMITERS = (",", ";", "\t")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_YAML_NUMBER = re.compile(r"^[-+]?(\d+)(\.\d+)?$")


def sniff(text: str) -> str:
    """The delimiter of delimited text: the most frequent of ``,`` ``;`` and tab on its
    first non-blank line (``,`` when none occurs)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_delimited(
    path: Path,
    data: bytes,
    *,
    encoding: str | None,
    delimiter: str | None,
    limits: Limits,
) -> Table:
    """Read a delimited text file into a table of text cells.

    Rows are numbered as Excel shows them when it opens the file (one per record).

    Raises:
        DataError: for encoding problems, malformed quoting, NUL characters and limits.
    """
    file = str(path)
    text = decode_text(data, file, encoding)
    return delimited_table(file, text, delimiter or sniff(text), limits)


def delimited_table(file: str, text: str, delimiter: str, limits: Limits) -> Table:
    """The table of decoded delimited text, every non-empty field a located cell.

    Raises:
        DataError: for malformed quoting and limits (rows, cells, fields, columns).
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    raw = raw_rows(reader, file, limits)
    table = Table(file=file, sheet=None)
    for number, fields in enumerate(raw, start=1):
        row = record_row(file, number, fields, limits)
        if row.cells:
            table.rows.append(row)
    return table


def record_row(file: str, number: int, fields: list[str], limits: Limits) -> Row:
    """A delimited record as a row of located cells (blank fields are not cells).

    Raises:
        DataError: ``E-DATA-LIMIT`` for a field longer than ``limits.max_field_chars``.
    """
    cells: dict[int, Cell] = {}
    for index, value in enumerate(fields):
        if not value or value.isspace():
            continue
        col = column_letter(index + 1)
        loc = SourceLocation(file=file, row=number, cell_column=col)
        if len(value) > limits.max_field_chars:
            raise fatal(
                "E-DATA-LIMIT",
                msg(
                    "a field of {count} characters; the limit is {limit}",
                    count=format(len(value), ","),
                    limit=format(limits.max_field_chars, ","),
                ),
                loc,
                msg("survey cells hold short values; check the quoting of this line"),
            )
        cells[index] = Cell(value, loc)
    return Row(number, cells, SourceLocation(file=file, row=number), width=len(fields))


def raw_rows(reader: Any, file: str, limits: Limits, *, keep: bool = True) -> list[list[str]]:
    """The file's records as lists of strings, after checking its shape against the limits.

    The rows and non-empty cells are counted on the raw records (C-speed ``csv`` parsing,
    no value built) and checked before any cell is made; beyond a limit the rest of the
    file is only counted, not kept, so the error states the file's actual size. With
    ``keep=False`` nothing is kept: the file's shape is only checked.

    Raises:
        DataError: ``E-DATA-FORMAT`` for malformed quoting, ``E-DATA-LIMIT`` for a field
            too long, a row too wide, or more rows or non-empty cells than the limits.
    """
    rows: list[list[str]] = []
    number = cells = 0
    over = at_least = False
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if over:  # the limit is what to report; the rest was only being counted
                at_least = True
                break
            loc = SourceLocation(file=file, line=reader.line_num)
            if "field limit" in str(exc):
                raise fatal(
                    "E-DATA-LIMIT",
                    msg(
                        "a field is longer than {limit} characters",
                        limit=format(limits.max_field_chars, ","),
                    ),
                    loc,
                    msg("survey cells hold short values; check the quoting of this line"),
                ) from exc
            raise fatal(
                "E-DATA-FORMAT",
                msg("malformed delimited text: {exc}", exc=exc),
                loc,
                msg("check the quotes on this line ('\"' inside a field is written '\"\"')"),
            ) from exc
        number += 1
        if len(fields) > limits.max_columns:
            raise fatal(
                "E-DATA-LIMIT",
                msg(
                    "{count} fields in a row; the limit is {limit}",
                    count=format(len(fields), ","),
                    limit=format(limits.max_columns, ","),
                ),
                SourceLocation(file=file, row=number),
            )
        # Non-empty: not "" and not only whitespace (both counted at C speed).
        cells += len(fields) - fields.count("") - sum(map(str.isspace, fields))
        over = number > limits.max_rows or cells > limits.max_cells
        if keep and not over:
            rows.append(fields)
    loc = SourceLocation(file=file)
    if number > limits.max_rows:
        raise shape_error("max_rows", number, limits, loc, at_least=at_least)
    if cells > limits.max_cells:
        raise shape_error("max_cells", cells, limits, loc)
    return rows


class _Pairs(dict[str, Any]):
    """A JSON object that remembers keys it saw twice."""

    duplicates: tuple[str, ...] = ()


def _pairs(items: list[tuple[str, Any]]) -> _Pairs:
    obj = _Pairs()
    dups: list[str] = []
    for key, value in items:
        if key in obj:
            dups.append(key)
        obj[key] = value
    if dups:
        obj.duplicates = tuple(dups)
    return obj


def _json_depth(text: str) -> int:
    # Strings may hold brackets; remove them (C speed), then keep only brackets.
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = best = 0
    for ch in brackets:
        if ch in "[{":
            depth += 1
            best = max(best, depth)
        else:
            depth -= 1
    return best


def load_json_document(path: Path, data: bytes, *, limits: Limits) -> tuple[Any, Locate]:
    """Parse a JSON file safely: bounded depth, exact decimals, duplicate keys remembered.

    Raises:
        DataError: ``E-DATA-FORMAT`` for invalid JSON, ``E-DATA-LIMIT`` for nesting deeper
            than the limit, ``E-DATA-CHAR`` for control, invisible or bidirectional
            characters (escaped ones included).
    """
    file = str(path)
    text = decode_text(data, file)
    loc = SourceLocation(file=file)
    if _json_depth(text) > limits.max_depth:
        raise fatal(
            "E-DATA-LIMIT",
            msg("JSON nested deeper than {limit} levels", limit=limits.max_depth),
            loc,
            msg("a survey needs at most four levels: file, agencies, values, value details"),
        )
    try:
        doc = json.loads(
            text,
            parse_float=Decimal,
            parse_int=Decimal,
            parse_constant=Decimal,
            object_pairs_hook=_pairs,
        )
    except json.JSONDecodeError as exc:
        raise fatal(
            "E-DATA-FORMAT",
            msg("invalid JSON: {reason}", reason=exc.msg),
            SourceLocation(file=file, line=exc.lineno, column=exc.colno),
        ) from exc
    except RecursionError as exc:
        raise fatal("E-DATA-LIMIT", msg("JSON nested too deeply"), loc) from exc
    except ValueError as exc:
        raise fatal("E-DATA-FORMAT", msg("invalid JSON: {reason}", reason=exc), loc) from exc

    def locate(path_: tuple[str | int, ...]) -> SourceLocation:
        row = path_[1] + 1 if len(path_) > 1 and isinstance(path_[1], int) else None
        if path_ and isinstance(path_[0], int):
            row = path_[0] + 1
        return SourceLocation(file=file, row=row, path=path_text(path_))

    # Escapes ("\u202e", "\ud800") are only seen once parsed.
    check_tree(doc, locate)
    if isinstance(doc, _Pairs) and doc.duplicates:
        raise fatal("E-DATA-FORMAT", msg("key '{key}' appears twice", key=doc.duplicates[0]), loc)
    return doc, locate


def read_json(path: Path, data: bytes, *, limits: Limits) -> Table:
    """Read a JSON survey into a table of records.

    Raises:
        DataError: ``E-DATA-FORMAT`` for invalid JSON or an unexpected shape,
            ``E-DATA-LIMIT`` for nesting deeper than the limit.
    """
    doc, locate = load_json_document(path, data, limits=limits)
    return records_to_table(doc, str(path), locate, lambda _path, value: value, limits)


def load_yaml_document(path: Path, data: bytes) -> tuple[Any, Locate, Machine]:
    """Parse a YAML file with the strict reader of rule files (errors become DataErrors).

    Returns the plain data (scalars as text), a locator, and a function turning plain
    scalars that look like numbers into machine numbers.

    Raises:
        DataError: for any YAML problem (syntax, duplicate keys, anchors, depth, size), and
            ``E-DATA-CHAR`` for control, invisible or bidirectional characters.
    """
    file = str(path)
    codes = {
        "E-YAML-SIZE": "E-DATA-LIMIT",
        "E-YAML-DEPTH": "E-DATA-LIMIT",
        "E-YAML-ENCODING": "E-DATA-ENCODING",
        "E-YAML-CHAR": "E-DATA-CHAR",
    }
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass  # parse_yaml names the encoding problem
    else:
        check_text(text, file)  # raw characters, before the YAML reader's generic refusal
    try:
        doc = parse_yaml(data, file=file)
    except RuleFileError as exc:
        diags = [
            replace(
                d,
                code=codes.get(d.code, "E-DATA-FORMAT"),
                # The YAML reader words its messages for rule files; reworded ones lose their
                # translation, the others keep it.
                message=d.message
                if "rule " not in d.message
                else d.message.replace("rule set", "survey").replace("rule file", "file"),
            )
            for d in exc.diagnostics
        ]
        raise DataError.from_diagnostics(diags) from exc
    check_tree(doc.data, doc.locate)

    def machine(path_: tuple[str | int, ...], value: Any) -> RawValue:
        if isinstance(value, str) and path_ in doc.plain_scalars and _YAML_NUMBER.match(value):
            return Decimal(value)
        return value  # type: ignore[no-any-return]

    return doc.data, doc.locate, machine


def read_yaml(path: Path, data: bytes, *, limits: Limits) -> Table:
    """Read a YAML survey (same shape as JSON).

    Plain scalars that look like numbers (``12.5``, ``1537``) are machine numbers; quoted
    text follows the declared locale.

    Raises:
        DataError: for any YAML problem (syntax, duplicate keys, anchors, depth, size).
    """
    doc, locate, machine = load_yaml_document(path, data)
    return records_to_table(doc, str(path), locate, machine, limits)
