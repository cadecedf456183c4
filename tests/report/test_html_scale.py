"""A large HTML report: blocks split over numbered pages, streamed in bounded memory.

The page size is lowered (``_html_pages.HTML_PAGE_AGENCIES``) so a few dozen agencies show
what 100,000 do: every agency on exactly one page, in rank order; relative links between
the pages of a block and back to the summary, followed in headless Chromium; whole-block
charts on the block's first page only; the writer's memory and work per agency bounded,
measured by tracemalloc and by counting calls, never by the clock.
"""

from __future__ import annotations

import dataclasses
import re
import tracemalloc
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from tests.report.test_report_json_stream import scored

import udcntt
from udcntt.report import _html_pages, _html_rows, write_report

pytest.importorskip("jinja2")

_RANKING = re.compile(r'<table class="ranking">(.*?)</table>', re.S)
_NAME = re.compile(r'<td class="name">(.*?)</td>')
_DETAIL = re.compile(r'<details class="agency">\s*<summary>(\d*)\. <strong>(.*?)</strong>')


def _write(assessment: udcntt.Assessment, folder: Path, size: int, lang: str = "vi") -> None:
    mp = pytest.MonkeyPatch()
    mp.setattr(_html_pages, "HTML_PAGE_AGENCIES", size)
    try:
        write_report(assessment, folder / "ket-qua.html", lang=lang)
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """60 agencies in two blocks of 30, at most 10 agencies a page: 3 pages a block."""
    folder = tmp_path_factory.mktemp("split")
    assessment = scored(60)
    _write(assessment, folder, 10)
    return {"folder": folder, "assessment": assessment}


def _read(folder: Path, name: str) -> str:
    return (folder / name).read_text(encoding="utf-8")


def _links(text: str) -> dict[str, str]:
    """The pager's links of a page: rel → href (the first pager; both are the same)."""
    head = text.split('<nav class="pager"', maxsplit=1)[1].split("</nav>", maxsplit=1)[0]
    return {rel: href for href, rel in re.findall(r'<a href="([^"]+)" rel="([^"]+)">', head)}


def test_every_agency_is_on_exactly_one_page_in_rank_order(split: dict[str, Any]) -> None:
    """Each block's three pages show its 30 agencies once each, in rank order: ranking rows,
    profile rows and details alike; no other block's agency; no temporary file left."""
    folder: Path = split["folder"]
    assessment: udcntt.Assessment = split["assessment"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"ket-qua-{b}{s}.html" for b in ("so", "huyen") for s in ("", "-2", "-3")]
        + ["ket-qua.html"]
    )
    for block in ("so", "huyen"):
        ranked = assessment.ranking(block)
        names, details, profiles = [], [], []
        for suffix in ("", "-2", "-3"):
            page = _read(folder, f"ket-qua-{block}{suffix}.html")
            (table,) = _RANKING.findall(page)
            on_page = [unescape(n) for n in _NAME.findall(table)]
            assert len(on_page) == 10
            names += on_page
            details += [(int(rank), unescape(name)) for rank, name in _DETAIL.findall(page)]
            profile = page.split('<table class="profile">')[1].split("</table>")[0]
            profiles += [unescape(n) for n in _NAME.findall(profile)]
        assert names == [r.name for r in ranked]
        assert profiles == names
        assert details == [(r.rank, r.name) for r in ranked]
        ranks = [rank for rank, _ in details]
        assert ranks == sorted(ranks)


