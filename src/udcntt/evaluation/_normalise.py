"""Population normalisations: a second pass over the agencies in a criterion's scope.

Each method of a chain is a registered :class:`~udcntt._kinds.Normalisation` — udcntt's
own in :mod:`udcntt.kinds.normalisations` (its table of formulas), or a plugin's. This
module runs the chain: the first stage follows the direction ("better" is higher unless the
criterion or its single indicator says ``direction: lower``), later stages see scores
oriented "higher is better". A chain with an inexact stage (``z_score``, whose standard
deviation is a square root, rarely exact) gives scores rounded to :data:`SCORE_PLACES`
decimal places, so the noise in the last working digit cannot tip a published value that
is exactly half-way (0.125 published as 0.12 instead of 0.13).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from udcntt.errors import EvaluationError
from udcntt.evaluation._state import Agency, Run, plan_location
from udcntt.expressions import RuleArithmeticError
from udcntt.kinds.normalise import Normalise, methods_of
from udcntt.model import Direction
from udcntt.program import CompiledRule, LeafPlan

__all__ = ["SCORE_PLACES", "normalise_population", "population_pass"]

#: Decimal places of the scores of a chain with an inexact stage (``z_score``).
SCORE_PLACES = 28
_QUANTUM = Decimal(1).scaleb(-SCORE_PLACES)


def normalise_population(
    rule: CompiledRule, values: Sequence[Decimal], default_direction: Direction | None
) -> tuple[list[Decimal], list[dict[str, str]]]:
    """Scores for ``values`` (same order) and the statistics of each stage.

    Args:
        rule: The criterion's compiled ``normalise`` rule (method or chain, direction).
        values: The raw values of the agencies in one scope, in any order.
        default_direction: The direction of the value's single indicator, if any.

    Returns:
        One score per value, in the order of ``values``, and one dictionary of statistics
        per stage of the chain (``method``, plus ``best``, ``min``/``max``, ``mean``/``sd``,
        ``n`` or ``lower``/``upper``, and a ``note`` when the population has no spread).
        A value's score depends only on the multiset of ``values``, not on their order.

    Raises:
        RuleArithmeticError: ``E-EVAL-EXTENSION`` when a plugin method fails its boundary.
    """
    spec: Normalise = rule.spec
    methods = methods_of(rule)
    direction = spec.direction or default_direction or Direction.HIGHER
    lower_better = direction is Direction.LOWER
    current = list(values)
    stats: list[dict[str, str]] = []
    if not current:
        return [], stats
    for i, method in enumerate(methods):
        # After the first stage, scores are oriented "higher is better".
        current, info = method.run(current, lower_better and i == 0, spec)
        info["method"] = method.name
        stats.append(info)
    if not all(m.exact for m in methods):
        current = [s.quantize(_QUANTUM, rounding=ROUND_HALF_EVEN) for s in current]
    return current, stats


def population_pass(run: Run, agencies: Sequence[Agency], stats_out: dict[str, Any]) -> None:
    """Population scores of normalised leaves into ``run.scores``, by (agency id, criterion).

    ``agencies`` come in the canonical order; each score depends only on the population's
    values (see :func:`normalise_population`).
    """
    compiled = run.compiled
    normalised: dict[str, LeafPlan] = {}
    for plan in compiled.blocks.values():
        for leaf in plan.leaves:
            if leaf.normalised:
                normalised.setdefault(leaf.id, leaf)
    if not normalised:
        return
    indexes = {
        b: {leaf.id: i for i, leaf in enumerate(p.leaves)} for b, p in compiled.blocks.items()
    }
    for cid, leaf in normalised.items():
        rule = leaf.rule
        if rule is None:  # pragma: no cover - 'normalised' says it has one
            continue
        spec = rule.spec
        groups: dict[str, list[tuple[Agency, Decimal]]] = {}
        for a in agencies:
            idx = indexes[a.record.block].get(cid)
            if idx is None:
                continue
            raw = a.raw(idx, cid)
            if raw is not None:
                scope = a.record.block if spec.scope.value == "block" else "all"
                groups.setdefault(scope, []).append((a, raw))
        direction = None
        for expr in rule.exprs.values():
            dirs = {
                compiled.rules.indicators[n].direction
                for n in expr.names
                if n in compiled.rules.indicators
            }
            if len(dirs) == 1:
                direction = dirs.pop()
        for scope, group in groups.items():
            try:
                result, stats = normalise_population(rule, [raw for _, raw in group], direction)
            except RuleArithmeticError as exc:
                raise EvaluationError(
                    exc.detail, code=exc.code, criterion=cid, location=plan_location(compiled, leaf)
                ) from exc
            stats_out.setdefault(cid, {})[scope] = stats
            for (a, _), score in zip(group, result, strict=True):
                run.scores[(a.record.id, cid)] = score
