"""Properties of any valid lineage: the live units always partition what existed before."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from udcntt.lineage import load_lineage

DAYS = [dt.date(2025, 1, 1) + dt.timedelta(days=30 * i) for i in range(6)]


@st.composite
def lineages(draw: st.DrawFn) -> str:
    """The text of a valid lineage: events built from the units alive at each step."""
    n = draw(st.integers(2, 6))
    alive = [f"u{i}" for i in range(n)]
    counter = n
    lines = ["units:", *(f"  - {{id: {u}, name: U {u}, block: b}}" for u in alive), "events:"]
    for day in DAYS[1:]:
        used: set[str] = set()
        for _ in range(draw(st.integers(0, 2))):
            free = [u for u in alive if u not in used]
            if not free:
                break
            kind = draw(st.sampled_from(["merge", "split", "rename", "absorb", "abolish"]))
            if kind in ("merge", "absorb") and len(free) < 2:
                kind = "rename"
            if kind == "merge":
                sources = draw(st.lists(st.sampled_from(free), min_size=2, max_size=3, unique=True))
                new = f"u{counter}"
                counter += 1
                lines.append(
                    f"  - {{date: {day}, kind: merge, from: [{', '.join(sources)}], "
                    f"to: {{id: {new}, name: M}}, basis: q}}"
                )
                alive = [u for u in alive if u not in sources] + [new]
                used |= {*sources, new}
            elif kind == "split":
                source = draw(st.sampled_from(free))
                a, b = f"u{counter}", f"u{counter + 1}"
                counter += 2
                share = draw(st.sampled_from(["0.25", "0.5", "0.6"]))
                rest = Decimal(1) - Decimal(share)
                lines.append(
                    f"  - {{date: {day}, kind: split, from: {source}, to: [{{id: {a}, name: A, "
                    f"share: {share}}}, {{id: {b}, name: B, share: {rest}}}], basis: q}}"
                )
                alive = [u for u in alive if u != source] + [a, b]
                used |= {source, a, b}
            elif kind == "rename":
                source = draw(st.sampled_from(free))
                new = f"u{counter}"
                counter += 1
                lines.append(
                    f"  - {{date: {day}, kind: rename, from: {source}, to: {{id: {new}, name: R}}, "
                    "basis: q}"
                )
                alive = [u for u in alive if u != source] + [new]
                used |= {source, new}
            elif kind == "absorb":
                source, into = draw(
                    st.lists(st.sampled_from(free), min_size=2, max_size=2, unique=True)
                )
                lines.append(
                    f"  - {{date: {day}, kind: absorb, from: {source}, into: {into}, basis: q}}"
                )
                alive = [u for u in alive if u != source]
                used |= {source, into}
            else:
                source = draw(st.sampled_from(free))
                lines.append(f"  - {{date: {day}, kind: abolish, unit: {source}, basis: q}}")
                alive = [u for u in alive if u != source]
                used.add(source)
    if lines[-1] == "events:":
        lines.pop()
    return "\n".join(lines) + "\n"


@settings(max_examples=60, derandomize=True, deadline=None)
@given(lineages())
def test_live_units_partition_what_existed_before(text: str) -> None:
    """Every unit alive at one date hands on all of itself at any later date (nothing lost,
    nothing counted twice), unless abolished on the way; and predecessors mirror successors."""
    lineage = load_lineage("l.yaml", text=text)
    abolished = {u for e in lineage.events if e.kind == "abolish" for u in e.sources}
    for i, early in enumerate(DAYS):
        for late in DAYS[i:]:
            for state in lineage.alive(early):
                successors = lineage.successors(state.id, late)
                total = sum((s.share for s in successors), Decimal(0))
                assert total <= 1
                if not abolished:
                    assert total == 1, (state.id, early, late, successors)
                for s in successors:
                    back = {p.unit: p.share for p in lineage.predecessors(s.unit, early, now=late)}
                    assert back.get(state.id) == s.share
