"""Logging in and out, the home page of each role, and the administrator's user list."""

from __future__ import annotations

from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.responses import Response

from udcntt.server._app import Ctx, user_agencies
from udcntt.server._cycle import audit
from udcntt.server._models import ROLES, Campaign, Membership, User
from udcntt.server._security import hash_password, verify_password

__all__ = [
    "home",
    "login",
    "login_page",
    "logout",
    "password_change",
    "password_page",
    "users",
    "users_add",
]

#: Shortest password accepted for a new user.
MIN_PASSWORD = 10


def _address(ctx: Ctx) -> str:
    client = ctx.request.client
    return client.host if client is not None else "?"


def login_page(ctx: Ctx) -> Response:
    """The login form."""
    return ctx.render("login.html")


def login(ctx: Ctx) -> Response:
    """Check the password; past the rate limit, refuse without checking it."""
    username = ctx.field("username").strip()
    password = ctx.field("password")
    address = _address(ctx)
    limiter = ctx.state.limiter
    if limiter.blocked(username, address):
        return ctx.render("login.html", status=429, error=ctx.t("rate_limited"), username=username)
    with ctx.state.db.session() as db:
        user = db.scalar(select(User).where(User.username == username))
        ok = False
        if user is not None:
            ok, rehash = verify_password(user.password_hash, password)
            if ok and rehash:
                user.password_hash = rehash
        if not ok or user is None:
            limiter.failed(username, address)
            return ctx.render("login.html", status=401, error=ctx.t("bad_login"), username=username)
        limiter.succeeded(username, address)
        audit(db, user, "login")
        user_id = user.id
    # A new session (and CSRF token) at login: a token seen before login is worth nothing.
    ctx.session = type(ctx.session)(user_id=user_id, lang=ctx.session.lang)
    ctx.dirty = True
    return ctx.redirect("/")


def logout(ctx: Ctx) -> Response:
    """End the session."""
    ctx.session = type(ctx.session)(lang=ctx.session.lang)
    ctx.dirty = True
    return ctx.redirect("/")


def password_page(ctx: Ctx) -> Response:
    """The form to change one's own password."""
    ctx.require()
    notice = ctx.t("password_changed") if ctx.request.query_params.get("changed") else None
    return ctx.render("password.html", notice=notice)


def password_change(ctx: Ctx) -> Response:
    """Change the logged-in user's password: the current one is checked (failures count
    toward the login rate limit), the new one hashed with Argon2; an audit entry records
    the change (never the passwords); the session gets a new CSRF token."""
    me = ctx.require()
    current = ctx.field("current")
    new = ctx.field("new")
    address = _address(ctx)
    limiter = ctx.state.limiter
    if limiter.blocked(me.username, address):
        return ctx.render("password.html", status=429, error=ctx.t("rate_limited"))
    if len(new) < MIN_PASSWORD:
        error = ctx.t("short_password", count=MIN_PASSWORD)
        return ctx.render("password.html", status=422, error=error)
    if new != ctx.field("confirm"):
        return ctx.render("password.html", status=422, error=ctx.t("password_mismatch"))
    if new == current:
        return ctx.render("password.html", status=422, error=ctx.t("same_password"))
    with ctx.state.db.session() as db:
        user = db.get(User, me.id)
        ok = user is not None and verify_password(user.password_hash, current)[0]
        if user is None or not ok:
            limiter.failed(me.username, address)
            return ctx.render("password.html", status=403, error=ctx.t("bad_current_password"))
        limiter.succeeded(me.username, address)
        user.password_hash = hash_password(new)
        audit(db, user, "password", field=user.username)
    ctx.session = type(ctx.session)(user_id=me.id, lang=ctx.session.lang)
    ctx.dirty = True
    return ctx.redirect("/account/password?changed=1")


def home(ctx: Ctx) -> Response:
    """The campaigns, and for an agency user the forms of their agencies."""
    with ctx.state.db.reader() as db:
        campaigns = list(db.scalars(select(Campaign).order_by(Campaign.year.desc(), Campaign.id)))
        mine = {}
        if ctx.user is not None and ctx.user.role == "agency":
            mine = {c.id: user_agencies(db, ctx.user, c.id) for c in campaigns}
        return ctx.render("home.html", campaigns=campaigns, mine=mine)


def users(ctx: Ctx) -> Response:
    """The administrator's list of users."""
    ctx.require("admin")
    return _users_page(ctx)


def _users_page(ctx: Ctx, status: int = 200, error: str | None = None) -> Response:
    with ctx.state.db.reader() as db:
        rows = list(db.scalars(select(User).order_by(User.username)))
        members: dict[int, list[str]] = {}
        for m in db.scalars(select(Membership)):
            members.setdefault(m.user_id, []).append(m.agency_code)
        return ctx.render(
            "users.html", status=status, users=rows, members=members, roles=ROLES, error=error
        )


def users_add(ctx: Ctx) -> Response:
    """Add a user with a role (and, for an agency user, the agency ids they answer for)."""
    admin = ctx.require("admin")
    username = ctx.field("username").strip()
    role = ctx.field("role")
    password = ctx.field("password")
    codes = [c.strip() for c in ctx.field("agencies").replace(";", ",").split(",") if c.strip()]
    if not username or len(username) > 80 or role not in ROLES:
        return _users_page(ctx, 422, ctx.t("bad_user"))
    if len(password) < MIN_PASSWORD:
        return _users_page(ctx, 422, ctx.t("short_password", count=MIN_PASSWORD))
    with ctx.state.db.session() as db:
        if db.scalar(select(User).where(User.username == username)) is not None:
            return _users_page(ctx, 409, ctx.t("user_exists"))
        user = User(
            username=username,
            name=ctx.field("name").strip() or username,
            role=role,
            password_hash=hash_password(password),
        )
        db.add(user)
        db.flush()
        for code in dict.fromkeys(codes):
            db.add(Membership(user_id=user.id, agency_code=code))
        audit(db, admin, "user", field=username, new=f"{role} {','.join(codes)}".strip())
    return ctx.redirect("/admin/users")


def not_found(ctx: Ctx) -> HTTPException:
    """A 404 in the request's language."""
    return HTTPException(404, ctx.t("not_found"))
