"""The invariants a rule file's scoring must satisfy, each a plain function; bounds and
monotonicity here.

Each ``check_*`` function takes a rule set and concrete data and returns the list of
:class:`Violation` found (empty when the invariant holds). They raise :class:`InvalidData`
when the data is not valid for the rule set (a declared relation fails, a value is out of
its range, …) so that property-based drivers can discard the example.
:func:`udcntt.testing.run_properties` drives them with the strategies of
:mod:`udcntt.testing`; they are public so that a province's own tests can call them with
their own data.

This module holds :func:`check_bounds`, :func:`check_monotone` and :func:`check_totals`
(totals that add up under ``rounding: {totals: sum_of_rounded}``); the others live beside
it: tiers in :mod:`~udcntt.testing._tier_checks`, not-applicable answers in
:mod:`~udcntt.testing._not_applicable`, row order, determinism and ``extends`` in
:mod:`~udcntt.testing._reproducible`, and what they share (:data:`INVARIANTS`,
:class:`Violation`, :class:`InvalidData`) in :mod:`~udcntt.testing._violations`.
"""

from __future__ import annotations

from decimal import Decimal

from udcntt.data import MISSING, Dataset, ValueOrMarker
from udcntt.errors import Diagnostic, EvaluationError, msg
from udcntt.evaluation import (
    Assessment,
    evaluate,
    quantize,
)
from udcntt.model import Direction, RuleSet, TotalsRule
from udcntt.program import CompiledRuleSet
from udcntt.testing._spaces import compiled_of, plain_decimal
from udcntt.testing._violations import (
    InvalidData,
    Violation,
    _is_input_problem,
    _minimal,
    _score,
    _show,
    _value_text,
    _with_value,
)

__all__ = ["check_bounds", "check_monotone", "check_totals"]


# ---------------------------------------------------------------------------------------
# bounds and scoring


def check_bounds(rules: RuleSet | CompiledRuleSet, data: Dataset) -> list[Violation]:
    """Points of every criterion within [0, max], totals within [0, max], shares within [0, 1].

    Also reports scoring failures on valid data (division by zero, non-finite numbers) as
    the ``scoring`` invariant. A total that falls in no tier is left to :func:`check_tiers`.

    Raises:
        InvalidData: the data violates the rule set's declarations.
    """
    compiled = compiled_of(rules)
    try:
        assessment = evaluate(compiled, data)
    except EvaluationError as exc:
        if any(_is_input_problem(d) for d in exc.diagnostics):
            raise InvalidData("data not valid for the rule set", exc.diagnostics) from None
        out: list[Violation] = []
        for d in exc.diagnostics:
            if d.code == "E-EVAL-NOTIER":
                continue
            if d.code == "E-EVAL-RANGE":
                out.append(
                    Violation(
                        "bounds",
                        msg(
                            "criterion '{criterion}' gives {points} points to agency '{agency}', outside [0, {max}]",
                            criterion=d.criterion,
                            points=d.value,
                            agency=d.agency,
                            max=_leaf_max(compiled, data, d),
                        ),
                        criterion=d.criterion,
                        agency=d.agency,
                        data=_minimal(compiled, data, d.agency),
                        hint=msg(
                            "bound the rule with clamp(...) or 'cap:', or narrow the 'range' of the indicators it reads"
                        ),
                    )
                )
            else:
                out.append(
                    Violation(
                        "scoring",
                        msg(
                            "scoring fails for valid data: [{code}] {message}",
                            code=d.code,
                            message=d.message,
                        ),
                        criterion=d.criterion,
                        agency=d.agency,
                        data=_minimal(compiled, data, d.agency),
                        hint=d.hint
                        or msg(
                            "declare the 'range' or relations that rule this data out, or make the rule total (e.g. ratio(a, b, 0))"
                        ),
                    )
                )
        if not out:
            raise InvalidData("no tier", exc.diagnostics) from None
        return out[:1]
    return _bounds_of(compiled, assessment, data)


def _leaf_max(compiled: CompiledRuleSet, data: Dataset, d: Diagnostic) -> str:
    record = next((r for r in data.agencies if r.id == d.agency), None)
    plan = compiled.blocks.get(record.block) if record is not None else None
    node = plan.node(d.criterion) if plan is not None and d.criterion else None
    return plain_decimal(node.max) if node is not None else "max"


def _bounds_of(compiled: CompiledRuleSet, assessment: Assessment, data: Dataset) -> list[Violation]:
    for r in assessment.results:
        plan = compiled.blocks[r.block]
        order = [leaf.id for leaf in plan.leaves] + [g.id for g in plan.groups]
        for cid in order:
            c = r.criteria[cid]
            if c.points is None:
                continue
            if c.points < 0 or c.points > c.full_max:
                return [
                    Violation(
                        "bounds",
                        msg(
                            "criterion '{criterion}' gives {points} points, outside [0, {max}]",
                            criterion=cid,
                            points=plain_decimal(c.points),
                            max=plain_decimal(c.full_max),
                        ),
                        criterion=cid,
                        agency=r.agency_id,
                        data=data,
                    )
                ]
        if r.total_unrounded < 0 or r.total_unrounded > r.max:
            return [
                Violation(
                    "bounds",
                    msg(
                        "total {total} of agency '{agency}' is outside [0, {max}]",
                        total=plain_decimal(r.total_unrounded),
                        agency=r.agency_id,
                        max=plain_decimal(r.max),
                    ),
                    agency=r.agency_id,
                    data=data,
                )
            ]
        if not 0 <= r.share <= 1:
            return [
                Violation(
                    "bounds",
                    msg(
                        "share {share} of agency '{agency}' is outside [0, 1]",
                        share=plain_decimal(r.share),
                        agency=r.agency_id,
                    ),
                    agency=r.agency_id,
                    data=data,
                )
            ]
    return []


