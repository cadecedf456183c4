"""A Markdown summary: title, a ranking table per block, the narrative.

Survey text is escaped so that a name like ``[x](javascript:…)`` or ``<script>`` stays
literal text in any Markdown renderer, and a ``|`` cannot break a table.
"""

from __future__ import annotations

import re
from typing import Any

from udcntt.evaluation import Assessment
from udcntt.report._format import check_lang
from udcntt.report._i18n import t
from udcntt.report._method import methodology
from udcntt.report._narrative import narrative_paragraphs
from udcntt.report._tables import (
    block_views,
    comparison_keys,
    ranking_cells,
    ranking_headers,
    score_places,
    tier_changes_line,
)

__all__ = ["assessment_to_markdown", "md_escape"]

# Enough to keep survey text literal: no emphasis, code, links, HTML, headings or table
# cells can start inside it (parentheses only matter after an escaped "]").
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md_escape(text: str) -> str:
    r"""Survey text as literal Markdown: punctuation escaped, line breaks flattened.

    >>> md_escape('[=HYPERLINK("http://x","y")]')
    '\\[=HYPERLINK("http://x","y")\\]'
    >>> md_escape("a | b")
    'a \\| b'
    """
    flat = " ".join(text.split())
    return _SPECIAL.sub(r"\\\1", flat)


#: Markdown's column alignment for a cell's alignment.
_ALIGN = {"left": ":---", "right": "---:", "center": ":---:"}


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def assessment_to_markdown(assessment: Assessment, *, lang: str = "vi", both: Any = None) -> str:
    """The Markdown summary of an assessment (deterministic text ending in a newline);
    ``both`` (:class:`~udcntt.report.TwoViews`) adds both rankings side by side.

    Raises:
        UsageError: when ``lang`` is not ``"vi"`` or ``"en"``.
    """
    check_lang(lang)
    year = assessment.year
    title = t(lang, "report_title_year", year=year) if year else t(lang, "report_title")
    lines = [f"# {title}", ""]
    if assessment.title:
        lines += [f"*{t(lang, 'by_rules', title=md_escape(assessment.title))}*", ""]
    places, keys = score_places(assessment), comparison_keys(assessment)
    for view in block_views(assessment):
        lines += [f"## {md_escape(view.label)}", ""]
        header = [md_escape(h) for h in ranking_headers(assessment, view, lang)]
        rows = [
            ranking_cells(assessment, view, r, stt, lang, places=places, keys=keys)
            for stt, r in enumerate(view.results, start=1)
        ]
        lines += [_row(header), _row([_ALIGN[c.align] for c in rows[0]])]
        lines += [_row([md_escape(c.text) for c in cells]) for cells in rows]
        counts = view.tier_counts(list(assessment.tier_labels))
        summary = " · ".join(
            f"{md_escape(label)}: {counts.get(tid, 0)}"
            for tid, label in assessment.tier_labels.items()
        )
        lines += ["", f"*{t(lang, 'summary_tiers')}: {summary}*", ""]
        changes = tier_changes_line(assessment, view, lang)
        if changes is not None:
            lines += [f"*{md_escape(changes)}*", ""]
    if both is not None:
        lines += both.markdown(lang)
    lines += [f"## {t(lang, 'narrative')}", ""]
    for paragraph in narrative_paragraphs(assessment, lang=lang):
        lines += [md_escape(paragraph), ""]
    lines += [f"## {t(lang, 'method.title')}", ""]
    for heading, text in methodology(assessment).lines(lang):
        lines.append(f"- **{md_escape(heading)}:** {md_escape(text)}")
    lines.append("")
    if assessment.diagnostics:
        lines += [f"## {t(lang, 'validation')}", ""]
        for d in assessment.diagnostics:
            lines.append(f"- `{d.severity.value}[{d.code}]` {md_escape(d.message)}")
        lines.append("")
    receipt = assessment.receipt
    lines += [
        "---",
        "",
        f"*{t(lang, 'generated_by', version=md_escape(receipt.udcntt_version))} · "
        f"{t(lang, 'rules_id')}: {md_escape(receipt.rules_id)} · "
        f"{t(lang, 'rules_fingerprint')}: `{md_escape(receipt.rules_fingerprint[:16])}`*",
        "",
    ]
    return "\n".join(lines)
