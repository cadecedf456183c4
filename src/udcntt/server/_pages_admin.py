"""The administrator's pages: open a campaign, follow it, close it and publish it.

Opening a campaign reads the uploaded rule file with :func:`udcntt.check_rules` (the
diagnostics of ``udcntt check``, located, shown in the page), the registry with
:func:`udcntt.read_registry` and last year's results with :func:`udcntt.load_assessment`.
When any of them fails nothing is stored.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from starlette.responses import Response

from udcntt.errors import Diagnostic, Severity
from udcntt.server._app import Ctx
from udcntt.server._cycle import (
    audit,
    check_rule_upload,
    read_previous_upload,
    read_registry_upload,
)
from udcntt.server._models import Agency, Campaign, Submission
from udcntt.server._pages_auth import not_found
from udcntt.server._publish import publish_campaign

__all__ = ["campaign_close", "campaign_new", "campaign_open", "campaign_page", "campaign_publish"]

#: Largest rule file, registry or results file accepted (bytes).
MAX_FILE = 5 * 1024 * 1024


def campaign_new(ctx: Ctx) -> Response:
    """The form that opens a campaign."""
    ctx.require("admin")
    return ctx.render("campaign_new.html", diagnostics=[], values={})


def _read(ctx: Ctx, name: str) -> tuple[str, bytes] | None:
    upload = ctx.file(name)
    if upload is None:
        return None
    data = upload.file.read(MAX_FILE + 1)
    return upload.filename or name, data


def campaign_open(ctx: Ctx) -> Response:
    """Open a campaign from the uploaded files, or show what is wrong with them."""
    admin = ctx.require("admin")
    values = {k: ctx.field(k) for k in ("year", "title")}
    diagnostics: list[Diagnostic] = []
    problems: list[str] = []
    year_text = values["year"].strip()
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
    if year is None:
        problems.append(ctx.t("bad_year"))
    rules_file = _read(ctx, "rules")
    registry_file = _read(ctx, "registry")
    previous_file = _read(ctx, "previous")
    if rules_file is None:
        problems.append(ctx.t("need_rules"))
    if registry_file is None:
        problems.append(ctx.t("need_registry"))
    for upload in (rules_file, registry_file, previous_file):
        if upload is not None and len(upload[1]) > MAX_FILE:
            problems.append(ctx.t("file_too_large", name=upload[0], limit=MAX_FILE))
    rules = registry = None
    if rules_file is not None and not problems:
        rules, found = check_rule_upload(*rules_file)
        diagnostics += found
    if registry_file is not None and not problems:
        registry, found = read_registry_upload(*registry_file)
        diagnostics += found
    previous_text = None
    if previous_file is not None and not problems:
        previous, found = read_previous_upload(previous_file[1])
        diagnostics += found
        if previous is not None:
            previous_text = previous_file[1].decode("utf-8")
    if rules is not None and registry is not None:
        unknown = sorted({a.block for a in registry.agencies} - set(rules.blocks))
        if unknown:
            problems.append(ctx.t("unknown_blocks", blocks=", ".join(unknown)))
    failed = any(d.severity is Severity.ERROR for d in diagnostics)
    if problems or failed or rules is None or registry is None or rules_file is None:
        return ctx.render(
            "campaign_new.html",
            status=422,
            diagnostics=diagnostics,
            problems=problems,
            values=values,
        )
    text = rules_file[1].decode("utf-8")
    with ctx.state.db.session() as db:
        campaign = Campaign(
            year=year,
            title=values["title"].strip() or rules.title,
            status="open",
            rules_name=rules_file[0],
            rules_text=text,
            rules_sha256=hashlib.sha256(rules_file[1]).hexdigest(),
            previous_json=previous_text,
        )
        db.add(campaign)
        db.flush()
        for a in registry.agencies:
            db.add(
                Agency(
                    campaign_id=campaign.id, code=a.id, name=a.name, block=a.block, ranked=a.ranked
                )
            )
        audit(
            db,
            admin,
            "campaign-open",
            campaign_id=campaign.id,
            new=f"{campaign.year} {campaign.rules_name} sha256:{campaign.rules_sha256}",
        )
        cid = campaign.id
    return ctx.redirect(f"/campaigns/{cid}")


def campaign_page(ctx: Ctx) -> Response:
    """The campaign's agencies and the state of their submissions (staff only)."""
    ctx.require("admin", "reviewer", "council")
    cid = int(ctx.request.path_params["cid"])
    with ctx.state.db.reader() as db:
        campaign = db.get(Campaign, cid)
        if campaign is None:
            raise not_found(ctx)
        rows = list(
            db.execute(
                select(Agency, Submission)
                .outerjoin(Submission, Submission.agency_id == Agency.id)
                .where(Agency.campaign_id == cid)
                .order_by(Agency.block, Agency.code)
            )
        )
        rules = ctx.state.rules.rules(campaign)
        return ctx.render(
            "campaign.html",
            campaign=campaign,
            rows=rows,
            blocks={k: b.label for k, b in rules.blocks.items()},
            diagnostics=[],
        )


def campaign_close(ctx: Ctx) -> Response:
    """Close a campaign: agencies can no longer save or submit."""
    admin = ctx.require("admin")
    cid = int(ctx.request.path_params["cid"])
    with ctx.state.db.session() as db:
        campaign = db.get(Campaign, cid)
        if campaign is None:
            raise not_found(ctx)
        if campaign.status == "open":
            campaign.status = "closed"
            audit(db, admin, "campaign-close", campaign_id=cid, old="open", new="closed")
    return ctx.redirect(f"/campaigns/{cid}")


def campaign_publish(ctx: Ctx) -> Response:
    """Score the submitted values and publish results, reports and receipt."""
    admin = ctx.require("admin")
    cid = int(ctx.request.path_params["cid"])
    with ctx.state.db.session() as db:
        campaign = db.get(Campaign, cid)
        if campaign is None:
            raise not_found(ctx)
        if campaign.status != "closed":
            return ctx.render(
                "error.html", status=409, detail=ctx.t("close_first"), campaign=campaign
            )
        diagnostics = publish_campaign(ctx.state, db, campaign, admin)
        if diagnostics is not None:  # nothing was written
            rows = list(
                db.execute(
                    select(Agency, Submission)
                    .outerjoin(Submission, Submission.agency_id == Agency.id)
                    .where(Agency.campaign_id == cid)
                )
            )
            return ctx.render(
                "campaign.html",
                status=422,
                campaign=db.get(Campaign, cid),
                rows=rows,
                blocks={},
                diagnostics=diagnostics,
            )
    return ctx.redirect(f"/results/{cid}")
