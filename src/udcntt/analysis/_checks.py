"""Checks of an analysis file against the rule set it analyses, before any draw.

Unknown criteria, groups, tiers and indicators, alternatives that break a budget, tier
thresholds that would overlap, noise on a value that is not a number: each is a located
diagnostic, and all of them are reported at once.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from itertools import pairwise
from typing import Any

from udcntt.analysis._spec import AnalysisSpec, Factor
from udcntt.errors import Diagnostic, RuleFileError, did_you_mean, msg
from udcntt.model import Criterion, RuleSet

__all__ = [
    "aggregate_name",
    "check_spec",
    "criteria_index",
    "node_max",
    "normalise_rule",
    "text_of",
]

_TOTAL = "total"


def text_of(value: Any) -> str:
    """The text of an enum member or of a plain string (the model names kinds by id)."""
    return str(getattr(value, "value", value))


def aggregate_name(node: Criterion) -> str:
    """The name of a group's aggregation (``sum``, ``weighted_mean``, ``geometric_mean``…)."""
    return text_of(node.aggregate)


def normalise_rule(node: Criterion) -> Any:
    """A leaf's population normalisation (``value``, ``method``, ``scope``…), or ``None``."""
    spec = getattr(node, "normalise", None)
    if spec is None and hasattr(node, "rule_spec"):
        spec = node.rule_spec("normalise")
    return spec


def criteria_index(rules: RuleSet) -> dict[str, tuple[Criterion, str | None]]:
    """Every criterion by id, with the id of its parent (``None`` at the top)."""
    out: dict[str, tuple[Criterion, str | None]] = {}
    stack: list[tuple[Criterion, str | None]] = [(c, None) for c in rules.criteria]
    while stack:
        node, parent = stack.pop()
        out[node.id] = (node, parent)
        stack.extend((c, node.id) for c in node.children or ())
    return out


def node_max(node: Criterion) -> Decimal:
    """A criterion's budget: its ``max``, or the sum of its children's."""
    if node.max is not None:
        return node.max
    return sum((node_max(c) for c in node.children or () if not c.unscored), Decimal(0))


def _children(
    rules: RuleSet, index: dict[str, tuple[Criterion, str | None]], gid: str
) -> list[Criterion]:
    if gid == _TOTAL and gid not in index:
        return [c for c in rules.criteria if not c.unscored]
    return [c for c in index[gid][0].children or () if not c.unscored]


def check_spec(spec: AnalysisSpec, rules: RuleSet) -> AnalysisSpec:
    """Check ``spec`` against ``rules``; return it with Dirichlet siblings filled in.

    Raises:
        RuleFileError: every problem, located in the analysis file.
    """
    index = criteria_index(rules)
    tiers = {t.id: t for t in rules.tiers.levels}
    diags: list[Diagnostic] = list(spec.problems)
    out: list[Factor] = []

    def error(f: Factor, code: str, message: str, hint: str | None = None) -> None:
        diags.append(
            Diagnostic(
                code=code, message=message, location=f.location, hint=hint, criterion=f.target
            )
        )

    def unknown(f: Factor, what: str, names: Any) -> None:
        templates = {
            "criterion": msg("no criterion '{name}' in the rule set", name=f.target),
            "group": msg("no group '{name}' in the rule set", name=f.target),
            "tier": msg("no tier '{name}' in the rule set", name=f.target),
            "indicator": msg("no indicator '{name}' in the rule set", name=f.target),
        }
        error(f, "E-ANALYSIS-NAME", templates[what], did_you_mean(f.target, names))

    for declared in spec.factors:
        f = declared
        if f.kind in ("points_uniform", "points_alternatives", "exclude", "normalisation"):
            if f.target not in index:
                unknown(f, "criterion", index)
                continue
            node = index[f.target][0]
            if f.kind == "normalisation" and (node.is_group or normalise_rule(node) is None):
                error(
                    f,
                    "E-ANALYSIS-VALUE",
                    msg("criterion '{name}' is not normalised over a population", name=f.target),
                    msg("alternative normalisations apply to leaves with a 'normalise' rule"),
                )
                continue
            if f.kind == "points_alternatives" and node.unscored:
                error(f, "E-ANALYSIS-VALUE", msg("criterion '{name}' is unscored", name=f.target))
                continue
        elif f.kind in ("weights_dirichlet", "weights_alternatives", "aggregation"):
            if f.target != _TOTAL and f.target not in index:
                unknown(f, "group", [k for k, (c, _) in index.items() if c.is_group] + [_TOTAL])
                continue
            if f.target != _TOTAL and not index[f.target][0].is_group:
                error(
                    f, "E-ANALYSIS-VALUE", msg("criterion '{name}' is not a group", name=f.target)
                )
                continue
            if f.kind == "aggregation" and f.target == _TOTAL:
                error(f, "E-ANALYSIS-VALUE", msg("the total always sums its groups; name a group"))
                continue
            kids = _children(rules, index, f.target)
            if f.kind == "weights_dirichlet":
                if len(kids) < 2:
                    error(
                        f,
                        "E-ANALYSIS-VALUE",
                        msg("group '{name}' has fewer than two children", name=f.target),
                    )
                    continue
                f = dataclasses.replace(f, choices=tuple(c.id for c in kids))
            elif f.kind == "weights_alternatives" and not _check_sets(f, kids, rules, index, error):
                continue
        elif f.kind in ("tier_uniform", "tier_alternatives"):
            if f.target not in tiers:
                unknown(f, "tier", tiers)
                continue
            if tiers[f.target].min is None:
                error(
                    f,
                    "E-ANALYSIS-VALUE",
                    msg("tier '{name}' has no threshold to vary", name=f.target),
                )
                continue
        elif f.kind in ("noise", "imputation"):
            ind = rules.indicators.get(f.target)
            if ind is None:
                unknown(f, "indicator", rules.indicators)
                continue
            if ind.type.value not in ("count", "number", "ratio"):
                error(
                    f,
                    "E-ANALYSIS-VALUE",
                    msg("indicator '{name}' is not a number", name=f.target),
                    msg("noise and imputation apply to count, number and ratio indicators"),
                )
                continue
        out.append(f)
    diags.extend(_tier_order(spec, rules))
    if diags:
        raise RuleFileError.from_diagnostics(diags)
    return dataclasses.replace(spec, factors=tuple(out), problems=())


