"""Running the tests embedded in rule files, and the whole ``check`` of a rule file."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from udcntt.data import MISSING, NA, AgencyRecord, Dataset
from udcntt.errors import Diagnostic, Severity, SourceLocation, UdcnttError, msg
from udcntt.evaluation._evaluate import evaluate
from udcntt.evaluation._inputs import coerce
from udcntt.loading import RuleSource, load_document
from udcntt.model import RuleSet, TestCase
from udcntt.program import analyse_rules

__all__ = ["CheckReport", "case_dataset", "check_rules", "run_rule_tests"]


@dataclass
class CheckReport:
    """Everything ``udcntt check`` found in one rule file."""

    path: str
    rules: RuleSet | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    tests_run: int = 0
    tests_failed: int = 0

    @property
    def errors(self) -> list[Diagnostic]:
        """Diagnostics of error severity."""
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed) and every embedded test passed."""
        return not self.errors


def _locate(rules: RuleSet, path: tuple[str | int, ...]) -> SourceLocation | None:
    src = rules.source
    return src.locate(path) if isinstance(src, RuleSource) else None


def case_dataset(rules: RuleSet, case: TestCase) -> Dataset:
    """The dataset of a rule-file test case: its agencies' inputs, N/A and missing values.

    Raises:
        UdcnttError: ``E-TEST-SHAPE`` when an input cannot be read as its indicator's type.
    """
    records = []
    for agency in case.agencies:
        values: dict[str, Any] = {}
        for key, raw in agency.inputs.items():
            ind = rules.indicators.get(key)
            if ind is None:
                continue
            if raw is None:
                values[key] = MISSING
                continue
            try:
                values[key] = coerce(raw, ind)
            except ValueError as exc:
                raise UdcnttError(
                    msg(
                        "test '{test}': input '{key}': {problem}",
                        test=case.name,
                        key=key,
                        problem=exc.args[0] if exc.args else exc,
                    ),
                    code="E-TEST-SHAPE",
                    agency=agency.id,
                    indicator=key,
                ) from None
        for key in agency.not_applicable:
            values[key] = NA
        for key in agency.missing:
            values[key] = MISSING
        records.append(
            AgencyRecord(id=agency.id, name=agency.id, block=agency.block or "", values=values)
        )
    return Dataset(agencies=tuple(records), source=f"test '{case.name}'")


def _close(actual: Decimal | None, expected: Decimal, tolerance: Decimal) -> bool:
    return actual is not None and abs(actual - expected) <= tolerance


def run_rule_tests(rules: RuleSet) -> tuple[int, list[Diagnostic]]:
    """Run the rule set's embedded tests; return how many ran and the failures."""
    failures: list[Diagnostic] = []
    compiled, _ = analyse_rules(rules)
    if compiled is None:
        return 0, []
    for index, case in enumerate(rules.tests):
        loc = _locate(rules, ("tests", index))

        def fail(
            message: str,
            agency: str | None = None,
            criterion: str | None = None,
            *,
            name: str = case.name,
            where: SourceLocation | None = loc,
        ) -> None:
            failures.append(
                Diagnostic(
                    code="E-TEST-FAIL",
                    message=msg("test '{test}': {problem}", test=name, problem=message),
                    location=where,
                    agency=agency,
                    criterion=criterion,
                )
            )

        try:
            data = case_dataset(rules, case)
        except UdcnttError as exc:
            failures.extend(replace(d, location=d.location or loc) for d in exc.diagnostics)
            continue
        try:
            assessment = evaluate(compiled, data)
        except UdcnttError as exc:
            for d in exc.diagnostics:
                fail(msg("scoring failed: {problem}", problem=d.message), d.agency, d.criterion)
            continue
        tol = case.tolerance
        for agency in case.agencies:
            exp = agency.expect
            if exp is None:
                continue
            res = assessment.by_id(agency.id)
            for cid, want in exp.points.items():
                got = res.criteria.get(cid)
                got_pts = got.points if got is not None else None
                if not _close(got_pts, want, tol):
                    fail(
                        msg(
                            "points of '{criterion}': expected {want}, got {got}",
                            criterion=cid,
                            want=want,
                            got=got_pts,
                        ),
                        agency.id,
                        cid,
                    )
            for name, want_v, got_v in (
                ("total", exp.total, res.total),
                ("share", exp.share, res.share),
                ("max", exp.max, res.max),
            ):
                if want_v is not None and not _close(got_v, want_v, tol):
                    fail(
                        msg(
                            "{name}: expected {want}, got {got}", name=name, want=want_v, got=got_v
                        ),
                        agency.id,
                    )
            if exp.tier is not None and exp.tier != res.tier:
                fail(
                    msg("tier: expected '{want}', got '{got}'", want=exp.tier, got=res.tier),
                    agency.id,
                )
            if exp.rank is not None and exp.rank != res.rank:
                fail(
                    msg("rank: expected {want}, got {got}", want=exp.rank, got=res.rank), agency.id
                )
    return len(rules.tests), failures


def check_rules(
    path: str | Path, *, text: str | bytes | None = None, run_tests: bool = True
) -> CheckReport:
    """Load and check a rule file, collecting every problem instead of stopping at one.

    Args:
        path: the rule file.
        text: its content, to check from memory.
        run_tests: also run the tests embedded in the file.

    Returns:
        A :class:`CheckReport`; ``report.ok`` says whether the file is usable.
    """
    report = CheckReport(path=str(path), rules=None)
    try:
        rules = load_document(path, text=text)
    except UdcnttError as exc:
        report.diagnostics.extend(exc.diagnostics)
        return report
    report.rules = rules
    compiled, diags = analyse_rules(rules)
    report.diagnostics.extend(diags)
    if compiled is not None and run_tests:
        ran, failures = run_rule_tests(rules)
        report.tests_run = ran
        report.tests_failed = len({d.message.split(":")[0] for d in failures})
        report.diagnostics.extend(failures)
    return report
