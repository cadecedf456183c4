"""Comparable baselines: last year's values of this year's units, across a reorganisation.

When units were renamed, merged, split or absorbed between two assessments, a rank change
compares a unit with what its predecessors were. :func:`compare_with_lineage` derives every
unit's last-year values from its predecessors (by the lineage), with the method the lineage
declares per level of the criteria tree, ranks those values in this year's structure (as the
ministry ranked DTI 2024 among the 34 new provinces), and labels every rank change:

* ``comparable`` — the same unit, the same criteria;
* ``renamed`` — one whole predecessor under another id or name (its values carried);
* ``derived:<method>`` — values derived from several predecessors or a share of one
  (``mean``, ``weighted``, ``sum``, ``best``, ``worst``);
* ``new`` — no predecessor (or the method ``none``): no rank change;
* ``not_comparable`` — the criteria set changed (and no crosswalk re-scored last year),
  the unit changed block, or a predecessor has no result.

Derived values are rounded half-up to the decimals of the values they come from, as
published values are, and ranked on them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any

from udcntt.errors import Diagnostic, EvaluationError, msg
from udcntt.evaluation._assessment import AgencyResult, Assessment, Comparison
from udcntt.evaluation._ranking import competition_ranks, rank_change
from udcntt.lineage import BaselineSpec, Lineage, Link, check_units

__all__ = ["compare_with_lineage", "derive_value", "located"]


def _places(values: Sequence[Decimal]) -> int:
    places = 0
    for v in values:
        exponent = v.as_tuple().exponent
        if isinstance(exponent, int) and exponent < 0:
            places = max(places, -exponent)
    return min(places, 10)


def derive_value(
    method: str, values: Sequence[Decimal], shares: Sequence[Decimal], weights: Sequence[Decimal]
) -> Decimal:
    """One derived value from the predecessors' ``values``.

    ``shares`` are the parts of each predecessor the unit received (1 for a merger);
    ``weights`` the declared indicator's values (for ``weighted``; ignored otherwise).
    ``mean`` counts each predecessor by its share; ``sum`` adds the shares of the values.
    The result is rounded half-up to the decimals of ``values``.

    >>> derive_value("mean", [Decimal("0.7000"), Decimal("0.6000"), Decimal("0.8000")],
    ...              [Decimal(1)] * 3, [])
    Decimal('0.7000')

    Raises:
        ValueError: for an unknown method, or ``carry`` with more than one value.
    """
    if method == "mean":
        total_share = sum(shares, Decimal(0))
        value = sum((v * s for v, s in zip(values, shares, strict=True)), Decimal(0)) / total_share
    elif method == "weighted":
        parts = [w * s for w, s in zip(weights, shares, strict=True)]
        denominator = sum(parts, Decimal(0))
        if not denominator:
            raise ValueError("weights add up to 0")
        value = sum((v * p for v, p in zip(values, parts, strict=True)), Decimal(0)) / denominator
    elif method == "sum":
        value = sum((v * s for v, s in zip(values, shares, strict=True)), Decimal(0))
    elif method == "best":
        value = max(values)
    elif method == "worst":
        value = min(values)
    elif method == "carry" and len(values) == 1:
        return values[0]
    else:
        raise ValueError(f"method {method!r} cannot derive from {len(values)} values")
    return value.quantize(Decimal(1).scaleb(-_places(values)), rounding=ROUND_HALF_UP)


def _default_dates(
    current: Assessment, previous: Assessment, lineage: Lineage
) -> tuple[dt.date, dt.date]:
    first = lineage.events[0].date if lineage.events else dt.date(1900, 1, 1)
    last = lineage.events[-1].date if lineage.events else dt.date(1900, 1, 1)
    if previous.year is not None:
        before = dt.date(previous.year, 12, 31)
    else:
        before = first - dt.timedelta(days=1)
    after = dt.date(current.year, 12, 31) if current.year is not None else last
    return before, after


def compare_with_lineage(
    current: Assessment,
    previous: Assessment,
    lineage: Lineage,
    *,
    previous_date: dt.date | None = None,
    current_date: dt.date | None = None,
    same_rules: bool | None = None,
    criteria_compared: Sequence[str] = (),
    criteria_not_compared: Sequence[str] = (),
) -> Assessment:
    """``current`` with rank changes against ``previous`` carried across ``lineage``.

    Args:
        current: this year's assessment (scored without a previous year, or with one:
            its rank changes are replaced).
        previous: last year's assessment, in last year's units.
        lineage: the units' history; its ``baseline`` declares the methods.
        previous_date: the date of last year's units (default: 31 December of
            ``previous.year``, else the day before the first event).
        current_date: the date of this year's units (default: 31 December of
            ``current.year``, else the last event's date).
        same_rules: whether both years were scored under the same criteria (default: the
            rule fingerprints agree); ``False`` labels every change ``not_comparable``.
        criteria_compared: criteria compared through a crosswalk (recorded as given).
        criteria_not_compared: criteria a crosswalk could not compare.

    Returns:
        A new assessment: each result with ``previous_rank`` (in this year's structure),
        ``rank_change``, ``previous_total`` and ``comparability``; the comparison with the
        label counts and every derived value (``comparison.baseline``).

    Raises:
        EvaluationError: ``E-LINEAGE-UNCOVERED`` naming each unit of either year the
            lineage does not have alive at its date; ``E-BASELINE-METHOD`` when a
            ``weighted`` baseline lacks the weight of a predecessor.
    """
    before, after = _default_dates(current, previous, lineage)
    before = previous_date or before
    after = current_date or after
    problems = [
        *located(
            check_units(lineage, [r.agency_id for r in previous.results], before, what="previous"),
            previous,
        ),
        *located(
            check_units(lineage, [r.agency_id for r in current.results], after, what="survey"),
            current,
        ),
    ]
    if problems:
        raise EvaluationError.from_diagnostics(problems)
    if same_rules is None:
        same_rules = previous.receipt.rules_fingerprint == current.receipt.rules_fingerprint
    deriver = _Deriver(previous, lineage.baseline, before, after, lineage)
    derived = {r.agency_id: deriver.derive(r, same_rules) for r in current.results}
    if deriver.problems:
        raise EvaluationError.from_diagnostics(deriver.problems)
    ranks = _previous_ranks(current, derived)
    results = []
    counts: dict[str, int] = {}
    for r in current.results:
        d = derived[r.agency_id]
        counts[d.label] = counts.get(d.label, 0) + 1
        prev_rank = ranks.get(r.agency_id)
        results.append(
            replace(
                r,
                previous_rank=prev_rank,
                rank_change=rank_change(prev_rank, r.rank) if d.label != "new" else None,
                previous_total=d.total,
                previous_tier=d.tier,
                comparability=d.label,
            )
        )
    comparison = Comparison(
        previous_rules_id=previous.rules_id,
        previous_fingerprint=previous.receipt.rules_fingerprint,
        same_rules=same_rules,
        new_agencies=tuple(
            r.agency_id for r in current.results if derived[r.agency_id].label == "new"
        ),
        dropped_agencies=tuple(sorted(deriver.dropped(current))),
        matched_by_alias=MappingProxyType(
            {k: d.sources[0] for k, d in sorted(derived.items()) if d.label == "renamed"}
        ),
        moved_block=tuple(k for k, d in derived.items() if d.moved),
        previous_year=previous.year,
        label_counts=MappingProxyType(dict(sorted(counts.items()))),
        baseline=MappingProxyType(deriver.record(derived)),
        criteria_compared=tuple(criteria_compared),
        criteria_not_compared=tuple(criteria_not_compared),
        previous_synthetic=lineage.synthetic,
    )
    receipt = replace(
        current.receipt,
        previous_fingerprint=previous.receipt.data_fingerprint,
        options=MappingProxyType(
            {**current.receipt.options, "previous": True, "lineage": lineage.source}
        ),
    )
    return replace(current, results=tuple(results), comparison=comparison, stored_receipt=receipt)


def located(diags: list[Diagnostic], assessment: Assessment) -> list[Diagnostic]:
    """The diagnostics, located at the agency's survey row when the assessment still has its
    data (an assessment read back from JSON has none)."""
    data = assessment._dataset
    if data is None:
        return diags
    by_id = data.by_id()
    out = []
    for d in diags:
        record = by_id.get(d.agency or "")
        out.append(replace(d, location=record.location) if record is not None else d)
    return out


class _Derived:
    """One unit's derived last-year values and label."""

    __slots__ = ("label", "levels", "moved", "share", "sources", "tier", "total")

    def __init__(
        self,
        label: str,
        sources: tuple[str, ...] = (),
        total: Decimal | None = None,
        share: Decimal | None = None,
        levels: Mapping[str, Decimal] | None = None,
        tier: str | None = None,
        moved: bool = False,
    ) -> None:
        self.label = label
        self.sources = sources
        self.total = total
        self.share = share
        self.levels = dict(levels or {})
        self.tier = tier
        self.moved = moved


class _Deriver:
    def __init__(
        self,
        previous: Assessment,
        spec: BaselineSpec,
        before: dt.date,
        after: dt.date,
        lineage: Lineage,
    ) -> None:
        self.previous = {r.agency_id: r for r in previous.results}
        self.trees = previous.criteria_tree
        self.spec = spec
        self.before = before
        self.after = after
        self.lineage = lineage
        self.links: dict[str, tuple[Link, ...]] = {}
        self.problems: list[Diagnostic] = []

    def derive(self, r: AgencyResult, same_rules: bool) -> _Derived:
        links = self.lineage.predecessors(r.agency_id, self.before, now=self.after)
        self.links[r.agency_id] = links
        sources = tuple(link.unit for link in links)
        if not links:
            return _Derived("new")
        missing = [link.unit for link in links if link.unit not in self.previous]
        if missing:
            return _Derived("not_comparable", sources)
        prevs = [self.previous[link.unit] for link in links]
        whole_one = len(links) == 1 and links[0].share == 1
        if whole_one and links[0].unit == r.agency_id and not links[0].events:
            renamed = self.lineage.units[r.agency_id].name_at(self.before) != r.name
            method, label = "carry", "renamed" if renamed else "comparable"
        elif whole_one:
            method = self.spec.renamed
            label = "renamed" if method == "carry" else f"derived:{method}"
        else:
            method = self.spec.total
            label = f"derived:{method}"
        if method == "none":
            return _Derived("new", sources)
        moved = all(p.block != r.block for p in prevs)
        if moved or not same_rules:
            label = "not_comparable"
        shares = [link.share for link in links]
        weights = self._weights(r, prevs) if method == "weighted" else []
        if method == "weighted" and len(weights) != len(prevs):
            return _Derived("not_comparable", sources)
        total = derive_value(method, [p.total for p in prevs], shares, weights)
        if method == "sum":
            maxima = derive_value("sum", [p.max for p in prevs], shares, weights)
            share = (total / maxima).quantize(prevs[0].share) if maxima else None
        else:
            share = derive_value(method, [p.share for p in prevs], shares, weights)
        levels = self._levels(method, prevs, shares, weights)
        tier = prevs[0].tier if method == "carry" else None
        return _Derived(label, sources, total, share, levels, tier, moved)

    def _weights(self, r: AgencyResult, prevs: list[AgencyResult]) -> list[Decimal]:
        name = self.spec.weight or ""
        out = []
        for p in prevs:
            value = p.inputs.get(name)
            if not isinstance(value, Decimal | int) or isinstance(value, bool):
                self.problems.append(
                    Diagnostic(
                        code="E-BASELINE-METHOD",
                        message=msg(
                            "predecessor '{unit}' of '{agency}' has no value of the weight "
                            "indicator '{indicator}' last year",
                            unit=p.agency_id,
                            agency=r.agency_id,
                            indicator=name,
                        ),
                        location=self.spec.location,
                        agency=r.agency_id,
                        indicator=name,
                    )
                )
                return []
            out.append(Decimal(value))
        return out

    def _levels(
        self,
        method: str,
        prevs: list[AgencyResult],
        shares: list[Decimal],
        weights: list[Decimal],
    ) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for depth, level_method in sorted(self.spec.levels.items()):
            use = "carry" if method == "carry" else level_method
            if use == "none":
                continue
            for info in self.trees.get(prevs[0].block, ()):
                if info.depth != depth - 1:
                    continue
                values = [p.criteria[info.id].points for p in prevs if info.id in p.criteria]
                if len(values) != len(prevs) or any(v is None for v in values):
                    continue
                out[info.id] = derive_value(
                    use, [v for v in values if v is not None], shares, weights
                )
        return out

    def dropped(self, current: Assessment) -> list[str]:
        """Last year's units with no successor among this year's results."""
        now = {r.agency_id for r in current.results}
        return [
            pid
            for pid in self.previous
            if pid in self.lineage.units
            and not any(s.unit in now for s in self.lineage.successors(pid, self.after))
        ]

    def record(self, derived: Mapping[str, _Derived]) -> dict[str, Any]:
        """What the comparison keeps: dates, methods, and every derived unit's values."""
        units = {}
        for uid, d in sorted(derived.items()):
            if d.label in ("comparable", "new"):
                continue
            units[uid] = {
                "label": d.label,
                "from": [
                    {"id": link.unit, "share": str(link.share)} for link in self.links.get(uid, ())
                ],
                "total": None if d.total is None else str(d.total),
                "share": None if d.share is None else str(d.share),
                "levels": {k: str(v) for k, v in d.levels.items()},
            }
        return {
            "lineage": self.lineage.source,
            "title": self.lineage.title,
            "synthetic": self.lineage.synthetic,
            "previous_date": self.before.isoformat(),
            "current_date": self.after.isoformat(),
            "methods": {
                "total": self.spec.total,
                "renamed": self.spec.renamed,
                "levels": {str(k): v for k, v in sorted(self.spec.levels.items())},
                "weight": self.spec.weight,
            },
            "units": units,
        }


def _previous_ranks(current: Assessment, derived: Mapping[str, _Derived]) -> dict[str, int]:
    """Last year's ranks in this year's structure: derived values ranked within this year's
    blocks (or all, as the rule set ranks), among ranked units that have one."""
    compiled = current._compiled
    ranking = getattr(getattr(compiled, "rules", None), "ranking", None)
    on_share = getattr(getattr(ranking, "on", None), "value", "share") == "share"
    scope_all = getattr(ranking, "scope", "block") == "all"
    groups: dict[str, list[tuple[str, Decimal]]] = {}
    for r in current.results:
        d = derived[r.agency_id]
        value = d.share if on_share else d.total
        if not r.ranked or d.label == "new" or value is None:
            continue
        groups.setdefault("*" if scope_all else r.block, []).append((r.agency_id, value))
    out: dict[str, int] = {}
    for members in groups.values():
        for (uid, _), rank in zip(
            members, competition_ranks(members, key=lambda m: m[1]), strict=True
        ):
            out[uid] = rank
    return out
