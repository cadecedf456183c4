"""The built-in aggregations of groups (``aggregate:``), each a registered declaration.

* ``sum`` — the children's points add up; their budgets must add up to the group's max.
* ``weighted_mean`` — Σ wᵢ·shareᵢ / Σ wᵢ × max, shareᵢ = pointsᵢ / maxᵢ.
* ``geometric_mean`` — Π shareᵢ^(wᵢ/Σw) × max (a share of 0 makes the group 0).

Only the children that apply take part; the weights are the children's ``weight``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from udcntt._kinds import CodeContext, VectorContext
from udcntt._methods import AGGREGATIONS, Aggregation

__all__ = ["GEOMETRIC_MEAN", "SUM", "WEIGHTED_MEAN", "geometric"]

_ZERO = Decimal(0)
_ONE = Decimal(1)


def geometric(shares: Sequence[Decimal], weights: Sequence[Decimal]) -> Decimal:
    """Π shareᵢ^(wᵢ/Σw), a share of 0 giving 0 (the same in both paths)."""
    total_w = sum(weights, _ZERO)
    mean = _ONE
    for s, w in zip(shares, weights, strict=True):
        mean *= s ** (w / total_w) if s > 0 else _ZERO
    return mean


class _WeightedMean(Aggregation):
    def combine(self, shares: Sequence[Decimal], weights: Sequence[Decimal]) -> Decimal:
        total_w = sum(weights, _ZERO)
        return sum((w * s for w, s in zip(weights, shares, strict=True)), _ZERO) / total_w

    def python(self, gen: CodeContext, shares: Sequence[str], weights: Sequence[Decimal]) -> str:
        total_w = gen.const(sum(weights, _ZERO))
        terms = gen.plus(
            [
                gen.const(_ZERO),
                *(f"{gen.const(w)} * {s}" for w, s in zip(weights, shares, strict=True)),
            ]
        )
        return f"(({terms}) / {total_w})"

    def vector(self, ctx: VectorContext, shares: Sequence[Any], weights: Sequence[Decimal]) -> Any:
        out = ctx.const(_ZERO)
        for w, s in zip(weights, shares, strict=True):
            out = ctx.add(out, ctx.mul(ctx.const(w), s))
        return ctx.div(out, ctx.const(sum(weights, _ZERO)))


class _GeometricMean(Aggregation):
    def combine(self, shares: Sequence[Decimal], weights: Sequence[Decimal]) -> Decimal:
        return geometric(shares, weights)

    def python(self, gen: CodeContext, shares: Sequence[str], weights: Sequence[Decimal]) -> str:
        consts = "".join(f"{gen.const(w)}, " for w in weights)
        return f"{gen.value(geometric)}(({''.join(f'{s}, ' for s in shares)}), ({consts}))"


SUM = AGGREGATIONS.register(
    Aggregation(
        name="sum",
        doc="Points add up; the children's budgets must add up to the group's max.",
        doc_vi="Điểm cộng lại; tổng điểm tối đa của các tiêu chí con phải bằng điểm tối đa của nhóm.",
        additive=True,
        builtin=True,
        distribution="udcntt",
        module=__name__,
    )
)
WEIGHTED_MEAN = AGGREGATIONS.register(
    _WeightedMean(
        name="weighted_mean",
        doc="Σ wᵢ·shareᵢ / Σ wᵢ × max, shareᵢ = pointsᵢ / maxᵢ.",
        doc_vi="Trung bình có trọng số của tỷ lệ điểm các tiêu chí con × điểm tối đa.",
        builtin=True,
        distribution="udcntt",
    )
)
GEOMETRIC_MEAN = AGGREGATIONS.register(
    _GeometricMean(
        name="geometric_mean",
        doc="Π shareᵢ^(wᵢ/Σw) × max; a share of 0 makes the group 0.",
        doc_vi="Trung bình nhân có trọng số của tỷ lệ điểm các tiêu chí con × điểm tối đa.",
        builtin=True,
        distribution="udcntt",
    )
)
