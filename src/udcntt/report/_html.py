"""One self-contained HTML page: narrative, ranking tables, charts, profiles, figures.

No network access and no external assets: the CSS is inlined from
``templates/report.css``, the charts are SVG drawn by :mod:`udcntt.report._charts`, and the
only script is a few lines that open the agency details before printing. The template is
rendered with autoescaping on, so survey text can never become markup.

Needs the optional dependency ``jinja2`` (``pip install 'udcntt[html]'``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from udcntt.errors import UsageError, msg
from udcntt.evaluation import AgencyResult, Assessment, points_to_next_tier
from udcntt.report._charts import TIER_COLOURS, mini_bar, tier_colour
from udcntt.report._charts_context import (
    agency_strengths,
    block_charts,
    labelled_thresholds,
    overview_charts,
)
from udcntt.report._charts_data import group_columns
from udcntt.report._charts_rank import change_words
from udcntt.report._figures import province_figures
from udcntt.report._format import check_lang, fmt_fraction, fmt_number, fmt_percent
from udcntt.report._i18n import t, tier_word
from udcntt.report._method import methodology
from udcntt.report._narrative import narrative_paragraphs
from udcntt.report._tables import (
    BlockView,
    Cell,
    block_views,
    change_text,
    comparison_cells,
    comparison_keys,
    display_points,
    group_heading,
    lost_rows,
    next_tier_label,
    previous_year,
    ranking_headers,
    ranking_keys,
    score_places,
    tier_changes_line,
    tier_index,
)

__all__ = ["assessment_to_html"]


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


def _share_colour(share: Decimal | None, thresholds: list[tuple[int, Decimal, str]]) -> str:
    if share is None:
        return tier_colour(99)
    for index, minimum, _ in thresholds:
        if share >= minimum:
            return tier_colour(index)
    return tier_colour(len(thresholds))


#: The ranking columns that stay on a narrow screen.
_KEY_COLUMNS = frozenset({"agency", "total", "tier", "rank", "change"})


def _comparison_class(cell: Cell) -> str:
    """The CSS class of a comparison cell: changes coloured by direction, numbers right."""
    if cell.key in ("change", "score_change") and isinstance(cell.value, int | Decimal):
        return "up" if cell.value > 0 else "down" if cell.value < 0 else "flat"
    return "num" if cell.align == "right" else "c"


def _block_context(
    assessment: Assessment, view: BlockView, number: int, lang: str, charts: dict[str, Any]
) -> dict[str, Any]:
    from markupsafe import Markup

    places = score_places(assessment)
    tier_of = {tid: tier_index(assessment, tid) for tid in assessment.tier_labels}
    thresholds = labelled_thresholds(assessment)
    headers = ranking_headers(assessment, view, lang)
    # Worked out once: each reads every result, so per row they would make the page O(N²).
    keys = comparison_keys(assessment)
    rows = []
    profile_rows = []
    for stt, r in enumerate(view.results, start=1):
        groups = [r.criteria.get(g.id) for g in view.groups]
        rows.append(
            {
                "stt": stt,
                "name": r.name,
                "groups": [
                    display_points(None if g is None else g.points, places, lang) for g in groups
                ],
                "total": fmt_number(r.total, lang=lang, places=places),
                "tier": r.tier_label,
                "tier_index": tier_of.get(r.tier, 4),
                "rank": "" if r.rank is None else r.rank,
                # Previous total, score change, previous tier and rank, rank change (label).
                "comparison": [
                    {"text": c.text, "class": _comparison_class(c), "key": c.key}
                    for c in comparison_cells(assessment, r, lang, places=places, keys=keys)
                ],
            }
        )
        profile_rows.append(
            {
                "name": r.name,
                "tier_index": tier_of.get(r.tier, 4),
                "cells": [
                    {
                        "text": display_points(None if g is None else g.points, places, lang),
                        "bar": Markup(
                            mini_bar(
                                None if g is None else g.share,
                                _share_colour(None if g is None else g.share, thresholds),
                            )
                        ),
                    }
                    for g in groups
                ],
                "share": fmt_percent(r.share, lang=lang),
                "bar": Markup(mini_bar(r.share, tier_colour(tier_of.get(r.tier, 4)))),
            }
        )
    return {
        "anchor": f"khoi-{number}",
        "label": view.label,
        "count": len(view.results),
        "max": None if view.max is None else fmt_number(view.max, lang=lang),
        "tiers": [
            {"label": label, "count": count, "index": tier_of.get(tid, 4)}
            for (tid, label), count in zip(
                assessment.tier_labels.items(),
                view.tier_counts(list(assessment.tier_labels)).values(),
                strict=False,
            )
        ],
        "headers": headers,
        # Columns a phone hides: all but agency, total, tier, rank and the rank change.
        "detail": [key not in _KEY_COLUMNS for key in ranking_keys(assessment, view)],
        "tier_changes": tier_changes_line(assessment, view, lang),
        "numeric_from": 2,
        "group_count": len(view.groups),
        "group_headers": [group_heading(g, lang) for g in view.groups],
        "rows": rows,
        "profile": profile_rows,
        "charts": charts,
    }


def _change_note(assessment: Assessment, result: AgencyResult, lang: str) -> str:
    """The rank change beside an agency's badge, labelled: ``Thứ hạng so với năm 2016:
    tăng 1 bậc (+1)``; ``mới`` for a newcomer; empty without a previous year."""
    text = change_text(assessment, result, lang)
    if not text:
        return ""
    year = previous_year(assessment)
    label = (
        t(lang, "charts.rank_change_label", year=year)
        if year
        else t(lang, "charts.rank_change_label_any")
    )
    if result.rank_change is None:
        return f"{label}: {text}"
    return f"{label}: {change_words(result.rank_change, lang)} ({text})"


def _palette() -> str:
    """The tier colours as CSS variables, from the charts' palette (one source for both)."""
    return "".join(f"--t{i}: {c}; " for i, c in enumerate(TIER_COLOURS))


