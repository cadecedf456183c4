"""The HTML report rendered in headless Chromium: what a reader sees, and a clean console.

Screenshots are saved under tests/artifacts/ (git-ignored) for a person to look at.
Chromium is Debian's package (``apt-get install -y chromium``, done by ``.ci/run``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import udcntt
from browser import (
    Elements,
    chromium_or_skip,
    console_lines,
    dom,
    framed,
    print_pdf,
    probe,
    run,
)
from rendered import page_count, page_png, page_texts

pytest.importorskip("jinja2")

from udcntt.report import write_report

pytestmark = pytest.mark.browser

INJECTED = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_or_skip()


def _classes(parsed: Elements, tag: str) -> list[str]:
    return [a.get("class") or "" for t, a in parsed.tags if t == tag]


def test_console_errors_are_detected(chromium: str, tmp_path: Path) -> None:
    """The console check is not vacuous: a page that throws is caught."""
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><title>x</title><script>throw new Error('boom')</script>", encoding="utf-8"
    )
    _, stderr = dom(chromium, tmp_path, page)
    assert any("boom" in line for line in console_lines(stderr))


def test_lam_dong_page(
    chromium: str, lam_dong: udcntt.Assessment, tmp_path: Path, artifacts: Path
) -> None:
    """Tables and charts are in the rendered page, the console is clean; screenshot saved."""
    page = artifacts / "report-lam-dong-2017.html"
    write_report(lam_dong, page)
    parsed, stderr = dom(chromium, tmp_path, page, "--window-size=1366,2000")
    assert console_lines(stderr) == []
    tables = _classes(parsed, "table")
    assert tables.count("ranking") == 3
    assert tables.count("profile") == 3
    assert "figures" in tables
    charts = [c for c in _classes(parsed, "svg") if c.startswith("chart ")]
    assert len(charts) >= 4 + 43
    assert _classes(parsed, "svg").count("mini") > 100
    bars = [a for t, a in parsed.tags if t == "rect" and a.get("fill", "").startswith("#")]
    assert len(bars) > 43
    text = " ".join(parsed.text)
    assert "Khối các sở, ban, ngành" in text
    assert "Sở Công Thương tăng 4 bậc" in text

    shot = artifacts / "report-lam-dong-2017.png"
    shot.unlink(missing_ok=True)
    done = run(chromium, tmp_path, page.as_uri(), f"--screenshot={shot}", "--window-size=1366,2000")
    assert done.returncode == 0, done.stderr[-2000:]
    assert console_lines(done.stderr) == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000  # a rendered page, not a blank one


# Measured in the page at 390 px: the page's width, every ranking table's key cells
# (agency, total, tier, rank) and scroll box, and every chart.
_PHONE_PROBE = """JSON.stringify({
  view: window.innerWidth,
  page: document.documentElement.scrollWidth,
  cells: Array.from(document.querySelectorAll('table.ranking:not(.views) tbody tr')).map(
    function (tr) {
      return Array.from(tr.children)
        .filter(function (td) { return getComputedStyle(td).display !== 'none'; })
        .map(function (td) {
          var r = td.getBoundingClientRect(); return [r.left, r.right, td.textContent.trim()];
        });
    }),
  boxes: Array.from(document.querySelectorAll('table.ranking:not(.views)')).map(
    function (t) { return [t.parentElement.scrollWidth, t.parentElement.clientWidth]; }),
  charts: Array.from(document.querySelectorAll('svg.chart')).filter(
    function (c) { return c.getBoundingClientRect().width > 0; }).map(
    function (c) { var r = c.getBoundingClientRect(); return [r.left, r.right]; })
})"""


def test_phone_keeps_the_key_columns_on_screen(
    chromium: str, lam_dong: udcntt.Assessment, tmp_path: Path, artifacts: Path
) -> None:
    """At 390 px nothing scrolls sideways: the page, the ranking tables (agency, total,
    tier and rank inside the screen) and every chart; screenshot saved."""
    page = artifacts / "report-lam-dong-2017.html"
    write_report(lam_dong, page)
    value, stderr = probe(chromium, tmp_path, page, _PHONE_PROBE, width=390)
    assert console_lines(stderr) == []
    found = json.loads(value)
    view = found["view"]
    assert view == 390
    assert found["page"] <= view
    assert len(found["cells"]) == 43
    for row in found["cells"]:
        # Agency, total, tier, rank and the rank change are what a phone shows.
        assert len(row) == 5, row
        for left, right, text in row:
            assert left >= 0 and right <= view, (text, left, right, view)
    assert len(found["boxes"]) == 3
    for scroll_width, client_width in found["boxes"]:
        assert scroll_width <= client_width
    assert len(found["charts"]) >= 3 + 1 + 4 + 3 + 4
    for left, right in found["charts"]:
        assert left >= 0 and right <= view
    shot = artifacts / "report-lam-dong-2017-phone.png"
    shot.unlink(missing_ok=True)
    phone = framed(page, 390)
    done = run(chromium, tmp_path, phone.as_uri(), f"--screenshot={shot}", "--window-size=390,3000")
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.stat().st_size > 50_000


def test_laptop_width_shows_the_whole_ranking(
    chromium: str, lam_dong: udcntt.Assessment, tmp_path: Path, artifacts: Path
) -> None:
    """At 1366 px every ranking table, last year's columns included, fits without scrolling."""
    page = artifacts / "report-lam-dong-2017.html"
    write_report(lam_dong, page)
    script = (
        "JSON.stringify(Array.from(document.querySelectorAll('table.ranking')).map("
        "function (t) { return [t.parentElement.scrollWidth, t.parentElement.clientWidth]; }))"
    )
    value, stderr = probe(chromium, tmp_path, page, script, width=1366)
    assert console_lines(stderr) == []
    boxes = json.loads(value)
    assert len(boxes) == 3
    for scroll_width, client_width in boxes:
        assert scroll_width <= client_width


