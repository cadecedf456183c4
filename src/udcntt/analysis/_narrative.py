"""Sentences that say what the analysis found, in Vietnamese and in English.

"Trong khối sở, hạng 3 đến 5 không phân biệt được: khoảng tin cậy chồng lấn" — the reader
of a published ranking learns which places the method can and cannot tell apart, which
tiers are uncertain, which published rank changes may not hold, and which choice moves
the ranks most.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from udcntt._words import check_lang, word

if TYPE_CHECKING:
    from udcntt.analysis._analyse import AnalysisResult

__all__ = ["narrative"]

#: A tier or a rank change below this probability is called uncertain.
CONFIDENT = 0.9


def _number(value: float, places: int, lang: str) -> str:
    """``value`` to ``places`` decimals, with the language's decimal mark (0,14 in vi)."""
    return f"{value:.{places}f}".replace(".", word("analysis.decimal_mark", lang))


def _pct(p: float, lang: str) -> str:
    text = f"{round(p * 100, 1):g}"  # 84 or 81.5, as before
    return text.replace(".", word("analysis.decimal_mark", lang))


def narrative(result: AnalysisResult, lang: str = "vi") -> list[str]:
    """The sentences of ``result`` in ``lang`` (``"vi"`` or ``"en"``).

    Raises:
        UsageError: for a language other than ``"vi"`` and ``"en"``.
    """
    check_lang(lang)

    def say(key: str, **fields: object) -> str:
        return word(f"analysis.say.{key}", lang, **fields)

    out: list[str] = []
    assessment = result.assessment
    names = {r.agency_id: r.name for r in assessment.results}
    tiers = {t.id: t.label for t in assessment.tiers}
    if not result.spec.factors:
        out.append(say("none"))
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
            out.append(say("stable", block=label))
        if len(runs) == 1:
            out.append(say("overlap", block=label, first=runs[0][0], last=runs[0][1]))
        elif runs:
            groups = ", ".join(f"{a}–{b}" for a, b in runs)
            out.append(say("overlaps", block=label, groups=groups))
    for i in result.intervals:
        p = i.tier_probability.get(i.tier, 1.0)
        if p < CONFIDENT:
            out.append(
                say(
                    "tier",
                    agency=names[i.agency],
                    tier=tiers.get(i.tier, i.tier),
                    p=_pct(p, lang),
                )
            )
        if i.same_sign is not None and i.rank_change and i.same_sign < CONFIDENT:
            out.append(
                say(
                    "change",
                    agency=names[i.agency],
                    change=f"{i.rank_change:+d}",
                    p=_pct(i.same_sign, lang),
                )
            )
    if result.spec.factors:
        shift = _number(result.mean_rank_shift, 2, lang)
        out.append(say("shift", draws=result.draws, shift=shift))
    for audit in result.coherence:
        label = assessment.block_labels[audit.block]
        for flag in ("negative_with_group", "dominates_total"):
            ids = [f["criterion"] for f in audit.flags if f["flag"] == flag]
            if ids:
                out.append(say(flag, block=label, criteria=", ".join(ids)))
    if result.sobol:
        top = max(result.sobol, key=lambda s: (s.total, s.name))
        if top.total > 0:
            factor = _factor_text(result, top.name, lang)
            out.append(say("sobol", factor=factor, total=_number(top.total, 2, lang)))
    return out


def _factor_text(result: AnalysisResult, name: str, lang: str) -> str:
    """An uncertain input as a reader says it ("leaving out “Băng thông”"), not its id."""
    factor = next((f for f in result.spec.factors if f.name == name), None)
    if factor is None:
        kind, _, target = name.partition(":")
    else:
        kind, target = factor.kind, factor.target
    labels = {
        info.id: info.label for infos in result.assessment.criteria_tree.values() for info in infos
    }
    labels |= dict(result.assessment.tier_labels)
    shown = labels.get(target, target)
    key = f"analysis.factor.{kind}"
    try:
        return word(key, lang, target=shown)
    except KeyError:
        return name
