"""A large HTML report as a summary page and numbered pages per block.

One page of 100,000 agencies is about 1.8 GB, which no browser opens. Above
:data:`HTML_PAGE_AGENCIES` agencies, ``write_report(assessment, "ket-qua.html")`` writes
``ket-qua.html`` as a summary and, next to it, the pages of each block: ``ket-qua-<block>.html``
and, for a block of more agencies than a page holds, ``ket-qua-<block>-2.html``, … of at
most :data:`HTML_PAGE_AGENCIES` agencies each, in rank order. Every page has the block's
header, its part of the ranking, the profile and detail of those agencies and their
diagnostics, with links to the first, previous, next and last page of the block and back
to the summary; the charts and tables that describe the whole block (tier summary,
distribution, narrative, method, figures) are on the block's first page only, computed
over the whole block. The summary lists each block's pages with their rank ranges.

Links are relative, so the files can be moved together. Each page is streamed to its file
(:meth:`~udcntt.report._html.HtmlReport.encoded`), written atomically, and dropped before
the next; the summary is written last, so it never links to a page that was not written.
"""

from __future__ import annotations

import dataclasses
import re
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from udcntt.evaluation import Assessment
from udcntt.report._format import check_lang, fmt_number
from udcntt.report._i18n import t, tier_word
from udcntt.report._method import attach_rule_facts, methodology, rule_facts

__all__ = [
    "HTML_PAGE_AGENCIES",
    "Page",
    "block_assessment",
    "page_names",
    "pages_needed",
    "plan_pages",
    "summary_html",
    "write_html_pages",
]

#: Above this many agencies an HTML report is a summary page plus pages per block, and no
#: page shows more than this many agencies. A page holds about 18 KB of text per agency with
#: a 48-criteria rule set: 2,000 agencies make a page of about 36 MB (a page of 5,000, 90 MB,
#: took headless Chromium two minutes and 1.4 GB to open).
HTML_PAGE_AGENCIES = 2_000

_SAFE = re.compile(r"[^A-Za-z0-9_-]+")

_CSS = (
    "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;"
    "color:#1a1a1a}table{border-collapse:collapse;width:100%;margin:1rem 0}"
    "th,td{border:1px solid #ccc;padding:.4rem .6rem;text-align:left}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f2f2f2}"
)


@dataclasses.dataclass(frozen=True)
class Page:
    """One page of a block in a split HTML report."""

    block: str
    number: int  # from 1
    count: int  # pages of the block
    path: Path
    rows: slice  # positions in the block's ranking
    first_rank: int | None  # the best and the worst rank on the page (None: none ranked)
    last_rank: int | None

    def ranks(self, lang: str) -> str:
        """``hạng 1–5.000``, or ``chưa xếp hạng`` for a page of unranked agencies only."""
        if self.first_rank is None or self.last_rank is None:
            return t(lang, "pages.unranked")
        return t(
            lang,
            "pages.ranks",
            first=fmt_number(self.first_rank, lang=lang),
            last=fmt_number(self.last_rank, lang=lang),
        )


def _limit(limit: int | None) -> int:
    return max(1, HTML_PAGE_AGENCIES if limit is None else limit)


def pages_needed(assessment: Assessment, limit: int | None = None) -> bool:
    """Whether the HTML report of ``assessment`` is split (more than ``limit`` agencies,
    :data:`HTML_PAGE_AGENCIES` by default)."""
    return len(assessment.results) > _limit(limit)


