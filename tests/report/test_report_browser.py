"""The HTML report rendered in headless Chromium: what a reader sees, and a clean console.

Screenshots are saved under tests/artifacts/ (git-ignored) for a person to look at.
Chromium is Debian's package (``apt-get install -y chromium``, done by ``.ci/run``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import udcntt
from browser import Elements, chromium_or_skip, console_lines, dom, run

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
    parsed, stderr = dom(chromium, tmp_path, page, "--window-size=1280,2000")
    assert console_lines(stderr) == []
    tables = _classes(parsed, "table")
    assert tables.count("ranking") == 3
    assert tables.count("profile") == 3
    assert "figures" in tables
    charts = _classes(parsed, "svg")
    assert charts.count("chart") >= 4
    assert charts.count("mini") > 100
    bars = [a for t, a in parsed.tags if t == "rect" and a.get("fill", "").startswith("#")]
    assert len(bars) > 43
    text = " ".join(parsed.text)
    assert "Khối các sở, ban, ngành" in text
    assert "Sở Công Thương tăng 4 bậc" in text

    shot = artifacts / "report-lam-dong-2017.png"
    shot.unlink(missing_ok=True)
    done = run(chromium, tmp_path, page.as_uri(), f"--screenshot={shot}", "--window-size=1280,2000")
    assert done.returncode == 0, done.stderr[-2000:]
    assert console_lines(done.stderr) == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000  # a rendered page, not a blank one


def test_phone_width_has_no_page_overflow(
    chromium: str, lam_dong: udcntt.Assessment, tmp_path: Path, artifacts: Path
) -> None:
    """At 390 px the page itself does not scroll sideways (wide tables scroll in place)."""
    page = tmp_path / "phone.html"
    write_report(lam_dong, page)
    probe = (
        "<script>window.addEventListener('load', function () {"
        " document.body.setAttribute('data-page-width', document.documentElement.scrollWidth);"
        " document.body.setAttribute('data-view-width', window.innerWidth); });</script>"
    )
    page.write_text(
        page.read_text(encoding="utf-8").replace("</body>", probe + "</body>"), encoding="utf-8"
    )
    parsed, stderr = dom(chromium, tmp_path, page, "--window-size=390,1400")
    assert console_lines(stderr) == []
    body = next(a for t, a in parsed.tags if t == "body")
    assert body.get("data-page-width") is not None
    assert int(body["data-page-width"] or 0) <= int(body["data-view-width"] or 0)
    shot = artifacts / "report-lam-dong-2017-phone.png"
    shot.unlink(missing_ok=True)
    run(chromium, tmp_path, page.as_uri(), f"--screenshot={shot}", "--window-size=390,1400")
    assert shot.is_file()


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
