"""Helpers shared by the evaluation tests: compare results across evaluation paths."""

from __future__ import annotations

import json
from typing import Any

import udcntt
from udcntt.report import assessment_to_json


def results_json(assessment: udcntt.Assessment) -> dict[str, Any]:
    """The results JSON of ``assessment`` without the counts of evaluation paths.

    The fast and the reference path must agree on everything else, byte for byte.
    """
    doc = json.loads(assessment_to_json(assessment))
    receipt = doc.get("receipt", {})
    assert receipt.get("evaluation_paths") == dict(assessment.paths)
    del receipt["evaluation_paths"]
    doc.pop("paths", None)
    return doc


def both_paths(
    rules: udcntt.RuleSet | udcntt.CompiledRuleSet, data: udcntt.Dataset, **kwargs: Any
) -> tuple[udcntt.Assessment, udcntt.Assessment]:
    """Score ``data`` on the fast path and on the reference path; check they agree."""
    fast = udcntt.evaluate(rules, data, **kwargs)
    slow = udcntt.evaluate(rules, data, reference=True, **kwargs)
    assert dict(slow.paths) == {"reference:requested": len(data)}
    assert results_json(fast) == results_json(slow)
    return fast, slow
