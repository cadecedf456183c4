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
from typing import Any

from udcntt.data._dataset import Value
from udcntt.model._indicators import IndicatorType, Relation
from udcntt.model._ruleset import RuleSet

__all__ = ["CompiledRelation", "compile_relations"]

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

    names = {}
    kinds = {
        IndicatorType.COUNT: "NUMBER",
        IndicatorType.NUMBER: "NUMBER",
        IndicatorType.RATIO: "NUMBER",
        IndicatorType.BOOL: "BOOL",
        IndicatorType.CATEGORY: "CATEGORY",
        IndicatorType.DATE: "DATE",
    }
    for ind_id, ind in rules.indicators.items():
        cats = frozenset(ind.categories) if ind.categories else None
        names[ind_id] = expressions.NameInfo(
            type=getattr(expressions.ExprType, kinds[ind.type]), categories=cats, label=ind.label
        )
    out = []
    for rel in rules.relations:
        expr = expressions.compile_expression(
            rel.check, names=names, expected=expressions.ExprType.BOOL
        )
        out.append(CompiledRelation(rel, tuple(sorted(expr.names)), expr.evaluate))
    return out
