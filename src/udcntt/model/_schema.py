"""The JSON Schema of rule files, for editors (YAML language servers) and docs."""

from __future__ import annotations

from typing import Any

from udcntt._kinds import RULE_TYPES
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
    _rule_type_properties(schema)
    props = schema.setdefault("properties", {})
    for key in ("modify", "remove", "add"):
        props[key] = {
            "description": f"'{key}' patches the criteria of the rule set named by 'extends'",
        }
    return schema


def _rule_type_properties(schema: dict[str, Any]) -> None:
    """Each registered rule type's key on criteria and rules, with its own schema."""
    defs = schema.setdefault("$defs", {})
    keys: dict[str, Any] = {}
    for rule_type in RULE_TYPES:
        sub = rule_type.schema.model_json_schema(mode="validation", ref_template="#/$defs/{model}")
        defs.update(sub.pop("$defs", {}))
        name = rule_type.schema.__name__
        sub.setdefault("description", rule_type.doc)
        defs[name] = sub
        keys[rule_type.name] = {"$ref": f"#/$defs/{name}"}
    for model in ("Criterion", "Rule"):
        node = defs.get(model)
        if node is None:
            continue
        props = node.setdefault("properties", {})
        props.pop("rules", None)
        props.update(keys)
