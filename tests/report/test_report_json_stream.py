"""A results JSON is written and read one agency at a time, in any spacing, at any size.

The reader holds one value at a time (a result with its trace, or one of the other
top-level parts); these tests shrink the read chunk and the per-value bound to show that a
file many times larger than both reads back equal, that the buffer never grows with the
number of agencies, and that broken files keep their located errors.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from tests.report.conftest import SMALL_2017, SMALL_RULES, _small

import udcntt
from udcntt.cli import EXIT_OK, EXIT_PROBLEMS, main
from udcntt.report import _json_stream as stream
from udcntt.report import assessment_to_json, load_assessment
from udcntt.report._json import iter_assessment_json
from udcntt.report._results_layout import ASSESSMENT, RESULT
from udcntt.report._results_schema import validate


def survey(n: int, seed: int = 3) -> list[dict[str, Any]]:
    """``n`` agencies of the small rule set, half of them districts."""
    rng = random.Random(seed)
    heads = ("chu_tich", "pho", "khac")
    out = []
    for i in range(n):
        block = "huyen" if i % 2 else "so"
        out.append(
            _small(
                f"a{i:05d}",
                f"Đơn vị số {i:05d}",
                block,
                rng.randint(0, 50),
                rng.randint(0, 5),
                heads[rng.randrange(3)],
                rng.random() < 0.5,
                rng.randint(0, 200),
                rng.randint(0, 12) if block == "huyen" else None,
            )
        )
    return out


def scored(n: int) -> udcntt.Assessment:
    rules = udcntt.load_rules(SMALL_RULES)
    return udcntt.evaluate(rules, udcntt.Dataset.from_records(survey(n), year=2017))


@pytest.fixture(scope="module")
def forty() -> udcntt.Assessment:
    return scored(40)


def _same(a: udcntt.Assessment, b: udcntt.Assessment) -> None:
    assert assessment_to_json(a) == assessment_to_json(b)


@pytest.mark.parametrize(
    "dump",
    [
        lambda d: json.dumps(d, ensure_ascii=False, indent=2),
        lambda d: json.dumps(d, separators=(",", ":")),
        lambda d: json.dumps(d, indent="\t").replace("\n", "\r\n"),
        lambda d: "\ufeff" + json.dumps(d, ensure_ascii=False),
    ],
    ids=["indent-2", "compact", "tabs-crlf", "bom-one-line"],
)
def test_any_spacing_reads_back_equal(
    forty: udcntt.Assessment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dump: Any
) -> None:
    """Re-saved by another tool, the file reads back the same, even in 512-byte chunks."""
    monkeypatch.setattr(stream, "CHUNK_BYTES", 512)
    data = json.loads(assessment_to_json(forty, traces=True))
    path = tmp_path / "kq.json"
    path.write_text(dump(data), encoding="utf-8")
    original = tmp_path / "original.json"
    original.write_text(assessment_to_json(forty), encoding="utf-8")
    _same(load_assessment(path), load_assessment(original))


def test_results_before_the_parts_they_refer_to(forty: udcntt.Assessment, tmp_path: Path) -> None:
    """A file whose results come first (keys reordered by hand) is read in a second pass."""
    data = json.loads(assessment_to_json(forty))
    reordered = {"results": data.pop("results"), **dict(reversed(list(data.items())))}
    path = tmp_path / "kq.json"
    path.write_text(json.dumps(reordered, ensure_ascii=False), encoding="utf-8")
    _same(load_assessment(path), forty)


def _buffer_peak(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the largest text the reader holds at once."""
    peak = [0]
    more = stream._Source.more

    def spy(self: Any, at_least: int = 0) -> bool:
        done = more(self, at_least)
        peak[0] = max(peak[0], len(self.buf))
        return done

    monkeypatch.setattr(stream._Source, "more", spy)
    return peak


