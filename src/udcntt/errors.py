"""Errors and diagnostics.

Every problem udcntt reports is a :class:`Diagnostic`: a stable code, a message, where it
happened (file, line, column, YAML path or sheet/row/column), what it concerns (criterion,
indicator, agency) and a hint. Exceptions carry one or more diagnostics.

The exception tree::

    UdcnttError
    ├── RuleFileError (ValueError)         a rule file is malformed or inconsistent
    │   └── ExpressionError                an expression is invalid
    ├── DataError (ValueError)             survey data or an agency registry is malformed
    ├── EvaluationError (ArithmeticError)  scoring failed for an agency (division by zero, …)
    │   └── RuleArithmeticError            rule arithmetic failed, before the agency is known
    │                                      (udcntt.expressions; the evaluation layer adds it)
    ├── UsageError (ValueError)            an API or CLI call is inconsistent
    └── ExtensionError (ValueError)        a plugin or extension is declared wrongly

Each diagnostic prints as a compiler would print it::

    rules/x.yaml:12:15: error[E-EXPR-NAME] unknown name 'staf_total'
      hint: did you mean 'staff_total'?

Codes are documented in ``docs/reference/errors.md``; a test checks that every code in
:data:`CODES` has a section there.
"""

from __future__ import annotations

import decimal
import difflib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Self

from udcntt._diagnostics import (
    LANGUAGES,
    MAX_QUOTED,
    Diagnostic,
    Message,
    Severity,
    SourceLocation,
    cut,
    msg,
)

__all__ = [
    "CODES",
    "LANGUAGES",
    "MAX_QUOTED",
    "DataError",
    "Diagnostic",
    "EvaluationError",
    "ExpressionError",
    "ExtensionError",
    "Message",
    "RuleArithmeticError",
    "RuleFileError",
    "SchemaValueError",
    "Severity",
    "SourceLocation",
    "UdcnttError",
    "UsageError",
    "cut",
    "did_you_mean",
    "msg",
    "suggestion_budget",
]


class UdcnttError(Exception):
    """Root of every error udcntt raises on purpose.

    Carries one or more :class:`Diagnostic` objects; ``str(error)`` formats them all.
    """

    default_code = "E-UDCNTT"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        location: SourceLocation | None = None,
        hint: str | None = None,
        criterion: str | None = None,
        indicator: str | None = None,
        agency: str | None = None,
        value: str | None = None,
        diagnostics: Sequence[Diagnostic] | None = None,
    ) -> None:
        if diagnostics:
            self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        else:
            self.diagnostics = (
                Diagnostic(
                    code=code or self.default_code,
                    message=message or "error",
                    location=location,
                    hint=hint,
                    criterion=criterion,
                    indicator=indicator,
                    agency=agency,
                    value=value,
                ),
            )
        super().__init__(self.__str__())

    @classmethod
    def from_diagnostics(cls, diagnostics: Iterable[Diagnostic]) -> Self:
        """Build one aggregate error from several diagnostics (errors only are kept first)."""
        diags = sorted(diagnostics, key=lambda d: d.severity != Severity.ERROR)
        return cls(diagnostics=diags)

    @property
    def first(self) -> Diagnostic:
        """The first (most important) diagnostic."""
        return self.diagnostics[0]

    @property
    def code(self) -> str:
        """Code of the first diagnostic."""
        return self.first.code

    @property
    def location(self) -> SourceLocation | None:
        """Location of the first diagnostic."""
        return self.first.location

    @property
    def hint(self) -> str | None:
        """Hint of the first diagnostic."""
        return self.first.hint

    def __str__(self) -> str:
        return self.format("en")

    def format(self, lang: str = "en") -> str:
        """Every diagnostic, formatted in ``lang`` (``"vi"`` or ``"en"``)."""
        return "\n".join(d.format(lang) for d in self.diagnostics)


class RuleFileError(UdcnttError, ValueError):
    """A rule file is malformed, unsafe or inconsistent."""

    default_code = "E-RULE"


class ExpressionError(RuleFileError):
    """An expression in a rule file is invalid."""

    default_code = "E-EXPR"


class DataError(UdcnttError, ValueError):
    """Survey data or an agency registry is malformed or inconsistent."""

    default_code = "E-DATA"


class EvaluationError(UdcnttError, ArithmeticError):
    """Scoring could not produce a correct result for an agency."""

    default_code = "E-EVAL"