def test_pages_link_first_previous_next_last_and_the_summary(split: dict[str, Any]) -> None:
    """Relative links: page 2 of 3 goes to 1, 1, 3, 3 and up; the first page has no first
    or previous link, the last no next or last; the summary lists every page with its ranks
    and is the last file written."""
    folder: Path = split["folder"]
    first, middle, last = (_read(folder, f"ket-qua-so{s}.html") for s in ("", "-2", "-3"))
    assert _links(middle) == {
        "first": "ket-qua-so.html",
        "prev": "ket-qua-so.html",
        "next": "ket-qua-so-3.html",
        "last": "ket-qua-so-3.html",
        "up": "ket-qua.html",
    }
    assert _links(first) == {
        "next": "ket-qua-so-2.html",
        "last": "ket-qua-so-3.html",
        "up": "ket-qua.html",
    }
    assert _links(last) == {
        "first": "ket-qua-so.html",
        "prev": "ket-qua-so-2.html",
        "up": "ket-qua.html",
    }
    assert "Trang 2/3 · hạng 11–20" in middle
    summary = _read(folder, "ket-qua.html")
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', summary)
    assert links == [
        (f"ket-qua-{b}{s}.html", f"hạng {r}")
        for b in ("so", "huyen")
        for s, r in (("", "1–10"), ("-2", "11–20"), ("-3", "21–30"))
    ]
    blocks = summary.split("<tbody>", maxsplit=1)[1].split("</tbody>", maxsplit=1)[0]
    assert blocks.count("<tr>") == 2  # one row per block
    mtimes = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert mtimes["ket-qua.html"] == max(mtimes.values())


def test_whole_block_charts_are_on_its_first_page_only(split: dict[str, Any]) -> None:
    """The distribution (over the block's 30 agencies, not a page's 10), narrative, method
    and tier summary are on the first page of a block; later pages carry none of them."""
    folder: Path = split["folder"]
    first, *later = (_read(folder, f"ket-qua-so{s}.html") for s in ("", "-2", "-3"))
    for section in ('id="bieu-do"', 'id="nhan-xet"', 'id="phuong-phap"', 'class="summary"'):
        assert section in first
        assert not any(section in page for page in later)
    distribution = first.split('id="bieu-do"')[1].split("</table>")[0]
    assert re.search(r'<th scope="row">[^<]+</th><td class="num">30</td>', distribution)
    assert all('id="chi-tiet"' in page and 'id="kiem-tra"' in page for page in later)


def test_each_page_lists_its_agencies_diagnostics(tmp_path: Path) -> None:
    """A diagnostic about an agency is on the page that shows the agency, and only there."""
    a = scored(24)
    ranked = a.ranking("so")
    picked = {
        ranked[0].agency_id: "first",
        ranked[7].agency_id: "second",
        ranked[11].agency_id: "third",
    }
    noisy = dataclasses.replace(
        a,
        diagnostics=tuple(
            udcntt.Diagnostic(
                code="W-DATA-SUSPICIOUS",
                message=f"unusual value of the {word} agency",
                severity=udcntt.Severity.WARNING,
                agency=agency,
            )
            for agency, word in picked.items()
        ),
    )
    _write(noisy, tmp_path, 5)
    pages = {s: _read(tmp_path, f"ket-qua-so{s}.html") for s in ("", "-2", "-3")}
    expected = {"": ["first"], "-2": ["second"], "-3": ["third"]}
    for suffix, page in pages.items():
        found = re.findall(r"unusual value of the (\w+) agency", page)
        assert found == expected[suffix]
    assert "unusual value" not in _read(tmp_path, "ket-qua-huyen.html")


def test_english_pages(tmp_path: Path) -> None:
    """The pager and the summary speak the report's language."""
    _write(scored(24), tmp_path, 5, lang="en")
    page = _read(tmp_path, "ket-qua-so-2.html")
    assert "Page 2 of 3 · ranks 6–10" in page
    assert ">Next ›</a>" in page and ">↑ Summary</a>" in page
    assert ">ranks 11–12</a>" in _read(tmp_path, "ket-qua.html")


def test_a_page_name_taken_by_another_block_is_not_reused() -> None:
    """Block ``a`` split over 2 pages takes ``kq-a-2``: a block whose id is ``a-2`` gets
    another name, so no file holds two pages."""
    a = scored(8)
    odd = dataclasses.replace(
        a,
        results=tuple(
            dataclasses.replace(r, block="a" if i < 6 else "a-2") for i, r in enumerate(a.results)
        ),
        block_labels={"a": "A", "a-2": "A-2"},
    )
    plan = _html_pages.plan_pages(odd, "/x/kq.html", limit=3)
    assert {b: [p.path.name for p in pages] for b, pages in plan.items()} == {
        "a": ["kq-a.html", "kq-a-2.html"],
        "a-2": ["kq-a-2-2.html"],
    }


