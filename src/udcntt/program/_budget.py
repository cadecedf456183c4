"""Load-time proofs about points: budgets add up, caps fit, tiers cover every total."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from udcntt._kinds import CompiledRule
from udcntt._methods import AGGREGATIONS
from udcntt.errors import msg
from udcntt.model import RuleSet, TierBasis
from udcntt.program._ranges import check_ratio_order, expr_range

if TYPE_CHECKING:
    from collections.abc import Mapping

    from udcntt.expressions import Expression
    from udcntt.model import TierLevel
    from udcntt.program._context import CheckContext
    from udcntt.program._plan import BlockPlan

__all__ = ["check_budgets", "check_tiers"]

_Path = tuple[str | int, ...]


def _additive(name: str) -> bool:
    found = AGGREGATIONS.get(name)
    return found is not None and found.additive


def check_budgets(
    rules: RuleSet,
    blocks: dict[str, BlockPlan],
    compiled: dict[str, tuple[CompiledRule | None, frozenset[str]]],
    ctx: CheckContext,
) -> None:
    """Children add up to their parent; no leaf can yield more than its max; the scale holds."""
    from udcntt.program._context import criterion_paths

    paths = criterion_paths(rules)
    for crit in rules.all_criteria():
        path = paths[crit.id]
        if crit.is_group and crit.children and _additive(crit.aggregate) and crit.max is not None:
            total = sum((c.max or Decimal(0) for c in crit.children if not c.unscored), Decimal(0))
            if total != crit.max:
                ctx.error(
                    "E-BUDGET",
                    msg(
                        "children of '{criterion}' add up to {total} points but its max is {max}",
                        criterion=crit.id,
                        total=total,
                        max=crit.max,
                    ),
                    (*path, "max"),
                    criterion=crit.id,
                    hint=msg(
                        "fix a child's max, or the group's; with children that apply to different blocks, the max counts every child once"
                    ),
                )
        if crit.is_group and crit.children and not _additive(crit.aggregate):
            for i, child in enumerate(crit.children):
                if child.weight <= 0:
                    ctx.error(
                        "E-SCHEMA-VALUE",
                        msg("weight of '{criterion}' must be positive", criterion=child.id),
                        (*path, "children", i, "weight"),
                        criterion=child.id,
                    )
        if crit.is_group:
            continue
        rule, _ = compiled.get(crit.id, (None, frozenset()))
        if rule is not None:
            _Ranges(rules, crit.id, ctx).check(rule, path, top=True)
        if rule is None or crit.max is None:
            continue
        if crit.unscored:
            continue
        bound = rule.upper_bound()
        if bound is not None and bound > crit.max:
            what = rule.type.bound_text()
            ctx.error(
                "E-BUDGET-CAP",
                msg(
                    "{what} can give {bound} points but '{criterion}' has max {max}",
                    what=what,
                    bound=bound,
                    criterion=crit.id,
                    max=crit.max,
                ),
                (*path, rule.kind),
                criterion=crit.id,
                hint=msg("add 'cap: {max}' or lower the points", max=crit.max),
            )
    for d_id, spec in rules.derived.items():
        check_ratio_order(rules, spec.expr, ("derived", d_id, "expr"), ctx)
    if rules.scale:
        for block_id, plan in blocks.items():
            declared = rules.scale.get(block_id, rules.scale.get("*"))
            if declared is None:
                continue
            if plan.max_total != declared:
                ctx.error(
                    "E-SCALE",
                    msg(
                        "criteria of block '{block_id}' add up to {total} points, but the declared scale is {declared}",
                        block_id=block_id,
                        total=plan.max_total,
                        declared=declared,
                    ),
                    ("scale",),
                    hint=msg(
                        "check the max of the top-level groups and which blocks they apply to"
                    ),
                )
        for key in rules.scale:
            if key != "*" and key not in rules.blocks:
                ctx.error(
                    "E-NAME-UNKNOWN",
                    msg("scale names unknown block '{key}'", key=key),
                    ("scale", key),
                )


class _Ranges:
    """What a rule type's ``check_ranges`` sees of the static checker (``RangeContext``)."""

    def __init__(self, rules: RuleSet, criterion: str, ctx: CheckContext) -> None:
        self.rules = rules
        self.criterion = criterion
        self.ctx = ctx

    def range(self, source: str) -> tuple[Decimal | None, Decimal | None]:
        return expr_range(source, self.rules)

    def error(self, code: str, message: str, path: _Path, *, hint: str | None = None) -> None:
        self.ctx.error(code, message, path, criterion=self.criterion, hint=hint)

    def warning(self, code: str, message: str, path: _Path, *, hint: str | None = None) -> None:
        self.ctx.warning(code, message, path, criterion=self.criterion, hint=hint)

    def check(self, rule: CompiledRule, path: _Path, *, top: bool = False) -> None:
        """Swapped ratios in the rule's expressions, then its type's own range checks."""
        key: _Path = (*path, rule.kind)
        for e in rule.exprs.values():
            check_ratio_order(self.rules, e.source, key if top else path, self.ctx)
        rule.type.check_ranges(rule, key, self)


