"""The fast path: one generated Python function per block, compiled once.

A block's derived values, leaf rules, groups, total and tier are computed by functions
generated from the validated expressions
(:meth:`Expression.to_python` emits only whitelisted operators, ``_u_*`` helpers, hoisted
constants and local names), so scoring 10,000 agencies never walks a syntax tree. Agencies
with not-applicable answers get functions generated for their set of N/A inputs (compiled
on first use, see :func:`fast_variant`), which leave out what does not apply exactly as the
reference path does.

The generated code hands an agency to the reference interpreter (which types values,
applies policies, locates errors and writes traces) only for one of the declared
:data:`SLOW_REASONS`, by raising :class:`SlowPath` with that reason. Any other exception
from generated code is a bug in udcntt and is never taken for a reason to fall back. A
differential test keeps the two paths in step, and ``Assessment.paths`` counts which path
scored each agency.
"""

from __future__ import annotations

import decimal
import operator
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import reduce
from typing import Any

from udcntt._kinds import CompiledRule
from udcntt.data import MISSING, NA
from udcntt.expressions import RUNTIME, Expression
from udcntt.model import RuleSet
from udcntt.program._plan import Applicability, BlockPlan, CompiledRuleSet, LeafPlan, NodePlan
from udcntt.program._proven import ProvenRanges

__all__ = [
    "SLOW_REASONS",
    "Applicability",
    "FastFunctions",
    "GeneratedCodeError",
    "SlowPath",
    "attach_fast_paths",
    "fast_variant",
    "generate_block_source",
]

#: Every reason for which an agency is scored by the reference interpreter instead of the
#: generated code; ``Assessment.paths`` counts agencies under ``"reference:<reason>"``.
SLOW_REASONS: dict[str, str] = {
    "not_applicable": "an input is marked not applicable but its indicator does not allow it "
    "(E-EVAL-TYPE); allowed N/A answers are scored by functions generated for them",
    "missing": "an input is missing (its policy scores 0, imputes or refuses it)",
    "untyped": "an input is not yet of its indicator's type (text, int or float given to "
    "Dataset.from_records): the reference path types it or reports E-EVAL-TYPE",
    "out_of_range": "a number outside its indicator's range, not finite, or a fractional "
    "count, or a value that is not one of the categories: reported there",
    "relation": "a declared relation does not hold: E-EVAL-RELATION",
    "arithmetic": "a rule raised an arithmetic error (division by zero, overflow): the "
    "reference path reports it located in the rule file",
    "points_out_of_range": "a criterion gave points outside [0, max]: E-EVAL-RANGE",
    "zero_maximum": "no scored criterion applies in the block (share set to 0 with a note)",
    "no_fast_code": "the block has no generated code (a compiled rule set whose plans were "
    "built without it)",
    "requested": "the caller asked for the reference path (evaluate(..., reference=True))",
}

_ROUNDING = {
    "half_up": decimal.ROUND_HALF_UP,
    "half_even": decimal.ROUND_HALF_EVEN,
    "down": decimal.ROUND_DOWN,
}


class _Gen:
    def __init__(self, plan: BlockPlan) -> None:
        self.plan = plan
        self.locals: dict[str, str] = {}
        for i, name in enumerate(plan.indicators):
            self.locals[name] = f"v{i}"
        for i, name in enumerate(plan.derived):
            self.locals[name] = f"d{i}"
        self.consts: dict[str, Any] = {}
        self.const_names: dict[tuple[str, str], str] = {}
        self.lines: list[str] = []
        self.tmp = 0
        self.temps = 0
        #: Proven ranges of subexpressions, once the inputs and relations are checked.
        self.bounds: Callable[[Any], tuple[Decimal | None, Decimal | None]] | None = None

    def const(self, value: Decimal) -> str:
        key = ("d", str(value))
        if key not in self.const_names:
            name = f"c{len(self.const_names)}"
            self.const_names[key] = name
            self.consts[name] = value
        return self.const_names[key]

    def value(self, obj: Any) -> str:
        """The name of a hoisted constant of any kind (a table, a bound call)."""
        name = f"k{len(self.consts)}"
        self.consts[name] = obj
        return name

    def var(self, name: str) -> str:
        return self.locals[name]

    def expr(self, e: Expression) -> str:
        return e.to_python(self.var, self.const, self.temp, self.bounds)

    def temp(self) -> str:
        """A fresh local for a temporary of an inlined call (``_t<n>``: no other generated
        name starts with ``_t``)."""
        self.temps += 1
        return f"_t{self.temps}"

    def new(self) -> str:
        self.tmp += 1
        return f"r{self.tmp}"

    def line(self, text: str) -> None:
        self.lines.append(text)

    def plus(self, terms: Sequence[str]) -> str:
        return _plus(terms)

    def rule(self, rule: CompiledRule) -> str:
        """Emit lines computing ``rule`` (by its rule type); return the local holding it."""
        return rule.python(self)


class SlowPath(Exception):
    """Raised by generated code when an agency needs the reference path.

    Args:
        reason: one of :data:`SLOW_REASONS`.
    """

    def __init__(self, reason: str = "no_fast_code") -> None:
        super().__init__(reason)
        self.reason = reason


class GeneratedCodeError(RuntimeError):
    """Generated code failed in a way no declared reason covers: a bug in udcntt.

    Raised instead of falling back silently, so a fault in the fast path can never hide
    behind the reference interpreter. The CLI reports it as an internal error (exit 3).
    """


def _why(value: Any, otherwise: str) -> str:
    """The reason an input failed its type check in generated code."""
    if value is NA:
        return "not_applicable"
    if value is MISSING:
        return "missing"
    return otherwise


def _input_checks(
    gen: _Gen, compiled: CompiledRuleSet, plan: BlockPlan, na: frozenset[str]
) -> list[str]:
    """Check the inputs' types and ranges, then the relations.

    Every input is tested in one boolean chain (one statement for the whole block: the
    common case, all inputs valid, pays no per-input statement); only when it fails does
    the returned detailed check (one statement per input, the first failure's reason)
    run, to name the reason.

    Returns:
        The lines of the detailed check function's body.
    """
    rules = compiled.rules
    quick: list[str] = []
    detail: list[str] = []
    for name in plan.indicators:
        if name in na:
            continue  # the caller chose this function for these not-applicable inputs
        ind = rules.indicators[name]
        v = gen.var(name)
        kind = ind.type.value
        if kind in ("count", "number", "ratio"):
            lo, hi = ind.bounds
            conds = []
            if lo is not None and hi is not None:
                conds.append(f"{gen.const(lo)} <= {v} <= {gen.const(hi)}")
            elif lo is not None:
                conds.append(f"{gen.const(lo)} <= {v}")
            elif hi is not None:
                conds.append(f"{v} <= {gen.const(hi)}")
            if lo is None or hi is None:
                conds.append(f"{v}.is_finite()")
            if kind == "count":
                conds.append(f"{v} == {v}.to_integral_value()")
            typed = f"{v}.__class__ is _D"
            quick.append(" and ".join([typed, *conds]))
            detail.append(f"if not ({typed}): raise _Slow(_why({v}, 'untyped'))")
            detail.append(f"if not ({' and '.join(conds)}): raise _Slow('out_of_range')")
        elif kind == "bool":
            quick.append(f"{v}.__class__ is _bool")
            detail.append(f"if {v}.__class__ is not _bool: raise _Slow(_why({v}, 'untyped'))")
        elif kind == "category":
            cats = gen.value(frozenset(ind.categories or {}))
            quick.append(f"{v} in {cats}")
            detail.append(f"if {v} not in {cats}: raise _Slow(_why({v}, 'out_of_range'))")
        else:
            quick.append(f"{v}.__class__ is _date")
            detail.append(f"if {v}.__class__ is not _date: raise _Slow(_why({v}, 'untyped'))")
    args = ", ".join(f"v{i}" for i in range(len(plan.indicators)))
    for start in range(0, len(quick), _CHAIN):
        chain = " and ".join(quick[start : start + _CHAIN])
        gen.lines.append(f"if not ({chain}): _check_{plan.id}({args})")
    for index in plan.relations:
        _, expr = compiled.relations[index]
        if expr.names & na:
            continue  # a relation over a not-applicable value is not checked
        gen.lines.append(f"if not ({gen.expr(expr)}): raise _Slow('relation')")
    # The quick chain and these lines test the same conditions: reaching the end means
    # the two disagree, a bug in udcntt (ValueError is one of the BUGS, never a fallback).
    return [*detail, "raise ValueError('input checks disagree')"]


