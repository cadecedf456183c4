"""The words of the server's pages, as translatable messages.

Every word is an English template written with :func:`udcntt.errors.msg`, rendered in the
request's language; the Vietnamese renderings are in :mod:`udcntt._messages_server`, which
the message tests check like every other catalogue (same ``{fields}``, no orphans).
"""

from __future__ import annotations

from collections.abc import Callable

from udcntt.errors import Message, msg

__all__ = ["WORDS", "word"]

#: Key → message, or a function of the message's fields.
WORDS: dict[str, Message | Callable[..., Message]] = {
    "app_title": msg("IT application ranking"),
    "login": msg("Log in"),
    "logout": msg("Log out"),
    "username": msg("User name"),
    "password": msg("Password"),
    "name": msg("Full name"),
    "role": msg("Role"),
    "role_admin": msg("department administrator"),
    "role_agency": msg("agency user"),
    "role_reviewer": msg("reviewer"),
    "role_council": msg("council member"),
    "users": msg("Users"),
    "add_user": msg("Add a user"),
    "agencies": msg("Agencies"),
    "agency_ids": msg("Agency ids (agency users; separated by commas)"),
    "campaigns": msg("Assessment campaigns"),
    "no_campaigns": msg("No campaign yet."),
    "new_campaign": msg("Open a campaign"),
    "open_campaign": msg("Open the campaign"),
    "year": msg("Year"),
    "title": msg("Title"),
    "status": msg("Status"),
    "status_open": msg("open"),
    "status_closed": msg("closed"),
    "status_published": msg("published"),
    "status_draft": msg("draft"),
    "status_submitted": msg("submitted"),
    "status_returned": msg("returned for corrections"),
    "status_accepted": msg("accepted for appraisal"),
    "accept": msg("Accept for appraisal"),
    "status_empty": msg("not started"),
    "results": msg("Results"),
    "follow": msg("Follow the submissions"),
    "form_of": lambda agency: msg("Form of {agency}", agency=agency),
    "rule_file": msg("Rule file (YAML)"),
    "registry_file": msg("Agency registry (YAML, JSON or CSV)"),
    "previous_file": msg("Previous year's results (JSON, optional)"),
    "diagnostics": msg("Problems found"),
    "close_campaign": msg("Close the campaign"),
    "publish": msg("Publish the results"),
    "agency": msg("Agency"),
    "block": msg("Block"),
    "updated": msg("Last saved"),
    "live_score": msg("Score of the values in the form"),
    "total": msg("Total"),
    "tier": msg("Tier"),
    "gap": lambda points, tier: msg(
        "{points} more points to reach '{tier}'", points=points, tier=tier
    ),
    "no_score": msg("No score yet: save the values the rule file needs."),
    "comments": msg("Comments"),
    "comment": msg("Comment"),
    "add_comment": msg("Add the comment"),
    "download_template": msg("Download the Excel template"),
    "upload_survey": msg("Upload the filled-in template"),
    "upload": msg("Upload"),
    "range": lambda low, high: msg("from {low} to {high}", low=low, high=high),
    "not_applicable": msg("not applicable"),
    "appraised": msg("Appraised value"),
    "evidence": msg("Evidence"),
    "doc_number": msg("Document number"),
    "doc_title": msg("Document title"),
    "doc_date": msg("Date (dd/mm/yyyy)"),
    "doc_file": msg("Scanned document (PDF, image, DOCX or XLSX)"),
    "save_draft": msg("Save the draft"),
    "submit": msg("Submit"),
    "saved": msg("Saved."),
    "submitted_notice": msg("Submitted. The reviewers will read it."),
    "form_has_errors": lambda count: msg(
        "{count} fields need correcting; nothing was saved.", count=count
    ),
    "stale": msg("Someone saved this form after you opened it"),
    "stale_detail": msg(
        "Nothing of yours was saved. These are the changes made since; reload the form and enter your changes again."
    ),
    "reload_form": msg("Reload the form"),
    "when": msg("When"),
    "who": msg("Who"),
    "what": msg("Action"),
    "field": msg("Indicator"),
    "old": msg("Old value"),
    "new": msg("New value"),
    "reason": msg("Reason"),
    "history": msg("History"),
    "indicator": msg("Indicator"),
    "self_value": msg("Self-assessed value"),
    "appraise": msg("Record the appraised value"),
    "return": msg("Return to the agency"),
    "survey_report": lambda name: msg("Validation report of '{name}'", name=name),
    "survey_refused": msg("The file has errors; nothing was saved."),
    "survey_saved": lambda count: msg("The file was read; {count} values were saved.", count=count),
    "back_form": msg("Back to the form"),
    "published_at": msg("Published"),
    "receipt": msg("Receipt"),
    "rank": msg("Rank"),
    "rank_change": msg("Change"),
    "error_title": msg("The request was not carried out"),
    "back_home": msg("Back to the home page"),
    "forbidden": msg("Your role does not allow this."),
    "not_found": msg("Not found, or not yours to see."),
    "too_large": msg("The upload is larger than the server accepts."),
    "csrf": msg(
        "The form has expired or did not come from this site; reload the page and try again."
    ),
    "rate_limited": msg("Too many failed logins; wait a quarter of an hour and try again."),
    "bad_login": msg("Wrong user name or password."),
    "bad_user": msg("Give a user name (at most 80 characters) and a role."),
    "short_password": lambda count: msg(
        "The password needs at least {count} characters.", count=count
    ),
    "user_exists": msg("That user name is taken."),
    "bad_year": msg("The year must have four digits."),
    "need_rules": msg("Choose the rule file."),
    "need_registry": msg("Choose the agency registry."),
    "file_too_large": lambda name, limit: msg(
        "'{name}' is larger than {limit} bytes.", name=name, limit=limit
    ),
    "unknown_blocks": lambda blocks: msg(
        "The registry names blocks the rule file does not declare: {blocks}", blocks=blocks
    ),
    "close_first": msg("Close the campaign before publishing it."),
    "bad_form": msg("The form is incomplete; reload the page."),
    "not_editable": msg("This form can no longer be changed."),
    "survey_type": msg("Upload the template as .xlsx (or .csv)."),
    "need_comment": msg("Write a comment."),
    "need_reason": msg("Give the reason for the appraised value."),
    "need_value": msg("Give the appraised value."),
    "not_returnable": msg("Only a submitted or accepted form of an open campaign can be returned."),
    "not_acceptable": msg("Only a submitted form of an unpublished campaign can be accepted."),
    "change_password": msg("Change the password"),
    "current_password": msg("Current password"),
    "new_password": msg("New password"),
    "confirm_password": msg("The new password again"),
    "password_changed": msg("The password was changed."),
    "bad_current_password": msg("The current password is wrong."),
    "password_mismatch": msg("The two new passwords differ."),
    "same_password": msg("The new password must differ from the current one."),
    "not_appraisable": msg(
        "Only a form the reviewers accepted, in an unpublished campaign, can be appraised."
    ),
}


def word(key: str, lang: str, **args: object) -> str:
    """The word ``key`` in ``lang``, with ``args`` filled in.

    Raises:
        KeyError: for a key that is not in :data:`WORDS`.
    """
    entry = WORDS[key]
    message = entry if isinstance(entry, Message) else entry(**args)
    return message.render(lang)
