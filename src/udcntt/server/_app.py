"""The application factory, the per-request context and page rendering.

:func:`create_app` builds a Starlette application on one database: it runs the Alembic
migrations up to ``head`` first, then serves the pages of the cycle. Each handler starts
with :func:`context`, which reads the signed session cookie, finds the user and the
language, and — for a POST — checks the CSRF token before anything else is read; then it
authorises by role and agency with :meth:`Ctx.require` and :meth:`Ctx.agency_allowed`.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from udcntt._version import __version__
from udcntt.errors import LANGUAGES, Diagnostic, Message
from udcntt.server._cycle import RulesCache
from udcntt.server._db import Database, upgrade
from udcntt.server._models import Agency, Membership, User
from udcntt.server._security import COOKIE, LoginLimiter, SessionData, Sessions, check_csrf
from udcntt.server._ui import word
from udcntt.server._values import audit_text, field_text, shown

__all__ = ["CSRF_HEADER", "Ctx", "Denied", "Settings", "State", "context", "create_app"]

#: The request header in which htmx sends the CSRF token.
CSRF_HEADER = "X-CSRF-Token"
#: Largest evidence file accepted by default (bytes).
MAX_UPLOAD = 10 * 1024 * 1024
#: Largest request body accepted (bytes): room for a form with several evidence files.
MAX_BODY = 64 * 1024 * 1024


@dataclass
class Settings:
    """How the server runs; every field has a safe default except the database."""

    database_url: str
    data_dir: Path | None = None
    secret_key: str | None = None
    lang: str = "vi"
    max_upload_bytes: int = MAX_UPLOAD
    max_body_bytes: int = MAX_BODY
    secure_cookies: bool | None = None


@dataclass
class State:
    """What the handlers share: settings, database, caches, session signer, rate limit."""

    settings: Settings
    db: Database
    data_dir: Path
    sessions: Sessions
    limiter: LoginLimiter
    rules: RulesCache
    revision: str
    env: Environment
    assessments: dict[int, Any] = field(default_factory=dict)


class Denied(HTTPException):
    """A request the user is not allowed to make (403), or not logged in for (303 to login)."""


@dataclass
class Ctx:
    """One request: who asks, in which language, with which session and form."""

    request: Request
    state: State
    session: SessionData
    user: User | None
    lang: str
    form: FormData | None = None
    dirty: bool = False

    def t(self, key: str, **args: object) -> str:
        """A word of the interface in the request's language."""
        return word(key, self.lang, **args)

    def text(self, message: Message | str | None) -> str:
        """A message in the request's language."""
        if message is None:
            return ""
        if isinstance(message, Message):
            return message.render(self.lang)
        return str(message)

    def diag(self, d: Diagnostic) -> str:
        """A located diagnostic as ``udcntt check`` prints it, in the request's language."""
        return d.format(self.lang)

    def require(self, *roles: str) -> User:
        """The user, when logged in with one of ``roles``.

        Raises:
            Denied: 303 to the login page when anonymous, 403 for another role.
        """
        if self.user is None:
            raise Denied(303, headers={"Location": "/login"})
        if roles and self.user.role not in roles:
            raise Denied(403, self.t("forbidden"))
        return self.user

    def agency_allowed(self, db: Session, agency: Agency) -> bool:
        """Whether the user may see ``agency``'s submission."""
        if self.user is None:
            return False
        if self.user.role in ("admin", "reviewer", "council"):
            return True
        return db.get(Membership, {"user_id": self.user.id, "agency_code": agency.code}) is not None

    def field(self, name: str) -> str:
        """A text field of the form ("" when absent or a file)."""
        value = self.form.get(name) if self.form is not None else None
        return value if isinstance(value, str) else ""

    def file(self, name: str) -> UploadFile | None:
        """A file field of the form, when a file was chosen."""
        value = self.form.get(name) if self.form is not None else None
        if isinstance(value, UploadFile) and value.filename:
            return value
        return None

    def render(self, template: str, status: int = 200, **values: Any) -> Response:
        """The page ``template`` rendered with ``values``."""
        page = self.state.env.get_template(template).render(
            ctx=self,
            t=self.t,
            user=self.user,
            lang=self.lang,
            csrf=self.session.csrf,
            shown=lambda v: shown(v, self.lang),
            field_text=lambda f, row: field_text(f, row, self.lang),
            audit_text=lambda v: audit_text(v, self.lang),
            version=__version__,
            **values,
        )
        return self.finish(HTMLResponse(page, status_code=status))

    def redirect(self, url: str) -> Response:
        """303 to ``url`` (after a POST)."""
        return self.finish(RedirectResponse(url, status_code=303))

    def finish(self, response: Response) -> Response:
        """Set the session cookie on ``response`` when the session changed."""
        if self.dirty or self.request.cookies.get(COOKIE) is None:
            secure = self.state.settings.secure_cookies
            if secure is None:
                secure = self.request.url.scheme == "https"
            response.set_cookie(
                COOKIE,
                self.state.sessions.dump(self.session),
                max_age=self.state.sessions.max_age,
                httponly=True,
                secure=secure,
                samesite="lax",
            )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        )
        return response


