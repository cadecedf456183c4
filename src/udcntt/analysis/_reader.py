"""Reading an analysis file's values with located diagnostics (used by ``_spec``).

Every check appends a :class:`~udcntt.errors.Diagnostic` located at the node's
``file:line:col`` (from :meth:`udcntt.loading.YamlDocument.locate`) and goes on, so that one
reading reports every problem of the file.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from udcntt.errors import Diagnostic, SourceLocation, did_you_mean, msg
from udcntt.loading import YamlDocument, path_text

__all__ = ["Reader"]

_Path = tuple[str | int, ...]


class Reader:
    """Collects located diagnostics while walking the document."""

    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.diagnostics: list[Diagnostic] = []

    def error(self, code: str, message: str, path: _Path, hint: str | None = None) -> None:
        loc = self.doc.locate(path)
        if loc.path is None or loc.path == "":
            loc = SourceLocation(
                file=loc.file, line=loc.line, column=loc.column, path=path_text(path)
            )
        self.diagnostics.append(Diagnostic(code=code, message=message, location=loc, hint=hint))

    def mapping(self, value: Any, path: _Path, allowed: tuple[str, ...]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error("E-ANALYSIS-SCHEMA", msg("expected a mapping"), path)
            return None
        for key in value:
            if key not in allowed:
                self.error(
                    "E-ANALYSIS-SCHEMA",
                    msg("unknown key '{key}' in the analysis file", key=key),
                    (*path, key),
                    did_you_mean(str(key), allowed)
                    or msg("allowed keys: {keys}", keys=", ".join(allowed)),
                )
        return value

    def number(
        self, value: Any, path: _Path, *, minimum: float = 0.0, strict: bool = False
    ) -> float | None:
        """A finite number ≥ ``minimum`` (> when ``strict``), or a located error."""
        text = str(value).strip()
        if text.lower() in (".nan", ".inf", "+.inf", "-.inf"):
            # YAML's spellings of the non-finite numbers: refused below as spreads.
            text = text.lower().replace(".", "", 1)
        try:
            x = float(text)
        except ValueError:
            self.error("E-ANALYSIS-SCHEMA", msg("'{value}' is not a number", value=value), path)
            return None
        if not math.isfinite(x) or x < minimum or (strict and x == minimum):
            self.error(
                "E-ANALYSIS-SPREAD",
                msg(
                    "'{value}' must be a finite number above {minimum}",
                    value=value,
                    minimum=f"{minimum:g}",
                )
                if strict
                else msg(
                    "'{value}' must be a finite number of at least {minimum}",
                    value=value,
                    minimum=f"{minimum:g}",
                ),
                path,
                msg("a spread is a percentage (10 means ±10 %), never negative"),
            )
            return None
        return x

    def integer(self, value: Any, path: _Path, lo: int, hi: int) -> int | None:
        text = str(value)
        if not (text.isascii() and text.isdigit()) or not lo <= int(text) <= hi:
            self.error(
                "E-ANALYSIS-SCHEMA",
                msg(
                    "'{value}' must be a whole number from {lo} to {hi}", value=value, lo=lo, hi=hi
                ),
                path,
            )
            return None
        return int(text)

    def name(self, value: Any, path: _Path) -> str | None:
        if not isinstance(value, str) or not value:
            self.error("E-ANALYSIS-SCHEMA", msg("expected an id"), path)
            return None
        return value

    def choices(self, value: Any, path: _Path, allowed: tuple[str, ...]) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            self.error("E-ANALYSIS-SCHEMA", msg("expected a non-empty list of methods"), path)
            return ()
        out: list[str] = []
        for i, item in enumerate(value):
            if item not in allowed:
                self.error(
                    "E-ANALYSIS-VALUE",
                    msg("unknown method '{name}'", name=item),
                    (*path, i),
                    did_you_mean(str(item), allowed)
                    or msg("allowed: {keys}", keys=", ".join(allowed)),
                )
            elif item in out:
                self.error(
                    "E-ANALYSIS-VALUE",
                    msg("method '{name}' is listed twice", name=item),
                    (*path, i),
                )
            else:
                out.append(str(item))
        return tuple(out)

    def decimals(self, value: Any, path: _Path) -> tuple[Decimal, ...]:
        if not isinstance(value, list) or not value:
            self.error("E-ANALYSIS-SCHEMA", msg("expected a non-empty list of alternatives"), path)
            return ()
        out = []
        for i, item in enumerate(value):
            d = self.decimal(item, (*path, i))
            if d is not None:
                out.append(d)
        return tuple(out)

    def decimal(self, value: Any, path: _Path) -> Decimal | None:
        try:
            d = Decimal(str(value))
        except (InvalidOperation, ValueError):
            d = None
        if d is None or not d.is_finite() or d < 0:
            self.error(
                "E-ANALYSIS-SPREAD",
                msg(
                    "'{value}' must be a finite number of at least {minimum}",
                    value=value,
                    minimum=0,
                ),
                path,
            )
            return None
        return d
