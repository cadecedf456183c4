"""The security list of issue 17: every request authorised on the server, CSRF, escaping,
SQL metacharacters, uploads (size, zip bomb, executable renamed .pdf, path in the name),
the login rate limit, stale forms, and the append-only audit trail."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from server_helpers import AGENCIES, PASSWORD, Client, Cycle, csrf_of, fields_of, login, version_of
from sqlalchemy import func, select, text
from starlette.testclient import TestClient

from udcntt.server import Database, add_user
from udcntt.server._models import AuditEntry, Evidence, Submission, ValueRow
from udcntt.server._security import LoginLimiter

FIRST, SECOND = AGENCIES
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _rows(cycle: Cycle, model: type) -> int:
    db = Database(cycle.url)
    with db.reader() as s:
        n = s.scalar(select(func.count()).select_from(model))
    db.dispose()
    return int(n or 0)


def _save(
    client: Client, cycle: Cycle, code: str, data: dict[str, str], files: dict | None = None
) -> object:
    page = client.get(cycle.form_url(code))
    payload = {"version": version_of(page.text), "action": "save", **data}
    return client.post(cycle.form_url(code), payload, files=files or {})


def test_another_agencys_submission_by_id_is_not_found(cycle: Cycle) -> None:
    """An agency user asking for another agency's form, page or evidence by id gets 404 and
    nothing of it; posting to it changes nothing."""
    stc = login(cycle.app, "stc")
    tttt = login(cycle.app, "tttt")
    assert _save(tttt, cycle, SECOND, {"v_staff_total": "40"}).status_code == 200
    before = _rows(cycle, ValueRow)
    for url in (
        cycle.form_url(SECOND),
        cycle.agency_url(SECOND),
        cycle.form_url(SECOND).replace("/form", "/template.xlsx"),
    ):
        response = stc.get(url)
        assert response.status_code in (403, 404), url
        assert "Sở Thông tin" not in response.text
    response = stc.post(
        cycle.form_url(SECOND), {"version": "1", "action": "save", "v_staff_total": "99"}
    )
    assert response.status_code == 404
    assert _rows(cycle, ValueRow) == before
    # The agency id of the form is taken from the URL, never from a field.
    response = stc.post(
        cycle.form_url(FIRST).replace(str(cycle.agency_ids[FIRST]), str(cycle.agency_ids[SECOND])),
        {"version": "1"},
    )
    assert response.status_code == 404


def test_roles_are_checked_on_the_server(cycle: Cycle) -> None:
    """An agency user cannot open campaigns, list users, read the campaign page or appraise."""
    stc = login(cycle.app, "stc")
    assert stc.get("/admin/users").status_code == 403
    assert stc.get(f"/campaigns/{cycle.campaign}").status_code == 403
    assert stc.post("/admin/campaigns", {"year": "2020"}).status_code == 403
    assert (
        stc.post(
            cycle.agency_url(FIRST) + "/appraise",
            {"indicator": "staff_total", "value": "1", "reason": "x"},
        ).status_code
        == 403
    )
    reviewer = login(cycle.app, "reviewer")
    assert (
        reviewer.post(
            cycle.agency_url(FIRST) + "/appraise",
            {"indicator": "staff_total", "value": "1", "reason": "x"},
        ).status_code
        == 403
    )
    anonymous = Client(TestClient(cycle.app))
    assert anonymous.get(cycle.form_url(FIRST), follow_redirects=False).status_code == 303


@pytest.mark.parametrize("token", ["", "forged-token", None])
def test_a_forged_or_missing_csrf_token_is_refused(cycle: Cycle, token: str | None) -> None:
    """A POST without the session's token is refused before anything is read or written."""
    stc = login(cycle.app, "stc")
    before = _rows(cycle, AuditEntry)
    data = {"version": "1", "action": "save", "v_staff_total": "12"}
    if token is None:
        response = stc.http.post(cycle.form_url(FIRST), data=data)
    else:
        response = stc.post(cycle.form_url(FIRST), data, csrf=token)
    assert response.status_code == 403
    assert _rows(cycle, AuditEntry) == before
    # A token of another session is as good as none.
    other = login(cycle.app, "tttt")
    assert stc.post(cycle.form_url(FIRST), data, csrf=other.token).status_code == 403


