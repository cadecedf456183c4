"""From a file (or text) to a schema-valid :class:`~udcntt.model.RuleSet`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from udcntt.errors import Diagnostic, RuleFileError, msg
from udcntt.expressions import check_requirement
from udcntt.loading._extends import RuleSource, resolve
from udcntt.loading._schema_errors import schema_diagnostics
from udcntt.model import RuleSet

__all__ = ["load_document"]


def load_document(source: str | Path, *, text: str | bytes | None = None) -> RuleSet:
    """Read a rule file, resolve ``extends`` and validate it against the schema.

    Args:
        source: path of the rule file (also the name used in diagnostics when ``text`` is
            given).
        text: the file's content, to load from memory instead of reading ``source``.

    Returns:
        The rule set, with its :class:`RuleSource` attached as ``rules.source``. Static
        checks (names, budgets, tiers) are not run here: see :func:`udcntt.load_rules`.

    Raises:
        RuleFileError: with every schema problem found, each located as file:line:col.
    """
    path = Path(source)
    raw = text.encode("utf-8") if isinstance(text, str) else text
    data, src = resolve(path, raw)
    if isinstance(data, dict) and isinstance(data.get("requires"), dict):
        # Missing plugins first: without them, their keys would only be "unknown".
        _check_requires(data["requires"], src)
    try:
        rules = RuleSet.model_validate(data)
    except ValidationError as exc:
        raise RuleFileError.from_diagnostics(schema_diagnostics(exc, src)) from None
    except RecursionError as exc:  # pragma: no cover - the YAML depth limit comes first
        raise RuleFileError(msg("rule file nested too deeply"), code="E-YAML-DEPTH") from exc
    rules._source = src
    _check_requires(rules.requires, src)
    return rules


def _check_requires(requires: Mapping[Any, Any], src: RuleSource) -> None:
    """Every plugin of ``requires:`` is installed in a matching version (``E-REQUIRES``).

    Also run on the raw mapping before the schema, so a rule file using a missing plugin's
    rule type is told to install the plugin; entries that are not text are left to the
    schema to report.
    """
    problems = []
    for dist, specifier in requires.items():
        if not isinstance(dist, str) or not isinstance(specifier, str):
            continue
        problem = check_requirement(dist, specifier)
        if problem is not None:
            message, hint = problem
            problems.append(
                Diagnostic(
                    code="E-REQUIRES",
                    message=message,
                    location=src.locate(("requires", dist)),
                    hint=hint,
                )
            )
    if problems:
        raise RuleFileError.from_diagnostics(problems)
