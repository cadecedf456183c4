"""The catalogue of keyed words: the fixed texts of reports, the narrative and the CLI.

udcntt speaks Vietnamese and English. Its texts live in two catalogues, one per kind of
text, and nowhere else:

- **Diagnostics** (:mod:`udcntt._messages`): a message is written in English where it is
  raised, ``msg("unknown name '{name}'", name=...)``, and the English template is the key of
  its Vietnamese rendering. The template travels with the diagnostic (JSON output, logs),
  so the English sentence is the natural key.
- **Keyed words** (this module): headings, labels, notes and sentence patterns of the
  reports, the narrative, ``udcntt explain`` and the CLI's own lines. They are looked up by
  a stable key (``"report.total"``, ``"cli.wrote"``) with :func:`word`, because neither
  language is the source of the other and the same key is used by several writers.

Keyed words sit beside the diagnostic catalogue rather than in it: a diagnostic template is
an English sentence, a keyed word is a name with two renderings, and mixing them would make
one lookup guess which kind it holds. Both are below every package that prints text, so
any module may use them.

The tables are split by area (:mod:`udcntt._words_report`, :mod:`udcntt._words_text`); each
key has a ``"vi"`` and an ``"en"`` rendering with the same ``{fields}`` (an empty rendering
means the language says nothing there). What differs between the languages beyond words,
such as Vietnamese headings in capitals or labels lower-cased inside a sentence, is a
property of the language in :data:`STYLE`, asked through :func:`style`, so no module
outside this catalogue compares a language code. An unknown language is refused by
:func:`check_lang`, the one place that knows the languages.

>>> word("report.total", "vi")
'Tổng điểm'
>>> word("cli.wrote", "en", path="out.docx")
'wrote out.docx'
>>> word_n("narrative.agencies", 1, "en", n=1)
'1 agency'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from udcntt._words_analysis import ANALYSIS_WORDS
from udcntt._words_charts import CHART_WORDS
from udcntt._words_docx import DOCX_WORDS
from udcntt._words_lineage import LINEAGE_WORDS
from udcntt._words_report import REPORT_WORDS
from udcntt._words_scale import SCALE_WORDS
from udcntt._words_text import TEXT_WORDS
from udcntt.errors import UsageError, msg

__all__ = [
    "LANGS",
    "STYLE",
    "TIER_WORDS_EN",
    "WORDS",
    "check_lang",
    "heading",
    "in_sentence",
    "join_words",
    "lower_first",
    "style",
    "tier_word",
    "word",
    "word_n",
]

#: The languages udcntt speaks, with their Babel locales.
LANGS: dict[str, str] = {"vi": "vi_VN", "en": "en_US"}

#: Every keyed word: key → {language → text with ``{fields}``}.
WORDS: dict[str, dict[str, str]] = {
    **REPORT_WORDS,
    **TEXT_WORDS,
    **LINEAGE_WORDS,
    **ANALYSIS_WORDS,
    **DOCX_WORDS,
    **CHART_WORDS,
    **SCALE_WORDS,
}

#: What a language does beyond its words.
#:
#: - ``upper_headings``: document and sheet titles are printed in capitals.
#: - ``lower_in_sentence``: a label quoted inside a sentence starts lower-case.
#: - ``short_part_labels``: a part is named by what its label adds to its whole's label.
#: - ``tier_translation``: a tier label is followed by its usual name in this language.
#: - ``units_in_prose``: the narrative writes an indicator's unit after its value.
STYLE: dict[str, dict[str, bool]] = {
    "vi": {
        "upper_headings": True,
        "lower_in_sentence": True,
        "short_part_labels": True,
        "tier_translation": False,
        "units_in_prose": True,
    },
    "en": {
        "upper_headings": False,
        "lower_in_sentence": False,
        "short_part_labels": False,
        "tier_translation": True,
        "units_in_prose": False,
    },
}

#: English names of the usual Vietnamese tier labels (printed beside the original).
TIER_WORDS_EN: dict[str, str] = {
    "Xuất sắc": "Excellent",
    "Tốt": "Good",
    "Khá": "Fair",
    "Trung bình": "Average",
    "Yếu": "Weak",
    "Kém": "Poor",
}


def check_lang(lang: str) -> str:
    """Return the Babel locale of ``lang``.

    Raises:
        UsageError: when ``lang`` is not ``"vi"`` or ``"en"``.
    """
    try:
        return LANGS[lang]
    except KeyError:
        raise UsageError(
            msg("unknown report language {lang}", lang=repr(lang)),
            code="E-USAGE",
            hint=msg("use 'vi' (Vietnamese) or 'en' (English)"),
        ) from None


def word(key: str, lang: str, /, **fields: Any) -> str:
    """The text ``key`` in ``lang``, with its ``{fields}`` filled in.

    Raises:
        UsageError: when ``lang`` is not ``"vi"`` or ``"en"``.
        KeyError: when ``key`` is not in the catalogue (a programming error).
    """
    check_lang(lang)
    text = WORDS[key][lang]
    return text.format(**fields) if fields else text


def word_n(key: str, count: int, lang: str, /, **fields: Any) -> str:
    """The text ``key.one`` when ``count`` is 1, else ``key.many``.

    Raises:
        UsageError: when ``lang`` is not ``"vi"`` or ``"en"``.
        KeyError: when the key is not in the catalogue (a programming error).
    """
    return word(f"{key}.{'one' if count == 1 else 'many'}", lang, **fields)


def style(lang: str, feature: str) -> bool:
    """Whether ``lang`` has the writing ``feature`` (see :data:`STYLE`).

    Raises:
        UsageError: when ``lang`` is not ``"vi"`` or ``"en"``.
        KeyError: when ``feature`` is unknown (a programming error).
    """
    check_lang(lang)
    return STYLE[lang][feature]


def lower_first(text: str) -> str:
    """Lower-case the first letter for use inside a sentence, unless it starts an acronym.

    >>> lower_first("Khối các sở, ban, ngành")
    'khối các sở, ban, ngành'
    >>> lower_first("UBND tỉnh")
    'UBND tỉnh'
    """
    if len(text) >= 2 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def heading(text: str, lang: str) -> str:
    """A document or sheet title as ``lang`` prints it (capitals in Vietnamese).

    Raises:
        UsageError: when ``lang`` is not ``"vi"`` or ``"en"``.
    """
    return text.upper() if style(lang, "upper_headings") else text


def in_sentence(text: str, lang: str) -> str:
    """A label as ``lang`` writes it inside a sentence (lower-case first letter in Vietnamese).

    Raises:
        UsageError: when ``lang`` is not ``"vi"`` or ``"en"``.
    """
    return lower_first(text) if style(lang, "lower_in_sentence") else text


def join_words(items: Sequence[str], *, lang: str = "vi") -> str:
    """``a, b và c`` (``a, b and c`` in English).

    Raises:
        UsageError: when ``lang`` is not ``"vi"`` or ``"en"``.
    """
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + word("words.and", lang) + items[-1]


def tier_word(label: str, lang: str) -> str:
    """A tier label for prose: ``Tốt`` in Vietnamese, ``Good (Tốt)`` in English.

    Raises:
        UsageError: when ``lang`` is not ``"vi"`` or ``"en"``.
    """
    if style(lang, "tier_translation") and label in TIER_WORDS_EN:
        return f"{TIER_WORDS_EN[label]} ({label})"
    return label
