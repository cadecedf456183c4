"""Benchmark: udcntt's Monte Carlo of ranks against a hand-written NumPy reference.

One block of ``--agencies`` agencies scored on ``--criteria`` criteria (five summing groups,
points ``a_i / 100 × max``), and an analysis that varies the points of every criterion by
±10 %. Both contenders do the same draws from the same seeded generator, in the same
chunks, and produce the same things: every draw's competition ranks (on the total rounded
to the rule file's two places, rescaled to the block's maximum), tier counts, and per agency
the median and the 5th and 95th percentiles of its rank. They must agree exactly (checked).

* ``udcntt``: :func:`udcntt.analysis._montecarlo.monte_carlo` on the model udcntt builds
  from the exact assessment (the criteria tree aggregated group by group);
* ``numpy``: the composite written by hand as one matrix product per chunk.

The contenders run in ``--rounds`` rounds, in a shuffled order within each round (seeded),
timed in CPU time (``time.process_time``); the medians are printed, and the last line is
the ratio udcntt / numpy. The peak resident memory of the process is printed too.

Usage: python benchmarks/analysis.py [--draws 10000] [--agencies 1000] [--criteria 50]
       [--rounds 5] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np

import udcntt
from udcntt.analysis import load_analysis
from udcntt.analysis._draws import Problem
from udcntt.analysis._model import block_models
from udcntt.analysis._montecarlo import chunk_size, monte_carlo

GROUPS = 5


def _rules(criteria: int) -> str:
    per = criteria // GROUPS
    lines = [
        "udcntt: 1",
        "id: bench_analysis",
        "title: Bench",
        "rounding: {total: 2, share: 4, mode: half_up}",
        "blocks: {so: {label: So}}",
        "indicators:",
    ]
    lines += [f"  a{i}: {{label: A{i}, type: number, range: [0, 100]}}" for i in range(criteria)]
    lines.append("criteria:")
    for g in range(GROUPS):
        lines.append(f"  - id: g{g}\n    label: G{g}\n    children:")
        for k in range(per):
            i = g * per + k
            mx = 5 + (i % 4) * 5
            lines.append(f"      - {{id: c{i}, label: C{i}, max: {mx}, points: a{i} / 100 * {mx}}}")
    lines.append(
        "tiers: {levels: [{id: tot, label: Tot, min: 500}, {id: kha, label: Kha, min: 350}, "
        "{id: tb, label: TB}]}"
    )
    return "\n".join(lines) + "\n"


def _data(agencies: int, criteria: int) -> udcntt.Dataset:
    rng = random.Random(7)
    return udcntt.Dataset(
        agencies=tuple(
            udcntt.AgencyRecord(
                id=f"s{i:05d}",
                name=f"S{i}",
                block="so",
                values={f"a{c}": Decimal(rng.randrange(0, 10001)) / 100 for c in range(criteria)},
            )
            for i in range(agencies)
        )
    )


def _spec_text(criteria: int) -> str:
    lines = ["udcntt_analysis: 1", "uncertainty:", "  points:"]
    lines += [f"    - {{criterion: c{i}, uniform: 10}}" for i in range(criteria)]
    return "\n".join(lines) + "\n"


def reference(
    shares: np.ndarray,
    maxima: np.ndarray,
    spread: float,
    block_max: float,
    thresholds: list[float],
    draws: int,
    seed: int,
    chunk: int,
) -> dict[str, Any]:
    """The same draws written by hand: one matrix product, rank, classify, summarise."""
    rng = np.random.default_rng([seed, 0])
    a = shares.shape[0]
    kept = np.zeros((draws, a), dtype=np.int32)
    tiers = np.zeros((a, len(thresholds) + 1), dtype=np.int64)
    limits = np.floor(np.array(thresholds) * 100 + 0.5).astype(np.int64)
    done = 0
    while done < draws:
        d = min(chunk, draws - done)
        u = rng.random((d, len(maxima)))
        weights = maxima * (1 + spread * (2 * u - 1))
        total = weights @ shares.T
        score = total * (block_max / weights.sum(axis=1))[:, None]
        scaled = score * 100
        key = np.floor(scaled + 0.5 + 1e-9 * np.maximum(1.0, scaled)).astype(np.int64)
        order = np.argsort(-key, axis=1, kind="stable")
        ordered = np.take_along_axis(key, order, axis=1)
        new = np.ones_like(ordered, dtype=bool)
        new[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
        pos = np.where(new, np.arange(1, a + 1), 0)
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.maximum.accumulate(pos, axis=1), axis=1)
        kept[done : done + d] = ranks
        level = (key[:, :, None] < limits[None, None, :]).sum(axis=2)
        for t in range(len(thresholds) + 1):
            tiers[:, t] += (level == t).sum(axis=0)
        done += d
    return {
        "median": np.median(kept, axis=0),
        "low": np.percentile(kept, 5, axis=0, method="inverted_cdf"),
        "high": np.percentile(kept, 95, axis=0, method="inverted_cdf"),
        "tiers": tiers,
    }


def _cpu(run: Callable[[], object]) -> tuple[float, object]:
    start = time.process_time()
    out = run()
    return time.process_time() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--criteria", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.criteria % GROUPS:
        parser.error(f"--criteria must be a multiple of {GROUPS}")

    rules = udcntt.load_rules("bench.yaml", text=_rules(args.criteria))
    data = _data(args.agencies, args.criteria)
    assessment = udcntt.evaluate(rules, data)
    spec, _ = load_analysis("bench-analysis.yaml", rules, text=_spec_text(args.criteria))
    models = block_models(rules, assessment)
    problem = Problem(rules, models, spec.factors, {})
    problem.nominal()
    model = models[0]
    maxima = np.array([model.nodes[i].max for i in model.leaves])
    thresholds = [500.0, 350.0]
    chunk = chunk_size(problem, spec.memory_mb)

    def ours() -> object:
        return monte_carlo(problem, spec, args.draws, args.seed)

    def theirs() -> object:
        return reference(
            model.shares, maxima, 0.10, model.block_max, thresholds, args.draws, args.seed, chunk
        )

    # Same draws, same answers.
    mc: Any = ours()
    ref = theirs()
    got_low = np.array([i.low for i in mc.agencies])
    got_high = np.array([i.high for i in mc.agencies])
    got_median = np.array([i.median_rank for i in mc.agencies])
    same = (
        np.array_equal(got_low, ref["low"])
        and np.array_equal(got_high, ref["high"])
        and np.array_equal(got_median, ref["median"])
    )
    tier_ids = problem.tier_ids
    got_tiers = np.array([[i.tier_probability[t] for t in tier_ids] for i in mc.agencies])
    same = same and np.allclose(got_tiers * args.draws, ref["tiers"][:, : len(tier_ids)])
    print(
        f"{args.draws} draws x {args.agencies} agencies x {args.criteria} criteria, chunk {chunk}: "
        f"results {'identical' if same else 'DIFFER'}"
    )

    contenders = {"udcntt": ours, "numpy": theirs}
    times: dict[str, list[float]] = {k: [] for k in contenders}
    order = random.Random(args.seed)
    for _ in range(args.rounds):
        names = list(contenders)
        order.shuffle(names)
        for name in names:
            times[name].append(_cpu(contenders[name])[0])
    medians = {k: statistics.median(v) for k, v in times.items()}
    for name, value in medians.items():
        print(f"{name:7} median CPU {value:8.3f} s over {args.rounds} rounds")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory {peak:.0f} MiB")
    print(f"ratio udcntt / numpy reference: {medians['udcntt'] / medians['numpy']:.2f}")


if __name__ == "__main__":
    main()
