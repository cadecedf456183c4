"""The compiled form of a rule set: compiled expressions and one plan per block."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from udcntt.errors import Diagnostic
from udcntt.expressions import Expression
from udcntt.model import Aggregate, Criterion, Normalise, Relation, RuleSet, TierLevel

__all__ = [
    "Applicability",
    "BlockPlan",
    "CompiledRule",
    "CompiledRuleSet",
    "LeafPlan",
    "NodePlan",
]

_Path = tuple[str | int, ...]


@dataclass(frozen=True, eq=False)
class CompiledRule:
    """A leaf's scoring rule with its expressions compiled."""

    kind: str
    expr: Expression | None = None
    steps: tuple[tuple[str, Decimal, Decimal], ...] = ()
    otherwise: Decimal = Decimal(0)
    lookup_input: str | None = None
    table: dict[str, Decimal] = field(default_factory=dict)
    conditions: tuple[tuple[Expression, Decimal, str | None], ...] = ()
    item_points: Decimal = Decimal(0)
    item_cap: Decimal = Decimal(0)
    parts: tuple[CompiledRule, ...] = ()
    cap: Decimal | None = None
    normalise: Normalise | None = None
    label: str | None = None

    def expressions(self) -> list[Expression]:
        """Every expression this rule evaluates."""
        out = [self.expr] if self.expr is not None else []
        out.extend(c[0] for c in self.conditions)
        for part in self.parts:
            out.extend(part.expressions())
        return out

    def upper_bound(self) -> Decimal | None:
        """The most points this rule can give, when known without data."""
        bound: Decimal | None
        if self.kind == "bands":
            bound = max([p for _, _, p in self.steps] + [self.otherwise])
        elif self.kind == "lookup":
            bound = max([*self.table.values(), self.otherwise])
        elif self.kind == "conditions":
            bound = sum((max(p, Decimal(0)) for _, p, _ in self.conditions), Decimal(0))
        elif self.kind == "per_item":
            bound = self.item_cap
        elif self.kind in ("sum_of", "best_of"):
            bounds = [p.upper_bound() for p in self.parts]
            if any(b is None for b in bounds):
                bound = None
            else:
                known = [b for b in bounds if b is not None]
                bound = sum(known, Decimal(0)) if self.kind == "sum_of" else max(known)
        else:
            bound = None
        if self.cap is not None:
            bound = self.cap if bound is None else min(bound, self.cap)
        return bound


@dataclass(frozen=True, eq=False)
class LeafPlan:
    """A scoring leaf as evaluated in one block."""

    criterion: Criterion
    path: _Path
    rule: CompiledRule | None
    max: Decimal
    reads: frozenset[str]
    unscored: bool

    @property
    def id(self) -> str:
        return self.criterion.id

    @property
    def normalised(self) -> bool:
        return self.rule is not None and self.rule.kind == "normalise"


@dataclass(frozen=True, eq=False)
class NodePlan:
    """A group as evaluated in one block (only its applicable children)."""

    criterion: Criterion
    path: _Path
    children: tuple[NodePlan | LeafPlan, ...]
    max: Decimal
    aggregate: Aggregate
    rescale_na: bool

    @property
    def id(self) -> str:
        return self.criterion.id


@dataclass(frozen=True, eq=False)
class BlockPlan:
    """Everything needed to score the agencies of one block."""

    id: str
    label: str
    roots: tuple[NodePlan | LeafPlan, ...]
    leaves: tuple[LeafPlan, ...]
    groups: tuple[NodePlan, ...]  # children before parents
    max_total: Decimal
    indicators: tuple[str, ...]
    derived: tuple[str, ...]
    relations: tuple[int, ...]
    fast: Callable[..., Any] | None = None
    fast_finish: Callable[..., Any] | None = None
    fast_whole: Callable[..., Any] | None = None
    fast_source: str | None = None

    def node(self, criterion_id: str) -> NodePlan | LeafPlan | None:
        """The plan node of a criterion applicable in this block."""
        for leaf in self.leaves:
            if leaf.id == criterion_id:
                return leaf
        for group in self.groups:
            if group.id == criterion_id:
                return group
        return None


@dataclass(frozen=True, eq=False)
class CompiledRuleSet:
    """A checked rule set ready to score surveys: compile once, evaluate many times."""

    rules: RuleSet
    derived: dict[str, Expression]
    derived_order: tuple[str, ...]
    derived_reads: dict[str, frozenset[str]]
    blocks: dict[str, BlockPlan]
    relations: tuple[tuple[Relation, Expression], ...]
    tier_requires: dict[str, Expression]
    tier_levels: tuple[TierLevel, ...]
    warnings: tuple[Diagnostic, ...] = ()
    fingerprint: str = ""
    #: Names of the expression functions the rule set calls (built-ins and extensions).
    functions: frozenset[str] = frozenset()
    #: Generated functions per (block plan, not-applicable inputs), compiled on first use.
    fast_variants: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)


class Applicability:
    """Which criteria of a block apply when the indicators ``na`` are not applicable.

    Decided from the plan alone, as the reference path decides it per agency: a leaf with a
    rule that reads a not-applicable indicator does not apply; a group applies when one of
    its scored children does, with the applicable maximum the reference path computes (the
    sum of its applicable children's, or its own maximum for means and ``rescale_na``).
    """

    def __init__(self, compiled: CompiledRuleSet, plan: BlockPlan, na: frozenset[str]) -> None:
        self.na = na
        self.na_derived = frozenset(d for d in plan.derived if compiled.derived_reads[d] & na)
        self.na_leaves = frozenset(
            leaf.id for leaf in plan.leaves if leaf.rule is not None and leaf.reads & na
        )
        #: applicable maximum of each applicable scored criterion (leaves and groups).
        self.max: dict[str, Decimal] = {}
        self.rescaled: set[str] = set()
        total = Decimal(0)
        applies = False
        for root in plan.roots:
            got = self._visit(root)
            if got is not None:
                applies = True
                total += got
        self.applies = applies
        self.total = total
        if compiled.rules.not_applicable.value == "rescale" and total:
            self.total = plan.max_total

    def _visit(self, node: NodePlan | LeafPlan) -> Decimal | None:
        if isinstance(node, LeafPlan):
            if node.unscored or node.id in self.na_leaves:
                return None
            self.max[node.id] = node.max
            return node.max
        kids = [m for m in (self._visit(c) for c in node.children) if m is not None]
        if not kids:
            return None
        if node.aggregate.value != "sum":
            mx = node.max
        else:
            mx = sum(kids, Decimal(0))
            if node.rescale_na and mx and mx != node.max:
                self.rescaled.add(node.id)
                mx = node.max
        self.max[node.id] = mx
        return mx
