"""Reference interpreter: the same expressions, evaluated by simpleeval.

simpleeval walks the syntax tree on every call, so it is slow but independent of the code
generator; differential tests compare :meth:`Expression.evaluate` with
:func:`evaluate_reference` on random expressions and values. Operators are mapped to the
same decimal operations and helpers as generated code, and functions to the library's
implementations; number literals are the :class:`~decimal.Decimal` values the parser read
from the source text. Constant parts are *not* folded here, which also checks the folding.
"""

from __future__ import annotations

import ast
import decimal
import operator
from collections.abc import Callable, Mapping
from typing import Any

from simpleeval import InvalidExpression, NameNotDefined, SimpleEval

from udcntt.errors import UsageError, msg
from udcntt.expressions._compile import Expression
from udcntt.expressions._registry import FUNCTIONS
from udcntt.expressions._runtime import RUNTIME, u_div, u_pow
from udcntt.expressions._types import DECIMAL_CONTEXT, RuleArithmeticError, Value

__all__ = ["evaluate_reference"]

_OPERATORS: dict[type[ast.AST], Callable[..., Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: u_div,
    ast.Pow: u_pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


def _functions() -> dict[str, Callable[..., Any]]:
    """Built-ins by their implementation; extensions by the same validating wrapper as the
    compiled code calls."""
    return {
        name: spec.impl if spec.builtin else RUNTIME[spec.runtime]  # type: ignore[misc]
        for name, spec in FUNCTIONS.items()
    }


def evaluate_reference(expr: Expression, env: Mapping[str, Value]) -> Value:
    """Evaluate ``expr`` with simpleeval, as an independent check of :meth:`Expression.evaluate`.

    Args:
        expr: A compiled expression.
        env: A value for every name it reads (as for :meth:`Expression.evaluate`).

    Returns:
        The value, which must equal ``expr.evaluate(env)``.

    Raises:
        RuleArithmeticError: As :meth:`Expression.evaluate` does.
        KeyError: ``env`` lacks a name the evaluation reaches.
        TypeError: A value in ``env`` has the wrong Python type.
        UsageError: simpleeval refused the expression (never for a checked expression).
    """
    evaluator = SimpleEval(operators=_OPERATORS, functions=_functions(), names=dict(env))
    try:
        with decimal.localcontext(DECIMAL_CONTEXT):
            result: Value = evaluator.eval(expr.source, previously_parsed=expr.tree)
    except RuleArithmeticError:
        raise
    except decimal.DecimalException as exc:
        raise RuleArithmeticError.from_decimal(exc) from None
    except NameNotDefined as exc:
        raise KeyError(exc.name) from None
    except InvalidExpression as exc:  # pragma: no cover - the whitelist is narrower
        raise UsageError(
            msg(
                "the reference interpreter cannot evaluate {source}: {exc}",
                source=repr(expr.source),
                exc=exc,
            ),
            code="E-USAGE",
            location=expr.location,
            criterion=expr.criterion,
        ) from None
    if isinstance(result, decimal.Decimal) and not result.is_finite():
        raise RuleArithmeticError("E-EVAL-NONFINITE", msg("the result is not a finite number"))
    return result
