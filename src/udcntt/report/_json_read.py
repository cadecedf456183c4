"""Reading an assessment JSON back: parse safely, validate, then build.

Nothing in the file is used before it has passed :func:`~udcntt.report._results_schema.validate`
against the published layout and the cross-checks below (every result's block and tier
are declared, agency ids are unique, every criterion of a block's tree has a result), so
a tampered or hand-edited file gives located ``E-RESULTS-…`` diagnostics, never a crash
later in a report writer.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import fields
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from udcntt._messages import VI
from udcntt.errors import DataError, Diagnostic, Message, Severity, SourceLocation, msg
from udcntt.evaluation import (
    AgencyResult,
    Assessment,
    Comparison,
    CriterionInfo,
    IndicatorInfo,
    Receipt,
    TierInfo,
)
from udcntt.report._json_items import TOP, Loader, context
from udcntt.report._json_stream import DuplicateKeyError, StreamError, read_document
from udcntt.report._results_scalars import _Problems

__all__ = ["ASSESSMENT_SCHEMA_VERSION", "is_assessment_file", "load_assessment"]

#: Version of the assessment JSON layout; bumped on any incompatible change.
ASSESSMENT_SCHEMA_VERSION = "1"

#: Largest results file read: a million agencies (the most a file may hold) with traces.
#: The file is read one agency at a time, so memory follows the agencies, not this size;
#: one value (an agency with its trace, the diagnostics) is bounded by
#: :data:`~udcntt.report._json_stream.MAX_VALUE_CHARS`.
MAX_JSON_BYTES = 50_000_000_000


# The writer puts the schema key first; a hand-edited file may have changed its spacing.
_SCHEMA_LINE = re.compile(rb'"schema"\s*:\s*"udcntt-assessment"')


def _fail(
    code: str, message: Message, loc: SourceLocation, hint: Message | None = None
) -> DataError:
    return DataError(message, code=code, location=loc, hint=hint)


def _stream_error(exc: StreamError, loc: SourceLocation) -> DataError:
    if exc.kind == "utf8":
        return _fail(
            "E-RESULTS-JSON",
            msg("the results file is not UTF-8 text (byte {offset})", offset=exc.offset),
            loc,
        )
    if exc.kind == "limit":
        return _fail(
            "E-RESULTS-LIMIT",
            msg(
                "'{path}' is longer than {limit} characters",
                path=exc.path,
                limit=exc.limit,
            ),
            SourceLocation(file=loc.file, path=exc.path),
        )
    where = SourceLocation(file=loc.file, line=exc.line, column=exc.column)
    return _fail(
        "E-RESULTS-JSON",
        msg("the results file is not valid JSON: {reason}", reason=exc.reason),
        where,
    )


def _parse(p: Path, loader: Loader) -> Any:
    """The file's JSON, ``results`` given to ``loader`` one at a time.

    Raises:
        DataError: ``E-RESULTS-LIMIT`` (too large, too deep), ``E-RESULTS-JSON``,
            ``E-RESULTS-KEY`` (a key twice in one object), ``E-IO``.
    """
    loc = SourceLocation(file=str(p))
    try:
        if p.stat().st_size > MAX_JSON_BYTES:
            raise _fail(
                "E-RESULTS-LIMIT",
                msg("the results file is larger than {limit} bytes", limit=MAX_JSON_BYTES),
                loc,
            )
        with open(p, "rb") as handle:
            return read_document(handle, loader.add, top=loader.top)
    except OSError as exc:
        raise _fail(
            "E-IO", msg("cannot read the results file: {reason}", reason=exc.strerror or exc), loc
        ) from None
    except StreamError as exc:
        raise _stream_error(exc, loc) from None
    except DuplicateKeyError as exc:
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


def _cross_check(data: dict[str, Any], p: _Problems) -> None:
    """What the layout cannot say of the parts around the results: ids declared once,
    trees of declared blocks (each result is checked as it is read, by :class:`_Loader`)."""
    blocks = [b["id"] for b in data["blocks"]]
    tiers = [t["id"] for t in data["tiers"]]
    for name, ids in (("blocks", blocks), ("tiers", tiers)):
        if len(set(ids)) != len(ids):
            p.add("E-RESULTS-VALUE", name, msg("'{path}' lists the same id twice", path=name))
    for block in data["criteria_tree"]:
        if block not in blocks:
            p.add(
                "E-RESULTS-VALUE",
                f"criteria_tree.{block}",
                msg("'{path}' names an undeclared block '{id}'", path="criteria_tree", id=block),
            )


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


def _build(data: dict[str, Any], results: tuple[AgencyResult, ...]) -> Assessment:
    """The assessment of a validated file, with its results built while reading."""
    indicators = tuple(
        IndicatorInfo(i["id"], i["label"], i["type"], i["unit"], dict(i["categories"]))
        for i in data["indicators"]
    )
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
        results=results,
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
    loader = Loader(str(p))
    data = _parse(p, loader)
    _check_header(data, loc)
    problems = loader.problems
    TOP.check(data, "", problems)
    if not problems.items:
        _cross_check(data, problems)
    if not problems.items and loader.deferred:
        # The results came before the parts they refer to: read them again, knowing those.
        loader = Loader(str(p), context(data))
        _parse(p, loader)
        problems = loader.problems
    if problems.items:
        raise DataError.from_diagnostics(problems.items)
    loader.type_derived(data.get("derived_types") or {})
    assessment = _build(data, tuple(loader.results))
    if "methodology" in data:
        from udcntt.report._method import attach_rule_facts

        attach_rule_facts(assessment, data["methodology"])
    if "previous_figures" in data:
        from udcntt.report._figures import attach_previous_totals

        totals = data["previous_figures"]
        attach_previous_totals(assessment, {k: Decimal(v) for k, v in totals.items()})
    return assessment
