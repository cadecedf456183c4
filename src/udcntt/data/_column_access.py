"""Reading a survey read by the column reader as columns (what the vectorised path uses).

A survey read by :func:`~udcntt.data._columnar.read_columns` holds its values in a
:class:`~udcntt.data._columnar.ColumnStore`, a list per indicator; each agency's ``values``
is a view of its row. :func:`survey_columns` hands a block's agencies' values back as those
lists, one slice (or one pass) per indicator instead of a lookup per agency and indicator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

from udcntt.data._columnar import ABSENT, RowValues

__all__ = ["is_slot", "survey_columns", "survey_positions", "survey_rows"]

SLOT = ABSENT.__class__


def is_slot(value: object) -> bool:
    """Whether a value of :func:`survey_columns` stands for no value (blank, missing, refused)."""
    return value.__class__ is SLOT


def survey_columns(
    values: Sequence[Mapping[str, Any]], keys: Sequence[str]
) -> list[list[Any]] | None:
    """The values of ``keys`` for these agencies, one list per key, read by column.

    ``values`` are the ``values`` mappings of agencies (``AgencyRecord.values``) in the
    order wanted. When every one is a row of the same :class:`ColumnStore` (a survey read
    by the column reader), each key's list is taken from the store's column in one pass,
    without a per-agency lookup; an entry that holds no value (a blank cell, a spelling of
    a missing answer, a refused text, a removed value) is a slot object for which
    :func:`is_slot` is true, so the clean entries of a numeric column are exactly its
    ``Decimal`` ones. The lists are new (changing them changes no agency).

    Returns:
        The columns, in the order of ``keys``; ``None`` when the agencies are not all rows
        of one store (another reader, agencies assembled by hand): read them by row then.
    """
    if not values:
        return [[] for _ in keys]
    found = survey_positions(values)
    if found is None:
        return None
    by_key, positions = found
    if any(key not in by_key for key in keys):
        return None
    if positions == list(range(positions[0], positions[0] + len(positions))):
        start, stop = positions[0], positions[0] + len(positions)
        return [list(by_key[key][start:stop]) for key in keys]
    pick = itemgetter(*positions)  # one C call per column (two positions at least here)
    return [list(pick(by_key[key])) for key in keys]


def survey_positions(
    values: Sequence[Mapping[str, Any]],
) -> tuple[Mapping[str, Sequence[Any]], list[int]] | None:
    """The whole columns these agencies are rows of, and each agency's position in them.

    ``values`` are agencies' ``values`` mappings (``AgencyRecord.values``). When every one
    is a row of the same store (a survey read by the column reader), the result maps each
    indicator of the store to its whole column (every agency of the file, in file order;
    entries as :func:`survey_columns` describes them — read them, never change them) and
    gives the position of each agency of ``values`` in those columns, in order.

    Returns:
        ``(columns by indicator, positions)``; ``None`` when ``values`` is empty or its
        rows are not all of one store.
    """
    if not values:
        return None
    first = values[0]
    if first.__class__ is not RowValues:
        return None
    store = first._store
    positions: list[int] = []
    add = positions.append
    for row in values:
        if row.__class__ is not RowValues or row._store is not store:
            return None
        add(row._pos)
    return store.by_key, positions


def survey_rows(
    values: Sequence[Mapping[str, Any]], keys: Sequence[str]
) -> list[tuple[Any, ...] | None] | None:
    """The values of ``keys`` for each of these agencies as a tuple, read by column.

    What ``tuple(row[k] for k in keys)`` gives for each agency's ``values`` row, without a
    lookup per value: each tuple is made in one step from :func:`survey_columns`. An agency
    with no value for one of the keys (a blank cell, a missing answer …) gets ``None``: read
    its row by key then, where the absent key shows.

    Returns:
        One entry per agency, in order; ``None`` when the agencies are not all rows of one
        store (see :func:`survey_columns`).
    """
    columns = survey_columns(values, keys)
    if columns is None or not keys:
        return None
    rows: list[tuple[Any, ...] | None] = list(zip(*columns, strict=True))
    for column in columns:
        if SLOT in set(map(type, column)):  # one pass in C; a loop only where needed
            for i, value in enumerate(column):
                if value.__class__ is SLOT:
                    rows[i] = None
    return rows
