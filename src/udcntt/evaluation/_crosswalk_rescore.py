"""Re-scoring last year's survey under this year's rules, through a crosswalk.

When the criteria set changed, last year's ranks were reached by other rules and a rank
change compares unlike things. With a :class:`~udcntt.lineage.Crosswalk`, last year's
answers are carried onto this year's indicators (renamed, summed, averaged, computed by a
declared expression, or a share of one) and scored with this year's rules, so the two
years are scored alike. A target without a source gets no value (its missing-value policy
decides), and every criterion that reads one is listed as not compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from udcntt.data import MISSING, NA, AgencyRecord, Dataset, Marker, indicator_names
from udcntt.evaluation._assessment import Assessment
from udcntt.evaluation._evaluate import evaluate
from udcntt.lineage import Crosswalk, CrosswalkMapping
from udcntt.model import RuleSet
from udcntt.program import CompiledRuleSet, compile_rules

__all__ = ["Rescored", "mark_compared", "rescore"]


@dataclass(frozen=True)
class Rescored:
    """Last year scored under this year's rules, and what could be compared.

    ``compared`` are this year's scored leaf criteria whose every indicator has a source in
    the crosswalk; ``not_compared`` the others.
    """

    assessment: Assessment
    compared: tuple[str, ...]
    not_compared: tuple[str, ...]

    @property
    def complete(self) -> bool:
        """Whether every scored criterion was compared."""
        return not self.not_compared


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return None
    return Decimal(value)


def _carry(m: CrosswalkMapping, values: Mapping[str, Any], compiled: Any) -> Any:
    """The value of target ``m`` from last year's ``values`` (a marker when it has none)."""
    if m.kind == "new":
        return MISSING
    got = [values.get(s, MISSING) for s in m.sources]
    if m.kind in ("rename", "split"):
        value = got[0]
        if m.kind == "split" and not isinstance(value, Marker):
            number = _number(value)
            return MISSING if number is None or m.share is None else number * m.share
        return value
    if m.kind == "expression":
        if any(isinstance(v, Marker) for v in got):
            return NA if all(v is NA for v in got) and got else MISSING
        return compiled[m.target].evaluate(dict(zip(m.sources, got, strict=True)))
    if all(v is NA for v in got):
        return NA
    numbers = [_number(v) for v in got]
    if any(n is None for n in numbers):
        return MISSING
    present = [n for n in numbers if n is not None]
    total = sum(present, Decimal(0))
    return total if m.kind == "sum" else total / len(present)


def rescore(
    previous: Dataset,
    old_rules: RuleSet,
    rules: RuleSet | CompiledRuleSet,
    crosswalk: Crosswalk,
) -> Rescored:
    """Score last year's survey ``previous`` under this year's ``rules`` through ``crosswalk``.

    Args:
        previous: last year's survey, read with ``old_rules``.
        old_rules: last year's rule set (the crosswalk's sources).
        rules: this year's rule set.
        crosswalk: a crosswalk checked against both rule sets.

    Returns:
        The re-scored assessment and the criteria compared and not compared.

    Raises:
        EvaluationError: when last year's carried values cannot be scored under this year's
            rules (a target without a source whose missing-value policy refuses it, …).
    """
    compiled = rules if isinstance(rules, CompiledRuleSet) else compile_rules(rules)
    expressions: dict[str, Any] = {}
    if any(m.kind == "expression" for m in crosswalk.indicators):
        from udcntt.expressions import compile_expression

        names = indicator_names(old_rules)
        for m in crosswalk.indicators:
            if m.kind == "expression" and m.expression is not None:
                expressions[m.target] = compile_expression(m.expression, names=names)
    records = []
    for record in previous.agencies:
        values = {m.target: _carry(m, record.values, expressions) for m in crosswalk.indicators}
        records.append(
            AgencyRecord(
                id=record.id,
                name=record.name,
                block=crosswalk.blocks.get(record.block, record.block),
                values={k: v for k, v in values.items() if v is not MISSING},
                ranked=record.ranked,
                aliases=record.aliases,
                parent=record.parent,
                location=record.location,
            )
        )
    data = Dataset(agencies=tuple(records), year=previous.year, source=previous.source)
    assessment = evaluate(compiled, data)
    covered = crosswalk.covered
    compared: list[str] = []
    not_compared: list[str] = []
    for plan in compiled.blocks.values():
        for leaf in plan.leaves:
            if leaf.unscored or leaf.id in compared or leaf.id in not_compared:
                continue
            (compared if leaf.reads <= covered else not_compared).append(leaf.id)
    return Rescored(assessment, tuple(compared), tuple(not_compared))


def mark_compared(assessment: Assessment, rescored: Rescored) -> Assessment:
    """``assessment`` (compared with ``rescored.assessment``) with the crosswalk's verdict.

    The comparison lists the criteria compared and not compared; when some scored criterion
    could not be compared, every rank change is labelled ``not_comparable``.
    """
    comparison = assessment.comparison
    if comparison is None:
        return assessment
    results = assessment.results
    counts = dict(comparison.label_counts)
    if not rescored.complete:
        results = tuple(
            r if r.comparability in (None, "new") else replace(r, comparability="not_comparable")
            for r in results
        )
        counts = {}
        for r in results:
            if r.comparability is not None:
                counts[r.comparability] = counts.get(r.comparability, 0) + 1
    comparison = replace(
        comparison,
        same_rules=rescored.complete,
        criteria_compared=rescored.compared,
        criteria_not_compared=rescored.not_compared,
        label_counts=MappingProxyType(dict(sorted(counts.items()))),
    )
    return replace(assessment, results=results, comparison=comparison)
