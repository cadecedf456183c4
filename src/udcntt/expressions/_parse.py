"""Parser front end: size limits, one expression per string, the syntax whitelist.

:func:`parse_expression` turns text into a :class:`ParsedExpression` without knowing any
declared name: it enforces the limits of :mod:`._types` (length and bracket depth on the raw
text, before Python's parser sees it; node count and depth on the tree, iteratively), rejects
text holding more than one statement, and accepts only the whitelisted constructs. Number
literals become :class:`~decimal.Decimal` values read from their source text.
"""

from __future__ import annotations

import ast
import unicodedata
import warnings
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from udcntt.errors import ExpressionError, ExtensionError, SourceLocation, did_you_mean, msg
from udcntt.expressions._diagnostics import (
    Locator,
    forbidden_node,
    statement_problem,
    syntax_error_problem,
)
from udcntt.expressions._registry import FUNCTIONS, lookup_function
from udcntt.expressions._types import (
    MAX_BRACKET_DEPTH,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_NODES,
    MAX_SOURCE_LENGTH,
)
from udcntt.model import MAX_NUMBER, MIN_NUMBER

__all__ = ["ParsedExpression", "parse_expression"]

_OPENING = frozenset("([{")
_CLOSING = frozenset(")]}")
# Trojan-source characters (bidirectional overrides and isolates, invisible marks).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Nodes that carry no structure of their own: operators and load/store contexts.
_LEAVES = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)


@dataclass(frozen=True, eq=False)
class ParsedExpression:
    """An expression that passed the syntax whitelist and the limits (names not checked).

    Attributes:
        source: The text, stripped of surrounding whitespace, line breaks normalised.
        location: Where the expression string starts in its file, if known.
        criterion: The criterion it belongs to, for messages.
        names: The names it reads (not the functions it calls).
        functions: The functions it calls.
    """

    source: str
    location: SourceLocation | None
    criterion: str | None
    names: frozenset[str]
    functions: frozenset[str]
    tree: ast.expr = field(repr=False)
    locator: Locator = field(repr=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ParsedExpression):
            return NotImplemented
        return self.source == other.source

    def __hash__(self) -> int:
        return hash(self.source)


def parse_expression(
    source: str,
    *,
    location: SourceLocation | None = None,
    criterion: str | None = None,
) -> ParsedExpression:
    """Parse one rule expression and check its syntax against the whitelist.

    Args:
        source: The expression text. Surrounding whitespace is ignored; a multi-line text
            is fine if it is one expression (inside brackets, or folded by YAML).
        location: Where the text starts in its file (the first character of the string's
            content); error locations add the offending part's line and column to it.
        criterion: The criterion the expression belongs to, named in error messages.

    Returns:
        The parsed expression, with the names it reads and the functions it calls.

    Raises:
        ExpressionError: ``E-EXPR-LIMIT`` (too long, too deep, too many parts),
            ``E-EXPR-SYNTAX``, ``E-EXPR-MULTI`` (more than one statement),
            ``E-EXPR-FORBIDDEN`` (a construct outside the whitelist),
            ``E-EXPR-NAME`` (a name that is not an ASCII id) or ``E-EXPR-FUNC`` (an unknown
            function, or a call with the wrong number of arguments).
    """
    if not isinstance(source, str):
        raise ExpressionError(
            msg("an expression must be text, not {kind}", kind=type(source).__name__),
            code="E-EXPR-SYNTAX",
            location=location or SourceLocation(file="<expression>"),
            criterion=criterion,
            hint=msg('write the expression as a YAML string, e.g. "a / b * 20"'),
        )
    if len(source) > 4 * MAX_SOURCE_LENGTH:  # before any other work on huge input
        _raise_too_long(len(source), location, criterion)
    normalised = source.replace("\r\n", "\n").replace("\r", "\n")
    stripped = normalised.strip()
    loc = Locator(normalised, stripped, location, criterion)
    if len(stripped) > MAX_SOURCE_LENGTH:
        _raise_too_long(len(stripped), location, criterion)
    if not stripped:
        raise loc.error(
            "E-EXPR-SYNTAX", msg("the expression is empty"), hint=msg("write an expression")
        )
    _check_characters(stripped, loc)
    _check_brackets(stripped, loc)
    tree = _parse_python(stripped, loc)
    _check_size(tree, loc)
    names: set[str] = set()
    functions: set[str] = set()
    _Validator(stripped, loc, names, functions).visit(tree)
    return ParsedExpression(
        source=stripped,
        location=location,
        criterion=criterion,
        names=frozenset(names),
        functions=frozenset(functions),
        tree=tree,
        locator=loc,
    )


