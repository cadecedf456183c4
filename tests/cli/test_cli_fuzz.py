"""No input reachable from the command line ends in an internal error.

Hypothesis drives ``score``, ``report`` and ``check`` in-process with mutated surveys (CSV
and JSON bytes with flipped, inserted and deleted bytes, truncations), mutated rule files
(the same byte mutations of a shipped small rule file) and structurally mutated results
JSON (values replaced by other JSON types, huge numbers, deep nesting, dropped keys). Only
the documented exit codes are accepted: 0 ok, 1 problems in the input, 2 usage, 4 nothing
scored — never 3, and never a traceback or "internal error" on stderr.

The default profile runs a few dozen examples per command (deterministic, about 15 s in
all); ``-m slow`` runs many more (fewer under the "ci" profile that ``.ci/run`` uses).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.report.conftest import SMALL_2016, SMALL_2017

import udcntt
from udcntt.cli import main
from udcntt.report import assessment_to_json

ROOT = Path(__file__).resolve().parents[2]
SMALL_RULES = ROOT / "tests" / "fixtures" / "valid" / "small.yaml"

ACCEPTED = {0, 1, 2, 4}

FAST = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # capsys is read out at every run
    ],
)
# Many more, with longer lists of mutations. Hypothesis's "ci" profile (.ci/run) draws 100 of
# them, derandomized (each command, both survey formats and every kind of byte and JSON
# mutation are still drawn many times over); the other profiles draw 400.
SLOW = settings(FAST, max_examples=100 if settings.get_current_profile_name() == "ci" else 400)


# -- seeds ---------------------------------------------------------------------------------


def _survey_csv(records: list[dict[str, Any]]) -> bytes:
    names = sorted({k for r in records for k in r["values"]})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["agency_id", "name", "block", *names])
    for r in records:
        values = r["values"]
        writer.writerow(
            [
                r["id"],
                r["name"],
                r["block"],
                *("" if values.get(n) is None else values[n] for n in names),
            ]
        )
    return out.getvalue().encode("utf-8")


def _survey_json(records: list[dict[str, Any]]) -> bytes:
    return json.dumps({"year": 2017, "agencies": records}, ensure_ascii=False).encode("utf-8")


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the seeds: rules, surveys of both years, a results file."""
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copy(SMALL_RULES, folder / "rules.yaml")
    (folder / "survey.csv").write_bytes(_survey_csv(SMALL_2017))
    (folder / "survey.json").write_bytes(_survey_json(SMALL_2017))
    rules = udcntt.load_rules(SMALL_RULES)
    previous = udcntt.evaluate(rules, udcntt.Dataset.from_records(SMALL_2016, year=2016))
    assessment = udcntt.evaluate(
        rules, udcntt.Dataset.from_records(SMALL_2017, year=2017), previous=previous
    )
    (folder / "results.json").write_text(assessment_to_json(assessment), encoding="utf-8")
    # The seeds themselves are accepted.
    assert main(["score", str(folder / "rules.yaml"), str(folder / "survey.csv")]) == 0
    assert main(["score", str(folder / "rules.yaml"), str(folder / "survey.json")]) == 0
    return folder


# -- mutations -----------------------------------------------------------------------------

_BYTE_OP = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1), st.integers(0, 255)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=8)),
    st.tuples(
        st.just("insert"),
        st.floats(0, 1),
        st.sampled_from(
            [
                b",",
                b"\n",
                b'"',
                b"\x00",
                b"\xff",
                b"\xe2\x80\xae",
                b"1e999999999",
                b"9" * 5000,
                b"[" * 300,
                b"NaN",
                b"-",
                b"%",
                b"\r\n",
                b"{",
                b":",
                b"  - ",
                b"&a",
                b"*a",
                b"!!python/object",
            ]
        ),
    ),
    st.tuples(st.just("delete"), st.floats(0, 1), st.integers(1, 40)),
    st.tuples(st.just("truncate"), st.floats(0, 1), st.just(0)),
)


def _mutate_bytes(data: bytes, ops: list[tuple[str, float, Any]]) -> bytes:
    buf = bytearray(data)
    for op, where, arg in ops:
        at = min(int(where * len(buf)), max(len(buf) - 1, 0))
        if op == "flip" and buf:
            buf[at] = arg
        elif op == "insert":
            buf[at:at] = arg
        elif op == "delete":
            del buf[at : at + arg]
        elif op == "truncate":
            del buf[at:]
    return bytes(buf)


_REPLACEMENTS: list[Any] = [
    None,
    True,
    0,
    -1,
    "",
    "x",
    "1e999999999",
    "NaN",
    "-0",
    "0",
    "-1",
    "0E-7",
    "1E+23",
    "1E-90",
    "99999999999999999.9999999999",
    "-99999999999999999999.5",
    "0.000000000000000000000000000000000000001",
    "2023-02-30",
    1000000000,
    -1000000000,
    255,
    "9" * 200,
    [],
    {},
    [1, "a", None],
    {"marker": "bogus"},
    "\u202eevil",
    "__HUGE_INT__",
    "__HUGE_FLOAT__",
    "__NAN__",
    "__DEEP__",
]


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            if k != "trace":  # free-form, and most of the file: mutate the typed parts
                yield from _nodes(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:4]):  # a few agencies are enough
            yield from _nodes(v, (*path, i))


