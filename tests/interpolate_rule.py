"""A rule type added as one module: linear interpolation between points.

It is written as udcntt's own rule types are (:mod:`udcntt.kinds`): schema, static check
and bound, reference semantics with its trace step, generated code for the fast path,
explanation and test strategy — and nothing else anywhere. The tests register it and use
it on both paths, in ``udcntt explain`` and in the property strategies::

    interpolate:
      input: online_share * 100
      points:                 # "at" ascending; points never decrease (monotone)
        - {at: 20, points: 0}
        - {at: 60, points: 6}
        - {at: 100, points: 10}

Below the first ``at`` the first points apply, above the last the last; in between, the
points run linearly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from udcntt.extend import (
    CodeContext,
    CompileContext,
    CompiledRule,
    Picker,
    RangeContext,
    RuleType,
)
from udcntt.model import Dec, Expr, StrictModel

Path = tuple[str | int, ...]


class Knot(StrictModel):
    """One point of the curve: at input ``at``, ``points`` points."""

    at: Dec
    points: Dec


class Interpolation(StrictModel):
    """Points interpolated linearly between knots of the input."""

    input: Expr
    points: tuple[Knot, ...]


class Curve:
    """The knots of one rule, as a callable giving the points of an input value."""

    def __init__(self, knots: tuple[Knot, ...]) -> None:
        self.at = [k.at for k in knots]
        self.points = [k.points for k in knots]

    def __call__(self, x: Decimal) -> Decimal:
        at, points = self.at, self.points
        if x <= at[0]:
            return points[0]
        for i in range(1, len(at)):
            if x <= at[i]:
                return points[i - 1] + (x - at[i - 1]) * (points[i] - points[i - 1]) / (
                    at[i] - at[i - 1]
                )
        return points[-1]


class Interpolate(RuleType):
    """Linear interpolation between knots."""

    def compile(self, spec: Any, path: Path, ctx: CompileContext) -> CompiledRule | None:
        knots: tuple[Knot, ...] = spec.points
        if len(knots) < 2:
            ctx.error("E-RULE-TYPE", "at least two knots", (*path, "points"))
            return None
        ok = True
        for i in range(1, len(knots)):
            if knots[i].at <= knots[i - 1].at or knots[i].points < knots[i - 1].points:
                ctx.error(
                    "E-RULE-TYPE",
                    f"knot {i + 1}: 'at' must rise and 'points' not fall",
                    (*path, "points", i),
                )
                ok = False
        e = ctx.expr(spec.input, (*path, "input"), "number")
        if e is None or not ok:
            return None
        return CompiledRule(self.name, self, spec, {"input": e}, params=Curve(knots))

    def upper_bound(self, rule: CompiledRule) -> Decimal | None:
        top: Decimal = rule.spec.points[-1].points
        return top

    def evaluate(
        self, rule: CompiledRule, env: Mapping[str, Any], trace: list[dict[str, Any]] | None
    ) -> Decimal:
        expr = rule.exprs["input"]
        x = expr.evaluate(env)
        result: Decimal = rule.params(x)
        if trace is not None:
            trace.append(
                {
                    "step": "interpolate",
                    "input": expr.source,
                    "value": str(x),
                    "points": str(result),
                }
            )
        return result

    def python(self, rule: CompiledRule, gen: CodeContext) -> str:
        out = gen.new()
        gen.line(f"{out} = {gen.value(rule.params)}({gen.expr(rule.exprs['input'])})")
        return out

    def describe(self, rule: CompiledRule) -> dict[str, Any]:
        return {
            "expr": rule.exprs["input"].source,
            "points": [f"{k.at} → {k.points}" for k in rule.spec.points],
        }

    def step_text(self, step: Mapping[str, Any]) -> str | None:
        if step.get("step") != "interpolate":
            return None
        return f"interpolate: {step['input']} = {step['value']} → {step['points']}"

    def thresholds(self, rule: CompiledRule) -> Mapping[str, Iterable[Decimal]]:
        return {rule.exprs["input"].source.strip(): [k.at for k in rule.spec.points]}

    def check_ranges(self, rule: CompiledRule, path: Path, ranges: RangeContext) -> None:
        return None

    def example(self, pick: Picker, top: int) -> Any:
        x = pick.number_input("number", not_applicable=pick.boolean())
        first = pick.integer(0, 500)
        second = first + pick.integer(1, 500)
        low = pick.integer(0, top)
        return {
            "input": x,
            "points": [{"at": first, "points": low}, {"at": second, "points": top}],
        }


#: The declaration, registered by the tests with ``udcntt.extend.registered``.
INTERPOLATE = Interpolate(
    name="interpolate",
    schema=Interpolation,
    doc="Points interpolated linearly between knots of a number.",
    doc_vi="Điểm nội suy tuyến tính giữa các mốc của một số.",
    expressions={"input": "number"},
    monotone=("input",),
    distribution="tests",
    version="1.0",
)
