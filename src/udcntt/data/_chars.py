"""Characters refused in survey files, registries and layouts.

Text read from a survey ends up on a terminal, in CSV, HTML, Markdown, XLSX and DOCX
reports. Some characters must never get there:

* control characters (C0 except tab, line feed and carriage return; DEL; C1): an escape
  sequence clears or rewrites the terminal, and XML (XLSX, DOCX) cannot hold them;
* invisible and bidirectional formatting characters (Unicode category Cf: U+202A–U+202E,
  U+2066–U+2069, U+200E/U+200F, U+061C, zero-width U+200B–U+200D, U+2060, U+FEFF inside
  text, tag characters …): they make a name show differently from what it is;
* lone surrogates (U+D800–U+DFFF, from JSON ``"\\ud800"``) and the non-characters U+FFFE
  and U+FFFF: no encoding can write them.

They are refused when the file is read (``E-DATA-CHAR``), with the code point named
(``U+202E RIGHT-TO-LEFT OVERRIDE``) and the place. The same code refuses look-alike letters
in agency names and ids: Cyrillic or Greek letters among Latin ones (Cyrillic ``о`` in
``Hồ``), and ``Ð`` U+00D0 / ``ð`` U+00F0 (Icelandic eth), ``Ɖ`` U+0189 and ``ɖ`` U+0256
where ``Đ`` U+0110 / ``đ`` U+0111 is meant: two agencies whose names look the same must
not be two agencies, and one agency must not silently become two across years.

>>> char_name("\\u202e")
'U+202E RIGHT-TO-LEFT OVERRIDE'
>>> visible("Sở\\u202eTài chính")
'Sở<U+202E>Tài chính'
>>> lookalike("H\\u043e\\u0302\\u0300 Tây")[1]
"'o' (Latin)"
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from udcntt.errors import DataError, Diagnostic, SourceLocation, msg

__all__ = [
    "MAX_LISTED",
    "UNSAFE",
    "CharGuard",
    "char_diag",
    "char_name",
    "check_text",
    "check_tree",
    "first_unsafe",
    "lookalike",
    "lookalike_diag",
    "no_lookalike",
    "visible",
]

# Category Cf (Unicode 14/15) in full, with C0/C1 controls, surrogates and U+FFFE/U+FFFF.
# tests/data/test_data_chars.py checks the class against unicodedata.
_UNSAFE_CLASS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ud800-\udfff\ufeff\ufff9-\ufffb\ufffe\uffff"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
UNSAFE = re.compile(f"[{_UNSAFE_CLASS}]")
# The refused characters of the BMP, and every character beyond it: the astral ranges make
# each character's test in UNSAFE slow, so a whole file is scanned with this class first
# (four times faster) and with UNSAFE only from where this one finds something.
_MAYBE_UNSAFE = re.compile(
    "[" + _UNSAFE_CLASS[: _UNSAFE_CLASS.index("\U000110bd")] + "\U00010000-\U0010ffff]"
)

_C0_NAMES = (
    "NULL",
    "START OF HEADING",
    "START OF TEXT",
    "END OF TEXT",
    "END OF TRANSMISSION",
    "ENQUIRY",
    "ACKNOWLEDGE",
    "BELL",
    "BACKSPACE",
    "CHARACTER TABULATION",
    "LINE FEED",
    "LINE TABULATION",
    "FORM FEED",
    "CARRIAGE RETURN",
    "SHIFT OUT",
    "SHIFT IN",
    "DATA LINK ESCAPE",
    "DEVICE CONTROL ONE",
    "DEVICE CONTROL TWO",
    "DEVICE CONTROL THREE",
    "DEVICE CONTROL FOUR",
    "NEGATIVE ACKNOWLEDGE",
    "SYNCHRONOUS IDLE",
    "END OF TRANSMISSION BLOCK",
    "CANCEL",
    "END OF MEDIUM",
    "SUBSTITUTE",
    "ESCAPE",
    "FILE SEPARATOR",
    "GROUP SEPARATOR",
    "RECORD SEPARATOR",
    "UNIT SEPARATOR",
)
# Letters typed for Đ/đ by mistake (or on purpose): the eths and the African D.
_ETH = {
    "\u00d0": "\u0110",
    "\u00f0": "\u0111",
    "\u0189": "\u0110",
    "\u0256": "\u0111",
}
# Cyrillic and Greek letters that look like Latin ones, for the hint.
_LATIN_TWIN = dict(
    zip(
        "аеорсухіјѕԁһӏԛԝАВЕКМНОРСТХІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧοινρυα",
        "aeopcyxijsdhlqwABEKMHOPCTXIJSABEZHIKMNOPTYXoivpua",
        strict=True,
    )
)
#: Most problems of one kind listed for one file before reading stops.
MAX_LISTED = 20


def char_name(ch: str) -> str:
    """``U+XXXX NAME`` of a character, with names for controls and surrogates too."""
    code = ord(ch)
    if code < 0x20:
        name = _C0_NAMES[code]
    elif code == 0x7F:
        name = "DELETE"
    elif 0x80 <= code <= 0x9F:
        name = "C1 CONTROL CHARACTER"
    elif 0xD800 <= code <= 0xDFFF:
        name = "LONE SURROGATE"
    else:
        name = unicodedata.name(ch, "NONCHARACTER")
    return f"U+{code:04X} {name}"


def first_unsafe(text: str) -> str | None:
    """The first refused character of ``text``, or ``None``."""
    found = UNSAFE.search(text)
    return None if found is None else found.group()


def visible(text: str) -> str:
    """``text`` with every refused character shown as ``<U+XXXX>`` (safe to print)."""
    return UNSAFE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def _script(ch: str) -> str | None:
    if ch.isascii():
        return "latin" if ch.isalpha() else None
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    for script in ("LATIN", "CYRILLIC", "GREEK"):
        if name.startswith(script):
            return script.lower()
    return None


def lookalike(text: str) -> tuple[str, str] | None:
    """A look-alike letter of a name or id: ``(the letter, what it imitates)``, or ``None``.

    Refused: the eths and the African D (for ``Đ``/``đ``), and Cyrillic or Greek letters in a
    text that also has Latin letters. A name wholly in another script is left alone.
    """
    if text.isascii() or _NO_LOOKALIKE.fullmatch(text):
        return None  # the common case, without filling the cache with every name
    return _lookalike(text)


def no_lookalike(texts: list[str]) -> bool:
    """Whether no text of ``texts`` can hold a look-alike letter (:func:`lookalike` is
    ``None`` for each): a column of names or ids, checked at once."""
    joined = "\x00".join(texts)
    return joined.isascii() or _NO_LOOKALIKE.fullmatch(joined) is not None


# Texts only of Latin letters (with their marks), spaces and punctuation hold no look-alike:
# every character here but the eths and the African D (left out) is Latin or not a letter.
_NO_LOOKALIKE = re.compile(
    "[\x00-\u00cf\u00d1-\u00ef\u00f1-\u0188\u018a-\u0255\u0257-\u036f\u1e00-\u1eff\u2000-\u206f]*"
)


@lru_cache(maxsize=65536)
def _lookalike(text: str) -> tuple[str, str] | None:
    for ch in text:
        if ch in _ETH:
            eth_twin = _ETH[ch]
            return ch, f"'{eth_twin}' ({char_name(eth_twin)})"
    foreign: str | None = None
    latin = False
    for ch in unicodedata.normalize("NFD", text):
        script = _script(ch)
        if script == "latin":
            latin = True
        elif script is not None and foreign is None:
            foreign = ch
        if latin and foreign is not None:
            twin = _LATIN_TWIN.get(foreign)
            return foreign, f"'{twin}' (Latin)" if twin else "a Latin letter"
    return None


def char_diag(text: str, ch: str, loc: SourceLocation | None) -> Diagnostic:
    """The ``E-DATA-CHAR`` error for the refused character ``ch`` in ``text``."""
    return Diagnostic(
        code="E-DATA-CHAR",
        message=msg(
            "the text holds {char}; control, invisible and bidirectional characters are refused",
            char=char_name(ch),
        ),
        location=loc,
        value=visible(text),
        hint=msg(
            "such characters hide or reorder text on screen; delete it (retype the text, "
            "or paste it as plain text)"
        ),
    )


def lookalike_diag(
    text: str, found: tuple[str, str], loc: SourceLocation | None, agency: str | None = None
) -> Diagnostic:
    """The ``E-DATA-CHAR`` error for a look-alike letter in a name or id."""
    ch, twin = found
    return Diagnostic(
        code="E-DATA-CHAR",
        message=msg(
            "{char} in a name or id looks like {twin} but is another letter",
            char=char_name(ch),
            twin=twin,
        ),
        location=loc,
        agency=agency,
        value=text,
        hint=msg(
            "retype the name with a Vietnamese keyboard (Unikey: Telex or VNI); a name that "
            "only looks the same would be another agency"
        ),
    )


class CharGuard:
    """Collects refused characters of one file; :meth:`done` raises when there were any."""

    __slots__ = ("diagnostics",)

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def check(self, text: str, loc: SourceLocation | None) -> None:
        """Note ``text``'s first refused character; stop reading after :data:`MAX_LISTED`.

        Raises:
            DataError: ``E-DATA-CHAR`` once :data:`MAX_LISTED` texts were refused.
        """
        found = UNSAFE.search(text)
        if found is not None:
            self.add(text, found.group(), loc)

    def add(self, text: str, ch: str, loc: SourceLocation | None) -> None:
        """Note that ``text`` holds the refused character ``ch``.

        Raises:
            DataError: ``E-DATA-CHAR`` once :data:`MAX_LISTED` texts were refused.
        """
        self.diagnostics.append(char_diag(text, ch, loc))
        if len(self.diagnostics) >= MAX_LISTED:
            self.done()

    def done(self) -> None:
        """Raise the refusals noted so far, if any.

        Raises:
            DataError: ``E-DATA-CHAR``, one diagnostic per refused text.
        """
        if self.diagnostics:
            raise DataError.from_diagnostics(self.diagnostics)


def check_text(text: str, file: str) -> None:
    """Refuse the decoded text of a whole file that holds refused characters.

    Each one is located by line and column (at most :data:`MAX_LISTED`).

    Raises:
        DataError: ``E-DATA-CHAR``.
    """
    maybe = _MAYBE_UNSAFE.search(text)
    found = None if maybe is None else UNSAFE.search(text, maybe.start())
    if found is None:
        return
    guard = CharGuard()
    for match in UNSAFE.finditer(text, found.start()):
        pos = match.start()
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        line_text = text[start : end if end >= 0 else len(text)]
        loc = SourceLocation(file=file, line=text.count("\n", 0, pos) + 1, column=pos - start + 1)
        guard.add(_around(line_text, pos - start), match.group(), loc)
    guard.done()


def _around(line: str, col: int, width: int = 40) -> str:
    return line[max(col - width, 0) : col + width]


def check_tree(doc: Any, locate: Callable[[tuple[str | int, ...]], SourceLocation]) -> None:
    """Refuse a parsed JSON/YAML document whose keys or texts hold refused characters.

    Raises:
        DataError: ``E-DATA-CHAR``, located by the document path.
    """
    guard = CharGuard()
    for path, text in _texts(doc, ()):
        found = UNSAFE.search(text)
        if found is not None:
            guard.add(text, found.group(), locate(path))
    guard.done()


def _texts(node: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(node, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            for key, value in item.items():
                inner = (*where, key)
                if isinstance(key, str):
                    yield inner, key
                stack.append((value, inner))
        elif isinstance(item, list):
            stack.extend((value, (*where, i)) for i, value in enumerate(item))
