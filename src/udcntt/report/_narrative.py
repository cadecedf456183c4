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

from udcntt.evaluation import AgencyResult, Assessment
from udcntt.report._figures import IndicatorFigure, ProvinceFigures, province_figures
from udcntt.report._format import (
    check_lang,
    fmt_fraction,
    fmt_number,
    fmt_percent,
    join_words,
    lower_first,
    round_half_up,
)
from udcntt.report._i18n import tier_word
from udcntt.report._tables import BlockView, block_views, previous_year

__all__ = ["LIST_NAMES_MAX", "narrative", "narrative_paragraphs"]

#: Tiers other than the best list their agencies by name when they have at most this many.
LIST_NAMES_MAX = 10


def _agencies(n: int, lang: str) -> str:
    if lang == "vi":
        return f"{n} cơ quan"
    return f"{n} agenc{'y' if n == 1 else 'ies'}"


def _year_phrase(assessment: Assessment, lang: str) -> str:
    year = previous_year(assessment)
    if lang == "vi":
        return f"năm {year}" if year is not None else "năm trước"
    return str(year) if year is not None else "the previous year"


def _names(names: Sequence[str]) -> str:
    # "Sở Văn hóa, Thể thao và Du lịch" has commas of its own: then semicolons separate.
    return ("; " if any("," in n for n in names) else ", ").join(names)


def _join_items(items: Sequence[str], lang: str) -> str:
    # "A tăng 4 bậc, B tăng 2 bậc và các cơ quan tăng 1 bậc gồm có C, D" reads well while
    # only the last item lists names; otherwise semicolons keep the groups apart.
    if any("," in item or ";" in item for item in items[:-1]):
        return "; ".join(items)
    return join_words(list(items), lang=lang)


def _changes(results: Sequence[AgencyResult], sign: int, lang: str) -> list[str]:
    moved = [r for r in results if r.rank_change is not None and r.rank_change * sign > 0]
    by_size: dict[int, list[str]] = {}
    for r in moved:
        by_size.setdefault(abs(r.rank_change or 0), []).append(r.name)
    items: list[str] = []
    for size in sorted(by_size, reverse=True):
        names = by_size[size]
        if lang == "vi":
            verb = "tăng" if sign > 0 else "giảm"
            if len(names) == 1:
                items.append(f"{names[0]} {verb} {size} bậc")
            else:
                link = "gồm có" if sign > 0 else "có"
                items.append(f"các cơ quan {verb} {size} bậc {link} {_names(names)}")
        else:
            verb = "up" if sign > 0 else "down"
            unit = "place" if size == 1 else "places"
            if len(names) == 1:
                items.append(f"{names[0]} ({verb} {size} {unit})")
            else:
                items.append(f"{verb} {size} {unit}: {_names(names)}")
    return items


def _tier_sentence(assessment: Assessment, view: BlockView, lang: str) -> str:
    tiers = list(assessment.tier_labels.items())
    counts = view.tier_counts([tid for tid, _ in tiers])
    parts: list[str] = []
    for index, (tid, label) in enumerate(tiers):
        unranked = " (không xếp hạng)" if lang == "vi" else " (not ranked)"
        names = [r.name + ("" if r.ranked else unranked) for r in view.results if r.tier == tid]
        word = tier_word(label, lang)
        count = counts.get(tid, 0)
        if lang == "vi":
            word = lower_first(word)
            named = f" là {names[0]}" if count == 1 else f" gồm: {_names(names)}"
            if index == 0:
                parts.append(
                    f"có {_agencies(count, lang)} thuộc nhóm đạt mức {word}{named}"
                    if count
                    else f"không có cơ quan nào đạt mức {word}"
                )
            elif count:
                listed = named if count <= LIST_NAMES_MAX else ""
                parts.append(f"nhóm đạt mức {word} có {_agencies(count, lang)}{listed}")
        elif index == 0:
            parts.append(
                f"{_agencies(count, lang)} rated {word}: {_names(names)}"
                if count
                else f"no agency rated {word}"
            )
        elif count:
            listed = f" ({_names(names)})" if count <= LIST_NAMES_MAX else ""
            parts.append(f"{word}: {_agencies(count, lang)}{listed}")
    if lang == "vi":
        return f"{view.label} {'; '.join(parts)}."
    return f"{view.label}: {'; '.join(parts)}."


