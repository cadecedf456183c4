"""Tiers on the published value, competition ranks within blocks, rank changes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from udcntt.model import RoundingMode, TierLevel

__all__ = ["competition_ranks", "quantize", "rank_change", "tier_of"]

_MODES = {
    RoundingMode.HALF_UP: ROUND_HALF_UP,
    RoundingMode.HALF_EVEN: ROUND_HALF_EVEN,
    RoundingMode.DOWN: ROUND_DOWN,
}

T = TypeVar("T")


def quantize(value: Decimal, places: int, mode: RoundingMode) -> Decimal:
    """Round ``value`` to ``places`` decimals with the declared mode (exact)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=_MODES[mode])


def tier_of(
    value: Decimal,
    levels: Sequence[TierLevel],
    conditions: Callable[[TierLevel], bool],
) -> TierLevel | None:
    """The first tier (best first) whose range holds ``value`` and whose conditions hold."""
    for level in levels:
        if level.min is not None and value < level.min:
            continue
        if level.max is not None and value > level.max:
            continue
        if not conditions(level):
            continue
        return level
    return None


def competition_ranks(items: Sequence[T], key: Callable[[T], Any]) -> list[int]:
    """Competition ranks ("1, 2, 2, 4"): rank = 1 + number of items with a strictly better key.

    Keys compare descending (higher is better).

    >>> competition_ranks([10, 9, 9, 8], key=lambda v: v)
    [1, 2, 2, 4]
    """
    keyed = list(map(key, items))
    order = sorted(range(len(items)), key=lambda i: keyed[i], reverse=True)
    ranks = [0] * len(items)
    for position, index in enumerate(order):
        if position > 0 and keyed[order[position - 1]] == keyed[index]:
            ranks[index] = ranks[order[position - 1]]
        else:
            ranks[index] = position + 1
    return ranks


def rank_change(previous: int | None, current: int | None) -> int | None:
    """Previous rank − current rank: "tăng 4 bậc" is +4; ``None`` when either is unknown."""
    if previous is None or current is None:
        return None
    return previous - current


def match_previous(
    current: Sequence[tuple[str, str, Sequence[str]]],
    previous: Sequence[tuple[str, str]],
) -> tuple[dict[str, str], dict[str, str]]:
    """Map each current agency to last year's (by id, else by a declared alias or the name).

    Args:
        current: (id, name, aliases) of this year's agencies; aliases are former ids or names.
        previous: (id, name) of last year's agencies.

    Returns:
        The mapping current id → previous id, and the subset not matched by id.
        Names compare with :func:`udcntt.data.match_key` (case, spacing, look-alike
        characters and tone-mark placement folded); each previous agency is used once.
    """
    from udcntt.data import match_key

    prev_ids = {pid for pid, _ in previous}
    by_name: dict[str, str] = {}
    for pid, name in previous:
        by_name.setdefault(match_key(name), pid)
    mapping: dict[str, str] = {}
    via_alias: dict[str, str] = {}
    taken: set[str] = set()
    for cid, _, _ in current:
        if cid in prev_ids:
            mapping[cid] = cid
            taken.add(cid)
    for cid, name, aliases in current:
        if cid in mapping:
            continue
        for key in (*aliases, name):
            found = key if key in prev_ids else by_name.get(match_key(key))
            if found is not None and found not in taken:
                pid = found
                mapping[cid] = pid
                via_alias[cid] = pid
                taken.add(pid)
                break
    return mapping, via_alias
