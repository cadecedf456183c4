"""Headless Chromium for the browser tests: one way to open a page, read its DOM and its
console, shared by the report, analysis and lineage browser tests.

Chromium is Debian's package (``apt-get install -y chromium``, done by ``.ci/run``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
    # The page must not need the network: any attempt fails and shows in the console.
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
# Lines Chromium writes for the page's console and uncaught errors.
CONSOLE = re.compile(r"CONSOLE|Uncaught|Failed to load resource", re.IGNORECASE)


def chromium_or_skip() -> str:
    """The Chromium executable, or skip the test saying how to install it."""
    if CHROMIUM is None:
        pytest.skip(
            "headless Chromium is not installed (Debian: apt-get install -y chromium); "
            "the page was not rendered"
        )
    return CHROMIUM


def run(chromium: str, tmp: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Open ``url`` in a fresh profile under ``tmp`` with Chromium's ``args``."""
    profile = tmp / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", *args, url],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def console_lines(stderr: str) -> list[str]:
    """The page's console messages and uncaught errors among Chromium's log lines."""
    return [line for line in stderr.splitlines() if CONSOLE.search(line)]


class Elements(HTMLParser):
    """The tags (with attributes) and texts of a rendered DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def dom(chromium: str, tmp: Path, page: Path, *args: str) -> tuple[Elements, str]:
    """The rendered DOM of ``page`` (after scripts ran) and Chromium's log."""
    done = run(chromium, tmp, page.as_uri(), "--dump-dom", *args)
    assert done.returncode == 0, done.stderr[-2000:]
    parsed = Elements()
    parsed.feed(done.stdout)
    return parsed, done.stderr


def framed(page: Path, width: int, height: int = 3000) -> Path:
    """A page next to ``page`` that shows it in a frame ``width`` pixels wide.

    Headless Chromium lays a page out at least 500 px wide whatever ``--window-size`` says
    (a 390 px screenshot is the left part of a 500 px layout); a frame has the exact width,
    so the page's own media queries see a phone. A screenshot of the frame page at
    ``--window-size={width},…`` is the phone's view.
    """
    frame = page.with_name(f"{page.stem}-{width}px.html")
    frame.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>frame</title></head>'
        '<body style="margin:0">'
        "<script>window.addEventListener('message', function (e) {"
        " document.body.setAttribute('data-probe', e.data); });</script>"
        f'<iframe src="{page.name}" title="page" style="display:block;border:0;'
        f'width:{width}px;height:{height}px"></iframe></body></html>',
        encoding="utf-8",
    )
    return frame


def probe(
    chromium: str, tmp: Path, page: Path, script: str, *args: str, width: int | None = None
) -> tuple[str, str]:
    """Run ``script`` (a JavaScript expression giving a string) in ``page`` after it loaded,
    on a copy of the page under ``tmp``, in a frame ``width`` px wide when given (see
    :func:`framed`); returns the string and Chromium's log.

    The value comes back through the dumped DOM (an attribute of ``<body>``), so no
    DevTools connection is needed.
    """
    copy = tmp / f"probe-{page.name}"
    hook = (
        "<script>window.addEventListener('load', function () {"
        f" var value = String({script});"
        " if (window.parent !== window) { window.parent.postMessage(value, '*'); }"
        " else { document.body.setAttribute('data-probe', value); } });</script>"
    )
    copy.write_text(
        page.read_text(encoding="utf-8").replace("</body>", hook + "</body>"), encoding="utf-8"
    )
    target = copy if width is None else framed(copy, width)
    parsed, stderr = dom(chromium, tmp, target, "--virtual-time-budget=5000", *args)
    body = next((a for t, a in parsed.tags if t == "body"), {})
    value = body.get("data-probe")
    assert value is not None, "the probe did not run: " + stderr[-1000:]
    return value, stderr


def print_pdf(chromium: str, tmp: Path, page: Path, pdf: Path) -> subprocess.CompletedProcess[str]:
    """Print ``page`` to ``pdf`` as a reader's browser does (the page's own @page size and
    margins), without Chromium's date/URL header and footer."""
    pdf.unlink(missing_ok=True)
    return run(chromium, tmp, page.as_uri(), f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