@pytest.mark.browser
def test_follow_the_links_in_chromium(split: dict[str, Any], tmp_path: Path) -> None:
    """Open the summary in headless Chromium, follow its first link of block ``huyen`` and
    then each page's "next" link to the block's last page: every page loads from the links
    as rendered, with a clean console, and the last one shows ranks 21–30."""
    from browser import chromium_or_skip, console_lines, dom

    chromium = chromium_or_skip()
    folder: Path = split["folder"]
    parsed, stderr = dom(chromium, tmp_path, folder / "ket-qua.html")
    assert not console_lines(stderr)
    hrefs = [a["href"] for t, a in parsed.tags if t == "a" and a.get("href")]
    page = folder / str(next(h for h in hrefs if "huyen" in str(h)))
    seen = []
    while True:
        parsed, stderr = dom(chromium, tmp_path, page)
        assert not console_lines(stderr), console_lines(stderr)
        seen.append(page.name)
        title = "".join(parsed.text)
        nexts = [a["href"] for t, a in parsed.tags if t == "a" and a.get("rel") == "next"]
        if not nexts:
            break
        page = folder / str(nexts[0])
        assert page.exists()
    assert seen == ["ket-qua-huyen.html", "ket-qua-huyen-2.html", "ket-qua-huyen-3.html"]
    assert "Trang 3/3 · hạng 21–30" in title
    ups = [a["href"] for t, a in parsed.tags if t == "a" and a.get("rel") == "up"]
    assert ups and (folder / str(ups[0])).exists()


def _peak(n: int, folder: Path) -> int:
    assessment = scored(n)
    folder.mkdir()
    tracemalloc.start()
    try:
        _write(assessment, folder, 10)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_writers_memory_follows_a_page_not_the_report(tmp_path: Path) -> None:
    """Written 10 agencies a page, 240 agencies need little more memory than 60: each page is
    streamed to its file and dropped (before, each block was one string, about 150 KB of
    memory per agency of the block: 180 more agencies cost 27 MB)."""
    _peak(20, tmp_path / "warm")  # the template compiled, the catalogues loaded
    small = _peak(60, tmp_path / "small")
    large = _peak(240, tmp_path / "large")
    per_agency = (large - small) / 180
    print(f"peak {small} B at 60 agencies, {large} B at 240: {per_agency:.0f} B per agency")
    assert per_agency < 8_000, (small, large)
    assert large < 2 * small, (small, large)


def test_the_work_per_agency_is_constant_however_many_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What reads a whole block (the mean group shares, the strengths' scale, the tier
    counts) is worked out once per block, not once per page: at 4× the agencies (4× the
    pages), 4× the group shares are read and the tiers counted as often."""
    from udcntt.report._tables import BlockView

    calls = {"share": 0, "tiers": 0}
    share, tiers = _html_rows.group_share, BlockView.tier_counts

    def counting_share(*args: Any) -> Any:
        calls["share"] += 1
        return share(*args)

    def counting_tiers(*args: Any) -> Any:
        calls["tiers"] += 1
        return tiers(*args)

    monkeypatch.setattr(_html_rows, "group_share", counting_share)
    monkeypatch.setattr(BlockView, "tier_counts", counting_tiers)
    counts = []
    for n in (60, 240):
        calls.update(share=0, tiers=0)
        (tmp_path / str(n)).mkdir()
        _write(scored(n), tmp_path / str(n), 10)
        counts.append(dict(calls))
    assert counts[0]["share"] > 0
    assert counts[1]["share"] <= 4.2 * counts[0]["share"], counts
    assert counts[1]["tiers"] == counts[0]["tiers"], counts