# ---------------------------------------------------------------------------------------
# monotonicity


def check_monotone(
    rules: RuleSet | CompiledRuleSet,
    data: Dataset,
    agency: str,
    indicator: str,
    value: ValueOrMarker,
) -> list[Violation]:
    """Changing ``indicator`` of ``agency`` to the better ``value`` costs nothing.

    "Better" follows the indicator's ``direction``; the other agencies stay as they are.
    None of the agency's criteria may lose points, nor its total; its tier may not get
    worse (tiers are listed best first) and its rank may not drop.

    Raises:
        InvalidData: either survey cannot be scored (see :func:`check_bounds`).
    """
    compiled = compiled_of(rules)
    ind = compiled.rules.indicators[indicator]
    record = {r.id: r for r in data.agencies}[agency]
    old = record.values.get(indicator, MISSING)
    better = _with_value(data, agency, indicator, value)
    before = _score(compiled, data).by_id(agency)
    after = _score(compiled, better).by_id(agency)
    verb = msg("raising") if ind.direction is Direction.HIGHER else msg("lowering")
    change = msg(
        "set {indicator} of {agency} to {value}",
        indicator=indicator,
        agency=agency,
        value=_value_text(value),
    )
    head = msg(
        "{verb} '{indicator}' (direction: {direction}) of agency '{agency}' from {old} to {new}",
        verb=verb,
        indicator=indicator,
        direction=ind.direction.value,
        agency=agency,
        old=_value_text(old),
        new=_value_text(value),
    )
    hint = msg(
        "make the rule non-decreasing in the indicator (band steps in the right order, normalise with the indicator's direction), or fix the indicator's 'direction'"
    )
    plan = compiled.blocks[record.block]
    for cid in [leaf.id for leaf in plan.leaves] + [g.id for g in plan.groups]:
        b, a = before.criteria[cid].points, after.criteria[cid].points
        if b is not None and a is not None and a < b:
            return [
                Violation(
                    "monotone",
                    msg(
                        "{head} lowers the points of '{criterion}' from {before} to {after}",
                        head=head,
                        criterion=cid,
                        before=_show(b),
                        after=_show(a),
                    ),
                    criterion=cid,
                    agency=agency,
                    indicator=indicator,
                    data=data,
                    change=change,
                    hint=hint,
                )
            ]
    if after.total < before.total:
        return [
            Violation(
                "monotone",
                msg(
                    "{head} lowers the total from {before} to {after}",
                    head=head,
                    before=_show(before.total),
                    after=_show(after.total),
                ),
                agency=agency,
                indicator=indicator,
                data=data,
                change=change,
                hint=hint,
            )
        ]
    order = [lv.id for lv in compiled.rules.tiers.levels]
    if order.index(after.tier) > order.index(before.tier):
        return [
            Violation(
                "monotone",
                msg(
                    "{head} moves the agency from tier '{before}' down to '{after}'",
                    head=head,
                    before=before.tier,
                    after=after.tier,
                ),
                agency=agency,
                indicator=indicator,
                data=data,
                change=change,
                hint=msg("check the 'require' conditions of the tiers"),
            )
        ]
    if before.rank is not None and after.rank is not None and after.rank > before.rank:
        return [
            Violation(
                "monotone",
                msg(
                    "{head} drops the agency from rank {before} to {after}",
                    head=head,
                    before=before.rank,
                    after=after.rank,
                ),
                agency=agency,
                indicator=indicator,
                data=data,
                change=change,
                hint=msg("check 'ranking.tie_break' and population normalisations"),
            )
        ]
    return []


# ---------------------------------------------------------------------------------------
# totals that add up


def check_totals(rules: RuleSet | CompiledRuleSet, data: Dataset) -> list[Violation]:
    """Under ``rounding: {totals: sum_of_rounded}``, every published total equals the sum of
    its published top-level points (each group, and each criterion directly under the root,
    rounded as published). Nothing to check for a rule set that keeps ``rounded_sum``.

    Raises:
        InvalidData: the data cannot be scored (not valid for the rule set).
    """
    compiled = compiled_of(rules)
    rounding = compiled.rules.rounding
    if rounding.totals is not TotalsRule.SUM_OF_ROUNDED:
        return []
    assessment = _score(compiled, data)
    for r in assessment.results:
        plan = compiled.blocks[r.block]
        parts = [r.criteria[root.id].points for root in plan.roots if root.id in r.criteria]
        published = [quantize(p, rounding.total, rounding.mode) for p in parts if p is not None]
        added = sum(published, Decimal(0))
        if added != r.total:
            return [
                Violation(
                    "totals",
                    msg(
                        "agency '{agency}' publishes the total {total}, but its published "
                        "group points add up to {added} ({parts})",
                        agency=r.agency_id,
                        total=_show(r.total),
                        added=_show(added),
                        parts=" + ".join(_show(p) for p in published),
                    ),
                    agency=r.agency_id,
                    data=_minimal(compiled, data, r.agency_id),
                    hint=msg(
                        "the engine must add the top-level points as published under "
                        "'totals: sum_of_rounded'; report it as a bug of udcntt"
                    ),
                )
            ]
    return []
