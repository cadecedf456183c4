"""Population normalisations: a second pass over the agencies in a criterion's scope.

Each method maps the population's values v₁ … vₙ (n ≥ 1; not-applicable agencies take no
part) to scores in [0, 1] — z-score excepted, which is unbounded and must be followed by a
bounded method in a chain. "Better" follows the direction: higher values are better unless
the criterion or its single indicator says ``direction: lower``. After the first stage of
a chain the scores are oriented "higher is better".

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
sums (mean, variance) run over the values sorted ascending, so the rounding of a long
decimal is the same whatever order the survey rows came in. A chain that contains
``z_score`` (whose standard deviation is a square root, rarely exact) gives scores rounded
to :data:`SCORE_PLACES` decimal places, so the noise in the last working digit cannot tip
a published value that is exactly half-way (0.125 published as 0.12 instead of 0.13).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal

from udcntt.errors import msg
from udcntt.model import Direction, Normalise, NormMethod

__all__ = ["SCORE_PLACES", "normalise_population"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
#: Decimal places of the scores of a chain with an inexact stage (``z_score``).
SCORE_PLACES = 28
_QUANTUM = Decimal(1).scaleb(-SCORE_PLACES)


def _clip(value: Decimal) -> Decimal:
    return max(_ZERO, min(_ONE, value))


def _to_best(values: list[Decimal], lower_better: bool) -> tuple[list[Decimal], dict[str, str]]:
    if lower_better:
        best = min(values)
        out = [_clip(best / v) if v > 0 else _ONE for v in values]
    else:
        best = max(values)
        out = [_clip(v / best) if best > 0 else _ZERO for v in values]
    return out, {"best": str(best)}


def _min_max(values: list[Decimal], lower_better: bool) -> tuple[list[Decimal], dict[str, str]]:
    lo, hi = min(values), max(values)
    info = {"min": str(lo), "max": str(hi)}
    if hi == lo:
        info["note"] = "no spread: every agency scores 1"
        return [_ONE] * len(values), info
    span = hi - lo
    if lower_better:
        return [(hi - v) / span for v in values], info
    return [(v - lo) / span for v in values], info


def _z_score(values: list[Decimal], lower_better: bool) -> tuple[list[Decimal], dict[str, str]]:
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


def _counts(values: list[Decimal]) -> tuple[list[Decimal], dict[Decimal, int], dict[Decimal, int]]:
    """Distinct values ascending, and for each how many values are below / at or below it."""
    distinct = sorted(set(values))
    tally: dict[Decimal, int] = {}
    for v in values:
        tally[v] = tally.get(v, 0) + 1
    below: dict[Decimal, int] = {}
    upto: dict[Decimal, int] = {}
    running = 0
    for v in distinct:
        below[v] = running
        running += tally[v]
        upto[v] = running
    return distinct, below, upto


def _rank(values: list[Decimal], lower_better: bool) -> tuple[list[Decimal], dict[str, str]]:
    n = len(values)
    if n == 1 or len(set(values)) == 1:
        return [_ONE] * n, {"n": str(n), "note": "no spread: every agency scores 1"}
    _, below, upto = _counts(values)
    out = []
    for v in values:
        # Strictly better values: above v (higher is better) or below it (lower is better).
        better = below[v] if lower_better else n - upto[v]
        out.append(Decimal(n - 1 - better) / Decimal(n - 1))
    return out, {"n": str(n)}


def _percentile(values: list[Decimal], lower_better: bool) -> tuple[list[Decimal], dict[str, str]]:
    n = len(values)
    _, below, upto = _counts(values)
    out = []
    for v in values:
        not_better = n - below[v] if lower_better else upto[v]
        out.append(Decimal(not_better) / Decimal(n))
    return out, {"n": str(n)}


def _goalposts(
    values: list[Decimal], lower_better: bool, spec: Normalise
) -> tuple[list[Decimal], dict[str, str]]:
    if spec.goalposts is None:  # pragma: no cover - checked when the rule file loads
        raise ValueError(msg("goalposts need 'goalposts: [lower, upper]'"))
    lo, hi = spec.goalposts
    span = hi - lo
    out = [_clip((hi - v) / span if lower_better else (v - lo) / span) for v in values]
    return out, {"lower": str(lo), "upper": str(hi)}


def _stage(
    method: NormMethod, values: list[Decimal], spec: Normalise, lower_better: bool
) -> tuple[list[Decimal], dict[str, str]]:
    if method is NormMethod.TO_BEST:
        return _to_best(values, lower_better)
    if method is NormMethod.MIN_MAX:
        return _min_max(values, lower_better)
    if method is NormMethod.Z_SCORE:
        return _z_score(values, lower_better)
    if method is NormMethod.RANK:
        return _rank(values, lower_better)
    if method is NormMethod.PERCENTILE:
        return _percentile(values, lower_better)
    return _goalposts(values, lower_better, spec)


def normalise_population(
    spec: Normalise, values: Sequence[Decimal], default_direction: Direction | None
) -> tuple[list[Decimal], list[dict[str, str]]]:
    """Scores for ``values`` (same order) and the statistics of each stage.

    Args:
        spec: the criterion's ``normalise`` declaration (method or chain, direction).
        values: the raw values of the agencies in one scope, in any order.
        default_direction: the direction of the value's single indicator, if any.

    Returns:
        One score per value, in the order of ``values``, and one dictionary of statistics
        per stage of the chain (``method``, plus ``best``, ``min``/``max``, ``mean``/``sd``,
        ``n`` or ``lower``/``upper``, and a ``note`` when the population has no spread).
        A value's score depends only on the multiset of ``values``, not on their order.
    """
    direction = spec.direction or default_direction or Direction.HIGHER
    lower_better = direction is Direction.LOWER
    current = list(values)
    stats: list[dict[str, str]] = []
    if not current:
        return [], stats
    for i, method in enumerate(spec.method):
        # After the first stage, scores are oriented "higher is better".
        current, info = _stage(method, current, spec, lower_better and i == 0)
        info["method"] = method.value
        stats.append(info)
    if NormMethod.Z_SCORE in spec.method:
        current = [s.quantize(_QUANTUM, rounding=ROUND_HALF_EVEN) for s in current]
    return current, stats
