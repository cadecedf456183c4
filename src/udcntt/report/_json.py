"""The assessment as versioned JSON, and back.

Numbers are written as decimal strings (``"87.50"``) so nothing is lost to binary floats;
the output has no timestamps and a fixed key order, so the same inputs give byte-identical
files. The layout is described by :data:`ASSESSMENT_SCHEMA` (``udcntt schema --assessment``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from udcntt.errors import Diagnostic, Message
from udcntt.evaluation import AgencyResult, Assessment, CriterionResult, Receipt, explain
from udcntt.report._figures import previous_totals
from udcntt.report._json_read import ASSESSMENT_SCHEMA_VERSION, is_assessment_file, load_assessment
from udcntt.report._method import rule_facts
from udcntt.report._results_layout import ASSESSMENT

__all__ = [
    "ASSESSMENT_SCHEMA",
    "ASSESSMENT_SCHEMA_VERSION",
    "assessment_to_dict",
    "assessment_to_json",
    "is_assessment_file",
    "iter_assessment_json",
    "json_chunks",
    "load_assessment",
]


def _d(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Enum):  # the NA / MISSING markers
        return {"marker": value.value}
    return str(value)


def _generic(value: Any) -> Any:
    """Any receipt field as JSON: mappings (sorted keys), sequences, numbers as text."""
    if isinstance(value, Mapping):
        return {str(k): _generic(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, tuple | list):
        return [_generic(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _generic(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return _plain(value)


def _kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Decimal | int):
        return "number"
    if isinstance(value, date):
        return "date"
    if isinstance(value, str):
        return "text"
    return None


def _derived_types(assessment: Assessment) -> dict[str, str]:
    """The type of each derived value, read from the first agency that has one."""
    kinds: dict[str, str] = {}
    for r in assessment.results:
        for name, value in r.derived.items():
            if name not in kinds:
                kind = _kind(value)
                if kind is not None:
                    kinds[name] = kind
    return dict(sorted(kinds.items()))


def _template(text: str | None) -> dict[str, Any] | None:
    if isinstance(text, Message):
        return {"template": text.template, "args": dict(text.args)}
    return None


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    """The diagnostic as ``--format json`` shows it, plus its templates for other languages."""
    out = d.to_dict("en")
    i18n: dict[str, Any] = {}
    for key in ("message", "hint"):
        tpl = _template(getattr(d, key))
        if tpl is not None:
            i18n[key] = tpl
    notes = [_template(n) for n in d.notes]
    if any(n is not None for n in notes):
        i18n["notes"] = notes
    if i18n:
        out["i18n"] = i18n
    return out


def _receipt(receipt: Receipt) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(receipt):
        value = getattr(receipt, f.name)
        if f.name == "rule_files":
            out[f.name] = [{"path": p, "sha256": h} for p, h in value]
        elif f.name == "options":
            out[f.name] = {k: _plain(v) for k, v in sorted(value.items())}
        else:
            out[f.name] = _generic(value)
    return out


def _criterion(c: CriterionResult) -> dict[str, Any]:
    # Written out rather than through _d: a result has dozens of criteria, each seven numbers.
    points, raw, norm, unrounded = c.points, c.raw, c.normalised, c.unrounded
    return {
        "points": None if points is None else str(points),
        "max": str(c.max),
        "full_max": str(c.full_max),
        "status": c.status,
        "raw": None if raw is None else str(raw),
        "normalised": None if norm is None else str(norm),
        "unrounded": None if unrounded is None else str(unrounded),
    }


def _result(r: AgencyResult) -> dict[str, Any]:
    return {
        "agency_id": r.agency_id,
        "name": r.name,
        "block": r.block,
        "ranked": r.ranked,
        "total": _d(r.total),
        "total_unrounded": _d(r.total_unrounded),
        "max": _d(r.max),
        "share": _d(r.share),
        "tier": r.tier,
        "tier_label": r.tier_label,
        "rank": r.rank,
        "previous_rank": r.previous_rank,
        "rank_change": r.rank_change,
        "previous_total": _d(r.previous_total),
        "previous_tier": r.previous_tier,
        "comparability": r.comparability,
        "criteria": {cid: _criterion(c) for cid, c in r.criteria.items()},
        "inputs": {k: _plain(v) for k, v in sorted(r.inputs.items())},
        "derived": {k: _plain(v) for k, v in sorted(r.derived.items())},
        "notes": list(r.notes),
    }


def _head(assessment: Assessment) -> dict[str, Any]:
    """The keys written before the results, in file order."""
    return {
        "schema": "udcntt-assessment",
        "schema_version": ASSESSMENT_SCHEMA_VERSION,
        "rules_id": assessment.rules_id,
        "title": assessment.title,
        "year": assessment.year,
        "blocks": [
            {"id": b, "label": label, "max": _d(assessment.block_max.get(b))}
            for b, label in assessment.block_labels.items()
        ],
        "tiers": [
            {
                "id": t.id,
                "label": t.label,
                "min": _d(t.min),
                "max": _d(t.max),
                "conditional": t.conditional,
            }
            for t in assessment.tiers
        ]
        or [{"id": t, "label": label} for t, label in assessment.tier_labels.items()],
        "tier_basis": assessment.tier_basis,
        "indicators": [
            {
                "id": i.id,
                "label": i.label,
                "type": i.type,
                "unit": i.unit,
                "categories": dict(i.categories),
            }
            for i in assessment.indicators
        ],
        "relations": [
            {"check": check, "blocks": None if blocks is None else list(blocks)}
            for check, blocks in assessment.relations
        ],
        "criteria_tree": {
            block: [
                {
                    "id": c.id,
                    "code": c.code,
                    "label": c.label,
                    "depth": c.depth,
                    "is_leaf": c.is_leaf,
                    "full_max": _d(c.full_max),
                }
                for c in tree
            ]
            for block, tree in assessment.criteria_tree.items()
        },
    }


def _tail(assessment: Assessment) -> dict[str, Any]:
    """The keys written after the results, in file order."""
    comparison = assessment.comparison
    facts = rule_facts(assessment)
    previous = previous_totals(assessment) if comparison is not None else None
    return {
        "comparison": None if comparison is None else _generic(comparison),
        "normalisation": {k: _generic(v) for k, v in assessment.normalisation.items()},
        "diagnostics": [_diagnostic(d) for d in assessment.diagnostics],
        "receipt": _receipt(assessment.receipt),
        "derived_types": _derived_types(assessment),
        "paths": _generic(assessment.paths),
        **({"methodology": facts} if facts else {}),
        # Last year's province totals, so that a report from this file compares the years.
        **({"previous_figures": {k: str(v) for k, v in previous.items()}} if previous else {}),
    }


def _rows(assessment: Assessment, traces: bool) -> Iterator[dict[str, Any]]:
    """Each result as JSON-ready data, one at a time (with its trace when asked and possible)."""
    can_trace = traces and assessment._compiled is not None
    for r in assessment.results:
        row = _result(r)
        if can_trace:
            row["trace"] = explain(assessment, r.agency_id)
        yield row


def assessment_to_dict(assessment: Assessment, *, traces: bool = False) -> dict[str, Any]:
    """The whole assessment as JSON-ready data.

    ``traces=True`` adds each agency's trace (what ``udcntt explain`` shows) when the
    assessment was scored in this process; a reloaded one has none. Traces are most of a
    file's size, so they are left out unless asked for.
    """
    return {
        **_head(assessment),
        "results": list(_rows(assessment, traces)),
        **_tail(assessment),
    }


def _block(key: str, value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    return f"  {json.dumps(key)}: {text}"


def iter_assessment_json(
    assessment: Assessment, *, traces: bool = False, extra: dict[str, Any] | None = None
) -> Iterator[str]:
    """The text of :func:`assessment_to_json` in pieces, one agency at a time.

    Memory stays that of one agency's result (and trace) whatever the number of agencies;
    the pieces joined are exactly :func:`assessment_to_json`'s text.
    """
    head = _head(assessment)
    yield "{\n" + ",\n".join(_block(k, v) for k, v in head.items()) + ",\n"
    yield '  "results": ['
    first = True
    for row in _rows(assessment, traces):
        yield ("\n    " if first else ",\n    ") + json.dumps(
            row, ensure_ascii=False, separators=(",", ":")
        )
        first = False
    yield "]" if first else "\n  ]"
    tail = {**_tail(assessment), **(extra or {})}
    yield "".join(",\n" + _block(k, v) for k, v in tail.items()) + "\n}\n"


def assessment_to_json(
    assessment: Assessment, *, traces: bool = False, extra: dict[str, Any] | None = None
) -> str:
    """Deterministic JSON text of the assessment: one agency per line.

    ``traces=True`` adds each agency's trace (``udcntt score --traces``); without it the
    file holds results, receipt and diagnostics only. ``extra`` adds top-level keys the
    results schema declares (``views``: both rankings of ``udcntt score --view both``).

    The top level is indented for reading; each result is written compactly by the C
    encoder, which is several times faster than indenting thousands of traces. To write a
    large assessment without holding its text, use :func:`iter_assessment_json`.
    """
    return "".join(iter_assessment_json(assessment, traces=traces, extra=extra))


def json_chunks(
    assessment: Assessment, *, traces: bool = False, extra: dict[str, Any] | None = None
) -> Iterator[bytes]:
    """:func:`iter_assessment_json` as UTF-8 bytes, a few hundred agencies per chunk."""
    pending: list[str] = []
    size = 0
    for piece in iter_assessment_json(assessment, traces=traces, extra=extra):
        pending.append(piece)
        size += len(piece)
        if size >= _CHUNK_CHARS:
            yield "".join(pending).encode("utf-8")
            pending, size = [], 0
    if pending:
        yield "".join(pending).encode("utf-8")


#: Characters gathered before a chunk is written (few system calls, bounded memory).
_CHUNK_CHARS = 1 << 20


#: JSON Schema (draft 2020-12) of the assessment file, generated from the declarations
#: :func:`load_assessment` validates against (one source of truth).
ASSESSMENT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": f"https://udcntt.example/schema/assessment-{ASSESSMENT_SCHEMA_VERSION}.json",
    "title": "udcntt assessment",
    **ASSESSMENT.schema(),
}