async def context(request: Request) -> Ctx:
    """The context of ``request``; a POST's CSRF token is checked here.

    Raises:
        HTTPException: 413 for a body over the limit, 403 for a missing or forged token.
    """
    state: State = request.app.state.udcntt
    session = state.sessions.load(request.cookies.get(COOKIE))
    user: User | None = None
    if session.user_id is not None:
        with state.db.reader() as db:
            user = db.get(User, session.user_id)
            if user is not None:
                db.expunge(user)
    wanted = request.query_params.get("lang")
    dirty = False
    if wanted in LANGUAGES and wanted != session.lang:
        session.lang = wanted
        dirty = True
    lang = session.lang or state.settings.lang
    ctx = Ctx(request, state, session, user, lang, dirty=dirty)
    if request.method == "POST":
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > state.settings.max_body_bytes:
            raise HTTPException(413, ctx.t("too_large"))
        ctx.form = await request.form(max_files=200, max_fields=5000)
        # htmx requests carry the token in a header (hx-headers); plain forms in a field.
        token = request.headers.get(CSRF_HEADER) or ctx.form.get("csrf")
        if not check_csrf(session, token):
            raise HTTPException(403, ctx.t("csrf"))
    return ctx


def handler(fn: Callable[[Ctx], Response]) -> Callable[[Request], Awaitable[Response]]:
    """Wrap ``fn(ctx)`` as a Starlette endpoint.

    The form is read on the event loop; ``fn`` — database work, password hashing, scoring,
    rendering — runs in the thread pool, so one slow request does not hold up the others.
    """

    async def endpoint(request: Request) -> Response:
        ctx = await context(request)
        try:
            return await run_in_threadpool(fn, ctx)
        finally:
            if ctx.form is not None:  # uploaded files are spooled to temporary files
                await ctx.form.close()

    endpoint.__name__ = fn.__name__
    endpoint.__doc__ = fn.__doc__
    return endpoint


#: The scripts the pages load, all from the application's own origin (no CDN).
STATIC = {"htmx.min.js": "text/javascript; charset=utf-8"}


@cache
def _static_bytes(name: str) -> bytes:
    return (resources.files("udcntt.server") / "static" / name).read_bytes()


async def static_file(request: Request) -> Response:
    """A vendored script of the package (``/static/htmx.min.js``), cacheable for a day.

    Raises:
        HTTPException: 404 for any other name.
    """
    name = request.path_params["name"]
    if name not in STATIC:
        raise HTTPException(404)
    return Response(
        _static_bytes(name),
        media_type=STATIC[name],
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):  # pragma: no cover - registered for it only
        raise exc
    if exc.status_code == 303 and exc.headers:
        return RedirectResponse(exc.headers["Location"], status_code=303)
    state: State = request.app.state.udcntt
    session = state.sessions.load(request.cookies.get(COOKIE))
    ctx = Ctx(request, state, session, None, session.lang or state.settings.lang)
    return ctx.render("error.html", status=exc.status_code, detail=exc.detail)


def create_app(
    database_url: str,
    *,
    data_dir: str | Path | None = None,
    secret_key: str | None = None,
    lang: str = "vi",
    max_upload_bytes: int = MAX_UPLOAD,
    secure_cookies: bool | None = None,
    limiter: LoginLimiter | None = None,
) -> Starlette:
    """The ASGI application of the yearly cycle on ``database_url``.

    The database is migrated to the newest revision first (``alembic upgrade head``).

    Args:
        database_url: SQLAlchemy URL: ``sqlite:///cycle.db`` or
            ``postgresql+psycopg://user:password@host/db``.
        data_dir: where evidence files are kept (by SHA-256); a temporary folder if
            ``None``.
        secret_key: signs session cookies; random (sessions end at restart) if ``None``.
        lang: the default language of the pages (``vi`` or ``en``).
        max_upload_bytes: largest evidence file accepted.
        secure_cookies: mark cookies ``Secure``; by default when the request is HTTPS.
        limiter: the login rate limit (tests pass one with a fake clock).

    Returns:
        The Starlette application; ``app.state.udcntt`` holds its :class:`State`.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: when the database cannot be reached or migrated.
    """
    from udcntt.server._routes import ROUTES

    settings = Settings(
        database_url=database_url,
        data_dir=Path(data_dir) if data_dir is not None else None,
        secret_key=secret_key,
        lang=lang if lang in LANGUAGES else LANGUAGES[0],
        max_upload_bytes=max_upload_bytes,
        secure_cookies=secure_cookies,
    )
    db = Database(database_url)
    revision = upgrade(db.engine)
    folder = settings.data_dir or Path(tempfile.mkdtemp(prefix="udcntt-serve-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = Environment(
        loader=PackageLoader("udcntt.server", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["file_params"] = file_params
    state = State(
        settings=settings,
        db=db,
        data_dir=folder,
        sessions=Sessions(secret_key or secrets.token_urlsafe(32)),
        limiter=limiter or LoginLimiter(),
        rules=RulesCache(),
        revision=revision,
        env=env,
    )
    app = Starlette(routes=ROUTES, exception_handlers={HTTPException: _http_error})
    app.state.udcntt = state
    return app


def file_params(fields: Any) -> str:
    """The ``hx-params`` of a form's previews: every field but the evidence files."""
    names = [f"f_{f.id}" for f in fields if f.evidence != "none"]
    return "not " + ",".join(names) if names else "*"


def user_agencies(db: Session, user: User, campaign_id: int) -> list[Agency]:
    """The agencies of ``campaign_id`` that an agency user belongs to."""
    codes = select(Membership.agency_code).where(Membership.user_id == user.id)
    rows = db.scalars(
        select(Agency).where(Agency.campaign_id == campaign_id, Agency.code.in_(codes))
    )
    return list(rows)


def form_text(form: Mapping[str, Any] | None) -> dict[str, str]:
    """The text fields of a form as a plain mapping."""
    if form is None:
        return {}
    return {k: v for k, v in form.items() if isinstance(v, str)}
