"""Random small valid rule sets, for testing the engine itself.

:func:`rule_set_documents` draws the YAML text of a rule set (blocks, indicators, criteria
of every rule kind, relations, tiers) as a plain dict; :func:`rule_sets` the same as YAML
text, for :func:`udcntt.load_rules`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import yaml
from hypothesis import strategies as st

__all__ = ["rule_set_documents", "rule_sets"]


# ---------------------------------------------------------------------------------------
# Random rule sets, for testing the engine itself

_CATEGORIES = ("muc_a", "muc_b", "muc_c", "muc_d")


@st.composite
def _leaf(
    draw: st.DrawFn, index: int, blocks: Sequence[str]
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """One leaf criterion with the indicators it reads (and relations among them)."""
    cid = f"tc_{index}"
    top = draw(st.integers(1, 20))
    kind = draw(
        st.sampled_from(
            [
                "ratio_points",
                "bands",
                "lookup",
                "conditions",
                "per_item",
                "normalise",
                "count_points",
                "best_of",
            ]
        )
    )
    x = f"x_{index}"
    y = f"y_{index}"
    na = draw(st.booleans())
    indicators: dict[str, Any] = {}
    relations: list[str] = []
    leaf: dict[str, Any] = {"id": cid, "label": f"Tiêu chí {index}", "max": top}
    if kind == "ratio_points":
        indicators[x] = {
            "label": f"Tỷ lệ {index}",
            "type": "ratio",
            "direction": "higher",
            "not_applicable": na,
        }
        leaf["points"] = f"{x} * {top}"
    elif kind == "count_points":
        cap = draw(st.integers(1, 50))
        indicators[x] = {
            "label": f"Số lượng {index}",
            "type": "count",
            "direction": "higher",
            "not_applicable": na,
        }
        indicators[y] = {"label": f"Tổng số {index}", "type": "count", "range": [1, 500]}
        relations.append(f"{x} <= {y}")
        form = draw(st.sampled_from(["capped", "ratio", "min"]))
        if form == "capped":
            leaf["points"] = f"capped_ratio({x}, {y}) * {top}"
        elif form == "ratio":
            leaf["points"] = f"ratio({x}, {y}, 0) * {top}"
        else:
            leaf["points"] = f"min({x}, {cap}) / {cap} * {top}"
    elif kind == "bands":
        n = draw(st.integers(1, 3))
        thresholds = sorted(draw(st.sets(st.integers(1, 30), min_size=n, max_size=n)), reverse=True)
        points = sorted(draw(st.lists(st.integers(0, top), min_size=n, max_size=n)), reverse=True)
        indicators[x] = {
            "label": f"Số cuộc {index}",
            "type": "count",
            "direction": "higher",
            "not_applicable": na,
        }
        leaf["bands"] = {
            "input": x,
            "steps": [{"min": t, "points": p} for t, p in zip(thresholds, points, strict=True)],
            "otherwise": 0,
        }
    elif kind == "lookup":
        cats = _CATEGORIES[: draw(st.integers(2, len(_CATEGORIES)))]
        table = {c: draw(st.integers(0, top)) for c in cats[:-1]}
        indicators[x] = {"label": f"Mức {index}", "type": "category", "categories": list(cats)}
        leaf["lookup"] = {"input": x, "table": table, "otherwise": 0}
    elif kind == "conditions":
        n = draw(st.integers(1, 3))
        shares = draw(st.lists(st.integers(1, 5), min_size=n, max_size=n))
        conds = []
        remaining = top
        for i, share in enumerate(shares):
            name = f"{x}_{i}"
            indicators[name] = {"label": f"Có {index}.{i}", "type": "bool", "direction": "higher"}
            pts = min(remaining, max(1, top * share // 10))
            remaining -= pts
            conds.append({"when": name, "points": pts})
        leaf["conditions"] = conds
    elif kind == "per_item":
        each = draw(st.integers(1, 5))
        indicators[x] = {
            "label": f"Số phần mềm {index}",
            "type": "count",
            "direction": "higher",
            "not_applicable": na,
        }
        leaf["per_item"] = {"count": x, "points": each, "cap": top}
    elif kind == "best_of":
        indicators[x] = {"label": f"Tỷ lệ {index}", "type": "ratio", "direction": "higher"}
        indicators[y] = {"label": f"Có {index}", "type": "bool", "direction": "higher"}
        half = draw(st.integers(0, top))
        leaf["best_of"] = [
            {"points": f"{x} * {top}"},
            {"conditions": [{"when": y, "points": half}]},
        ]
    else:
        method = draw(
            st.sampled_from(["to_best", "min_max", "rank", "percentile", "goalposts", "z_min_max"])
        )
        kind_x = draw(st.sampled_from(["count", "number", "ratio"]))
        spec: dict[str, Any] = {"value": x, "scope": draw(st.sampled_from(["block", "all"]))}
        indicators[x] = {
            "label": f"Giá trị {index}",
            "type": kind_x,
            "direction": "higher",
            "not_applicable": na,
        }
        if kind_x == "number":
            indicators[x]["range"] = [0, 1000]
        if method == "z_min_max":
            spec["method"] = ["z_score", "min_max"]
        elif method == "goalposts":
            spec["method"] = "goalposts"
            spec["goalposts"] = [0, 1 if kind_x == "ratio" else 100]
        else:
            spec["method"] = method
        leaf["normalise"] = spec
    if len(blocks) > 1 and draw(st.integers(0, 3)) == 3:
        leaf["blocks"] = [draw(st.sampled_from(list(blocks)))]
    return leaf, indicators, relations


@st.composite
def _document(draw: st.DrawFn, max_blocks: int, max_groups: int, max_leaves: int) -> dict[str, Any]:
    n_blocks = draw(st.integers(1, max_blocks))
    blocks = [f"khoi_{i + 1}" for i in range(n_blocks)]
    indicators: dict[str, Any] = {}
    relations: list[str] = []
    criteria: list[dict[str, Any]] = []
    counter = 0
    for g in range(draw(st.integers(1, max_groups))):
        children = []
        for _ in range(draw(st.integers(1, max_leaves))):
            counter += 1
            leaf, inds, rels = draw(_leaf(counter, blocks if g > 0 else blocks[:1]))
            if g == 0:
                leaf.pop("blocks", None)
            children.append(leaf)
            indicators.update(inds)
            relations.extend(rels)
        group: dict[str, Any] = {
            "id": f"nhom_{g + 1}",
            "label": f"Nhóm {g + 1}",
            "children": children,
        }
        aggregate = draw(st.sampled_from(["sum", "sum", "weighted_mean"]))
        if aggregate == "sum":
            group["max"] = sum(int(c["max"]) for c in children)
            if draw(st.booleans()):
                group["rescale_na"] = True
        else:
            group["aggregate"] = aggregate
            group["max"] = draw(st.integers(1, 30))
        criteria.append(group)
    basis = draw(st.sampled_from(["points", "share"]))
    # Valid by construction: on points, the n - 1 distinct thresholds are drawn from
    # 1 .. the first group's max, so a group of max 1 leaves room for two tiers only.
    low = int(criteria[0]["max"])
    n_tiers = draw(st.integers(1, 3 if basis == "share" else min(3, max(low, 1) + 1)))
    levels: list[dict[str, Any]] = []
    if basis == "share":
        mins = sorted(
            draw(
                st.sets(
                    st.sampled_from(["0.5", "0.65", "0.8", "0.9"]),
                    min_size=n_tiers - 1,
                    max_size=n_tiers - 1,
                )
            ),
            reverse=True,
        )
    else:
        # Thresholds below the smallest first group, so that every block can reach them.
        mins = sorted(
            {
                str(v)
                for v in draw(
                    st.sets(st.integers(1, max(low, 1)), min_size=n_tiers - 1, max_size=n_tiers - 1)
                )
            },
            key=Decimal,
            reverse=True,
        )
    for i, m in enumerate(mins):
        levels.append({"id": f"muc_{i + 1}", "label": f"Mức {i + 1}", "min": m})
    levels.append({"id": f"muc_{len(mins) + 1}", "label": f"Mức {len(mins) + 1}"})
    document: dict[str, Any] = {
        "udcntt": 1,
        "id": "random_rules",
        "title": "Bộ tiêu chí ngẫu nhiên",
        "rounding": {
            "total": draw(st.integers(0, 3)),
            "share": draw(st.integers(2, 4)),
            "mode": draw(st.sampled_from(["half_up", "half_even", "down"])),
        },
        "not_applicable": draw(st.sampled_from(["reduce_max", "rescale"])),
        "blocks": {b: {"label": f"Khối {i + 1}"} for i, b in enumerate(blocks)},
        "indicators": indicators,
        "relations": relations,
        "criteria": criteria,
        "tiers": {"basis": basis, "levels": levels},
        "ranking": {
            "scope": draw(st.sampled_from(["block", "all"])),
            "on": draw(st.sampled_from(["total", "share"])),
        },
    }
    if not relations:
        del document["relations"]
    return document


def rule_set_documents(
    *, max_blocks: int = 2, max_groups: int = 3, max_leaves: int = 3
) -> st.SearchStrategy[dict[str, Any]]:
    """Random small valid rule sets as plain dicts (the YAML document before loading).

    Each has 1–``max_blocks`` blocks, 1–``max_groups`` groups of 1–``max_leaves`` leaves of
    every rule kind (expressions, bands, lookups, conditions, per-item, best-of, every
    population normalisation), relations, tiers on points or shares, and both
    not-applicable policies. Every rule is monotone in the indicators it marks
    ``direction: higher``, so every invariant of :mod:`udcntt.testing` should hold.
    """
    return _document(max_blocks, max_groups, max_leaves)


def rule_sets(
    *, max_blocks: int = 2, max_groups: int = 3, max_leaves: int = 3
) -> st.SearchStrategy[str]:
    """Random small valid rule sets as YAML text, for ``udcntt.load_rules(path, text=...)``.

    See :func:`rule_set_documents` for what they contain.

    >>> @given(rule_sets())                                        # doctest: +SKIP
    ... def test_engine(text):
    ...     rules = udcntt.load_rules("random.yaml", text=text)
    """
    return rule_set_documents(
        max_blocks=max_blocks, max_groups=max_groups, max_leaves=max_leaves
    ).map(lambda doc: yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
