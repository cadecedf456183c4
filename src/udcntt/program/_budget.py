"""Load-time proofs about points: budgets add up, caps fit, tiers cover every total."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from udcntt.model import Aggregate, RuleSet, TierBasis

if TYPE_CHECKING:
    from udcntt.program._context import CheckContext
    from udcntt.program._plan import BlockPlan, CompiledRule

__all__ = ["check_budgets", "check_tiers"]

_Path = tuple[str | int, ...]


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
        if (
            crit.is_group
            and crit.children
            and crit.aggregate is Aggregate.SUM
            and crit.max is not None
        ):
            total = sum((c.max or Decimal(0) for c in crit.children if not c.unscored), Decimal(0))
            if total != crit.max:
                ctx.error(
                    "E-BUDGET",
                    f"children of '{crit.id}' add up to {total} points but its max is {crit.max}",
                    (*path, "max"),
                    criterion=crit.id,
                    hint="fix a child's max, or the group's; with children that apply to "
                    "different blocks, the max counts every child once",
                )
        if crit.is_group and crit.children and crit.aggregate is not Aggregate.SUM:
            for i, child in enumerate(crit.children):
                if child.weight <= 0:
                    ctx.error(
                        "E-SCHEMA-VALUE",
                        f"weight of '{child.id}' must be positive",
                        (*path, "children", i, "weight"),
                        criterion=child.id,
                    )
        if crit.is_group:
            continue
        rule, _ = compiled.get(crit.id, (None, frozenset()))
        if rule is None or crit.max is None:
            continue
        if crit.unscored:
            continue
        bound = rule.upper_bound()
        if bound is not None and bound > crit.max:
            what = {
                "bands": "its band table",
                "lookup": "its lookup table",
                "conditions": "its conditions together",
                "per_item": "its per-item cap",
                "sum_of": "its sub-items together",
                "best_of": "its best case",
            }.get(rule.kind, "its rule")
            ctx.error(
                "E-BUDGET-CAP",
                f"{what} can give {bound} points but '{crit.id}' has max {crit.max}",
                (*path, rule.kind),
                criterion=crit.id,
                hint=f"add 'cap: {crit.max}' or lower the points",
            )
    if rules.scale:
        for block_id, plan in blocks.items():
            declared = rules.scale.get(block_id, rules.scale.get("*"))
            if declared is None:
                continue
            if plan.max_total != declared:
                ctx.error(
                    "E-SCALE",
                    f"criteria of block '{block_id}' add up to {plan.max_total} points, "
                    f"but the declared scale is {declared}",
                    ("scale",),
                    hint="check the max of the top-level groups and which blocks they apply to",
                )
        for key in rules.scale:
            if key != "*" and key not in rules.blocks:
                ctx.error("E-NAME-UNKNOWN", f"scale names unknown block '{key}'", ("scale", key))


def check_tiers(rules: RuleSet, blocks: dict[str, BlockPlan], ctx: CheckContext) -> None:
    """Tier thresholds: descending, no gaps or overlaps at the published precision, reachable."""
    levels = rules.tiers.levels
    share = rules.tiers.basis is TierBasis.SHARE
    places = rules.rounding.share if share else rules.rounding.total
    grain = Decimal(1).scaleb(-places)
    top = Decimal(1) if share else max((p.max_total for p in blocks.values()), default=Decimal(0))
    if not levels:
        ctx.error("E-TIER-GAP", "no tiers declared", ("tiers", "levels"))
        return
    ids = [lv.id for lv in levels]
    for i, lv in enumerate(levels):
        if ids.count(lv.id) > 1 and ids.index(lv.id) != i:
            ctx.error(
                "E-NAME-DUPLICATE", f"tier id '{lv.id}' is used twice", ("tiers", "levels", i, "id")
            )
    for i, lv in enumerate(levels):
        path: _Path = ("tiers", "levels", i)
        if lv.min is None and i != len(levels) - 1:
            ctx.error(
                "E-TIER-ORDER",
                f"tier '{lv.id}' has no 'min' but is not the last tier",
                path,
                hint="only the lowest tier may leave out 'min' (it takes every lower total)",
            )
        if share and lv.min is not None and not 0 <= lv.min <= 1:
            ctx.error(
                "E-TIER-ORDER",
                f"tier '{lv.id}' threshold {lv.min} is not a share in [0, 1]",
                (*path, "min"),
                hint="with basis: share, thresholds are shares of the maximum (0.85, not 85)",
            )
        if lv.min is not None and lv.max is not None and lv.min > lv.max:
            ctx.error("E-TIER-ORDER", f"tier '{lv.id}' has min {lv.min} above max {lv.max}", path)
        if lv.min is not None and lv.min > top and not (lv.require or lv.min_group_share):
            ctx.error(
                "E-TIER-UNREACHABLE",
                f"tier '{lv.id}' needs {lv.min} but the highest possible "
                + ("share is 1" if share else f"total is {top}"),
                (*path, "min"),
                hint="lower the threshold or check the points of the criteria",
            )
        if i == 0:
            continue
        above = levels[i - 1]
        if above.min is None or lv.min is None:
            continue
        if lv.min >= above.min:
            ctx.error(
                "E-TIER-ORDER",
                f"tier '{lv.id}' (min {lv.min}) is listed below '{above.id}' (min {above.min}) "
                "but does not start lower",
                (*path, "min"),
                hint="list tiers from best to worst with strictly decreasing 'min'",
            )
            continue
        if lv.max is not None:
            if lv.max >= above.min:
                ctx.error(
                    "E-TIER-OVERLAP",
                    f"tiers '{lv.id}' (up to {lv.max}) and '{above.id}' (from {above.min}) overlap",
                    (*path, "max"),
                    hint=f"set '{lv.id}' max below {above.min}, or leave max out",
                )
            elif above.min - lv.max > grain:
                gap_example = (lv.max + grain).quantize(grain)
                ctx.error(
                    "E-TIER-GAP",
                    f"totals between {lv.max} and {above.min} fall in no tier "
                    f"(e.g. {gap_example}, published with {places} decimal places)",
                    (*path, "max"),
                    hint="leave 'max' out (each tier then runs up to the next one's min), or "
                    "round totals to fewer places",
                )
    lowest = levels[-1]
    if lowest.min is not None and lowest.min > 0:
        ctx.error(
            "E-TIER-GAP",
            f"totals below {lowest.min} fall in no tier",
            ("tiers", "levels", len(levels) - 1, "min"),
            hint="leave 'min' out on the lowest tier so that it takes every lower total",
        )
    if lowest.require or lowest.min_group_share:
        ctx.error(
            "E-TIER-GAP",
            f"the lowest tier '{lowest.id}' has conditions; agencies failing them fall in no tier",
            ("tiers", "levels", len(levels) - 1),
            hint="put extra conditions on higher tiers only",
        )
    top_level = levels[0]
    if top_level.max is not None and top_level.max < top:
        ctx.error(
            "E-TIER-GAP",
            f"totals above {top_level.max} fall in no tier",
            ("tiers", "levels", 0, "max"),
            hint="leave 'max' out on the best tier",
        )
