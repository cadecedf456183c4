"""The workbook a Sở TT&TT circulates: official tables, score sheets, figures, validation.

Sheets, in order: one official ranking table per block; the province figures; one score
sheet per agency (or, past :data:`MAX_AGENCY_SHEETS` agencies, one sheet with a section per
agency); the validation report with the receipt. Numbers are stored as numbers with
number formats, so Excel or LibreOffice shows them in the reader's locale (``87,50`` on a
Vietnamese system). Every text cell goes through :func:`neutralise`: a survey name such as
``=HYPERLINK(...)`` is stored as the string ``'=HYPERLINK(...)``, never as a formula.

Needs the optional dependency ``openpyxl`` (``pip install 'udcntt[excel]'``).
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator, Sequence
from typing import IO, Any

from udcntt._words import heading
from udcntt.evaluation import AgencyResult, Assessment, points_to_next_tier
from udcntt.report._format import check_lang
from udcntt.report._i18n import t
from udcntt.report._method import methodology_sheet
from udcntt.report._tables import (
    BlockView,
    block_views,
    comparison_cells,
    comparison_keys,
    lost_rows,
    next_tier_label,
    ranking_headers,
    score_places,
    tier_changes_line,
)
from udcntt.report._xlsx_book import (
    HEADER_FILL,
    Book,
    Sheet,
    book_time,
    points_format,
    require_openpyxl,
    tier_fill,
)
from udcntt.report._xlsx_figures import figures_sheet
from udcntt.report._xlsx_names import sheet_title

__all__ = [
    "MAX_AGENCY_SHEETS",
    "SECTIONS_PER_SHEET",
    "assessment_to_xlsx",
    "sheet_title",
    "write_xlsx",
    "xlsx_chunks",
]

#: Above this many agencies the score sheets share one sheet, a section per agency.
MAX_AGENCY_SHEETS = 60
#: At most this many sections (one printed page each) on one shared score sheet: Excel
#: keeps at most 1,026 manual page breaks per sheet.
SECTIONS_PER_SHEET = 1000


def _block_sheet(book: Book, assessment: Assessment, view: BlockView, lang: str) -> None:
    sh = book.sheet(view.label)
    places = score_places(assessment)
    pts = points_format(places)
    headers = ranking_headers(assessment, view, lang, share=True)
    keys = comparison_keys(assessment)  # once: it reads every result
    year = assessment.year
    title = t(lang, "report_title_year", year=year) if year else t(lang, "report_title")
    sh.title(1, heading(title, lang), len(headers))
    sh.title(2, view.label, len(headers), size=13)
    if assessment.title:
        sh.put(
            3,
            1,
            t(lang, "by_rules", title=assessment.title),
            italic=True,
            size=11,
            wrap=True,
            measure=False,
        )
        sh.merge(3, 1, len(headers))
    header_row = 4
    for col, text in enumerate(headers, start=1):
        sh.put(
            header_row,
            col,
            text,
            bold=True,
            align="center",
            wrap=True,
            fill=HEADER_FILL,
            border=True,
        )
    sh.height(header_row, 32)
    for stt, r in enumerate(view.results, start=1):
        row = header_row + stt
        values: list[tuple[Any, str | None, str | None]] = [
            (stt, "0", "center"),
            (r.name, None, "left"),
        ]
        for g in view.groups:
            res = r.criteria.get(g.id)
            values.append((None if res is None else res.points, pts, "right"))
        values += [
            (r.total, pts, "right"),
            (r.share, "0.0%", "right"),
            (r.tier_label, None, "center"),
            (r.rank, "0", "center"),
        ]
        # Previous total, score change, previous tier and rank, rank change (and label):
        # numbers as numbers, the rest as the tables write them.
        for cell in comparison_cells(assessment, r, lang, places=places, keys=keys):
            if cell.key == "previous_total":
                values.append((cell.value, pts, "right"))
            elif cell.key == "score_change":
                values.append((cell.value, f'"+"{pts};"-"{pts};{pts}', "right"))
            elif cell.key in ("previous_rank", "change") and isinstance(cell.value, int):
                style = "0" if cell.key == "previous_rank" else '"+"0;"-"0;0'
                values.append((cell.value, style, "center"))
            else:
                values.append((cell.text or None, None, "center"))
        for col, (value, fmt, align) in enumerate(values, start=1):
            fill = tier_fill(assessment, r.tier) if headers[col - 1] == t(lang, "tier") else None
            sh.put(
                row,
                col,
                value,
                fmt=fmt,
                align=align,
                border=True,
                fill=fill,
                bold=col == len(view.groups) + 3,
            )
    last = header_row + len(view.results)
    from openpyxl.utils import get_column_letter

    sh.ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{last}"
    counts = view.tier_counts(list(assessment.tier_labels))
    summary = "; ".join(
        f"{label}: {counts.get(tid, 0)}" for tid, label in assessment.tier_labels.items()
    )
    sh.put(
        last + 2,
        2,
        f"{t(lang, 'summary_tiers')}: {summary}",
        italic=True,
        wrap=True,
        measure=False,
    )
    sh.merge(last + 2, 2, len(headers))
    changes = tier_changes_line(assessment, view, lang)
    if changes is not None:
        sh.put(last + 3, 2, changes, italic=True, wrap=True, measure=False)
        sh.merge(last + 3, 2, len(headers))
    fixed = {1: 6, 2: min(48, max(24, max((len(r.name) for r in view.results), default=20) + 2))}
    fixed.update({3 + i: 15 for i in range(len(view.groups))})
    sh.finish(header_rows=f"{header_row}:{header_row}", freeze=f"C{header_row + 1}", fixed=fixed)


def _score_section(
    sh: Sheet,
    row: int,
    assessment: Assessment,
    view: BlockView,
    r: AgencyResult,
    lang: str,
    places: int,
) -> int:
    """Write one agency's score sheet from ``row``; return the next free row.

    ``places``: :func:`score_places` of the assessment, worked out once for all agencies
    (it reads every result).
    """
    pts = points_format(places)
    year = assessment.year
    title = t(lang, "score_sheet_title_year", year=year) if year else t(lang, "score_sheet_title")
    sh.title(row, heading(title, lang), 6, size=13)
    sh.title(row + 1, r.name, 6, size=13)
    row += 3
    gap = points_to_next_tier(assessment, r)
    upper = next_tier_label(assessment, r)
    info: list[tuple[str, Any, str | None]] = [
        (t(lang, "block"), view.label, None),
        (t(lang, "total"), r.total, pts),
        (t(lang, "max"), r.max, points_format(0)),
        (t(lang, "share"), r.share, "0.0%"),
        (t(lang, "tier"), r.tier_label, None),
        (t(lang, "rank"), r.rank, "0"),
    ]
    if assessment.comparison is not None:
        info.append((t(lang, "previous_rank"), r.previous_rank, "0"))
        info.append((t(lang, "change"), r.rank_change, '"+"0;"-"0;0'))
    if upper is None:
        info.append((t(lang, "gap_none"), None, None))
    elif gap is None:
        info.append((t(lang, "gap", tier=upper), t(lang, "gap_unknown"), None))
    else:
        info.append((t(lang, "gap", tier=upper), gap, pts))
    for label, value, fmt in info:
        sh.put(row, 2, label, bold=True)
        sh.put(row, 4, value, fmt=fmt, align="right" if fmt else "left", measure=False)
        row += 1
    row += 1
    headers = [
        t(lang, "code"),
        t(lang, "criterion"),
        t(lang, "max"),
        t(lang, "points"),
        t(lang, "lost"),
        t(lang, "status"),
    ]
    for col, text in enumerate(headers, start=1):
        sh.put(row, col, text, bold=True, align="center", wrap=True, fill=HEADER_FILL, border=True)
    row += 1
    for info_c in view.criteria:
        res = r.criteria.get(info_c.id)
        if res is None:
            continue
        note = ""
        if res.status == "not_applicable":
            note = t(lang, "not_applicable")
        elif res.status == "unscored":
            note = t(lang, "unscored")
        group = not info_c.is_leaf
        sh.put(row, 1, info_c.code or "", bold=group, border=True)
        sh.put(row, 2, info_c.label, bold=group, indent=info_c.depth, border=True, wrap=True)
        sh.put(row, 3, res.max, fmt=pts, bold=group, border=True)
        sh.put(row, 4, res.points, fmt=pts, bold=group, border=True)
        sh.put(
            row, 5, res.lost if res.status == "scored" else None, fmt=pts, bold=group, border=True
        )
        sh.put(row, 6, note, border=True)
        row += 1
    row += 1
    sh.put(row, 2, t(lang, "most_lost"), bold=True)
    row += 1
    lost = lost_rows(assessment, view, r)
    if not lost:
        sh.put(row, 2, t(lang, "no_lost"), italic=True)
        row += 1
    for info_c, amount in lost:
        sh.put(row, 1, info_c.code or "")
        sh.put(row, 2, info_c.label, wrap=True)
        sh.put(row, 5, amount, fmt=pts)
        row += 1
    return row + 1


def _score_sheets(
    book: Book, assessment: Assessment, views: Sequence[BlockView], lang: str
) -> None:
    """One sheet per agency, each printed on one page; past :data:`MAX_AGENCY_SHEETS`
    agencies, shared sheets of up to :data:`SECTIONS_PER_SHEET` sections, a page each.

    Each section is written out as soon as it is laid out, so the memory a book takes does
    not grow with the number of agencies.
    """
    pairs = [(view, r) for view in views for r in view.results]
    places = score_places(assessment)
    fixed = {1: 8, 2: 62, 3: 13, 4: 13, 5: 13, 6: 16}
    if len(pairs) <= MAX_AGENCY_SHEETS:
        # The registry's spellings, when the survey was read with one (not from JSON).
        dataset = getattr(assessment, "_dataset", None)
        aliases = {a.id: a.aliases for a in getattr(dataset, "agencies", ())}
        for index, (view, r) in enumerate(pairs, start=1):
            sh = book.sheet(r.name, prefix=f"{index:02d} ", aliases=aliases.get(r.agency_id, ()))
            _score_section(sh, 1, assessment, view, r, lang, places)
            sh.finish(header_rows="1:2", freeze="A3", fixed=fixed, portrait=True, one_page=True)
        return
    chunks = range(0, len(pairs), SECTIONS_PER_SHEET)
    for start in chunks:
        name = t(lang, "score_sheet")
        if len(chunks) > 1:
            name += f" {start + 1}–{min(len(pairs), start + SECTIONS_PER_SHEET)}"
        sh = book.sheet(name)
        row = 1
        for view, r in pairs[start : start + SECTIONS_PER_SHEET]:
            row = _score_section(sh, row, assessment, view, r, lang, places)
            sh.page_break(row - 1)
            sh.flush(row, fixed=fixed, fit_to_page=False)
        sh.finish(header_rows=None, freeze=None, fixed=fixed, portrait=True, page_per_break=True)


def _validation_sheet(book: Book, assessment: Assessment, lang: str) -> None:
    sh = book.sheet(t(lang, "validation"))
    headers = [
        t(lang, "severity"),
        t(lang, "error_code"),
        t(lang, "message"),
        t(lang, "agency"),
        t(lang, "criterion"),
        t(lang, "indicator_col"),
        t(lang, "location"),
        t(lang, "value_col"),
        t(lang, "hint"),
    ]
    sh.title(1, heading(t(lang, "validation"), lang), len(headers))
    for col, text in enumerate(headers, start=1):
        sh.put(3, col, text, bold=True, align="center", fill=HEADER_FILL, border=True)
    row = 4
    names = {r.agency_id: r.name for r in assessment.results}
    if not assessment.diagnostics:
        sh.put(row, 1, t(lang, "no_diagnostics"), italic=True, measure=False)
        row += 1
    for d in assessment.diagnostics:
        agency = names.get(d.agency, d.agency) if d.agency else ""
        cells = [
            d.severity.value,
            d.code,
            d.message,
            agency or "",
            d.criterion or "",
            d.indicator or "",
            str(d.location) if d.location else "",
            d.value or "",
            d.hint or "",
        ]
        for col, value in enumerate(cells, start=1):
            sh.put(row, col, value, border=True, wrap=col in (3, 9))
        row += 1
    row += 1
    comp = assessment.comparison
    if comp is not None:
        sh.put(row, 1, t(lang, "comparison"), bold=True, size=13, measure=False)
        row += 1
        rules_note = (
            t(lang, "same_rules")
            if comp.same_rules
            else t(lang, "different_rules", rules=comp.previous_rules_id or "?")
        )
        items: list[tuple[str, str]] = [
            (t(lang, "rules_id"), rules_note),
            (
                t(lang, "new_agencies"),
                ", ".join(names.get(a, a) for a in comp.new_agencies) or t(lang, "none"),
            ),
            (t(lang, "dropped_agencies"), ", ".join(comp.dropped_agencies) or t(lang, "none")),
            (
                t(lang, "alias_matches"),
                ", ".join(
                    f"{names.get(k, k)} ← {v}" for k, v in sorted(comp.matched_by_alias.items())
                )
                or t(lang, "none"),
            ),
            (
                t(lang, "moved_block"),
                ", ".join(names.get(a, a) for a in comp.moved_block) or t(lang, "none"),
            ),
        ]
        if comp.label_counts:  # rank changes across a reorganisation, synthetic baselines
            from udcntt.evaluation import baseline_sentence, label_counts_text

            items.append((t(lang, "comparison"), label_counts_text(comp.label_counts, lang)))
            items.append(("", baseline_sentence(comp, lang) or ""))
        for label, value in items:
            sh.put(row, 1, label, bold=True, measure=False)
            sh.put(row, 3, value, measure=False)
            row += 1
        row += 1
    receipt = assessment.receipt
    sh.put(row, 1, t(lang, "receipt"), bold=True, size=13, measure=False)
    row += 1
    facts = [
        (t(lang, "version"), receipt.udcntt_version),
        (t(lang, "rules_id"), receipt.rules_id),
        (t(lang, "rules_fingerprint"), receipt.rules_fingerprint),
        (t(lang, "data_fingerprint"), receipt.data_fingerprint),
        (t(lang, "data_source"), receipt.data_source or ""),
        (t(lang, "previous_fingerprint"), receipt.previous_fingerprint or ""),
        *((t(lang, "rule_files"), f"{p} ({h[:16]})") for p, h in receipt.rule_files),
    ]
    for label, value in facts:
        sh.put(row, 1, label, bold=True, measure=False)
        sh.put(row, 3, value, measure=False)
        row += 1
    sh.finish(header_rows="3:3", freeze="A4", fixed={1: 12, 2: 22, 3: 60, 9: 40})


def assessment_to_xlsx(assessment: Assessment, *, lang: str = "vi", both: Any = None) -> bytes:
    """The assessment as an Excel workbook (bytes of an ``.xlsx`` file); ``both``: a sheet.

    Raises:
        UsageError: when openpyxl is not installed, or ``lang`` is unknown.
    """
    buffer = io.BytesIO()
    write_xlsx(assessment, buffer, lang=lang, both=both)
    return buffer.getvalue()


def xlsx_chunks(assessment: Assessment, *, lang: str = "vi") -> Iterator[bytes]:
    """The workbook's bytes in chunks of 1 MiB, written through a temporary file: a large
    book is never held whole in memory (``write_report`` writes these chunks).

    Raises:
        UsageError: when openpyxl is not installed, or ``lang`` is unknown (at the first
            chunk).
    """
    with tempfile.TemporaryFile(prefix="udcntt-xlsx-") as out:
        write_xlsx(assessment, out, lang=lang)
        out.seek(0)
        while chunk := out.read(1 << 20):
            yield chunk


def write_xlsx(
    assessment: Assessment, out: IO[bytes], *, lang: str = "vi", both: Any = None
) -> None:
    """Write the assessment as an Excel workbook to the binary file ``out`` (seekable).

    Sheets are written out as they are laid out; two runs over the same data write the
    same bytes (every part stamped :func:`~udcntt.report._xlsx_file.book_time`).

    Raises:
        UsageError: when openpyxl is not installed, or ``lang`` is unknown.
    """
    check_lang(lang)
    require_openpyxl()
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    wb.properties.creator = "udcntt"
    wb.properties.title = assessment.title
    book = Book(wb, lang)
    views = block_views(assessment)
    for view in views:
        _block_sheet(book, assessment, view, lang)
    if both is not None:  # both rankings side by side (TwoViews)
        both.xlsx_sheet(book, lang)
    figures_sheet(book, assessment, lang)
    methodology_sheet(book, assessment, lang)
    _score_sheets(book, assessment, views, lang)
    _validation_sheet(book, assessment, lang)
    book.save(book_time(assessment.year), out)
