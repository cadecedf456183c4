"""The parts of a JSON layout that hold one value: text, constants, decimals, integers.

With :class:`Spec`, the base of every declaration, and the problem collector. The parts
that hold others (objects, arrays, mappings) are in :mod:`udcntt.report._results_schema`,
which re-exports these names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from udcntt.errors import Diagnostic, SourceLocation, msg

__all__ = [
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_ITEMS",
    "MAX_LONG_TEXT",
    "MAX_MAGNITUDE",
    "MAX_PLACES",
    "MAX_PROBLEMS",
    "MAX_TEXT",
    "Bool",
    "Const",
    "Dec",
    "Int",
    "JsonNumber",
    "Spec",
    "Text",
]

#: Longest id, name or value text (a survey cell holds at most 10,000 characters).
MAX_TEXT = 10_000
#: Longest free text (titles, descriptions, messages, relation checks).
MAX_LONG_TEXT = 100_000
#: Most items of one list or mapping (agencies, criteria, diagnostics, …).
MAX_ITEMS = 1_000_000
#: Most significant digits of a decimal number.
MAX_DIGITS = 40
#: Largest power of ten of a decimal number (totals and inputs are far below 10^24).
MAX_MAGNITUDE = 24
#: Most decimal places of a decimal number (exact arithmetic keeps 34 digits).
MAX_PLACES = 40
#: Deepest nesting of free-form parts (traces, options).
MAX_DEPTH = 32
#: Most problems reported for one file.
MAX_PROBLEMS = 20

_FIXED = re.compile(r"-?([0-9]{1,60})(?:\.([0-9]{1,100}))?")
_DECIMAL = re.compile(r"-?[0-9]{1,60}(\.[0-9]{1,100})?([eE][+-]?[0-9]{1,4})?")
# Lone surrogates, C0/C1 controls (tab and line ends allowed in free text) and bidi controls.
_BAD_FREE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_BAD_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class JsonNumber:
    """A JSON number the results layout never writes (a fraction, a huge integer, NaN).

    The reader keeps its text instead of converting it, so the validator can name it.
    """

    text: str


class _Problems:
    """Collects diagnostics up to :data:`MAX_PROBLEMS`."""

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.items: list[Diagnostic] = []

    def add(self, code: str, path: str, message: Any, hint: Any = None) -> None:
        if len(self.items) < MAX_PROBLEMS:
            loc = SourceLocation(file=self.file, path=path or "$")
            self.items.append(Diagnostic(code=code, message=message, location=loc, hint=hint))

    @property
    def full(self) -> bool:
        return len(self.items) >= MAX_PROBLEMS


def _found(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, JsonNumber):
        return f"number {value.text[:20]}"  # NaN, 1e999999999, a 5,000-digit integer
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _wrong(p: _Problems, path: str, expected: str, value: Any) -> None:
    found = _found(value)
    if expected == "string":
        text = msg("'{path}' must be a string, not {found}", path=path, found=found)
    elif expected == "decimal":
        text = msg(
            "'{path}' must be a decimal number written as a string, not {found}",
            path=path,
            found=found,
        )
    elif expected == "integer":
        text = msg("'{path}' must be an integer, not {found}", path=path, found=found)
    elif expected == "boolean":
        text = msg("'{path}' must be true or false, not {found}", path=path, found=found)
    elif expected == "array":
        text = msg("'{path}' must be an array, not {found}", path=path, found=found)
    elif expected == "object":
        text = msg("'{path}' must be an object, not {found}", path=path, found=found)
    else:
        text = msg(
            "'{path}' must be a string, a boolean, an integer or a marker object, not {found}",
            path=path,
            found=found,
        )
    p.add(
        "E-RESULTS-TYPE",
        path,
        text,
        msg("results files are written by 'udcntt score -o FILE.json'; do not edit them by hand"),
    )


def _too_many(p: _Problems, path: str, n: int, limit: int) -> bool:
    if n <= limit:
        return False
    p.add(
        "E-RESULTS-LIMIT",
        path,
        msg("'{path}' has {n} items; at most {limit} are allowed", path=path, n=n, limit=limit),
    )
    return True


class Spec:
    """One part of the layout: its JSON Schema and its check."""

    expected = "a value"

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def ok(self, value: Any) -> bool:
        """Whether ``value`` passes, decided without building paths or diagnostics.

        The same verdict as :meth:`accepts`; specs override it with a direct test, so a
        sound file of 100,000 results is checked at a fraction of the cost of collecting
        problems (only a part that fails is checked again to say why).
        """
        return self.accepts(value)

    def check(self, value: Any, path: str, p: _Problems) -> None:
        raise NotImplementedError

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` passes (used to pick a branch of :class:`OneOf`)."""
        probe = _Problems(None)
        self.check(value, "", probe)
        return not probe.items


