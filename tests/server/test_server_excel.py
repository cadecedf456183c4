"""The Excel round trip: download the template of the agency's block, fill it in, upload
it back through the survey reader; its validation report is shown, and a file with an
error changes nothing."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from server_helpers import AGENCIES, Cycle, login, make_cycle, version_of
from sqlalchemy import select

from udcntt.server import Database
from udcntt.server._models import AuditEntry, ValueRow

FIRST, SECOND = AGENCIES


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> Cycle:
    return make_cycle("sqlite", tmp_path_factory.mktemp("excel"))


def _workbook(cycle: Cycle, code: str, values: dict[str, object]) -> bytes:
    client = login(cycle.app, "stc")
    response = client.get(cycle.form_url(code).replace("/form", "/template.xlsx"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["so_ban_nganh"]
    headers = [c.value for c in sheet[1]]
    assert sheet.cell(row=3, column=1).value == code
    for ind, value in values.items():
        sheet.cell(row=3, column=headers.index(ind) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _stored(cycle: Cycle) -> dict[str, str]:
    db = Database(cycle.url)
    with db.reader() as s:
        rows = {r.indicator: r.value for r in s.scalars(select(ValueRow))}
    db.dispose()
    return rows


def test_the_template_lists_only_the_agency(cycle: Cycle) -> None:
    client = login(cycle.app, "stc")
    content = client.get(cycle.form_url(FIRST).replace("/form", "/template.xlsx")).content
    sheet = openpyxl.load_workbook(io.BytesIO(content))["so_ban_nganh"]
    assert [sheet.cell(row=r, column=1).value for r in range(3, sheet.max_row + 1)] == [FIRST]


def test_an_uploaded_workbook_is_saved_with_its_report(cycle: Cycle) -> None:
    client = login(cycle.app, "stc")
    page = client.get(cycle.form_url(FIRST))
    content = _workbook(
        cycle, FIRST, {"staff_total": 58, "internet_bandwidth": "222,5", "has_lan": "Có"}
    )
    response = client.post(
        cycle.form_url(FIRST).replace("/form", "/upload"),
        {"version": version_of(page.text)},
        files={"survey": ("mau.xlsx", content, "application/octet-stream")},
    )
    assert response.status_code == 200, response.text[:2000]
    assert "đã lưu 3 giá trị" in response.text
    assert {
        k: v
        for k, v in _stored(cycle).items()
        if k in ("staff_total", "internet_bandwidth", "has_lan")
    } == {"staff_total": "d:58", "internet_bandwidth": "d:222.5", "has_lan": "b:1"}
    db = Database(cycle.url)
    with db.reader() as s:
        actions = {
            e.action for e in s.scalars(select(AuditEntry).where(AuditEntry.agency_code == FIRST))
        }
    db.dispose()
    assert "value-excel" in actions


def test_a_workbook_with_errors_shows_located_diagnostics_and_changes_nothing(cycle: Cycle) -> None:
    client = login(cycle.app, "stc")
    before = _stored(cycle)
    page = client.get(cycle.form_url(FIRST))
    content = _workbook(cycle, FIRST, {"staff_total": 61, "pcs_total": "nhiều"})
    response = client.post(
        cycle.form_url(FIRST).replace("/form", "/upload"),
        {"version": version_of(page.text)},
        files={"survey": ("mau.xlsx", content, "application/octet-stream")},
    )
    assert response.status_code == 422
    report = re.search(r'<div class="diag" id="diagnostics">(.*?)</div>', response.text, re.S)
    assert (
        report is not None
        and "E-DATA-NUMBER" in report.group(1)
        and "so_ban_nganh" in report.group(1)
    )
    assert _stored(cycle) == before


def test_another_agencys_row_is_refused_by_the_reader(cycle: Cycle) -> None:
    """The reader knows only the uploader's agency: a row of another agency is an error."""
    client = login(cycle.app, "stc")
    before = _stored(cycle)
    page = client.get(cycle.form_url(FIRST))
    content = _workbook(cycle, FIRST, {"staff_total": 70})
    book = openpyxl.load_workbook(io.BytesIO(content))
    book["so_ban_nganh"].cell(row=3, column=1, value=SECOND)
    book["so_ban_nganh"].cell(row=3, column=2, value="Sở Thông tin và Truyền thông")
    out = io.BytesIO()
    book.save(out)
    response = client.post(
        cycle.form_url(FIRST).replace("/form", "/upload"),
        {"version": version_of(page.text)},
        files={"survey": ("mau.xlsx", out.getvalue(), "application/octet-stream")},
    )
    assert response.status_code == 422
    assert _stored(cycle) == before


def test_a_stale_upload_is_refused(cycle: Cycle) -> None:
    """A workbook uploaded from a form read before someone saved changes nothing."""
    client = login(cycle.app, "stc")
    page = client.get(cycle.form_url(FIRST))
    old = version_of(page.text)
    saved = client.post(
        cycle.form_url(FIRST), {"version": old, "action": "save", "v_staff_total": "44"}
    )
    assert saved.status_code == 200
    before = _stored(cycle)
    content = _workbook(cycle, FIRST, {"staff_total": 45})
    response = client.post(
        cycle.form_url(FIRST).replace("/form", "/upload"),
        {"version": old},
        files={"survey": ("mau.xlsx", content, "application/octet-stream")},
    )
    assert response.status_code == 409
    assert _stored(cycle) == before
