"""Turning pydantic validation errors into located rule-file diagnostics."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, RootModel, ValidationError

from udcntt._kinds import RULE_TYPES
from udcntt.errors import (
    Diagnostic,
    Message,
    SchemaValueError,
    SourceLocation,
    did_you_mean,
    msg,
)
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


def _rule_type_schema(model: type[BaseModel], key: Any) -> Any:
    """The schema of rule type ``key`` when ``model`` holds rules (criteria, rules)."""
    if "rules" not in model.model_fields or not isinstance(key, str):
        return None
    rule_type = RULE_TYPES.get(key)
    if rule_type is None:
        return None
    schema = rule_type.schema
    root = schema.model_fields.get("root")
    return root.annotation if issubclass(schema, RootModel) and root is not None else schema


def _keys_of(model: type[BaseModel]) -> list[str]:
    """The keys a model accepts in a rule file (a rule holder: its rule types' keys too)."""
    keys = set(model.model_fields)
    if "rules" in keys:
        keys.discard("rules")
        keys.update(RULE_TYPES.names())
    return sorted(keys)


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class reached by following ``loc`` from RuleSet, if any."""
    current: Any = RuleSet
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if isinstance(part, str) and part in current.model_fields:
                current = current.model_fields[part].annotation
                continue
            inner = _rule_type_schema(current, part)
            if inner is not None:
                current = inner
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


# pydantic's own wording of common problems, so that it can be shown in Vietnamese too; a
# template is used only when it renders to exactly pydantic's English text.
_PYDANTIC: dict[str, Callable[[dict[str, Any]], Message]] = {
    "string_type": lambda c: msg("Input should be a valid string"),
    "int_type": lambda c: msg("Input should be a valid integer"),
    "int_parsing": lambda c: msg(
        "Input should be a valid integer, unable to parse string as an integer"
    ),
    "int_from_float": lambda c: msg(
        "Input should be a valid integer, got a number with a fractional part"
    ),
    "float_type": lambda c: msg("Input should be a valid number"),
    "float_parsing": lambda c: msg(
        "Input should be a valid number, unable to parse string as a number"
    ),
    "bool_type": lambda c: msg("Input should be a valid boolean"),
    "bool_parsing": lambda c: msg("Input should be a valid boolean, unable to interpret input"),
    "dict_type": lambda c: msg("Input should be a valid dictionary"),
    "list_type": lambda c: msg("Input should be a valid list"),
    "tuple_type": lambda c: msg("Input should be a valid tuple"),
    "model_attributes_type": lambda c: msg(
        "Input should be a valid dictionary or object to extract fields from"
    ),
    "decimal_parsing": lambda c: msg("Input should be a valid decimal"),
    "finite_number": lambda c: msg("Input should be a finite number"),
    "greater_than": lambda c: msg("Input should be greater than {gt}", gt=c.get("gt")),
    "greater_than_equal": lambda c: msg(
        "Input should be greater than or equal to {ge}", ge=c.get("ge")
    ),
    "less_than": lambda c: msg("Input should be less than {lt}", lt=c.get("lt")),
    "less_than_equal": lambda c: msg("Input should be less than or equal to {le}", le=c.get("le")),
    "literal_error": lambda c: msg("Input should be {expected}", expected=c.get("expected")),
    "enum": lambda c: msg("Input should be {expected}", expected=c.get("expected")),
    "date_type": lambda c: msg("Input should be a valid date"),
}


def _message(error: Any) -> str:
    """The text of one pydantic error: our own message, or pydantic's, translatable if known."""
    ctx = error.get("ctx") or {}
    raised = ctx.get("error")
    if isinstance(raised, ValueError) and raised.args and isinstance(raised.args[0], Message):
        return raised.args[0]
    message = str(error.get("msg", "invalid value"))
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    known = _PYDANTIC.get(error["type"])
    if known is not None:
        translatable = known(ctx)
        if translatable == message:
            return translatable
    return message


def _clean_loc(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    # pydantic adds validator names ("function-after[...]") to locations of some errors.
    return tuple(p for p in loc if isinstance(p, int) or "[" not in str(p))


def _as_written(loc: tuple[str | int, ...], source: RuleSource) -> tuple[str | int, ...]:
    # A one-agency test may be written without 'agencies': the model moves its keys into
    # agencies[0]; point back to where they are in the file.
    if loc[:1] == ("tests",) and loc[2:4] == ("agencies", 0) and loc[:3] not in source.marks:
        return (*loc[:2], *loc[4:])
    return loc


def schema_diagnostics(exc: ValidationError, source: RuleSource) -> list[Diagnostic]:
    """One diagnostic per pydantic error, located in the rule file."""
    diags: list[Diagnostic] = []
    seen: set[tuple[tuple[Any, ...], str]] = set()
    for error in exc.errors(include_url=False):
        loc = _as_written(_clean_loc(tuple(error["loc"])), source)
        etype = error["type"]
        key = (loc, etype)
        if key in seen:
            continue
        seen.add(key)
        location = source.locate(loc) or SourceLocation()
        location = SourceLocation(
            file=location.file, line=location.line, column=location.column, path=path_text(loc)
        )
        message = _message(error)
        hint: str | None = None
        field = str(loc[-1]) if loc else ""
        if etype == "extra_forbidden":
            code = "E-SCHEMA-UNKNOWN-KEY"
            parent = _model_at(loc[:-1])
            allowed = _keys_of(parent) if parent else []
            message = msg("unknown key '{key}'", key=field)
            hint = did_you_mean(field, allowed)
            if hint is None and allowed:
                # In halves: each argument of a message is cut at MAX_QUOTED characters.
                half = len(allowed) // 2
                first, second = ", ".join(allowed[:half]), ", ".join(allowed[half:])
                hint = (
                    msg(
                        "allowed keys here: {keys}{more}; "
                        "text containing ', ' inside {{ }} must be quoted",
                        keys=first,
                        more=", " + second if first else second,
                    )
                    if " " not in field
                    else msg(
                        "allowed keys here: {keys}{more}",
                        keys=first,
                        more=", " + second if first else second,
                    )
                )
        elif etype == "missing":
            code = "E-SCHEMA-MISSING"
            message = msg("required key '{key}' is missing", key=field)
            parent_path = path_text(loc[:-1]) or "the top level"
            location = SourceLocation(
                file=location.file, line=location.line, column=location.column, path=parent_path
            )
        elif "snake_case" in message:
            code = "E-SCHEMA-ID"
            hint = msg(
                "ids are names used in expressions and reports; keep labels for Vietnamese text"
            )
        elif etype in ("enum", "literal_error"):
            code = "E-SCHEMA-VALUE"
            expected = error.get("ctx", {}).get("expected")
            if expected:
                hint = msg("expected {expected}", expected=expected)
        elif "format version" in message:
            code = "E-SCHEMA-VERSION"
        elif etype.startswith(("date", "datetime")):
            code = "E-SCHEMA-VALUE"
            raw = error.get("input")
            message = msg("not a valid date: {raw} ({problem})", raw=repr(raw), problem=message)
            hint = msg("write dates as YYYY-MM-DD")
        elif etype == "value_error":
            raised = (error.get("ctx") or {}).get("error")
            code = raised.code if isinstance(raised, SchemaValueError) else "E-SCHEMA-VALUE"
        else:
            code = "E-SCHEMA-TYPE"
            raw = error.get("input")
            if isinstance(raw, str | type(None)):
                message = msg("{problem} (got {raw})", problem=message, raw=repr(raw))
        diags.append(Diagnostic(code=code, message=message, location=location, hint=hint))
    return diags