#: Longest chain of ``+`` written out; Python's compiler recurses once per operator, so a
#: block of thousands of sibling criteria would exhaust its stack.
_CHAIN = 64


def _plus(terms: Sequence[str]) -> str:
    """Source adding ``terms`` left to right, as ``a + b + c`` does, at any length."""
    if len(terms) <= _CHAIN:
        return " + ".join(terms)
    return f"_add(({', '.join(terms)},))"


def _min(a: Any, b: Any, *rest: Any) -> Any:
    """``min(a, b, …)``: the first smallest, as the built-in gives it, faster for two."""
    if rest:
        return min(a, b, *rest)
    return b if b < a else a


def _add(values: tuple[Any, ...]) -> Any:
    """``values[0] + values[1] + …``, in that order (the same rounding as the written chain)."""
    return reduce(operator.add, values)


def _group_line(
    gen: _Gen, group: NodePlan, var: str, names: dict[str, str], app: Applicability
) -> None:
    zero = gen.const(Decimal(0))
    kids = [c for c in group.children if c.id in app.max]
    if group.id not in app.max:
        gen.lines.append(f"{var} = None")
    elif group.aggregation.additive:
        gen.lines.append(f"{var} = {_plus([zero, *(names[c.id] for c in kids)])}")
        if group.id in app.rescaled:
            applicable = sum((app.max[c.id] for c in kids), Decimal(0))
            gen.lines.append(f"{var} = {var} * {gen.const(group.max)} / {gen.const(applicable)}")
    else:
        shares = [
            f"({names[c.id]} / {gen.const(app.max[c.id])})" if app.max[c.id] else zero for c in kids
        ]
        weights = [c.criterion.weight for c in kids]
        share = group.aggregation.python(gen, shares, weights)
        gen.lines.append(f"{var} = {share} * {gen.const(group.max)}")


def _proven(proven: ProvenRanges, rules: RuleSet, leaf: LeafPlan, quantum: Decimal | None) -> bool:
    """Whether the leaf's points are proven to lie in [0, max] (see :mod:`._proven`)."""
    if leaf.rule is None:
        return leaf.max >= 0  # zero points
    if leaf.normalised:
        return False  # computed after a population pass: no static range
    return proven.in_range(leaf.rule, leaf.max, quantum, _ROUNDING[rules.rounding.mode.value])


