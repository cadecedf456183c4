"""Crosswalks between two criteria sets: last year's indicators and criteria onto this year's.

A crosswalk file (YAML) lists, for each target of this year's rule file, where it comes
from in last year's::

    title: QĐ 922 → QĐ 405
    indicators:
      - {to: nhan_thuc_so, from: nhan_thuc_so}           # renamed (or the same name)
      - {to: ha_tang_va_nhan_luc, mean: [ha_tang_so, nhan_luc_so]}   # merged: mean
      - {to: hoat_dong_so, sum: [a, b]}                   # merged: sum
      - {to: ty_le, expression: "a / b if b > 0 else 0"}  # merged: declared expression
      - {to: phan_mot, from: c, share: 0.6}               # split: a share of one indicator
      - {to: moi, new: true}                              # no source: not compared
      - {dropped: do_thi_thong_minh}                      # not carried over
    criteria:
      - {to: nhan_thuc_so_diem, from: nhan_thuc_so_diem}
    blocks: {tinh: tinh}                                  # last year's block → this year's

:func:`load_crosswalk` checks it against both rule files: every name exists on its side,
each target is mapped once, merged and split values are numbers, a renamed value keeps its
type, an expression is valid over last year's indicators. Every problem is located
(file:line:col). Nothing is matched by name similarity: an unmapped target is not compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from udcntt.data import indicator_names
from udcntt.errors import DataError, ExpressionError, SourceLocation, did_you_mean, msg
from udcntt.lineage._fields import FieldReader, read_document
from udcntt.model import IndicatorType, RuleSet

__all__ = ["CROSSWALK_DOCS", "Crosswalk", "CrosswalkMapping", "load_crosswalk"]

#: Each kind of crosswalk mapping (the reference page is made of it).
CROSSWALK_DOCS: dict[str, tuple[str, str]] = {
    "rename": (
        "`{to: T, from: S}`",
        "T takes S's value (same name or not); the types must agree (numbers with numbers).",
    ),
    "split": ("`{to: T, from: S, share: 0.6}`", "T takes a share of S (numbers only)."),
    "sum": ("`{to: T, sum: [S1, S2]}`", "T is the sum of the sources (numbers only)."),
    "mean": ("`{to: T, mean: [S1, S2]}`", "T is the mean of the sources (numbers only)."),
    "expression": (
        "`{to: T, expression: 'S1 / S2 if S2 > 0 else 0'}`",
        "T is computed by an expression over last year's indicators (indicators only), "
        "checked like a rule file's.",
    ),
    "new": (
        "`{to: T, new: true}`",
        "T has no source: last year's survey gives it no value, and every criterion that "
        "reads it is listed as not compared.",
    ),
    "dropped": ("`{dropped: S}`", "S is not carried over (recorded, checked to exist)."),
}

_NUMERIC = frozenset({IndicatorType.COUNT, IndicatorType.NUMBER, IndicatorType.RATIO})
_KINDS = ("from", "sum", "mean", "expression", "new", "dropped")
_KEYS = ("to", "from", "share", "sum", "mean", "expression", "new", "dropped", "note")


@dataclass(frozen=True, slots=True)
class CrosswalkMapping:
    """One target of this year and how it is made from last year's values.

    ``kind`` is ``rename`` (``sources`` has one name), ``split`` (one name and a
    ``share``), ``sum``, ``mean``, ``expression`` (the text in ``expression``) or ``new``
    (no source: the target is not compared).
    """

    target: str
    kind: str
    sources: tuple[str, ...] = ()
    share: Decimal | None = None
    expression: str | None = None
    location: SourceLocation | None = None


@dataclass(frozen=True)
class Crosswalk:
    """A checked crosswalk: indicator and criterion mappings, dropped names, block names."""

    indicators: tuple[CrosswalkMapping, ...]
    criteria: tuple[CrosswalkMapping, ...] = ()
    dropped: tuple[str, ...] = ()
    blocks: Mapping[str, str] = field(default_factory=dict)
    title: str | None = None
    source: str | None = None

    @property
    def covered(self) -> frozenset[str]:
        """This year's indicators that get a value from last year's."""
        return frozenset(m.target for m in self.indicators if m.kind != "new")


def _names(rules: RuleSet) -> tuple[set[str], dict[str, IndicatorType]]:
    criteria = {c.id for c in rules.all_criteria()}
    return criteria, {i: ind.type for i, ind in rules.indicators.items()}


def load_crosswalk(
    source: str | Path,
    old_rules: RuleSet,
    new_rules: RuleSet,
    *,
    text: str | bytes | None = None,
) -> Crosswalk:
    """Read a crosswalk and check it against last year's and this year's rule sets.

    Args:
        source: the file's path (also the name used in diagnostics when ``text`` is given).
        old_rules: last year's rule set (the sources).
        new_rules: this year's rule set (the targets).
        text: the file's content, to read from memory instead of ``source``.

    Returns:
        The checked :class:`Crosswalk`.

    Raises:
        DataError: with every problem found, located as file:line:col:
            ``E-CROSSWALK-SCHEMA``, ``E-CROSSWALK-NAME`` (an unknown indicator or criterion
            on either side), ``E-CROSSWALK-TWICE`` (a target mapped twice),
            ``E-CROSSWALK-TYPE`` (values of incompatible types), or an expression's own
            code.
    """
    path = Path(source)
    reader = read_document(path, text, "E-CROSSWALK-SCHEMA")
    walk = _Checker(reader, old_rules, new_rules, str(path)).read()
    if reader.diagnostics:
        raise DataError.from_diagnostics(reader.diagnostics)
    return walk


class _Checker:
    def __init__(self, r: FieldReader, old: RuleSet, new: RuleSet, file: str) -> None:
        self.r = r
        self.old = old
        self.new = new
        self.file = file
        self.old_criteria, self.old_types = _names(old)
        self.new_criteria, self.new_types = _names(new)

    def read(self) -> Crosswalk:
        r = self.r
        data = r.doc.data
        keys = ("title", "description", "crosswalk", "indicators", "criteria", "blocks")
        if not r.mapping(data, (), keys, msg("a crosswalk file")) and not isinstance(data, dict):
            return Crosswalk(())
        dropped: list[str] = []
        indicators = self._list("indicators", data.get("indicators"), dropped, criteria=False)
        criteria = self._list("criteria", data.get("criteria"), [], criteria=True)
        blocks: dict[str, str] = {}
        raw_blocks = data.get("blocks") or {}
        if not isinstance(raw_blocks, dict):
            r.error(
                None,
                msg("'{key}' is a mapping of last year's block to this year's", key="blocks"),
                ("blocks",),
            )
            raw_blocks = {}
        for old, new in raw_blocks.items():
            where: tuple[str | int, ...] = ("blocks", old)
            if old not in self.old.blocks:
                self._unknown(old, self.old.blocks, where, msg("block"), msg("last year's"))
            target = r.ident(new, where, old)
            if target is not None and target not in self.new.blocks:
                self._unknown(target, self.new.blocks, where, msg("block"), msg("this year's"))
            elif target is not None:
                blocks[old] = target
        return Crosswalk(
            tuple(indicators),
            tuple(criteria),
            tuple(dropped),
            blocks,
            r.text(data.get("title"), ("title",), "title", required=False),
            self.file,
        )

    def _unknown(
        self, name: str, known: Any, where: tuple[str | int, ...], what: str, side: str
    ) -> None:
        self.r.error(
            "E-CROSSWALK-NAME",
            msg("{side} rule file has no {what} '{name}'", side=side, what=what, name=name),
            where,
            did_you_mean(name, known),
            indicator=name,
        )

    def _list(
        self, key: str, raw: Any, dropped: list[str], *, criteria: bool
    ) -> list[CrosswalkMapping]:
        r = self.r
        if raw is None:
            return []
        if not isinstance(raw, list):
            r.error(None, msg("'{key}' is a list", key=key), (key,))
            return []
        out: list[CrosswalkMapping] = []
        seen: dict[str, int] = {}
        what = msg("criterion") if criteria else msg("indicator")
        old_known = self.old_criteria if criteria else self.old_types
        new_known = self.new_criteria if criteria else self.new_types
        for i, item in enumerate(raw):
            path: tuple[str | int, ...] = (key, i)
            if not r.mapping(item, path, _KEYS, msg("a mapping")):
                continue
            kinds = [k for k in _KINDS if k in item]
            if len(kinds) != 1:
                r.error(
                    None,
                    msg("a mapping has exactly one of: {kinds}", kinds=", ".join(_KINDS)),
                    path,
                )
                continue
            kind = kinds[0]
            if kind == "dropped":
                name = r.ident(item["dropped"], (*path, "dropped"), "dropped")
                if name is not None and name not in old_known:
                    self._unknown(name, old_known, (*path, "dropped"), what, msg("last year's"))
                elif name is not None:
                    dropped.append(name)
                continue
            target = r.ident(item.get("to"), (*path, "to"), "to")
            if target is None:
                continue
            if target not in new_known:
                self._unknown(target, new_known, (*path, "to"), what, msg("this year's"))
                continue
            if target in seen:
                r.error(
                    "E-CROSSWALK-TWICE",
                    msg(
                        "'{name}' is mapped twice (first at line {line})",
                        name=target,
                        line=seen[target],
                    ),
                    (*path, "to"),
                    msg(
                        "map each target once; several sources of one target are one 'sum', 'mean' or 'expression'"
                    ),
                    indicator=target,
                )
                continue
            seen[target] = r.at(path).line or 0
            mapping = self._mapping(item, path, kind, target, criteria, old_known)
            if mapping is not None:
                out.append(mapping)
        return out

    def _mapping(
        self,
        item: dict[str, Any],
        path: tuple[str | int, ...],
        kind: str,
        target: str,
        criteria: bool,
        old_known: Any,
    ) -> CrosswalkMapping | None:
        r = self.r
        loc = r.at(path)
        what = msg("criterion") if criteria else msg("indicator")
        if kind == "new":
            return CrosswalkMapping(target, "new", location=loc)
        if kind == "expression":
            if criteria:
                r.error(None, msg("criteria are mapped by 'from', 'sum' or 'mean'"), path)
                return None
            return self._expression(item, path, target)
        sources = r.idents(item[kind], (*path, kind), kind)
        if not sources:
            return None
        bad = [s for s in sources if s not in old_known]
        for name in bad:
            self._unknown(name, old_known, (*path, kind), what, msg("last year's"))
        if bad:
            return None
        share = None
        if "share" in item:
            share = r.decimal(item["share"], (*path, "share"), "share")
            if share is None:
                return None
            if kind != "from" or not 0 < share <= 1:
                r.error(None, msg("'share' is a number in (0, 1] beside 'from'"), (*path, "share"))
                return None
        if kind == "from" and len(sources) != 1:
            r.error(
                None,
                msg("'from' names one source; several are merged with 'sum' or 'mean'"),
                (*path, kind),
            )
            return None
        if not criteria and not self._types(kind, sources, target, share, path):
            return None
        real = "split" if share is not None else "rename" if kind == "from" else kind
        return CrosswalkMapping(target, real, tuple(sources), share, None, loc)

    def _types(
        self,
        kind: str,
        sources: list[str],
        target: str,
        share: Decimal | None,
        path: tuple[str | int, ...],
    ) -> bool:
        goal = self.new_types[target]
        kinds = [self.old_types[s] for s in sources]
        numeric = goal in _NUMERIC and all(k in _NUMERIC for k in kinds)
        if (kind in ("sum", "mean") or share is not None) and not numeric:
            wrong = next(
                (s for s, k in zip(sources, kinds, strict=True) if k not in _NUMERIC), target
            )
            self.r.error(
                "E-CROSSWALK-TYPE",
                msg(
                    "'{name}' is not a number: it cannot be summed, averaged or shared", name=wrong
                ),
                path,
                indicator=wrong,
            )
            return False
        if kind == "from" and share is None and not (numeric or kinds[0] == goal):
            self.r.error(
                "E-CROSSWALK-TYPE",
                msg(
                    "'{source}' ({kind}) cannot become '{target}' ({goal})",
                    source=sources[0],
                    kind=kinds[0].value,
                    target=target,
                    goal=goal.value,
                ),
                path,
                indicator=target,
            )
            return False
        return True

    def _expression(
        self, item: dict[str, Any], path: tuple[str | int, ...], target: str
    ) -> CrosswalkMapping | None:
        from udcntt.expressions import ExprType, compile_expression

        r = self.r
        text = r.text(item["expression"], (*path, "expression"), "expression")
        if text is None:
            return None
        goal = self.new_types[target]
        expected = (
            ExprType.NUMBER
            if goal in _NUMERIC
            else ExprType.BOOL
            if goal is IndicatorType.BOOL
            else None
        )
        if expected is None:
            r.error(
                "E-CROSSWALK-TYPE",
                msg(
                    "'{name}' ({goal}) cannot be computed by an expression",
                    name=target,
                    goal=goal.value,
                ),
                path,
                indicator=target,
            )
            return None
        try:
            expr = compile_expression(
                text,
                names=indicator_names(self.old),
                location=r.at((*path, "expression")),
                expected=expected,
            )
        except ExpressionError as exc:
            r.diagnostics.extend(exc.diagnostics)
            return None
        return CrosswalkMapping(
            target, "expression", tuple(sorted(expr.names)), None, text, r.at(path)
        )
