"""The float model of a scored block: the criteria tree as arrays, from an assessment.

The exact decimal :class:`~udcntt.evaluation.Assessment` gives each agency's leaf points;
this module turns a block into arrays (agencies × leaves of shares, a mask of applicable
leaves, the tree in post-order) that :mod:`udcntt.analysis._engine` aggregates for many
draws at once, exactly as the evaluator aggregates one (sum with ``rescale_na``, weighted
and geometric means, ``not_applicable: rescale``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from udcntt.analysis._checks import aggregate_name, criteria_index, normalise_rule
from udcntt.errors import UsageError, msg
from udcntt.evaluation import Assessment
from udcntt.model import RuleSet

__all__ = ["AGG_CODES", "BlockModel", "Node", "block_models"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Aggregation codes of the engine.
AGG_CODES = {"sum": 0, "weighted_mean": 1, "geometric_mean": 2}


@dataclass
class Node:
    """One scored criterion of a block's tree."""

    id: str
    index: int
    parent: int  # -1 at the top
    is_leaf: bool
    aggregate: int
    max: float
    weight: float  # the base importance under its parent: weight under a mean, max under a sum
    rescale_na: bool = False
    column: int = -1  # leaf column in the share matrix
    leaf_children: list[int] = field(default_factory=list)  # node indices
    group_children: list[int] = field(default_factory=list)
    mean_weights: list[float] = field(default_factory=list)  # per child, for mean alternatives


@dataclass
class BlockModel:
    """A block's agencies and tree as arrays (see the module docstring)."""

    block: str
    agencies: list[str]
    ranked: npt.NDArray[np.bool_]
    nodes: list[Node]
    leaves: list[int]  # node index of each column
    shares: FloatArray  # (A, L), 0 where not applicable
    mask: FloatArray  # (A, L), 1 where applicable
    top: list[int]
    post_order: list[int]  # group node indices, children before parents
    block_max: float
    rescale_total: bool
    nominal_total: FloatArray  # exact totals (unrounded) as floats
    nominal_max: FloatArray  # agencies' applicable maxima
    nominal_rank: npt.NDArray[np.int64]  # 0 when unranked
    nominal_tier: list[str]
    previous_change: list[int | None]
    raw: dict[int, FloatArray] = field(default_factory=dict)  # leaf column → normalised values
    norm: dict[int, Any] = field(default_factory=dict)  # leaf column → Normalise rule

    @property
    def by_id(self) -> dict[str, Node]:
        """Nodes by criterion id."""
        return {n.id: n for n in self.nodes}

    @cached_property
    def linear(self) -> bool:
        """Whether every group sums without ``rescale_na``: the total is then linear in the
        leaf shares, one matrix product per chunk (see ``_engine.aggregate``)."""
        return all(n.is_leaf or (n.aggregate == 0 and not n.rescale_na) for n in self.nodes)

    @cached_property
    def ancestors(self) -> IntArray:
        """(depth, L): the node index of each leaf's ancestor at each level above it, or
        ``len(nodes)`` (a column of ones) where the leaf has no ancestor that high."""
        chains: list[list[int]] = []
        for ni in self.leaves:
            chain = []
            p = self.nodes[ni].parent
            while p >= 0:
                chain.append(p)
                p = self.nodes[p].parent
            chains.append(chain)
        depth = max((len(c) for c in chains), default=0)
        pad = len(self.nodes)
        return np.array(
            [[c[k] if k < len(c) else pad for c in chains] for k in range(depth)], dtype=np.int64
        ).reshape(depth, len(self.leaves))

    @cached_property
    def shares_t(self) -> FloatArray:
        """The shares transposed (leaves × agencies), contiguous for matrix products."""
        return np.ascontiguousarray(self.shares.T)

    @cached_property
    def mask_t(self) -> FloatArray | None:
        """The mask transposed, or ``None`` when every leaf applies to every agency."""
        return None if bool(self.mask.all()) else np.ascontiguousarray(self.mask.T)


def _float(x: Any) -> float:
    return float(x) if x is not None else 0.0