def _score_sentence(assessment: Assessment, view: BlockView, lang: str) -> str | None:
    ranked = [r for r in view.results if r.ranked and r.rank is not None]
    if not ranked:
        return None
    places = max(2, *(_places(r.total) for r in ranked))
    mean = round_half_up(sum((r.total for r in ranked), Decimal(0)) / len(ranked), places)

    def num(value: Decimal) -> str:
        return fmt_number(value, lang=lang, places=places)

    out_of = f"/{fmt_number(view.max, lang=lang)}" if view.max is not None else ""
    text = (
        f"Điểm bình quân của khối đạt {num(mean)}{out_of} điểm"
        if lang == "vi"
        else f"The block's average score is {num(mean)}{out_of} points"
    )
    comp = assessment.comparison
    paired = [r for r in ranked if r.previous_total is not None]
    if comp is not None and comp.same_rules and paired:
        now = sum((r.total for r in paired), Decimal(0)) / len(paired)
        before = sum((r.previous_total or Decimal(0) for r in paired), Decimal(0)) / len(paired)
        diff = round_half_up(now - before, places)
        year = _year_phrase(assessment, lang)
        if lang == "vi":
            if diff > 0:
                text += f", tăng {num(diff)} điểm so với {year}"
            elif diff < 0:
                text += f", giảm {num(-diff)} điểm so với {year}"
            else:
                text += f", không đổi so với {year}"
        elif diff:
            text += f", {'up' if diff > 0 else 'down'} {num(abs(diff))} on {year}"
        else:
            text += f", unchanged on {year}"
    if len(ranked) >= 2:
        top, bottom = ranked[0].total, ranked[-1].total
        if lang == "vi":
            text += (
                f"; chênh lệch giữa cơ quan xếp hạng đầu ({num(top)} điểm) và cơ quan xếp hạng"
                f" cuối ({num(bottom)} điểm) là {num(top - bottom)} điểm"
            )
        else:
            text += (
                f"; {num(top - bottom)} points separate the first ({num(top)})"
                f" and the last ({num(bottom)})"
            )
    return text + "."


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _rank_sentences(assessment: Assessment, view: BlockView, lang: str) -> list[str]:
    if assessment.comparison is None:
        return []
    year = _year_phrase(assessment, lang)
    rises = _changes(view.results, 1, lang)
    falls = _changes(view.results, -1, lang)
    out: list[str] = []
    if lang == "vi":
        if rises:
            out.append(
                "Một số cơ quan có sự cải thiện chỉ số UDCNTT tăng bậc so với "
                f"{year} là: {_join_items(rises, lang)}."
            )
        if falls:
            lead = "Bên cạnh đó, các" if rises else "Các"
            out.append(f"{lead} cơ quan giảm bậc về mức độ UDCNTT là: {_join_items(falls, lang)}.")
        if not rises and not falls:
            out.append(f"Thứ hạng của các cơ quan trong khối không thay đổi so với {year}.")
        elif not rises:
            out.append(f"Không có cơ quan nào tăng bậc so với {year}.")
    else:
        if rises:
            out.append(f"Rose since {year}: {_join_items(rises, lang)}.")
        if falls:
            out.append(f"Fell: {_join_items(falls, lang)}.")
        if not rises and not falls:
            out.append(f"No agency of the block changed rank since {year}.")
    fresh = [
        r.name for r in view.results if r.ranked and r.rank is not None and r.rank_change is None
    ]
    if fresh:
        if lang == "vi":
            out.append(f"Chưa có thứ hạng {year} để so sánh: {_names(fresh)}.")
        else:
            out.append(f"No rank in {year} to compare with: {_names(fresh)}.")
    return out


def _unit(figure: IndicatorFigure | None, lang: str) -> str:
    if lang != "vi" or figure is None or not figure.unit:
        return ""
    return f" {figure.unit}"


def _part_label(part: str, whole: str) -> str:
    """What a part adds to its whole's label: ``… CNTT`` + ``có trình độ …``."""
    pw, ww = part.split(), whole.split()
    common = 0
    while common < min(len(pw), len(ww)) and pw[common].lower() == ww[common].lower():
        common += 1
    rest = " ".join(pw[common:])
    return rest if common == len(ww) and rest else lower_first(part)


