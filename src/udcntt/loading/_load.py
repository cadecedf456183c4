"""From a file (or text) to a schema-valid :class:`~udcntt.model.RuleSet`."""

from __future__ import annotations

from pathlib import Path

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
    try:
        rules = RuleSet.model_validate(data)
    except ValidationError as exc:
        raise RuleFileError.from_diagnostics(schema_diagnostics(exc, src)) from None
    except RecursionError as exc:  # pragma: no cover - the YAML depth limit comes first
        raise RuleFileError(msg("rule file nested too deeply"), code="E-YAML-DEPTH") from exc
    rules._source = src
    _check_requires(rules, src)
    return rules


def _check_requires(rules: RuleSet, src: RuleSource) -> None:
    """Every plugin of ``requires:`` is installed in a matching version (``E-REQUIRES``)."""
    problems = []
    for dist, specifier in rules.requires.items():
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
