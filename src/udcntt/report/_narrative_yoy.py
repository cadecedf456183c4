"""The narrative's year over year: how the tiers of a block moved, and the province figures.

Per block, after who is in which tier: how many agencies each tier held last year and this
year ("So với năm 2016, số cơ quan đạt mức tốt từ 1 lên 4, …"), then the agencies that
changed tier, by the tier they reached. After the province figures: each count total of the
survey last year and this year ("số dịch vụ công trực tuyến mức độ 3 và 4 tăng 375 (từ 251
lên 626 thủ tục)"), from :func:`udcntt.report._figures.figure_changes`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from udcntt._words import in_sentence, join_words, style, tier_word, word, word_n
from udcntt.evaluation import AgencyResult, Assessment
from udcntt.report._figures import FigureChange, figure_changes
from udcntt.report._format import fmt_number
from udcntt.report._tables import BlockView, tier_changes, tier_movers

__all__ = ["figure_change_paragraph", "tier_change_sentences"]


def _tier(assessment: Assessment, tier: str, lang: str) -> str:
    return in_sentence(tier_word(assessment.tier_labels.get(tier, tier), lang), lang)


def tier_change_sentences(
    assessment: Assessment,
    view: BlockView,
    year: str,
    lang: str,
    *,
    names: Callable[[Sequence[str]], str],
) -> list[str]:
    """The block's tier counts last year and this year, then who moved up and down a tier
    (empty without a previous year). ``year`` is the phrase for last year ("năm 2016").

    Raises:
        UsageError: for a language udcntt does not speak.
    """
    changes = tier_changes(assessment, view)
    if not changes:
        return []
    items = []
    for c in changes:
        if c.before == 0 and c.after == 0:
            continue
        key = "same" if c.before == c.after else "up" if c.after > c.before else "down"
        items.append(
            word(
                f"narrative.yoy.tier_{key}",
                lang,
                tier=_tier(assessment, c.tier, lang),
                before=fmt_number(c.before, lang=lang),
                after=fmt_number(c.after, lang=lang),
            )
        )
    out = [word("narrative.yoy.tiers", lang, year=year, items=join_words(items, lang=lang))]
    # One sentence per tier reached, best first: up, then down.
    order = list(assessment.tier_labels)
    for up in (True, False):
        reached: dict[str, list[str]] = {}
        for result, moved in tier_movers(assessment, view):
            if (moved > 0) == up:
                reached.setdefault(result.tier, []).append(_name(result, lang))
        for tier in sorted(reached, key=order.index):
            listed = reached[tier]
            out.append(
                word(
                    "narrative.yoy.raised" if up else "narrative.yoy.lowered",
                    lang,
                    tier=_tier(assessment, tier, lang),
                    year=year,
                    agencies=word_n("narrative.agencies", len(listed), lang, n=len(listed)),
                    names=names(listed),
                )
            )
    return out


def _name(result: AgencyResult, lang: str) -> str:
    return result.name + ("" if result.ranked else word("narrative.not_ranked", lang))


def _label(change: FigureChange, lang: str) -> str:
    """``số dịch vụ công trực tuyến mức độ 3 và 4`` for the sum of two parts whose labels
    differ only at the end; one indicator's label otherwise."""
    labels = list(change.labels)
    if len(labels) == 1:
        text = labels[0]
    else:
        words = [label.split() for label in labels]
        common = 0
        while (
            all(len(w) > common + 1 for w in words)
            and len({w[common].casefold() for w in words}) == 1
        ):
            common += 1
        if common and style(lang, "short_part_labels"):
            rest = join_words([" ".join(w[common:]) for w in words], lang=lang)
            text = word("narrative.yoy.joint", lang, first=" ".join(words[0][:common]), rest=rest)
        else:
            quoted = [word("narrative.quote", lang, label=in_sentence(x, lang)) for x in labels]
            return word("narrative.yoy.joint", lang, first=quoted[0], rest=" + ".join(quoted[1:]))
    return word("narrative.quote", lang, label=in_sentence(text, lang))


def _unit(change: FigureChange, label: str, lang: str) -> str:
    if not change.unit or not style(lang, "units_in_prose"):
        return ""
    if f"{change.unit.casefold()}," in label.casefold():
        return ""  # "Số xã, phường, thị trấn" counts more kinds than "xã"
    return word("narrative.unit", lang, unit=change.unit)


def figure_change_paragraph(assessment: Assessment, year: str, lang: str) -> str | None:
    """The province totals of the survey's counts compared with last year's, one clause
    each in the order the figures are quoted; ``None`` without last year's survey values.

    Raises:
        UsageError: for a language udcntt does not speak.
    """
    changes = figure_changes(assessment)
    if not changes:
        return None
    items: list[str] = []
    same: list[str] = []

    def num(value: Decimal) -> str:
        return fmt_number(value, lang=lang)

    for change in changes:
        label = _label(change, lang)
        unit = _unit(change, " ".join(change.labels), lang)
        if change.change == 0:
            same.append(
                word(
                    "narrative.yoy.figure_same",
                    lang,
                    label=label,
                    after=num(change.after),
                    unit=unit,
                )
            )
            continue
        key = "narrative.yoy.figure_up" if change.change > 0 else "narrative.yoy.figure_down"
        items.append(
            word(
                key,
                lang,
                label=label,
                diff=num(abs(change.change)),
                before=num(change.before),
                after=num(change.after),
                unit=unit,
            )
        )
    parts = items + same
    return word("narrative.yoy.figures", lang, year=year, items="; ".join(parts))
