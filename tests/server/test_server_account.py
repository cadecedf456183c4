"""A logged-in user changes their own password: the current one is checked, the new one is
hashed with Argon2, the change is audited (never the passwords), the form needs its CSRF
token, and the session's token is renewed."""

from __future__ import annotations

from server_helpers import PASSWORD, Client, Cycle, login
from sqlalchemy import select
from starlette.testclient import TestClient

from udcntt.server import Database, add_user
from udcntt.server._models import AuditEntry, User

NEW = "mat-khau-moi-cua-nam-2019"


def _user(cycle: Cycle, name: str) -> None:
    db = Database(cycle.url)
    add_user(db, name, PASSWORD, role="agency", agencies=["so_tai_chinh"])
    db.dispose()


def _login_status(cycle: Cycle, name: str, password: str) -> int:
    client = Client(TestClient(cycle.app))
    client.get("/login")
    return int(client.post("/login", {"username": name, "password": password}).status_code)


def test_a_user_changes_the_password(cycle: Cycle) -> None:
    _user(cycle, "doi_mat_khau")
    client = login(cycle.app, "doi_mat_khau")
    page = client.get("/account/password")
    assert page.status_code == 200 and 'action="/account/password"' in page.text
    old_token = client.token
    response = client.post(
        "/account/password",
        {"current": PASSWORD, "new": NEW, "confirm": NEW},
        follow_redirects=False,
    )
    assert response.status_code == 303
    shown = client.get(response.headers["location"])
    assert 'id="notice"' in shown.text and client.token != old_token  # a new CSRF token
    # The old token of this session is worth nothing now.
    stale = client.post("/account/password", {"current": NEW, "new": "x" * 12}, csrf=old_token)
    assert stale.status_code == 403
    assert _login_status(cycle, "doi_mat_khau", PASSWORD) == 401
    assert _login_status(cycle, "doi_mat_khau", NEW) == 200
    db = Database(cycle.url)
    with db.reader() as s:
        user = s.scalar(select(User).where(User.username == "doi_mat_khau"))
        assert user is not None and user.password_hash.startswith("$argon2")
        entries = list(
            s.scalars(
                select(AuditEntry).where(
                    AuditEntry.username == "doi_mat_khau", AuditEntry.action == "password"
                )
            )
        )
    db.dispose()
    assert len(entries) == 1
    assert all(NEW not in (e.old or "") + (e.new or "") for e in entries)


def test_a_wrong_current_password_or_a_bad_new_one_changes_nothing(cycle: Cycle) -> None:
    _user(cycle, "sai_mat_khau")
    client = login(cycle.app, "sai_mat_khau")
    client.get("/account/password")
    cases = [
        ({"current": "khong-dung-mat-khau", "new": NEW, "confirm": NEW}, 403),
        ({"current": PASSWORD, "new": NEW, "confirm": NEW + "x"}, 422),
        ({"current": PASSWORD, "new": "ngan", "confirm": "ngan"}, 422),
        ({"current": PASSWORD, "new": PASSWORD, "confirm": PASSWORD}, 422),
    ]
    for data, status in cases:
        response = client.post("/account/password", data)
        assert response.status_code == status, (data, response.text[:500])
        assert 'id="error"' in response.text
    forged = client.post(
        "/account/password", {"current": PASSWORD, "new": NEW, "confirm": NEW}, csrf="forged"
    )
    assert forged.status_code == 403
    assert _login_status(cycle, "sai_mat_khau", PASSWORD) == 200
    anonymous = TestClient(cycle.app).get("/account/password", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"
