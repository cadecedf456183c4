"""The compiler: validated syntax tree → Python source → code object, once per expression.

Python source is generated only from the node types the whitelist admits, so the text
handed to :func:`compile` holds nothing but operators, parentheses, the run-time helpers of
:data:`RUNTIME`, hoisted constants, quoted category values and look-ups of declared names
(and, in the fast path's form, temporaries the caller names: see :mod:`._inline`).
"""

from __future__ import annotations

import ast
import decimal
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from udcntt.errors import ExpressionError, SourceLocation, msg
from udcntt.expressions._check import CheckResult, check_expression
from udcntt.expressions._inline import Bounds, Inline, safe
from udcntt.expressions._parse import ParsedExpression, parse_expression
from udcntt.expressions._registry import FUNCTIONS
from udcntt.expressions._runtime import RUNTIME, places_quantum
from udcntt.expressions._types import (
    DECIMAL_CONTEXT,
    ExprType,
    NameInfo,
    RuleArithmeticError,
    Value,
)

__all__ = ["Expression", "compile_expression", "generate_python"]

_SYMBOLS: dict[type[ast.AST], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.And: " and ",
    ast.Or: " or ",
}


def _atom(text: str) -> str:
    """Parenthesise a caller-provided fragment unless it is a plain identifier."""
    return text if text.isidentifier() else f"({text})"