def block_models(rules: RuleSet, assessment: Assessment) -> list[BlockModel]:
    """One model per block that has agencies, in the assessment's block order."""
    index = criteria_index(rules)
    out: list[BlockModel] = []
    for block in assessment.blocks():
        results = [r for r in assessment.results if r.block == block]
        tree = assessment.criteria_tree[block]
        first = results[0].criteria
        nodes: list[Node] = []
        by_id: dict[str, int] = {}
        stack: list[tuple[int, int]] = []  # (depth, node index)
        for info in tree:
            crit = index[info.id][0]
            status = first[info.id].status if info.id in first else "scored"
            while stack and stack[-1][0] >= info.depth:
                stack.pop()
            parent = stack[-1][1] if stack else -1
            if crit.unscored or (info.is_leaf and status == "unscored"):
                continue
            node = Node(
                id=info.id,
                index=len(nodes),
                parent=parent,
                is_leaf=info.is_leaf,
                aggregate=_agg_code(crit, info.is_leaf),
                max=_float(info.full_max),
                weight=0.0,
                rescale_na=crit.rescale_na,
            )
            by_id[info.id] = node.index
            nodes.append(node)
            if not info.is_leaf:
                stack.append((info.depth, node.index))
        leaves: list[int] = []
        for node in nodes:
            parent_agg = nodes[node.parent].aggregate if node.parent >= 0 else 0
            crit = index[node.id][0]
            node.weight = node.max if parent_agg == 0 else _float(crit.weight)
            if node.parent >= 0:
                p = nodes[node.parent]
                (p.leaf_children if node.is_leaf else p.group_children).append(node.index)
            if node.is_leaf:
                node.column = len(leaves)
                leaves.append(node.index)
        for node in nodes:
            if not node.is_leaf:
                kids = node.leaf_children + node.group_children
                node.mean_weights = [nodes[k].weight for k in kids]
        post = _post_order(nodes)
        a, n_leaves = len(results), len(leaves)
        shares = np.zeros((a, n_leaves))
        mask = np.zeros((a, n_leaves))
        raw: dict[int, FloatArray] = {}
        norm: dict[int, Any] = {}
        for col, ni in enumerate(leaves):
            crit = index[nodes[ni].id][0]
            rule = normalise_rule(crit)
            if rule is not None:
                norm[col] = rule
                raw[col] = np.full(a, np.nan)
        for i, r in enumerate(results):
            for col, ni in enumerate(leaves):
                res = r.criteria.get(nodes[ni].id)
                if res is None or res.points is None or res.status != "scored" or not res.max:
                    continue
                shares[i, col] = float(res.points) / float(res.max)
                mask[i, col] = 1.0
                if col in raw and res.raw is not None:
                    raw[col][i] = float(res.raw)
        out.append(
            BlockModel(
                block=block,
                agencies=[r.agency_id for r in results],
                ranked=np.array([r.ranked for r in results], dtype=bool),
                nodes=nodes,
                leaves=leaves,
                shares=shares,
                mask=mask,
                top=[n.index for n in nodes if n.parent < 0],
                post_order=post,
                block_max=float(assessment.block_max[block]),
                rescale_total=rules.not_applicable.value == "rescale",
                nominal_total=np.array([float(r.total_unrounded) for r in results]),
                nominal_max=np.array([float(r.max) for r in results]),
                nominal_rank=np.array([r.rank or 0 for r in results], dtype=np.int64),
                nominal_tier=[r.tier for r in results],
                previous_change=[r.rank_change for r in results],
                raw=raw,
                norm=norm,
            )
        )
    return out


def _agg_code(crit: Any, leaf: bool) -> int:
    if leaf:
        return 0
    name = aggregate_name(crit)
    if name not in AGG_CODES:
        raise UsageError(
            msg(
                "the analysis cannot model aggregation '{name}' of '{criterion}'",
                name=name,
                criterion=crit.id,
            ),
            code="E-ANALYSIS-VALUE",
            criterion=crit.id,
            hint=msg("supported: {keys}", keys=", ".join(AGG_CODES)),
        )
    return AGG_CODES[name]


def _post_order(nodes: list[Node]) -> list[int]:
    out: list[int] = []
    stack: list[tuple[int, bool]] = [(n.index, False) for n in reversed(nodes) if n.parent < 0]
    while stack:
        i, done = stack.pop()
        if nodes[i].is_leaf:
            continue
        if done:
            out.append(i)
            continue
        stack.append((i, True))
        stack.extend((k, False) for k in nodes[i].group_children)
    return out
