"""The ranking as CSV: one row per agency, safe to open in a spreadsheet.

Three styles (:data:`CSV_STYLES`):

* ``excel`` (the default): UTF-8 with a byte-order mark, so Excel reads Vietnamese names
  correctly; comma-separated, decimal point, column ids as headers; every number rounded as
  the report publishes it (totals and points to the places of the published totals, shares
  to 4 places).
* ``vi``: the same with Vietnamese headers, decimal comma and ``;`` as separator (what
  Excel expects on a Vietnamese system).
* ``plain``: the machine form: no byte-order mark, values exactly as scored.

With a previous year each row also carries last year's total, the score change (this year's
published total minus last year's, when the two are comparable), last year's tier id and
rank, and the rank change.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from udcntt._words import word
from udcntt.errors import UsageError, msg
from udcntt.evaluation import Assessment
from udcntt.report._format import round_half_up
from udcntt.report._tables import score_change, score_places

__all__ = ["CSV_COLUMNS", "CSV_STYLES", "assessment_to_csv", "check_csv_style", "neutralise"]

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
    "previous_total",
    "score_change",
    "previous_tier",
    "previous_rank",
    "rank_change",
    "comparability",
)

#: The CSV styles, the default first.
CSV_STYLES = ("excel", "vi", "plain")

#: Places of the share column in the ``excel`` and ``vi`` styles.
_SHARE_PLACES = 4

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_BOM = "\ufeff"


def neutralise(text: str) -> str:
    """Make survey text inert in spreadsheets: a leading ``= + - @`` gets a ``'`` prefix.

    >>> neutralise('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise("Sở Tài chính")
    'Sở Tài chính'
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


def check_csv_style(style: str) -> None:
    """Check that ``style`` is one of :data:`CSV_STYLES`.

    Raises:
        UsageError: ``E-USAGE`` for any other style.
    """
    if style not in CSV_STYLES:
        raise UsageError(
            msg("unknown CSV style '{style}'", style=style),
            code="E-USAGE",
            hint=msg("use one of: {styles}", styles=", ".join(CSV_STYLES)),
        )


def _header(column: str, style: str, titles: dict[str, str]) -> str:
    if style != "vi":
        return column
    if column.startswith("points."):
        cid = column.removeprefix("points.")
        return word("report.csv.points", "vi", id=titles.get(cid, cid))
    return word(f"report.csv.{column}", "vi")


def assessment_to_csv(
    assessment: Assessment, *, criteria: bool = True, style: str = "excel"
) -> str:
    """CSV text of every agency's result, in ``style`` (see the module; ``excel`` by default).

    The text of the ``excel`` and ``vi`` styles starts with a byte-order mark (``\\ufeff``),
    which UTF-8 encodes as the three bytes Excel looks for.

    Raises:
        UsageError: ``E-USAGE`` for a style not in :data:`CSV_STYLES`.
    """
    check_csv_style(style)
    leaf_ids: list[str] = []
    if criteria:
        seen: set[str] = set()
        for r in assessment.results:
            for cid in r.criteria:
                if cid not in seen:
                    seen.add(cid)
                    leaf_ids.append(cid)
    places = score_places(assessment)

    def number(value: Decimal, digits: int) -> str:
        if style == "plain":
            return str(value)
        text = f"{round_half_up(value, digits):.{digits}f}"
        return text.replace(".", ",") if style == "vi" else text

    out = io.StringIO()
    if style != "plain":
        out.write(_BOM)
    writer = csv.writer(out, lineterminator="\n", delimiter=";" if style == "vi" else ",")
    columns = [*CSV_COLUMNS, *(f"points.{c}" for c in leaf_ids)]
    titles = {c.id: c.title for tree in assessment.criteria_tree.values() for c in tree}
    writer.writerow([neutralise(_header(c, style, titles)) for c in columns])
    for r in assessment.results:
        change = score_change(assessment, r)
        row = [
            neutralise(r.agency_id),
            neutralise(r.name),
            neutralise(r.block),
            number(r.total, places),
            number(r.max, places),
            number(r.share, _SHARE_PLACES),
            r.tier,
            neutralise(r.tier_label),
            "" if r.rank is None else str(r.rank),
            "" if r.previous_total is None else number(r.previous_total, places),
            "" if change is None else number(change, places),
            neutralise(r.previous_tier or ""),
            "" if r.previous_rank is None else str(r.previous_rank),
            "" if r.rank_change is None else str(r.rank_change),
            r.comparability or "",
        ]
        for cid in leaf_ids:
            res = r.criteria.get(cid)
            row.append("" if res is None or res.points is None else number(res.points, places))
        writer.writerow(row)
    return out.getvalue()
