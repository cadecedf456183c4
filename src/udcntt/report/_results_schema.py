"""Declarations of a JSON layout that give both its JSON Schema and its validator.

A results file can come back from anywhere (last year's folder, an e-mail, an editor), so
:func:`validate` checks it against the same declarations the published schema is generated
from (``udcntt.report._results_layout``) — types, required and unknown keys, lengths,
counts, nesting, the form of every decimal number — before any value is used. Each problem
is a diagnostic naming the JSON path (``results[3].rank``). Numbers are decimal text with
bounded digits and magnitude: a tampered ``"1e999999999"`` total is refused here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from udcntt.errors import Diagnostic, msg
from udcntt.report._results_scalars import (
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_ITEMS,
    MAX_LONG_TEXT,
    MAX_MAGNITUDE,
    MAX_PLACES,
    MAX_PROBLEMS,
    MAX_TEXT,
    Bool,
    Const,
    Dec,
    Int,
    JsonNumber,
    Spec,
    Text,
    _Problems,
    _too_many,
    _wrong,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_ITEMS",
    "MAX_LONG_TEXT",
    "MAX_MAGNITUDE",
    "MAX_PLACES",
    "MAX_PROBLEMS",
    "MAX_TEXT",
    "Arr",
    "Bool",
    "Const",
    "Dec",
    "Int",
    "JsonNumber",
    "Map",
    "Nullable",
    "Obj",
    "OneOf",
    "Opaque",
    "Spec",
    "Text",
    "validate",
]


@dataclass(frozen=True)
class Opaque(Spec):
    """A part of the file that is never read back: only its JSON type is checked."""

    expected: str  # "object" or "array"
    description: str | None = None

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.expected}
        if self.description:
            out["description"] = self.description
        return out

    def ok(self, value: Any) -> bool:
        return isinstance(value, dict if self.expected == "object" else list)

    def check(self, value: Any, path: str, p: _Problems) -> None:
        if not isinstance(value, dict if self.expected == "object" else list):
            _wrong(p, path, self.expected, value)


@dataclass(frozen=True)
class Nullable(Spec):
    """``null`` or the inner spec."""

    inner: Spec

    def schema(self) -> dict[str, Any]:
        return {"anyOf": [self.inner.schema(), {"type": "null"}]}

    def ok(self, value: Any) -> bool:
        return value is None or self.inner.ok(value)

    def check(self, value: Any, path: str, p: _Problems) -> None:
        if value is not None:
            self.inner.check(value, path, p)


@dataclass(frozen=True)
class OneOf(Spec):
    """The first of several specs that accepts the value."""

    options: tuple[Spec, ...]

    def schema(self) -> dict[str, Any]:
        return {"anyOf": [o.schema() for o in self.options]}

    def ok(self, value: Any) -> bool:
        return any(o.ok(value) for o in self.options)

    def check(self, value: Any, path: str, p: _Problems) -> None:
        if not any(o.accepts(value) for o in self.options):
            _wrong(p, path, "value", value)


@dataclass(frozen=True)
class Arr(Spec):
    """A list of items of one spec."""

    item: Spec
    max_items: int = MAX_ITEMS
    expected = "array"

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": self.item.schema(), "maxItems": self.max_items}

    def ok(self, value: Any) -> bool:
        if not isinstance(value, list) or len(value) > self.max_items:
            return False
        item = self.item.ok
        return all(item(v) for v in value)

    def check(self, value: Any, path: str, p: _Problems) -> None:
        if not isinstance(value, list):
            _wrong(p, path, self.expected, value)
            return
        if _too_many(p, path, len(value), self.max_items):
            return
        for i, item in enumerate(value):
            if p.full:
                return
            self.item.check(item, f"{path}[{i}]", p)


@dataclass(frozen=True)
class Map(Spec):
    """A mapping from id-like keys to values of one spec."""

    value: Spec
    max_items: int = MAX_ITEMS
    expected = "object"

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": self.value.schema(),
            "propertyNames": {"maxLength": MAX_TEXT},
            "maxProperties": self.max_items,
        }

    def ok(self, value: Any) -> bool:
        if not isinstance(value, dict) or len(value) > self.max_items:
            return False
        key, item = _KEY.ok, self.value.ok
        return all(key(k) and item(v) for k, v in value.items())

    def check(self, value: Any, path: str, p: _Problems) -> None:
        if not isinstance(value, dict):
            _wrong(p, path, self.expected, value)
            return
        if _too_many(p, path, len(value), self.max_items):
            return
        key_spec = _KEY
        for key, item in value.items():
            if p.full:
                return
            key_spec.check(key, _join(path, key), p)
            self.value.check(item, _join(path, key), p)


@dataclass(frozen=True)
class Obj(Spec):
    """An object with known keys: required ones, optional ones, nothing else."""

    required: dict[str, Spec]
    optional: dict[str, Spec] = field(default_factory=dict)
    description: str | None = None
    expected = "object"

    def schema(self) -> dict[str, Any]:
        props = {k: v.schema() for k, v in {**self.required, **self.optional}.items()}
        out: dict[str, Any] = {
            "type": "object",
            "required": list(self.required),
            "properties": props,
            "additionalProperties": False,
        }
        if self.description:
            out["description"] = self.description
        return out

    def ok(self, value: Any) -> bool:
        if not isinstance(value, dict):
            return False
        if any(key not in value for key in self.required):
            return False
        for key, item in value.items():
            spec = self.required.get(key) or self.optional.get(key)
            if spec is None or not spec.ok(item):
                return False
        return True

    def check(self, value: Any, path: str, p: _Problems) -> None:
        if not isinstance(value, dict):
            _wrong(p, path, self.expected, value)
            return
        for key in self.required:
            if key not in value:
                p.add(
                    "E-RESULTS-MISSING",
                    _join(path, key),
                    msg("'{path}' is missing", path=_join(path, key)),
                )
        for key, item in value.items():
            if p.full:
                return
            spec = self.required.get(key) or self.optional.get(key)
            if spec is None:
                known = ", ".join([*self.required, *self.optional])
                p.add(
                    "E-RESULTS-KEY",
                    _join(path, key),
                    msg("unknown key '{key}' in '{path}'", key=key, path=path or "$"),
                    msg("the keys allowed here: {known}", known=known),
                )
                continue
            spec.check(item, _join(path, key), p)


#: The keys of every mapping.
_KEY = Text()

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _join(path: str, key: str) -> str:
    if _PLAIN_KEY.fullmatch(key):
        return f"{path}.{key}" if path else key
    shown = key if len(key) <= 40 else key[:37] + "..."
    return f"{path}[{shown!r}]"


def validate(data: Any, spec: Spec, file: str | None) -> list[Diagnostic]:
    """Every problem of ``data`` against ``spec`` (at most :data:`MAX_PROBLEMS`), or ``[]``."""
    problems = _Problems(file)
    spec.check(data, "", problems)
    return problems.items
