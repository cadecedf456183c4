"""The reviewer's and the council's pages: read a submission, return it with a comment,
record appraised values with reasons, and download evidence files.

A reviewer (tổ giúp việc) accepts a submitted form for appraisal (tiếp nhận), or returns it
to its agency with a comment; a council member appraises an accepted form: a council
member (hội đồng thẩm định) records an appraised value for an indicator with a reason —
scoring then uses it. Each action is an audit entry; an appraised value is read with the
same parser as the agency's own.
"""

from __future__ import annotations

from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response

from udcntt.server._app import Ctx
from udcntt.server._cycle import audit, live_score, parse_fields, touch
from udcntt.server._models import (
    Appraisal,
    AuditEntry,
    Comment,
    Evidence,
    Submission,
    ValueRow,
)
from udcntt.server._pages_auth import not_found
from udcntt.server._pages_form import agency_for
from udcntt.server._uploads import evidence_path
from udcntt.server._values import form_fields

__all__ = [
    "REVIEWABLE",
    "accept",
    "appraise",
    "comment",
    "evidence_file",
    "return_submission",
    "submission_page",
]

_MEDIA = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: The statuses in which a reviewer may still return a form.
REVIEWABLE = ("submitted", "accepted")
#: Longest comment or reason kept (characters).
MAX_TEXT = 5000


def submission_page(ctx: Ctx, *, status: int = 200, error: str | None = None) -> Response:
    """A submission as the staff read it: values, appraisals, evidence, comments, history."""
    ctx.require("admin", "reviewer", "council")
    with ctx.state.db.reader() as db:
        campaign, agency = agency_for(ctx, db)
        rules = ctx.state.rules.rules(campaign)
        history = list(
            db.scalars(
                select(AuditEntry)
                .where(AuditEntry.campaign_id == campaign.id, AuditEntry.agency_code == agency.code)
                .order_by(AuditEntry.id)
            )
        )
        sub = agency.submission
        return ctx.render(
            "submission.html",
            status=status,
            campaign=campaign,
            agency=agency,
            submission=sub,
            fields=form_fields(rules, agency.block, ctx.lang),
            values={r.indicator: r for r in (sub.values if sub else ())},
            evidence={e.indicator: e for e in (sub.evidence if sub else ())},
            comments=list(sub.comments) if sub else [],
            history=history,
            score=live_score(rules, agency, campaign.year),
            error=error,
        )


def _text(ctx: Ctx, name: str) -> str:
    return ctx.field(name).strip()[:MAX_TEXT]


def return_submission(ctx: Ctx) -> Response:
    """Return a submitted form to its agency, with a comment (reviewers and administrators)."""
    user = ctx.require("reviewer", "admin")
    text = _text(ctx, "comment")
    if not text:
        return submission_page(ctx, status=422, error=ctx.t("need_comment"))
    with ctx.state.db.session() as db:
        campaign, agency = agency_for(ctx, db)
        sub = agency.submission
        if sub is None or sub.status not in REVIEWABLE or campaign.status != "open":
            raise HTTPException(409, ctx.t("not_returnable"))
        before = sub.status
        sub.status = "returned"
        sub.comments.append(Comment(user_id=user.id, text=text))
        touch(db, sub)
        audit(
            db,
            user,
            "return",
            campaign_id=campaign.id,
            agency_code=agency.code,
            version=sub.version,
            old=before,
            new="returned",
            reason=text,
        )
        url = f"/campaigns/{campaign.id}/agencies/{agency.id}"
    return ctx.redirect(url)


def accept(ctx: Ctx) -> Response:
    """Accept a submitted form for appraisal (tiếp nhận; reviewers and administrators).

    The council appraises only accepted forms; the acceptance is an audit entry and bumps
    the submission's version. A reviewer may still return an accepted form.

    Raises:
        HTTPException: 409 unless the form is submitted and the campaign unpublished.
    """
    user = ctx.require("reviewer", "admin")
    with ctx.state.db.session() as db:
        campaign, agency = agency_for(ctx, db)
        sub = agency.submission
        if sub is None or sub.status != "submitted" or campaign.status == "published":
            raise HTTPException(409, ctx.t("not_acceptable"))
        sub.status = "accepted"
        touch(db, sub)
        audit(
            db,
            user,
            "accept",
            campaign_id=campaign.id,
            agency_code=agency.code,
            version=sub.version,
            old="submitted",
            new="accepted",
        )
        url = f"/campaigns/{campaign.id}/agencies/{agency.id}"
    return ctx.redirect(url)


