"""The invariants a rule file's scoring must satisfy, each a plain function.

Each ``check_*`` function takes a rule set and concrete data and returns the list of
:class:`Violation` found (empty when the invariant holds). They raise :class:`InvalidData`
when the data is not valid for the rule set (a declared relation fails, a value is out of
its range, …) so that property-based drivers can discard the example.
:func:`udcntt.testing.run_properties` drives them with the strategies of
:mod:`udcntt.testing`; they are public so that a province's own tests can call them with
their own data.
"""

from __future__ import annotations

import decimal
import hashlib
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from udcntt.data import MISSING, NA, AgencyRecord, Dataset, ValueOrMarker
from udcntt.errors import Diagnostic, EvaluationError, RuleFileError, UdcnttError, msg
from udcntt.evaluation import (
    AgencyResult,
    Assessment,
    RuleFailure,
    derive,
    evaluate,
    imputations,
    prepare,
    quantize,
    run_leaf,
    tier_of,
)
from udcntt.expressions import DECIMAL_CONTEXT
from udcntt.loading import RuleSource
from udcntt.model import Aggregate, Direction, NotApplicablePolicy, RuleSet, TierBasis
from udcntt.program import CompiledRuleSet, LeafPlan, NodePlan, compile_rules, load_rules
from udcntt.testing._strategies import compiled_of, plain_decimal

__all__ = [
    "INVARIANTS",
    "InvalidData",
    "Invariant",
    "Violation",
    "check_bounds",
    "check_determinism",
    "check_extends",
    "check_monotone",
    "check_not_applicable",
    "check_permutation",
    "check_tiers",
    "extension_of",
    "format_agency",
    "probe_tiers",
]

_ZERO = Decimal(0)
_ONE = Decimal(1)


@dataclass(frozen=True)
class Invariant:
    """One property of a rule set's scoring, with its diagnostic code."""

    name: str
    code: str
    summary: str


#: Every invariant, in the order :func:`udcntt.testing.run_properties` checks them.
INVARIANTS: Mapping[str, Invariant] = {
    inv.name: inv
    for inv in (
        Invariant(
            "tiers",
            "E-PROP-TIERS",
            "every reachable total falls in exactly one tier; one published total, one tier",
        ),
        Invariant("bounds", "E-PROP-BOUNDS", "points of every criterion lie within [0, max]"),
        Invariant("scoring", "E-PROP-EVAL", "valid survey data is scored without error"),
        Invariant(
            "monotone",
            "E-PROP-MONOTONE",
            "a better value of an indicator with a direction never lowers points, total, "
            "tier or rank",
        ),
        Invariant(
            "permutation", "E-PROP-PERMUTATION", "results do not depend on the order of agencies"
        ),
        Invariant(
            "determinism", "E-PROP-DETERMINISM", "the same data gives byte-identical results"
        ),
        Invariant(
            "not_applicable",
            "E-PROP-NA",
            "not-applicable answers reduce the maximum by exactly the budgets they remove "
            "and never score better than a perfect answer",
        ),
        Invariant(
            "missing",
            "E-PROP-MISSING",
            "leaving a value unanswered never scores more than answering it",
        ),
        Invariant(
            "normalise",
            "E-PROP-NORMALISE",
            "an agency alone in its population gets no full marks for the worst value",
        ),
        Invariant(
            "extends", "E-PROP-EXTENDS", "'extends' without overrides gives the results of its base"
        ),
    )
}


class InvalidData(Exception):
    """The data handed to a check is not valid for the rule set (discard the example)."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = tuple(diagnostics)


# ---------------------------------------------------------------------------------------
# Counterexamples


def _value_text(value: ValueOrMarker) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def agency_test_dict(record: AgencyRecord) -> dict[str, Any]:
    """``record`` in the shape of an embedded test's agency (``id, block, inputs, …``)."""
    inputs = {
        k: _value_text(v) for k, v in record.values.items() if v is not NA and v is not MISSING
    }
    out: dict[str, Any] = {"id": record.id, "block": record.block, "inputs": inputs}
    na = [k for k, v in record.values.items() if v is NA]
    missing = [k for k, v in record.values.items() if v is MISSING]
    if na:
        out["not_applicable"] = na
    if missing:
        out["missing"] = missing
    return out


def format_agency(record: AgencyRecord) -> str:
    """One agency as a one-line YAML flow mapping, pasteable into ``tests: agencies:``."""
    data = agency_test_dict(record)
    inputs = ", ".join(f"{k}: {v}" for k, v in data["inputs"].items())
    parts = [f"id: {record.id}", f"block: {record.block}", f"inputs: {{{inputs}}}"]
    if "not_applicable" in data:
        parts.append(f"not_applicable: [{', '.join(data['not_applicable'])}]")
    if "missing" in data:
        parts.append(f"missing: [{', '.join(data['missing'])}]")
    return "{" + ", ".join(parts) + "}"


