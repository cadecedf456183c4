"""The immutable result of scoring a survey with a rule set."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType
from typing import Any

from udcntt.errors import Diagnostic

__all__ = [
    "AgencyResult",
    "Assessment",
    "Comparison",
    "CriteriaView",
    "CriterionInfo",
    "CriterionResult",
    "Receipt",
    "TierInfo",
    "ZipMapping",
]


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """One criterion's outcome for one agency.

    ``points`` is ``None`` when the criterion is not applicable to the agency; ``max`` is
    then 0 and ``full_max`` keeps the criterion's budget. ``raw`` is the value before
    normalisation, capping and rounding; ``normalised`` the population score in [0, 1].
    """

    id: str
    points: Decimal | None
    max: Decimal
    full_max: Decimal
    status: str  # "scored" | "not_applicable" | "unscored"
    raw: Decimal | None = None
    normalised: Decimal | None = None
    unrounded: Decimal | None = None

    @property
    def lost(self) -> Decimal:
        """Points the agency did not get (0 when not applicable)."""
        return self.max - (self.points or Decimal(0)) if self.status == "scored" else Decimal(0)

    @property
    def share(self) -> Decimal | None:
        """Points / applicable max, or ``None`` when there is no maximum."""
        if self.points is None or not self.max:
            return None
        return self.points / self.max


class ZipMapping(Mapping[str, Any]):
    """A read-only mapping over parallel key and value sequences (no copying)."""

    __slots__ = ("_keys", "_values")

    def __init__(self, keys: tuple[str, ...], values: Any) -> None:
        self._keys = keys
        self._values = values

    def __getitem__(self, key: str) -> Any:
        try:
            return self._values[self._keys.index(key)]
        except ValueError:
            raise KeyError(key) from None

    def __iter__(self) -> Any:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class CriteriaShape:
    """What agencies of one block with the same not-applicable inputs share.

    Criterion ids, budgets (``full_max``), applicable maxima (``max``), statuses
    (``"scored"``, ``"not_applicable"``, ``"unscored"``) and the rounding of group points.
    """

    __slots__ = ("full_max", "ids", "index", "max", "n_leaves", "quantize", "status")

    def __init__(
        self,
        ids: tuple[str, ...],
        full_max: tuple[Decimal, ...],
        status: tuple[str, ...],
        n_leaves: int,
        quantize: Callable[[Decimal], Decimal],
        max_: tuple[Decimal, ...] | None = None,
    ) -> None:
        self.ids = ids
        self.index = {cid: i for i, cid in enumerate(ids)}
        self.full_max = full_max
        self.max = full_max if max_ is None else max_
        self.status = status
        self.n_leaves = n_leaves
        self.quantize = quantize


class CriteriaView(Mapping[str, CriterionResult]):
    """Criterion results of one agency scored on the fast path, built on access.

    Holds the block's shared :class:`CriteriaShape` and the agency's own tuples (leaf points,
    leaf values before rounding, group points before rounding), so scoring 100,000 agencies
    creates no per-criterion objects beyond the numbers themselves. Group points are rounded
    when read, as the reference path rounds them.
    """

    __slots__ = ("_groups", "_norm", "_points", "_raw", "_shape", "_unrounded")

    def __init__(
        self,
        shape: CriteriaShape,
        points: tuple[Decimal, ...],
        raw: tuple[Decimal, ...],
        unrounded: tuple[Decimal, ...],
        groups: tuple[Decimal, ...],
        normalised: Mapping[str, Decimal] | None = None,
    ) -> None:
        self._shape = shape
        self._points = points
        self._raw = raw
        self._unrounded = unrounded
        self._groups = groups
        self._norm = normalised

    def __getitem__(self, key: str) -> CriterionResult:
        shape = self._shape
        i = shape.index[key]
        status = shape.status[i]
        mx = shape.full_max[i]
        n = shape.n_leaves
        if status == "not_applicable":
            return CriterionResult(key, None, shape.max[i], mx, status)
        if i >= n:
            value = self._groups[i - n]
            return CriterionResult(
                key, shape.quantize(value), shape.max[i], mx, status, unrounded=value
            )
        if status == "unscored":
            return CriterionResult(key, self._points[i], mx, mx, status, raw=self._raw[i])
        return CriterionResult(
            key,
            self._points[i],
            mx,
            mx,
            status,
            raw=self._raw[i],
            normalised=self._norm.get(key) if self._norm else None,
            unrounded=self._unrounded[i],
        )

    def __iter__(self) -> Any:
        return iter(self._shape.ids)

    def __len__(self) -> int:
        return len(self._shape.ids)


@dataclass(frozen=True, slots=True)
class AgencyResult:
    """Everything scoring produced for one agency."""

    agency_id: str
    name: str
    block: str
    ranked: bool
    inputs: Mapping[str, Any]
    derived: Mapping[str, Any]
    criteria: Mapping[str, CriterionResult]
    total_unrounded: Decimal
    total: Decimal
    max: Decimal
    share: Decimal
    tier: str
    tier_label: str
    rank: int | None = None
    previous_rank: int | None = None
    rank_change: int | None = None
    previous_total: Decimal | None = None
    previous_tier: str | None = None
    notes: tuple[str, ...] = ()
    #: How the rank change compares (``comparable``, ``renamed``, ``derived:<method>``,
    #: ``new``, ``not_comparable``); ``None`` without a previous year.
    comparability: str | None = None

    @property
    def points(self) -> Mapping[str, Decimal | None]:
        """Points per criterion id (``None`` where not applicable)."""
        return MappingProxyType({k: v.points for k, v in self.criteria.items()})

    @classmethod
    def _fast(cls, *values: Any) -> AgencyResult:
        """Build from all field values in declaration order, skipping the frozen ``__setattr__``.

        Scoring creates one result per agency; the dataclass constructor's per-field
        ``object.__setattr__`` calls cost three times as much as the slot descriptors used here.
        """
        obj = object.__new__(cls)
        for setter, value in zip(_RESULT_SLOTS, values, strict=True):
            setter(obj, value)
        return obj


_RESULT_SLOTS = tuple(getattr(AgencyResult, f.name).__set__ for f in fields(AgencyResult))


@dataclass(frozen=True, slots=True)
class Comparison:
    """How this year's results relate to the previous year's.

    An agency is matched to last year's by id; failing that, by one of its declared aliases
    (``matched_by_alias``), failing that, by its name (``matched_by_name``, names compared
    with case, spacing and tone-mark placement folded). Both map this year's id to last
    year's.
    """

    previous_rules_id: str | None
    previous_fingerprint: str | None
    same_rules: bool
    new_agencies: tuple[str, ...]
    dropped_agencies: tuple[str, ...]
    matched_by_alias: Mapping[str, str]
    moved_block: tuple[str, ...] = ()
    previous_year: int | None = None
    matched_by_name: Mapping[str, str] = field(default_factory=dict)
    #: How many agencies carry each comparability label (see ``AgencyResult.comparability``).
    label_counts: Mapping[str, int] = field(default_factory=dict)
    #: How last year's values were carried across a reorganisation (lineage, dates, methods,
    #: each derived value); empty without a lineage.
    baseline: Mapping[str, Any] = field(default_factory=dict)
    #: Criteria compared with last year under this year's rules (through a crosswalk), and
    #: those that could not be compared.
    criteria_compared: tuple[str, ...] = ()
    criteria_not_compared: tuple[str, ...] = ()
    #: Last year's values are synthetic (an example), as the lineage or results declare.
    previous_synthetic: bool = False


@dataclass(frozen=True, slots=True)
class CriterionInfo:
    """A criterion as a block's tree shows it (pre-order: a group before its children)."""

    id: str
    code: str | None
    label: str
    depth: int
    is_leaf: bool
    full_max: Decimal

    @property
    def title(self) -> str:
        """``1.2. Label`` when the criterion has a code, else the label."""
        return f"{self.code}. {self.label}" if self.code else self.label


