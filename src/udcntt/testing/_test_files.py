"""Reading a ``*.test.yaml`` file for the pytest plugin: its rule file and its test cases.

Like the plugin, it imports udcntt's loading and scoring only when a file is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from udcntt.errors import Diagnostic
    from udcntt.model import RuleSet, TestCase


__all__ = ["UnusableFile"]


class UnusableFile(Exception):
    """A rule file or a ``.test.yaml`` file cannot be used (carries the diagnostics)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


def _load_test_file(
    path: Path, display: str
) -> tuple[RuleSet, list[tuple[TestCase | None, int | None, Diagnostic | None]], str]:
    from pydantic import ValidationError

    from udcntt.errors import Diagnostic, SourceLocation, msg
    from udcntt.loading import parse_yaml
    from udcntt.model import TestCase
    from udcntt.program import load_rules

    doc = parse_yaml(path.read_bytes(), file=display)
    data = doc.data
    if not isinstance(data, dict):
        raise UnusableFile(
            [
                Diagnostic(
                    "E-TEST-SHAPE",
                    msg("a .test.yaml file is a mapping with 'rules' and 'tests'"),
                    location=doc.locate(()),
                )
            ]
        )
    unknown = sorted(set(data) - {"rules", "tests", "description", "udcntt"})
    if unknown:
        raise UnusableFile(
            [
                Diagnostic(
                    "E-TEST-SHAPE",
                    msg(
                        "unknown key '{key}' in a .test.yaml file (keys: rules, tests, description)",
                        key=unknown[0],
                    ),
                    location=doc.locate((unknown[0],)),
                )
            ]
        )
    ref = data.get("rules")
    tests = data.get("tests")
    if not isinstance(ref, str) or not isinstance(tests, list):
        raise UnusableFile(
            [
                Diagnostic(
                    "E-TEST-SHAPE",
                    msg("a .test.yaml file needs 'rules: path/to/rules.yaml' and a 'tests:' list"),
                    location=doc.locate(()),
                    hint=msg("the rules path is relative to the .test.yaml file"),
                )
            ]
        )
    rules_path = path.parent / ref
    if not rules_path.is_file():
        raise UnusableFile(
            [
                Diagnostic(
                    "E-TEST-SHAPE",
                    msg(
                        "rule file '{rules}' not found (looked for {path})",
                        rules=ref,
                        path=rules_path,
                    ),
                    location=doc.locate(("rules",)),
                    hint=msg("the rules path is relative to the .test.yaml file"),
                )
            ]
        )
    rules = load_rules(rules_path)
    cases: list[tuple[TestCase | None, int | None, Diagnostic | None]] = []
    for i, entry in enumerate(tests):
        loc: SourceLocation = doc.locate(("tests", i))
        try:
            case = TestCase.model_validate(entry)
        except ValidationError as exc:
            first = exc.errors()[0]
            key = tuple(first.get("loc", ()))
            where = ".".join(str(p) for p in key)
            name = entry.get("name") if isinstance(entry, dict) else None
            label = (
                msg("test '{name}'", name=name)
                if isinstance(name, str)
                else msg("test {number}", number=i + 1)
            )
            problem = Diagnostic(
                "E-TEST-SHAPE",
                msg(
                    "{label}: {where}: {problem}",
                    label=label,
                    where=where,
                    problem=first.get("msg"),
                ),
                location=doc.locate(("tests", i, *key)),
                hint=msg(
                    "a test has name, block, inputs, not_applicable, missing, expect, tolerance (or agencies: [...])"
                ),
            )
            cases.append((None, loc.line, problem))
            continue
        cases.append((case, loc.line, None))
    return rules, cases, display
