"""Fixtures of the server tests: one application per database and module.

SQLite always; PostgreSQL as well when ``UDCNTT_TEST_POSTGRES_URL`` names a database the
tests may empty (``.ci/run`` starts Debian's PostgreSQL and sets it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the server extra is not installed")

from server_helpers import PASSWORD, REGISTRY, RULES, login

POSTGRES = os.environ.get("UDCNTT_TEST_POSTGRES_URL")
DATABASES = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not POSTGRES,
            reason="PostgreSQL not configured: set UDCNTT_TEST_POSTGRES_URL "
            "(.ci/run starts Debian's PostgreSQL and sets it)",
        ),
    ),
]
AGENCIES = ("so_tai_chinh", "so_thong_tin_truyen_thong")


def empty_postgres(url: str) -> None:
    """Drop everything in the test database's public schema."""
    from sqlalchemy import text

    from udcntt.server import Database

    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    db.dispose()


def database_url(kind: str, folder: Path) -> str:
    """A fresh database of ``kind``."""
    if kind == "postgresql":
        assert POSTGRES is not None
        empty_postgres(POSTGRES)
        return POSTGRES
    return f"sqlite:///{folder / 'cycle.db'}"


@dataclass
class Cycle:
    """An application with its users and one open campaign of the Lâm Đồng 2018 example."""

    app: Any
    url: str
    data_dir: Path
    campaign: int
    agency_ids: dict[str, int]

    def form_url(self, code: str) -> str:
        return f"/campaigns/{self.campaign}/agencies/{self.agency_ids[code]}/form"

    def agency_url(self, code: str) -> str:
        return f"/campaigns/{self.campaign}/agencies/{self.agency_ids[code]}"


def make_cycle(kind: str, folder: Path, **options: Any) -> Cycle:
    """Create users, open a campaign through the administrator's page."""
    from sqlalchemy import select

    from udcntt.server import Database, add_user, create_app
    from udcntt.server._models import Agency

    url = database_url(kind, folder)
    app = create_app(url, data_dir=folder / "evidence", secret_key="test-secret", **options)
    db = Database(url)
    add_user(db, "admin", PASSWORD, role="admin")
    add_user(db, "stc", PASSWORD, role="agency", agencies=[AGENCIES[0]])
    add_user(db, "tttt", PASSWORD, role="agency", agencies=[AGENCIES[1]])
    add_user(db, "reviewer", PASSWORD, role="reviewer")
    add_user(db, "council", PASSWORD, role="council")
    admin = login(app, "admin")
    files = {
        "rules": (RULES.name, RULES.read_bytes(), "application/yaml"),
        "registry": (REGISTRY.name, REGISTRY.read_bytes(), "application/yaml"),
    }
    response = admin.post("/admin/campaigns", {"year": "2018", "title": "Năm 2018"}, files=files)
    assert response.status_code == 200, response.text[:2000]
    campaign = int(str(response.url).rstrip("/").split("/")[-1])
    with db.reader() as s:
        ids = {
            a.code: a.id for a in s.scalars(select(Agency).where(Agency.campaign_id == campaign))
        }
    db.dispose()
    return Cycle(app, url, folder / "evidence", campaign, ids)


@pytest.fixture(scope="module", params=DATABASES)
def cycle(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Cycle:
    """One application per database for the module's tests (they use distinct agencies)."""
    made = make_cycle(request.param, tmp_path_factory.mktemp(f"server-{request.param}"))
    yield made
    made.app.state.udcntt.db.dispose()
