"""The checker of one parsed expression: a type for every node, checked as it goes.

:class:`_Checker` walks the tree once: names must be declared, operators must get operands
of the right types, category values must be among the declared categories, function
arguments must fit the function's signature; constant number parts are folded (see
:func:`udcntt.expressions._check.check_expression`, which drives it).
"""

from __future__ import annotations

import ast
import decimal
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from udcntt.errors import ExpressionError, did_you_mean, msg
from udcntt.expressions import _runtime as rt
from udcntt.expressions._functions import ArgKind
from udcntt.expressions._parse import ParsedExpression
from udcntt.expressions._registry import FUNCTIONS
from udcntt.expressions._types import (
    DECIMAL_CONTEXT,
    MAX_EXPONENT,
    ExprType,
    NameInfo,
    RuleArithmeticError,
    Value,
)

_KIND_TYPE = {
    ArgKind.NUMBER: ExprType.NUMBER,
    ArgKind.BOOL: ExprType.BOOL,
    ArgKind.CATEGORY: ExprType.CATEGORY,
    ArgKind.DATE: ExprType.DATE,
}
_WORDS = {
    ExprType.NUMBER: msg("a number"),
    ExprType.BOOL: msg("a yes/no value"),
    ExprType.CATEGORY: msg("a category value"),
    ExprType.DATE: msg("a date"),
    None: msg("text"),
}
_EQUALITY = (ast.Eq, ast.NotEq)
_TEXT_ONLY = msg(
    'text is only allowed as a category value: compare it with == or != to a category indicator, or list it in one_of(x, "a", "b")'
)


@dataclass(frozen=True, slots=True)
class _Info:
    """What the checker knows of a node: its type (``None`` for a text literal), its value
    when constant, and the possible categories of a category value."""

    type: ExprType | None
    const: Value | None = None
    categories: frozenset[str] | None = None


