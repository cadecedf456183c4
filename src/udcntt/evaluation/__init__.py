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
from udcntt.evaluation._ranking import competition_ranks, quantize, rank_change
from udcntt.evaluation._selftest import CheckReport, check_rules, run_rule_tests
from udcntt.program._codegen import SLOW_REASONS, GeneratedCodeError

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
    "TierInfo",
    "check_rules",
    "competition_ranks",
    "evaluate",
    "explain",
    "lost_points",
    "points_to_next_tier",
    "quantize",
    "rank_change",
    "run_rule_tests",
]
