"""Two views of one year in one report: both rankings side by side, the lineage between them.

The ministry published DTI 2024 twice: among the 63 former provinces and among the 34 new
ones. ``udcntt score --lineage L --view both -o NAME.EXT`` writes the year as scored (the
old units) with, after its ranking tables, one table per block of the new structure:

=====================  ===================  =========================================
new unit               its rank and value   its predecessors, each with its rank and
                       in the new view      value in the old view (the lineage)
=====================  ===================  =========================================

in HTML a section "Hai cách xếp hạng", in XLSX a sheet of that name, in Markdown a table,
in JSON an object ``views`` (both rankings and the lineage mapping; documented in the
results schema). :func:`two_views` builds it from the assessment as scored and its regrouped
view (:func:`udcntt.evaluation.regroup`), which names each new unit's predecessors in its
last note (``← a, b × 0.5``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from udcntt._words import word
from udcntt.errors import UsageError, msg
from udcntt.evaluation import AgencyResult, Assessment, comparability_text
from udcntt.report._format import check_lang, fmt_number
from udcntt.report._tables import score_places

if TYPE_CHECKING:
    from collections.abc import Mapping

    from udcntt.report._xlsx_book import Book

__all__ = ["VIEWS_FORMATS", "TwoViews", "ViewRow", "two_views", "write_two_views"]

#: The formats whose report holds both rankings side by side.
VIEWS_FORMATS = (".json", ".md", ".html", ".xlsx")

_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class ViewRow:
    """One line of a side-by-side table: the new unit (on the first line of its group only)
    and one of its predecessors in the old view, with the share of it the unit took over."""

    unit: AgencyResult | None
    source: AgencyResult | None
    share: Decimal = _ONE


def _links(result: AgencyResult) -> tuple[tuple[str, Decimal], ...]:
    for note in reversed(result.notes):
        if note.startswith("← "):
            out = []
            for part in note[2:].split(","):
                uid, _, share = part.strip().partition(" × ")
                out.append((uid.strip(), Decimal(share) if share else _ONE))
            return tuple(out)
    return ((result.agency_id, _ONE),)


@dataclass(frozen=True)
class TwoViews:
    """The same year ranked in the old structure of units and in the new one.

    ``links`` maps each unit of the new view to its predecessors in the old one, each with
    the share of it the unit took over (``1`` for a whole unit).
    """

    old: Assessment
    new: Assessment
    links: Mapping[str, tuple[tuple[str, Decimal], ...]]
    at: str | None = None
    lineage: str | None = None

    def blocks(self) -> list[tuple[str, str, list[ViewRow]]]:
        """Per block of the new structure: its id, label and table rows (new ranking order)."""
        by_id = {r.agency_id: r for r in self.old.results}
        out = []
        for block in self.new.blocks():
            rows: list[ViewRow] = []
            for unit in self.new.ranking(block):
                sources = [(by_id.get(uid), share) for uid, share in self.links[unit.agency_id]]
                first = True
                for source, share in sources or [(None, _ONE)]:
                    rows.append(ViewRow(unit if first else None, source, share))
                    first = False
            out.append((block, self.new.block_labels.get(block, block), rows))
        return out

    def headers(self, lang: str) -> list[str]:
        """The column headings of the side-by-side tables.

        Raises:
            UsageError: for a language udcntt does not speak.
        """
        keys = ("new_rank", "new_unit", "new_total", "tier", "how", "old_rank", "old_unit")
        return [word(f"views.{k}", lang) for k in keys] + [word("views.old_total", lang)]

    def cells(self, row: ViewRow, lang: str) -> list[str]:
        """The text cells of one row (empty where the row continues the unit above).

        Raises:
            UsageError: for a language udcntt does not speak.
        """
        places = score_places(self.old)
        unit, source = row.unit, row.source
        new = ["", "", "", "", ""]
        if unit is not None:
            new = [
                "" if unit.rank is None else str(unit.rank),
                unit.name + ("" if unit.ranked else word("narrative.not_ranked", lang)),
                fmt_number(unit.total, lang=lang, places=places),
                unit.tier_label,
                comparability_text(unit.comparability, lang),
            ]
        if source is None:
            return [*new, "", "", ""]
        share = "" if row.share == 1 else f" × {fmt_number(row.share, lang=lang)}"
        return [
            *new,
            "" if source.rank is None else str(source.rank),
            f"{source.name} ({source.agency_id}){share}",
            fmt_number(source.total, lang=lang, places=places),
        ]

    def intro(self, lang: str) -> str:
        """The sentence above the tables: what the two rankings are.

        Raises:
            UsageError: for a language udcntt does not speak.
        """
        return word(
            "views.intro",
            lang,
            year=self.old.year or "",
            old=len(self.old.results),
            new=len(self.new.results),
            at=self.at or "",
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object ``views``: both rankings and the lineage mapping."""

        def ranking(a: Assessment) -> list[dict[str, Any]]:
            return [
                {
                    "agency_id": r.agency_id,
                    "name": r.name,
                    "block": r.block,
                    "ranked": r.ranked,
                    "rank": r.rank,
                    "total": str(r.total),
                    "share": str(r.share),
                    "tier": r.tier,
                    "comparability": r.comparability,
                }
                for block in a.blocks()
                for r in a.ranking(block)
            ]

        return {
            "at": self.at,
            "lineage": self.lineage,
            "old": ranking(self.old),
            "new": ranking(self.new),
            "links": {
                uid: [{"id": pid, "share": str(share)} for pid, share in links]
                for uid, links in self.links.items()
            },
        }

    def markdown(self, lang: str) -> list[str]:
        """The Markdown section (lines): a heading, the intro, a table per new block.

        Raises:
            UsageError: for a language udcntt does not speak.
        """
        from udcntt.report._markdown import md_escape

        lines = [f"## {word('views.title', lang)}", "", md_escape(self.intro(lang)), ""]
        headers = self.headers(lang)
        align = ["---:", ":---", "---:", ":---", ":---", "---:", ":---", "---:"]
        for _, label, rows in self.blocks():
            lines += [f"### {md_escape(label)}", ""]
            lines.append("| " + " | ".join(headers) + " |")
            lines.append("| " + " | ".join(align) + " |")
            for row in rows:
                cells = [md_escape(c) for c in self.cells(row, lang)]
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
        return lines

    def html_context(self, lang: str) -> dict[str, Any]:
        """What the HTML template's section needs: title, intro, headings, blocks of rows
        (each new unit's cells with the number of its predecessors, for ``rowspan``).

        Raises:
            UsageError: for a language udcntt does not speak.
        """
        blocks = []
        for block, label, rows in self.blocks():
            lines = []
            for index, row in enumerate(rows):
                span = 0
                if row.unit is not None:
                    span = 1
                    while index + span < len(rows) and rows[index + span].unit is None:
                        span += 1
                lines.append({"cells": self.cells(row, lang), "span": span})
            blocks.append({"id": block, "label": label, "rows": lines})
        return {
            "title": word("views.title", lang),
            "intro": self.intro(lang),
            "headers": self.headers(lang),
            "blocks": blocks,
        }

    def xlsx_sheet(self, book: Book, lang: str) -> None:
        """Add the sheet "Hai cách xếp hạng" (the same tables) to a workbook being written.

        Raises:
            UsageError: for a language udcntt does not speak.
        """
        from udcntt.report._xlsx_book import HEADER_FILL

        sh = book.sheet(word("views.title", lang))
        headers = self.headers(lang)
        sh.title(1, word("views.title", lang), len(headers))
        sh.put(2, 1, self.intro(lang), italic=True, size=11, measure=False)
        sh.merge(2, 1, len(headers))
        row = 4
        for _, label, rows in self.blocks():
            sh.put(row, 1, label, bold=True, size=13, measure=False)
            row += 1
            for col, text in enumerate(headers, start=1):
                sh.put(row, col, text, bold=True, align="center", wrap=True, fill=HEADER_FILL)
            for line in rows:
                row += 1
                for col, text in enumerate(self.cells(line, lang), start=1):
                    numeric = col in (1, 6) and text.isdigit()
                    sh.put(
                        row,
                        col,
                        int(text) if numeric else text,
                        align="center" if col in (1, 4, 6) else None,
                        border=True,
                    )
            row += 2
        sh.finish(header_rows=None, freeze=None, fixed={2: 40, 5: 30, 7: 48})