class _Checker:
    def __init__(self, parsed: ParsedExpression, names: Mapping[str, NameInfo]) -> None:
        self.loc = parsed.locator
        self.names = names
        self.folded: dict[int, Decimal] = {}

    def error(
        self, code: str, message: str, node: ast.AST, hint: str | None = None
    ) -> ExpressionError:
        return self.loc.error(code, message, node=node, hint=hint)

    def visit(self, node: ast.expr) -> _Info:
        info = self._visit(node)
        if isinstance(info.const, Decimal):
            self.folded[id(node)] = info.const
        return info

    def _visit(self, node: ast.expr) -> _Info:
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                return _Info(ExprType.BOOL, value)
            if isinstance(value, str):
                return _Info(None, value)
            if isinstance(value, Decimal):  # the parser converted every number
                return _Info(ExprType.NUMBER, value)
            raise self.unexpected(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.BoolOp):
            for operand in node.values:
                self.require_bool(self.visit(operand), operand, node.op)
            return _Info(ExprType.BOOL)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.IfExp):
            return self.conditional(node)
        if isinstance(node, ast.Call):  # the parser's whitelist allows nothing else
            return self.call(node)
        raise self.unexpected(node)

    def unexpected(self, node: ast.AST) -> ExpressionError:
        """A construct the parser's whitelist should have refused (a tree built elsewhere)."""
        return self.error(
            "E-EXPR-FORBIDDEN",
            msg("'{construct}' is not allowed in a rule expression", construct=type(node).__name__),
            node,
        )

    def name(self, node: ast.Name) -> _Info:
        info = self.names.get(node.id)
        if info is None:
            raise self.error(
                "E-EXPR-NAME", msg("unknown name '{id}'", id=node.id), node, self.name_hint(node.id)
            )
        return _Info(info.type, None, info.categories if info.type is ExprType.CATEGORY else None)

    def name_hint(self, name: str) -> str:
        if name in ("true", "false", "TRUE", "FALSE"):
            return msg("did you mean {name}?", name=name.capitalize())
        if name in ("none", "null", "NULL"):
            return msg("there is no empty value; use 0, False or a category value")
        if name in FUNCTIONS:
            return msg(
                "'{name}' is a function: call it as {signature}",
                name=name,
                signature=FUNCTIONS[name].signature,
            )
        suggestion = did_you_mean(name, self.names)
        if suggestion:
            return suggestion
        if not self.names:
            return msg("no names are declared here")
        known = sorted(self.names)
        # In parts of six: each argument of a message is cut at MAX_QUOTED characters.
        rest = ", " + ", ".join(known[6:12]) if len(known) > 6 else ""
        more = msg(", … ({count} more)", count=len(known) - 12) if len(known) > 12 else ""
        return msg(
            "declared names: {names}{rest}{more}",
            names=", ".join(known[:6]),
            rest=rest,
            more=more,
        )

    def require_bool(self, info: _Info, node: ast.expr, op: ast.AST) -> None:
        if info.type is ExprType.BOOL:
            return
        word = {ast.And: "and", ast.Or: "or", ast.Not: "not"}.get(type(op), "a condition")
        hint = msg("a condition is a comparison, a yes/no name, or and/or/not of conditions")
        if info.type is ExprType.NUMBER:
            hint = msg("compare it, e.g. x > 0")
        elif info.type is ExprType.CATEGORY:
            hint = msg('compare it, e.g. x == "a"')
        elif info.type is None:
            hint = _TEXT_ONLY
        raise self.error(
            "E-EXPR-TYPE",
            msg("'{word}' needs yes/no values, not {got}", word=word, got=_WORDS[info.type]),
            node,
            hint,
        )

    def require_number(self, info: _Info, node: ast.expr, what: str) -> None:
        if info.type is ExprType.NUMBER:
            return
        hints = {
            ExprType.BOOL: msg("to count a condition, write (1 if condition else 0)"),
            ExprType.CATEGORY: msg('to score a category, write 10 if x == "a" else 0'),
            ExprType.DATE: msg("use year(d) or days_between(a, b)"),
            None: _TEXT_ONLY,
        }
        raise self.error(
            "E-EXPR-TYPE",
            msg("{what} needs numbers, not {got}", what=what, got=_WORDS[info.type]),
            node,
            hints[info.type],
        )

    def unary(self, node: ast.UnaryOp) -> _Info:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            self.require_bool(operand, node.operand, node.op)
            if isinstance(operand.const, bool):
                return _Info(ExprType.BOOL, not operand.const)
            return _Info(ExprType.BOOL)
        sign = "-" if isinstance(node.op, ast.USub) else "+"
        self.require_number(operand, node.operand, f"'{sign}'")
        if isinstance(operand.const, Decimal):
            op: Callable[[Decimal], Decimal] = Decimal.__neg__ if sign == "-" else Decimal.__pos__
            return _Info(ExprType.NUMBER, self.fold(node, op, operand.const))
        return _Info(ExprType.NUMBER)

    def binary(self, node: ast.BinOp) -> _Info:
        left, right = self.visit(node.left), self.visit(node.right)
        symbol = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}[
            type(node.op)
        ]
        self.require_number(left, node.left, f"'{symbol}'")
        self.require_number(right, node.right, f"'{symbol}'")
        if isinstance(node.op, ast.Div) and isinstance(right.const, Decimal) and not right.const:
            raise self.error(
                "E-EXPR-DIVZERO",
                msg("division by zero"),
                node.right,
                msg("to give a declared result when a denominator is 0, use ratio(a, b, default)"),
            )
        if (
            isinstance(node.op, ast.Pow)
            and isinstance(right.const, Decimal)
            and abs(right.const) > MAX_EXPONENT
        ):
            raise self.error(
                "E-EXPR-POWER",
                msg(
                    "the exponent {exponent} is larger than {limit}",
                    exponent=right.const,
                    limit=MAX_EXPONENT,
                ),
                node.right,
                msg(
                    "exponents must lie within ±{limit} so evaluation stays bounded",
                    limit=MAX_EXPONENT,
                ),
            )
        if isinstance(left.const, Decimal) and isinstance(right.const, Decimal):
            operation: Callable[[Decimal, Decimal], Decimal] = {
                ast.Add: Decimal.__add__,
                ast.Sub: Decimal.__sub__,
                ast.Mult: Decimal.__mul__,
                ast.Div: rt.u_div,
                ast.Pow: rt.u_pow,
            }[type(node.op)]
            return _Info(ExprType.NUMBER, self.fold(node, operation, left.const, right.const))
        return _Info(ExprType.NUMBER)

    def fold(self, node: ast.expr, function: Callable[..., Value], *args: Value) -> Value | None:
        """Compute a constant part now; ``None`` leaves an undefined result to run time."""
        try:
            with decimal.localcontext(DECIMAL_CONTEXT):
                return function(*args)
        except RuleArithmeticError as exc:
            if exc.code == "E-EVAL-DIVZERO":
                raise self.error(
                    "E-EXPR-DIVZERO",
                    msg("this part divides by zero: {detail}", detail=exc.detail),
                    node,
                    msg("use ratio(a, b, default) for a declared zero-denominator result"),
                ) from None
            if exc.code == "E-EVAL":
                raise self.error(
                    "E-EXPR-POWER",
                    exc.detail,
                    node,
                    msg("exponents must lie within ±{limit}", limit=MAX_EXPONENT),
                ) from None
            return None
        except decimal.Overflow:
            raise self.error(
                "E-EXPR-LIMIT",
                msg("this constant part is too large to compute exactly"),
                node,
                msg("use smaller numbers"),
            ) from None
        except decimal.DecimalException:
            return None

    def compare(self, node: ast.Compare) -> _Info:
        left_node: ast.expr = node.left
        left = self.visit(left_node)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.visit(right_node)
            self.compare_pair(left, left_node, op, right, right_node)
            left, left_node = right, right_node
        return _Info(ExprType.BOOL)

    def compare_pair(
        self, left: _Info, left_node: ast.expr, op: ast.cmpop, right: _Info, right_node: ast.expr
    ) -> None:
        equality = isinstance(op, _EQUALITY)
        if left.type is None or right.type is None:
            text_info, text_node, other, other_node = (
                (left, left_node, right, right_node)
                if left.type is None
                else (right, right_node, left, left_node)
            )
            if other.type is not ExprType.CATEGORY:
                raise self.error(
                    "E-EXPR-TYPE",
                    msg("text compared with {other}", other=_WORDS[other.type]),
                    text_node if other.type is None else other_node,
                    _TEXT_ONLY,
                )
            if not equality:
                raise self.error(
                    "E-EXPR-TYPE",
                    msg("categories have no order"),
                    left_node,
                    msg('compare categories with == or !=, or use one_of(x, "a", "b")'),
                )
            if not isinstance(text_info.const, str):
                raise self.unexpected(text_node)
            self.check_category(text_info.const, text_node, other, other_node)
            return
        if left.type is not right.type:
            raise self.error(
                "E-EXPR-TYPE",
                msg(
                    "{left} compared with {right}",
                    left=_WORDS[left.type],
                    right=_WORDS[right.type],
                ),
                right_node,
                msg(
                    'compare values of the same type; category values are written in quotes: x == "a"'
                )
                if ExprType.CATEGORY in (left.type, right.type)
                else msg("compare values of the same type"),
            )
        if not equality and left.type in (ExprType.BOOL, ExprType.CATEGORY):
            kind = msg("yes/no values") if left.type is ExprType.BOOL else msg("categories")
            raise self.error(
                "E-EXPR-TYPE",
                msg("{kind} have no order", kind=kind),
                left_node,
                msg("compare them with == or !="),
            )

    def check_category(
        self, text: str, text_node: ast.expr, other: _Info, other_node: ast.expr
    ) -> None:
        if other.categories is None or text in other.categories:
            return
        subject = ast.get_source_segment(self.loc.text, other_node) or msg("the value")
        hint = did_you_mean(text, other.categories) or msg(
            "the categories are: {categories}",
            categories=", ".join(repr(c) for c in sorted(other.categories)),
        )
        raise self.error(
            "E-EXPR-CATEGORY",
            msg("{text} is not a category of {subject}", text=repr(text), subject=subject),
            text_node,
            hint,
        )

    def conditional(self, node: ast.IfExp) -> _Info:
        test = self.visit(node.test)
        if test.type is not ExprType.BOOL:
            raise self.error(
                "E-EXPR-TYPE",
                msg(
                    "the condition after 'if' must be a yes/no value, not {got}",
                    got=_WORDS[test.type],
                ),
                node.test,
                msg("compare it, e.g. x > 0")
                if test.type is ExprType.NUMBER
                else msg(
                    "write x if condition else y, with a comparison or a yes/no name as condition"
                ),
            )
        body, orelse = self.visit(node.body), self.visit(node.orelse)
        for branch, branch_node in ((body, node.body), (orelse, node.orelse)):
            if branch.type is None:
                raise self.error(
                    "E-EXPR-TYPE", msg("a branch cannot be only text"), branch_node, _TEXT_ONLY
                )
        if body.type is not orelse.type:
            raise self.error(
                "E-EXPR-TYPE",
                msg(
                    "both branches must have the same type: {first} and {second}",
                    first=_WORDS[body.type],
                    second=_WORDS[orelse.type],
                ),
                node.orelse,
                msg("write x if condition else 0 with numbers in both branches"),
            )
        categories = None
        if body.categories is not None and orelse.categories is not None:
            categories = body.categories | orelse.categories
        return _Info(body.type, None, categories)

    def call(self, node: ast.Call) -> _Info:
        spec = FUNCTIONS.get(node.func.id) if isinstance(node.func, ast.Name) else None
        kinds = spec.arg_kinds(len(node.args)) if spec is not None else None
        if spec is None or kinds is None:  # the parser checked the name and the arity
            raise self.unexpected(node.func)
        values: list[Value | None] = []
        category: tuple[_Info, ast.expr] | None = None
        for position, (kind, arg) in enumerate(zip(kinds, node.args, strict=True), start=1):
            if kind.is_literal:
                values.append(self.literal_argument(spec.name, position, kind, arg, category))
                continue
            info = self.visit(arg)
            wanted = _KIND_TYPE[kind]
            if info.type is not wanted:
                raise self.error(
                    "E-EXPR-FUNC",
                    msg(
                        "argument {position} of {function}() must be {wanted}, not {got}",
                        position=position,
                        function=spec.name,
                        wanted=_WORDS[wanted],
                        got=_WORDS[info.type],
                    ),
                    arg,
                    msg("write {signature}", signature=spec.signature),
                )
            if kind is ArgKind.CATEGORY:
                category = (info, arg)
            values.append(info.const)
        if spec.static_check is not None:
            problem = spec.static_check(values)
            if problem is not None:
                code, message, hint, index = problem
                raise self.error(code, message, node.args[index], hint)
        constants = [v for v in values if isinstance(v, Decimal | bool)]
        # Extensions are never called while a rule file is loaded: no constant folding.
        if spec.builtin and spec.result_type is ExprType.NUMBER and len(constants) == len(values):
            return _Info(ExprType.NUMBER, self.fold(node, spec.impl, *constants))
        return _Info(spec.result_type)

    def literal_argument(
        self,
        function: str,
        position: int,
        kind: ArgKind,
        arg: ast.expr,
        category: tuple[_Info, ast.expr] | None,
    ) -> Value:
        if kind is ArgKind.TEXT:
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                raise self.error(
                    "E-EXPR-FUNC",
                    msg(
                        "argument {position} of {function}() must be a category value in quotes",
                        position=position,
                        function=function,
                    ),
                    arg,
                    msg("write {signature}", signature=FUNCTIONS[function].signature),
                )
            if category is not None:
                self.check_category(arg.value, arg, *category)
            return arg.value
        value = arg.value if isinstance(arg, ast.Constant) else None
        if not isinstance(value, Decimal) or value != value.to_integral_value():
            raise self.error(
                "E-EXPR-FUNC",
                msg(
                    "argument {position} of {function}() must be a whole number written as is",
                    position=position,
                    function=function,
                ),
                arg,
                msg(
                    "write {signature} with a literal integer",
                    signature=FUNCTIONS[function].signature,
                ),
            )
        if kind is ArgKind.PLACES and not 0 <= value <= 20:
            raise self.error(
                "E-EXPR-FUNC",
                msg(
                    "{function}() rounds to 0 to 20 decimal places, not {value}",
                    function=function,
                    value=value,
                ),
                arg,
                msg("write {signature}", signature=FUNCTIONS[function].signature),
            )
        return value
