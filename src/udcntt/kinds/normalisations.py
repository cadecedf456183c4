"""The built-in normalisation methods of ``normalise``, each a registered declaration.

Each maps the population's values v₁ … vₙ (n ≥ 1; not-applicable agencies take no part) to
scores in [0, 1] — ``z_score`` excepted, which is unbounded and must be followed by a
bounded method in a chain. "Better" follows the direction (``lower_better``).

========== =========================================================== =====================
method     score of value v                                            no spread (n = 1, or
                                                                       all values equal)
========== =========================================================== =====================
to_best    v / max (lower: min / v; v ≤ 0 scores 1), clipped to [0, 1]; every agency 1 (all
           when the best value is ≤ 0 (higher) every agency scores 0   equal to the best)
min_max    (v − min) / (max − min)  (lower: (max − v) / (max − min))   every agency 1
z_score    (v − mean) / sd, sd the population standard deviation       every agency 0
           (divided by n); negated when lower is better
rank       (n − r) / (n − 1), r the competition rank (1 + number of    every agency 1
           strictly better values: ties share the better rank)
percentile (number of values not better than v) / n                    every agency 1
goalposts  (v − lower) / (upper − lower) clipped to [0, 1]             (fixed posts: no
           (lower is better: (upper − v) / (upper − lower))            population needed)
========== =========================================================== =====================

Scores depend on the population as a multiset only, never on the order of the agencies:
sums (mean, variance) run over the values sorted ascending, and ``rank`` / ``percentile``
count through one sort (O(n log n)).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from udcntt._methods import NORMALISATIONS, Normalisation
from udcntt.errors import msg

__all__ = ["GOALPOSTS", "MIN_MAX", "PERCENTILE", "RANK", "TO_BEST", "Z_SCORE"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_Scores = tuple[list[Decimal], dict[str, str]]


def _clip(value: Decimal) -> Decimal:
    return max(_ZERO, min(_ONE, value))


def _counts(values: Sequence[Decimal]) -> tuple[dict[Decimal, int], dict[Decimal, int]]:
    """For each distinct value, how many values are below it and at or below it."""
    tally: dict[Decimal, int] = {}
    for v in values:
        tally[v] = tally.get(v, 0) + 1
    below: dict[Decimal, int] = {}
    upto: dict[Decimal, int] = {}
    running = 0
    for v in sorted(tally):
        below[v] = running
        running += tally[v]
        upto[v] = running
    return below, upto


class _ToBest(Normalisation):
    def scores(self, values: Sequence[Decimal], lower_better: bool, spec: Any) -> _Scores:
        if lower_better:
            best = min(values)
            out = [_clip(best / v) if v > 0 else _ONE for v in values]
        else:
            best = max(values)
            out = [_clip(v / best) if best > 0 else _ZERO for v in values]
        return out, {"best": str(best)}


class _MinMax(Normalisation):
    def scores(self, values: Sequence[Decimal], lower_better: bool, spec: Any) -> _Scores:
        lo, hi = min(values), max(values)
        info = {"min": str(lo), "max": str(hi)}
        if hi == lo:
            info["note"] = "no spread: every agency scores 1"
            return [_ONE] * len(values), info
        span = hi - lo
        if lower_better:
            return [(hi - v) / span for v in values], info
        return [(v - lo) / span for v in values], info


class _ZScore(Normalisation):
    def scores(self, values: Sequence[Decimal], lower_better: bool, spec: Any) -> _Scores:
        n = len(values)
        ordered = sorted(values)
        mean = sum(ordered, _ZERO) / n
        var = sum(((v - mean) ** 2 for v in ordered), _ZERO) / n
        sd = var.sqrt()
        if sd == 0:
            return [_ZERO] * n, {
                "mean": str(mean),
                "sd": "0",
                "note": "no spread: every agency scores 0",
            }
        if lower_better:
            return [(mean - v) / sd for v in values], {"mean": str(mean), "sd": str(sd)}
        return [(v - mean) / sd for v in values], {"mean": str(mean), "sd": str(sd)}


class _Rank(Normalisation):
    def scores(self, values: Sequence[Decimal], lower_better: bool, spec: Any) -> _Scores:
        n = len(values)
        if n == 1 or len(set(values)) == 1:
            return [_ONE] * n, {"n": str(n), "note": "no spread: every agency scores 1"}
        below, upto = _counts(values)
        out = []
        for v in values:
            # Strictly better values: above v (higher is better) or below it (lower is better).
            better = below[v] if lower_better else n - upto[v]
            out.append(Decimal(n - 1 - better) / Decimal(n - 1))
        return out, {"n": str(n)}


class _Percentile(Normalisation):
    def scores(self, values: Sequence[Decimal], lower_better: bool, spec: Any) -> _Scores:
        n = len(values)
        below, upto = _counts(values)
        out = []
        for v in values:
            not_better = n - below[v] if lower_better else upto[v]
            out.append(Decimal(not_better) / Decimal(n))
        return out, {"n": str(n)}


class _Goalposts(Normalisation):
    def check(self, spec: Any) -> str | None:
        posts = spec.goalposts
        if posts is None or posts[0] >= posts[1]:
            return msg("goalposts need 'goalposts: [lower, upper]' with lower < upper")
        return None

    def scores(self, values: Sequence[Decimal], lower_better: bool, spec: Any) -> _Scores:
        lo, hi = spec.goalposts
        span = hi - lo
        out = [_clip((hi - v) / span if lower_better else (v - lo) / span) for v in values]
        return out, {"lower": str(lo), "upper": str(hi)}


def _builtin(
    cls: type[Normalisation], name: str, doc: str, doc_vi: str, **kw: Any
) -> Normalisation:
    spec = cls(name=name, doc=doc, doc_vi=doc_vi, builtin=True, distribution="udcntt", **kw)
    return NORMALISATIONS.register(spec)


TO_BEST = _builtin(
    _ToBest,
    "to_best",
    "Value / best value (best / value when lower is better), clipped to [0, 1].",
    "Giá trị / giá trị tốt nhất (tốt nhất / giá trị khi thấp hơn là tốt hơn), trong [0, 1].",
)
MIN_MAX = _builtin(
    _MinMax,
    "min_max",
    "(value − min) / (max − min); every agency 1 when there is no spread.",
    "(giá trị − nhỏ nhất) / (lớn nhất − nhỏ nhất); bằng 1 khi mọi giá trị như nhau.",
)
Z_SCORE = _builtin(
    _ZScore,
    "z_score",
    "(value − mean) / standard deviation; unbounded: follow it with a bounded method.",
    "(giá trị − trung bình) / độ lệch chuẩn; không bị chặn: cần một phương pháp bị chặn sau nó.",
    bounded=False,
    exact=False,
)
RANK = _builtin(
    _Rank,
    "rank",
    "Share of the others with a worse value (ties share the better rank).",
    "Tỷ lệ các cơ quan khác có giá trị kém hơn (đồng hạng nhận hạng cao hơn).",
)
PERCENTILE = _builtin(
    _Percentile,
    "percentile",
    "Share of agencies with a value no better.",
    "Tỷ lệ cơ quan có giá trị không tốt hơn.",
)
GOALPOSTS = _builtin(
    _Goalposts,
    "goalposts",
    "(value − lower) / (upper − lower) between fixed goalposts, clipped to [0, 1].",
    "(giá trị − cận dưới) / (cận trên − cận dưới) giữa hai mốc cố định, trong [0, 1].",
    needs=("goalposts",),
    population=False,
)