@dataclass(frozen=True)
class Violation:
    """A counterexample to an invariant.

    ``data`` is the (shrunk) survey that shows it; ``change`` says what was changed in it
    (for monotonicity, permutation and not-applicable checks), ``found`` the numbers that
    went wrong.
    """

    invariant: str
    message: str
    criterion: str | None = None
    agency: str | None = None
    indicator: str | None = None
    data: Dataset | None = None
    change: str | None = None
    hint: str | None = None
    extra: tuple[str, ...] = field(default=())

    @property
    def code(self) -> str:
        """The diagnostic code of the invariant."""
        return INVARIANTS[self.invariant].code

    @property
    def counterexample(self) -> str:
        """The data of the counterexample, one agency per ``{...}``, ``; ``-separated."""
        if self.data is None:
            return ""
        text = "; ".join(format_agency(a) for a in self.data.agencies)
        return text + (f"; then {self.change}" if self.change else "")

    def describe(self, seed: int | None = None) -> str:
        """The full message: invariant, what went wrong, counterexample, seed."""
        shown_seed = "" if seed is None else msg(" [seed {seed}]", seed=seed)
        if self.data is not None:
            agencies = "; ".join(format_agency(a) for a in self.data.agencies)
            if self.change:
                return msg(
                    "property '{invariant}' fails: {message} — counterexample: {agencies}; "
                    "then {change}{seed}",
                    invariant=self.invariant,
                    message=self.message,
                    agencies=agencies,
                    change=self.change,
                    seed=shown_seed,
                )
            return msg(
                "property '{invariant}' fails: {message} — counterexample: {agencies}{seed}",
                invariant=self.invariant,
                message=self.message,
                agencies=agencies,
                seed=shown_seed,
            )
        if self.change:
            return msg(
                "property '{invariant}' fails: {message} ({change}){seed}",
                invariant=self.invariant,
                message=self.message,
                change=self.change,
                seed=shown_seed,
            )
        return msg(
            "property '{invariant}' fails: {message}{seed}",
            invariant=self.invariant,
            message=self.message,
            seed=shown_seed,
        )

    def to_diagnostic(self, rules: RuleSet | None = None, seed: int | None = None) -> Diagnostic:
        """As an error :class:`~udcntt.Diagnostic`, located in the rule file when possible."""
        notes = list(self.extra)
        if self.data is not None:
            notes.append(msg("as an embedded test (add 'expect:' to pin the right result):"))
            notes.append(f"  - name: property {self.invariant}")
            notes.append("    agencies:")
            notes.extend(f"      - {format_agency(a)}" for a in self.data.agencies)
        if seed is not None:
            notes.append(
                msg("reproduce with: udcntt check --properties --seed {seed} RULES", seed=seed)
            )
        return Diagnostic(
            code=self.code,
            message=self.describe(seed),
            location=_locate(rules, self) if rules is not None else None,
            hint=self.hint,
            criterion=self.criterion,
            indicator=self.indicator,
            agency=self.agency,
            notes=tuple(notes),
        )


def _locate(rules: RuleSet, violation: Violation) -> Any:
    from udcntt.errors import SourceLocation
    from udcntt.program import criterion_paths

    src = rules.source
    if not isinstance(src, RuleSource):
        return None
    path: tuple[str | int, ...] = ()
    if violation.criterion is not None:
        path = criterion_paths(rules).get(violation.criterion, ())
    elif violation.indicator is not None:
        path = ("indicators", violation.indicator)
    elif violation.invariant == "tiers":
        path = ("tiers", "levels")
    loc = src.locate(path) if path else None
    if loc is None and src.files:
        loc = SourceLocation(file=src.files[0].path)
    return loc


# ---------------------------------------------------------------------------------------
# Scoring helpers

_INPUT_CODES = frozenset({"E-EVAL-TYPE", "E-EVAL-RELATION", "E-EVAL-MISSING", "E-EVAL-BLOCK"})


def _is_input_problem(d: Diagnostic) -> bool:
    return d.code in _INPUT_CODES or (d.code == "E-EVAL-RANGE" and d.criterion is None)


def _score(compiled: CompiledRuleSet, data: Dataset) -> Assessment:
    """Evaluate; any failure means the example is not usable by this check."""
    try:
        return evaluate(compiled, data)
    except EvaluationError as exc:
        raise InvalidData("scoring failed", exc.diagnostics) from None


def _with_value(data: Dataset, agency: str, indicator: str, value: ValueOrMarker) -> Dataset:
    records = tuple(
        replace(r, values={**r.values, indicator: value}) if r.id == agency else r
        for r in data.agencies
    )
    return replace(data, agencies=records)


def _only(data: Dataset, agency: str) -> Dataset:
    return replace(data, agencies=tuple(r for r in data.agencies if r.id == agency))


def _result_view(r: AgencyResult) -> dict[str, Any]:
    view: dict[str, Any] = {f"criterion:{cid}": c.points for cid, c in r.criteria.items()}
    view.update(
        {
            "block": r.block,
            "total": r.total,
            "max": r.max,
            "share": r.share,
            "tier": r.tier,
            "rank": r.rank,
        }
    )
    return view


