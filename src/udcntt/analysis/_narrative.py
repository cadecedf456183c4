"""Sentences that say what the analysis found, in Vietnamese and in English.

"Trong khối sở, hạng 3 đến 5 không phân biệt được: khoảng tin cậy chồng lấn" — the reader
of a published ranking learns which places the method can and cannot tell apart, which
tiers are uncertain, which published rank changes may not hold, and which choice moves
the ranks most.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from udcntt.analysis._analyse import AnalysisResult

__all__ = ["SENTENCES", "narrative"]

#: A tier or a rank change below this probability is called uncertain.
CONFIDENT = 0.9

#: Sentence templates per language, with the same {fields}.
SENTENCES: dict[str, dict[str, str]] = {
    "vi": {
        "overlap": "Trong {block}, hạng {first} đến {last} không phân biệt được: khoảng tin cậy 5–95 % chồng lấn.",
        "overlaps": "Trong {block}, không phân biệt được các hạng trong mỗi nhóm {groups}: khoảng tin cậy 5–95 % chồng lấn.",
        "stable": "Trong {block}, mọi thứ hạng đều ổn định: khoảng tin cậy 5–95 % của mỗi đơn vị chỉ gồm một hạng.",
        "tier": "{agency}: xếp loại {tier} với xác suất {p} %.",
        "change": "{agency}: thay đổi {change} bậc giữ đúng chiều trong {p} % số lần rút.",
        "sobol": "Yếu tố ảnh hưởng nhiều nhất đến thứ hạng là {factor} (chỉ số Sobol toàn phần {total}).",
        "shift": "Trung bình qua {draws} lần rút, mỗi đơn vị lệch {shift} bậc so với thứ hạng công bố.",
        "none": "Không khai báo yếu tố bất định nào: thứ hạng công bố là thứ hạng duy nhất.",
        "negative_with_group": "Trong {block}, tiêu chí {criteria} tương quan âm với nhóm của mình: nên xem lại chiều của chỉ tiêu hoặc vị trí của tiêu chí.",
        "dominates_total": "Trong {block}, tiêu chí {criteria} chi phối tổng điểm: trọng số hiệu dụng lớn hơn hai lần trọng số danh nghĩa.",
    },
    "en": {
        "overlap": "In {block}, ranks {first} to {last} cannot be told apart: their 5–95 % intervals overlap.",
        "overlaps": "In {block}, the ranks within each of {groups} cannot be told apart: their 5–95 % intervals overlap.",
        "stable": "In {block}, every rank is stable: each agency's 5–95 % interval holds one rank.",
        "tier": "{agency}: tier {tier} with probability {p} %.",
        "change": "{agency}: the published change of {change} places keeps its sign in {p} % of the draws.",
        "sobol": "The input that moves the ranks most is {factor} (total Sobol index {total}).",
        "shift": "Over {draws} draws, an agency's rank differs from the published one by {shift} places on average.",
        "none": "No uncertainty is declared: the published ranking is the only one.",
        "negative_with_group": "In {block}, criteria {criteria} are negatively correlated with their group: check the indicator's direction or where the criterion sits.",
        "dominates_total": "In {block}, criteria {criteria} dominate the total: their effective weight is over twice the nominal one.",
    },
}


def _pct(p: float) -> str:
    return f"{round(p * 100, 1):g}"


def narrative(result: AnalysisResult, lang: str = "vi") -> list[str]:
    """The sentences of ``result`` in ``lang`` (``"vi"`` or ``"en"``).

    Raises:
        ValueError: for a language without sentences.
    """
    if lang not in SENTENCES:
        raise ValueError(f"no sentences in language {lang!r}")
    say = SENTENCES[lang]
    out: list[str] = []
    assessment = result.assessment
    names = {r.agency_id: r.name for r in assessment.results}
    tiers = {t.id: t.label for t in assessment.tiers}
    if not result.spec.factors:
        out.append(say["none"])
    for block in assessment.blocks():
        label = assessment.block_labels[block]
        rows = sorted(
            (i for i in result.intervals if i.block == block and i.rank is not None),
            key=lambda i: (i.rank or 0, i.agency),
        )
        runs: list[tuple[int, int]] = []
        start = 0
        for k in range(1, len(rows) + 1):
            joined = k < len(rows) and (rows[k].low or 0) <= (rows[k - 1].high or 0)
            if not joined:
                if k - start > 1:
                    runs.append((rows[start].rank or 0, rows[k - 1].rank or 0))
                start = k
        if rows and not runs and all(i.low == i.high for i in rows):
            out.append(say["stable"].format(block=label))
        if len(runs) == 1:
            out.append(say["overlap"].format(block=label, first=runs[0][0], last=runs[0][1]))
        elif runs:
            groups = ", ".join(f"{a}–{b}" for a, b in runs)
            out.append(say["overlaps"].format(block=label, groups=groups))
    for i in result.intervals:
        p = i.tier_probability.get(i.tier, 1.0)
        if p < CONFIDENT:
            out.append(
                say["tier"].format(
                    agency=names[i.agency], tier=tiers.get(i.tier, i.tier), p=_pct(p)
                )
            )
        if i.same_sign is not None and i.rank_change and i.same_sign < CONFIDENT:
            out.append(
                say["change"].format(
                    agency=names[i.agency], change=f"{i.rank_change:+d}", p=_pct(i.same_sign)
                )
            )
    if result.spec.factors:
        out.append(say["shift"].format(draws=result.draws, shift=f"{result.mean_rank_shift:.2f}"))
    for audit in result.coherence:
        label = assessment.block_labels[audit.block]
        for flag in ("negative_with_group", "dominates_total"):
            ids = [f["criterion"] for f in audit.flags if f["flag"] == flag]
            if ids:
                out.append(say[flag].format(block=label, criteria=", ".join(ids)))
    if result.sobol:
        top = max(result.sobol, key=lambda s: (s.total, s.name))
        if top.total > 0:
            out.append(say["sobol"].format(factor=top.name, total=f"{top.total:.2f}"))
    return out