class RuleArithmeticError(EvaluationError):
    """Rule arithmetic produced no correct number.

    Raised by the run-time helpers (and by :meth:`Expression.evaluate`) for a division by
    zero, an exponent beyond :data:`MAX_EXPONENT`, an overflow or an undefined result. It
    knows neither the agency nor the criterion, so the evaluation layer catches it and
    raises an :class:`~udcntt.errors.EvaluationError` with ``code``, ``detail`` and the
    context. One that reaches a caller directly (from :meth:`Expression.evaluate`) is an
    :class:`~udcntt.errors.EvaluationError` too, so ``except udcntt.UdcnttError`` and
    ``except ArithmeticError`` both catch it.

    Attributes:
        code: A stable error code: ``"E-EVAL-DIVZERO"``, ``"E-EVAL-NONFINITE"`` or
            ``"E-EVAL"`` (exponent too large).
        detail: A short English explanation (translatable when built with ``msg``).
    """

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail, code=code)
        self.detail = detail

    @classmethod
    def from_decimal(cls, exc: ArithmeticError) -> RuleArithmeticError:
        """Translate a :mod:`decimal` signal raised by plain ``+ - *`` or a comparison.

        Generated code uses Python's own operators for addition, subtraction and
        multiplication (they are the fast path), so under :data:`DECIMAL_CONTEXT` they may
        raise :class:`decimal.Overflow` or :class:`decimal.InvalidOperation` on extreme
        values. Code that runs :meth:`Expression.to_python` fragments catches
        :class:`decimal.DecimalException` and converts it with this method.

        Args:
            exc: The exception caught.

        Returns:
            The matching signal (``E-EVAL-DIVZERO`` for a division by zero, otherwise
            ``E-EVAL-NONFINITE``); ``exc`` itself if it already is one.
        """
        if isinstance(exc, RuleArithmeticError):
            return exc
        if isinstance(exc, ZeroDivisionError):
            return cls("E-EVAL-DIVZERO", msg("division by zero"))
        if isinstance(exc, decimal.Overflow):
            return cls("E-EVAL-NONFINITE", msg("a result is too large for exact arithmetic"))
        return cls("E-EVAL-NONFINITE", msg("a result is not a finite number"))

    def __reduce__(self) -> tuple[type[RuleArithmeticError], tuple[str, str]]:
        return (type(self), (self.code, self.detail))


class ExtensionError(UdcnttError, ValueError):
    """An extension (plugin) is declared wrongly, cannot be imported or collides."""

    default_code = "E-EXTENSION"


