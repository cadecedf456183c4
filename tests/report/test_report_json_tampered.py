"""A tampered or hand-edited results JSON is refused with a located E-RESULTS-… error.

Through ``udcntt report`` and ``udcntt score --previous``, each case exits 1 with the code
and the JSON path of the problem, never an internal error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.report.conftest import SMALL_2017

import udcntt
from udcntt.cli import EXIT_PROBLEMS, main
from udcntt.report import assessment_to_json, load_assessment

ROOT = Path(__file__).resolve().parents[2]
SMALL_RULES = ROOT / "tests" / "fixtures" / "valid" / "small.yaml"


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Set the value at a dotted path (``results.3.rank``)."""

    def apply(data: dict[str, Any]) -> None:
        *head, last = path.split(".")
        node: Any = data
        for key in head:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return apply


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    def apply(data: dict[str, Any]) -> None:
        *head, last = path.split(".")
        node: Any = data
        for key in head:
            node = node[int(key)] if isinstance(node, list) else node[key]
        del node[last]

    return apply


def _deep(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("rank-as-string", _set("results.3.rank", "1"), "E-RESULTS-TYPE", "results[3].rank"),
    ("rank-5000-digits", _set("results.3.rank", "9" * 5000), "E-RESULTS-TYPE", "results[3].rank"),
    (
        "total-huge-exponent",
        _set("results.1.total", "1e999999999"),
        "E-RESULTS-VALUE",
        "results[1].total",
    ),
    ("total-out-of-range", _set("results.1.total", "1E+30"), "E-RESULTS-LIMIT", "results[1].total"),
    ("total-90-places", _set("results.1.total", "1E-90"), "E-RESULTS-LIMIT", "results[1].total"),
    (
        "share-11-places",
        _set("results.1.share", "0.12345678901"),
        "E-RESULTS-LIMIT",
        "results[1].share",
    ),
    ("total-nan-text", _set("results.1.total", "NaN"), "E-RESULTS-VALUE", "results[1].total"),
    (
        "name-as-list",
        _set("results.2.name", ["Sở", "Tài chính"]),
        "E-RESULTS-TYPE",
        "results[2].name",
    ),
    ("deep-name", _set("results.0.name", _deep(300)), "E-RESULTS-TYPE", "results[0].name"),
    (
        "deep-statistics",
        _set("normalisation", {"x": _deep(300)}),
        "E-RESULTS-LIMIT",
        "normalisation.x",
    ),
    ("trace-as-list", _set("results.0.trace", [_deep(300)]), "E-RESULTS-TYPE", "results[0].trace"),
    ("missing-total", _drop("results.4.total"), "E-RESULTS-MISSING", "results[4].total"),
    ("missing-receipt", _drop("receipt"), "E-RESULTS-MISSING", "receipt"),
    ("extra-key", _set("results.0.bonus", "10"), "E-RESULTS-KEY", "results[0].bonus"),
    ("wrong-version", _set("schema_version", "9"), "E-RESULTS-VERSION", "schema_version"),
    ("unknown-block", _set("results.0.block", "xa"), "E-RESULTS-VALUE", "results[0].block"),
    ("unknown-tier", _set("results.0.tier", "xuat_sac"), "E-RESULTS-VALUE", "results[0].tier"),
    (
        "duplicate-agency",
        lambda d: d["results"][1].update(agency_id=d["results"][0]["agency_id"]),
        "E-RESULTS-VALUE",
        "results[1].agency_id",
    ),
    (
        "control-character",
        _set("results.0.name", "Sở\x1b[2J"),
        "E-RESULTS-VALUE",
        "results[0].name",
    ),
    ("criteria-as-list", _set("results.0.criteria", []), "E-RESULTS-TYPE", "results[0].criteria"),
    (
        "bad-status",
        lambda d: d["results"][0]["criteria"]["ha_tang"].update(status="bonus"),
        "E-RESULTS-VALUE",
        "results[0].criteria.ha_tang.status",
    ),
]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    rules = udcntt.load_rules(SMALL_RULES)
    a = udcntt.evaluate(rules, udcntt.Dataset.from_records(SMALL_2017, year=2017))
    data: dict[str, Any] = json.loads(assessment_to_json(a))
    return data


def _write(tmp_path: Path, data: dict[str, Any], mutate: Callable[[dict[str, Any]], None]) -> Path:
    copy = json.loads(json.dumps(data))
    mutate(copy)
    path = tmp_path / "ket-qua.json"
    path.write_text(json.dumps(copy, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "mutate", "code", "where"), CASES, ids=[c[0] for c in CASES])
