"""Invariants against common authoring mistakes that only show with data.

* ``missing`` — an unanswered value never scores more than an answer
  (:func:`check_missing`);
* ``normalise`` — an agency alone in its population does not get full marks for the worst
  value (:func:`check_normalise_alone`);
* an answer marked not applicable never scores better than a perfect answer, and changes
  no other agency's points outside population normalisations (:func:`na_jump`, part of
  ``not_applicable``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st

from udcntt.data import MISSING, NA, AgencyRecord, Dataset, ValueOrMarker
from udcntt.errors import msg
from udcntt.evaluation import Assessment
from udcntt.kinds.normalise import methods_of
from udcntt.model import Direction, MissingPolicy, NotApplicablePolicy, RuleSet
from udcntt.program import CompiledRuleSet, LeafPlan, NodePlan
from udcntt.testing._spaces import block_space, compiled_of, plain_decimal
from udcntt.testing._strategies import datasets
from udcntt.testing._violations import InvalidData, Violation, _score, _with_value

__all__ = [
    "MISSING_CHECKED",
    "check_missing",
    "check_normalise_alone",
    "missing_examples",
    "na_jump",
    "normalised_leaves",
]

#: Missing policies the ``missing`` invariant checks (``impute_mean`` gives the block's
#: average by declaration, so an agency below it may gain by not answering).
MISSING_CHECKED = frozenset({MissingPolicy.ZERO, MissingPolicy.IMPUTE_MIN})

_ZERO = Decimal(0)
_ONE = Decimal(1)
#: Methods that give every agency the same score when there is no spread (n = 1).


def _text(value: ValueOrMarker) -> str:
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---------------------------------------------------------------------------------------
# missing


def _missing_candidates(compiled: CompiledRuleSet, record: AgencyRecord) -> list[str]:
    space = block_space(compiled, record.block)
    out = []
    for name in compiled.blocks[record.block].indicators:
        ind = compiled.rules.indicators[name]
        if ind.missing not in MISSING_CHECKED or name in space.relation_names:
            continue
        if ind.missing is MissingPolicy.IMPUTE_MIN and ind.direction is Direction.NONE:
            continue
        value = record.values.get(name)
        if value is NA or value is MISSING or value is None:
            continue
        out.append(name)
    return out


def missing_examples(compiled: CompiledRuleSet) -> st.SearchStrategy[Any]:
    """(survey, agency, indicator): an answered value the policy lets go missing."""
    base = datasets(compiled, 1, 3, missing=False)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[Dataset, str, str]:
        data = draw(base)
        record = data.agencies[0]
        names = _missing_candidates(compiled, record)
        if not names:
            reject()
        return data, record.id, draw(st.sampled_from(names))

    return build()


def _worst_of_others(
    compiled: CompiledRuleSet, data: Dataset, agency: str, indicator: str
) -> ValueOrMarker:
    """The least favourable answer of the agency's block peers (``impute_min``'s rival)."""
    record = next(r for r in data.agencies if r.id == agency)
    others = [
        r.values.get(indicator) for r in data.agencies if r.block == record.block and r.id != agency
    ]
    numbers = [v for v in others if isinstance(v, Decimal)]
    if not numbers:
        raise InvalidData("no peer answers")
    lower = compiled.rules.indicators[indicator].direction is Direction.LOWER
    return max(numbers) if lower else min(numbers)


def check_missing(
    rules: RuleSet | CompiledRuleSet, data: Dataset, agency: str, indicator: str
) -> list[Violation]:
    """Leaving ``indicator`` of ``agency`` unanswered never scores more than answering it.

    With ``missing: zero`` the answer compared is the agency's own; with
    ``missing: impute_min`` it is the least favourable answer of its block peers (what a
    truthful poor performer would write). No criterion, nor the total, may gain.

    Raises:
        InvalidData: a survey cannot be scored.
    """
    compiled = compiled_of(rules)
    ind = compiled.rules.indicators[indicator]
    answered = data
    if ind.missing is MissingPolicy.IMPUTE_MIN:
        answered = _with_value(
            data, agency, indicator, _worst_of_others(compiled, data, agency, indicator)
        )
    record = next(r for r in answered.agencies if r.id == agency)
    value = record.values.get(indicator, MISSING)
    before = _score(compiled, answered).by_id(agency)
    after = _score(compiled, _with_value(answered, agency, indicator, MISSING)).by_id(agency)
    plan = compiled.blocks[record.block]
    head = msg(
        "leaving '{indicator}' (missing: {missing}) of agency '{agency}' unanswered",
        indicator=indicator,
        missing=ind.missing.value,
        agency=agency,
    )
    hint = msg(
        "score a missing answer as the worst valid answer: 'missing: error' (publication waits for the value) or a rule that gives a missing value no points"
    )
    for cid in [leaf.id for leaf in plan.leaves] + [g.id for g in plan.groups]:
        b, a = before.criteria[cid].points, after.criteria[cid].points
        if b is not None and a is not None and a > b:
            return [
                Violation(
                    "missing",
                    msg(
                        "{head} raises the points of '{criterion}' from {before} to {after} (answered: {answered})",
                        head=head,
                        criterion=cid,
                        before=plain_decimal(b),
                        after=plain_decimal(a),
                        answered=_text(value),
                    ),
                    criterion=cid,
                    agency=agency,
                    indicator=indicator,
                    data=answered,
                    change=msg(
                        "leave {indicator} of {agency} unanswered",
                        indicator=indicator,
                        agency=agency,
                    ),
                    hint=hint,
                )
            ]
    if after.total > before.total:
        return [
            Violation(
                "missing",
                msg(
                    "{head} raises the total from {before} to {after} (answered: {answered})",
                    head=head,
                    before=plain_decimal(before.total),
                    after=plain_decimal(after.total),
                    answered=_text(value),
                ),
                agency=agency,
                indicator=indicator,
                data=answered,
                change=msg(
                    "leave {indicator} of {agency} unanswered", indicator=indicator, agency=agency
                ),
                hint=hint,
            )
        ]
    return []


# ---------------------------------------------------------------------------------------
# normalisation over a population of one


def normalised_leaves(compiled: CompiledRuleSet) -> list[tuple[str, str]]:
    """(block, criterion) of every scored leaf normalised over a population."""
    out = []
    for block_id, plan in compiled.blocks.items():
        for leaf in plan.leaves:
            rule = leaf.rule
            if rule is None or leaf.unscored or not rule.population:
                continue
            if methods_of(rule)[0].population:
                out.append((block_id, leaf.id))
    return out


def _worst_value(compiled: CompiledRuleSet, leaf: LeafPlan) -> tuple[str, Decimal] | None:
    """(indicator, least favourable declared value) of a leaf normalising one indicator."""
    rule = leaf.rule
    if rule is None or not rule.population:
        return None
    name = rule.spec.value.strip()
    ind = compiled.rules.indicators.get(name)
    if ind is None:
        return None
    direction = rule.spec.direction or ind.direction
    lo, hi = ind.bounds
    worst = hi if direction is Direction.LOWER else lo
    return None if worst is None else (name, worst)


def check_normalise_alone(rules: RuleSet | CompiledRuleSet, data: Dataset) -> list[Violation]:
    """An agency alone in its population does not get full marks for the worst value.

    For each agency of ``data`` and each of its criteria normalised over a population
    (``to_best``, ``min_max``, ``z_score``, ``rank``, ``percentile``) of a single declared
    indicator, the agency is scored alone with that indicator at the least favourable end
    of its declared range. Full marks there mean a block (or survey) of one agency gets the
    criterion's whole budget whatever it answers.

    Raises:
        InvalidData: the survey cannot be scored.
    """
    compiled = compiled_of(rules)
    _score(compiled, data)
    for record in data.agencies:
        plan = compiled.blocks[record.block]
        for leaf in plan.leaves:
            if (record.block, leaf.id) not in set(normalised_leaves(compiled)):
                continue
            found = _worst_value(compiled, leaf)
            if found is None or record.values.get(found[0]) is NA:
                continue
            name, worst = found
            alone = replace(
                data, agencies=(replace(record, values={**record.values, name: worst}),)
            )
            try:
                result = _score(compiled, alone).by_id(record.id)
            except InvalidData:
                continue
            points = result.criteria[leaf.id].points
            if points is not None and leaf.max > 0 and points >= leaf.max:
                rule = leaf.rule
                method = ", ".join(m.name for m in methods_of(rule)) if rule else "?"
                scope = rule.spec.scope.value if rule else "?"
                return [
                    Violation(
                        "normalise",
                        msg(
                            "alone in its population (scope: {scope}), agency '{agency}' gets full marks ({max}) for '{criterion}' with the worst value {name} = {worst} ({method})",
                            scope=scope,
                            agency=record.id,
                            max=plain_decimal(leaf.max),
                            criterion=leaf.id,
                            name=name,
                            worst=plain_decimal(worst),
                            method=method,
                        ),
                        criterion=leaf.id,
                        agency=record.id,
                        indicator=name,
                        data=alone,
                        hint=msg(
                            "normalise over a population that always has several agencies (scope: all), use goalposts or to_best, or score the criterion without normalisation"
                        ),
                    )
                ]
    return []


# ---------------------------------------------------------------------------------------
# not applicable: no jump


def _full_marks(
    node: NodePlan | LeafPlan, points: dict[str, Decimal | None], rescale_all: bool
) -> tuple[Decimal | None, Decimal]:
    """(points, applicable max) of ``node`` by the declared aggregation."""
    if isinstance(node, LeafPlan):
        if node.unscored:
            return None, _ZERO
        got = points.get(node.id)
        return (None, _ZERO) if got is None else (got, node.max)
    parts = [_full_marks(child, points, rescale_all) for child in node.children]
    scored = [(p, m, c) for (p, m), c in zip(parts, node.children, strict=True) if p is not None]
    if not scored:
        return None, _ZERO
    if node.aggregation.additive:
        total = sum((p for p, _, _ in scored), _ZERO)
        applicable = sum((m for _, m, _ in scored), _ZERO)
        if (node.rescale_na or rescale_all) and applicable and applicable != node.max:
            return total * node.max / applicable, node.max
        return total, applicable
    weights = tuple(c.criterion.weight for _, _, c in scored)
    shares = tuple((p / m) if m else _ZERO for p, m, _ in scored)
    return node.aggregation.run(shares, weights) * node.max, node.max


def na_jump(
    compiled: CompiledRuleSet,
    before: Assessment,
    after: Assessment,
    agency: str,
    indicator: str,
    removed: Sequence[str],
    data: Dataset,
) -> list[Violation]:
    """Marking ``indicator`` of ``agency`` not applicable gives no more than a perfect answer.

    The agency's new total may not exceed its old total with the criteria that stop
    applying (``removed``) at full marks, aggregated as declared (``rescale_na``,
    ``not_applicable: rescale`` and means included); no other agency's criterion changes,
    except criteria normalised over the population (the agency left it).
    """
    old = before.by_id(agency)
    new = after.by_id(agency)
    plan = compiled.blocks[old.block]
    points: dict[str, Decimal | None] = {
        leaf.id: (leaf.max if leaf.id in removed else old.criteria[leaf.id].points)
        for leaf in plan.leaves
    }
    rescale_all = compiled.rules.not_applicable is NotApplicablePolicy.RESCALE
    bound = _ZERO
    applicable = _ZERO
    for root in plan.roots:
        p, m = _full_marks(root, points, rescale_all)
        if p is not None:
            bound += p
            applicable += m
    if rescale_all and applicable and applicable != plan.max_total:
        bound = bound * plan.max_total / applicable
    change = msg("mark {indicator} of {agency} not applicable", indicator=indicator, agency=agency)
    # A hair of slack for criterion rounding (it rounds each leaf before the groups add up).
    slack = (
        Decimal(1).scaleb(-compiled.rules.rounding.criteria)
        if compiled.rules.rounding.criteria is not None
        else _ZERO
    )
    if new.total_unrounded > bound + slack * len(plan.leaves):
        return [
            Violation(
                "not_applicable",
                msg(
                    "marking '{indicator}' not applicable raises the total of agency '{agency}' to {total}, above the {bound} a perfect answer would give",
                    indicator=indicator,
                    agency=agency,
                    total=plain_decimal(new.total_unrounded),
                    bound=plain_decimal(bound),
                ),
                agency=agency,
                indicator=indicator,
                data=data,
                change=change,
                hint=msg(
                    "a not-applicable answer must not score better than a perfect one: check 'rescale_na' and the weights of the groups involved"
                ),
            )
        ]
    normalised = {leaf.id for p in compiled.blocks.values() for leaf in p.leaves if leaf.normalised}
    for r in before.results:
        if r.agency_id == agency:
            continue
        other = after.by_id(r.agency_id)
        for cid, res in r.criteria.items():
            if cid in normalised or compiled.blocks[r.block].node(cid) is None:
                continue
            node = compiled.blocks[r.block].node(cid)
            if isinstance(node, NodePlan) and _reads_normalised(node, normalised):
                continue
            if other.criteria[cid].points != res.points:
                return [
                    Violation(
                        "not_applicable",
                        msg(
                            "marking '{indicator}' of agency '{agency}' not applicable changes the points of '{criterion}' of agency '{other}' from {before} to {after}",
                            indicator=indicator,
                            agency=agency,
                            criterion=cid,
                            other=r.agency_id,
                            before=_show(res.points),
                            after=_show(other.criteria[cid].points),
                        ),
                        criterion=cid,
                        agency=r.agency_id,
                        indicator=indicator,
                        data=data,
                        change=change,
                        hint=msg(
                            "an agency's answers must not move another agency's points (outside population normalisations): do not impute from the block an indicator that can be not applicable"
                        ),
                    )
                ]
    return []


def _reads_normalised(node: NodePlan, normalised: set[str]) -> bool:
    for child in node.children:
        if isinstance(child, LeafPlan):
            if child.id in normalised:
                return True
        elif _reads_normalised(child, normalised):
            return True
    return False


def _show(value: Decimal | None) -> str:
    return "none" if value is None else plain_decimal(value)
