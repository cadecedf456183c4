"""The agency's form: values, evidence, live score, save, submit, Excel round trip.

The form is generated from the rule file (:func:`udcntt.server._values.form_fields`) and
read with the survey readers' own parser (:func:`udcntt.data.parse_value`): a value out of
range, an unparseable number or a missing required evidence field is refused at the field,
and then nothing is saved. A save is one transaction; the form carries the version of the
submission it was read at, and a stale form is refused with the changes made since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from udcntt.errors import Diagnostic, Message, msg
from udcntt.model import MissingPolicy
from udcntt.server._app import Ctx, form_text
from udcntt.server._cycle import (
    Stale,
    audit,
    changes_since,
    live_score,
    parse_fields,
    save_values,
    submission_for,
    touch,
)
from udcntt.server._models import Agency, Campaign, Evidence, Submission, now
from udcntt.server._pages_auth import not_found
from udcntt.server._uploads import Stored, UploadRefused, check_upload, store
from udcntt.server._values import Field, form_fields

__all__ = ["agency_for", "form_page", "form_preview", "form_save"]

EDITABLE = ("draft", "returned")


def agency_for(ctx: Ctx, db: Session) -> tuple[Campaign, Agency]:
    """The campaign and agency of the URL, when the user may see them.

    Raises:
        HTTPException: 404 when they do not exist or belong to another agency (the same
            answer, so ids of other agencies reveal nothing).
    """
    ctx.require()
    campaign = db.get(Campaign, int(ctx.request.path_params["cid"]))
    agency = db.get(Agency, int(ctx.request.path_params["aid"]))
    if campaign is None or agency is None or agency.campaign_id != campaign.id:
        raise not_found(ctx)
    if not ctx.agency_allowed(db, agency):
        raise not_found(ctx)
    return campaign, agency


def _page(
    ctx: Ctx,
    db: Session,
    campaign: Campaign,
    agency: Agency,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    notice: str | None = None,
) -> Response:
    rules = ctx.state.rules.rules(campaign)
    sub = agency.submission
    values = {row.indicator: row for row in (sub.values if sub is not None else ())}
    evidence = {e.indicator: e for e in (sub.evidence if sub is not None else ())}
    score = live_score(rules, agency, campaign.year)
    return ctx.render(
        "form.html",
        status=status,
        campaign=campaign,
        agency=agency,
        submission=sub,
        fields=form_fields(rules, agency.block, ctx.lang),
        values=values,
        evidence=evidence,
        errors=errors or {},
        typed=typed,
        score=score,
        block_label=rules.blocks[agency.block].label
        if agency.block in rules.blocks
        else agency.block,
        editable=campaign.status == "open" and (sub is None or sub.status in EDITABLE),
        notice=notice,
    )


def form_page(ctx: Ctx) -> Response:
    """The agency's form with its saved values and live score."""
    with ctx.state.db.reader() as db:
        campaign, agency = agency_for(ctx, db)
        notice = ctx.t("saved") if ctx.request.query_params.get("saved") else None
        if ctx.request.query_params.get("submitted"):
            notice = ctx.t("submitted_notice")
        return _page(ctx, db, campaign, agency, notice=notice)


class _Invalid(Exception):
    """Some field was refused; the messages are in the handler's ``errors``."""


@dataclass
class _EvidenceInput:
    number: str
    title: str
    day: str
    upload: tuple[str, bytes] | None


def _day(text: str) -> str | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return None


def _evidence_inputs(
    ctx: Ctx, fields: list[Field], errors: dict[str, str]
) -> dict[str, _EvidenceInput]:
    found: dict[str, _EvidenceInput] = {}
    limit = ctx.state.settings.max_upload_bytes
    for f in fields:
        if f.evidence == "none":
            continue
        number = ctx.field(f"e_{f.id}_number").strip()[:200]
        title = ctx.field(f"e_{f.id}_title").strip()[:500]
        day_text = ctx.field(f"e_{f.id}_date").strip()
        day = ""
        if day_text:
            parsed = _day(day_text)
            if parsed is None or parsed > date.today().isoformat():
                errors[f"e_{f.id}"] = ctx.text(
                    msg("'{text}' is not a date (write dd/mm/yyyy)", text=day_text)
                )
            else:
                day = parsed
        upload = None
        chosen = ctx.file(f"f_{f.id}")
        if chosen is not None:
            data = chosen.file.read(limit + 1)
            try:
                check_upload(chosen.filename or "", data, max_bytes=limit)
                upload = (chosen.filename or "", data)
            except UploadRefused as refused:
                errors[f"e_{f.id}"] = ctx.text(refused.message)
        if number or title or day or upload:
            found[f.id] = _EvidenceInput(number, title, day, upload)
    return found


def _missing_for_submit(
    fields: list[Field],
    sub: Submission,
    values: dict[str, tuple[str, str]],
    evidence: dict[str, _EvidenceInput],
) -> dict[str, Message]:
    stored = {row.indicator: row.value for row in sub.values}
    stored_ev = {e.indicator: e for e in sub.evidence}
    problems: dict[str, Message] = {}
    for f in fields:
        value = values[f.id][1] if f.id in values else stored.get(f.id, "m:MISSING")
        if value == "m:MISSING" and f.indicator.missing is MissingPolicy.ERROR:
            problems[f.id] = msg("a value is needed before submitting")
        if f.needs_evidence and not value.startswith("m:"):
            given = evidence.get(f.id)
            old = stored_ev.get(f.id)
            number = (given.number if given else "") or (old.doc_number if old else "")
            title = (given.title if given else "") or (old.title if old else "")
            day = (given.day if given else "") or (old.doc_date if old else "")
            if not (number and title and day):
                problems[f"e_{f.id}"] = msg(
                    "this value needs its evidence: document number, title and date"
                )
    return problems


