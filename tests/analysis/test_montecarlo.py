"""Monte Carlo: zero-width intervals without uncertainty, seeded and chunk-independent runs,
tier probabilities, rank-change signs, and the nominal draw checked in the code path."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import numpy as np
import pytest
from tests.analysis.conftest import ANALYSIS_2018, HEAD_2018, flat_survey

import udcntt
from udcntt.analysis import _analyse as analyse_module
from udcntt.analysis import analyse, analysis_to_json, load_analysis
from udcntt.analysis._engine import competition_ranks, round_keys
from udcntt.analysis._montecarlo import chunk_size
from udcntt.data import Dataset
from udcntt.errors import EvaluationError
from udcntt.model import RuleSet


def test_no_uncertainty_gives_zero_width_intervals(
    rules_2018: RuleSet, survey_2018: Dataset
) -> None:
    """Without an analysis file every interval is the published rank, every tier certain."""
    result = analyse(rules_2018, survey_2018, draws=50)
    exact = {r.agency_id: r for r in result.assessment.results}
    for item in result.intervals:
        assert item.low == item.high == item.rank == exact[item.agency].rank
        assert item.median_rank == item.rank
        assert item.tier_probability[item.tier] == 1.0
    assert result.mean_rank_shift == 0.0
    assert result.sobol == ()


def test_zero_spreads_give_zero_width_intervals(rules_2018: RuleSet, survey_2018: Dataset) -> None:
    """Declared inputs with zero spread change nothing either."""
    spec, _ = load_analysis(
        ANALYSIS_2018.parent / "zero.yaml",
        rules_2018,
        text=HEAD_2018
        + "uncertainty:\n  points:\n    - {criterion: ha_tang_ky_thuat, uniform: 0}\n"
        "  tiers:\n    - {tier: kha, uniform: 0}\n",
    )
    result = analyse(rules_2018, survey_2018, analysis=spec, draws=64)
    assert all(i.low == i.high == i.rank for i in result.intervals if i.rank is not None)
    assert all(s.first == s.total == 0.0 for s in result.sobol)


def test_same_seed_gives_byte_identical_json(rules_2018: RuleSet, survey_2018: Dataset) -> None:
    """Two runs with one seed write the same bytes; another seed writes others."""
    spec, _ = load_analysis(ANALYSIS_2018, rules_2018)
    spec = dataclasses.replace(spec, sobol_samples=16)
    one = analysis_to_json(analyse(rules_2018, survey_2018, analysis=spec, draws=120, seed=7))
    two = analysis_to_json(analyse(rules_2018, survey_2018, analysis=spec, draws=120, seed=7))
    other = analysis_to_json(analyse(rules_2018, survey_2018, analysis=spec, draws=120, seed=8))
    assert one.encode() == two.encode()
    assert one != other
    assert '"seed": 7' in one and '"draws": 120' in one


def test_chunks_do_not_change_the_result(rules_2018: RuleSet, survey_2018: Dataset) -> None:
    """A small memory cap (many chunks) gives the same intervals as one chunk."""
    spec, _ = load_analysis(ANALYSIS_2018, rules_2018)
    big = analyse(rules_2018, survey_2018, analysis=spec, draws=90, sensitivity=False)
    small_spec = dataclasses.replace(spec, memory_mb=16)
    small = analyse(rules_2018, survey_2018, analysis=small_spec, draws=90, sensitivity=False)
    assert small.chunk < big.chunk and small.chunk < 90
    assert small.intervals == big.intervals


def test_chunk_memory_is_bounded_by_the_cap(rules_2018: RuleSet, survey_2018: Dataset) -> None:
    """One chunk's arrays stay within a quarter of the cap (counted, not timed)."""
    from udcntt.analysis._draws import Problem
    from udcntt.analysis._model import block_models

    assessment = udcntt.evaluate(rules_2018, survey_2018)
    models = block_models(rules_2018, assessment)
    problem = Problem(rules_2018, models, (), {})
    for cap in (16, 64, 512):
        size = chunk_size(problem, cap)
        cells = max(len(m.agencies) * len(m.leaves) for m in models)
        assert size * cells * 8 * 4 <= cap * 2**20 / 4 or size == 1


def test_uncertainty_moves_ranks_and_tiers(rules_2018: RuleSet, survey_2018: Dataset) -> None:
    """The shipped spreads widen some intervals, and tier probabilities add up to 1."""
    spec, _ = load_analysis(ANALYSIS_2018, rules_2018)
    result = analyse(rules_2018, survey_2018, analysis=spec, draws=200, sensitivity=False)
    assert any((i.high or 0) > (i.low or 0) for i in result.intervals)
    for i in result.intervals:
        assert i.low is not None and i.high is not None and i.low <= i.rank <= i.high  # type: ignore[operator]
        assert sum(i.tier_probability.values()) == pytest.approx(1.0)
    assert result.mean_rank_shift > 0


