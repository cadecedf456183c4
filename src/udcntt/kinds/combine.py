"""The ``sum_of`` and ``best_of`` rule types: rules made of other rules.

::

    best_of:                         # the best of two ways to earn the points
      - online_share * 10
      - conditions: [{when: has_plan, points: 4}]
    sum_of:                          # sub-items that add up
      - {points: "min(trainings, 4)", label: "Đào tạo"}
      - {per_item: {count: courses, points: 1, cap: 2}}

Each item is a rule (any rule type that may be nested, or a bare expression as shorthand
for ``points``), with an optional ``label`` and ``cap``.
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
    RangeContext,
    RuleType,
    VectorContext,
    step_text,
    trace_text,
)
from udcntt.errors import msg
from udcntt.model import Rule

__all__ = ["BEST_OF", "SUM_OF", "Rules"]

_ZERO = Decimal(0)


class Rules(RootModel[tuple[Rule, ...]]):
    """A list of rules (each with one rule key, or a bare expression)."""


class _Combine(RuleType):
    """Rules made of other rules: their sum or their best."""

    def compile(self, spec: Any, path: Path, ctx: CompileContext) -> CompiledRule | None:
        items: tuple[Rule, ...] = spec.root
        if not items:
            ctx.error("E-RULE-SHAPE", msg("'{kind}' is empty", kind=self.name), path)
            return None
        parts = [ctx.rule(item, (*path, i)) for i, item in enumerate(items)]
        if any(p is None for p in parts):
            return None
        return CompiledRule(self.name, self, spec, parts=tuple(p for p in parts if p is not None))

    def _combine(self, values: list[Decimal]) -> Decimal:
        return sum(values, _ZERO) if self.name == "sum_of" else max(values)

    def upper_bound(self, rule: CompiledRule) -> Decimal | None:
        bounds = [p.upper_bound() for p in rule.parts]
        known = [b for b in bounds if b is not None]
        return None if len(known) != len(bounds) else self._combine(known)

    def evaluate(
        self, rule: CompiledRule, env: Mapping[str, Any], trace: list[dict[str, Any]] | None
    ) -> Decimal:
        from_parts = []
        for i, part in enumerate(rule.parts):
            sub: list[dict[str, Any]] | None = [] if trace is not None else None
            from_parts.append(part.evaluate(env, sub))
            if trace is not None and sub is not None:
                trace.append(
                    {
                        "step": f"{self.name}[{i}]",
                        "label": part.label,
                        "trace": sub,
                        "points": trace_text(from_parts[-1]),
                    }
                )
        result = self._combine(from_parts)
        if trace is not None:
            trace.append({"step": self.name, "points": trace_text(result)})
        return result

    def python(self, rule: CompiledRule, gen: CodeContext) -> str:
        parts = [gen.rule(p) for p in rule.parts]
        out = gen.new()
        if self.name == "sum_of":
            gen.line(f"{out} = {gen.plus(parts)}")
        else:
            gen.line(f"{out} = _max(({', '.join(parts)},))")
        return out

    def vector(self, rule: CompiledRule, ctx: VectorContext) -> Any:
        parts = [p.vector(ctx) for p in rule.parts]
        if any(p is None for p in parts):
            return None
        out = parts[0]
        for part in parts[1:]:
            out = ctx.add(out, part) if self.name == "sum_of" else ctx.maximum(out, part)
        return out

    def bound_text(self) -> str:
        return msg("its sub-items together") if self.name == "sum_of" else msg("its best case")

    def check_ranges(self, rule: CompiledRule, path: Path, ranges: RangeContext) -> None:
        for i, part in enumerate(rule.parts):
            ranges.check(part, (*path, i))

    def describe(self, rule: CompiledRule) -> dict[str, Any]:
        return {}

    def step_text(self, step: Mapping[str, Any]) -> str | None:
        kind = str(step.get("step", ""))
        if not kind.startswith(f"{self.name}["):
            return None
        inner = "; ".join(step_text(s) for s in step.get("trace", []))
        return f"{kind}: {inner} → {step['points']}"

    def thresholds(self, rule: CompiledRule) -> Mapping[str, list[Decimal]]:
        out: dict[str, list[Decimal]] = {}
        for part in rule.parts:
            for name, values in part.type.thresholds(part).items():
                out.setdefault(name, []).extend(values)
        return out

    def monotone_in(self, rule: CompiledRule) -> frozenset[str] | None:
        promised = [p.type.monotone_in(p) for p in rule.parts]
        if all(s is None for s in promised):
            return None
        names: set[str] = set()
        for e in rule.expressions():
            names |= set(e.names)
        for part, sure in zip(rule.parts, promised, strict=True):
            if sure is not None:
                for e in part.expressions():
                    names -= set(e.names) - sure
        return frozenset(names)

    def example(self, pick: Picker, top: int) -> Any:
        x = pick.number_input("ratio")
        if self.name == "sum_of":
            share = pick.integer(0, top)
            each = pick.integer(1, 3)
            count = pick.number_input("count", not_applicable=pick.boolean())
            return [
                {"points": f"{x} * {share}", "label": "phần 1"},
                {"per_item": {"count": count, "points": each, "cap": top - share}},
            ]
        return [
            {"points": f"{x} * {top}"},
            {"conditions": [{"when": pick.bool_input(), "points": pick.integer(0, top)}]},
        ]


#: ``sum_of:`` — the points of several rules added up.
SUM_OF = RULE_TYPES.register(
    _Combine(
        name="sum_of",
        schema=Rules,
        doc="Several rules whose points add up.",
        doc_vi="Nhiều quy tắc có điểm cộng lại.",
        builtin=True,
        distribution="udcntt",
    )
)
#: ``best_of:`` — the best of several rules.
BEST_OF = RULE_TYPES.register(
    _Combine(
        name="best_of",
        schema=Rules,
        doc="Several alternative rules: the best one gives the points.",
        doc_vi="Nhiều cách tính thay thế: cách cho điểm cao nhất được dùng.",
        builtin=True,
        distribution="udcntt",
    )
)
