"""The survey reader registry: built-in readers and plugins, by file suffix.

Built-in readers (CSV, XLSX, JSON, YAML) and plugin readers are registered the same way,
with :func:`register_reader`. Plugins published as entry points of the group
``udcntt.readers`` (named as their suffix without the dot) are listed only when a file of
an unknown suffix is read, or on :func:`discover_readers`, and imported only when a file of
their suffix is read.

A plugin reader returns rows of plain cells (see :class:`~udcntt.extend.ReaderSpec`);
:func:`plugin_table` turns them into the raw :class:`~udcntt.data._table.Table` every
reader produces, checking the data limits and the refused characters on the way, so the
values go through the same validation, locale parsing and registry matching as a CSV file.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from udcntt._entry_points import Catalogue, ExtensionInfo
from udcntt.data._chars import CharGuard
from udcntt.data._limits import Limits
from udcntt.data._table import Cell, Row, Table, column_letter, fatal
from udcntt.errors import DataError, ExtensionError, SourceLocation, msg
from udcntt.extend import READER_GROUP, ReaderSpec

__all__ = [
    "discover_readers",
    "plugin_table",
    "reader_for",
    "reader_suffixes",
    "register_reader",
    "unregister_reader",
]

_CELL_TYPES = (str, int, Decimal, bool, type(None))


def reader_label(spec: ReaderSpec) -> str:
    """How errors name a reader: ``reader .xmlx of my-plugin 1.0``."""
    owner = "udcntt (built-in)" if spec.builtin else spec.distribution or "?"
    return f"reader {'/'.join(spec.suffixes)} of {owner} {spec.version or ''}".strip()


def reader_record(spec: ReaderSpec) -> dict[str, str] | None:
    """The receipt entry of a plugin reader: origin and registration hash (``None``: built-in)."""
    if spec.builtin:
        return None
    declaration = {
        "suffixes": list(spec.suffixes),
        "doc": spec.doc,
        "format": spec.format,
        "distribution": spec.distribution,
        "version": spec.version,
        "module": spec.module,
    }
    text = json.dumps(declaration, sort_keys=True, ensure_ascii=False)
    return {
        "reader": "/".join(spec.suffixes),
        "distribution": spec.distribution or "",
        "version": spec.version or "",
        "registration_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }


def _conflict(suffix: str, first: str, second: str) -> str:
    return msg(
        "survey suffix '{suffix}' is declared by both {first} and {second}",
        suffix=suffix,
        first=first,
        second=second,
    )


class _Readers(Catalogue[ReaderSpec]):
    """The survey readers by file suffix; one reader may hold several suffixes."""

    def normal(self, name: str) -> str:
        text = name.strip().lower()
        return text if text.startswith(".") else f".{text}"

    def valid(self, key: str) -> bool:
        return key[1:].isalnum() and key[1:].isascii()

    def keys_of(self, spec: ReaderSpec) -> tuple[str, ...]:
        return spec.suffixes

    def who(self, spec: ReaderSpec) -> str:
        return reader_label(spec)

    def conflict(self, name: str, first: str, second: str) -> str:
        return _conflict(name, first, second)

    def not_declared(self, entry: str, plugin: str, name: str) -> str:
        return msg(
            "the entry point {entry} of {plugin} is not a survey reader declared for '{suffix}'",
            entry=entry,
            plugin=plugin,
            suffix=name,
        )

    def unknown(self, name: str) -> str:
        return msg("'{name}' is not a registered extension", name=name)


#: The registry. udcntt's own readers are registered by :mod:`udcntt.data` itself.
READERS = _Readers(READER_GROUP, "reader", ReaderSpec, "survey reader", None)


def register_reader(spec: ReaderSpec) -> ReaderSpec:
    """Make ``spec`` read files of its suffixes (built-in or plugin).

    Args:
        spec: A declaration made with :func:`udcntt.extend.reader`.

    Returns:
        The registered spec.

    Raises:
        ExtensionError: ``E-EXTENSION`` when one of its suffixes is taken by a built-in
            reader or another plugin (both are named); nothing is registered then.
    """
    if not isinstance(spec, ReaderSpec):
        raise ExtensionError(
            msg(
                "a survey reader is declared with udcntt.extend.reader, not a {type}",
                type=type(spec).__name__,
            )
        )
    return READERS.register(spec)


def unregister_reader(suffix: str) -> None:
    """Remove the plugin reader of ``suffix`` (all its suffixes); built-ins stay.

    Raises:
        ExtensionError: ``E-EXTENSION`` for a built-in or an unregistered suffix.
    """
    READERS.unregister(suffix)


def discover_readers(*, refresh: bool = False) -> tuple[ExtensionInfo, ...]:
    """List the survey readers, built-in, registered and installed, without importing any.

    Runs once by itself, the first time a file of an unregistered suffix is read.

    Args:
        refresh: Forget readers loaded from entry points and list the entry points again.

    Returns:
        Every reader by suffix (kind ``"reader"``), with its origin and status.
    """
    return READERS.discover(refresh=refresh)


def reader_suffixes() -> tuple[str, ...]:
    """The suffixes a reader is registered or installed for (without importing plugins)."""
    return tuple(sorted(READERS.names()))


def reader_for(suffix: str) -> ReaderSpec | None:
    """The reader of ``suffix``, importing its plugin on first use; ``None`` if unknown.

    Raises:
        ExtensionError: ``E-EXTENSION`` when its plugin cannot be imported, does not
            declare a reader of that suffix, or collides with another reader.
    """
    return READERS.get(suffix)


def _refuse(spec: ReaderSpec, file: str, detail: str, row: int | None = None) -> DataError:
    return fatal(
        "E-EXTENSION",
        msg("survey {reader}: {detail}", reader=reader_label(spec), detail=detail),
        SourceLocation(file=file, row=row),
        msg("the plugin must return rows of text, whole or Decimal numbers, yes/no or None"),
    )


def _pull(spec: ReaderSpec, file: str, items: Iterator[Any], row: int | None) -> tuple[bool, Any]:
    """The next item of the plugin's rows; its exceptions become ``E-EXTENSION``."""
    try:
        return True, next(items)
    except StopIteration:
        return False, None
    except Exception as exc:
        detail = msg("raised {error}: {text}", error=type(exc).__name__, text=exc)
        raise _refuse(spec, file, detail, row) from exc


