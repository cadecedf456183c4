"""Reading rule files: strict YAML with locations, ``extends``, schema validation."""

from udcntt.loading._extends import MAX_EXTENDS_DEPTH, RuleSource, SourceFile
from udcntt.loading._load import load_document
from udcntt.loading._yaml import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    YamlDocument,
    parse_yaml,
    path_text,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_EXTENDS_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "RuleSource",
    "SourceFile",
    "YamlDocument",
    "load_document",
    "parse_yaml",
    "path_text",
]
