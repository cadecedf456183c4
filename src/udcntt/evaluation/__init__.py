"""Scoring: the pipeline of DESIGN §3 from survey data to an :class:`Assessment`."""

from udcntt.evaluation._assessment import (
    AgencyResult,
    Assessment,
    Comparison,
    CriterionResult,
    Receipt,
)
from udcntt.evaluation._evaluate import evaluate
from udcntt.evaluation._ranking import competition_ranks, quantize, rank_change
from udcntt.evaluation._selftest import CheckReport, check_rules, run_rule_tests

__all__ = [
    "AgencyResult",
    "Assessment",
    "CheckReport",
    "Comparison",
    "CriterionResult",
    "Receipt",
    "check_rules",
    "competition_ranks",
    "evaluate",
    "quantize",
    "rank_change",
    "run_rule_tests",
]
