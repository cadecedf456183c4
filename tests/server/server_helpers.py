"""Helpers of the server tests: a logged-in client, the example's files, form values."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from udcntt.data import NA, AgencyRecord

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules" / "lam-dong-2018.yaml"
REGISTRY = ROOT / "examples" / "lam-dong-2018" / "agencies.yaml"
SURVEY = ROOT / "examples" / "lam-dong-2018" / "survey-2018.csv"
PASSWORD = "mat-khau-thu-nghiem-2018"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')


def csrf_of(html: str) -> str:
    """The CSRF token in a page."""
    found = _CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def version_of(html: str) -> str:
    """The submission version a form carries."""
    found = _VERSION.search(html)
    assert found, "no version in the form"
    return found.group(1)


@dataclass
class Client:
    """A browser-like client: cookies kept, the CSRF token added to every POST."""

    http: TestClient
    token: str = ""

    def get(self, url: str, **kw: Any) -> Any:
        response = self.http.get(url, **kw)
        found = (
            _CSRF.search(response.text)
            if "text/html" in response.headers.get("content-type", "")
            else None
        )
        if found:
            self.token = found.group(1)
        return response

    def post(
        self, url: str, data: dict[str, Any] | None = None, *, csrf: str | None = None, **kw: Any
    ) -> Any:
        if not self.token:
            self.get("/")
        payload = {"csrf": self.token if csrf is None else csrf, **(data or {})}
        response = self.http.post(url, data=payload, **kw)
        found = _CSRF.search(response.text)
        if found:
            self.token = found.group(1)
        return response


def login(
    app: Any, username: str, password: str = PASSWORD, *, address: str = "testclient"
) -> Client:
    """A client logged in as ``username``."""
    client = Client(TestClient(app, client=(address, 50000)))
    client.get("/login")
    response = client.post("/login", {"username": username, "password": password})
    assert response.status_code == 200, response.text[:500]
    client.get("/")
    return client


def form_text(value: Any) -> str:
    """A typed value as a Vietnamese user types it in the form."""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


@dataclass
class Filled:
    """A form's fields for one agency's example values."""

    data: dict[str, str] = field(default_factory=dict)


def form_data(record: AgencyRecord, fields: list[str], evidence: list[str]) -> dict[str, str]:
    """The form fields of ``record``'s values (only ``fields``), with evidence for ``evidence``."""
    data: dict[str, str] = {}
    for ind in fields:
        value = record.values.get(ind)
        if value is None:
            continue
        if value is NA:
            data[f"na_{ind}"] = "1"
        else:
            data[f"v_{ind}"] = form_text(value)
    for ind in evidence:
        data[f"e_{ind}_number"] = "11/QĐ-STC"
        data[f"e_{ind}_title"] = f"Văn bản minh chứng cho {ind}"
        data[f"e_{ind}_date"] = "12/03/2018"
    return data


def fields_of(html: str) -> list[str]:
    """The indicator ids of a form page, in order."""
    return re.findall(r'name="v_([a-z0-9_]+)"', html)


def evidence_fields_of(html: str) -> list[str]:
    """The indicators whose evidence is required (marked * in the form)."""
    return re.findall(
        r'<fieldset id="f-([a-z0-9_]+)">(?:(?!</fieldset>).)*<strong>[^<]*\*</strong>', html, re.S
    )


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
