"""The nominal draw is the exact result on random rule sets and surveys (differential test)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

pytest.importorskip("SALib")

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import udcntt
from udcntt.analysis import analyse
from udcntt.testing import datasets, rule_set_documents, rule_sets


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), text=rule_sets(max_groups=3, max_leaves=3))
def test_nominal_draw_equals_evaluate(data: st.DataObject, text: str) -> None:
    """Totals, ranks and tiers of the float model at nominal equal ``evaluate``'s exactly."""
    rules = udcntt.load_rules("random.yaml", text=text)
    survey = data.draw(datasets(rules, min_agencies=1, max_agencies=6))
    try:
        udcntt.evaluate(rules, survey)
    except udcntt.UdcnttError:
        assume(False)
    # analyse() raises E-ANALYSIS-NOMINAL if the model's nominal draw differs.
    result = analyse(rules, survey, draws=3, sensitivity=False)
    assert all(i.low == i.high == i.rank for i in result.intervals if i.rank is not None)


def _variant(doc: dict[str, Any], geometric: bool, tie_break: bool) -> dict[str, Any]:
    """The generated rule set with its weighted means made geometric and a tie-break key."""
    for group in doc["criteria"]:
        if geometric and group.get("aggregate") == "weighted_mean":
            group["aggregate"] = "geometric_mean"
    if tie_break:
        doc.setdefault("ranking", {})["tie_break"] = [doc["criteria"][0]["id"]]
    return doc


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    data=st.data(),
    doc=rule_set_documents(max_groups=3, max_leaves=3),
    geometric=st.booleans(),
    tie_break=st.booleans(),
)
def test_nominal_draw_with_geometric_means_and_tie_breaks(
    data: st.DataObject, doc: dict[str, Any], geometric: bool, tie_break: bool
) -> None:
    """Geometric means and tie-break keys are modelled exactly too."""
    text = yaml.safe_dump(_variant(doc, geometric, tie_break), allow_unicode=True, sort_keys=False)
    try:
        rules = udcntt.load_rules("random.yaml", text=text)
    except udcntt.RuleFileError:
        assume(False)
    survey = data.draw(datasets(rules, min_agencies=2, max_agencies=6))
    try:
        udcntt.evaluate(rules, survey)
    except udcntt.UdcnttError:
        assume(False)
    analyse(rules, survey, draws=2, sensitivity=False)
