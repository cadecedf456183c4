"""``Dataset.from_records`` holds its agencies' values by column, as a CSV survey does.

Each agency's ``values`` is a view of its row in one column store, so
``udcntt.data.survey_columns`` hands a block's values back a column at a time (the
vectorised path reads them without turning rows into columns). What a caller sees is what
the dict it replaces showed: a key a record did not give is absent, markers, floats through
``repr``, ints, bools, categories and dates as given, the same iteration order, the same
fingerprint and the same scores.
"""

from __future__ import annotations

import importlib.util
import pickle
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import udcntt
from udcntt.data import MISSING, NA, AgencyRecord, Dataset, is_slot, survey_columns
from udcntt.errors import DataError
from udcntt.report import assessment_to_json

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE = ROOT / "examples" / "lam-dong"
RULES = ROOT / "rules" / "lam-dong-2017.yaml"

needs_numpy = pytest.mark.skipif(
    importlib.util.find_spec("numpy") is None, reason="the vector engine needs NumPy"
)

RECORDS: list[dict[str, Any]] = [
    {
        "id": "a",
        "block": "so",
        "name": "Sở A",
        "values": {
            "n": 3,
            "x": 0.1,
            "d": Decimal("2.50"),
            "ok": True,
            "cat": "toan_bo",
            "day": date(2025, 7, 1),
            "text": "12",
        },
    },
    # "x" and "day" absent; "n" a marker; an explicit MISSING is a value, not an absence.
    {"id": "b", "block": "so", "values": {"n": NA, "d": MISSING, "ok": False, "cat": "chua"}},
    {"id": "c", "block": "huyen", "ranked": False, "aliases": ["C"], "parent": "a"},
    {"id": "d", "block": "huyen", "values": {"x": 2.675, "text": "1,5", "extra": None}},
]

EXPECTED: dict[str, dict[str, Any]] = {
    "a": {
        "n": Decimal(3),
        "x": Decimal("0.1"),
        "d": Decimal("2.50"),
        "ok": True,
        "cat": "toan_bo",
        "day": date(2025, 7, 1),
        "text": "12",
    },
    "b": {"n": NA, "d": MISSING, "ok": False, "cat": "chua"},
    "c": {},
    "d": {"x": Decimal("2.675"), "text": "1,5", "extra": None},
}


def _dict_rows(data: Dataset) -> Dataset:
    """The same agencies with plain ``dict`` values (what ``from_records`` built before)."""
    agencies = tuple(
        AgencyRecord(
            id=a.id,
            name=a.name,
            block=a.block,
            values=dict(a.values),
            ranked=a.ranked,
            aliases=a.aliases,
            parent=a.parent,
        )
        for a in data.agencies
    )
    return Dataset(agencies=agencies, year=data.year, source=data.source)


def test_survey_columns_reads_a_from_records_dataset() -> None:
    data = Dataset.from_records(RECORDS)
    values = [a.values for a in data.agencies]
    cols = survey_columns(values, ["n", "x", "cat"])
    assert cols is not None
    n, x, cat = cols
    assert n[:2] == [Decimal(3), NA] and is_slot(n[2]) and is_slot(n[3])
    assert x[0] == Decimal("0.1") and is_slot(x[1]) and x[3] == Decimal("2.675")
    assert cat[:2] == ["toan_bo", "chua"]
    # A block's agencies (not adjacent, in any order) too.
    picked = survey_columns([values[3], values[0]], ["x", "text"])
    assert picked == [[Decimal("2.675"), Decimal("0.1")], ["1,5", "12"]]
    # As for a CSV survey: an indicator no record gives has no column.
    assert survey_columns(values, ["n", "nowhere"]) is None


def test_values_read_as_the_dicts_they_replace() -> None:
    data = Dataset.from_records(RECORDS)
    for agency in data.agencies:
        want = EXPECTED[agency.id]
        got = agency.values
        assert dict(got) == want and got == want and want == got
        assert list(got) == list(want) and len(got) == len(want)
        assert list(got.items()) == list(want.items())
        for key in ("n", "x", "d", "ok", "cat", "day", "text", "extra", "nowhere"):
            assert (key in got) is (key in want)
            assert got.get(key) is want.get(key) or got.get(key) == want.get(key)
            assert agency.get(key) == want.get(key, MISSING)
            if key not in want:
                with pytest.raises(KeyError):
                    got[key]
        assert {**got} == want
        assert repr(got) == repr(want)
    b = data.by_id()["b"]
    assert b.get("d") is MISSING and b.get("x") is MISSING and b.get("n") is NA
    c = data.by_id()["c"]
    assert (c.name, c.ranked, c.aliases, c.parent, c.cells) == ("c", False, ("C",), "a", {})


def test_fingerprint_pickle_and_equality_are_those_of_dict_rows() -> None:
    data = Dataset.from_records(RECORDS, year=2025, source="api")
    plain = _dict_rows(data)
    assert data.fingerprint() == plain.fingerprint()
    assert data == plain
    again = pickle.loads(pickle.dumps(data))
    assert again == data and again.fingerprint() == data.fingerprint()


def test_control_characters_are_still_refused() -> None:
    bad = [{"id": "a", "block": "so", "values": {"cat": "toan\u202ebo"}}]
    with pytest.raises(DataError) as caught:
        Dataset.from_records(bad, source="api")
    found = caught.value.diagnostics[0]
    assert found.code == "E-DATA-CHAR"
    assert found.location is not None and found.location.path == "records[0]"


