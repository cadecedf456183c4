"""Population normalisations: a second pass over the agencies in a criterion's scope."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from udcntt.model import Direction, Normalise, NormMethod

__all__ = ["normalise_population"]

_ZERO = Decimal(0)
_ONE = Decimal(1)


def _stage(
    method: NormMethod, values: list[Decimal], spec: Normalise, lower_better: bool
) -> tuple[list[Decimal], dict[str, str]]:
    n = len(values)
    if method is NormMethod.TO_BEST:
        if lower_better:
            best = min(values)
            out = [(best / v) if v > 0 else _ONE for v in values]
        else:
            best = max(values)
            out = [(v / best) if best > 0 else _ZERO for v in values]
        return [max(_ZERO, min(_ONE, v)) for v in out], {"best": str(best)}
    if method is NormMethod.MIN_MAX:
        lo, hi = min(values), max(values)
        if hi == lo:
            return [_ONE] * n, {
                "min": str(lo),
                "max": str(hi),
                "note": "all equal: every agency scores 1",
            }
        if lower_better:
            return [(hi - v) / (hi - lo) for v in values], {"min": str(lo), "max": str(hi)}
        return [(v - lo) / (hi - lo) for v in values], {"min": str(lo), "max": str(hi)}
    if method is NormMethod.Z_SCORE:
        mean = sum(values, _ZERO) / n
        var = sum(((v - mean) ** 2 for v in values), _ZERO) / n
        sd = var.sqrt()
        if sd == 0:
            return [_ZERO] * n, {"mean": str(mean), "sd": "0"}
        sign = -1 if lower_better else 1
        return [sign * (v - mean) / sd for v in values], {"mean": str(mean), "sd": str(sd)}
    if method is NormMethod.RANK:
        if n == 1:
            return [_ONE], {"n": "1"}
        out = []
        for v in values:
            worse = sum(1 for w in values if (w > v if lower_better else w < v))
            out.append(Decimal(worse) / Decimal(n - 1))
        return out, {"n": str(n)}
    if method is NormMethod.PERCENTILE:
        out = []
        for v in values:
            no_better = sum(1 for w in values if (w >= v if lower_better else w <= v))
            out.append(Decimal(no_better) / Decimal(n))
        return out, {"n": str(n)}
    # goalposts
    assert spec.goalposts is not None
    lo, hi = spec.goalposts
    span = hi - lo
    res = []
    for v in values:
        s = (hi - v) / span if lower_better else (v - lo) / span
        res.append(max(_ZERO, min(_ONE, s)))
    return res, {"lower": str(lo), "upper": str(hi)}


def normalise_population(
    spec: Normalise, values: Sequence[Decimal], default_direction: Direction | None
) -> tuple[list[Decimal], list[dict[str, str]]]:
    """Scores for ``values`` (same order) and the statistics of each stage."""
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
    return current, stats
