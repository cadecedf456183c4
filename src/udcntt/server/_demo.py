"""The demonstration campaign of ``udcntt serve --demo``.

It opens the shipped Lâm Đồng 2025 example (SYNTHETIC data: rule file, registry, last
year's results scored from the 2024 example survey) and creates five users — an
administrator, two agency users, a reviewer and a council member — with random passwords
that the command prints. Every agency except the two demo agencies has its example values
already submitted, so a publication ranks the whole province.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from udcntt.data import read_registry, read_survey
from udcntt.errors import UsageError, msg
from udcntt.evaluation import evaluate
from udcntt.program import load_rules
from udcntt.report import assessment_to_json
from udcntt.server._app import State
from udcntt.server._cycle import audit
from udcntt.server._db import Database
from udcntt.server._models import (
    ROLES,
    Agency,
    Campaign,
    Membership,
    Submission,
    User,
    ValueRow,
    now,
)
from udcntt.server._security import hash_password
from udcntt.server._values import encode

__all__ = ["DEMO_AGENCIES", "DemoUser", "add_user", "seed_demo"]

#: The agencies whose users log in in the demo (their forms start empty).
DEMO_AGENCIES = ("van_phong_ubnd", "so_noi_vu")

_FILES = {
    "rules": "commune-2025.yaml",
    "registry": "lam-dong-2025-agencies.yaml",
    "previous": "lam-dong-2025-survey-2024.csv",
    "survey": "lam-dong-2025-survey-2025.csv",
}


@dataclass(frozen=True)
class DemoUser:
    """A demo login: user name, password, role and agency (agency users)."""

    username: str
    password: str
    role: str
    agency: str | None = None


def _files() -> dict[str, Path]:
    base = resources.files("udcntt") / "_demo"
    return {k: Path(str(base / v)) for k, v in _FILES.items()}


def seed_demo(state: State, *, prefill: bool = True) -> list[DemoUser]:
    """Create the demo users and campaign (once); returns the logins to print.

    Raises:
        UdcnttError: if the shipped example cannot be read (a broken installation).
    """
    files = _files()
    rules = load_rules(files["rules"])
    registry = read_registry(files["registry"])
    previous = evaluate(rules, read_survey(files["previous"], rules, year=2024))
    users = [
        DemoUser("admin", secrets.token_urlsafe(9), "admin"),
        DemoUser("vanphong", secrets.token_urlsafe(9), "agency", DEMO_AGENCIES[0]),
        DemoUser("noivu", secrets.token_urlsafe(9), "agency", DEMO_AGENCIES[1]),
        DemoUser("totgiupviec", secrets.token_urlsafe(9), "reviewer"),
        DemoUser("hoidong", secrets.token_urlsafe(9), "council"),
    ]
    names = {
        "admin": "Quản trị Sở",
        "vanphong": "Cán bộ Văn phòng UBND",
        "noivu": "Cán bộ Sở Nội vụ",
        "totgiupviec": "Tổ giúp việc",
        "hoidong": "Thành viên Hội đồng",
    }
    rules_bytes = files["rules"].read_bytes()
    with state.db.session() as db:
        if db.scalar(select(User).where(User.username == "admin")) is not None:
            return []
        created: dict[str, User] = {}
        for u in users:
            user = User(
                username=u.username,
                name=names[u.username],
                role=u.role,
                password_hash=hash_password(u.password),
            )
            db.add(user)
            db.flush()
            created[u.username] = user
            if u.agency is not None:
                db.add(Membership(user_id=user.id, agency_code=u.agency))
        campaign = Campaign(
            year=2025,
            title=rules.title,
            status="open",
            rules_name=files["rules"].name,
            rules_text=rules_bytes.decode("utf-8"),
            rules_sha256=hashlib.sha256(rules_bytes).hexdigest(),
            previous_json=assessment_to_json(previous),
        )
        db.add(campaign)
        db.flush()
        for a in registry.agencies:
            db.add(
                Agency(
                    campaign_id=campaign.id, code=a.id, name=a.name, block=a.block, ranked=a.ranked
                )
            )
        db.flush()
        admin = created["admin"]
        audit(db, admin, "campaign-open", campaign_id=campaign.id, new="demo")
        if prefill:
            _prefill(db, campaign, files, rules, registry, admin)
    return users


def _prefill(
    db: object,
    campaign: Campaign,
    files: dict[str, Path],
    rules: object,
    registry: object,
    admin: User,
) -> None:

    if not isinstance(db, Session):  # pragma: no cover - always a session
        raise TypeError("a session is needed")
    data = read_survey(files["survey"], rules, registry=registry, year=2025)  # type: ignore[arg-type]
    agencies = {
        a.code: a for a in db.scalars(select(Agency).where(Agency.campaign_id == campaign.id))
    }
    for record in data.agencies:
        agency = agencies.get(record.id)
        if agency is None or record.id in DEMO_AGENCIES:
            continue
        sub = Submission(agency_id=agency.id, status="submitted", submitted_at=now())
        sub.values = [
            ValueRow(indicator=k, raw="", value=encode(v)) for k, v in record.values.items()
        ]
        db.add(sub)
    audit(
        db,
        admin,
        "demo-prefill",
        campaign_id=campaign.id,
        new=str(len(agencies) - len(DEMO_AGENCIES)),
    )


def add_user(
    database: Database,
    username: str,
    password: str,
    *,
    role: str = "admin",
    agencies: list[str] | tuple[str, ...] = (),
    name: str | None = None,
) -> int:
    """Add a user (``udcntt db add-user``: the first administrator of a province).

    Raises:
        UsageError: for an unknown role, a password under 10 characters, or a user name
            that is taken.
    """
    if role not in ROLES:
        raise UsageError(
            msg("unknown role {role}", role=role),
            hint=msg("roles: {roles}", roles=", ".join(ROLES)),
        )
    if len(password) < 10:
        raise UsageError(msg("the password needs at least {count} characters", count=10))
    with database.session() as db:
        if db.scalar(select(User).where(User.username == username)) is not None:
            raise UsageError(msg("the user name {username} is taken", username=username))
        user = User(
            username=username,
            name=name or username,
            role=role,
            password_hash=hash_password(password),
        )
        db.add(user)
        db.flush()
        for code in dict.fromkeys(agencies):
            db.add(Membership(user_id=user.id, agency_code=code))
        audit(db, "udcntt db", "user", field=username, new=f"{role} {','.join(agencies)}".strip())
        return user.id
