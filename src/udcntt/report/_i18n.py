"""The reports' access to the catalogue of keyed words (:mod:`udcntt._words`).

The fixed words of the reports are keyed ``report.<name>`` in the catalogue; :func:`t` is
the reports' shorthand for them, used by every writer and by the HTML templates (``T``).
Survey and rule-set text (agency names, block, tier and criterion labels) is never
translated: it is printed as the province wrote it.
"""

from __future__ import annotations

from typing import Any

from udcntt._words import TIER_WORDS_EN, tier_word, word

__all__ = ["TIER_WORDS_EN", "t", "tier_word"]


def t(lang: str, key: str, **values: Any) -> str:
    """The fixed report text ``key`` in ``lang``, with ``{placeholders}`` filled in.

    Raises:
        UsageError: when ``lang`` is not ``"vi"`` or ``"en"``.
        KeyError: when ``report.<key>`` is not in the catalogue.
    """
    return word(f"report.{key}", lang, **values)