def test_login_needs_the_csrf_token_too(cycle: Cycle) -> None:
    client = Client(TestClient(cycle.app))
    response = client.http.post("/login", data={"username": "stc", "password": PASSWORD})
    assert response.status_code == 403


def test_session_cookie_is_http_only_and_same_site(cycle: Cycle) -> None:
    """Signed, HTTP-only, SameSite=Lax; Secure over HTTPS."""
    for base, secure in (("http://testserver", False), ("https://testserver", True)):
        client = TestClient(cycle.app, base_url=base)
        header = client.get("/login").headers["set-cookie"]
        assert "HttpOnly" in header and "SameSite=lax" in header.replace("Lax", "lax")
        assert ("Secure" in header) == secure


def test_script_in_a_comment_and_in_a_name_is_escaped(cycle: Cycle) -> None:
    """Text from users is shown as text on every page that shows it."""
    script = '<script>alert("x")</script>'
    db = Database(cycle.url)
    add_user(db, "xss", PASSWORD, role="reviewer", name=script)
    db.dispose()
    reviewer = login(cycle.app, "xss")
    tttt = login(cycle.app, "tttt")
    _save(tttt, cycle, SECOND, {"v_staff_total": "41"})
    response = reviewer.post(cycle.agency_url(SECOND) + "/comment", {"comment": script})
    assert response.status_code == 200
    for page in (response.text, reviewer.get("/").text, tttt.get(cycle.form_url(SECOND)).text):
        assert script not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in response.text


def test_sql_metacharacters_are_stored_literally(cycle: Cycle) -> None:
    """A quote, a semicolon and a comment are text like any other."""
    tttt = login(cycle.app, "tttt")
    title = "'; DROP TABLE value_rows; -- \" OR 1=1"
    response = _save(
        tttt,
        cycle,
        SECOND,
        {
            "e_incident_plan_number": "1/QĐ",
            "e_incident_plan_title": title,
            "e_incident_plan_date": "01/02/2018",
        },
    )
    assert response.status_code == 200
    db = Database(cycle.url)
    with db.reader() as s:
        stored = s.scalars(
            select(Evidence.title).where(Evidence.indicator == "incident_plan")
        ).all()
        assert title in stored
        assert s.execute(text("SELECT count(*) FROM value_rows")).scalar() is not None
    db.dispose()


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("quyet-dinh.pdf", b"MZ\x90\x00" + b"\0" * 200, "là một chương trình"),
        ("quyet-dinh.pdf", b"\x7fELF\x02\x01" + b"\0" * 200, "là một chương trình"),
        ("quyet-dinh.pdf", b"<html>not a pdf</html>", "không phải là tệp PDF"),
        ("bao-cao.docx", _zip_bomb(), "bom zip"),
        ("../../etc/cron.d/x.pdf", PDF, "không kèm thư mục"),
        ("quyet-dinh.exe", b"MZ" + b"\0" * 10, "không thuộc loại được chấp nhận"),
    ],
    ids=["exe-as-pdf", "elf-as-pdf", "html-as-pdf", "zip-bomb", "path", "exe"],
)
def test_bad_evidence_files_are_refused_at_the_field(
    cycle: Cycle, name: str, content: bytes, message: str
) -> None:
    """Refused with a Vietnamese message at the field; nothing saved, no file kept."""
    tttt = login(cycle.app, "tttt")
    before = (_rows(cycle, Evidence), _rows(cycle, AuditEntry))
    files = {"f_incident_plan": (name, content, "application/pdf")}
    response = _save(tttt, cycle, SECOND, {"v_staff_total": "77"}, files)
    assert response.status_code == 422
    error = re.search(r'id="err-e_incident_plan">([^<]+)<', response.text)
    assert error is not None and message in error.group(1), error and error.group(1)
    assert (_rows(cycle, Evidence), _rows(cycle, AuditEntry)) == before


