"""Narrative sentences in Vietnamese and English, from what the draws say."""

from __future__ import annotations

from tests.analysis.conftest import flat_survey

from udcntt.analysis import analyse, load_analysis, narrative
from udcntt.model import RuleSet

SPEC = (
    "udcntt_analysis: 1\nseed: 1\nuncertainty:\n  points:\n"
    "    - {criterion: tc_a, uniform: 30}\n    - {criterion: tc_b, uniform: 30}\n"
)


def test_overlapping_ranks_and_uncertain_tiers(flat_rules: RuleSet) -> None:
    """A and B trade places 1–2 (strong in different criteria); C is far behind."""
    data = flat_survey(flat_rules, [("a", 100, 60, 50), ("b", 70, 100, 50), ("c", 10, 10, 10)])
    spec, _ = load_analysis("n.yaml", flat_rules, text=SPEC)
    result = analyse(flat_rules, data, analysis=spec, draws=400)
    vi = narrative(result, "vi")
    en = narrative(result, "en")
    assert "Trong Khối, hạng 1 đến 2 không phân biệt được: khoảng tin cậy 5–95 % chồng lấn." in vi
    assert "In Khối, ranks 1 to 2 cannot be told apart: their 5–95 % intervals overlap." in en
    # A's 78 is 2 points below Tốt (80): some draws lift it there.
    assert any(s.startswith("A: xếp loại Khá với xác suất") for s in vi)
    assert any(s.startswith("A: tier Khá with probability") for s in en)
    # The input is named as a reader says it, by the criterion's label, not by its id.
    assert any(s.startswith("The input that moves the ranks most is the points of “") for s in en)
    assert any(s.startswith("Yếu tố ảnh hưởng nhiều nhất đến thứ hạng là điểm của “") for s in vi)
    assert not any("points:" in s for s in en)
    assert len(vi) == len(en)


def test_no_uncertainty_says_so(flat_rules: RuleSet) -> None:
    """Without declared inputs the narrative says that the ranking is the only one."""
    data = flat_survey(flat_rules, [("a", 100, 60, 50), ("b", 70, 100, 50)])
    result = analyse(flat_rules, data, draws=5)
    assert (
        narrative(result, "en")[0]
        == "No uncertainty is declared: the published ranking is the only one."
    )
    assert "mọi thứ hạng đều ổn định" in narrative(result, "vi")[1]