def test_key_orders_no_column_order_keeps_fall_back_to_dicts() -> None:
    records = [
        {"id": "a", "block": "so", "values": {"x": 1, "y": 2}},
        {"id": "b", "block": "so", "values": {"y": 3, "x": 4}},
    ]
    data = Dataset.from_records(records)
    assert [type(a.values) for a in data.agencies] == [dict, dict]
    assert [list(a.values) for a in data.agencies] == [["x", "y"], ["y", "x"]]
    assert survey_columns([a.values for a in data.agencies], ["x"]) is None
    # Orders that one column order keeps (keys added later, keys left out) stay columns.
    records[1]["values"] = {"y": 3, "z": 4}
    data = Dataset.from_records(records)
    assert survey_columns([a.values for a in data.agencies], ["x", "y", "z"]) is not None
    assert [list(a.values) for a in data.agencies] == [["x", "y"], ["y", "z"]]


def test_records_with_mostly_disjoint_keys_keep_dicts() -> None:
    records = [
        {"id": f"a{i}", "block": "so", "values": {f"k{i}_{j}": j for j in range(3)}}
        for i in range(400)
    ]
    data = Dataset.from_records(records)
    assert all(type(a.values) is dict for a in data.agencies)
    assert data.agencies[7].values == {"k7_0": 0, "k7_1": 1, "k7_2": 2}


def test_records_giving_the_same_keys() -> None:
    records = [
        {"id": f"a{i}", "block": "so", "values": {"x": i, "ok": i % 2 == 0, "y": NA}}
        for i in range(5)
    ]
    data = Dataset.from_records(records)
    values = [a.values for a in data.agencies]
    assert survey_columns(values, ["y", "x"]) == [[NA] * 5, [Decimal(i) for i in range(5)]]
    assert [dict(v) for v in values] == [
        {"x": Decimal(i), "ok": i % 2 == 0, "y": NA} for i in range(5)
    ]
    assert data.fingerprint() == _dict_rows(data).fingerprint()


def test_an_empty_dataset() -> None:
    data = Dataset.from_records([])
    assert data.agencies == ()
    assert survey_columns([], ["x"]) == [[]]


_KEYS = ("p", "q", "r", "s")
_VALUES = st.one_of(
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-100, max_value=100),
    st.booleans(),
    st.sampled_from(["toan_bo", "mot_phan", "12", ""]),
    st.just(NA),
    st.just(MISSING),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 1, 1)),
)


@settings(max_examples=60, derandomize=True, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=4), max_size=6))
def test_any_records_read_the_same(given_values: list[dict[str, Any]]) -> None:
    records = [
        {"id": f"a{i}", "block": "so", "values": values} for i, values in enumerate(given_values)
    ]
    data = Dataset.from_records(records)
    plain = _dict_rows(data)
    for agency, want in zip(data.agencies, plain.agencies, strict=True):
        assert list(agency.values.items()) == list(want.values.items())
        for key in _KEYS:
            assert agency.get(key) == want.get(key)
    assert data.fingerprint() == plain.fingerprint()


def _example_records() -> list[dict[str, Any]]:
    """The Lâm Đồng 2017 survey as plain records, a few values left out or given untyped."""
    rules = udcntt.load_rules(RULES)
    read = udcntt.read_survey(EXAMPLE / "survey-2017.csv", rules, year=2017)
    records = []
    for k, a in enumerate(read.agencies):
        values: dict[str, Any] = dict(a.values)
        if k % 7 == 3:
            values.pop("website_directive_posts", None)  # absent: the missing policy applies
        if k % 5 == 1 and isinstance(values.get("it_staff"), Decimal):
            values["it_staff"] = int(values["it_staff"])  # typed at evaluation
        records.append(
            {
                "id": a.id,
                "name": a.name,
                "block": a.block,
                "ranked": a.ranked,
                "aliases": list(a.aliases),
                "parent": a.parent,
                "values": values,
            }
        )
    return records


def _outcome(data: Dataset, engine: Any, on_error: Any) -> str:
    """The results JSON of scoring ``data``, or the error's diagnostics."""
    rules = udcntt.load_rules(RULES)
    try:
        assessment = udcntt.evaluate(rules, data, engine=engine, on_error=on_error)
    except udcntt.UdcnttError as exc:
        return "error " + repr([d.to_dict("en") for d in exc.diagnostics])
    return assessment_to_json(assessment)


@pytest.mark.parametrize("engine", ["decimal", pytest.param("vector", marks=needs_numpy)])
def test_evaluate_gives_the_results_of_dict_rows(engine: str) -> None:
    data = Dataset.from_records(_example_records(), year=2017, source="records")
    assert survey_columns([a.values for a in data.agencies], ["staff_total"]) is not None
    plain = _dict_rows(data)
    assert all(type(a.values) is dict for a in plain.agencies)
    # Six agencies lack an answer whose policy refuses it: stopped, or skipped.
    stopped = _outcome(data, engine, "raise")
    assert stopped.startswith("error ") and "E-EVAL-MISSING" in stopped
    assert stopped == _outcome(plain, engine, "raise")
    skipped = _outcome(data, engine, "skip")
    assert skipped.count('"agency_id"') == 37
    assert skipped == _outcome(plain, engine, "skip")