def generate_block_source(
    compiled: CompiledRuleSet, plan: BlockPlan, na: frozenset[str] = frozenset()
) -> tuple[str, dict[str, Any]]:
    """Python source of the block's fast functions and the constants they refer to.

    ``leaves_<block>(v0, …)`` checks and reads the inputs and returns the derived values and
    each leaf's points before population normalisation; ``finish_<block>(l0, …)`` takes the
    leaves' points (normalised ones already multiplied out) and returns the rounded leaf
    points, the group points before rounding, the total (unrounded and published), the
    share and the tier index (-1 when tiers have conditions to evaluate in Python);
    ``whole_<block>`` does both when no leaf is normalised. All raise ``_Slow`` with a
    declared reason for anything the reference path must handle.

    With ``na``, the functions are those of an agency whose inputs ``na`` are not
    applicable (they receive the N/A marker there): derived values and leaves reading them
    are N/A (``_NA`` and ``None``), groups and the total aggregate what applies, as the
    reference path does.
    """
    rules = compiled.rules
    app = Applicability(compiled, plan, na)
    gen = _Gen(plan)
    detail = _input_checks(gen, compiled, plan, na)
    proven = ProvenRanges(compiled, plan, na)
    gen.bounds = proven.bounds  # from here on, inputs and relations hold
    for name in plan.derived:
        value = "_NA" if name in app.na_derived else gen.expr(compiled.derived[name])
        gen.lines.append(f"{gen.locals[name]} = {value}")
    leaf_vars = []
    zero = gen.const(Decimal(0))
    for leaf in plan.leaves:
        if leaf.rule is None:
            leaf_vars.append(zero)
        elif leaf.id in app.na_leaves:
            leaf_vars.append("None")
        else:
            leaf_vars.append(gen.rule(leaf.rule))
    args = ", ".join(f"v{i}" for i in range(len(plan.indicators)))
    derived = "".join(f"{gen.locals[n]}, " for n in plan.derived)
    leaves = "".join(f"{v}, " for v in leaf_vars)
    leaf_lines = list(gen.lines)
    body = "\n".join(f"    {line}" for line in leaf_lines) or "    pass"
    checks = "\n".join(f"    {line}" for line in detail)
    source = f"def _check_{plan.id}({args}):\n{checks}\n\n\n"
    source += f"def leaves_{plan.id}({args}):\n{body}\n    return ({derived}), ({leaves})\n"

    # -- finish: rounding, aggregation, total, share, tier ------------------------------
    gen.lines = []
    rounding = rules.rounding
    names: dict[str, str] = {}
    ranges: list[str] = []
    for i, leaf in enumerate(plan.leaves):
        var = f"l{i}"
        names[leaf.id] = var
        if leaf.unscored:
            gen.lines.append(f"{var} = {zero}")
            continue
        if leaf.id not in app.max:
            continue  # not applicable: None, left out of every sum
        in_range = f"{zero} <= {var} <= {gen.const(leaf.max)}"
        quantum = None if rounding.criteria is None else Decimal(1).scaleb(-rounding.criteria)
        # Points proven to lie in [0, max] whatever the inputs need no check.
        checked = not _proven(proven, rules, leaf, quantum)
        if quantum is not None:
            gen.lines.append(f"{var} = {var}.quantize({gen.const(quantum)}, _RM)")
            if checked:
                gen.lines.append(f"if not ({in_range}): raise _Slow('points_out_of_range')")
        elif checked:
            ranges.append(in_range)
    # Without rounding between them, the leaves' range checks are one statement.
    for start in range(0, len(ranges), _CHAIN):
        chain = " and ".join(ranges[start : start + _CHAIN])
        gen.lines.append(f"if not ({chain}): raise _Slow('points_out_of_range')")
    q_total = gen.const(Decimal(1).scaleb(-rounding.total))
    q_share = gen.const(Decimal(1).scaleb(-rounding.share))
    for j, group in enumerate(plan.groups):
        names[group.id] = f"g{j}"
        _group_line(gen, group, f"g{j}", names, app)
    roots = [r for r in plan.roots if r.id in app.max]
    tops = [names[r.id] for r in roots]
    if rounding.totals.value == "sum_of_rounded":
        # The total is the sum of the top-level points as published.
        tops = [f"{v}.quantize({q_total}, _RM)" for v in tops]
    gen.lines.append(f"t = {_plus([zero, *tops])}")
    applicable = sum((app.max[r.id] for r in roots), Decimal(0))
    if app.total != applicable and applicable:
        gen.lines.append(f"t = t * {gen.const(app.total)} / {gen.const(applicable)}")
    gen.lines.append(f"pub = t.quantize({q_total}, _RM)")
    if app.total:
        gen.lines.append(f"share = (pub / {gen.const(app.total)}).quantize({q_share}, _RM)")
    else:
        gen.lines.append("raise _Slow('zero_maximum')")
    basis = "share" if rules.tiers.basis.value == "share" else "pub"
    if any(lv.require or lv.min_group_share is not None for lv in rules.tiers.levels):
        gen.lines.append("ti = -1")
    else:
        text = "-1"
        for k in reversed(range(len(rules.tiers.levels))):
            lv = rules.tiers.levels[k]
            conds = []
            if lv.min is not None:
                conds.append(f"{basis} >= {gen.const(lv.min)}")
            if lv.max is not None:
                conds.append(f"{basis} <= {gen.const(lv.max)}")
            cond = " and ".join(conds) or "True"
            text = f"{k} if {cond} else ({text})"
        gen.lines.append(f"ti = {text}")
    groups_u = "".join(f"g{j}, " for j in range(len(plan.groups)))
    if rounding.criteria is None and not any(leaf.unscored for leaf in plan.leaves):
        # Leaf points are the leaf values themselves: the caller reuses its own tuple.
        leaf_out = "None"
    else:
        leaf_out = "".join(f"l{i}, " for i in range(len(plan.leaves)))
    fargs = ", ".join(f"l{i}" for i in range(len(plan.leaves)))
    body = "\n".join(f"    {line}" for line in gen.lines)
    source += (
        f"\n\ndef finish_{plan.id}({fargs}):\n{body}\n"
        f"    return ({leaf_out}), ({groups_u}), t, pub, share, ti\n"
    )
    if not any(leaf.normalised for leaf in plan.leaves):
        # Both steps in one function: no population pass stands between them.
        joined = [
            *leaf_lines,
            *(f"l{i} = {v}" for i, v in enumerate(leaf_vars)),
            *gen.lines,
        ]
        body = "\n".join(f"    {line}" for line in joined)
        source += (
            f"\n\ndef whole_{plan.id}({args}):\n{body}\n"
            f"    return ({derived}), ({leaves}), ({leaf_out}), ({groups_u}), t, pub, share, ti\n"
        )
    return source, gen.consts


