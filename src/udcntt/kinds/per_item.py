"""The ``per_item`` rule type: points per item counted, up to a cap.

::

    per_item: {count: shared_systems, points: 0.5, cap: 3}

gives 0.5 points for each shared system, at most 3.
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
    as_number,
    trace_text,
)
from udcntt.errors import msg
from udcntt.model import Dec, Expr, StrictModel

__all__ = ["PER_ITEM", "PerItem"]


class PerItem(StrictModel):
    """``points`` per item counted, up to ``cap``."""

    count: Expr
    points: Dec
    cap: Dec


class _PerItem(RuleType):
    """Points per item, capped."""

    def compile(self, spec: Any, path: Path, ctx: CompileContext) -> CompiledRule | None:
        e = ctx.expr(spec.count, (*path, "count"), "number")
        return None if e is None else CompiledRule(self.name, self, spec, {"count": e})

    def upper_bound(self, rule: CompiledRule) -> Decimal | None:
        cap: Decimal = rule.spec.cap
        return cap

    def evaluate(
        self, rule: CompiledRule, env: Mapping[str, Any], trace: list[dict[str, Any]] | None
    ) -> Decimal:
        spec: PerItem = rule.spec
        count = as_number(rule.exprs["count"].evaluate(env))
        uncapped = count * spec.points
        result = min(uncapped, spec.cap)
        if trace is not None:
            trace.append(
                {
                    "step": "per_item",
                    "count": trace_text(count),
                    "each": trace_text(spec.points),
                    "uncapped": trace_text(uncapped),
                    "cap": trace_text(spec.cap),
                    "points": trace_text(result),
                }
            )
        return result

    def python(self, rule: CompiledRule, gen: CodeContext) -> str:
        out = gen.new()
        spec: PerItem = rule.spec
        gen.line(f"{out} = ({gen.expr(rule.exprs['count'])}) * {gen.const(spec.points)}")
        cap = gen.const(spec.cap)  # min(count × points, cap) written out: no call
        gen.line(f"{out} = {cap} if {out} > {cap} else {out}")
        return out

    def vector(self, rule: CompiledRule, ctx: VectorContext) -> Any:
        spec: PerItem = rule.spec
        count = ctx.expr(rule.exprs["count"])
        return ctx.minimum(ctx.mul(count, ctx.const(spec.points)), ctx.const(spec.cap))

    def bound_text(self) -> str:
        return msg("its per-item cap")

    def describe(self, rule: CompiledRule) -> dict[str, Any]:
        return {
            "expr": rule.exprs["count"].source,
            "each": str(rule.spec.points),
            "cap": str(rule.spec.cap),
        }

    def step_text(self, step: Mapping[str, Any]) -> str | None:
        if step.get("step") != "per_item":
            return None
        return (
            f"per item: {step['count']} × {step['each']} = {step['uncapped']}, "
            f"cap {step['cap']} → {step['points']}"
        )

    def example(self, pick: Picker, top: int) -> Any:
        x = pick.number_input("count", not_applicable=pick.boolean())
        return {"count": x, "points": pick.integer(1, 5), "cap": top}


#: ``per_item:`` — points per item, capped.
PER_ITEM = RULE_TYPES.register(
    _PerItem(
        name="per_item",
        schema=PerItem,
        doc="Points per item counted, up to a cap.",
        doc_vi="Điểm cho mỗi mục được đếm, tối đa bằng mức trần.",
        builtin=True,
        distribution="udcntt",
    )
)
