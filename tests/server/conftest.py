"""Fixtures of the server tests: one application per database and module.

SQLite always; PostgreSQL as well when ``UDCNTT_TEST_POSTGRES_URL`` names a database the
tests may empty (``.ci/run`` starts Debian's PostgreSQL and sets it).
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on PostgreSQL share one database: under pytest-xdist (``--dist loadgroup``) they
    run in one worker, one after another, never two emptying it at once."""
    for item in items:
        spec = getattr(item, "callspec", None)
        if spec is not None and "postgresql" in spec.params.values():
            item.add_marker(pytest.mark.xdist_group("postgresql"))
