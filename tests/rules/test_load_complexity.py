"""Loading a rule file costs work linear in its size, measured by counts, not by a clock.

Each test loads a shape at n and at 4n and compares a deterministic measure of the work
done: characters of the document scanned, entries of the declared derived values visited,
function calls made. Linear work gives a ratio near 4; quadratic work gives 16.
``benchmarks/bench_load.py`` prints the times for the same shapes.
"""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml

import udcntt
from udcntt.loading import load_document, parse_yaml
from udcntt.program import compile_rules

_HEAD = """udcntt: 1
id: big
title: Big
blocks: {so: {label: So}}
indicators:
  x: {label: X, type: count, direction: higher, range: [0, 100]}
"""
_TIERS = "tiers:\n  basis: points\n  levels:\n    - {id: a, label: A}\n"

#: Work at 4n may be at most this many times the work at n (linear: 4, quadratic: 16).
LINEAR = 5.0


def _grouped(n: int, leaf: Callable[[int], str], per_group: int = 50) -> str:
    """n leaf criteria in groups of ``per_group`` (a flat list of thousands is no real tree)."""
    parts = []
    for g in range(0, n, per_group):
        parts.append(f"  - id: nhom_{g}\n    label: Nhóm {g}\n    children:\n")
        parts.extend(leaf(i) for i in range(g, min(g + per_group, n)))
    return f"{_HEAD}criteria:\n{''.join(parts)}{_TIERS}"


def block_scalars(n: int) -> str:
    """n criteria whose labels are ``|`` block scalars."""
    return _grouped(
        n,
        lambda i: (
            f"      - id: c{i}\n        label: |\n          Tiêu chí {i}\n"
            "        max: 1\n        points: x * 0\n"
        ),
    )


def derived_chain(n: int) -> str:
    """n derived values, each using the one before."""
    chain = "".join(f"  d{i}: d{i - 1} + 1\n" for i in range(1, n))
    return (
        f"{_HEAD}derived:\n  d0: x\n{chain}"
        f"criteria:\n  - {{id: c, label: C, max: 1, points: 'min(d{n - 1}, 1)'}}\n{_TIERS}"
    )


def criteria(n: int) -> str:
    """n leaf criteria with a label and an expression each."""
    return _grouped(
        n,
        lambda i: (
            f"      - {{id: tieu_chi_{i}, label: 'Tiêu chí {i} về UDCNTT', max: 1, "
            "points: 'min(x, 1)'}\n"
        ),
    )


