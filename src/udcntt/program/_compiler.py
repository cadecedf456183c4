"""Compiling a rule set's expressions, declarations, rules and criteria tree, checking each.

:class:`_Compiler` checks each expression and rule as it compiles it and reports problems to
the :class:`~udcntt.program._context.CheckContext`; :mod:`udcntt.program._compile` drives it.
"""

from __future__ import annotations

import ast

from udcntt.data import indicator_names
from udcntt.errors import RuleFileError, did_you_mean, msg
from udcntt.expressions import Expression, ExprType, NameInfo, compile_expression
from udcntt.model import (
    Aggregate,
    Criterion,
    IndicatorType,
    NormMethod,
    Rule,
    RuleSet,
)
from udcntt.program._context import CheckContext, criterion_nodes
from udcntt.program._plan import CompiledRule

_Path = tuple[str | int, ...]


_BOUNDED = {
    NormMethod.TO_BEST,
    NormMethod.MIN_MAX,
    NormMethod.RANK,
    NormMethod.PERCENTILE,
    NormMethod.GOALPOSTS,
}


def _names_in(source: str) -> set[str]:
    """Names an expression mentions (best effort; syntax errors are reported elsewhere)."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


class _Compiler:
    def __init__(self, rules: RuleSet, ctx: CheckContext) -> None:
        self.rules = rules
        self.ctx = ctx
        self.names: dict[str, NameInfo] = {}
        self.used: set[str] = set()
        self.functions: set[str] = set()
        self.derived: dict[str, Expression] = {}
        self.derived_reads: dict[str, frozenset[str]] = {}
        self.derived_order: list[str] = []

    # -- expressions -------------------------------------------------------------------
    def expr(
        self,
        source: str,
        path: _Path,
        *,
        expected: ExprType | None,
        criterion: str | None = None,
        names: dict[str, NameInfo] | None = None,
    ) -> Expression | None:
        try:
            compiled = compile_expression(
                source,
                names=names if names is not None else self.names,
                location=self.ctx.locate(path),
                criterion=criterion,
                expected=expected,
            )
        except RuleFileError as exc:
            self.ctx.diagnostics.extend(exc.diagnostics)
            return None
        self.used.update(compiled.names)
        self.functions.update(compiled.functions)
        return compiled

    def reads(self, names: frozenset[str] | set[str]) -> frozenset[str]:
        out: set[str] = set()
        for name in names:
            if name in self.rules.indicators:
                out.add(name)
            elif name in self.derived_reads:
                out |= self.derived_reads[name]
        return frozenset(out)

    # -- declarations ------------------------------------------------------------------
    def declarations(self) -> None:
        rules = self.rules
        self.names.update(indicator_names(rules))
        for ind_id, ind in rules.indicators.items():
            for b in ind.blocks or ():
                if b not in rules.blocks:
                    self.ctx.error(
                        "E-NAME-UNKNOWN",
                        msg(
                            "indicator '{indicator}' names unknown block '{block}'",
                            indicator=ind_id,
                            block=b,
                        ),
                        ("indicators", ind_id, "blocks"),
                        hint=did_you_mean(b, rules.blocks),
                        indicator=ind_id,
                    )
        for d_id in rules.derived:
            if d_id in rules.indicators:
                self.ctx.error(
                    "E-NAME-DUPLICATE",
                    msg("derived value '{derived}' has the id of an indicator", derived=d_id),
                    ("derived", d_id),
                )
        self._derived_in_order()

    def _derived_in_order(self) -> None:
        rules = self.rules
        declared = rules.derived.keys()  # a view: building a set per value was quadratic
        deps = {d: _names_in(v.expr) & declared for d, v in rules.derived.items()}
        state: dict[str, int] = {}
        order: list[str] = []
        for start in rules.derived:
            if state.get(start):
                continue
            stack: list[tuple[str, list[str]]] = [(start, sorted(deps[start]))]
            state[start] = 1
            trail = [start]
            while stack:
                node, pending = stack[-1]
                if pending:
                    nxt = pending.pop()
                    if state.get(nxt) == 1:
                        cycle = [*trail[trail.index(nxt) :], nxt]
                        # Declare the members so their uses do not cascade into more errors.
                        for member in cycle:
                            self.names.setdefault(member, NameInfo(type=ExprType.NUMBER))
                            self.used.add(member)
                        self.ctx.error(
                            "E-DERIVED-CYCLE",
                            msg(
                                "derived values depend on each other: {cycle}",
                                cycle=" → ".join(cycle),
                            ),
                            ("derived", nxt, "expr"),
                            hint=msg(
                                "a derived value may only use indicators and derived values that do not depend on it"
                            ),
                        )
                        return
                    if not state.get(nxt):
                        state[nxt] = 1
                        trail.append(nxt)
                        stack.append((nxt, sorted(deps[nxt])))
                    continue
                state[node] = 2
                order.append(node)
                trail.pop()
                stack.pop()
        for d_id in order:
            spec = rules.derived[d_id]
            compiled = self.expr(spec.expr, ("derived", d_id, "expr"), expected=None)
            if compiled is None:
                continue
            self.derived[d_id] = compiled
            self.derived_reads[d_id] = self.reads(compiled.names)
            self.names[d_id] = NameInfo(type=compiled.result_type, label=spec.label)
            self.derived_order.append(d_id)

    # -- rules -------------------------------------------------------------------------
    def rule(
        self, node: Rule | Criterion, path: _Path, cid: str, *, nested: bool
    ) -> CompiledRule | None:
        kinds = node.rule_kinds
        if len(kinds) != 1:
            message = (
                msg("criterion '{criterion}' declares no scoring rule", criterion=cid)
                if not kinds
                else msg(
                    "criterion '{criterion}' declares several rules: {kinds}",
                    criterion=cid,
                    kinds=", ".join(kinds),
                )
            )
            self.ctx.error(
                "E-RULE-SHAPE",
                message,
                path,
                criterion=cid,
                hint=msg(
                    "a leaf has exactly one of: points, bands, lookup, conditions, per_item, sum_of, best_of, normalise"
                ),
            )
            return None
        kind = kinds[0]
        num = ExprType.NUMBER
        # Each branch also checks its key: rule_kinds lists the declared keys, so exactly one
        # branch matches, and the type checker knows the key is there without an assert.
        if kind == "points" and node.points is not None:
            e = self.expr(node.points, (*path, "points"), expected=num, criterion=cid)
            return None if e is None else CompiledRule(kind, expr=e, cap=node.cap)
        if kind == "bands" and node.bands is not None:
            bands = node.bands
            e = self.expr(bands.input, (*path, "bands", "input"), expected=num, criterion=cid)
            if not bands.steps:
                self.ctx.error(
                    "E-BANDS",
                    msg("a band table needs at least one step"),
                    (*path, "bands"),
                    criterion=cid,
                )
                return None
            uses_min = [s.min is not None for s in bands.steps]
            if len(set(uses_min)) > 1:
                self.ctx.error(
                    "E-BANDS",
                    msg("band steps mix 'min' and 'max'"),
                    (*path, "bands", "steps"),
                    criterion=cid,
                    hint=msg(
                        "use 'min' (at least, highest first) or 'max' (at most, lowest first) in every step"
                    ),
                )
                return None
            bounds = [s.min if s.min is not None else s.max for s in bands.steps]
            steps = tuple(
                ("min" if s.min is not None else "max", b, s.points)
                for s, b in zip(bands.steps, bounds, strict=True)
                if b is not None
            )
            descending = uses_min[0]
            for i in range(1, len(bounds)):
                prev, cur = bounds[i - 1], bounds[i]
                if prev is None or cur is None:  # a step without a bound is a schema error
                    continue
                if (descending and cur >= prev) or (not descending and cur <= prev):
                    self.ctx.error(
                        "E-BANDS",
                        msg(
                            "band step {step} ({value}) is not below step {previous} "
                            "({previous_value}); it can never be reached",
                            step=i + 1,
                            value=cur,
                            previous=i,
                            previous_value=prev,
                        )
                        if descending
                        else msg(
                            "band step {step} ({value}) is not above step {previous} "
                            "({previous_value}); it can never be reached",
                            step=i + 1,
                            value=cur,
                            previous=i,
                            previous_value=prev,
                        ),
                        (*path, "bands", "steps", i),
                        criterion=cid,
                        hint=msg(
                            "list 'min' steps from the highest threshold down, 'max' steps from the lowest up"
                        ),
                    )
            if e is None:
                return None
            return CompiledRule(kind, expr=e, steps=steps, otherwise=bands.otherwise, cap=node.cap)
        if kind == "lookup" and node.lookup is not None:
            lookup = node.lookup
            ind = self.rules.indicators.get(lookup.input)
            if ind is None or ind.type is not IndicatorType.CATEGORY:
                self.ctx.error(
                    "E-LOOKUP",
                    msg("lookup input '{input}' is not a category indicator", input=lookup.input),
                    (*path, "lookup", "input"),
                    criterion=cid,
                    hint=did_you_mean(
                        lookup.input,
                        [
                            k
                            for k, v in self.rules.indicators.items()
                            if v.type is IndicatorType.CATEGORY
                        ],
                    ),
                )
                return None
            self.used.add(lookup.input)
            cats = ind.categories or {}
            for key in lookup.table:
                if key not in cats:
                    self.ctx.error(
                        "E-LOOKUP",
                        msg("'{key}' is not a category of '{input}'", key=key, input=lookup.input),
                        (*path, "lookup", "table", key),
                        criterion=cid,
                        hint=did_you_mean(key, cats)
                        or msg("categories: {categories}", categories=", ".join(cats)),
                    )
            return CompiledRule(
                kind,
                lookup_input=lookup.input,
                table=dict(lookup.table),
                otherwise=lookup.otherwise,
                cap=node.cap,
            )
        if kind == "conditions" and node.conditions is not None:
            conds = []
            if not node.conditions:
                self.ctx.error(
                    "E-RULE-SHAPE",
                    msg("'conditions' is empty"),
                    (*path, "conditions"),
                    criterion=cid,
                )
                return None
            for i, cond in enumerate(node.conditions):
                e = self.expr(
                    cond.when,
                    (*path, "conditions", i, "when"),
                    expected=ExprType.BOOL,
                    criterion=cid,
                )
                if e is not None:
                    conds.append((e, cond.points, cond.label))
            if len(conds) != len(node.conditions):
                return None
            return CompiledRule(kind, conditions=tuple(conds), cap=node.cap)
        if kind == "per_item" and node.per_item is not None:
            per = node.per_item
            e = self.expr(per.count, (*path, "per_item", "count"), expected=num, criterion=cid)
            if e is None:
                return None
            return CompiledRule(
                kind, expr=e, item_points=per.points, item_cap=per.cap, cap=node.cap
            )
        if kind in ("sum_of", "best_of"):
            items = (node.sum_of if kind == "sum_of" else node.best_of) or ()
            if not items:
                self.ctx.error(
                    "E-RULE-SHAPE",
                    msg("'{kind}' is empty", kind=kind),
                    (*path, kind),
                    criterion=cid,
                )
                return None
            parts = [
                self.rule(item, (*path, kind, i), cid, nested=True) for i, item in enumerate(items)
            ]
            if any(p is None for p in parts):
                return None
            return CompiledRule(kind, parts=tuple(p for p in parts if p is not None), cap=node.cap)
        norm = node.normalise
        if norm is None:  # unreachable: the branches above cover every other rule key
            raise RuleFileError(
                msg("criterion '{criterion}' declares no scoring rule", criterion=cid),
                code="E-RULE-SHAPE",
                location=self.ctx.locate(path),
                criterion=cid,
            )
        if nested:
            self.ctx.error(
                "E-NORMALISE",
                msg("'normalise' must be the criterion's own rule, not inside sum_of/best_of"),
                (*path, "normalise"),
                criterion=cid,
            )
            return None
        e = self.expr(norm.value, (*path, "normalise", "value"), expected=num, criterion=cid)
        if not norm.method:
            self.ctx.error(
                "E-NORMALISE",
                msg("'method' is empty"),
                (*path, "normalise", "method"),
                criterion=cid,
            )
            return None
        if NormMethod.GOALPOSTS in norm.method and (
            norm.goalposts is None or norm.goalposts[0] >= norm.goalposts[1]
        ):
            self.ctx.error(
                "E-NORMALISE",
                msg("goalposts need 'goalposts: [lower, upper]' with lower < upper"),
                (*path, "normalise"),
                criterion=cid,
            )
            return None
        return CompiledRule(kind, expr=e, normalise=norm, cap=node.cap) if e else None

    # -- the tree ----------------------------------------------------------------------
    def tree(self) -> dict[str, tuple[CompiledRule | None, frozenset[str]]]:
        seen: set[str] = set()
        out: dict[str, tuple[CompiledRule | None, frozenset[str]]] = {}
        for crit, path in criterion_nodes(self.rules):
            if crit.id in seen:
                self.ctx.error(
                    "E-NAME-DUPLICATE",
                    msg("criterion id '{criterion}' is used twice", criterion=crit.id),
                    (*path, "id"),
                )
                continue
            seen.add(crit.id)
            for b in crit.blocks or ():
                if b not in self.rules.blocks:
                    self.ctx.error(
                        "E-NAME-UNKNOWN",
                        msg(
                            "criterion '{criterion}' names unknown block '{block}'",
                            criterion=crit.id,
                            block=b,
                        ),
                        (*path, "blocks"),
                        criterion=crit.id,
                        hint=did_you_mean(b, self.rules.blocks),
                    )
            if crit.is_group:
                if crit.rule_kinds:
                    self.ctx.error(
                        "E-RULE-SHAPE",
                        msg(
                            "group '{criterion}' has children and also a rule ({kinds})",
                            criterion=crit.id,
                            kinds=", ".join(crit.rule_kinds),
                        ),
                        path,
                        criterion=crit.id,
                        hint=msg("move the rule into a child criterion"),
                    )
                if not crit.children:
                    self.ctx.error(
                        "E-RULE-SHAPE",
                        msg("group '{criterion}' has no children", criterion=crit.id),
                        (*path, "children"),
                        criterion=crit.id,
                    )
                if crit.aggregate is not Aggregate.SUM and crit.max is None:
                    self.ctx.error(
                        "E-RULE-SHAPE",
                        msg(
                            "group '{criterion}' averages its children and needs a 'max'",
                            criterion=crit.id,
                        ),
                        path,
                        criterion=crit.id,
                    )
                continue
            if crit.unscored and not crit.rule_kinds:
                out[crit.id] = (None, frozenset())
                continue
            if not crit.unscored and crit.max is None:
                self.ctx.error(
                    "E-SCHEMA-MISSING",
                    msg(
                        "leaf criterion '{criterion}' needs 'max' (its points budget)",
                        criterion=crit.id,
                    ),
                    path,
                    criterion=crit.id,
                )
            compiled = self.rule(crit, path, crit.id, nested=False)
            if compiled is not None and compiled.kind == "normalise" and compiled.normalise:
                last = compiled.normalise.method[-1]
                if last not in _BOUNDED and not crit.unscored:
                    self.ctx.error(
                        "E-NORMALISE",
                        msg(
                            "'{method}' is unbounded and cannot give points in [0, max]",
                            method=last.value,
                        ),
                        (*path, "normalise", "method"),
                        criterion=crit.id,
                        hint=msg("follow it with min_max: method: [z_score, min_max]"),
                    )
            reads: frozenset[str] = frozenset()
            if compiled is not None:
                names: set[str] = set()
                for e in compiled.expressions():
                    names |= e.names
                if compiled.lookup_input:
                    names.add(compiled.lookup_input)
                reads = self.reads(names)
            out[crit.id] = (compiled, reads)
        return out
