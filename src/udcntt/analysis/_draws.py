"""From uniform inputs to ranks and tiers: the uncertainty model of an analysis.

Each :class:`~udcntt.analysis._spec.Factor` reads one column (a Dirichlet: one column per
sibling) of a matrix ``U`` of numbers in [0, 1): Monte Carlo fills it at random, Sobol with
SALib's sequence, one-at-a-time with fixed values. :meth:`Problem.run` turns a chunk of
``U`` into every block's scores, ranks and tiers; :meth:`Problem.nominal` runs the declared
rule set (every factor at its nominal value) and must give the exact assessment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import gammaincinv

from udcntt.analysis._alternatives import alternative_shares
from udcntt.analysis._engine import (
    IntArray,
    aggregate,
    competition_ranks,
    log_shares,
    round_keys,
    tiers_of,
)
from udcntt.analysis._model import AGG_CODES, BlockModel, FloatArray
from udcntt.analysis._spec import Factor
from udcntt.errors import EvaluationError, msg
from udcntt.model import RuleSet

__all__ = ["Chunk", "Problem"]


@dataclass
class Chunk:
    """Per block: scores (D, A), ranks (D, A; 0 when unranked), tier indices (D, A)."""

    scores: list[FloatArray]
    ranks: list[IntArray]
    tiers: list[IntArray]
    totals: list[FloatArray]


class Problem:
    """The uncertainty model of one rule set, one assessment and one analysis spec."""

    def __init__(
        self,
        rules: RuleSet,
        models: list[BlockModel],
        factors: tuple[Factor, ...],
        scenarios: dict[str, list[FloatArray]],
    ) -> None:
        self.rules = rules
        self.models = models
        self.factors = factors
        self.scenarios = scenarios  # factor name → per block (K, A, L) share deltas
        self.offsets: list[int] = []
        dims = 0
        for f in factors:
            self.offsets.append(dims)
            dims += f.dims
        self.dims = dims
        self.tiers = list(rules.tiers.levels)
        self.tier_ids = [t.id for t in self.tiers]
        r = rules.rounding
        self.on_share = rules.tiers.basis.value == "share"
        self.places = r.share if self.on_share else r.total
        self.rank_share = rules.ranking.on.value == "share"
        self.total_places = r.total
        self.share_places = r.share
        self.mode = str(getattr(r.mode, "value", r.mode))
        self.tie_break = tuple(rules.ranking.tie_break)
        self.pooled = rules.ranking.scope == "all"
        self.alternatives = alternative_shares(models, factors)
        self.geometric = any(
            n.aggregate == 2 for m in models for n in m.nodes if not n.is_leaf
        ) or any(f.kind == "aggregation" and "geometric_mean" in f.choices for f in factors)
        self.conditional = any(t.require or t.min_group_share is not None for t in self.tiers)
        # Agencies of all blocks in one row (block after block): noise levels and Sobol
        # phases are per agency, never shared by the i-th agencies of two blocks.
        self.first_agency = [sum(len(m.agencies) for m in models[:b]) for b in range(len(models))]
        self.agencies = sum(len(m.agencies) for m in models)
        self.phase = np.random.default_rng(0x5EED).random(self.agencies)

    # -- decoding ---------------------------------------------------------------------
    def _thresholds(self, u: FloatArray | None, d: int) -> list[IntArray | None]:
        out: list[IntArray | None] = []
        for t in self.tiers:
            if t.min is None:
                out.append(None)
                continue
            base = np.full(d, float(t.min))
            for j, f in enumerate(self.factors):
                if u is None or f.target != t.id:
                    continue
                col = u[:, self.offsets[j]]
                if f.kind == "tier_uniform":
                    base = base * (1 + f.spread / 100 * (2 * col - 1))
                elif f.kind == "tier_alternatives":
                    vals = np.array([float(c) for c in f.choices])
                    base = vals[_pick(col, len(vals))]
            out.append(round_keys(base, self.places, self.mode))
        return out

    def _block_inputs(
        self, b: int, u: FloatArray | None, d: int, levels: dict[str, IntArray] | None
    ) -> tuple[FloatArray, dict[int, IntArray], FloatArray]:
        model = self.models[b]
        ids = model.by_id
        factors = np.ones((d, len(model.nodes)))
        choices: dict[int, IntArray] = {}
        shares: FloatArray = model.shares
        if u is None:
            return factors, choices, shares
        varied = False
        for j, f in enumerate(self.factors):
            col = u[:, self.offsets[j]]
            node = ids.get(f.target)
            if f.kind == "points_uniform" and node is not None:
                factors[:, node.index] *= 1 + f.spread / 100 * (2 * col - 1)
            elif f.kind == "points_alternatives" and node is not None:
                vals = np.array([float(c) for c in f.choices]) / (node.max or 1.0)
                factors[:, node.index] *= vals[_pick(col, len(vals))]
            elif f.kind == "exclude" and node is not None:
                factors[:, node.index] *= col >= f.probability
            elif f.kind in ("weights_dirichlet", "weights_alternatives"):
                kids = self._siblings(model, f)
                if not kids:
                    continue
                base = np.array([model.nodes[k].weight for k in kids])
                if f.kind == "weights_dirichlet":
                    cols = u[:, self.offsets[j] : self.offsets[j] + f.dims]
                    present = [i for i, cid in enumerate(f.choices) if cid in ids]
                    alpha = f.spread * base / base.sum()
                    g = gammaincinv(alpha, np.clip(cols[:, present], 1e-12, 1 - 1e-12))
                    w = g / g.sum(axis=1, keepdims=True)
                    factors[:, kids] *= w * base.sum() / base
                else:
                    table = np.array(
                        [
                            [float(alt.get(model.nodes[k].id, model.nodes[k].weight)) for k in kids]
                            for alt in f.choices
                        ]
                    )
                    factors[:, kids] *= table[_pick(col, len(table))] / base
            elif f.kind == "aggregation" and node is not None:
                codes = np.array([AGG_CODES[c] for c in f.choices])
                choices[node.index] = codes[_pick(col, len(codes))]
            elif f.kind == "normalisation" and node is not None:
                alt = self.alternatives[b].get(node.column)
                if alt is None:
                    continue
                if not varied:
                    shares, varied = (
                        np.broadcast_to(model.shares, (d, *model.shares.shape)).copy(),
                        True,
                    )
                shares[:, :, node.column] = alt[_pick(col, len(alt))]
            elif f.kind in ("noise", "imputation") and f.name in self.scenarios:
                delta = self.scenarios[f.name][b]
                if not delta.any():
                    continue
                if not varied:
                    shares, varied = (
                        np.broadcast_to(model.shares, (d, *model.shares.shape)).copy(),
                        True,
                    )
                a = len(model.agencies)
                span = slice(self.first_agency[b], self.first_agency[b] + a)
                if f.kind == "imputation":
                    shares += delta[_pick(col, len(delta))]
                else:
                    lev = (
                        levels[f.name][:, span]
                        if levels is not None
                        else _pick((col[:, None] + self.phase[None, span]) % 1.0, len(delta))
                    )
                    shares += delta[lev, np.arange(a)[None, :]]
        return factors, choices, shares

    def _siblings(self, model: BlockModel, f: Factor) -> list[int]:
        ids = model.by_id
        if f.target in ids:
            g = ids[f.target]
            kids = g.leaf_children + g.group_children
        else:
            kids = list(model.top)
        wanted = set(f.choices) if f.kind == "weights_dirichlet" else None
        return sorted(k for k in kids if wanted is None or model.nodes[k].id in wanted)

    # -- running ----------------------------------------------------------------------
    def run(
        self, u: FloatArray | None, d: int = 1, levels: dict[str, IntArray] | None = None
    ) -> Chunk:
        """Scores, ranks and tiers of every block for the draws ``u`` (``None``: nominal)."""
        thresholds = self._thresholds(u, d)
        scores, totals, keys, tiers = [], [], [], []
        for b, model in enumerate(self.models):
            factors, choices, shares = self._block_inputs(b, u, d, levels)
            # A criterion that does not apply has no log: 0, outside the weighted sum.
            logs = np.where(model.mask > 0, log_shares(shares), 0.0) if self.geometric else None
            agg = aggregate(model, factors, choices, shares, logs, self.tie_break)
            scale = (model.block_max / np.where(agg.full > 0, agg.full, 1.0))[:, None]
            score = agg.total * scale
            # As the evaluator: the published total is rounded, the share is the published
            # total over the applicable maximum, rounded; tiers and ranks use those.
            published = round_keys(score, self.total_places, self.mode)
            applicable = agg.applicable * scale
            share = np.divide(
                published / 10.0**self.total_places,
                applicable,
                out=np.zeros_like(score),
                where=applicable > 0,
            )
            share_keys = round_keys(share, self.share_places, self.mode)
            tiers.append(tiers_of(share_keys if self.on_share else published, thresholds))
            rank_key = share_keys if self.rank_share else published
            keys.append(
                [
                    rank_key,
                    *(
                        round_keys(agg.groups[t], self.total_places, self.mode)
                        if t in agg.groups
                        else np.zeros_like(rank_key)
                        for t in self.tie_break
                    ),
                ]
            )
            scores.append(score)
            totals.append(agg.total)
        ranks = self._ranks(keys, d)
        return Chunk(scores, ranks, tiers, totals)

    def _ranks(self, keys: list[list[IntArray]], d: int) -> list[IntArray]:
        out = [np.zeros((d, len(m.agencies)), dtype=np.int64) for m in self.models]
        pools = (
            [list(range(len(self.models)))]
            if self.pooled
            else [[b] for b in range(len(self.models))]
        )
        for pool in pools:
            sel = [(b, np.flatnonzero(self.models[b].ranked)) for b in pool]
            if not sum(len(ix) for _, ix in sel):
                continue
            joined = [
                np.concatenate([keys[b][i][:, ix] for b, ix in sel], axis=1)
                for i in range(len(keys[pool[0]]))
            ]
            r = competition_ranks(joined)
            start = 0
            for b, ix in sel:
                out[b][:, ix] = r[:, start : start + len(ix)]
                start += len(ix)
        return out

    def nominal(self) -> Chunk:
        """The declared rule set as one draw, checked against the exact assessment.

        Raises:
            EvaluationError: ``E-ANALYSIS-NOMINAL`` when a total, rank or tier differs.
        """
        chunk = self.run(None)
        for b, model in enumerate(self.models):
            tol = 1e-9 * max(model.block_max, 1.0)
            problems: list[tuple[str, str, Any, Any]] = []
            for i, agency in enumerate(model.agencies):
                got = chunk.totals[b][0, i]
                if abs(got - model.nominal_total[i]) > tol:
                    problems.append((agency, "total", got, model.nominal_total[i]))
                elif model.ranked[i] and chunk.ranks[b][0, i] != model.nominal_rank[i]:
                    problems.append((agency, "rank", chunk.ranks[b][0, i], model.nominal_rank[i]))
                elif (
                    not self.conditional
                    and self.tier_ids[chunk.tiers[b][0, i]] != model.nominal_tier[i]
                ):
                    problems.append(
                        (agency, "tier", self.tier_ids[chunk.tiers[b][0, i]], model.nominal_tier[i])
                    )
            if problems:
                agency, what, got, want = problems[0]
                raise EvaluationError(
                    msg(
                        "the nominal draw differs from the exact result: {what} {got} instead of {want}",
                        what=what,
                        got=got,
                        want=want,
                    ),
                    code="E-ANALYSIS-NOMINAL",
                    agency=agency,
                    hint=msg(
                        "the analysis cannot model this rule set faithfully; please report it"
                    ),
                )
        return chunk


def _pick(col: FloatArray, k: int) -> IntArray:
    """Index in 0..k-1 of uniform numbers in [0, 1)."""
    return np.minimum((col * k).astype(np.int64), k - 1)
