"""Helpers of the server tests: a logged-in client, the example's files, form values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

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
