"""The ``points`` rule type: the points are the value of an expression.

``points: 5`` gives 5; ``points: clamp(ratio(online, services, 0) * 20, 0, 20)`` gives the
expression's value. The expression must be a number (checked when the rule file loads).
It is also the shorthand of a ``sum_of`` / ``best_of`` item written as a bare expression.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import RootModel

from udcntt._kinds import (
    RULE_TYPES,
    CodeContext,
    CompileContext,
    CompiledRule,
    Path,
    Picker,
    RuleType,
    VectorContext,
    as_number,
    trace_text,
)
from udcntt.model import Expr

__all__ = ["POINTS", "PointsSpec", "expression_python", "expression_value"]


class PointsSpec(RootModel[Expr]):
    """``points:`` an expression giving the points (a number)."""


class _Points(RuleType):
    """Points given by an expression."""

    def compile(self, spec: Any, path: Path, ctx: CompileContext) -> CompiledRule | None:
        e = ctx.expr(spec.root, path, "number")
        return None if e is None else CompiledRule(self.name, self, spec, {"expr": e})

    def upper_bound(self, rule: CompiledRule) -> Decimal | None:
        return None  # an expression: bounded by the range analysis, not statically here

    def evaluate(
        self, rule: CompiledRule, env: Mapping[str, Any], trace: list[dict[str, Any]] | None
    ) -> Decimal:
        return expression_value(rule, "expr", env, trace, "points")

    def python(self, rule: CompiledRule, gen: CodeContext) -> str:
        return expression_python(rule, "expr", gen)

    def vector(self, rule: CompiledRule, ctx: VectorContext) -> Any:
        return ctx.expr(rule.exprs["expr"])

    def describe(self, rule: CompiledRule) -> dict[str, Any]:
        return {"expr": rule.exprs["expr"].source}

    def step_text(self, step: Mapping[str, Any]) -> str | None:
        if step.get("step") != "points":
            return None
        return f"{step['expr']} = {step['value']}"

    def example(self, pick: Picker, top: int) -> Any:
        form = pick.choice(["ratio", "capped", "share", "min"])
        if form == "ratio":
            return f"{pick.number_input('ratio', not_applicable=pick.boolean())} * {top}"
        x = pick.number_input("count", not_applicable=pick.boolean())
        if form == "min":
            cap = pick.integer(1, 50)
            return f"min({x}, {cap}) / {cap} * {top}"
        if form == "share":
            y = pick.number_input("total")
            pick.relation(f"{x} <= {y}")
            return f"ratio({x}, {y}, 0) * {top}"
        # The denominator has no direction: more of it is not "better".
        return f"capped_ratio({x}, {pick.number_input('total')}) * {top}"


def expression_value(
    rule: CompiledRule,
    key: str,
    env: Mapping[str, Any],
    trace: list[dict[str, Any]] | None,
    step: str,
) -> Decimal:
    """Reference value of the number expression ``rule.exprs[key]``, traced as ``step``."""
    expr = rule.exprs[key]
    result = as_number(expr.evaluate(env))
    if trace is not None:
        trace.append({"step": step, "expr": expr.source, "value": trace_text(result)})
    return result


def expression_python(rule: CompiledRule, key: str, gen: CodeContext) -> str:
    """Fast-path local holding the value of the expression ``rule.exprs[key]``."""
    out = gen.new()
    gen.line(f"{out} = {gen.expr(rule.exprs[key])}")
    return out


#: ``points:`` — an expression giving the points.
POINTS = RULE_TYPES.register(
    _Points(
        name="points",
        schema=PointsSpec,
        doc="The points are the value of an expression (a number).",
        doc_vi="Điểm là giá trị của một biểu thức (số).",
        builtin=True,
        distribution="udcntt",
    )
)
