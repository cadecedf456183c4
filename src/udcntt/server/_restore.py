"""Restoring a campaign from a backup written by :func:`udcntt.server.backup_campaign`.

Every hash is checked before anything is written; the campaign is then inserted anew in
one transaction, and a ``restore`` audit entry names the file and its SHA-256.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from udcntt.errors import DataError, msg
from udcntt.server._backup import FORMAT
from udcntt.server._cycle import audit
from udcntt.server._db import Database
from udcntt.server._models import (
    Agency,
    Appraisal,
    AuditEntry,
    Campaign,
    Comment,
    Evidence,
    Membership,
    PublishedReport,
    Submission,
    User,
    ValueRow,
)
from udcntt.server._uploads import MAX_ZIP_TOTAL, evidence_path

__all__ = ["restore_campaign"]


def _bad(message: Any) -> DataError:
    return DataError(message, code="E-SERVER-BACKUP")


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _read(path: Path) -> tuple[dict[str, Any], dict[str, bytes], bytes]:
    raw = path.read_bytes()
    files: dict[str, bytes] = {}
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            if sum(i.file_size for i in archive.infolist()) > 4 * MAX_ZIP_TOTAL:
                raise _bad(msg("the backup archive inflates beyond the limit"))
            try:
                blob = archive.read("campaign.json")
            except KeyError as exc:
                raise _bad(msg("the backup archive has no campaign.json")) from exc
            for info in archive.infolist():
                if info.filename.startswith("evidence/"):
                    files[info.filename.removeprefix("evidence/")] = archive.read(info)
    else:
        blob = raw
    try:
        document = json.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(msg("the backup is not a JSON document")) from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _bad(msg("the file is not a campaign backup of udcntt ({format})", format=FORMAT))
    return document, files, raw


def _check(document: dict[str, Any], files: dict[str, bytes], data_dir: Path | None) -> None:
    campaign = document["campaign"]
    if (
        hashlib.sha256(campaign["rules_text"].encode("utf-8")).hexdigest()
        != campaign["rules_sha256"]
    ):
        raise _bad(msg("the rule file in the backup does not match its SHA-256"))
    for report in document["reports"]:
        content = base64.b64decode(report["content"])
        if hashlib.sha256(content).hexdigest() != report["sha256"]:
            raise _bad(
                msg("the published {fmt} report does not match its SHA-256", fmt=report["fmt"])
            )
    for name, content in files.items():
        if hashlib.sha256(content).hexdigest() != name:
            raise _bad(msg("the evidence file {sha256} does not match its SHA-256", sha256=name))
    for agency in document["agencies"]:
        for ev in agency.get("submission", {}).get("evidence", []):
            digest = ev.get("sha256")
            if digest is None or digest in files:
                continue
            if data_dir is not None:
                stored = evidence_path(data_dir, digest)
                if stored.is_file() and hashlib.sha256(stored.read_bytes()).hexdigest() == digest:
                    continue
            if files or data_dir is not None:
                raise _bad(msg("the evidence file {sha256} is missing", sha256=digest))


def _write_files(files: dict[str, bytes], data_dir: Path) -> None:
    for digest, content in files.items():
        target = evidence_path(data_dir, digest)
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".restore-")
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(tmp, target)


def _users(db: Session, document: dict[str, Any]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for u in document["users"]:
        user = db.scalar(select(User).where(User.username == u["username"]))
        if user is None:
            user = User(
                username=u["username"],
                name=u["name"],
                role=u["role"],
                password_hash=u["password_hash"],
            )
            db.add(user)
            db.flush()
        ids[u["username"]] = user.id
    for m in document["memberships"]:
        key = {"user_id": ids[m["username"]], "agency_code": m["agency_code"]}
        if db.get(Membership, key) is None:
            db.add(Membership(**key))
    return ids


def restore_campaign(
    database: Database,
    path: str | Path,
    *,
    data_dir: str | Path | None = None,
    username: str = "restore",
) -> int:
    """Restore the campaign backed up in ``path``; returns the new campaign's id.

    Raises:
        DataError: ``E-SERVER-BACKUP`` for a file that is not a backup, or whose rule file,
            reports or evidence files do not match their SHA-256 (nothing is written).
    """
    source = Path(path)
    document, files, raw = _read(source)
    folder = Path(data_dir) if data_dir is not None else None
    _check(document, files, folder)
    if folder is not None:
        _write_files(files, folder)
    c = document["campaign"]
    with database.session() as db:
        users = _users(db, document)
        campaign = Campaign(
            **{
                k: c[k]
                for k in (
                    "year",
                    "title",
                    "status",
                    "rules_name",
                    "rules_text",
                    "rules_sha256",
                    "previous_json",
                    "receipt_json",
                )
            },
            created_at=_time(c["created_at"]),
            published_at=_time(c["published_at"]),
        )
        db.add(campaign)
        db.flush()
        for a in document["agencies"]:
            agency = Agency(
                campaign_id=campaign.id,
                code=a["code"],
                name=a["name"],
                block=a["block"],
                ranked=a["ranked"],
            )
            db.add(agency)
            db.flush()
            s = a.get("submission")
            if s is None:
                continue
            sub = Submission(
                agency_id=agency.id,
                status=s["status"],
                version=s["version"],
                updated_at=_time(s["updated_at"]),
                submitted_at=_time(s["submitted_at"]),
            )
            sub.values = [ValueRow(**v) for v in s["values"]]
            sub.evidence = [Evidence(**e) for e in s["evidence"]]
            sub.comments = [
                Comment(user_id=users[x["user"]], text=x["text"], created_at=_time(x["created_at"]))
                for x in s["comments"]
            ]
            db.add(sub)
            db.flush()
            for p in s["appraisals"]:
                db.add(
                    Appraisal(
                        submission_id=sub.id,
                        indicator=p["indicator"],
                        user_id=users[p["user"]],
                        value=p["value"],
                        reason=p["reason"],
                        created_at=_time(p["created_at"]),
                    )
                )
        for r in document["audit"]:
            db.add(AuditEntry(campaign_id=campaign.id, **{**r, "at": _time(r["at"])}))
        for r in document["reports"]:
            db.add(
                PublishedReport(
                    campaign_id=campaign.id,
                    fmt=r["fmt"],
                    sha256=r["sha256"],
                    content=base64.b64decode(r["content"]),
                )
            )
        db.flush()
        audit(
            db,
            username,
            "restore",
            campaign_id=campaign.id,
            new=source.name,
            reason=f"sha256:{hashlib.sha256(raw).hexdigest()}",
        )
        return campaign.id