def _difference(a: AgencyResult, b: AgencyResult) -> tuple[str, Any, Any] | None:
    va, vb = _result_view(a), _result_view(b)
    for key in list(va) + [k for k in vb if k not in va]:
        if va.get(key) != vb.get(key):
            return key, va.get(key), vb.get(key)
    return None


def _difference_violation(
    invariant: str,
    what: str,
    agency: str,
    diff: tuple[str, Any, Any],
    data: Dataset,
    change: str | None,
    hint: str | None,
) -> Violation:
    key, first, second = diff
    criterion = key.split(":", 1)[1] if key.startswith("criterion:") else None
    label = msg("points of '{criterion}'", criterion=criterion) if criterion else key
    return Violation(
        invariant,
        msg(
            "{what}: {label} of agency '{agency}' is {first} and then {second}",
            what=what,
            label=label,
            agency=agency,
            first=_show(first),
            second=_show(second),
        ),
        criterion=criterion,
        agency=agency,
        data=data,
        change=change,
        hint=hint,
    )


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, Decimal):
        if value != value.quantize(Decimal("0.000001"), rounding=decimal.ROUND_HALF_EVEN):
            return "≈" + plain_decimal(
                value.quantize(Decimal("0.0001"), rounding=decimal.ROUND_HALF_EVEN)
            )
        return plain_decimal(value)
    return str(value)


# ---------------------------------------------------------------------------------------
# bounds and scoring


def check_bounds(rules: RuleSet | CompiledRuleSet, data: Dataset) -> list[Violation]:
    """Points of every criterion within [0, max], totals within [0, max], shares within [0, 1].

    Also reports scoring failures on valid data (division by zero, non-finite numbers) as
    the ``scoring`` invariant. A total that falls in no tier is left to :func:`check_tiers`.

    Raises:
        InvalidData: the data violates the rule set's declarations.
    """
    compiled = compiled_of(rules)
    try:
        assessment = evaluate(compiled, data)
    except EvaluationError as exc:
        if any(_is_input_problem(d) for d in exc.diagnostics):
            raise InvalidData("data not valid for the rule set", exc.diagnostics) from None
        out: list[Violation] = []
        for d in exc.diagnostics:
            if d.code == "E-EVAL-NOTIER":
                continue
            if d.code == "E-EVAL-RANGE":
                out.append(
                    Violation(
                        "bounds",
                        msg(
                            "criterion '{criterion}' gives {points} points to agency '{agency}', outside [0, {max}]",
                            criterion=d.criterion,
                            points=d.value,
                            agency=d.agency,
                            max=_leaf_max(compiled, data, d),
                        ),
                        criterion=d.criterion,
                        agency=d.agency,
                        data=_minimal(compiled, data, d.agency),
                        hint=msg(
                            "bound the rule with clamp(...) or 'cap:', or narrow the 'range' of the indicators it reads"
                        ),
                    )
                )
            else:
                out.append(
                    Violation(
                        "scoring",
                        msg(
                            "scoring fails for valid data: [{code}] {message}",
                            code=d.code,
                            message=d.message,
                        ),
                        criterion=d.criterion,
                        agency=d.agency,
                        data=_minimal(compiled, data, d.agency),
                        hint=d.hint
                        or msg(
                            "declare the 'range' or relations that rule this data out, or make the rule total (e.g. ratio(a, b, 0))"
                        ),
                    )
                )
        if not out:
            raise InvalidData("no tier", exc.diagnostics) from None
        return out[:1]
    return _bounds_of(compiled, assessment, data)


def _leaf_max(compiled: CompiledRuleSet, data: Dataset, d: Diagnostic) -> str:
    record = next((r for r in data.agencies if r.id == d.agency), None)
    plan = compiled.blocks.get(record.block) if record is not None else None
    node = plan.node(d.criterion) if plan is not None and d.criterion else None
    return plain_decimal(node.max) if node is not None else "max"


def _minimal(compiled: CompiledRuleSet, data: Dataset, agency: str | None) -> Dataset:
    """The agency alone when it fails alone too, else the whole data."""
    if agency is None or len(data.agencies) == 1:
        return data
    alone = _only(data, agency)
    try:
        evaluate(compiled, alone)
    except EvaluationError:
        return alone
    return data