def _integer(node: ast.expr) -> int:
    """The value of a literal integer argument (the checker proved it is one)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, Decimal):
        return int(node.value)
    raise _unexpected(node)


def _unexpected(node: ast.AST) -> ExpressionError:
    # Only a tree that did not come from parse_expression and check_expression gets here.
    return ExpressionError(
        msg("'{construct}' is not allowed in a rule expression", construct=type(node).__name__),
        code="E-EXPR-FORBIDDEN",
    )


def generate_python(
    tree: ast.expr,
    folded: Mapping[int, Decimal],
    var: Callable[[str], str],
    const: Callable[[Decimal], str],
    temp: Callable[[], str] | None = None,
    bounds: Bounds | None = None,
) -> str:
    """Python source for a checked tree (see :meth:`Expression.to_python`)."""
    inline = None if temp is None else Inline(temp, const, folded, bounds)

    def emit(node: ast.expr) -> str:
        folded_value = folded.get(id(node))
        if folded_value is not None:
            return _atom(const(folded_value))
        if isinstance(node, ast.Constant):
            return repr(node.value)  # True, False or a category value (str)
        if isinstance(node, ast.Name):
            return _atom(var(node.id))
        if isinstance(node, ast.UnaryOp):
            operand = emit(node.operand)
            if isinstance(node.op, ast.Not):
                return f"(not {operand})"
            return f"({'-' if isinstance(node.op, ast.USub) else '+'}{operand})"
        if isinstance(node, ast.BinOp):
            left, right = emit(node.left), emit(node.right)
            if isinstance(node.op, ast.Div):
                divisor = folded.get(id(node.right))
                if divisor is not None and divisor != 0:
                    return f"({left} / {right})"  # a non-zero constant needs no check
                return f"_u_div({left}, {right})"
            if isinstance(node.op, ast.Pow):
                return f"_u_pow({left}, {right})"
            return f"({left} {_SYMBOLS[type(node.op)]} {right})"
        if isinstance(node, ast.BoolOp):
            return "(" + _SYMBOLS[type(node.op)].join(emit(v) for v in node.values) + ")"
        if isinstance(node, ast.Compare):
            parts = [emit(node.left)]
            for op, comparator in zip(node.ops, node.comparators, strict=True):
                parts.append(_SYMBOLS[type(op)])
                parts.append(emit(comparator))
            return "(" + " ".join(parts) + ")"
        if isinstance(node, ast.IfExp):
            return f"({emit(node.body)} if {emit(node.test)} else {emit(node.orelse)})"
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            raise _unexpected(node)
        name = node.func.id
        args = node.args
        if name == "one_of":
            options = ", ".join(repr(a.value) for a in args[1:] if isinstance(a, ast.Constant))
            return f"({emit(args[0])} in ({options},))"
        if name in ("round_half_up", "round_down"):
            quantum = _atom(const(places_quantum(_integer(args[1]))))
            return f"_u_{name}({emit(args[0])}, {quantum})"
        if name == "date":
            return f"_u_date({', '.join(str(_integer(a)) for a in args)})"
        if name == "ratio" and all(isinstance(a, ast.Name) or id(a) in folded for a in args[1:]):
            # Inline when the denominator and default are plain names or constants: reading
            # them twice, or not at all, has no cost and no effect.
            den = emit(args[1])
            return f"({emit(args[0])} / {den} if {den} else {emit(args[2])})"
        text = inlined(name, args)
        if text is not None:
            return text
        if name == "clamp":
            return f"_u_min(_u_max({emit(args[0])}, {emit(args[1])}), {emit(args[2])})"
        return f"{FUNCTIONS[name].runtime}({', '.join(emit(a) for a in args)})"

    def inlined(name: str, args: list[ast.expr]) -> str | None:
        """The call written out by ``inline``, or ``None`` to keep the call."""
        if inline is None:
            return None
        if name in ("min", "max", "clamp", "ratio", "capped_ratio"):
            parts = [inline.arg(emit(a), a) for a in args]
            if name == "clamp":
                return inline.clamp(*parts)
            if name == "ratio":
                return inline.ratio(parts[0], parts[1].text, parts[2])
            if name == "capped_ratio":
                return inline.capped_ratio(parts[0], parts[1].text)
            return inline.fold(parts, smallest=name == "min").text
        if name == "per_item":
            product = f"({emit(args[0])} * {emit(args[1])})"
            return inline.pick(product, emit(args[2]), ">")
        if name == "bands" and all(safe(a, folded) for a in args[1:]):
            return inline.bands(emit(args[0]), [emit(a) for a in args[1:]])
        return None

    return emit(tree)


@dataclass(frozen=True, eq=False)
class Expression:
    """A parsed, validated, type-checked and compiled rule expression (immutable).

    Build it with :func:`compile_expression`. Equal expressions have the same source and
    result type.

    Attributes:
        source: The text as written (stripped).
        names: The declared names it reads.
        result_type: The type of its value.
        location: Where it starts in its rule file, if known.
        criterion: The criterion it belongs to, if given.
        functions: The library functions it calls.
        categories: For a ``CATEGORY`` result, the values it can take, if known.
        name_info: What was declared about each name it reads.
    """

    source: str
    names: frozenset[str]
    result_type: ExprType
    location: SourceLocation | None
    criterion: str | None
    functions: frozenset[str]
    categories: frozenset[str] | None
    name_info: Mapping[str, NameInfo] = field(repr=False)
    _parsed: ParsedExpression = field(repr=False)
    _checked: CheckResult = field(repr=False)
    _function: Callable[[Mapping[str, Value]], Value] = field(repr=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Expression):
            return NotImplemented
        return (self.source, self.result_type) == (other.source, other.result_type)

    def __hash__(self) -> int:
        return hash((self.source, self.result_type))

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild,
            (self.source, dict(self.name_info), self.location, self.criterion, self.result_type),
        )

    @property
    def tree(self) -> ast.expr:
        """The validated syntax tree (number literals hold :class:`~decimal.Decimal` values).

        Shared, not copied: do not modify it.
        """
        return self._parsed.tree

    def evaluate(self, env: Mapping[str, Value]) -> Value:
        """Evaluate the expression for one set of values.

        Runs the code compiled once from the expression, under :data:`DECIMAL_CONTEXT`
        (set here for the call). ``x if c else y``, ``and`` and ``or`` evaluate lazily;
        every argument of a function call is evaluated.

        Args:
            env: A value for every name in :attr:`names`: :class:`~decimal.Decimal` for
                numbers, ``bool``, ``str`` for categories, :class:`datetime.date`. Values are
                not re-checked here (the data layer has typed them).

        Returns:
            A :class:`~decimal.Decimal`, ``bool``, ``str`` or :class:`datetime.date`,
            according to :attr:`result_type`.

        Raises:
            RuleArithmeticError: Division by zero (``E-EVAL-DIVZERO``), an infinite or
                undefined result (``E-EVAL-NONFINITE``), an exponent beyond the bound
                (``E-EVAL``).
            KeyError: ``env`` lacks a name the evaluation reaches (as a mapping does).
            TypeError: A value in ``env`` has the wrong Python type (e.g. a marker for a
                not-applicable value) for the operation that reads it.
        """
        try:
            with decimal.localcontext(DECIMAL_CONTEXT):
                result = self._function(env)
        except RuleArithmeticError:
            raise
        except decimal.DecimalException as exc:
            raise RuleArithmeticError.from_decimal(exc) from None
        if type(result) is Decimal and not result.is_finite():
            raise RuleArithmeticError("E-EVAL-NONFINITE", msg("the result is not a finite number"))
        return result

    def to_python(
        self,
        var: Callable[[str], str],
        const: Callable[[Decimal], str],
        temp: Callable[[], str] | None = None,
        bounds: Bounds | None = None,
    ) -> str:
        """A Python expression equivalent to this one, to embed in generated code.

        Names become ``var(name)``, number constants (literals, and parts made only of
        literals, computed at compile time) become ``const(value)`` so the caller can hoist
        them; division, power and every library function become calls of the ``_u_*``
        helpers of :data:`RUNTIME`; ``+ - *``, comparisons, ``and``/``or``/``not`` and
        ``x if c else y`` stay Python operators. Apart from these, the text holds only
        ``True``, ``False``, integer parts of dates and quoted category values, so it is safe
        to embed.

        The generated code must run under :data:`DECIMAL_CONTEXT`. It raises
        :class:`RuleArithmeticError` from the helpers and may raise
        :class:`decimal.DecimalException` from plain operators on extreme values; convert
        the latter with :meth:`RuleArithmeticError.from_decimal`. It does not check that a
        result is finite (:meth:`evaluate` does).

        With ``temp``, calls of ``min``, ``max``, ``clamp``, ``ratio``, ``capped_ratio``,
        ``per_item`` and ``bands`` are written out as conditional expressions instead (no
        call per evaluation), keeping values read twice in temporaries named by ``temp``
        and bound with ``:=``, so the fragment must then be embedded in a function body
        (the temporaries are its local variables). The values are the very objects the
        calls return (the first of equal values for ``min`` and ``max``, whatever their
        exponents), and an argument that can raise is evaluated whenever the call would
        evaluate it; a call whose arguments would have to be evaluated out of order is
        kept. Without ``temp`` (the reference form) only ``ratio`` with plain arguments
        is written out.

        Args:
            var: Returns the Python text that reads a name's value.
            const: Returns the Python text of a hoisted constant.
            temp: Returns a fresh local name for a temporary on every call; the names
                must not collide with anything ``var`` and ``const`` return.
            bounds: With ``temp``: the range a subtree's value is proven to lie in
                (``(None, None)`` when not known), for the inputs the embedding code has
                checked; a comparison of ``min``, ``max`` or ``clamp`` these ranges decide
                is left out.

        Returns:
            The source fragment (one expression, fully parenthesised).
        """
        return generate_python(self._parsed.tree, self._checked.folded, var, const, temp, bounds)


def compile_expression(
    source: str | ParsedExpression,
    *,
    names: Mapping[str, NameInfo],
    location: SourceLocation | None = None,
    criterion: str | None = None,
    expected: ExprType | None = None,
) -> Expression:
    """Parse, check and compile one rule expression.

    Args:
        source: The expression text, or the result of :func:`parse_expression` (then
            ``location`` and ``criterion`` default to the parsed ones).
        names: The declared names (indicators and derived values) and their types.
        location: Where the text starts in its file (first character of the content).
        criterion: The criterion the expression belongs to, named in errors.
        expected: The type the expression must have (e.g. ``NUMBER`` for points).

    Returns:
        The compiled expression.

    Raises:
        ExpressionError: For any problem found by :func:`parse_expression` or by the static
            checks: ``E-EXPR-NAME``, ``E-EXPR-FUNC``, ``E-EXPR-TYPE``, ``E-EXPR-CATEGORY``,
            ``E-EXPR-DIVZERO``, ``E-EXPR-POWER``, ``E-EXPR-LIMIT``, ``E-BANDS``.
    """
    if isinstance(source, ParsedExpression):
        parsed = source
        if location is not None or criterion is not None:
            parsed = parse_expression(
                parsed.source,
                location=location or parsed.location,
                criterion=criterion or parsed.criterion,
            )
    else:
        parsed = parse_expression(source, location=location, criterion=criterion)
    checked = check_expression(parsed, names, expected)
    constants: dict[str, Decimal] = {}

    def hoist(value: Decimal) -> str:
        name = f"_c{len(constants)}"
        constants[name] = value
        return name

    body = generate_python(parsed.tree, checked.folded, lambda n: f"_env[{n!r}]", hoist)
    text = f"def _expression(_env):\n    return {body}\n"
    namespace: dict[str, Any] = {"__builtins__": {}, **RUNTIME, **constants}
    exec(
        compile(text, "<udcntt expression>", "exec"), namespace
    )  # generated from the whitelisted tree only
    return Expression(
        source=parsed.source,
        names=parsed.names,
        result_type=checked.result_type,
        location=parsed.location,
        criterion=parsed.criterion,
        functions=parsed.functions,
        categories=checked.categories,
        name_info=MappingProxyType({n: names[n] for n in sorted(parsed.names)}),
        _parsed=parsed,
        _checked=checked,
        _function=namespace["_expression"],
    )


def _rebuild(
    source: str,
    name_info: dict[str, NameInfo],
    location: SourceLocation | None,
    criterion: str | None,
    result_type: ExprType,
) -> Expression:
    return compile_expression(
        source, names=name_info, location=location, criterion=criterion, expected=result_type
    )
