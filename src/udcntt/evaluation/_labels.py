"""Comparability labels of rank changes, and how reports and the narrative word them.

A label says how a rank change compares with last year (see
:func:`udcntt.evaluation.compare_with_lineage`); reports show it in a column of its own and
the narrative adds a note after a name whose change is derived or not comparable, so it
never writes "tăng N bậc" for such a change without saying so.
"""

from __future__ import annotations

from collections.abc import Mapping

from udcntt._words import WORDS, word
from udcntt.evaluation._assessment import Comparison

__all__ = [
    "COMPARABILITY_LABELS",
    "LABEL_DOCS",
    "baseline_sentence",
    "comparability_heading",
    "comparability_note",
    "comparability_text",
    "label_counts_text",
]

#: What each comparability label means (the lineage reference is made of it).
LABEL_DOCS: dict[str, str] = {
    "comparable": "The same unit, scored under the same criteria: a plain rank change.",
    "renamed": "One whole predecessor under another id or name; its values carried.",
    "derived:<method>": "Last year's value derived from several predecessors, or from a "
    "share of one, by the lineage's method (mean, weighted, sum, best, worst).",
    "new": "No predecessor (or the method `none`): no rank change.",
    "not_comparable": "The criteria set changed (and no complete crosswalk re-scored last "
    "year), the unit changed block, or a predecessor has no result.",
}

#: Every comparability label a rank change can carry.
COMPARABILITY_LABELS = (
    "comparable",
    "renamed",
    "derived:carry",
    "derived:mean",
    "derived:weighted",
    "derived:sum",
    "derived:best",
    "derived:worst",
    "new",
    "not_comparable",
)


def _method(label: str, lang: str) -> str:
    method = label.split(":", 1)[1]
    key = f"lineage.method.{method}"
    return word(key, lang) if key in WORDS else method


def comparability_text(label: str | None, lang: str = "vi") -> str:
    """The label as reports show it: ``suy ra (trung bình các đơn vị tiền thân)``.

    >>> comparability_text("derived:mean", "en")
    'derived (mean of predecessors)'

    Raises:
        UsageError: for a language udcntt does not speak.
    """
    if label is None:
        return ""
    if label.startswith("derived:"):
        return word("lineage.label.derived", lang, method=_method(label, lang))
    key = f"lineage.label.{label}"
    return word(key, lang) if key in WORDS else label


def comparability_heading(lang: str = "vi") -> str:
    """The heading of the comparability column of ranking tables.

    Raises:
        UsageError: for a language udcntt does not speak.
    """
    return word("lineage.heading", lang)


def comparability_note(label: str | None, lang: str = "vi") -> str:
    """What a sentence adds after a name whose rank change is derived or not comparable.

    Raises:
        UsageError: for a language udcntt does not speak.
    """
    if label is None:
        return ""
    if label.startswith("derived:"):
        return word("lineage.note.derived", lang, method=_method(label, lang))
    if label == "not_comparable":
        return word("lineage.note.not_comparable", lang)
    return ""


def label_counts_text(counts: Mapping[str, int], lang: str = "vi") -> str:
    """``Tính so sánh của thứ hạng: so sánh được: 40, suy ra (…): 3``.

    Raises:
        UsageError: for a language udcntt does not speak.
    """
    listed = ", ".join(f"{comparability_text(k, lang)}: {n}" for k, n in sorted(counts.items()))
    return word("lineage.counts", lang, listed=listed)


def baseline_sentence(comparison: Comparison | None, lang: str = "vi") -> str | None:
    """What a narrative says first about last year's values: carried across a
    reorganisation (with the label counts), synthetic; ``None`` when there is nothing to say.

    Raises:
        UsageError: for a language udcntt does not speak.
    """
    if comparison is None:
        return None
    parts = []
    if comparison.baseline:
        listed = ", ".join(
            f"{comparability_text(label, lang)}: {n}"
            for label, n in sorted(comparison.label_counts.items())
        )
        parts.append(word("lineage.carried", lang, listed=listed))
    if comparison.criteria_compared:
        parts.append(word("lineage.rescored", lang, n=len(comparison.criteria_compared)))
    if comparison.criteria_not_compared:
        criteria = ", ".join(comparison.criteria_not_compared)
        parts.append(word("lineage.not_compared", lang, criteria=criteria))
    if comparison.previous_synthetic:
        parts.append(word("lineage.synthetic", lang))
    return " ".join(parts) or None
