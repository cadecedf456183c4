"""The assessment as versioned JSON, and back.

Numbers are written as decimal strings (``"87.50"``) so nothing is lost to binary floats;
the output has no timestamps and a fixed key order, so the same inputs give byte-identical
files. The layout is described by :data:`ASSESSMENT_SCHEMA` (``udcntt schema --assessment``).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from udcntt.data import MISSING, NA
from udcntt.errors import DataError, SourceLocation
from udcntt.evaluation import (
    AgencyResult,
    Assessment,
    Comparison,
    CriterionInfo,
    CriterionResult,
    IndicatorInfo,
    Receipt,
    TierInfo,
)
from udcntt.evaluation._explain import explain

__all__ = [
    "ASSESSMENT_SCHEMA",
    "ASSESSMENT_SCHEMA_VERSION",
    "assessment_to_dict",
    "assessment_to_json",
    "is_assessment_file",
    "load_assessment",
]

#: Version of the assessment JSON layout; bumped on any incompatible change.
ASSESSMENT_SCHEMA_VERSION = "1"

_MAX_JSON_BYTES = 200_000_000


def _d(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if hasattr(value, "value") and not isinstance(value, str):  # Marker
        return {"marker": value.value}
    return str(value)


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
        "criteria": {
            cid: {
                "points": _d(c.points),
                "max": _d(c.max),
                "full_max": _d(c.full_max),
                "status": c.status,
                "raw": _d(c.raw),
                "normalised": _d(c.normalised),
                "unrounded": _d(c.unrounded),
            }
            for cid, c in r.criteria.items()
        },
        "inputs": {k: _plain(v) for k, v in sorted(r.inputs.items())},
        "derived": {k: _plain(v) for k, v in sorted(r.derived.items())},
        "notes": list(r.notes),
    }


def assessment_to_dict(assessment: Assessment, *, traces: bool = True) -> dict[str, Any]:
    """The whole assessment as JSON-ready data (traces included when available)."""
    receipt = assessment.receipt
    comparison = assessment.comparison
    results = []
    can_trace = traces and assessment._compiled is not None
    for r in assessment.results:
        row = _result(r)
        if can_trace:
            row["trace"] = explain(assessment, r.agency_id)
        results.append(row)
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
        "results": results,
        "comparison": None
        if comparison is None
        else {
            "previous_rules_id": comparison.previous_rules_id,
            "previous_fingerprint": comparison.previous_fingerprint,
            "same_rules": comparison.same_rules,
            "new_agencies": list(comparison.new_agencies),
            "dropped_agencies": list(comparison.dropped_agencies),
            "matched_by_alias": dict(comparison.matched_by_alias),
            "moved_block": list(comparison.moved_block),
            "previous_year": comparison.previous_year,
        },
        "normalisation": {k: dict(v) for k, v in assessment.normalisation.items()},
        "diagnostics": [d.to_dict() for d in assessment.diagnostics],
        "receipt": {
            "udcntt_version": receipt.udcntt_version,
            "rules_id": receipt.rules_id,
            "rules_fingerprint": receipt.rules_fingerprint,
            "rule_files": [{"path": p, "sha256": h} for p, h in receipt.rule_files],
            "data_fingerprint": receipt.data_fingerprint,
            "data_source": receipt.data_source,
            "previous_fingerprint": receipt.previous_fingerprint,
            "options": {k: _plain(v) for k, v in sorted(receipt.options.items())},
        },
    }


def assessment_to_json(assessment: Assessment, *, traces: bool = True) -> str:
    """Deterministic JSON text of the assessment: one agency (with its trace) per line.

    The top level is indented for reading; each result is written compactly by the C
    encoder, which is several times faster than indenting thousands of traces.
    """
    data = assessment_to_dict(assessment, traces=traces)
    lines = []
    for key, value in data.items():
        if key == "results":
            rows = ",\n".join(
                "    " + json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in value
            )
            text = f"[\n{rows}\n  ]" if value else "[]"
        else:
            text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        lines.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _typed(value: Any, kind: str | None) -> Any:
    """An input value read back from JSON, typed as the indicator declares."""
    if isinstance(value, dict) and "marker" in value:
        return NA if value["marker"] == NA.value else MISSING
    if kind in ("count", "number", "ratio") and isinstance(value, str):
        return Decimal(value)
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def is_assessment_file(path: str | Path) -> bool:
    """Whether ``path`` is a results JSON written by udcntt (rather than a survey).

    Only the beginning of the file is read: the writer puts ``"schema"`` first.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return b'"schema": "udcntt-assessment"' in head


