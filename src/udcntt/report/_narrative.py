"""The press summary: Vietnamese prose in the manner of Báo Lâm Đồng, 27/03/2018.

Per block it says who is in the best tier (names listed), how many are in each other tier
(names listed when few), the block's average and spread, who rose and fell by how many
places ("Sở Công thương tăng 4 bậc", "các cơ quan tăng 1 bậc gồm có …"); then the
province figures, with every share computed from the sums. Everything comes from the
assessment, in a fixed order, so the same assessment always gives the same text.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from udcntt._words import in_sentence, lower_first, style, tier_word, word, word_n
from udcntt.evaluation import Assessment
from udcntt.report._figures import IndicatorFigure, ProvinceFigures, province_figures
from udcntt.report._format import (
    check_lang,
    fmt_fraction,
    fmt_number,
    fmt_percent,
    join_words,
    round_half_up,
)
from udcntt.report._method import data_synthetic
from udcntt.report._narrative_lineage import (
    block_comparability_sentence,
    change_items,
    label_plan,
    overview_sentence,
)
from udcntt.report._narrative_yoy import figure_change_paragraph, tier_change_sentences
from udcntt.report._tables import BlockView, block_views, previous_year

__all__ = ["LIST_NAMES_MAX", "narrative", "narrative_paragraphs"]

#: Tiers other than the best list their agencies by name when they have at most this many.
LIST_NAMES_MAX = 10


def _agencies(n: int, lang: str) -> str:
    return word_n("narrative.agencies", n, lang, n=n)


def _year_phrase(assessment: Assessment, lang: str) -> str:
    year = previous_year(assessment)
    if year is None:
        return word("narrative.previous_year", lang)
    return word("narrative.year", lang, year=year)


def _names(names: Sequence[str]) -> str:
    # "Sở Văn hóa, Thể thao và Du lịch" has commas of its own: then semicolons separate.
    return ("; " if any("," in n for n in names) else ", ").join(names)


def _join_items(items: Sequence[str], lang: str) -> str:
    # "A tăng 4 bậc, B tăng 2 bậc và các cơ quan tăng 1 bậc gồm có C, D" reads well while
    # only the last item lists names; otherwise semicolons keep the groups apart.
    if any("," in item or ";" in item for item in items[:-1]):
        return "; ".join(items)
    return join_words(list(items), lang=lang)


def _tier_sentence(assessment: Assessment, view: BlockView, lang: str) -> str:
    tiers = list(assessment.tier_labels.items())
    counts = view.tier_counts([tid for tid, _ in tiers])
    parts: list[str] = []
    unranked = word("narrative.not_ranked", lang)
    for index, (tid, label) in enumerate(tiers):
        names = [r.name + ("" if r.ranked else unranked) for r in view.results if r.tier == tid]
        tier = in_sentence(tier_word(label, lang), lang)
        count = counts.get(tid, 0)
        agencies = _agencies(count, lang)
        if index == 0:
            parts.append(
                word_n(
                    "narrative.best_tier",
                    count,
                    lang,
                    agencies=agencies,
                    tier=tier,
                    names=_names(names),
                )
                if count
                else word("narrative.best_tier_none", lang, tier=tier)
            )
        elif count:
            listed = (
                word_n("narrative.tier_names", count, lang, names=_names(names))
                if count <= LIST_NAMES_MAX
                else ""
            )
            parts.append(
                word("narrative.other_tier", lang, tier=tier, agencies=agencies, listed=listed)
            )
    return word("narrative.tiers", lang, block=view.label, parts="; ".join(parts))


def _score_sentence(assessment: Assessment, view: BlockView, lang: str) -> str | None:
    ranked = [r for r in view.results if r.ranked and r.rank is not None]
    if not ranked:
        return None
    places = max(2, *(_places(r.total) for r in ranked))
    mean = round_half_up(sum((r.total for r in ranked), Decimal(0)) / len(ranked), places)

    def num(value: Decimal) -> str:
        return fmt_number(value, lang=lang, places=places)

    out_of = f"/{fmt_number(view.max, lang=lang)}" if view.max is not None else ""
    text = word("narrative.average", lang, mean=num(mean), out_of=out_of)
    comp = assessment.comparison
    paired = [r for r in ranked if r.previous_total is not None]
    if comp is not None and comp.same_rules and paired:
        now = sum((r.total for r in paired), Decimal(0)) / len(paired)
        before = sum((r.previous_total or Decimal(0) for r in paired), Decimal(0)) / len(paired)
        diff = round_half_up(now - before, places)
        year = _year_phrase(assessment, lang)
        if diff > 0:
            text += word("narrative.average_up", lang, diff=num(diff), year=year)
        elif diff < 0:
            text += word("narrative.average_down", lang, diff=num(-diff), year=year)
        else:
            text += word("narrative.average_same", lang, year=year)
    if len(ranked) >= 2:
        top, bottom = ranked[0].total, ranked[-1].total
        text += word(
            "narrative.spread", lang, top=num(top), bottom=num(bottom), gap=num(top - bottom)
        )
    return text + "."


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _rank_sentences(assessment: Assessment, view: BlockView, lang: str) -> list[str]:
    if assessment.comparison is None:
        return []
    year = _year_phrase(assessment, lang)
    # Across a reorganisation one sentence says how the block's last-year ranks were made
    # comparable; the lists then mark only the changes that differ from it.
    plan = label_plan(assessment, view.results)
    rises = change_items(view.results, 1, plan, lang, names=_names)
    falls = change_items(view.results, -1, plan, lang, names=_names)
    out: list[str] = []
    carried = block_comparability_sentence(plan, year, lang, names=_names)
    if carried:
        out.append(carried)
    if rises:
        out.append(word("narrative.rises", lang, year=year, items=_join_items(rises, lang)))
    if falls:
        key = "narrative.falls_after_rises" if rises else "narrative.falls"
        out.append(word(key, lang, items=_join_items(falls, lang)))
    if not rises and not falls:
        out.append(word("narrative.ranks_unchanged", lang, year=year))
    elif not rises and word("narrative.no_rises", lang):
        out.append(word("narrative.no_rises", lang, year=year))
    fresh = [
        r.name
        for r in view.results
        if r.ranked
        and r.rank is not None
        and r.rank_change is None
        # The block sentence names the new units already.
        and not (plan.across and r.comparability == "new")
    ]
    if fresh:
        out.append(word("narrative.no_previous_rank", lang, year=year, names=_names(fresh)))
    return out


def _unit(figure: IndicatorFigure | None, lang: str) -> str:
    if figure is None or not figure.unit:
        return ""
    if f"{figure.unit.casefold()}," in figure.label.casefold():
        # "Số xã, phường, thị trấn" counts more kinds than its unit "xã" names.
        return ""
    return word("narrative.unit", lang, unit=figure.unit)


def _common_unit(figures: Sequence[IndicatorFigure | None], lang: str) -> str:
    """The unit of a sum of parts: theirs when they all have the same one."""
    units = {f.unit if f is not None else None for f in figures}
    only = units.pop() if len(units) == 1 else None
    return word("narrative.unit", lang, unit=only) if only else ""


def _part_label(part: str, whole: str) -> str:
    """What a part adds to its whole's label: ``… CNTT`` + ``có trình độ …``."""
    pw, ww = part.split(), whole.split()
    common = 0
    while common < min(len(pw), len(ww)) and pw[common].lower() == ww[common].lower():
        common += 1
    rest = " ".join(pw[common:])
    return rest if common == len(ww) and rest else lower_first(part)


