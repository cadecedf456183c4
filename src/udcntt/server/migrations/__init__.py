"""Alembic migrations of the server's database (run in code by :mod:`udcntt.server._db`)."""