def comment(ctx: Ctx) -> Response:
    """Add a comment to a submission (staff)."""
    user = ctx.require("reviewer", "council", "admin")
    text = _text(ctx, "comment")
    if not text:
        return submission_page(ctx, status=422, error=ctx.t("need_comment"))
    with ctx.state.db.session() as db:
        campaign, agency = agency_for(ctx, db)
        sub = agency.submission
        if sub is None:
            raise not_found(ctx)
        sub.comments.append(Comment(user_id=user.id, text=text))
        audit(db, user, "comment", campaign_id=campaign.id, agency_code=agency.code, reason=text)
        url = f"/campaigns/{campaign.id}/agencies/{agency.id}"
    return ctx.redirect(url)


def appraise(ctx: Ctx) -> Response:
    """Record the council's value of one indicator, with the reason."""
    user = ctx.require("council")
    indicator = ctx.field("indicator")
    reason = _text(ctx, "reason")
    if not reason:
        return submission_page(ctx, status=422, error=ctx.t("need_reason"))
    with ctx.state.db.session() as db:
        campaign, agency = agency_for(ctx, db)
        sub = agency.submission
        if sub is None or sub.status != "accepted" or campaign.status == "published":
            raise HTTPException(409, ctx.t("not_appraisable"))
        rules = ctx.state.rules.rules(campaign)
        fields = [f for f in form_fields(rules, agency.block, ctx.lang) if f.id == indicator]
        if not fields:
            raise not_found(ctx)
        form = {f"v_{indicator}": ctx.field("value"), f"na_{indicator}": ctx.field("na")}
        values, errors = parse_fields(fields, form, locale=rules.locale, agency=agency.code)
        if errors or indicator not in values:
            problem = errors.get(indicator)
            detail = ctx.text(problem.message) if problem is not None else ctx.t("need_value")
            return submission_page(ctx, status=422, error=detail)
        _, stored = values[indicator]
        row = next((r for r in sub.values if r.indicator == indicator), None)
        if row is None:
            row = ValueRow(indicator=indicator, raw="", value="m:MISSING")
            sub.values.append(row)
        old = row.appraised if row.appraised is not None else row.value
        row.appraised = stored
        row.appraised_reason = reason
        db.add(
            Appraisal(
                submission_id=sub.id,
                indicator=indicator,
                user_id=user.id,
                value=stored,
                reason=reason,
            )
        )
        touch(db, sub)
        audit(
            db,
            user,
            "appraise",
            campaign_id=campaign.id,
            agency_code=agency.code,
            version=sub.version,
            field=indicator,
            old=old,
            new=stored,
            reason=reason,
        )
        url = f"/campaigns/{campaign.id}/agencies/{agency.id}"
    return ctx.redirect(url)


def evidence_file(ctx: Ctx) -> Response:
    """An evidence file, to the agency's own users and the staff only."""
    ctx.require()
    with ctx.state.db.reader() as db:
        row = db.get(Evidence, int(ctx.request.path_params["eid"]))
        if row is None or row.sha256 is None:
            raise not_found(ctx)
        sub = db.get(Submission, row.submission_id)
        if sub is None or not ctx.agency_allowed(db, sub.agency):
            raise not_found(ctx)
        path = evidence_path(ctx.state.data_dir, row.sha256)
        if not path.is_file():
            raise not_found(ctx)
        return ctx.finish(
            FileResponse(
                path,
                media_type=_MEDIA.get(row.kind or "", "application/octet-stream"),
                filename=row.filename or row.sha256,
                content_disposition_type="attachment",
            )
        )