def _bounds_of(compiled: CompiledRuleSet, assessment: Assessment, data: Dataset) -> list[Violation]:
    for r in assessment.results:
        plan = compiled.blocks[r.block]
        order = [leaf.id for leaf in plan.leaves] + [g.id for g in plan.groups]
        for cid in order:
            c = r.criteria[cid]
            if c.points is None:
                continue
            if c.points < 0 or c.points > c.full_max:
                return [
                    Violation(
                        "bounds",
                        msg(
                            "criterion '{criterion}' gives {points} points, outside [0, {max}]",
                            criterion=cid,
                            points=plain_decimal(c.points),
                            max=plain_decimal(c.full_max),
                        ),
                        criterion=cid,
                        agency=r.agency_id,
                        data=data,
                    )
                ]
        if r.total_unrounded < 0 or r.total_unrounded > r.max:
            return [
                Violation(
                    "bounds",
                    msg(
                        "total {total} of agency '{agency}' is outside [0, {max}]",
                        total=plain_decimal(r.total_unrounded),
                        agency=r.agency_id,
                        max=plain_decimal(r.max),
                    ),
                    agency=r.agency_id,
                    data=data,
                )
            ]
        if not 0 <= r.share <= 1:
            return [
                Violation(
                    "bounds",
                    msg(
                        "share {share} of agency '{agency}' is outside [0, 1]",
                        share=plain_decimal(r.share),
                        agency=r.agency_id,
                    ),
                    agency=r.agency_id,
                    data=data,
                )
            ]
    return []


# ---------------------------------------------------------------------------------------
# monotonicity


def check_monotone(
    rules: RuleSet | CompiledRuleSet,
    data: Dataset,
    agency: str,
    indicator: str,
    value: ValueOrMarker,
) -> list[Violation]:
    """Changing ``indicator`` of ``agency`` to the better ``value`` costs nothing.

    "Better" follows the indicator's ``direction``; the other agencies stay as they are.
    None of the agency's criteria may lose points, nor its total; its tier may not get
    worse (tiers are listed best first) and its rank may not drop.

    Raises:
        InvalidData: either survey cannot be scored (see :func:`check_bounds`).
    """
    compiled = compiled_of(rules)
    ind = compiled.rules.indicators[indicator]
    record = {r.id: r for r in data.agencies}[agency]
    old = record.values.get(indicator, MISSING)
    better = _with_value(data, agency, indicator, value)
    before = _score(compiled, data).by_id(agency)
    after = _score(compiled, better).by_id(agency)
    verb = msg("raising") if ind.direction is Direction.HIGHER else msg("lowering")
    change = msg(
        "set {indicator} of {agency} to {value}",
        indicator=indicator,
        agency=agency,
        value=_value_text(value),
    )
    head = msg(
        "{verb} '{indicator}' (direction: {direction}) of agency '{agency}' from {old} to {new}",
        verb=verb,
        indicator=indicator,
        direction=ind.direction.value,
        agency=agency,
        old=_value_text(old),
        new=_value_text(value),
    )
    hint = msg(
        "make the rule non-decreasing in the indicator (band steps in the right order, normalise with the indicator's direction), or fix the indicator's 'direction'"
    )
    plan = compiled.blocks[record.block]
    for cid in [leaf.id for leaf in plan.leaves] + [g.id for g in plan.groups]:
        b, a = before.criteria[cid].points, after.criteria[cid].points
        if b is not None and a is not None and a < b:
            return [
                Violation(
                    "monotone",
                    msg(
                        "{head} lowers the points of '{criterion}' from {before} to {after}",
                        head=head,
                        criterion=cid,
                        before=_show(b),
                        after=_show(a),
                    ),
                    criterion=cid,
                    agency=agency,
                    indicator=indicator,
                    data=data,
                    change=change,
                    hint=hint,
                )
            ]
    if after.total < before.total:
        return [
            Violation(
                "monotone",
                msg(
                    "{head} lowers the total from {before} to {after}",
                    head=head,
                    before=_show(before.total),
                    after=_show(after.total),
                ),
                agency=agency,
                indicator=indicator,
                data=data,
                change=change,
                hint=hint,
            )
        ]
    order = [lv.id for lv in compiled.rules.tiers.levels]
    if order.index(after.tier) > order.index(before.tier):
        return [
            Violation(
                "monotone",
                msg(
                    "{head} moves the agency from tier '{before}' down to '{after}'",
                    head=head,
                    before=before.tier,
                    after=after.tier,
                ),
                agency=agency,
                indicator=indicator,
                data=data,
                change=change,
                hint=msg("check the 'require' conditions of the tiers"),
            )
        ]
    if before.rank is not None and after.rank is not None and after.rank > before.rank:
        return [
            Violation(
                "monotone",
                msg(
                    "{head} drops the agency from rank {before} to {after}",
                    head=head,
                    before=before.rank,
                    after=after.rank,
                ),
                agency=agency,
                indicator=indicator,
                data=data,
                change=change,
                hint=msg("check 'ranking.tie_break' and population normalisations"),
            )
        ]
    return []


# ---------------------------------------------------------------------------------------
# tiers


def _grid(
    lo: Decimal, hi: Decimal, grain: Decimal, levels: Sequence[Any], limit: int
) -> list[Decimal]:
    count = int((hi - lo) / grain) + 1
    if count <= limit:
        return [lo + grain * i for i in range(count)]
    points = {lo, hi}
    for level in levels:
        for bound in (level.min, level.max):
            if bound is None:
                continue
            base = bound.quantize(grain, rounding=decimal.ROUND_FLOOR)
            for k in (-1, 0, 1, 2):
                v = base + grain * k
                if lo <= v <= hi:
                    points.add(v)
    return sorted(points)


