"""The yearly cycle through the server's pages, for every role, on SQLite and PostgreSQL:
open a campaign, two agencies fill in and submit, a reviewer returns one, a council member
appraises a value, the administrator closes and publishes; the public results equal
``udcntt.evaluate`` on the same values."""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal

import pytest
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
from starlette.testclient import TestClient

import udcntt
from udcntt.server import Database
from udcntt.server._models import AuditEntry, Campaign


def _example(code: str) -> udcntt.AgencyRecord:
    rules = udcntt.load_rules(RULES)
    data = udcntt.read_survey(SURVEY, rules, registry=udcntt.read_registry(REGISTRY), year=2018)
    return data.by_id()[code]


def _fill(
    cycle: Cycle, user: str, code: str, *, submit: bool, evidence: bool = True
) -> tuple[object, object]:
    client = login(cycle.app, user)
    page = client.get(cycle.form_url(code))
    assert page.status_code == 200
    fields = fields_of(page.text)
    documents = evidence_fields_of(page.text) if evidence else []
    data = form_data(_example(code), fields, documents)
    data |= {"version": version_of(page.text), "action": "submit" if submit else "save"}
    return client, client.post(cycle.form_url(code), data)


def _count(cycle: Cycle, model: type) -> int:
    db = Database(cycle.url)
    with db.reader() as s:
        n = s.scalar(select(func.count()).select_from(model))
    db.dispose()
    return int(n or 0)


def test_a_broken_rule_file_shows_located_diagnostics_and_opens_nothing(cycle: Cycle) -> None:
    """The page shows the diagnostics of ``udcntt check`` with file and line; no campaign is added."""
    admin = login(cycle.app, "admin")
    before = _count(cycle, Campaign)
    broken = RULES.read_text(encoding="utf-8").replace(
        "capped_ratio(staff_with_pc, staff_total)", "capped_ratio(staf_with_pc, staff_total)", 1
    )
    assert broken != RULES.read_text(encoding="utf-8")
    files = {
        "rules": ("bo-tieu-chi.yaml", broken.encode(), "application/yaml"),
        "registry": (REGISTRY.name, REGISTRY.read_bytes(), "application/yaml"),
    }
    response = admin.post("/admin/campaigns", {"year": "2019"}, files=files)
    assert response.status_code == 422
    diagnostics = re.search(r'<div class="diag" id="diagnostics">(.*?)</div>', response.text, re.S)
    assert diagnostics is not None
    assert re.search(r"bo-tieu-chi\.yaml:\d+:\d+: (lỗi|error)\[E-EXPR-NAME\]", diagnostics.group(1))
    assert "staff_with_pc" in diagnostics.group(1)  # the did-you-mean hint
    assert _count(cycle, Campaign) == before


def test_a_rule_file_that_extends_another_is_refused(cycle: Cycle) -> None:
    """An uploaded rule file must be self-contained: ``extends`` could read the server's files."""
    admin = login(cycle.app, "admin")
    before = _count(cycle, Campaign)
    text = b"extends: /etc/passwd\n" + RULES.read_bytes()
    files = {
        "rules": ("r.yaml", text, "application/yaml"),
        "registry": (REGISTRY.name, REGISTRY.read_bytes(), "application/yaml"),
    }
    response = admin.post("/admin/campaigns", {"year": "2019"}, files=files)
    assert response.status_code == 422
    assert "E-SERVER-UPLOAD" in response.text
    assert _count(cycle, Campaign) == before


def test_the_form_is_generated_from_the_rule_file(cycle: Cycle) -> None:
    """Labels, units, ranges, N/A where allowed and evidence where required, from the rule file."""
    client = login(cycle.app, "stc")
    html = client.get(cycle.form_url(AGENCIES[0])).text
    rules = udcntt.load_rules(RULES)
    assert fields_of(html) == [
        i
        for i, ind in rules.indicators.items()
        if ind.blocks is None or "so_ban_nganh" in ind.blocks
    ]
    assert "Tổng số cán bộ, công chức, viên chức (người)" in html
    assert "từ 1 đến 10000" in html  # range of staff_total, in Vietnamese
    na = [i for i, ind in rules.indicators.items() if ind.not_applicable]
    assert na and all(f'name="na_{i}"' in html for i in na)
    required = [i for i, ind in rules.indicators.items() if ind.evidence.value == "required"]
    assert sorted(evidence_fields_of(html)) == sorted(required)


