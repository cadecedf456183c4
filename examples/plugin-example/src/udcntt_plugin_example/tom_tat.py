"""A report writer of the example plugin: a plain-text summary (``.txt``).

``udcntt score rules.yaml survey.csv -o tom-tat.txt`` writes one line per agency, block by
block in ranking order: rank, name, points out of the maximum and tier. The text is UTF-8
and uses the language of the run (``vi`` or ``en``) for its few words.
"""

from __future__ import annotations

from decimal import Decimal

from udcntt import AgencyResult, Assessment
from udcntt.extend import writer

__all__ = ["dong", "tom_tat_txt"]

_WORDS = {
    "vi": {"block": "Khối", "summary": "Tóm tắt kết quả", "agencies": "đơn vị"},
    "en": {"block": "Block", "summary": "Summary of results", "agencies": "agencies"},
}


def _number(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def dong(result: AgencyResult) -> str:
    """One agency's line: ``rank. name: total/max (tier)``.

    Args:
        result: The agency's result.

    Returns:
        The line, without a line break (an unranked agency shows ``-`` as its rank).
    """
    rank = "-" if result.rank is None else str(result.rank)
    points = f"{_number(result.total)}/{_number(result.max)}"
    return f"{rank:>3}. {result.name}: {points} ({result.tier_label})"


@writer(suffix=".txt", doc="Plain-text summary: rank, points and tier per agency", binary=False)
def tom_tat_txt(assessment: Assessment, lang: str) -> bytes:
    """The summary of ``assessment`` as UTF-8 text.

    Args:
        assessment: The scored assessment.
        lang: ``"vi"`` or ``"en"`` (anything else reads as ``"en"``).

    Returns:
        The file's bytes.
    """
    words = _WORDS.get(lang, _WORDS["en"])
    lines = [assessment.title, f"{words['summary']}: {len(assessment.results)} {words['agencies']}"]
    for block, label in assessment.block_labels.items():
        rows = [r for r in assessment.results if r.block == block]
        if not rows:
            continue
        rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.agency_id))
        lines += ["", f"{words['block']}: {label}", *(dong(r) for r in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")
