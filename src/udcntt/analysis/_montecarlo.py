"""Monte Carlo over the declared uncertainty: chunked, seeded, bounded in memory.

Draws run in chunks sized so that the arrays of one chunk stay within a quarter of the
memory cap; only each agency's rank per draw is kept (as ``int32``), so the whole run needs
``draws × agencies × 4`` bytes plus one chunk. The cap is checked before the first draw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from udcntt.analysis._draws import Problem
from udcntt.analysis._engine import IntArray
from udcntt.analysis._model import FloatArray
from udcntt.analysis._spec import AnalysisSpec
from udcntt.errors import SourceLocation, UsageError, msg

__all__ = ["AgencyInterval", "MonteCarlo", "check_memory", "chunk_size", "monte_carlo"]

#: Bytes per (draw, agency, leaf) cell of one chunk: shares, logs and two temporaries.
_CELL_BYTES = 8 * 4


@dataclass(frozen=True)
class AgencyInterval:
    """What the draws say about one agency's rank and tier."""

    agency: str
    block: str
    rank: int | None
    median_rank: float | None
    low: int | None  # 5th percentile of the rank
    high: int | None  # 95th percentile
    tier: str
    tier_probability: dict[str, float]
    rank_change: int | None
    same_sign: float | None  # share of draws whose rank change has the published sign


@dataclass(frozen=True)
class MonteCarlo:
    """The result of the Monte Carlo: one interval per agency, the rank shift per draw."""

    draws: int
    chunk: int
    agencies: tuple[AgencyInterval, ...]
    rank_shift: FloatArray  # mean absolute rank shift of each draw


def chunk_size(problem: Problem, memory_mb: int) -> int:
    """Draws per chunk: a quarter of the cap for one chunk's arrays, at most 4,096."""
    cells = (
        max(len(m.agencies) * max(len(m.leaves), 1) for m in problem.models)
        if problem.models
        else 1
    )
    return max(1, min(4096, (memory_mb * 2**20 // 4) // (cells * _CELL_BYTES)))


def check_memory(
    problem: Problem, draws: int, memory_mb: int, where: SourceLocation | None
) -> None:
    """Refuse, before any draw, a run whose kept ranks would pass half the memory cap.

    Raises:
        UsageError: ``E-ANALYSIS-MEMORY``, located at the analysis file's ``draws``.
    """
    agencies = sum(len(m.agencies) for m in problem.models)
    need = draws * agencies * 4
    if need > memory_mb * 2**20 // 2:
        most = max(1, (memory_mb * 2**20 // 2) // max(agencies * 4, 1))
        raise UsageError(
            msg(
                "{draws} draws of {agencies} agencies need {mb} MiB, more than half the memory cap of {cap} MiB",
                draws=draws,
                agencies=agencies,
                mb=math.ceil(need / 2**20),
                cap=memory_mb,
            ),
            code="E-ANALYSIS-MEMORY",
            location=where,
            hint=msg("ask for at most {most} draws, or raise 'memory_mb'", most=most),
        )


def _percentile(ranks: npt.NDArray[np.integer[Any]], q: float) -> IntArray:
    out: IntArray = np.percentile(ranks, q, axis=0, method="inverted_cdf").astype(np.int64)
    return out


def monte_carlo(problem: Problem, spec: AnalysisSpec, draws: int, seed: int) -> MonteCarlo:
    """Run ``draws`` draws seeded with ``seed`` and summarise them per agency."""
    rng = np.random.default_rng([seed, 0])
    noise_rng = np.random.default_rng([seed, 1])
    size = chunk_size(problem, spec.memory_mb)
    models = problem.models
    kept = [np.zeros((draws, len(m.agencies)), dtype=np.int32) for m in models]
    tier_counts = [
        np.zeros((len(m.agencies), len(problem.tiers) + 1), dtype=np.int64) for m in models
    ]
    noise = [f for f in problem.factors if f.kind == "noise" and f.name in problem.scenarios]
    width = problem.agencies
    shift = np.zeros(draws)
    ranked_total = sum(int(m.ranked.sum()) for m in models)
    done = 0
    while done < draws:
        d = min(size, draws - done)
        u = rng.random((d, problem.dims))
        levels = {f.name: noise_rng.integers(0, f.levels, size=(d, width)) for f in noise}
        chunk = problem.run(u, d, levels)
        for b, model in enumerate(models):
            kept[b][done : done + d] = chunk.ranks[b]
            for t in range(len(problem.tiers) + 1):
                tier_counts[b][:, t] += (chunk.tiers[b] == t).sum(axis=0)
            ranked = model.ranked
            shift[done : done + d] += np.abs(
                chunk.ranks[b][:, ranked] - model.nominal_rank[ranked]
            ).sum(axis=1)
        done += d
    if ranked_total:
        shift /= ranked_total
    out: list[AgencyInterval] = []
    for b, model in enumerate(models):
        ranks = kept[b]
        med = np.median(ranks, axis=0) if draws else np.zeros(len(model.agencies))
        low, high = _percentile(ranks, 5), _percentile(ranks, 95)
        for i, agency in enumerate(model.agencies):
            is_ranked = bool(model.ranked[i])
            change = model.previous_change[i]
            same: float | None = None
            if is_ranked and change is not None:
                prev = int(model.nominal_rank[i]) + change
                signs = np.sign(prev - ranks[:, i].astype(np.int64))
                same = float(np.mean(signs == np.sign(change)))
            probs = {
                tid: float(tier_counts[b][i, t]) / draws for t, tid in enumerate(problem.tier_ids)
            }
            out.append(
                AgencyInterval(
                    agency=agency,
                    block=model.block,
                    rank=int(model.nominal_rank[i]) if is_ranked else None,
                    median_rank=float(med[i]) if is_ranked else None,
                    low=int(low[i]) if is_ranked else None,
                    high=int(high[i]) if is_ranked else None,
                    tier=model.nominal_tier[i],
                    tier_probability=probs,
                    rank_change=change,
                    same_sign=same,
                )
            )
    return MonteCarlo(draws=draws, chunk=size, agencies=tuple(out), rank_shift=shift)


def summary(problem: Problem, u: Any, levels: Any = None) -> FloatArray:
    """Mean absolute rank shift of each draw of ``u`` (the output Sobol indices explain)."""
    chunk = problem.run(u, u.shape[0], levels)
    ranked_total = sum(int(m.ranked.sum()) for m in problem.models)
    out = np.zeros(u.shape[0])
    for b, model in enumerate(problem.models):
        r = model.ranked
        out += np.abs(chunk.ranks[b][:, r] - model.nominal_rank[r]).sum(axis=1)
    return out / max(ranked_total, 1)


def mean_total(problem: Problem, u: Any) -> FloatArray:
    """Mean total (points, before rescaling to the block's maximum) of each draw of ``u``."""
    chunk = problem.run(u, u.shape[0])
    stacked = np.concatenate(chunk.totals, axis=1)
    return np.asarray(stacked.mean(axis=1), dtype=np.float64)
