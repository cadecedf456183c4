"""From scored agencies to results: ranks, the match with last year, the result records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from udcntt.data import AgencyRecord
from udcntt.errors import Diagnostic, EvaluationError, msg
from udcntt.evaluation._assessment import (
    AgencyResult,
    Assessment,
    Comparison,
    CriterionInfo,
    ZipMapping,
)
from udcntt.evaluation._ranking import (
    PreviousMatch,
    match_previous,
    rank_change,
)
from udcntt.evaluation._state import Core
from udcntt.program import BlockPlan, CompiledRuleSet, LeafPlan, NodePlan

__all__ = ["NEW_AGENCY", "compare", "criteria_tree", "result_of"]

_ZERO = Decimal(0)

#: What :func:`compare` matches a new agency with: no record of last year, label ``new``.
NEW_AGENCY = AgencyResult(
    "", "", "", False, {}, {}, {}, _ZERO, _ZERO, _ZERO, _ZERO, "", "", comparability="new"
)


def _how(agency: str, how: str, key: str) -> str:
    if how == "alias":
        return msg("'{agency}' matches through its declared alias '{key}'", agency=agency, key=key)
    return msg("'{agency}' matches through its name '{key}'", agency=agency, key=key)


def _ambiguities(match: PreviousMatch) -> list[Diagnostic]:
    """One ``E-PREVIOUS-AMBIGUOUS`` per previous agency claimed twice, and per forked match."""
    out = [
        Diagnostic(
            code="E-PREVIOUS-AMBIGUOUS",
            message=msg(
                "agencies '{first}' and '{second}' both match last year's agency '{previous}'",
                first=first,
                second=second,
                previous=pid,
            ),
            agency=first,
            notes=(_how(first, how_first, first_key), _how(second, how_second, second_key)),
            hint=msg(
                "give the agency that continues '{previous}' that id, or declare the alias "
                "on one agency only",
                previous=pid,
            ),
        )
        for pid, (first, how_first, first_key), (second, how_second, second_key) in (
            match.conflicts
        )
    ]
    out.extend(
        Diagnostic(
            code="E-PREVIOUS-AMBIGUOUS",
            message=msg(
                "agency '{agency}' matches two agencies of last year through '{key}': "
                "'{first}' and '{second}'",
                agency=cid,
                key=key,
                first=first,
                second=second,
            ),
            agency=cid,
            hint=msg("give the agency the id it had last year, or declare that id as an alias"),
        )
        for cid, key, first, second in match.forks
    )
    return out


def compare(
    records: Sequence[AgencyRecord],
    compiled: CompiledRuleSet,
    previous: Assessment,
) -> tuple[dict[str, AgencyResult], Comparison]:
    """Last year's result of each agency (``records``, this year's scored agencies in
    result order), and how the two years relate.

    Raises:
        EvaluationError: ``E-PREVIOUS-AMBIGUOUS`` when two agencies of this year match the
            same agency of last year (by a declared alias or by name); both are named.
    """
    prev_by_id = {r.agency_id: r for r in previous.results}
    ids = [r.id for r in records]
    match = match_previous(
        [(r.id, r.name, r.aliases) for r in records],
        [(r.agency_id, r.name) for r in previous.results],
    )
    if match.conflicts or match.forks:
        raise EvaluationError.from_diagnostics(_ambiguities(match))
    mapping = match.mapping
    matched: dict[str, AgencyResult] = {}
    moved = []
    same_rules = previous.receipt.rules_fingerprint == compiled.fingerprint
    counts: dict[str, int] = {}
    for record in records:
        rid = record.id
        pid = mapping.get(rid)
        if pid is None:
            # Read back by result_of: a new agency, not an agency without a previous year.
            matched[rid] = NEW_AGENCY
            counts["new"] = counts.get("new", 0) + 1
            continue
        prev = prev_by_id[pid]
        if prev.block != record.block:
            moved.append(rid)
            label = "not_comparable"
        elif not same_rules:
            label = "not_comparable"
        elif pid != rid:
            label = "renamed"
        else:
            label = "comparable"
        counts[label] = counts.get(label, 0) + 1
        # The record of last year carries this year's label to result_of.
        matched[rid] = replace(prev, comparability=label)
    matched_prev = set(mapping.values())
    comparison = Comparison(
        previous_rules_id=previous.rules_id,
        previous_fingerprint=previous.receipt.rules_fingerprint,
        same_rules=same_rules,
        new_agencies=tuple(i for i in ids if i not in mapping),
        dropped_agencies=tuple(sorted(p for p in prev_by_id if p not in matched_prev)),
        matched_by_alias=MappingProxyType(dict(sorted(match.by_alias.items()))),
        moved_block=tuple(moved),
        previous_year=previous.year,
        matched_by_name=MappingProxyType(dict(sorted(match.by_name.items()))),
        label_counts=MappingProxyType(dict(sorted(counts.items()))),
        previous_synthetic=bool(previous.comparison and previous.comparison.previous_synthetic),
    )
    return matched, comparison


def result_of(core: Core, rank: int | None, prev: AgencyResult | None) -> AgencyResult:
    """The immutable result record of one scored agency.

    ``prev`` is last year's record as :func:`compare` matched it (its ``comparability`` is
    this year's label), :data:`NEW_AGENCY` for an agency last year did not have, or
    ``None`` without a previous year.
    """
    label = None if prev is None else prev.comparability
    if prev is NEW_AGENCY:
        prev = None
    agency = core.agency
    record = agency.record
    plan = agency.plan
    if agency.fast_values is not None:
        inputs: Mapping[str, Any] = ZipMapping(plan.indicators, agency.fast_values)
        derived: Mapping[str, Any] = ZipMapping(plan.derived, agency.fast_derived)
    else:
        inputs = MappingProxyType(dict(agency.inputs.values) if agency.inputs is not None else {})
        derived = MappingProxyType(dict(agency.derived))
    same_block = prev is not None and prev.block == record.block
    # Field order of AgencyResult (a test checks it against the dataclass).
    return AgencyResult._fast(
        record.id,
        record.name,
        record.block,
        record.ranked,
        inputs,
        derived,
        core.criteria,
        core.unrounded,
        core.total,
        core.max,
        core.share,
        core.tier.id,
        core.tier.label,
        rank,
        prev.rank if prev is not None and same_block else None,
        rank_change(prev.rank, rank) if prev is not None and same_block else None,
        prev.total if prev is not None else None,
        prev.tier if prev is not None else None,
        core.notes,
        label,
    )


def criteria_tree(plan: BlockPlan) -> tuple[CriterionInfo, ...]:
    """The block's criteria in pre-order, as reports list them."""
    out: list[CriterionInfo] = []
    stack: list[tuple[NodePlan | LeafPlan, int]] = [(r, 0) for r in reversed(plan.roots)]
    while stack:
        node, depth = stack.pop()
        crit = node.criterion
        is_leaf = isinstance(node, LeafPlan)
        out.append(CriterionInfo(crit.id, crit.code, crit.label, depth, is_leaf, node.max))
        if isinstance(node, NodePlan):
            stack.extend((c, depth + 1) for c in reversed(node.children))
    return tuple(out)
