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
