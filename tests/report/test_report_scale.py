"""Every output of this area does work linear in the number of agencies.

Measured deterministically, never by the clock: how many results the writers visit, how
much memory the JSON writer holds, how many number patterns are parsed, how many bytes
each agency adds. The timings are in ``benchmarks/end_to_end.py``.
"""

from __future__ import annotations

import dataclasses
import re
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.report.test_report_json_stream import scored

import udcntt
from udcntt.cli import EXIT_OK, main
from udcntt.report import _format, _html_pages, _json, assessment_to_json, write_report


class CountingResults(tuple):  # type: ignore[type-arg]
    """The results of an assessment, counting every visit of an item."""

    visits = 0

    def __iter__(self) -> Iterator[Any]:
        for item in super().__iter__():
            CountingResults.visits += 1
            yield item

    def __getitem__(self, index: Any) -> Any:
        CountingResults.visits += 1
        return super().__getitem__(index)


def _visits(assessment: udcntt.Assessment, traces: bool) -> int:
    counted = dataclasses.replace(assessment, results=CountingResults(assessment.results))
    CountingResults.visits = 0
    assessment_to_json(counted, traces=traces)
    return CountingResults.visits


@pytest.fixture(scope="module")
def sizes() -> dict[int, udcntt.Assessment]:
    return {n: scored(n) for n in (30, 120, 480)}


def test_by_id_is_a_lookup_not_a_scan(sizes: dict[int, udcntt.Assessment]) -> None:
    """Writing traces looks every agency up by id: the results are visited a fixed number
    of times per agency (a scan per look-up would make it grow with N: 16× at 4× N)."""
    small, large = (_visits(sizes[n], traces=True) for n in (30, 120))
    assert large <= 4.2 * small
    a = sizes[30]
    assert a.by_id(a.results[7].agency_id) is a.results[7]
    with pytest.raises(KeyError):
        a.by_id("no-such-agency")


@pytest.mark.parametrize("traces", [False, True])
def test_json_bytes_per_agency_are_constant(
    sizes: dict[int, udcntt.Assessment], traces: bool
) -> None:
    """Beyond the fixed part (the file without results), an agency costs the same bytes
    (within 1 %) at 120 and at 480 agencies, with or without traces."""

    def per_agency(a: udcntt.Assessment) -> float:
        fixed = len(assessment_to_json(dataclasses.replace(a, results=()), traces=traces))
        return (len(assessment_to_json(a, traces=traces)) - fixed) / len(a.results)

    small, large = per_agency(sizes[120]), per_agency(sizes[480])
    assert 0.99 * small <= large <= 1.01 * small


