"""udcntt — Vietnamese IT-application and digital-transformation criteria sets as code.

A province's criteria set (bộ tiêu chí) is a YAML rule file; udcntt checks it like a
program, scores the yearly survey exactly, classifies and ranks agencies within blocks,
compares years and explains every number.

>>> import udcntt
>>> rules = udcntt.load_rules("rules/lam-dong-2017.yaml")            # doctest: +SKIP
>>> data = udcntt.read_survey("examples/lam-dong/survey-2017.csv", rules)  # doctest: +SKIP
>>> assessment = udcntt.evaluate(rules, data)                      # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from udcntt._version import __version__

if TYPE_CHECKING:
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

_HOME: dict[str, str] = {
    "AgencyRecord": "udcntt.data",
    "AgencyResult": "udcntt.evaluation",
    "Assessment": "udcntt.evaluation",
    "CheckReport": "udcntt.evaluation",
    "Comparison": "udcntt.evaluation",
    "CompiledRuleSet": "udcntt.program",
    "CriterionResult": "udcntt.evaluation",
    "DataError": "udcntt.errors",
    "Dataset": "udcntt.data",
    "Diagnostic": "udcntt.errors",
    "EvaluationError": "udcntt.errors",
    "ExpressionError": "udcntt.errors",
    "MISSING": "udcntt.data",
    "NA": "udcntt.data",
    "Receipt": "udcntt.evaluation",
    "Registry": "udcntt.data",
    "RuleFileError": "udcntt.errors",
    "RuleSet": "udcntt.model",
    "Severity": "udcntt.errors",
    "SourceLocation": "udcntt.errors",
    "UdcnttError": "udcntt.errors",
    "UsageError": "udcntt.errors",
    "assessment_to_json": "udcntt.report",
    "check_rules": "udcntt.evaluation",
    "compile_rules": "udcntt.program",
    "evaluate": "udcntt.evaluation",
    "explain": "udcntt.evaluation",
    "load_assessment": "udcntt.report",
    "load_rules": "udcntt.program",
    "lost_points": "udcntt.evaluation",
    "points_to_next_tier": "udcntt.evaluation",
    "read_layout": "udcntt.data",
    "read_registry": "udcntt.data",
    "read_survey": "udcntt.data",
    "run_rule_tests": "udcntt.evaluation",
    "write_report": "udcntt.report",
    "write_template": "udcntt.data",
}


def __getattr__(name: str) -> Any:
    # Public names load on first use, so that tools that only need a part of udcntt (the
    # pytest plugin, ``udcntt --help``) do not pay for pydantic models and report writers.
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'udcntt' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
