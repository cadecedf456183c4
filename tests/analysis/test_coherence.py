"""The coherence audit: correlations, Cronbach's alpha, PCA, effective weights and flags."""

from __future__ import annotations

import numpy as np
import pytest
from tests.analysis.conftest import flat_survey

from udcntt.analysis import analyse, cronbach_alpha, narrative
from udcntt.analysis._coherence import pearson
from udcntt.data import Dataset
from udcntt.model import RuleSet


def test_cronbach_alpha_known_values() -> None:
    """Identical items: 1; a small table worked by hand (6/7); too few items: None."""
    same = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    assert cronbach_alpha(same) == pytest.approx(1.0)
    # Item variances 1, 1, 1 (ddof 1); totals 4, 5, 9 have variance 7: 3/2 · (1 − 3/7).
    table = np.array([[1.0, 2.0, 1.0], [2.0, 1.0, 2.0], [3.0, 3.0, 3.0]])
    assert cronbach_alpha(table) == pytest.approx(6 / 7)
    assert cronbach_alpha(np.array([[1.0], [2.0]])) is None


def test_pearson_skips_missing_pairs() -> None:
    """Pairs with a NaN are left out; a constant series has no correlation."""
    x = np.array([1.0, 2.0, 3.0, np.nan, 5.0])
    assert pearson(x, 2 * x) == pytest.approx(1.0)
    assert pearson(x, np.ones(5)) is None


def test_audit_flags_a_criterion_against_its_group(flat_rules: RuleSet) -> None:
    """C falls as A and B rise: C is flagged, A dominates; weights and PCA add up."""
    rows = [
        ("a1", 90, 80, 10),
        ("a2", 70, 60, 30),
        ("a3", 50, 45, 60),
        ("a4", 30, 20, 70),
        ("a5", 10, 5, 90),
    ]
    result = analyse(flat_rules, flat_survey(flat_rules, rows), draws=8)
    audit = result.coherence[0]
    assert audit.variables == ["nhom", "total"]
    assert audit.pearson[0][1] == pytest.approx(1.0)
    by_id = {c["id"]: c for c in audit.criteria}
    assert by_id["tc_c"]["pearson_group"] < 0
    assert by_id["tc_a"]["spearman_total"] == pytest.approx(1.0)
    assert {"criterion": "tc_c", "flag": "negative_with_group"} in audit.flags
    assert sum(c["effective_weight"] for c in audit.criteria) == pytest.approx(1.0, abs=1e-5)
    assert sum(c["nominal_weight"] for c in audit.criteria) == pytest.approx(1.0, abs=1e-5)
    pca = audit.pca
    assert sum(pca["weights"].values()) == pytest.approx(1.0, abs=1e-5)
    assert pca["variance_explained"][0] > 0.8
    assert audit.alpha["nhom"] is not None
    en = narrative(result, "en")
    assert (
        "In Khối, criteria tc_c are negatively correlated with their group: check the indicator's direction or where the criterion sits."
        in en
    )
    assert any(
        s.startswith("Trong Khối, tiêu chí tc_c tương quan âm") for s in narrative(result, "vi")
    )


def test_audit_of_the_example(rules_2018: RuleSet, survey_2018: Dataset) -> None:
    """Both blocks are audited; alpha of each of the four groups is reported."""
    result = analyse(rules_2018, survey_2018, draws=4)
    assert [c.block for c in result.coherence] == ["so_ban_nganh", "ubnd_huyen"]
    audit = result.coherence[0]
    assert audit.variables[-1] == "total" and len(audit.variables) == 5
    assert set(audit.alpha) == {
        "ha_tang_ky_thuat",
        "nguon_nhan_luc",
        "ung_dung_cntt",
        "chinh_sach_dau_tu",
    }
    assert all(a is None or -5 < a <= 1 for a in audit.alpha.values())
