"""The reference evaluation of one agency's derived values and leaf rules, with a trace.

The generated fast path (``program/_codegen.py``) must give the same numbers; this module
is what explanations are made of and what locates an error in a criterion.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from udcntt.data import NA
from udcntt.errors import msg
from udcntt.expressions import Expression, RuleArithmeticError
from udcntt.program import CompiledRule, CompiledRuleSet, LeafPlan

__all__ = ["LeafOutcome", "RuleFailure", "derive", "run_leaf", "run_rule"]

_ZERO = Decimal(0)


class RuleFailure(Exception):
    """A rule could not be evaluated for an agency (carries the criterion and the cause)."""

    def __init__(self, code: str, message: str, criterion: str | None, value: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.criterion = criterion
        self.value = value


def _num(value: Any) -> str:
    return str(value) if not isinstance(value, bool) else ("có" if value else "không")


def _number(value: Any) -> Decimal:
    # Expressions that give points are type-checked as numbers when the rule file loads.
    if not isinstance(value, Decimal):  # pragma: no cover - a bug in the type checker
        raise TypeError(f"a points expression gave {type(value).__name__}, not a number")
    return value


def _expr(rule: CompiledRule) -> Expression:
    """The expression of a rule kind that always has one (the compiler guarantees it)."""
    if rule.expr is None:  # pragma: no cover - the compiler always sets it
        raise ValueError(f"a '{rule.kind}' rule without an expression")
    return rule.expr


def run_rule(
    rule: CompiledRule, env: Mapping[str, Any], trace: list[dict[str, Any]] | None
) -> Decimal:
    """Points of ``rule`` for the values in ``env`` (no population normalisation here)."""
    kind = rule.kind
    if kind == "points":
        expr = _expr(rule)
        result = _number(expr.evaluate(env))
        if trace is not None:
            trace.append({"step": "points", "expr": expr.source, "value": _num(result)})
    elif kind == "bands":
        expr = _expr(rule)
        x = _number(expr.evaluate(env))
        result = rule.otherwise
        matched: str = "otherwise"
        for bound_kind, bound, pts in rule.steps:
            if (bound_kind == "min" and x >= bound) or (bound_kind == "max" and x <= bound):
                result = pts
                matched = f"{'≥' if bound_kind == 'min' else '≤'} {bound}"
                break
        if trace is not None:
            trace.append(
                {
                    "step": "bands",
                    "input": expr.source,
                    "value": _num(x),
                    "matched": matched,
                    "points": _num(result),
                }
            )
    elif kind == "lookup":
        if rule.lookup_input is None:  # pragma: no cover - the compiler always sets it
            raise ValueError("a lookup rule without an input")
        cat = env[rule.lookup_input]
        result = rule.table.get(cat, rule.otherwise)
        if trace is not None:
            trace.append(
                {
                    "step": "lookup",
                    "input": rule.lookup_input,
                    "value": cat,
                    "matched": cat if cat in rule.table else "otherwise",
                    "points": _num(result),
                }
            )
    elif kind == "conditions":
        result = _ZERO
        for expr, pts, label in rule.conditions:
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
                        "points": _num(pts if held else _ZERO),
                    }
                )
    elif kind == "per_item":
        count = _number(_expr(rule).evaluate(env))
        uncapped = count * rule.item_points
        result = min(uncapped, rule.item_cap)
        if trace is not None:
            trace.append(
                {
                    "step": "per_item",
                    "count": _num(count),
                    "each": _num(rule.item_points),
                    "uncapped": _num(uncapped),
                    "cap": _num(rule.item_cap),
                    "points": _num(result),
                }
            )
    elif kind in ("sum_of", "best_of"):
        values = []
        for i, part in enumerate(rule.parts):
            sub: list[dict[str, Any]] | None = [] if trace is not None else None
            values.append(run_rule(part, env, sub))
            if trace is not None and sub is not None:
                trace.append(
                    {
                        "step": f"{kind}[{i}]",
                        "label": part.label,
                        "trace": sub,
                        "points": _num(values[-1]),
                    }
                )
        result = sum(values, _ZERO) if kind == "sum_of" else max(values)
        if trace is not None:
            trace.append({"step": kind, "points": _num(result)})
    elif kind == "normalise":
        expr = _expr(rule)
        result = _number(expr.evaluate(env))
        if trace is not None:
            trace.append({"step": "value", "expr": expr.source, "value": _num(result)})
        return result  # points come after the population pass
    else:  # pragma: no cover - kinds are closed
        raise AssertionError(kind)
    if rule.cap is not None and result > rule.cap:
        if trace is not None:
            trace.append({"step": "cap", "cap": _num(rule.cap), "before": _num(result)})
        result = rule.cap
    return result


def derive(
    compiled: CompiledRuleSet, names: tuple[str, ...], env: dict[str, Any], na: set[str]
) -> None:
    """Add derived values to ``env`` in dependency order; NA spreads to what reads it."""
    for d_id in names:
        expr = compiled.derived[d_id]
        if na and (compiled.derived_reads[d_id] & na):
            env[d_id] = NA
            continue
        try:
            env[d_id] = expr.evaluate(env)
        except RuleArithmeticError as exc:
            raise RuleFailure(
                exc.code,
                msg("derived value '{derived}': {detail}", derived=d_id, detail=exc.detail),
                None,
            ) from exc


class LeafOutcome:
    """What a leaf gave an agency before population normalisation."""

    __slots__ = ("na", "raw", "trace")

    def __init__(self, raw: Decimal | None, na: bool, trace: list[dict[str, Any]] | None) -> None:
        self.raw = raw
        self.na = na
        self.trace = trace


def run_leaf(
    leaf: LeafPlan, env: Mapping[str, Any], na: set[str], *, with_trace: bool
) -> LeafOutcome:
    """Evaluate one leaf; NA when it reads a not-applicable indicator."""
    if leaf.rule is None:
        return LeafOutcome(_ZERO, False, [] if with_trace else None)
    trace: list[dict[str, Any]] | None = [] if with_trace else None
    if na and (leaf.reads & na):
        if trace is not None:
            trace.append({"step": "not_applicable", "inputs": sorted(leaf.reads & na)})
        return LeafOutcome(None, True, trace)
    try:
        raw = run_rule(leaf.rule, env, trace)
    except RuleArithmeticError as exc:
        raise RuleFailure(exc.code, exc.detail, leaf.id) from exc
    return LeafOutcome(raw, False, trace)
