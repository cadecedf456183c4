"""The ``conditions`` rule type: points for each condition that holds (they add up).

::

    conditions:
      - {when: has_portal, points: 2, label: "Có cổng thông tin"}
      - {when: portal_updated and has_portal, points: 1}

Each ``when`` is a yes/no expression; the points of the conditions that hold add up (half
credits included).
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
    trace_text,
)
from udcntt.errors import msg
from udcntt.model import Dec, Expr, Label, StrictModel

__all__ = ["CONDITIONS", "Condition", "Conditions"]

_ZERO = Decimal(0)


class Condition(StrictModel):
    """Points earned when a condition holds (half credits add up)."""

    when: Expr
    points: Dec
    label: Label | None = None


class Conditions(RootModel[tuple[Condition, ...]]):
    """``conditions:`` a list of conditions, each with its points."""


class _Conditions(RuleType):
    """Points of the conditions that hold."""

    def compile(self, spec: Any, path: Path, ctx: CompileContext) -> CompiledRule | None:
        conditions: tuple[Condition, ...] = spec.root
        if not conditions:
            ctx.error("E-RULE-SHAPE", msg("'conditions' is empty"), path)
            return None
        exprs: dict[str, Any] = {}
        for i, cond in enumerate(conditions):
            e = ctx.expr(cond.when, (*path, i, "when"), "bool")
            if e is not None:
                exprs[str(i)] = e
        if len(exprs) != len(conditions):
            return None
        params = tuple((c.points, c.label) for c in conditions)
        return CompiledRule(self.name, self, spec, exprs, params=params)

    def upper_bound(self, rule: CompiledRule) -> Decimal | None:
        return sum((max(p, _ZERO) for p, _ in rule.params), _ZERO)

    def evaluate(
        self, rule: CompiledRule, env: Mapping[str, Any], trace: list[dict[str, Any]] | None
    ) -> Decimal:
        result = _ZERO
        for expr, (pts, label) in zip(rule.exprs.values(), rule.params, strict=True):
            held = bool(expr.evaluate(env))
            if held:
                result += pts
            if trace is not None:
                trace.append(
                    {
                        "step": "condition",
                        "when": expr.source,
                        "label": label,
                        "held": held,
                        "points": trace_text(pts if held else _ZERO),
                    }
                )
        return result

    def python(self, rule: CompiledRule, gen: CodeContext) -> str:
        out = gen.new()
        zero = gen.const(_ZERO)
        parts = [
            f"({gen.const(p)} if ({gen.expr(e)}) else {zero})"
            for e, (p, _) in zip(rule.exprs.values(), rule.params, strict=True)
        ]
        gen.line(f"{out} = {gen.plus(parts)}")
        return out

    def vector(self, rule: CompiledRule, ctx: VectorContext) -> Any:
        zero = ctx.const(_ZERO)
        out = zero
        for e, (p, _) in zip(rule.exprs.values(), rule.params, strict=True):
            out = ctx.add(out, ctx.select(ctx.expr(e), ctx.const(p), zero))
        return out

    def bound_text(self) -> str:
        return msg("its conditions together")

    def describe(self, rule: CompiledRule) -> dict[str, Any]:
        return {}

    def step_text(self, step: Mapping[str, Any]) -> str | None:
        if step.get("step") != "condition":
            return None
        mark = "✓" if step["held"] else "✗"
        return f"{mark} {step.get('label') or step['when']} → {step['points']}"

    def example(self, pick: Picker, top: int) -> Any:
        remaining = top
        conds = []
        for _ in range(pick.integer(1, 3)):
            pts = min(remaining, max(1, top * pick.integer(1, 5) // 10))
            remaining -= pts
            conds.append({"when": pick.bool_input(), "points": pts})
        return conds


#: ``conditions:`` — points for each condition that holds.
CONDITIONS = RULE_TYPES.register(
    _Conditions(
        name="conditions",
        schema=Conditions,
        doc="Points for each yes/no condition that holds; they add up.",
        doc_vi="Điểm cho mỗi điều kiện có/không được thỏa; các điểm cộng lại.",
        builtin=True,
        distribution="udcntt",
    )
)
