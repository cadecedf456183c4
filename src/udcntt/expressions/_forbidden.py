"""Why a construct is not allowed, and what to write instead.

The whitelist itself is in :mod:`._parse`; this module only words the messages and hints,
so that every rejected construct gets a specific, actionable hint.
"""

from __future__ import annotations

import ast
import re

__all__ = ["forbidden_node", "statement_problem", "syntax_error_problem"]

Problem = tuple[str, str]

_MEMBERSHIP = 'to test a category, use one_of(x, "a", "b")'
_SPLIT = "declare a derived value for the intermediate result"

_BINARY: dict[type[ast.operator], Problem] = {
    ast.BitXor: (
        "'^' is not a power operator here",
        "did you mean **? (a ** b is a to the power b)",
    ),
    ast.BitAnd: ("'&' is not allowed", "did you mean and? (conditions are joined with and / or)"),
    ast.BitOr: ("'|' is not allowed", "did you mean or? (conditions are joined with and / or)"),
    ast.FloorDiv: ("'//' is not allowed", "use floor(a / b) for integer division"),
    ast.Mod: (
        "'%' (remainder) is not allowed",
        "for a remainder use a - floor(a / b) * b; for a percentage write 0.75 or 75 / 100",
    ),
    ast.MatMult: ("'@' is not allowed", "use * to multiply"),
    ast.LShift: ("'<<' is not allowed", "use * or ** instead of bit shifts"),
    ast.RShift: ("'>>' is not allowed", "use / or ** instead of bit shifts"),
}

_COMPARE: dict[type[ast.cmpop], Problem] = {
    ast.Is: ("'is' is not allowed", "use == to compare values"),
    ast.IsNot: ("'is not' is not allowed", "use != to compare values"),
    ast.In: ("'in' is not allowed", _MEMBERSHIP),
    ast.NotIn: ("'not in' is not allowed", 'use not one_of(x, "a", "b")'),
}

_NODES: dict[type[ast.AST], Problem] = {
    ast.Attribute: ("attribute access (x.y) is not allowed", "use a declared name directly"),
    ast.Subscript: ("indexing (x[i]) is not allowed", "use a declared name directly"),
    ast.List: ("lists are not allowed", _MEMBERSHIP),
    ast.Set: ("sets are not allowed", _MEMBERSHIP),
    ast.Dict: ("dicts are not allowed", "use x if condition else y, or bands(...)"),
    ast.ListComp: ("comprehensions are not allowed", "use count_true(...), min/max or +"),
    ast.SetComp: ("comprehensions are not allowed", "use count_true(...), min/max or +"),
    ast.DictComp: ("comprehensions are not allowed", "use count_true(...), min/max or +"),
    ast.GeneratorExp: ("comprehensions are not allowed", "use count_true(...), min/max or +"),
    ast.Lambda: ("lambda is not allowed", _SPLIT),
    ast.JoinedStr: ("f-strings are not allowed", 'write category values as plain text: "pho"'),
    ast.FormattedValue: ("f-strings are not allowed", "write category values as plain text"),
    ast.NamedExpr: ("assignment expressions (:=) are not allowed", _SPLIT),
    ast.Await: ("'await' is not allowed", "write a plain expression"),
    ast.Yield: ("'yield' is not allowed", "write a plain expression"),
    ast.YieldFrom: ("'yield from' is not allowed", "write a plain expression"),
    ast.Starred: ("unpacking (*x) is not allowed", "list the values one by one"),
    ast.Slice: ("slices are not allowed", "use a declared name directly"),
}