def probe_tiers(rules: RuleSet | CompiledRuleSet, *, limit: int = 200_001) -> list[Violation]:
    """Every total each block can publish falls in a tier, whatever the tier conditions.

    Probes every value from 0 to the block's maximum (or share 0 to 1) at the published
    precision (around the thresholds only when there are more than ``limit`` values),
    once with every ``require``/``min_group_share`` condition holding and once with none:
    an agency failing a tier's conditions must still land in a lower tier.
    """
    compiled = compiled_of(rules)
    rule_set = compiled.rules
    share = rule_set.tiers.basis is TierBasis.SHARE
    places = rule_set.rounding.share if share else rule_set.rounding.total
    grain = Decimal(1).scaleb(-places)
    levels = compiled.tier_levels
    conditioned = [lv for lv in levels if lv.require or lv.min_group_share is not None]
    seen: set[Decimal] = set()
    for block_id, plan in compiled.blocks.items():
        top = _ONE if share else quantize(plan.max_total, places, rule_set.rounding.mode)
        if top in seen and share:
            continue
        seen.add(top)
        previous: tuple[Decimal, int] | None = None
        rank = {lv.id: i for i, lv in enumerate(levels)}
        for value in _grid(_ZERO, top, grain, levels, limit):
            where = (
                msg("share {value}", value=plain_decimal(value))
                if share
                else msg("total {value}", value=plain_decimal(value))
            )
            level = tier_of(value, levels, lambda _lv: True)
            if level is None:
                return [
                    Violation(
                        "tiers",
                        msg(
                            "a published {where} in block '{block}' falls in no tier",
                            where=where,
                            block=block_id,
                        ),
                        change=msg("block {block}, {where}", block=block_id, where=where),
                        hint=msg(
                            "leave 'max' out of the tiers (each then runs up to the next one's min) or align thresholds with the rounding of totals"
                        ),
                    )
                ]
            if conditioned and tier_of(value, levels, lambda lv: lv not in conditioned) is None:
                names = ", ".join(f"'{lv.id}'" for lv in conditioned)
                return [
                    Violation(
                        "tiers",
                        msg(
                            "a published {where} in block '{block}' falls in no tier when the conditions of tier {names} do not hold",
                            where=where,
                            block=block_id,
                            names=names,
                        ),
                        change=msg(
                            "block {block}, {where}, tier conditions failing",
                            block=block_id,
                            where=where,
                        ),
                        hint=msg(
                            "an agency that misses a tier's 'require'/'min_group_share' must fall into a lower tier: leave 'max' out of the lower tiers"
                        ),
                    )
                ]
            if previous is not None and rank[level.id] > previous[1]:
                before = levels[previous[1]].id
                shown = (
                    msg("share {value}", value=plain_decimal(previous[0]))
                    if share
                    else msg("total {value}", value=plain_decimal(previous[0]))
                )
                return [
                    Violation(
                        "tiers",
                        msg(
                            "in block '{block}' a published {where} gets tier '{tier}' but the lower {shown} gets the better tier '{before}' ({where} is above '{before}' and below the next tier's min, and falls through)",
                            block=block_id,
                            where=where,
                            tier=level.id,
                            shown=shown,
                            before=before,
                        ),
                        change=msg("block {block}, {where}", block=block_id, where=where),
                        hint=msg(
                            "make each tier's 'max' meet the next tier's 'min' at the published precision, or leave 'max' out"
                        ),
                    )
                ]
            previous = (value, rank[level.id])
    return []


def check_tiers(rules: RuleSet | CompiledRuleSet, data: Dataset) -> list[Violation]:
    """Every scored agency of ``data`` gets exactly one tier.

    Raises:
        InvalidData: scoring fails for another reason than a total in no tier.
    """
    compiled = compiled_of(rules)
    try:
        assessment = evaluate(compiled, data)
    except EvaluationError as exc:
        notier = [d for d in exc.diagnostics if d.code == "E-EVAL-NOTIER"]
        if not notier or len(notier) != len(exc.diagnostics):
            raise InvalidData("scoring failed", exc.diagnostics) from None
        d = notier[0]
        return [
            Violation(
                "tiers",
                msg(
                    "agency '{agency}' falls in no tier: {message}",
                    agency=d.agency,
                    message=d.message,
                ),
                agency=d.agency,
                data=_minimal(compiled, data, d.agency),
                hint=msg(
                    "an agency that misses a tier's 'require'/'min_group_share' must fall into a lower tier: leave 'max' out of the lower tiers"
                ),
            )
        ]
    levels = compiled.tier_levels
    index = {lv.id: i for i, lv in enumerate(levels)}
    share_basis = compiled.rules.tiers.basis is TierBasis.SHARE
    for r in assessment.results:
        value = r.share if share_basis else r.total
        shown = (
            msg("share {value}", value=plain_decimal(value))
            if share_basis
            else msg("total {value}", value=plain_decimal(value))
        )
        for better in levels[: index[r.tier]]:
            if (
                better.max is not None
                and value > better.max
                and (better.min is None or value >= better.min)
            ):
                return [
                    Violation(
                        "tiers",
                        msg(
                            "agency '{agency}' with {shown} is above tier '{better}' (up to {max}) yet falls through to the worse tier '{tier}'",
                            agency=r.agency_id,
                            shown=shown,
                            better=better.id,
                            max=plain_decimal(better.max),
                            tier=r.tier,
                        ),
                        agency=r.agency_id,
                        data=_minimal_tier(compiled, data, r.agency_id),
                        hint=msg(
                            "make each tier's 'max' meet the next tier's 'min' at the published precision, or leave 'max' out"
                        ),
                    )
                ]
    from udcntt.testing._same_total import same_total_tiers

    return [replace(v, data=data) for v in same_total_tiers(compiled, assessment)]


