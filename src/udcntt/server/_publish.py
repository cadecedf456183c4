"""Publication: the campaign's results, its reports and its receipt, and the public pages.

Publishing scores the submitted values — the council's appraised value where it gave one —
with :func:`udcntt.evaluate` (against last year's results when the campaign has them),
writes the same HTML, XLSX, DOCX and JSON reports as ``udcntt score`` with
:func:`udcntt.report.render_report`, keeps them in the database with their SHA-256, and
writes a receipt naming the campaign, the database revision (Alembic) and the hashes of
the rule file, the data and every report. Nothing is written when scoring fails.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from udcntt._version import __version__
from udcntt.errors import Diagnostic, UdcnttError, msg
from udcntt.evaluation import Assessment, evaluate
from udcntt.server._app import Ctx, State
from udcntt.server._cycle import audit, campaign_dataset
from udcntt.server._models import Campaign, PublishedReport, User, now
from udcntt.server._pages_auth import not_found

__all__ = ["REPORT_TYPES", "publish_campaign", "receipt_page", "report_file", "results_page"]

#: The published reports: extension → media type.
REPORT_TYPES = {
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
}


def publish_campaign(
    state: State, db: Session, campaign: Campaign, user: User
) -> list[Diagnostic] | None:
    """Score and publish ``campaign`` in the caller's transaction.

    Returns ``None`` when published, or the diagnostics that stopped it (nothing written).
    """
    from udcntt.report import render_report

    rules = state.rules.rules(campaign)
    data = campaign_dataset(campaign)
    if not data.agencies:
        return [
            Diagnostic(
                code="E-SERVER-PUBLISH",
                message=msg("no agency has submitted its values; there is nothing to publish"),
            )
        ]
    try:
        assessment = evaluate(
            rules,
            data,
            previous=state.rules.previous(campaign),
            options={"campaign": campaign.id},
        )
        reports = {
            ext: render_report(assessment, f".{ext}", lang=state.settings.lang)
            for ext in REPORT_TYPES
        }
    except UdcnttError as exc:
        return list(exc.diagnostics)
    hashes = {ext: hashlib.sha256(content).hexdigest() for ext, content in reports.items()}
    for ext, content in reports.items():
        db.add(
            PublishedReport(campaign_id=campaign.id, fmt=ext, sha256=hashes[ext], content=content)
        )
    at = now()
    receipt = {
        "campaign": {"id": campaign.id, "year": campaign.year, "title": campaign.title},
        "published_at": at.isoformat() + "Z",
        "published_by": user.username,
        "database_revision": state.revision,
        "udcntt_version": __version__,
        "rules": {"file": campaign.rules_name, "sha256": campaign.rules_sha256},
        "data_fingerprint": data.fingerprint(),
        "agencies": len(data.agencies),
        "reports": hashes,
    }
    campaign.status = "published"
    campaign.published_at = at
    campaign.receipt_json = json.dumps(receipt, ensure_ascii=False, indent=2, sort_keys=True)
    audit(
        db,
        user,
        "campaign-publish",
        campaign_id=campaign.id,
        old="closed",
        new="published",
        reason=f"data {receipt['data_fingerprint']}",
    )
    state.assessments.pop(campaign.id, None)
    return None


def published_assessment(state: State, db: Session, campaign: Campaign) -> Assessment | None:
    """The published results, read back from the stored JSON report."""
    from udcntt.report import load_assessment

    cached = state.assessments.get(campaign.id)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    row = db.scalar(
        select(PublishedReport).where(
            PublishedReport.campaign_id == campaign.id, PublishedReport.fmt == "json"
        )
    )
    if row is None:
        return None
    with tempfile.TemporaryDirectory(prefix="udcntt-results-") as folder:
        path = Path(folder) / "results.json"
        path.write_bytes(row.content)
        assessment = load_assessment(path)
    state.assessments[campaign.id] = assessment
    return assessment


def _published(ctx: Ctx, db: Session) -> Campaign:
    campaign = db.get(Campaign, int(ctx.request.path_params["cid"]))
    if campaign is None or campaign.status != "published":
        raise not_found(ctx)
    return campaign


def results_page(ctx: Ctx) -> Response:
    """The public results: tiers and ranks by block."""
    with ctx.state.db.reader() as db:
        campaign = _published(ctx, db)
        assessment = published_assessment(ctx.state, db, campaign)
        if assessment is None:
            raise not_found(ctx)
        blocks: dict[str, list[Any]] = {}
        for r in assessment.results:
            blocks.setdefault(r.block, []).append(r)
        for rows in blocks.values():
            rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.agency_id))
        return ctx.render(
            "results.html",
            campaign=campaign,
            assessment=assessment,
            blocks=blocks,
            formats=list(REPORT_TYPES),
        )


def report_file(ctx: Ctx) -> Response:
    """A published report, as stored at publication."""
    fmt = ctx.request.path_params["fmt"]
    if fmt not in REPORT_TYPES:
        raise not_found(ctx)
    with ctx.state.db.reader() as db:
        campaign = _published(ctx, db)
        row = db.scalar(
            select(PublishedReport).where(
                PublishedReport.campaign_id == campaign.id, PublishedReport.fmt == fmt
            )
        )
        if row is None:
            raise not_found(ctx)
        name = f"ket-qua-{campaign.year}.{fmt}"
        return ctx.finish(
            Response(
                row.content,
                media_type=REPORT_TYPES[fmt],
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        )


def receipt_page(ctx: Ctx) -> Response:
    """The receipt of the publication (JSON)."""
    with ctx.state.db.reader() as db:
        campaign = _published(ctx, db)
        return ctx.finish(Response(campaign.receipt_json or "{}", media_type="application/json"))
