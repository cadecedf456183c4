"""The HTML report: narrative, ranking tables, charts, profiles, figures.

One self-contained page, with no network access and no external assets: the CSS is
inlined from ``templates/report.css``, the charts are SVG drawn by
:mod:`udcntt.report._charts`, and the only script is a few lines that open the agency
details before printing. The template is rendered with autoescaping on, so survey text can
never become markup.

:class:`HtmlReport` renders the page as a stream of text (:meth:`HtmlReport.chunks`), its
rows made one agency at a time (:mod:`udcntt.report._html_rows`), and can render a slice of
each block's ranking as one page of a report split into several
(:mod:`udcntt.report._html_pages`).

Needs the optional dependency ``jinja2`` (``pip install 'udcntt[html]'``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from udcntt.errors import Diagnostic, UsageError, msg
from udcntt.evaluation import Assessment
from udcntt.report._charts import TIER_COLOURS, tier_colour
from udcntt.report._charts_context import block_charts, overview_charts
from udcntt.report._charts_data import group_columns
from udcntt.report._figures import province_figures
from udcntt.report._format import check_lang, fmt_fraction, fmt_number, fmt_percent
from udcntt.report._html_rows import BlockRows
from udcntt.report._i18n import t, tier_word
from udcntt.report._method import methodology
from udcntt.report._narrative import narrative_paragraphs
from udcntt.report._tables import (
    block_views,
    group_heading,
    previous_year,
    ranking_headers,
    ranking_keys,
    tier_changes_line,
    tier_index,
)

__all__ = ["HtmlReport", "assessment_to_html", "html_bytes"]

#: Text handed to the file in pieces of about this many characters.
CHUNK_CHARS = 1 << 16


def _require_jinja2() -> None:
    try:
        import jinja2  # noqa: F401 - optional dependency
    except ImportError:
        raise UsageError(
            msg(
                "writing .{format} reports needs the optional dependency {package}",
                format="html",
                package="jinja2",
            ),
            code="E-USAGE",
            hint="pip install 'udcntt[html]'",
        ) from None


#: The ranking columns that stay on a narrow screen.
_KEY_COLUMNS = frozenset({"agency", "total", "tier", "rank", "change"})

#: The charts of a block on a page after its first: none (they describe the whole block).
_NO_CHARTS: dict[str, Any] = {
    **dict.fromkeys(("scores", "changes", "slope", "split", "heatmap")),
    "key": [],
    "too_many": "",
}


def _palette() -> str:
    """The tier colours as CSS variables, from the charts' palette (one source for both)."""
    return "".join(f"--t{i}: {c}; " for i, c in enumerate(TIER_COLOURS))


def _figures_context(assessment: Assessment, lang: str) -> dict[str, Any] | None:
    figures = province_figures(assessment)
    if not figures:
        return None
    scopes: list[tuple[str | None, str]] = [
        (b, assessment.block_labels.get(b, b)) for b in figures.blocks
    ]
    scopes.append((None, t(lang, "all_blocks")))
    rows = []
    for fig in figures.indicators:
        if fig.kind == "categories":
            for category in fig.category_labels or fig.overall.categories:
                counts = []
                for scope, _ in scopes:
                    agg = fig.overall if scope is None else fig.by_block.get(scope)
                    counts.append(
                        ""
                        if agg is None
                        else fmt_fraction(agg.categories.get(category, 0), agg.reporting, lang=lang)
                    )
                rows.append(
                    {
                        "label": fig.label,
                        "unit": "",
                        "how": t(
                            lang,
                            "agg_category",
                            category=fig.category_labels.get(category, category),
                        ),
                        "cells": counts,
                    }
                )
            continue
        cells = []
        for scope, _ in scopes:
            agg = fig.overall if scope is None else fig.by_block.get(scope)
            if agg is None:
                cells.append("")
            elif fig.kind == "yes":
                cells.append(fmt_fraction(agg.total, agg.reporting, lang=lang))
            elif fig.kind == "mean":
                cells.append("" if agg.mean is None else fmt_percent(agg.mean, lang=lang))
            else:
                cells.append(fmt_number(agg.total, lang=lang))
        how = {"sum": "agg_sum", "mean": "agg_mean", "yes": "agg_true"}[fig.kind]
        rows.append(
            {"label": fig.label, "unit": fig.unit or "", "how": t(lang, how), "cells": cells}
        )
    shares = []
    for share in figures.shares:
        whole = figures.indicator(share.whole)
        for index, pid in enumerate(share.parts):
            part = figures.indicator(pid)
            cells = []
            for scope, _ in scopes:
                pair = share.overall if scope is None else share.by_block.get(scope)
                if pair is None or not pair[1]:
                    cells.append("")
                    continue
                part_sum, whole_sum = pair[0][index], pair[1]
                cells.append(
                    f"{fmt_percent(part_sum / whole_sum, lang=lang)}"
                    f" ({fmt_fraction(part_sum, whole_sum, lang=lang)})"
                )
            shares.append(
                {
                    "label": part.label if part else pid,
                    "whole": whole.label if whole else share.whole,
                    "cells": cells,
                }
            )
    return {"scopes": [label for _, label in scopes], "rows": rows, "shares": shares}


