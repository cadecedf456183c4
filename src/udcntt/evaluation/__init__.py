"""Scoring: the pipeline of DESIGN §3 from survey data to an :class:`Assessment`."""

from udcntt.evaluation._assessment import (
    AgencyResult,
    Assessment,
    Comparison,
    CriterionInfo,
    CriterionResult,
    IndicatorInfo,
    Receipt,
    TierInfo,
)
from udcntt.evaluation._evaluate import evaluate
from udcntt.evaluation._explain import TRACE_VERSION, explain, lost_points, points_to_next_tier
from udcntt.evaluation._inputs import imputations, prepare
from udcntt.evaluation._interpret import RuleFailure, derive, run_leaf
from udcntt.evaluation._ranking import competition_ranks, quantize, rank_change, tier_of
from udcntt.evaluation._selftest import CheckReport, case_dataset, check_rules, run_rule_tests
from udcntt.program import SLOW_REASONS, GeneratedCodeError

__all__ = [
    "SLOW_REASONS",
    "TRACE_VERSION",
    "AgencyResult",
    "Assessment",
    "CheckReport",
    "Comparison",
    "CriterionInfo",
    "CriterionResult",
    "GeneratedCodeError",
    "IndicatorInfo",
    "Receipt",
    "RuleFailure",
    "TierInfo",
    "case_dataset",
    "check_rules",
    "competition_ranks",
    "derive",
    "evaluate",
    "explain",
    "imputations",
    "lost_points",
    "points_to_next_tier",
    "prepare",
    "quantize",
    "rank_change",
    "run_leaf",
    "run_rule_tests",
    "tier_of",
]
