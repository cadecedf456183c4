"""Valid expressions: exact values, compiled code, the reference interpreter, run-time errors."""

from __future__ import annotations

import ast
import decimal
import pickle
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

import pytest

import udcntt.expressions as ex
from udcntt.expressions import (
    DECIMAL_CONTEXT,
    FUNCTIONS,
    RUNTIME,
    ExprType,
    NameInfo,
    RuleArithmeticError,
    Value,
    compile_expression,
    evaluate_reference,
)

NUM = NameInfo(ExprType.NUMBER)
NAMES = {
    "a": NUM,
    "b": NUM,
    "c": NUM,
    "flag": NameInfo(ExprType.BOOL),
    "ok": NameInfo(ExprType.BOOL),
    "head": NameInfo(ExprType.CATEGORY, frozenset({"bi_thu", "chu_tich", "pho"})),
    "kind": NameInfo(ExprType.CATEGORY),
    "issued": NameInfo(ExprType.DATE),
    "deadline": NameInfo(ExprType.DATE),
}
ENV: dict[str, Value] = {
    "a": Decimal(3),
    "b": Decimal(4),
    "c": Decimal(0),
    "flag": True,
    "ok": False,
    "head": "pho",
    "kind": "x",
    "issued": date(2023, 3, 8),
    "deadline": date(2023, 12, 31),
}
D = Decimal

VALID: list[tuple[str, Value]] = [
    ("0.7 + 0.1 >= 0.8", True),
    ("0.7 + 0.1 == 0.8", True),
    ("0.1 + 0.2 == 0.3", True),
    ("a / b * 20", D(15)),
    ("ratio(a, b, 0) * 20", D(15)),
    ("ratio(a, c, 7)", D(7)),
    ("capped_ratio(b, a)", D(1)),
    ("capped_ratio(a, b)", D("0.75")),
    ("capped_ratio(a, c)", D(0)),
    ("capped_ratio(-a, b)", D(0)),
    ("bands(a, 4, 20, 3, 15, 2, 10, 1, 5, 0)", D(15)),
    ("bands(c, 4, 20, 3, 15, 0)", D(0)),
    ("bands(b * 10, 4, 20, 0)", D(20)),
    ("min(a, b, 2)", D(2)),
    ("max(a, b)", D(4)),
    ("clamp(a * 10, 0, 20)", D(20)),
    ("clamp(-a, 0, 20)", D(0)),
    ("clamp(a, 0, 20)", D(3)),
    ("abs(a - b)", D(1)),
    ("round_half_up(2.675, 2)", D("2.68")),
    ("round_half_up(-2.5, 0)", D(-3)),
    ("round_half_up(a / 7, 4)", D("0.4286")),
    ("round_down(2.678, 2)", D("2.67")),
    ("round_down(-2.5, 0)", D(-2)),  # towards zero, as rounding: down and Excel's ROUNDDOWN
    ("floor(-2.5)", D(-3)),
    ("ceil(2.1)", D(3)),
    ("sqrt(b)", D(2)),
    ("per_item(a, 2, 5)", D(5)),
    ("per_item(a, 1, 5)", D(3)),
    ("count_true(flag, ok, a > 2)", D(2)),
    ('10 if one_of(head, "bi_thu", "chu_tich") else 5 if head == "pho" else 0', D(5)),
    ('one_of(head, "pho")', True),
    ('head != "pho"', False),
    ('kind == "anything"', False),
    ("0 < a <= 10", True),
    ("1 < a < 3", False),
    ("a < b > c", True),
    ("c == 0 == c", True),
    ("a ** 2", D(9)),
    ("2 ** -2", D("0.25")),
    ("b ** 0.5", D(2)),
    ("-a ** 2", D(-9)),
    ("-a + +b", D(1)),
    ("not flag or ok", False),
    ("flag and not ok", True),
    ("flag and (ok or a > 1)", True),
    ("flag == True", True),
    ("True", True),
    ("a if flag else b", D(3)),
    ("head if flag else kind", "pho"),
    ("year(issued)", D(2023)),
    ("days_between(issued, deadline)", D(298)),
    ("issued < deadline", True),
    ("issued == date(2023, 3, 8)", True),
    ("date(2024, 1, 1) > deadline >= issued", True),
    ("(a +\n b)", D(7)),
    ("\n  a * (b\n  - 1)\n", D(9)),
    ("1_000 + 1", D(1001)),
    ("1e3 / 10", D(100)),
    ("b / 3", DECIMAL_CONTEXT.divide(D(4), D(3))),
    ("1 / 3 * 3", D("0.9999999999999999999999999999999999")),
    ("ratio(a, c, 0) * 20 if c > 0 else 20", D(20)),
    ("a / c if c != 0 else 0", D(0)),
    ("c != 0 and a / c > 1", False),
    ("1234567890123456.789012345678901234", D("1234567890123456.789012345678901234")),
]