def _check_sets(f: Factor, kids: list[Criterion], rules: RuleSet, index: Any, error: Any) -> bool:
    """Each alternative set names only children and, under a sum, keeps the budget."""
    ids = {c.id for c in kids}
    group = None if f.target == _TOTAL and f.target not in index else index[f.target][0]
    summing = group is None or aggregate_name(group) == "sum"
    budget = node_max(group) if group is not None else sum((node_max(c) for c in kids), Decimal(0))
    ok = True
    for i, alt in enumerate(f.choices):
        bad = [k for k in alt if k not in ids]
        if bad:
            error(
                f,
                "E-ANALYSIS-NAME",
                msg("'{name}' is not a child of '{group}'", name=bad[0], group=f.target),
                did_you_mean(bad[0], ids),
            )
            ok = False
            continue
        full = {c.id: alt.get(c.id, node_max(c) if summing else c.weight) for c in kids}
        if summing and sum(full.values(), Decimal(0)) != budget:
            error(
                f,
                "E-ANALYSIS-BUDGET",
                msg(
                    "alternative {index} gives the children of '{group}' {total} points, not its budget {budget}",
                    index=i + 1,
                    group=f.target,
                    total=sum(full.values(), Decimal(0)),
                    budget=budget,
                ),
                msg("the points of the children of a summing group must add up to its maximum"),
            )
            ok = False
        if not summing and not any(full.values()):
            error(
                f,
                "E-ANALYSIS-BUDGET",
                msg(
                    "alternative {index} gives every child of '{group}' a weight of 0",
                    index=i + 1,
                    group=f.target,
                ),
            )
            ok = False
    return ok


def _tier_order(spec: AnalysisSpec, rules: RuleSet) -> list[Diagnostic]:
    """Varied thresholds must keep the tiers in order: a tier's lowest ≥ the next one's highest."""
    spans: list[tuple[Decimal, Decimal, Factor | None]] = []
    by_tier = {f.target: f for f in spec.factors if f.kind.startswith("tier_")}
    for level in rules.tiers.levels:
        if level.min is None:
            continue
        f = by_tier.get(level.id)
        lo = hi = level.min
        if f is not None and f.kind == "tier_uniform":
            d = level.min * Decimal(str(f.spread)) / 100
            lo, hi = level.min - d, level.min + d
        elif f is not None:
            lo, hi = min(f.choices), max(f.choices)
        spans.append((lo, hi, f))
    out: list[Diagnostic] = []
    for (lo, _, f), (_, hi_next, g) in pairwise(spans):
        if lo <= hi_next and (f or g) is not None:
            where = f or g
            if where is None:  # pragma: no cover - guarded by the condition above
                continue
            out.append(
                Diagnostic(
                    code="E-ANALYSIS-TIER",
                    message=msg(
                        "varied tier thresholds overlap ({low} ≤ {high})", low=lo, high=hi_next
                    ),
                    location=where.location,
                    hint=msg("narrow the spread so that tiers stay in order"),
                )
            )
    return out
