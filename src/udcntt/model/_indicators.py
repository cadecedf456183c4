"""Indicators (chỉ tiêu), derived values, relations and blocks."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import field_validator, model_validator

from udcntt.errors import msg
from udcntt.model._base import Dec, Expr, Id, Label, StrictModel

__all__ = [
    "Block",
    "Derived",
    "Direction",
    "EvidencePolicy",
    "Indicator",
    "IndicatorType",
    "MissingPolicy",
    "Relation",
]


class IndicatorType(StrEnum):
    """What kind of value an indicator holds."""

    COUNT = "count"  #: a whole number ≥ 0 (staff, procedures, meetings)
    NUMBER = "number"  #: any decimal number (bandwidth, budget)
    RATIO = "ratio"  #: a share in [0, 1] (``75%`` in survey data)
    BOOL = "bool"  #: yes / no (Có / Không)
    CATEGORY = "category"  #: one of declared categories
    DATE = "date"  #: a calendar date (dd/mm/yyyy in survey data)


class Direction(StrEnum):
    """Whether more of an indicator is better, worse, or neither."""

    HIGHER = "higher"
    LOWER = "lower"
    NONE = "none"


class MissingPolicy(StrEnum):
    """What a missing value means when scoring."""

    ERROR = "error"  #: publication is blocked until the value is supplied
    ZERO = "zero"  #: scored as 0 (False for yes/no)
    IMPUTE_MEAN = "impute_mean"  #: replaced by the mean over the agency's block
    IMPUTE_MIN = "impute_min"  #: replaced by the lowest value in the agency's block


class EvidencePolicy(StrEnum):
    """Whether a value must cite a document (minh chứng)."""

    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


class Block(StrictModel):
    """A class of agencies ranked separately (khối)."""

    label: Label
    description: str | None = None


class Indicator(StrictModel):
    """A raw input read from the survey for each agency."""

    label: Label
    type: IndicatorType
    unit: str | None = None
    description: str | None = None
    range: tuple[Dec | None, Dec | None] | None = None
    categories: dict[Id, Label] | None = None
    direction: Direction = Direction.NONE
    aliases: tuple[Label, ...] = ()
    blocks: tuple[Id, ...] | None = None
    missing: MissingPolicy = MissingPolicy.ERROR
    not_applicable: bool = False
    evidence: EvidencePolicy = EvidencePolicy.NONE

    @field_validator("categories", mode="before")
    @classmethod
    def _categories_list(cls, value: Any) -> Any:
        # ``categories: [a, b]`` is shorthand for ids labelled by themselves.
        if isinstance(value, list):
            return {str(v): str(v) for v in value}
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if self.type is IndicatorType.CATEGORY and not self.categories:
            raise ValueError(msg("a category indicator needs 'categories'"))
        if self.type is not IndicatorType.CATEGORY and self.categories is not None:
            raise ValueError(msg("'categories' is only for type: category"))
        if self.range is not None:
            if self.type in (IndicatorType.BOOL, IndicatorType.CATEGORY, IndicatorType.DATE):
                raise ValueError(
                    msg("'range' does not apply to type: {type}", type=self.type.value)
                )
            lo, hi = self.range
            if lo is not None and hi is not None and lo > hi:
                raise ValueError(
                    msg("range lower bound {lo} is above upper bound {hi}", lo=lo, hi=hi)
                )
        if self.missing in (MissingPolicy.IMPUTE_MEAN, MissingPolicy.IMPUTE_MIN) and self.type in (
            IndicatorType.BOOL,
            IndicatorType.CATEGORY,
            IndicatorType.DATE,
        ):
            raise ValueError(
                msg("missing: {policy} needs a numeric indicator", policy=self.missing.value)
            )
        return self

    @property
    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        """The valid range, with the defaults of the type (count ≥ 0, ratio in [0, 1])."""
        lo, hi = self.range if self.range is not None else (None, None)
        if self.type is IndicatorType.COUNT and lo is None:
            lo = Decimal(0)
        if self.type is IndicatorType.RATIO:
            lo = Decimal(0) if lo is None else lo
            hi = Decimal(1) if hi is None else hi
        return lo, hi


class Derived(StrictModel):
    """A named expression over indicators and other derived values."""

    expr: Expr
    label: Label | None = None
    description: str | None = None
    direction: Direction | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        # ``ratio_pc: ratio(a, b, 0)`` is shorthand for ``{expr: ...}``.
        if isinstance(value, str | int | float | Decimal):
            return {"expr": value}
        return value


class Relation(StrictModel):
    """A condition that valid survey data satisfies (``staff_pc <= staff_total``)."""

    check: Expr
    message: str | None = None
    blocks: tuple[Id, ...] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"check": value}
        return value
