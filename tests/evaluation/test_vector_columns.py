"""The vectorised path reads a survey read by column as columns, and holds little per agency.

A CSV survey read from disk is held column by column (``udcntt.data.survey_columns`` gives
an indicator's values for a block's agencies in one pass); the vectorised path builds its
float64 columns from those, never through the agencies' row views, and publishes byte for
byte what the ``Decimal`` path publishes. Exact values computed on demand for a writer are
not kept for every agency (``_rows.RECENT``), so reading every agency's criteria once
leaves a bounded amount of memory per agency.
"""

from __future__ import annotations

import dataclasses
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

import udcntt
from udcntt.data import MISSING, is_slot, survey_columns
from udcntt.report import assessment_to_json

pytest.importorskip("numpy")

from udcntt.data._columnar import RowValues
from udcntt.evaluation import _rows, _vector
from udcntt.evaluation._vector import VectorResult

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import end_to_end  # noqa: E402


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> tuple[udcntt.RuleSet, Path]:
    """The end-to-end benchmark's rules and a 1,500-agency CSV survey of them, on disk."""
    folder = tmp_path_factory.mktemp("vector-columns")
    path = folder / "survey.csv"
    end_to_end.write_survey(path, 1500)
    rules = udcntt.load_rules("bench.yaml", text=end_to_end.rule_file())
    return rules, path


def _read(rules: udcntt.RuleSet, path: Path) -> udcntt.Dataset:
    return udcntt.read_survey(path, rules)


def test_survey_columns_give_each_indicator_s_values_as_the_rows_do(survey: Any) -> None:
    """The column accessor agrees with every agency's row view; blanks are slots."""
    rules, path = survey
    data = _read(rules, path)
    values = [a.values for a in data.agencies]
    assert all(v.__class__ is RowValues for v in values)
    keys = list(rules.indicators)
    columns = survey_columns(values, keys)
    assert columns is not None and len(columns) == len(keys)
    for key, column in zip(keys, columns, strict=True):
        assert len(column) == len(values)
        for row, got in zip(values, column, strict=True):
            assert (MISSING if is_slot(got) else got) == row.get(key, MISSING)
    picked = values[::3]  # not a run of positions: one lookup per agency
    again = survey_columns(picked, keys[:2])
    assert again == [[c[i] for i in range(0, len(values), 3)] for c in columns[:2]]
    # Rows that are not views of one column store: read by row.
    assert survey_columns([dict(values[0])], keys) is None
    assert survey_columns([], keys) == [[] for _ in keys]


def test_a_csv_survey_read_from_disk_gives_byte_identical_json_on_both_engines(
    survey: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From a CSV file: the same JSON from either engine, and the vectorised path reads no
    agency's row view to build its columns (it reads the columns)."""
    rules, path = survey
    data = _read(rules, path)
    exact = udcntt.evaluate(rules, data, engine="decimal")
    calls = {"n": 0}
    get_item, get = RowValues.__getitem__, RowValues.get

    def counted_item(self: RowValues, key: str) -> Any:
        calls["n"] += 1
        return get_item(self, key)

    def counted_get(self: RowValues, key: str, default: Any = None) -> Any:
        calls["n"] += 1
        return get(self, key, default)

    compiled = udcntt.compile_rules(rules)
    by_block: dict[str, list[Any]] = {}
    for record in data.agencies:
        by_block.setdefault(record.block, []).append(record)
    monkeypatch.setattr(RowValues, "__getitem__", counted_item)
    monkeypatch.setattr(RowValues, "get", counted_get)
    outcome = _vector.vector_blocks(compiled, by_block)
    monkeypatch.undo()
    assert outcome is not None
    assert calls["n"] == 0
    vector = udcntt.evaluate(rules, data, engine="vector")
    assert sum(isinstance(r, VectorResult) for r in vector.results) > len(data) // 2
    assert assessment_to_json(vector) == assessment_to_json(exact)
    assert vector.results == exact.results
    # Traces too, on a run of the same column store (a slice: still read by column).
    part = dataclasses.replace(data, agencies=data.agencies[:300])
    traced = [udcntt.evaluate(rules, part, engine=e) for e in ("vector", "decimal")]
    assert sum(isinstance(r, VectorResult) for r in traced[0].results) > 150
    assert assessment_to_json(traced[0], traces=True) == assessment_to_json(traced[1], traces=True)


def test_exact_values_read_for_every_agency_are_not_all_kept(
    survey: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading every agency's criteria and unrounded total once (as a writer does) leaves
    a bounded amount of memory per agency; the values read are the Decimal path's."""
    monkeypatch.setattr(_rows, "RECENT", 100)  # the default 1,024 at a modest n
    rules, path = survey
    data = _read(rules, path)
    vector = udcntt.evaluate(rules, data, engine="vector")
    exact = udcntt.evaluate(rules, data, engine="decimal")
    results = [r for r in vector.results if isinstance(r, VectorResult)]
    n = len(results)
    assert n > len(data) // 2
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for r in results:
            _ = r.total_unrounded
            _ = [c.points for c in r.criteria.values()]
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    kept_cores = sum(r._t.kept(r._i) for r in results)
    assert kept_cores <= _rows.RECENT
    # Every agency's exact values kept cost about 4.7 KB each; a bounded few, far less.
    assert kept / n < 1_500, f"{kept / n:.0f} bytes kept per agency"
    by_id = {r.agency_id: r for r in exact.results}
    for r in results[:: max(1, n // 50)]:  # read again after being dropped: the same
        assert r.criteria == by_id[r.agency_id].criteria
        assert r.total_unrounded == by_id[r.agency_id].total_unrounded


def test_read_and_vector_scoring_memory_per_agency_stays_bounded(survey: Any) -> None:
    """Reading the CSV survey and scoring it on the vectorised path peak below a generous
    bound per agency (tracemalloc; the 100,000-agency figure is in the performance page)."""
    rules, path = survey
    tracemalloc.start()
    try:
        data = _read(rules, path)
        vector = udcntt.evaluate(rules, data, engine="vector")
        _ = [r.total for r in vector.results]
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    n = len(data)
    assert n == 1500
    assert current / n < 6_000, f"{current / n:.0f} bytes held per agency"
    assert peak / n < 10_000, f"{peak / n:.0f} bytes peak per agency"
