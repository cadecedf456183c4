"""Plugin rule types, normalisations and aggregations at the boundary: what goes wrong there
is a located error naming the plugin, never a crash or a silently wrong number."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import udcntt
from plugin_site import plugin_site
from udcntt.errors import EvaluationError, ExtensionError, RuleFileError
from udcntt.extend import (
    Aggregation,
    Normalisation,
    RuleType,
    discover_kinds,
    register,
    registered,
    unregister,
)
from udcntt.model import Dec, Expr, StrictModel

CURVE_RULES = """udcntt: 1
id: curve_rules
title: Curve
blocks: {so: {label: Sở}}
indicators:
  x: {label: X, type: number, range: [0, 100], direction: higher}
criteria:
  - id: c1
    label: Curve
    max: 10
    curve: {value: x, top: 10}
tiers:
  levels: [{id: a, label: A}]
"""

SURVEY = "id,name,block,x\na,Sở A,so,40\nb,Sở B,so,80\n"


class CurveSpec(StrictModel):
    """x / 10, at most ``top``."""

    value: Expr
    top: Dec


class Curve(RuleType):
    """A plugin rule type whose ``points`` is swapped per test."""

    def points(self, spec: Any, values: Mapping[str, Any]) -> Decimal:
        return BEHAVIOUR["points"](spec, values)

    def max_points(self, spec: Any) -> Decimal | None:
        top: Decimal = spec.top
        return top


BEHAVIOUR: dict[str, Any] = {}
CURVE = Curve(
    name="curve",
    schema=CurveSpec,
    doc="x / 10",
    expressions={"value": "number"},
    monotone=("value",),
    distribution="tests-bad",
    version="0.1",
)


def _files(tmp_path: Path, rules: str = CURVE_RULES) -> tuple[udcntt.RuleSet, udcntt.Dataset]:
    path = tmp_path / "rules.yaml"
    path.write_text(rules, encoding="utf-8")
    survey = tmp_path / "survey.csv"
    survey.write_text(SURVEY, encoding="utf-8")
    loaded = udcntt.load_rules(path)
    return loaded, udcntt.read_survey(survey, loaded)


def test_a_well_behaved_plugin_rule_type_scores(tmp_path: Path) -> None:
    calls: list[Decimal] = []

    def good(spec: Any, values: Mapping[str, Any]) -> Decimal:
        calls.append(values["value"])
        return min(values["value"] / 10, spec.top)

    BEHAVIOUR["points"] = good
    with registered(CURVE):
        rules, data = _files(tmp_path)
        assert calls == []  # never called while the rule file loads
        fast = udcntt.evaluate(rules, data)
        slow = udcntt.evaluate(rules, data, reference=True)
    assert [r.criteria["c1"].points for r in fast.results] == [Decimal("4.00"), Decimal("8.00")]
    assert [r.total for r in slow.results] == [r.total for r in fast.results]
    assert fast.paths == {"fast": 2}
    assert all(isinstance(v, Decimal) for v in calls)


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (ZeroDivisionError("division by zero"), "ZeroDivisionError: division by zero"),
        (Decimal("NaN"), "not a finite number"),
        (0.5, "it returned float where a number (Decimal) is declared"),
        ("5", "it returned str where a number (Decimal) is declared"),
        (True, "it returned bool where a number (Decimal) is declared"),
        (Decimal("1e30"), "beyond ±10^18"),
        (None, "it returned NoneType where a number (Decimal) is declared"),
    ],
    ids=["raises", "nan", "float", "str", "bool", "huge", "none"],
)
@pytest.mark.parametrize("reference", [False, True], ids=["fast", "reference"])
def test_a_misbehaving_plugin_rule_type_is_named_with_criterion_and_agency(
    tmp_path: Path, result: Any, expected: str, reference: bool
) -> None:
    def bad(spec: Any, values: Mapping[str, Any]) -> Any:
        if isinstance(result, Exception):
            raise result
        return result

    BEHAVIOUR["points"] = bad
    with registered(CURVE):
        rules, data = _files(tmp_path)
        with pytest.raises(EvaluationError) as caught:
            udcntt.evaluate(rules, data, reference=reference)
    diag = caught.value.diagnostics[0]
    assert diag.code == "E-EVAL-EXTENSION"
    assert "rule type 'curve' of tests-bad 0.1" in diag.message
    assert expected in diag.message
    assert diag.criterion == "c1" and diag.agency == "a"
    assert diag.location is not None and diag.location.line == 8


def test_a_plugin_cannot_shadow_a_built_in_or_another_plugin() -> None:
    with pytest.raises(ExtensionError) as caught:
        register(Curve(name="bands", schema=CurveSpec, doc="no", distribution="evil"))
    assert "the built-in rule type 'bands'" in str(caught.value)
    with registered(CURVE):
        with pytest.raises(ExtensionError) as again:
            register(Curve(name="curve", schema=CurveSpec, doc="no", distribution="other"))
        assert "tests-bad 0.1" in str(again.value) and "other" in str(again.value)
    with pytest.raises(ExtensionError):
        unregister(CURVE)  # no longer registered
    with pytest.raises(ExtensionError, match="identifier"):
        register(Curve(name="not a name", schema=CurveSpec, doc="no"))


class Shares(Normalisation):
    """Scores swapped per test."""

    def scores(
        self, values: Sequence[Decimal], lower_better: bool, spec: Any
    ) -> tuple[list[Decimal], dict[str, str]]:
        result: tuple[list[Decimal], dict[str, str]] = BEHAVIOUR["scores"](values)
        return result


SHARES = Shares(name="shares", doc="value / total", distribution="tests-norm", version="2.0")
NORM_RULES = CURVE_RULES.replace(
    "curve: {value: x, top: 10}", "normalise: {value: x, method: shares, scope: all}"
)


def test_a_plugin_normalisation_scores_through_the_same_pass(tmp_path: Path) -> None:
    def share(values: Sequence[Decimal]) -> tuple[list[Decimal], dict[str, str]]:
        total = sum(values, Decimal(0))
        return [v / total for v in values], {"total": str(total)}

    BEHAVIOUR["scores"] = share
    with registered(SHARES):
        rules, data = _files(tmp_path, NORM_RULES)
        result = udcntt.evaluate(rules, data)
    points = [r.criteria["c1"].points for r in result.results]
    assert [p.quantize(Decimal("0.0001")) for p in points if p is not None] == [
        Decimal("3.3333"),
        Decimal("6.6667"),
    ]
    assert result.normalisation["c1"]["all"][0] == {"total": "120", "method": "shares"}
    assert {"normalisation": "shares", "distribution": "tests-norm", "version": "2.0"}.items() <= {
        k: v for e in result.receipt.extensions for k, v in e.items() if "normalisation" in e
    }.items()


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        (lambda v: ([Decimal(2)] * len(v), {}), "score 2 is outside [0, 1]"),
        (lambda v: ([Decimal(1)], {}), "it gave 1 scores for 2 values"),
        (lambda v: ([0.5] * len(v), {}), "it returned float"),
        (lambda v: 1 / 0, "ZeroDivisionError"),
    ],
    ids=["out-of-range", "wrong-count", "float", "raises"],
)
def test_a_misbehaving_normalisation_names_itself_and_the_criterion(
    tmp_path: Path, scores: Any, expected: str
) -> None:
    BEHAVIOUR["scores"] = scores
    with registered(SHARES):
        rules, data = _files(tmp_path, NORM_RULES)
        with pytest.raises(EvaluationError) as caught:
            udcntt.evaluate(rules, data)
    diag = caught.value.diagnostics[0]
    assert diag.code == "E-EVAL-EXTENSION" and diag.criterion == "c1"
    assert "normalisation 'shares' of tests-norm" in diag.message and expected in diag.message


def test_an_unknown_normalisation_method_is_located(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError) as caught:
        _files(tmp_path, NORM_RULES.replace("method: shares", "method: to_bets"))
    diag = caught.value.diagnostics[0]
    assert diag.code == "E-NORMALISE" and diag.location is not None and diag.location.line == 11
    assert diag.hint == "did you mean 'to_best'?"


class Worst(Aggregation):
    """The group's share is its worst child's (or what BEHAVIOUR says)."""

    def combine(self, shares: Sequence[Decimal], weights: Sequence[Decimal]) -> Decimal:
        result: Decimal = BEHAVIOUR["combine"](shares)
        return result


WORST = Worst(name="worst", doc="the worst share", distribution="tests-agg", version="3")
GROUP_RULES = CURVE_RULES.replace(
    """  - id: c1
    label: Curve
    max: 10
    curve: {value: x, top: 10}""",
    """  - id: g
    label: Group
    max: 10
    aggregate: worst
    children:
      - {id: c1, label: One, max: 4, points: "x / 25"}
      - {id: c2, label: Two, max: 4, points: "min(x / 10, 4)"}""",
)


@pytest.mark.parametrize("reference", [False, True], ids=["fast", "reference"])
def test_a_plugin_aggregation_combines_on_both_paths(tmp_path: Path, reference: bool) -> None:
    BEHAVIOUR["combine"] = min
    with registered(WORST):
        rules, data = _files(tmp_path, GROUP_RULES)
        result = udcntt.evaluate(rules, data, reference=reference)
    # a: shares 1.6/4 and 4/4 → 0.4 × 10; b: 3.2/4 and 4/4 → 0.8 × 10
    assert [r.criteria["g"].points for r in result.results] == [Decimal("4.00"), Decimal("8.00")]


def test_a_misbehaving_aggregation_is_named(tmp_path: Path) -> None:
    BEHAVIOUR["combine"] = lambda shares: Decimal(2)
    with registered(WORST):
        rules, data = _files(tmp_path, GROUP_RULES)
        with pytest.raises(EvaluationError) as caught:
            udcntt.evaluate(rules, data)
    diag = caught.value.diagnostics[0]
    assert diag.code == "E-EVAL-EXTENSION" and diag.agency == "a" and diag.criterion == "g"
    assert diag.location is not None and diag.location.line == 8
    assert "aggregation 'worst' of tests-agg" in diag.message and "outside [0, 1]" in diag.message


def test_an_unknown_aggregation_is_a_located_schema_error(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError) as caught:
        _files(tmp_path, GROUP_RULES)
    diag = caught.value.diagnostics[0]
    assert diag.code == "E-SCHEMA-VALUE" and diag.location is not None
    assert diag.location.line == 11 and "unknown aggregation 'worst'" in diag.message


PLUGIN = """
from decimal import Decimal
from udcntt.extend import RuleType
from udcntt.model import Dec, Expr, StrictModel

