"""The reference evaluation of one agency's derived values and leaf rules, with a trace.

The generated fast path (``program/_codegen.py``) must give the same numbers; this module
is what explanations are made of and what locates an error in a criterion. What each rule
type means is written once, in its module of :mod:`udcntt.kinds`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from udcntt.data import NA
from udcntt.errors import msg
from udcntt.expressions import RuleArithmeticError
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


def run_rule(
    rule: CompiledRule, env: Mapping[str, Any], trace: list[dict[str, Any]] | None
) -> Decimal:
    """Points of ``rule`` for the values in ``env`` (no population normalisation here).

    The semantics are the rule type's own (:meth:`udcntt._kinds.RuleType.evaluate`, one
    module per rule type in :mod:`udcntt.kinds`), with the rule's ``cap`` applied.
    """
    return rule.evaluate(env, trace)


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
