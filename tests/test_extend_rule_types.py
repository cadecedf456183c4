"""A rule type added as one module (tests/interpolate_rule.py) works everywhere a built-in does.

Registered with ``udcntt.extend.registered``, it is validated with located errors, scores on
the fast path and the reference path alike, is explained by ``udcntt explain``, is drawn by
the property strategies of ``udcntt.testing`` (which then check every invariant), and is
named in the receipt.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import udcntt
from interpolate_rule import INTERPOLATE
from udcntt.cli import main
from udcntt.extend import registered
from udcntt.report import assessment_to_json
from udcntt.testing import (
    check_bounds,
    check_determinism,
    check_extends,
    check_monotone,
    check_not_applicable,
    check_tiers,
    datasets,
    extension_of,
    rule_sets,
)
from udcntt.testing._strategies import directional_indicators, improve

RULES = """udcntt: 1
id: noi_suy
title: Nội suy
blocks: {so: {label: Sở}}
indicators:
  online: {label: Tỷ lệ DVC trực tuyến (%), type: number, range: [0, 100], direction: higher}
  staff: {label: Cán bộ CNTT, type: count, direction: higher, range: [0, 50]}
criteria:
  - id: dvc
    label: Dịch vụ công trực tuyến
    max: 10
    interpolate:
      input: online
      points:
        - {at: 20, points: 0}
        - {at: 60, points: 6}
        - {at: 100, points: 10}
  - id: nhan_luc
    label: Nhân lực
    max: 5
    best_of:
      - interpolate: {input: staff, points: [{at: 0, points: 0}, {at: 3, points: 5}]}
      - 1
tiers:
  levels:
    - {id: tot, label: Tốt, min: 12}
    - {id: kha, label: Khá}