@dataclass(frozen=True, slots=True)
class IndicatorInfo:
    """An indicator as reports describe it (label, unit, type, category labels)."""

    id: str
    label: str
    type: str
    unit: str | None = None
    categories: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TierInfo:
    """A tier with its thresholds (on points or on share, as ``Assessment.tier_basis`` says)."""

    id: str
    label: str
    min: Decimal | None
    max: Decimal | None
    conditional: bool = False


@dataclass(frozen=True, slots=True)
class Receipt:
    """What a run depended on, so it can be reproduced and verified.

    ``evaluation_paths`` records how many agencies each evaluation path scored, as
    :attr:`Assessment.paths` does (empty for results written before it existed).
    """

    udcntt_version: str
    rules_id: str
    rules_fingerprint: str
    rule_files: tuple[tuple[str, str], ...]
    data_fingerprint: str
    data_source: str | None
    previous_fingerprint: str | None
    options: Mapping[str, Any]
    evaluation_paths: Mapping[str, int] = field(default_factory=dict)
    #: The plugins the rule set uses: one mapping each with ``function`` (or
    #: ``rule_type``, ``normalisation``, ``aggregation``), ``distribution``, ``version``
    #: and ``registration_sha256``; functions first, each kind sorted by name.
    extensions: tuple[Mapping[str, str], ...] = ()


