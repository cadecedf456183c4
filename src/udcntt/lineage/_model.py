"""Units across time: their dated events and the questions asked of them.

A :class:`Lineage` is built by :func:`udcntt.lineage.load_lineage` from a file whose every
event has been checked (see that module); this module only answers questions about a valid
history: which units are alive at a date, and where a unit came from or went to.

A unit is alive from the date of the event that created it (or always, for a unit of the
starting list) until the date of the event that ended it, that date excluded: on the day of
a merger the merged unit is alive and its predecessors are not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from udcntt.data import Registry
from udcntt.errors import Diagnostic, Severity, SourceLocation, did_you_mean, msg

__all__ = [
    "BASELINE_DOCS",
    "BASELINE_METHODS",
    "EVENT_DOCS",
    "EVENT_KINDS",
    "BaselineSpec",
    "Event",
    "Lineage",
    "Link",
    "Unit",
    "UnitState",
    "check_registry",
    "check_units",
]

#: The kinds of event a lineage file declares.
EVENT_KINDS = ("rename", "merge", "split", "absorb", "abolish", "create", "change_block")

#: How a unit's last-year value is derived from its predecessors' (see :class:`BaselineSpec`).
BASELINE_METHODS = ("none", "carry", "mean", "weighted", "sum", "best", "worst")

#: Each event kind: the keys it takes, and what it does (the lineage reference is made of it).
EVENT_DOCS: dict[str, tuple[str, str]] = {
    "rename": (
        "`from`: one unit; `to`: `{id, name}` (a new id), or `{id: <same id>, name}`",
        "The unit goes on under a new id, or keeps its id with a new name. Its values are "
        "carried: the rank change is labelled `renamed`.",
    ),
    "merge": (
        "`from`: two or more units; `to`: `{id, name[, block, ranked]}`, a new id",
        "The units end; a new unit takes all of each. A unit cannot be merged into two "
        "successors (`E-LINEAGE-SHARES`): that is a `split`.",
    ),
    "split": (
        "`from`: one unit; `to`: two or more `{id, name, share}` (new units) or `{id, share}` "
        "(units that go on)",
        "The unit ends; each successor receives its `share` (decimals or percentages that "
        "add up to 1). A unit created by a merger the same day may receive a share.",
    ),
    "absorb": (
        "`from`: one or more units; `into`: a unit that goes on",
        "The units end inside one that continues (Sở TT&TT into Sở KH&CN).",
    ),
    "abolish": ("`unit`: one or more units", "The units end without a successor."),
    "create": ("`to`: `{id, name, block[, ranked]}`", "A unit without a predecessor: `new`."),
    "change_block": (
        "`unit`: one or more units; `block`: the new block",
        "The units go on in another block (a commune becomes a ward); their rank changes are "
        "`not_comparable`.",
    ),
}

#: Each baseline method: how a unit's last-year value is derived from its predecessors'.
BASELINE_DOCS: dict[str, str] = {
    "none": "No last-year value: the unit is `new`, without a rank change.",
    "carry": "The one predecessor's value as it was (only under `renamed`).",
    "mean": "The mean of the predecessors' values, each counted by the share it hands on "
    "(a plain mean for a merger: the ministry's method for DTI 2024 among the 34 provinces).",
    "weighted": "The mean weighted by last year's value of the indicator `weight` "
    "(population, staff) times the share.",
    "sum": "The sum of the predecessors' values times their shares (the share of the "
    "maximum follows: Σ totals / Σ maxima).",
    "best": "The highest of the predecessors' values.",
    "worst": "The lowest of the predecessors' values.",
}

_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Event:
    """One dated change of the units.

    ``sources`` are the units the event takes from (they end on ``date``, except the
    continuing unit of an ``absorb``, which is ``into``); ``targets`` the units it gives to,
    each with the share of every source it receives (1 except in a ``split``).
    """

    date: dt.date
    kind: str
    sources: tuple[str, ...]
    targets: tuple[tuple[str, Decimal], ...]
    basis: str
    note: str | None = None
    block: str | None = None
    location: SourceLocation | None = None


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit over its whole life: names and blocks by date, start and end."""

    id: str
    names: tuple[tuple[dt.date | None, str], ...]
    blocks: tuple[tuple[dt.date | None, str], ...]
    start: dt.date | None = None
    end: dt.date | None = None
    ranked: bool = True
    location: SourceLocation | None = None

    def alive(self, at: dt.date) -> bool:
        """Whether the unit exists on ``at``."""
        return (self.start is None or self.start <= at) and (self.end is None or at < self.end)

    def name_at(self, at: dt.date) -> str:
        """The unit's name on ``at`` (its first name before it existed)."""
        return _latest(self.names, at)

    def block_at(self, at: dt.date) -> str:
        """The unit's block on ``at`` (its first block before it existed)."""
        return _latest(self.blocks, at)