class HtmlReport:
    """The HTML report of one assessment, rendered whole or one slice of its ranking.

    What reads the whole assessment or a whole block is worked out once, here or on the
    first page that shows it; each call of :meth:`chunks` then streams one page whose
    rows are made one agency at a time, so the work and the memory of a page follow the
    agencies it shows.

    Raises:
        UsageError: when jinja2 is not installed, or ``lang`` is unknown.
    """

    def __init__(self, assessment: Assessment, *, lang: str = "vi", both: Any = None) -> None:
        check_lang(lang)
        _require_jinja2()
        from jinja2 import Environment, PackageLoader, StrictUndefined

        self.env = Environment(
            loader=PackageLoader("udcntt.report", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.assessment = assessment
        self.lang = lang
        self.both = both
        self.views = block_views(assessment)
        self.rows = [BlockRows(assessment, v, lang) for v in self.views]
        self._by_agency: dict[str, list[tuple[int, Diagnostic]]] | None = None
        self._names: dict[str, str] | None = None
        self._heads: dict[int, dict[str, Any]] = {}

    def _diagnostics(self, rows: slice | None) -> list[dict[str, str]]:
        """The diagnostics a page lists: all of them, or those of the agencies it shows."""
        assessment = self.assessment
        if self._names is None:  # once, not for every page
            self._names = {r.agency_id: r.name for r in assessment.results}
        names = self._names
        if rows is None:
            chosen = list(assessment.diagnostics)
        else:
            if self._by_agency is None:  # indexed once, not scanned for every page
                self._by_agency = {}
                for position, d in enumerate(assessment.diagnostics):
                    if d.agency:
                        self._by_agency.setdefault(d.agency, []).append((position, d))
            by_agency = self._by_agency
            shown = {r.agency_id for view in self.views for r in view.results[rows]}
            chosen = [d for _, d in sorted(p for a in shown for p in by_agency.get(a, ()))]
        return [
            {
                "severity": d.severity.value,
                "code": d.code,
                "message": d.message,
                "agency": names.get(d.agency, d.agency) if d.agency else "",
                "where": str(d.location) if d.location else "",
                "hint": d.hint or "",
            }
            for d in chosen
        ]

    def _head(self, number: int, block: BlockRows) -> dict[str, Any]:
        """What every page of a block shows of it (label, tier counts, table headings):
        worked out on its first page, kept for the others (each reads the whole block)."""
        if number not in self._heads:
            assessment, view, lang = self.assessment, block.view, self.lang
            self._heads[number] = {
                "anchor": f"khoi-{number}",
                "label": view.label,
                "count": len(view.results),
                "max": None if view.max is None else fmt_number(view.max, lang=lang),
                "tiers": [
                    {"label": label, "count": count, "index": block.tier_of.get(tid, 4)}
                    for (tid, label), count in zip(
                        assessment.tier_labels.items(),
                        view.tier_counts(list(assessment.tier_labels)).values(),
                        strict=False,
                    )
                ],
                "headers": ranking_headers(assessment, view, lang),
                # Columns a phone hides: all but agency, total, tier, rank and the rank change.
                "detail": [key not in _KEY_COLUMNS for key in ranking_keys(assessment, view)],
                "numeric_from": 2,
                "group_count": len(view.groups),
                "group_headers": [group_heading(g, lang) for g in view.groups],
            }
        return self._heads[number]

    def _block(self, number: int, block: BlockRows, rows: slice, whole: bool) -> dict[str, Any]:
        """The template's view of one block: header, ranking rows, profile rows, charts."""
        assessment, view, lang = self.assessment, block.view, self.lang
        return {
            **self._head(number, block),
            "tier_changes": tier_changes_line(assessment, view, lang) if whole else None,
            "rows": block.ranking(rows),
            "profile": block.profile(rows),
            "charts": (
                block_charts(assessment, view, lang, group_columns(self.views))
                if whole
                else _NO_CHARTS
            ),
        }

    def chunks(
        self, rows: slice | None = None, pager: Mapping[str, Any] | None = None
    ) -> Iterator[str]:
        """The page's text, in pieces, as the template makes it.

        ``rows`` (positions in each block's ranking, from 0) limits the ranking, profile
        and detail rows to those agencies; a page whose slice starts after the first
        agency leaves out what describes the whole report (charts, narrative, method,
        figures, tier summaries). ``pager`` (``label``, ``links``: text and relative
        ``href``, ``None`` where there is nowhere to go) is the navigation of a split
        report.

        Raises:
            UsageError: when the rule set's texts name a word the catalogue lacks.
        """
        from markupsafe import Markup

        assessment, lang, env = self.assessment, self.lang, self.env
        whole = rows is None or not rows.start
        part = slice(None) if rows is None else rows
        year = assessment.year
        title = t(lang, "report_title_year", year=year) if year else t(lang, "report_title")
        receipt = assessment.receipt
        method = methodology(assessment) if whole else None
        css = Markup(env.loader.get_source(env, "report.css")[0]) if env.loader else ""
        context = {
            "lang": lang,
            "css": css,
            "T": lambda key, **kw: t(lang, key, **kw),
            "title": f"{title} — {pager['label']}" if pager else title,
            "rules_title": assessment.title,
            "total_agencies": len(assessment.results),
            "tiers": [
                {"label": tier_word(label, lang), "index": tier_index(assessment, tid)}
                for tid, label in assessment.tier_labels.items()
            ],
            "colours": [tier_colour(i) for i in range(5)],
            "whole": whole,
            "pager": pager,
            "narrative": narrative_paragraphs(assessment, lang=lang) if whole else [],
            "method": method.lines(lang) if method else [],
            "totals_note": method.totals.note(lang) if method else "",
            "blocks": [self._block(i, b, part, whole) for i, b in enumerate(self.rows, start=1)],
            "overview": overview_charts(assessment, self.views, lang) if whole else {},
            "palette": _palette(),
            "has_changes": whole and assessment.comparison is not None,
            "changes_title": (
                t(lang, "changes_chart_year", year=previous_year(assessment))
                if previous_year(assessment)
                else t(lang, "changes_chart")
            ),
            "figures": _figures_context(assessment, lang) if whole else None,
            "views": self.both.html_context(lang) if self.both is not None else None,
            "agencies": [{"label": b.view.label, "agencies": b.details(part)} for b in self.rows],
            "diagnostics": self._diagnostics(rows),
            "receipt": [
                (t(lang, "version"), receipt.udcntt_version),
                (t(lang, "rules_id"), receipt.rules_id),
                (t(lang, "rules_fingerprint"), receipt.rules_fingerprint),
                (t(lang, "data_fingerprint"), receipt.data_fingerprint),
                *(((t(lang, "data_source"), receipt.data_source),) if receipt.data_source else ()),
            ],
            "version": receipt.udcntt_version,
        }
        return self.env.get_template("report.html.j2").generate(**context)

    def encoded(
        self, rows: slice | None = None, pager: Mapping[str, Any] | None = None
    ) -> Iterator[bytes]:
        """:meth:`chunks` as UTF-8 bytes in pieces of about :data:`CHUNK_CHARS` characters.

        Raises:
            UsageError: as :meth:`chunks`.
        """
        buffer: list[str] = []
        size = 0
        for piece in self.chunks(rows, pager):
            buffer.append(piece)
            size += len(piece)
            if size >= CHUNK_CHARS:
                yield "".join(buffer).encode("utf-8")
                buffer.clear()
                size = 0
        if buffer:
            yield "".join(buffer).encode("utf-8")


def assessment_to_html(assessment: Assessment, *, lang: str = "vi", both: Any = None) -> str:
    """The assessment as one self-contained HTML page (deterministic text); ``both``
    (:class:`~udcntt.report.TwoViews`) adds a section with both rankings side by side.

    Raises:
        UsageError: when jinja2 is not installed, or ``lang`` is unknown.
    """
    return "".join(HtmlReport(assessment, lang=lang, both=both).chunks())


def html_bytes(assessment: Assessment, *, lang: str = "vi") -> Iterator[bytes]:
    """The one-page report as UTF-8 bytes, streamed (what ``write_report`` writes).

    Raises:
        UsageError: when jinja2 is not installed, or ``lang`` is unknown.
    """
    return HtmlReport(assessment, lang=lang).encoded()