class Spec(StrictModel):
    value: Expr
    top: Dec

class Curve(RuleType):
    def points(self, spec, values):
        return min(values["value"] / 10, spec.top)

    def max_points(self, spec):
        return spec.top

curve = Curve(name="curve", schema=Spec, doc="x / 10", expressions={"value": "number"})
"""


def test_an_installed_rule_type_is_found_through_its_entry_point(tmp_path: Path) -> None:
    with plugin_site(tmp_path, "udcntt.rule_types", _refresh) as site:
        site.install(
            "curve-plugin", "1.4", {"curve": "curve_plugin:curve"}, {"curve_plugin": PLUGIN}
        )
        assert "curve_plugin" not in sys.modules  # listed from metadata, not imported
        infos = [i for i in discover_kinds() if i.name == "curve"]
        assert [(i.distribution, i.version, i.status) for i in infos] == [
            ("curve-plugin", "1.4", "available")
        ]
        rules, data = _files(tmp_path)
        assert "curve_plugin" in sys.modules
        result = udcntt.evaluate(rules, data)
        assert [r.criteria["c1"].points for r in result.results] == [
            Decimal("4.00"),
            Decimal("8.00"),
        ]
        (record,) = [e for e in result.receipt.extensions if "rule_type" in e]
        assert record["distribution"] == "curve-plugin" and record["version"] == "1.4"


def test_a_broken_entry_point_is_a_located_extension_error(tmp_path: Path) -> None:
    with plugin_site(tmp_path, "udcntt.rule_types", _refresh) as site:
        site.install(
            "curve-broken",
            "0.1",
            {"curve": "curve_broken:curve"},
            {"curve_broken": "import nothing_here\n"},
        )
        with pytest.raises(RuleFileError) as caught:
            _files(tmp_path)
    diag = caught.value.diagnostics[0]
    assert diag.code == "E-EXTENSION"
    assert diag.location is not None and diag.location.line == 8
    assert "curve-broken 0.1" in diag.message and "ModuleNotFoundError" in diag.message


def test_two_plugins_declaring_one_rule_type_are_both_named(tmp_path: Path) -> None:
    with plugin_site(tmp_path, "udcntt.rule_types", _refresh) as site:
        site.install("curve-a", "1", {"curve": "curve_a:curve"}, {"curve_a": PLUGIN})
        site.install("curve-b", "2", {"curve": "curve_b:curve"}, {"curve_b": PLUGIN})
        with pytest.raises(RuleFileError) as caught:
            _files(tmp_path)
    diag = caught.value.diagnostics[0]
    assert diag.code == "E-EXTENSION"
    assert "curve-a 1" in diag.message and "curve-b 2" in diag.message


def _refresh(*, refresh: bool = False) -> Any:
    return discover_kinds(refresh=refresh)


def test_a_plugin_that_breaks_its_declared_monotonicity_is_caught(tmp_path: Path) -> None:
    """The property toolkit checks what the plugin declares: more never earns fewer points."""
    from udcntt.testing import run_properties

    BEHAVIOUR["points"] = lambda spec, values: spec.top - values["value"] / 10
    with registered(CURVE):
        rules, _ = _files(tmp_path)
        outcome = run_properties(rules, max_examples=30, seed=3, invariants=["monotone"])
    (report,) = outcome.reports
    assert (report.name, report.status) == ("monotone", "failed")
    assert any(d.criterion == "c1" for d in outcome.errors)


def test_an_undeclared_plugin_is_not_held_to_monotonicity(tmp_path: Path) -> None:
    from udcntt.testing import run_properties

    BEHAVIOUR["points"] = lambda spec, values: spec.top - values["value"] / 10
    free = Curve(
        name="curve", schema=CurveSpec, doc="x", expressions={"value": "number"}, distribution="t"
    )
    with registered(free):
        rules, _ = _files(tmp_path)
        outcome = run_properties(rules, max_examples=30, seed=3, invariants=["monotone"])
    (report,) = outcome.reports
    assert report.status == "skipped"  # nothing promised: no indicator to check


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda: RuleType(name="bare", schema=CurveSpec, doc="x"), "neither points()"),
        (lambda: Curve(name="no name", schema=CurveSpec, doc="x"), "identifier"),
        (lambda: Curve(name="c", schema=dict, doc="x"), "pydantic model"),  # type: ignore[arg-type]
        (
            lambda: Curve(name="c", schema=CurveSpec, doc="x", expressions={"value": "float"}),
            "'float'",
        ),
        (lambda: Curve(name="c", schema=CurveSpec, doc="x", monotone=("value",)), "'monotone'"),
        (lambda: Normalisation(name="n", doc="x"), "scores()"),
        (lambda: Aggregation(name="a", doc="x"), "combine()"),
    ],
    ids=["no-points", "name", "schema", "expression-type", "monotone", "norm", "agg"],
)
def test_an_incomplete_declaration_fails_when_it_is_made(make: Any, needle: str) -> None:
    """A type missing a part fails at the plugin's import, with a clear message."""
    with pytest.raises(ExtensionError) as caught:
        make()
    assert needle in str(caught.value)


