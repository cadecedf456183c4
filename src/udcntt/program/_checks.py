"""Checks over the whole compiled rule set: applicability per block, tie-break keys, test
cases, unused declarations.
"""

from __future__ import annotations

from udcntt.errors import did_you_mean, msg
from udcntt.model import (
    IndicatorType,
    parse_decimal_text,
)
from udcntt.program._compiler import _Compiler, _Path
from udcntt.program._plan import BlockPlan

__all__ = ["check_applicability"]


_NUMERIC = {IndicatorType.COUNT, IndicatorType.NUMBER, IndicatorType.RATIO}


def check_applicability(
    comp: _Compiler, blocks: dict[str, BlockPlan], paths: dict[str, _Path]
) -> None:
    """Criteria that apply to no block; leaves reading indicators not surveyed in a block."""
    rules = comp.rules
    present: set[str] = set()
    for plan in blocks.values():
        present.update(leaf.id for leaf in plan.leaves)
        present.update(g.id for g in plan.groups)
        for leaf in plan.leaves:
            for ind in sorted(leaf.reads):
                surveyed = rules.indicators[ind].blocks
                if surveyed is not None and plan.id not in surveyed:
                    comp.ctx.error(
                        "E-BLOCK-NONE",
                        msg(
                            "criterion '{criterion}' applies to block '{block}' but reads indicator '{indicator}', which is not surveyed there",
                            criterion=leaf.id,
                            block=plan.id,
                            indicator=ind,
                        ),
                        leaf.path,
                        criterion=leaf.id,
                        indicator=ind,
                        hint=msg(
                            "add '{block}' to the indicator's blocks, or restrict the criterion's blocks",
                            block=plan.id,
                        ),
                    )
    for crit in rules.all_criteria():
        if crit.id not in present:
            comp.ctx.error(
                "E-BLOCK-NONE",
                msg("criterion '{criterion}' applies to no block", criterion=crit.id),
                paths[crit.id],
                criterion=crit.id,
                hint=msg("its 'blocks' (or its parent's) leave no block in common"),
            )


def _check_test_number(comp: _Compiler, name: str, raw: object, path: _Path) -> None:
    """A test input of a numeric indicator is bounded like every number in a rule file."""
    ind = comp.rules.indicators.get(name)
    if ind is None or ind.type not in _NUMERIC or raw is None or isinstance(raw, bool):
        return
    try:
        parse_decimal_text(raw)
    except ValueError as exc:
        comp.ctx.error("E-SCHEMA-VALUE", exc.args[0], path, indicator=name)


def _check_ranking_and_tests(comp: _Compiler, paths: dict[str, _Path]) -> None:
    rules = comp.rules
    crit_ids = set(paths)
    for i, key in enumerate(rules.ranking.tie_break):
        if key not in crit_ids:
            comp.ctx.error(
                "E-NAME-UNKNOWN",
                msg("tie-break key '{key}' is not a criterion", key=key),
                ("ranking", "tie_break", i),
                hint=did_you_mean(key, crit_ids),
            )
    tier_ids = {t.id for t in rules.tiers.levels}
    for ti, case in enumerate(rules.tests):
        for ai, agency in enumerate(case.agencies):
            base: _Path = ("tests", ti, "agencies", ai)
            if not comp.ctx.written(base):  # a one-agency test written without 'agencies'
                base = ("tests", ti)
            if agency.block is None or agency.block not in rules.blocks:
                comp.ctx.error(
                    "E-TEST-SHAPE",
                    msg(
                        "test '{test}': block '{block}' is not declared",
                        test=case.name,
                        block=agency.block,
                    ),
                    (*base, "block"),
                    hint=did_you_mean(str(agency.block), rules.blocks)
                    or msg("blocks: {blocks}", blocks=", ".join(rules.blocks)),
                )
            for name, raw in agency.inputs.items():
                _check_test_number(comp, name, raw, (*base, "inputs", name))
            for name in [*agency.inputs, *agency.not_applicable, *agency.missing]:
                if name not in rules.indicators:
                    comp.ctx.error(
                        "E-TEST-SHAPE",
                        msg(
                            "test '{test}': '{name}' is not an indicator", test=case.name, name=name
                        ),
                        (*base, "inputs"),
                        hint=did_you_mean(name, rules.indicators),
                    )
            if agency.expect is not None:
                for cid in agency.expect.points:
                    if cid not in crit_ids:
                        comp.ctx.error(
                            "E-TEST-SHAPE",
                            msg(
                                "test '{test}': '{criterion}' is not a criterion",
                                test=case.name,
                                criterion=cid,
                            ),
                            (*base, "expect", "points"),
                            hint=did_you_mean(cid, crit_ids),
                        )
                if agency.expect.tier is not None and agency.expect.tier not in tier_ids:
                    comp.ctx.error(
                        "E-TEST-SHAPE",
                        msg(
                            "test '{test}': '{tier}' is not a tier",
                            test=case.name,
                            tier=agency.expect.tier,
                        ),
                        (*base, "expect", "tier"),
                        hint=did_you_mean(agency.expect.tier, tier_ids),
                    )


def _check_unused(comp: _Compiler) -> None:
    for ind_id in comp.rules.indicators:
        if ind_id not in comp.used:
            comp.ctx.warning(
                "W-UNUSED",
                msg(
                    "indicator '{indicator}' is declared but no criterion, derived value or relation uses it",
                    indicator=ind_id,
                ),
                ("indicators", ind_id),
                indicator=ind_id,
                hint=msg("fine for information-only survey fields; otherwise remove it"),
            )
    for d_id in comp.rules.derived:
        if d_id not in comp.used:
            comp.ctx.warning(
                "W-UNUSED",
                msg("derived value '{derived}' is declared but never used", derived=d_id),
                ("derived", d_id),
            )
