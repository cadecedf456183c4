"""Expression-function extensions: explicit registration, the checked boundary, receipts."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import udcntt
from udcntt.cli import main
from udcntt.expressions import (
    FUNCTIONS,
    RUNTIME,
    ExprType,
    NameInfo,
    RuleArithmeticError,
    compile_expression,
    evaluate_reference,
)
from udcntt.extend import (
    ExtensionError,
    FunctionSpec,
    function,
    register_function,
    registered,
    unregister_function,
)

RULES = """\
udcntt: 1
id: plugin_demo
title: Plugin demo
blocks:
  so: {label: So}
indicators:
  done: {label: Done, type: count, range: [0, 1000]}
  total: {label: Total, type: count, range: [1, 1000]}
  head: {label: Head, type: category, categories: {a: A, b: B}}
criteria:
  - {id: curve, label: Curve, max: 20, points: "min(ext_curve(done, total, head), 20)"}
tiers:
  basis: share
  levels:
    - {id: tot, label: Tot, min: 0.5}
    - {id: khac, label: Khac}
"""

SURVEY = """\
agency_id,name,block,done,total,head
s1,One,so,3,4,a
s2,Two,so,1,3,b
s3,Three,so,0,5,a
"""


def _curve(done: Decimal, total: Decimal, head: str) -> Decimal:
    bonus = Decimal(2) if head == "a" else Decimal(0)
    return (done / total * 18).quantize(Decimal("0.0001")) + bonus


CURVE = function(
    name="ext_curve",
    args=("number", "number", "category"),
    result="number",
    doc="A scoring curve: done / total × 18, plus 2 for head a.",
    examples=[('ext_curve(3, 4, "a")', "15.5")],
    distribution="udcntt-test-curves",
    version="1.2.0",
)(_curve)


@pytest.fixture
def curve() -> Iterator[FunctionSpec]:
    spec = register_function(CURVE)
    yield spec
    unregister_function("ext_curve")


def _files(tmp_path: Path, rules: str = RULES) -> tuple[Path, Path]:
    rules_path = tmp_path / "rules.yaml"
    rules_path.write_text(rules, encoding="utf-8")
    survey_path = tmp_path / "survey.csv"
    survey_path.write_text(SURVEY, encoding="utf-8")
    return rules_path, survey_path


def _register(impl: Any, result: str = "number", name: str = "ext_bad") -> Iterator[None]:
    register_function(
        function(name=name, args=("number",), result=result, doc="bad", distribution="bad-dist")(
            impl
        )
    )
    yield
    unregister_function(name)


def test_registered_function_scores_through_api_and_cli(
    curve: FunctionSpec, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules_path, survey_path = _files(tmp_path)
    rules = udcntt.load_rules(rules_path)
    data = udcntt.read_survey(survey_path, rules)
    fast = udcntt.evaluate(rules, data)
    points = {r.agency_id: r.total for r in fast.results}
    assert points == {"s1": Decimal("15.5"), "s2": Decimal("6"), "s3": Decimal("2")}
    assert fast.receipt.extensions[0]["function"] == "ext_curve"
    assert fast.receipt.extensions[0]["distribution"] == "udcntt-test-curves"
    assert fast.receipt.extensions[0]["version"] == "1.2.0"
    assert len(fast.receipt.extensions[0]["registration_sha256"]) == 64
    out = tmp_path / "out.json"
    assert main(["score", str(rules_path), str(survey_path), "-o", str(out)]) == 0
    receipt = json.loads(out.read_text(encoding="utf-8"))["receipt"]
    assert receipt["extensions"] == [dict(fast.receipt.extensions[0])]
    loaded = udcntt.load_assessment(out)
    assert [r.total for r in loaded.results] == [r.total for r in fast.results]


def test_both_paths_and_simpleeval_agree_byte_for_byte(curve: FunctionSpec, tmp_path: Path) -> None:
    """The fast path and the reference path call the same validating wrapper."""
    rules_path, survey_path = _files(tmp_path)
    rules = udcntt.load_rules(rules_path)
    data = udcntt.read_survey(survey_path, rules)
    fast = udcntt.evaluate(rules, data)
    ref = udcntt.evaluate(rules, data, reference=True)
    assert fast.paths == {"fast": 3}
    assert all(k.startswith("reference") for k in ref.paths)
    assert [(r.agency_id, str(r.total)) for r in fast.results] == [
        (r.agency_id, str(r.total)) for r in ref.results
    ]
    source_expr = _compiled_curve_expression(rules)
    env = {"done": Decimal(3), "total": Decimal(4), "head": "a"}
    assert str(source_expr.evaluate(env)) == str(evaluate_reference(source_expr, env)) == "15.5000"


def _compiled_curve_expression(rules: Any) -> Any:
    from udcntt.expressions import ExprType, NameInfo, compile_expression

    names = {
        "done": NameInfo(ExprType.NUMBER),
        "total": NameInfo(ExprType.NUMBER),
        "head": NameInfo(ExprType.CATEGORY, frozenset({"a", "b"})),
    }
    return compile_expression("ext_curve(done, total, head)", names=names)


def test_generated_code_calls_the_wrapper_directly(curve: FunctionSpec) -> None:
    expr = _compiled_curve_expression(None)
    text = expr.to_python(lambda n: n, repr)
    assert text.startswith("_u_x_ext_curve(")
    assert RUNTIME["_u_x_ext_curve"].__name__ == "_u_x_ext_curve"
    assert list(FUNCTIONS) == sorted(FUNCTIONS)


@pytest.mark.parametrize(
    ("source", "code", "needle"),
    [
        ("ext_curv(done, total, head)", "E-EXPR-FUNC", "did you mean 'ext_curve'"),
        ("ext_curve(done, total)", "E-EXPR-FUNC", "takes 3 arguments"),
        ("ext_curve(done, head, total)", "E-EXPR-FUNC", "argument 2 of ext_curve()"),
        ("ext_curve(done, total, head) and True", "E-EXPR-TYPE", ""),
    ],
)
def test_static_checks_know_the_signature(
    curve: FunctionSpec, tmp_path: Path, source: str, code: str, needle: str
) -> None:
    rules_path, _ = _files(tmp_path, RULES.replace("min(ext_curve(done, total, head), 20)", source))
    with pytest.raises(udcntt.RuleFileError) as info:
        udcntt.compile_rules(udcntt.load_rules(rules_path))
    first = info.value.first
    assert first.code == code
    assert needle in first.format("en")
    assert first.location is not None and first.location.line == 11


def test_extension_is_not_called_at_load(tmp_path: Path) -> None:
    calls: list[object] = []

    def counted(x: Decimal) -> Decimal:
        calls.append(x)
        return x

    gen = _register(counted, name="ext_counted")
    next(gen)
    try:
        rules_path, _ = _files(
            tmp_path, RULES.replace("min(ext_curve(done, total, head), 20)", "ext_counted(3)")
        )
        compiled = udcntt.compile_rules(udcntt.load_rules(rules_path))
        assert calls == []
        assert compiled.blocks["so"].max_total == Decimal(20)
    finally:
        next(gen, None)


class Boom(Exception):
    pass


def _raises(x: Decimal) -> Decimal:
    raise Boom("no table for this year")


BAD = [
    (_raises, "number", "raised Boom: no table for this year"),
    (lambda x: Decimal("NaN"), "number", "returned NaN, not a finite number"),
    (lambda x: 0.5, "number", "returned a float where a number is declared"),
    (lambda x: "12", "number", "returned a str where a number is declared"),
    (lambda x: Decimal("1E+40"), "number", "returned a number beyond ±10^18"),
    (lambda x: Decimal(1), "bool", "returned a Decimal where a yes/no is declared"),
]


@pytest.mark.parametrize(("impl", "result", "needle"), BAD, ids=[b[2][:20] for b in BAD])
@pytest.mark.parametrize("reference", [False, True])
def test_bad_results_name_extension_criterion_and_agency(
    tmp_path: Path, impl: Any, result: str, needle: str, reference: bool
) -> None:
    gen = _register(impl, result=result)
    next(gen)
    try:
        call = "ext_bad(done)" if result == "number" else "10 if ext_bad(done) else 0"
        rules_path, survey_path = _files(
            tmp_path, RULES.replace("min(ext_curve(done, total, head), 20)", call)
        )
        rules = udcntt.load_rules(rules_path)
        with pytest.raises(udcntt.EvaluationError) as info:
            udcntt.evaluate(rules, udcntt.read_survey(survey_path, rules), reference=reference)
    finally:
        next(gen, None)
    first = info.value.first
    assert first.code == "E-EVAL-EXTENSION"
    assert first.criterion == "curve"
    assert first.agency == "s1"
    text = first.format("en")
    assert "ext_bad() of bad-dist" in text
    assert needle in text
    assert "E-EVAL-EXTENSION" in first.format("vi")


def test_arguments_of_another_type_never_reach_the_extension(curve: FunctionSpec) -> None:
    """Expression.evaluate with a hand-made environment: an int is refused at the boundary."""
    calls: list[object] = []
    spec = function(name="ext_spy", args=("number",), doc="spy", distribution="spy-dist")(
        lambda x: calls.append(x) or x
    )
    with registered(spec):
        names = {"x": NameInfo(ExprType.NUMBER)}
        expr = compile_expression("ext_spy(x)", names=names)
        assert expr.evaluate({"x": Decimal(2)}) == Decimal(2)
        with pytest.raises(RuleArithmeticError) as info:
            expr.evaluate({"x": 2})
    assert calls == [Decimal(2)]
    assert info.value.code == "E-EVAL-EXTENSION"
    assert "ext_spy() of spy-dist: received a int argument" in str(info.value)


def test_bad_result_through_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gen = _register(lambda x: 0.5)
    next(gen)
    try:
        rules_path, survey_path = _files(
            tmp_path, RULES.replace("min(ext_curve(done, total, head), 20)", "ext_bad(done)")
        )
        code = main(["--lang", "en", "score", str(rules_path), str(survey_path)])
    finally:
        next(gen, None)
    assert code == 1
    err = capsys.readouterr().err
    assert "E-EVAL-EXTENSION" in err and "float" in err and "s1" in err


def test_name_cannot_shadow_a_builtin_or_another_extension(curve: FunctionSpec) -> None:
    with pytest.raises(ExtensionError) as info:
        register_function(function(name="ratio", args=("number",), doc="x")(abs))
    assert info.value.code == "E-EXTENSION"
    assert "ratio() of built-in" in str(info.value)
    other = function(name="ext_curve", args=("number",), doc="x", distribution="other-dist")(abs)
    with pytest.raises(ExtensionError) as info:
        register_function(other)
    assert "udcntt-test-curves" in str(info.value) and "other-dist" in str(info.value)
    with pytest.raises(ExtensionError):
        unregister_function("ratio")


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"args": ("date",)}, "unknown argument type 'date'"),
        ({"args": (), "result": "category"}, "unknown result type"),
        ({"args": (), "cost": 0}, "cost must be"),
    ],
)
def test_malformed_declarations(kwargs: dict[str, Any], needle: str) -> None:
    with pytest.raises(ExtensionError, match=needle):
        function(doc="x", **kwargs)


def test_list_extensions_shows_builtins_and_registered(
    curve: FunctionSpec, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--list-extensions"]) == 0
    out = capsys.readouterr().out
    assert "ext_curve" in out and "udcntt-test-curves" in out and "1.2.0" in out
    assert "ratio" in out and "built-in" in out
    assert main(["--format", "json", "check", "--list-extensions"]) == 0
    rows = json.loads(capsys.readouterr().out)["extensions"]
    mine = next(r for r in rows if r["name"] == "ext_curve")
    assert mine["module"] == __name__ and mine["status"] == "loaded"


def test_registered_context_removes_on_exit(tmp_path: Path) -> None:
    rules_path, _ = _files(tmp_path)
    with registered(CURVE) as (spec,):
        assert spec.runtime in RUNTIME
        udcntt.compile_rules(udcntt.load_rules(rules_path))
    assert "ext_curve" not in FUNCTIONS and spec.runtime not in RUNTIME
    with pytest.raises(ExtensionError), registered(CURVE, CURVE):
        pass
    assert "ext_curve" not in FUNCTIONS
    with pytest.raises(udcntt.RuleFileError, match="unknown function 'ext_curve'"):
        udcntt.compile_rules(udcntt.load_rules(rules_path))


def test_no_discovery_at_import_or_for_builtin_only_rules() -> None:
    """Importing udcntt and loading a rule file of built-ins never lists entry points."""
    code = (
        "import importlib.metadata as m\n"
        "real = m.entry_points\n"
        "def guard(**k):\n"
        "    if k.get('group') == 'udcntt.functions': raise SystemExit('plugins listed')\n"
        "    return real(**k)\n"
        "m.entry_points = guard\n"
        "import udcntt, udcntt.extend, udcntt.expressions\n"
        "udcntt.compile_rules(udcntt.load_rules('tests/fixtures/valid/small.yaml'))\n"
        "print('ok')\n"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.stdout.strip() == "ok", done.stderr


def test_check_without_files_is_a_usage_error() -> None:
    assert main(["check"]) == 2
