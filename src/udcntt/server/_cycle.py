"""The yearly cycle on the database: campaigns, values, audit, scoring.

Everything here is called inside one transaction by the web handlers (and by the backup
commands); nothing here knows about HTTP. Uploaded rule files, registries and previous
results are read with the library's own readers — :func:`udcntt.check_rules`,
:func:`udcntt.read_registry`, :func:`udcntt.load_assessment` — so a browser upload shows
the very diagnostics ``udcntt check`` prints, and a failed upload changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from udcntt.data import MISSING, Dataset, Registry, parse_value, read_registry
from udcntt.errors import Diagnostic, Severity, SourceLocation, UdcnttError, msg
from udcntt.evaluation import AgencyResult, Assessment, check_rules, evaluate, points_to_next_tier
from udcntt.model import RuleSet
from udcntt.program import load_rules
from udcntt.server._models import Agency, AuditEntry, Campaign, Submission, User, ValueRow, now
from udcntt.server._values import Field, decode, encode

__all__ = [
    "RulesCache",
    "Stale",
    "agency_dataset",
    "audit",
    "campaign_dataset",
    "check_rule_upload",
    "live_score",
    "parse_fields",
    "read_previous_upload",
    "read_registry_upload",
    "save_values",
    "submission_for",
    "touch",
]

_EXTENDS = re.compile(r"^extends\s*:", re.MULTILINE)


def _error(code: str, message: Any, name: str) -> Diagnostic:
    return Diagnostic(code=code, message=message, location=SourceLocation(file=name))


def check_rule_upload(name: str, data: bytes) -> tuple[RuleSet | None, list[Diagnostic]]:
    """Check an uploaded rule file as ``udcntt check`` does; the rule set when usable.

    A rule file uploaded in the browser must be self-contained: ``extends`` would read
    other files of the server.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, [_error("E-SERVER-UPLOAD", msg("the rule file is not UTF-8 text"), name)]
    if _EXTENDS.search(text):
        return None, [
            _error(
                "E-SERVER-UPLOAD",
                msg("a rule file uploaded in the browser must be self-contained (no 'extends')"),
                name,
            )
        ]
    report = check_rules(name, text=text, run_tests=True)
    errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    if errors or report.rules is None:
        return None, list(report.diagnostics)
    return load_rules(name, text=text), list(report.diagnostics)


