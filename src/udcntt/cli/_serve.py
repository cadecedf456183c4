"""``udcntt serve`` and ``udcntt db``: the yearly cycle in a browser, and its database.

The server lives behind the ``server`` extra; it is imported inside the commands only, so
``import udcntt`` and ``udcntt --help`` never load it (nor SQLAlchemy, Starlette, uvicorn).
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from udcntt.cli._main import EXIT_OK
from udcntt.cli._output import Printer
from udcntt.errors import UsageError, msg

__all__ = ["add_db_parser", "add_serve_parser", "cmd_db", "cmd_serve"]


def add_serve_parser(p: argparse.ArgumentParser) -> None:
    """The options of ``udcntt serve``."""
    p.add_argument(
        "--demo",
        action="store_true",
        help="SQLite in a temporary folder, the Lâm Đồng 2025 example (synthetic) and "
        "printed demo logins",
    )
    p.add_argument(
        "--database",
        metavar="URL",
        help="sqlite:///cycle.db or postgresql+psycopg://user:password@host/db "
        "(default: $UDCNTT_DATABASE_URL)",
    )
    p.add_argument("--data-dir", metavar="DIR", help="where evidence files are kept")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument(
        "--https",
        action="store_true",
        help="mark cookies Secure (behind a reverse proxy that terminates HTTPS)",
    )


def add_db_parser(p: argparse.ArgumentParser) -> None:
    """The options of ``udcntt db``."""
    p.add_argument(
        "action",
        choices=("upgrade", "backup", "restore", "add-user"),
        help="upgrade: migrate to the newest schema; backup FILE (.json, or .zip with the "
        "evidence files); restore FILE (hashes checked first); add-user USER (password from "
        "$UDCNTT_PASSWORD or asked)",
    )
    p.add_argument("target", nargs="?", metavar="FILE|USER", help="backup file, or user name")
    p.add_argument("--database", metavar="URL", help="default: $UDCNTT_DATABASE_URL")
    p.add_argument("--data-dir", metavar="DIR", help="folder of the evidence files")
    p.add_argument("--campaign", type=int, metavar="ID", help="the campaign to back up")
    p.add_argument(
        "--role",
        choices=("admin", "agency", "reviewer", "council"),
        default="admin",
        help="the role of the user added",
    )
    p.add_argument("--agency", action="append", default=[], metavar="ID", help="agency id (repeat)")


def _server() -> Any:
    try:
        from udcntt import server
    except ImportError as exc:
        raise UsageError(
            msg("the server needs its extra: {missing}", missing=exc.name or exc),
            hint=msg("install it with: pip install 'udcntt[server]'"),
        ) from exc
    return server


def _database(args: argparse.Namespace) -> str:
    url = args.database or os.environ.get("UDCNTT_DATABASE_URL")
    if not url:
        raise UsageError(
            msg("no database given"),
            hint=msg("pass --database URL (or set UDCNTT_DATABASE_URL), or try --demo"),
        )
    return str(url)


def _secret() -> str:
    key = os.environ.get("UDCNTT_SECRET_KEY")
    return key if key else secrets.token_urlsafe(32)


def cmd_serve(args: argparse.Namespace, printer: Printer) -> int:
    """``udcntt serve``: run the web application with uvicorn.

    Raises:
        UsageError: without the ``server`` extra, or without a database (and no --demo).
    """
    server = _server()
    import uvicorn

    lang = printer.lang
    if args.demo:
        folder = Path(tempfile.mkdtemp(prefix="udcntt-demo-"))
        url = f"sqlite:///{folder / 'udcntt-demo.db'}"
        data_dir = folder / "evidence"
    else:
        url = _database(args)
        data_dir = Path(args.data_dir) if args.data_dir else Path("udcntt-evidence")
    app = server.create_app(
        url,
        data_dir=data_dir,
        secret_key=_secret(),
        lang=lang,
        secure_cookies=True if args.https else None,
    )
    if args.demo:
        printer.line(msg("demo database: {path}", path=folder).render(lang))
        for user in server.seed_demo(app.state.udcntt):
            printer.line(
                msg(
                    "  {role}: {username} / {password}",
                    role=user.role + (f" ({user.agency})" if user.agency else ""),
                    username=user.username,
                    password=user.password,
                ).render(lang)
            )
    printer.line(msg("open http://{host}:{port}/", host=args.host, port=args.port).render(lang))
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return EXIT_OK


def cmd_db(args: argparse.Namespace, printer: Printer) -> int:
    """``udcntt db upgrade|backup|restore|add-user``.

    Raises:
        UsageError: without the extra, a database, or the file / user the action needs.
        DataError: ``E-SERVER-BACKUP`` for a backup that cannot be written or restored.
    """
    server = _server()
    lang = printer.lang
    database = server.Database(_database(args))
    try:
        revision = server.upgrade(database.engine)
        if args.action == "upgrade":
            printer.line(msg("database at revision {revision}", revision=revision).render(lang))
            return EXIT_OK
        if not args.target:
            raise UsageError(
                msg("'udcntt db {action}' needs a file or user name", action=args.action)
            )
        if args.action == "backup":
            if args.campaign is None:
                raise UsageError(msg("name the campaign to back up with --campaign ID"))
            counts = server.backup_campaign(
                database, args.campaign, args.target, data_dir=args.data_dir
            )
            printer.line(
                msg("backed up to {path}: {counts}", path=args.target, counts=counts).render(lang)
            )
        elif args.action == "restore":
            new_id = server.restore_campaign(database, args.target, data_dir=args.data_dir)
            printer.line(msg("restored as campaign {id}", id=new_id).render(lang))
        else:
            password = os.environ.get("UDCNTT_PASSWORD") or getpass.getpass()
            server.add_user(database, args.target, password, role=args.role, agencies=args.agency)
            printer.line(msg("user {username} added", username=args.target).render(lang))
    finally:
        database.dispose()
    return EXIT_OK
