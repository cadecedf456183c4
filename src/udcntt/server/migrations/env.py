"""Alembic environment: the connection comes from the caller (``udcntt.server._db``)."""

from __future__ import annotations

from alembic import context

from udcntt.server._models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
    raise RuntimeError("run migrations through 'udcntt db upgrade'")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