def _minimal_tier(compiled: CompiledRuleSet, data: Dataset, agency: str) -> Dataset:
    """The agency alone when it shows the same tier alone, else the whole data."""
    if len(data.agencies) == 1:
        return data
    alone = _only(data, agency)
    try:
        again = evaluate(compiled, alone).by_id(agency)
        before = evaluate(compiled, data).by_id(agency)
    except EvaluationError:
        return data
    return alone if again.tier == before.tier else data


# ---------------------------------------------------------------------------------------
# permutation and determinism


def check_permutation(
    rules: RuleSet | CompiledRuleSet, data: Dataset, order: Sequence[int]
) -> list[Violation]:
    """Scoring the agencies in another ``order`` gives every agency the same results.

    Raises:
        InvalidData: the survey cannot be scored.
    """
    compiled = compiled_of(rules)
    if sorted(order) != list(range(len(data.agencies))):
        raise ValueError(msg("order must be a permutation of the agencies' positions"))
    shuffled = replace(data, agencies=tuple(data.agencies[i] for i in order))
    first = _score(compiled, data)
    second = _score(compiled, shuffled)
    ids = ", ".join(data.agencies[i].id for i in order)
    for r in first.results:
        diff = _difference(r, second.by_id(r.agency_id))
        if diff is not None:
            return [
                _difference_violation(
                    "permutation",
                    msg("reordering the agencies changes the results"),
                    r.agency_id,
                    diff,
                    data,
                    msg("score them in the order {ids}", ids=ids),
                    msg(
                        "ranking ties must be broken by declared criteria ('ranking.tie_break'), never by row order"
                    ),
                )
            ]
    return []


def fresh_compile(rules: RuleSet | CompiledRuleSet) -> CompiledRuleSet:
    """Compile the rule set again, bypassing the cache (for determinism checks)."""
    rule_set = rules.rules if isinstance(rules, CompiledRuleSet) else rules
    copy = rule_set.model_copy()
    copy._compiled = None
    copy._source = rule_set.source
    return compile_rules(copy)


def check_determinism(
    rules: RuleSet | CompiledRuleSet, data: Dataset, *, other: CompiledRuleSet | None = None
) -> list[Violation]:
    """Scoring twice gives byte-identical JSON, and the fast path agrees with the reference.

    ``other`` is a second compilation of the same rule set (see :func:`fresh_compile`) to
    score with the second time; by default the same compiled rule set is reused.

    Raises:
        InvalidData: the survey cannot be scored.
    """
    from udcntt.report import assessment_to_json

    compiled = compiled_of(rules)
    first = _score(compiled, data)
    second = _score(other or compiled, data)
    one = assessment_to_json(first, traces=False)
    two = assessment_to_json(second, traces=False)
    if one != two:
        for r in first.results:
            diff = _difference(r, second.by_id(r.agency_id))
            if diff is not None:
                return [
                    _difference_violation(
                        "determinism",
                        msg("scoring twice gives different results"),
                        r.agency_id,
                        diff,
                        data,
                        None,
                        None,
                    )
                ]
        a, b = (
            hashlib.sha256(one.encode()).hexdigest()[:12],
            hashlib.sha256(two.encode()).hexdigest()[:12],
        )
        return [
            Violation(
                "determinism",
                msg("scoring twice gives different JSON ({a} vs {b})", a=a, b=b),
                data=data,
            )
        ]
    return _reference_agrees(compiled, first, data)


