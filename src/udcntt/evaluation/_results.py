"""From every block's scored agencies to the ranked, compared result records.

Scoring leaves, per block, its agencies in result order as *entries*: a row of the table
the vectorised path scored (an ``int`` ``j >= 0``), a row of the table the whole generated
function finished (``~j``), or a :class:`~udcntt.evaluation._state.Core` the other paths
finished. Here they are ranked within their block (or all together), matched with last
year's results, and turned into result records — the table rows into
:class:`~udcntt.evaluation._rows.RowResult` (two references each), the cores through
:func:`~udcntt.evaluation._compare.result_of`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from itertools import compress, repeat
from typing import Any

from udcntt.data import AgencyRecord
from udcntt.evaluation._assessment import AgencyResult, Assessment, Comparison
from udcntt.evaluation._compare import compare, result_of
from udcntt.evaluation._ranking import ranks_of_keys
from udcntt.evaluation._rows import FastTable, RowResult, Table
from udcntt.model import RankOn, RuleSet
from udcntt.program import CompiledRuleSet

__all__ = ["Entries", "results_of", "whole_table"]

#: One block: the vectorised path's table (or ``None``), the whole function's table, and
#: the block's entries in result order (see the module docstring).
Entries = tuple[Table | None, FastTable, list[Any]]

_ZERO = Decimal(0)
_SET_T: Any = RowResult.__dict__["_t"].__set__
_SET_I: Any = RowResult.__dict__["_i"].__set__
_NEW: Any = object.__new__


def _row(entry: int, rows: Table | None, finished: FastTable) -> tuple[Table, int]:
    if entry >= 0:
        if rows is None:  # pragma: no cover - only blocks with a vector table have such rows
            raise TypeError("a vectorised row in a block without a vectorised table")
        return rows, entry
    return finished, ~entry


def _records(blocks: Sequence[Entries]) -> list[AgencyRecord]:
    """The agency of every entry, in result order."""
    out: list[AgencyRecord] = []
    for rows, finished, entries in blocks:
        for e in entries:
            if e.__class__ is int:
                table, i = _row(e, rows, finished)
                out.append(table.records[i])
            else:
                out.append(e.agency.record)
    return out


def whole_table(rows: Table | None, finished: FastTable, entries: list[Any]) -> Table | None:
    """The table whose rows are the block's entries, all and in order, if one is."""
    n = len(entries)
    if rows is not None and n == len(rows.records) and entries == list(range(n)):
        return rows
    if n == len(finished.records) and entries == list(range(-1, -n - 1, -1)):
        return finished
    return None


def _rank(rules: RuleSet, blocks: Sequence[Entries]) -> list[list[int | None]]:
    """Competition ranks of the ranked entries, within their block (or all), per block."""
    scope_all = rules.ranking.scope == "all"
    on_share = rules.ranking.on is RankOn.SHARE
    tie_break = rules.ranking.tie_break
    out: list[list[int | None]] = [[None] * len(entries) for _, _, entries in blocks]
    groups: dict[int, tuple[list[Any], list[tuple[int, int]]]] = {}
    for b, (rows, finished, entries) in enumerate(blocks):
        keys, where = groups.setdefault(-1 if scope_all else b, ([], []))
        add_key, add_where = keys.append, where.append
        table = None if tie_break else whole_table(rows, finished, entries)
        if table is not None:  # the common case, without a loop in Python
            ranked = [r.ranked for r in table.records]
            if not scope_all:
                out[b] = table.block_ranks(on_share, ranked)
                continue
            get = table.share if on_share else table.total
            heads = [get(i) for i in range(len(ranked))]
            keys.extend(compress(heads, ranked))
            where.extend(zip(repeat(b), compress(range(len(ranked)), ranked)))
            continue
        for k, e in enumerate(entries):
            if e.__class__ is int:
                table, i = _row(e, rows, finished)
                if not table.records[i].ranked:
                    continue
                head = table.share(i) if on_share else table.total(i)
                criteria: Any = table.exact(i)[1] if tie_break else None
            else:
                if not e.agency.record.ranked:
                    continue
                head = e.share if on_share else e.total
                criteria = e.criteria
            if tie_break:
                extra = tuple(
                    ((criteria[t].points or _ZERO) if t in criteria else _ZERO) for t in tie_break
                )
                add_key((head, *extra))
            else:
                add_key(head)
            add_where((b, k))
    for keys, where in groups.values():
        for (b, k), rank in zip(where, ranks_of_keys(keys), strict=True):
            out[b][k] = rank
    return out


def results_of(
    rules: RuleSet,
    compiled: CompiledRuleSet,
    blocks: Sequence[Entries],
    previous: Assessment | None,
) -> tuple[tuple[AgencyResult, ...], Comparison | None]:
    """Every entry's result record, in result order, and how the year compares with
    ``previous``.

    Raises:
        EvaluationError: ``E-PREVIOUS-AMBIGUOUS`` from
            :func:`~udcntt.evaluation._compare.compare`.
    """
    ranks = _rank(rules, blocks)
    comparison: Comparison | None = None
    matched: dict[str, AgencyResult] | None = None
    if previous is not None:
        matched, comparison = compare(_records(blocks), compiled, previous)
    results: list[AgencyResult] = []
    add = results.append
    for (rows, finished, entries), block_ranks in zip(blocks, ranks, strict=True):
        for table in (rows, finished):
            if table is not None:
                table.ranks = [None] * len(table.records)
                if matched is not None:
                    table.prev = [None] * len(table.records)
        whole = whole_table(rows, finished, entries)
        if whole is not None:  # the common case: the table's rows, in order
            whole.ranks = block_ranks
            if matched is not None:
                whole.prev = [matched.get(r.id) for r in whole.records]
            cls = whole.result_class
            for i in range(len(entries)):
                obj = _NEW(cls)
                _SET_T(obj, whole)
                _SET_I(obj, i)
                add(obj)
            continue
        for e, rank in zip(entries, block_ranks, strict=True):
            if e.__class__ is int:
                table, i = _row(e, rows, finished)
                table.ranks[i] = rank
                if matched is not None and table.prev is not None:
                    table.prev[i] = matched.get(table.records[i].id)
                obj = _NEW(table.result_class)
                _SET_T(obj, table)
                _SET_I(obj, i)
                add(obj)
            else:
                add(result_of(e, rank, matched.get(e.agency.record.id) if matched else None))
    return tuple(results), comparison
