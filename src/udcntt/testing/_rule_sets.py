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
from hypothesis import assume
from hypothesis import strategies as st

from udcntt._kinds import RULE_TYPES, RuleType
from udcntt.errors import msg

__all__ = ["rule_set_documents", "rule_sets"]


# ---------------------------------------------------------------------------------------
# Random rule sets, for testing the engine itself

_CATEGORIES = ("muc_a", "muc_b", "muc_c", "muc_d")


class _Picker:
    """A rule type's :class:`~udcntt._kinds.Picker` over Hypothesis draws, for one leaf."""

    def __init__(self, draw: st.DrawFn, index: int) -> None:
        self._draw = draw
        self._index = index
        self.indicators: dict[str, Any] = {}
        self.relations: list[str] = []

    def integer(self, lo: int, hi: int) -> int:
        return self._draw(st.integers(lo, hi))

    def choice(self, options: Sequence[Any]) -> Any:
        return self._draw(st.sampled_from(list(options)))

    def boolean(self) -> bool:
        return self._draw(st.booleans())

    def _name(self, prefix: str) -> str:
        return f"{prefix}_{self._index}_{len(self.indicators)}"

    def number_input(self, kind: str = "count", *, not_applicable: bool = False) -> str:
        name = self._name("x")
        spec: dict[str, Any] = {
            "label": f"Chỉ số {self._index}.{len(self.indicators)}",
            "type": kind,
            "direction": "higher",
            "not_applicable": not_applicable,
        }
        if kind == "number":
            spec["range"] = [0, 1000]
        elif kind == "total":  # a count that bounds another (declared by a relation)
            spec.update(type="count", range=[1, 500])
            del spec["direction"]
        self.indicators[name] = spec
        return name

    def bool_input(self) -> str:
        name = self._name("b")
        self.indicators[name] = {
            "label": f"Có {self._index}.{len(self.indicators)}",
            "type": "bool",
            "direction": "higher",
        }
        return name

    def relation(self, check: str) -> None:
        self.relations.append(check)

    def category_input(self, n: int) -> tuple[str, list[str]]:
        name = self._name("m")
        cats = list(_CATEGORIES[: max(2, min(n, len(_CATEGORIES)))])
        self.indicators[name] = {
            "label": f"Mức {self._index}.{len(self.indicators)}",
            "type": "category",
            "categories": cats,
        }
        return name, cats


def _drawable(names: Sequence[str] | None) -> list[RuleType]:
    """Rule types with a test strategy whose points are promised monotone in every input.

    Named rule types are looked up first, so an installed plugin's is loaded from its entry
    point; without names, the rule types registered or loaded so far are drawn.
    """
    for name in names or ():
        RULE_TYPES.get(name)
    out = []
    for rule_type in RULE_TYPES:
        if type(rule_type).example is RuleType.example:
            continue
        if not rule_type.builtin and set(rule_type.monotone) != set(rule_type.expressions):
            continue
        if names is None or rule_type.name in names:
            out.append(rule_type)
    return out


@st.composite
def _leaf(
    draw: st.DrawFn, index: int, blocks: Sequence[str], kinds: Sequence[str] | None
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """One leaf criterion of a drawn rule type, with the indicators it reads."""
    top = draw(st.integers(1, 20))
    rule_type = draw(st.sampled_from(_drawable(kinds)))
    pick = _Picker(draw, index)
    fragment = rule_type.example(pick, top)
    assume(fragment is not None)
    leaf: dict[str, Any] = {
        "id": f"tc_{index}",
        "label": f"Tiêu chí {index}",
        "max": top,
        rule_type.name: fragment,
    }
    if len(blocks) > 1 and draw(st.integers(0, 3)) == 3:
        leaf["blocks"] = [draw(st.sampled_from(list(blocks)))]
    return leaf, pick.indicators, pick.relations


@st.composite
def _document(
    draw: st.DrawFn,
    max_blocks: int,
    max_groups: int,
    max_leaves: int,
    kinds: Sequence[str] | None = None,
) -> dict[str, Any]:
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
            leaf, inds, rels = draw(_leaf(counter, blocks if g > 0 else blocks[:1], kinds))
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
    *,
    max_blocks: int = 2,
    max_groups: int = 3,
    max_leaves: int = 3,
    rule_types: Sequence[str] | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Random small valid rule sets as plain dicts (the YAML document before loading).

    Each has 1–``max_blocks`` blocks, 1–``max_groups`` groups of 1–``max_leaves`` leaves of
    every registered rule type with a test strategy (:meth:`RuleType.example`: udcntt's
    own, and a plugin's that declares its points monotone in every input), tiers on points
    or shares, and both not-applicable policies. Every rule is monotone in the indicators
    it marks ``direction: higher``, so every invariant of :mod:`udcntt.testing` should hold.

    Args:
        max_blocks: Most blocks.
        max_groups: Most top-level groups.
        max_leaves: Most leaves per group.
        rule_types: Only these rule types (by name); default: every one drawable.
    """
    if not _drawable(rule_types):
        raise ValueError(
            msg(
                "no registered rule type with a test strategy among {names}",
                names=", ".join(rule_types or ()),
            )
        )
    return _document(max_blocks, max_groups, max_leaves, rule_types)


def rule_sets(
    *,
    max_blocks: int = 2,
    max_groups: int = 3,
    max_leaves: int = 3,
    rule_types: Sequence[str] | None = None,
) -> st.SearchStrategy[str]:
    """Random small valid rule sets as YAML text, for ``udcntt.load_rules(path, text=...)``.

    See :func:`rule_set_documents` for what they contain.

    >>> @given(rule_sets())                                        # doctest: +SKIP
    ... def test_engine(text):
    ...     rules = udcntt.load_rules("random.yaml", text=text)
    """
    return rule_set_documents(
        max_blocks=max_blocks, max_groups=max_groups, max_leaves=max_leaves, rule_types=rule_types
    ).map(lambda doc: yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
