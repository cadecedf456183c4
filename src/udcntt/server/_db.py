"""Engines, sessions and migrations (Alembic, configured in code).

The Alembic configuration lives here rather than in an ``alembic.ini`` so that migrations
run from an installed wheel: the scripts are found as package data of
``udcntt.server.migrations``. :func:`upgrade` brings a database to ``head``; the app factory
calls it at start-up, and ``udcntt db upgrade`` runs it alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

__all__ = [
    "Database",
    "alembic_config",
    "current_revision",
    "head_revision",
    "make_engine",
    "upgrade",
]


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout.

    ``postgresql://`` is read as ``postgresql+psycopg://`` (psycopg 3).
    """
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if memory:
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def alembic_config(engine: Engine | None = None) -> Config:
    """The Alembic configuration, built in code (no ``alembic.ini`` needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", "udcntt.server:migrations")
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def head_revision() -> str:
    """The newest migration shipped with this version of udcntt."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships its migrations
        raise RuntimeError("no migrations found")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Run the migrations up to ``head``; returns the revision reached."""
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return head_revision()


def migrations_folder() -> Path:
    """Where the migration scripts are (package data)."""
    return Path(str(resources.files("udcntt.server") / "migrations"))


class Database:
    """An engine and its session factory; ``with db.session() as s:`` is one transaction."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back on any error."""
        with self._factory() as session, session.begin():
            yield session

    def reader(self) -> Session:
        """A session for reading (the caller closes it)."""
        return self._factory()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
