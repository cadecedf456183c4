"""How reports and the narrative word a rank change's comparability, in both languages.

A reader must never see "tăng 3 bậc" for a change measured against a derived or
incomparable last-year value without being told so; these are the words they see.
"""

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


def _comparison(**changes: object) -> Comparison:
    base: dict[str, object] = {
        "previous_rules_id": "lam_dong_2017",
        "previous_fingerprint": "abc",
        "same_rules": True,
        "new_agencies": (),
        "dropped_agencies": (),
        "matched_by_alias": {},
    }
    base.update(changes)
    return Comparison(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("label", "vi", "en"),
    [
        ("comparable", "so sánh được", "comparable"),
        ("renamed", "đổi tên", "renamed"),
        ("new", "đơn vị mới", "new unit"),
        ("not_comparable", "không so sánh được", "not comparable"),
        (
            "derived:mean",
            "suy ra (trung bình các đơn vị tiền thân)",
            "derived (mean of predecessors)",
        ),
        ("derived:weighted", "suy ra (bình quân gia quyền)", "derived (weighted mean)"),
        ("derived:carry", "suy ra (giữ nguyên)", "derived (carried)"),
        ("derived:worst", "suy ra (thấp nhất)", "derived (worst)"),
    ],
)
def test_each_label_is_worded_in_both_languages(label: str, vi: str, en: str) -> None:
    assert comparability_text(label, "vi") == vi
    assert comparability_text(label, "en") == en


def test_every_label_has_its_own_words() -> None:
    """Each label of the published list reads differently; none is shown as its raw id in
    Vietnamese (in English "comparable" and "renamed" are their own words)."""
    for lang in ("vi", "en"):
        texts = [comparability_text(label, lang) for label in COMPARABILITY_LABELS]
        assert len(set(texts)) == len(texts)
    vi = [comparability_text(label, "vi") for label in COMPARABILITY_LABELS]
    assert not set(vi) & set(COMPARABILITY_LABELS)


def test_a_label_without_words_is_shown_as_it_is() -> None:
    """A plugin's own label or method is not lost: it is shown raw, not dropped."""
    assert comparability_text("merged_twice", "en") == "merged_twice"
    assert comparability_text("derived:median", "en") == "derived (median)"
    assert comparability_text(None, "en") == ""


def test_heading_and_notes_after_a_name() -> None:
    assert comparability_heading("vi") == "So sánh với năm trước"
    assert comparability_heading("en") == "Comparability"
    assert comparability_note("derived:sum", "en") == " (against a derived last-year value: sum)"
    assert comparability_note("derived:best", "vi") == (
        " (so với giá trị năm trước suy ra: cao nhất)"
    )
    assert comparability_note("not_comparable", "vi") == " (không so sánh được với năm trước)"
    # A plain or renamed change, or no change at all, adds nothing to the sentence.
    assert comparability_note("comparable", "en") == ""
    assert comparability_note("renamed", "en") == ""
    assert comparability_note(None, "en") == ""


def test_label_counts_are_listed_in_label_order() -> None:
    text = label_counts_text({"new": 2, "comparable": 40, "derived:mean": 3}, "en")
    assert text == (
        "Comparability of ranks: comparable: 40, derived (mean of predecessors): 3, new unit: 2"
    )
    assert label_counts_text({"renamed": 1}, "vi") == "Tính so sánh của thứ hạng: đổi tên: 1"


def test_an_unknown_language_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        comparability_heading("fr")


def test_baseline_sentence_says_nothing_without_a_comparison_or_news() -> None:
    assert baseline_sentence(None, "en") is None
    assert baseline_sentence(_comparison(), "en") is None


def test_baseline_sentence_names_each_thing_a_reader_must_know() -> None:
    """Carried values (with counts), re-scoring, criteria left out and synthetic figures."""
    comparison = _comparison(
        same_rules=False,
        label_counts={"comparable": 5, "derived:sum": 2},
        baseline={"lineage": "sap_nhap_2025"},
        criteria_compared=("ca", "cb", "cc"),
        criteria_not_compared=("cd", "ce"),
        previous_synthetic=True,
    )
    assert baseline_sentence(comparison, "en") == (
        "Last year's ranks are taken in this year's structure of units"
        " (comparable: 5, derived (sum): 2)."
        " Last year's survey was scored again under this year's rules through a crosswalk"
        " (3 criteria compared)."
        " Not compared with last year (no source in the crosswalk): cd, ce."
        " Last year's figures are SYNTHETIC, not official results."
    )
    only_synthetic = baseline_sentence(_comparison(previous_synthetic=True), "vi")
    assert only_synthetic == "Số liệu năm trước là số liệu GIẢ LẬP, không phải kết quả chính thức."
