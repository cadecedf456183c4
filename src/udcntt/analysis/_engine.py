"""Aggregating a block for a chunk of draws at once, then ranking and classifying.

Every group whose children are leaves is one matrix product per aggregation (draws ×
children) · (children × agencies), so a flat criteria set costs what a hand-written NumPy
composite does; groups of groups combine (draws × agencies) arrays. The formulas are the
evaluator's (see :mod:`udcntt.analysis._model`); with every factor at 1 and the declared
aggregations they give its totals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from udcntt.analysis._model import BlockModel, FloatArray

__all__ = ["Aggregated", "aggregate", "competition_ranks", "log_shares", "round_keys", "tiers_of"]

IntArray = npt.NDArray[np.int64]
# log(0) stands for a share of 0: exp(w · −1e6 / Σw) underflows to exactly 0, as the
# evaluator's geometric mean gives 0 when one share is 0.
_LOG_ZERO = -1e6


@dataclass
class Aggregated:
    """Totals of one block for a chunk of draws."""

    total: FloatArray  # (D, A) points
    applicable: FloatArray  # (D, A) applicable maximum
    full: FloatArray  # (D,) the block's maximum in each draw
    groups: dict[str, FloatArray]  # group id → (D, A) points (for tie-breaks)


def log_shares(shares: FloatArray) -> FloatArray:
    """log of shares, with log 0 replaced by a large negative number."""
    with np.errstate(divide="ignore"):
        out: FloatArray = np.where(shares > 0, np.log(np.where(shares > 0, shares, 1.0)), _LOG_ZERO)
    return out


def _leaf_part(values: FloatArray, cols: list[int], coef: FloatArray) -> FloatArray:
    """Σ_k coef[d, k] · values[(d,) a, cols[k]] → (D, A)."""
    out: FloatArray
    if values.ndim == 2:
        out = coef @ values[:, cols].T
    else:
        out = np.einsum("dk,dak->da", coef, values[:, :, cols], optimize=True)
    return out


def aggregate(
    model: BlockModel,
    factors: FloatArray,
    choices: dict[int, IntArray],
    shares: FloatArray,
    logs: FloatArray | None,
    keep: tuple[str, ...] = (),
) -> Aggregated:
    """Aggregate a block for the draws of ``factors`` (draws × nodes).

    Args:
        model: the block.
        factors: multiplier of each node's importance (its max under a sum, its weight
            under a mean); 0 excludes the node.
        choices: group node index → aggregation code per draw, for varied groups.
        shares: (A, L) or (D, A, L) leaf shares (0 where not applicable).
        logs: their logs (:func:`log_shares`), needed when a geometric mean can occur.
        keep: ids of groups whose points are returned (tie-break keys).
    """
    if model.linear and not choices and not keep:
        return _linear(model, factors, shares)
    nodes = model.nodes
    d = factors.shape[0]
    points: dict[int, FloatArray] = {}
    maxima: dict[int, FloatArray] = {}
    full: dict[int, FloatArray] = {}
    mask = model.mask
    for gi in model.post_order:
        g = nodes[gi]
        cols = [nodes[k].column for k in g.leaf_children]
        fl = factors[:, g.leaf_children]
        base = np.array([nodes[k].weight for k in g.leaf_children])
        groups = g.group_children
        full_g = fl @ base if cols else np.zeros(d)
        for k in groups:
            full_g = full_g + factors[:, k] * full[k]
        codes = choices.get(gi)
        wanted = {g.aggregate} if codes is None else set(np.unique(codes).tolist())
        results: dict[int, tuple[FloatArray, FloatArray]] = {}
        for code in sorted(wanted):
            if code == 0 and g.aggregate == 0:
                p = _leaf_part(shares, cols, fl * base) if cols else np.zeros((d, mask.shape[0]))
                m = _leaf_part(mask, cols, fl * base) if cols else np.zeros_like(p)
                for k in groups:
                    p = p + factors[:, k, None] * points[k]
                    m = m + factors[:, k, None] * maxima[k]
                if g.rescale_na:
                    scale = np.divide(full_g[:, None], m, out=np.zeros_like(m), where=m > 0)
                    p, m = p * scale, np.where(m > 0, full_g[:, None], 0.0)
                results[code] = (p, m)
                continue
            # A mean (or a sum replaced by a mean of shares weighted by the children's
            # points, which keeps the group's maximum).
            w = np.array(g.mean_weights[: len(cols)]) if code != 0 else base
            gw = g.mean_weights[len(cols) :]
            if code == 2:
                if logs is None:
                    raise ValueError("geometric mean without log shares")
                num = _leaf_part(logs, cols, fl * w) if cols else np.zeros((d, mask.shape[0]))
            else:
                num = _leaf_part(shares, cols, fl * w) if cols else np.zeros((d, mask.shape[0]))
            den = _leaf_part(mask, cols, fl * w) if cols else np.zeros_like(num)
            for j, k in enumerate(groups):
                wk = factors[:, k, None] * (gw[j] if code != 0 else nodes[k].max)
                ok = maxima[k] > 0
                share = np.divide(points[k], maxima[k], out=np.zeros_like(points[k]), where=ok)
                if code == 2:
                    share = log_shares(share)
                num = num + np.where(ok, wk * share, 0.0)
                den = den + np.where(ok, wk, 0.0)
            mean = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
            if code == 2:
                mean = np.where(den > 0, np.exp(mean), 0.0)
            gmax = g.max if g.aggregate != 0 else full_g[:, None]
            results[code] = (mean * gmax, np.where(den > 0, 1.0, 0.0) * gmax)
        if codes is None:
            points[gi], maxima[gi] = results[g.aggregate]
        else:
            p = np.zeros((d, mask.shape[0]))
            m = np.zeros_like(p)
            for code, (pc, mc) in results.items():
                sel = (codes == code)[:, None]
                p = np.where(sel, pc, p)
                m = np.where(sel, mc, m)
            points[gi], maxima[gi] = p, m
        full[gi] = full_g if g.aggregate == 0 else np.full(d, g.max)
    total = np.zeros((d, mask.shape[0]))
    applicable = np.zeros_like(total)
    block_full = np.zeros(d)
    for t in model.top:
        node = nodes[t]
        if node.is_leaf:
            coef = factors[:, [t]] * node.max
            total = total + _leaf_part(shares, [node.column], coef)
            applicable = applicable + _leaf_part(mask, [node.column], coef)
            block_full = block_full + factors[:, t] * node.max
            continue
        total = total + factors[:, t, None] * points[t]
        applicable = applicable + factors[:, t, None] * maxima[t]
        block_full = block_full + factors[:, t] * full[t]
    if model.rescale_total:
        scale = np.divide(
            block_full[:, None], applicable, out=np.zeros_like(total), where=applicable > 0
        )
        total = total * scale
        applicable = np.where(applicable > 0, block_full[:, None], 0.0)
    ids = {n.id: n.index for n in nodes}
    kept: dict[str, FloatArray] = {}
    for key in keep:
        at = ids.get(key)
        if at is None:
            continue
        if nodes[at].is_leaf:
            coef = factors[:, [at]] * nodes[at].max
            kept[key] = _leaf_part(shares, [nodes[at].column], coef)
        else:
            kept[key] = points[at] * factors[:, at, None]
    return Aggregated(total, applicable, block_full, kept)


def _linear(model: BlockModel, factors: FloatArray, shares: FloatArray) -> Aggregated:
    """A tree of sums: each leaf's coefficient is its max times the factors of the leaf
    and of its ancestors, and the total one matrix product (as a hand-written composite)."""
    d = factors.shape[0]
    ones = np.concatenate([factors, np.ones((d, 1))], axis=1)
    coef = factors[:, model.leaves] * np.array([model.nodes[i].max for i in model.leaves])
    for level in model.ancestors:
        coef = coef * ones[:, level]
    total: FloatArray
    applicable: FloatArray
    if shares.ndim == 2:
        total = coef @ model.shares_t
    else:
        total = np.einsum("dl,dal->da", coef, shares, optimize=True)
    full = coef.sum(axis=1)
    mask_t = model.mask_t
    # Without any criterion that does not apply, every agency's maximum is the block's.
    applicable = np.broadcast_to(full[:, None], total.shape) if mask_t is None else coef @ mask_t
    if model.rescale_total:
        scale = np.divide(full[:, None], applicable, out=np.zeros_like(total), where=applicable > 0)
        total = total * scale
        applicable = np.where(applicable > 0, full[:, None], 0.0)
    return Aggregated(total, applicable, full, {})


def round_keys(values: FloatArray, places: int, mode: str = "half_up") -> IntArray:
    """Values rounded to ``places`` decimals as the rule file's ``rounding.mode`` says
    (``half_up``, ``half_even``, ``down``), as integers (exact comparisons).

    The values are never negative (points and shares).
    """
    scaled = values * 10.0**places
    # The nudge absorbs binary error at a half (2.675 is 2.67499… in binary).
    eps = 1e-9 * np.maximum(1.0, np.abs(scaled))
    if mode == "down":
        return np.floor(scaled + eps).astype(np.int64)
    up = np.floor(scaled + 0.5 + eps)
    if mode == "half_even":
        low = np.floor(scaled)
        at_half = np.abs(scaled - low - 0.5) <= eps
        up = np.where(at_half, low + (low % 2), up)
    return up.astype(np.int64)


def competition_ranks(keys: list[IntArray]) -> IntArray:
    """Competition ranks (1, 2, 2, 4) along the last axis; higher keys rank first.

    ``keys[0]`` decides, later keys break ties; agencies equal on every key share a rank.
    """
    if len(keys) == 1:
        order = np.argsort(-keys[0], axis=-1, kind="stable")
    else:
        order = np.lexsort(tuple(-k for k in reversed(keys)), axis=-1)
    n = order.shape[-1]
    new = np.zeros(order.shape, dtype=bool)
    new[..., 0] = True
    for k in keys:
        s = np.take_along_axis(k, order, axis=-1)
        new[..., 1:] |= s[..., 1:] != s[..., :-1]
    pos = np.broadcast_to(np.arange(1, n + 1), order.shape)
    ranked_sorted = np.maximum.accumulate(np.where(new, pos, 0), axis=-1)
    ranks = np.empty_like(ranked_sorted)
    np.put_along_axis(ranks, order, ranked_sorted, axis=-1)
    return ranks


def tiers_of(values: IntArray, thresholds: list[IntArray | None]) -> IntArray:
    """Index of the first tier whose threshold (integer keys, per draw) the value reaches."""
    out = np.full(values.shape, len(thresholds), dtype=np.int64)
    for i in reversed(range(len(thresholds))):
        t = thresholds[i]
        hit = np.ones(values.shape, dtype=bool) if t is None else values >= t[:, None]
        out = np.where(hit, i, out)
    return out
