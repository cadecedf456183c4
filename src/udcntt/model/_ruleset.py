"""The rule set (bộ tiêu chí) as a whole: metadata, tiers, ranking, tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import Field, PrivateAttr, field_validator, model_serializer, model_validator

from udcntt.errors import msg
from udcntt.model._base import Dec, Expr, Id, Int, Label, StrictModel
from udcntt.model._criteria import Criterion
from udcntt.model._indicators import Block, Derived, Indicator, Relation
from udcntt.model._survey import SurveyLayout

__all__ = [
    "FORMAT_VERSION",
    "Effective",
    "Expect",
    "NotApplicablePolicy",
    "RankOn",
    "Ranking",
    "Rounding",
    "RoundingMode",
    "RuleSet",
    "TestAgency",
    "TestCase",
    "TierBasis",
    "TierLevel",
    "Tiers",
    "TotalsRule",
]

#: The rule-file format version this release reads (key ``udcntt:``).
FORMAT_VERSION = "1"


class RoundingMode(StrEnum):
    """Declared rounding of published numbers."""

    HALF_UP = "half_up"  #: 0.125 → 0.13 (the usual Vietnamese convention)
    HALF_EVEN = "half_even"
    DOWN = "down"  #: towards zero, as round_down() and Excel's ROUNDDOWN: 0.129 → 0.12


class TotalsRule(StrEnum):
    """Whether a published total is the sum of the published group points."""

    ROUNDED_SUM = "rounded_sum"  #: unrounded top-level points added, then rounded (default)
    SUM_OF_ROUNDED = "sum_of_rounded"  #: top-level points as published, added: they add up


class Rounding(StrictModel):
    """How published numbers are rounded.

    ``total`` places apply to totals and group points, ``share`` places to shares of the
    maximum (indices), ``criteria`` places (if set) to each leaf's points before summing.
    ``totals`` says whether a total is the rounded sum of the unrounded top-level points
    (``rounded_sum``, the default) or the sum of the rounded ones (``sum_of_rounded``).
    """

    total: Int = 2
    share: Int = 4
    criteria: Int | None = None
    mode: RoundingMode = RoundingMode.HALF_UP
    totals: TotalsRule = TotalsRule.ROUNDED_SUM

    @model_serializer(mode="wrap")
    def _default_totals_unsaid(self, handler: Any) -> Any:
        # Rule sets that do not choose keep the fingerprint they had before the key existed.
        out = handler(self)
        if isinstance(out, dict) and self.totals is TotalsRule.ROUNDED_SUM:
            out.pop("totals", None)
        return out

    @field_validator("total", "share", "criteria")
    @classmethod
    def _places(cls, value: int | None) -> int | None:
        if value is not None and not 0 <= value <= 10:
            raise ValueError(msg("decimal places must be between 0 and 10"))
        return value


class Effective(StrictModel):
    """The period a rule set is in force."""

    start: date | None = None
    end: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Effective:
        if self.start and self.end and self.start > self.end:
            raise ValueError(msg("'start' is after 'end'"))
        return self


class TierBasis(StrEnum):
    """What tier thresholds are compared with."""

    POINTS = "points"  #: the published total
    SHARE = "share"  #: the published total / the agency's maximum, in [0, 1]


class TierLevel(StrictModel):
    """One tier (mức xếp loại): best tiers first in the list."""

    id: Id
    label: Label
    min: Dec | None = None
    max: Dec | None = None
    require: Expr | None = None
    min_group_share: Dec | None = None
    description: str | None = None


class Tiers(StrictModel):
    """Classification of totals into tiers."""

    basis: TierBasis = TierBasis.POINTS
    levels: tuple[TierLevel, ...]


class RankOn(StrEnum):
    """Which published value ranks agencies."""

    TOTAL = "total"
    SHARE = "share"


class Ranking(StrictModel):
    """How agencies are ranked (competition ties: 1, 2, 2, 4)."""

    scope: str = "block"
    on: RankOn = RankOn.TOTAL
    tie_break: tuple[Id, ...] = ()

    @field_validator("scope")
    @classmethod
    def _scope(cls, value: str) -> str:
        if value not in ("block", "all"):
            raise ValueError(msg("scope is 'block' or 'all'"))
        return value


class NotApplicablePolicy(StrEnum):
    """What not-applicable criteria do to an agency's maximum."""

    REDUCE_MAX = "reduce_max"  #: the agency's maximum shrinks; tiers on share compare fairly
    RESCALE = "rescale"  #: points are scaled up to the full maximum