def _raise_too_long(length: int, location: SourceLocation | None, criterion: str | None) -> None:
    raise ExpressionError(
        msg(
            "the expression is too long ({length} characters, at most {limit})",
            length=length,
            limit=MAX_SOURCE_LENGTH,
        ),
        code="E-EXPR-LIMIT",
        location=location or SourceLocation(file="<expression>", line=1, column=1),
        criterion=criterion,
        hint=msg("split it into derived values, each with its own shorter expression"),
    )


def _check_characters(text: str, loc: Locator) -> None:
    for index, char in enumerate(text):
        if char in _BIDI or (unicodedata.category(char) == "Cc" and char not in "\n\t"):
            line = text.count("\n", 0, index) + 1
            column = index - (text.rfind("\n", 0, index) + 1)
            raise loc.error(
                "E-EXPR-SYNTAX",
                msg(
                    "the expression contains the control character U+{code_point}",
                    code_point=format(ord(char), "04X"),
                ),
                position=(line, column),
                hint=msg("remove invisible control and direction-override characters"),
            )


def _check_brackets(text: str, loc: Locator) -> None:
    depth = 0
    for index, char in enumerate(text):
        if char in _OPENING:
            depth += 1
            if depth > MAX_BRACKET_DEPTH:
                line = text.count("\n", 0, index) + 1
                column = index - (text.rfind("\n", 0, index) + 1)
                raise loc.error(
                    "E-EXPR-LIMIT",
                    msg("brackets are nested more than {limit} deep", limit=MAX_BRACKET_DEPTH),
                    position=(line, column),
                    hint=msg("split the expression into derived values"),
                )
        elif char in _CLOSING:
            depth -= 1


def _parse_python(text: str, loc: Locator) -> ast.expr:
    """Parse ``text`` as exactly one Python expression, wrapping every parser failure."""
    module: ast.Module | None = None
    try:
        with warnings.catch_warnings():
            # SyntaxWarning/DeprecationWarning (``1 is 1``, ``"\d"``) must neither print nor,
            # under ``-W error``, turn into exceptions: the whitelist decides instead.
            warnings.simplefilter("ignore")
            module = ast.parse(text, mode="exec")
            if len(module.body) == 1 and isinstance(module.body[0], ast.Expr):
                return ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        if module is not None and isinstance(module.body[0], ast.Expr):
            # One statement that is not an expression in eval mode (``yield a``; ``a;``).
            value = module.body[0].value
            problem = forbidden_node(value, text)
            if problem is not None and isinstance(value, ast.Yield | ast.YieldFrom | ast.Await):
                raise loc.error(
                    "E-EXPR-FORBIDDEN", problem[0], node=value, hint=problem[1]
                ) from None
        code, message, hint = syntax_error_problem(text, exc)
        line = exc.lineno or 1
        column = max((exc.offset or 1) - 1, 0)
        raise loc.error(code, message, position=(line, column), hint=hint) from None
    except (RecursionError, MemoryError, OverflowError) as exc:
        raise loc.error(
            "E-EXPR-LIMIT",
            msg("the expression is too complex to parse ({kind})", kind=type(exc).__name__),
            hint=msg("split the expression into derived values"),
        ) from None
    except ValueError as exc:  # e.g. NUL bytes, on some Python versions
        raise loc.error(
            "E-EXPR-SYNTAX",
            msg("the expression cannot be read: {exc}", exc=exc),
            hint=msg("remove invisible or control characters"),
        ) from None
    if not module.body:
        raise loc.error(
            "E-EXPR-SYNTAX", msg("the expression is empty"), hint=msg("write an expression")
        )
    if len(module.body) > 1:
        second = module.body[1]
        raise loc.error(
            "E-EXPR-MULTI",
            msg(
                "the text holds {count} statements; an expression string holds exactly one",
                count=len(module.body),
            ),
            node=second,
            hint=msg(
                "to continue an expression on the next line, wrap it in parentheses; otherwise split it into derived values"
            ),
        )
    message, hint = statement_problem(module.body[0])
    raise loc.error("E-EXPR-FORBIDDEN", message, node=module.body[0], hint=hint)


