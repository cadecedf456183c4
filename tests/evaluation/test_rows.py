"""Result records read from their block's table: the same records, ranks and comparisons
as the reference interpreter gives, whichever engine scored them.

An agency finished by its block's whole generated function, or by the vectorised path, is a
row of its block's table; its :class:`AgencyResult` is a two-reference view. These tests
hold every engine to the reference path's records (field by field, JSON byte for byte),
with ties, unranked agencies, ranking over all blocks, on the share and with a tie-break,
and a previous year; and check that a view copies, pickles and compares as a record does.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from decimal import Decimal
from typing import Any

import pytest

import udcntt
from udcntt.evaluation import AgencyResult
from udcntt.evaluation._rows import RowResult
from udcntt.report import assessment_to_json

ENGINES = ["decimal", "vector"]

RULES = """udcntt: 1
id: rows
title: Bảng xếp hạng
rounding: {total: 2, share: 4}
blocks: {so: {label: Khối sở}, huyen: {label: Khối huyện}}
indicators:
  done: {label: Thủ tục trực tuyến, type: count, range: [0, 60], direction: higher}
  total: {label: Thủ tục, type: count, range: [1, 60]}
  x: {label: Chỉ tiêu X, type: number, range: [0, 100], direction: higher}
criteria:
  - {id: r, label: Tỷ lệ, max: 10, points: "ratio(done, total, 0) * 10"}
  - {id: c, label: X, max: 10, points: "x / 10"}
RANKING
tiers:
  levels:
    - {id: tot, label: Tốt, min: 15}
    - {id: kha, label: Khá, min: 10}
    - {id: tb, label: Trung bình}
"""

#: (done, total, x): ties on the total (a000/a001, a003/a004) that ``c`` separates.
ROWS = [(30, 60, "50"), (40, 60, "33.3"), (6, 6, "0"), (10, 20, "20"), (15, 20, "15")]


def _data(n: int = 40, unranked: tuple[str, ...] = ()) -> udcntt.Dataset:
    agencies = []
    for i in range(n):
        done, total, x = ROWS[i % len(ROWS)]
        aid = f"a{i:03d}"
        agencies.append(
            udcntt.AgencyRecord(
                id=aid,
                name=f"Cơ quan {i}",
                block="so" if i % 3 else "huyen",
                ranked=aid not in unranked,
                values={"done": Decimal(done), "total": Decimal(total), "x": Decimal(x)},
            )
        )
    return udcntt.Dataset(agencies=tuple(agencies), year=2025)


def _rules(ranking: str = "") -> udcntt.RuleSet:
    return udcntt.load_rules("rows.yaml", text=RULES.replace("RANKING", ranking))


RANKINGS = [
    "",
    "ranking: {scope: all}",
    "ranking: {on: share}",
    "ranking: {tie_break: [c]}",
    "ranking: {scope: all, tie_break: [c]}",
]


@pytest.mark.parametrize("ranking", RANKINGS)
@pytest.mark.parametrize("engine", ENGINES)
def test_every_engine_ranks_and_records_as_the_reference_path(engine: str, ranking: str) -> None:
    rules = _rules(ranking)
    data = _data(unranked=("a007", "a013"))
    reference = udcntt.evaluate(rules, data, reference=True)
    got = udcntt.evaluate(rules, data, engine=engine)  # type: ignore[arg-type]
    assert sum(isinstance(r, RowResult) for r in got.results) == len(data.agencies)
    assert got.results == reference.results and reference.results == got.results
    other = udcntt.evaluate(rules, data, engine="vector" if engine == "decimal" else "decimal")
    assert assessment_to_json(got, traces=True) == assessment_to_json(other, traces=True)
    assert [r.rank for r in got.results] == [r.rank for r in reference.results]
    assert got.by_id("a007").rank is None and got.by_id("a013").rank is None
    if "tie_break" not in ranking:  # equal keys share a rank; the next rank skips
        on_share = "share" in ranking
        ranked = [r for r in got.results if r.rank is not None]
        for r in ranked:
            same = [
                o
                for o in ranked
                if (o.block == r.block or "all" in ranking)
                and (o.share if on_share else o.total) == (r.share if on_share else r.total)
            ]
            assert len(same) > 1 and {o.rank for o in same} == {r.rank}


@pytest.mark.parametrize("engine", ENGINES)
def test_rank_changes_against_a_previous_year_match_the_reference(engine: str) -> None:
    rules = _rules()
    before = _data(30)
    now = _data(36)  # six new agencies
    reference = udcntt.evaluate(rules, now, previous=before, reference=True)
    got = udcntt.evaluate(rules, now, previous=before, engine=engine)  # type: ignore[arg-type]
    assert got.results == reference.results
    assert got.comparison == reference.comparison
    assert got.by_id("a035").comparability == "new" and got.by_id("a035").previous_rank is None
    kept = got.by_id("a004")
    assert kept.comparability == "comparable" and kept.previous_total == kept.total
    assert kept.rank_change == reference.by_id("a004").rank_change


@pytest.mark.parametrize("engine", ENGINES)
def test_a_row_copies_pickles_and_prints_as_a_record(engine: str) -> None:
    got = udcntt.evaluate(_rules(), _data(12), engine=engine)  # type: ignore[arg-type]
    row = got.results[0]
    assert isinstance(row, RowResult)
    moved = dataclasses.replace(row, rank=99)
    assert type(moved) is AgencyResult and moved.rank == 99 and row.rank != 99
    assert {
        f.name: getattr(moved, f.name) for f in dataclasses.fields(moved) if f.name != "rank"
    } == {f.name: getattr(row, f.name) for f in dataclasses.fields(row) if f.name != "rank"}
    for copied in (pickle.loads(pickle.dumps(row)), copy.copy(row), copy.deepcopy(row)):
        assert type(copied) is AgencyResult and copied == row and row == copied
    assert dataclasses.asdict(row)["total"] == row.total
    assert repr(row).startswith(f"{type(row).__name__}(agency_id='{row.agency_id}', name=")
    with pytest.raises(TypeError):
        hash(row)


def test_progress_is_heard_alike_on_both_engines() -> None:
    """The progress callback hears the same steps, whichever path scored the agencies."""
    heard: dict[str, list[Any]] = {}
    data = _data(2_500)
    for engine in ENGINES:
        calls: list[Any] = []
        udcntt.evaluate(
            _rules(), data, engine=engine, progress=lambda d, t, calls=calls: calls.append((d, t))
        )  # type: ignore[arg-type]
        heard[engine] = calls
    assert heard["vector"] == heard["decimal"]
    assert heard["decimal"][0] == (0, 2_500) and heard["decimal"][-1] == (2_500, 2_500)
    assert (1_000, 2_500) in heard["decimal"] and (2_000, 2_500) in heard["decimal"]
