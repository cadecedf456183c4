"""The not-applicable invariant: N/A answers are handled consistently.

A criterion is not applicable exactly when it reads a not-applicable answer, the agency's
maximum drops by the budgets that no longer apply (or stays, under ``rescale``), and
marking one answer N/A changes no criterion that does not read it.
"""

from __future__ import annotations

from decimal import Decimal

from udcntt.data import NA, AgencyRecord, Dataset
from udcntt.errors import msg
from udcntt.evaluation import (
    AgencyResult,
    Assessment,
)
from udcntt.model import NotApplicablePolicy, RuleSet
from udcntt.program import CompiledRuleSet, LeafPlan, NodePlan
from udcntt.testing._spaces import compiled_of
from udcntt.testing._violations import (
    _ZERO,
    Violation,
    _only,
    _score,
    _show,
    _with_value,
)

__all__ = ["check_not_applicable"]


# ---------------------------------------------------------------------------------------
# not applicable


def _expected_max(
    node: NodePlan | LeafPlan, result: AgencyResult, rescale_all: bool
) -> Decimal | None:
    """Applicable maximum of ``node``: ``None`` when nothing under it applies."""
    if isinstance(node, LeafPlan):
        if node.unscored:
            return None
        return None if result.criteria[node.id].status == "not_applicable" else node.max
    parts = [_expected_max(child, result, rescale_all) for child in node.children]
    present = [p for p in parts if p is not None]
    if not present:
        return None
    if not node.aggregation.additive or node.rescale_na or rescale_all:
        return node.max
    return sum(present, _ZERO)


def _na_leaves(compiled: CompiledRuleSet, record: AgencyRecord) -> set[str]:
    plan = compiled.blocks[record.block]
    na = {k for k, v in record.values.items() if v is NA}
    return {
        leaf.id
        for leaf in plan.leaves
        if leaf.rule is not None and not leaf.unscored and leaf.reads & na
    }


def check_not_applicable(
    rules: RuleSet | CompiledRuleSet,
    data: Dataset,
    *,
    agency: str | None = None,
    indicator: str | None = None,
) -> list[Violation]:
    """Not-applicable answers are handled consistently.

    For every agency: a criterion is not applicable exactly when it reads a not-applicable
    answer; the agency's maximum is the block's maximum less the budgets of the criteria
    that do not apply (``not_applicable: reduce_max``; groups with ``rescale_na`` and mean
    groups keep their budget), or the block's maximum (``rescale``); 0 <= total <= maximum
    and the share is in [0, 1]. With ``agency`` and ``indicator``: marking that answer not
    applicable changes no criterion that does not read it.

    Raises:
        InvalidData: a survey cannot be scored.
    """
    compiled = compiled_of(rules)
    assessment = _score(compiled, data)
    rescale_all = compiled.rules.not_applicable is NotApplicablePolicy.RESCALE
    for record in data.agencies:
        r = assessment.by_id(record.id)
        plan = compiled.blocks[record.block]
        expected_na = _na_leaves(compiled, record)
        for leaf in plan.leaves:
            if leaf.rule is None or leaf.unscored:
                continue
            status_na = r.criteria[leaf.id].status == "not_applicable"
            if status_na != (leaf.id in expected_na):
                reads = ", ".join(sorted(leaf.reads))
                return [
                    Violation(
                        "not_applicable",
                        msg(
                            "criterion '{criterion}' is marked not applicable although it reads "
                            "{reads}",
                            criterion=leaf.id,
                            reads=reads,
                        )
                        if status_na
                        else msg(
                            "criterion '{criterion}' is not marked not applicable although it "
                            "reads {reads}",
                            criterion=leaf.id,
                            reads=reads,
                        ),
                        criterion=leaf.id,
                        agency=record.id,
                        data=_only(data, record.id),
                    )
                ]
        parts = [_expected_max(root, r, rescale_all) for root in plan.roots]
        expected = sum((p for p in parts if p is not None), _ZERO)
        if rescale_all and expected:
            expected = plan.max_total
        if r.max != expected:
            removed = sorted(expected_na)
            return [
                Violation(
                    "not_applicable",
                    msg(
                        "agency '{agency}' has maximum {max} but the block's maximum {block_max} less the budgets of the criteria that do not apply ({removed}) is {expected}",
                        agency=record.id,
                        max=_show(r.max),
                        block_max=_show(plan.max_total),
                        removed=", ".join(removed) or "none",
                        expected=_show(expected),
                    ),
                    agency=record.id,
                    criterion=removed[0] if removed else None,
                    data=_only(data, record.id),
                )
            ]
        if r.total_unrounded < 0 or r.total_unrounded > r.max or not 0 <= r.share <= 1:
            return [
                Violation(
                    "not_applicable",
                    msg(
                        "agency '{agency}' has total {total} of maximum {max} and share {share}",
                        agency=record.id,
                        total=_show(r.total_unrounded),
                        max=_show(r.max),
                        share=_show(r.share),
                    ),
                    agency=record.id,
                    data=_only(data, record.id),
                )
            ]
    if agency is not None and indicator is not None:
        return _flip_na(compiled, data, assessment, agency, indicator)
    return []


def _flip_na(
    compiled: CompiledRuleSet, data: Dataset, assessment: Assessment, agency: str, indicator: str
) -> list[Violation]:
    record = {r.id: r for r in data.agencies}[agency]
    if not compiled.rules.indicators[indicator].not_applicable:
        raise ValueError(
            msg("indicator '{indicator}' does not allow not applicable", indicator=indicator)
        )
    flipped = _with_value(data, agency, indicator, NA)
    after_all = _score(compiled, flipped)
    after = after_all.by_id(agency)
    before = assessment.by_id(agency)
    plan = compiled.blocks[record.block]
    for leaf in plan.leaves:
        if leaf.rule is None or indicator in leaf.reads:
            continue
        b, a = before.criteria[leaf.id].points, after.criteria[leaf.id].points
        if a != b:
            return [
                Violation(
                    "not_applicable",
                    msg(
                        "marking '{indicator}' not applicable for agency '{agency}' changes the points of '{criterion}' (which does not read it) from {before} to {after}",
                        indicator=indicator,
                        agency=agency,
                        criterion=leaf.id,
                        before=_show(b),
                        after=_show(a),
                    ),
                    criterion=leaf.id,
                    agency=agency,
                    indicator=indicator,
                    data=data,
                    change=msg(
                        "mark {indicator} of {agency} not applicable",
                        indicator=indicator,
                        agency=agency,
                    ),
                )
            ]
    from udcntt.testing._authoring import na_jump

    removed = [leaf.id for leaf in plan.leaves if indicator in leaf.reads and leaf.rule is not None]
    return na_jump(compiled, assessment, after_all, agency, indicator, removed, data)
