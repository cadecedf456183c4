"""The compiled form of a rule set: compiled expressions and one plan per block."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from udcntt._kinds import CompiledRule, RuleType
from udcntt._methods import Aggregation, Normalisation
from udcntt.errors import Diagnostic
from udcntt.expressions import Expression
from udcntt.model import Criterion, Relation, RuleSet, TierLevel

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
        """Whether its points come from a population pass (``normalise``)."""
        return self.rule is not None and self.rule.population


@dataclass(frozen=True, eq=False)
class NodePlan:
    """A group as evaluated in one block (only its applicable children)."""

    criterion: Criterion
    path: _Path
    children: tuple[NodePlan | LeafPlan, ...]
    max: Decimal
    aggregation: Aggregation
    rescale_na: bool

    @property
    def aggregate(self) -> str:
        """The name of the group's aggregation."""
        return self.aggregation.name

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

    def declarations(self) -> list[RuleType | Normalisation | Aggregation]:
        """The rule types, normalisation methods and aggregations the rule set uses."""
        seen: dict[int, RuleType | Normalisation | Aggregation] = {}
        for plan in self.blocks.values():
            stack = [leaf.rule for leaf in plan.leaves if leaf.rule is not None]
            while stack:
                rule = stack.pop()
                seen.setdefault(id(rule.type), rule.type)
                if rule.population:
                    for method in rule.params:
                        seen.setdefault(id(method), method)
                stack.extend(rule.parts)
            for group in plan.groups:
                seen.setdefault(id(group.aggregation), group.aggregation)
        return sorted(seen.values(), key=lambda d: (type(d).__mro__[-2].__name__, d.name))

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
        if not node.aggregation.additive:
            mx = node.max
        else:
            mx = sum(kids, Decimal(0))
            if node.rescale_na and mx and mx != node.max:
                self.rescaled.add(node.id)
                mx = node.max
        self.max[node.id] = mx
        return mx