@dataclass(frozen=True)
class Assessment:
    """Scores, tiers and ranks of every agency of a survey, with how they were reached.

    ``results`` are in a canonical order that does not depend on the order of the survey
    rows: by block, in the order the rule file declares the blocks, then by agency id
    (code-point order). Use :meth:`ranking` for a block's ranked table. A result of an agency
    the generated code finished reads its fields from its block's table when asked (its
    exact unrounded values are computed again then); it equals, field by field, the record
    the reference interpreter makes, and ``dataclasses.replace``, ``copy`` and ``pickle``
    give an ordinary :class:`AgencyResult`.

    ``paths`` counts the agencies by the evaluation path that scored them: ``"fast"`` for
    the code generated from the rule file, ``"reference:<reason>"`` for the reference
    interpreter, with one of the declared reasons of
    :data:`udcntt.evaluation.SLOW_REASONS` (``"reference:missing"`` for a missing value its
    policy refuses, ``"reference:out_of_range"``, …). Every agency of a declared block is counted once, scored
    or not; the keys are sorted.
    """

    rules_id: str
    title: str
    year: int | None
    results: tuple[AgencyResult, ...]
    block_labels: Mapping[str, str]
    block_max: Mapping[str, Decimal]
    tier_labels: Mapping[str, str]
    stored_receipt: Receipt | None = field(default=None, repr=False)
    criteria_tree: Mapping[str, tuple[CriterionInfo, ...]] = field(default_factory=dict)
    tiers: tuple[TierInfo, ...] = ()
    tier_basis: str = "points"
    indicators: tuple[IndicatorInfo, ...] = ()
    relations: tuple[tuple[str, tuple[str, ...] | None], ...] = ()
    comparison: Comparison | None = None
    normalisation: Mapping[str, Any] = field(default_factory=dict)
    diagnostics: tuple[Diagnostic, ...] = ()
    paths: Mapping[str, int] = field(default_factory=dict)
    _compiled: Any = field(default=None, repr=False, compare=False)
    _dataset: Any = field(default=None, repr=False, compare=False)
    _receipt_args: Any = field(default=None, repr=False, compare=False)
    #: Last year's assessment when this one was scored against it (reports compare the
    #: province figures of the two years); not kept in the results JSON.
    _previous: Any = field(default=None, repr=False, compare=False)

    @cached_property
    def receipt(self) -> Receipt:
        """What the run depended on: hashes of rule files and data, version, options.

        Hashing a large survey takes time, so a fresh assessment computes this on first use.
        """
        if self.stored_receipt is not None:
            return self.stored_receipt
        make: Callable[[], Receipt] = self._receipt_args
        return make()

    @cached_property
    def _index(self) -> Mapping[str, AgencyResult]:
        """Results by agency id, built once on first use (the first, should an id repeat)."""
        return MappingProxyType({r.agency_id: r for r in reversed(self.results)})

    def by_id(self, agency_id: str) -> AgencyResult:
        """The result of one agency (a dictionary look-up: the index is built once).

        Raises:
            KeyError: when no agency has this id.
        """
        try:
            return self._index[agency_id]
        except KeyError:
            raise KeyError(agency_id) from None

    def blocks(self) -> list[str]:
        """Block ids in rule-set order (only blocks with agencies)."""
        present = {r.block for r in self.results}
        return [b for b in self.block_labels if b in present]

    def ranking(self, block: str | None = None) -> list[AgencyResult]:
        """Results of a block (or all), ranked first by rank then unranked by name."""
        rows = [r for r in self.results if block is None or r.block == block]
        return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, -r.total, r.name))

    def tier_counts(self, block: str) -> dict[str, int]:
        """How many agencies of ``block`` are in each tier."""
        counts = dict.fromkeys(self.tier_labels, 0)
        for r in self.results:
            if r.block == block:
                counts[r.tier] = counts.get(r.tier, 0) + 1
        return counts
