"""Reading an assessment JSON back: parse safely, validate, then build.

Nothing in the file is used before it has passed :func:`~udcntt.report._results_schema.validate`
against the published layout and the cross-checks below (every result's block and tier
are declared, agency ids are unique, every criterion of a block's tree has a result), so
a tampered or hand-edited file gives located ``E-RESULTS-…`` diagnostics, never a crash
later in a report writer.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping
from dataclasses import fields
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from udcntt._messages import VI
from udcntt.data import MISSING, NA
from udcntt.errors import DataError, Diagnostic, Message, Severity, SourceLocation, msg
from udcntt.evaluation import (
    AgencyResult,
    Assessment,
    Comparison,
    CriterionInfo,
    CriterionResult,
    IndicatorInfo,
    Receipt,
    TierInfo,
)
from udcntt.report._results_layout import ASSESSMENT
from udcntt.report._results_schema import JsonNumber, validate

__all__ = ["ASSESSMENT_SCHEMA_VERSION", "is_assessment_file", "load_assessment"]

#: Version of the assessment JSON layout; bumped on any incompatible change.
ASSESSMENT_SCHEMA_VERSION = "1"

#: Largest results file read.
MAX_JSON_BYTES = 200_000_000
# Integers longer than this are kept as text (and refused by the validator): Python's own
# limit on converting long digit strings would otherwise end the read with a ValueError.
_MAX_INT_CHARS = 20


# The writer puts the schema key first; a hand-edited file may have changed its spacing.
_SCHEMA_LINE = re.compile(rb'"schema"\s*:\s*"udcntt-assessment"')


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _int(text: str) -> int | JsonNumber:
    return int(text) if len(text) <= _MAX_INT_CHARS else JsonNumber(text)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return out


def _fail(
    code: str, message: Message, loc: SourceLocation, hint: Message | None = None
) -> DataError:
    return DataError(message, code=code, location=loc, hint=hint)


def _parse(p: Path, loc: SourceLocation) -> Any:
    """The file's JSON, numbers it never writes kept as :class:`JsonNumber`."""
    try:
        if p.stat().st_size > MAX_JSON_BYTES:
            raise _fail(
                "E-RESULTS-LIMIT",
                msg("the results file is larger than {limit} bytes", limit=MAX_JSON_BYTES),
                loc,
            )
        raw = p.read_bytes()
    except OSError as exc:
        raise _fail(
            "E-IO", msg("cannot read the results file: {reason}", reason=exc.strerror or exc), loc
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(
            "E-RESULTS-JSON",
            msg("the results file is not UTF-8 text (byte {offset})", offset=exc.start),
            loc,
        ) from None
    try:
        return json.loads(
            text,
            parse_int=_int,
            parse_float=JsonNumber,
            parse_constant=JsonNumber,
            object_pairs_hook=_object,
        )
    except json.JSONDecodeError as exc:
        where = SourceLocation(file=loc.file, line=exc.lineno, column=exc.colno)
        raise _fail(
            "E-RESULTS-JSON",
            msg("the results file is not valid JSON: {reason}", reason=exc.msg),
            where,
        ) from None
    except _DuplicateKeyError as exc:
        raise _fail(
            "E-RESULTS-KEY", msg("the key '{key}' appears twice in one object", key=exc.key), loc
        ) from None
    except (RecursionError, MemoryError):
        raise _fail(
            "E-RESULTS-LIMIT", msg("the results file is nested too deeply to read"), loc
        ) from None


def is_assessment_file(path: str | Path) -> bool:
    """Whether ``path`` is a results JSON written by udcntt (rather than a survey).

    Only the beginning of the file is read: the writer puts ``"schema"`` first. A file
    that says so is then read (and validated) as a results file, never as a survey.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return _SCHEMA_LINE.search(head) is not None


def _check_header(data: Any, loc: SourceLocation) -> None:
    if not isinstance(data, dict) or data.get("schema") != "udcntt-assessment":
        raise _fail(
            "E-RESULTS-SCHEMA",
            msg("not an udcntt results file (no 'schema': 'udcntt-assessment')"),
            loc,
            msg(
                "give a results JSON written by 'udcntt score -o FILE.json'; a survey goes with --previous only with its rules (--previous-rules)"
            ),
        )
    version = data.get("schema_version")
    if version != ASSESSMENT_SCHEMA_VERSION:
        shown = version if isinstance(version, str) else type(version).__name__
        raise _fail(
            "E-RESULTS-VERSION",
            msg(
                "results schema version '{version}' is not supported (this udcntt reads '{known}')",
                version=shown,
                known=ASSESSMENT_SCHEMA_VERSION,
            ),
            SourceLocation(file=loc.file, path="schema_version"),
            msg("score the survey again with this version of udcntt"),
        )


def _cross_check(data: dict[str, Any], file: str | None) -> list[Diagnostic]:
    """What the layout cannot say: references between parts of the file."""
    problems: list[Diagnostic] = []

    def bad(path: str, message: Message) -> None:
        if len(problems) < 20:
            loc = SourceLocation(file=file, path=path)
            problems.append(Diagnostic(code="E-RESULTS-VALUE", message=message, location=loc))

    blocks = [b["id"] for b in data["blocks"]]
    tiers = [t["id"] for t in data["tiers"]]
    for name, ids in (("blocks", blocks), ("tiers", tiers)):
        if len(set(ids)) != len(ids):
            bad(name, msg("'{path}' lists the same id twice", path=name))
    trees = data["criteria_tree"]
    for block in trees:
        if block not in blocks:
            bad(
                f"criteria_tree.{block}",
                msg("'{path}' names an undeclared block '{id}'", path="criteria_tree", id=block),
            )
    seen: set[str] = set()
    for i, r in enumerate(data["results"]):
        where = f"results[{i}]"
        if r["agency_id"] in seen:
            bad(
                f"{where}.agency_id",
                msg(
                    "'{path}': agency '{id}' appears twice",
                    path=f"{where}.agency_id",
                    id=r["agency_id"],
                ),
            )
        seen.add(r["agency_id"])
        if r["block"] not in blocks:
            bad(
                f"{where}.block",
                msg(
                    "'{path}' names an undeclared block '{id}'",
                    path=f"{where}.block",
                    id=r["block"],
                ),
            )
        if r["tier"] not in tiers:
            bad(
                f"{where}.tier",
                msg("'{path}' names an undeclared tier '{id}'", path=f"{where}.tier", id=r["tier"]),
            )
        missing = [c["id"] for c in trees.get(r["block"], ()) if c["id"] not in r["criteria"]]
        if missing:
            bad(
                f"{where}.criteria",
                msg(
                    "'{path}' has no result for criterion '{id}'",
                    path=f"{where}.criteria",
                    id=missing[0],
                ),
            )
    return problems


def _typed(value: Any, kind: str | None) -> Any:
    """A value read back from JSON, typed as its indicator (or derived value) declares.

    Raises:
        ValueError: when the text is not a number or date of that type.
    """
    if isinstance(value, dict):
        return NA if value["marker"] == NA.value else MISSING
    if kind in ("count", "number", "ratio") and isinstance(value, str):
        return _number(value)
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _number(text: str) -> Decimal:
    from udcntt.report._results_schema import Dec

    if not Dec().accepts(text):
        raise ValueError(text)
    return Decimal(text)


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _message(text: str | None, tpl: Mapping[str, Any] | None) -> str | None:
    """``text`` as a translatable :class:`Message` when its template is one udcntt knows."""
    if text is None or tpl is None:
        return text
    template, args = tpl["template"], tpl["args"]
    names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    if template not in VI or names != set(args):
        return text
    try:
        built = Message(template, dict(args))
    except (ValueError, KeyError, IndexError):  # a template with a format spec, odd args
        return text
    return built if built == text else text


def _diagnostic(d: dict[str, Any]) -> Diagnostic:
    keys = ("file", "line", "column", "path", "sheet", "row", "cell_column")
    loc = SourceLocation(**{k: d[k] for k in keys}) if any(d[k] is not None for k in keys) else None
    i18n = d.get("i18n") or {}
    notes = i18n.get("notes") or [None] * len(d["notes"])
    return Diagnostic(
        code=d["code"],
        message=_message(d["message"], i18n.get("message")) or "",
        severity=Severity(d["severity"]),
        location=loc,
        hint=_message(d["hint"], i18n.get("hint")),
        criterion=d["criterion"],
        indicator=d["indicator"],
        agency=d["agency"],
        value=d["value"],
        notes=tuple(
            _message(n, notes[i] if i < len(notes) else None) or ""
            for i, n in enumerate(d["notes"])
        ),
    )


def _frozen(value: Any) -> Any:
    """JSON read back as immutable values: lists become tuples, objects read-only mappings."""
    if isinstance(value, dict):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def _dataclass(cls: Any, obj: dict[str, Any]) -> Any:
    """An instance of the dataclass ``cls`` from its validated JSON object (any fields)."""
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in obj:
            continue  # validated: only fields with defaults may be absent
        value = obj[f.name]
        if f.name == "rule_files":
            values[f.name] = tuple((item["path"], item["sha256"]) for item in value)
        else:
            values[f.name] = _frozen(value)
    return cls(**values)


def _result(
    r: dict[str, Any], types: Mapping[str, str], derived: Mapping[str, str]
) -> AgencyResult:
    kinds = {"number": "number", "date": "date"}
    return AgencyResult(
        agency_id=r["agency_id"],
        name=r["name"],
        block=r["block"],
        ranked=r["ranked"],
        inputs=MappingProxyType({k: _typed(v, types.get(k)) for k, v in r["inputs"].items()}),
        derived=MappingProxyType(
            {k: _typed(v, kinds.get(derived.get(k, ""))) for k, v in r["derived"].items()}
        ),
        criteria=MappingProxyType(
            {
                cid: CriterionResult(
                    cid,
                    _dec(c["points"]),
                    Decimal(c["max"]),
                    Decimal(c["full_max"]),
                    c["status"],
                    raw=_dec(c["raw"]),
                    normalised=_dec(c["normalised"]),
                    unrounded=_dec(c["unrounded"]),
                )
                for cid, c in r["criteria"].items()
            }
        ),
        total_unrounded=Decimal(r["total_unrounded"]),
        total=Decimal(r["total"]),
        max=Decimal(r["max"]),
        share=Decimal(r["share"]),
        tier=r["tier"],
        tier_label=r["tier_label"],
        rank=r["rank"],
        previous_rank=r["previous_rank"],
        rank_change=r["rank_change"],
        previous_total=_dec(r["previous_total"]),
        previous_tier=r["previous_tier"],
        notes=tuple(r["notes"]),
        comparability=r.get("comparability"),
    )


def _results(
    rows: list[dict[str, Any]], types: Mapping[str, str], derived: Mapping[str, str]
) -> tuple[AgencyResult, ...]:
    out = []
    for i, r in enumerate(rows):
        try:
            out.append(_result(r, types, derived))
        except ValueError as exc:
            raise DataError(
                msg(
                    "'{path}' holds a value that is not of its indicator's type: {value}",
                    path=f"results[{i}].inputs",
                    value=str(exc),
                ),
                code="E-RESULTS-VALUE",
                location=SourceLocation(path=f"results[{i}].inputs"),
            ) from None
    return tuple(out)


def _build(data: dict[str, Any]) -> Assessment:
    """The assessment of a validated file."""
    indicators = tuple(
        IndicatorInfo(i["id"], i["label"], i["type"], i["unit"], dict(i["categories"]))
        for i in data["indicators"]
    )
    types = {i.id: i.type for i in indicators}
    derived = data.get("derived_types") or {}
    comp = data["comparison"]
    comparison = None if comp is None else _dataclass(Comparison, comp)
    # Files list tiers with thresholds, or (for assessments without them) ids and labels only.
    tiers = tuple(
        TierInfo(
            t["id"], t["label"], _dec(t.get("min")), _dec(t.get("max")), bool(t.get("conditional"))
        )
        for t in data["tiers"]
        if "min" in t
    )
    tree = {
        block: tuple(
            CriterionInfo(
                c["id"], c["code"], c["label"], c["depth"], c["is_leaf"], Decimal(c["full_max"])
            )
            for c in items
        )
        for block, items in data["criteria_tree"].items()
    }
    return Assessment(
        rules_id=data["rules_id"],
        title=data["title"],
        year=data["year"],
        results=_results(data["results"], types, derived),
        block_labels=MappingProxyType({b["id"]: b["label"] for b in data["blocks"]}),
        block_max=MappingProxyType(
            {b["id"]: Decimal(b["max"]) for b in data["blocks"] if b["max"] is not None}
        ),
        tier_labels=MappingProxyType({t["id"]: t["label"] for t in data["tiers"]}),
        stored_receipt=_dataclass(Receipt, data["receipt"]),
        comparison=comparison,
        criteria_tree=MappingProxyType(tree),
        tiers=tiers,
        tier_basis=data["tier_basis"],
        indicators=indicators,
        relations=tuple(
            (rel["check"], None if rel["blocks"] is None else tuple(rel["blocks"]))
            for rel in data["relations"]
        ),
        normalisation=MappingProxyType(dict(data["normalisation"])),
        diagnostics=tuple(_diagnostic(d) for d in data["diagnostics"]),
        paths=MappingProxyType(dict(data.get("paths") or {})),
    )


def load_assessment(path: str | Path) -> Assessment:
    """Read an assessment JSON written by udcntt (e.g. last year's, for rank changes).

    The file is validated against the published layout (``udcntt schema --assessment``)
    and its limits before any value is used; diagnostics name the JSON path of each
    problem (``results[3].rank``). What :func:`assessment_to_json` wrote reads back equal:
    results, receipt, diagnostics, normalisation statistics, comparison.

    Raises:
        DataError: ``E-RESULTS-JSON`` (not JSON), ``E-RESULTS-SCHEMA`` (not a results
            file), ``E-RESULTS-VERSION``, ``E-RESULTS-TYPE``, ``E-RESULTS-MISSING``,
            ``E-RESULTS-KEY``, ``E-RESULTS-LIMIT``, ``E-RESULTS-VALUE`` (a tampered or
            hand-edited file), ``E-IO`` (cannot be read).
    """
    p = Path(path)
    loc = SourceLocation(file=str(p))
    data = _parse(p, loc)
    _check_header(data, loc)
    problems = validate(data, ASSESSMENT, str(p))
    if not problems:
        problems = _cross_check(data, str(p))
    if problems:
        raise DataError.from_diagnostics(problems)
    try:
        assessment = _build(data)
    except DataError as exc:
        # Only a number or date of an input can still be wrong here; name the file.
        d = exc.first
        where = SourceLocation(file=str(p), path=d.location.path if d.location else None)
        raise DataError(d.message, code=d.code, location=where) from None
    if "methodology" in data:
        from udcntt.report._method import attach_rule_facts

        attach_rule_facts(assessment, data["methodology"])
    return assessment
