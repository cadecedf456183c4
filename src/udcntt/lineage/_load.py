"""Reading a lineage file: the units at the start and their dated events, checked strictly.

A lineage file (YAML)::

    title: Lâm Đồng, 2024 → 2025
    units:                      # the units before the first event
      - {id: lam_dong, name: Tỉnh Lâm Đồng, block: tinh}
      - {id: dak_nong, name: Tỉnh Đắk Nông, block: tinh}
    events:
      - date: 2025-07-01
        kind: merge             # rename merge split absorb abolish create change_block
        from: [lam_dong, dak_nong]
        to: {id: lam_dong_moi, name: Tỉnh Lâm Đồng, block: tinh}
        basis: Nghị quyết 202/2025/QH15
    baseline: {total: mean, levels: {1: mean}}

Every problem is reported located (file:line:col) and all of them at once: events out of
date order, a unit in two events of one day (merged into two successors without shares), a
unit that ends twice or is used after it ended, an id that comes back after it ended (a
cycle), a split whose shares are missing or do not add up to 1, unknown units.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from udcntt.errors import DataError, did_you_mean, msg
from udcntt.lineage._events import Replay, UnitDraft, read_unit
from udcntt.lineage._fields import FieldReader, read_document
from udcntt.lineage._model import BASELINE_METHODS, BaselineSpec, Lineage

__all__ = ["load_lineage"]

_TOP = ("lineage", "title", "description", "synthetic", "units", "events", "baseline")


def load_lineage(source: str | Path, *, text: str | bytes | None = None) -> Lineage:
    """Read and check a lineage file.

    Args:
        source: the file's path (also the name used in diagnostics when ``text`` is given).
        text: the file's content, to read from memory instead of ``source``.

    Returns:
        The checked :class:`~udcntt.lineage.Lineage`.

    Raises:
        DataError: with every problem found, each located as file:line:col
            (``E-LINEAGE-*`` codes; YAML problems keep their ``E-YAML-*`` codes).
    """
    path = Path(source)
    reader = read_document(path, text, "E-LINEAGE-SCHEMA")
    lineage = _read(reader, str(path))
    if reader.diagnostics:
        raise DataError.from_diagnostics(reader.diagnostics)
    return lineage


def _read(r: FieldReader, file: str) -> Lineage:
    data = r.doc.data
    if not r.mapping(data, (), _TOP, msg("a lineage file")) and not isinstance(data, dict):
        return Lineage({}, ())
    units: dict[str, UnitDraft] = {}
    raw_units = data.get("units") or []
    if not isinstance(raw_units, list):
        r.error(None, msg("'{key}' is a list", key="units"), ("units",))
        raw_units = []
    for i, item in enumerate(raw_units):
        unit = read_unit(r, item, ("units", i), None)
        if unit is None:
            continue
        if unit.id in units:
            r.error(
                "E-LINEAGE-UNIT",
                msg(
                    "unit '{unit}' is declared twice (first at line {line})",
                    unit=unit.id,
                    line=units[unit.id].loc.line,
                ),
                ("units", i, "id"),
                agency=unit.id,
            )
            continue
        units[unit.id] = unit
    raw_events = data.get("events") or []
    if not isinstance(raw_events, list):
        r.error(None, msg("'{key}' is a list", key="events"), ("events",))
        raw_events = []
    if not units and not raw_events:
        r.error(None, msg("a lineage needs 'units' or 'events'"), ())
    events = Replay(r, units).run(raw_events)
    synthetic = r.flag(data.get("synthetic"), ("synthetic",), "synthetic") or False
    return Lineage(
        {u.id: u.frozen() for u in units.values()},
        tuple(events),
        title=r.text(data.get("title"), ("title",), "title", required=False),
        source=file,
        synthetic=synthetic,
        baseline=_baseline(r, data.get("baseline")),
    )


def _baseline(r: FieldReader, raw: Any) -> BaselineSpec | None:
    if raw is None:
        return None
    path: tuple[str | int, ...] = ("baseline",)
    if not r.mapping(raw, path, ("total", "levels", "weight", "renamed"), msg("'baseline'")):
        return None

    def method(value: Any, where: tuple[str | int, ...], default: str) -> str:
        if value is None:
            return default
        text = r.text(value, where, "method") or default
        if text not in BASELINE_METHODS:
            r.error(
                "E-BASELINE-METHOD",
                msg(
                    "unknown baseline method '{method}' (one of {methods})",
                    method=text,
                    methods=", ".join(BASELINE_METHODS),
                ),
                where,
                did_you_mean(text, BASELINE_METHODS),
            )
            return default
        return text

    total = method(raw.get("total"), (*path, "total"), "mean")
    renamed = method(raw.get("renamed"), (*path, "renamed"), "carry")
    levels: dict[int, str] = {}
    raw_levels = raw.get("levels") or {}
    if not isinstance(raw_levels, dict):
        r.error(
            None, msg("'{key}' is a mapping of depth to method", key="levels"), (*path, "levels")
        )
        raw_levels = {}
    for key, value in raw_levels.items():
        where = (*path, "levels", key)
        if not (key.isascii() and key.isdigit() and 1 <= int(key) <= 64):
            r.error(None, msg("level '{level}' is not a depth 1, 2, …", level=key), where)
            continue
        levels[int(key)] = method(value, where, "mean")
    weight = r.ident(raw.get("weight"), (*path, "weight"), "weight") if raw.get("weight") else None
    used = {total, *levels.values()}
    if "weighted" in used and weight is None:
        r.error(
            "E-BASELINE-METHOD",
            msg("method 'weighted' needs the indicator to weight by ('weight')"),
            path,
            msg("for example weight: dan_so (population) or weight: so_can_bo (staff)"),
        )
    if "carry" in used:
        r.error(
            "E-BASELINE-METHOD",
            msg("'carry' applies to a unit with one predecessor only; choose it under 'renamed'"),
            path,
        )
    return BaselineSpec(total, levels, weight, renamed, r.at(path))
