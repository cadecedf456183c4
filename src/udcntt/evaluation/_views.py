"""Two views of one year: the assessment as scored (old units) and regrouped (new units).

The ministry published DTI 2024 twice (21/10/2025): ranked among the 63 former provinces,
and among the 34 new ones, where a merged province's value is the plain mean of its
predecessors' main indices. :func:`regroup` builds the second view from the first: every
unit alive at a date gets the values derived from its predecessors by the lineage's
methods (:func:`udcntt.evaluation.derive_value`), is classed in a tier by the same
thresholds and ranked among the new units.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from types import MappingProxyType

from udcntt.errors import EvaluationError, msg
from udcntt.evaluation._assessment import AgencyResult, Assessment, CriterionResult
from udcntt.evaluation._baseline import derive_value, located
from udcntt.evaluation._ranking import competition_ranks
from udcntt.lineage import Lineage, check_units

__all__ = ["regroup"]


def _tier(assessment: Assessment, total: Decimal, share: Decimal) -> tuple[str, str]:
    """The first tier whose thresholds hold the value (extra conditions are not re-checked)."""
    value = share if assessment.tier_basis == "share" else total
    for tier in assessment.tiers:
        if (tier.min is None or value >= tier.min) and (tier.max is None or value <= tier.max):
            return tier.id, tier.label
    first = next(iter(assessment.tier_labels.items()), ("", ""))
    return first


def regroup(
    assessment: Assessment,
    lineage: Lineage,
    *,
    at: dt.date | None = None,
    scored_at: dt.date | None = None,
) -> Assessment:
    """``assessment`` (scored in the old units) seen in the units alive at ``at``.

    Args:
        assessment: the year as scored, one result per old unit.
        lineage: the units' history; its ``baseline`` declares the methods.
        at: the date of the new structure (default: the last event's date).
        scored_at: the date of the scored units (default: 31 December of the year, else the
            day before the first event).

    Returns:
        An assessment with one result per new unit that has predecessors among the scored
        ones: total, share, maximum and the declared levels' points derived by the
        lineage's methods, tier by the same thresholds, rank among the new units; each
        result's ``comparability`` says how its values were obtained (``comparable``,
        ``renamed``, ``derived:<method>``) and its notes name its predecessors. With the
        method ``none``, units with several predecessors get no value and are left out.

    Raises:
        EvaluationError: ``E-LINEAGE-UNCOVERED`` for each scored unit the lineage does not
            have alive at ``scored_at``; ``E-BASELINE-METHOD`` when ``weighted`` lacks a
            predecessor's weight.
    """
    first = lineage.events[0].date if lineage.events else dt.date(1900, 1, 1)
    at = at or (lineage.events[-1].date if lineage.events else first)
    if scored_at is None:
        scored_at = (
            dt.date(assessment.year, 12, 31)
            if assessment.year is not None and dt.date(assessment.year, 12, 31) < at
            else first - dt.timedelta(days=1)
        )
    problems = check_units(lineage, [r.agency_id for r in assessment.results], scored_at)
    if problems:
        raise EvaluationError.from_diagnostics(located(problems, assessment))
    by_id = {r.agency_id: r for r in assessment.results}
    spec = lineage.baseline
    out: list[AgencyResult] = []
    for state in lineage.alive(at):
        links = [
            link for link in lineage.predecessors(state.id, scored_at, now=at) if link.unit in by_id
        ]
        if not links:
            continue
        prevs = [by_id[link.unit] for link in links]
        shares = [link.share for link in links]
        if len(links) == 1 and links[0].share == 1:
            base = prevs[0]
            label = "comparable" if base.agency_id == state.id else "renamed"
            out.append(
                replace(
                    base,
                    agency_id=state.id,
                    name=state.name,
                    block=state.block,
                    rank=None,
                    previous_rank=None,
                    rank_change=None,
                    previous_total=None,
                    previous_tier=None,
                    comparability=label,
                    notes=(*base.notes, f"← {base.agency_id}"),
                )
            )
            continue
        method = spec.total
        if method == "none":  # no value is derived: the unit is not in the new view
            continue
        weights = _weights(prevs, spec.weight, state.id) if method == "weighted" else []
        total = derive_value(method, [p.total for p in prevs], shares, weights)
        maximum = derive_value(
            "sum" if method == "sum" else "mean", [p.max for p in prevs], shares, weights
        )
        share = (
            (total / maximum).quantize(prevs[0].share)
            if method == "sum" and maximum
            else derive_value(method, [p.share for p in prevs], shares, weights)
        )
        criteria: dict[str, CriterionResult] = {}
        for depth, level_method in sorted(spec.levels.items()):
            use = level_method if level_method not in ("none", "carry") else method
            if use == "weighted" and not weights:
                weights = _weights(prevs, spec.weight, state.id)
            for info in assessment.criteria_tree.get(prevs[0].block, ()):
                if info.depth != depth - 1:
                    continue
                found = [p.criteria.get(info.id) for p in prevs]
                points = [c.points for c in found if c is not None and c.points is not None]
                if len(points) != len(prevs):
                    continue
                value = derive_value(use, points, shares, weights)
                criteria[info.id] = CriterionResult(
                    info.id, value, info.full_max, info.full_max, "scored"
                )
        tier, tier_label = _tier(assessment, total, share)
        sources = ", ".join(
            link.unit if link.share == 1 else f"{link.unit} × {link.share}" for link in links
        )
        out.append(
            AgencyResult(
                agency_id=state.id,
                name=state.name,
                block=state.block,
                ranked=state.ranked,
                inputs=MappingProxyType({}),
                derived=MappingProxyType({}),
                criteria=MappingProxyType(criteria),
                total_unrounded=total,
                total=total,
                max=maximum,
                share=share,
                tier=tier,
                tier_label=tier_label,
                comparability=f"derived:{method}",
                notes=(f"← {sources}",),
            )
        )
    ranked = _ranks(assessment, out)
    results = tuple(replace(r, rank=ranked.get(r.agency_id)) for r in out)
    order = {b: i for i, b in enumerate(assessment.block_labels)}
    results = tuple(sorted(results, key=lambda r: (order.get(r.block, -1), r.agency_id)))
    receipt = replace(
        assessment.receipt,
        options=MappingProxyType(
            {
                **assessment.receipt.options,
                "view": "new",
                "lineage": lineage.source,
                "at": at.isoformat(),
            }
        ),
    )
    return replace(
        assessment,
        results=results,
        comparison=None,
        stored_receipt=receipt,
        _dataset=None,
        _compiled=None,
    )


def _weights(prevs: list[AgencyResult], name: str | None, unit: str) -> list[Decimal]:
    """The weight indicator's value of each predecessor.

    Raises:
        EvaluationError: ``E-BASELINE-METHOD`` when a predecessor has no number for it.
    """
    out = []
    for p in prevs:
        value = p.inputs.get(name or "")
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            raise EvaluationError(
                msg(
                    "predecessor '{unit}' of '{agency}' has no value of the weight "
                    "indicator '{indicator}' last year",
                    unit=p.agency_id,
                    agency=unit,
                    indicator=name or "",
                ),
                code="E-BASELINE-METHOD",
                agency=unit,
                indicator=name,
            )
        out.append(Decimal(value))
    return out


def _ranks(assessment: Assessment, results: list[AgencyResult]) -> dict[str, int]:
    ranking = getattr(getattr(assessment._compiled, "rules", None), "ranking", None)
    on_share = getattr(getattr(ranking, "on", None), "value", "share") == "share"
    scope_all = getattr(ranking, "scope", "block") == "all"
    groups: dict[str, list[AgencyResult]] = {}
    for r in results:
        if r.ranked:
            groups.setdefault("*" if scope_all else r.block, []).append(r)
    out: dict[str, int] = {}
    for members in groups.values():
        key = (lambda r: r.share) if on_share else (lambda r: r.total)
        for r, rank in zip(members, competition_ranks(members, key), strict=True):
            out[r.agency_id] = rank
    return out