def _quote(label: str, lang: str) -> str:
    return label if lang == "vi" else f"“{label}”"


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
    is_ = " là " if lang == "vi" else ": "
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
                label = _part_label(plabel, wlabel) if lang == "vi" else _quote(plabel, lang)
                ratio = share.share(psum, whole_sum)
                tail = ""
                if ratio is not None:
                    tail = f" (chiếm {pct(ratio)})" if lang == "vi" else f" ({pct(ratio)})"
                bits.append(f"{label}{is_}{num(psum)}{_unit(pfig, lang)}{tail}")
                covered.add(pid)
            if len(share.parts) > 1:
                combined = sum(part_sums, Decimal(0))
                ratio = share.share(combined, whole_sum)
                if ratio is not None:
                    bits.append(
                        f"cộng lại {num(combined)} (chiếm {pct(ratio)})"
                        if lang == "vi"
                        else f"together {num(combined)} ({pct(ratio)})"
                    )
                pieces.append(join_words(bits, lang=lang))
            else:
                pieces.append(bits[0])
        covered.add(whole)
        head = f"{_quote(wlabel, lang)}{is_}{num(total)}{_unit(wfig, lang)}"
        link = ", trong đó " if lang == "vi" else ", of which "
        sentences.append(head + link + "; ".join(pieces) + ".")
    if sentences:
        if lang == "vi":
            out.append("Qua khảo sát, " + lower_first(" ".join(sentences)))
        else:
            out.append("Survey totals: " + " ".join(sentences))

    everyone = len(assessment.results)
    all_yes: list[str] = []
    flags: list[str] = []
    for fig in figures.indicators:
        if fig.kind != "yes":
            continue
        agg = fig.overall
        if agg.reporting == everyone and agg.total == agg.reporting:
            all_yes.append(lower_first(fig.label) if lang == "vi" else _quote(fig.label, lang))
            continue
        ratio = agg.share_yes
        share_text = f" ({pct(ratio)})" if ratio is not None else ""
        if lang == "vi":
            text = (
                f"{fmt_fraction(agg.total, agg.reporting, lang=lang)} cơ quan"
                f" {lower_first(fig.label)}{share_text}"
            )
        else:
            text = (
                f"{_quote(fig.label, lang)}: {num(agg.total)} of {_agencies(agg.reporting, lang)}"
                f"{share_text}"
            )
        if len(fig.by_block) > 1:
            per = [
                (
                    f"{fmt_fraction(b.total, b.reporting, lang=lang)} cơ quan "
                    f"{lower_first(assessment.block_labels.get(bid, bid))}"
                    if lang == "vi"
                    else f"{fmt_fraction(b.total, b.reporting, lang=lang)} in "
                    f"{assessment.block_labels.get(bid, bid)}"
                )
                for bid, b in fig.by_block.items()
            ]
            text += (", gồm " if lang == "vi" else ": ") + join_words(per, lang=lang)
        flags.append(text + ".")
    yes_sentences: list[str] = []
    if all_yes:
        listed = join_words(all_yes, lang=lang)
        yes_sentences.append(
            f"Tất cả {everyone} cơ quan được khảo sát đều {listed}."
            if lang == "vi"
            else f"All {everyone} agencies surveyed answered yes to {listed}."
        )
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
            f"{_quote(lower_first(f.label) if lang == 'vi' else f.label, lang)}: "
            f"{num(f.overall.total)}{_unit(f, lang)}"
            for f in others
        ]
        lead = "Các chỉ tiêu khác (tổng toàn tỉnh): " if lang == "vi" else "Other totals: "
        out.append(lead + "; ".join(items) + ".")
    return out


def _is_count(assessment: Assessment, indicator: str) -> bool:
    types = {ind.id: ind.type for ind in assessment.indicators}
    return types.get(indicator, "count") == "count"


def _intro(assessment: Assessment, views: list[BlockView], lang: str) -> str:
    year = assessment.year
    title = assessment.title
    if lang == "vi":
        text = "Kết quả đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin (UDCNTT)"
        text += f" năm {year}" if year is not None else ""
        text += f" theo {lower_first(title)}." if title else "."
        blocks = [f"{lower_first(v.label)} có {_agencies(len(v.results), lang)}" for v in views]
        if len(views) == 1:
            only = views[0]
            text += (
                f" Đối tượng đánh giá là {_agencies(len(only.results), lang)}"
                f" thuộc {lower_first(only.label)}."
            )
        elif views:
            text += (
                f" Đối tượng đánh giá chia làm {len(views)} khối gồm: "
                + "; ".join(blocks[:-1])
                + f" và {blocks[-1]}."
            )
        return text
    text = "Results of the assessment and ranking of IT application (UDCNTT)"
    text += f" for {year}" if year is not None else ""
    text += f" under “{title}”." if title else "."
    blocks = [f"{v.label} ({_agencies(len(v.results), lang)})" for v in views]
    if views:
        text += (
            f" The agencies assessed fall into {len(views)} block{'s' if len(views) > 1 else ''}: "
        )
        text += join_words(blocks, lang=lang) + "."
    return text


def narrative_paragraphs(assessment: Assessment, *, lang: str = "vi") -> list[str]:
    """The narrative as a list of paragraphs (see :func:`narrative`)."""
    check_lang(lang)
    views = block_views(assessment)
    paragraphs = [_intro(assessment, views, lang)]
    for view in views:
        sentences = [_tier_sentence(assessment, view, lang)]
        score = _score_sentence(assessment, view, lang)
        if score:
            sentences.append(score)
        sentences.extend(_rank_sentences(assessment, view, lang))
        paragraphs.append(" ".join(sentences))
    figures = province_figures(assessment)
    if figures:
        paragraphs.extend(_figure_paragraphs(assessment, figures, lang))
    return paragraphs


def narrative(assessment: Assessment, *, lang: str = "vi") -> str:
    """The press summary of an assessment, in Vietnamese (``lang="vi"``) or English.

    Paragraphs are separated by a blank line. The text is deterministic: the same
    assessment always gives the same words.

    Raises:
        UsageError: when ``lang`` is not ``"vi"`` or ``"en"``.
    """
    return "\n\n".join(narrative_paragraphs(assessment, lang=lang))