def _headings(html: str) -> list[str]:
    """The texts of the page's h1–h3 headings, on one line each."""
    found = re.findall(r"<h([123])[^>]*>(.*?)</h\1>", html, re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", "", text).split()) for _, text in found]


_PAGE_NUMBER = re.compile(r"^\d+ / \d+$")


def headings_ending_pages(pages: list[str], headings: list[str]) -> list[tuple[int, str]]:
    """``(page, line)`` for each page whose last line of text (the page number aside) is a
    heading or the end of one that wrapped."""
    out = []
    for number, text in enumerate(pages, start=1):
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        lines = [line for line in lines if not _PAGE_NUMBER.match(line)]
        if not lines:
            continue
        last = lines[-1]
        if any(last == h or (len(last) >= 10 and h.endswith(last)) for h in headings):
            out.append((number, last))
    return out


def test_heading_check_is_not_vacuous() -> None:
    """The PDF check finds a heading left at the foot of a page, wrapped or not."""
    headings = ["Bảng xếp hạng", "Khối UBND các huyện, thành phố"]
    pages = [
        "text\nBảng xếp hạng\n   3 / 9\n",
        "more text\n  các huyện, thành phố\n",
        "Khối UBND các huyện, thành phố\n1. UBND thành phố Đà Lạt\n",
    ]
    assert headings_ending_pages(pages, headings) == [
        (1, "Bảng xếp hạng"),
        (2, "các huyện, thành phố"),
    ]


def test_a4_pdf_keeps_headings_with_their_content(
    chromium: str, lam_dong: udcntt.Assessment, tmp_path: Path, artifacts: Path
) -> None:
    """Printed to A4: numbered pages, no heading alone at the foot of a page, and the
    charts are in the PDF; the first pages are saved as images for a person to look at."""
    page = artifacts / "report-lam-dong-2017.html"
    write_report(lam_dong, page)
    pdf = artifacts / "report-lam-dong-2017.pdf"
    done = print_pdf(chromium, tmp_path, page, pdf)
    assert done.returncode == 0, done.stderr[-2000:]
    assert console_lines(done.stderr) == []
    count = page_count(pdf)
    # At full size (nothing wider than the page, so Chromium does not shrink it to fit).
    assert 20 <= count <= 120
    pages = page_texts(pdf)
    assert len(pages) == count
    for number, text in enumerate(pages, start=1):
        assert f"{number} / {count}" in text, number
    headings = _headings(page.read_text(encoding="utf-8"))
    assert "Khối UBND các huyện, thành phố" in headings
    assert headings_ending_pages(pages, headings) == []
    everything = "\n".join(pages)
    assert "Tốt ≥ 80%" in everything
    assert "Phân bố tổng điểm theo khối" in everything
    assert page_png(pdf, 1).stat().st_size > 10_000


def test_injected_name_is_text_in_the_browser(
    chromium: str, small: udcntt.Assessment, tmp_path: Path, artifacts: Path
) -> None:
    """After parsing, the hostile name is text content and no link points to it."""
    page = tmp_path / "small.html"
    write_report(small, page)
    parsed, stderr = dom(chromium, tmp_path, page)
    assert console_lines(stderr) == []
    text = "".join(parsed.text)
    assert text.count(INJECTED) >= 5
    hrefs = [a.get("href") or "" for t, a in parsed.tags if t == "a"]
    assert all(h.startswith("#") for h in hrefs)
    shot = artifacts / "report-small.png"
    shot.unlink(missing_ok=True)
    run(chromium, tmp_path, page.as_uri(), f"--screenshot={shot}", "--window-size=1280,2000")
    assert shot.is_file()