def _peak_writing(assessment: udcntt.Assessment, path: Path) -> int:
    tracemalloc.start()
    try:
        write_report(assessment, path, traces=True)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_json_writer_holds_a_chunk_not_the_file(
    sizes: dict[int, udcntt.Assessment], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With 16 KB chunks, writing 480 agencies with traces holds about what 30 do, far
    less than the file (the whole text and every trace used to be built first)."""
    monkeypatch.setattr(_json, "_CHUNK_CHARS", 16_384)
    for n, a in sizes.items():  # warm caches (the receipt, the by-id index) first
        write_report(a, tmp_path / f"warm-{n}.json", traces=True)
    small = _peak_writing(sizes[30], tmp_path / "a.json")
    large = _peak_writing(sizes[480], tmp_path / "b.json")
    assert large < 2 * small  # 16 times the agencies
    assert large < (tmp_path / "b.json").stat().st_size / 3


def test_number_patterns_are_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Formatting 3,000 numbers parses each (language, places) pattern once, not per number."""
    from decimal import Decimal

    import babel.numbers

    calls = []
    parse = babel.numbers.parse_pattern

    def counting(pattern: Any) -> Any:
        calls.append(pattern)
        return parse(pattern)

    monkeypatch.setattr(babel.numbers, "parse_pattern", counting)
    monkeypatch.setattr(_format, "parse_pattern", counting, raising=False)
    for name in ("_number_format", "_formatted"):
        cached = getattr(_format, name, None)
        if cached is not None:
            cached.cache_clear()
    texts = set()
    for i in range(1000):
        for places in (0, 1, 2):
            texts.add(_format.fmt_number(Decimal(i) / 7, lang="vi", places=places))
    assert len(texts) > 2000  # the numbers really differ
    assert len(calls) <= 3
    assert _format.fmt_number(Decimal("1537.5"), places=2) == "1.537,50"
    assert _format.fmt_number(Decimal("1537.5"), lang="en", places=2) == "1,537.50"


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A 60-agency assessment (two blocks of 30) written with the page limit lowered to 30:
    split, each block on one page (blocks split over pages: tests/report/test_html_scale.py)."""
    pytest.importorskip("jinja2")
    folder = tmp_path_factory.mktemp("pages")
    assessment = scored(60)
    mp = pytest.MonkeyPatch()
    mp.setattr(_html_pages, "HTML_PAGE_AGENCIES", 30)
    try:
        write_report(assessment, folder / "ket-qua.html", lang="vi")
    finally:
        mp.undo()
    return {"folder": folder, "assessment": assessment}


def test_a_large_html_report_is_a_summary_and_one_page_per_block(pages: dict[str, Any]) -> None:
    """Above the limit: ket-qua.html links (relatively) to one page per block, each with
    that block's agencies only; no temporary file is left."""
    folder: Path = pages["folder"]
    assessment: udcntt.Assessment = pages["assessment"]
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["ket-qua-huyen.html", "ket-qua-so.html", "ket-qua.html"]
    summary = (folder / "ket-qua.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', summary)
    assert links == ["ket-qua-so.html", "ket-qua-huyen.html"]
    for block, link in zip(("so", "huyen"), links, strict=True):
        page = (folder / link).read_text(encoding="utf-8")
        inside = [r for r in assessment.results if r.block == block]
        outside = [r for r in assessment.results if r.block != block]
        assert all(r.name in page for r in inside)
        assert not any(f">{r.name}<" in page for r in outside)


def test_below_the_limit_one_page(tmp_path: Path) -> None:
    """At or below the limit the report stays one self-contained page."""
    pytest.importorskip("jinja2")
    assessment = scored(12)
    write_report(assessment, tmp_path / "kq.html")
    assert [p.name for p in tmp_path.iterdir()] == ["kq.html"]
    assert not _html_pages.pages_needed(assessment)
    assert _html_pages.pages_needed(assessment, limit=11)


def test_udcntt_report_splits_a_large_results_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`udcntt report out.json -o out.html` on a file above the limit writes the pages."""
    pytest.importorskip("jinja2")
    (tmp_path / "out.json").write_text(assessment_to_json(scored(30)), encoding="utf-8")
    monkeypatch.setattr(_html_pages, "HTML_PAGE_AGENCIES", 15)  # two blocks of 15
    rc = main(["report", str(tmp_path / "out.json"), "-o", str(tmp_path / "out.html")])
    assert rc == EXIT_OK, capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.glob("out*.html")) == [
        "out-huyen.html",
        "out-so.html",
        "out.html",
    ]


def test_page_names_are_safe_and_distinct() -> None:
    """Block ids become file-name parts of ASCII letters, digits, _ and -, never clashing."""
    a = scored(4)
    odd = dataclasses.replace(
        a,
        results=tuple(
            dataclasses.replace(r, block="a/b" if i % 2 else "a b") for i, r in enumerate(a.results)
        ),
        block_labels={"a/b": "A/B", "a b": "A B"},
    )
    names = _html_pages.page_names(odd, "/x/kq.html")
    assert sorted(p.name for p in names.values()) == ["kq-a_b-2.html", "kq-a_b.html"]


def test_reading_back_decodes_each_agency_about_once(
    sizes: dict[int, udcntt.Assessment], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading 480 agencies in 4 KB chunks decodes about four times as many values as 120:
    a value cut by the end of a chunk is decoded again, never the whole file."""
    from udcntt.report import _json_stream, load_assessment

    monkeypatch.setattr(_json_stream, "CHUNK_BYTES", 4096)
    calls = [0]
    decode = _json_stream.DECODER.raw_decode

    def counting(text: str, idx: int = 0) -> Any:
        calls[0] += 1
        return decode(text, idx)

    monkeypatch.setattr(_json_stream.DECODER, "raw_decode", counting)
    counts = {}
    for n in (120, 480):
        path = tmp_path / f"kq-{n}.json"
        path.write_text(assessment_to_json(sizes[n]), encoding="utf-8")
        calls[0] = 0
        assert len(load_assessment(path).results) == n
        counts[n] = calls[0]
    assert n < counts[480] <= 4.2 * counts[120]


def test_html_bytes_per_agency_are_constant(sizes: dict[int, udcntt.Assessment]) -> None:
    """Beyond its fixed part, a page grows by the same bytes per agency (within 3 %) at 120
    and at 480 agencies."""
    pytest.importorskip("jinja2")
    from udcntt.report import render_report

    def per_agency(a: udcntt.Assessment) -> float:
        few = dataclasses.replace(a, results=a.results[:20])
        return (len(render_report(a, ".html")) - len(render_report(few, ".html"))) / (
            len(a.results) - 20
        )

    small, large = per_agency(sizes[120]), per_agency(sizes[480])
    assert 0.97 * small <= large <= 1.03 * small