def forbidden_node(node: ast.AST, text: str) -> Problem | None:
    """The message and hint for a construct outside the whitelist, or ``None`` if allowed.

    Args:
        node: An expression node.
        text: The expression's text (for hints that quote what was written).

    Returns:
        ``(message, hint)`` for a forbidden construct or operator, else ``None``.
    """
    if isinstance(node, ast.BinOp):
        return _BINARY.get(type(node.op))
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Invert):
            return ("'~' is not allowed", "did you mean not? (or - for a negative number)")
        return None
    if isinstance(node, ast.Compare):
        for op in node.ops:
            if type(op) in _COMPARE:
                return _COMPARE[type(op)]
        return None
    if isinstance(node, ast.BoolOp):
        return None
    if isinstance(node, ast.Tuple):
        segment = ast.get_source_segment(text, node) or ""
        if re.fullmatch(r"\(?\s*\d+\s*,\s*\d+\s*\)?", segment):
            number = segment.strip("()").replace(",", ".").replace(" ", "")
            return (
                "a comma makes a tuple; tuples are not allowed",
                f"the decimal separator is '.': did you mean {number}?",
            )
        return ("tuples are not allowed", "one expression per string; " + _MEMBERSHIP)
    if isinstance(node, ast.Constant):
        value = node.value
        if value is None:
            return ("None is not a value in rule expressions", "use 0, False or a category value")
        if isinstance(value, complex):
            return ("complex numbers are not allowed", "write a plain decimal number")
        if isinstance(value, bytes):
            return ("byte strings are not allowed", 'write text as "..."')
        return (f"the constant {value!r} is not allowed", "write a number, True, False or text")
    found = _NODES.get(type(node))
    if found is not None:
        return found
    return (
        f"{type(node).__name__} is not allowed in a rule expression",
        "write a plain expression",
    )


def statement_problem(statement: ast.stmt) -> Problem:
    """The message and hint for a statement where an expression was expected."""
    if isinstance(statement, ast.Assign | ast.AugAssign | ast.AnnAssign):
        return (
            "assignment is not allowed in an expression",
            "to compare, use ==; to name a result, declare a derived value",
        )
    if isinstance(statement, ast.Import | ast.ImportFrom):
        return ("import is not allowed", "use the functions of the expression library")
    kind = type(statement).__name__.lower()
    if isinstance(statement, ast.If):
        return ("an 'if' statement is not an expression", "write x if condition else y")
    return (f"a '{kind}' statement is not an expression", "write a single expression")


_TYPOS: tuple[tuple[str, str], ...] = (
    ("&&", "use and"),
    ("||", "use or"),
    ("≥", "write >="),
    ("≤", "write <="),
    ("≠", "write !="),
    ("×", "write * to multiply"),
    ("÷", "write / to divide"),
    ("<>", "write !="),
    ("===", "write =="),
    ("“", 'write text in straight quotes: "..."'),
    ("”", 'write text in straight quotes: "..."'),
)


def syntax_error_problem(text: str, exc: SyntaxError) -> tuple[str, str, str]:
    """Code, message and hint for a syntax error in ``text``."""
    if ":=" in text:
        return (
            "E-EXPR-FORBIDDEN",
            "assignment expressions (:=) are not allowed",
            _SPLIT,
        )
    detail = exc.msg or "invalid syntax"
    message = detail if detail.startswith("invalid syntax") else f"invalid syntax: {detail}"
    for typo, hint in _TYPOS:
        if typo in text:
            return ("E-EXPR-SYNTAX", message, hint)
    if re.search(r"(^|[^=!<>])=([^=]|$)", text):
        return ("E-EXPR-SYNTAX", message, "to compare, use == (a single = assigns)")
    if re.search(r"(^|\s)!\w", text):
        return ("E-EXPR-SYNTAX", message, "use not to negate a condition")
    if "\n" in text:
        return (
            "E-EXPR-SYNTAX",
            message,
            "to continue an expression on the next line, wrap it in parentheses",
        )
    if re.search(r"\bif\b", text) and not re.search(r"\belse\b", text):
        return ("E-EXPR-SYNTAX", message, "a conditional needs both parts: x if condition else y")
    return ("E-EXPR-SYNTAX", message, "write one expression, e.g. ratio(a, b, 0) * 20")
