"""The scoring tree: criteria (tiêu chí), their rules, groups and normalisations."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import field_validator, model_validator

from udcntt.errors import msg
from udcntt.model._base import Dec, Expr, Id, Label, StrictModel
from udcntt.model._indicators import Direction

__all__ = [
    "RULE_KINDS",
    "Aggregate",
    "BandStep",
    "Bands",
    "Condition",
    "Criterion",
    "Lookup",
    "NormMethod",
    "NormScope",
    "Normalise",
    "PerItem",
    "Rule",
]

#: The keys that declare a leaf's scoring rule; a leaf has exactly one.
RULE_KINDS: tuple[str, ...] = (
    "points",
    "bands",
    "lookup",
    "conditions",
    "per_item",
    "sum_of",
    "best_of",
    "normalise",
)


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


class Lookup(StrictModel):
    """Categorical lookup: points per category of a category indicator."""

    input: Id
    table: dict[Id, Dec]
    otherwise: Dec = Decimal(0)


class Condition(StrictModel):
    """Points earned when a condition holds (half credits add up)."""

    when: Expr
    points: Dec
    label: Label | None = None


class PerItem(StrictModel):
    """``points`` per item counted, up to ``cap``."""

    count: Expr
    points: Dec
    cap: Dec


class NormMethod(StrEnum):
    """Population normalisations (computed over all agencies in scope)."""

    TO_BEST = "to_best"  #: value / best value (best / value when lower is better)
    MIN_MAX = "min_max"  #: (value − min) / (max − min)
    Z_SCORE = "z_score"  #: (value − mean) / standard deviation; unbounded
    RANK = "rank"  #: share of the others with a worse value
    PERCENTILE = "percentile"  #: share of agencies with a value no better
    GOALPOSTS = "goalposts"  #: (value − lower) / (upper − lower), clipped to [0, 1]


class NormScope(StrEnum):
    """Which agencies form the population of a normalisation."""

    BLOCK = "block"
    ALL = "all"


class Normalise(StrictModel):
    """A value normalised over a population; points = normalised score × max."""

    value: Expr
    method: tuple[NormMethod, ...]
    scope: NormScope = NormScope.BLOCK
    direction: Direction | None = None
    goalposts: tuple[Dec, Dec] | None = None

    @field_validator("method", mode="before")
    @classmethod
    def _one_or_chain(cls, value: Any) -> Any:
        # ``method: to_best`` or a chain ``method: [z_score, min_max]``.
        return (value,) if isinstance(value, str) else value


class _RuleFields(StrictModel):
    """The rule keys shared by leaves and by alternatives in ``best_of`` / ``sum_of``."""

    points: Expr | None = None
    bands: Bands | None = None
    lookup: Lookup | None = None
    conditions: tuple[Condition, ...] | None = None
    per_item: PerItem | None = None
    sum_of: tuple[Rule, ...] | None = None
    best_of: tuple[Rule, ...] | None = None
    normalise: Normalise | None = None
    cap: Dec | None = None

    @property
    def rule_kinds(self) -> tuple[str, ...]:
        """The rule keys this node declares (a valid leaf has exactly one)."""
        return tuple(k for k in RULE_KINDS if getattr(self, k) is not None)

    @property
    def rule_kind(self) -> str | None:
        """The single rule key, or ``None`` for a group or an unscored node."""
        kinds = self.rule_kinds
        return kinds[0] if len(kinds) == 1 else None


class Rule(_RuleFields):
    """A scoring rule inside ``best_of`` or ``sum_of``: exactly one rule key."""

    label: Label | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str | int | float | Decimal):
            return {"points": value}
        return value


class Aggregate(StrEnum):
    """How a group combines its children."""

    SUM = "sum"  #: points add up; children's budgets must add up to the group's max
    WEIGHTED_MEAN = "weighted_mean"  #: Σ wᵢ·shareᵢ / Σ wᵢ × max
    GEOMETRIC_MEAN = "geometric_mean"  #: Π shareᵢ^(wᵢ/Σw) × max


class Criterion(_RuleFields):
    """A node of the scoring tree: a leaf with one rule, or a group of children."""

    id: Id
    label: Label
    code: str | None = None
    description: str | None = None
    max: Dec | None = None
    blocks: tuple[Id, ...] | None = None
    weight: Dec = Decimal(1)
    unscored: bool = False
    reconstructed: bool = False
    evidence: str | None = None
    children: tuple[Criterion, ...] | None = None
    aggregate: Aggregate = Aggregate.SUM
    rescale_na: bool = False

    @field_validator("code", mode="before")
    @classmethod
    def _code_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | Decimal) else value

    @property
    def is_group(self) -> bool:
        """Whether this node has children."""
        return self.children is not None

    def walk(self) -> list[Criterion]:
        """This node and all its descendants, parents before children."""
        out: list[Criterion] = []
        stack: list[Criterion] = [self]
        while stack:
            node = stack.pop()
            out.append(node)
            if node.children:
                stack.extend(reversed(node.children))
        return out


Rule.model_rebuild()
Criterion.model_rebuild()
