"""The scoring tree: criteria (tiêu chí), groups and the rules of their leaves.

A leaf declares its scoring rule under the key of a rule type (``points:``, ``bands:`` …,
or a plugin's); the value is validated by that rule type's own schema, found in the
registry :data:`udcntt._kinds.RULE_TYPES`, so every rule type — built-in or plugin — is
declared in one place (:mod:`udcntt.kinds`) and its errors are located like any other key.
A group's ``aggregate`` names a registered aggregation.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_serializer, model_validator
from pydantic_core import InitErrorDetails
from pydantic_core import ValidationError as CoreValidationError

from udcntt._kinds import RULE_TYPES
from udcntt._methods import AGGREGATIONS
from udcntt.errors import ExtensionError, SchemaValueError, msg
from udcntt.model._base import Dec, Id, Label, StrictModel

__all__ = ["Criterion", "Rule"]


def _rule_keys(value: Mapping[str, Any], own: set[str]) -> list[str]:
    """The keys of ``value`` that name a rule type (loading a plugin's on first use)."""
    out = []
    for key in value:
        if not isinstance(key, str) or key in own:
            continue
        try:
            found = RULE_TYPES.get(key)
        except ExtensionError as exc:
            raise SchemaValueError(exc.diagnostics[0].message, "E-EXTENSION") from None
        if found is not None:
            out.append(key)
    return out


def _validate_rules(cls: type[StrictModel], value: Any, handler: Any) -> Any:
    """Validate the node with its rule-type keys moved into ``rules``, each by its schema.

    Errors inside a fragment keep their location (``bands → steps → 1 → points``), so the
    loader places them in the YAML like any other error.
    """
    if cls is Rule and isinstance(value, str | int | float | Decimal):
        value = {"points": value}  # an item of sum_of / best_of written as an expression
    if not isinstance(value, Mapping):
        return handler(value)
    data = dict(value)
    rules: dict[str, Any] = {}
    given = data.pop("rules", None)
    if isinstance(given, Mapping):
        # A copy of a validated node: its rules are kept, or read again from their dump.
        for key, spec in given.items():
            found = RULE_TYPES.get(key) if isinstance(key, str) else None
            if found is not None and isinstance(spec, found.schema):
                rules[key] = spec
            else:
                data[key] = spec
    elif given is not None:
        data["rules"] = given  # not a mapping: the schema reports it
    errors: list[InitErrorDetails] = []
    for key in _rule_keys(data, set(cls.model_fields)):
        raw = data.pop(key)
        rule_type = RULE_TYPES.get(key)
        if rule_type is None:  # pragma: no cover - _rule_keys found it
            continue
        try:
            rules[key] = rule_type.schema.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                detail: InitErrorDetails = {
                    "type": err["type"],
                    "loc": (key, *err["loc"]),
                    "input": err.get("input"),
                }
                if "ctx" in err:
                    detail["ctx"] = err["ctx"]
                errors.append(detail)
    data.setdefault("rules", rules)
    try:
        node = handler(data)
    except CoreValidationError as exc:
        errors.extend(exc.errors())  # type: ignore[arg-type]
        node = None
    if errors:
        raise CoreValidationError.from_exception_data(cls.__name__, errors)
    return node


class _RuleFields(StrictModel):
    """The rule keys shared by leaves and by alternatives in ``best_of`` / ``sum_of``.

    Attributes:
        rules: The declared rules by rule-type name, each its type's validated fragment
            (a valid leaf has exactly one).
        cap: Most points the rule may give.
    """

    rules: dict[str, Any] = Field(default_factory=dict)
    cap: Dec | None = None

    @model_validator(mode="wrap")
    @classmethod
    def _rule_types(cls, value: Any, handler: Any) -> Any:
        return _validate_rules(cls, value, handler)

    @model_serializer(mode="wrap")
    def _rule_keys_back(self, handler: Any) -> Any:
        # Dumped as written: each rule under its own key, not under 'rules'.
        out = handler(self)
        if isinstance(out, dict):
            out.update(out.pop("rules", None) or {})
        return out

    @property
    def rule_kinds(self) -> tuple[str, ...]:
        """The rule keys this node declares, as written (a valid leaf has exactly one)."""
        return tuple(self.rules)

    @property
    def rule_kind(self) -> str | None:
        """The single rule key, or ``None`` for a group or an unscored node."""
        kinds = self.rule_kinds
        return kinds[0] if len(kinds) == 1 else None

    def rule_spec(self, kind: str) -> Any:
        """The validated fragment of rule type ``kind``, or ``None`` if not declared."""
        return self.rules.get(kind)


class Rule(_RuleFields):
    """A scoring rule inside ``best_of`` or ``sum_of``: exactly one rule key (or a bare
    expression, short for ``points``)."""

    label: Label | None = None


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
    aggregate: Id = "sum"
    rescale_na: bool = False

    @field_validator("aggregate")
    @classmethod
    def _known_aggregation(cls, value: str) -> str:
        try:
            found = AGGREGATIONS.get(value)
        except ExtensionError as exc:
            raise SchemaValueError(exc.diagnostics[0].message, "E-EXTENSION") from None
        if found is None:
            raise ValueError(
                msg(
                    "unknown aggregation '{name}' (known: {known})",
                    name=value,
                    known=", ".join(AGGREGATIONS.names()),
                )
            )
        return value

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
