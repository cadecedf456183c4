"""Diagnostics and their messages (re-exported by :mod:`udcntt.errors`, their public home).

A :class:`Message` is an English template with its arguments (build one with :func:`msg`),
rendered in English or, through the catalogue of :mod:`udcntt._messages`, in Vietnamese. A
:class:`Diagnostic` is one problem: a stable code, a :class:`Severity`, a message, where it
happened (:class:`SourceLocation`), what it concerns and a hint. Quoted input is cut to
:data:`MAX_QUOTED` characters (:func:`cut`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from udcntt._words_text import TEXT_WORDS

__all__ = [
    "LANGUAGES",
    "MAX_QUOTED",
    "Diagnostic",
    "Message",
    "Severity",
    "SourceLocation",
    "cut",
    "msg",
]


#: Languages of diagnostics: Vietnamese (the CLI's default) and English (the library's).
LANGUAGES = ("vi", "en")

#: Longest text a diagnostic quotes from its input (a value, an id, a locale, …); longer
#: text is cut in the middle with the number of characters left out.
MAX_QUOTED = 120


def cut(text: str, limit: int = MAX_QUOTED) -> str:
    """``text`` itself when short, else its head and tail around a count of what was cut.

    >>> cut("x" * 300, 20)
    'xxxxxxxxx…[282 characters]…xxxxxxxxx'
    """
    if len(text) <= limit:
        return text
    keep = max(limit // 2 - 1, 1)
    return f"{text[:keep]}…[{len(text) - 2 * keep} characters]…{text[-keep:]}"


class Message(str):
    """A diagnostic text that remembers its English template and arguments.

    It *is* the English text (a ``str``), so code that reads ``diagnostic.message`` sees
    English; :meth:`render` gives the same message in another language from the catalogue
    (``udcntt._messages``). Build one with :func:`msg`.
    """

    __slots__ = ("args", "template")
    template: str
    args: dict[str, str]

    def __new__(cls, template: str, args: dict[str, str]) -> Message:
        self = super().__new__(cls, template.format(**args))
        self.template = template
        self.args = args
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Message, (self.template, self.args))

    def render(self, lang: str) -> str:
        """The message in ``lang`` (``"vi"`` or ``"en"``); English when no translation exists."""
        if lang == "en":
            return str(self)
        from udcntt._messages import translate

        # A message may quote another message (a type name, a part of a sentence): that
        # part is rendered in ``lang`` too.
        args = {k: v.render(lang) if isinstance(v, Message) else v for k, v in self.args.items()}
        return translate(self.template, args, lang) or str(self)


def msg(template: str, /, **args: object) -> Message:
    """A translatable message: ``template`` is English with ``{name}`` fields.

    Arguments are turned into text and cut to :data:`MAX_QUOTED` characters, so a hostile
    value never floods a message; an argument that is itself a :class:`Message` (a phrase
    of udcntt's own, such as a type name) is kept whole and translated with the message.
    The Vietnamese catalogue is keyed by ``template``.

    >>> msg("unknown name '{name}'", name="staf")
    "unknown name 'staf'"
    """
    return Message(
        template, {k: v if isinstance(v, Message) else cut(str(v)) for k, v in args.items()}
    )


def _render(text: str | None, lang: str) -> str | None:
    if text is None or lang == "en" or not isinstance(text, Message):
        return text
    return text.render(lang)


# The words around a diagnostic ("agency", "hint", ...) are keyed words (udcntt._words);
# a language without them is written in English, like a message without a translation.
_ABOUT = ("agency", "criterion", "indicator", "value", "note", "hint", "at")


def _about_words(lang: str) -> tuple[str, ...]:
    entries = [TEXT_WORDS[f"diagnostic.{name}"] for name in _ABOUT]
    return tuple(entry.get(lang, entry["en"]) for entry in entries)


class Severity(StrEnum):
    """How serious a diagnostic is."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where something is in a file.

    Lines and columns count from 1. ``path`` is the YAML path (``criteria[2].points``) for
    rule files; ``sheet``, ``row`` and ``column`` locate a cell of a survey file.
    """

    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None
    sheet: str | None = None
    row: int | None = None
    cell_column: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"[{self.sheet}]")
        head = "".join(parts[:1]) + ("" if len(parts) < 2 else parts[1])
        if self.line is not None:
            head += f":{self.line}"
            if self.column is not None:
                head += f":{self.column}"
        elif self.row is not None:
            head += f":row {self.row}"
            if self.cell_column:
                head += f":col {self.cell_column}"
        return head or "<input>"

    def with_column_offset(self, offset: int) -> SourceLocation:
        """Return the location moved ``offset`` characters to the right on the same line."""
        if self.column is None:
            return self
        return replace(self, column=self.column + offset)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a rule file, an expression, survey data or an evaluation."""

    code: str
    message: str
    severity: Severity = Severity.ERROR
    location: SourceLocation | None = None
    hint: str | None = None
    criterion: str | None = None
    indicator: str | None = None
    agency: str | None = None
    value: str | None = None
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        # Quoted input is bounded here, once, whatever built the diagnostic.
        for name in ("agency", "criterion", "indicator", "value"):
            text = getattr(self, name)
            if text is not None and len(text) > MAX_QUOTED:
                object.__setattr__(self, name, cut(text))
        for name in ("message", "hint"):
            text = getattr(self, name)
            if text is not None and not isinstance(text, Message) and len(text) > 4 * MAX_QUOTED:
                object.__setattr__(self, name, cut(text, 4 * MAX_QUOTED))

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (``"vi"`` or ``"en"``)."""
        return _render(self.message, lang) or ""

    def format(self, lang: str = "en") -> str:
        """Render as ``file:line:col: error[code] message`` plus ``hint:`` lines, in ``lang``."""
        words = _about_words(lang)
        # Without a location (a usage or output problem) the line starts at the severity,
        # as compilers print errors that concern no file.
        where = f"{self.location}: " if self.location else ""
        about = []
        if self.agency:
            about.append(f"{words[0]} '{self.agency}'")
        if self.criterion:
            about.append(f"{words[1]} '{self.criterion}'")
        if self.indicator:
            about.append(f"{words[2]} '{self.indicator}'")
        if self.value is not None:
            about.append(f"{words[3]} {self.value!r}")
        suffix = f" ({', '.join(about)})" if about else ""
        # ``error[CODE]`` stays as compilers print it, in both languages: tools match it.
        lines = [f"{where}{self.severity.value}[{self.code}] {self.text(lang)}{suffix}"]
        if self.location and self.location.path:
            lines.append(f"  {words[6]}: {self.location.path}")
        lines.extend(f"  {words[4]}: {_render(note, lang)}" for note in self.notes)
        if self.hint:
            lines.append(f"  {words[5]}: {_render(self.hint, lang)}")
        return "\n".join(lines)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """A JSON-ready view, for ``--format json`` and reports."""
        loc = self.location
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.text(lang),
            "file": loc.file if loc else None,
            "line": loc.line if loc else None,
            "column": loc.column if loc else None,
            "path": loc.path if loc else None,
            "sheet": loc.sheet if loc else None,
            "row": loc.row if loc else None,
            "cell_column": loc.cell_column if loc else None,
            "criterion": self.criterion,
            "indicator": self.indicator,
            "agency": self.agency,
            "value": self.value,
            "hint": _render(self.hint, lang),
            "notes": [_render(n, lang) for n in self.notes],
        }