def _mutate_json(doc: Any, ops: list[tuple[float, int, bool]]) -> bytes:
    for where, choice, drop in ops:
        nodes = [p for p, _ in _nodes(doc) if p]
        path = nodes[int(where * (len(nodes) - 1))]
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        last = path[-1]
        if drop:
            del parent[last]
        else:
            parent[last] = copy.deepcopy(_REPLACEMENTS[choice % len(_REPLACEMENTS)])
    text = json.dumps(doc, ensure_ascii=False)
    return (
        text.replace('"__HUGE_INT__"', "9" * 5000)
        .replace('"__HUGE_FLOAT__"', "1e999999999")
        .replace('"__NAN__"', "NaN")
        .replace('"__DEEP__"', "[" * 300 + "]" * 300)
        .encode("utf-8", "surrogatepass")
    )


_JSON_OP = st.tuples(st.floats(0, 1), st.integers(0, 1000), st.booleans())


# -- the checks ----------------------------------------------------------------------------


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    code = main(["--no-color", *argv])
    err = capsys.readouterr().err
    assert code in ACCEPTED, (code, argv, err[-2000:])
    for bad in ("Traceback", "internal error", "lỗi nội bộ"):
        assert bad not in err, (argv, err[-2000:])


def _score_survey(work: Path, capsys: pytest.CaptureFixture[str], ext: str, ops: list[Any]) -> None:
    seed = (work / f"survey{ext}").read_bytes()
    mutated = work / f"mutated{ext}"
    mutated.write_bytes(_mutate_bytes(seed, ops))
    _run(["score", str(work / "rules.yaml"), str(mutated), "-o", str(work / "out.json")], capsys)
    _run(
        ["score", "--lenient", str(work / "rules.yaml"), str(mutated), "-o", str(work / "out.csv")],
        capsys,
    )


def _rules(work: Path, capsys: pytest.CaptureFixture[str], ops: list[Any]) -> None:
    mutated = work / "mutated.yaml"
    mutated.write_bytes(_mutate_bytes((work / "rules.yaml").read_bytes(), ops))
    _run(["check", str(mutated)], capsys)
    _run(["score", str(mutated), str(work / "survey.csv"), "-o", str(work / "out.md")], capsys)


def _results(
    work: Path, capsys: pytest.CaptureFixture[str], ops: list[Any], raw: list[Any]
) -> None:
    doc = json.loads((work / "results.json").read_text(encoding="utf-8"))
    data = _mutate_json(doc, ops)
    mutated = work / "mutated-results.json"
    mutated.write_bytes(_mutate_bytes(data, raw) if raw else data)
    _run(
        ["report", str(mutated), "-o", str(work / "report.md"), "-o", str(work / "report.xlsx")],
        capsys,
    )
    _run(
        ["score", str(work / "rules.yaml"), str(work / "survey.csv"), "--previous", str(mutated)],
        capsys,
    )


@FAST
@given(ext=st.sampled_from([".csv", ".json"]), ops=st.lists(_BYTE_OP, min_size=1, max_size=4))
def test_score_never_fails_internally_on_mutated_surveys(
    work: Path, capsys: pytest.CaptureFixture[str], ext: str, ops: list[Any]
) -> None:
    _score_survey(work, capsys, ext, ops)


@FAST
@given(ops=st.lists(_BYTE_OP, min_size=1, max_size=3))
def test_check_and_score_never_fail_internally_on_mutated_rule_files(
    work: Path, capsys: pytest.CaptureFixture[str], ops: list[Any]
) -> None:
    _rules(work, capsys, ops)


@FAST
@given(
    ops=st.lists(_JSON_OP, min_size=1, max_size=4),
    raw=st.lists(_BYTE_OP, max_size=1),
)
def test_report_and_previous_never_fail_internally_on_mutated_results(
    work: Path, capsys: pytest.CaptureFixture[str], ops: list[Any], raw: list[Any]
) -> None:
    _results(work, capsys, ops, raw)


@pytest.mark.slow
@SLOW
@given(
    ext=st.sampled_from([".csv", ".json"]),
    ops=st.lists(_BYTE_OP, min_size=1, max_size=6),
    json_ops=st.lists(_JSON_OP, min_size=1, max_size=6),
)
def test_many_more_mutations(
    work: Path, capsys: pytest.CaptureFixture[str], ext: str, ops: list[Any], json_ops: list[Any]
) -> None:
    _score_survey(work, capsys, ext, ops)
    _rules(work, capsys, ops)
    _results(work, capsys, json_ops, [])
