"""Collecting diagnostics while checking a rule set, and locating its parts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from udcntt.errors import Diagnostic, Severity, SourceLocation, UdcnttError
from udcntt.loading import RuleSource, path_text
from udcntt.model import Criterion, RuleSet

__all__ = ["CheckContext", "criterion_nodes", "criterion_paths"]

_Path = tuple[str | int, ...]


def criterion_nodes(rules: RuleSet) -> list[tuple[Criterion, _Path]]:
    """Every criterion with its YAML path, parents before children, in file order."""
    out: list[tuple[Criterion, _Path]] = []
    stack: list[tuple[Criterion, _Path]] = [
        (c, ("criteria", i)) for i, c in reversed(list(enumerate(rules.criteria)))
    ]
    while stack:
        node, path = stack.pop()
        out.append((node, path))
        if node.children:
            stack.extend(
                (c, (*path, "children", i)) for i, c in reversed(list(enumerate(node.children)))
            )
    return out


def criterion_paths(rules: RuleSet) -> dict[str, _Path]:
    """YAML path of every criterion, by id (first occurrence wins)."""
    out: dict[str, _Path] = {}
    for node, path in criterion_nodes(rules):
        out.setdefault(node.id, path)
    return out


@dataclass
class CheckContext:
    """Accumulates diagnostics; locates YAML paths through the rule set's source map."""

    rules: RuleSet
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def source(self) -> RuleSource | None:
        src = self.rules.source
        return src if isinstance(src, RuleSource) else None

    def locate(self, path: _Path) -> SourceLocation:
        src = self.source
        loc = src.locate(path) if src is not None else None
        if loc is None:
            return SourceLocation(path=path_text(path))
        return SourceLocation(file=loc.file, line=loc.line, column=loc.column, path=path_text(path))

    def written(self, path: _Path) -> bool:
        """Whether ``path`` itself is written in the rule file (not only an ancestor)."""
        src = self.source
        return src is not None and tuple(path) in src.marks

    def error(
        self,
        code: str,
        message: str,
        path: _Path,
        *,
        hint: str | None = None,
        criterion: str | None = None,
        indicator: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.diagnostics.append(
            Diagnostic(
                code=code,
                message=message,
                severity=severity,
                location=self.locate(path),
                hint=hint,
                criterion=criterion,
                indicator=indicator,
            )
        )

    def warning(self, code: str, message: str, path: _Path, **kw: Any) -> None:
        self.error(code, message, path, severity=Severity.WARNING, **kw)

    @contextmanager
    def collecting(self) -> Iterator[None]:
        """Record a raised UdcnttError's diagnostics instead of propagating it."""
        try:
            yield
        except UdcnttError as exc:
            self.diagnostics.extend(exc.diagnostics)

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)
