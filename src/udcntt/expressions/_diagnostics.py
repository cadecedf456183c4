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

from udcntt.errors import ExpressionError, SourceLocation, msg

__all__ = ["Locator", "forbidden_node", "statement_problem", "syntax_error_problem"]

Problem = tuple[str, str]

_MEMBERSHIP = msg('to test a category, use one_of(x, "a", "b")')
_SPLIT = msg("declare a derived value for the intermediate result")

_BINARY: dict[type[ast.operator], Problem] = {
    ast.BitXor: (
        msg("'^' is not a power operator here"),
        msg("did you mean **? (a ** b is a to the power b)"),
    ),
    ast.BitAnd: (
        msg("'&' is not allowed"),
        msg("did you mean and? (conditions are joined with and / or)"),
    ),
    ast.BitOr: (
        msg("'|' is not allowed"),
        msg("did you mean or? (conditions are joined with and / or)"),
    ),
    ast.FloorDiv: (msg("'//' is not allowed"), msg("use floor(a / b) for integer division")),
    ast.Mod: (
        msg("'%' (remainder) is not allowed"),
        msg("for a remainder use a - floor(a / b) * b; for a percentage write 0.75 or 75 / 100"),
    ),
    ast.MatMult: (msg("'@' is not allowed"), msg("use * to multiply")),
    ast.LShift: (msg("'<<' is not allowed"), msg("use * or ** instead of bit shifts")),
    ast.RShift: (msg("'>>' is not allowed"), msg("use / or ** instead of bit shifts")),
}

_COMPARE: dict[type[ast.cmpop], Problem] = {
    ast.Is: (msg("'is' is not allowed"), msg("use == to compare values")),
    ast.IsNot: (msg("'is not' is not allowed"), msg("use != to compare values")),
    ast.In: (msg("'in' is not allowed"), _MEMBERSHIP),
    ast.NotIn: (msg("'not in' is not allowed"), msg('use not one_of(x, "a", "b")')),
}

_NODES: dict[type[ast.AST], Problem] = {
    ast.Attribute: (
        msg("attribute access (x.y) is not allowed"),
        msg("use a declared name directly"),
    ),
    ast.Subscript: (msg("indexing (x[i]) is not allowed"), msg("use a declared name directly")),
    ast.List: (msg("lists are not allowed"), _MEMBERSHIP),
    ast.Set: (msg("sets are not allowed"), _MEMBERSHIP),
    ast.Dict: (msg("dicts are not allowed"), msg("use x if condition else y, or bands(...)")),
    ast.ListComp: (msg("comprehensions are not allowed"), msg("use count_true(...), min/max or +")),
    ast.SetComp: (msg("comprehensions are not allowed"), msg("use count_true(...), min/max or +")),
    ast.DictComp: (msg("comprehensions are not allowed"), msg("use count_true(...), min/max or +")),
    ast.GeneratorExp: (
        msg("comprehensions are not allowed"),
        msg("use count_true(...), min/max or +"),
    ),
    ast.Lambda: (msg("lambda is not allowed"), _SPLIT),
    ast.JoinedStr: (
        msg("f-strings are not allowed"),
        msg('write category values as plain text: "pho"'),
    ),
    ast.FormattedValue: (
        msg("f-strings are not allowed"),
        msg("write category values as plain text"),
    ),
    ast.NamedExpr: (msg("assignment expressions (:=) are not allowed"), _SPLIT),
    ast.Await: (msg("'await' is not allowed"), msg("write a plain expression")),
    ast.Yield: (msg("'yield' is not allowed"), msg("write a plain expression")),
    ast.YieldFrom: (msg("'yield from' is not allowed"), msg("write a plain expression")),
    ast.Starred: (msg("unpacking (*x) is not allowed"), msg("list the values one by one")),
    ast.Slice: (msg("slices are not allowed"), msg("use a declared name directly")),
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
            return (
                msg("'~' is not allowed"),
                msg("did you mean not? (or - for a negative number)"),
            )
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
                msg("a comma makes a tuple; tuples are not allowed"),
                msg("the decimal separator is '.': did you mean {number}?", number=number),
            )
        return (
            msg("tuples are not allowed"),
            msg('one expression per string; to test a category, use one_of(x, "a", "b")'),
        )
    if isinstance(node, ast.Constant):
        value = node.value
        if value is None:
            return (
                msg("None is not a value in rule expressions"),
                msg("use 0, False or a category value"),
            )
        if isinstance(value, complex):
            return (msg("complex numbers are not allowed"), msg("write a plain decimal number"))
        if isinstance(value, bytes):
            return (msg("byte strings are not allowed"), msg('write text as "..."'))
        return (
            msg("the constant {value} is not allowed", value=repr(value)),
            msg("write a number, True, False or text"),
        )
    found = _NODES.get(type(node))
    if found is not None:
        return found
    return (
        msg("{construct} is not allowed in a rule expression", construct=type(node).__name__),
        msg("write a plain expression"),
    )


