"""Column widths of the Word report's tables, from the text they hold, and a table grid
LibreOffice and Word both honour.

A table's ``w:tblGrid`` must agree with its cells' ``w:tcW``: when they disagree,
LibreOffice lays the table out from the grid (python-docx writes equal grid columns), which
gave equal-width columns, agency names wrapped onto four or five lines and seven pages of
tables. :func:`apply_grid` writes the same widths to the grid, to every cell and to the
table width, with a fixed layout.

Widths come from :func:`text_width`, an estimate from the advance widths of Times New Roman
(the metrics Liberation Serif shares), regular and bold, for ASCII and the Vietnamese
letters (a letter with tone marks is as wide as its base letter; ơ and ư are wider). Each
column gets at least its longest word (numbers never break), then the wide column (the
agency or criterion name) up to its longest text on one line, then the others in
proportion to what they still lack.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = [
    "CELL_MARGIN",
    "Column",
    "apply_grid",
    "column_widths",
    "lines_needed",
    "text_width",
    "word_width",
]

#: Left and right cell margin, twentieths of a point (0.1 cm).
CELL_MARGIN = 57
#: Safety added to each column: rendering rounds glyph positions.
_SLACK = 40

# Advance widths (1/1000 em) of the printable ASCII characters, space to tilde.
_REGULAR = (
    "250 333 408 500 500 833 778 180 333 333 500 564 250 333 250 278 500 500 500 500 500 500 "
    "500 500 500 500 278 278 564 564 564 444 921 722 667 667 722 611 556 722 722 333 389 722 "
    "611 889 722 722 556 722 667 556 611 722 722 944 722 722 611 333 278 333 469 500 333 444 "
    "500 444 500 444 333 500 500 278 278 500 278 778 500 500 500 500 333 389 278 500 500 722 "
    "500 500 444 480 200 480 541"
)
_BOLD = (
    "250 333 555 500 500 1000 833 278 333 333 500 570 250 333 250 278 500 500 500 500 500 500 "
    "500 500 500 500 333 333 570 570 570 500 930 722 667 722 722 667 611 778 778 389 500 778 "
    "667 944 722 778 611 778 722 556 667 722 722 1000 722 722 667 333 278 333 581 500 333 500 "
    "556 444 556 444 333 500 556 278 333 556 278 833 556 500 556 556 444 389 333 556 500 722 "
    "500 500 444 394 220 394 520"
)
_ASCII = {
    False: dict(zip(map(chr, range(32, 127)), map(int, _REGULAR.split()), strict=True)),
    True: dict(zip(map(chr, range(32, 127)), map(int, _BOLD.split()), strict=True)),
}
# Letters outside ASCII whose width is not their base letter's: (regular, bold).
_OTHER = {
    "ơ": (529, 554),
    "ư": (542, 600),
    "Ơ": (722, 778),
    "Ư": (776, 796),
    "đ": (500, 556),
    "Đ": (722, 722),
    "–": (500, 500),
    "—": (1000, 1000),
    "−": (564, 570),
    "…": (1000, 1000),
    "“": (444, 500),
    "”": (444, 500),
    "‘": (333, 333),
    "’": (333, 333),
}
_HORN = "\u031b"
#: Width assumed for any other character (wider than most Latin letters).
_UNKNOWN = 722


def _char(c: str, bold: bool) -> int:
    found = _OTHER.get(c)
    if found is not None:
        return found[bold]
    width = _ASCII[bold].get(c)
    if width is not None:
        return width
    parts = unicodedata.normalize("NFD", c)
    if unicodedata.combining(c):
        return 0
    base = parts[0]
    if _HORN in parts[1:] and base in "oOuU":
        return _OTHER[{"o": "ơ", "O": "Ơ", "u": "ư", "U": "Ư"}[base]][bold]
    return _ASCII[bold].get(base, _UNKNOWN)


def text_width(text: str, size: float, *, bold: bool = False) -> int:
    """Width of ``text`` on one line at ``size`` points, in twentieths of a point.

    >>> text_width("Tổng điểm", 11, bold=True) > text_width("Tổng điểm", 11)
    True
    """
    em = sum(_char(c, bold) for c in unicodedata.normalize("NFC", text))
    return round(em * size * 20 / 1000)


@lru_cache(maxsize=4096)
def _word(text: str, size: float, bold: bool) -> int:
    return text_width(text, size, bold=bold)


def word_width(text: str, size: float, *, bold: bool = False) -> int:
    """Width of the longest word of ``text`` (words never break inside), in twips."""
    return max((text_width(w, size, bold=bold) for w in text.split()), default=0)


@dataclass(frozen=True, slots=True)
class Column:
    """The texts of one table column: ``(text, bold)`` pairs, header first. ``wide`` marks
    the name column, which is widened first so names stay on one line."""

    texts: Sequence[tuple[str, bool]]
    wide: bool = False


@lru_cache(maxsize=65536)
def lines_needed(text: str, width: int, size: float, *, bold: bool = False) -> int:
    """How many lines ``text`` takes in a column ``width`` twips wide (greedy wrapping at
    spaces, as word processors do; a word wider than the column takes a line of its own)."""
    room = width - 2 * CELL_MARGIN - _SLACK
    space = _word(" ", size, bold)
    lines, used = 1, 0
    for word in text.split():
        w = _word(word, size, bold)
        if used and used + space + w > room:
            lines += 1
            used = w
        else:
            used += (space if used else 0) + w
    return lines


def _table_lines(lines: Sequence[Sequence[int]]) -> int:
    """Lines a table takes: per row, the most lines of any of its cells."""
    return sum(max(row) for row in zip(*lines, strict=True)) if lines else 0


def _narrowest_fewer(texts: Sequence[tuple[str, bool]], width: int, top: int, size: float) -> int:
    """The narrowest width above ``width`` (up to ``top``) at which some cell of the column
    takes fewer lines than at ``width``; ``top + 1`` when none does."""
    now = [lines_needed(t, width, size, bold=b) for t, b in texts]
    best = top + 1
    for (text, bold), n in zip(texts, now, strict=True):
        if n == 1 or lines_needed(text, top, size, bold=bold) >= n:
            continue
        lo, hi = width, top  # lines(lo) == n, lines(hi) < n
        while hi - lo > 8:
            mid = (lo + hi) // 2
            if lines_needed(text, mid, size, bold=bold) < n:
                hi = mid
            else:
                lo = mid
        best = min(best, hi)
    return best


@lru_cache(maxsize=65536)
def _fit(text: str, bold: bool, lines: int, lo: int, hi: int, size: float) -> int:
    """The narrowest width in ``[lo, hi]`` at which ``text`` takes at most ``lines``
    lines (``hi`` when none does)."""
    if lines_needed(text, lo, size, bold=bold) <= lines:
        return lo
    while hi - lo > 8:
        mid = (lo + hi) // 2
        if lines_needed(text, mid, size, bold=bold) <= lines:
            hi = mid
        else:
            lo = mid
    return hi


def column_widths(columns: Sequence[Column], available: int, size: float) -> list[int]:
    """Widths (twips) of ``columns`` sharing ``available`` twips, chosen so the table takes
    few lines.

    Every column gets at least its longest word (a word never breaks; a number is one
    word). For each limit on the lines of the header cells (1 to 12) and of the body cells
    (1 to 3), each column takes the narrowest width that keeps its cells within the limits;
    of the layouts that fit, the one with the fewest lines in all is kept. Then, while room
    is left, the column that saves the most lines per twip widened is widened; what remains
    goes to the wide (name) column. When even the longest words do not fit, the table is
    wider than ``available``.
    """
    extra = 2 * CELL_MARGIN + _SLACK
    least = [
        max((word_width(t, size, bold=b) for t, b in col.texts), default=0) + extra
        for col in columns
    ]
    best = [
        max(w, max((text_width(t, size, bold=b) for t, b in col.texts), default=0) + extra)
        for w, col in zip(least, columns, strict=True)
    ]
    if sum(least) >= available:
        return least
    layouts: list[tuple[int, list[int]]] = []
    for head in range(1, 13):
        for body in range(1, 4):
            trial = [
                max(
                    [lo]
                    + [
                        _fit(t, b, head if r == 0 else body, lo, hi, size)
                        for r, (t, b) in enumerate(col.texts)
                    ]
                )
                for col, lo, hi in zip(columns, least, best, strict=True)
            ]
            if sum(trial) <= available:
                lines = [
                    [lines_needed(t, w, size, bold=b) for t, b in col.texts]
                    for col, w in zip(columns, trial, strict=True)
                ]
                layouts.append((_table_lines(lines), trial))
    widths = min(layouts)[1] if layouts else list(least)
    return _widen(columns, widths, best, available, size)


def _widen(
    columns: Sequence[Column], widths: list[int], best: Sequence[int], available: int, size: float
) -> list[int]:
    """Share the room left: greedily to the column saving the most lines per twip, then
    the rest to the wide column (or to all when none is wide)."""
    lines = [
        [lines_needed(t, w, size, bold=b) for t, b in col.texts]
        for col, w in zip(columns, widths, strict=True)
    ]
    left = available - sum(widths)
    height = _table_lines(lines)
    while left > 0:
        choice: tuple[float, int, int, list[int]] | None = None
        for i, col in enumerate(columns):
            top = min(best[i], widths[i] + left)
            if top <= widths[i]:
                continue
            target = _narrowest_fewer(col.texts, widths[i], top, size)
            if target > top:
                continue
            trial = [lines_needed(t, target, size, bold=b) for t, b in col.texts]
            saved = height - _table_lines([*lines[:i], trial, *lines[i + 1 :]])
            if saved <= 0:
                continue
            rate = saved / (target - widths[i])
            if choice is None or rate > choice[0] or (rate == choice[0] and col.wide):
                choice = (rate, i, target, trial)
        if choice is None:
            break
        _, i, target, trial = choice
        left -= target - widths[i]
        widths[i], lines[i] = target, trial
        height = _table_lines(lines)
    if left > 0:
        targets = [i for i, col in enumerate(columns) if col.wide] or list(range(len(columns)))
        for n, i in enumerate(targets):
            widths[i] += left // len(targets) + (1 if n < left % len(targets) else 0)
    return widths


def _set(parent: Any, name: str, attrs: dict[str, str]) -> Any:
    from docx.oxml.ns import qn

    for old in parent.findall(qn(name)):
        parent.remove(old)
    el = parent.makeelement(qn(name), {qn(k): v for k, v in attrs.items()})
    parent.append(el)
    return el


def apply_grid(table: Any, widths: Sequence[int]) -> None:
    """Give ``table`` a fixed layout whose grid, cells and width all say ``widths``."""
    from docx.oxml.ns import qn

    tbl = table._tbl
    tblpr = tbl.tblPr
    _set(tblpr, "w:tblW", {"w:w": str(sum(widths)), "w:type": "dxa"})
    _set(tblpr, "w:tblLayout", {"w:type": "fixed"})
    margins = _set(tblpr, "w:tblCellMar", {})
    for side in ("left", "right"):
        margins.append(
            margins.makeelement(qn(f"w:{side}"), {qn("w:w"): str(CELL_MARGIN), qn("w:type"): "dxa"})
        )
    # CT_TblPr children have a schema order; Word is strict about it: re-sort what we added.
    order = [
        "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
        "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
        "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription",
    ]  # fmt: skip
    children = list(tblpr)
    children.sort(
        key=lambda el: order.index(el.tag.split("}")[1]) if el.tag.split("}")[1] in order else 99
    )
    for el in children:
        tblpr.append(el)
    grid = tbl.tblGrid
    for col in list(grid):
        grid.remove(col)
    for width in widths:
        grid.append(grid.makeelement(qn("w:gridCol"), {qn("w:w"): str(width)}))
    for tr in tbl.tr_lst:
        index = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tcpr = tc.get_or_add_tcPr()
            tcw = tcpr.find(qn("w:tcW"))
            if tcw is None:
                tcw = tcpr.makeelement(qn("w:tcW"), {})
                tcpr.insert(0, tcw)
            tcw.set(qn("w:w"), str(sum(widths[index : index + span])))
            tcw.set(qn("w:type"), "dxa")
            index += span