class Fussy(Curve):
    """A plugin whose own static check and explanation fail."""

    def check(self, spec: Any) -> Any:
        raise ValueError("no tables today")


class Mute(Curve):
    def trace_entry(self, spec: Any, values: Mapping[str, Any], points: Decimal) -> Any:
        raise RuntimeError("cannot explain")


def test_a_failing_static_check_is_a_located_error_not_a_crash(tmp_path: Path) -> None:
    fussy = Fussy(name="curve", schema=CurveSpec, doc="x", expressions={"value": "number"})
    with registered(fussy), pytest.raises(RuleFileError) as caught:
        _files(tmp_path)
    (diag,) = caught.value.diagnostics
    assert diag.code == "E-RULE-TYPE" and diag.criterion == "c1"
    assert diag.location is not None and diag.location.line == 11
    assert "its check() failed: ValueError: no tables today" in diag.message


def test_a_failing_explanation_falls_back_to_the_generic_step(tmp_path: Path) -> None:
    BEHAVIOUR["points"] = lambda spec, values: values["value"] / 10
    mute = Mute(name="curve", schema=CurveSpec, doc="x", expressions={"value": "number"})
    with registered(mute):
        rules, data = _files(tmp_path)
        trace = udcntt.explain(udcntt.evaluate(rules, data), "a")
    (entry,) = [c for c in trace["criteria"] if c["id"] == "c1"]
    (step,) = entry["steps"]
    assert step["points"] == "4" and step["values"] == {"value": "40"}
    assert "its trace_entry() failed: RuntimeError: cannot explain" in step["note"]