def _via_file(name: str, data: bytes, reader: Any) -> Any:
    suffix = Path(name).suffix.lower()
    if suffix not in (".yaml", ".yml", ".json", ".csv"):
        suffix = ".yaml"
    with tempfile.TemporaryDirectory(prefix="udcntt-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        return reader(path)


def read_registry_upload(name: str, data: bytes) -> tuple[Registry | None, list[Diagnostic]]:
    """Read an uploaded agency registry (YAML, JSON or CSV)."""
    try:
        return _via_file(name, data, read_registry), []
    except UdcnttError as exc:
        return None, list(exc.diagnostics)


def read_previous_upload(data: bytes) -> tuple[Assessment | None, list[Diagnostic]]:
    """Read last year's results (an assessment JSON written by udcntt)."""
    from udcntt.report import load_assessment

    try:
        return _via_file("previous.json", data, load_assessment), []
    except UdcnttError as exc:
        return None, list(exc.diagnostics)


class RulesCache:
    """Loaded rule sets by campaign (a campaign's rule file never changes)."""

    def __init__(self) -> None:
        self._rules: dict[tuple[int, str], RuleSet] = {}
        self._previous: dict[int, Assessment | None] = {}
        self._lock = threading.Lock()

    def rules(self, campaign: Campaign) -> RuleSet:
        """The rule set of ``campaign``."""
        key = (campaign.id, campaign.rules_sha256)
        with self._lock:
            found = self._rules.get(key)
        if found is None:
            found = load_rules(campaign.rules_name, text=campaign.rules_text)
            with self._lock:
                self._rules[key] = found
        return found

    def previous(self, campaign: Campaign) -> Assessment | None:
        """Last year's results of ``campaign``, if it has them."""
        if campaign.previous_json is None:
            return None
        with self._lock:
            if campaign.id in self._previous:
                return self._previous[campaign.id]
        previous, _ = read_previous_upload(campaign.previous_json.encode("utf-8"))
        with self._lock:
            self._previous[campaign.id] = previous
        return previous


def audit(
    session: Session,
    user: User | str,
    action: str,
    *,
    campaign_id: int | None = None,
    agency_code: str | None = None,
    version: int | None = None,
    field: str | None = None,
    old: str | None = None,
    new: str | None = None,
    reason: str | None = None,
) -> AuditEntry:
    """Append one audit entry (who is ``user``; when is now)."""
    entry = AuditEntry(
        at=now(),
        username=user if isinstance(user, str) else user.username,
        campaign_id=campaign_id,
        agency_code=agency_code,
        submission_version=version,
        action=action,
        field=field,
        old=old,
        new=new,
        reason=reason,
    )
    session.add(entry)
    return entry


def touch(session: Session, sub: Submission) -> None:
    """Write the submission row now: ``UPDATE ... WHERE version = read version`` bumps the
    version, or fails (``StaleDataError``) when another transaction bumped it first."""
    sub.updated_at = now()
    flag_modified(sub, "updated_at")  # even within the same second
    session.flush()


def submission_for(session: Session, agency: Agency) -> Submission:
    """The agency's submission, created as an empty draft on first use."""
    if agency.submission is None:
        agency.submission = Submission(status="draft", updated_at=now())
        session.flush()
    return agency.submission


def parse_fields(
    fields: Iterable[Field], form: Mapping[str, str], *, locale: str, agency: str
) -> tuple[dict[str, tuple[str, str]], dict[str, Diagnostic]]:
    """Read the form's values with the survey readers' parser.

    Returns ``({indicator: (typed text, stored value)}, {indicator: diagnostic})``.
    """
    values: dict[str, tuple[str, str]] = {}
    errors: dict[str, Diagnostic] = {}
    for f in fields:
        raw = (form.get(f"v_{f.id}") or "").strip()
        if f.not_applicable and form.get(f"na_{f.id}"):
            values[f.id] = ("", "m:NA")
            continue
        value, diag = parse_value(
            f.id,
            f.indicator,
            raw or None,
            locale=locale,
            agency=agency,
            location=SourceLocation(path=f.id),
        )
        if diag is not None:
            errors[f.id] = diag
        elif value is not None:
            values[f.id] = (raw, encode(value))
    return values, errors


class Stale(Exception):
    """The form was read at an older version than the submission's ``current`` one."""

    def __init__(self, current: int) -> None:
        super().__init__(f"the submission is at version {current}")
        self.current = current


def changes_since(
    session: Session, campaign_id: int, agency: str, version: int
) -> tuple[AuditEntry, ...]:
    """The audit entries of an agency's submission after ``version``."""
    rows = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.campaign_id == campaign_id,
            AuditEntry.agency_code == agency,
            AuditEntry.submission_version > version,
        )
        .order_by(AuditEntry.id)
    )
    return tuple(rows)


def save_values(
    session: Session,
    user: User,
    agency: Agency,
    *,
    form_version: int,
    values: Mapping[str, tuple[str, str]],
    reason: str | None = None,
    action: str = "value",
) -> int:
    """Store ``values`` in the agency's submission, one audit entry per change.

    Returns the number of values changed.

    Raises:
        Stale: when someone saved since the form was read (``form_version``).
    """
    sub = submission_for(session, agency)
    if sub.version != form_version:
        raise Stale(sub.version)
    rows = {row.indicator: row for row in sub.values}
    changed: list[tuple[str, str | None, str]] = []
    for ind, (raw, stored) in values.items():
        row = rows.get(ind)
        if row is None:
            sub.values.append(ValueRow(indicator=ind, raw=raw, value=stored))
            changed.append((ind, None, stored))
        elif row.value != stored or row.raw != raw:
            if row.value != stored:
                changed.append((ind, row.value, stored))
            row.raw = raw
            row.value = stored
    if not changed:
        return 0
    touch(session, sub)
    for ind, old, new in changed:
        audit(
            session,
            user,
            action,
            campaign_id=agency.campaign_id,
            agency_code=agency.code,
            version=sub.version,
            field=ind,
            old=old,
            new=new,
            reason=reason,
        )
    return len(changed)


