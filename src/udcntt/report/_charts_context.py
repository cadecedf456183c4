"""The charts of the HTML report, ready for its template: SVG, caption, key and data table.

Each figure is a dict ``{"svg", "title", "caption", "table"}``; ``table`` (headers and
rows of text, or ``None``) is the chart's data for a reader who cannot see it, shown
under the chart in a ``<details>`` element. The charts are drawn by the ``_charts_*``
modules from the numbers of :mod:`udcntt.report._charts_data`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from udcntt.evaluation import Assessment
from udcntt.report._charts import group_colour, score_chart
from udcntt.report._charts_data import (
    GroupColumn,
    agency_group_shares,
    block_group_means,
    distribution,
    group_columns,
    group_split,
    slope_rows,
    strengths,
)
from udcntt.report._charts_groups import heatmap, strengths_chart
from udcntt.report._charts_rank import rank_change_chart, slope_chart
from udcntt.report._charts_spread import distribution_chart, split_chart
from udcntt.report._format import fmt_number, fmt_percent
from udcntt.report._i18n import t
from udcntt.report._tables import (
    BlockView,
    previous_year,
    score_places,
    tier_index,
    tier_thresholds,
)

__all__ = [
    "CHART_ROWS",
    "agency_strengths",
    "block_charts",
    "labelled_thresholds",
    "overview_charts",
    "threshold_text",
]


def _figure(
    svg: str | None, title: str, caption: str, table: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    from markupsafe import Markup

    if svg is None:
        return None
    return {"svg": Markup(svg), "title": title, "caption": caption, "table": table}


def labelled_thresholds(assessment: Assessment) -> list[tuple[int, Decimal, str]]:
    """``(tier index, minimum share, tier label)`` of every tier with a share threshold."""
    labels = list(assessment.tier_labels.values())
    return [(i, m, labels[i] if i < len(labels) else "") for i, m in tier_thresholds(assessment)]


def threshold_text(assessment: Assessment, lang: str) -> str:
    """``Ngưỡng xếp loại: Tốt ≥ 80%, Khá ≥ 65%``; empty without share thresholds."""
    marks = [
        t(lang, "charts.threshold", tier=label, share=fmt_percent(minimum, lang=lang, places=0))
        for _, minimum, label in labelled_thresholds(assessment)
    ]
    return t(lang, "charts.thresholds", list=", ".join(marks)) if marks else ""


def _pct(share: Decimal | None, lang: str) -> str:
    return "—" if share is None else fmt_percent(share, lang=lang)


def _key(columns: Sequence[GroupColumn]) -> list[dict[str, Any]]:
    """The key of the group colours and column numbers (a title that starts with its own
    number, ``1. Hạ tầng``, is not numbered twice)."""
    out = []
    for c in columns:
        number = str(c.index + 1)
        own = c.title.startswith((f"{number}.", f"{number} "))
        out.append(
            {"text": c.title if own else f"{number}. {c.title}", "colour": group_colour(c.index)}
        )
    return out


def overview_charts(
    assessment: Assessment, views: Sequence[BlockView], lang: str
) -> dict[str, Any]:
    """The figures over all blocks: the distribution of totals and the block means heatmap,
    with the key of the criteria groups."""
    columns = group_columns(views)
    dists = [d for d in (distribution(v, assessment) for v in views) if d is not None]
    title = t(lang, "charts.distribution_title")
    dist_table = {
        "headers": [
            t(lang, "charts.block"),
            t(lang, "charts.count"),
            t(lang, "charts.lowest"),
            t(lang, "charts.q1"),
            t(lang, "charts.median"),
            t(lang, "charts.q3"),
            t(lang, "charts.highest"),
            t(lang, "charts.mean"),
        ],
        "rows": [
            [
                d.label,
                str(len(d.shares)),
                *(
                    fmt_percent(v, lang=lang)
                    for v in (d.lowest, d.q1, d.median, d.q3, d.highest, d.mean)
                ),
            ]
            for d in dists
        ],
    }
    distribution_svg = (
        distribution_chart(dists, labelled_thresholds(assessment), lang=lang, label=title)
        if dists
        else None
    )
    means = block_group_means(views, columns)
    heat_title = t(lang, "charts.heatmap_title")
    heat_table = {
        "headers": [t(lang, "charts.block"), *(f"{c.index + 1}. {c.title}" for c in columns)],
        "rows": [[label, *(_pct(v, lang) for v in values)] for label, values in means],
    }
    heat_svg = (
        heatmap(
            means,
            [c.index + 1 for c in columns],
            [c.title for c in columns],
            lang=lang,
            label=heat_title,
        )
        if columns
        else None  # a rule set without criteria groups: nothing to map
    )
    caption = t(lang, "charts.distribution_caption")
    thresholds = threshold_text(assessment, lang)
    return {
        "distribution": _figure(
            distribution_svg,
            title,
            f"{caption} {thresholds}".strip(),
            dist_table,
        ),
        "heatmap": _figure(heat_svg, heat_title, t(lang, "charts.heatmap_caption"), heat_table),
        "key": _key(columns),
    }


#: A block with more agencies than this has no chart with a row per agency (scores, rank
#: changes, slope, split, heatmap): the page would carry a chart metres long that nobody
#: reads. The distribution, the block means and each agency's strengths are still drawn.
CHART_ROWS = 300


def block_charts(
    assessment: Assessment, view: BlockView, lang: str, columns: Sequence[GroupColumn]
) -> dict[str, Any]:
    """The figures of one block: scores, rank changes, slope, group split and heatmap.

    ``columns`` are every block's groups (:func:`~udcntt.report._charts_data.group_columns`),
    so a group has the same number and colour in every block. ``too_many`` is the line
    that replaces them for a block above :data:`CHART_ROWS` agencies (else empty).
    """
    own = {c.id: c for c in columns}
    block_columns = [own[g.id] for g in view.groups if g.id in own]
    if len(view.results) > CHART_ROWS:
        return {
            **dict.fromkeys(("scores", "changes", "slope", "split", "heatmap")),
            "key": [],
            "too_many": t(lang, "charts.too_many", n=len(view.results), max=CHART_ROWS),
        }
    places = score_places(assessment)
    tier_of = {tid: tier_index(assessment, tid) for tid in assessment.tier_labels}
    scores_title = f"{t(lang, 'scores_chart')} — {view.label}"
    # The figure's caption sits under the block's heading: it does not repeat the block.
    caption = t(lang, "scores_caption")
    if view.max is not None:
        caption += f" ({t(lang, 'max_short', max=fmt_number(view.max, lang=lang))})"
    thresholds = threshold_text(assessment, lang)
    out: dict[str, Any] = {
        "scores": _figure(
            score_chart(
                view.results,
                tier_of,
                labelled_thresholds(assessment),
                places=places,
                lang=lang,
                label=scores_title,
            ),
            t(lang, "scores_chart"),
            f"{caption}. {thresholds}".strip(),
        ),
        "changes": None,
        "slope": None,
    }
    if assessment.comparison is not None:
        changes_title = f"{t(lang, 'changes_chart')} — {view.label}"
        before = previous_year(assessment)
        out["changes"] = _figure(
            rank_change_chart(view.results, lang=lang, label=changes_title),
            t(lang, "changes_chart_year", year=before) if before else t(lang, "changes_chart"),
            "",
        )
        after = assessment.year
        before_text = str(before) if before else t(lang, "charts.last_year")
        after_text = str(after) if after else t(lang, "charts.this_year")
        slope_title = (
            f"{t(lang, 'charts.slope_title', before=before_text, after=after_text)} — {view.label}"
        )
        rows = slope_rows(view, assessment)
        out["slope"] = _figure(
            # When nobody moved, the page says so in a line; a chart of level lines adds nothing.
            slope_chart(rows, before=before_text, after=after_text, lang=lang, label=slope_title)
            if any(r.change for r in rows)
            else None,
            t(lang, "charts.slope_title", before=before_text, after=after_text),
            t(lang, "charts.slope_caption"),
        )
    split_title = f"{t(lang, 'charts.stacked_title')} — {view.label}"
    maximum = "" if view.max is None else fmt_number(view.max, lang=lang)
    out["split"] = _figure(
        split_chart(group_split(view), block_columns, places=places, lang=lang, label=split_title)
        if block_columns
        else None,
        t(lang, "charts.stacked_title"),
        t(lang, "charts.stacked_caption", max=maximum),
    )
    heat_title = f"{t(lang, 'charts.heatmap_agencies_title')} — {view.label}"
    # The block's mean first, so each agency's row reads against it.
    mean_row = [(t(lang, "charts.block_mean"), block_group_means([view], block_columns)[0][1])]
    out["heatmap"] = _figure(
        heatmap(
            mean_row + agency_group_shares(view),
            [c.index + 1 for c in block_columns],
            [c.title for c in block_columns],
            lang=lang,
            label=heat_title,
        )
        if block_columns
        else None,
        t(lang, "charts.heatmap_agencies_title"),
        t(lang, "charts.heatmap_caption"),
    )
    out["key"] = _key(block_columns)
    out["too_many"] = ""
    return out


def agency_strengths(view: BlockView, lang: str) -> dict[str, dict[str, Any] | None]:
    """Per agency id of the block, the figure of its strengths and weaknesses."""
    rows = strengths(view)
    differences = [
        abs(d) for items in rows.values() for s in items if (d := s.difference) is not None
    ]
    # One scale for the whole block (at least ten points), so the agencies' charts compare.
    scale = max([Decimal("0.1"), *differences])
    title = t(lang, "charts.strengths_title")
    names = {r.agency_id: r.name for r in view.results}
    return {
        agency: _figure(
            strengths_chart(items, scale=scale, lang=lang, label=f"{title} — {names[agency]}"),
            title,
            t(lang, "charts.strengths_caption"),
        )
        for agency, items in rows.items()
    }
