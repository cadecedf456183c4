"""The ``lookup`` rule type: points per category of a category indicator.

::

    lookup:
      input: iso_level          # a category indicator
      table: {full: 5, partial: 2}
      otherwise: 0

Every key of the table must be a category of the input (``E-LOOKUP``); a category not in
the table gives ``otherwise``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from udcntt._kinds import (
    RULE_TYPES,
    CodeContext,
    CompileContext,
    CompiledRule,
    Path,
    Picker,
    RuleType,
    VectorContext,
    trace_text,
)
from udcntt.errors import did_you_mean, msg
from udcntt.model import Dec, Id, IndicatorType, StrictModel

__all__ = ["LOOKUP", "Lookup"]


class Lookup(StrictModel):
    """Categorical lookup: points per category of a category indicator."""

    input: Id
    table: dict[Id, Dec]
    otherwise: Dec = Decimal(0)


class _Lookup(RuleType):
    """Points per category."""

    def compile(self, spec: Any, path: Path, ctx: CompileContext) -> CompiledRule | None:
        lookup: Lookup = spec
        indicators = ctx.indicators()
        ind = indicators.get(lookup.input)
        if ind is None or ind.type is not IndicatorType.CATEGORY:
            ctx.error(
                "E-LOOKUP",
                msg("lookup input '{input}' is not a category indicator", input=lookup.input),
                (*path, "input"),
                hint=did_you_mean(
                    lookup.input,
                    [k for k, v in indicators.items() if v.type is IndicatorType.CATEGORY],
                ),
            )
            return None
        ctx.use(lookup.input)
        cats = ind.categories or {}
        for key in lookup.table:
            if key not in cats:
                ctx.error(
                    "E-LOOKUP",
                    msg("'{key}' is not a category of '{input}'", key=key, input=lookup.input),
                    (*path, "table", key),
                    hint=did_you_mean(key, cats)
                    or msg("categories: {categories}", categories=", ".join(cats)),
                )
        return CompiledRule(
            self.name, self, spec, params=dict(lookup.table), inputs=frozenset({lookup.input})
        )

    def upper_bound(self, rule: CompiledRule) -> Decimal | None:
        points: list[Decimal] = [*rule.params.values(), rule.spec.otherwise]
        return max(points)

    def evaluate(
        self, rule: CompiledRule, env: Mapping[str, Any], trace: list[dict[str, Any]] | None
    ) -> Decimal:
        cat = env[rule.spec.input]
        result: Decimal = rule.params.get(cat, rule.spec.otherwise)
        if trace is not None:
            trace.append(
                {
                    "step": "lookup",
                    "input": rule.spec.input,
                    "value": cat,
                    "matched": cat if cat in rule.params else "otherwise",
                    "points": trace_text(result),
                }
            )
        return result

    def python(self, rule: CompiledRule, gen: CodeContext) -> str:
        out = gen.new()
        table = gen.value(dict(rule.params))
        var = gen.var(rule.spec.input)
        gen.line(f"{out} = {table}.get({var}, {gen.const(rule.spec.otherwise)})")
        return out

    def vector(self, rule: CompiledRule, ctx: VectorContext) -> Any:
        category = ctx.input(rule.spec.input)
        return ctx.lookup(category, dict(rule.params), rule.spec.otherwise)

    def bound_text(self) -> str:
        return msg("its lookup table")

    def describe(self, rule: CompiledRule) -> dict[str, Any]:
        return {
            "input": rule.spec.input,
            "table": {k: str(v) for k, v in rule.params.items()},
            "otherwise": str(rule.spec.otherwise),
        }

    def step_text(self, step: Mapping[str, Any]) -> str | None:
        if step.get("step") != "lookup":
            return None
        return f"lookup: {step['input']} = {step['value']} → {step['points']}"

    def example(self, pick: Picker, top: int) -> Any:
        x, cats = pick.category_input(pick.integer(2, 4))
        table = {c: pick.integer(0, top) for c in cats[:-1]}
        return {"input": x, "table": table, "otherwise": 0}


#: ``lookup:`` — points per category.
LOOKUP = RULE_TYPES.register(
    _Lookup(
        name="lookup",
        schema=Lookup,
        doc="Points per category of a category indicator.",
        doc_vi="Điểm theo từng hạng mục của một chỉ số phân loại.",
        builtin=True,
        distribution="udcntt",
    )
)
