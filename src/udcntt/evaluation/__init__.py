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
from udcntt.evaluation._baseline import compare_with_lineage, derive_value
from udcntt.evaluation._crosswalk_rescore import Rescored, mark_compared, rescore
from udcntt.evaluation._evaluate import evaluate
from udcntt.evaluation._explain import TRACE_VERSION, explain, lost_points, points_to_next_tier
from udcntt.evaluation._inputs import imputations, prepare
from udcntt.evaluation._interpret import RuleFailure, derive, run_leaf
from udcntt.evaluation._labels import (
    COMPARABILITY_LABELS,
    LABEL_DOCS,
    baseline_sentence,
    comparability_heading,
    comparability_note,
    comparability_text,
    label_counts_text,
)
from udcntt.evaluation._ranking import competition_ranks, quantize, rank_change, tier_of
from udcntt.evaluation._selftest import CheckReport, case_dataset, check_rules, run_rule_tests
from udcntt.evaluation._views import regroup
from udcntt.program import SLOW_REASONS, GeneratedCodeError

__all__ = [
    "COMPARABILITY_LABELS",
    "LABEL_DOCS",
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
    "Rescored",
    "RuleFailure",
    "TierInfo",
    "baseline_sentence",
    "case_dataset",
    "check_rules",
    "comparability_heading",
    "comparability_note",
    "comparability_text",
    "compare_with_lineage",
    "competition_ranks",
    "derive",
    "derive_value",
    "evaluate",
    "explain",
    "imputations",
    "label_counts_text",
    "lost_points",
    "mark_compared",
    "points_to_next_tier",
    "prepare",
    "quantize",
    "rank_change",
    "regroup",
    "rescore",
    "run_leaf",
    "run_rule_tests",
    "tier_of",
]