class Expect(StrictModel):
    """Expected results of an embedded test agency."""

    points: dict[Id, Dec] = Field(default_factory=dict)
    total: Dec | None = None
    share: Dec | None = None
    max: Dec | None = None
    tier: Id | None = None
    rank: Int | None = None


class TestAgency(StrictModel):
    """One agency of an embedded test case."""

    __test__ = False  # not a pytest class

    id: str = "test"
    block: Id | None = None
    inputs: dict[Id, Any] = Field(default_factory=dict)
    not_applicable: tuple[Id, ...] = ()
    missing: tuple[Id, ...] = ()
    expect: Expect | None = None


class TestCase(StrictModel):
    """A named test embedded in a rule file: inputs → expected points, total, tier."""

    __test__ = False

    name: str
    description: str | None = None
    tolerance: Dec = Decimal(0)
    agencies: tuple[TestAgency, ...]

    @model_validator(mode="before")
    @classmethod
    def _single_agency(cls, value: Any) -> Any:
        # Shorthand: ``block/inputs/expect`` at the top level of a case for one agency.
        if isinstance(value, dict) and "agencies" not in value:
            single = {k: value[k] for k in TestAgency.model_fields if k in value}
            rest = {k: v for k, v in value.items() if k not in single}
            rest["agencies"] = [single]
            return rest
        return value


class RuleSet(StrictModel):
    """A whole criteria set, after ``extends`` is resolved.

    Build one with :func:`udcntt.load_rules`; checking and compiling it are separate steps.
    """

    udcntt: str = FORMAT_VERSION
    id: Id
    title: Label
    description: str | None = None
    legal_basis: tuple[str, ...] = ()
    effective: Effective | None = None
    version: str | None = None
    locale: str = "vi-VN"
    reconstructed: str | None = None
    sources: tuple[str, ...] = ()
    extends: str | None = None
    #: Plugin distributions the rule file needs, with a version requirement each
    #: (``{"udcntt-curves": ">=1.2"}``); checked when the file is loaded.
    requires: dict[str, str] = Field(default_factory=dict)
    scale: dict[str, Dec] | None = None
    rounding: Rounding = Rounding()
    not_applicable: NotApplicablePolicy = NotApplicablePolicy.REDUCE_MAX
    blocks: dict[Id, Block]
    indicators: dict[Id, Indicator]
    derived: dict[Id, Derived] = Field(default_factory=dict)
    relations: tuple[Relation, ...] = ()
    criteria: tuple[Criterion, ...]
    tiers: Tiers
    ranking: Ranking = Ranking()
    tests: tuple[TestCase, ...] = ()
    survey: SurveyLayout | None = None

    _source: Any = PrivateAttr(default=None)
    _compiled: Any = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _totals_add_up(self) -> RuleSet:
        if (
            self.rounding.totals is TotalsRule.SUM_OF_ROUNDED
            and self.not_applicable is NotApplicablePolicy.RESCALE
        ):
            raise ValueError(
                msg(
                    "'totals: sum_of_rounded' under 'rounding' cannot hold with "
                    "'not_applicable: rescale': a rescaled total is not a sum of group points"
                )
            )
        return self

    @field_validator("udcntt", mode="before")
    @classmethod
    def _version(cls, value: Any) -> Any:
        text = str(value)
        if text != FORMAT_VERSION:
            raise ValueError(
                msg(
                    "format version {text} is not supported (this release reads '1')",
                    text=repr(text),
                )
            )
        return text

    @field_validator("scale", mode="before")
    @classmethod
    def _scale(cls, value: Any) -> Any:
        # ``scale: 500`` for every block, or ``scale: {block: max, ...}`` per block.
        if isinstance(value, str | int | float | Decimal):
            return {"*": value}
        return value

    @field_validator("legal_basis", "sources", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    def all_criteria(self) -> list[Criterion]:
        """Every criterion of the tree, parents before children."""
        out: list[Criterion] = []
        for root in self.criteria:
            out.extend(root.walk())
        return out

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id.

        Raises:
            KeyError: when there is none.
        """
        for node in self.all_criteria():
            if node.id == criterion_id:
                return node
        raise KeyError(criterion_id)

    @property
    def source(self) -> Any:
        """Where the rule set came from (a :class:`udcntt.loading.RuleSource`), if loaded."""
        return self._source
