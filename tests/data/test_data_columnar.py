"""Delimited surveys read by column: the same dataset and report, a fraction of the work.

The reference is the whole-file reader (every field a located cell, read row by row), still
used for registries: a survey read through it must give exactly what the column reader
gives — values, cells, rows, and every diagnostic or error with its code and location.
"""

from __future__ import annotations

import csv
import io
import pickle
import random
import tracemalloc
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from data_helpers import RULES, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import udcntt.data._columns as columns_module
import udcntt.data._delimited as delimited
import udcntt.data._locale as locale_module
import udcntt.data._read as read_module
from udcntt.data import MISSING, AgencyRecord, CellInfo, Dataset, Limits, read_survey
from udcntt.data._chars import _lookalike, lookalike
from udcntt.data._columnar import _row_location
from udcntt.data._dataset import make_record
from udcntt.data._readers import read_delimited
from udcntt.data._table import Cell
from udcntt.data._text import _CLEAN, _DASHES, _TONES, match_key, match_key_nocache
from udcntt.errors import DataError, SourceLocation
from udcntt.model import RuleSet, SurveyLayout

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def outcome(path: Path, rules: RuleSet, **kw: Any) -> tuple[Any, ...]:
    """What reading gives, comparably: the error's diagnostics, or the whole dataset."""
    try:
        ds = read_survey(path, rules, **kw)
    except DataError as exc:
        return ("error", exc.diagnostics)
    agencies = []
    for a in ds.agencies:
        cells = {
            k: (c.location, c.self_assessed, c.appraised, c.evidence) for k, c in a.cells.items()
        }
        agencies.append((a.id, a.name, a.block, a.ranked, a.location, dict(a.values), cells))
    counts = (ds.rows_read, ds.rows_used, ds.rows_rejected)
    return ("ok", counts, ds.diagnostics, agencies)


