"""The ranking as CSV: one row per agency, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from udcntt.evaluation import Assessment

__all__ = ["CSV_COLUMNS", "assessment_to_csv", "neutralise"]

#: Leading columns of the CSV output, in order; criteria points follow.
CSV_COLUMNS = (
    "agency_id",
    "name",
    "block",
    "total",
    "max",
    "share",
    "tier",
    "tier_label",
    "rank",
    "previous_rank",
    "rank_change",
    "comparability",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Make survey text inert in spreadsheets: a leading ``= + - @`` gets a ``'`` prefix.

    >>> neutralise('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise("Sở Tài chính")
    'Sở Tài chính'
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


def assessment_to_csv(assessment: Assessment, *, criteria: bool = True) -> str:
    """CSV text (UTF-8, comma-separated, header row) of every agency's result."""
    leaf_ids: list[str] = []
    if criteria:
        seen: set[str] = set()
        for r in assessment.results:
            for cid in r.criteria:
                if cid not in seen:
                    seen.add(cid)
                    leaf_ids.append(cid)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, *(f"points.{c}" for c in leaf_ids)])
    for r in assessment.results:
        row = [
            neutralise(r.agency_id),
            neutralise(r.name),
            neutralise(r.block),
            str(r.total),
            str(r.max),
            str(r.share),
            r.tier,
            neutralise(r.tier_label),
            "" if r.rank is None else str(r.rank),
            "" if r.previous_rank is None else str(r.previous_rank),
            "" if r.rank_change is None else str(r.rank_change),
            r.comparability or "",
        ]
        for cid in leaf_ids:
            res = r.criteria.get(cid)
            row.append("" if res is None or res.points is None else str(res.points))
        writer.writerow(row)
    return out.getvalue()