def _latest(history: tuple[tuple[dt.date | None, str], ...], at: dt.date) -> str:
    value = history[0][1]
    for since, item in history:
        if since is None or since <= at:
            value = item
    return value


@dataclass(frozen=True, slots=True)
class UnitState:
    """A unit as it is on a date: id, name and block, and where it came from."""

    id: str
    name: str
    block: str
    ranked: bool
    origin: tuple[Link, ...] = ()


@dataclass(frozen=True, slots=True)
class Link:
    """A unit reached from another across events: its id, the share carried, the events."""

    unit: str
    share: Decimal
    events: tuple[Event, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of the events crossed, oldest first."""
        return tuple(e.kind for e in self.events)


@dataclass(frozen=True, slots=True)
class BaselineSpec:
    """How last year's value of a unit is derived, per level of the criteria tree.

    ``total`` is the method for the total and the share; ``levels`` maps a depth of the
    criteria tree (1 = the top-level criteria, the main indices of a DTI) to its method;
    ``weight`` names the indicator of ``weighted`` (population, staff). ``renamed`` says
    what a unit with one whole predecessor gets (``carry`` by default).
    """

    total: str = "mean"
    levels: Mapping[int, str] = field(default_factory=dict)
    weight: str | None = None
    renamed: str = "carry"
    location: SourceLocation | None = None


class Lineage:
    """The dated history of a set of units.

    Build one with :func:`udcntt.lineage.load_lineage`; the constructor trusts its input.
    """

    __slots__ = ("_in", "_out", "baseline", "events", "source", "synthetic", "title", "units")

    def __init__(
        self,
        units: Mapping[str, Unit],
        events: tuple[Event, ...],
        *,
        title: str | None = None,
        source: str | None = None,
        synthetic: bool = False,
        baseline: BaselineSpec | None = None,
    ) -> None:
        self.units: Mapping[str, Unit] = MappingProxyType(dict(units))
        self.events = events
        self.title = title
        self.source = source
        self.synthetic = synthetic
        self.baseline = baseline or BaselineSpec()
        self._in: dict[str, list[tuple[str, Decimal, Event]]] = {}
        self._out: dict[str, list[tuple[str, Decimal, Event]]] = {}
        for event in events:
            for target, share in event.targets:
                for src in event.sources:
                    if src == target:
                        continue
                    self._in.setdefault(target, []).append((src, share, event))
                    self._out.setdefault(src, []).append((target, share, event))

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self.units

    def alive(self, at: dt.date) -> tuple[UnitState, ...]:
        """The units that exist on ``at``, in the order they were declared, each with where it
        came from (its predecessors among the units of the starting list and created ones)."""
        out = []
        for unit in self.units.values():
            if unit.alive(at):
                origin = self.predecessors(unit.id, None, now=at)
                if len(origin) == 1 and origin[0].unit == unit.id:
                    origin = ()
                out.append(
                    UnitState(unit.id, unit.name_at(at), unit.block_at(at), unit.ranked, origin)
                )
        return tuple(out)

    def state(self, unit_id: str, at: dt.date) -> UnitState | None:
        """The unit ``unit_id`` as it is on ``at``, or ``None`` if it does not exist then."""
        unit = self.units.get(unit_id)
        if unit is None or not unit.alive(at):
            return None
        return UnitState(unit.id, unit.name_at(at), unit.block_at(at), unit.ranked)

    def predecessors(
        self, unit_id: str, at: dt.date | None, *, now: dt.date | None = None
    ) -> tuple[Link, ...]:
        """The units alive on ``at`` that ``unit_id`` (as it is on ``now``) came from.

        Each link carries the share of the predecessor that went into the unit (1 for a
        merger or rename, the declared share for a split; products along a chain) and the
        events crossed. A unit that existed on ``at`` is its own predecessor (share 1). With
        ``at=None``, the units of the starting list and the created ones are returned.

        Raises:
            KeyError: when the lineage has no unit ``unit_id``.
        """
        if unit_id not in self.units:
            raise KeyError(unit_id)
        found: dict[str, Link] = {}
        stack: list[tuple[str, Decimal, tuple[Event, ...]]] = [(unit_id, _ONE, ())]
        while stack:
            node, share, events = stack.pop()
            unit = self.units[node]
            incoming = [
                edge
                for edge in self._in.get(node, ())
                if (at is None or edge[2].date > at) and (now is None or edge[2].date <= now)
            ]
            if at is None:
                # A root: in the starting list, or created from nothing.
                record = unit.start is None or not any(
                    e.date == unit.start for _, _, e in self._in.get(node, ())
                )
            else:
                record = unit.alive(at)
            if record:
                _add(found, node, share, events)
            for src, part, event in incoming:
                stack.append((src, share * part, (event, *events)))
        return tuple(sorted(found.values(), key=lambda link: link.unit))

    def successors(self, unit_id: str, at: dt.date) -> tuple[Link, ...]:
        """The units alive on ``at`` that ``unit_id`` went into, with the share each received.

        A unit alive on ``at`` is its own successor; an abolished one has none.

        Raises:
            KeyError: when the lineage has no unit ``unit_id``.
        """
        if unit_id not in self.units:
            raise KeyError(unit_id)
        found: dict[str, Link] = {}
        stack: list[tuple[str, Decimal, tuple[Event, ...]]] = [(unit_id, _ONE, ())]
        while stack:
            node, share, events = stack.pop()
            if self.units[node].alive(at):
                _add(found, node, share, events)
                continue
            for target, part, event in self._out.get(node, ()):
                if event.date <= at:
                    stack.append((target, share * part, (*events, event)))
        return tuple(sorted(found.values(), key=lambda link: link.unit))

    def events_of(self, unit_id: str) -> tuple[Event, ...]:
        """The events that name ``unit_id``, in date order."""
        return tuple(
            e
            for e in self.events
            if unit_id in e.sources or any(t == unit_id for t, _ in e.targets)
        )


def _add(found: dict[str, Link], unit: str, share: Decimal, events: tuple[Event, ...]) -> None:
    prior = found.get(unit)
    if prior is None:
        found[unit] = Link(unit, share, events)
    else:
        found[unit] = Link(
            unit, prior.share + share, tuple(dict.fromkeys((*prior.events, *events)))
        )


# Coverage: does a lineage cover the units a registry or a survey names? Nothing is matched
# by guess: a unit the lineage says is alive but the registry lacks was lost, and one the
# registry or last year's survey names but the lineage does not know is not covered.

_WHAT = {
    "registry": msg("registry"),
    "survey": msg("survey"),
    "previous": msg("previous year's results"),
}


def check_registry(lineage: Lineage, registry: Registry, at: dt.date) -> list[Diagnostic]:
    """Problems between the units alive on ``at`` and the agencies of ``registry``.

    Returns:
        ``E-LINEAGE-LOST`` for each unit alive on ``at`` that the registry does not list,
        ``E-LINEAGE-UNCOVERED`` for each registry agency the lineage does not know or says
        is not alive on ``at``; ``W-LINEAGE-BLOCK`` when the two disagree on a block.
    """
    out: list[Diagnostic] = []
    alive = {s.id: s for s in lineage.alive(at)}
    for state in alive.values():
        agency = registry.get(state.id)
        unit = lineage.units[state.id]
        if agency is None:
            out.append(
                Diagnostic(
                    code="E-LINEAGE-LOST",
                    message=msg(
                        "unit '{unit}' is alive on {date} by the lineage but not in the "
                        "registry '{registry}'",
                        unit=state.id,
                        date=at.isoformat(),
                        registry=registry.source or "-",
                    ),
                    location=unit.location,
                    agency=state.id,
                    hint=msg("declare the event that ended it (merge, absorb, abolish)"),
                )
            )
        elif agency.block != state.block:
            out.append(
                Diagnostic(
                    code="W-LINEAGE-BLOCK",
                    message=msg(
                        "unit '{unit}' is in block '{block}' by the lineage and '{other}' by "
                        "the registry",
                        unit=state.id,
                        block=state.block,
                        other=agency.block,
                    ),
                    severity=Severity.WARNING,
                    location=agency.location,
                    agency=state.id,
                )
            )
    for agency in registry:
        if agency.id not in alive:
            out.append(_uncovered(lineage, agency.id, at, agency.location))
    return out


def check_units(
    lineage: Lineage, ids: Iterable[str], at: dt.date, *, what: str = "survey"
) -> list[Diagnostic]:
    """``E-LINEAGE-UNCOVERED`` for each of ``ids`` the lineage does not have alive on ``at``.

    ``what`` names where the ids come from in the message (``survey``, ``previous``).
    """
    return [
        _uncovered(lineage, uid, at, None, what=what)
        for uid in ids
        if lineage.state(uid, at) is None
    ]


def _uncovered(
    lineage: Lineage,
    uid: str,
    at: dt.date,
    location: SourceLocation | None,
    *,
    what: str = "registry",
) -> Diagnostic:
    unit = lineage.units.get(uid)
    if unit is None:
        message = msg(
            "unit '{unit}' of the {what} is not in the lineage '{lineage}'",
            unit=uid,
            what=_WHAT.get(what, what),
            lineage=lineage.source or "-",
        )
        hint = did_you_mean(uid, lineage.units) or msg(
            "add it to 'units' or to the event that created it"
        )
    else:
        message = msg(
            "unit '{unit}' of the {what} does not exist on {date} by the lineage",
            unit=uid,
            what=_WHAT.get(what, what),
            date=at.isoformat(),
        )
        hint = msg("check the dates of the events that name it")
    return Diagnostic(
        code="E-LINEAGE-UNCOVERED", message=message, location=location, agency=uid, hint=hint
    )
