"""Static checks and compilation of a rule set: the pipeline and the plan of each block.

:func:`compile_checked` runs the compiler (:mod:`udcntt.program._compiler`), builds one
:class:`BlockPlan` per block, runs the whole-set checks (:mod:`udcntt.program._checks`,
budgets and tiers) and attaches the generated fast paths.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from decimal import Decimal

from udcntt._methods import AGGREGATIONS
from udcntt.data import indicator_names
from udcntt.errors import msg, suggestion_budget
from udcntt.expressions import Expression, ExprType, NameInfo
from udcntt.model import Criterion, RuleSet
from udcntt.program._budget import check_budgets, check_tiers
from udcntt.program._checks import _check_ranking_and_tests, _check_unused, check_applicability
from udcntt.program._compiler import _Compiler, _names_in, _Path
from udcntt.program._context import CheckContext, criterion_paths
from udcntt.program._plan import BlockPlan, CompiledRule, CompiledRuleSet, LeafPlan, NodePlan

__all__ = ["compile_checked"]


#: Candidate comparisons the did-you-mean hints of one check may make in all (about a
#: second of work; a file with a handful of typos never comes near it).
SUGGESTION_WORK = 100_000


def _blocks_of(crit: Criterion, inherited: frozenset[str]) -> frozenset[str]:
    return inherited & frozenset(crit.blocks) if crit.blocks is not None else inherited


def _build_block(
    comp: _Compiler,
    block_id: str,
    compiled: dict[str, tuple[CompiledRule | None, frozenset[str]]],
    paths: dict[str, _Path],
) -> BlockPlan:
    rules = comp.rules
    all_blocks = frozenset(rules.blocks)
    leaves: list[LeafPlan] = []
    groups: list[NodePlan] = []

    def build(crit: Criterion, inherited: frozenset[str]) -> NodePlan | LeafPlan | None:
        blocks = _blocks_of(crit, inherited)
        if block_id not in blocks:
            return None
        if crit.is_group:
            kids = [build(c, blocks) for c in crit.children or ()]
            children = tuple(k for k in kids if k is not None)
            if not children:
                return None
            aggregation = AGGREGATIONS.get(crit.aggregate)
            if aggregation is None:  # pragma: no cover - the model accepts registered names only
                raise KeyError(crit.aggregate)
            if aggregation.additive:
                full = sum((c.max for c in children), Decimal(0))
            else:
                full = crit.max or Decimal(0)
            group = NodePlan(
                criterion=crit,
                path=paths[crit.id],
                children=children,
                max=full,
                aggregation=aggregation,
                rescale_na=crit.rescale_na,
            )
            groups.append(group)
            return group
        rule, reads = compiled.get(crit.id, (None, frozenset()))
        leaf = LeafPlan(
            criterion=crit,
            path=paths[crit.id],
            rule=rule,
            max=Decimal(0) if crit.unscored else (crit.max or Decimal(0)),
            reads=reads,
            unscored=crit.unscored,
        )
        leaves.append(leaf)
        return leaf

    roots = tuple(r for r in (build(c, all_blocks) for c in rules.criteria) if r is not None)
    indicators: set[str] = set()
    for leaf in leaves:
        indicators |= leaf.reads
    relations = tuple(
        i for i, rel in enumerate(rules.relations) if rel.blocks is None or block_id in rel.blocks
    )
    wanted: set[str] = set()
    for leaf in leaves:
        if leaf.rule is not None:
            for e in leaf.rule.expressions():
                wanted |= e.names
    for i in relations:
        wanted |= _names_in(rules.relations[i].check)
    for level in rules.tiers.levels:
        if level.require:
            wanted |= _names_in(level.require)
    pending = [n for n in wanted if n in comp.derived]
    while pending:
        name = pending.pop()
        for dep in comp.derived[name].names:
            if dep in comp.derived and dep not in wanted:
                wanted.add(dep)
                pending.append(dep)
    derived_needed = [d for d in comp.derived_order if d in wanted]
    for i in relations:
        indicators |= comp.reads(_names_in(rules.relations[i].check))
    for level in rules.tiers.levels:
        if level.require:
            # Tier conditions read the block's surveyed indicators too (others count as N/A).
            for name in comp.reads(_names_in(level.require)):
                surveyed = rules.indicators[name].blocks
                if surveyed is None or block_id in surveyed:
                    indicators.add(name)
    return BlockPlan(
        id=block_id,
        label=rules.blocks[block_id].label,
        roots=roots,
        leaves=tuple(leaves),
        groups=tuple(groups),
        max_total=sum((r.max for r in roots), Decimal(0)),
        indicators=tuple(i for i in rules.indicators if i in indicators),
        derived=tuple(derived_needed),
        relations=relations,
    )


def compile_checked(rules: RuleSet, ctx: CheckContext) -> CompiledRuleSet | None:
    """Check ``rules`` statically and compile it; problems go to ``ctx``.

    Returns ``None`` when an error was found (the diagnostics say which).
    """
    # Thousands of misspelt names among thousands of declared ones would make the
    # did-you-mean hints cost their product: their total work is bounded instead.
    with suggestion_budget(SUGGESTION_WORK):
        return _compile_checked(rules, ctx)


def _compile_checked(rules: RuleSet, ctx: CheckContext) -> CompiledRuleSet | None:
    comp = _Compiler(rules, ctx)
    comp.declarations()
    compiled = comp.tree()
    paths = criterion_paths(rules)

    # Relations and tier conditions.
    relations = []
    survey_names = indicator_names(rules)
    for i, rel in enumerate(rules.relations):
        # Relations validate survey answers as they are read, before anything is derived.
        derived_used = sorted(_names_in(rel.check) & set(rules.derived))
        if derived_used:
            comp.ctx.error(
                "E-RELATION",
                msg(
                    "relation '{check}' uses derived value '{derived}'; relations compare survey indicators",
                    check=rel.check,
                    derived=derived_used[0],
                ),
                ("relations", i, "check"),
                hint=msg("write the relation over the indicators the derived value is made of"),
            )
            continue
        e = comp.expr(
            rel.check, ("relations", i, "check"), expected=ExprType.BOOL, names=survey_names
        )
        if e is not None:
            relations.append((rel, e))
    tier_names = dict(comp.names)
    for crit in rules.all_criteria():
        tier_names.setdefault(crit.id, NameInfo(type=ExprType.NUMBER, label=crit.label))
    tier_names.setdefault("total", NameInfo(type=ExprType.NUMBER, label="tổng điểm"))
    tier_names.setdefault("share", NameInfo(type=ExprType.NUMBER, label="tỷ lệ điểm"))
    tier_requires: dict[str, Expression] = {}
    for i, level in enumerate(rules.tiers.levels):
        if level.require:
            e = comp.expr(
                level.require,
                ("tiers", "levels", i, "require"),
                expected=ExprType.BOOL,
                names=tier_names,
            )
            if e is not None:
                tier_requires[level.id] = e

    blocks: dict[str, BlockPlan] = {}
    if not ctx.has_errors:
        blocks = {b: _build_block(comp, b, compiled, paths) for b in rules.blocks}
        check_applicability(comp, blocks, paths)
        check_budgets(rules, blocks, compiled, ctx)
        check_tiers(rules, blocks, ctx, tier_requires)
        _check_ranking_and_tests(comp, paths)
        _check_unused(comp)
        if rules.survey is not None:
            from udcntt.data import check_layout

            for diag in check_layout(rules, rules.survey):
                located = diag.location or ctx.locate(("survey",))
                ctx.diagnostics.append(replace(diag, location=located))
    if ctx.has_errors:
        return None
    digest = hashlib.sha256(
        json.dumps(rules.model_dump(mode="json"), sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    from udcntt.program._codegen import attach_fast_paths

    compiled_rs = CompiledRuleSet(
        rules=rules,
        derived=comp.derived,
        derived_order=tuple(comp.derived_order),
        derived_reads=comp.derived_reads,
        blocks=blocks,
        relations=tuple(relations),
        tier_requires=tier_requires,
        tier_levels=rules.tiers.levels,
        warnings=tuple(d for d in ctx.diagnostics),
        fingerprint=digest,
        functions=frozenset(comp.functions),
    )
    return attach_fast_paths(compiled_rs)
