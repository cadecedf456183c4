"""Locating problems inside an expression string, relative to the file it came from."""

from __future__ import annotations

import ast
from dataclasses import replace

from udcntt.errors import ExpressionError, SourceLocation

__all__ = ["Locator"]


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
