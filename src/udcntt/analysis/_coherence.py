"""The coherence audit of a scored survey (step 4 of the JRC/OECD ten-step guide).

Per block: Pearson and Spearman correlations between the top-level groups and the total,
and of each criterion with its group and with the total; Cronbach's alpha of each group;
a principal component analysis of the criteria (variance explained, loadings, weights from
the first component); effective weights (the squared correlation of the total with each
criterion — the linear estimate of the correlation ratio of Paruolo, Saisana and Saltelli,
2013), normalised to sum to 1 and compared with the nominal weights; and flags for criteria
negatively correlated with their group or dominating the total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import rankdata

from udcntt.analysis._model import BlockModel, FloatArray

__all__ = ["DOMINANCE", "BlockCoherence", "coherence_audit", "cronbach_alpha", "pearson"]

#: A criterion whose effective weight exceeds this many times its nominal weight dominates.
DOMINANCE = 2.0


@dataclass(frozen=True)
class BlockCoherence:
    """The audit of one block (plain data, rounded for stable output)."""

    block: str
    variables: list[str]
    pearson: list[list[float | None]]
    spearman: list[list[float | None]]
    criteria: list[dict[str, Any]]
    alpha: dict[str, float | None]
    pca: dict[str, Any]
    flags: list[dict[str, str]] = field(default_factory=list)


def _r(x: float | None) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), 6)


def pearson(x: FloatArray, y: FloatArray) -> float | None:
    """Pearson correlation over the pairs where both are known; ``None`` without variance."""
    ok = ~(np.isnan(x) | np.isnan(y))
    if ok.sum() < 3:
        return None
    a, b = x[ok] - x[ok].mean(), y[ok] - y[ok].mean()
    den = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return None if den == 0 else float((a * b).sum() / den)


def _spearman(x: FloatArray, y: FloatArray) -> float | None:
    ok = ~(np.isnan(x) | np.isnan(y))
    if ok.sum() < 3:
        return None
    return pearson(rankdata(x[ok]), rankdata(y[ok]))


def cronbach_alpha(items: FloatArray) -> float | None:
    """Cronbach's alpha of the columns of ``items`` (agencies × items, no NaN)."""
    k = items.shape[1]
    if k < 2 or items.shape[0] < 2:
        return None
    total_var = float(items.sum(axis=1).var(ddof=1))
    if total_var == 0:
        return None
    return float(k / (k - 1) * (1 - float(items.var(axis=0, ddof=1).sum()) / total_var))


def _top_group(model: BlockModel, node: int) -> int:
    while model.nodes[node].parent >= 0:
        node = model.nodes[node].parent
    return node


def _pca(model: BlockModel, points: FloatArray) -> dict[str, Any]:
    keep = [
        c
        for c in range(points.shape[1])
        if not np.isnan(points[:, c]).any() and points[:, c].std() > 0
    ]
    if len(keep) < 2 or points.shape[0] < 3:
        return {"criteria": [], "variance_explained": [], "loadings": [], "weights": {}}
    x = points[:, keep]
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    _, s, vt = np.linalg.svd(z, full_matrices=False)
    var = s**2 / max(len(z) - 1, 1)
    explained = var / var.sum()
    comps = min(3, len(s))
    loadings = []
    for c in range(comps):
        v = vt[c] * np.sqrt(var[c])
        # A component's sign is arbitrary: make its largest loading positive.
        v = v if v[np.argmax(np.abs(v))] >= 0 else -v
        loadings.append([_r(a) for a in v])
    sq = (vt[0] ** 2) / (vt[0] ** 2).sum()
    ids = [model.nodes[model.leaves[c]].id for c in keep]
    return {
        "criteria": ids,
        "variance_explained": [_r(e) for e in explained[:5]],
        "loadings": loadings,
        "weights": {cid: _r(w) for cid, w in zip(ids, sq, strict=True)},
    }


def coherence_audit(model: BlockModel) -> BlockCoherence:
    """Audit one block from its nominal points (see the module docstring)."""
    a = len(model.agencies)
    points = np.where(
        model.mask > 0, model.shares * np.array([model.nodes[i].max for i in model.leaves]), np.nan
    )
    total = model.nominal_total
    tops = [t for t in model.top if not model.nodes[t].is_leaf]
    group_pts: dict[int, FloatArray] = {}
    for t in tops:
        cols = [c for c, ni in enumerate(model.leaves) if _top_group(model, ni) == t]
        group_pts[t] = np.nansum(points[:, cols], axis=1) if cols else np.zeros(a)
    variables = [model.nodes[t].id for t in tops] + ["total"]
    series = [group_pts[t] for t in tops] + [total]
    pear = [[_r(pearson(x, y)) for y in series] for x in series]
    spear = [[_r(_spearman(x, y)) for y in series] for x in series]
    criteria: list[dict[str, Any]] = []
    r2: dict[str, float] = {}
    flags: list[dict[str, str]] = []
    for c, ni in enumerate(model.leaves):
        node = model.nodes[ni]
        top = _top_group(model, ni)
        group = group_pts.get(top, total)
        rg, rt = pearson(points[:, c], group), pearson(points[:, c], total)
        r2[node.id] = (rt or 0.0) ** 2
        criteria.append(
            {
                "id": node.id,
                "group": model.nodes[top].id,
                "pearson_group": _r(rg),
                "pearson_total": _r(rt),
                "spearman_group": _r(_spearman(points[:, c], group)),
                "spearman_total": _r(_spearman(points[:, c], total)),
            }
        )
        if rg is not None and rg < 0:
            flags.append({"criterion": node.id, "flag": "negative_with_group"})
    full = sum(model.nodes[i].max for i in model.leaves) or 1.0
    sum_r2 = sum(r2.values())
    for entry, ni in zip(criteria, model.leaves, strict=True):
        nominal = model.nodes[ni].max / full
        effective = r2[entry["id"]] / sum_r2 if sum_r2 > 0 else 0.0
        entry["nominal_weight"] = _r(nominal)
        entry["effective_weight"] = _r(effective)
        entry["ratio"] = _r(effective / nominal) if nominal > 0 else None
        if nominal > 0 and effective > DOMINANCE * nominal:
            flags.append({"criterion": entry["id"], "flag": "dominates_total"})
    alpha: dict[str, float | None] = {}
    for t in tops:
        cols = [
            c
            for c, ni in enumerate(model.leaves)
            if _top_group(model, ni) == t and not np.isnan(points[:, c]).any()
        ]
        alpha[model.nodes[t].id] = _r(cronbach_alpha(points[:, cols])) if cols else None
    flags.sort(key=lambda f: (f["flag"], f["criterion"]))
    return BlockCoherence(
        model.block, variables, pear, spear, criteria, alpha, _pca(model, points), flags
    )