def test_the_buffer_does_not_grow_with_the_agencies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 40 and 160 agencies with traces the reader holds the same few kilobytes."""
    monkeypatch.setattr(stream, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(stream, "MAX_VALUE_CHARS", 20_000)
    peaks, sizes = [], []
    for n in (40, 160):
        path = tmp_path / f"kq-{n}.json"
        path.write_text(assessment_to_json(scored(n), traces=True), encoding="utf-8")
        peak = _buffer_peak(monkeypatch)
        assert len(load_assessment(path).results) == n
        peaks.append(peak[0])
        sizes.append(path.stat().st_size)
        monkeypatch.undo()
        monkeypatch.setattr(stream, "CHUNK_BYTES", 4096)
        monkeypatch.setattr(stream, "MAX_VALUE_CHARS", 20_000)
    assert sizes[1] > 3.5 * sizes[0] > 100 * 4096
    assert max(peaks) < 3 * 20_000  # at most a chunk plus one value, whatever the size
    assert peaks[1] < 1.5 * peaks[0] + 4096


def test_a_value_longer_than_the_bound_is_named(
    forty: udcntt.Assessment,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """One result longer than the bound: E-RESULTS-LIMIT at its path, exit 1, no crash."""
    monkeypatch.setattr(stream, "CHUNK_BYTES", 1024)
    data = json.loads(assessment_to_json(forty))
    data["results"][3]["notes"] = ["x" * 5000]
    path = tmp_path / "kq.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(stream, "MAX_VALUE_CHARS", 4000)
    rc = main(["report", str(path), "-o", str(tmp_path / "bc.md"), "--lang", "en"])
    err = capsys.readouterr().err
    assert rc == EXIT_PROBLEMS, err
    assert "error[E-RESULTS-LIMIT]" in err and "at: results[3]" in err, err
    assert "longer than 4000 characters" in err


def _cut_cases(text: str) -> list[str]:
    """Broken copies of ``text``: cut inside the results, garbage between two results,
    garbage after the end, a missing colon at the top level."""
    second = text.index('\n    {"agency_id"', text.index('"results"'))
    return [
        text[: len(text) // 2],
        text[:second] + " ?" + text[second:],
        text + "x",
        text.replace('"title":', '"title"', 1),
    ]


@pytest.mark.parametrize("case", range(4), ids=["cut", "garbage-between", "extra", "no-colon"])
def test_json_errors_are_located_like_json_loads(
    forty: udcntt.Assessment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: int
) -> None:
    """The line and column of a syntax error are those ``json.loads`` gives."""
    monkeypatch.setattr(stream, "CHUNK_BYTES", 700)
    text = _cut_cases(assessment_to_json(forty))[case]
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    path = tmp_path / "kq.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(udcntt.DataError) as info:
        load_assessment(path)
    d = info.value.first
    assert d.code == "E-RESULTS-JSON"
    assert d.location is not None
    assert (d.location.line, d.location.column) == (expected.value.lineno, expected.value.colno)


def test_a_file_that_is_not_utf8(forty: udcntt.Assessment, tmp_path: Path) -> None:
    """A byte that is not UTF-8 past the first chunk is named with its offset."""
    raw = assessment_to_json(forty).encode("utf-8")
    at = len(raw) - 100
    path = tmp_path / "kq.json"
    path.write_bytes(raw[:at] + b"\xff" + raw[at:])
    with pytest.raises(udcntt.DataError) as info:
        load_assessment(path)
    assert info.value.first.code == "E-RESULTS-JSON"
    assert f"byte {at}" in str(info.value)


def test_the_writer_yields_one_piece_per_agency(forty: udcntt.Assessment) -> None:
    """The text is produced agency by agency, never as one string of every agency."""
    pieces = list(iter_assessment_json(forty))
    assert "".join(pieces) == assessment_to_json(forty)
    rows = [p for p in pieces if '{"agency_id"' in p]
    assert len(rows) == len(forty.results)
    assert all(p.count('{"agency_id"') == 1 for p in rows)


@pytest.mark.parametrize("traces", [False, True])
def test_score_traces_only_on_request_and_schema_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], traces: bool
) -> None:
    """`score -o x.json` leaves traces out unless --traces; both files are valid and read
    back by `udcntt report` and `--previous`."""
    data = tmp_path / "survey.json"
    data.write_text(json.dumps({"agencies": SMALL_2017}), encoding="utf-8")
    out = tmp_path / "kq.json"
    args = ["score", str(SMALL_RULES), str(data), "-o", str(out)]
    assert main([*args, *(["--traces"] if traces else [])]) == EXIT_OK
    written = json.loads(out.read_text(encoding="utf-8"))
    assert all(("trace" in r) == traces for r in written["results"])
    assert validate(written, ASSESSMENT, None) == []
    assert main(["report", str(out), "-o", str(tmp_path / "bc.md")]) == EXIT_OK
    again = ["score", str(SMALL_RULES), str(data), "--previous", str(out)]
    assert main([*again, "-o", str(tmp_path / "again.csv")]) == EXIT_OK
    capsys.readouterr()


def test_the_quick_verdict_agrees_with_the_full_check(forty: udcntt.Assessment) -> None:
    """`Spec.ok` (used for every result) says yes exactly when `validate` finds nothing, on
    the sound file and on each tampered copy the tampering tests use."""
    from tests.report.test_report_json_tampered import CASES

    sound = json.loads(assessment_to_json(forty, traces=True))
    assert ASSESSMENT.ok(sound) and validate(sound, ASSESSMENT, None) == []
    for name, mutate, _, _ in CASES:
        copy = json.loads(json.dumps(sound))
        mutate(copy)
        assert ASSESSMENT.ok(copy) == (validate(copy, ASSESSMENT, None) == []), name
        for i, r in enumerate(copy["results"][:5]):
            assert RESULT.ok(r) == (validate(r, RESULT, None) == []), (name, i)
