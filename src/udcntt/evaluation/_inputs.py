"""Preparing an agency's inputs: typing, ranges, not-applicable and missing policies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from udcntt.data import MISSING, NA, AgencyRecord, Marker, ValueOrMarker
from udcntt.errors import Diagnostic, SourceLocation, msg
from udcntt.model import Indicator, IndicatorType, MissingPolicy, RuleSet

__all__ = ["PreparedInputs", "coerce", "fill_missing", "imputations", "prepare"]

_NUMERIC = (IndicatorType.COUNT, IndicatorType.NUMBER, IndicatorType.RATIO)


class PreparedInputs:
    """An agency's typed inputs (NA kept as the marker) and notes on replaced values."""

    __slots__ = ("na", "notes", "values")

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.na: set[str] = set()
        self.notes: list[str] = []


def _diag(
    code: str,
    message: str,
    agency: AgencyRecord,
    indicator: str,
    value: object,
    hint: str | None = None,
) -> Diagnostic:
    cell = agency.cells.get(indicator)
    loc = cell.location if cell is not None else agency.location
    return Diagnostic(
        code=code,
        message=message,
        location=loc or SourceLocation(),
        agency=agency.id,
        indicator=indicator,
        value=None if value is None else str(value),
        hint=hint,
    )


def coerce(value: Any, ind: Indicator) -> ValueOrMarker:
    """Type a Python value for ``ind``; raise ValueError with a reason when it cannot be."""
    if isinstance(value, Marker):
        return value
    kind = ind.type
    if kind in _NUMERIC:
        if isinstance(value, bool):
            raise ValueError(msg("expected a number, got a yes/no value"))
        if isinstance(value, float):
            value = Decimal(repr(value))
        elif isinstance(value, int):
            value = Decimal(value)
        elif isinstance(value, str):
            try:
                value = Decimal(value.strip())
            except InvalidOperation:
                raise ValueError(msg("{value} is not a number", value=repr(value))) from None
        if not isinstance(value, Decimal):
            raise ValueError(msg("expected a number, got {kind}", kind=type(value).__name__))
        if not value.is_finite():
            raise ValueError(msg("numbers must be finite"))
        if kind is IndicatorType.COUNT and value != value.to_integral_value():
            raise ValueError(msg("a count must be a whole number"))
        return value
    if kind is IndicatorType.BOOL:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise ValueError(msg("expected yes/no (true/false)"))
    if kind is IndicatorType.CATEGORY:
        cats = ind.categories or {}
        if isinstance(value, str) and value in cats:
            return value
        raise ValueError(msg("not one of the categories: {categories}", categories=", ".join(cats)))
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(msg("{value} is not a date (YYYY-MM-DD)", value=repr(value))) from None
    raise ValueError(msg("expected a date"))


def imputations(
    rules: RuleSet, agencies: Sequence[AgencyRecord], indicators: Sequence[str]
) -> dict[str, Decimal]:
    """Replacement values for indicators whose missing policy imputes, over ``agencies``."""
    out: dict[str, Decimal] = {}
    for ind_id in indicators:
        ind = rules.indicators[ind_id]
        if ind.missing not in (MissingPolicy.IMPUTE_MEAN, MissingPolicy.IMPUTE_MIN):
            continue
        values: list[Decimal] = []
        for agency in agencies:
            raw = agency.get(ind_id)
            if isinstance(raw, Marker):
                continue
            try:
                typed = coerce(raw, ind)
            except ValueError:
                continue
            if isinstance(typed, Decimal):
                values.append(typed)
        if not values:
            continue
        if ind.missing is MissingPolicy.IMPUTE_MEAN:
            out[ind_id] = sum(values, Decimal(0)) / len(values)
        else:
            out[ind_id] = min(values)
    return out