def _record(agency: Agency, values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": agency.code,
        "name": agency.name,
        "block": agency.block,
        "ranked": agency.ranked,
        "values": dict(values),
    }


def agency_values(sub: Submission | None, *, appraised: bool) -> dict[str, Any]:
    """The typed values of a submission (the council's values where it gave one)."""
    out: dict[str, Any] = {}
    for row in sub.values if sub is not None else ():
        stored = row.appraised if appraised and row.appraised is not None else row.value
        value = decode(stored)
        if value is not MISSING:
            out[row.indicator] = value
    return out


def agency_dataset(agency: Agency, *, year: int, appraised: bool = True) -> Dataset:
    """A dataset of the one agency (for its live score)."""
    values = agency_values(agency.submission, appraised=appraised)
    return Dataset.from_records([_record(agency, values)], year=year, source="udcntt serve")


def campaign_dataset(
    campaign: Campaign, statuses: tuple[str, ...] = ("submitted", "accepted")
) -> Dataset:
    """The campaign's submitted (or accepted) values, appraised where appraised, agencies in
    id order."""
    records = [
        _record(a, agency_values(a.submission, appraised=True))
        for a in campaign.agencies
        if a.submission is not None and a.submission.status in statuses
    ]
    return Dataset.from_records(records, year=campaign.year, source=f"campaign {campaign.id}")


@dataclass(frozen=True)
class LiveScore:
    """The agency's score on its own values, and what it lacks to reach the next tier."""

    result: AgencyResult | None
    gap: Decimal | None
    next_tier: str | None
    diagnostics: tuple[Diagnostic, ...]


def live_score(
    rules: RuleSet,
    agency: Agency,
    year: int,
    typed: Mapping[str, tuple[str, str]] | None = None,
) -> LiveScore:
    """Score the agency alone (population normalisations see only itself).

    ``typed`` — values read from an unsaved form (:func:`parse_fields`) — replace the
    stored ones, as a save would (a council's appraised value still wins), so the preview
    shows the score the save would give; nothing is stored.
    """
    values = agency_values(agency.submission, appraised=True)
    appraised = {
        row.indicator
        for row in (agency.submission.values if agency.submission is not None else ())
        if row.appraised is not None
    }
    for ind, (_raw, stored) in (typed or {}).items():
        if ind in appraised:
            continue
        value = decode(stored)
        if value is MISSING:
            values.pop(ind, None)
        else:
            values[ind] = value
    data = Dataset.from_records([_record(agency, values)], year=year, source="udcntt serve")
    try:
        assessment = evaluate(rules, data, on_error="skip")
    except UdcnttError as exc:
        return LiveScore(None, None, None, tuple(exc.diagnostics))
    if not assessment.results:
        return LiveScore(None, None, None, assessment.diagnostics)
    result = assessment.results[0]
    gap = points_to_next_tier(assessment, result)
    ids = [t.id for t in assessment.tiers]
    nxt = None
    if gap is not None and result.tier in ids and ids.index(result.tier) > 0:
        nxt = assessment.tier_labels.get(ids[ids.index(result.tier) - 1])
    return LiveScore(result, gap, nxt, assessment.diagnostics)


def sha256_text(text: str) -> str:
    """SHA-256 of ``text`` in UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
