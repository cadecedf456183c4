"""Does a lineage cover the units a registry or a survey names? Nothing is matched by guess.

A lineage *loses* a unit when a unit it says is alive at a date is missing from the
registry of that date, and *does not cover* one when the registry (or last year's survey)
names a unit the lineage does not know. Both are errors naming the unit; the lineage is
never completed by matching names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from udcntt.data import Registry
from udcntt.errors import Diagnostic, Severity, SourceLocation, did_you_mean, msg
from udcntt.lineage._model import Lineage

__all__ = ["check_registry", "check_units"]

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