def check_tiers(
    rules: RuleSet,
    blocks: dict[str, BlockPlan],
    ctx: CheckContext,
    requires: Mapping[str, Expression] | None = None,
) -> None:
    """Tier thresholds: descending, no gaps or overlaps at the published precision, reachable.

    Each tier's minimum is compared with every block's highest total, and its ``require``
    condition (``requires``, compiled) with an agency of each block with full marks: a tier
    out of reach in some block is reported for that block.
    """
    for i, lv in enumerate(rules.tiers.levels):
        if requires is not None and lv.id in requires:
            _condition_in_blocks(rules, blocks, lv, requires[lv.id], ("tiers", "levels", i), ctx)
    levels = rules.tiers.levels
    share = rules.tiers.basis is TierBasis.SHARE
    places = rules.rounding.share if share else rules.rounding.total
    grain = Decimal(1).scaleb(-places)
    top = Decimal(1) if share else max((p.max_total for p in blocks.values()), default=Decimal(0))
    if not levels:
        ctx.error("E-TIER-GAP", msg("no tiers declared"), ("tiers", "levels"))
        return
    ids = [lv.id for lv in levels]
    for i, lv in enumerate(levels):
        if ids.count(lv.id) > 1 and ids.index(lv.id) != i:
            ctx.error(
                "E-NAME-DUPLICATE",
                msg("tier id '{tier}' is used twice", tier=lv.id),
                ("tiers", "levels", i, "id"),
            )
    for i, lv in enumerate(levels):
        path: _Path = ("tiers", "levels", i)
        if lv.min is None and i != len(levels) - 1:
            ctx.error(
                "E-TIER-ORDER",
                msg("tier '{tier}' has no 'min' but is not the last tier", tier=lv.id),
                path,
                hint=msg("only the lowest tier may leave out 'min' (it takes every lower total)"),
            )
        if share and lv.min is not None and not 0 <= lv.min <= 1:
            ctx.error(
                "E-TIER-ORDER",
                msg(
                    "tier '{tier}' threshold {min} is not a share in [0, 1]", tier=lv.id, min=lv.min
                ),
                (*path, "min"),
                hint=msg("with basis: share, thresholds are shares of the maximum (0.85, not 85)"),
            )
        if lv.min is not None and lv.max is not None and lv.min > lv.max:
            ctx.error(
                "E-TIER-ORDER",
                msg(
                    "tier '{tier}' has min {min} above max {max}",
                    tier=lv.id,
                    min=lv.min,
                    max=lv.max,
                ),
                path,
            )
        if not share and lv.min is not None and lv.min <= top:
            _unreachable_in_blocks(rules, blocks, lv, path, ctx)
        if lv.min is not None and lv.min > top:
            ctx.error(
                "E-TIER-UNREACHABLE",
                msg(
                    "tier '{tier}' needs {min} but the highest possible share is 1",
                    tier=lv.id,
                    min=lv.min,
                )
                if share
                else msg(
                    "tier '{tier}' needs {min} but the highest possible total is {top}",
                    tier=lv.id,
                    min=lv.min,
                    top=top,
                ),
                (*path, "min"),
                hint=msg("lower the threshold or check the points of the criteria"),
            )
        if i == 0:
            continue
        above = levels[i - 1]
        if above.min is None or lv.min is None:
            continue
        if lv.min >= above.min:
            ctx.error(
                "E-TIER-ORDER",
                msg(
                    "tier '{tier}' (min {min}) is listed below '{above}' (min {above_min}) but does not start lower",
                    tier=lv.id,
                    min=lv.min,
                    above=above.id,
                    above_min=above.min,
                ),
                (*path, "min"),
                hint=msg("list tiers from best to worst with strictly decreasing 'min'"),
            )
            continue
        if lv.max is not None:
            if lv.max >= above.min:
                ctx.error(
                    "E-TIER-OVERLAP",
                    msg(
                        "tiers '{tier}' (up to {max}) and '{above}' (from {above_min}) overlap",
                        tier=lv.id,
                        max=lv.max,
                        above=above.id,
                        above_min=above.min,
                    ),
                    (*path, "max"),
                    hint=msg(
                        "set '{tier}' max below {above_min}, or leave max out",
                        tier=lv.id,
                        above_min=above.min,
                    ),
                )
            elif above.min - lv.max > grain:
                gap_example = (lv.max + grain).quantize(grain)
                ctx.error(
                    "E-TIER-GAP",
                    msg(
                        "totals between {max} and {above_min} fall in no tier (e.g. {gap_example}, published with {places} decimal places)",
                        max=lv.max,
                        above_min=above.min,
                        gap_example=gap_example,
                        places=places,
                    ),
                    (*path, "max"),
                    hint=msg(
                        "leave 'max' out (each tier then runs up to the next one's min), or round totals to fewer places"
                    ),
                )
    lowest = levels[-1]
    if lowest.min is not None and lowest.min > 0:
        ctx.error(
            "E-TIER-GAP",
            msg("totals below {min} fall in no tier", min=lowest.min),
            ("tiers", "levels", len(levels) - 1, "min"),
            hint=msg("leave 'min' out on the lowest tier so that it takes every lower total"),
        )
    if lowest.require or lowest.min_group_share:
        ctx.error(
            "E-TIER-GAP",
            msg(
                "the lowest tier '{tier}' has conditions; agencies failing them fall in no tier",
                tier=lowest.id,
            ),
            ("tiers", "levels", len(levels) - 1),
            hint=msg("put extra conditions on higher tiers only"),
        )
    top_level = levels[0]
    if top_level.max is not None and top_level.max < top:
        ctx.error(
            "E-TIER-GAP",
            msg("totals above {max} fall in no tier", max=top_level.max),
            ("tiers", "levels", 0, "max"),
            hint=msg("leave 'max' out on the best tier"),
        )


