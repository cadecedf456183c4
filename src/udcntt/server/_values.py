"""Values as stored in the database, and the form fields generated from a rule set.

A typed value is stored as a short tagged text (``d:12.5``, ``b:1``, ``s:cap_so``,
``t:2024-03-01``, ``m:NA``) so that SQLite and PostgreSQL keep it exactly: decimals are never
floats. What the agency typed is kept beside it (``ValueRow.raw``), as typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from babel.numbers import get_decimal_symbol

from udcntt.data import MISSING, NA, ValueOrMarker
from udcntt.errors import msg
from udcntt.model import EvidencePolicy, Indicator, IndicatorType, RuleSet

__all__ = ["Field", "audit_text", "decode", "encode", "field_text", "form_fields", "shown"]


def encode(value: ValueOrMarker) -> str:
    """The stored text of a typed value or marker."""
    if value is NA:
        return "m:NA"
    if value is MISSING:
        return "m:MISSING"
    if isinstance(value, bool):
        return "b:1" if value else "b:0"
    if isinstance(value, Decimal):
        return f"d:{value}"
    if isinstance(value, date):
        return f"t:{value.isoformat()}"
    return f"s:{value}"


def decode(text: str) -> ValueOrMarker:
    """The typed value of a stored text (the inverse of :func:`encode`).

    Raises:
        ValueError: for a text :func:`encode` cannot have written.
    """
    tag, _, body = text.partition(":")
    if tag == "m":
        return NA if body == "NA" else MISSING
    if tag == "b":
        return body == "1"
    if tag == "d":
        try:
            return Decimal(body)
        except InvalidOperation as exc:
            raise ValueError(f"not a stored decimal: {text!r}") from exc
    if tag == "t":
        return date.fromisoformat(body)
    if tag == "s":
        return body
    raise ValueError(f"not a stored value: {text!r}")


def _decimal_text(value: Decimal, lang: str) -> str:
    # The language's own decimal mark (a comma in Vietnamese), digits as exact as stored.
    return format(value, "f").replace(".", get_decimal_symbol(lang))


def shown(text: str | None, lang: str) -> str:
    """A stored value as people read it (decimal comma in Vietnamese)."""
    if text is None:
        return ""
    value = decode(text)
    if value is NA:
        return str(msg("not applicable").render(lang))
    if value is MISSING:
        return ""
    if isinstance(value, bool):
        return str((msg("Yes") if value else msg("No")).render(lang))
    if isinstance(value, Decimal):
        return _decimal_text(value, lang)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value


@dataclass(frozen=True)
class Field:
    """One input of an agency's form, generated from an indicator of the rule set."""

    id: str
    label: str
    type: str
    unit: str | None
    low: str | None
    high: str | None
    choices: tuple[tuple[str, str], ...]
    not_applicable: bool
    evidence: str
    description: str | None
    indicator: Indicator

    @property
    def needs_evidence(self) -> bool:
        """Whether a document must back the value."""
        return self.evidence == EvidencePolicy.REQUIRED.value


def _bound(value: Decimal | None, lang: str) -> str | None:
    if value is None:
        return None
    return _decimal_text(value, lang)


def form_fields(rules: RuleSet, block: str, lang: str = "vi") -> list[Field]:
    """The inputs an agency of ``block`` answers, in the rule file's order."""
    fields: list[Field] = []
    for ind_id, ind in rules.indicators.items():
        if ind.blocks is not None and block not in ind.blocks:
            continue
        low, high = ind.bounds
        choices: tuple[tuple[str, str], ...] = ()
        if ind.type is IndicatorType.CATEGORY and ind.categories:
            choices = tuple(ind.categories.items())
        elif ind.type is IndicatorType.BOOL:
            choices = (("Có", str(msg("Yes").render(lang))), ("Không", str(msg("No").render(lang))))
        fields.append(
            Field(
                id=ind_id,
                label=ind.label,
                type=ind.type.value,
                unit=ind.unit,
                low=_bound(low, lang),
                high=_bound(high, lang),
                choices=choices,
                not_applicable=ind.not_applicable,
                evidence=ind.evidence.value,
                description=ind.description,
                indicator=ind,
            )
        )
    return fields


def field_text(f: Field, row: object, lang: str) -> str:
    """What the form's input shows for a saved value (``row`` is a ``ValueRow``)."""
    value = getattr(row, "value", None)
    if value is None or value.startswith("m:"):
        return ""
    if f.type == "bool":
        return {"b:1": "Có", "b:0": "Không"}.get(value, "")
    if f.type == "category":
        return value[2:] if value.startswith("s:") else ""
    raw = getattr(row, "raw", "")
    return raw if isinstance(raw, str) and raw else shown(value, lang)


def audit_text(text: str | None, lang: str) -> str:
    """An audit entry's old or new value as people read it."""
    if text is None:
        return ""
    if text[:2] in ("d:", "b:", "s:", "t:", "m:"):
        try:
            return shown(text, lang)
        except ValueError:
            return text
    return text