def test_a_plugin_is_named_in_vietnamese_without_english_words(tmp_path: Path) -> None:
    BEHAVIOUR["points"] = lambda spec, values: 0.5
    with registered(CURVE):
        rules, data = _files(tmp_path)
        with pytest.raises(EvaluationError) as caught:
            udcntt.evaluate(rules, data)
    text = caught.value.diagnostics[0].format("vi")
    assert "loại quy tắc 'curve' của tests-bad 0.1" in text and " of " not in text


def test_an_expression_field_missing_from_the_schema_is_refused_when_declared() -> None:
    with pytest.raises(ExtensionError, match="'valu' is not a field of its schema"):
        Curve(name="c", schema=CurveSpec, doc="x", expressions={"valu": "number"})


class Posts(Normalisation):
    def scores(
        self, values: Sequence[Decimal], lower_better: bool, spec: Any
    ) -> tuple[list[Decimal], dict[str, str]]:
        lo, hi = spec.goalposts
        return [min(max((v - lo) / (hi - lo), Decimal(0)), Decimal(1)) for v in values], {}


def test_a_normalisation_missing_what_it_needs_is_located(tmp_path: Path) -> None:
    posts = Posts(name="posts", doc="x", needs=("goalposts",), population=False)
    with registered(posts), pytest.raises(RuleFileError) as caught:
        _files(tmp_path, NORM_RULES.replace("method: shares", "method: posts"))
    (diag,) = caught.value.diagnostics
    assert diag.code == "E-NORMALISE" and diag.location is not None and diag.location.line == 11
    assert "method 'posts' needs 'goalposts'" in diag.message


class Boundless(Curve):
    def max_points(self, spec: Any) -> Decimal | None:
        return BEHAVIOUR["max_points"]()


@pytest.mark.parametrize(
    ("bound", "needle"),
    [(lambda: 1 / 0, "its max_points() failed: ZeroDivisionError"), (lambda: 10.0, "gave 10.0")],
    ids=["raises", "float"],
)
def test_a_failing_max_points_is_a_located_error_not_a_silent_missing_bound(
    tmp_path: Path, bound: Any, needle: str
) -> None:
    """The budget check relies on max_points(): when it fails, the rule file says so."""
    BEHAVIOUR["max_points"] = bound
    plugin = Boundless(name="curve", schema=CurveSpec, doc="x", expressions={"value": "number"})
    with registered(plugin), pytest.raises(RuleFileError) as caught:
        _files(tmp_path)
    (diag,) = caught.value.diagnostics
    assert diag.code == "E-RULE-TYPE" and diag.location is not None and diag.location.line == 11
    assert needle in diag.message
