"""Checking a rule set's declared relations (``staff_with_computer <= staff_total``) per agency.

Relations are compiled with :func:`udcntt.expressions.compile_expression` (imported lazily,
so reading data does not pay for the expression compiler unless relations exist). A relation
is checked for an agency when its block is in the relation's ``blocks`` (or it has none) and
every indicator it names has a value; a relation over a not-applicable or missing value is
not checked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from udcntt.data._dataset import Value
from udcntt.model._indicators import IndicatorType, Relation
from udcntt.model._ruleset import RuleSet

if TYPE_CHECKING:
    from udcntt.expressions import NameInfo

__all__ = ["CompiledRelation", "compile_relations", "indicator_names"]

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