def _reference_agrees(
    compiled: CompiledRuleSet, assessment: Assessment, data: Dataset
) -> list[Violation]:
    rule_set = compiled.rules
    with decimal.localcontext(DECIMAL_CONTEXT):
        for record in data.agencies:
            plan = compiled.blocks[record.block]
            peers = [a for a in data.agencies if a.block == record.block]
            errors: list[Diagnostic] = []
            inputs = prepare(
                rule_set,
                record,
                plan.indicators,
                imputations(rule_set, peers, plan.indicators),
                errors,
            )
            if errors or inputs.na or plan.fast is None:
                continue
            env = dict(inputs.values)
            result = assessment.by_id(record.id)
            try:
                derive(compiled, plan.derived, env, inputs.na)
                for leaf in plan.leaves:
                    if leaf.normalised:
                        continue  # the population pass comes later; points are checked above
                    raw = run_leaf(leaf, env, inputs.na, with_trace=False).raw
                    got = result.criteria[leaf.id].raw
                    if got is not None and raw is not None and got != raw:
                        return [
                            Violation(
                                "determinism",
                                msg(
                                    "the compiled fast path gives '{criterion}' the value {got} but the reference interpreter gives {raw}",
                                    criterion=leaf.id,
                                    got=_show(got),
                                    raw=_show(raw),
                                ),
                                criterion=leaf.id,
                                agency=record.id,
                                data=_only(data, record.id),
                                hint=msg(
                                    "this is a bug in udcntt, not in the rule file: please report it"
                                ),
                            )
                        ]
            except RuleFailure:
                continue
    return []


# ---------------------------------------------------------------------------------------
# not applicable


def _expected_max(
    node: NodePlan | LeafPlan, result: AgencyResult, rescale_all: bool
) -> Decimal | None:
    """Applicable maximum of ``node``: ``None`` when nothing under it applies."""
    if isinstance(node, LeafPlan):
        if node.unscored:
            return None
        return None if result.criteria[node.id].status == "not_applicable" else node.max
    parts = [_expected_max(child, result, rescale_all) for child in node.children]
    present = [p for p in parts if p is not None]
    if not present:
        return None
    if node.aggregate is not Aggregate.SUM or node.rescale_na or rescale_all:
        return node.max
    return sum(present, _ZERO)


def _na_leaves(compiled: CompiledRuleSet, record: AgencyRecord) -> set[str]:
    plan = compiled.blocks[record.block]
    na = {k for k, v in record.values.items() if v is NA}
    return {
        leaf.id
        for leaf in plan.leaves
        if leaf.rule is not None and not leaf.unscored and leaf.reads & na
    }


def check_not_applicable(
    rules: RuleSet | CompiledRuleSet,
    data: Dataset,
    *,
    agency: str | None = None,
    indicator: str | None = None,
) -> list[Violation]:
    """Not-applicable answers are handled consistently.

    For every agency: a criterion is not applicable exactly when it reads a not-applicable
    answer; the agency's maximum is the block's maximum less the budgets of the criteria
    that do not apply (``not_applicable: reduce_max``; groups with ``rescale_na`` and mean
    groups keep their budget), or the block's maximum (``rescale``); 0 <= total <= maximum
    and the share is in [0, 1]. With ``agency`` and ``indicator``: marking that answer not
    applicable changes no criterion that does not read it.

    Raises:
        InvalidData: a survey cannot be scored.
    """
    compiled = compiled_of(rules)
    assessment = _score(compiled, data)
    rescale_all = compiled.rules.not_applicable is NotApplicablePolicy.RESCALE
    for record in data.agencies:
        r = assessment.by_id(record.id)
        plan = compiled.blocks[record.block]
        expected_na = _na_leaves(compiled, record)
        for leaf in plan.leaves:
            if leaf.rule is None or leaf.unscored:
                continue
            status_na = r.criteria[leaf.id].status == "not_applicable"
            if status_na != (leaf.id in expected_na):
                reads = ", ".join(sorted(leaf.reads))
                return [
                    Violation(
                        "not_applicable",
                        msg(
                            "criterion '{criterion}' is marked not applicable although it reads "
                            "{reads}",
                            criterion=leaf.id,
                            reads=reads,
                        )
                        if status_na
                        else msg(
                            "criterion '{criterion}' is not marked not applicable although it "
                            "reads {reads}",
                            criterion=leaf.id,
                            reads=reads,
                        ),
                        criterion=leaf.id,
                        agency=record.id,
                        data=_only(data, record.id),
                    )
                ]
        parts = [_expected_max(root, r, rescale_all) for root in plan.roots]
        expected = sum((p for p in parts if p is not None), _ZERO)
        if rescale_all and expected:
            expected = plan.max_total
        if r.max != expected:
            removed = sorted(expected_na)
            return [
                Violation(
                    "not_applicable",
                    msg(
                        "agency '{agency}' has maximum {max} but the block's maximum {block_max} less the budgets of the criteria that do not apply ({removed}) is {expected}",
                        agency=record.id,
                        max=_show(r.max),
                        block_max=_show(plan.max_total),
                        removed=", ".join(removed) or "none",
                        expected=_show(expected),
                    ),
                    agency=record.id,
                    criterion=removed[0] if removed else None,
                    data=_only(data, record.id),
                )
            ]
        if r.total_unrounded < 0 or r.total_unrounded > r.max or not 0 <= r.share <= 1:
            return [
                Violation(
                    "not_applicable",
                    msg(
                        "agency '{agency}' has total {total} of maximum {max} and share {share}",
                        agency=record.id,
                        total=_show(r.total_unrounded),
                        max=_show(r.max),
                        share=_show(r.share),
                    ),
                    agency=record.id,
                    data=_only(data, record.id),
                )
            ]
    if agency is not None and indicator is not None:
        return _flip_na(compiled, data, assessment, agency, indicator)
    return []


