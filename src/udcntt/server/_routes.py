"""The URL map of the server (every handler authorises on the server side)."""

from __future__ import annotations

from starlette.routing import Route

from udcntt.server import _pages_admin as admin
from udcntt.server import _pages_auth as auth
from udcntt.server import _pages_excel as excel
from udcntt.server import _pages_form as form
from udcntt.server import _pages_review as review
from udcntt.server import _publish as publish
from udcntt.server._app import handler, static_file

__all__ = ["ROUTES"]

_AGENCY = "/campaigns/{cid:int}/agencies/{aid:int}"

ROUTES = [
    Route("/", handler(auth.home)),
    Route("/static/{name}", static_file, methods=["GET"]),
    Route("/login", handler(auth.login_page), methods=["GET"]),
    Route("/login", handler(auth.login), methods=["POST"]),
    Route("/logout", handler(auth.logout), methods=["POST"]),
    Route("/account/password", handler(auth.password_page), methods=["GET"]),
    Route("/account/password", handler(auth.password_change), methods=["POST"]),
    Route("/admin/users", handler(auth.users), methods=["GET"]),
    Route("/admin/users", handler(auth.users_add), methods=["POST"]),
    Route("/admin/campaigns/new", handler(admin.campaign_new), methods=["GET"]),
    Route("/admin/campaigns", handler(admin.campaign_open), methods=["POST"]),
    Route("/campaigns/{cid:int}", handler(admin.campaign_page), methods=["GET"]),
    Route("/campaigns/{cid:int}/close", handler(admin.campaign_close), methods=["POST"]),
    Route("/campaigns/{cid:int}/publish", handler(admin.campaign_publish), methods=["POST"]),
    Route(_AGENCY, handler(review.submission_page), methods=["GET"]),
    Route(_AGENCY + "/form", handler(form.form_page), methods=["GET"]),
    Route(_AGENCY + "/form", handler(form.form_save), methods=["POST"]),
    Route(_AGENCY + "/preview", handler(form.form_preview), methods=["POST"]),
    Route(_AGENCY + "/template.xlsx", handler(excel.survey_template), methods=["GET"]),
    Route(_AGENCY + "/upload", handler(excel.survey_upload), methods=["POST"]),
    Route(_AGENCY + "/return", handler(review.return_submission), methods=["POST"]),
    Route(_AGENCY + "/accept", handler(review.accept), methods=["POST"]),
    Route(_AGENCY + "/comment", handler(review.comment), methods=["POST"]),
    Route(_AGENCY + "/appraise", handler(review.appraise), methods=["POST"]),
    Route("/evidence/{eid:int}", handler(review.evidence_file), methods=["GET"]),
    Route("/results/{cid:int}", handler(publish.results_page), methods=["GET"]),
    Route("/results/{cid:int}/receipt.json", handler(publish.receipt_page), methods=["GET"]),
    Route("/results/{cid:int}/report.{fmt}", handler(publish.report_file), methods=["GET"]),
]