def statement_problem(statement: ast.stmt) -> Problem:
    """The message and hint for a statement where an expression was expected."""
    if isinstance(statement, ast.Assign | ast.AugAssign | ast.AnnAssign):
        return (
            msg("assignment is not allowed in an expression"),
            msg("to compare, use ==; to name a result, declare a derived value"),
        )
    if isinstance(statement, ast.Import | ast.ImportFrom):
        return (
            msg("import is not allowed"),
            msg("use the functions of the expression library"),
        )
    kind = type(statement).__name__.lower()
    if isinstance(statement, ast.If):
        return (
            msg("an 'if' statement is not an expression"),
            msg("write x if condition else y"),
        )
    return (
        msg("a '{kind}' statement is not an expression", kind=kind),
        msg("write a single expression"),
    )


_TYPOS: tuple[tuple[str, str], ...] = (
    ("&&", msg("use and")),
    ("||", msg("use or")),
    ("≥", msg("write >=")),
    ("≤", msg("write <=")),
    ("≠", msg("write !=")),
    ("×", msg("write * to multiply")),
    ("÷", msg("write / to divide")),
    ("<>", msg("write !=")),
    ("===", msg("write ==")),
    ("“", msg('write text in straight quotes: "..."')),
    ("”", msg('write text in straight quotes: "..."')),
)


def syntax_error_problem(text: str, exc: SyntaxError) -> tuple[str, str, str]:
    """Code, message and hint for a syntax error in ``text``."""
    if ":=" in text:
        return (
            "E-EXPR-FORBIDDEN",
            msg("assignment expressions (:=) are not allowed"),
            _SPLIT,
        )
    detail = exc.msg or "invalid syntax"
    # Python's own wording of the problem is quoted as it is; only the frame is translated.
    if detail.startswith("invalid syntax"):
        message = msg("invalid syntax{detail}", detail=detail.removeprefix("invalid syntax"))
    else:
        message = msg("invalid syntax: {detail}", detail=detail)
    for typo, hint in _TYPOS:
        if typo in text:
            return ("E-EXPR-SYNTAX", message, hint)
    if re.search(r"(^|[^=!<>])=([^=]|$)", text):
        return ("E-EXPR-SYNTAX", message, msg("to compare, use == (a single = assigns)"))
    if re.search(r"(^|\s)!\w", text):
        return ("E-EXPR-SYNTAX", message, msg("use not to negate a condition"))
    if "\n" in text:
        return (
            "E-EXPR-SYNTAX",
            message,
            msg("to continue an expression on the next line, wrap it in parentheses"),
        )
    if re.search(r"\bif\b", text) and not re.search(r"\belse\b", text):
        return (
            "E-EXPR-SYNTAX",
            message,
            msg("a conditional needs both parts: x if condition else y"),
        )
    return ("E-EXPR-SYNTAX", message, msg("write one expression, e.g. ratio(a, b, 0) * 20"))


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
