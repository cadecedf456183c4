"""The locale and the spellings a survey cell is read under.

:func:`parse_locale` accepts a language or a language and a country that Babel knows (and
names the close or the common ones otherwise); :class:`ValueContext` bundles the locale's
separators with the declared spellings of yes, no, not applicable and missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol, get_group_symbol

from udcntt.data._text import match_key
from udcntt.errors import UsageError, did_you_mean, msg
from udcntt.model import (
    DEFAULT_FALSE,
    DEFAULT_MISSING,
    DEFAULT_NOT_APPLICABLE,
    DEFAULT_TRUE,
    SurveyLayout,
)

__all__ = ["COMMON_LOCALES", "ValueContext", "parse_locale"]


#: Locales named when an unknown one is given: vi-VN writes 1.234,5; en-US 1,234.5.
COMMON_LOCALES = ("vi-VN", "en-US", "en-GB", "fr-FR", "de-DE")
# A language, or a language and a country (vi, vi-VN, vi_VN): not "root", "C" or "und".
_LOCALE_NAME = re.compile(r"^(?!und|root)[A-Za-z]{2,3}(?:[-_][A-Za-z]{2})?$")


@lru_cache(maxsize=64)
def parse_locale(name: str) -> Locale:
    """A Babel locale from ``vi-VN`` or ``vi_VN``.

    Only a language (``vi``) or a language and a country (``vi-VN``) is accepted; Babel's
    pseudo-locales (``root``, ``und``, ``C``) are not.

    Raises:
        UsageError: when Babel does not know the locale; the hint names the close ones or
            the common ones.
    """
    if not isinstance(name, str) or not _LOCALE_NAME.match(name):
        raise _unknown_locale(name)
    try:
        return Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise _unknown_locale(name) from exc


def _unknown_locale(name: object) -> UsageError:
    from babel.localedata import locale_identifiers

    known = sorted(
        ident.replace("_", "-") for ident in locale_identifiers() if _LOCALE_NAME.match(ident)
    )
    shown = str(name).replace("_", "-")
    return UsageError(
        msg("unknown locale {locale}", locale=repr(shown)),
        hint=did_you_mean(shown, known)
        or msg(
            "use {common} (or another of the {count} language-COUNTRY codes Babel knows)",
            common=", ".join(COMMON_LOCALES),
            count=len(known),
        ),
    )


@dataclass(frozen=True)
class ValueContext:
    """The locale and the spellings used to read cells."""

    locale_name: str = "vi-VN"
    not_applicable: frozenset[str] = frozenset(match_key(s) for s in DEFAULT_NOT_APPLICABLE)
    missing: frozenset[str] = frozenset(match_key(s) for s in DEFAULT_MISSING)
    true_values: frozenset[str] = frozenset(match_key(s) for s in DEFAULT_TRUE)
    false_values: frozenset[str] = frozenset(match_key(s) for s in DEFAULT_FALSE)
    yes_no_hint: str = msg("write Có or Không (also x, C/K, 1/0)")
    locale: Locale = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "locale", parse_locale(self.locale_name))

    # Babel reads a locale's data (tens of milliseconds) on first use: a survey of plain
    # figures never needs it.
    @cached_property
    def decimal_symbol(self) -> str:
        """The locale's decimal separator (``,`` in vi-VN)."""
        return get_decimal_symbol(self.locale)

    @cached_property
    def group_symbol(self) -> str:
        """The locale's group separator (``.`` in vi-VN)."""
        return get_group_symbol(self.locale)

    @classmethod
    def from_layout(cls, layout: SurveyLayout, locale_name: str) -> ValueContext:
        """The context a layout declares, under ``locale_name``."""
        return cls(
            locale_name=locale_name,
            not_applicable=frozenset(match_key(s) for s in layout.not_applicable),
            missing=frozenset(match_key(s) for s in layout.missing),
            true_values=frozenset(match_key(s) for s in layout.true_values),
            false_values=frozenset(match_key(s) for s in layout.false_values),
            yes_no_hint=msg(
                "write {yes} or {no}",
                yes="/".join(layout.true_values[:3]),
                no="/".join(layout.false_values[:3]),
            ),
        )


class _Bad(Exception):
    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint
