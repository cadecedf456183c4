"""Alembic environment: the connection comes from the caller (``udcntt.server._db``).

Alembic runs this module for each migration command; imported any other way (a doctest
collector walking the package) it does nothing.
"""

from __future__ import annotations

from alembic import context

from udcntt.server._models import Base


def run() -> None:
    """Run the migrations on the connection handed over in the configuration.

    Raises:
        RuntimeError: when run by the alembic command line instead of ``udcntt db``.
    """
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through 'udcntt db upgrade'")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if getattr(context, "config", None) is not None:  # inside an Alembic command
    run()
