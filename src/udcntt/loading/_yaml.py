"""Strict, located YAML reading for rule files.

PyYAML's event stream is consumed by a small iterative composer, so that

* every scalar stays text (YAML 1.1 implicit typing never turns ``no`` into ``False``, ``010``
  into 8 or ``2024-02-30`` into an error in the wrong place); the pydantic model converts
  text to the declared field type and says where it failed;
* every node's position is kept in a map from its path to a :class:`SourceLocation`;
* duplicate keys, anchors, aliases, merge keys, explicit tags, several documents, deep
  nesting, oversized input and control or bidirectional characters are rejected with a
  located diagnostic before anything else looks at the content.

Nesting is tracked while events arrive, so a 10,000-level document is refused at level 65
without recursion.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

import yaml

from udcntt.errors import RuleFileError, SourceLocation, cut, msg

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "MAX_NODES", "YamlDocument", "parse_yaml", "path_text"]

#: Largest rule file accepted, in bytes.
MAX_FILE_BYTES = 2_000_000
#: Deepest nesting of mappings and lists accepted.
MAX_DEPTH = 64
#: Most nodes (scalars, mappings, lists) in one file.
MAX_NODES = 200_000

_Path = tuple[str | int, ...]

try:  # the C parser is much faster; both give the same events and marks
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

# Characters that must not appear in ids, labels or expressions: C0/C1 controls (except
# tab and newline in block text), and the bidirectional overrides and isolates used in
# "Trojan source" attacks.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


@dataclass(frozen=True)
class YamlDocument:
    """A parsed rule file: plain data (scalars as ``str`` or ``None``) and node locations."""

    data: Any
    file: str
    marks: dict[_Path, SourceLocation]
    plain_scalars: frozenset[_Path]

    def locate(self, path: _Path) -> SourceLocation:
        """Location of ``path``, or of its nearest located ancestor."""
        probe = tuple(path)
        while probe:
            loc = self.marks.get(probe)
            if loc is not None:
                return loc
            probe = probe[:-1]
        return self.marks.get((), SourceLocation(file=self.file, line=1, column=1, path=""))


def path_text(path: _Path) -> str:
    """Render a YAML path as ``criteria[2].points``; a huge key is cut (it is quoted input)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + cut(str(part))
    return out


def _loc(file: str, mark: Any, path: _Path) -> SourceLocation:
    return SourceLocation(
        file=file, line=mark.line + 1, column=mark.column + 1, path=path_text(path)
    )


def _err(code: str, message: str, loc: SourceLocation, hint: str | None = None) -> RuleFileError:
    return RuleFileError(message, code=code, location=loc, hint=hint)


def _check_chars(text: str, loc: SourceLocation, *, multiline_ok: bool) -> None:
    for offset, ch in enumerate(text):
        if ch in _BIDI:
            raise _err(
                "E-YAML-CHAR",
                msg(
                    "bidirectional control character U+{code_point} in text",
                    code_point=format(ord(ch), "04X"),
                ),
                loc,
                msg("remove it: such characters make text display differently from what it is"),
            )
        cat = unicodedata.category(ch)
        if cat == "Cc" and not (multiline_ok and ch in "\n\t\r"):
            raise _err(
                "E-YAML-CHAR",
                msg(
                    "control character U+{code_point} at offset {offset} in text",
                    code_point=format(ord(ch), "04X"),
                    offset=offset,
                ),
                loc,
                msg("remove it"),
            )


