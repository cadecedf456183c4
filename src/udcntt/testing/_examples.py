"""What each property runs on: the example strategy and the check, per invariant."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st

from udcntt.data import NA, Dataset
from udcntt.model import RuleSet
from udcntt.program import CompiledRuleSet
from udcntt.testing._authoring import (
    MISSING_CHECKED,
    check_missing,
    check_normalise_alone,
    missing_examples,
    normalised_leaves,
)
from udcntt.testing._invariants import check_bounds, check_monotone, check_totals
from udcntt.testing._not_applicable import check_not_applicable
from udcntt.testing._reproducible import (
    check_determinism,
    check_extends,
    check_permutation,
    fresh_compile,
)
from udcntt.testing._strategies import datasets, directional_indicators, improve
from udcntt.testing._tier_checks import check_tiers
from udcntt.testing._violations import Violation

__all__ = ["RUNS", "bodies", "nothing_to_check"]


def _monotone_examples(compiled: CompiledRuleSet) -> st.SearchStrategy[Any]:
    base = datasets(compiled, 1, 3, missing=False)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[Dataset, str, str, Any]:
        data = draw(base)
        # The first agency changes, the others stay: agencies are drawn alike, so nothing is
        # lost, and shrinking can drop the others.
        record = data.agencies[0]
        names = [
            n
            for n in directional_indicators(compiled, record.block)
            if record.values.get(n) is not NA
        ]
        if not names:
            reject()
        indicator = draw(st.sampled_from(names))
        value = improve(draw, compiled, record, indicator)
        return data, record.id, indicator, value

    return build()


def _permutation_examples(compiled: CompiledRuleSet) -> st.SearchStrategy[Any]:
    base = datasets(compiled, 2, 4)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[Dataset, tuple[int, ...]]:
        data = draw(base)
        order = draw(st.permutations(range(len(data.agencies))))
        return data, tuple(order)

    return build()


def _na_examples(compiled: CompiledRuleSet) -> st.SearchStrategy[Any]:
    base = datasets(compiled, 1, 3)
    allowed = {n for n, ind in compiled.rules.indicators.items() if ind.not_applicable}

    @st.composite
    def build(draw: st.DrawFn) -> tuple[Dataset, str | None, str | None]:
        data = draw(base)
        if not allowed or not draw(st.booleans()):
            return data, None, None
        record = data.agencies[0]
        names = [
            n
            for n in compiled.blocks[record.block].indicators
            if n in allowed and record.values.get(n) is not NA
        ]
        if not names:
            return data, None, None
        return data, record.id, draw(st.sampled_from(names))

    return build()


_Bodies = dict[str, tuple[Callable[[], st.SearchStrategy[Any]], Callable[[Any], list[Violation]]]]


def bodies(
    compiled: CompiledRuleSet, wanted: Sequence[str], extended: Callable[[], RuleSet | None]
) -> _Bodies:
    other = fresh_compile(compiled) if "determinism" in wanted else None

    def extends_body(d: Dataset) -> list[Violation]:
        ext = extended()
        return check_extends(compiled, ext, d) if ext is not None else []

    return {
        "bounds": (lambda: datasets(compiled, 1, 3), lambda d: _bounds_body(compiled, d, wanted)),
        "monotone": (
            lambda: _monotone_examples(compiled),
            lambda ex: check_monotone(compiled, ex[0], ex[1], ex[2], ex[3]),
        ),
        "tiers": (lambda: datasets(compiled, 1, 3), lambda d: check_tiers(compiled, d)),
        "permutation": (
            lambda: _permutation_examples(compiled),
            lambda ex: check_permutation(compiled, ex[0], ex[1]),
        ),
        "determinism": (
            lambda: datasets(compiled, 1, 3),
            lambda d: check_determinism(compiled, d, other=other),
        ),
        "not_applicable": (
            lambda: _na_examples(compiled),
            lambda ex: check_not_applicable(compiled, ex[0], agency=ex[1], indicator=ex[2]),
        ),
        "missing": (
            lambda: missing_examples(compiled),
            lambda ex: check_missing(compiled, ex[0], ex[1], ex[2]),
        ),
        "normalise": (
            lambda: datasets(compiled, 1, 2, missing=False),
            lambda d: check_normalise_alone(compiled, d),
        ),
        "extends": (lambda: datasets(compiled, 1, 3), extends_body),
        "totals": (lambda: datasets(compiled, 1, 3), lambda d: check_totals(compiled, d)),
    }


#: The hypothesis runs, in order ("scoring" rides along with "bounds").
RUNS = (
    "bounds",
    "monotone",
    "tiers",
    "permutation",
    "determinism",
    "not_applicable",
    "missing",
    "normalise",
    "extends",
    "totals",
)


def nothing_to_check(compiled: CompiledRuleSet, name: str) -> str | None:
    """Why ``name`` has nothing to check in this rule set (``None`` when it has)."""
    if name == "monotone" and not any(directional_indicators(compiled, b) for b in compiled.blocks):
        return "no indicator declares a direction"
    if name == "missing" and not any(
        ind.missing in MISSING_CHECKED for ind in compiled.rules.indicators.values()
    ):
        return "no indicator scores a missing value as zero or the block's lowest"
    if name == "normalise" and not normalised_leaves(compiled):
        return "no criterion normalises over a population"
    if name == "totals" and compiled.rules.rounding.totals.value != "sum_of_rounded":
        return "the rule set keeps 'totals: rounded_sum' (totals need not add up)"
    return None


def _bounds_body(
    compiled: CompiledRuleSet, data: Dataset, wanted: Sequence[str]
) -> list[Violation]:
    found = check_bounds(compiled, data)
    return [v for v in found if v.invariant in wanted]