def plan_pages(
    assessment: Assessment, path: str | Path, limit: int | None = None
) -> dict[str, list[Page]]:
    """The pages of each block with agencies, next to ``path``: ``<stem>-<block>.html``,
    then ``<stem>-<block>-2.html``, … of at most ``limit`` agencies
    (:data:`HTML_PAGE_AGENCIES` by default) in rank order.

    Characters other than ASCII letters, digits, ``_`` and ``-`` in a block id become
    ``_``; should two blocks then share a name, or a block's name be another block's page,
    the later block gets ``-2``, ``-3``, … (the first suffix none of whose pages is taken).
    """
    target = Path(path)
    size = _limit(limit)
    plan: dict[str, list[Page]] = {}
    taken: set[str] = {target.stem.lower()}
    for block in assessment.blocks():
        ranked = assessment.ranking(block)
        count = max(1, -(-len(ranked) // size))
        base = f"{target.stem}-{_SAFE.sub('_', block) or 'block'}"
        n = 1
        while True:
            stem = base if n == 1 else f"{base}-{n}"
            stems = [stem, *(f"{stem}-{k}" for k in range(2, count + 1))]
            if not any(s.lower() in taken for s in stems):
                break
            n += 1
        taken.update(s.lower() for s in stems)
        pages = []
        for number, stem_k in enumerate(stems, start=1):
            rows = slice((number - 1) * size, min(number * size, len(ranked)))
            ranks = [r.rank for r in ranked[rows] if r.rank is not None]
            pages.append(
                Page(
                    block=block,
                    number=number,
                    count=count,
                    path=target.with_name(stem_k + target.suffix),
                    rows=rows,
                    first_rank=min(ranks) if ranks else None,
                    last_rank=max(ranks) if ranks else None,
                )
            )
        plan[block] = pages
    return plan


def page_names(assessment: Assessment, path: str | Path) -> dict[str, Path]:
    """The first page of each block with agencies (see :func:`plan_pages`)."""
    return {block: pages[0].path for block, pages in plan_pages(assessment, path).items()}


def block_assessment(assessment: Assessment, block: str) -> Assessment:
    """The assessment of one block's agencies alone, for its pages.

    Ranks, tiers, totals and the receipt are those of the whole assessment; diagnostics
    are the block's agencies' ones.
    """
    results = tuple(r for r in assessment.results if r.block == block)
    ids = {r.agency_id for r in results}
    part = dataclasses.replace(
        assessment,
        results=results,
        block_labels={block: assessment.block_labels.get(block, block)},
        block_max={k: v for k, v in assessment.block_max.items() if k == block},
        criteria_tree={k: v for k, v in assessment.criteria_tree.items() if k == block},
        diagnostics=tuple(d for d in assessment.diagnostics if d.agency in ids),
        stored_receipt=assessment.receipt,  # not hashed again for every page
    )
    facts = rule_facts(assessment)
    if facts:
        attach_rule_facts(part, facts)
    return part


def _href(page: Path) -> str:
    return quote(page.name)


def _pager(page: Page, pages: list[Page], summary: Path, label: str, lang: str) -> dict[str, Any]:
    """The navigation of one page: its label and the links to the first, previous, next
    and last page of its block and to the summary (relative; ``None`` where there is
    nowhere to go)."""
    if page.count == 1:
        return {
            "label": label,
            "links": [{"text": t(lang, "pages.summary"), "href": _href(summary), "rel": "up"}],
        }
    here = page.number - 1

    def link(key: str, index: int, rel: str) -> dict[str, Any]:
        href = None if index == here or not 0 <= index < len(pages) else _href(pages[index].path)
        return {"text": t(lang, f"pages.{key}"), "href": href, "rel": rel}

    return {
        "label": f"{label} · {t(lang, 'pages.page', n=page.number, count=page.count)}"
        f" · {page.ranks(lang)}",
        "links": [
            link("first", 0, "first"),
            link("previous", here - 1, "prev"),
            link("next", here + 1, "next"),
            link("last", len(pages) - 1, "last"),
            {"text": t(lang, "pages.summary"), "href": _href(summary), "rel": "up"},
        ],
    }


def summary_html(
    assessment: Assessment, pages: dict[str, Path] | dict[str, list[Page]], *, lang: str = "vi"
) -> str:
    """The summary page: per block, its agencies, tier counts and links to its pages (with
    their rank ranges when a block has several).

    Raises:
        UsageError: when ``lang`` is unknown.
    """
    check_lang(lang)
    year = assessment.year
    title = t(lang, "report_title_year", year=year) if year else t(lang, "report_title")
    tiers = list(assessment.tier_labels.items())
    head = "".join(f"<th>{escape(tier_word(label, lang))}</th>" for _, label in tiers)
    sizes: dict[str, int] = {}
    for r in assessment.results:
        sizes[r.block] = sizes.get(r.block, 0) + 1
    rows = []
    size = 0  # the most agencies a page of a split block shows
    for block, where in pages.items():
        counts = assessment.tier_counts(block)
        cells = "".join(
            f'<td class="num">{fmt_number(counts.get(tid, 0), lang=lang)}</td>' for tid, _ in tiers
        )
        label = escape(assessment.block_labels.get(block, block))
        if isinstance(where, Path) or len(where) == 1:
            first = where if isinstance(where, Path) else where[0].path
            links = f'<a href="{escape(_href(first))}">{label}</a>'
        else:
            size = max(size, *(p.rows.stop - p.rows.start for p in where))
            links = " · ".join(
                f'<a href="{escape(_href(p.path))}">{escape(p.ranks(lang))}</a>' for p in where
            )
        rows.append(
            f"<tr><th>{label}</th>"
            f'<td class="num">{fmt_number(sizes.get(block, 0), lang=lang)}</td>{cells}'
            f"<td>{links}</td></tr>"
        )
    method = "".join(
        f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>"
        for k, v in methodology(assessment).lines(lang)
    )
    receipt = assessment.receipt
    facts = [
        (t(lang, "rules_id"), receipt.rules_id),
        (t(lang, "rules_fingerprint"), receipt.rules_fingerprint),
        (t(lang, "data_fingerprint"), receipt.data_fingerprint),
        (t(lang, "version"), receipt.udcntt_version),
    ]
    receipt_rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts)
    by_rules = t(lang, "by_rules", title=assessment.title) if assessment.title else ""
    n = fmt_number(len(assessment.results), lang=lang)
    intro = escape(t(lang, "pages.intro", n=n))
    if size:
        intro += " " + escape(t(lang, "pages.intro_pages", size=fmt_number(size, lang=lang)))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="udcntt {escape(receipt.udcntt_version)}">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n<p>{escape(by_rules)}</p>\n"
        f"<p>{intro}</p>\n"
        f"<table>\n<thead><tr><th>{escape(t(lang, 'block'))}</th>"
        f"<th>{escape(t(lang, 'pages.count'))}</th>{head}"
        f"<th>{escape(t(lang, 'pages.detail'))}</th></tr></thead>\n"
        f"<tbody>\n{chr(10).join(rows)}\n</tbody>\n</table>\n"
        f"<h2>{escape(t(lang, 'method.title'))}</h2>\n<table>{method}</table>\n"
        f"<h2>{escape(t(lang, 'receipt'))}</h2>\n<table>{receipt_rows}</table>\n"
        "</body>\n</html>\n"
    )


