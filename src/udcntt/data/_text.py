"""Vietnamese text normalisation and matching keys.

Survey files are typed by hand in many editors, so the same name arrives in several
spellings that look identical on screen:

* Unicode normal forms: precomposed ``ệ`` (NFC) or ``e`` + circumflex + dot below (NFD,
  from some Mac and web editors);
* look-alike letters: ``Ð`` U+00D0 (Icelandic eth) or ``Ɖ`` U+0189 for ``Đ`` U+0110;
* spaces: no-break space U+00A0, narrow no-break space, zero-width spaces;
* tone-mark placement: ``Hòa`` (old style, mark on ``o``) and ``Hoà`` (new style, mark on
  ``a``); likewise ``òe``/``oè``, ``ùy``/``uỳ`` and every other tone.

:func:`clean_text` gives the text to store and show (NFC, look-alike letters and spaces
fixed, tone placement kept as typed). :func:`plain_key` compares ignoring case and ASCII
spacing only; :func:`match_key` also folds look-alikes and tone placement. Two texts with
equal match keys but different plain keys differ *only* by look-alike characters, and are
reported as such (``E-DATA-AGENCY-LOOKALIKE``).

>>> match_key("Xã Hòa Bắc") == match_key("XÃ  HOÀ BẮC")
True
>>> plain_key("Xã Hòa Bắc") == plain_key("Xã Hoà Bắc")
False
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "clean_text",
    "clean_text_nocache",
    "is_lookalike",
    "left_clean",
    "match_key",
    "match_key_nocache",
    "plain_key",
    "slugify",
]

# Tone marks of Vietnamese as combining characters (after NFD): huyền, sắc, ngã, hỏi, nặng.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")

# Characters that look like others. Mapped before any comparison, and in stored text.
_LOOKALIKE_LETTERS = {
    "\u00d0": "\u0110",  # Ð (eth) → Đ
    "\u0189": "\u0110",  # Ɖ (African D) → Đ
    "\u00f0": "\u0111",  # ð (eth) → đ
    "\u0256": "\u0111",  # ɖ (d with tail) → đ
}
_SPACES = {
    "\u00a0": " ",  # no-break space (Excel, Word)
    "\u2007": " ",  # figure space
    "\u202f": " ",  # narrow no-break space
    "\u3000": " ",  # ideographic space
    "\u200b": "",  # zero-width space
    "\u200c": "",  # zero-width non-joiner
    "\u200d": "",  # zero-width joiner
    "\u2060": "",  # word joiner
    "\ufeff": "",  # BOM inside text
}
_CLEAN = str.maketrans({**_LOOKALIKE_LETTERS, **_SPACES})
_DASHES = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
    }
)
_ASCII_SPACE = re.compile(r"[ \t\r\n]+")
# Whitespace clean_text changes: any but the space, and two spaces in a row.
_ODD_SPACE = re.compile(r"[^\S ]| {2}")
_TO_CLEAN = re.compile("[" + "".join(_LOOKALIKE_LETTERS) + "".join(_SPACES) + "]")
_TO_FOLD = re.compile(
    "[" + "".join(_LOOKALIKE_LETTERS) + "".join(_SPACES) + "".join(map(chr, _DASHES)) + "]"
)
# A run of tone marks, then the rest of its word up to the next mark or space.
_TONE_MARKS = "".join(sorted(_TONES))
_TONE_THEN_BASE = re.compile(f"([{_TONE_MARKS}]+)([^\\s{_TONE_MARKS}]+)")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def clean_text_nocache(text: str) -> str:
    """:func:`clean_text` without its cache, for texts seen once (an agency's name)."""
    if text.isascii():  # NFC already, and none of the characters cleaned is ASCII
        return (
            text
            if text.isprintable() and "  " not in text and text.strip() == text
            else " ".join(text.split())
        )
    text = unicodedata.normalize("NFC", text)
    if _TO_CLEAN.search(text):  # str.translate is slow on non-ASCII text: only when needed
        text = text.translate(_CLEAN)
    return " ".join(text.split())


def left_clean(texts: list[str]) -> bool:
    """Whether :func:`clean_text` leaves each of ``texts`` as it is, for texts already NFC
    and stripped (a column of names, checked at once)."""
    joined = "\x00".join(texts)
    return not _TO_CLEAN.search(joined) and not _ODD_SPACE.search(joined)


@lru_cache(maxsize=65536)
def clean_text(text: str) -> str:
    """NFC, look-alike letters fixed, odd spaces made plain, whitespace collapsed.

    >>> clean_text("Sở\\u00a0Tư pháp  Ðà Lạt")
    'Sở Tư pháp Đà Lạt'
    """
    return clean_text_nocache(text)


@lru_cache(maxsize=65536)
def plain_key(text: str) -> str:
    """Compare key: NFC, case-folded, ASCII whitespace collapsed; nothing else changed."""
    text = unicodedata.normalize("NFC", text).casefold()
    return _ASCII_SPACE.sub(" ", text).strip()


def match_key_nocache(text: str) -> str:
    """:func:`match_key` without its cache, for texts seen once (an agency's name)."""
    if _TO_FOLD.search(text):
        text = text.translate(_CLEAN).translate(_DASHES)
    text = " ".join(unicodedata.normalize("NFD", text).casefold().split())
    # Each run of tone marks moves past the rest of its word; repeated until every mark
    # ends its word (one pass for Vietnamese, whose syllables carry one tone each).
    while _TONE_THEN_BASE.search(text):
        text = _TONE_THEN_BASE.sub(_swap, text)
    return unicodedata.normalize("NFC", text)


def _swap(match: re.Match[str]) -> str:
    return match.group(2) + match.group(1)


@lru_cache(maxsize=65536)
def match_key(text: str) -> str:
    """Compare key that also folds look-alike characters and tone-mark placement.

    Each word's tone marks are moved to the end of the word (in their order), so every
    placement of the one tone a Vietnamese syllable carries gives the same key.
    """
    return match_key_nocache(text)


def is_lookalike(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are different texts only by look-alike characters."""
    return plain_key(a) != plain_key(b) and match_key(a) == match_key(b)


def slugify(text: str) -> str:
    """An ASCII snake_case id from a Vietnamese name (``Sở Y tế`` → ``so_y_te``).

    >>> slugify("UBND huyện Đạ Huoai")
    'ubnd_huyen_da_huoai'
    """
    text = clean_text(text).replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    slug = _NOT_SLUG.sub("_", text).strip("_")
    return slug[:64].rstrip("_")
