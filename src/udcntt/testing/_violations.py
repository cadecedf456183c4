"""What every invariant check shares: the catalogue, the violation, scoring helpers.

:data:`INVARIANTS` names each invariant with its diagnostic code; a check that finds one
broken returns :class:`Violation` objects (with the counterexample agency as a rule-file
test case), and raises :class:`InvalidData` for data the rule set refuses. The helpers
score a dataset, change one value, and compare two agencies' results.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from udcntt.data import MISSING, NA, AgencyRecord, Dataset, ValueOrMarker
from udcntt.errors import Diagnostic, EvaluationError, msg
from udcntt.evaluation import (
    AgencyResult,
    Assessment,
    evaluate,
)
from udcntt.loading import RuleSource
from udcntt.model import RuleSet
from udcntt.program import CompiledRuleSet
from udcntt.testing._spaces import plain_decimal

__all__ = [
    "INVARIANTS",
    "InvalidData",
    "Invariant",
    "Violation",
    "agency_test_dict",
    "format_agency",
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
        Invariant(
            "totals",
            "E-PROP-TOTALS",
            "under 'rounding: {totals: sum_of_rounded}' every published total equals the sum "
            "of its published group points",
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
