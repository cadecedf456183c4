"""The JSON Schema of rule files, for editors (YAML language servers) and docs."""

from __future__ import annotations

from typing import Any

from udcntt.model._ruleset import RuleSet

__all__ = ["rule_file_json_schema"]


def rule_file_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a rule file, generated from the pydantic models.

    Rule files are YAML whose scalars are read as text and converted by the field they are
    in, so number fields also accept strings; the schema says what the loader accepts.
    Point an editor at it with a first line ``# yaml-language-server: $schema=...``.
    """
    schema = RuleSet.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "udcntt rule file"
    schema["description"] = (
        "A criteria set (bộ tiêu chí) for assessing state agencies' IT application and "
        "digital transformation. See the rule-file reference of udcntt."
    )
    props = schema.setdefault("properties", {})
    for key in ("modify", "remove", "add"):
        props[key] = {
            "description": f"'{key}' patches the criteria of the rule set named by 'extends'",
        }
    return schema
