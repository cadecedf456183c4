"""The first pass over each block's agencies: one call of the generated code per agency.

An agency the vectorised path scored stays a row of its table. Every other agency gets one
call of its block's generated function: finished with its tier decided, it becomes a row of
the block's :class:`~udcntt.evaluation._rows.FastTable`; otherwise an
:class:`~udcntt.evaluation._state.Agency` waits for the population pass and the finish (or
the reference interpreter, for a declared reason). The common case — a survey read by
column, the block's whole function, no exception — runs in a loop of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from itertools import pairwise
from operator import itemgetter
from typing import Any

from udcntt.data import MISSING, NA, AgencyRecord, survey_rows
from udcntt.evaluation._finish import ARITHMETIC, BUGS, FastShape
from udcntt.evaluation._inputs import fill_missing, imputations
from udcntt.evaluation._results import Entries
from udcntt.evaluation._rows import FastTable, Table
from udcntt.evaluation._state import Agency, Run, slow_start
from udcntt.program import (
    Applicability,
    BlockPlan,
    CompiledRuleSet,
    FastFunctions,
    GeneratedCodeError,
    SlowPath,
    fast_variant,
)

__all__ = ["first_pass"]

#: How often ``progress`` hears of the agencies scored (and at the end).
PROGRESS_STEP = 1000


def _picker(keys: tuple[str, ...]) -> Callable[[Mapping[str, Any]], Any]:
    """A function giving the block's inputs of a record's values, in argument order.

    Raises ``KeyError`` for a record that lacks one (:func:`_fast_values` then marks it).
    """
    if len(keys) > 1:
        return itemgetter(*keys)
    if keys:
        key = keys[0]
        return lambda values: (values[key],)
    return lambda values: ()


def _fast_values(record: AgencyRecord, keys: tuple[str, ...]) -> list[Any]:
    """The block's inputs of ``record``, :data:`MISSING` for those it lacks."""
    get = record.values.get
    return [get(k, MISSING) for k in keys]


def _call(
    fast: Callable[..., Any], values: Any, block_id: str, record: AgencyRecord
) -> tuple[Any, str]:
    """The generated function's result, or ``None`` and the declared reason it declined.

    Raises:
        GeneratedCodeError: for any failure that is not a declared reason.
    """
    try:
        return fast(*values), "fast"
    except SlowPath as exc:
        return None, exc.reason
    except ARITHMETIC:
        return None, "arithmetic"
    except BUGS as exc:
        raise GeneratedCodeError(
            f"generated code of block '{block_id}' failed for agency '{record.id}': {exc!r}; "
            "this is a bug in udcntt"
        ) from exc


def _retry(
    compiled: CompiledRuleSet,
    plan: BlockPlan,
    values: Any,
    imputed: Mapping[str, Decimal],
    record: AgencyRecord,
) -> tuple[Any, str, Any, tuple[str, ...], FastFunctions | None]:
    """The generated code again, after replacing missing values as their policies say and
    choosing the functions generated for the agency's not-applicable inputs.

    Returns:
        (result or ``None``, reason, values, notes on replaced values, functions used).
    """
    filled = fill_missing(compiled.rules, plan.indicators, values, imputed)
    if filled is None:
        return None, "missing", values, (), None
    values, notes = filled
    na = frozenset(k for k, v in zip(plan.indicators, values, strict=True) if v is NA)
    variant = fast_variant(compiled, plan, na) if na else None
    if na and variant is None:
        return None, "not_applicable", values, notes, None
    function: Callable[..., Any] | None = (
        (variant.whole or variant.leaves) if variant is not None else plan.fast_whole or plan.fast
    )
    if function is None:  # pragma: no cover - only blocks with generated code get here
        return None, "no_fast_code", values, notes, None
    out, reason = _call(function, values, plan.id, record)
    return out, reason, values, notes, variant


