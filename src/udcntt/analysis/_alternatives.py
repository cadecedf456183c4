"""Alternative inputs computed before the draws: normalisations, noise and imputation.

* A leaf normalised over a population gets, per alternative method, the agencies' shares
  computed in NumPy from the values the assessment kept (``raw``); the declared method
  keeps the exact shares of the assessment.
* Noise on a self-reported value and imputation of a missing value change what the rule
  reads, so each level is scored by :func:`udcntt.evaluate` itself on a copy of the survey
  with the value changed: the draws then pick a level (per agency for noise) and add the
  exact change in leaf shares. Values that the appraisal council set (``appraised``) are
  never perturbed.
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from udcntt.analysis._checks import text_of
from udcntt.analysis._model import BlockModel, FloatArray, block_models
from udcntt.analysis._spec import Factor
from udcntt.data import MISSING, Dataset
from udcntt.evaluation import Assessment, evaluate
from udcntt.model import RuleSet

__all__ = ["alternative_shares", "normalised", "scenario_deltas"]


def normalised(values: FloatArray, method: str, lower: bool) -> FloatArray:
    """Scores in [0, 1] of ``values`` (NaN where not applicable) by ``method``."""
    ok = ~np.isnan(values)
    v = np.where(ok, values, 0.0)
    out = np.zeros_like(v)
    if not ok.any():
        return out
    lo, hi = float(v[ok].min()), float(v[ok].max())
    if method == "to_best":
        if lower:
            out = (
                np.divide(lo, v, out=np.ones_like(v), where=v > 0)
                if lo > 0
                else np.where(v <= 0, 1.0, 0.0)
            )
        else:
            out = v / hi if hi > 0 else np.zeros_like(v)
    elif method == "min_max":
        span = hi - lo
        out = ((hi - v) if lower else (v - lo)) / span if span > 0 else np.ones_like(v)
    else:
        vals = v[ok]
        n = len(vals)
        if lower:
            worse = (vals[None, :] > v[:, None]).sum(axis=1)
            no_better = (vals[None, :] >= v[:, None]).sum(axis=1)
        else:
            worse = (vals[None, :] < v[:, None]).sum(axis=1)
            no_better = (vals[None, :] <= v[:, None]).sum(axis=1)
        out = (
            worse / (n - 1)
            if method == "rank" and n > 1
            else (np.ones_like(v) if method == "rank" else no_better / n)
        )
    return np.where(ok, np.clip(out, 0.0, 1.0), 0.0)


def alternative_shares(
    models: list[BlockModel], factors: tuple[Factor, ...]
) -> list[dict[int, FloatArray]]:
    """Per block: leaf column → (methods, agencies) shares for each varied normalisation."""
    out: list[dict[int, FloatArray]] = [{} for _ in models]
    for f in factors:
        if f.kind != "normalisation":
            continue
        for b, model in enumerate(models):
            node = model.by_id.get(f.target)
            if node is None or node.column not in model.norm:
                continue
            rule = model.norm[node.column]
            lower = rule.direction is not None and text_of(rule.direction) == "lower"
            pool = [model]
            if text_of(rule.scope) == "all":
                pool = [m for m in models if f.target in m.by_id]
            rows = []
            for method in f.choices:
                if tuple(text_of(m) for m in rule.method) == (method,):
                    rows.append(model.shares[:, node.column].copy())
                    continue
                values = np.concatenate([m.raw[m.by_id[f.target].column] for m in pool])
                scores = normalised(values, method, lower)
                start = sum(len(m.agencies) for m in pool[: pool.index(model)])
                mine = scores[start : start + len(model.agencies)]
                rows.append(np.where(model.mask[:, node.column] > 0, mine, 0.0))
            out[b][node.column] = np.array(rows)
    return out


def _numbers(data: Dataset, indicator: str) -> dict[str, list[Decimal]]:
    by_block: dict[str, list[Decimal]] = {}
    for rec in data.agencies:
        v = rec.get(indicator)
        if isinstance(v, Decimal):
            by_block.setdefault(rec.block, []).append(v)
    return by_block


def _imputed(values: list[Decimal], method: str) -> Decimal:
    if method == "zero" or not values:
        return Decimal(0)
    ordered = sorted(values)
    if method == "block_min":
        return ordered[0]
    if method == "block_median":
        n = len(ordered)
        return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    return sum(ordered, Decimal(0)) / len(ordered)


def _bounded(value: Decimal, rules: RuleSet, indicator: str) -> Decimal:
    ind = rules.indicators[indicator]
    lo, hi = ind.range if ind.range is not None else (None, None)
    if lo is not None and value < lo:
        value = lo
    if hi is not None and value > hi:
        value = hi
    if ind.type.value == "count":
        value = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return value


def _level_data(rules: RuleSet, data: Dataset, f: Factor, level: int) -> Dataset:
    """The survey with ``f``'s indicator changed as its ``level`` says."""
    stats = _numbers(data, f.target) if f.kind == "imputation" else {}
    records = []
    for rec in data.agencies:
        v = rec.get(f.target)
        new: Any = None
        if f.kind == "imputation" and v is MISSING:
            new = _bounded(_imputed(stats.get(rec.block, []), f.choices[level]), rules, f.target)
        elif f.kind == "noise" and isinstance(v, Decimal):
            cell = rec.cells.get(f.target)
            if cell is None or cell.appraised is None:
                step = Decimal(str(f.spread)) / 100 * (Decimal(2 * level) / (f.levels - 1) - 1)
                new = _bounded(v * (1 + step), rules, f.target)
        records.append(
            rec if new is None else dataclasses.replace(rec, values={**rec.values, f.target: new})
        )
    return Dataset(agencies=tuple(records), year=data.year, source=data.source)


def scenario_deltas(
    rules: RuleSet,
    data: Dataset,
    assessment: Assessment,
    models: list[BlockModel],
    factors: tuple[Factor, ...],
) -> tuple[dict[str, list[FloatArray]], dict[str, int]]:
    """Per noise or imputation factor, per block: (levels, agencies, leaves) share changes.

    Returns also, per factor, how many agency-levels could not be scored (kept nominal).
    """
    out: dict[str, list[FloatArray]] = {}
    skipped: dict[str, int] = {}
    for f in factors:
        if f.kind not in ("noise", "imputation"):
            continue
        k = f.levels if f.kind == "noise" else len(f.choices)
        deltas = [np.zeros((k, len(m.agencies), len(m.leaves))) for m in models]
        skipped[f.name] = 0
        for level in range(k):
            changed = _level_data(rules, data, f, level)
            if changed == data:
                continue
            scored = evaluate(rules, changed, on_error="skip")
            again = {m.block: m for m in block_models(rules, scored)}
            for b, model in enumerate(models):
                other = again.get(model.block)
                if other is None:
                    skipped[f.name] += len(model.agencies)
                    continue
                pos = {a: i for i, a in enumerate(other.agencies)}
                for i, agency in enumerate(model.agencies):
                    j = pos.get(agency)
                    if j is None:
                        skipped[f.name] += 1
                        continue
                    deltas[b][level, i] = other.shares[j] - model.shares[i]
        out[f.name] = deltas
    return out, skipped