def test_an_oversized_upload_is_refused(tmp_path: object) -> None:
    """Over the evidence limit: refused at the field; over the body limit: 413."""
    from server_helpers import make_cycle

    small = make_cycle("sqlite", tmp_path, max_upload_bytes=1000)  # type: ignore[arg-type]
    tttt = login(small.app, "tttt")
    files = {"f_incident_plan": ("qd.pdf", PDF + b"0" * 2000, "application/pdf")}
    response = _save(tttt, small, SECOND, {}, files)
    assert response.status_code == 422
    assert "vượt giới hạn 1000" in response.text
    small.app.state.udcntt.settings.max_body_bytes = 5000
    response = _save(
        tttt,
        small,
        SECOND,
        {},
        {"f_incident_plan": ("qd.pdf", PDF + b"0" * 9000, "application/pdf")},
    )
    assert response.status_code == 413


def test_a_good_evidence_file_is_stored_by_its_hash_and_served_to_its_agency_only(
    cycle: Cycle,
) -> None:
    import hashlib

    tttt = login(cycle.app, "tttt")
    response = _save(
        tttt,
        cycle,
        SECOND,
        {"e_incident_plan_number": "5/PA"},
        {"f_incident_plan": ("phuong-an.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 200
    digest = hashlib.sha256(PDF).hexdigest()
    assert (cycle.data_dir / "evidence" / digest[:2] / digest).read_bytes() == PDF
    link = re.search(r'href="(/evidence/\d+)">phuong-an\.pdf<', response.text)
    assert link is not None
    assert tttt.get(link.group(1)).content == PDF
    assert login(cycle.app, "stc").get(link.group(1)).status_code == 404
    assert login(cycle.app, "council").get(link.group(1)).content == PDF


def test_login_is_rate_limited_per_user_and_address(cycle: Cycle) -> None:
    """Five failures lock the (user, address) pair for the window, even with the right
    password; another address is not locked; the lock ends with the window."""
    now = [1000.0]
    cycle.app.state.udcntt.limiter = LoginLimiter(attempts=5, window=900, clock=lambda: now[0])
    try:
        client = Client(TestClient(cycle.app, client=("10.0.0.9", 4000)))
        client.get("/login")
        for _ in range(5):
            assert client.post("/login", {"username": "stc", "password": "sai"}).status_code == 401
        response = client.post("/login", {"username": "stc", "password": PASSWORD})
        assert response.status_code == 429
        assert "mười lăm phút" in response.text
        login(cycle.app, "stc", address="10.0.0.10")  # another address still logs in
        now[0] += 901
        assert client.post("/login", {"username": "stc", "password": PASSWORD}).status_code == 200
    finally:
        cycle.app.state.udcntt.limiter = LoginLimiter()


def test_a_stale_form_is_refused_with_what_changed(cycle: Cycle) -> None:
    """Two people open the form; the second save is refused, shows the first's change, and
    saves nothing (no lost update)."""
    one = login(cycle.app, "stc")
    db = Database(cycle.url)
    add_user(db, "stc2", PASSWORD, role="agency", agencies=[FIRST])
    db.dispose()
    two = login(cycle.app, "stc2")
    page_one = one.get(cycle.form_url(FIRST))
    page_two = two.get(cycle.form_url(FIRST))
    assert version_of(page_one.text) == version_of(page_two.text)
    saved = one.post(
        cycle.form_url(FIRST),
        {"version": version_of(page_one.text), "action": "save", "v_staff_total": "61"},
    )
    assert saved.status_code == 200
    refused = two.post(
        cycle.form_url(FIRST),
        {"version": version_of(page_two.text), "action": "save", "v_staff_total": "62"},
    )
    assert refused.status_code == 409
    assert "stc" in refused.text and "staff_total" in refused.text and "61" in refused.text
    assert 'value="61"' in two.get(cycle.form_url(FIRST)).text


def test_a_bad_value_is_refused_at_the_field_and_nothing_is_saved(cycle: Cycle) -> None:
    """Out of range, an English decimal point, a word: each refused in Vietnamese at its field."""
    stc = login(cycle.app, "stc")
    before = (_rows(cycle, ValueRow), _rows(cycle, AuditEntry), _rows(cycle, Submission))
    response = _save(
        stc,
        cycle,
        FIRST,
        {
            "v_staff_total": "0",
            "v_internet_bandwidth": "12.5",
            "v_pcs_total": "nhiều",
            "v_it_staff": "3",
        },
    )
    assert response.status_code == 422
    errors = dict(re.findall(r'id="err-([a-z_]+)">([^<]+)<', response.text))
    assert set(errors) == {"staff_total", "internet_bandwidth", "pcs_total"}
    assert "12,5" in errors["internet_bandwidth"]  # the hint names the Vietnamese spelling
    assert (_rows(cycle, ValueRow), _rows(cycle, AuditEntry), _rows(cycle, Submission)) == before
    # The numbers typed the Vietnamese way are read as the survey readers read them.
    response = _save(stc, cycle, FIRST, {"v_internet_bandwidth": "1.537,5"})
    assert response.status_code == 200
    db = Database(cycle.url)
    with db.reader() as s:
        assert (
            "d:1537.5"
            in s.scalars(
                select(ValueRow.value).where(ValueRow.indicator == "internet_bandwidth")
            ).all()
        )
    db.dispose()


def test_audit_entries_are_append_only(cycle: Cycle) -> None:
    """The database itself refuses to change or delete an audit entry."""
    from sqlalchemy.exc import DBAPIError

    db = Database(cycle.url)
    for statement in ("UPDATE audit_entries SET username = 'x'", "DELETE FROM audit_entries"):
        with pytest.raises(DBAPIError), db.engine.begin() as conn:
            conn.execute(text(statement))
    db.dispose()


def test_fields_keep_their_order(cycle: Cycle) -> None:
    stc = login(cycle.app, "stc")
    html = stc.get(cycle.form_url(FIRST)).text
    assert fields_of(html)[:3] == ["staff_total", "staff_with_pc", "pcs_total"]
    assert csrf_of(html)


@pytest.mark.parametrize(
    "name", ["C:\\Windows\\x.pdf", "a/b.pdf", "..pdf", ".hidden.pdf", "x\x00.pdf", ""]
)
def test_file_names_with_folders_or_hidden_are_refused(name: str) -> None:
    """The name check itself (browsers send bare names; some parsers strip Windows paths)."""
    from udcntt.server._uploads import UploadRefused, check_upload

    with pytest.raises(UploadRefused):
        check_upload(name, PDF, max_bytes=10_000)


def test_script_in_an_agency_name_is_escaped(cycle: Cycle) -> None:
    """An agency name from an uploaded registry is text on the pages that show it."""
    from server_helpers import RULES

    admin = login(cycle.app, "admin")
    registry = (
        "agencies:\n"
        "  - id: don_vi_xss\n"
        "    name: \"<script>alert('x')</script> Sở Thử\"\n"
        "    block: so_ban_nganh\n"
    )
    files = {
        "rules": (RULES.name, RULES.read_bytes(), "application/yaml"),
        "registry": ("don-vi.yaml", registry.encode(), "application/yaml"),
    }
    response = admin.post("/admin/campaigns", {"year": "2021"}, files=files)
    assert response.status_code == 200, response.text[:2000]
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Sở Thử" in response.text