def _store_evidence(
    ctx: Ctx, db: Session, agency: Agency, sub: Submission, given: dict[str, _EvidenceInput]
) -> int:
    rows = {e.indicator: e for e in sub.evidence}
    changed = 0
    for ind, item in given.items():
        row = rows.get(ind)
        if row is None:
            row = Evidence(indicator=ind)
            sub.evidence.append(row)
        before = f"{row.doc_number}|{row.title}|{row.doc_date}|{row.sha256 or ''}"
        stored: Stored | None = None
        if item.upload is not None:
            stored = store(
                ctx.state.data_dir,
                item.upload[0],
                item.upload[1],
                max_bytes=ctx.state.settings.max_upload_bytes,
            )
        row.doc_number = item.number or row.doc_number
        row.title = item.title or row.title
        row.doc_date = item.day or row.doc_date
        if stored is not None:
            row.filename, row.sha256 = stored.filename, stored.sha256
            row.size, row.kind = stored.size, stored.kind
        after = f"{row.doc_number}|{row.title}|{row.doc_date}|{row.sha256 or ''}"
        if after != before:
            changed += 1
            audit(
                db,
                ctx.require(),
                "evidence",
                campaign_id=agency.campaign_id,
                agency_code=agency.code,
                version=sub.version + 1,
                field=ind,
                old=before,
                new=after,
            )
    return changed


def form_save(ctx: Ctx) -> Response:
    """Save the draft, or submit it; refuse bad fields and stale forms, saving nothing."""
    user = ctx.require("agency")
    submit = ctx.field("action") == "submit"
    version_text = ctx.field("version")
    if not version_text.isdigit():
        raise HTTPException(400, ctx.t("bad_form"))
    version = int(version_text)
    errors: dict[str, str] = {}
    typed = form_text(ctx.form)
    try:
        with ctx.state.db.session() as db:
            campaign, agency = agency_for(ctx, db)
            sub = submission_for(db, agency)
            if campaign.status != "open" or sub.status not in EDITABLE:
                raise HTTPException(409, ctx.t("not_editable"))
            rules = ctx.state.rules.rules(campaign)
            fields = form_fields(rules, agency.block, ctx.lang)
            values, diags = parse_fields(fields, typed, locale=rules.locale, agency=agency.code)
            errors.update({k: _field_error(ctx, d) for k, d in diags.items()})
            given = _evidence_inputs(ctx, fields, errors)
            if submit and not errors:
                for key, problem in _missing_for_submit(fields, sub, values, given).items():
                    errors[key] = ctx.text(problem)
            if errors:
                raise _Invalid  # leaves the transaction: not even an empty draft is kept
            if sub.version != version:
                raise Stale(sub.version)
            changed = _store_evidence(ctx, db, agency, sub, given)
            changed += save_values(db, user, agency, form_version=version, values=values)
            if changed and sub.version == version:
                touch(db, sub)
            if submit:
                sub.status = "submitted"
                sub.submitted_at = now()
                touch(db, sub)
                audit(
                    db,
                    user,
                    "submit",
                    campaign_id=campaign.id,
                    agency_code=agency.code,
                    version=sub.version,
                )
            target = f"/campaigns/{campaign.id}/agencies/{agency.id}/form"
    except (Stale, StaleDataError) as exc:
        return _conflict(ctx, exc, version)
    except _Invalid:
        with ctx.state.db.reader() as db:
            campaign, agency = agency_for(ctx, db)
            return _page(ctx, db, campaign, agency, status=422, errors=errors, typed=typed)
    return ctx.redirect(target + ("?submitted=1" if submit else "?saved=1"))


def form_preview(ctx: Ctx) -> Response:
    """The live score of the form as typed, and its fields' errors; nothing is saved.

    htmx posts the whole form here when a value changes (with the CSRF token in a header):
    the values are read with the same parser as a save, and the answer is the score section
    plus, unless ``?live=1`` (while typing), every field's error slot swapped out of band,
    so an error shows at its field as the user leaves it and goes when it is fixed.

    Raises:
        HTTPException: 404 for another agency's form (as for its page), 409 when the form
            can no longer be edited.
    """
    ctx.require("agency")
    errors: dict[str, str] = {}
    typed = form_text(ctx.form)
    with ctx.state.db.reader() as db:
        campaign, agency = agency_for(ctx, db)
        sub = agency.submission
        if campaign.status != "open" or (sub is not None and sub.status not in EDITABLE):
            raise HTTPException(409, ctx.t("not_editable"))
        rules = ctx.state.rules.rules(campaign)
        fields = form_fields(rules, agency.block, ctx.lang)
        values, diags = parse_fields(fields, typed, locale=rules.locale, agency=agency.code)
        errors.update({k: _field_error(ctx, d) for k, d in diags.items()})
        _evidence_inputs(ctx, fields, errors)
        score = live_score(rules, agency, campaign.year, values)
        return ctx.render(
            "preview.html",
            campaign=campaign,
            agency=agency,
            fields=fields,
            errors=errors,
            score=score,
            with_errors=ctx.request.query_params.get("live") != "1",
        )


def _field_error(ctx: Ctx, d: Diagnostic) -> str:
    text = ctx.text(d.message)
    if d.hint:
        text += " — " + ctx.text(d.hint)
    return text


def _conflict(ctx: Ctx, exc: Exception, version: int) -> Response:
    with ctx.state.db.reader() as db:
        campaign, agency = agency_for(ctx, db)
        # Read again: the failed transaction's objects were expired by its rollback.
        changes = changes_since(db, campaign.id, agency.code, version)
        return ctx.render(
            "conflict.html", status=409, campaign=campaign, agency=agency, changes=changes
        )