class _Lines:
    """Line access into the document text, indexed once on first use.

    Locating the content of a block scalar needs the line after its indicator; splitting
    the whole text for each block scalar made loading quadratic in their number.
    """

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None

    def line(self, index: int) -> str | None:
        """Line ``index`` (from 0) without its newline, or ``None`` past the end."""
        starts = self._starts
        if starts is None:
            text = self._text
            starts = [0]
            find = text.find
            pos = find("\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = find("\n", pos + 1)
            self._starts = starts
        if index >= len(starts):
            return None
        end = starts[index + 1] - 1 if index + 1 < len(starts) else len(self._text)
        return self._text[starts[index] : end]


def _block_scalar_start(lines: _Lines, mark: Any, file: str, path: _Path) -> SourceLocation:
    """Where the content of a ``|`` or ``>`` block scalar begins (the line after the indicator)."""
    index = mark.line + 1
    content = lines.line(index)
    if content is None:
        return _loc(file, mark, path)
    column = len(content) - len(content.lstrip(" ")) + 1
    return SourceLocation(file=file, line=index + 1, column=column, path=path_text(path))


def decode_text(raw: bytes | str, file: str) -> str:
    """Decode rule-file bytes as UTF-8 (a BOM is tolerated) and normalise to NFC."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_FILE_BYTES:
            raise _err(
                "E-YAML-SIZE",
                msg(
                    "file is {size} bytes; rule files are limited to {limit}",
                    size=format(len(raw), ","),
                    limit=format(MAX_FILE_BYTES, ","),
                ),
                SourceLocation(file=file),
            )
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise _err(
                "E-YAML-ENCODING",
                msg(
                    "not UTF-8 text (byte 0x{byte} at offset {offset})",
                    byte=format(raw[exc.start], "02x"),
                    offset=exc.start,
                ),
                SourceLocation(file=file, line=line),
                msg("save the file as UTF-8"),
            ) from exc
    else:
        text = raw[1:] if raw.startswith("\ufeff") else raw
        if len(text) > MAX_FILE_BYTES:
            raise _err(
                "E-YAML-SIZE",
                msg(
                    "text is {size} characters; rule files are limited to {limit}",
                    size=format(len(text), ","),
                    limit=format(MAX_FILE_BYTES, ","),
                ),
                SourceLocation(file=file),
            )
    return unicodedata.normalize("NFC", text)


def parse_yaml(raw: bytes | str, *, file: str = "<string>") -> YamlDocument:
    """Parse one rule-file document strictly.

    Args:
        raw: the file's bytes or text.
        file: the name used in diagnostics.

    Returns:
        The document's plain data and the location of every node.

    Raises:
        RuleFileError: for any of the problems listed in the module docstring.
    """
    text = decode_text(raw, file)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise _err(
            "E-YAML-CHAR", msg("NUL character in file"), SourceLocation(file=file, line=line)
        )
    lines = _Lines(text)
    marks: dict[_Path, SourceLocation] = {}
    plain: set[_Path] = set()
    # Stack entries: [container, path, pending_key (for mappings), key_marks, keys_seen]
    stack: list[list[Any]] = []
    root: Any = None
    have_root = False
    documents = 0
    nodes = 0

    def attach(value: Any, path_for_child: _Path) -> None:
        nonlocal root, have_root
        if not stack:
            root = value
            have_root = True
            return
        top = stack[-1]
        container = top[0]
        if isinstance(container, list):
            container.append(value)
        else:
            key = top[2]
            container[key] = value
            top[2] = None

    def child_path() -> _Path:
        if not stack:
            return ()
        top = stack[-1]
        if isinstance(top[0], list):
            return (*top[1], len(top[0]))
        return (*top[1], top[2])

    def expecting_key() -> bool:
        return bool(stack) and isinstance(stack[-1][0], dict) and stack[-1][2] is None

    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _err(
                        "E-YAML-MULTIDOC",
                        msg("more than one YAML document ('---') in a rule file"),
                        _loc(file, event.start_mark, ()),
                        msg("keep one rule set per file; use 'extends' to share parts"),
                    )
                continue
            if isinstance(event, yaml.AliasEvent):
                raise _err(
                    "E-YAML-ALIAS",
                    msg("alias '*{anchor}' is not allowed", anchor=event.anchor),
                    _loc(file, event.start_mark, child_path() if not expecting_key() else ()),
                    msg("write the value out, or share it through 'extends'"),
                )
            if isinstance(event, yaml.NodeEvent) and getattr(event, "anchor", None):
                raise _err(
                    "E-YAML-ALIAS",
                    msg("anchor '&{anchor}' is not allowed", anchor=event.anchor),
                    _loc(file, event.start_mark, child_path() if not expecting_key() else ()),
                    msg("write the value out, or share it through 'extends'"),
                )
            if isinstance(
                event, yaml.ScalarEvent | yaml.SequenceStartEvent | yaml.MappingStartEvent
            ):
                nodes += 1
                if nodes > MAX_NODES:
                    raise _err(
                        "E-YAML-SIZE",
                        msg("more than {limit} nodes in the file", limit=format(MAX_NODES, ",")),
                        _loc(file, event.start_mark, ()),
                    )
                tag = event.tag
                explicit_tag = tag is not None and tag != "!"
                if explicit_tag:
                    raise _err(
                        "E-YAML-TAG",
                        msg("explicit tag '{tag}' is not allowed", tag=tag),
                        _loc(file, event.start_mark, child_path() if not expecting_key() else ()),
                        msg("remove the tag; values are typed by the field they are in"),
                    )
            if isinstance(event, yaml.ScalarEvent):
                value: str | None = event.value
                is_plain = event.style is None or event.style == ""
                if expecting_key():
                    key = value or ""
                    top = stack[-1]
                    key_path = (*top[1], key)
                    kloc = _loc(file, event.start_mark, key_path)
                    if not is_plain and not key:
                        raise _err("E-YAML-KEY", msg("empty mapping key"), kloc)
                    if key == "<<" and is_plain:
                        raise _err(
                            "E-YAML-ALIAS",
                            msg("merge key '<<' is not allowed"),
                            kloc,
                            msg("write the keys out, or share them through 'extends'"),
                        )
                    _check_chars(key, kloc, multiline_ok=False)
                    if key in top[0] or key in top[4]:
                        first = marks.get(key_path)
                        raise _err(
                            "E-YAML-DUPKEY",
                            msg(
                                "duplicate key '{key}' (first at line {line})",
                                key=key,
                                line=first.line,
                            )
                            if first and first.line
                            else msg("duplicate key '{key}'", key=key),
                            kloc,
                            msg("a key may appear once in a mapping; the second one would be lost"),
                        )
                    top[4].add(key)
                    top[2] = key
                    marks[key_path] = kloc
                    continue
                path = child_path()
                sloc = _loc(file, event.start_mark, path)
                if event.style in ("|", ">"):
                    sloc = _block_scalar_start(lines, event.start_mark, file, path)
                if is_plain and value in ("", "~", "null", "Null", "NULL"):
                    value = None
                else:
                    _check_chars(value or "", sloc, multiline_ok=True)
                marks[path] = sloc
                if is_plain:
                    plain.add(path)
                attach(value, path)
                continue
            if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                if expecting_key():
                    raise _err(
                        "E-YAML-KEY",
                        msg("a mapping key must be plain text, not a list or mapping"),
                        _loc(file, event.start_mark, stack[-1][1]),
                    )
                path = child_path()
                if len(stack) >= MAX_DEPTH:
                    raise _err(
                        "E-YAML-DEPTH",
                        msg("nesting deeper than {limit} levels", limit=MAX_DEPTH),
                        _loc(file, event.start_mark, path),
                        msg("rule files never need this depth; flatten the structure"),
                    )
                container: Any = [] if isinstance(event, yaml.SequenceStartEvent) else {}
                # A block mapping or list starts on the line after its key: point at the key.
                marks.setdefault(path, _loc(file, event.start_mark, path))
                attach(container, path)
                stack.append([container, path, None, None, set()])
                continue
            if isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                stack.pop()
                continue
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = (
            SourceLocation(file=file, line=mark.line + 1, column=mark.column + 1)
            if mark is not None
            else SourceLocation(file=file)
        )
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem:  # libyaml ≥ 0.2.5 stops deep flow nesting itself
            raise _err(
                "E-YAML-DEPTH",
                msg("nesting deeper than {limit} levels", limit=MAX_DEPTH),
                loc,
                msg("rule files never need this depth; flatten the structure"),
            ) from exc
        raise _err(
            "E-YAML-SYNTAX", msg("YAML syntax error: {problem}", problem=problem), loc
        ) from exc
    except yaml.YAMLError as exc:
        raise _err(
            "E-YAML-SYNTAX", msg("YAML error: {exc}", exc=exc), SourceLocation(file=file)
        ) from exc
    except RecursionError as exc:  # pragma: no cover - the depth limit comes first
        raise _err("E-YAML-DEPTH", msg("nesting too deep"), SourceLocation(file=file)) from exc
    if not have_root or root is None:
        raise _err(
            "E-YAML-EMPTY", msg("the file holds no rule set"), SourceLocation(file=file, line=1)
        )
    marks.setdefault((), SourceLocation(file=file, line=1, column=1, path=""))
    return YamlDocument(data=root, file=file, marks=marks, plain_scalars=frozenset(plain))
