"""How the narrative words rank changes across a reorganisation, and long lists of them.

Across a reorganisation (a lineage carried last year's values into this year's units) or a
change of the criteria set, a rank change is not always a change in performance. The
narrative then says, once per block, how last year's ranks were made comparable, with the
block's own counts per comparability label::

    Thứ hạng năm 2024 của 113 cơ quan là thứ hạng suy ra theo trung bình các đơn vị tiền
    thân (không phải thứ hạng đã công bố); 3 cơ quan đổi tên mang thứ hạng năm 2024 của
    đơn vị trước khi đổi tên; 1 cơ quan mới chưa có thứ hạng năm 2024.

and lists the rank changes without repeating the label, marking only the exceptions: the
changes whose label differs from the block's prevailing one ("Xã A (đổi tên) tăng 3
bậc"). So every derived or non-comparable "tăng N bậc" is qualified, by the block sentence
or by its own mark. Without a lineage, and with nothing derived or non-comparable in the
block, nothing is added (the 2017 narrative is unchanged).

Long lists are capped as the tier lists are: at most :data:`CHANGE_NAMES_MAX` names (the
largest changes first, a group of equal changes never cut); the rest are counted with the
span of their changes ("95 cơ quan khác tăng từ 1 đến 70 bậc"). A marked exception is
always named.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from udcntt._words import WORDS, word, word_n
from udcntt.evaluation import (
    COMPARABILITY_LABELS,
    AgencyResult,
    Assessment,
    Comparison,
    comparability_note,
)

__all__ = [
    "CHANGE_NAMES_MAX",
    "LabelPlan",
    "block_comparability_sentence",
    "change_items",
    "label_plan",
    "overview_sentence",
]

#: A list of rises (or of falls) names at most this many agencies; the rest are counted.
CHANGE_NAMES_MAX = 10

_QUALIFIED = ("derived:", "not_comparable")


def _order(label: str) -> int:
    return COMPARABILITY_LABELS.index(label) if label in COMPARABILITY_LABELS else 99


def _needs_saying(label: str | None) -> bool:
    return label is not None and label.startswith(_QUALIFIED)


class LabelPlan:
    """How one block's rank changes are worded: its prevailing label and the marks.

    ``across`` is true when the block gets a sentence of its own (a lineage carried last
    year's values, or some change in the block is derived or not comparable); then a change
    is marked only when its label differs from ``prevailing``. Otherwise only derived and
    non-comparable changes are marked (none, in a plain year-over-year comparison).
    """

    __slots__ = ("across", "counts", "new", "prevailing")

    def __init__(
        self,
        across: bool,
        prevailing: str | None,
        counts: dict[str, int],
        new: Sequence[str] = (),
    ):
        self.across = across
        self.prevailing = prevailing
        #: Ranked units per label carrying last year's rank, the prevailing label first.
        self.counts = counts
        #: The names of the block's new units (no rank last year).
        self.new = tuple(new)

    def mark(self, label: str | None, lang: str) -> str:
        """What follows a name in a list of rank changes (empty for an unmarked change).

        Raises:
            UsageError: for a language udcntt does not speak.
        """
        if label is None or (self.across and label == self.prevailing):
            return ""
        if not self.across or label.startswith(_QUALIFIED):
            return comparability_note(label, lang)
        key = f"lineage.note.{label}"
        return word(key, lang) if key in WORDS else ""

    def is_exception(self, label: str | None) -> bool:
        """Whether a change with ``label`` is marked (and so always named)."""
        return bool(self.mark(label, "en"))


def label_plan(assessment: Assessment, results: Sequence[AgencyResult]) -> LabelPlan:
    """The wording plan of one block's rank changes (see :class:`LabelPlan`)."""
    comp = assessment.comparison
    # Ranked units that carry last year's rank; the new ones are counted apart.
    counts = Counter(
        r.comparability
        for r in results
        if r.ranked and r.comparability is not None and r.comparability != "new"
    )
    new = [r.name for r in results if r.comparability == "new"]
    across = comp is not None and (
        bool(comp.baseline) or any(_needs_saying(label) for label in counts)
    )
    prevailing = min(counts, key=lambda k: (-counts[k], _order(k))) if counts else None
    ordered = dict(sorted(counts.items(), key=lambda kv: (kv[0] != prevailing, _order(kv[0]))))
    return LabelPlan(across, prevailing, ordered, new)


def _method(label: str, lang: str) -> str:
    key = f"lineage.method.{label.split(':', 1)[1]}"
    return word(key, lang) if key in WORDS else label.split(":", 1)[1]


def block_comparability_sentence(
    plan: LabelPlan, year: str, lang: str, *, names: Callable[[Sequence[str]], str] = ", ".join
) -> str | None:
    """The one sentence of a block saying how last year's ranks were made comparable, with
    the block's counts per label (the new units named when few); ``None`` when the block
    needs none.

    Raises:
        UsageError: for a language udcntt does not speak.
    """
    if not plan.across or not (plan.counts or plan.new):
        return None
    clauses: list[str] = []
    for label, n in plan.counts.items():
        agencies = word_n("narrative.agencies", n, lang, n=n)
        if label.startswith("derived:"):
            clauses.append(
                word_n(
                    "lineage.block.derived",
                    n,
                    lang,
                    year=year,
                    agencies=agencies,
                    method=_method(label, lang),
                )
            )
        else:
            key = f"lineage.block.{label}"
            if f"{key}.one" in WORDS:
                clauses.append(word_n(key, n, lang, year=year, agencies=agencies))
    if plan.new:
        n = len(plan.new)
        agencies = word_n("narrative.agencies", n, lang, n=n)
        listed = f" ({names(plan.new)})" if n <= CHANGE_NAMES_MAX else ""
        clauses.append(
            word_n("lineage.block.new", n, lang, year=year, agencies=agencies, listed=listed)
        )
    if not clauses:
        return None
    text = "; ".join(clauses)
    return text[:1].upper() + text[1:] + "."


def overview_sentence(comparison: Comparison | None, year: str, lang: str) -> str | None:
    """What the introduction says once about last year's values: carried into this year's
    units (each block says how), re-scored through a crosswalk, synthetic.

    Raises:
        UsageError: for a language udcntt does not speak.
    """
    if comparison is None:
        return None
    parts = []
    if comparison.baseline:
        parts.append(word("lineage.carried_once", lang, year=year))
    if comparison.criteria_compared:
        parts.append(word("lineage.rescored", lang, n=len(comparison.criteria_compared)))
    if comparison.criteria_not_compared:
        criteria = ", ".join(comparison.criteria_not_compared)
        parts.append(word("lineage.not_compared", lang, criteria=criteria))
    if comparison.previous_synthetic:
        parts.append(word("lineage.synthetic", lang))
    return " ".join(parts) or None


def _rest(sizes: list[int], sign: int, other: bool, lang: str) -> str:
    low, high = min(sizes), max(sizes)
    unit = word_n("narrative.place", high, lang)
    span = (
        word("narrative.span_same", lang, size=low, unit=unit)
        if low == high
        else word("narrative.span", lang, low=low, high=high, unit=unit)
    )
    n = len(sizes)
    key = ("narrative.rise_rest" if sign > 0 else "narrative.fall_rest") + (
        "_other" if other else ""
    )
    agencies = word_n("narrative.agencies", n, lang, n=n)
    noun = word_n("narrative.agency_noun", n, lang)
    return word_n(key, n, lang, agencies=agencies, n=n, noun=noun, span=span)


def change_items(
    results: Sequence[AgencyResult],
    sign: int,
    plan: LabelPlan,
    lang: str,
    *,
    names: Callable[[Sequence[str]], str],
    cap: int = CHANGE_NAMES_MAX,
) -> list[str]:
    """The items of a list of rises (``sign`` 1) or falls (-1), largest changes first.

    ``names`` joins the names of one group (the narrative's own joiner). Groups of equal
    changes are named while the names stay within ``cap``; past it only the marked
    exceptions are named and the others counted in a last item.

    Raises:
        UsageError: for a language udcntt does not speak.
    """
    by_size: dict[int, list[tuple[str, bool]]] = {}
    for r in results:
        if r.rank_change is not None and r.rank_change * sign > 0:
            mark = plan.mark(r.comparability, lang)
            by_size.setdefault(abs(r.rank_change), []).append((r.name + mark, bool(mark)))
    key = "narrative.rise" if sign > 0 else "narrative.fall"
    items: list[str] = []
    rest: list[int] = []
    named = 0
    within = True
    for size in sorted(by_size, reverse=True):
        group = by_size[size]
        within = within and named + len(group) <= cap
        shown = [n for n, _ in group] if within else [n for n, marked in group if marked]
        rest.extend(size for _, marked in group if not within and not marked)
        if shown:
            named += len(shown)
            unit = word_n("narrative.place", size, lang)
            items.append(word_n(key, len(shown), lang, names=names(shown), size=size, unit=unit))
    if rest:
        items.append(_rest(rest, sign, bool(items), lang))
    return items