def _quote(label: str, lang: str) -> str:
    return word("narrative.quote", lang, label=label)


def _figure_paragraphs(assessment: Assessment, figures: ProvinceFigures, lang: str) -> list[str]:
    out: list[str] = []

    def num(value: Decimal) -> str:
        return fmt_number(value, lang=lang)

    def pct(value: Decimal) -> str:
        return fmt_percent(value, lang=lang)

    covered: set[str] = set()
    sentences: list[str] = []
    wholes: dict[str, list[int]] = {}
    for index, share in enumerate(figures.shares):
        wholes.setdefault(share.whole, []).append(index)
    is_ = word("narrative.is", lang)
    short_parts = style(lang, "short_part_labels")
    for whole, indexes in wholes.items():
        wfig = figures.indicator(whole)
        wlabel = wfig.label if wfig else whole
        total = figures.shares[indexes[0]].overall[1]
        pieces: list[str] = []
        for index in indexes:
            share = figures.shares[index]
            part_sums, whole_sum = share.overall
            bits: list[str] = []
            for pid, psum in zip(share.parts, part_sums, strict=True):
                pfig = figures.indicator(pid)
                plabel = pfig.label if pfig else pid
                label = _quote(_part_label(plabel, wlabel) if short_parts else plabel, lang)
                ratio = share.share(psum, whole_sum)
                tail = ""
                if ratio is not None:
                    tail = word("narrative.share_tail", lang, share=pct(ratio))
                bits.append(f"{label}{is_}{num(psum)}{_unit(pfig, lang)}{tail}")
                covered.add(pid)
            if len(share.parts) > 1:
                combined = sum(part_sums, Decimal(0))
                ratio = share.share(combined, whole_sum)
                if ratio is not None:
                    unit = _common_unit([figures.indicator(p) for p in share.parts], lang)
                    bits.append(
                        word(
                            "narrative.together",
                            lang,
                            total=num(combined),
                            unit=unit,
                            share=pct(ratio),
                        )
                    )
                pieces.append(join_words(bits, lang=lang))
            else:
                pieces.append(bits[0])
        if whole in covered:
            # Quoted already (as a part just before): not said twice.
            head = word("narrative.of_quoted", lang, label=_quote(in_sentence(wlabel, lang), lang))
            sentences.append(head + "; ".join(pieces) + ".")
        else:
            head = f"{_quote(wlabel, lang)}{is_}{num(total)}{_unit(wfig, lang)}"
            sentences.append(head + word("narrative.of_which", lang) + "; ".join(pieces) + ".")
        covered.add(whole)
    if sentences:
        out.append(word("narrative.survey", lang, text=in_sentence(" ".join(sentences), lang)))

    everyone = len(assessment.results)
    all_yes: list[str] = []
    flags: list[str] = []
    for fig in figures.indicators:
        if fig.kind != "yes":
            continue
        agg = fig.overall
        if agg.reporting == everyone and agg.total == agg.reporting:
            all_yes.append(_quote(in_sentence(fig.label, lang), lang))
            continue
        ratio = agg.share_yes
        share_text = f" ({pct(ratio)})" if ratio is not None else ""
        text = word(
            "narrative.yes_count",
            lang,
            total=num(agg.total),
            reporting=fmt_number(agg.reporting, lang=lang),
            noun=word_n("narrative.agency_noun", agg.reporting, lang),
            label=_quote(in_sentence(fig.label, lang), lang),
            share=share_text,
        )
        if len(fig.by_block) > 1:
            per = [
                word(
                    "narrative.yes_in_block",
                    lang,
                    fraction=fmt_fraction(b.total, b.reporting, lang=lang),
                    block=in_sentence(assessment.block_labels.get(bid, bid), lang),
                )
                for bid, b in fig.by_block.items()
            ]
            text += word("narrative.yes_blocks", lang) + join_words(per, lang=lang)
        flags.append(text + ".")
    yes_sentences: list[str] = []
    if all_yes:
        listed = join_words(all_yes, lang=lang)
        yes_sentences.append(word("narrative.all_yes", lang, n=everyone, listed=listed))
    yes_sentences.extend(flags)
    if yes_sentences:
        out.append(" ".join(yes_sentences))

    others = [
        f
        for f in figures.indicators
        if f.kind == "sum" and f.id not in covered and _is_count(assessment, f.id)
    ]
    if others:
        items = [
            f"{_quote(in_sentence(f.label, lang), lang)}: {num(f.overall.total)}{_unit(f, lang)}"
            for f in others
        ]
        lead = word("narrative.other_totals", lang)
        out.append(lead + "; ".join(items) + ".")
    return out


