"""Worksheet names a reader can read: short, whole words, unique, valid in Excel.

Excel allows 31 characters, none of ``[]:*?/\\``, no leading or trailing ``'``, and no two
names equal ignoring case. A long agency name is shortened the way Vietnamese
administrative writing shortens it — the registry's own short form when it lists one among
the agency's other spellings (``Sở TT&TT``), else the usual abbreviations (``Ủy ban nhân
dân`` → ``UBND``, ``Thông tin và Truyền thông`` → ``TT&TT``), one at a time and only as far
as needed — and only then cut, at a word boundary, never inside a proper name (a run of
capitalised words at the cut), nor after a dangling ``và``, ``-`` or ``,``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

__all__ = ["MAX_SHEET_NAME", "fit_words", "is_short_form", "sheet_title", "short_name", "shorten"]

#: Excel's limit on the length of a worksheet name.
MAX_SHEET_NAME = 31

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")

#: Usual abbreviations of Vietnamese agency names, tried in this order (longest phrases
#: first, so that ``Ủy ban nhân dân`` is not shortened word by word).
_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("Ủy ban nhân dân", "UBND"),
    ("Uỷ ban nhân dân", "UBND"),
    ("Hội đồng nhân dân", "HĐND"),
    ("Nông nghiệp và Phát triển nông thôn", "NN&PTNT"),
    ("Lao động - Thương binh và Xã hội", "LĐ-TB&XH"),
    ("Lao động – Thương binh và Xã hội", "LĐ-TB&XH"),
    ("Lao động, Thương binh và Xã hội", "LĐ-TB&XH"),
    ("Văn hóa, Thể thao và Du lịch", "VHTTDL"),
    ("Văn hoá, Thể thao và Du lịch", "VHTTDL"),
    ("Thông tin và Truyền thông", "TT&TT"),
    ("Tài nguyên và Môi trường", "TN&MT"),
    ("Giáo dục và Đào tạo", "GD&ĐT"),
    ("Kế hoạch và Đầu tư", "KH&ĐT"),
    ("Khoa học và Công nghệ", "KH&CN"),
    ("Giao thông vận tải", "GTVT"),
    ("Công nghệ thông tin", "CNTT"),
    ("Bảo hiểm xã hội", "BHXH"),
    ("Viện Kiểm sát nhân dân", "VKSND"),
    ("Tòa án nhân dân", "TAND"),
    ("Toà án nhân dân", "TAND"),
    ("Phát thanh - Truyền hình", "PT-TH"),
    ("Phát thanh – Truyền hình", "PT-TH"),
    ("Phát thanh và Truyền hình", "PT-TH"),
    ("Kho bạc Nhà nước", "KBNN"),
    ("Ban Quản lý", "BQL"),
    ("Vườn quốc gia", "VQG"),
    ("Khu công nghiệp", "KCN"),
    ("Khu du lịch", "KDL"),
    ("quốc gia", "QG"),
    ("thành phố", "TP"),
    ("thị xã", "TX"),
)
_PATTERNS = tuple(
    (re.compile(r"(?<!\w)" + re.escape(long) + r"(?!\w)", re.IGNORECASE), short)
    for long, short in _ABBREVIATIONS
)
#: Words a cut name must not end with: they announce something that was cut off.
_DANGLING = frozenset({"và", "-", "–", "&", ",", "các", "của", "hồ"})


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return " ".join(_BAD_SHEET_CHARS.sub(" ", text).split()).strip("'").strip()


def shorten(name: str, limit: int) -> str:
    """``name`` with the usual abbreviations applied one at a time until it fits ``limit``
    characters (or none is left to apply); the words are otherwise kept.

    >>> shorten("Sở Nông nghiệp và Phát triển nông thôn", 28)
    'Sở NN&PTNT'
    >>> shorten("Sở Tài chính", 28)
    'Sở Tài chính'
    """
    out = _clean(name)
    for pattern, short in _PATTERNS:
        if len(out) <= limit:
            break
        out = pattern.sub(short, out)
    return out


def _is_proper(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


def fit_words(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary.

    The cut never splits a proper name (a run of capitalised words, such as ``Lâm Đồng``:
    the whole run goes) and never leaves a dangling ``và``, ``-``, ``,`` or ``các``.
    A first word longer than ``limit`` is cut inside, as nothing else can be done.

    >>> fit_words("Chi cục Hải quan tỉnh Lâm Đồng", 26)
    'Chi cục Hải quan tỉnh'
    >>> fit_words("Sở Lao động - Thương binh và Xã hội", 27)
    'Sở Lao động - Thương binh'
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    words = text.split(" ")
    kept: list[str] = []
    for word in words:
        if len(" ".join([*kept, word])) > limit:
            break
        kept.append(word)
    if not kept:
        return words[0][:limit]
    cut = len(kept)
    # A proper name split by the cut goes whole: "tỉnh Lâm | Đồng" keeps "tỉnh".
    if cut < len(words) and _is_proper(words[cut]) and _is_proper(kept[-1]):
        while len(kept) > 1 and _is_proper(kept[-1]):
            kept.pop()
    while len(kept) > 1 and (kept[-1].lower() in _DANGLING or kept[-1].endswith(",")):
        if kept[-1].endswith(",") and kept[-1].lower() not in _DANGLING:
            kept[-1] = kept[-1].rstrip(",")
            continue
        kept.pop()
    return " ".join(kept)


def _fold(text: str) -> str:
    """Upper case without tone or vowel marks; ``Đ`` as ``D``, as initials are often typed."""
    plain = unicodedata.normalize("NFD", text.upper().replace("Đ", "D"))
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


_SKIP = frozenset({"VA", "-", "–", "&", ","})


def _words(text: str) -> list[str]:
    return [w for w in (_fold(w).strip(",;") for w in text.split()) if w]


def is_short_form(alias: str, name: str) -> bool:
    """Whether ``alias`` is ``name`` written shorter: each word of the name is kept or
    stands for its initial in an abbreviation (``và`` and dashes may be dropped), in order,
    and none is left out.

    >>> is_short_form("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội")
    True
    >>> is_short_form("Đà Lạt", "UBND thành phố Đà Lạt"), is_short_form("STC", "Sở Tài chính")
    (False, True)
    """
    words, tokens = _words(name), _words(alias)
    i = 0
    for token in tokens:
        if token in _SKIP:
            continue
        while i < len(words) and words[i] in _SKIP:
            i += 1
        if i < len(words) and words[i] == token:
            i += 1
            continue
        letters = [ch for ch in token if ch.isalnum()]
        if not letters or not token.replace("&", "").replace("-", "").isalnum():
            return False
        for letter in letters:
            while i < len(words) and words[i] in _SKIP:
                i += 1
            if i >= len(words) or not words[i].startswith(letter):
                return False
            i += 1
    while i < len(words) and words[i] in _SKIP:
        i += 1
    return i == len(words) and len(tokens) > 0 and _fold(alias) != _fold(name)


def short_name(name: str, aliases: Sequence[str], limit: int) -> str | None:
    """The longest of the registry's other spellings of ``name`` that is a short form of
    it (:func:`is_short_form`) and fits ``limit`` characters; ``None`` when none does.
    Former names and partial names ("Đà Lạt" for "UBND thành phố Đà Lạt") are not short
    forms and are never used.

    >>> short_name("Sở Thông tin và Truyền thông", ["Sở TT&TT", "Sở TTTT", "Sở BCVT"], 20)
    'Sở TT&TT'
    """
    fits = [_clean(a) for a in aliases if len(_clean(a)) <= limit and is_short_form(a, name)]
    return max(fits, key=len) if fits else None


def sheet_title(text: str, used: set[str], *, prefix: str = "", aliases: Sequence[str] = ()) -> str:
    """A valid, unique worksheet name: ≤ 31 characters, none of ``[]:*?/\\``.

    ``prefix`` (e.g. ``"07 "``) is kept whole in front. When ``prefix + text`` is too long,
    the registry's own short form of the name among ``aliases`` is used
    (:func:`short_name`); failing that, the usual abbreviations are applied and the rest is
    cut at a word boundary (:func:`fit_words`). ``used`` holds the names taken so far (compared case-insensitively,
    as Excel does) and is updated; a taken name gets `` (2)``, `` (3)``… at its end.

    >>> used: set[str] = set()
    >>> sheet_title("Khối: sở/ban/ngành", used), sheet_title("khối  sở ban ngành", used)
    ('Khối sở ban ngành', 'khối sở ban ngành (2)')
    >>> sheet_title("Ban Quản lý Khu du lịch quốc gia hồ Tuyền Lâm", used, prefix="31 ")
    '31 BQL KDL QG hồ Tuyền Lâm'
    """
    prefix = _clean(prefix) + " " if prefix.strip() else ""
    room = MAX_SHEET_NAME - len(prefix)
    name = _clean(text)
    if len(name) > room:
        name = short_name(name, aliases, room) or name
    name = fit_words(shorten(name, room), room).strip("'").strip() or "Sheet"
    base = (prefix + name).strip("'").strip() or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        rest = max(1, room - len(suffix))
        head = (prefix + fit_words(shorten(name, rest), rest)).strip("'").strip()
        candidate = head[: MAX_SHEET_NAME - len(suffix)] + suffix
        n += 1
    used.add(candidate.lower())
    return candidate
