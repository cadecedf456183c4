"""``udcntt serve``: the yearly cycle in a browser (the ``server`` extra).

Agencies fill in forms generated from the campaign's rule file and attach evidence; the
reviewers return forms with comments; the appraisal council records appraised values with
reasons; the department publishes the results, the same reports as ``udcntt score`` and a
receipt. SQLite by default, PostgreSQL on a province's server (SQLAlchemy 2, Alembic).

Nothing in the library imports this package; it uses the library through its public API.

>>> from udcntt.server import create_app                       # doctest: +SKIP
>>> app = create_app("sqlite:///cycle.db", data_dir="evidence/")  # doctest: +SKIP
"""

from udcntt.server._app import Settings, create_app
from udcntt.server._backup import backup_campaign
from udcntt.server._db import Database, current_revision, head_revision, upgrade
from udcntt.server._demo import DemoUser, add_user, seed_demo
from udcntt.server._models import ROLES
from udcntt.server._restore import restore_campaign

__all__ = [
    "ROLES",
    "Database",
    "DemoUser",
    "Settings",
    "add_user",
    "backup_campaign",
    "create_app",
    "current_revision",
    "head_revision",
    "restore_campaign",
    "seed_demo",
    "upgrade",
]