class FastFunctions:
    """The generated functions of a block for one set of not-applicable inputs."""

    __slots__ = ("applicability", "finish", "leaves", "source", "whole")

    def __init__(
        self, applicability: Applicability, namespace: dict[str, Any], block: str, source: str
    ) -> None:
        self.applicability = applicability
        self.leaves: Callable[..., Any] = namespace[f"leaves_{block}"]
        self.finish: Callable[..., Any] = namespace[f"finish_{block}"]
        self.whole: Callable[..., Any] | None = namespace.get(f"whole_{block}")
        self.source = source


def _compile_block(compiled: CompiledRuleSet, plan: BlockPlan, na: frozenset[str]) -> FastFunctions:
    source, consts = generate_block_source(compiled, plan, na)
    namespace: dict[str, Any] = {
        "__builtins__": {},
        **RUNTIME,
        **consts,
        # min, max and clamp are written out by Expression.to_python (temporaries); _min
        # stays for rule types' hooks written against it. Same results (the first of
        # equal values).
        "_min": _min,
        "_max": max,
        "_add": _add,
        "_D": Decimal,
        "_date": date,
        "_bool": bool,
        "_NA": NA,
        "_Slow": SlowPath,
        "_why": _why,
        "_RM": _ROUNDING[compiled.rules.rounding.mode.value],
    }
    # The source is generated from validated expressions and plan data only.
    exec(compile(source, f"<udcntt block {plan.id}>", "exec"), namespace)
    return FastFunctions(Applicability(compiled, plan, na), namespace, plan.id, source)


def fast_variant(
    compiled: CompiledRuleSet, plan: BlockPlan, na: frozenset[str]
) -> FastFunctions | None:
    """The generated functions of ``plan`` for agencies whose inputs ``na`` are N/A.

    Compiled on first use and kept with the compiled rule set (a survey has few patterns
    of not-applicable answers). ``None`` when an input of ``na`` does not allow N/A (the
    reference path reports it) or the block has no generated code.
    """
    key = (plan, na)
    cache = compiled.fast_variants
    if key not in cache:
        allowed = all(compiled.rules.indicators[name].not_applicable for name in na)
        cache[key] = _compile_block(compiled, plan, na) if allowed and plan.fast else None
    found: FastFunctions | None = cache[key]
    return found


def attach_fast_paths(compiled: CompiledRuleSet) -> CompiledRuleSet:
    """Compile the fast functions of every block and attach them to the block plans."""
    blocks = {}
    for block_id, plan in compiled.blocks.items():
        done = _compile_block(compiled, plan, frozenset())
        blocks[block_id] = replace(
            plan,
            fast=done.leaves,
            fast_finish=done.finish,
            fast_whole=done.whole,
            fast_source=done.source,
        )
    return replace(compiled, blocks=blocks)