class _Block:
    """One block's first pass: its tables, entries and what scoring an agency needs."""

    def __init__(
        self,
        run: Run,
        plan: BlockPlan,
        records: Sequence[AgencyRecord],
        imputed: Mapping[str, Decimal],
        finished: FastTable,
        entries: list[Any],
        reference: bool,
    ) -> None:
        self.run = run
        self.plan = plan
        self.records = records
        self.imputed = imputed
        self.finished = finished
        self.entries = entries
        self.fast = None if reference else plan.fast_whole or plan.fast
        self.whole = plan.fast_whole is not None
        self.pick = _picker(plan.indicators)
        self.default_reason = "requested" if reference else "no_fast_code"

    def one(self, i: int, values: Any) -> None:
        """Score agency ``i`` (``values``: its inputs, or ``None`` to read them)."""
        record = self.records[i]
        plan = self.plan
        append = self.entries.append
        reason = self.default_reason
        fast = self.fast
        if fast is not None:
            if values is None:
                try:
                    values = self.pick(record.values)
                except KeyError:
                    values = _fast_values(record, plan.indicators)
            out, reason = _call(fast, values, plan.id, record)
            if out is not None:
                if self.whole and out[7] >= 0:  # finished, tier decided: a table row
                    self.add_row(record, out)
                else:
                    append(Agency.fast(record, plan, values, out, self.whole))
                return
            notes: tuple[str, ...] = ()
            variant: FastFunctions | None = None
            if reason in ("missing", "not_applicable"):
                out, reason, values, notes, variant = _retry(
                    self.run.compiled, plan, values, self.imputed, record
                )
            if out is not None:
                append(Agency.fast(record, plan, values, out, self.whole, notes, variant))
                return
        self.run.count(f"reference:{reason}")
        slow = slow_start(self.run, record, plan, self.imputed)
        if slow is not None:
            append(slow)

    def add_row(self, record: AgencyRecord, out: Any) -> None:
        """Agency ``record`` finished by the whole function: a row of the block's table
        (its published values; its inputs are read again from its record when asked)."""
        finished = self.finished
        self.entries.append(~len(finished.pubs))
        finished.pubs.append(out[5])
        finished.shares.append(out[6])
        finished.tiers.append(out[7])
        finished.records.append(record)

    def run_whole(self, rows: Sequence[Any], lo: int, hi: int) -> None:
        """Agencies ``lo``..``hi`` of a survey read by column (``rows``: their inputs), in
        the common case's loop; any other case goes through :meth:`one`."""
        whole = self.plan.fast_whole
        if whole is None:  # pragma: no cover - the caller checks
            raise TypeError("no whole function")
        records = self.records
        finished = self.finished
        pubs, shares, tiers, recs = finished.pubs, finished.shares, finished.tiers, finished.records
        append = self.entries.append
        one = self.one
        j = len(pubs)
        for i in range(lo, hi):
            values = rows[i]
            if values is not None:
                try:
                    out = whole(*values)
                except (SlowPath, *ARITHMETIC, *BUGS):
                    pass  # scored again by one(), which reports it as it should
                else:
                    ti = out[7]
                    if ti >= 0:  # finished, tier decided: a table row
                        append(~j)
                        j += 1
                        pubs.append(out[5])
                        shares.append(out[6])
                        tiers.append(ti)
                        recs.append(records[i])
                        continue
            one(i, values)
            j = len(pubs)


def _steps(seen: int, n: int) -> list[int]:
    """The positions in a block of ``n`` agencies, after ``seen`` agencies of earlier
    blocks, at which ``progress`` is told (every :data:`PROGRESS_STEP` agencies)."""
    first = -(-seen // PROGRESS_STEP) * PROGRESS_STEP
    return [step - seen for step in range(first, seen + n, PROGRESS_STEP)]


def first_pass(
    run: Run,
    by_block: Mapping[str, Sequence[AgencyRecord]],
    ready: Mapping[str, Any],
    reference: bool,
    progress: Callable[[int, int], None] | None,
    total: int,
    kept: dict[tuple[Table, int], tuple[Any, ...]],
) -> tuple[list[Entries], dict[str, dict[str, Decimal]], dict[str, FastShape]]:
    """Every block's entries after one call of the generated code per agency.

    ``ready`` holds the tables of the blocks the vectorised path scored. Returns, per block,
    the vectorised table (or ``None``), the whole function's table and the entries in
    result order — ``j >= 0`` a row of the first, ``~j`` a row of the second, else an
    :class:`Agency` still to finish — with each block's imputed values and result shape.
    ``kept`` is the evaluation's store of exact values read (see
    :class:`~udcntt.evaluation._rows.Table`).

    Raises:
        GeneratedCodeError: the generated code failed in a way no declared reason covers.
    """
    compiled = run.compiled
    rules = compiled.rules
    blocks: list[Entries] = []
    imputed_by_block: dict[str, dict[str, Decimal]] = {}
    plain: dict[str, FastShape] = {}
    seen = 0
    for block_id, records in by_block.items():
        plan = compiled.blocks[block_id]
        n = len(records)
        imputed = imputed_by_block[block_id] = imputations(rules, records, plan.indicators)
        shape = plain[block_id] = FastShape(
            plan, rules.rounding, Applicability(compiled, plan, frozenset())
        )
        done_rows = ready.get(block_id)
        safe = done_rows.safe if done_rows is not None else None
        finished = FastTable(plan, shape, compiled.tier_levels, kept)
        entries: list[Any] = []
        blocks.append((done_rows, finished, entries))
        block = _Block(run, plan, records, imputed, finished, entries, reference)
        steps = _steps(seen, n) if progress is not None else []
        seen += n
        if safe is not None and all(safe):  # every agency scored by the vector path
            if progress is not None:
                for step in steps:
                    progress(seen - n + step, total)
            entries.extend(range(n))
            continue
        # A survey read by column gives each agency's inputs in one step.
        rows = (
            survey_rows([r.values for r in records], plan.indicators)
            if block.fast is not None
            else None
        )
        bounds = [*steps, n] if steps and steps[0] == 0 else [0, *steps, n]
        for lo, hi in pairwise(bounds):
            if progress is not None and lo in steps:
                progress(seen - n + lo, total)
            if safe is None and rows is not None and block.whole and block.fast is not None:
                block.run_whole(rows, lo, hi)
                continue
            for i in range(lo, hi):
                if safe is not None and safe[i]:
                    entries.append(i)
                else:
                    block.one(i, rows[i] if rows is not None else None)
    return blocks, imputed_by_block, plain
