"""The database of the yearly cycle (SQLAlchemy 2 declarative models).

One campaign is one survey year under one rule file. Its agencies come from the registry;
each agency has one submission (its self-assessment), whose ``version`` column makes
saving optimistic: an ``UPDATE`` names the version the form was read at, and a stale form
updates no row. Values keep the agency's figure and the council's appraised figure side by
side; evidence files are stored once, by SHA-256 of their content. Audit entries are
append-only: the ORM refuses to update or delete them, and so does the database (triggers
created by the initial migration).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, relationship

__all__ = [
    "ROLES",
    "Agency",
    "Appraisal",
    "AuditEntry",
    "Base",
    "Campaign",
    "Comment",
    "Evidence",
    "Membership",
    "PublishedReport",
    "Submission",
    "User",
    "ValueRow",
    "now",
]

#: The roles of the cycle: department administrator, agency user, reviewer (tổ giúp việc),
#: council member (hội đồng thẩm định).
ROLES = ("admin", "agency", "reviewer", "council")


def now() -> datetime:
    """The current time in UTC, without microseconds (stable across databases)."""
    return datetime.now(UTC).replace(microsecond=0, tzinfo=None)


class Base(DeclarativeBase):
    """The declarative base of the server's tables."""


class User(Base):
    """A person who logs in; ``role`` is one of :data:`ROLES`."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=now)
    memberships: Mapped[list[Membership]] = relationship(back_populates="user")


class Campaign(Base):
    """One survey year under one rule file: ``open``, ``closed`` then ``published``."""

    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="open")
    rules_name: Mapped[str] = mapped_column(String(200))
    rules_text: Mapped[str] = mapped_column(Text)
    rules_sha256: Mapped[str] = mapped_column(String(64))
    previous_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    receipt_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    published_at: Mapped[datetime | None] = mapped_column(nullable=True)
    agencies: Mapped[list[Agency]] = relationship(
        back_populates="campaign", order_by="Agency.id", cascade="all, delete-orphan"
    )


class Agency(Base):
    """An agency of a campaign, as the registry declares it."""

    __tablename__ = "agencies"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    code: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(300))
    block: Mapped[str] = mapped_column(String(120))
    ranked: Mapped[bool] = mapped_column(default=True)
    campaign: Mapped[Campaign] = relationship(back_populates="agencies")
    submission: Mapped[Submission | None] = relationship(
        back_populates="agency", cascade="all, delete-orphan", uselist=False
    )


class Membership(Base):
    """An agency user's right to an agency's submissions, by agency id (every campaign)."""

    __tablename__ = "memberships"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(120), primary_key=True)
    user: Mapped[User] = relationship(back_populates="memberships")


class Submission(Base):
    """An agency's self-assessment: ``draft``, ``submitted``, ``accepted`` or ``returned``.

    ``version`` counts saves; SQLAlchemy checks it on every UPDATE (optimistic locking).
    """

    __tablename__ = "submissions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=now)
    submitted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    agency: Mapped[Agency] = relationship(back_populates="submission")
    values: Mapped[list[ValueRow]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="ValueRow.id"
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="Evidence.id"
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="Comment.id"
    )
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's own protocol)


class ValueRow(Base):
    """One indicator's value: the text typed, the typed value, and the appraised value.

    ``value`` and ``appraised`` are encoded by :func:`udcntt.server._values.encode`.
    """

    __tablename__ = "value_rows"
    __table_args__ = (UniqueConstraint("submission_id", "indicator"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    indicator: Mapped[str] = mapped_column(String(120))
    raw: Mapped[str] = mapped_column(Text, default="")
    value: Mapped[str] = mapped_column(Text, default="m:MISSING")
    appraised: Mapped[str | None] = mapped_column(Text, nullable=True)
    appraised_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    submission: Mapped[Submission] = relationship(back_populates="values")


class Evidence(Base):
    """A document backing an indicator's value (minh chứng); the file is stored by hash."""

    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    indicator: Mapped[str] = mapped_column(String(120))
    doc_number: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(500), default="")
    doc_date: Mapped[str] = mapped_column(String(10), default="")
    filename: Mapped[str | None] = mapped_column(String(255), nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    submission: Mapped[Submission] = relationship(back_populates="evidence")


class Comment(Base):
    """A reviewer's or council member's comment on a submission."""

    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now)
    submission: Mapped[Submission] = relationship(back_populates="comments")
    user: Mapped[User] = relationship()


class Appraisal(Base):
    """A council member's appraised value of one indicator, with the reason (history)."""

    __tablename__ = "appraisals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    indicator: Mapped[str] = mapped_column(String(120))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    value: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now)


class AuditEntry(Base):
    """One change: who, when, what (old → new) and why. Never updated, never deleted."""

    __tablename__ = "audit_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now)
    username: Mapped[str] = mapped_column(String(80))
    campaign_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    agency_code: Mapped[str | None] = mapped_column(String(120), nullable=True, index=True)
    submission_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    field: Mapped[str | None] = mapped_column(String(200), nullable=True)
    old: Mapped[str | None] = mapped_column(Text, nullable=True)
    new: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class PublishedReport(Base):
    """A report written at publication (HTML, XLSX, DOCX, JSON), kept with its hash."""

    __tablename__ = "published_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    fmt: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an audit entry."""


def _refuse(mapper: Mapper[AuditEntry], connection: object, target: AuditEntry) -> None:
    raise AppendOnlyError(f"audit entry {target.id} is append-only")


event.listen(AuditEntry, "before_update", _refuse)
event.listen(AuditEntry, "before_delete", _refuse)
