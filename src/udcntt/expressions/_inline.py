"""Library calls written out as conditional expressions, for the generated fast path.

:meth:`Expression.to_python` with a ``temp`` function emits ``min``, ``max``, ``clamp``,
``ratio``, ``capped_ratio``, ``per_item`` and ``bands`` through :class:`Inline` instead of
calling the run-time helpers: no Python call per agency. Three rules keep the results those
of the calls:

* the value is the very object the helper returns: ``min`` and ``max`` give the first of
  equal values (``Decimal('1.0')`` and ``Decimal('1.00')`` keep their exponents), the
  comparisons are the ones the built-ins make (``b < a`` replaces ``a`` in ``min``);
* every argument that can raise (see :func:`safe`) is evaluated whenever the call would
  evaluate it, in the call's order, so an agency fails where the call fails;
* a value read more than once is kept in a temporary bound by an assignment expression
  (``(_t1 := x)``); plain identifiers (locals, hoisted constants) are read again instead.

With ``bounds`` (the range each subexpression is proven to lie in, from the caller's static
analysis), a comparison whose outcome the ranges decide is left out, and with it the
argument it would discard when that argument cannot raise.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from decimal import Decimal

__all__ = ["Bounds", "Inline", "safe"]

#: (lowest, highest) a value can take; ``None`` on a side not known.
Range = tuple[Decimal | None, Decimal | None]
#: The proven range of a subexpression's value (``(None, None)``: nothing known).
Bounds = Callable[[ast.expr], Range]
_UNKNOWN: Range = (None, None)
#: Library functions that only compare their arguments.
_COMPARING = frozenset({"min", "max", "clamp"})


def safe(node: ast.expr, folded: Mapping[int, Decimal]) -> bool:
    """Whether evaluating ``node`` can never raise: names, constants, and comparisons,
    ``and``/``or``/``not``, ``x if c else y``, ``min``, ``max`` and ``clamp`` of such
    (finite decimals compare without a signal). Arithmetic can overflow, so it is not
    safe."""
    if id(node) in folded or isinstance(node, ast.Name | ast.Constant):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in _COMPARING and all(safe(n, folded) for n in node.args)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return safe(node.operand, folded)
    if isinstance(node, ast.Compare):
        return all(safe(n, folded) for n in (node.left, *node.comparators))
    if isinstance(node, ast.BoolOp):
        return all(safe(n, folded) for n in node.values)
    if isinstance(node, ast.IfExp):
        return all(safe(n, folded) for n in (node.test, node.body, node.orelse))
    return False


def _below(a: Decimal | None, b: Decimal | None, strict: bool) -> bool:
    """Whether ``a <= b`` (``a < b`` when ``strict``) is known from two bounds."""
    if a is None or b is None:
        return False
    return a < b if strict else a <= b


def _both(a: Decimal | None, b: Decimal | None, pick: Callable[..., Decimal]) -> Decimal | None:
    """``pick(a, b)``, unknown when either is."""
    return None if a is None or b is None else pick(a, b)


def _either(a: Decimal | None, b: Decimal | None, pick: Callable[..., Decimal]) -> Decimal | None:
    """``pick`` of the known ones of ``a`` and ``b``."""
    known = [v for v in (a, b) if v is not None]
    return pick(known) if known else None


def _atom(text: str) -> str:
    return text if text.isidentifier() else f"({text})"


class _Arg:
    """A written-out argument: its text, its proven range, whether it can raise, and its
    value when it is a constant."""

    __slots__ = ("range", "safe", "text", "value")

    def __init__(self, text: str, range_: Range, safe_: bool, value: Decimal | None = None) -> None:
        self.text = text
        self.range = range_
        self.safe = safe_
        self.value = value


class Inline:
    """Writes library calls out (see the module's description).

    Args:
        temp: Returns a fresh local name on every call (temporaries).
        const: Returns the name of a hoisted constant.
        folded: The checked tree's folded constants (by node id).
        bounds: The proven range of a subexpression, or ``None``.
    """

    def __init__(
        self,
        temp: Callable[[], str],
        const: Callable[[Decimal], str],
        folded: Mapping[int, Decimal],
        bounds: Bounds | None,
    ) -> None:
        self.temp = temp
        self.const = const
        self.folded = folded
        self.bounds = bounds

    def arg(self, text: str, node: ast.expr) -> _Arg:
        """An argument ``node`` written as ``text``, with its range and safety."""
        found = self.bounds(node) if self.bounds is not None else _UNKNOWN
        return _Arg(text, found, safe(node, self.folded), self.folded.get(id(node)))

    def bind(self, text: str) -> tuple[str, str]:
        """(text that evaluates ``text`` once and keeps it, text that reads it again)."""
        if text.isidentifier():
            return text, text
        name = self.temp()
        return f"({name} := {text})", name

    def pick(self, first: str, other: str, op: str) -> str:
        """``other`` when ``first op other`` holds, else ``first`` (``>``: min, ``<``: max)."""
        first_eval, first_again = self.bind(first)
        other_eval, other_again = self.bind(other)
        return f"({other_again} if {first_eval} {op} {other_eval} else {first_again})"

    def fold(self, args: list[_Arg], smallest: bool) -> _Arg:
        """``min(a, b, …)`` (``smallest``) or ``max``, folded left as the built-ins scan
        their arguments: ``b`` replaces the value so far when ``b < so_far`` (``min``) or
        ``b > so_far`` (``max``). A comparison the ranges decide is not written; the
        argument it discards is left out only when it cannot raise."""
        acc = args[0]
        for arg in args[1:]:
            lo, hi = acc.range
            a_lo, a_hi = arg.range
            if smallest:
                keeps = _below(hi, a_lo, strict=False)  # never arg < acc
                replaces = _below(a_hi, lo, strict=True)  # always arg < acc
                joined = (_both(lo, a_lo, min), _either(hi, a_hi, min))
            else:
                keeps = _below(a_hi, lo, strict=False)  # never arg > acc
                replaces = _below(hi, a_lo, strict=True)  # always arg > acc
                joined = (_either(lo, a_lo, max), _both(hi, a_hi, max))
            if keeps and arg.safe:
                continue
            if replaces and acc.safe:
                acc = arg
                continue
            text = self.pick(acc.text, arg.text, ">" if smallest else "<")
            acc = _Arg(text, joined, acc.safe and arg.safe)
        return acc

    def clamp(self, x: _Arg, lo: _Arg, hi: _Arg) -> str:
        """``min(max(x, lo), hi)``; with constant bounds ``lo <= hi``, the two comparisons
        share one temporary, and each is left out when ``x``'s range decides it."""
        lo_value, hi_value = lo.value, hi.value
        if lo_value is None or hi_value is None or lo_value > hi_value:
            return self.fold([self.fold([x, lo], smallest=False), hi], smallest=True).text
        low = not _below(lo_value, x.range[0], strict=False)  # x < lo can happen
        high = not _below(x.range[1], hi_value, strict=False)  # x > hi can happen
        if not (low or high):
            return x.text
        x_eval, x_again = self.bind(x.text)
        if not low:
            return f"({hi.text} if {x_eval} > {hi.text} else {x_again})"
        if not high:
            return f"({lo.text} if {x_eval} < {lo.text} else {x_again})"
        return (
            f"({lo.text} if {x_eval} < {lo.text} else "
            f"({hi.text} if {x_again} > {hi.text} else {x_again}))"
        )

    def eager(self, args: list[tuple[str, bool]], tested: int) -> tuple[str, list[str]]:
        """A test that evaluates, in order, every argument that can raise, then is true
        when ``args[tested]`` is (a non-zero number).

        ``args`` are (text, safe) pairs; ``args[tested]`` must not be safe. A safe argument
        is not evaluated here (the caller reads its text where it needs the value). An
        unsafe one is evaluated by ``(_t := x) is None``, never true for a number, so ``or``
        goes on to the next; the tested one last of all is tested by its own value.

        Returns:
            (the test, the text reading each argument afterwards).
        """
        steps: list[str] = []
        again: list[str] = []
        for text, is_safe in args:
            if is_safe:
                again.append(text)
                continue
            evaluate, read = self.bind(text)
            steps.append(evaluate)
            again.append(read)
        last_unsafe = max(i for i, (_, is_safe) in enumerate(args) if not is_safe)
        if last_unsafe == tested:
            return " or ".join([*(f"{e} is None" for e in steps[:-1]), steps[-1]]), again
        return " or ".join([*(f"{e} is None" for e in steps), again[tested]]), again

    def ratio(self, a: _Arg, b: str, default: _Arg) -> str:
        """``a / b``, or ``default`` when ``b`` is zero; an unsafe ``a`` or ``default`` is
        evaluated whatever ``b`` is, in the call's order."""
        test, (a_read, b_read, d_read) = self.eager(
            [(a.text, a.safe), (b, False), (default.text, default.safe)], 1
        )
        return f"({a_read} / {b_read} if ({test}) else {d_read})"

    def capped_ratio(self, a: _Arg, b: str) -> str:
        """``a / b`` clipped to [0, 1], 0 when ``b`` is zero."""
        zero, one = _atom(self.const(Decimal(0))), _atom(self.const(Decimal(1)))
        test, (a_read, b_read) = self.eager([(a.text, a.safe), (b, False)], 1)
        q_eval, q_again = self.bind(f"{a_read} / {b_read}")
        clipped = f"({one} if {q_eval} > {one} else ({zero} if {q_again} < {zero} else {q_again}))"
        return f"({clipped} if ({test}) else {zero})"

    def bands(self, x: str, table: list[str]) -> str:
        """The first ``p_i`` with ``x >= t_i``, else the last entry (all but ``x`` safe)."""
        x_eval, x_again = self.bind(x)
        text = table[-1]
        for i in reversed(range(0, len(table) - 1, 2)):
            test = x_eval if i == 0 else x_again
            text = f"({table[i + 1]} if {test} >= {table[i]} else {text})"
        return text
