"""How reports word comparability labels, in Vietnamese and English, for every label."""

from __future__ import annotations

import pytest

from udcntt.errors import UsageError
from udcntt.evaluation import (
    COMPARABILITY_LABELS,
    Comparison,
    baseline_sentence,
    comparability_heading,
    comparability_note,
    comparability_text,
    label_counts_text,
)


def _comparison(**kwargs: object) -> Comparison:
    base: dict[str, object] = {
        "previous_rules_id": "r",
        "previous_fingerprint": None,
        "same_rules": True,
        "new_agencies": (),
        "dropped_agencies": (),
        "matched_by_alias": {},
    }
    return Comparison(**{**base, **kwargs})  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_label_has_its_own_words(lang: str) -> None:
    """No two labels read the same, and none is shown as its raw id with a colon."""
    texts = [comparability_text(label, lang) for label in COMPARABILITY_LABELS]
    assert len(set(texts)) == len(texts)
    assert not any(":" in text or "_" in text for text in texts)


def test_derived_labels_name_their_method() -> None:
    assert comparability_text("derived:mean") == "suy ra (trung bình các đơn vị tiền thân)"
    assert comparability_text("derived:weighted", "en") == "derived (weighted mean)"
    # A method a plugin lineage adds has no words yet: its id is shown rather than nothing.
    assert comparability_text("derived:median", "en") == "derived (median)"
    assert comparability_text("a_label_of_a_newer_file", "en") == "a_label_of_a_newer_file"
    assert comparability_text(None) == ""


def test_notes_after_a_name_only_for_changes_that_need_one() -> None:
    """A derived or not comparable change is qualified; a plain one is not."""
    assert comparability_note("derived:sum", "en") == " (against a derived last-year value: sum)"
    assert comparability_note("not_comparable") == " (không so sánh được với năm trước)"
    assert comparability_note("comparable") == ""
    assert comparability_note(None) == ""


def test_heading_and_counts() -> None:
    assert comparability_heading("en") == "Comparability"
    counts = {"new": 2, "comparable": 40, "derived:mean": 3}
    assert label_counts_text(counts, "en") == (
        "Comparability of ranks: comparable: 40, derived (mean of predecessors): 3, new unit: 2"
    )


def test_baseline_sentence_says_what_was_carried_rescored_and_synthetic() -> None:
    """Each part appears only when the comparison has it; nothing at all gives None."""
    assert baseline_sentence(None) is None
    assert baseline_sentence(_comparison()) is None
    full = _comparison(
        baseline={"lineage": "x.yaml"},
        label_counts={"renamed": 1, "comparable": 5},
        criteria_compared=("a", "b"),
        criteria_not_compared=("c",),
        previous_synthetic=True,
    )
    assert baseline_sentence(full, "en") == (
        "Last year's ranks are taken in this year's structure of units "
        "(comparable: 5, renamed: 1). "
        "Last year's survey was scored again under this year's rules through a crosswalk "
        "(2 criteria compared). "
        "Not compared with last year (no source in the crosswalk): c. "
        "Last year's figures are SYNTHETIC, not official results."
    )
    only_synthetic = baseline_sentence(_comparison(previous_synthetic=True))
    assert only_synthetic == "Số liệu năm trước là số liệu GIẢ LẬP, không phải kết quả chính thức."


def test_an_unknown_language_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        comparability_heading("fr")