def _check_size(tree: ast.expr, loc: Locator) -> None:
    """Count nodes and measure depth without recursion."""
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise loc.error(
                "E-EXPR-LIMIT",
                msg("the expression has more than {limit} parts", limit=MAX_NODES),
                node=node,
                hint=msg("split the expression into derived values"),
            )
        if depth > MAX_DEPTH:
            raise loc.error(
                "E-EXPR-LIMIT",
                msg("the expression is nested more than {limit} deep", limit=MAX_DEPTH),
                node=node,
                hint=msg("split the expression into derived values"),
            )
        stack.extend(
            (child, depth + 1)
            for child in ast.iter_child_nodes(node)
            if not isinstance(child, _LEAVES)
        )


def _ascii_form(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if c.isascii())


class _Validator:
    """Recursive whitelist check; safe because :func:`_check_size` bounded the depth."""

    def __init__(self, text: str, loc: Locator, names: set[str], functions: set[str]) -> None:
        self.text = text
        self.loc = loc
        self.names = names
        self.functions = functions

    def visit(self, node: ast.expr) -> None:
        if isinstance(node, ast.Constant):
            self.constant(node)
        elif isinstance(node, ast.Name):
            self.name(node)
            self.names.add(node.id)
        elif isinstance(node, ast.UnaryOp | ast.BinOp | ast.BoolOp | ast.Compare):
            problem = forbidden_node(node, self.text)
            if problem:
                raise self.loc.error("E-EXPR-FORBIDDEN", problem[0], node=node, hint=problem[1])
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.visit(child)
        elif isinstance(node, ast.IfExp):
            self.visit(node.test)
            self.visit(node.body)
            self.visit(node.orelse)
        elif isinstance(node, ast.Call):
            self.call(node)
        else:
            message, hint = forbidden_node(node, self.text) or (
                msg("not allowed"),
                msg("write a plain expression"),
            )
            raise self.loc.error("E-EXPR-FORBIDDEN", message, node=node, hint=hint)

    def constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            return
        if isinstance(value, str):
            # Survey data is normalised to NFC; so are category values written in rules.
            node.value = unicodedata.normalize("NFC", value)
            return
        if isinstance(value, int | float):
            # The tree keeps exact values from here on (the compiler and simpleeval read them).
            node.value = self.number(node)  # type: ignore[assignment]
            return
        message, hint = forbidden_node(node, self.text) or (
            msg("not allowed"),
            msg("write a plain expression"),
        )
        raise self.loc.error("E-EXPR-FORBIDDEN", message, node=node, hint=hint)

    def number(self, node: ast.Constant) -> Decimal:
        text = ast.get_source_segment(self.text, node) or ""
        if text[:2].lower() in ("0x", "0o", "0b"):
            raise self.loc.error(
                "E-EXPR-FORBIDDEN",
                msg("the number {text} is not written in decimal", text=text),
                node=node,
                hint=msg("write it as {value}", value=repr(node.value)),
            )
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):  # pragma: no cover - the parser accepted it
            raise self.loc.error(
                "E-EXPR-SYNTAX", msg("{text} is not a number", text=repr(text)), node=node
            ) from None
        digits = "".join(map(str, number.as_tuple().digits))
        significant = len(digits.rstrip("0"))
        if significant > MAX_DIGITS:
            raise self.loc.error(
                "E-EXPR-LIMIT",
                msg(
                    "the number {text} has more than {limit} significant digits",
                    text=text,
                    limit=MAX_DIGITS,
                ),
                node=node,
                hint=msg(
                    "exact arithmetic keeps {limit} digits; shorten the number", limit=MAX_DIGITS
                ),
            )
        if number and not MIN_NUMBER <= number.copy_abs() <= MAX_NUMBER:
            # The same bounds as every other number in a rule file (points, weights, ranges).
            raise self.loc.error(
                "E-EXPR-LIMIT",
                msg("the number {text} is too large or too small", text=text),
                node=node,
                hint=msg(
                    "rule files accept magnitudes from {low} to {high} (and zero)",
                    low=f"{MIN_NUMBER:.0E}",
                    high=f"{MAX_NUMBER:.0E}",
                ),
            )
        return number

    def name(self, node: ast.Name) -> None:
        written = ast.get_source_segment(self.text, node) or node.id
        if node.id.startswith("_"):
            raise self.loc.error(
                "E-EXPR-FORBIDDEN",
                msg("names starting with '_' are reserved: {written}", written=repr(written)),
                node=node,
                hint=msg("use the declared id of an indicator or derived value"),
            )
        if not (written.isascii() and written == node.id):
            suggestion = _ascii_form(written)
            raise self.loc.error(
                "E-EXPR-NAME",
                msg(
                    "{written} is not a valid id: ids are ASCII letters, digits and '_'",
                    written=repr(written),
                ),
                node=node,
                hint=msg("did you mean '{name}'?", name=suggestion)
                if suggestion
                else msg("ids are ASCII snake_case, e.g. nhan_luc_so"),
            )

    def call(self, node: ast.Call) -> None:
        if not isinstance(node.func, ast.Name):
            raise self.loc.error(
                "E-EXPR-FORBIDDEN",
                msg("only functions of the library can be called, by name"),
                node=node,
                hint=msg("call a function by its name, e.g. min(a, b)"),
            )
        name = node.func.id
        try:
            spec = lookup_function(name)
        except ExtensionError as exc:
            raise self.loc.error(
                "E-EXTENSION",
                exc.first.message,
                node=node.func,
                hint=msg("fix or uninstall the plugin; udcntt check --list-extensions lists them"),
            ) from None
        if spec is None:
            if name.startswith("_"):
                self.name(node.func)
            raise self.loc.error(
                "E-EXPR-FUNC",
                msg("unknown function '{name}'", name=name),
                node=node.func,
                hint=did_you_mean(name, FUNCTIONS) or _functions_hint(),
            )
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.loc.error(
                    "E-EXPR-FORBIDDEN",
                    msg("argument unpacking (*x) is not allowed"),
                    node=arg,
                    hint=msg("list the arguments one by one"),
                )
        if node.keywords:
            raise self.loc.error(
                "E-EXPR-FORBIDDEN",
                msg("keyword arguments are not allowed in a call of {name}()", name=name),
                node=node.keywords[0].value,
                hint=msg("pass the arguments by position: {signature}", signature=spec.signature),
            )
        if spec.arg_kinds(len(node.args)) is None:
            raise self.loc.error(
                "E-EXPR-FUNC",
                msg(
                    "{name}() takes {arity} arguments, {count} given",
                    name=name,
                    arity=spec.arity_text,
                    count=len(node.args),
                ),
                node=node,
                hint=msg("write {signature}", signature=spec.signature),
            )
        self.functions.add(name)
        for arg in node.args:
            self.visit(arg)


def _functions_hint() -> str:
    # Two halves: each argument of a message is cut at MAX_QUOTED characters.
    names = sorted(FUNCTIONS)
    half = len(names) // 2
    return msg(
        "the functions are: {names}, {more}",
        names=", ".join(names[:half]),
        more=", ".join(names[half:]),
    )