def two_views(old: Assessment, new: Assessment) -> TwoViews:
    """Both rankings of one year: ``old`` as scored, ``new`` its regrouped view.

    Raises:
        UsageError: ``E-USAGE`` when ``new`` is not a view regrouped from ``old``
            (:func:`udcntt.evaluation.regroup`): it names a predecessor ``old`` lacks.
    """
    known = {r.agency_id for r in old.results}
    links = {r.agency_id: _links(r) for r in new.results}
    for uid, sources in links.items():
        missing = [pid for pid, _ in sources if pid not in known]
        if missing:
            raise UsageError(
                msg(
                    "unit '{unit}' of the new view comes from '{missing}', which the "
                    "assessment as scored does not have",
                    unit=uid,
                    missing=", ".join(missing),
                ),
                code="E-USAGE",
            )
    options = new.receipt.options
    at, lineage = options.get("at"), options.get("lineage")
    return TwoViews(
        old,
        new,
        MappingProxyType(links),
        at=str(at) if at is not None else None,
        lineage=str(lineage) if lineage is not None else None,
    )


def write_two_views(views: TwoViews, path: str | Path, *, lang: str = "vi") -> None:
    """Write the year as scored with both rankings side by side (see the module).

    Raises:
        UsageError: ``E-USAGE`` for a format other than :data:`VIEWS_FORMATS` or an
            unknown language, or a missing optional dependency; ``E-IO`` when the file
            cannot be written.
    """
    from udcntt.report._dispatch import check_output_folder, write_atomic

    target = Path(path)
    check_lang(lang)
    suffix = target.suffix.lower()
    if suffix not in VIEWS_FORMATS:
        raise UsageError(
            msg(
                "the two rankings side by side are written as {formats}, not '{path}'",
                formats=", ".join(VIEWS_FORMATS),
                path=target,
            ),
            code="E-USAGE",
        )
    check_output_folder(target)
    if suffix == ".json":  # written agency by agency, as write_report writes JSON
        from udcntt.report._json import json_chunks

        write_atomic(target, json_chunks(views.old, extra={"views": views.to_dict()}))
        return
    data: bytes
    if suffix == ".md":
        from udcntt.report._markdown import assessment_to_markdown

        data = assessment_to_markdown(views.old, lang=lang, both=views).encode("utf-8")
    elif suffix == ".html":
        from udcntt.report._html import assessment_to_html

        data = assessment_to_html(views.old, lang=lang, both=views).encode("utf-8")
    else:
        from udcntt.report._xlsx import assessment_to_xlsx

        data = assessment_to_xlsx(views.old, lang=lang, both=views)
    write_atomic(target, data)
