"""How problems in an expression are located and worded.

:class:`Locator` turns positions inside an expression into file locations and builds the
located :class:`~udcntt.errors.ExpressionError`; the other functions word the message and
the hint for each construct outside the whitelist (the whitelist itself is in
:mod:`._parse`), so that every rejected construct gets a specific, actionable hint.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace

from udcntt.errors import ExpressionError, SourceLocation

__all__ = ["Locator", "forbidden_node", "statement_problem", "syntax_error_problem"]

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


class Locator:
    """Turns positions in an expression into file locations and builds located errors.

    ``location`` is where the expression string starts in its file. Positions of the parser
    (1-based lines, byte columns) are turned into character offsets, shifted by the
    whitespace stripped from the front of the text, and added to ``location``: columns on
    the expression's first line, lines after it (then the column is unknown, since the YAML
    indentation of a block scalar is not part of the string). Without a ``location``,
    positions are given relative to the expression, in a pseudo-file ``<expression>``.
    """

    __slots__ = ("_lead_col", "_lead_lines", "_lines", "criterion", "location", "text")

    def __init__(
        self,
        original: str,
        stripped: str,
        location: SourceLocation | None,
        criterion: str | None,
    ) -> None:
        lead = original[: len(original) - len(original.lstrip())]
        self._lead_lines = lead.count("\n")
        self._lead_col = len(lead) - (lead.rfind("\n") + 1)
        self._lines = stripped.split("\n")
        self.text = stripped
        self.location = location
        self.criterion = criterion

    def char_column(self, line: int, byte_column: int) -> int:
        """Character offset of a parser byte offset on ``line`` (1-based) of the text."""
        if not 1 <= line <= len(self._lines):
            return byte_column
        encoded = self._lines[line - 1].encode("utf-8")
        return len(encoded[:byte_column].decode("utf-8", errors="replace"))

    def at(self, line: int, column: int) -> SourceLocation:
        """File location of ``line`` (1-based) and character ``column`` (0-based) of the text."""
        line_offset = self._lead_lines + line - 1
        column_offset = column + (self._lead_col if line == 1 else 0)
        if self.location is None:
            return SourceLocation(
                file="<expression>", line=line_offset + 1, column=column_offset + 1
            )
        if line_offset == 0:
            return self.location.with_column_offset(column_offset)
        if self.location.line is None:
            return self.location
        return replace(self.location, line=self.location.line + line_offset, column=None)

    def of(self, node: ast.AST) -> SourceLocation:
        """File location of a syntax-tree node."""
        line = getattr(node, "lineno", None)
        byte_column = getattr(node, "col_offset", None)
        if line is None or byte_column is None:
            return self.location or self.at(1, 0)
        return self.at(line, self.char_column(line, byte_column))

    def error(
        self,
        code: str,
        message: str,
        *,
        node: ast.AST | None = None,
        position: tuple[int, int] | None = None,
        hint: str | None = None,
    ) -> ExpressionError:
        """An :class:`ExpressionError` located at ``node`` or ``position`` (line, column).

        Args:
            code: The error code (one of ``CODES``).
            message: What is wrong.
            node: The offending syntax-tree node.
            position: Alternatively, a 1-based line and a 0-based character column.
            hint: How to fix it.

        Returns:
            The error, ready to raise; it names the criterion if one was given.
        """
        if node is not None:
            where = self.of(node)
        elif position is not None:
            where = self.at(*position)
        else:
            where = self.at(1, 0)
        return ExpressionError(
            message, code=code, location=where, hint=hint, criterion=self.criterion
        )
