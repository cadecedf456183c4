"""Sobol indices reproduce known variance shares; one-at-a-time runs move what they say."""

from __future__ import annotations

import numpy as np
import pytest
from tests.analysis.conftest import ANALYSIS_2018, flat_survey

from udcntt.analysis import analyse, load_analysis, sobol_indices
from udcntt.data import Dataset
from udcntt.model import RuleSet


def _within(got: float, conf: float, expected: float) -> bool:
    # The 95 % bootstrap half-width, with a floor for indices estimated almost exactly.
    return abs(got - expected) <= max(conf, 0.02)


def test_additive_function_gives_its_variance_shares() -> None:
    """Y = Σ aᵢ·Uᵢ with independent uniform Uᵢ: Sᵢ = STᵢ = aᵢ² / Σ aⱼ²."""
    a = np.array([4.0, 2.0, 1.0, 0.0])

    def model(u: np.ndarray) -> np.ndarray:
        return np.asarray(u @ a, dtype=np.float64)

    found = sobol_indices(["x1", "x2", "x3", "x4"], model, samples=1024, seed=1)
    expected = a**2 / (a**2).sum()
    for index, share in zip(found, expected, strict=True):
        assert _within(index.first, index.first_conf, share), index
        assert _within(index.total, index.total_conf, share), index
    assert sum(i.first for i in found) == pytest.approx(1.0, abs=0.05)


def test_additive_index_through_the_analysis(flat_rules: RuleSet) -> None:
    """Points of three criteria varied independently (uniform ±x %), output the total of one
    agency: the first-order indices are the shares (sᵢ·maxᵢ·xᵢ)² / Σ (sⱼ·maxⱼ·xⱼ)²."""
    data = flat_survey(flat_rules, [("a1", 80, 50, 100)])
    spec, _ = load_analysis(
        "flat-analysis.yaml",
        flat_rules,
        text=(
            "udcntt_analysis: 1\nseed: 5\nsensitivity: {samples: 1024, output: total}\n"
            "uncertainty:\n  points:\n"
            "    - {criterion: tc_a, uniform: 10}\n"
            "    - {criterion: tc_b, uniform: 40}\n"
            "    - {criterion: tc_c, uniform: 20}\n"
        ),
    )
    result = analyse(flat_rules, data, analysis=spec, draws=64)
    contributions = np.array([0.8 * 50 * 0.10, 0.5 * 30 * 0.40, 1.0 * 20 * 0.20])
    expected = contributions**2 / (contributions**2).sum()
    assert [s.name for s in result.sobol] == ["points:tc_a", "points:tc_b", "points:tc_c"]
    for index, share in zip(result.sobol, expected, strict=True):
        assert _within(index.first, index.first_conf, share), (index, share)
        assert _within(index.total, index.total_conf, share), (index, share)


def test_no_variance_gives_zero_indices() -> None:
    """A constant output has nothing to share out: every index is 0 (no division by 0)."""
    found = sobol_indices(["x", "y"], lambda u: np.zeros(len(u)), samples=64, seed=0)
    assert [(i.first, i.total) for i in found] == [(0.0, 0.0), (0.0, 0.0)]


def test_dirichlet_siblings_are_one_sobol_input(rules_2018: RuleSet, survey_2018: Dataset) -> None:
    """One row per declared input, whatever its dimension; indices within [−CI, 1 + CI]."""
    spec, _ = load_analysis(ANALYSIS_2018, rules_2018)
    result = analyse(rules_2018, survey_2018, analysis=spec, draws=32)
    assert [s.name for s in result.sobol] == [f.name for f in spec.factors]
    for s in result.sobol:
        assert -s.first_conf - 0.05 <= s.first <= 1 + s.first_conf + 0.05
        assert s.total >= -s.total_conf - 0.05
    # Tier thresholds never move ranks.
    assert next(s for s in result.sobol if s.name == "tier:kha").total == 0.0


def test_one_at_a_time(rules_2018: RuleSet, survey_2018: Dataset) -> None:
    """Leaving out a group moves ranks; the declared method alone moves nothing."""
    spec, _ = load_analysis(ANALYSIS_2018, rules_2018)
    result = analyse(rules_2018, survey_2018, analysis=spec, draws=16)
    rows = {(o.factor, o.choice): o for o in result.one_at_a_time}
    assert rows[("exclude:ung_dung_cntt", "ung_dung_cntt")].mean_shift > 0
    nominal = rows[("normalisation:bang_thong", "to_best")]
    assert (nominal.mean_shift, nominal.max_shift, nominal.tier_changes) == (0.0, 0, 0)
    assert rows[("normalisation:bang_thong", "min_max")].scenario == "alternative"
    # Moving the threshold of Khá up by 2 % demotes someone in this survey.
    assert rows[("tier:kha", "+2%")].tier_changes > 0