"""

SURVEY = """id,name,block,online,staff
a,Sở A,so,50,2
b,Sở B,so,10,0
c,Sở C,so,95,7
d,Sở D,so,60,1
"""


@pytest.fixture(autouse=True)
def interpolate() -> Iterator[None]:
    with registered(INTERPOLATE):
        yield


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    rules = tmp_path / "noi-suy.yaml"
    rules.write_text(RULES, encoding="utf-8")
    survey = tmp_path / "survey.csv"
    survey.write_text(SURVEY, encoding="utf-8")
    return rules, survey


def test_points_are_interpolated_exactly_on_both_paths(files: tuple[Path, Path]) -> None:
    rules = udcntt.load_rules(files[0])
    data = udcntt.read_survey(files[1], rules)
    fast = udcntt.evaluate(rules, data)
    reference = udcntt.evaluate(rules, data, reference=True)
    assert fast.paths == {"fast": 4}
    one, two = (json.loads(assessment_to_json(a, traces=False)) for a in (fast, reference))
    assert two["receipt"].pop("evaluation_paths") == {"reference:requested": 4}
    assert two.pop("paths") == {"reference:requested": 4}
    one["receipt"].pop("evaluation_paths")
    one.pop("paths")
    assert one == two
    points = {r.agency_id: r.criteria["dvc"].points for r in fast.results}
    # 50 → 0 + (50 - 20) × 6 / 40 = 4.5; 10 → 0; 95 → 6 + 35 × 4 / 40 = 9.5; 60 → 6
    assert points == {
        "a": Decimal("4.50"),
        "b": Decimal("0.00"),
        "c": Decimal("9.50"),
        "d": Decimal("6.00"),
    }
    staff = {r.agency_id: r.criteria["nhan_luc"].points for r in fast.results}
    # best of interpolate(staff) and 1: 2 → 3.33…, 0 → 1, 7 → 5 (last knot), 1 → 1.67
    assert staff["b"] == Decimal("1.00") and staff["c"] == Decimal("5.00")
    assert Decimal("3.33") <= staff["a"] <= Decimal("3.34")


def test_the_receipt_names_the_rule_type(files: tuple[Path, Path]) -> None:
    rules = udcntt.load_rules(files[0])
    assessment = udcntt.evaluate(rules, udcntt.read_survey(files[1], rules))
    (record,) = [e for e in assessment.receipt.extensions if "rule_type" in e]
    assert record["rule_type"] == "interpolate"
    assert record["distribution"] == "tests" and record["version"] == "1.0"
    assert len(record["registration_sha256"]) == 64


def test_explain_shows_the_interpolation(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["explain", str(files[0]), str(files[1]), "--agency", "a", "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "interpolate: online = 50 → 4.5" in out
    rules = udcntt.load_rules(files[0])
    trace = udcntt.explain(udcntt.evaluate(rules, udcntt.read_survey(files[1], rules)), "a")
    (dvc,) = [c for c in trace["criteria"] if c["id"] == "dvc"]
    assert dvc["rule"]["kind"] == "interpolate"
    assert dvc["rule"]["points"] == ["20 → 0", "60 → 6", "100 → 10"]


def test_a_bad_fragment_is_a_located_schema_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(RULES.replace("{at: 60, points: 6}", "{at: 60, pionts: 6}"), encoding="utf-8")
    with pytest.raises(udcntt.RuleFileError) as caught:
        udcntt.load_rules(bad)
    found = {(d.code, d.location.line if d.location else None) for d in caught.value.diagnostics}
    assert ("E-SCHEMA-UNKNOWN-KEY", 16) in found
    unknown = next(d for d in caught.value.diagnostics if d.code == "E-SCHEMA-UNKNOWN-KEY")
    assert unknown.hint is not None and "points" in unknown.hint


def test_its_own_static_check_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(RULES.replace("{at: 100, points: 10}", "{at: 50, points: 10}"), encoding="utf-8")
    with pytest.raises(udcntt.RuleFileError) as caught:
        udcntt.load_rules(bad)
    (diag,) = caught.value.diagnostics
    assert diag.code == "E-RULE-TYPE" and diag.criterion == "dvc"
    assert diag.location is not None and diag.location.line == 17
    assert "knot 3" in diag.message


def test_its_bound_is_checked_against_the_budget(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        RULES.replace("{at: 100, points: 10}", "{at: 100, points: 12}"), encoding="utf-8"
    )
    with pytest.raises(udcntt.RuleFileError) as caught:
        udcntt.load_rules(bad)
    assert [d.code for d in caught.value.diagnostics] == ["E-BUDGET-CAP"]


def test_a_typo_in_the_key_suggests_it(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        RULES.replace(
            "    interpolate:\n      input: online\n", "    interpolat:\n      input: online\n"
        ),
        encoding="utf-8",
    )
    with pytest.raises(udcntt.RuleFileError) as caught:
        udcntt.load_rules(bad)
    diag = caught.value.diagnostics[0]
    assert diag.code == "E-SCHEMA-UNKNOWN-KEY"
    assert diag.hint == "did you mean 'interpolate'?"


def test_without_the_plugin_the_key_is_unknown(files: tuple[Path, Path]) -> None:
    from udcntt.extend import unregister

    unregister(INTERPOLATE)
    try:
        with pytest.raises(udcntt.RuleFileError) as caught:
            udcntt.load_rules(files[0])
        assert caught.value.diagnostics[0].code == "E-SCHEMA-UNKNOWN-KEY"
    finally:
        from udcntt.extend import register

        register(INTERPOLATE)


def test_list_extensions_shows_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--list-extensions", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["extensions"]
    mine = [r for r in rows if r["name"] == "interpolate"]
    assert mine == [
        {
            "name": "interpolate",
            "kind": "rule_type",
            "distribution": "tests",
            "version": "1.0",
            "module": "interpolate_rule",
            "status": "loaded",
        }
    ]
    kinds = {r["kind"] for r in rows}
    assert {"rule_type", "normalisation", "aggregation", "function", "writer"} <= kinds


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
@given(text=rule_sets(rule_types=["interpolate", "bands"]), data=st.data())
def test_the_property_strategies_draw_it_and_every_invariant_holds(
    text: str, data: st.DataObject
) -> None:
    assert "interpolate:" in text or "bands:" in text
    rules = udcntt.load_rules("random.yaml", text=text)
    compiled = udcntt.compile_rules(rules)
    surveyed = data.draw(datasets(rules, 1, 4), label="survey")
    assert check_bounds(rules, surveyed) == []
    assert check_tiers(rules, surveyed) == []
    assert check_determinism(rules, surveyed) == []
    assert check_not_applicable(rules, surveyed) == []
    assert check_extends(rules, extension_of(rules), surveyed) == []
    first = surveyed.agencies[0]
    names = [
        n
        for n in directional_indicators(compiled, first.block)
        if isinstance(first.values.get(n), Decimal | bool)
    ]
    if not names:
        reject()
    indicator = data.draw(st.sampled_from(names), label="indicator")
    better = improve(data.draw, compiled, first, indicator)
    assert check_monotone(rules, surveyed, first.id, indicator, better) == []


def test_the_strategies_cover_it() -> None:
    """Among the drawn rule sets, the interpolation appears (a strategy that never draws it
    would make the property test above vacuous)."""
    seen: list[str] = []

    @settings(max_examples=15, deadline=None, derandomize=True, database=None)
    @given(rule_sets(rule_types=["interpolate"], max_groups=1, max_leaves=1))
    def collect(text: str) -> None:
        seen.append(text)

    collect()
    assert seen and all("interpolate:" in t for t in seen)