def both(path: Path, rules: RuleSet, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> None:
    """The column reader and the whole-file reader agree on ``path``."""
    new = outcome(path, rules, **kw)
    with monkeypatch.context() as patch:
        patch.setattr(read_module, "open_delimited", _whole_file)
        old = outcome(path, rules, **kw)
    assert new == old


def _whole_file(path: Path, data: bytes, **kw: Any) -> Any:
    kw.pop("head_done")
    return read_delimited(path, data, **kw)


# -- surveys people send -------------------------------------------------------------------

HEADERS = [
    "id",
    "name",
    "block",
    "staff_total",
    "Số cán bộ có máy tính",
    "pc_ratio",
    "bandwidth",
    "portal",
    "portal__minh_chung",
    "leader",
    "plan_date",
    "plan_date__tham_dinh",
    "online_services",
    "Tổng số cán bộ",
    "ghi chú",
    "",
    "mystery",
]
# Texts a clerk types, each readable or not depending on the column and the locale.
TEXTS = st.sampled_from(
    [
        "",
        " ",
        "12",
        "012",
        "75",
        "1",
        "0",
        "1.537",
        "1,537",
        "12,5",
        "12.5",
        "75%",
        "-1",
        "x",
        "KAD",
        "N/A",
        "-",
        "1e5",
        "9" * 40,
        "Có",
        "không",
        "25/03/2024",
        "30/02/2024",
        "Chủ tịch",
        "bí thư",
        "CV 12",
        "a,b",
        'say "hi"',
        "line\nbreak",
    ]
)
# Values that read well in the columns they fit (a figure, a share, yes, a date, …).
GOOD = st.sampled_from(
    ["12", "75", "0", "3", "1.537", "12,5", "75%", "Có", "Không", "25/03/2024", "Chủ tịch", "KAD"]
)
ODD_IDS = st.sampled_from(["a0", " a1 ", "", "Ð1", "h\u043e"])
ODD_NAMES = st.sampled_from(["Sở Y tế", "Sở Y Tế", "Xã Hòa Bắc", "Xã Hoà Bắc", "", "Ðà Lạt"])
BLOCKS = st.sampled_from(["so_nganh", "huyen", "Khối UBND huyện", "SO_NGANH", "khoi_x", ""])


@st.composite
def surveys(draw: st.DrawFn) -> str:
    """A small CSV survey of the demo rules: any columns, values good and bad, odd rows.

    Most rows are agencies the reader accepts (so that their values are compared); one in
    five has an odd id, name, block or shape, and a rare field is longer than the limit.
    """
    extra = draw(st.lists(st.sampled_from(HEADERS[3:]), max_size=8, unique=True))
    header = ["id", "name", "block", *extra] if draw(st.integers(0, 5)) else ["name", *extra]
    rows: list[list[str]] = [header]
    for i in range(draw(st.integers(0, 14))):
        odd = draw(st.integers(0, 4)) == 0
        agency = {
            "id": draw(ODD_IDS) if odd else f"a{i}",
            "name": draw(ODD_NAMES) if odd else f"Đơn vị {i}",
            "block": draw(BLOCKS) if odd else draw(BLOCKS.filter(lambda b: b.islower())),
        }
        row = [agency[h] if h in agency else draw(GOOD | TEXTS) for h in header]
        if draw(st.integers(0, 29)) == 0:
            row[-1] = "y" * 60  # longer than the limit: the whole file is refused
        shape = draw(st.sampled_from(["short", "long", "blank"])) if odd else "ok"
        if shape == "short":
            row = row[:-1]
        elif shape == "long":
            row = [*row, draw(TEXTS)]
        elif shape == "blank":
            row = ["", " "][: len(row)]
        rows.append(row)
    out = io.StringIO()
    csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(rows)
    return out.getvalue()


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 3 records and a header looked for among 3 rows: every path of the
    streaming reader (head, later chunks, chunk edges) shows in a small file."""
    monkeypatch.setattr(delimited, "CHUNK", 3)
    monkeypatch.setattr(columns_module, "_SCAN_ROWS", 3)


@SETTINGS
@given(text=surveys(), lenient=st.booleans())
def test_column_reader_matches_the_whole_file_reader(
    rules: RuleSet,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    small_chunks: None,
    text: str,
    lenient: bool,
) -> None:
    """Hypothesis-made surveys: the same dataset, report and errors either way."""
    path = write(tmp_path / "s.csv", text)
    policy = "lenient" if lenient else "strict"
    both(path, rules, monkeypatch, policy=policy, limits=Limits(max_field_chars=50))


@SETTINGS
@given(text=surveys(), header_row=st.integers(1, 4), skip=st.sampled_from([None, 1, 4]))
def test_declared_header_and_first_row(
    rules: RuleSet,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    small_chunks: None,
    text: str,
    header_row: int,
    skip: int | None,
) -> None:
    """A declared header row and first data row read the same records either way."""
    path = write(tmp_path / "s.csv", "Báo cáo 2024\n\n" + text)
    first = None if skip is None else header_row + skip
    layout = SurveyLayout(header_row=header_row, first_data_row=first)
    both(path, rules, monkeypatch, policy="lenient", layout=layout)


def test_long_table_streamed(
    rules: RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long CSV (one row per value) past the first rows reads as before."""
    monkeypatch.setattr(delimited, "CHUNK", 4)
    lines = ["agency,indicator,value,appraised,evidence"]
    for i in range(40):
        ind = ["staff_total", "pc_ratio", "portal", "nope", "staff_total"][i % 5]
        lines.append(f"a{i % 7},{ind},{['12', '50%', 'Có', 'x', '1,5'][i % 5]},,")
    path = write(tmp_path / "s.csv", "\n".join(lines) + "\n")
    layout = SurveyLayout(format="long")
    both(path, rules, monkeypatch, policy="lenient", layout=layout)


@pytest.mark.parametrize(
    "tail",
    [
        'z,"unclosed,so_nganh,1\n',  # malformed quoting, far down the file
        "z,Z,so_nganh," + "1," * 30 + "\n",  # a row wider than the limit
        "z,Z,so_nganh,1,1,1%," + "9" * 80 + "\n",  # a field longer than the limit
    ],
)
def test_file_level_errors_far_down(
    rules: RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tail: str
) -> None:
    """A file-level error met while streaming is the whole-file reader's, even when the
    header is bad too (that reader stops on the file first)."""
    monkeypatch.setattr(delimited, "CHUNK", 5)
    body = "".join(f"a{i},A{i},so_nganh,1,1,1%,1\n" for i in range(60))
    limits = Limits(max_columns=20, max_field_chars=50)
    for header in ("id,name,block,staff_total,staff_pc,pc_ratio,bandwidth\n", "x,y,z,w,v,u,t\n"):
        path = write(tmp_path / "s.csv", header + body + tail + body)
        both(path, rules, monkeypatch, policy="lenient", limits=limits)


def test_large_survey_with_errors_across_chunks(
    rules: RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,500 rows (three chunks) with bad cells, duplicates, ragged rows, block-restricted
    values and broken relations spread through them."""
    rng = random.Random(5)
    header = "id,name,block,staff_total,staff_pc,pc_ratio,bandwidth,portal,online_services"
    lines = [header]
    for i in range(1500):
        block = rng.choice(["so_nganh", "huyen"])
        total = rng.choice(["10", "20", "x", "1.537", "", "KAD"])
        pc = rng.choice(["5", "15", "25", "-1"])
        row = [f"a{i % 1400}", f"Đơn vị {i % 1450}", block, total, pc]
        row += [rng.choice(["50%", "75", "1,5"]), rng.choice(["12,5", "99999", "7"])]
        row += [rng.choice(["Có", "Không", "?"]), rng.choice(["3", "", "KAD"])]
        if i % 397 == 0:
            row.pop()
        lines.append(",".join(row))
    path = write(tmp_path / "s.csv", "\n".join(lines) + "\n")
    both(path, rules, monkeypatch, policy="lenient")
    both(path, rules, monkeypatch, policy="strict")


def test_scores_are_those_of_the_whole_file_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scoring the column reader's dataset gives the whole-file reader's assessment."""
    import udcntt

    rules = RuleSet.model_validate({**RULES, "relations": []})
    lines = ["id,name,block,staff_total,staff_pc,pc_ratio,bandwidth,portal,portal__minh_chung"]
    for i in range(700):
        lines.append(f"a{i},Đơn vị {i},so_nganh,{10 + i % 7},{i % 9},{i % 101}%,{i % 50},Có,QĐ {i}")
    path = write(tmp_path / "s.csv", "\n".join(lines) + "\n")
    new = udcntt.evaluate(rules, read_survey(path, rules))
    with monkeypatch.context() as patch:
        patch.setattr(read_module, "open_delimited", _whole_file)
        old = udcntt.evaluate(rules, read_survey(path, rules))
    assert [(r.agency_id, r.total, r.tier, r.rank) for r in new.results] == [
        (r.agency_id, r.total, r.tier, r.rank) for r in old.results
    ]


# -- the work done -------------------------------------------------------------------------


def _errors(ds: Dataset) -> list[str]:
    return [d.code for d in ds.diagnostics if d.code.startswith("E-")]


def _clean_survey(path: Path, n: int, bad: int = 0) -> Path:
    rng = random.Random(n)
    lines = ["id,name,block,staff_total,staff_pc,pc_ratio,bandwidth,leader,plan_date"]
    for i in range(n):
        total = "x" if i < bad else str(rng.randint(50, 100))
        lines.append(
            f"a{i},Đơn vị {i},{rng.choice(['so_nganh', 'huyen'])},{total},{rng.randint(0, 50)},"
            f"{rng.randint(0, 100)}%,{rng.randint(0, 100)},Chủ tịch,01/02/2024"
        )
    return write(path, "\n".join(lines) + "\n")


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts of located cells built and of texts parsed by the general reader."""
    counts = {"cells": 0, "parsed": 0}
    cell_init = Cell.__init__
    parse = locale_module._parse

    def counting_cell(self: Cell, *args: Any, **kwargs: Any) -> None:
        counts["cells"] += 1
        cell_init(self, *args, **kwargs)

    def counting_parse(*args: Any, **kwargs: Any) -> Any:
        counts["parsed"] += 1
        return parse(*args, **kwargs)

    monkeypatch.setattr(Cell, "__init__", counting_cell)
    monkeypatch.setattr(locale_module, "_parse", counting_parse)
    return counts


def test_clean_rows_build_no_cells_and_parse_each_text_once(
    rules: RuleSet, tmp_path: Path, work: dict[str, int]
) -> None:
    """Cells are built for the rows the header is looked among, texts parsed once per
    kind of column: the same work for 1,000 rows as for 4,000 (the old reader built 9
    cells and parsed 6 texts per row)."""
    seen = []
    for n in (1000, 4000):
        work.update(cells=0, parsed=0)
        ds = read_survey(_clean_survey(tmp_path / f"s{n}.csv", n), rules)
        assert len(ds) == n and not _errors(ds)
        seen.append(dict(work))
    assert seen[0] == seen[1]
    assert seen[0]["parsed"] <= 110  # distinct percentages, categories, dates
    # Located cells for the first rows only; a bare one per text parsed.
    assert seen[0]["cells"] <= 21 * 9 + seen[0]["parsed"]


def test_bad_cells_are_read_one_by_one(
    rules: RuleSet, tmp_path: Path, work: dict[str, int]
) -> None:
    """Each refused cell is located and reported, cell by cell: the work grows with the
    bad cells only."""
    clean = _clean_survey(tmp_path / "clean.csv", 2000)
    read_survey(clean, rules)
    base = dict(work)
    work.update(cells=0, parsed=0)
    ds = read_survey(_clean_survey(tmp_path / "bad.csv", 2000, bad=300), rules, policy="lenient")
    assert _errors(ds) == ["E-DATA-NUMBER"] * 300
    # One located cell and one parse per bad cell, and one for the text's first reading.
    assert work["cells"] - base["cells"] <= 300 + 1
    assert work["parsed"] - base["parsed"] <= 300 + 1


def test_memory_per_agency_is_bounded(rules: RuleSet, tmp_path: Path) -> None:
    """The peak memory of reading, per row of a clean survey, stays under 3 KB (the
    whole-file reader took about 25 KB)."""
    path = _clean_survey(tmp_path / "s.csv", 5000)
    read_survey(path, rules)  # caches of the locale and the parsers warmed
    tracemalloc.start()
    try:
        ds = read_survey(path, rules)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(ds) == 5000
    assert peak / 5000 < 3000


# -- the dataset's views -------------------------------------------------------------------


def test_values_and_cells_behave_as_dicts(rules: RuleSet, tmp_path: Path) -> None:
    """A row's values and cells compare, copy, pickle and print as the dicts they replace;
    a clean cell's information is built on demand, without its raw text."""
    text = "id,name,block,staff_total,pc_ratio,bandwidth\na,A,so_nganh,12,50%,\nb,B,so_nganh,x,,7\n"
    ds = read_survey(write(tmp_path / "s.csv", text), rules, policy="lenient")
    a, b = ds.agencies
    assert a.values == {"staff_total": Decimal(12), "pc_ratio": Decimal("0.5")}
    assert dict(a.values) == a.values and len(a.values) == 2 and "bandwidth" not in a.values
    assert a.get("bandwidth") is MISSING and a.values.get("nope", 1) == 1
    assert pickle.loads(pickle.dumps(a.values)) == dict(a.values)
    assert repr(a.values) == repr(dict(a.values))
    assert a.cells["pc_ratio"] == CellInfo(
        location=SourceLocation(file=str(tmp_path / "s.csv"), row=2, cell_column="E"),
        self_assessed=Decimal("0.5"),
    )
    assert list(a.cells) == ["staff_total", "pc_ratio"]
    assert b.cells["staff_total"].raw == "x" and "staff_total" not in b.values
    assert b.values == {"bandwidth": Decimal(7)}
    assert (
        Dataset(agencies=ds.agencies).fingerprint()
        == Dataset.from_records(
            [{"id": r.id, "name": r.name, "block": r.block, "values": dict(r.values)} for r in ds]
        ).fingerprint()
    )


def test_relations_drop_values_and_keep_cells(rules: RuleSet, tmp_path: Path) -> None:
    """A broken relation removes its values; their cells stay."""
    text = "id,name,block,staff_total,staff_pc\na,A,so_nganh,5,9\n"
    ds = read_survey(write(tmp_path / "s.csv", text), rules, policy="lenient")
    (a,) = ds.agencies
    assert a.values == {}
    assert a.cells["staff_pc"].self_assessed == Decimal(9)
    assert _errors(ds) == ["E-DATA-RELATION"]


def test_records_and_locations_made_through_slots_are_the_same() -> None:
    """The shortcuts that build records and row locations give what ``__init__`` gives."""
    loc = SourceLocation(file="f.csv", row=7)
    assert _row_location("f.csv", 7) == loc and hash(_row_location("f.csv", 7)) == hash(loc)
    fields = ("a", "A", "so", {"x": Decimal(1)}, False, ("b",), "p", {}, loc)
    assert make_record(*fields) == AgencyRecord(*fields)
    assert repr(make_record(*fields)) == repr(AgencyRecord(*fields))


# -- the text keys behind agency matching --------------------------------------------------

_ALPHABET = list(
    "aáàảãạ ăắoòóơờưứđĐÐð\u0189\u0256\u0300\u0301\u0303\u0309\u0323\u0302 \u00a0\u200b"
    "\ufeff\u3000Xyz-–—\u2212‘’\t\nİßﬁKÅ\u043e\u03bf\u1f00Ж"
)


def _old_match_key(text: str) -> str:
    text = text.translate(_CLEAN).translate(_DASHES)
    text = unicodedata.normalize("NFD", text).casefold()
    words = []
    for word in text.split():
        tones = "".join(ch for ch in word if ch in _TONES)
        base = "".join(ch for ch in word if ch not in _TONES) if tones else word
        words.append(unicodedata.normalize("NFC", base + tones))
    return " ".join(words)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(text=st.text(alphabet=_ALPHABET, max_size=14))
def test_text_keys_match_their_definitions(text: str) -> None:
    """The faster match key is the word-by-word one; the look-alike prefilter never hides
    a look-alike."""
    assert match_key_nocache(text) == match_key(text) == _old_match_key(text)
    assert lookalike(text) == _lookalike(text)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(a=st.text(alphabet=_ALPHABET, max_size=10), b=st.text(alphabet=_ALPHABET, max_size=10))
def test_names_with_equal_keys_share_a_bucket(a: str, b: str) -> None:
    """Names are compared by match key only within a bucket: equal keys, equal buckets."""

    def bucket(text: str) -> bytes:
        folded = unicodedata.normalize("NFD", unicodedata.normalize("NFD", text).casefold())
        return folded.encode("ascii", "ignore").translate(None, _not_alnum())

    for x, y in ((a, b), (a, a + " "), (a, a.upper()), (a, unicodedata.normalize("NFD", a))):
        if match_key(x) == match_key(y):
            assert bucket(x) == bucket(y)


def _not_alnum() -> bytes:
    from udcntt.data._agencies import _NOT_ALNUM

    return _NOT_ALNUM


def test_duplicate_names_found_across_spellings(rules: RuleSet, tmp_path: Path) -> None:
    """Two ids with one name (in another tone placement or case) are reported, once each."""
    text = (
        "id,name,block\na,Xã Hòa Bắc,so_nganh\nb,Sở Y tế,so_nganh\nc,XÃ HOÀ BẮC,so_nganh\n"
        "d,Xã Hóa Bắc,so_nganh\ne,Sở Y tế,so_nganh\n"
    )
    ds = read_survey(write(tmp_path / "s.csv", text), rules, policy="lenient")
    found = [(d.code, d.agency) for d in ds.diagnostics if d.code.startswith("E-DATA-AGENCY")]
    assert found == [("E-DATA-AGENCY-LOOKALIKE", "c"), ("E-DATA-AGENCY-DUPLICATE", "e")]
