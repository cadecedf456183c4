"""The agency form's live preview (htmx): the score and gap of the form as typed, read with
the same parser as a save, with field errors at their fields; nothing is saved; the CSRF
token travels in a header; another agency's preview is 404; htmx itself is served from the
application's own origin under a Content-Security-Policy that allows only its scripts."""

from __future__ import annotations

import re

from server_helpers import (
    AGENCIES,
    REGISTRY,
    RULES,
    SURVEY,
    Client,
    Cycle,
    evidence_fields_of,
    fields_of,
    form_data,
    login,
    version_of,
)
from sqlalchemy import func, select

import udcntt
from udcntt.server import Database
from udcntt.server._models import AuditEntry, ValueRow

INDICATOR = "staff_trained_year"
_TOTAL = re.compile(r'id="live-total">([^<]+)<')


def _example(code: str) -> udcntt.AgencyRecord:
    rules = udcntt.load_rules(RULES)
    data = udcntt.read_survey(SURVEY, rules, registry=udcntt.read_registry(REGISTRY), year=2018)
    return data.by_id()[code]


def _rows(cycle: Cycle) -> tuple[int, int]:
    db = Database(cycle.url)
    with db.reader() as s:
        audit = s.scalar(select(func.count()).select_from(AuditEntry))
        values = s.scalar(select(func.count()).select_from(ValueRow))
    db.dispose()
    return int(audit or 0), int(values or 0)


def _preview(client: Client, url: str, data: dict[str, str], *, live: bool = False) -> object:
    """POST the form to the preview as htmx does: the token in the header, not in the form."""
    return client.http.post(
        url.removesuffix("/form") + "/preview" + ("?live=1" if live else ""),
        data=data,
        headers={"X-CSRF-Token": client.token, "HX-Request": "true"},
    )


def _form(cycle: Cycle, user: str, code: str) -> tuple[Client, dict[str, str]]:
    client = login(cycle.app, user)
    page = client.get(cycle.form_url(code))
    assert page.status_code == 200
    data = form_data(_example(code), fields_of(page.text), evidence_fields_of(page.text))
    data["version"] = version_of(page.text)
    return client, data


def test_the_preview_scores_the_typed_values_and_saves_nothing(cycle: Cycle) -> None:
    client, data = _form(cycle, "stc", AGENCIES[0])
    before = _rows(cycle)
    first = _preview(client, cycle.form_url(AGENCIES[0]), data)
    assert first.status_code == 200, first.text[:1000]
    assert first.text.lstrip().startswith('<section id="score"')  # a fragment, not a page
    assert "<html" not in first.text
    total = _TOTAL.search(first.text)
    assert total is not None, first.text[:1000]
    changed = _preview(client, cycle.form_url(AGENCIES[0]), data | {f"v_{INDICATOR}": "0"})
    other = _TOTAL.search(changed.text)
    assert other is not None and other.group(1) != total.group(1)
    assert _rows(cycle) == before  # no value, no audit entry
    # The preview's score is the score the save gives (the same parser, the same scoring).
    saved = client.post(cycle.form_url(AGENCIES[0]), data | {"action": "save"})
    assert saved.status_code == 200
    after = _TOTAL.search(saved.text)
    assert after is not None and after.group(1) == total.group(1)


def test_a_bad_value_is_shown_at_its_field_when_left_not_while_typing(cycle: Cycle) -> None:
    client, data = _form(cycle, "tttt", AGENCIES[1])
    before = _rows(cycle)
    bad = data | {f"v_{INDICATOR}": "mười hai"}
    left = _preview(client, cycle.form_url(AGENCIES[1]), bad)
    assert left.status_code == 200
    slot = re.search(
        rf'<div id="slot-{INDICATOR}" hx-swap-oob="true"><p class="error" id="err-{INDICATOR}">'
        r"([^<]+)</p></div>",
        left.text,
    )
    assert slot is not None, left.text[:3000]
    assert "không phải là số" in slot.group(1)  # the parser's message, in Vietnamese
    # Every other field's slot comes back empty, so a fixed error goes away.
    assert re.search(r'<div id="slot-[a-z0-9_]+" hx-swap-oob="true"></div>', left.text)
    typing = _preview(client, cycle.form_url(AGENCIES[1]), bad, live=True)
    assert typing.status_code == 200
    assert "hx-swap-oob" not in typing.text and 'id="score"' in typing.text
    assert _rows(cycle) == before


def test_the_preview_needs_the_csrf_token(cycle: Cycle) -> None:
    client, data = _form(cycle, "stc", AGENCIES[0])
    url = f"/campaigns/{cycle.campaign}/agencies/{cycle.agency_ids[AGENCIES[0]]}/preview"
    missing = client.http.post(url, data=data)
    assert missing.status_code == 403
    forged = client.http.post(url, data=data, headers={"X-CSRF-Token": "forged" + client.token})
    assert forged.status_code == 403
    assert _preview(client, cycle.form_url(AGENCIES[0]), data).status_code == 200


def test_another_agencys_preview_is_not_found(cycle: Cycle) -> None:
    client, data = _form(cycle, "stc", AGENCIES[0])
    response = _preview(client, cycle.form_url(AGENCIES[1]), data)
    assert response.status_code == 404
    assert "live-total" not in response.text
    reviewer = login(cycle.app, "reviewer")
    assert _preview(reviewer, cycle.form_url(AGENCIES[0]), data).status_code == 403
    anonymous = Client(client.http.__class__(cycle.app))
    anonymous.get("/login")
    refused = anonymous.http.post(
        cycle.form_url(AGENCIES[0]).removesuffix("/form") + "/preview",
        data=data,
        headers={"X-CSRF-Token": anonymous.token},
        follow_redirects=False,
    )
    assert refused.status_code == 303 and refused.headers["location"] == "/login"


def test_htmx_is_served_from_the_own_origin_under_the_csp(cycle: Cycle) -> None:
    client = login(cycle.app, "stc")
    page = client.get(cycle.form_url(AGENCIES[0]))
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page.text)
    assert scripts == ["/static/htmx.min.js"]
    assert "<script>" not in page.text  # no inline script: the CSP would refuse it
    csp = page.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert 'hx-post="' in page.text and re.search(r'action="[^"]+/form"', page.text)
    script = client.get("/static/htmx.min.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "htmx 2.0.11" in script.text[:300] and "0BSD" in script.text[:600]
    assert client.get("/static/../_app.py").status_code == 404
    assert client.get("/static/other.js").status_code == 404


def test_a_wheel_carries_htmx_and_the_templates() -> None:
    """Every file under server/static and server/templates is package data (a wheel install
    serves htmx from the application, not from a CDN)."""
    import tomllib
    from fnmatch import fnmatch

    from server_helpers import ROOT

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["udcntt"]
    package = ROOT / "src" / "udcntt"
    files = [
        p.relative_to(package).as_posix()
        for folder in ("server/static", "server/templates")
        for p in (package / folder).iterdir()
        if p.is_file()
    ]
    assert "server/static/htmx.min.js" in files
    assert [f for f in files if not any(fnmatch(f, pat) for pat in patterns)] == []