class _ScanCounter(str):
    """Document text that counts the characters its search methods scan."""

    scanned = 0

    def _count(self, start: int | None, end: int | None) -> None:
        lo, hi, _ = slice(start, end).indices(len(self))
        type(self).scanned += max(hi - lo, 0)

    def split(self, *args: Any, **kwargs: Any) -> list[str]:  # type: ignore[override]
        self._count(None, None)
        return super().split(*args, **kwargs)

    def splitlines(self, *args: Any, **kwargs: Any) -> list[str]:  # type: ignore[override]
        self._count(None, None)
        return super().splitlines(*args, **kwargs)

    def find(self, sub: str, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        found = super().find(sub, start, end)
        lo = start or 0
        self._count(lo, end if found == -1 else found + len(sub))
        return found

    def index(self, sub: str, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        found = super().index(sub, start, end)
        self._count(start or 0, found + len(sub))
        return found

    def count(self, sub: str, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        self._count(start, end)
        return super().count(sub, start, end)

    def __contains__(self, sub: object) -> bool:
        self._count(None, None)
        return super().__contains__(sub)  # type: ignore[operator]


def _scanned(text: str) -> int:
    _ScanCounter.scanned = 0
    doc = parse_yaml(_ScanCounter(text), file="big.yaml")
    assert doc.data["id"] == "big"
    return _ScanCounter.scanned


def test_block_scalars_scan_the_text_a_bounded_number_of_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Locating | and > block scalars no longer splits the whole text once per scalar."""
    parse = yaml.parse
    # libyaml reads plain ``str`` only; the counting text stays with udcntt's own code.
    monkeypatch.setattr(yaml, "parse", lambda text, Loader: parse(str(text), Loader=Loader))
    small, large = _scanned(block_scalars(200)), _scanned(block_scalars(800))
    assert large <= LINEAR * small, (small, large)


def test_block_scalars_are_still_located_on_their_content_line() -> None:
    """The location of a block scalar is its first content line and column."""
    doc = parse_yaml(block_scalars(3), file="big.yaml")
    loc = doc.marks[("criteria", 0, "children", 2, "label")]
    text = block_scalars(3).split("\n")
    assert text[loc.line - 1] == "          Tiêu chí 2"
    assert loc.column == 11


class _VisitCounter(dict[str, Any]):
    """The declared derived values, counting the entries iterated over."""

    visited = 0

    def __iter__(self) -> Iterator[str]:
        for key in super().__iter__():
            type(self).visited += 1
            yield key

    def items(self) -> Any:
        type(self).visited += len(self)
        return super().items()

    def values(self) -> Any:
        type(self).visited += len(self)
        return super().values()


def _derived_visits(n: int) -> int:
    rules = load_document("big.yaml", text=derived_chain(n))
    _VisitCounter.visited = 0
    object.__setattr__(rules, "derived", _VisitCounter(rules.derived))
    compiled = compile_rules(rules)
    assert compiled.derived_order[-1] == f"d{n - 1}"
    return _VisitCounter.visited


def test_chained_derived_values_are_ordered_in_linear_work() -> None:
    """Ordering derived values visits the declared set a bounded number of times per value."""
    small, large = _derived_visits(100), _derived_visits(400)
    assert large <= LINEAR * small, (small, large)


def _calls(load: Callable[[], object]) -> int:
    profile = cProfile.Profile()
    profile.enable()
    try:
        load()
    finally:
        profile.disable()
    stats = pstats.Stats(profile)
    return sum(entry[0] for entry in stats.stats.values())  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "shape", [block_scalars, derived_chain, criteria], ids=lambda f: f.__name__
)
def test_loading_makes_a_linear_number_of_calls(shape: Callable[[int], str]) -> None:
    """Loading and compiling n and 4n items makes about 4 times as many calls, not 16."""
    small = _calls(lambda: udcntt.load_rules("big.yaml", text=shape(150)))
    large = _calls(lambda: udcntt.load_rules("big.yaml", text=shape(600)))
    assert large <= LINEAR * small, (small, large)


def misspelt_names(n: int) -> str:
    """n indicators and n criteria, each criterion misspelling its indicator's name."""
    indicators = "".join(f"  chi_tieu_{i}: {{label: C{i}, type: count}}\n" for i in range(n))
    criteria = "".join(
        f"  - {{id: c{i}, label: C, max: 1, points: 'min(chi_tieux_{i}, 1)'}}\n" for i in range(n)
    )
    return (
        "udcntt: 1\nid: t\ntitle: T\nblocks: {a: {label: A}}\n"
        f"indicators:\n{indicators}criteria:\n{criteria}{_TIERS}"
    )


def test_did_you_mean_hints_cost_a_bounded_total(monkeypatch: pytest.MonkeyPatch) -> None:
    """n misspelt names among n declared ones: hints compare at most a fixed budget in all."""
    import difflib

    import udcntt.program._compile as compile_module

    monkeypatch.setattr(compile_module, "SUGGESTION_WORK", 5_000)
    compared = [0]
    close_matches = difflib.get_close_matches

    def counting(word: str, possibilities: Any, *args: Any, **kwargs: Any) -> list[str]:
        compared[0] += len(possibilities)
        return close_matches(word, possibilities, *args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    work = []
    for n in (100, 400):
        compared[0] = 0
        report = udcntt.check_rules("typos.yaml", text=misspelt_names(n))
        unknown = [d for d in report.diagnostics if d.code == "E-EXPR-NAME"]
        assert len(unknown) == n  # every misspelling is still reported
        assert unknown[0].hint == "did you mean 'chi_tieu_0'?"  # and the first ones hinted
        work.append(compared[0])
    assert work[1] <= LINEAR * work[0] and work[1] <= 5_000, work
