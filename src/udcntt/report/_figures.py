"""Province figures: survey indicators summed or counted per block and over the province.

Nothing here is specific to one criteria set. Every indicator is aggregated by its type —
counts and numbers are summed, ratios averaged, yes/no indicators counted ("18/20"),
categories tallied — and every declared relation of the form ``part <= whole`` (or
``a + b <= whole``) between counts becomes a computed share: Lâm Đồng's
``it_staff_college <= it_staff`` gives "120 of 129 IT staff have a college degree or
higher (93,0%)". Shares are always computed from the sums, never copied from anywhere, and
only between counts of the same unit: ``antivirus_pcs <= staff_with_pc`` checks the data but
a share of machines in people would mean nothing.

:func:`figure_changes` compares the province totals with last year's, when the assessment
was scored against last year's survey (``--previous``): "IT staff from 137 to 129".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from udcntt.evaluation import AgencyResult, Assessment
from udcntt.report._i18n import t

__all__ = [
    "FigureChange",
    "IndicatorAggregate",
    "IndicatorFigure",
    "ProvinceFigures",
    "ShareFigure",
    "aggregation_lines",
    "attach_previous_totals",
    "figure_changes",
    "previous_totals",
    "province_figures",
]

#: Where :func:`attach_previous_totals` keeps last year's totals of results read from JSON.
_PREVIOUS_ATTR = "_udcntt_previous_totals"

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_RELATION = re.compile(rf"^\s*({_NAME}(?:\s*\+\s*{_NAME})*)\s*<=\s*({_NAME})\s*$")
_KIND_OF_TYPE = {
    "count": "sum",
    "number": "sum",
    "ratio": "mean",
    "bool": "yes",
    "category": "categories",
}


@dataclass(frozen=True, slots=True)
class IndicatorAggregate:
    """An indicator over a set of agencies.

    ``reporting`` agencies gave a value; ``total`` is their sum (numbers) or how many said
    yes (yes/no indicators); ``mean`` is ``total / reporting`` for ratios; ``categories``
    counts agencies per category id.
    """

    reporting: int
    total: Decimal
    mean: Decimal | None = None
    categories: Mapping[str, int] = field(default_factory=dict)

    @property
    def share_yes(self) -> Decimal | None:
        """For yes/no indicators: the share of agencies that said yes."""
        return self.total / self.reporting if self.reporting else None


@dataclass(frozen=True, slots=True)
class IndicatorFigure:
    """One indicator aggregated per block and over all agencies."""

    id: str
    label: str
    unit: str | None
    kind: str  # "sum" | "mean" | "yes" | "categories"
    by_block: Mapping[str, IndicatorAggregate]
    overall: IndicatorAggregate
    category_labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ShareFigure:
    """A part-of-whole share from a declared relation ``part (+ part) <= whole``.

    Sums are over the agencies where the parts and the whole all have values.
    """

    parts: tuple[str, ...]
    whole: str
    by_block: Mapping[str, tuple[tuple[Decimal, ...], Decimal]]
    overall: tuple[tuple[Decimal, ...], Decimal]

    @staticmethod
    def share(part: Decimal, whole: Decimal) -> Decimal | None:
        """``part / whole``, or ``None`` when the whole is zero."""
        return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class ProvinceFigures:
    """Every indicator aggregate and declared share of an assessment."""

    blocks: tuple[str, ...]
    indicators: tuple[IndicatorFigure, ...]
    shares: tuple[ShareFigure, ...]

    def indicator(self, indicator_id: str) -> IndicatorFigure | None:
        """The figure of one indicator, if it has values."""
        for fig in self.indicators:
            if fig.id == indicator_id:
                return fig
        return None

    def __bool__(self) -> bool:
        return bool(self.indicators)


def _is_number(value: Any) -> bool:
    return isinstance(value, Decimal) and not isinstance(value, bool)


def _aggregate(kind: str, values: list[Any]) -> IndicatorAggregate:
    if kind == "yes":
        flags = [v for v in values if isinstance(v, bool)]
        return IndicatorAggregate(len(flags), Decimal(sum(flags)))
    if kind == "categories":
        names = [v for v in values if isinstance(v, str)]
        counts: dict[str, int] = {}
        for name in names:
            counts[name] = counts.get(name, 0) + 1
        return IndicatorAggregate(
            len(names), Decimal(len(names)), categories=MappingProxyType(counts)
        )
    numbers = [v for v in values if _is_number(v)]
    total = sum(numbers, Decimal(0))
    mean = total / len(numbers) if kind == "mean" and numbers else None
    return IndicatorAggregate(len(numbers), total, mean)


def _metadata(assessment: Assessment) -> list[tuple[str, str, str | None, str, dict[str, str]]]:
    """``(id, label, unit, kind, category labels)`` of each indicator, in declared order."""
    if assessment.indicators:
        return [
            (ind.id, ind.label, ind.unit, kind, dict(ind.categories))
            for ind in assessment.indicators
            if (kind := _KIND_OF_TYPE.get(ind.type)) is not None
        ]
    # An assessment without indicator metadata: infer the kind from the values themselves.
    seen: dict[str, str] = {}
    for r in assessment.results:
        for name, value in r.inputs.items():
            if isinstance(value, bool):
                seen.setdefault(name, "yes")
            elif _is_number(value):
                seen.setdefault(name, "sum")
            elif isinstance(value, str):
                seen.setdefault(name, "categories")
    return [(name, name, None, kind, {}) for name, kind in seen.items()]


def _relations(assessment: Assessment) -> list[tuple[tuple[str, ...], str, tuple[str, ...] | None]]:
    types = {ind.id: ind.type for ind in assessment.indicators}
    units = {ind.id: ind.unit for ind in assessment.indicators}
    out: list[tuple[tuple[str, ...], str, tuple[str, ...] | None]] = []
    seen: set[tuple[tuple[str, ...], str]] = set()
    for check, blocks in assessment.relations:
        match = _RELATION.match(check)
        if match is None:
            continue
        parts = tuple(p.strip() for p in match.group(1).split("+"))
        whole = match.group(2)
        if any(types.get(n) not in ("count", "number") for n in (*parts, whole)):
            continue
        if len({units.get(n) for n in (*parts, whole)} - {None}) > 1:
            continue  # machines against people: the relation checks data, it is no share
        if (parts, whole) in seen:
            continue
        seen.add((parts, whole))
        out.append((parts, whole, blocks))
    return out


def _share_sums(
    results: Iterable[AgencyResult], parts: tuple[str, ...], whole: str
) -> tuple[tuple[Decimal, ...], Decimal]:
    part_sums = [Decimal(0)] * len(parts)
    whole_sum = Decimal(0)
    for r in results:
        values = [r.inputs.get(p) for p in parts]
        total = r.inputs.get(whole)
        if not all(_is_number(v) for v in [*values, total]):
            continue
        for i, v in enumerate(values):
            part_sums[i] += v  # type: ignore[operator]
        whole_sum += total  # type: ignore[operator]
    return tuple(part_sums), whole_sum


def province_figures(assessment: Assessment) -> ProvinceFigures:
    """IndicatorAggregate every indicator per block and overall, and the declared shares.

    An assessment reloaded from JSON carries no survey values: the result is then empty
    (and false in a boolean context).
    """
    blocks = tuple(assessment.blocks())
    by_block = {b: [r for r in assessment.results if r.block == b] for b in blocks}
    indicators: list[IndicatorFigure] = []
    for ind_id, label, unit, kind, categories in _metadata(assessment):
        per_block: dict[str, IndicatorAggregate] = {}
        for b in blocks:
            values = [r.inputs[ind_id] for r in by_block[b] if ind_id in r.inputs]
            agg = _aggregate(kind, values)
            if agg.reporting:
                per_block[b] = agg
        if not per_block:
            continue
        overall = _aggregate(
            kind, [r.inputs[ind_id] for r in assessment.results if ind_id in r.inputs]
        )
        indicators.append(
            IndicatorFigure(
                id=ind_id,
                label=label,
                unit=unit,
                kind=kind,
                by_block=MappingProxyType(per_block),
                overall=overall,
                category_labels=MappingProxyType(categories),
            )
        )
    shares: list[ShareFigure] = []
    for parts, whole, only in _relations(assessment):
        scope = [b for b in blocks if only is None or b in only]
        per: dict[str, tuple[tuple[Decimal, ...], Decimal]] = {}
        for b in scope:
            sums = _share_sums(by_block[b], parts, whole)
            if sums[1]:
                per[b] = sums
        if not per:
            continue
        overall_sums = _share_sums((r for b in scope for r in by_block[b]), parts, whole)
        shares.append(ShareFigure(parts, whole, MappingProxyType(per), overall_sums))
    return ProvinceFigures(blocks, tuple(indicators), tuple(shares))


@dataclass(frozen=True, slots=True)
class FigureChange:
    """A province total this year and last year: one count indicator, or the sum of the
    parts of a declared relation (``procedures_level3 + procedures_level4``).

    ``before`` and ``after`` are sums over each year's agencies that reported a value.
    """

    ids: tuple[str, ...]
    labels: tuple[str, ...]
    unit: str | None
    before: Decimal
    after: Decimal

    @property
    def change(self) -> Decimal:
        """``after - before``."""
        return self.after - self.before


def previous_totals(
    assessment: Assessment, previous: Assessment | None = None
) -> dict[str, Decimal] | None:
    """Last year's province total of each count or number indicator (the sum over last
    year's agencies that reported it), by indicator id: from ``previous``, from last year's
    assessment a fresh :func:`udcntt.evaluate` with ``previous=`` carries, or from the
    results file the assessment was read from (its ``previous_figures``). ``None`` when
    none of them is known."""
    stored = getattr(assessment, _PREVIOUS_ATTR, None)
    if previous is None and stored is not None:
        return dict(stored)
    prev = previous if previous is not None else getattr(assessment, "_previous", None)
    if not isinstance(prev, Assessment):
        return None
    return {f.id: f.overall.total for f in province_figures(prev).indicators if f.kind == "sum"}


def attach_previous_totals(assessment: Assessment, totals: Mapping[str, Decimal]) -> None:
    """Keep last year's province totals (a results file's ``previous_figures``) with an
    assessment read back from it, so its narrative compares the years as the direct one."""
    # Assessment is a frozen dataclass with a __dict__: the totals ride along outside its
    # fields (equality and the JSON fields are unchanged).
    object.__setattr__(assessment, _PREVIOUS_ATTR, dict(totals))


def figure_changes(
    assessment: Assessment, previous: Assessment | None = None
) -> list[FigureChange]:
    """The province totals of the counts this year and last year, in the order the survey
    figures are quoted: each declared ``whole`` and its parts (with the parts' sum when there
    are several), then the other counts. Empty without last year's totals
    (:func:`previous_totals`): give ``previous``, score with ``previous=``
    (:func:`udcntt.evaluate`), or read results written so.
    """
    then = previous_totals(assessment, previous)
    now = province_figures(assessment)
    if not now or not then:
        return []
    counts = {ind.id for ind in assessment.indicators if ind.type in ("count", "number")} or {
        f.id for f in now.indicators if f.kind == "sum"
    }
    order: list[tuple[str, ...]] = []
    for share in now.shares:
        for key in ((share.whole,), *((p,) for p in share.parts)):
            if key not in order:
                order.append(key)
        if len(share.parts) > 1 and share.parts not in order:
            order.append(share.parts)
    order += [(f.id,) for f in now.indicators if f.id in counts and (f.id,) not in order]
    out: list[FigureChange] = []
    for ids in order:
        figs = [now.indicator(i) for i in ids]
        if any(f is None or f.kind != "sum" for f in figs) or any(i not in then for i in ids):
            continue
        units = {f.unit for f in figs if f is not None}
        out.append(
            FigureChange(
                ids=ids,
                labels=tuple(f.label for f in figs if f is not None),
                unit=units.pop() if len(units) == 1 else None,
                before=sum((then[i] for i in ids), Decimal(0)),
                after=sum((f.overall.total for f in figs if f is not None), Decimal(0)),
            )
        )
    return out


def aggregation_lines(fig: IndicatorFigure, lang: str) -> list[tuple[str, str | None]]:
    """The rows a province-figures table gives one indicator: how it is aggregated
    (``Tổng``, ``Trung bình``, ``Số đơn vị có``) and, for a category indicator, one row per
    category with its id.

    Raises:
        UsageError: for a language udcntt does not speak.
    """
    if fig.kind == "categories":
        return [
            (t(lang, "agg_category", category=fig.category_labels.get(c, c)), c)
            for c in fig.category_labels or fig.overall.categories
        ]
    key = {"sum": "agg_sum", "mean": "agg_mean", "yes": "agg_true"}[fig.kind]
    return [(t(lang, key), None)]
