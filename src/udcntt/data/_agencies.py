"""Matching survey rows to agencies: ids, names, the registry, blocks, duplicates.

Without a registry, a row's agency is its id (or an id made from its name), its block the
row's block column, the sheet's block or the rule set's only block. With a registry, rows
are matched by id, name or alias (see :class:`~udcntt.data.Registry`), and the registry
gives the official name, the block, the ranking flag and the parent unit.

Two rows for one agency are never merged: the second is rejected (``E-DATA-AGENCY-
DUPLICATE``, or ``E-DATA-AGENCY-LOOKALIKE`` when the names differ only by look-alike
characters). Two agencies whose names differ only by look-alikes are flagged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import NamedTuple
from unicodedata import normalize

from udcntt.data._chars import lookalike, lookalike_diag
from udcntt.data._columns import Column, header_text
from udcntt.data._dataset import CellInfo, ValueOrMarker
from udcntt.data._registry import Registry
from udcntt.data._table import Row, Table
from udcntt.data._text import (
    clean_text_nocache,
    match_key,
    match_key_nocache,
    plain_key,
    slugify,
)
from udcntt.errors import Diagnostic, Severity, SourceLocation, did_you_mean, msg
from udcntt.model import RuleSet, SurveyLayout

__all__ = ["AgencyBook", "Draft", "Identity", "Rejected", "name_buckets"]

Report = Callable[..., None]
# Bytes deleted from a name's bucket key: all but ASCII letters, digits and NUL (which
# separates the names of a column read at once; no survey text holds it).
_NOT_ALNUM = bytes(b for b in range(1, 256) if not chr(b).isascii() or not chr(b).isalnum())


def name_buckets(names: list[str]) -> list[bytes]:
    """The bucket key of each name: the ASCII letters and digits of its decomposed,
    case-folded text. Names with equal match keys have equal bucket keys.

    The column is folded at once (NUL-separated: decomposition and case folding never
    reach across it), at C speed.
    """
    folded = normalize("NFD", normalize("NFD", "\x00".join(names)).casefold())
    return folded.encode("ascii", "ignore").translate(None, _NOT_ALNUM).split(b"\x00")


@dataclass(slots=True)
class Draft:
    """An agency being read: its identity, values and cells."""

    id: str
    name: str
    block: str
    ranked: bool
    aliases: tuple[str, ...]
    parent: str | None
    location: SourceLocation
    values: MutableMapping[str, ValueOrMarker] = field(default_factory=dict)
    cells: MutableMapping[str, CellInfo] = field(default_factory=dict)


class Identity(NamedTuple):
    """Who a row is about."""

    id: str
    name: str
    block: str
    ranked: bool = True
    aliases: tuple[str, ...] = ()
    parent: str | None = None


class Rejected(Exception):
    """A row is rejected; the diagnostic says why."""

    def __init__(self, diag: Diagnostic) -> None:
        super().__init__(diag.message)
        self.diag = diag


class AgencyBook:
    """The agencies of one survey file, and how rows are matched to them."""

    def __init__(
        self,
        rules: RuleSet,
        layout: SurveyLayout,
        registry: Registry | None,
        add: Report,
    ) -> None:
        self.rules = rules
        self.registry = registry
        self._add = add
        self.agencies: dict[str, Draft] = {}
        Entry = str | tuple[str, str]
        self._names: dict[bytes, Entry | dict[str, Entry]] = {}
        self._blocks = {match_key(b): b for b in rules.blocks}
        for block_id, block in rules.blocks.items():
            self._blocks.setdefault(match_key(block.label), block_id)
            self._blocks.setdefault(match_key(block_id[:31]), block_id)
        self._sheet_blocks = {match_key(k): v for k, v in layout.sheet_blocks.items()}
        if registry is not None:
            for agency in registry:
                if agency.block not in rules.blocks:
                    add(
                        Diagnostic(
                            code="E-DATA-REGISTRY",
                            message=msg(
                                "block '{block}' is not declared by rule set '{rule_set}'",
                                block=agency.block,
                                rule_set=rules.id,
                            ),
                            location=agency.location,
                            agency=agency.id,
                            hint=did_you_mean(agency.block, rules.blocks),
                        )
                    )

    def identify(self, table: Table, row: Row, cols: Mapping[str, Column]) -> Identity:
        """Who a row of cells is about.

        Raises:
            Rejected: when the row names no agency, an unknown one, or an unknown block.
        """

        def text(kind: str) -> str:
            col = cols.get(kind)
            return header_text(row.cells.get(col.index), clean=False) if col else ""

        return self.identify_texts(table, row.location, text("id"), text("name"), text("block"))

    def identify_texts(
        self,
        table: Table,
        where: SourceLocation,
        id_text: str,
        name_text: str,
        block_text: str,
        *,
        checked: bool = False,
    ) -> Identity:
        """Who a row is about, from the texts of its id, name and block columns.

        The texts are NFC and stripped (``header_text(cell, clean=False)``); ``where``
        (the row) locates the diagnostics. ``checked`` says the caller found no look-alike
        letter in the id and name (a whole column at once: :func:`no_lookalike`).

        Raises:
            Rejected: when the row names no agency, an unknown one, or an unknown block.
        """
        for shown in () if checked else (id_text, name_text):
            letter = lookalike(shown) if shown else None
            if letter is not None:
                raise Rejected(lookalike_diag(shown, letter, where))
        if not id_text and not name_text:
            raise Rejected(
                Diagnostic(
                    code="E-DATA-ROW",
                    location=where,
                    message=msg("the row has values but no agency id or name"),
                )
            )
        block_from_row = self._block(block_text, where) if block_text else None
        if self.registry is None:
            agency_id = clean_text_nocache(id_text) or slugify(name_text)
            if not agency_id:
                raise Rejected(
                    Diagnostic(
                        code="E-DATA-ROW",
                        location=where,
                        value=name_text,
                        message=msg("cannot make an agency id from this name; add an id column"),
                    )
                )
            block = block_from_row or self._sheet_block(table, where)
            return Identity(agency_id, name_text or id_text, block)
        by_id = self.registry.match(id_text) if id_text else None
        by_name = self.registry.match(name_text) if name_text else None
        if by_id and by_name and by_id.agency.id != by_name.agency.id:
            raise Rejected(
                Diagnostic(
                    code="E-DATA-AGENCY-UNKNOWN",
                    location=where,
                    value=id_text,
                    message=msg(
                        "'{id}' is agency '{agency}' but '{name}' is agency '{other}'",
                        id=id_text,
                        agency=by_id.agency.id,
                        name=name_text,
                        other=by_name.agency.id,
                    ),
                    hint=msg("correct the id or the name"),
                )
            )
        match = by_id or by_name
        if match is None and not self.registry.complete:
            # A partial registry lists renamed units only: others stand as the survey says.
            agency_id = clean_text_nocache(id_text) or slugify(name_text)
            if agency_id and agency_id not in self.registry:
                block = block_from_row or self._sheet_block(table, where)
                return Identity(agency_id, name_text or id_text, block)
        if match is None:
            shown = id_text or name_text
            raise Rejected(
                Diagnostic(
                    code="E-DATA-AGENCY-UNKNOWN",
                    location=where,
                    value=shown,
                    message=msg("agency not in the registry"),
                    hint=self.registry.suggest(shown)
                    or msg("add it to the registry, or as an alias of its current name"),
                )
            )
        agency = match.agency
        if id_text and by_id is None:
            self._add(
                Diagnostic(
                    code="W-DATA-SUSPICIOUS",
                    severity=Severity.WARNING,
                    location=where,
                    agency=agency.id,
                    value=id_text,
                    message=msg(
                        "id '{id}' is not in the registry; the row was matched by its name to '{name}'",
                        id=id_text,
                        name=agency.name,
                    ),
                )
            )
        for found, shown in ((by_id, id_text), (by_name, name_text)):
            if found is not None and found.lookalike:
                self._add(
                    Diagnostic(
                        code="W-DATA-LOOKALIKE",
                        severity=Severity.WARNING,
                        location=where,
                        agency=agency.id,
                        value=shown,
                        message=msg(
                            "'{text}' differs from the registry's '{registry}' only by look-alike characters; matched",
                            text=shown,
                            registry=found.matched,
                        ),
                        hint=msg("tone-mark placement (Hòa/Hoà), Unicode form or a no-break space"),
                    ),
                    once=True,
                )
        if agency.block not in self.rules.blocks:
            raise Rejected(
                Diagnostic(
                    code="E-DATA-BLOCK",
                    location=where,
                    agency=agency.id,
                    message=msg(
                        "the registry's block '{block}' is not in the rule set", block=agency.block
                    ),
                )
            )
        if block_from_row is not None and block_from_row != agency.block:
            self._add(
                Diagnostic(
                    code="W-DATA-SUSPICIOUS",
                    severity=Severity.WARNING,
                    location=where,
                    agency=agency.id,
                    value=block_text,
                    message=msg(
                        "the row says block '{row_block}', the registry '{registry_block}'; the registry's block is used",
                        row_block=block_from_row,
                        registry_block=agency.block,
                    ),
                ),
                once=True,
            )
        return Identity(
            agency.id, agency.name, agency.block, agency.ranked, agency.aliases, agency.parent
        )

    def _block(self, text: str, where: SourceLocation) -> str:
        block = self._blocks.get(match_key(text))
        if block is None:
            raise Rejected(
                Diagnostic(
                    code="E-DATA-BLOCK",
                    location=where,
                    value=text,
                    message=msg("block not declared by the rule set"),
                    hint=did_you_mean(
                        text, [*self.rules.blocks, *(b.label for b in self.rules.blocks.values())]
                    )
                    or msg("blocks: {blocks}", blocks=", ".join(self.rules.blocks)),
                )
            )
        return block

    def _sheet_block(self, table: Table, where: SourceLocation) -> str:
        if table.sheet is not None:
            key = match_key(table.sheet)
            block = self._sheet_blocks.get(key) or self._blocks.get(key)
            if block is not None:
                return block
        if len(self.rules.blocks) == 1:
            return next(iter(self.rules.blocks))
        raise Rejected(
            Diagnostic(
                code="E-DATA-BLOCK",
                location=where,
                message=msg(
                    "the row's block is unknown (no block column, registry or sheet block)"
                ),
                hint=msg(
                    "add a 'block' / 'Khối' column, a registry, or 'sheet_blocks' in the layout"
                ),
            )
        )

    def open(
        self,
        ident: Identity,
        where: SourceLocation,
        *,
        reuse: bool,
        views: tuple[MutableMapping[str, ValueOrMarker], MutableMapping[str, CellInfo]]
        | None = None,
        clean: str | None = None,
        bucket: bytes | None = None,
    ) -> Draft:
        """The agency a row is about: a new one, or with ``reuse`` the one already read.

        ``views`` are the new agency's values and cells (a dict each by default). A caller
        that read a whole column of names at once passes what it found for this one:
        ``clean``, the name's own object when :func:`clean_text` leaves it as it is, and
        its ``bucket`` (:func:`name_buckets`); both are ignored unless ``clean`` is
        ``ident.name``.

        Raises:
            Rejected: for a second row of an agency (``reuse=False``), or a block that
                differs from its earlier rows'.
        """
        existing = self.agencies.get(ident.id)
        if existing is not None:
            if reuse:
                if existing.block != ident.block:
                    raise Rejected(
                        Diagnostic(
                            code="E-DATA-BLOCK",
                            location=where,
                            agency=ident.id,
                            message=msg(
                                "block '{block}' here, '{earlier}' in earlier rows",
                                block=ident.block,
                                earlier=existing.block,
                            ),
                        )
                    )
                return existing
            lookalike = (
                existing.name != ident.name
                and match_key(existing.name) == match_key(ident.name)
                and plain_key(existing.name) != plain_key(ident.name)
            )
            raise Rejected(
                Diagnostic(
                    code="E-DATA-AGENCY-LOOKALIKE" if lookalike else "E-DATA-AGENCY-DUPLICATE",
                    location=where,
                    agency=ident.id,
                    value=ident.name,
                    message=msg(
                        "'{name}' and '{other}' differ only by look-alike characters: the same "
                        "agency twice (first at {first})",
                        name=ident.name,
                        other=existing.name,
                        first=existing.location,
                    )
                    if lookalike
                    else msg(
                        "the agency already has a row (first at {first})", first=existing.location
                    ),
                    hint=msg("keep one row per agency"),
                )
            )
        if clean is ident.name:
            name = clean
        else:
            bucket = None
            name = clean_text_nocache(ident.name)
            if name == ident.name:
                name = ident.name  # one string kept, not two equal ones
        if self.registry is None:
            other = self._same_name(ident.id, ident.name, name, bucket)
            if other is not None and other[0] != ident.id:
                same = plain_key(other[1]) == plain_key(ident.name)
                self._add(
                    Diagnostic(
                        code="E-DATA-AGENCY-DUPLICATE" if same else "E-DATA-AGENCY-LOOKALIKE",
                        location=where,
                        agency=ident.id,
                        value=ident.name,
                        message=msg(
                            "the name is that of agency '{agency}' but the id differs",
                            agency=other[0],
                        )
                        if same
                        else msg(
                            "the name of agency '{agency}' differs only by look-alike "
                            "characters but the id differs",
                            agency=other[0],
                        ),
                        hint=msg("one agency, one id: correct the id or the name"),
                    )
                )
        if views is None:
            views = ({}, {})
        agency = Draft(
            ident.id,
            name,
            ident.block,
            ident.ranked,
            ident.aliases,
            ident.parent,
            where,
            *views,
        )
        self.agencies[ident.id] = agency
        return agency

    def _same_name(
        self, agency_id: str, raw: str, name: str, bucket: bytes | None
    ) -> tuple[str, str] | None:
        """The first agency whose name has the same match key as ``raw``, as ``(id, its raw
        name)``, or ``None``; notes this agency's name otherwise.

        Names are bucketed by a cheap key that match keys never split (the ASCII letters
        and digits of the decomposed, case-folded text); match keys are computed only for
        names that share a bucket. ``name`` is the cleaned ``raw`` (the same object when
        equal: then only the id is kept); ``bucket`` is ``raw``'s when already known.
        """
        if bucket is None:
            bucket = name_buckets([raw])[0]
        entry: str | tuple[str, str] = agency_id if name is raw else (agency_id, raw)
        found = self._names.get(bucket)
        if found is None:
            self._names[bucket] = entry
            return None
        if not isinstance(found, dict):  # a second name in the bucket: key the first
            found = self._names[bucket] = {match_key_nocache(self._raw(found)): found}
        key = match_key_nocache(raw)
        first = found.setdefault(key, entry)
        if first is entry:
            return None
        return (first, self._raw(first)) if isinstance(first, str) else first

    def _raw(self, entry: str | tuple[str, str]) -> str:
        """The raw name of a noted entry (an id stands for its agency's own name)."""
        return self.agencies[entry].name if isinstance(entry, str) else entry[1]

    # -- rows ------------------------------------------------------------------------

    def missing(self) -> list[Diagnostic]:
        """Registry agencies without a row (errors when ranked, warnings otherwise)."""
        if self.registry is None or not self.registry.complete:
            return []
        return [
            Diagnostic(
                code="E-DATA-AGENCY-MISSING" if reg.ranked else "W-DATA-AGENCY-MISSING",
                location=reg.location,
                agency=reg.id,
                severity=Severity.ERROR if reg.ranked else Severity.WARNING,
                message=msg("'{name}' has no row in the survey", name=reg.name),
                hint=msg("add its row, or mark it excluded in the registry"),
            )
            for reg in self.registry
            if reg.id not in self.agencies
        ]
