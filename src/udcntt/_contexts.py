"""What declarations of rule types may ask of the engine: the context protocols.

A rule type (:class:`udcntt._kinds.RuleType`) receives one of these in each of its engine
hooks: :class:`CompileContext` when its YAML fragment is compiled, :class:`RangeContext`
for the static checks against declared ranges, :class:`CodeContext` when the fast path is
generated, :class:`VectorContext` when the vectorised path runs, and :class:`Picker` when
the property toolkit draws an example of it. The engine
implements them (``program``, ``testing``); a rule type only calls them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol, TypeVar

__all__ = ["CodeContext", "CompileContext", "Path", "Picker", "RangeContext", "VectorContext"]

Path = tuple[str | int, ...]
_T = TypeVar("_T")


class CompileContext(Protocol):
    """What a rule type's :meth:`RuleType.compile` may ask of the compiler."""

    #: The id of the criterion being compiled.
    criterion: str
    #: Whether the rule is an item of ``sum_of`` / ``best_of``.
    nested: bool
    #: Whether the criterion is ``unscored`` (information only).
    unscored: bool

    def expr(self, source: str, path: Path, expected: str | None) -> Any | None:
        """Compile ``source`` (located at ``path``) expecting ``"number"``, ``"bool"``,
        ``"category"`` or any type (``None``); ``None`` after reporting an error."""

    def error(self, code: str, message: str, path: Path, *, hint: str | None = None) -> None:
        """Report a located error of the rule file."""

    def indicators(self) -> Mapping[str, Any]:
        """The rule set's indicators (:class:`udcntt.model.Indicator` by id)."""

    def use(self, name: str) -> None:
        """Mark an indicator as read directly (not through an expression)."""

    def rule(self, node: Any, path: Path) -> Any:
        """Compile a nested rule (``sum_of`` / ``best_of`` items)."""


class CodeContext(Protocol):
    """What a declaration's ``python`` hook may ask of the fast-path code generator."""

    def expr(self, expression: Any) -> str:
        """Python source computing a compiled expression."""

    def const(self, value: Decimal) -> str:
        """The name of a hoisted ``Decimal`` constant."""

    def var(self, name: str) -> str:
        """The local holding an indicator's or derived value's value."""

    def value(self, obj: Any) -> str:
        """The name of a hoisted constant of any kind (a table, a bound boundary call)."""

    def new(self) -> str:
        """A fresh local name."""

    def line(self, text: str) -> None:
        """Append a line of the generated function's body."""

    def rule(self, rule: Any) -> str:
        """Emit a nested rule; the local holding its points."""

    def plus(self, terms: Sequence[str]) -> str:
        """Source adding ``terms`` left to right (any number of them)."""


class RangeContext(Protocol):
    """What a rule type's :meth:`RuleType.check_ranges` may ask of the static checker."""

    def range(self, source: str) -> tuple[Decimal | None, Decimal | None]:
        """The bounds of an expression from the declared ranges (``None``: unbounded)."""

    def error(self, code: str, message: str, path: Path, *, hint: str | None = None) -> None:
        """Report a located error."""

    def warning(self, code: str, message: str, path: Path, *, hint: str | None = None) -> None:
        """Report a located warning."""

    def check(self, rule: Any, path: Path) -> None:
        """Check a nested rule (located at ``path``, the item's place)."""


class Picker(Protocol):
    """What a rule type's test strategy (:meth:`RuleType.example`) may draw and declare.

    The property toolkit (:mod:`udcntt.testing`) implements it over Hypothesis, so the
    examples shrink; the rule type never imports Hypothesis.
    """

    def integer(self, lo: int, hi: int) -> int:
        """An integer in ``[lo, hi]``."""

    def choice(self, options: Sequence[_T]) -> _T:
        """One of ``options``."""

    def boolean(self) -> bool:
        """Yes or no."""

    def number_input(self, kind: str = "count", *, not_applicable: bool = False) -> str:
        """Declare a number indicator read by the rule; its id. ``count``, ``number`` (in
        [0, 1000]) and ``ratio`` are better when higher; ``total`` is a count in [1, 500]
        with no direction (a denominator)."""

    def bool_input(self) -> str:
        """Declare a yes/no indicator (yes is better); its id."""

    def category_input(self, n: int) -> tuple[str, list[str]]:
        """Declare a category indicator with ``n`` categories; its id and categories."""

    def relation(self, check: str) -> None:
        """Declare a relation the survey data satisfy (``x <= y``)."""


class VectorContext(Protocol):
    """What a declaration's ``vector`` hook may ask of the vectorised scoring path.

    Values are opaque columns (one entry per agency of a block): numbers as float64 with
    an error bound per entry, conditions as booleans, categories as codes. Every
    comparison records, per agency, whether its outcome is certain given the error
    bounds; agencies where one is not are scored again by the exact ``Decimal`` function,
    so a hook only has to say *what* to compute, never how exact it is.
    """

    def expr(self, expression: Any) -> Any:
        """The column of a compiled expression (number, condition or category)."""

    def const(self, value: Decimal) -> Any:
        """A number constant, as a column."""

    def input(self, name: str) -> Any:
        """The column of an indicator read directly (not through an expression)."""

    def compare(self, left: Any, op: str, right: Any) -> Any:
        """The condition ``left op right`` (``<``, ``<=``, ``>``, ``>=``, ``==``, ``!=``)."""

    def select(self, condition: Any, then: Any, otherwise: Any) -> Any:
        """``then`` where the condition holds, else ``otherwise`` (both numbers)."""

    def first(self, choices: Sequence[tuple[Any, Any]], otherwise: Any) -> Any:
        """The value of the first ``(condition, value)`` that holds, else ``otherwise``.

        Each condition is a function of no arguments building it
        (``lambda: ctx.compare(x, ">=", bound)``), called with only the agencies still
        undecided live, so only the comparisons an agency reaches can send it to the
        exact path.
        """

    def add(self, left: Any, right: Any) -> Any:
        """``left + right``."""

    def mul(self, left: Any, right: Any) -> Any:
        """``left * right``."""

    def div(self, left: Any, right: Any) -> Any:
        """``left / right`` (a possibly zero divisor sends the agency to the exact path)."""

    def minimum(self, left: Any, right: Any) -> Any:
        """``min(left, right)``."""

    def maximum(self, left: Any, right: Any) -> Any:
        """``max(left, right)``."""

    def lookup(self, category: Any, table: Mapping[str, Decimal], otherwise: Decimal) -> Any:
        """The points of a category column's values in ``table``, else ``otherwise``."""