def _is_count(assessment: Assessment, indicator: str) -> bool:
    types = {ind.id: ind.type for ind in assessment.indicators}
    return types.get(indicator, "count") == "count"


def _intro(assessment: Assessment, views: list[BlockView], lang: str) -> str:
    year = assessment.year
    title = assessment.title
    text = word("narrative.intro", lang)
    text += word("narrative.intro_year", lang, year=year) if year is not None else ""
    text += word("narrative.intro_title", lang, title=in_sentence(title, lang)) if title else "."
    blocks = [
        word(
            "narrative.block_count",
            lang,
            block=in_sentence(v.label, lang),
            agencies=_agencies(len(v.results), lang),
        )
        for v in views
    ]
    if len(views) == 1:
        only = views[0]
        text += word(
            "narrative.one_block",
            lang,
            agencies=_agencies(len(only.results), lang),
            block=in_sentence(only.label, lang),
        )
    elif views:
        listed = word("narrative.blocks_separator", lang).join(blocks[:-1])
        listed += word("words.and", lang) + blocks[-1]
        text += word("narrative.blocks", lang, n=len(views), blocks=listed)
    if data_synthetic(assessment):
        text += " " + word("narrative.synthetic_data", lang)
    # Said once: last year carried into this year's units, re-scored, synthetic.
    overview = overview_sentence(assessment.comparison, _year_phrase(assessment, lang), lang)
    return f"{text} {overview}" if overview else text


def narrative_paragraphs(assessment: Assessment, *, lang: str = "vi") -> list[str]:
    """The narrative as a list of paragraphs (see :func:`narrative`)."""
    check_lang(lang)
    views = block_views(assessment)
    paragraphs = [_intro(assessment, views, lang)]
    for view in views:
        sentences = [_tier_sentence(assessment, view, lang)]
        sentences += tier_change_sentences(
            assessment, view, _year_phrase(assessment, lang), lang, names=_names
        )
        score = _score_sentence(assessment, view, lang)
        if score:
            sentences.append(score)
        sentences.extend(_rank_sentences(assessment, view, lang))
        paragraphs.append(" ".join(sentences))
    figures = province_figures(assessment)
    if figures:
        paragraphs.extend(_figure_paragraphs(assessment, figures, lang))
    changes = figure_change_paragraph(assessment, _year_phrase(assessment, lang), lang)
    if changes:
        paragraphs.append(changes)
    return paragraphs


def narrative(assessment: Assessment, *, lang: str = "vi") -> str:
    """The press summary of an assessment, in Vietnamese (``lang="vi"``) or English.

    Paragraphs are separated by a blank line. The text is deterministic: the same
    assessment always gives the same words.

    Raises:
        UsageError: when ``lang`` is not ``"vi"`` or ``"en"``.
    """
    return "\n\n".join(narrative_paragraphs(assessment, lang=lang))