@pytest.mark.parametrize(("source", "expected"), VALID)
def test_valid_expression_value(source: str, expected: Value) -> None:
    """Compiled evaluation gives the exact expected value, as does the reference."""
    expr = compile_expression(source, names=NAMES)
    with decimal.localcontext(DECIMAL_CONTEXT):
        result = expr.evaluate(ENV)
    assert result == expected
    assert type(result) is type(expected)
    reference = evaluate_reference(expr, ENV)
    assert repr(reference) == repr(result)


def test_expression_attributes() -> None:
    """An expression exposes its stripped source, names, functions and type."""
    expr = compile_expression("  ratio(a, b, 0) * 20 + bands(c, 1, 2, 0)\n", names=NAMES)
    assert expr.source == "ratio(a, b, 0) * 20 + bands(c, 1, 2, 0)"
    assert expr.names == {"a", "b", "c"}
    assert expr.functions == {"ratio", "bands"}
    assert expr.result_type is ExprType.NUMBER
    assert set(expr.name_info) == {"a", "b", "c"}
    category = compile_expression("head if flag else head", names=NAMES)
    assert category.categories == NAMES["head"].categories


def test_evaluate_sets_the_decimal_context_itself() -> None:
    """Results do not depend on the caller's decimal context."""
    expr = compile_expression("a / 7", names=NAMES)
    exact = DECIMAL_CONTEXT.divide(D(3), D(7))
    with decimal.localcontext(decimal.Context(prec=5)):
        assert expr.evaluate(ENV) == exact
    with decimal.localcontext(DECIMAL_CONTEXT):
        assert expr.evaluate(ENV) == exact
    assert len(exact.as_tuple().digits) == 34


def test_literals_are_read_from_source_text() -> None:
    """Number literals are exact, never binary floats."""
    expr = compile_expression("0.1", names={})
    result = expr.evaluate({})
    assert result == D("0.1")
    assert str(result) == "0.1"


def test_conditional_and_logic_are_lazy() -> None:
    """Only the chosen branch of `if`, and the needed operands of and/or, are evaluated."""
    for source in ("a / c if c != 0 else 0", "c != 0 and a / c > 1", "c == 0 or a / c > 1"):
        expr = compile_expression(source, names=NAMES)
        assert expr.evaluate(ENV) == evaluate_reference(expr, ENV)


def _outcome(expr: ex.Expression, env: Mapping[str, Value], *, reference: bool) -> object:
    try:
        return evaluate_reference(expr, env) if reference else expr.evaluate(env)
    except RuleArithmeticError as exc:
        return exc.code


RUNTIME_ERRORS: list[tuple[str, dict[str, Value], str]] = [
    ("a / c", {}, "E-EVAL-DIVZERO"),
    ("ratio(a, b, a / c)", {}, "E-EVAL-DIVZERO"),
    ("c ** -1", {}, "E-EVAL-DIVZERO"),
    ("sqrt(a - b)", {}, "E-EVAL-NONFINITE"),
    ("(a - b) ** 0.5", {}, "E-EVAL-NONFINITE"),
    ("a ** b", {"b": D(65)}, "E-EVAL"),
    ("a ** b", {"b": D(-100)}, "E-EVAL"),
    ("a * a", {"a": D("1e999999")}, "E-EVAL-NONFINITE"),
    ("a + a", {"a": D("9.99e999999")}, "E-EVAL-NONFINITE"),
    ("a ** 64", {"a": D("1e20000")}, "E-EVAL-NONFINITE"),
    ("a / b", {"a": D("1e999999"), "b": D("1e-999999")}, "E-EVAL-NONFINITE"),
    ("round_half_up(a, 2)", {"a": D("1e40")}, "E-EVAL-NONFINITE"),
    ("a + 1", {"a": D("Infinity")}, "E-EVAL-NONFINITE"),
]


@pytest.mark.parametrize(("source", "overrides", "code"), RUNTIME_ERRORS)
def test_runtime_arithmetic_errors(source: str, overrides: dict[str, Value], code: str) -> None:
    """Arithmetic failures raise RuleArithmeticError with a stable code, in both evaluators."""
    expr = compile_expression(source, names=NAMES)
    env = {**ENV, **overrides}
    assert _outcome(expr, env, reference=False) == code
    assert _outcome(expr, env, reference=True) == code


