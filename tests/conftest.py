"""Test configuration: hypothesis profiles and shared fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# "ci" keeps the suite fast and reproducible; "dev" explores more; "thorough" for a long run.
settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parent.parent


def _worker_database(url: str, worker: str) -> str:
    """The URL of ``worker``'s own database beside ``url``'s, created when it is missing."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text("select 1 from pg_database where datname = :name"), {"name": name}
            ).scalar()
            if found is None:
                connection.execute(text(f'create database "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


# Under pytest-xdist each worker gets its own PostgreSQL database for the server tests.
# The README's command runs the suite in two processes, a test module per process
# (``-n 2 --dist loadfile``): the tests of one module share its files and fixtures in one
# process, and every test has its own temporary folder, LibreOffice and Chromium profiles
# and free port. The PostgreSQL tests of several modules empty the database they are given,
# so each worker gets its own, ``<database>_gw0``, ``<database>_gw1``, …, created beside the
# one ``UDCNTT_TEST_POSTGRES_URL`` names (its role needs CREATEDB; ``.ci/run`` grants it and
# drops the worker databases). Done on import, before tests/server reads the variable.
if os.environ.get("UDCNTT_TEST_POSTGRES_URL") and os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["UDCNTT_TEST_POSTGRES_URL"] = _worker_database(
        os.environ["UDCNTT_TEST_POSTGRES_URL"], os.environ["PYTEST_XDIST_WORKER"]
    )


def pytest_configure(config: pytest.Config) -> None:
    """Under ``--dist loadfile`` xdist hands the test modules out in the order collected
    (:func:`pytest_collection_modifyitems` puts the long ones first) rather than by their
    number of tests, which would leave the long modules of two tests to the end."""
    if getattr(config.option, "dist", None) == "loadfile":
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules with a ``slow`` or ``browser`` test first, each module's tests in their order:
    in two processes, one long module started last would keep one process busy while the
    other waits (longest first is how the two finish together)."""
    long = {
        item.path
        for item in items
        if item.get_closest_marker("slow") or item.get_closest_marker("browser")
    }
    items.sort(key=lambda item: item.path not in long)


@pytest.fixture
def root() -> Path:
    """The project's root folder."""
    return ROOT


@pytest.fixture
def small_rules_path() -> Path:
    """A small valid rule file covering most rule types."""
    return ROOT / "tests" / "fixtures" / "valid" / "small.yaml"
