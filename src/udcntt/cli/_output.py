"""Terminal output: diagnostics, colours only on a terminal, two languages."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TextIO

from udcntt.errors import Diagnostic, Severity

__all__ = ["MESSAGES", "Printer"]

MESSAGES: dict[str, dict[str, str]] = {
    "ok": {"en": "ok", "vi": "đạt"},
    "check_ok": {
        "en": "{path}: ok ({tests} embedded tests passed)",
        "vi": "{path}: đạt ({tests} kiểm thử nhúng đều đạt)",
    },
    "check_fail": {
        "en": "{path}: {errors} error(s), {warnings} warning(s)",
        "vi": "{path}: {errors} lỗi, {warnings} cảnh báo",
    },
    "wrote": {"en": "wrote {path}", "vi": "đã ghi {path}"},
    "scored": {
        "en": "scored {n} agencies in {blocks} blocks with '{rules}'",
        "vi": "đã chấm điểm {n} đơn vị trong {blocks} khối theo '{rules}'",
    },
    "internal": {
        "en": "internal error: {error}. This is a bug in udcntt; please report it with the command you ran.",
        "vi": "lỗi nội bộ: {error}. Đây là lỗi của udcntt; vui lòng báo lại kèm lệnh đã chạy.",
    },
    "errors": {"en": "{n} errors", "vi": "{n} lỗi"},
    "rows": {
        "en": "rows read: {read}, agencies scored: {scored}, rows rejected: {rejected}",
        "vi": "số dòng đã đọc: {read}, số đơn vị được chấm điểm: {scored}, số dòng bị loại: {rejected}",
    },
    "rows_skipped": {
        "en": "agencies skipped (--lenient): {skipped}",
        "vi": "số đơn vị bỏ qua (--lenient): {skipped}",
    },
    "block": {"en": "Block", "vi": "Khối"},
    "rank": {"en": "Rank", "vi": "Hạng"},
    "agency": {"en": "Agency", "vi": "Đơn vị"},
    "total": {"en": "Total", "vi": "Tổng điểm"},
    "tier": {"en": "Tier", "vi": "Xếp loại"},
    "change": {"en": "Change", "vi": "Tăng/giảm"},
}


class Printer:
    """Writes human or machine output; colours only when the stream is a terminal."""

    def __init__(
        self, lang: str = "vi", *, color: bool | None = None, stream: TextIO | None = None
    ) -> None:
        self.lang = lang if lang in ("vi", "en") else "vi"
        self.out = stream or sys.stdout
        self.err = sys.stderr
        if color is None:
            color = (
                self.err.isatty()
                and "NO_COLOR" not in os.environ
                and os.environ.get("TERM") != "dumb"
            )
        self.color = color

    def t(self, key: str, **kw: object) -> str:
        """The message ``key`` in the chosen language."""
        return MESSAGES[key][self.lang].format(**kw)

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
