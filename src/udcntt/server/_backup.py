"""Backing up and restoring one campaign (``udcntt db backup`` / ``udcntt db restore``).

A backup is a JSON document — the campaign, its rule file, agencies, submissions, values,
appraisals, evidence records, comments, audit trail, published reports and the users
involved (with their password hashes) — or a zip holding that document as
``campaign.json`` and every evidence file under ``evidence/<sha256>``. Restoring checks
every hash before writing anything: the rule file's, each evidence file's and each
published report's; then it inserts the campaign anew in one transaction (users that exist
already are reused by user name) and appends a ``restore`` audit entry.
"""

from __future__ import annotations

import base64
import json
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from udcntt.errors import DataError, msg
from udcntt.server._db import Database, current_revision
from udcntt.server._models import (
    Appraisal,
    AuditEntry,
    Campaign,
    Membership,
    PublishedReport,
    User,
)
from udcntt.server._uploads import evidence_path

__all__ = ["FORMAT", "backup_campaign"]

#: The ``format`` of a backup document.
FORMAT = "udcntt-campaign-backup/1"

_CAMPAIGN = (
    "year",
    "title",
    "status",
    "rules_name",
    "rules_text",
    "rules_sha256",
    "previous_json",
    "receipt_json",
)


def _when(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _dump(db: Session, campaign: Campaign) -> dict[str, Any]:
    users: dict[int, User] = {}

    def who(user_id: int) -> str:
        user = users.get(user_id) or db.get(User, user_id)
        if user is None:  # pragma: no cover - foreign keys forbid it
            raise DataError(msg("user {id} is missing", id=user_id), code="E-SERVER-BACKUP")
        users[user_id] = user
        return user.username

    agencies = []
    for a in campaign.agencies:
        item: dict[str, Any] = {
            "code": a.code,
            "name": a.name,
            "block": a.block,
            "ranked": a.ranked,
        }
        sub = a.submission
        if sub is not None:
            appraisals = db.scalars(select(Appraisal).where(Appraisal.submission_id == sub.id))
            item["submission"] = {
                "status": sub.status,
                "version": sub.version,
                "updated_at": _when(sub.updated_at),
                "submitted_at": _when(sub.submitted_at),
                "values": [
                    {
                        "indicator": v.indicator,
                        "raw": v.raw,
                        "value": v.value,
                        "appraised": v.appraised,
                        "appraised_reason": v.appraised_reason,
                    }
                    for v in sub.values
                ],
                "evidence": [
                    {
                        "indicator": e.indicator,
                        "doc_number": e.doc_number,
                        "title": e.title,
                        "doc_date": e.doc_date,
                        "filename": e.filename,
                        "sha256": e.sha256,
                        "size": e.size,
                        "kind": e.kind,
                    }
                    for e in sub.evidence
                ],
                "comments": [
                    {"user": who(c.user_id), "text": c.text, "created_at": _when(c.created_at)}
                    for c in sub.comments
                ],
                "appraisals": [
                    {
                        "indicator": p.indicator,
                        "user": who(p.user_id),
                        "value": p.value,
                        "reason": p.reason,
                        "created_at": _when(p.created_at),
                    }
                    for p in appraisals
                ],
            }
        agencies.append(item)
    codes = {a.code for a in campaign.agencies}
    for m in db.scalars(select(Membership).where(Membership.agency_code.in_(codes))):
        who(m.user_id)
    audit_rows = db.scalars(
        select(AuditEntry).where(AuditEntry.campaign_id == campaign.id).order_by(AuditEntry.id)
    )
    reports = db.scalars(select(PublishedReport).where(PublishedReport.campaign_id == campaign.id))
    return {
        "format": FORMAT,
        "database_revision": current_revision(db.get_bind()),  # type: ignore[arg-type]
        "campaign": {
            **{k: getattr(campaign, k) for k in _CAMPAIGN},
            "created_at": _when(campaign.created_at),
            "published_at": _when(campaign.published_at),
        },
        "users": [
            {
                "username": u.username,
                "name": u.name,
                "role": u.role,
                "password_hash": u.password_hash,
            }
            for u in sorted(users.values(), key=lambda u: u.username)
        ],
        "memberships": [
            {"username": users[m.user_id].username, "agency_code": m.agency_code}
            for m in db.scalars(select(Membership).where(Membership.agency_code.in_(codes)))
        ],
        "agencies": agencies,
        "audit": [
            {
                "at": _when(r.at),
                "username": r.username,
                "agency_code": r.agency_code,
                "submission_version": r.submission_version,
                "action": r.action,
                "field": r.field,
                "old": r.old,
                "new": r.new,
                "reason": r.reason,
            }
            for r in audit_rows
        ],
        "reports": [
            {
                "fmt": r.fmt,
                "sha256": r.sha256,
                "content": base64.b64encode(r.content).decode("ascii"),
            }
            for r in reports
        ],
    }


def backup_campaign(
    database: Database, campaign_id: int, path: str | Path, *, data_dir: str | Path | None = None
) -> dict[str, int]:
    """Write campaign ``campaign_id`` to ``path`` (``.json``, or ``.zip`` with evidence files).

    Returns counts of what was written (agencies, values, evidence files, audit entries).

    Raises:
        DataError: ``E-SERVER-BACKUP`` when the campaign does not exist, or a ``.zip``
            backup is asked without ``data_dir`` or misses an evidence file.
    """
    target = Path(path)
    with database.reader() as db:
        campaign = db.get(Campaign, campaign_id)
        if campaign is None:
            raise DataError(
                msg("there is no campaign {id}", id=campaign_id), code="E-SERVER-BACKUP"
            )
        document = _dump(db, campaign)
    blob = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    hashes = sorted(
        {
            e["sha256"]
            for a in document["agencies"]
            for e in a.get("submission", {}).get("evidence", [])
            if e["sha256"]
        }
    )
    if target.suffix.lower() == ".zip":
        if data_dir is None:
            raise DataError(
                msg("a .zip backup needs the folder of the evidence files"), code="E-SERVER-BACKUP"
            )
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("campaign.json", blob)
            for digest in hashes:
                source = evidence_path(Path(data_dir), digest)
                if not source.is_file():
                    raise DataError(
                        msg("the evidence file {sha256} is missing", sha256=digest),
                        code="E-SERVER-BACKUP",
                    )
                archive.write(source, f"evidence/{digest}")
    else:
        target.write_bytes(blob)
    return {
        "agencies": len(document["agencies"]),
        "values": sum(len(a.get("submission", {}).get("values", [])) for a in document["agencies"]),
        "evidence_files": len(hashes) if target.suffix.lower() == ".zip" else 0,
        "audit_entries": len(document["audit"]),
    }
