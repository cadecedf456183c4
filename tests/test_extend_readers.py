"""Survey readers as extensions: explicit registration, entry points and the boundary.

A plugin reader returns rows of plain cells; udcntt turns them into its raw table and
validates every value as it validates a CSV file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import udcntt
from plugin_site import Site, plugin_site
from udcntt.cli import main
from udcntt.data import Limits, discover_readers, register_reader, unregister_reader
from udcntt.errors import DataError, ExtensionError
from udcntt.extend import ReaderSpec, reader

RULES = """\
udcntt: 1
id: reader_demo
title: Reader demo
blocks:
  so: {label: So}
indicators:
  done: {label: Done, type: count, range: [0, 1000]}
  total: {label: Total, type: count, range: [1, 1000]}
criteria:
  - {id: share, label: Share, max: 10, points: "done / total * 10"}
tiers:
  levels:
    - {id: dat, label: Dat}
"""

PLUGIN_CODE = """
from udcntt.extend import reader

@reader(suffixes=(".pipe",), doc="Pipe-separated text", format="pipe")
def read_pipe(data):
    return [line.split("|") for line in data.decode("utf-8").splitlines()]
"""

SURVEY = "agency_id|name|block|done|total\ns1|One|so|3|4\ns2|Two|so|2|1.000\n"


def _pipe(data: bytes) -> list[list[str]]:
    return [line.split("|") for line in data.decode("utf-8").splitlines()]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    survey = tmp_path / "survey.pipe"
    survey.write_text(SURVEY, encoding="utf-8")
    return rules, survey


@pytest.fixture
def plugged() -> Iterator[ReaderSpec]:
    spec = register_reader(
        reader(suffixes=(".pipe",), doc="pipes", distribution="pipe-plugin", version="0.3")(_pipe)
    )
    yield spec
    unregister_reader(".pipe")


def _read(rules: Path, survey: Path, **kw: Any) -> udcntt.Dataset:
    return udcntt.read_survey(survey, udcntt.load_rules(rules), locale="vi-VN", **kw)


def test_registered_reader_used_by_read_survey(
    plugged: ReaderSpec, files: tuple[Path, Path]
) -> None:
    data = _read(*files)
    by_id = {a.id: a for a in data.agencies}
    assert by_id["s1"].values["done"] == Decimal(3)
    assert by_id["s2"].values["total"] == Decimal(1000)  # "1.000" read under vi-VN
    assert data.rows_read == 2


def test_registered_reader_used_by_cli_score(
    plugged: ReaderSpec, files: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out.json"
    rules, survey = files
    survey.write_text("agency_id|name|block|done|total\ns1|One|so|3|4\n", encoding="utf-8")
    assert main(["score", str(rules), str(survey), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "s1" in text and "7.5" in text
    (record,) = json.loads(text)["receipt"]["extensions"]
    assert (record["reader"], record["distribution"], record["version"]) == (
        ".pipe",
        "pipe-plugin",
        "0.3",
    )
    assert len(record["registration_sha256"]) == 64


def test_unknown_suffix_before_registration(files: tuple[Path, Path]) -> None:
    with pytest.raises(DataError) as info:
        _read(*files)
    assert info.value.diagnostics[0].code == "E-DATA-FORMAT"


def test_builtin_readers_go_through_the_registry() -> None:
    rows = {i.name: i for i in discover_readers()}
    assert rows[".csv"].distribution == "udcntt (built-in)"
    assert rows[".xlsx"].kind == "reader"


def test_plugin_cannot_shadow_csv() -> None:
    spec = reader(suffixes=(".csv",), doc="mine", distribution="evil", version="1")(_pipe)
    with pytest.raises(ExtensionError) as info:
        register_reader(spec)
    text = str(info.value)
    assert "udcntt (built-in)" in text and "evil 1" in text and ".csv" in text


def test_two_plugins_one_suffix(plugged: ReaderSpec) -> None:
    other = reader(suffixes=(".pipe",), doc="other", distribution="other", version="2")(_pipe)
    with pytest.raises(ExtensionError) as info:
        register_reader(other)
    assert "pipe-plugin 0.3" in str(info.value) and "other 2" in str(info.value)


@pytest.mark.parametrize("suffix", ["pipe", ".", ".a b", ".x/y"])
def test_bad_suffix_declaration(suffix: str) -> None:
    with pytest.raises(ExtensionError):
        reader(suffixes=(suffix,), doc="bad")


def _bad(impl: Any, files: tuple[Path, Path], **kw: Any) -> DataError:
    register_reader(reader(suffixes=(".pipe",), doc="bad", distribution="bad-plugin")(impl))
    try:
        with pytest.raises(DataError) as info:
            _read(*files, **kw)
    finally:
        unregister_reader(".pipe")
    return info.value


def _raises(data: bytes) -> Any:
    raise RuntimeError("boom")


def _raises_later(data: bytes) -> Iterator[list[str]]:
    yield ["agency_id", "done"]
    raise KeyError("row 2")


@pytest.mark.parametrize(
    ("impl", "code", "needle"),
    [
        (_raises, "E-EXTENSION", "RuntimeError: boom"),
        (_raises_later, "E-EXTENSION", "KeyError"),
        (lambda d: "agency_id,done", "E-EXTENSION", "a str, not rows"),
        (lambda d: None, "E-EXTENSION", "a NoneType, not rows"),
        (lambda d: [{"agency_id": "s1"}], "E-EXTENSION", "a dict as a row"),
        (lambda d: [["agency_id", 1.5]], "E-EXTENSION", "a float as a cell"),
        (lambda d: [["agency_id", object()]], "E-EXTENSION", "a object as a cell"),
        (lambda d: [["agency_id", Decimal("NaN")]], "E-EXTENSION", "not a finite number"),
        (lambda d: [["agency_id"]] * 50, "E-DATA-LIMIT", "more than 10 rows"),
        (lambda d: [["x" * 200]], "E-DATA-LIMIT", "200 characters"),
        (lambda d: [["a"] * 30], "E-DATA-LIMIT", "30 fields"),
        (lambda d: [["agency_id", "done\x07"], ["s1", "3"]], "E-DATA-CHAR", ""),
    ],
)
def test_bad_reader_results(impl: Any, code: str, needle: str, files: tuple[Path, Path]) -> None:
    limits = Limits(max_rows=10, max_field_chars=100, max_columns=20)
    error = _bad(impl, files, limits=limits)
    diag = error.diagnostics[0]
    assert diag.code == code
    assert diag.location is not None and diag.location.file == str(files[1])
    assert needle in (diag.message or "")
    if code != "E-DATA-CHAR":
        assert "bad-plugin" in f"{diag.message} {diag.hint}"


def test_endless_reader_stops_at_the_row_limit(files: tuple[Path, Path]) -> None:
    pulled = 0

    def endless(data: bytes) -> Iterator[list[str]]:
        nonlocal pulled
        while True:
            pulled += 1
            yield ["agency_id"]

    error = _bad(endless, files, limits=Limits(max_rows=100))
    assert error.diagnostics[0].code == "E-DATA-LIMIT"
    assert pulled == 101


def test_bad_cell_value_is_validated_like_csv(
    plugged: ReaderSpec, files: tuple[Path, Path]
) -> None:
    rules, survey = files
    survey.write_text("agency_id|name|block|done|total\ns1|One|so|lots|4\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        _read(rules, survey)
    diag = info.value.diagnostics[0]
    assert diag.code.startswith("E-DATA")
    assert diag.location is not None and diag.location.row == 2
    assert diag.location.cell_column == "D"


# --- entry points ------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with plugin_site(tmp_path, "udcntt.readers", discover_readers) as made:
        yield made


def test_entry_point_reader_found_lazily(
    site: Site, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    site.install(
        "udcntt-pipe", "1.4.0", {"pipe": "pipe_reader:read_pipe"}, {"pipe_reader": PLUGIN_CODE}
    )
    assert main(["--format", "json", "check", "--list-extensions"]) == 0
    listed = json.loads(capsys.readouterr().out)["extensions"]
    rows = {(r["name"], r["kind"]): r for r in listed}
    assert rows[".pipe", "reader"]["status"] == "available"
    assert rows[".csv", "reader"]["distribution"] == "udcntt (built-in)"
    assert "pipe_reader" not in sys.modules  # listed from metadata, not imported
    rules, survey = files
    data = _read(rules, survey)
    assert len(data.agencies) == 2
    assert "pipe_reader" in sys.modules
    assert main(["check", "--list-extensions"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(".pipe "))
    assert "udcntt-pipe" in line and "1.4.0" in line and line.rstrip().endswith("loaded")


def test_error_names_the_installed_distribution(site: Site, files: tuple[Path, Path]) -> None:
    code = "from udcntt.extend import reader\n\n@reader(suffixes=('.pipe',), doc='x')\ndef r(d):\n    raise ValueError('no')\n"
    site.install("udcntt-pipe", "2.0.1", {"pipe": "pipe_bad:r"}, {"pipe_bad": code})
    with pytest.raises(DataError) as info:
        _read(*files)
    diag = info.value.diagnostics[0]
    assert diag.code == "E-EXTENSION"
    assert "udcntt-pipe 2.0.1" in diag.message and "ValueError: no" in diag.message


def test_entry_point_that_fails_to_import(site: Site, files: tuple[Path, Path]) -> None:
    site.install(
        "udcntt-pipe", "1.0", {"pipe": "pipe_broken:r"}, {"pipe_broken": "import nowhere_at_all\n"}
    )
    for _ in range(2):  # and again: the failure is remembered, not retried
        with pytest.raises(DataError) as info:
            _read(*files)
        diag = info.value.diagnostics[0]
        assert diag.code == "E-EXTENSION"
        assert "udcntt-pipe 1.0" in diag.message and "cannot be imported" in diag.message
        assert diag.location is not None and diag.location.file == str(files[1])


def test_entry_point_that_is_not_a_reader(site: Site, files: tuple[Path, Path]) -> None:
    site.install(
        "udcntt-pipe", "1.0", {"pipe": "pipe_plain:r"}, {"pipe_plain": "def r(d):\n    return []\n"}
    )
    with pytest.raises(DataError) as info:
        _read(*files)
    assert "not a survey reader declared for '.pipe'" in info.value.diagnostics[0].message


def test_two_installed_plugins_one_suffix(site: Site, files: tuple[Path, Path]) -> None:
    site.install("udcntt-pipe-a", "1.0", {"pipe": "pipe_a:read_pipe"}, {"pipe_a": PLUGIN_CODE})
    site.install("udcntt-pipe-b", "2.0", {"pipe": "pipe_b:read_pipe"}, {"pipe_b": PLUGIN_CODE})
    with pytest.raises(DataError) as info:
        _read(*files)
    message = info.value.diagnostics[0].message
    assert "udcntt-pipe-a 1.0" in message and "udcntt-pipe-b 2.0" in message
    assert "pipe_a" not in sys.modules and "pipe_b" not in sys.modules


def test_installed_plugin_cannot_shadow_csv(site: Site, tmp_path: Path) -> None:
    site.install("udcntt-csv", "1.0", {"csv": "csv_evil:read_pipe"}, {"csv_evil": PLUGIN_CODE})
    rows = {i.name: i for i in discover_readers()}
    assert rows[".csv"].distribution == "udcntt (built-in)"
    shadow = [i for i in discover_readers() if "udcntt-csv 1.0" in i.status]
    assert shadow and "udcntt (built-in)" in shadow[0].status
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    survey = tmp_path / "s.csv"
    survey.write_text("agency_id,name,block,done,total\ns1,One,so,3,4\n", encoding="utf-8")
    assert len(_read(rules, survey).agencies) == 1
    assert "csv_evil" not in sys.modules