def prepare(
    rules: RuleSet,
    agency: AgencyRecord,
    indicators: Sequence[str],
    imputed: Mapping[str, Decimal],
    errors: list[Diagnostic],
) -> PreparedInputs:
    """Type, range-check and complete the inputs a block's criteria read."""
    prepared = PreparedInputs()
    for ind_id in indicators:
        ind = rules.indicators[ind_id]
        raw = agency.get(ind_id)
        try:
            value = coerce(raw, ind)
        except ValueError as exc:
            errors.append(
                _diag(
                    "E-EVAL-TYPE",
                    msg(
                        "wrong value for '{label}': {problem}",
                        label=ind.label,
                        problem=exc.args[0] if exc.args else exc,
                    ),
                    agency,
                    ind_id,
                    raw,
                )
            )
            continue
        if value is NA:
            if not ind.not_applicable:
                errors.append(
                    _diag(
                        "E-EVAL-TYPE",
                        msg(
                            "'{label}' is marked not applicable, which this indicator does not allow",
                            label=ind.label,
                        ),
                        agency,
                        ind_id,
                        "N/A",
                        hint=msg(
                            "declare 'not_applicable: true' on the indicator, or supply a value"
                        ),
                    )
                )
                continue
            prepared.na.add(ind_id)
            prepared.values[ind_id] = NA
            continue
        if value is MISSING:
            policy = ind.missing
            if policy is MissingPolicy.ZERO:
                value = False if ind.type is IndicatorType.BOOL else Decimal(0)
                prepared.notes.append(f"{ind_id}: missing, scored as 0")
            elif (
                policy in (MissingPolicy.IMPUTE_MEAN, MissingPolicy.IMPUTE_MIN)
                and ind_id in imputed
            ):
                value = imputed[ind_id]
                prepared.notes.append(f"{ind_id}: missing, imputed {policy.value} = {value}")
            else:
                errors.append(
                    _diag(
                        "E-EVAL-MISSING",
                        msg(
                            "'{label}' is missing and its policy is '{policy}'",
                            label=ind.label,
                            policy=policy.value,
                        ),
                        agency,
                        ind_id,
                        None,
                        hint=msg(
                            "supply the value, or declare 'missing: zero' (or impute) for the indicator"
                        ),
                    )
                )
                continue
        if isinstance(value, Decimal):
            lo, hi = ind.bounds
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                errors.append(
                    _diag(
                        "E-EVAL-RANGE",
                        msg(
                            "'{label}' = {value} is outside its range [{lo}, {hi}]",
                            label=ind.label,
                            value=value,
                            lo="" if lo is None else lo,
                            hi="" if hi is None else hi,
                        ),
                        agency,
                        ind_id,
                        value,
                    )
                )
                continue
        prepared.values[ind_id] = value
    return prepared


def fill_missing(
    rules: RuleSet,
    indicators: Sequence[str],
    values: Sequence[Any],
    imputed: Mapping[str, Decimal],
) -> tuple[list[Any], tuple[str, ...]] | None:
    """``values`` with each missing one replaced as its policy says, and the notes on them.

    The same replacements and notes as :func:`prepare` (``missing: zero`` scores 0 or
    "no", ``impute_mean`` / ``impute_min`` the population's value), for the fast path.
    Returns ``None`` when a missing value's policy refuses it (the reference path reports
    it).
    """
    out = list(values)
    notes: list[str] = []
    for i, ind_id in enumerate(indicators):
        if out[i] is not MISSING:
            continue
        ind = rules.indicators[ind_id]
        policy = ind.missing
        if policy is MissingPolicy.ZERO:
            out[i] = False if ind.type is IndicatorType.BOOL else Decimal(0)
            notes.append(f"{ind_id}: missing, scored as 0")
        elif policy in (MissingPolicy.IMPUTE_MEAN, MissingPolicy.IMPUTE_MIN) and ind_id in imputed:
            out[i] = imputed[ind_id]
            notes.append(f"{ind_id}: missing, imputed {policy.value} = {out[i]}")
        else:
            return None
    return out, tuple(notes)
