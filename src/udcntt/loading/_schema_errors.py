"""Turning pydantic validation errors into located rule-file diagnostics."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from udcntt.errors import Diagnostic, SourceLocation, did_you_mean
from udcntt.loading._extends import RuleSource
from udcntt.loading._yaml import path_text
from udcntt.model import RuleSet

__all__ = ["schema_diagnostics"]


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated to the interesting type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class reached by following ``loc`` from RuleSet, if any."""
    current: Any = RuleSet
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if isinstance(part, str) and part in current.model_fields:
                current = current.model_fields[part].annotation
                continue
            return None
        origin = typing.get_origin(current)
        if origin is dict:
            current = typing.get_args(current)[1]
        elif origin is tuple:
            args = typing.get_args(current)
            current = args[0] if args else Any
        else:
            return None
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _clean_loc(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    # pydantic adds validator names ("function-after[...]") to locations of some errors.
    return tuple(p for p in loc if isinstance(p, int) or "[" not in str(p))


def schema_diagnostics(exc: ValidationError, source: RuleSource) -> list[Diagnostic]:
    """One diagnostic per pydantic error, located in the rule file."""
    diags: list[Diagnostic] = []
    seen: set[tuple[tuple[Any, ...], str]] = set()
    for error in exc.errors(include_url=False):
        loc = _clean_loc(tuple(error["loc"]))
        etype = error["type"]
        key = (loc, etype)
        if key in seen:
            continue
        seen.add(key)
        location = source.locate(loc) or SourceLocation()
        location = SourceLocation(
            file=location.file, line=location.line, column=location.column, path=path_text(loc)
        )
        message = str(error.get("msg", "invalid value"))
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        hint: str | None = None
        field = str(loc[-1]) if loc else ""
        if etype == "extra_forbidden":
            code = "E-SCHEMA-UNKNOWN-KEY"
            parent = _model_at(loc[:-1])
            allowed = sorted(parent.model_fields) if parent else []
            message = f"unknown key '{field}'"
            hint = did_you_mean(field, allowed) or (
                f"allowed keys here: {', '.join(allowed)}" if allowed else None
            )
            if hint and " " not in field and not did_you_mean(field, allowed):
                hint += "; text containing ', ' inside { } must be quoted"
        elif etype == "missing":
            code = "E-SCHEMA-MISSING"
            message = f"required key '{field}' is missing"
            parent_path = path_text(loc[:-1]) or "the top level"
            location = SourceLocation(
                file=location.file, line=location.line, column=location.column, path=parent_path
            )
        elif "snake_case" in message:
            code = "E-SCHEMA-ID"
            hint = "ids are names used in expressions and reports; keep labels for Vietnamese text"
        elif etype in ("enum", "literal_error"):
            code = "E-SCHEMA-VALUE"
            expected = error.get("ctx", {}).get("expected")
            if expected:
                hint = f"expected {expected}"
        elif "format version" in message:
            code = "E-SCHEMA-VERSION"
        elif etype.startswith(("date", "datetime")):
            code = "E-SCHEMA-VALUE"
            raw = error.get("input")
            message = f"not a valid date: {raw!r} ({message})"
            hint = "write dates as YYYY-MM-DD"
        elif etype == "value_error":
            code = "E-SCHEMA-VALUE"
        else:
            code = "E-SCHEMA-TYPE"
            raw = error.get("input")
            if isinstance(raw, str | type(None)):
                message = f"{message} (got {raw!r})"
        diags.append(Diagnostic(code=code, message=message, location=location, hint=hint))
    return diags
