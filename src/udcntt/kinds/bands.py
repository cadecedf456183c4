"""The ``bands`` rule type: step bands on a number (mức điểm theo ngưỡng).

::

    bands:
      input: online_share * 100
      steps:
        - {min: 80, points: 10}   # at least 80 → 10
        - {min: 50, points: 6}
      otherwise: 0

The first step whose bound the input meets gives the points. Steps use ``min`` (at least,
highest first) or ``max`` (at most, lowest first), never both; a step that can never be
reached is an error (``E-BANDS``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from pydantic import model_validator

from udcntt._kinds import (
    RULE_TYPES,
    CodeContext,
    CompileContext,
    CompiledRule,
    Path,
    Picker,
    RangeContext,
    RuleType,
    VectorContext,
    as_number,
    trace_text,
)
from udcntt.errors import msg
from udcntt.model import Dec, Expr, StrictModel

__all__ = ["BANDS", "BandStep", "Bands"]


class BandStep(StrictModel):
    """One row of a band table: at least (or at most) ``min``/``max`` gives ``points``."""

    min: Dec | None = None
    max: Dec | None = None
    points: Dec

    @model_validator(mode="after")
    def _one_bound(self) -> BandStep:
        if (self.min is None) == (self.max is None):
            raise ValueError(msg("a band step has exactly one of 'min' (≥) or 'max' (≤)"))
        return self


class Bands(StrictModel):
    """Step bands: the first step whose bound the input meets gives the points."""

    input: Expr
    steps: tuple[BandStep, ...]
    otherwise: Dec = Decimal(0)


Step = tuple[str, Decimal, Decimal]


class _Bands(RuleType):
    """Step bands on a number."""

    def compile(self, spec: Any, path: Path, ctx: CompileContext) -> CompiledRule | None:
        bands: Bands = spec
        e = ctx.expr(bands.input, (*path, "input"), "number")
        if not bands.steps:
            ctx.error("E-BANDS", msg("a band table needs at least one step"), path)
            return None
        uses_min = [s.min is not None for s in bands.steps]
        if len(set(uses_min)) > 1:
            ctx.error(
                "E-BANDS",
                msg("band steps mix 'min' and 'max'"),
                (*path, "steps"),
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
                ctx.error(
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
                    (*path, "steps", i),
                    hint=msg(
                        "list 'min' steps from the highest threshold down, 'max' steps from the lowest up"
                    ),
                )
        if e is None:
            return None
        return CompiledRule(self.name, self, spec, {"input": e}, params=steps)

    def upper_bound(self, rule: CompiledRule) -> Decimal | None:
        steps: tuple[Step, ...] = rule.params
        otherwise: Decimal = rule.spec.otherwise
        return max([p for _, _, p in steps] + [otherwise])

    def evaluate(
        self, rule: CompiledRule, env: Mapping[str, Any], trace: list[dict[str, Any]] | None
    ) -> Decimal:
        expr = rule.exprs["input"]
        x = as_number(expr.evaluate(env))
        result: Decimal = rule.spec.otherwise
        matched = "otherwise"
        for bound_kind, bound, pts in rule.params:
            if (bound_kind == "min" and x >= bound) or (bound_kind == "max" and x <= bound):
                result = pts
                matched = f"{'≥' if bound_kind == 'min' else '≤'} {bound}"
                break
        if trace is not None:
            trace.append(
                {
                    "step": "bands",
                    "input": expr.source,
                    "value": trace_text(x),
                    "matched": matched,
                    "points": trace_text(result),
                }
            )
        return result

    def python(self, rule: CompiledRule, gen: CodeContext) -> str:
        x = gen.new()
        gen.line(f"{x} = {gen.expr(rule.exprs['input'])}")
        text = gen.const(rule.spec.otherwise)
        for bound_kind, bound, pts in reversed(rule.params):
            op = ">=" if bound_kind == "min" else "<="
            text = f"{gen.const(pts)} if {x} {op} {gen.const(bound)} else ({text})"
        out = gen.new()
        gen.line(f"{out} = {text}")
        return out

    def vector(self, rule: CompiledRule, ctx: VectorContext) -> Any:
        x = ctx.expr(rule.exprs["input"])
        choices = [
            (
                lambda op=(">=" if kind == "min" else "<="), bound=bound: ctx.compare(
                    x, op, ctx.const(bound)
                ),
                ctx.const(pts),
            )
            for kind, bound, pts in rule.params
        ]
        return ctx.first(choices, ctx.const(rule.spec.otherwise))

    def describe(self, rule: CompiledRule) -> dict[str, Any]:
        return {
            "expr": rule.exprs["input"].source,
            "steps": [f"{'≥' if k == 'min' else '≤'} {b} → {p}" for k, b, p in rule.params],
            "otherwise": str(rule.spec.otherwise),
        }

    def step_text(self, step: Mapping[str, Any]) -> str | None:
        if step.get("step") != "bands":
            return None
        return f"bands: {step['input']} = {step['value']} → {step['matched']} → {step['points']}"

    def check_ranges(self, rule: CompiledRule, path: Path, ranges: RangeContext) -> None:
        """Band steps the input's declared range never reaches; tables on the wrong scale."""
        source: str = rule.exprs["input"].source
        steps: tuple[Step, ...] = rule.params
        lo, hi = ranges.range(source)
        bounds = [b for _, b, _ in steps]
        for i, (kind, bound, _) in enumerate(steps):
            if kind == "min" and hi is not None and bound > hi:
                ranges.error(
                    "E-BANDS",
                    msg(
                        "band step {step} (at least {value}) can never be reached: '{input}' is at "
                        "most {limit} by its declared range",
                        step=i + 1,
                        value=bound,
                        input=source.strip(),
                        limit=hi,
                    ),
                    (*path, "steps", i),
                    hint=_scale_hint(hi, bound),
                )
            elif kind == "max" and lo is not None and bound < lo:
                ranges.error(
                    "E-BANDS",
                    msg(
                        "band step {step} (at most {value}) can never be reached: '{input}' is at "
                        "least {limit} by its declared range",
                        step=i + 1,
                        value=bound,
                        input=source.strip(),
                        limit=lo,
                    ),
                    (*path, "steps", i),
                    hint=msg("check the thresholds against the input's 'range'"),
                )
        fractional = any(b != b.to_integral_value() for b in bounds)
        if hi is not None and hi >= 10 and fractional and all(0 <= b <= 1 for b in bounds):
            ranges.warning(
                "W-BANDS-SCALE",
                msg(
                    "every threshold of the band table lies in [0, 1] but '{input}' runs up to "
                    "{limit}: a table written for shares fed a percentage?",
                    input=source.strip(),
                    limit=hi,
                ),
                (*path, "steps"),
                hint=msg(
                    "write the thresholds on the input's scale (80, not 0.8), or declare the input "
                    "as 'type: ratio'"
                ),
            )

    def bound_text(self) -> str:
        return msg("its band table")

    def thresholds(self, rule: CompiledRule) -> Mapping[str, Iterable[Decimal]]:
        name = rule.exprs["input"].source.strip()
        return {name: [b for _, b, _ in rule.params]}

    def example(self, pick: Picker, top: int) -> Any:
        n = pick.integer(1, 3)
        thresholds: list[int] = []
        while len(thresholds) < n:
            t = pick.integer(1, 30)
            if t not in thresholds:
                thresholds.append(t)
        points = sorted((pick.integer(0, top) for _ in range(n)), reverse=True)
        x = pick.number_input("count", not_applicable=pick.boolean())
        steps = sorted(thresholds, reverse=True)
        return {
            "input": x,
            "steps": [{"min": t, "points": p} for t, p in zip(steps, points, strict=True)],
            "otherwise": 0,
        }


def _scale_hint(limit: Decimal, bound: Decimal) -> str:
    if limit <= 1 < bound:
        return msg(
            "the input is a share in [0, 1]: write the thresholds as shares ({share}, not {value})",
            share=(bound / 100).normalize(),
            value=bound,
        )
    return msg("check the thresholds against the input's 'range'")


#: ``bands:`` — step bands on a number.
BANDS = RULE_TYPES.register(
    _Bands(
        name="bands",
        schema=Bands,
        doc="Step bands on a number: the first step whose bound is met gives the points.",
        doc_vi="Mức điểm theo ngưỡng: ngưỡng đầu tiên đạt được cho điểm.",
        builtin=True,
        distribution="udcntt",
    )
)
