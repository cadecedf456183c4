"""The layout of the results JSON (``udcntt score -o results.json``), declared once.

:data:`ASSESSMENT` is what :func:`~udcntt.report.load_assessment` validates a file against
and what :data:`~udcntt.report.ASSESSMENT_SCHEMA` (``udcntt schema --assessment``) is
generated from. The keys of the receipt and of the comparison follow the fields of
:class:`~udcntt.evaluation.Receipt` and :class:`~udcntt.evaluation.Comparison`, so a field
added there is written, validated and read back without a change here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from udcntt.errors import msg
from udcntt.report._results_scalars import _Problems
from udcntt.report._results_schema import (
    MAX_DEPTH,
    MAX_LONG_TEXT,
    MAX_TEXT,
    Arr,
    Bool,
    Const,
    Dec,
    Int,
    JsonNumber,
    Map,
    Nullable,
    Obj,
    OneOf,
    Opaque,
    Spec,
    Text,
    _join,
)

__all__ = ["ASSESSMENT", "DIAGNOSTIC", "METHODOLOGY", "RESULT", "VIEWS", "AnyJson"]


@dataclass(frozen=True)
class AnyJson(Spec):
    """Free-form JSON (a trace, an option) with bounded nesting, text and numbers."""

    description: str | None = None

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.description:
            out["description"] = self.description
        return out

    def check(self, value: Any, path: str, p: _Problems) -> None:
        for where, depth, item in _walk(value, path):
            if p.full:
                return
            if depth > MAX_DEPTH:
                p.add(
                    "E-RESULTS-LIMIT",
                    where,
                    msg(
                        "'{path}' is nested deeper than {limit} levels", path=where, limit=MAX_DEPTH
                    ),
                )
                return
            if isinstance(item, JsonNumber):
                p.add(
                    "E-RESULTS-VALUE",
                    where,
                    msg(
                        "'{path}' is the number {value}; results files write numbers as strings",
                        path=where,
                        value=item.text,
                    ),
                )
            elif isinstance(item, str):
                Text(MAX_LONG_TEXT, free=True).check(item, where, p)


def _walk(value: Any, path: str) -> Iterator[tuple[str, int, Any]]:
    """Every value under ``value`` with its path and depth, without recursion."""
    stack: list[tuple[str, int, Any]] = [(path, 0, value)]
    while stack:
        where, depth, item = stack.pop()
        yield where, depth, item
        if depth > MAX_DEPTH:
            return
        if isinstance(item, dict):
            for key, sub in item.items():
                if not isinstance(key, str) or len(key) > MAX_TEXT:
                    yield where, MAX_DEPTH + 1, item
                    return
                stack.append((_join(where, key), depth + 1, sub))
        elif isinstance(item, list):
            stack.extend((f"{where}[{i}]", depth + 1, sub) for i, sub in enumerate(item))


_ID = Text()
_LONG = Text(MAX_LONG_TEXT, free=True)
_OPT_DEC = Nullable(Dec())
#: A published number: a total, a share, a maximum, a threshold.
_PUB = Dec(places=10, power=18)
_OPT_PUB = Nullable(_PUB)
#: Points and budgets of criteria (unrounded points keep their exact digits).
_POINTS = Dec(power=18)
_OPT_ID = Nullable(_ID)
_COUNT = Int(0, 1_000_000_000)
_RANK_CHANGE = Int(-1_000_000_000, 1_000_000_000)
_MARKER = Obj({"marker": Const(("not_applicable", "missing"))})
#: An input or derived value: decimal or category text, ISO date, boolean, marker.
_VALUE = Nullable(
    OneOf(
        (_ID, Bool(), Int(-(10**18), 10**18), _MARKER),
    )
)
_TEMPLATE = Obj({"template": _LONG, "args": Map(_LONG, 100)})
#: Comparability labels of a rank change (udcntt.evaluation.COMPARABILITY_LABELS).
_LABELS = (
    "comparable",
    "renamed",
    "derived:carry",
    "derived:mean",
    "derived:weighted",
    "derived:sum",
    "derived:best",
    "derived:worst",
    "new",
    "not_comparable",
)


@dataclass(frozen=True)
class _Labels(Const):
    """A comparability label: one of :data:`_LABELS`, documented in the schema."""

    def schema(self) -> dict[str, Any]:
        return {**super().schema(), "description": _LABELS_DOC}


_LABELS_DOC = (
    "how the rank change compares with last year: 'comparable' (the same unit and "
    "criteria), 'renamed' (one whole predecessor, values carried), 'derived:<method>' "
    "(last year's value derived from the predecessors by the lineage's method: mean, "
    "weighted, sum, best, worst), 'new' (no predecessor: no rank change), 'not_comparable' "
    "(the criteria set or the block changed); null without a previous year"
)

_CRITERION = Obj(
    {
        "points": Nullable(_POINTS),
        "max": _POINTS,
        "full_max": _POINTS,
        "status": Const(("scored", "not_applicable", "unscored")),
        "raw": _OPT_DEC,
        "normalised": _OPT_DEC,
        "unrounded": _OPT_DEC,
    }
)

RESULT = Obj(
    {
        "agency_id": _ID,
        "name": _ID,
        "block": _ID,
        "ranked": Bool(),
        "total": Dec(description="published (rounded) total", places=10, power=18),
        "total_unrounded": Dec(),
        "max": Dec(description="the agency's applicable maximum", places=10, power=18),
        "share": Dec(description="total / applicable maximum", places=10, power=18),
        "tier": _ID,
        "tier_label": _LONG,
        "rank": Nullable(Int(1, 1_000_000_000)),
        "previous_rank": Nullable(Int(1, 1_000_000_000)),
        "rank_change": Nullable(
            Int(-1_000_000_000, 1_000_000_000, "previous rank − current rank (+4 = tăng 4 bậc)")
        ),
        "previous_total": _OPT_PUB,
        "previous_tier": _OPT_ID,
        "criteria": Map(_CRITERION),
        "inputs": Map(_VALUE),
        "derived": Map(_VALUE),
        "notes": Arr(_LONG),
    },
    # The trace is what `udcntt explain` shows; reading a file never uses it (reports are
    # made from the results), so it is only required to be an object, not walked.
    {
        "trace": Opaque("object", "how the points were reached; see udcntt explain"),
        "comparability": Nullable(_Labels(_LABELS)),
    },
)

DIAGNOSTIC = Obj(
    {
        "code": Text(40),
        "severity": Const(("error", "warning")),
        "message": _LONG,
        "file": Nullable(_LONG),
        "line": Nullable(_COUNT),
        "column": Nullable(_COUNT),
        "path": Nullable(_LONG),
        "sheet": Nullable(_LONG),
        "row": Nullable(_COUNT),
        "cell_column": Nullable(_LONG),
        "criterion": Nullable(_LONG),
        "indicator": Nullable(_LONG),
        "agency": Nullable(_LONG),
        "value": Nullable(_LONG),
        "hint": Nullable(_LONG),
        "notes": Arr(_LONG, 1_000),
    },
    {
        "i18n": Obj(
            {},
            {"message": _TEMPLATE, "hint": _TEMPLATE, "notes": Arr(Nullable(_TEMPLATE), 1_000)},
            description="the English templates of message, hint and notes, to render them "
            "in another language",
        )
    },
)


def _fields_spec(cls: type, known: dict[str, Spec], description: str) -> Obj:
    """One key per field of the dataclass ``cls``: required unless it has a default.

    Fields added to the class later are accepted as free-form JSON until given a spec here.
    """
    from dataclasses import MISSING, fields

    required: dict[str, Spec] = {}
    optional: dict[str, Spec] = {}
    for f in fields(cls):
        spec = known.get(f.name, AnyJson())
        has_default = f.default is not MISSING or f.default_factory is not MISSING
        (optional if has_default else required)[f.name] = spec
    return Obj(required, optional, description=description)


def _comparison_spec() -> Obj:
    from udcntt.evaluation import Comparison

    known: dict[str, Spec] = {
        "previous_rules_id": _OPT_ID,
        "previous_fingerprint": Nullable(Text(200)),
        "same_rules": Bool(),
        "new_agencies": Arr(_ID),
        "dropped_agencies": Arr(_ID),
        "matched_by_alias": Map(_ID),
        "matched_by_name": Map(_ID),
        "moved_block": Arr(_ID),
        "previous_year": Nullable(Int(0, 9999)),
        "label_counts": Map(_COUNT, 100),
        "baseline": Map(AnyJson(), 100),
        "criteria_compared": Arr(_ID),
        "criteria_not_compared": Arr(_ID),
        "previous_synthetic": Bool(),
    }
    return _fields_spec(Comparison, known, "how this year's results relate to last year's")


def _receipt_spec() -> Obj:
    """The receipt: one key per field of :class:`~udcntt.evaluation.Receipt`."""
    from udcntt.evaluation import Receipt

    known: dict[str, Spec] = {
        "udcntt_version": Text(100),
        "rules_id": _ID,
        "rules_fingerprint": Text(200),
        "rule_files": Arr(Obj({"path": _LONG, "sha256": Text(200)}), 10_000),
        "data_fingerprint": Text(200),
        "data_source": Nullable(_LONG),
        "previous_fingerprint": Nullable(Text(200)),
        "options": Map(AnyJson(), 1_000),
        "evaluation_paths": Map(_COUNT, 1_000),
    }
    return _fields_spec(Receipt, known, "what the run depended on")


#: A unit in one of the two rankings of ``udcntt score --view both``.
_VIEW_UNIT = Obj(
    {
        "agency_id": _ID,
        "name": _LONG,
        "block": _ID,
        "ranked": Bool(),
        "rank": Nullable(_COUNT),
        "total": _PUB,
        "share": _PUB,
        "tier": _ID,
        "comparability": Nullable(_ID),
    }
)
#: Both rankings of one year side by side (``udcntt score --lineage L --view both``).
VIEWS = Obj(
    {
        "at": Nullable(_ID),
        "lineage": Nullable(_LONG),
        "old": Arr(_VIEW_UNIT),
        "new": Arr(_VIEW_UNIT),
        "links": Map(Arr(Obj({"id": _ID, "share": _PUB}), 10_000)),
    },
    description="The same year ranked in the old structure of units ('old', as scored) and "
    "in the new one ('new', regrouped by the lineage as of 'at'); 'links' maps each new unit "
    "to its predecessors in 'old', each with the share of it the unit took over ('1': whole).",
)

METHODOLOGY = Obj(
    {},
    {
        "version": Nullable(_LONG),
        "legal_basis": Arr(_LONG, 1_000),
        "sources": Arr(_LONG, 1_000),
        "share_places": Nullable(Int(0, 10)),
        "rounding_mode": Nullable(Const(("half_up", "half_even", "down"))),
        "reconstructed": Nullable(_LONG),
        "synthetic_data": Bool(),
    },
    description="What the rule set says of its method, for the reports' methodology section: "
    "version, legal basis, references, declared rounding of shares, reconstructed parts; "
    "whether the survey (or its registry) says the data are synthetic.",
)

ASSESSMENT = Obj(
    {
        "schema": Const(("udcntt-assessment",)),
        "schema_version": Const(("1",)),
        "rules_id": _ID,
        "title": _LONG,
        "year": Nullable(Int(0, 9999)),
        "blocks": Arr(Obj({"id": _ID, "label": _LONG, "max": _OPT_PUB}), 10_000),
        "tiers": Arr(
            Obj(
                {"id": _ID, "label": _LONG},
                {"min": _OPT_PUB, "max": _OPT_PUB, "conditional": Bool()},
            ),
            1_000,
        ),
        "tier_basis": Const(("points", "share")),
        "indicators": Arr(
            Obj(
                {
                    "id": _ID,
                    "label": _LONG,
                    "type": Text(40),
                    "unit": Nullable(_LONG),
                    "categories": Map(_LONG, 10_000),
                }
            )
        ),
        "relations": Arr(Obj({"check": _LONG, "blocks": Nullable(Arr(_ID, 10_000))})),
        "criteria_tree": Map(
            Arr(
                Obj(
                    {
                        "id": _ID,
                        "code": _OPT_ID,
                        "label": _LONG,
                        "depth": Int(0, MAX_DEPTH * 8),
                        "is_leaf": Bool(),
                        "full_max": _POINTS,
                    }
                )
            ),
            10_000,
        ),
        "results": Arr(RESULT),
        "comparison": Nullable(_comparison_spec()),
        "normalisation": Map(AnyJson("population statistics per criterion and scope")),
        "diagnostics": Arr(DIAGNOSTIC),
        "receipt": _receipt_spec(),
    },
    {
        "derived_types": Map(Const(("number", "bool", "text", "date"))),
        "paths": Map(_COUNT, 1_000),
        "views": VIEWS,
        "methodology": METHODOLOGY,
        # Last year's province total of each count indicator (report narratives compare).
        "previous_figures": Map(Dec(power=18), 10_000),
    },
)