@dataclass(frozen=True)
class Text(Spec):
    """A string of bounded length without control characters."""

    max_len: int = MAX_TEXT
    free: bool = False
    description: str | None = None
    expected = "string"

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string", "maxLength": self.max_len}
        if self.description:
            out["description"] = self.description
        return out

    def ok(self, value: Any) -> bool:
        return (
            isinstance(value, str)
            and len(value) <= self.max_len
            and (_BAD_FREE if self.free else _BAD_NAME).search(value) is None
        )

    def check(self, value: Any, path: str, p: _Problems) -> None:
        if not isinstance(value, str):
            _wrong(p, path, self.expected, value)
            return
        if len(value) > self.max_len:
            p.add(
                "E-RESULTS-LIMIT",
                path,
                msg(
                    "'{path}' has {n} characters; at most {limit} are allowed",
                    path=path,
                    n=len(value),
                    limit=self.max_len,
                ),
            )
            return
        bad = (_BAD_FREE if self.free else _BAD_NAME).search(value)
        if bad:
            p.add(
                "E-RESULTS-VALUE",
                path,
                msg(
                    "'{path}' holds the control character U+{code}",
                    path=path,
                    code=f"{ord(bad.group()):04X}",
                ),
            )


@dataclass(frozen=True)
class Const(Spec):
    """Exactly one of the given values."""

    values: tuple[Any, ...]

    def schema(self) -> dict[str, Any]:
        if len(self.values) == 1:
            return {"const": self.values[0]}
        return {"enum": list(self.values)}

    def ok(self, value: Any) -> bool:
        return type(value) in (str, bool, int) and value in self.values

    def check(self, value: Any, path: str, p: _Problems) -> None:
        if type(value) not in (str, bool, int) or value not in self.values:
            shown = value if isinstance(value, str | int) else _found(value)
            p.add(
                "E-RESULTS-VALUE",
                path,
                msg(
                    "'{path}' is {value}; expected one of: {allowed}",
                    path=path,
                    value=repr(shown),
                    allowed=", ".join(map(repr, self.values)),
                ),
            )


@lru_cache(maxsize=32)
def _fixed_form(places: int, power: int) -> re.Pattern[str]:
    """Fixed-point text with at most ``power`` significant whole digits and ``places``
    decimals (what :meth:`Dec.check` accepts without building a Decimal)."""
    whole = rf"0*[0-9]{{1,{power}}}" if power > 0 else "0+"
    frac = rf"(?:\.[0-9]{{1,{places}}})?" if places > 0 else ""
    return re.compile(f"-?{whole}{frac}")


@dataclass(frozen=True)
class Dec(Spec):
    """A decimal number written as text: bounded digits, places and magnitude; no NaN.

    ``places`` and ``power`` are tighter for published numbers (totals, shares, maxima),
    which reports round and format: at most 10 places (what ``rounding`` allows) and
    below 10^18 keep every rounding within exact decimal precision.
    """

    description: str | None = None
    places: int = MAX_PLACES
    power: int = MAX_MAGNITUDE
    expected = "decimal"

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string", "pattern": "^" + _DECIMAL.pattern + "$"}
        if self.description:
            out["description"] = self.description
        return out

    def ok(self, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        # At most 41 characters: whole and fractional digits then stay within MAX_DIGITS.
        if len(value) <= MAX_DIGITS + 1 and _fixed_form(self.places, self.power).fullmatch(value):
            return True
        return self.accepts(value)

    def check(self, value: Any, path: str, p: _Problems) -> None:
        if not isinstance(value, str):
            _wrong(p, path, self.expected, value)
            return
        fixed = _FIXED.fullmatch(value)
        if fixed is not None:
            whole, frac = fixed.group(1).lstrip("0"), fixed.group(2) or ""
            if (
                len(whole) <= self.power
                and len(frac) <= self.places
                and len(whole) + len(frac) <= MAX_DIGITS
            ):
                return  # the common case, decided without building a Decimal
        if not _DECIMAL.fullmatch(value):
            p.add(
                "E-RESULTS-VALUE",
                path,
                msg("'{path}' is not a decimal number: {value}", path=path, value=repr(value)),
            )
            return
        number = Decimal(value)  # the pattern admits only valid finite numbers
        exponent = number.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        if (
            len(number.as_tuple().digits) > MAX_DIGITS
            or places > self.places
            or (number and number.adjusted() >= self.power)
        ):
            p.add(
                "E-RESULTS-LIMIT",
                path,
                msg("'{path}' is out of range: {value}", path=path, value=repr(value)),
                msg(
                    "numbers here have at most {digits} digits, {places} decimal places, "
                    "and stay below 10^{power}",
                    digits=MAX_DIGITS,
                    places=self.places,
                    power=self.power,
                ),
            )


@dataclass(frozen=True)
class Int(Spec):
    """An integer within bounds (``true``/``false`` are not integers)."""

    lo: int
    hi: int
    description: str | None = None
    expected = "integer"

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer", "minimum": self.lo, "maximum": self.hi}
        if self.description:
            out["description"] = self.description
        return out

    def ok(self, value: Any) -> bool:
        return type(value) is int and self.lo <= value <= self.hi

    def check(self, value: Any, path: str, p: _Problems) -> None:
        if type(value) is not int:
            _wrong(p, path, self.expected, value)
        elif not self.lo <= value <= self.hi:
            p.add(
                "E-RESULTS-LIMIT",
                path,
                msg(
                    "'{path}' is {value}, outside {lo}..{hi}",
                    path=path,
                    value=value,
                    lo=self.lo,
                    hi=self.hi,
                ),
            )


class Bool(Spec):
    """``true`` or ``false``."""

    expected = "boolean"

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}

    def ok(self, value: Any) -> bool:
        return isinstance(value, bool)

    def check(self, value: Any, path: str, p: _Problems) -> None:
        if not isinstance(value, bool):
            _wrong(p, path, self.expected, value)
