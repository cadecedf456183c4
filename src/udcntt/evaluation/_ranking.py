"""Tiers on the published value, competition ranks within blocks, rank changes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple, TypeVar

from udcntt.model import RoundingMode, TierLevel

__all__ = [
    "PreviousMatch",
    "competition_ranks",
    "match_previous",
    "quantize",
    "rank_change",
    "ranks_of_keys",
    "tier_of",
]

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
    return ranks_of_keys(list(map(key, items)))


def ranks_of_keys(keys: Sequence[Any]) -> list[int]:
    """Competition ranks of ``keys`` (higher is better), in their order.

    >>> ranks_of_keys([8, 10, 9, 9])
    [4, 1, 2, 2]
    """
    order = sorted(range(len(keys)), key=keys.__getitem__, reverse=True)
    ranks = [0] * len(keys)
    rank = 0
    last: Any = _NOTHING
    for position, index in enumerate(order, 1):
        key = keys[index]
        if last is _NOTHING or key != last:
            rank, last = position, key
        ranks[index] = rank
    return ranks


_NOTHING = object()


def rank_change(previous: int | None, current: int | None) -> int | None:
    """Previous rank − current rank: "tăng 4 bậc" is +4; ``None`` when either is unknown."""
    if previous is None or current is None:
        return None
    return previous - current


class PreviousMatch(NamedTuple):
    """How this year's agencies map to last year's (see :func:`match_previous`)."""

    #: current id → previous id, for every matched agency.
    mapping: dict[str, str]
    #: the matches made through a declared alias (a former id or name).
    by_alias: dict[str, str]
    #: the matches made through the agency's own name (ids differ).
    by_name: dict[str, str]
    #: (previous id, claim, claim) for each previous agency that two current agencies
    #: claim, a claim being (current id, ``"alias"`` or ``"name"``, the text that matched).
    conflicts: list[tuple[str, tuple[str, str, str], tuple[str, str, str]]]
    #: (current id, claim text, previous id, previous id) for each current agency whose
    #: alias or name matches two agencies of last year equally (two with the same name).
    forks: list[tuple[str, str, str, str]]


def match_previous(
    current: Sequence[tuple[str, str, Sequence[str]]],
    previous: Sequence[tuple[str, str]],
) -> PreviousMatch:
    """Map each current agency to last year's (by id, else by a declared alias, else the name).

    A match by id is definite. An agency whose id is new is matched through the first of
    its declared aliases (former ids or names) that names a previous agency not matched by
    id, else through its own name. Names compare with :func:`udcntt.data.match_key` (case,
    spacing, look-alike characters and tone-mark placement folded). When two current
    agencies claim the same previous agency this way, neither is guessed: the claim is
    returned in ``conflicts``; when an alias or name matches two previous agencies, in
    ``forks`` (the caller reports ``E-PREVIOUS-AMBIGUOUS`` for both). The result does not
    depend on the order of either sequence.

    Args:
        current: (id, name, aliases) of this year's agencies.
        previous: (id, name) of last year's agencies.

    Returns:
        The mapping, split by how each match was made, and the conflicts.
    """
    from udcntt.data import match_key

    prev_ids = {pid for pid, _ in previous}
    by_key: dict[str, list[str]] = {}
    for pid, name in previous:
        by_key.setdefault(match_key(name), []).append(pid)
    by_key = {k: sorted(v) for k, v in by_key.items()}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for cid, _, _ in current:
        if cid in prev_ids:
            mapping[cid] = cid
            taken.add(cid)

    def find(key: str) -> list[str]:
        if key in prev_ids and key not in taken:
            return [key]
        return [pid for pid in by_key.get(match_key(key), ()) if pid not in taken]

    claims: dict[str, list[tuple[str, str, str]]] = {}
    forks: list[tuple[str, str, str, str]] = []
    for cid, name, aliases in sorted(current, key=lambda c: c[0]):
        if cid in mapping:
            continue
        for key, how in (*((a, "alias") for a in aliases), (name, "name")):
            found = find(key)
            if len(found) > 1:
                forks.append((cid, key, found[0], found[1]))
                break
            if found:
                claims.setdefault(found[0], []).append((cid, how, key))
                break
    by_alias: dict[str, str] = {}
    by_name: dict[str, str] = {}
    conflicts: list[tuple[str, tuple[str, str, str], tuple[str, str, str]]] = []
    for pid in sorted(claims):
        claimants = claims[pid]
        if len(claimants) > 1:
            conflicts.append((pid, claimants[0], claimants[1]))
            continue
        cid, how, _ = claimants[0]
        mapping[cid] = pid
        (by_alias if how == "alias" else by_name)[cid] = pid
    return PreviousMatch(mapping, by_alias, by_name, conflicts, forks)
