"""Reading a results JSON one part at a time, so its size does not bound what can be read.

A results file of 100,000 agencies with traces is a few gigabytes; parsed whole it would
need several times that in memory. :func:`read_document` reads the top-level object in
chunks of a megabyte: each top-level value but ``results`` is parsed whole (none is large),
and ``results`` is handed over one item at a time to a callback that checks and keeps only
what it needs (never the trace). What is held at once is one value, bounded by
:data:`MAX_VALUE_CHARS`, plus what the callback keeps.

Any JSON text is accepted, however it is spaced: the top-level structure is read by a small
tokenizer, each value by the standard library's C decoder (``raw_decode``). A value cut by
the end of the buffer is parsed again after reading more; the buffer at least doubles each
time, so the work stays linear in the size of the value. Errors carry the line and column
in the file, as ``json.loads`` would give them.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from udcntt.report._results_schema import JsonNumber

__all__ = [
    "CHUNK_BYTES",
    "MAX_VALUE_CHARS",
    "DuplicateKeyError",
    "StreamError",
    "Streamed",
    "read_document",
]

#: Bytes read from the file at a time.
CHUNK_BYTES = 1 << 20
#: Most characters of one value held at once: a top-level value other than ``results``, or
#: one result with its trace (a result is about 6 KB, its trace about 17 KB).
MAX_VALUE_CHARS = 200_000_000
# Integers longer than this are kept as text (and refused by the validator): Python's own
# limit on converting long digit strings would otherwise end the read with a ValueError.
_MAX_INT_CHARS = 20
# A decoding error this close to the end of the buffer may only mean the value goes on.
_NEAR_END = 16
_WS = re.compile(r"[ \t\n\r]*")


class DuplicateKeyError(ValueError):
    """A key appears twice in one object."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class StreamError(Exception):
    """The file cannot be read as JSON.

    ``kind`` is ``"json"`` (``reason`` says why, at ``line``/``column``), ``"utf8"`` (not
    UTF-8 at byte ``offset``) or ``"limit"`` (the value at ``path`` is longer than
    :data:`MAX_VALUE_CHARS`).
    """

    kind: str
    reason: str = ""
    line: int | None = None
    column: int | None = None
    offset: int = 0
    path: str = ""
    limit: int = 0


@dataclass(frozen=True)
class Streamed:
    """Stands for the ``results`` array, whose items went to the callback: how many."""

    count: int


def _int(text: str) -> int | JsonNumber:
    return int(text) if len(text) <= _MAX_INT_CHARS else JsonNumber(text)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKeyError(key)
            seen.add(key)
    return out


#: The decoder of every value: numbers udcntt never writes are kept as :class:`JsonNumber`.
DECODER = json.JSONDecoder(
    parse_int=_int,
    parse_float=JsonNumber,
    parse_constant=JsonNumber,
    object_pairs_hook=_object,
)


def _chunk() -> int:
    return CHUNK_BYTES  # read at each call, so tests can make it small


