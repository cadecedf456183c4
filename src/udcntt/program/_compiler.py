"""Compiling a rule set's expressions, declarations, rules and criteria tree, checking each.

:class:`_Compiler` checks each expression and rule as it compiles it and reports problems to
the :class:`~udcntt.program._context.CheckContext`; :mod:`udcntt.program._compile` drives it.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from udcntt._kinds import RULE_TYPES, CompiledRule
from udcntt._methods import AGGREGATIONS
from udcntt.data import indicator_names
from udcntt.errors import RuleFileError, did_you_mean, msg
from udcntt.expressions import Expression, ExprType, NameInfo, compile_expression
from udcntt.model import Criterion, Indicator, Rule, RuleSet
from udcntt.program._context import CheckContext, criterion_nodes

_Path = tuple[str | int, ...]

_TYPES = {"number": ExprType.NUMBER, "bool": ExprType.BOOL, "category": ExprType.CATEGORY}


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
        self, node: Rule | Criterion, path: _Path, cid: str, *, nested: bool, unscored: bool = False
    ) -> CompiledRule | None:
        kinds = node.rule_kinds
        if len(kinds) != 1:
            self.ctx.error(
                "E-RULE-SHAPE",
                msg("criterion '{criterion}' declares no scoring rule", criterion=cid)
                if not kinds
                else msg(
                    "criterion '{criterion}' declares several rules: {kinds}",
                    criterion=cid,
                    kinds=", ".join(kinds),
                ),
                path,
                criterion=cid,
                hint=msg("a leaf has exactly one of: {kinds}", kinds=", ".join(RULE_TYPES.names())),
            )
            return None
        kind = kinds[0]
        rule_type = RULE_TYPES.get(kind)
        if rule_type is None:  # pragma: no cover - the model only accepts registered kinds
            raise RuleFileError(
                msg("criterion '{criterion}' declares no scoring rule", criterion=cid),
                code="E-RULE-SHAPE",
                location=self.ctx.locate(path),
                criterion=cid,
            )
        if nested and not rule_type.nested:
            self.ctx.error(
                rule_type.code,
                msg(
                    "'{kind}' must be the criterion's own rule, not inside sum_of/best_of",
                    kind=kind,
                ),
                (*path, kind),
                criterion=cid,
            )
            return None
        site = _Site(self, cid, nested=nested, unscored=unscored)
        compiled = rule_type.compile(node.rules[kind], (*path, kind), site)
        if compiled is None:
            return None
        if site.inputs:
            compiled = replace(compiled, inputs=compiled.inputs | site.inputs)
        label = node.label if isinstance(node, Rule) else None
        return replace(compiled, cap=node.cap, label=label)

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
                aggregation = AGGREGATIONS.get(crit.aggregate)
                if aggregation is not None and not aggregation.additive and crit.max is None:
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
            compiled = self.rule(crit, path, crit.id, nested=False, unscored=crit.unscored)
            reads: frozenset[str] = frozenset()
            if compiled is not None:
                names: set[str] = set(compiled.inputs)
                for e in compiled.expressions():
                    names |= e.names
                reads = self.reads(names)
            out[crit.id] = (compiled, reads)
        return out


class _Site:
    """What a rule type's ``compile`` sees of the compiler (see ``CompileContext``)."""

    def __init__(
        self, compiler: _Compiler, criterion: str, *, nested: bool, unscored: bool
    ) -> None:
        self._compiler = compiler
        self.criterion = criterion
        self.nested = nested
        self.unscored = unscored
        self.inputs: frozenset[str] = frozenset()

    def expr(self, source: str, path: _Path, expected: str | None) -> Expression | None:
        return self._compiler.expr(
            source,
            path,
            expected=None if expected is None else _TYPES[expected],
            criterion=self.criterion,
        )

    def error(self, code: str, message: str, path: _Path, *, hint: str | None = None) -> None:
        self._compiler.ctx.error(code, message, path, criterion=self.criterion, hint=hint)

    def indicators(self) -> Mapping[str, Indicator]:
        return self._compiler.rules.indicators

    def use(self, name: str) -> None:
        self._compiler.used.add(name)
        self.inputs = self.inputs | {name}

    def rule(self, node: Any, path: _Path) -> CompiledRule | None:
        return self._compiler.rule(node, path, self.criterion, nested=True, unscored=self.unscored)
