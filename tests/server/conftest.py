"""Fixtures of the server tests: one application per database and module.

SQLite always; PostgreSQL as well when ``UDCNTT_TEST_POSTGRES_URL`` names a database the
tests may empty (``.ci/run`` starts Debian's PostgreSQL and sets it). Under pytest-xdist
each worker empties a database of its own (``tests/conftest.py`` makes them), so no two
workers share one.
"""

from __future__ import annotations

import pytest

pytest.importorskip("starlette", reason="the server extra is not installed")

from server_helpers import DATABASES, Cycle, make_cycle


@pytest.fixture(scope="module", params=DATABASES)
def cycle(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Cycle:
    """One application per database for the module's tests (they use distinct agencies)."""
    made = make_cycle(request.param, tmp_path_factory.mktemp(f"server-{request.param}"))
    yield made
    made.app.state.udcntt.db.dispose()