def _flip_na(
    compiled: CompiledRuleSet, data: Dataset, assessment: Assessment, agency: str, indicator: str
) -> list[Violation]:
    record = {r.id: r for r in data.agencies}[agency]
    if not compiled.rules.indicators[indicator].not_applicable:
        raise ValueError(
            msg("indicator '{indicator}' does not allow not applicable", indicator=indicator)
        )
    flipped = _with_value(data, agency, indicator, NA)
    after_all = _score(compiled, flipped)
    after = after_all.by_id(agency)
    before = assessment.by_id(agency)
    plan = compiled.blocks[record.block]
    for leaf in plan.leaves:
        if leaf.rule is None or indicator in leaf.reads:
            continue
        b, a = before.criteria[leaf.id].points, after.criteria[leaf.id].points
        if a != b:
            return [
                Violation(
                    "not_applicable",
                    msg(
                        "marking '{indicator}' not applicable for agency '{agency}' changes the points of '{criterion}' (which does not read it) from {before} to {after}",
                        indicator=indicator,
                        agency=agency,
                        criterion=leaf.id,
                        before=_show(b),
                        after=_show(a),
                    ),
                    criterion=leaf.id,
                    agency=agency,
                    indicator=indicator,
                    data=data,
                    change=msg(
                        "mark {indicator} of {agency} not applicable",
                        indicator=indicator,
                        agency=agency,
                    ),
                )
            ]
    from udcntt.testing._authoring import na_jump

    removed = [leaf.id for leaf in plan.leaves if indicator in leaf.reads and leaf.rule is not None]
    return na_jump(compiled, assessment, after_all, agency, indicator, removed, data)


# ---------------------------------------------------------------------------------------
# extends


def _base_file(rule_set: RuleSet, directory: Path) -> Path:
    src = rule_set.source
    if isinstance(src, RuleSource) and src.files:
        first = src.files[0]
        candidate = Path(first.path)
        if candidate.is_file():
            raw = candidate.read_bytes()
            if hashlib.sha256(raw).hexdigest() == first.sha256:
                return candidate.resolve()
    data = rule_set.model_dump(mode="json", exclude_none=True)
    data.pop("extends", None)
    base = directory / "base.yaml"
    base.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return base


@contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="udcntt-extends-") as tmp:
        yield Path(tmp)


def extension_of(rules: RuleSet | CompiledRuleSet) -> RuleSet:
    """Load a rule file that only says ``extends: <this rule set>`` under a new id.

    The base is the rule set's own file when it is still on disk unchanged, else a dump of
    the rule set.

    Raises:
        RuleFileError: the extending file does not load (itself a violation of ``extends``).
    """
    rule_set = rules.rules if isinstance(rules, CompiledRuleSet) else rules
    new_id = (rule_set.id[:56] + "_extends")[:64]
    with _scratch() as tmp:
        base = _base_file(rule_set, tmp)
        probe = tmp / "extends-probe.yaml"
        probe.write_text(
            yaml.safe_dump({"udcntt": "1", "id": new_id, "extends": str(base)}, sort_keys=False),
            encoding="utf-8",
        )
        return load_rules(probe)


def check_extends(
    rules: RuleSet | CompiledRuleSet, extended: RuleSet | CompiledRuleSet, data: Dataset
) -> list[Violation]:
    """``extended`` (see :func:`extension_of`) scores ``data`` exactly as ``rules`` does.

    Raises:
        InvalidData: the survey cannot be scored with ``rules``.
    """
    compiled = compiled_of(rules)
    first = _score(compiled, data)
    try:
        second = evaluate(compiled_of(extended), data)
    except (EvaluationError, RuleFileError) as exc:
        d = exc.diagnostics[0]
        return [
            Violation(
                "extends",
                msg(
                    "the extending rule set cannot score data its base scores: [{code}] {message}",
                    code=d.code,
                    message=d.message,
                ),
                agency=d.agency,
                criterion=d.criterion,
                data=data,
            )
        ]
    for r in first.results:
        diff = _difference(r, second.by_id(r.agency_id))
        if diff is not None:
            return [
                _difference_violation(
                    "extends",
                    msg("a rule file with only 'extends:' scores differently from its base"),
                    r.agency_id,
                    diff,
                    data,
                    None,
                    msg("this is a bug in udcntt's 'extends' merge: please report it"),
                )
            ]
    return []


def extension_failure(exc: UdcnttError) -> Violation:
    """The violation for an ``extends: <base>`` file that does not even load."""
    d = exc.diagnostics[0]
    return Violation(
        "extends",
        msg(
            "a rule file with only 'extends:' and a new id does not load: [{code}] {message}",
            code=d.code,
            message=d.message,
        ),
        criterion=d.criterion,
    )
