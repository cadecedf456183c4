"""The Excel round trip: an agency downloads its survey template and uploads it back.

The template is the library's own (:func:`udcntt.write_template`) for the agency's block,
listing only that agency; the upload is read by the survey reader
(:func:`udcntt.read_survey`, lenient policy) against a registry of that agency alone, so a
row of another agency is refused by the reader itself. The reader's validation report is
shown in the page; when it holds an error nothing is saved, otherwise the values are saved
like a form (one transaction, audited, refused when stale).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import Response

from udcntt.data import Registry, RegistryAgency, read_survey, write_template
from udcntt.errors import Diagnostic, Severity, UdcnttError
from udcntt.server._app import Ctx
from udcntt.server._cycle import Stale, save_values
from udcntt.server._models import Agency
from udcntt.server._pages_form import EDITABLE, agency_for
from udcntt.server._values import encode, form_fields

__all__ = ["survey_template", "survey_upload"]

#: Largest survey workbook accepted (bytes).
MAX_SURVEY = 10 * 1024 * 1024
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _registry(agency: Agency) -> Registry:
    return Registry([RegistryAgency(id=agency.code, name=agency.name, block=agency.block)])


def survey_template(ctx: Ctx) -> Response:
    """The data-entry workbook of the agency's block, listing the agency."""
    with ctx.state.db.reader() as db:
        campaign, agency = agency_for(ctx, db)
        rules = ctx.state.rules.rules(campaign)
        with tempfile.TemporaryDirectory(prefix="udcntt-template-") as folder:
            path = Path(folder) / "mau-khao-sat.xlsx"
            write_template(rules, path, blocks=[agency.block], registry=_registry(agency))
            content = path.read_bytes()
        name = f"mau-khao-sat-{campaign.year}-{agency.code}.xlsx"
        return ctx.finish(
            Response(
                content,
                media_type=_XLSX,
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        )


def survey_upload(ctx: Ctx) -> Response:
    """Read an uploaded workbook with the survey reader; save its values when valid."""
    user = ctx.require("agency")
    upload = ctx.file("survey")
    version_text = ctx.field("version")
    if upload is None or not version_text.isdigit():
        raise HTTPException(400, ctx.t("bad_form"))
    data = upload.file.read(MAX_SURVEY + 1)
    diagnostics: list[Diagnostic] = []
    saved = 0
    with ctx.state.db.session() as db:
        campaign, agency = agency_for(ctx, db)
        sub = agency.submission
        if campaign.status != "open" or (sub is not None and sub.status not in EDITABLE):
            raise HTTPException(409, ctx.t("not_editable"))
        rules = ctx.state.rules.rules(campaign)
        if len(data) > MAX_SURVEY:
            raise HTTPException(413, ctx.t("too_large"))
        suffix = Path(upload.filename or "").suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise HTTPException(415, ctx.t("survey_type"))
        with tempfile.TemporaryDirectory(prefix="udcntt-survey-") as folder:
            path = Path(folder) / f"khao-sat{suffix}"
            path.write_bytes(data)
            try:
                dataset = read_survey(
                    path,
                    rules,
                    registry=_registry(agency),
                    policy="lenient",
                    year=campaign.year,
                )
                diagnostics = list(dataset.diagnostics)
            except UdcnttError as exc:
                diagnostics = list(exc.diagnostics)
                dataset = None
        failed = dataset is None or any(d.severity is Severity.ERROR for d in diagnostics)
        record = dataset.by_id().get(agency.code) if dataset is not None else None
        if not failed and record is not None:
            ids = {f.id for f in form_fields(rules, agency.block)}
            values = {k: ("", encode(v)) for k, v in record.values.items() if k in ids}
            try:
                saved = save_values(
                    db,
                    user,
                    agency,
                    form_version=int(version_text),
                    values=values,
                    reason=upload.filename,
                    action="value-excel",
                )
            except Stale:
                raise HTTPException(409, ctx.t("stale")) from None
        return ctx.render(
            "survey_report.html",
            status=422 if failed or record is None else 200,
            campaign=campaign,
            agency=agency,
            diagnostics=diagnostics,
            failed=failed or record is None,
            saved=saved,
            filename=upload.filename,
        )
