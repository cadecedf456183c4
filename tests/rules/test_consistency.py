"""One meaning per word: the error tree, E-/W- codes and severities, "round down", no asserts."""

from __future__ import annotations

import ast
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import udcntt
from udcntt.errors import CODES, EvaluationError, UdcnttError
from udcntt.expressions import (
    ExprType,
    NameInfo,
    RuleArithmeticError,
    compile_expression,
    evaluate_reference,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "udcntt"
SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "small.yaml"
NAMES = {"a": NameInfo(type=ExprType.NUMBER), "b": NameInfo(type=ExprType.NUMBER)}

# -- (a) the error tree ----------------------------------------------------------------------


def test_rule_arithmetic_error_is_caught_as_a_udcntt_error() -> None:
    """An expression evaluated on its own fails with an error of udcntt's one tree."""
    expr = compile_expression("a / b", names=NAMES)
    with pytest.raises(udcntt.UdcnttError) as info:
        expr.evaluate({"a": Decimal(1), "b": Decimal(0)})
    assert isinstance(info.value, RuleArithmeticError)
    assert isinstance(info.value, EvaluationError) and isinstance(info.value, ArithmeticError)
    assert info.value.code == "E-EVAL-DIVZERO"
    assert info.value.first.text("vi")  # a diagnostic like every other, in both languages


def test_the_tree_drawing_names_every_public_error() -> None:
    """The exception tree in errors.py's docstring shows RuleArithmeticError under EvaluationError."""
    from udcntt import errors

    doc = errors.__doc__ or ""
    tree = doc[doc.index("UdcnttError\n") :]
    evaluation = tree.index("EvaluationError")
    assert evaluation < tree.index("RuleArithmeticError") < tree.index("UsageError")
    assert issubclass(RuleArithmeticError, UdcnttError)


# -- (b) E- codes are errors, W- codes warnings ---------------------------------------------


def _options(node: ast.expr) -> list[str | None]:
    if isinstance(node, ast.IfExp):
        return [*_options(node.body), *_options(node.orelse)]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    return [None]


def _pairs(code: ast.expr, severity: ast.expr) -> list[tuple[str | None, str | None]]:
    """(code, severity) combinations one call can produce; a shared condition pairs branches."""
    if (
        isinstance(code, ast.IfExp)
        and isinstance(severity, ast.IfExp)
        and ast.dump(code.test) == ast.dump(severity.test)
    ):
        return [*_pairs(code.body, severity.body), *_pairs(code.orelse, severity.orelse)]
    return [(c, s) for c in _options(code) for s in _options(severity)]


def _mismatches(code: str | None, severity: str | None) -> bool:
    if code is None or severity is None:
        return False
    return (code.startswith("E-") and severity == "WARNING") or (
        code.startswith("W-") and severity == "ERROR"
    )


def _emitted() -> list[tuple[str, int, str | None, str | None]]:
    """(file, line, code, severity) of every diagnostic built in the source."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            where = (str(path.relative_to(SRC)), node.lineno)
            keywords = {k.arg: k.value for k in node.keywords if k.arg}
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if "code" in keywords:
                severity = keywords.get("severity")
                if severity is None and name == "Diagnostic":
                    severity = ast.Attribute(value=ast.Name("Severity"), attr="ERROR")
                if severity is not None:
                    found.extend((*where, c, s) for c, s in _pairs(keywords["code"], severity))
            elif name in ("warning", "error") and node.args:
                level = "WARNING" if name == "warning" else "ERROR"
                found.extend((*where, c, level) for c in _options(node.args[0]) if c in CODES)
    return found


def test_the_scan_sees_diagnostics() -> None:
    """The scan finds the warnings the source emits (so the next test can fail)."""
    codes = {code for _, _, code, severity in _emitted() if severity == "WARNING"}
    assert {"W-UNUSED", "W-DATA-SUSPICIOUS", "W-DATA-LOOKALIKE"} <= codes


def test_no_e_code_is_emitted_as_a_warning() -> None:
    """Codes starting E- are errors and W- warnings, wherever a diagnostic is built."""
    wrong = [(f, line, c, s) for f, line, c, s in _emitted() if _mismatches(c, s)]
    assert not wrong, wrong


def test_every_code_prefix_is_e_or_w() -> None:
    """Every documented code says by its prefix whether it is an error or a warning."""
    assert all(code[:2] in ("E-", "W-") for code in CODES)


def test_unranked_agency_without_a_row_is_a_w_code(tmp_path: Path) -> None:
    """An agency that is not ranked and has no row is a warning with a W- code."""
    rules = udcntt.load_rules(SMALL)
    registry = tmp_path / "agencies.yaml"
    registry.write_text(
        "agencies:\n"
        "  - {id: so_a, name: Sở A, block: so}\n"
        "  - {id: so_b, name: Sở B, block: so, ranked: false}\n",
        encoding="utf-8",
    )
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "id,name,staff_total,staff_pc,meetings,head,has_portal,bandwidth\n"
        "so_a,Sở A,10,5,2,pho,Có,10\n",
        encoding="utf-8",
    )
    data = udcntt.read_survey(survey, rules, registry=udcntt.read_registry(registry))
    missing = [d for d in data.diagnostics if d.agency == "so_b"]
    assert [(d.code, d.severity.value) for d in missing] == [("W-DATA-AGENCY-MISSING", "warning")]


# -- (c) "round down" is towards zero everywhere ----------------------------------------------


@pytest.mark.parametrize(
    ("x", "expected"),
    [("2.678", "2.67"), ("-2.678", "-2.67"), ("0.129", "0.12"), ("-0.001", "0.00"), ("5", "5.00")],
)
def test_round_down_goes_towards_zero_on_both_paths(x: str, expected: str) -> None:
    """round_down() truncates like Excel's ROUNDDOWN, in the compiled and the reference path."""
    expr = compile_expression("round_down(a, 2)", names=NAMES)
    env = {"a": Decimal(x)}
    assert expr.evaluate(env) == Decimal(expected)
    assert evaluate_reference(expr, env) == Decimal(expected)
    floor = compile_expression("floor(a)", names=NAMES)
    assert floor.evaluate(env) == Decimal(x).to_integral_value(rounding="ROUND_FLOOR")


def test_rounding_mode_down_agrees_with_round_down(tmp_path: Path) -> None:
    """'mode: down' cuts the total (3.078 → 3.0); round_down(-2.678, 1) is -2.6, not -2.7."""
    text = """udcntt: 1
id: t
title: T
rounding: {total: 1, share: 4, mode: down}
blocks: {a: {label: A}}
indicators: {x: {label: X, type: number, range: [0, 10]}}
criteria:
  - {id: c, label: C, max: 10, points: "x"}
  - {id: d, label: D, max: 10, points: "round_down(0 - x, 1) + 3"}
tiers: {levels: [{id: l, label: L}]}
tests:
  - name: cắt bớt
    block: a
    inputs: {x: 2.678}
    expect: {total: 3.0, points: {d: 0.4}}
"""
    path = tmp_path / "down.yaml"
    path.write_text(text, encoding="utf-8")
    report = udcntt.check_rules(path)
    assert report.ok, [d.format() for d in report.diagnostics]


# -- (d) no assert guards a production path --------------------------------------------------

#: Packages and modules whose asserts their owners are still replacing.
_NOT_YET = ("evaluation/", "program/_codegen.py", "program/_plan.py", "testing/")


def _asserts() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith(_NOT_YET):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [f"{rel}:{n.lineno}" for n in ast.walk(tree) if isinstance(n, ast.Assert)]
    return found


def test_no_assert_statements_in_production_code() -> None:
    """``python -O`` strips asserts: checks on production paths raise real errors instead."""
    assert not _asserts()


def test_rule_files_check_under_python_optimise() -> None:
    """Under ``-O`` a valid file checks clean and invalid ones give their diagnostics."""
    invalid = SMALL.parents[1] / "invalid"
    script = (
        "import sys, udcntt\n"
        f"ok = udcntt.check_rules({str(SMALL)!r}).ok\n"
        f"bad = udcntt.check_rules({str(invalid / '42-leaf-without-rule.yaml')!r})\n"
        f"band = udcntt.check_rules({str(invalid / '43-band-unreachable.yaml')!r})\n"
        "codes = {d.code for d in bad.diagnostics} | {d.code for d in band.diagnostics}\n"
        "print(ok, sorted(codes))\n"
    )
    done = subprocess.run(
        [sys.executable, "-O", "-c", script], check=False, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("True"), done.stdout
    assert "E-RULE-SHAPE" in done.stdout and "E-BANDS" in done.stdout, done.stdout
