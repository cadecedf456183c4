"""The per-agency parts of the HTML report, made one agency at a time.

A block's ranking rows, its profile rows and each agency's detail (criteria table,
strengths chart, points to the next tier) are the bulk of an HTML report: about 18 KB of
text per agency. :class:`BlockRows` works out once per block what every row needs (decimal
places, tier indexes, comparison columns, the block's mean group shares and the scale of
the strengths charts) and then yields the rows of any slice of the block's ranking lazily,
so the template streams them to the file and no page ever holds all of its rows at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from udcntt.evaluation import AgencyResult, Assessment, points_to_next_tier
from udcntt.report._charts import mini_bar, tier_colour
from udcntt.report._charts_context import labelled_thresholds
from udcntt.report._charts_data import Strength, group_share
from udcntt.report._charts_groups import strengths_chart
from udcntt.report._charts_rank import change_words
from udcntt.report._format import fmt_number, fmt_percent
from udcntt.report._i18n import t
from udcntt.report._tables import (
    BlockView,
    Cell,
    change_text,
    comparison_cells,
    comparison_keys,
    display_points,
    lost_rows,
    next_tier_label,
    previous_year,
    score_places,
    tier_index,
)

__all__ = ["BlockRows", "share_colour"]


def share_colour(share: Decimal | None, thresholds: list[tuple[int, Decimal, str]]) -> str:
    """The colour of a share's bar: the colour of the tier whose threshold it reaches."""
    if share is None:
        return tier_colour(99)
    for index, minimum, _ in thresholds:
        if share >= minimum:
            return tier_colour(index)
    return tier_colour(len(thresholds))


def _comparison_class(cell: Cell) -> str:
    """The CSS class of a comparison cell: changes coloured by direction, numbers right."""
    if cell.key in ("change", "score_change") and isinstance(cell.value, int | Decimal):
        return "up" if cell.value > 0 else "down" if cell.value < 0 else "flat"
    return "num" if cell.align == "right" else "c"


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


def _mean(values: Iterator[Decimal | None]) -> Decimal | None:
    total, count = Decimal(0), 0
    for value in values:
        if value is not None:
            total += value
            count += 1
    return total / count if count else None


class BlockRows:
    """The rows of one block of an assessment, for any slice of its ranking.

    Everything that reads the whole block (decimal places, comparison columns, the mean
    share of each group and the common scale of the strengths charts) is worked out here,
    once; :meth:`ranking`, :meth:`profile` and :meth:`details` then cost the same for every
    agency they yield, whatever slice of the block a page shows.
    """

    def __init__(self, assessment: Assessment, view: BlockView, lang: str) -> None:
        self.assessment = assessment
        self.view = view
        self.lang = lang
        self.places = score_places(assessment)
        self.tier_of = {tid: tier_index(assessment, tid) for tid in assessment.tier_labels}
        self.thresholds = labelled_thresholds(assessment)
        # Worked out once: each reads every result, so per row they would make a page O(N²).
        self.keys = comparison_keys(assessment)
        self.means = {g.id: _mean(group_share(r, g.id) for r in view.results) for g in view.groups}
        # One scale for the whole block (at least ten points), so the agencies' charts
        # compare across its pages.
        scale = Decimal("0.1")
        for r in view.results:
            for g in view.groups:
                share, mean = group_share(r, g.id), self.means[g.id]
                if share is not None and mean is not None:
                    scale = max(scale, abs(share - mean))
        self.scale = scale

    def _slice(self, rows: slice) -> Iterator[tuple[int, AgencyResult]]:
        start, stop, _ = rows.indices(len(self.view.results))
        for index in range(start, stop):
            yield index + 1, self.view.results[index]

    def ranking(self, rows: slice) -> Iterator[dict[str, Any]]:
        """The ranking table's rows of ``rows`` (positions in the block's ranking)."""
        lang, places = self.lang, self.places
        for stt, r in self._slice(rows):
            groups = [r.criteria.get(g.id) for g in self.view.groups]
            yield {
                "stt": stt,
                "name": r.name,
                "groups": [
                    display_points(None if g is None else g.points, places, lang) for g in groups
                ],
                "total": fmt_number(r.total, lang=lang, places=places),
                "tier": r.tier_label,
                "tier_index": self.tier_of.get(r.tier, 4),
                "rank": "" if r.rank is None else r.rank,
                # Previous total, score change, previous tier and rank, rank change (label).
                "comparison": [
                    {"text": c.text, "class": _comparison_class(c), "key": c.key}
                    for c in comparison_cells(
                        self.assessment, r, lang, places=places, keys=self.keys
                    )
                ],
            }

    def profile(self, rows: slice) -> Iterator[dict[str, Any]]:
        """The criteria-group profile table's rows of ``rows``."""
        from markupsafe import Markup

        lang, places = self.lang, self.places
        for _, r in self._slice(rows):
            groups = [r.criteria.get(g.id) for g in self.view.groups]
            yield {
                "name": r.name,
                "tier_index": self.tier_of.get(r.tier, 4),
                "cells": [
                    {
                        "text": display_points(None if g is None else g.points, places, lang),
                        "bar": Markup(
                            mini_bar(
                                None if g is None else g.share,
                                share_colour(None if g is None else g.share, self.thresholds),
                            )
                        ),
                    }
                    for g in groups
                ],
                "share": fmt_percent(r.share, lang=lang),
                "bar": Markup(mini_bar(r.share, tier_colour(self.tier_of.get(r.tier, 4)))),
            }

    def strengths(self, result: AgencyResult) -> dict[str, Any] | None:
        """The figure of one agency's strengths and weaknesses (the block's scale)."""
        from markupsafe import Markup

        if not self.view.groups:
            return None
        items = [
            Strength(g.title, group_share(result, g.id), self.means[g.id]) for g in self.view.groups
        ]
        title = t(self.lang, "charts.strengths_title")
        svg = strengths_chart(
            items, scale=self.scale, lang=self.lang, label=f"{title} — {result.name}"
        )
        if svg is None:
            return None
        return {
            "svg": Markup(svg),
            "title": title,
            "caption": t(self.lang, "charts.strengths_caption"),
            "table": None,
        }

    def details(self, rows: slice) -> Iterator[dict[str, Any]]:
        """Each agency's detail of ``rows``: badge, gap to the next tier, criteria table."""
        assessment, view, lang, places = self.assessment, self.view, self.lang, self.places
        for _, r in self._slice(rows):
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
            yield {
                "name": r.name,
                "rank": "" if r.rank is None else r.rank,
                "total": fmt_number(r.total, lang=lang, places=places),
                "max": fmt_number(r.max, lang=lang),
                "share": fmt_percent(r.share, lang=lang),
                "tier": r.tier_label,
                "tier_index": tier_index(assessment, r.tier),
                "change": _change_note(assessment, r, lang),
                "strengths": self.strengths(r),
                "gap": gap_text,
                "lost": [
                    {"title": c.title, "lost": fmt_number(amount, lang=lang, places=places)}
                    for c, amount in lost_rows(assessment, view, r)[:5]
                ],
                "criteria": criteria,
                "has_codes": any(c["code"] for c in criteria),
            }