def write_html_pages(
    assessment: Assessment, path: str | Path, *, lang: str = "vi", limit: int | None = None
) -> list[Path]:
    """Write the pages of each block next to ``path`` and the summary page at ``path``.

    ``limit`` is the most agencies a page shows (:data:`HTML_PAGE_AGENCIES` by default).
    Each page is streamed to its file and dropped before the next: the memory of the
    writer follows one page's pieces, not the report. Returns the files written, the
    summary last.

    Raises:
        UsageError: ``E-IO`` when a file cannot be written; when jinja2 is not installed,
            or ``lang`` is unknown.
    """
    from udcntt.report._dispatch import write_atomic
    from udcntt.report._html import HtmlReport

    check_lang(lang)
    summary = Path(path)
    plan = plan_pages(assessment, summary, limit)
    written = []
    for block, pages in plan.items():
        report = HtmlReport(block_assessment(assessment, block), lang=lang)
        label = assessment.block_labels.get(block, block)
        for page in pages:
            rows = None if page.count == 1 else page.rows
            nav = _pager(page, pages, summary, label, lang)
            write_atomic(page.path, report.encoded(rows, nav))
            written.append(page.path)
        del report  # the block's rows and charts go before the next block's
    write_atomic(summary, summary_html(assessment, plan, lang=lang).encode("utf-8"))
    written.append(summary)
    return written
