"""``udcntt lineage FILE --at DATE``: the units alive at a date and where each came from."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from udcntt.cli._output import Printer
from udcntt.errors import Message, Severity, UsageError, msg
from udcntt.lineage import Lineage, Link, UnitState, check_registry, load_lineage, parse_date

__all__ = ["cmd_lineage", "lineage_date"]

_KIND = {
    "rename": msg("renamed"),
    "merge": msg("merged"),
    "split": msg("split"),
    "absorb": msg("absorbed"),
    "abolish": msg("abolished"),
    "create": msg("created"),
    "change_block": msg("moved to another block"),
}


def lineage_date(text: str) -> dt.date:
    """A date for ``--at`` / ``--since`` (``2025-07-01`` or ``01/07/2025``)."""
    day = parse_date(text)
    if day is None:
        raise argparse.ArgumentTypeError(f"not a date: {text[:20]!r} (write 2025-07-01)")
    return day


def _render(text: str, lang: str) -> str:
    return text.render(lang) if isinstance(text, Message) else text


def _origin(link: Link, lineage: Lineage, lang: str) -> str:
    name = lineage.units[link.unit].names[-1][1]
    share = "" if link.share == 1 else f" × {link.share}"
    return f"{link.unit} ({name}){share}"


def _how(links: tuple[Link, ...], lang: str) -> str:
    events = list(dict.fromkeys(e for link in links for e in link.events))
    parts = [
        _render(
            msg(
                "{kind} on {date} ({basis})",
                kind=_KIND[e.kind],
                date=e.date.isoformat(),
                basis=e.basis,
            ),
            lang,
        )
        for e in events
    ]
    return "; ".join(parts)


def _as_json(states: tuple[UnitState, ...], lineage: Lineage, at: dt.date) -> dict[str, Any]:
    return {
        "at": at.isoformat(),
        "lineage": lineage.source,
        "title": lineage.title,
        "synthetic": lineage.synthetic,
        "units": [
            {
                "id": s.id,
                "name": s.name,
                "block": s.block,
                "ranked": s.ranked,
                "from": [
                    {
                        "id": link.unit,
                        "share": str(link.share),
                        "events": [
                            {"date": e.date.isoformat(), "kind": e.kind, "basis": e.basis}
                            for e in link.events
                        ],
                    }
                    for link in s.origin
                ],
            }
            for s in states
        ],
    }


def cmd_lineage(args: argparse.Namespace, printer: Printer) -> int:
    """``udcntt lineage FILE --at DATE [--since DATE] [--registry FILE]``"""
    lineage = load_lineage(args.lineage)
    at: dt.date = args.at
    since: dt.date | None = args.since
    if since is not None and since > at:
        raise UsageError(msg("--since must not come after --at"), code="E-USAGE")
    problems = []
    if args.registry:
        from udcntt.data import read_registry

        problems = check_registry(lineage, read_registry(args.registry), at)
    states = lineage.alive(at)
    if since is not None:
        states = tuple(
            UnitState(
                s.id,
                s.name,
                s.block,
                s.ranked,
                tuple(
                    link
                    for link in lineage.predecessors(s.id, since, now=at)
                    if link.unit != s.id or link.events
                ),
            )
            for s in states
        )
    lang = printer.lang
    if args.format == "json":
        data = _as_json(states, lineage, at)
        data["diagnostics"] = [d.to_dict(lang) for d in problems]
        printer.line(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        printer.diagnostics(problems)
        if lineage.synthetic:
            printer.line(_render(msg("SYNTHETIC lineage: not an official list"), lang))
        printer.line(
            _render(
                msg("{n} units alive on {date}", n=len(states), date=at.isoformat()),
                lang,
            )
        )
        by_block: dict[str, list[UnitState]] = {}
        for s in states:
            by_block.setdefault(s.block, []).append(s)
        for block, members in by_block.items():
            printer.line(f"\n{_render(msg('block {block}', block=block), lang)} ({len(members)})")
            for s in members:
                ranked = "" if s.ranked else " " + _render(msg("(not ranked)"), lang)
                printer.line(f"  {s.id:<24} {s.name}{ranked}")
                if s.origin:
                    origins = ", ".join(_origin(link, lineage, lang) for link in s.origin)
                    printer.line(f"      ← {origins}")
                    how = _how(s.origin, lang)
                    if how:
                        printer.line(f"        {how}")
    errors = [d for d in problems if d.severity is Severity.ERROR]
    return 1 if errors else 0
