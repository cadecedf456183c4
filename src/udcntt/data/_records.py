"""From parsed JSON/YAML survey documents to a raw table of records.

A document is a list of records, or a mapping with the list under ``agencies`` (wide: one
record per agency, values under ``values``) or ``values`` (long: one record per value), and
file-level facts (``year``, ``locale``, …). Each value may be a plain value or a mapping of
``value``/``self_assessed``, ``appraised`` and ``evidence`` (or their Vietnamese names);
the reader flattens them into columns ``<indicator>``, ``<indicator>__tham_dinh``, … as the
table readers name them, so every format is validated the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from udcntt.data._limits import Limits, limit_hint
from udcntt.data._table import Cell, RawValue, Row, Table, fatal
from udcntt.errors import Diagnostic, SourceLocation, msg

__all__ = ["Locate", "Machine", "path_text", "records_to_table"]

Locate = Callable[[tuple[str | int, ...]], SourceLocation]
Machine = Callable[[tuple[str | int, ...], Any], RawValue]

_VALUE_KEYS = {
    "value": "",
    "gia_tri": "",
    "self_assessed": "__tu_danh_gia",
    "tu_danh_gia": "__tu_danh_gia",
    "appraised": "__tham_dinh",
    "tham_dinh": "__tham_dinh",
    "evidence": "__minh_chung",
    "minh_chung": "__minh_chung",
}
_META_KEYS = frozenset(
    {"year", "locale", "format", "title", "description", "source", "notes", "synthetic"}
)


def path_text(path: tuple[str | int, ...]) -> str:
    """A document path as text: ``agencies[3].values.staff_total``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def records_to_table(
    doc: Any,
    file: str,
    locate: Locate,
    machine: Machine,
    limits: Limits,
) -> Table:
    """Flatten JSON/YAML survey records into a table (see the module docstring).

    Raises:
        DataError: ``E-DATA-FORMAT`` when the document does not have a survey's shape.
    """
    table = Table(file=file, sheet=None, structured=True)
    root: tuple[str | int, ...] = ()
    records: Any
    if isinstance(doc, list):
        records = doc
    elif isinstance(doc, dict):
        lists = [k for k in ("agencies", "values") if k in doc]
        if len(lists) != 1:
            raise fatal(
                "E-DATA-FORMAT",
                msg("a survey document has a list 'agencies' (wide) or 'values' (long)"),
                locate(()),
            )
        key = lists[0]
        if key == "values":
            table.meta["format"] = "long"
        root = (key,)
        records = doc[key]
        for meta, value in doc.items():
            if meta == key:
                continue
            if meta not in _META_KEYS:
                raise fatal(
                    "E-DATA-FORMAT",
                    msg("unknown key '{key}' in a survey", key=meta),
                    locate((meta,)),
                )
            if value is not None and not isinstance(value, list | dict):
                table.meta[meta] = str(value)
    else:
        raise fatal("E-DATA-FORMAT", msg("a survey document is a mapping or a list"), locate(()))
    if not isinstance(records, list):
        raise fatal("E-DATA-FORMAT", msg("'{key}' must be a list", key=root[0]), locate(root))
    if len(records) > limits.max_rows:
        raise fatal(
            "E-DATA-LIMIT",
            msg("more than {limit} records", limit=format(limits.max_rows, ",")),
            locate(root),
            limit_hint("max_rows"),
        )
    columns: dict[str, int] = {}

    def column(name: str) -> int:
        if name not in columns:
            if len(columns) >= limits.max_columns:
                raise fatal(
                    "E-DATA-LIMIT",
                    msg("more than {limit} keys", limit=format(limits.max_columns, ",")),
                    locate(root),
                )
            columns[name] = len(columns)
            table.headers.append(Cell(name, locate(root)))
        return columns[name]

    cells_seen = 0
    for index, record in enumerate(records):
        rpath = (*root, index)
        rloc = locate(rpath)
        if not isinstance(record, dict):
            table.rows.append(
                Row(index + 1, {}, rloc, error=_row_error(msg("a record must be a mapping"), rloc))
            )
            continue
        cells: dict[int, Cell] = {}
        error = _duplicates(record, rloc)
        for key, value in record.items():
            kpath = (*rpath, key)
            if key == "values" and isinstance(value, dict):
                error = error or _duplicates(value, locate(kpath))
                for ind, item in value.items():
                    _put(
                        cells,
                        column=column,
                        name=str(ind),
                        value=item,
                        path=(*kpath, ind),
                        locate=locate,
                        machine=machine,
                        limits=limits,
                    )
            else:
                _put(
                    cells,
                    column=column,
                    name=str(key),
                    value=value,
                    path=kpath,
                    locate=locate,
                    machine=machine,
                    limits=limits,
                )
        cells_seen += len(cells)
        if cells_seen > limits.max_cells:
            raise fatal(
                "E-DATA-LIMIT",
                msg("more than {limit} values", limit=format(limits.max_cells, ",")),
                rloc,
            )
        table.rows.append(Row(index + 1, cells, rloc, error=error))
    return table


def _duplicates(obj: Any, loc: SourceLocation) -> Diagnostic | None:
    dups = getattr(obj, "duplicates", ())
    return _row_error(msg("key '{key}' appears twice", key=dups[0]), loc) if dups else None


def _row_error(message: str, loc: SourceLocation) -> Diagnostic:
    return Diagnostic(code="E-DATA-ROW", message=message, location=loc)


def _put(
    cells: dict[int, Cell],
    *,
    column: Callable[[str], int],
    name: str,
    value: Any,
    path: tuple[str | int, ...],
    locate: Callable[[tuple[str | int, ...]], SourceLocation],
    machine: Callable[[tuple[str | int, ...], Any], RawValue],
    limits: Limits,
) -> None:
    loc = locate(path)
    if isinstance(value, dict):
        for sub, item in value.items():
            suffix = _VALUE_KEYS.get(str(sub))
            if suffix is None:
                cells[column(f"{name}__{sub}")] = Cell(
                    None,
                    locate((*path, sub)),
                    error=Diagnostic(
                        code="E-DATA-FORMAT",
                        message=msg(
                            "unknown key '{sub}' (use value, self_assessed, appraised, evidence)",
                            sub=sub,
                        ),
                        location=locate((*path, sub)),
                    ),
                )
                continue
            _put(
                cells,
                column=column,
                name=name + suffix,
                value=item,
                path=(*path, sub),
                locate=locate,
                machine=machine,
                limits=limits,
            )
        return
    if isinstance(value, list):
        cells[column(name)] = Cell(
            None,
            loc,
            error=Diagnostic(
                code="E-DATA-FORMAT",
                message=msg("a list where one value is expected"),
                location=loc,
            ),
        )
        return
    if value is None:
        return
    if isinstance(value, str) and len(value) > limits.max_field_chars:
        raise fatal(
            "E-DATA-LIMIT",
            msg(
                "a text of {count} characters; the limit is {limit}",
                count=format(len(value), ","),
                limit=format(limits.max_field_chars, ","),
            ),
            loc,
        )
    cells[column(name)] = Cell(machine(path, value), loc)