def test_report_refuses_a_tampered_file(
    written: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    mutate: Callable[[dict[str, Any]], None],
    code: str,
    where: str,
) -> None:
    """`udcntt report` names the code and the JSON path, exits 1 and writes nothing."""
    path = _write(tmp_path, written, mutate)
    out = tmp_path / "bao-cao.md"
    assert (
        main(["report", str(path), "-o", str(out), "--lang", "en", "--no-color"]) == EXIT_PROBLEMS
    )
    err = capsys.readouterr().err
    assert f"error[{code}]" in err, err
    assert f"at: {where}" in err, err
    assert "internal error" not in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "mutate", "code", "where"), CASES[:8], ids=[c[0] for c in CASES[:8]]
)
def test_previous_refuses_a_tampered_file(
    written: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    mutate: Callable[[dict[str, Any]], None],
    code: str,
    where: str,
) -> None:
    """`udcntt score --previous` refuses the same files the same way."""
    survey = tmp_path / "survey.json"
    survey.write_text(json.dumps({"agencies": SMALL_2017}), encoding="utf-8")
    path = _write(tmp_path, written, mutate)
    rc = main(["--lang", "en", "score", str(SMALL_RULES), str(survey), "--previous", str(path)])
    err = capsys.readouterr().err
    assert rc == EXIT_PROBLEMS, err
    assert f"error[{code}]" in err and f"at: {where}" in err, err


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"schema": "udcntt-assessment", "schema_version": "1", "title": NaN', "E-RESULTS-JSON"),
        (
            '{"schema": "udcntt-assessment", "schema_version": "1", "x": ' + "[" * 100_000,
            "E-RESULTS-LIMIT",
        ),
        ('{"schema": "udcntt-assessment", "schema": "x"}', "E-RESULTS-KEY"),
        ('{"agencies": []}', "E-RESULTS-SCHEMA"),
        ("[1, 2, 3]", "E-RESULTS-SCHEMA"),
        (
            '{"schema": "udcntt-assessment", "schema_version": "1", "year": 1' + "0" * 5000 + "}",
            "E-RESULTS-TYPE",
        ),
    ],
    ids=["truncated", "deep-100000", "duplicate-key", "a-survey", "a-list", "year-5000-digits"],
)
def test_load_assessment_refuses_broken_json(tmp_path: Path, text: str, code: str) -> None:
    """The API raises DataError with the code; no TypeError, RecursionError or ValueError."""
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(udcntt.DataError) as info:
        load_assessment(path)
    assert code in {d.code for d in info.value.diagnostics}


def test_nan_total_as_a_json_number(written: dict[str, Any], tmp_path: Path) -> None:
    """A total written as a bare JSON number (NaN, 1e999999999) is named, not converted."""
    copy = json.loads(json.dumps(written))
    copy["results"][0]["total"] = float("nan")
    copy["results"][1]["total"] = float("inf")
    path = tmp_path / "x.json"
    path.write_text(json.dumps(copy).replace("Infinity", "1e999999999"), encoding="utf-8")
    with pytest.raises(udcntt.DataError) as info:
        load_assessment(path)
    paths = [d.location.path for d in info.value.diagnostics if d.location]
    assert paths[:2] == ["results[0].total", "results[1].total"]
    assert "number 1e999999999" in str(info.value)


def test_previous_with_compact_schema_line_is_read_as_results(
    written: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A results file re-saved without spaces is still validated as results, not a survey."""
    copy = json.loads(json.dumps(written))
    copy["results"][0]["rank"] = "1"
    path = tmp_path / "prev.json"
    path.write_text(json.dumps(copy, separators=(",", ":")), encoding="utf-8")
    survey = tmp_path / "survey.json"
    survey.write_text(json.dumps({"agencies": SMALL_2017}), encoding="utf-8")
    rc = main(["--lang", "en", "score", str(SMALL_RULES), str(survey), "--previous", str(path)])
    assert rc == EXIT_PROBLEMS
    assert "error[E-RESULTS-TYPE]" in capsys.readouterr().err


def test_a_trace_is_never_read(written: dict[str, Any], tmp_path: Path) -> None:
    """Traces are for `udcntt explain`; a deep or odd one is ignored, not walked or used."""
    copy = json.loads(json.dumps(written))
    copy["results"][0]["trace"] = {"x": _deep(300), "y": "\u202e"}
    path = tmp_path / "x.json"
    path.write_text(json.dumps(copy), encoding="utf-8")
    assert load_assessment(path).results[0].agency_id == written["results"][0]["agency_id"]