def _agencies_context(
    assessment: Assessment, views: list[BlockView], lang: str
) -> list[dict[str, Any]]:
    places = score_places(assessment)
    out = []
    for view in views:
        agencies = []
        strengths_of = agency_strengths(view, lang)
        for r in view.results:
            upper = next_tier_label(assessment, r)
            gap = points_to_next_tier(assessment, r)
            if upper is None:
                gap_text = t(lang, "gap_none")
            elif gap is None:
                gap_text = f"{t(lang, 'gap', tier=upper)}: {t(lang, 'gap_unknown')}"
            else:
                gap_text = (
                    f"{t(lang, 'gap', tier=upper)}: {fmt_number(gap, lang=lang, places=places)}"
                )
            criteria = []
            for c in view.criteria:
                res = r.criteria.get(c.id)
                if res is None:
                    continue
                criteria.append(
                    {
                        "code": c.code or "",
                        "label": c.label,
                        "depth": min(c.depth, 4),
                        "group": not c.is_leaf,
                        "max": fmt_number(res.max, lang=lang, places=places),
                        "points": display_points(res.points, places, lang),
                        "lost": fmt_number(res.lost, lang=lang, places=places)
                        if res.status == "scored"
                        else "",
                        "na": res.status == "not_applicable",
                    }
                )
            agencies.append(
                {
                    "name": r.name,
                    "rank": "" if r.rank is None else r.rank,
                    "total": fmt_number(r.total, lang=lang, places=places),
                    "max": fmt_number(r.max, lang=lang),
                    "share": fmt_percent(r.share, lang=lang),
                    "tier": r.tier_label,
                    "tier_index": tier_index(assessment, r.tier),
                    "change": _change_note(assessment, r, lang),
                    "strengths": strengths_of.get(r.agency_id),
                    "gap": gap_text,
                    "lost": [
                        {"title": c.title, "lost": fmt_number(amount, lang=lang, places=places)}
                        for c, amount in lost_rows(assessment, view, r)[:5]
                    ],
                    "criteria": criteria,
                    "has_codes": any(c["code"] for c in criteria),
                }
            )
        out.append({"label": view.label, "agencies": agencies})
    return out


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


def assessment_to_html(assessment: Assessment, *, lang: str = "vi", both: Any = None) -> str:
    """The assessment as one self-contained HTML page (deterministic text); ``both``
    (:class:`~udcntt.report.TwoViews`) adds a section with both rankings side by side.

    Raises:
        UsageError: when jinja2 is not installed, or ``lang`` is unknown.
    """
    check_lang(lang)
    _require_jinja2()
    from jinja2 import Environment, PackageLoader, StrictUndefined
    from markupsafe import Markup

    env = Environment(
        loader=PackageLoader("udcntt.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    views = block_views(assessment)
    columns = group_columns(views)
    year = assessment.year
    tiers = [
        {"label": tier_word(label, lang), "index": tier_index(assessment, tid)}
        for tid, label in assessment.tier_labels.items()
    ]
    receipt = assessment.receipt
    method = methodology(assessment)
    names = {r.agency_id: r.name for r in assessment.results}
    css = Markup(env.loader.get_source(env, "report.css")[0]) if env.loader else ""
    context = {
        "lang": lang,
        "css": css,
        "T": lambda key, **kw: t(lang, key, **kw),
        "title": t(lang, "report_title_year", year=year) if year else t(lang, "report_title"),
        "rules_title": assessment.title,
        "total_agencies": len(assessment.results),
        "tiers": tiers,
        "colours": [tier_colour(i) for i in range(5)],
        "narrative": narrative_paragraphs(assessment, lang=lang),
        "method": method.lines(lang),
        "totals_note": method.totals.note(lang),
        "blocks": [
            _block_context(assessment, v, i, lang, block_charts(assessment, v, lang, columns))
            for i, v in enumerate(views, start=1)
        ],
        "overview": overview_charts(assessment, views, lang),
        "palette": _palette(),
        "has_changes": assessment.comparison is not None,
        "changes_title": (
            t(lang, "changes_chart_year", year=previous_year(assessment))
            if previous_year(assessment)
            else t(lang, "changes_chart")
        ),
        "figures": _figures_context(assessment, lang),
        "views": both.html_context(lang) if both is not None else None,
        "agencies": _agencies_context(assessment, views, lang),
        "diagnostics": [
            {
                "severity": d.severity.value,
                "code": d.code,
                "message": d.message,
                "agency": names.get(d.agency, d.agency) if d.agency else "",
                "where": str(d.location) if d.location else "",
                "hint": d.hint or "",
            }
            for d in assessment.diagnostics
        ],
        "receipt": [
            (t(lang, "version"), receipt.udcntt_version),
            (t(lang, "rules_id"), receipt.rules_id),
            (t(lang, "rules_fingerprint"), receipt.rules_fingerprint),
            (t(lang, "data_fingerprint"), receipt.data_fingerprint),
            *(((t(lang, "data_source"), receipt.data_source),) if receipt.data_source else ()),
        ],
        "version": receipt.udcntt_version,
    }
    return env.get_template("report.html.j2").render(**context)
