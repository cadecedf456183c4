"""``udcntt serve``: the demo starts on SQLite with printed logins; the core never imports
the server."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from server_helpers import login

from udcntt.cli import main


def test_serve_demo_prints_logins_that_work(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``udcntt serve --demo``: SQLite in a temporary folder, the Lâm Đồng 2025 example,
    five logins printed; each logs in, the agency users see their agency's form."""
    import uvicorn

    started: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    assert main(["--lang", "en", "serve", "--demo", "--port", "8123"]) == 0
    out = capsys.readouterr().out
    assert started["port"] == 8123 and started["host"] == "127.0.0.1"
    logins = dict(line.strip().split(": ", 1) for line in out.splitlines() if " / " in line)
    assert set(logins) == {
        "admin",
        "agency (van_phong_ubnd)",
        "agency (so_noi_vu)",
        "reviewer",
        "council",
    }
    app = started["app"]
    for role, pair in logins.items():
        username, password = pair.split(" / ")
        client = login(app, username, password)
        home = client.get("/").text
        if role.startswith("agency"):
            assert "/form" in home
    # The other agencies' example values are already submitted (publication is tested on
    # the cycle's own campaign).
    admin = login(app, *logins["admin"].split(" / "))
    page = admin.get("/campaigns/1").text
    assert page.count(">submitted<") > 100
    assert page.count(">not started<") == 2


def test_serve_needs_a_database(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UDCNTT_DATABASE_URL", raising=False)
    assert main(["--lang", "en", "serve"]) == 2
    assert "--demo" in capsys.readouterr().err


def test_the_core_and_help_never_import_the_server() -> None:
    """``import udcntt``, scoring and ``udcntt --help`` load neither the server nor its libraries."""
    code = (
        "import sys, udcntt, udcntt.cli, udcntt.evaluation, udcntt.report\n"
        "from udcntt.cli._main import build_parser\n"
        "build_parser().format_help()\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'starlette', 'uvicorn', 'alembic') or m.startswith('udcntt.server')]\n"
        "print(bad)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
