"""A large HTML report as a summary page and one page per block.

One page of 100,000 agencies is about 130 MB, which no browser opens comfortably. Above
:data:`HTML_PAGE_AGENCIES` agencies, ``write_report(assessment, "ket-qua.html")`` writes
``ket-qua.html`` as a summary (per block: agencies, tier counts, a link) and, next to it,
``ket-qua-<block>.html`` for each block: the full report
(:func:`~udcntt.report.assessment_to_html`) of that block's agencies alone. Links are
relative, so the files can be moved together. Each page is written atomically; the summary
last, so it never links to a page that was not written.
"""

from __future__ import annotations

import dataclasses
import re
from html import escape
from pathlib import Path
from urllib.parse import quote

from udcntt.evaluation import Assessment
from udcntt.report._format import check_lang, fmt_number
from udcntt.report._i18n import t, tier_word
from udcntt.report._method import attach_rule_facts, methodology, rule_facts

__all__ = [
    "HTML_PAGE_AGENCIES",
    "block_assessment",
    "page_names",
    "pages_needed",
    "summary_html",
    "write_html_pages",
]

#: Above this many agencies an HTML report is a summary page plus one page per block.
HTML_PAGE_AGENCIES = 5_000

_SAFE = re.compile(r"[^A-Za-z0-9_-]+")

_CSS = (
    "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;"
    "color:#1a1a1a}table{border-collapse:collapse;width:100%;margin:1rem 0}"
    "th,td{border:1px solid #ccc;padding:.4rem .6rem;text-align:left}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f2f2f2}"
)


def pages_needed(assessment: Assessment, limit: int | None = None) -> bool:
    """Whether the HTML report of ``assessment`` is split (more than ``limit`` agencies,
    :data:`HTML_PAGE_AGENCIES` by default)."""
    return len(assessment.results) > (HTML_PAGE_AGENCIES if limit is None else limit)


def page_names(assessment: Assessment, path: str | Path) -> dict[str, Path]:
    """The detail page of each block with agencies: ``<stem>-<block>.html`` next to ``path``.

    Characters other than ASCII letters, digits, ``_`` and ``-`` in a block id become
    ``_``; should two blocks then share a name, the later ones get ``-2``, ``-3``, ….
    """
    target = Path(path)
    names: dict[str, Path] = {}
    taken: set[str] = set()
    for block in assessment.blocks():
        base = f"{target.stem}-{_SAFE.sub('_', block) or 'block'}"
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.lower())
        names[block] = target.with_name(name + target.suffix)
    return names


def block_assessment(assessment: Assessment, block: str) -> Assessment:
    """The assessment of one block's agencies alone, for its detail page.

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


def summary_html(assessment: Assessment, pages: dict[str, Path], *, lang: str = "vi") -> str:
    """The summary page: per block, its agencies, tier counts and a link to its page.

    Raises:
        UsageError: when ``lang`` is unknown.
    """
    check_lang(lang)
    year = assessment.year
    title = t(lang, "report_title_year", year=year) if year else t(lang, "report_title")
    tiers = list(assessment.tier_labels.items())
    head = "".join(f"<th>{escape(tier_word(label, lang))}</th>" for _, label in tiers)
    rows = []
    for block, page in pages.items():
        counts = assessment.tier_counts(block)
        cells = "".join(
            f'<td class="num">{fmt_number(counts.get(tid, 0), lang=lang)}</td>' for tid, _ in tiers
        )
        n = sum(1 for r in assessment.results if r.block == block)
        label = escape(assessment.block_labels.get(block, block))
        rows.append(
            f"<tr><th>{label}</th>"
            f'<td class="num">{fmt_number(n, lang=lang)}</td>{cells}'
            f'<td><a href="{escape(quote(page.name))}">{label}</a></td></tr>'
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
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="udcntt {escape(receipt.udcntt_version)}">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n<p>{escape(by_rules)}</p>\n"
        f"<p>{escape(t(lang, 'pages.intro', n=fmt_number(len(assessment.results), lang=lang)))}</p>\n"
        f"<table>\n<thead><tr><th>{escape(t(lang, 'block'))}</th>"
        f"<th>{escape(t(lang, 'pages.count'))}</th>{head}"
        f"<th>{escape(t(lang, 'pages.detail'))}</th></tr></thead>\n"
        f"<tbody>\n{chr(10).join(rows)}\n</tbody>\n</table>\n"
        f"<h2>{escape(t(lang, 'method.title'))}</h2>\n<table>{method}</table>\n"
        f"<h2>{escape(t(lang, 'receipt'))}</h2>\n<table>{receipt_rows}</table>\n"
        "</body>\n</html>\n"
    )


def write_html_pages(assessment: Assessment, path: str | Path, *, lang: str = "vi") -> list[Path]:
    """Write the summary page at ``path`` and each block's page next to it.

    Returns the files written, the summary last.

    Raises:
        UsageError: ``E-IO`` when a file cannot be written; when jinja2 is not installed,
            or ``lang`` is unknown.
    """
    from udcntt.report._dispatch import write_atomic
    from udcntt.report._html import assessment_to_html

    check_lang(lang)
    pages = page_names(assessment, path)
    written = []
    for block, page in pages.items():
        text = assessment_to_html(block_assessment(assessment, block), lang=lang)
        write_atomic(page, text.encode("utf-8"))
        written.append(page)
    write_atomic(path, summary_html(assessment, pages, lang=lang).encode("utf-8"))
    written.append(Path(path))
    return written