def _limit(spec: ReaderSpec, message: str, loc: SourceLocation) -> DataError:
    return fatal(
        "E-DATA-LIMIT",
        message,
        loc,
        msg("returned by the survey {reader}", reader=reader_label(spec)),
    )


def plugin_table(spec: ReaderSpec, path: Path, data: bytes, limits: Limits) -> Table:
    """Call a plugin reader on a file's bytes and turn its rows into a raw table.

    Rows are numbered from 1 in the order returned, columns lettered as in a spreadsheet;
    text is normalised to NFC and checked for refused characters like a CSV file's.

    Raises:
        DataError: ``E-EXTENSION`` naming the reader and the file when the plugin raises
            or returns something other than rows of cells; ``E-DATA-LIMIT`` beyond the
            limits on rows, columns, cells or field length; ``E-DATA-CHAR`` for refused
            characters.
    """
    file = str(path)
    try:
        result = spec.impl(data)
    except Exception as exc:
        detail = msg("raised {error}: {text}", error=type(exc).__name__, text=exc)
        raise _refuse(spec, file, detail) from exc
    if isinstance(result, str | bytes | dict) or not hasattr(result, "__iter__"):
        raise _refuse(spec, file, msg("returned a {type}, not rows", type=type(result).__name__))
    items: Iterator[Any] = iter(result)
    table = Table(file=file, sheet=None)
    guard = CharGuard()
    cells_seen = number = 0
    while True:
        more, fields = _pull(spec, file, items, number or None)
        if not more:
            break
        number += 1
        if number > limits.max_rows:
            raise _limit(
                spec,
                msg("more than {limit} rows", limit=format(limits.max_rows, ",")),
                SourceLocation(file=file, row=number),
            )
        if not isinstance(fields, list | tuple):
            raise _refuse(
                spec, file, msg("returned a {type} as a row", type=type(fields).__name__), number
            )
        if len(fields) > limits.max_columns:
            raise _limit(
                spec,
                msg(
                    "{count} fields in a row; the limit is {limit}",
                    count=format(len(fields), ","),
                    limit=format(limits.max_columns, ","),
                ),
                SourceLocation(file=file, row=number),
            )
        cells: dict[int, Cell] = {}
        for index, value in enumerate(fields):
            if not isinstance(value, _CELL_TYPES):
                raise _refuse(
                    spec,
                    file,
                    msg("returned a {type} as a cell", type=type(value).__name__),
                    number,
                )
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            loc = SourceLocation(file=file, row=number, cell_column=column_letter(index + 1))
            if isinstance(value, str):
                if len(value) > limits.max_field_chars:
                    raise _limit(
                        spec,
                        msg(
                            "a field of {count} characters; the limit is {limit}",
                            count=format(len(value), ","),
                            limit=format(limits.max_field_chars, ","),
                        ),
                        loc,
                    )
                text = unicodedata.normalize("NFC", value)
                guard.check(text, loc)
                cells[index] = Cell(text, loc)
                continue
            elif isinstance(value, Decimal) and not value.is_finite():
                raise _refuse(
                    spec, file, msg("returned {value}, not a finite number", value=value), number
                )
            cells[index] = Cell(value, loc)
        cells_seen += len(cells)
        if cells_seen > limits.max_cells:
            raise _limit(
                spec,
                msg("more than {limit} non-empty cells", limit=format(limits.max_cells, ",")),
                SourceLocation(file=file, row=number),
            )
        if cells:
            table.rows.append(
                Row(number, cells, SourceLocation(file=file, row=number), width=len(fields))
            )
    guard.done()
    return table
