"""udcntt — Vietnamese IT-application and digital-transformation criteria sets as code.

A province's criteria set (bộ tiêu chí) is a YAML rule file; udcntt checks it like a
program, scores the yearly survey exactly, classifies and ranks agencies within blocks,
compares years and explains every number.

>>> import udcntt
>>> rules = udcntt.load_rules("rules/lam-dong-2017.yaml")            # doctest: +SKIP
>>> data = udcntt.read_survey("examples/lam-dong/survey-2017.csv", rules)  # doctest: +SKIP
>>> assessment = udcntt.evaluate(rules, data)                      # doctest: +SKIP
"""

from udcntt._version import __version__
from udcntt.data import (
    MISSING,
    NA,
    AgencyRecord,
    Dataset,
    Registry,
    read_layout,
    read_registry,
    read_survey,
    write_template,
)
from udcntt.errors import (
    DataError,
    Diagnostic,
    EvaluationError,
    ExpressionError,
    RuleFileError,
    Severity,
    SourceLocation,
    UdcnttError,
    UsageError,
)
from udcntt.evaluation import (
    AgencyResult,
    Assessment,
    CheckReport,
    Comparison,
    CriterionResult,
    Receipt,
    check_rules,
    evaluate,
    explain,
    lost_points,
    points_to_next_tier,
    run_rule_tests,
)
from udcntt.model import RuleSet
from udcntt.program import CompiledRuleSet, compile_rules, load_rules
from udcntt.report import assessment_to_json, load_assessment, write_report

__all__ = [
    "MISSING",
    "NA",
    "AgencyRecord",
    "AgencyResult",
    "Assessment",
    "CheckReport",
    "Comparison",
    "CompiledRuleSet",
    "CriterionResult",
    "DataError",
    "Dataset",
    "Diagnostic",
    "EvaluationError",
    "ExpressionError",
    "Receipt",
    "Registry",
    "RuleFileError",
    "RuleSet",
    "Severity",
    "SourceLocation",
    "UdcnttError",
    "UsageError",
    "__version__",
    "assessment_to_json",
    "check_rules",
    "compile_rules",
    "evaluate",
    "explain",
    "load_assessment",
    "load_rules",
    "lost_points",
    "points_to_next_tier",
    "read_layout",
    "read_registry",
    "read_survey",
    "run_rule_tests",
    "write_report",
    "write_template",
]
