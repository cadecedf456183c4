"""Replaying the events of a lineage file in date order, checking each one.

Each event is checked against the units alive on its date: the units it takes must exist
and not have ended (a unit cannot disappear twice), a unit takes part in one event a day
(so it cannot be merged into two successors without shares), new ids never existed before
(no cycles), a split's shares are declared and add up to 1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from udcntt.errors import did_you_mean, msg
from udcntt.lineage._fields import FieldReader
from udcntt.lineage._model import EVENT_KINDS, Event, Unit

__all__ = ["Replay", "UnitDraft", "read_unit"]

_UNIT = ("id", "name", "block", "ranked")
_EVENT = ("date", "kind", "from", "to", "into", "unit", "block", "basis", "note")
_NEEDS: dict[str, tuple[str, ...]] = {
    "rename": ("from", "to"),
    "merge": ("from", "to"),
    "split": ("from", "to"),
    "absorb": ("from", "into"),
    "abolish": ("unit",),
    "create": ("to",),
    "change_block": ("unit", "block"),
}
_ONE = Decimal(1)


class UnitDraft:
    """A unit while the events are replayed."""

    __slots__ = ("block", "end", "end_line", "id", "loc", "names", "ranked", "start")

    def __init__(
        self, uid: str, name: str, block: str, ranked: bool, start: dt.date | None, loc: Any
    ) -> None:
        self.id = uid
        self.names: list[tuple[dt.date | None, str]] = [(start, name)]
        self.block: list[tuple[dt.date | None, str]] = [(start, block)]
        self.ranked = ranked
        self.start = start
        self.end: dt.date | None = None
        self.end_line: int | None = None
        self.loc = loc

    def frozen(self) -> Unit:
        return Unit(
            self.id,
            tuple(self.names),
            tuple(self.block),
            self.start,
            self.end,
            self.ranked,
            self.loc,
        )


def read_unit(
    r: FieldReader, item: Any, path: tuple[str | int, ...], start: dt.date | None
) -> UnitDraft | None:
    if not r.mapping(item, path, _UNIT, msg("a unit")):
        return None
    uid = r.ident(item.get("id"), (*path, "id"), "id")
    name = r.text(item.get("name"), (*path, "name"), "name")
    block = r.ident(item.get("block"), (*path, "block"), "block")
    ranked = r.flag(item.get("ranked"), (*path, "ranked"), "ranked")
    if uid is None or name is None or block is None:
        return None
    return UnitDraft(uid, name, block, ranked is not False, start, r.at(path))


class Replay:
    """Replays the events in date order, checking each against the units alive then."""

    def __init__(self, r: FieldReader, units: dict[str, UnitDraft]) -> None:
        self.r = r
        self.units = units
        self.last: tuple[dt.date, int] | None = None
        # unit → (date, line, whether it ended; None: created that day)
        self.today: dict[str, tuple[dt.date, int, bool | None]] = {}

    def run(self, raw_events: list[Any]) -> list[Event]:
        out = []
        for i, raw in enumerate(raw_events):
            event = self.event(raw, ("events", i))
            if event is not None:
                out.append(event)
        return out

    def event(self, raw: Any, path: tuple[str | int, ...]) -> Event | None:
        r = self.r
        if not r.mapping(raw, path, _EVENT, msg("an event")):
            return None
        day = r.date(raw.get("date"), (*path, "date"), "date")
        kind = r.text(raw.get("kind"), (*path, "kind"), "kind")
        basis = None
        if raw.get("basis") is None:
            r.error(
                None,
                msg("'{key}' is required", key="basis"),
                path,
                msg("name the legal basis, e.g. Nghị quyết 202/2025/QH15"),
            )
        else:
            basis = r.text(raw.get("basis"), (*path, "basis"), "basis")
        if kind is not None and kind not in EVENT_KINDS:
            r.error(
                None,
                msg(
                    "unknown event kind '{kind}' (one of {kinds})",
                    kind=kind,
                    kinds=", ".join(EVENT_KINDS),
                ),
                (*path, "kind"),
                did_you_mean(kind, EVENT_KINDS),
            )
            return None
        if day is None or kind is None or basis is None:
            return None
        line = r.at(path).line or 0
        if self.last is not None and day < self.last[0]:
            r.error(
                "E-LINEAGE-ORDER",
                msg(
                    "event dated {date} comes after an event dated {previous} (line {line}); "
                    "events are listed in date order",
                    date=day.isoformat(),
                    previous=self.last[0].isoformat(),
                    line=self.last[1],
                ),
                (*path, "date"),
            )
            return None
        self.last = (day, line)
        missing = [k for k in _NEEDS[kind] if raw.get(k) is None]
        for key in missing:
            r.error(None, msg("a '{kind}' event needs '{key}'", kind=kind, key=key), path)
        if missing:
            return None
        return _Kinds(self, raw, path, day, kind, basis).build()

    def take(
        self, uid: str, path: tuple[str | int, ...], day: dt.date, *, ends: bool
    ) -> UnitDraft | None:
        """The unit ``uid``, alive on ``day`` and not in another event of that day."""
        r = self.r
        unit = self.units.get(uid)
        if unit is None:
            r.error(
                "E-LINEAGE-UNIT",
                msg("unknown unit '{unit}'", unit=uid),
                path,
                did_you_mean(uid, self.units),
                agency=uid,
            )
            return None
        if unit.end is not None and unit.end < day:
            r.error(
                "E-LINEAGE-GONE",
                msg(
                    "unit '{unit}' ended on {date} (line {line}); it cannot take part in a later event",
                    unit=uid,
                    date=unit.end.isoformat(),
                    line=unit.end_line,
                ),
                path,
                agency=uid,
            )
            return None
        if unit.start is not None and unit.start > day:
            r.error(
                "E-LINEAGE-ORDER",
                msg("unit '{unit}' does not exist yet on {date}", unit=uid, date=day.isoformat()),
                path,
                agency=uid,
            )
            return None
        seen = self.today.get(uid)
        if seen is not None and seen[0] == day and seen[2] is None and not ends:
            # Created earlier the same day (a merger), it may also receive part of a split.
            return unit
        if seen is not None and seen[0] == day:
            if ends and seen[2]:
                r.error(
                    "E-LINEAGE-SHARES",
                    msg(
                        "unit '{unit}' goes into two successors on {date} (also at line {line}) without shares",
                        unit=uid,
                        date=day.isoformat(),
                        line=seen[1],
                    ),
                    path,
                    msg("declare one 'split' event with the share of each successor"),
                    agency=uid,
                )
            else:
                r.error(
                    "E-LINEAGE-ORDER",
                    msg(
                        "unit '{unit}' takes part in two events on {date} (also at line {line})",
                        unit=uid,
                        date=day.isoformat(),
                        line=seen[1],
                    ),
                    path,
                    msg("give each change its own date, or declare it as one event"),
                    agency=uid,
                )
            return None
        self.today[uid] = (day, r.at(path).line or 0, ends)
        return unit

    def end(self, unit: UnitDraft, day: dt.date, path: tuple[str | int, ...]) -> None:
        unit.end = day
        unit.end_line = self.r.at(path).line

    def new(
        self, item: Any, path: tuple[str | int, ...], day: dt.date, block: str | None
    ) -> UnitDraft | None:
        """A unit the event creates; its id must never have existed (no cycles)."""
        r = self.r
        if isinstance(item, dict) and "block" not in item and block is not None:
            item = {**item, "block": block}
        unit = read_unit(r, item, path, day)
        if unit is None:
            return None
        prior = self.units.get(unit.id)
        if prior is not None:
            if prior.end is not None:
                r.error(
                    "E-LINEAGE-CYCLE",
                    msg(
                        "unit '{unit}' ended on {date}; an id cannot come back (a cycle in the lineage)",
                        unit=unit.id,
                        date=prior.end.isoformat(),
                    ),
                    (*path, "id"),
                    msg("give the new unit a new id"),
                    agency=unit.id,
                )
            else:
                r.error(
                    "E-LINEAGE-UNIT",
                    msg("unit '{unit}' already exists", unit=unit.id),
                    (*path, "id"),
                    msg("a unit that continues takes the others in with 'absorb'"),
                    agency=unit.id,
                )
            return None
        self.units[unit.id] = unit
        self.today[unit.id] = (day, r.at(path).line or 0, None)
        return unit


class _Kinds:
    """Builds one event of each kind, once its common fields are valid."""

    def __init__(
        self,
        replay: Replay,
        raw: dict[str, Any],
        path: tuple[str | int, ...],
        day: dt.date,
        kind: str,
        basis: str,
    ) -> None:
        self.replay = replay
        self.r = replay.r
        self.raw = raw
        self.path = path
        self.day = day
        self.kind = kind
        self.basis = basis

    def build(self) -> Event | None:
        return getattr(self, f"_{self.kind}")()  # type: ignore[no-any-return]

    def _event(
        self, sources: list[str], targets: list[tuple[str, Decimal]], block: str | None = None
    ) -> Event:
        note = self.r.text(self.raw.get("note"), (*self.path, "note"), "note", required=False)
        return Event(
            self.day,
            self.kind,
            tuple(sources),
            tuple(targets),
            self.basis,
            note,
            block,
            self.r.at(self.path),
        )

    def _sources(self, key: str, *, least: int, ends: bool = True) -> list[UnitDraft] | None:
        where = (*self.path, key)
        ids = self.r.idents(self.raw[key], where, key)
        if len(ids) < least:
            self.r.error(
                None,
                msg(
                    "a '{kind}' event takes at least {n} units in '{key}'",
                    kind=self.kind,
                    n=least,
                    key=key,
                ),
                where,
            )
            return None
        units = []
        for i, uid in enumerate(ids):
            p = (*where, i) if isinstance(self.raw[key], list) else where
            unit = self.replay.take(uid, p, self.day, ends=ends)
            if unit is None:
                return None
            units.append(unit)
        return units

    def _first_block(self, units: list[UnitDraft]) -> str:
        return units[0].block[-1][1]

    def _rename(self) -> Event | None:
        old = self._sources("from", least=1)
        if old is None:
            return None
        if len(old) != 1:
            self.r.error(None, msg("a 'rename' event renames one unit"), (*self.path, "from"))
            return None
        to = self.raw["to"]
        if isinstance(to, dict) and to.get("id") == old[0].id:
            name = self.r.text(to.get("name"), (*self.path, "to", "name"), "name")
            if name is None:
                return None
            old[0].names.append((self.day, name))
            return self._event([old[0].id], [(old[0].id, _ONE)])
        new = self.replay.new(to, (*self.path, "to"), self.day, self._first_block(old))
        if new is None:
            return None
        self.replay.end(old[0], self.day, self.path)
        return self._event([old[0].id], [(new.id, _ONE)])

    def _merge(self) -> Event | None:
        old = self._sources("from", least=2)
        if old is None:
            return None
        new = self.replay.new(self.raw["to"], (*self.path, "to"), self.day, self._first_block(old))
        if new is None:
            return None
        for unit in old:
            self.replay.end(unit, self.day, self.path)
        return self._event([u.id for u in old], [(new.id, _ONE)])

    def _absorb(self) -> Event | None:
        old = self._sources("from", least=1)
        into_id = self.r.ident(self.raw["into"], (*self.path, "into"), "into")
        if old is None or into_id is None:
            return None
        into = self.replay.take(into_id, (*self.path, "into"), self.day, ends=False)
        if into is None:
            return None
        for unit in old:
            self.replay.end(unit, self.day, self.path)
        return self._event([*(u.id for u in old), into.id], [(into.id, _ONE)])

    def _split(self) -> Event | None:
        old = self._sources("from", least=1)
        if old is None:
            return None
        if len(old) != 1:
            self.r.error(None, msg("a 'split' event divides one unit"), (*self.path, "from"))
            return None
        to = self.raw["to"]
        where = (*self.path, "to")
        if not isinstance(to, list) or len(to) < 2:
            self.r.error(None, msg("a 'split' event lists at least two successors in 'to'"), where)
            return None
        targets: list[tuple[str, Decimal]] = []
        total = Decimal(0)
        for i, item in enumerate(to):
            p = (*where, i)
            if not isinstance(item, dict):
                self.r.error(None, msg("a successor is a mapping with 'id' and 'share'"), p)
                return None
            raw_share = item.get("share")
            if raw_share is None:
                self.r.error(
                    "E-LINEAGE-SHARES",
                    msg(
                        "successor of a split without a 'share' (of unit '{unit}')", unit=old[0].id
                    ),
                    p,
                    msg(
                        "give each successor the share of the unit it receives; shares add up to 1"
                    ),
                    agency=old[0].id,
                )
                return None
            share = self.r.decimal(raw_share, (*p, "share"), "share")
            if share is None:
                return None
            if not 0 < share <= 1:
                self.r.error(
                    "E-LINEAGE-SHARES",
                    msg("share {share} is not in (0, 1]", share=share),
                    (*p, "share"),
                )
                return None
            fields = {k: v for k, v in item.items() if k != "share"}
            existing = self.replay.units.get(str(fields.get("id")))
            if set(fields) == {"id"} and existing is not None and existing.end is None:
                unit = self.replay.take(existing.id, (*p, "id"), self.day, ends=False)
            else:
                unit = self.replay.new(fields, p, self.day, self._first_block(old))
            if unit is None:
                return None
            targets.append((unit.id, share))
            total += share
        if total != 1:
            self.r.error(
                "E-LINEAGE-SHARES",
                msg(
                    "the shares of the split of '{unit}' add up to {total}, not 1",
                    unit=old[0].id,
                    total=total,
                ),
                where,
                msg("a split hands on the whole unit: make the shares add up to 1"),
                agency=old[0].id,
            )
            return None
        self.replay.end(old[0], self.day, self.path)
        return self._event([old[0].id], targets)

    def _abolish(self) -> Event | None:
        old = self._sources("unit", least=1)
        if old is None:
            return None
        for unit in old:
            self.replay.end(unit, self.day, self.path)
        return self._event([u.id for u in old], [])

    def _create(self) -> Event | None:
        new = self.replay.new(self.raw["to"], (*self.path, "to"), self.day, None)
        if new is None:
            return None
        return self._event([], [(new.id, _ONE)])

    def _change_block(self) -> Event | None:
        units = self._sources("unit", least=1, ends=False)
        block = self.r.ident(self.raw["block"], (*self.path, "block"), "block")
        if units is None or block is None:
            return None
        for unit in units:
            unit.block.append((self.day, block))
        return self._event([u.id for u in units], [(u.id, _ONE) for u in units], block)
