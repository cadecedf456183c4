"""Sensitivity: Sobol first- and total-order indices (SALib) and one-at-a-time runs.

Each declared factor is one Sobol input (a Dirichlet's siblings form one SALib *group*), so
the table has one row per line of the analysis file. SALib draws the scrambled Sobol
sequence (``SALib.sample.sobol``) and estimates the indices with bootstrap confidence
intervals (``SALib.analyze.sobol``); udcntt only evaluates the model on the sample.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from udcntt.analysis._draws import Problem
from udcntt.analysis._model import FloatArray
from udcntt.analysis._montecarlo import mean_total, summary
from udcntt.analysis._spec import Factor

__all__ = ["OneAtATime", "SobolIndex", "one_at_a_time", "sobol_indices", "sobol_of_problem"]


@dataclass(frozen=True)
class SobolIndex:
    """First-order (``first``) and total-order (``total``) index of one input, with the
    half-widths of their 95 % bootstrap confidence intervals."""

    name: str
    first: float
    first_conf: float
    total: float
    total_conf: float


@dataclass(frozen=True)
class OneAtATime:
    """One input changed alone (or one criterion left out), everything else as declared."""

    scenario: str
    factor: str
    choice: str
    mean_shift: float
    max_shift: int
    tier_changes: int


def _power_of_two(n: int) -> int:
    return 1 << max(3, (n - 1).bit_length())


def sobol_indices(
    names: Sequence[str],
    model: Callable[[FloatArray], FloatArray],
    samples: int,
    seed: int,
    groups: Sequence[str] | None = None,
    chunk: int = 4096,
) -> list[SobolIndex]:
    """Sobol indices of ``model`` (rows of U in [0, 1)^k → one output per row) by SALib.

    Args:
        names: one name per column of U.
        model: evaluates a block of rows.
        samples: base sample size N (rounded up to a power of two, as Sobol sequences need);
            the model runs N·(g + 2) times for g groups.
        seed: seeds the scrambling and the bootstrap.
        groups: group name per column (columns of one group move together), or ``None``.
        chunk: rows per call of ``model``.

    Returns:
        One :class:`SobolIndex` per group (or per name), in first-appearance order.
    """
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    problem: dict[str, object] = {
        "num_vars": len(names),
        "names": list(names),
        "bounds": [[0.0, 1.0]] * len(names),
    }
    labels = list(dict.fromkeys(groups if groups is not None else names))
    if groups is not None:
        problem["groups"] = list(groups)
    n = _power_of_two(samples)
    x = sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    x = np.minimum(x, np.nextafter(1.0, 0.0))
    y = np.concatenate([model(x[i : i + chunk]) for i in range(0, len(x), chunk)])
    if not np.isfinite(y).all() or float(np.var(y)) == 0.0:
        # No variance to share out: every index is 0, exactly.
        return [SobolIndex(name, 0.0, 0.0, 0.0, 0.0) for name in labels]
    with warnings.catch_warnings():
        # A factor with no effect gives 0/0 in the bootstrap of its interval.
        warnings.simplefilter("ignore", RuntimeWarning)
        si = analyze.analyze(problem, y, calc_second_order=False, seed=seed, print_to_console=False)
    return [
        SobolIndex(
            name,
            _clean(si["S1"][i]),
            _clean(si["S1_conf"][i]),
            _clean(si["ST"][i]),
            _clean(si["ST_conf"][i]),
        )
        for i, name in enumerate(labels)
    ]


def _clean(x: float) -> float:
    v = float(x)
    return round(v, 12) if np.isfinite(v) else 0.0


def sobol_of_problem(problem: Problem, samples: int, seed: int, output: str) -> list[SobolIndex]:
    """Sobol indices of each declared factor on the mean absolute rank shift (or total)."""
    if not problem.dims:
        return []
    names: list[str] = []
    groups: list[str] = []
    for f in problem.factors:
        for k in range(f.dims):
            names.append(f"{f.name}#{k}" if f.dims > 1 else f.name)
            groups.append(f.name)

    def run(u: FloatArray) -> FloatArray:
        return mean_total(problem, u) if output == "total" else summary(problem, u)

    return sobol_indices(names, run, samples, seed, groups=groups)


def _alone(
    problem: Problem,
    factor: Factor,
    u: FloatArray,
    label: str,
    choice: str,
    base: list[np.ndarray],
    tiers: list[np.ndarray],
) -> OneAtATime:
    solo = Problem(problem.rules, problem.models, (factor,), problem.scenarios)
    chunk = solo.run(u, 1)
    shifts: list[np.ndarray] = []
    changed = 0
    for b, model in enumerate(problem.models):
        r = model.ranked
        shifts.append(np.abs(chunk.ranks[b][0, r] - base[b][r]))
        changed += int((chunk.tiers[b][0] != tiers[b]).sum())
    allshift = np.concatenate(shifts) if shifts else np.zeros(0)
    return OneAtATime(
        scenario=label,
        factor=factor.name,
        choice=choice,
        mean_shift=round(float(allshift.mean()), 12) if allshift.size else 0.0,
        max_shift=int(allshift.max()) if allshift.size else 0,
        tier_changes=changed,
    )


def one_at_a_time(problem: Problem) -> list[OneAtATime]:
    """Each group left out, each declared alternative alone, each spread at its two ends."""
    nominal = problem.run(None)
    base = [c[0] for c in nominal.ranks]
    tiers = [t[0] for t in nominal.tiers]
    out: list[OneAtATime] = []
    seen: set[str] = set()
    for model in problem.models:
        for node in model.nodes:
            if node.is_leaf or node.id in seen:
                continue
            seen.add(node.id)
            leave = Factor(f"exclude:{node.id}", "exclude", node.id, probability=1.0)
            out.append(_alone(problem, leave, np.zeros((1, 1)), "leave_out", node.id, base, tiers))
    for f in problem.factors:
        if f.kind in ("noise", "weights_dirichlet"):
            continue
        if f.kind in ("points_uniform", "tier_uniform"):
            for end, label in (
                (0.0, f"-{f.spread:g}%"),
                (np.nextafter(1.0, 0.0), f"+{f.spread:g}%"),
            ):
                out.append(
                    _alone(problem, f, np.full((1, 1), end), "alternative", label, base, tiers)
                )
            continue
        if f.kind == "exclude":
            out.append(_alone(problem, f, np.zeros((1, 1)), "alternative", "excluded", base, tiers))
            continue
        for k, choice in enumerate(f.choices):
            u = np.full((1, 1), (k + 0.5) / len(f.choices))
            text = (
                choice
                if isinstance(choice, str)
                else str(choice)
                if not isinstance(choice, dict)
                else f"#{k + 1}"
            )
            out.append(_alone(problem, f, u, "alternative", text, base, tiers))
    return out