def load_assessment(path: str | Path) -> Assessment:
    """Read an assessment JSON written by udcntt (e.g. last year's, for rank changes).

    Raises:
        DataError: when the file is not an udcntt assessment of a known schema version.
    """
    p = Path(path)
    loc = SourceLocation(file=str(p))
    try:
        if p.stat().st_size > _MAX_JSON_BYTES:
            raise DataError("assessment file is too large", code="E-DATA-LIMIT", location=loc)
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise DataError(
            f"cannot read assessment JSON: {exc}", code="E-PREVIOUS", location=loc
        ) from None
    if not isinstance(data, dict) or data.get("schema") != "udcntt-assessment":
        raise DataError(
            "not an udcntt assessment (no 'schema: udcntt-assessment')",
            code="E-PREVIOUS",
            location=loc,
            hint="pass last year's survey with --previous and its rules with --previous-rules",
        )
    if data.get("schema_version") != ASSESSMENT_SCHEMA_VERSION:
        raise DataError(
            f"assessment schema version {data.get('schema_version')!r} is not supported",
            code="E-PREVIOUS",
            location=loc,
        )
    try:
        indicators = tuple(
            IndicatorInfo(
                i["id"], i["label"], i["type"], i.get("unit"), dict(i.get("categories") or {})
            )
            for i in data.get("indicators") or ()
        )
        types = {i.id: i.type for i in indicators}
        relations = tuple(
            (rel["check"], None if rel.get("blocks") is None else tuple(rel["blocks"]))
            for rel in data.get("relations") or ()
        )
        results = tuple(
            AgencyResult(
                agency_id=r["agency_id"],
                name=r["name"],
                block=r["block"],
                ranked=bool(r["ranked"]),
                inputs=MappingProxyType(
                    {k: _typed(v, types.get(k)) for k, v in r.get("inputs", {}).items()}
                ),
                derived=MappingProxyType({}),
                criteria=MappingProxyType(
                    {
                        cid: CriterionResult(
                            cid,
                            _dec(c["points"]),
                            Decimal(c["max"]),
                            Decimal(c["full_max"]),
                            c["status"],
                            raw=_dec(c.get("raw")),
                            normalised=_dec(c.get("normalised")),
                            unrounded=_dec(c.get("unrounded")),
                        )
                        for cid, c in r["criteria"].items()
                    }
                ),
                total_unrounded=Decimal(r["total_unrounded"]),
                total=Decimal(r["total"]),
                max=Decimal(r["max"]),
                share=Decimal(r["share"]),
                tier=r["tier"],
                tier_label=r["tier_label"],
                rank=r["rank"],
                previous_rank=r.get("previous_rank"),
                rank_change=r.get("rank_change"),
                previous_total=_dec(r.get("previous_total")),
                previous_tier=r.get("previous_tier"),
                notes=tuple(r.get("notes", ())),
            )
            for r in data["results"]
        )
        rec = data["receipt"]
        receipt = Receipt(
            udcntt_version=rec["udcntt_version"],
            rules_id=rec["rules_id"],
            rules_fingerprint=rec["rules_fingerprint"],
            rule_files=tuple((f["path"], f["sha256"]) for f in rec["rule_files"]),
            data_fingerprint=rec["data_fingerprint"],
            data_source=rec.get("data_source"),
            previous_fingerprint=rec.get("previous_fingerprint"),
            options=MappingProxyType(rec.get("options", {})),
        )
        comp = data.get("comparison")
        comparison = (
            None
            if comp is None
            else Comparison(
                previous_rules_id=comp["previous_rules_id"],
                previous_fingerprint=comp["previous_fingerprint"],
                same_rules=comp["same_rules"],
                new_agencies=tuple(comp["new_agencies"]),
                dropped_agencies=tuple(comp["dropped_agencies"]),
                matched_by_alias=MappingProxyType(comp["matched_by_alias"]),
                moved_block=tuple(comp.get("moved_block", ())),
                previous_year=comp.get("previous_year"),
            )
        )
        tiers = tuple(
            TierInfo(
                t["id"],
                t["label"],
                _dec(t.get("min")),
                _dec(t.get("max")),
                bool(t.get("conditional")),
            )
            for t in data["tiers"]
        )
        tree = {
            block: tuple(
                CriterionInfo(
                    c["id"],
                    c.get("code"),
                    c["label"],
                    int(c["depth"]),
                    bool(c["is_leaf"]),
                    Decimal(c["full_max"]),
                )
                for c in items
            )
            for block, items in (data.get("criteria_tree") or {}).items()
        }
        return Assessment(
            rules_id=data["rules_id"],
            title=data["title"],
            year=data.get("year"),
            results=results,
            block_labels=MappingProxyType({b["id"]: b["label"] for b in data["blocks"]}),
            block_max=MappingProxyType(
                {b["id"]: Decimal(b["max"]) for b in data["blocks"] if b.get("max") is not None}
            ),
            tier_labels=MappingProxyType({t["id"]: t["label"] for t in data["tiers"]}),
            stored_receipt=receipt,
            comparison=comparison,
            criteria_tree=MappingProxyType(tree),
            tiers=tiers,
            tier_basis=str(data.get("tier_basis", "points")),
            indicators=indicators,
            relations=relations,
        )
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise DataError(
            f"assessment JSON is incomplete or malformed: {exc!r}", code="E-PREVIOUS", location=loc
        ) from None


#: JSON Schema (draft 2020-12) of the assessment file.
ASSESSMENT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://udcntt.example/schema/assessment-1.json",
    "title": "udcntt assessment",
    "type": "object",
    "required": ["schema", "schema_version", "rules_id", "results", "receipt", "blocks", "tiers"],
    "properties": {
        "schema": {"const": "udcntt-assessment"},
        "schema_version": {"const": ASSESSMENT_SCHEMA_VERSION},
        "rules_id": {"type": "string"},
        "title": {"type": "string"},
        "year": {"type": ["integer", "null"]},
        "blocks": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "label": {"type": "string"},
                    "max": {"type": ["string", "null"]},
                },
            },
        },
        "tiers": {"type": "array"},
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["agency_id", "name", "block", "total", "max", "share", "tier", "rank"],
                "properties": {
                    "agency_id": {"type": "string"},
                    "total": {"type": "string", "description": "published (rounded) total"},
                    "share": {"type": "string", "description": "total / applicable maximum"},
                    "rank": {"type": ["integer", "null"]},
                    "rank_change": {
                        "type": ["integer", "null"],
                        "description": "previous rank − current rank (+4 = tăng 4 bậc)",
                    },
                    "criteria": {"type": "object"},
                    "trace": {"type": "object", "description": "see udcntt explain"},
                },
            },
        },
        "comparison": {"type": ["object", "null"]},
        "receipt": {"type": "object"},
    },
}