def _published_max(rules: RuleSet, plan: BlockPlan) -> Decimal:
    """The total of an agency with full marks in the block."""
    return plan.max_total


def _unreachable_in_blocks(
    rules: RuleSet, blocks: dict[str, BlockPlan], lv: TierLevel, path: _Path, ctx: CheckContext
) -> None:
    """A tier whose minimum some block's full marks cannot reach (points basis)."""
    if lv.min is None:
        return
    for block_id, plan in blocks.items():
        top = _published_max(rules, plan)
        if lv.min > top:
            ctx.error(
                "E-TIER-UNREACHABLE",
                msg(
                    "tier '{tier}' needs {min} but the highest possible total in block "
                    "'{block}' is {top}",
                    tier=lv.id,
                    min=lv.min,
                    block=block_id,
                    top=top,
                ),
                (*path, "min"),
                hint=msg(
                    "decide tiers on the share of each block's maximum ('basis: share'), give "
                    "the block its own scale, or check which criteria apply to the block"
                ),
            )


def _condition_in_blocks(
    rules: RuleSet,
    blocks: dict[str, BlockPlan],
    lv: TierLevel,
    expr: Expression,
    path: _Path,
    ctx: CheckContext,
) -> None:
    """A ``require`` condition that an agency with full marks in some block cannot meet.

    Criteria the block does not have count 0 points, as they do in scoring. Conditions that
    read indicators or derived values depend on the survey and are left to the property
    checks.
    """
    from udcntt.expressions import RuleArithmeticError

    names = set(expr.names)
    if names & (set(rules.indicators) | set(rules.derived)):
        return
    criteria = {c.id for c in rules.all_criteria()}
    for block_id, plan in blocks.items():
        env: dict[str, Decimal] = {leaf.id: leaf.max for leaf in plan.leaves}
        env.update({g.id: g.max for g in plan.groups})
        absent = sorted(n for n in names if n in criteria and n not in env)
        # A criterion the block does not have counts 0 points in a condition (as in scoring).
        env.update(dict.fromkeys(absent, Decimal(0)))
        env["total"] = _published_max(rules, plan)
        env["share"] = Decimal(1)
        try:
            holds = bool(expr.evaluate(env))
        except (RuleArithmeticError, KeyError, TypeError):
            continue
        if holds:
            continue
        if absent:
            ctx.error(
                "E-TIER-UNREACHABLE",
                msg(
                    "tier '{tier}' cannot be reached in block '{block}': its condition "
                    "'{require}' reads criterion '{criterion}', which does not apply there",
                    tier=lv.id,
                    block=block_id,
                    require=lv.require,
                    criterion=absent[0],
                ),
                (*path, "require"),
                criterion=absent[0],
                hint=msg(
                    "write the condition over criteria every block has, or limit it to shares "
                    "('share >= 0.8')"
                ),
            )
        else:
            ctx.error(
                "E-TIER-UNREACHABLE",
                msg(
                    "tier '{tier}' cannot be reached in block '{block}': an agency with full "
                    "marks does not meet its condition '{require}'",
                    tier=lv.id,
                    block=block_id,
                    require=lv.require,
                ),
                (*path, "require"),
                hint=msg("check the numbers in the condition against the block's maxima"),
            )