class SchemaValueError(ValueError):
    """Raised inside model validation for a value refused with a code of its own.

    The loader reports it with ``code`` instead of ``E-SCHEMA-VALUE`` (a rule type whose
    plugin cannot be loaded is ``E-EXTENSION``), located like every schema error.
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class UsageError(UdcnttError, ValueError):
    """The library or the CLI was called with inconsistent arguments."""

    default_code = "E-USAGE"


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """Suggest the closest candidate to ``name``, as a hint text, or ``None``.

    Inside :func:`suggestion_budget` the comparisons of all calls together are bounded:
    once the budget is spent, no more suggestions are made.

    >>> did_you_mean("staf_total", ["staff_total", "staff_it"])
    "did you mean 'staff_total'?"
    """
    pool = list(candidates)
    budget = _SUGGESTION_BUDGET.get()
    if budget is not None:
        if budget[0] < len(pool):
            return None
        budget[0] -= len(pool)
    matches = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    return msg("did you mean '{name}'?", name=matches[0]) if matches else None


# Remaining candidate comparisons for did_you_mean, when a budget is set.
_SUGGESTION_BUDGET: ContextVar[list[int] | None] = ContextVar(
    "udcntt_suggestion_budget", default=None
)


@contextmanager
def suggestion_budget(comparisons: int) -> Iterator[None]:
    """Bound the work of :func:`did_you_mean` in the block to ``comparisons`` in all.

    Each suggestion compares the name with every candidate, so a file with thousands of
    misspelt names among thousands of declared ones would cost their product; checking a
    rule file sets a budget so that its cost stays linear in its size.

    >>> with suggestion_budget(1):
    ...     did_you_mean("staf_total", ["staff_total", "staff_it"]) is None
    True
    """
    token = _SUGGESTION_BUDGET.set([comparisons])
    try:
        yield
    finally:
        _SUGGESTION_BUDGET.reset(token)


#: Every stable error code with a one-line summary. The docs' error reference has a
#: section for each; ``tests/test_errors.py`` keeps the two in step.
CODES: dict[str, str] = {
    # Generic
    "E-UDCNTT": "An error without a more specific code.",
    "E-USAGE": "The API or the CLI was called with inconsistent arguments.",
    "E-RULE": "A rule file problem without a more specific code.",
    "E-EXPR": "An expression problem without a more specific code.",
    "E-IO": "A file could not be read or written.",
    # YAML and file level
    "E-YAML-SYNTAX": "The file is not well-formed YAML.",
    "E-YAML-ENCODING": "The file is not UTF-8 text.",
    "E-YAML-SIZE": "The file is larger than the limit for rule files.",
    "E-YAML-DEPTH": "Mappings and lists are nested deeper than allowed.",
    "E-YAML-DUPKEY": "A mapping has the same key twice.",
    "E-YAML-ALIAS": "Anchors, aliases and merge keys are not allowed.",
    "E-YAML-TAG": "Explicit YAML tags are not allowed.",
    "E-YAML-MULTIDOC": "A rule file holds exactly one YAML document.",
    "E-YAML-KEY": "A mapping key is not a plain text scalar.",
    "E-YAML-CHAR": "Control or bidirectional characters are not allowed in names and labels.",
    "E-YAML-EMPTY": "The file is empty.",
    # Schema
    "E-SCHEMA-UNKNOWN-KEY": "A key that the rule-file language does not know.",
    "E-SCHEMA-MISSING": "A required key is missing.",
    "E-SCHEMA-TYPE": "A value has the wrong type or form.",
    "E-SCHEMA-VALUE": "A value is outside what the field accepts.",
    "E-SCHEMA-ID": "An id is not lower-case ASCII snake_case.",
    "E-SCHEMA-VERSION": "The rule-file format version is not supported.",
    # Names and structure
    "E-NAME-UNKNOWN": "A name refers to nothing declared.",
    "E-NAME-DUPLICATE": "The same id is declared twice.",
    "E-DERIVED-CYCLE": "Derived values depend on each other in a cycle.",
    "E-BLOCK-NONE": "A criterion or indicator applies to no block.",
    "E-BUDGET": "Children's points do not add up to their parent's maximum.",
    "E-BUDGET-CAP": "A leaf can yield more than its own maximum or its parent's budget.",
    "E-SCALE": "The criteria total does not match the declared scale.",
    "E-TIER-ORDER": "Tier thresholds are not in strictly descending order.",
    "E-TIER-GAP": "Some totals fall in no tier.",
    "E-TIER-OVERLAP": "Some totals fall in two tiers.",
    "E-TIER-UNREACHABLE": "A tier's threshold can never be reached.",
    "E-RULE-SHAPE": "A criterion declares no rule, or more than one, or a group without children.",
    "E-BANDS": "A band table is malformed, or has a step its input can never reach.",
    "W-BANDS-SCALE": "A band table's thresholds look written for another scale than its input.",
    "E-RATIO-SWAPPED": "A ratio's numerator is declared at least its denominator (swapped).",
    "E-LOOKUP": "A lookup table names categories the input does not have.",
    "E-NORMALISE": "A population normalisation is malformed.",
    "E-RELATION": "A declared relation between indicators is malformed.",
    "E-EXTENDS": "An extended rule file cannot be found or read.",
    "E-EXTENDS-CYCLE": "Rule files extend each other in a cycle.",
    "E-OVERRIDE": "An override names something the base rule set does not have.",
    "E-TEST-SHAPE": "An embedded test case is malformed.",
    "E-TEST-FAIL": "An embedded test case does not give the expected result.",
    "W-UNUSED": "An indicator or derived value is declared but never used.",
    "W-RECONSTRUCTED": "Reminder that parts of a rule set are reconstructed.",
    "W-REPORT-YEAR": "The survey year is not known, so the reports cannot state it.",
    "E-FRONT-MATTER": "The Word report's front matter is not a mapping of its known keys.",
    # Expressions
    "E-EXPR-SYNTAX": "An expression is not valid syntax.",
    "E-EXPR-MULTI": "A string holds more than one expression.",
    "E-EXPR-FORBIDDEN": "An expression uses a construct that rule files do not allow.",
    "E-EXPR-NAME": "An expression uses an undeclared name.",
    "E-EXPR-FUNC": "An expression calls an unknown function or calls it wrongly.",
    "E-EXTENSION": "An extension is declared wrongly, fails to import, collides or misbehaves.",
    "E-REQUIRES": "A plugin the rule file requires is not installed, or not in that version.",
    "E-EXPR-TYPE": "An expression mixes types (a category with a number, arithmetic on booleans).",
    "E-EXPR-CATEGORY": "A string is not one of the categories of the compared indicator.",
    "E-EXPR-LIMIT": "An expression is too long, too deep or has too many parts.",
    "E-EXPR-POWER": "An exponent is too large.",
    "E-EXPR-DIVZERO": "A division by a literal zero.",
    # Evaluation
    "E-EVAL": "Scoring failed for an agency.",
    "E-EVAL-DIVZERO": "Division by zero while scoring an agency.",
    "E-EVAL-NONFINITE": "A computation produced an infinite or undefined number.",
    "E-EVAL-EXTENSION": "An extension (function, rule type, normalisation or aggregation) "
    "failed or returned a value it must not.",
    "E-RULE-TYPE": "A plugin rule type found a problem in its part of a rule file.",
    "E-WRITER-EXTENSION": "A plugin report writer failed or returned something other than bytes.",
    "E-EVAL-RANGE": "A value is outside its declared range.",
    "E-EVAL-MISSING": "A value is missing and its policy blocks publication.",
    "E-EVAL-TYPE": "A value has the wrong type for its indicator.",
    "E-EVAL-NOTIER": "A total falls in no tier.",
    "E-EVAL-RELATION": "A declared relation between indicators does not hold.",
    "E-EVAL-BLOCK": "An agency's block is not declared by the rule set.",
    # Data
    "E-DATA": "Survey data is malformed.",
    "E-DATA-ENCODING": "A data file's text encoding cannot be read safely.",
    "E-DATA-FORMAT": "A data file's format is not recognised or is corrupt.",
    "E-DATA-HEADER": "A header is duplicated, unknown or missing.",
    "W-DATA-HEADER-IGNORED": "An unknown column is not read, as the layout allows.",
    "E-DATA-NUMBER": "A number cannot be read under the declared locale.",
    "E-DATA-AMBIGUOUS": "A number reads two ways under the declared locale.",
    "E-DATA-BOOL": "A yes/no value cannot be read.",
    "E-DATA-DATE": "A date cannot be read as dd/mm/yyyy.",
    "E-DATA-CATEGORY": "A value is not one of the indicator's categories.",
    "E-DATA-RANGE": "A value is outside its indicator's declared range.",
    "E-DATA-RELATION": "A declared relation between indicators does not hold.",
    "E-DATA-AGENCY-UNKNOWN": "A survey row names an agency not in the registry.",
    "E-DATA-AGENCY-DUPLICATE": "The same agency appears twice.",
    "E-DATA-AGENCY-MISSING": "A registry agency has no survey row.",
    "W-DATA-AGENCY-MISSING": "A registry agency that is not ranked has no survey row.",
    "E-DATA-AGENCY-LOOKALIKE": "Two names differ only by look-alike characters.",
    "W-DATA-LOOKALIKE": "A row matched a registry agency whose name differs by look-alike characters.",
    "E-DATA-CHAR": "A text holds a control, invisible, bidirectional or look-alike character.",
    "E-DATA-LIMIT": "A data file exceeds a safety limit (size, cells, nesting, field length).",
    "E-DATA-FORMULA": "A cell holds a formula instead of a value.",
    "E-DATA-ROW": "A row is ragged or empty where data was expected.",
    "E-DATA-MAPPING": "A workbook mapping is malformed.",
    "E-DATA-REGISTRY": "An agency registry is malformed.",
    "E-DATA-NA": "A value is marked not applicable but its indicator always applies.",
    "E-DATA-EVIDENCE": "A value whose indicator requires evidence (minh chứng) has none.",
    "E-DATA-BLOCK": "A row's block is missing, unknown or contradicts earlier rows.",
    "W-DATA-APPRAISED": "The appraised value differs from the self-assessed value.",
    "W-DATA-SUSPICIOUS": "A value is valid but unusual.",
    # Results files (udcntt report, --previous) and the command line's outcome
    "E-RESULTS-JSON": "A results file is not readable JSON text.",
    "E-RESULTS-SCHEMA": "A JSON file is not an udcntt results file.",
    "E-RESULTS-VERSION": "A results file has a schema version this udcntt does not read.",
    "E-RESULTS-TYPE": "A value of a results file has the wrong JSON type.",
    "E-RESULTS-MISSING": "A results file lacks a required key.",
    "E-RESULTS-KEY": "A results file has a key its layout does not have, or a key twice.",
    "E-RESULTS-LIMIT": "A results file exceeds a limit (size, nesting, length, count, digits).",
    "E-RESULTS-VALUE": "A value of a results file is malformed or contradicts the rest of the file.",
    "E-NOTHING-SCORED": "No agency could be scored, so no report is written (exit code 4).",
    "E-PREVIOUS-AMBIGUOUS": "Two agencies of this year match the same agency of last year.",
    # Lineage of units and crosswalks of criteria (udcntt lineage, score --lineage/--crosswalk)
    "E-LINEAGE-SCHEMA": "A lineage file is malformed (unknown key, wrong type, missing field).",
    "E-LINEAGE-UNIT": "A lineage names an unknown unit, or declares a unit twice.",
    "E-LINEAGE-GONE": "A unit takes part in an event after it ended (it would disappear twice).",
    "E-LINEAGE-ORDER": "Lineage events are out of date order, or a unit is in two events of one day.",
    "E-LINEAGE-CYCLE": "A unit id comes back after it ended: a cycle in the lineage.",
    "E-LINEAGE-SHARES": "A unit goes to several successors without shares, or shares do not add up to 1.",
    "E-LINEAGE-LOST": "A unit the lineage says is alive is missing from the registry: the lineage lost it.",
    "E-LINEAGE-UNCOVERED": "A unit of a registry or survey is not covered by the lineage.",
    "W-LINEAGE-BLOCK": "The lineage and the registry put a unit in different blocks.",
    "E-BASELINE-METHOD": "A baseline method is unknown or cannot derive a unit's last-year value.",
    "E-CROSSWALK-SCHEMA": "A crosswalk file is malformed (unknown key, wrong type, missing field).",
    "E-CROSSWALK-NAME": "A crosswalk names an indicator or criterion that its rule file does not declare.",
    "E-CROSSWALK-TWICE": "A crosswalk maps one target twice.",
    "E-CROSSWALK-TYPE": "A crosswalk maps values of incompatible types.",
    # Uncertainty and sensitivity analysis (udcntt analyse, udcntt.analysis)
    "E-ANALYSIS-SCHEMA": "An analysis file has an unknown key or a value of the wrong form.",
    "E-ANALYSIS-NAME": "An analysis file names a criterion, group, tier or indicator the rule set does not have.",
    "E-ANALYSIS-VALUE": "An analysis file asks for a variation that does not fit what it names.",
    "E-ANALYSIS-SPREAD": "A spread, concentration or probability is negative, not finite or out of range.",
    "E-ANALYSIS-BUDGET": "Alternative points of a group's children do not add up to the group's budget.",
    "E-ANALYSIS-TIER": "Varied tier thresholds would overlap.",
    "E-ANALYSIS-EXTENDS": "The rule file an analysis file extends cannot be found, or none is named.",
    "E-ANALYSIS-MEMORY": "The draws asked for need more memory than the cap allows.",
    "E-ANALYSIS-NOMINAL": "The nominal draw of the analysis differs from the exact result.",
    # Property checks (udcntt check --properties, udcntt.testing)
    "E-PROP-BOUNDS": "A criterion's points, a total or a share can leave its range [0, max].",
    "E-PROP-EVAL": "Survey data the rule file declares valid cannot be scored.",
    "E-PROP-MONOTONE": "A better value of an indicator with a direction lowers points, total, tier or rank.",
    "E-PROP-TIERS": "Some reachable total falls in no tier, or in a worse tier than a lower total.",
    "E-PROP-PERMUTATION": "Results depend on the order of the agencies in the survey.",
    "E-PROP-DETERMINISM": "Scoring the same data twice gives different results.",
    "E-PROP-NA": "Not-applicable answers change the maximum or other criteria inconsistently.",
    "E-PROP-EXTENDS": "A rule file that only extends another scores differently from it.",
    "W-PROP-SKIPPED": "A property could not be checked (no valid survey data could be generated).",
    "W-PROP-INCOMPLETE": "The time budget stopped the property checks before every example ran.",
    "W-PROP-SAME-TOTAL": "Two agencies of a block can publish the same total in different tiers.",
    "E-PROP-MISSING": "Leaving a value unanswered scores more than answering it.",
    "E-PROP-NORMALISE": "An agency alone in its population gets full marks for the worst value.",
    "E-PROP-TOTALS": "Under 'totals: sum_of_rounded' a published total differs from its published group points added up.",
    # udcntt serve (the server extra)
    "E-SERVER-UPLOAD": "A file uploaded in the browser cannot be used as it is.",
    "E-SERVER-PUBLISH": "A campaign cannot be published yet.",
    "E-SERVER-BACKUP": "A campaign backup cannot be written or restored.",
}
