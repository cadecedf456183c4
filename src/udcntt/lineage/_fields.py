"""Reading the fields of a lineage or crosswalk file: located, strict, every problem kept.

Both files are read with :func:`udcntt.loading.parse_yaml` (every scalar stays text, every
node keeps its line and column); a :class:`FieldReader` turns the text into typed values
and records one located :class:`~udcntt.errors.Diagnostic` per problem, so a file with
several mistakes is reported in one run.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from udcntt.errors import DataError, Diagnostic, SourceLocation, did_you_mean, msg
from udcntt.loading import MAX_FILE_BYTES, YamlDocument, parse_yaml

__all__ = ["ID_PATTERN", "FieldReader", "parse_date", "read_document"]

#: Ids of units, indicators and criteria: short ASCII codes.
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_VN = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_Path = tuple[str | int, ...]


def parse_date(text: str) -> dt.date | None:
    """``2025-07-01`` or ``01/07/2025`` (day first, as Vietnamese documents write it).

    >>> parse_date("01/07/2025")
    datetime.date(2025, 7, 1)
    >>> parse_date("2025-02-30") is None
    True
    """
    text = text.strip()
    iso = _ISO.match(text)
    vn = _VN.match(text)
    try:
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        if vn:
            return dt.date(int(vn[3]), int(vn[2]), int(vn[1]))
    except ValueError:
        return None
    return None


class FieldReader:
    """Typed access to a parsed document; problems are collected with their location."""

    __slots__ = ("code", "diagnostics", "doc")

    def __init__(self, doc: YamlDocument, code: str) -> None:
        self.doc = doc
        self.code = code
        self.diagnostics: list[Diagnostic] = []

    def at(self, path: _Path) -> SourceLocation:
        """The location of ``path`` (or its nearest located parent)."""
        return self.doc.locate(path)

    def error(
        self, code: str | None, message: str, path: _Path, hint: str | None = None, **about: Any
    ) -> None:
        """Record a problem at ``path``."""
        self.diagnostics.append(
            Diagnostic(
                code=code or self.code, message=message, location=self.at(path), hint=hint, **about
            )
        )

    def mapping(self, value: Any, path: _Path, keys: Iterable[str], what: str) -> bool:
        """Whether ``value`` is a mapping with only ``keys`` (each unknown key is reported)."""
        if not isinstance(value, dict):
            self.error(None, msg("{what} is a mapping of keys and values", what=what), path)
            return False
        allowed = list(keys)
        ok = True
        for key in value:
            if key not in allowed:
                self.error(
                    None,
                    msg("unknown key '{key}' in {what}", key=key, what=what),
                    (*path, key),
                    did_you_mean(str(key), allowed),
                )
                ok = False
        return ok

    def text(self, value: Any, path: _Path, what: str, *, required: bool = True) -> str | None:
        """A non-empty text, or ``None`` (reported when required)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(None, msg("'{key}' is required", key=what), path)
            return None
        if not isinstance(value, str):
            self.error(None, msg("'{key}' is a text, not a list or mapping", key=what), path)
            return None
        return value.strip()

    def ident(self, value: Any, path: _Path, what: str) -> str | None:
        """A short ASCII id (letters, digits, ``_ . -``), or ``None`` (reported)."""
        text = self.text(value, path, what)
        if text is not None and not ID_PATTERN.match(text):
            self.error(
                None,
                msg("'{value}' is not a short code (letters, digits, _ . -)", value=text),
                path,
            )
            return None
        return text

    def idents(self, value: Any, path: _Path, what: str) -> list[str]:
        """One id or a list of ids."""
        if isinstance(value, str):
            one = self.ident(value, path, what)
            return [one] if one else []
        if not isinstance(value, list) or not value:
            self.error(None, msg("'{key}' is an id or a list of ids", key=what), path)
            return []
        out = []
        for i, item in enumerate(value):
            one = self.ident(item, (*path, i), what)
            if one:
                out.append(one)
        return out

    def date(self, value: Any, path: _Path, what: str) -> dt.date | None:
        """A calendar date, ISO (``2025-07-01``) or day first (``01/07/2025``)."""
        text = self.text(value, path, what)
        if text is None:
            return None
        day = parse_date(text)
        if day is None:
            self.error(
                None,
                msg("'{value}' is not a date", value=text),
                path,
                msg("write dates as 2025-07-01 or 01/07/2025"),
            )
        return day

    def decimal(self, value: Any, path: _Path, what: str) -> Decimal | None:
        """A decimal number (``0.6`` or ``60%``)."""
        text = self.text(value, path, what)
        if text is None:
            return None
        try:
            number = Decimal(text[:-1].strip()) / 100 if text.endswith("%") else Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.error(None, msg("'{value}' is not a number", value=text), path)
            return None
        return number

    def flag(self, value: Any, path: _Path, what: str) -> bool | None:
        """``true``/``false`` (also yes/no, có/không)."""
        if value is None:
            return None
        text = str(value).strip().casefold()
        if text in ("true", "yes", "có", "co", "1"):
            return True
        if text in ("false", "no", "không", "khong", "0"):
            return False
        self.error(None, msg("'{key}' is true or false", key=what), path)
        return None


def read_document(path: Path, text: str | bytes | None, code: str) -> FieldReader:
    """Read a lineage or crosswalk file (or ``text``) strictly, ready for its checks.

    Raises:
        DataError: ``E-IO`` when the file cannot be read, or the YAML layer's located
            diagnostics (size, syntax, duplicate keys …).
    """
    if text is None:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raw: bytes | str = b"\0" * (MAX_FILE_BYTES + 1)  # parse_yaml reports the size
            else:
                raw = path.read_bytes()
        except OSError as exc:
            raise DataError(
                msg("cannot read '{path}': {reason}", path=path, reason=exc.strerror or exc),
                code="E-IO",
                location=SourceLocation(file=str(path)),
            ) from exc
    else:
        raw = text
    try:
        doc = parse_yaml(raw, file=str(path))
    except DataError:
        raise
    except Exception as exc:  # a RuleFileError of the YAML layer: same diagnostics
        diagnostics = getattr(exc, "diagnostics", None)
        if diagnostics is None:
            raise
        raise DataError.from_diagnostics(diagnostics) from None
    return FieldReader(doc, code)