class _Source:
    """The file's text in a sliding buffer, with the line and column of its start."""

    def __init__(self, handle: IO[bytes], max_value: int) -> None:
        self._handle = handle
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._bytes = 0
        self._line = 1  # line and column of buf[0]
        self._col = 1
        self.max_value = max_value
        self.buf = ""
        self.pos = 0
        self.eof = False

    def more(self, at_least: int = 0) -> bool:
        """Drop what was read, append at least ``at_least`` more bytes; False at the end."""
        if self.eof:
            return False
        buf, pos = self.buf, self.pos
        if pos:
            lines = buf.count("\n", 0, pos)
            if lines:
                self._line += lines
                self._col = pos - buf.rfind("\n", 0, pos)
            else:
                self._col += pos
        raw = self._handle.read(max(at_least, _chunk()))
        try:
            text = self._decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            raise StreamError("utf8", offset=max(self._bytes + exc.start, 0)) from None
        self._bytes += len(raw)
        self.eof = not raw
        self.buf, self.pos = buf[pos:] + text, 0
        return bool(raw)

    def where(self, i: int) -> tuple[int, int]:
        """Line and column (from 1) of ``buf[i]`` in the file."""
        lines = self.buf.count("\n", 0, i)
        if not lines:
            return self._line, self._col + i
        return self._line + lines, i - self.buf.rfind("\n", 0, i)

    def fail(self, reason: str, i: int | None = None) -> StreamError:
        line, column = self.where(self.pos if i is None else i)
        return StreamError("json", reason, line, column)

    def peek(self) -> str:
        """The next character that is not white space (consumed up to it); ``""`` at the end."""
        while True:
            match = _WS.match(self.buf, self.pos)
            self.pos = match.end() if match else self.pos
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def expect(self, char: str, reason: str) -> None:
        if self.peek() != char:
            raise self.fail(reason)
        self.pos += 1

    def value(self, path: str) -> Any:
        """The next JSON value, read further while the buffer cuts it.

        Raises:
            StreamError: when the value is not JSON, or longer than ``max_value``.
        """
        if not self.peek():
            raise self.fail("Expecting value")
        while True:
            try:
                value, end = DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                near_end = exc.pos >= len(self.buf) - _NEAR_END
                if self.eof or not (near_end or exc.msg.startswith("Unterminated string")):
                    raise self.fail(exc.msg, exc.pos) from None
                self._grow(path)
                continue
            if end == len(self.buf) and not self.eof:
                self._grow(path)  # a number or a literal may go on in the next chunk
                continue
            self.pos = end
            return value

    def _grow(self, path: str) -> None:
        pending = len(self.buf) - self.pos
        if pending > self.max_value:
            raise StreamError("limit", path=path, limit=self.max_value)
        self.more(pending)  # at least doubles the pending text: linear work per value


def _results(src: _Source, on_result: Callable[[int, Any], None]) -> Streamed:
    """The items of the ``results`` array, one at a time, to ``on_result``."""
    src.pos += 1  # the "["
    count = 0
    if src.peek() == "]":
        src.pos += 1
        return Streamed(0)
    while True:
        on_result(count, src.value(f"results[{count}]"))
        count += 1
        char = src.peek()
        if char == "]":
            src.pos += 1
            return Streamed(count)
        if char != ",":
            raise src.fail("Expecting ',' delimiter")
        src.pos += 1


def read_document(
    handle: IO[bytes],
    on_result: Callable[[int, Any], None],
    *,
    top: dict[str, Any] | None = None,
    max_value: int | None = None,
) -> Any:
    """The JSON document of ``handle``, the ``results`` items going to ``on_result``.

    For a top-level object, returns a dict of its keys in file order (``top``, filled as
    the file is read, so ``on_result`` sees the keys before ``results``); an array under
    ``results`` is replaced by :class:`Streamed` (its items were passed to ``on_result``
    with their index as they were read). Anything else is returned as parsed.

    Raises:
        StreamError: when the text is not UTF-8 or not JSON, or a value is too long.
        DuplicateKeyError: when an object repeats a key.
        RecursionError: when a value is nested too deeply for the decoder.
    """
    src = _Source(handle, MAX_VALUE_CHARS if max_value is None else max_value)
    if src.peek() != "{":
        value = src.value("$")
        if src.peek():
            raise src.fail("Extra data")
        return value
    src.pos += 1
    out: dict[str, Any] = {} if top is None else top
    if src.peek() == "}":
        src.pos += 1
    else:
        while True:
            if src.peek() != '"':
                raise src.fail("Expecting property name enclosed in double quotes")
            key = src.value("$")
            if key in out:
                raise DuplicateKeyError(key)
            src.expect(":", "Expecting ':' delimiter")
            if key == "results" and src.peek() == "[":
                out[key] = _results(src, on_result)
            else:
                out[key] = src.value(key)
            char = src.peek()
            if char == "}":
                src.pos += 1
                break
            if char != ",":
                raise src.fail("Expecting ',' delimiter")
            src.pos += 1
    if src.peek():
        raise src.fail("Extra data")
    return out
