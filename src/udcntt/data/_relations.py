"""Checking a rule set's declared relations (``staff_with_computer <= staff_total``) per agency.

Relations are compiled with :func:`udcntt.expressions.compile_expression` (imported lazily,
so reading data does not pay for the expression compiler unless relations exist). A relation
is checked for an agency when its block is in the relation's ``blocks`` (or it has none) and
every indicator it names has a value; a relation over a not-applicable or missing value is
not checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from udcntt.data._dataset import MISSING, Marker, Value, ValueOrMarker
from udcntt.errors import Diagnostic, msg
from udcntt.model import IndicatorType, Relation, RuleSet

if TYPE_CHECKING:
    from udcntt.data._agencies import Draft
    from udcntt.expressions import NameInfo

__all__ = [
    "CompiledRelation",
    "check_relations",
    "compile_relations",
    "indicator_names",
    "shown_value",
]

_Check = Callable[[Mapping[str, Value]], Any]


@dataclass(frozen=True)
class CompiledRelation:
    """A relation ready to check: the names it reads and a function of their values."""

    relation: Relation
    names: tuple[str, ...]
    check: _Check

    def applies(self, block: str) -> bool:
        """Whether the relation is checked for agencies of ``block``."""
        return self.relation.blocks is None or block in self.relation.blocks


def compile_relations(rules: RuleSet) -> list[CompiledRelation]:
    """Compile every relation of ``rules``.

    Raises:
        ExpressionError: when a relation is not a valid expression over the indicators.
    """
    if not rules.relations:
        return []
    from udcntt import expressions

    names = indicator_names(rules)
    out = []
    for rel in rules.relations:
        expr = expressions.compile_expression(
            rel.check, names=names, expected=expressions.ExprType.BOOL
        )
        out.append(CompiledRelation(rel, tuple(sorted(expr.names)), expr.evaluate))
    return out


def indicator_names(rules: RuleSet) -> dict[str, NameInfo]:
    """How expressions see each indicator: its value type, categories and label."""
    from udcntt.expressions import ExprType, NameInfo

    kinds = {
        IndicatorType.COUNT: ExprType.NUMBER,
        IndicatorType.NUMBER: ExprType.NUMBER,
        IndicatorType.RATIO: ExprType.NUMBER,
        IndicatorType.BOOL: ExprType.BOOL,
        IndicatorType.CATEGORY: ExprType.CATEGORY,
        IndicatorType.DATE: ExprType.DATE,
    }
    return {
        ind_id: NameInfo(
            type=kinds[ind.type],
            categories=frozenset(ind.categories) if ind.categories else None,
            label=ind.label,
        )
        for ind_id, ind in rules.indicators.items()
    }


def check_relations(rules: RuleSet, agencies: Iterable[Draft]) -> list[Diagnostic]:
    """``E-DATA-RELATION`` for each relation an agency breaks; its values are dropped.

    A relation that holds is silent; one that cannot be evaluated is an error too. The
    values a broken relation names are removed from the agency: none of them is used until
    they agree.
    """
    relations = compile_relations(rules)
    out: list[Diagnostic] = []
    for agency in agencies:
        for rel in relations:
            if not rel.applies(agency.block):
                continue
            env = {n: agency.values.get(n, MISSING) for n in rel.names}
            if any(isinstance(v, Marker) for v in env.values()):
                continue
            values = {n: v for n, v in env.items() if not isinstance(v, Marker)}
            try:
                holds = bool(rel.check(values))
                problem = None if holds else msg("does not hold")
            except Exception as exc:  # a runtime signal of the expression layer
                problem = msg(
                    "cannot be checked ({reason})",
                    reason=getattr(exc, "code", type(exc).__name__),
                )
            if problem is None:
                continue
            shown = ", ".join(f"{n} = {shown_value(values[n])}" for n in rel.names)
            out.append(
                Diagnostic(
                    code="E-DATA-RELATION",
                    location=agency.location,
                    agency=agency.id,
                    indicator=rel.names[0] if rel.names else None,
                    message=msg(
                        "{message} ({problem})", message=rel.relation.message, problem=problem
                    )
                    if rel.relation.message
                    else msg(
                        "relation '{check}' {problem}",
                        check=rel.relation.check,
                        problem=problem,
                    ),
                    notes=(
                        msg("values: {values}", values=shown),
                        msg("relation: {check}", check=rel.relation.check),
                    ),
                    hint=msg("check the figures; none of them is used until they agree"),
                )
            )
            for name in rel.names:
                agency.values.pop(name, None)
    return out


def shown_value(value: ValueOrMarker | None) -> str:
    """A value as a report shows it (``(empty)``, ``N/A``, ``Có``/``Không``, the number)."""
    if value is None or value is MISSING:
        return "(empty)"
    if isinstance(value, Marker):
        return "N/A"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return str(value)