def test_rank_change_sign_probability(tmp_path: object) -> None:
    """With --previous, each moved agency gets the share of draws keeping its sign."""
    from tests.analysis.conftest import ROOT

    rules = udcntt.load_rules(ROOT / "rules" / "lam-dong-2017.yaml")
    registry = udcntt.read_registry(ROOT / "examples" / "lam-dong" / "agencies.yaml")
    data = udcntt.read_survey(
        ROOT / "examples" / "lam-dong" / "survey-2017.csv", rules, registry=registry
    )
    before = udcntt.read_survey(
        ROOT / "examples" / "lam-dong" / "survey-2016.csv", rules, registry=registry
    )
    previous = udcntt.evaluate(rules, before)
    result = analyse(rules, data, previous=previous, draws=40)
    moved = [i for i in result.intervals if i.rank_change]
    assert moved
    # No uncertainty: every draw is the published ranking, so every sign holds.
    assert all(i.same_sign == 1.0 for i in moved)
    assert all(i.same_sign is None for i in result.intervals if i.rank_change is None)


def test_nominal_draw_is_checked_in_the_code_path(
    rules_2018: RuleSet, survey_2018: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A model that does not reproduce the exact totals is refused (E-ANALYSIS-NOMINAL)."""
    real = analyse_module.block_models

    def skewed(rules: RuleSet, assessment: udcntt.Assessment) -> list[object]:
        models = real(rules, assessment)
        models[0].shares[0, 0] = min(1.0, models[0].shares[0, 0] + 0.25)
        return models  # type: ignore[return-value]

    monkeypatch.setattr(analyse_module, "block_models", skewed)
    with pytest.raises(EvaluationError) as info:
        analyse(rules_2018, survey_2018, draws=10)
    assert info.value.code == "E-ANALYSIS-NOMINAL"
    assert "total" in str(info.value)


def test_competition_ranks_share_ties() -> None:
    """1, 2, 2, 4 — and a second key breaks ties."""
    keys = [np.array([[10, 9, 9, 8]])]
    assert competition_ranks(keys).tolist() == [[1, 2, 2, 4]]
    assert competition_ranks([keys[0], np.array([[0, 1, 2, 0]])]).tolist() == [[1, 3, 2, 4]]


@pytest.mark.parametrize(
    ("mode", "values", "expected"),
    [
        ("half_up", [2.675, 0.125, 1.0049], [268, 13, 100]),
        ("half_even", [0.125, 0.135, 2.5], [12, 14, 250]),
        ("down", [0.129, 1.0, 2.675], [12, 100, 267]),
    ],
)
def test_round_keys_follow_the_declared_mode(
    mode: str, values: list[float], expected: list[int]
) -> None:
    """Binary floats at a half round as the decimal would."""
    assert round_keys(np.array(values), 2, mode).tolist() == expected


def test_noise_never_touches_appraised_values(flat_rules: RuleSet) -> None:
    """A cell the appraisal council set keeps its value at every noise level."""
    from udcntt.analysis._alternatives import _level_data
    from udcntt.analysis._spec import Factor
    from udcntt.data import CellInfo

    data = flat_survey(flat_rules, [("a1", 50, 50, 50), ("a2", 40, 40, 40)])
    first = data.agencies[0]
    appraised = dataclasses.replace(first, cells={"a": CellInfo(appraised=Decimal(50))})
    data = Dataset(agencies=(appraised, data.agencies[1]))
    noise = Factor("noise:a", "noise", "a", spread=10.0, levels=3)
    low = _level_data(flat_rules, data, noise, 0)
    assert low.agencies[0].values["a"] == Decimal(50)
    assert low.agencies[1].values["a"] == Decimal("36.0")


def test_imputation_alternatives_change_missing_values_only(flat_rules: RuleSet) -> None:
    """Imputing a missing value with the block's mean moves only that agency's points."""
    from udcntt.data import MISSING

    rows = flat_survey(flat_rules, [("a1", 80, 50, 50), ("a2", 40, 50, 50), ("a3", 0, 50, 50)])
    third = dataclasses.replace(rows.agencies[2], values={**rows.agencies[2].values, "a": MISSING})
    data = Dataset(agencies=(*rows.agencies[:2], third))
    spec, _ = load_analysis(
        "imp.yaml",
        flat_rules,
        text="udcntt_analysis: 1\nuncertainty:\n  imputation:\n    - {indicator: a, methods: [zero, block_mean]}\n",
    )
    result = analyse(flat_rules, data, analysis=spec, draws=200, seed=3, sensitivity=False)
    a3 = result.interval("a3")
    # Scored zero (the rule's policy) a3 is last; imputed with the mean (60) it passes a2.
    assert a3.rank == 3 and a3.low == 2 and a3.high == 3
    assert result.interval("a1").low == result.interval("a1").high == 1


def test_linear_path_equals_the_tree_walk(flat_rules: RuleSet) -> None:
    """For a tree of sums the one-product path gives the group-by-group totals."""
    from udcntt.analysis._engine import aggregate
    from udcntt.analysis._model import block_models

    data = flat_survey(flat_rules, [("a", 100, 60, 50), ("b", 70, 100, 50), ("c", 10, 0, 90)])
    model = block_models(flat_rules, udcntt.evaluate(flat_rules, data))[0]
    assert model.linear
    factors = np.random.default_rng(4).uniform(0.0, 2.0, size=(16, len(model.nodes)))
    fast = aggregate(model, factors, {}, model.shares, None)
    walked = aggregate(model, factors, {}, model.shares, None, keep=("nhom",))
    assert "nhom" in walked.groups and not fast.groups
    np.testing.assert_allclose(fast.total, walked.total, rtol=1e-12)
    np.testing.assert_allclose(fast.applicable, walked.applicable, rtol=1e-12)
    np.testing.assert_allclose(fast.full, walked.full, rtol=1e-12)


def test_noise_levels_are_per_agency_across_blocks(
    rules_2018: RuleSet, survey_2018: Dataset
) -> None:
    """The i-th agencies of two blocks take their noise from different columns."""
    from udcntt.analysis._alternatives import scenario_deltas
    from udcntt.analysis._draws import Problem
    from udcntt.analysis._model import block_models

    spec, _ = load_analysis(
        ANALYSIS_2018.parent / "noise.yaml",
        rules_2018,
        text=HEAD_2018
        + "uncertainty:\n  noise:\n    - {indicator: staff_trained_year, uniform: 20, levels: 3}\n",
    )
    assessment = udcntt.evaluate(rules_2018, survey_2018)
    models = block_models(rules_2018, assessment)
    scenarios, _ = scenario_deltas(rules_2018, survey_2018, assessment, models, spec.factors)
    problem = Problem(rules_2018, models, spec.factors, scenarios)
    assert problem.first_agency == [0, 32] and problem.agencies == 44
    levels = np.ones((1, 44), dtype=np.int64)  # level 1 of 3: no noise
    levels[0, 32] = 0  # the first huyện alone at -20 %
    chunk = problem.run(np.zeros((1, 1)), 1, {"noise:staff_trained_year": levels})
    nominal = problem.run(None)
    moved = [
        (b, i)
        for b in range(2)
        for i in range(len(models[b].agencies))
        if chunk.totals[b][0, i] != nominal.totals[b][0, i]
    ]
    assert moved == [(1, 0)]


def test_dirichlet_weights_keep_the_budget(flat_rules: RuleSet) -> None:
    """Children's points drawn from a Dirichlet vary but always add up to the group's 100."""
    from udcntt.analysis._draws import Problem
    from udcntt.analysis._engine import aggregate
    from udcntt.analysis._model import block_models

    data = flat_survey(flat_rules, [("a", 100, 60, 50), ("b", 70, 100, 50)])
    spec, _ = load_analysis(
        "d.yaml",
        flat_rules,
        text="udcntt_analysis: 1\nuncertainty:\n  points:\n    - {group: nhom, dirichlet: 20}\n",
    )
    models = block_models(flat_rules, udcntt.evaluate(flat_rules, data))
    problem = Problem(flat_rules, models, spec.factors, {})
    u = np.random.default_rng(2).random((200, problem.dims))
    factors, choices, shares = problem._block_inputs(0, u, 200, None)
    agg = aggregate(models[0], factors, choices, shares, None)
    np.testing.assert_allclose(agg.full, 100.0)
    points = factors[:, models[0].leaves] * np.array([50.0, 30.0, 20.0])
    np.testing.assert_allclose(points.sum(axis=1), 100.0)
    assert points[:, 0].std() > 1.0
    # Around the declared points: the mean draw is close to 50 / 30 / 20.
    np.testing.assert_allclose(points.mean(axis=0), [50.0, 30.0, 20.0], atol=3.0)