def test_rule_arithmetic_error_is_in_the_udcntt_error_tree() -> None:
    """The signal is an EvaluationError (so a UdcnttError and an ArithmeticError) and pickles."""
    from udcntt.errors import EvaluationError, UdcnttError

    exc = RuleArithmeticError("E-EVAL-DIVZERO", "division by zero")
    assert isinstance(exc, ArithmeticError)
    assert isinstance(exc, EvaluationError) and isinstance(exc, UdcnttError)
    assert exc.code == "E-EVAL-DIVZERO" and exc.first.message == "division by zero"
    assert "error[E-EVAL-DIVZERO] division by zero" in str(exc)
    copy = pickle.loads(pickle.dumps(exc))
    assert (copy.code, copy.detail) == (exc.code, exc.detail)
    assert RuleArithmeticError.from_decimal(decimal.Overflow()).code == "E-EVAL-NONFINITE"
    assert RuleArithmeticError.from_decimal(decimal.DivisionByZero()).code == "E-EVAL-DIVZERO"
    assert RuleArithmeticError.from_decimal(exc) is exc


def test_missing_name_and_wrong_type_raise_plain_errors() -> None:
    """A missing value raises KeyError and a wrongly typed one TypeError, like a mapping."""
    expr = compile_expression("a + b", names=NAMES)
    with pytest.raises(KeyError):
        expr.evaluate({"a": D(1)})
    with pytest.raises(KeyError):
        evaluate_reference(expr, {"a": D(1)})
    with pytest.raises(TypeError):
        expr.evaluate({"a": D(1), "b": object()})  # type: ignore[dict-item]


class _Hoister:
    def __init__(self) -> None:
        self.constants: dict[str, Decimal] = {}

    def __call__(self, value: Decimal) -> str:
        name = f"k{len(self.constants)}"
        self.constants[name] = value
        return name


@pytest.mark.parametrize(("source", "expected"), VALID)
def test_to_python_fragment_is_equivalent_and_closed(source: str, expected: Value) -> None:
    """to_python refers only to RUNTIME helpers, variables and hoisted constants."""
    expr = compile_expression(source, names=NAMES)
    hoist = _Hoister()
    text = expr.to_python(lambda name: f"v_{name}", hoist)
    tree = ast.parse(text, mode="eval")
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    variables = {f"v_{name}" for name in expr.names}
    assert used <= set(RUNTIME) | variables | set(hoist.constants)
    assert not any(isinstance(n, ast.Attribute | ast.Subscript) for n in ast.walk(tree))
    namespace: dict[str, object] = {"__builtins__": {}, **RUNTIME, **hoist.constants}
    namespace.update({f"v_{name}": value for name, value in ENV.items()})
    with decimal.localcontext(DECIMAL_CONTEXT):
        result = eval(compile(tree, "<fragment>", "eval"), namespace)
    assert repr(result) == repr(expr.evaluate(ENV))


def test_constants_are_folded_once() -> None:
    """Parts made only of literals are computed at compile time and hoisted."""
    expr = compile_expression("a * (20 / 4 + 2 ** 3)", names=NAMES)
    hoist = _Hoister()
    text = expr.to_python(lambda name: name, hoist)
    assert list(hoist.constants.values()) == [D(13)]
    assert "_u_div" not in text


def test_expression_pickles_and_compares() -> None:
    """Expressions survive pickling (recompiled) and compare by source and type."""
    expr = compile_expression("ratio(a, b, 0) * 20", names=NAMES, criterion="c1")
    copy = pickle.loads(pickle.dumps(expr))
    assert copy == expr
    assert hash(copy) == hash(expr)
    assert copy.evaluate(ENV) == expr.evaluate(ENV)
    assert copy.criterion == "c1"


def test_function_examples_evaluate_as_documented() -> None:
    """Every function's documented example gives its documented result."""
    for spec in FUNCTIONS.values():
        expr = compile_expression(spec.example, names=NAMES)
        result = expr.evaluate(ENV)
        assert str(result) == spec.example_result.split(" ")[0], spec.name
        assert spec.name in expr.functions


def test_function_registry_is_complete() -> None:
    """Each function has docs in both languages, a valid arity and a runtime helper."""
    assert list(FUNCTIONS) == sorted(FUNCTIONS)
    for name, spec in FUNCTIONS.items():
        assert spec.name == name
        assert spec.signature.startswith(f"{name}(")
        assert spec.doc
        assert spec.doc_vi
        assert spec.runtime in RUNTIME
        assert spec.arg_kinds(len(spec.arg_types)) == spec.arg_types
        assert spec.arity_text
    assert all(name.startswith("_u_") for name in RUNTIME)


def test_public_names_are_sorted_and_exported() -> None:
    """__all__ is sorted (constants, classes, functions: ruff's RUF022 order) and complete."""

    def key(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert ex.__all__ == sorted(ex.__all__, key=key)
    for name in ex.__all__:
        assert hasattr(ex, name)


def test_decimal_context() -> None:
    """The context keeps 34 digits and traps what would make a number non-finite."""
    assert DECIMAL_CONTEXT.prec == 34
    assert DECIMAL_CONTEXT.Emax == 999_999
    assert DECIMAL_CONTEXT.Emin == -999_999
    for signal in (decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow):
        assert DECIMAL_CONTEXT.traps[signal]
