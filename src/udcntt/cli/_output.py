"""Terminal output: diagnostics, colours only on a terminal, two languages.

The CLI's own lines are keyed ``cli.<name>`` in the catalogue of keyed words
(:mod:`udcntt._words`); :meth:`Printer.t` looks them up in the chosen language.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TextIO

from udcntt._words import check_lang, word
from udcntt.errors import Diagnostic, Severity

__all__ = ["Printer"]


class Printer:
    """Writes human or machine output; colours only when the stream is a terminal."""

    def __init__(
        self,
        lang: str = "vi",
        *,
        color: bool | None = None,
        stream: TextIO | None = None,
        err: TextIO | None = None,
    ) -> None:
        """Print in ``lang``: results to ``stream``, notes to ``err`` (the standard streams
        by default).

        Raises:
            UsageError: when ``lang`` is not ``"vi"`` or ``"en"``.
        """
        check_lang(lang)
        self.lang = lang
        self.out = stream or sys.stdout
        self.err = err or sys.stderr
        if color is None:
            color = (
                self.err.isatty()
                and "NO_COLOR" not in os.environ
                and os.environ.get("TERM") != "dumb"
            )
        self.color = color

    def t(self, key: str, **kw: object) -> str:
        """The message ``key`` in the chosen language."""
        return word(f"cli.{key}", self.lang, **kw)

    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def diagnostic(self, d: Diagnostic) -> None:
        text = d.format(self.lang)
        if self.color:
            first, _, rest = text.partition("\n")
            tag = f"{d.severity.value}[{d.code}]"
            colour = "1;31" if d.severity is Severity.ERROR else "1;33"
            first = first.replace(tag, self._paint(tag, colour), 1)
            text = first + ("\n" + rest if rest else "")
        print(text, file=self.err)

    def diagnostics(self, diags: Iterable[Diagnostic]) -> None:
        for d in diags:
            self.diagnostic(d)

    def line(self, text: str = "") -> None:
        print(text, file=self.out)

    def note(self, text: str) -> None:
        print(text, file=self.err)

    def success(self, text: str) -> None:
        print(self._paint(text, "32"), file=self.err)