def test_the_whole_cycle(cycle: Cycle) -> None:
    """Draft, live score, submit (evidence required), return, resubmit, appraise, close,
    publish; the public ranks and tiers equal ``udcntt.evaluate`` on the same values."""
    first, second = AGENCIES
    rules = udcntt.load_rules(RULES)
    # A draft: saved, and the live score is the agency scored alone.
    client, response = _fill(cycle, "stc", first, submit=False, evidence=False)
    assert response.status_code == 200 and "?saved=1" in str(response.url)
    alone = udcntt.evaluate(
        rules,
        udcntt.Dataset.from_records(
            [{"id": first, "block": "so_ban_nganh", "values": dict(_example(first).values)}]
        ),
        on_error="skip",
    )
    shown = re.search(r'id="live-total">([^<]+)<', response.text)
    assert shown is not None and shown.group(1) == format(alone.results[0].total, "f").replace(
        ".", ","
    )
    # Submitting without the evidence the rule file requires is refused at the field.
    page = client.get(cycle.form_url(first))
    fields = fields_of(page.text)
    data = form_data(_example(first), fields, []) | {
        "version": version_of(page.text),
        "action": "submit",
    }
    refused = client.post(cycle.form_url(first), data)
    assert refused.status_code == 422
    assert "cần minh chứng" in refused.text
    # With evidence: submitted; the second agency too.
    _, response = _fill(cycle, "stc", first, submit=True)
    assert "?submitted=1" in str(response.url), response.text[:3000]
    _, response = _fill(cycle, "tttt", second, submit=True)
    assert "?submitted=1" in str(response.url)
    # The reviewer returns the first with a comment; the agency sees it and submits again.
    reviewer = login(cycle.app, "reviewer")
    response = reviewer.post(
        cycle.agency_url(first) + "/return", {"comment": "Bổ sung minh chứng về kế hoạch"}
    )
    assert response.status_code == 200
    assert re.search(r'id="submission-status">(trả lại để chỉnh sửa)<', response.text)
    page = client.get(cycle.form_url(first))
    assert "Bổ sung minh chứng về kế hoạch" in page.text
    _, response = _fill(cycle, "stc", first, submit=True)
    assert "?submitted=1" in str(response.url)
    # The council appraises only a form the reviewers accepted (tiếp nhận).
    council = login(cycle.app, "council")
    early = {"indicator": "staff_trained_year", "value": "3", "reason": "Chưa tiếp nhận"}
    assert council.post(cycle.agency_url(second) + "/appraise", early).status_code == 409
    assert council.post(cycle.agency_url(second) + "/accept").status_code == 403
    accepted = reviewer.post(cycle.agency_url(second) + "/accept")
    assert accepted.status_code == 200
    assert re.search(r'id="submission-status">(đã tiếp nhận)<', accepted.text)
    assert reviewer.post(cycle.agency_url(second) + "/accept").status_code == 409  # once
    # A council member appraises the second agency's staff trained, with the reason.
    refused = council.post(
        cycle.agency_url(second) + "/appraise",
        {"indicator": "staff_trained_year", "value": "3", "reason": ""},
    )
    assert refused.status_code == 422
    response = council.post(
        cycle.agency_url(second) + "/appraise",
        {"indicator": "staff_trained_year", "value": "3", "reason": "Chỉ 3 người có chứng nhận"},
    )
    assert response.status_code == 200
    # Only the administrator closes and publishes.
    assert reviewer.post(f"/campaigns/{cycle.campaign}/close").status_code == 403
    admin = login(cycle.app, "admin")
    assert admin.post(f"/campaigns/{cycle.campaign}/publish").status_code == 409  # close first
    admin.post(f"/campaigns/{cycle.campaign}/close")
    response = admin.post(f"/campaigns/{cycle.campaign}/publish")
    assert response.status_code == 200 and f"/results/{cycle.campaign}" in str(response.url)
    # The public page (no login) shows the ranks and tiers of evaluate on the same values.
    values = {first: dict(_example(first).values), second: dict(_example(second).values)}
    values[second]["staff_trained_year"] = Decimal(3)
    registry = {a.id: a for a in udcntt.read_registry(REGISTRY).agencies}
    expected = udcntt.evaluate(
        rules,
        udcntt.Dataset.from_records(
            [
                {"id": c, "name": registry[c].name, "block": registry[c].block, "values": v}
                for c, v in values.items()
            ],
            year=2018,
        ),
    )
    public = Client(TestClient(cycle.app))
    page = public.get(f"/results/{cycle.campaign}")
    assert page.status_code == 200
    for result in expected.results:
        row = re.search(
            rf'<tr data-agency="{result.agency_id}"><td class="rank">([^<]*)</td><td>[^<]*</td><td class="num total">([^<]+)</td><td class="tier" data-tier="([^"]+)">',
            page.text,
        )
        assert row is not None, result.agency_id
        assert row.group(1) == str(result.rank)
        assert row.group(2) == format(result.total, "f").replace(".", ",")
        assert row.group(3) == result.tier
    # Reports as the CLI writes them, with the receipt's hashes; the receipt names campaign and revision.
    receipt = json.loads(public.get(f"/results/{cycle.campaign}/receipt.json").text)
    assert receipt["campaign"]["id"] == cycle.campaign and receipt["database_revision"] == "0001"
    assert receipt["rules"]["sha256"] == hashlib.sha256(RULES.read_bytes()).hexdigest()
    for fmt in ("html", "xlsx", "docx", "json"):
        content = public.get(f"/results/{cycle.campaign}/report.{fmt}").content
        assert hashlib.sha256(content).hexdigest() == receipt["reports"][fmt]
    published = json.loads(public.get(f"/results/{cycle.campaign}/report.json").content)
    assert [(r["agency_id"], r["rank"], r["tier"]) for r in published["results"]] == [
        (r.agency_id, r.rank, r.tier) for r in expected.results
    ]
    # Every change is in the audit trail: who, old, new, reason.
    db = Database(cycle.url)
    with db.reader() as s:
        acceptance = s.scalars(select(AuditEntry).where(AuditEntry.action == "accept")).one()
        assert (acceptance.username, acceptance.old, acceptance.new) == (
            "reviewer",
            "submitted",
            "accepted",
        )
        appraisal = s.scalars(select(AuditEntry).where(AuditEntry.action == "appraise")).one()
        assert (appraisal.username, appraisal.field, appraisal.new, appraisal.reason) == (
            "council",
            "staff_trained_year",
            "d:3",
            "Chỉ 3 người có chứng nhận",
        )
        values_logged = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "value", AuditEntry.agency_code == first)
        ).all()
        assert {e.field for e in values_logged} == set(values[first])  # one entry per value typed
        assert all(e.username == "stc" and e.old is None for e in values_logged)
        assert (
            s.scalars(select(AuditEntry).where(AuditEntry.action == "return")).one().reason
            == "Bổ sung minh chứng về kế hoạch"
        )
    db.dispose()
    # Published: nothing can change any more.
    _, response = _fill(cycle, "stc", first, submit=False)
    assert response.status_code == 409


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_pages_speak_the_chosen_language(cycle: Cycle, lang: str) -> None:
    """Vietnamese by default, English with ``?lang=en`` (kept in the session)."""
    client = login(cycle.app, "admin")
    page = client.get(f"/?lang={lang}")
    assert ("Các đợt đánh giá" in page.text) == (lang == "vi")
    assert ("Assessment campaigns" in page.text) == (lang == "en")
    assert ("Các đợt đánh giá" in client.get("/").text) == (lang == "vi")
