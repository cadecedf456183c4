"""Running every invariant on a fixed number of examples: :func:`run_properties`.

The number of examples per property and the seed are the contract of a run: the same seed
and example count give the same verdict and the same counterexamples on any machine,
loaded or idle. The time budget is only an upper bound: when it cuts a run short, the
outcome says so (verdict ``incomplete``, warning ``W-PROP-INCOMPLETE`` with how many of the
examples ran); it never turns an unfinished run into a pass.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, reject, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException, Unsatisfiable

from udcntt.data import Dataset
from udcntt.errors import Diagnostic, Severity, SourceLocation, UdcnttError, msg
from udcntt.loading import RuleSource
from udcntt.model import RuleSet
from udcntt.program import CompiledRuleSet, load_rules
from udcntt.testing._examples import RUNS, bodies, nothing_to_check
from udcntt.testing._reproducible import extension_failure, extension_of
from udcntt.testing._same_total import probe_same_total
from udcntt.testing._spaces import compiled_of
from udcntt.testing._tier_checks import probe_tiers
from udcntt.testing._violations import INVARIANTS, InvalidData, Violation

__all__ = ["DEFAULT_EXAMPLES", "InvariantReport", "PropertyOutcome", "run_properties"]

#: Examples per property when ``examples`` is not given: the contract of a run (with its
#: seed), whatever the machine's load.
DEFAULT_EXAMPLES = 100

#: The clock the time budget is measured with (a module attribute so that tests can put a
#: slow or fast clock in its place).
_clock: Callable[[], float] = time.monotonic


@dataclass(frozen=True)
class InvariantReport:
    """How one invariant's run went.

    ``status`` is ``passed`` (every requested example ran), ``failed`` (a counterexample),
    ``incomplete`` (the time budget ran out after ``examples`` of the requested examples),
    or ``skipped`` (nothing to check, or no valid data could be made). ``examples`` counts
    the valid examples checked; ``seconds`` is informative only.
    """

    name: str
    code: str
    status: str
    examples: int
    seconds: float
    note: str | None = None


@dataclass(frozen=True)
class PropertyOutcome:
    """Everything :func:`run_properties` found.

    ``verdict`` is ``failed`` (a property is violated), ``incomplete`` (none is violated so
    far, but the time budget stopped the run before every requested example ran) or
    ``passed``. It depends only on the rule set, the seed and ``examples`` unless the time
    budget is exceeded, which the verdict then says.
    """

    rules_id: str
    seed: int
    violations: tuple[Violation, ...]
    diagnostics: tuple[Diagnostic, ...]
    reports: tuple[InvariantReport, ...]
    elapsed: float
    max_seconds: float
    examples: int = DEFAULT_EXAMPLES

    @property
    def complete(self) -> bool:
        """True when the time budget let every property run all its examples."""
        return not any(r.status == "incomplete" for r in self.reports)

    @property
    def verdict(self) -> str:
        """``failed``, ``incomplete`` or ``passed`` (see the class docstring)."""
        if self.violations:
            return "failed"
        return "passed" if self.complete else "incomplete"

    @property
    def ok(self) -> bool:
        """True when the run is complete and no invariant is violated (verdict ``passed``)."""
        return self.verdict == "passed"

    @property
    def errors(self) -> list[Diagnostic]:
        """Diagnostics of error severity (one per violation)."""
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    def to_dict(self) -> dict[str, Any]:
        """The verdict, seed, example count and per-property status (no timings)."""
        return {
            "verdict": self.verdict,
            "seed": self.seed,
            "examples": self.examples,
            "properties": [
                {"name": r.name, "code": r.code, "status": r.status, "examples": r.examples}
                for r in self.reports
            ],
        }

    def summary(self) -> str:
        """One line per invariant: status, examples, seconds."""
        lines = [
            f"properties of '{self.rules_id}' (seed {self.seed}, {self.examples} examples each, "
            f"{self.elapsed:.1f} s): {self.verdict}"
        ]
        for r in self.reports:
            note = f" — {r.note}" if r.note else ""
            lines.append(
                f"  {r.name:<15} {r.status:<10} {r.examples:>6} examples {r.seconds:6.2f} s{note}"
            )
        return "\n".join(lines)


class _BudgetSpent(BaseException):
    """Raised inside a hypothesis run to stop it at once (not a test failure)."""


class _Found(Exception):
    """A counterexample, raised inside a hypothesis run so that it shrinks it."""

    def __init__(self, violation: Violation) -> None:
        super().__init__(violation.message)
        self.violation = violation


@dataclass
class _Run:
    name: str
    deadline: float
    body: Callable[[Any], list[Violation]]
    examples: int = 0
    valid: int = 0
    failing: dict[str, Violation] = field(default_factory=dict)
    last: Violation | None = None
    spent: bool = False


def _key(example: Any) -> str:
    parts = example if isinstance(example, tuple) else (example,)
    out = []
    for part in parts:
        if isinstance(part, Dataset):
            out.append(part.fingerprint())
        else:
            out.append(repr(part))
    return "|".join(out)


def _size(violation: Violation) -> tuple[int, int]:
    agencies = len(violation.data.agencies) if violation.data is not None else 0
    return agencies, len(violation.counterexample)


def _check_time(run: _Run) -> None:
    if _clock() > run.deadline:
        run.spent = True
        raise _BudgetSpent


def _guarded(run: _Run, strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``strategy``, stopping the run when the time is up (drawing may reject a lot)."""

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        _check_time(run)
        return draw(strategy)

    return build()


def _attempt(run: _Run, example: Any, key: str) -> Violation | None:
    _check_time(run)
    run.examples += 1
    try:
        found = run.body(example)
    except InvalidData:
        reject()
    run.valid += 1
    if not found:
        return None
    violation = found[0]
    run.failing[key] = violation
    if run.last is None or _size(violation) <= _size(run.last):
        run.last = violation
    return violation


def _drive(
    run: _Run,
    strategy: st.SearchStrategy[Any],
    *,
    seed: int,
    max_examples: int,
) -> Violation | None:
    """Run ``body`` over ``strategy`` until a shrunk counterexample, the examples or the time run out."""

    def test(example: Any) -> None:
        key = _key(example)
        violation = run.failing.get(key)
        if violation is None:
            violation = _attempt(run, example, key)
        if violation is not None:
            raise _Found(violation)  # one raise site: one "bug" for hypothesis to shrink

    wrapped = hypothesis_seed(seed)(
        settings(
            max_examples=max_examples,
            deadline=None,
            database=None,
            derandomize=False,
            print_blob=False,
            report_multiple_bugs=False,
            verbosity=Verbosity.quiet,
            phases=(Phase.explicit, Phase.generate, Phase.shrink),
            suppress_health_check=list(HealthCheck),
        )(given(_guarded(run, strategy))(test))
    )
    try:
        wrapped()
    except _Found as found:
        return found.violation
    except _BudgetSpent:
        return run.last
    except HypothesisException:
        # Stopping in the middle of drawing data can confuse hypothesis' bookkeeping.
        if run.spent:
            return run.last
        raise
    return None


def _resolve(rules: RuleSet | CompiledRuleSet | str | Path) -> CompiledRuleSet:
    if isinstance(rules, str | Path):
        rules = load_rules(rules)
    return compiled_of(rules)


def run_properties(
    rules: RuleSet | CompiledRuleSet | str | Path,
    *,
    max_seconds: float | None = None,
    seed: int | None = None,
    max_examples: int | None = None,
    invariants: Sequence[str] | None = None,
) -> PropertyOutcome:
    """Check every invariant of :data:`udcntt.testing.INVARIANTS` on a rule set.

    Hypothesis draws valid surveys from the rule set's own declarations, looks for a
    counterexample to each invariant among ``max_examples`` examples and shrinks it to a
    minimal one. The seed and the example count decide the run: the same pair gives the
    same verdict and diagnostics on any machine.

    Args:
        rules: a loaded or compiled rule set, or the path of a rule file.
        max_seconds: an upper bound on the time of the whole run; ``None`` (the default),
            0 or less for no bound. When it cuts the run, the outcome's verdict is
            ``incomplete`` and a ``W-PROP-INCOMPLETE`` warning says how many of the
            examples ran.
        seed: the seed of the random search; printed with every violation, and passing it
            again (with the same ``max_examples``) reproduces the run.
        max_examples: examples per invariant (default :data:`DEFAULT_EXAMPLES`, 100).
        invariants: names of the invariants to check (default: all).

    Returns:
        A :class:`PropertyOutcome`; ``outcome.diagnostics`` holds one error per violation
        (code ``E-PROP-…``, message naming the invariant, the criterion, the counterexample
        and the seed), a warning ``W-PROP-SKIPPED`` per invariant that could not be checked
        (no valid data could be generated) and a warning ``W-PROP-INCOMPLETE`` when the time
        budget stopped the run.

    Raises:
        RuleFileError: ``rules`` is a path to a rule file that does not load.
        ValueError: an unknown name in ``invariants``, or ``max_examples`` below 1.
    """
    start = _clock()
    compiled = _resolve(rules)
    rule_set = compiled.rules
    run_seed = seed if seed is not None else secrets.randbelow(2**32)
    count = DEFAULT_EXAMPLES if max_examples is None else int(max_examples)
    if count < 1:
        raise ValueError(msg("max_examples must be at least 1"))
    wanted = list(INVARIANTS) if invariants is None else list(invariants)
    for name in wanted:
        if name not in INVARIANTS:
            raise ValueError(
                msg(
                    "unknown invariant '{name}' (known: {known})",
                    name=name,
                    known=", ".join(INVARIANTS),
                )
            )
    budget = float(max_seconds) if max_seconds and max_seconds > 0 else float("inf")
    deadline = start + budget
    runs = [n for n in RUNS if n in wanted or (n == "bounds" and "scoring" in wanted)]
    src = rule_set.source
    where = (
        SourceLocation(file=src.files[0].path)
        if isinstance(src, RuleSource) and src.files
        else None
    )
    violations: list[Violation] = []
    reports: list[InvariantReport] = []
    warnings: list[Diagnostic] = []

    def report(
        name: str, status: str, examples: int, began: float, note: str | None = None
    ) -> None:
        reports.append(
            InvariantReport(name, INVARIANTS[name].code, status, examples, _clock() - began, note)
        )

    extended: list[RuleSet | None] = [None]
    runners = bodies(compiled, wanted, lambda: extended[0])
    if "tiers" in runs:
        # One published total in two tiers (basis: share, maxima lowered by not-applicable
        # answers) is the declared behaviour, so it is flagged, not failed.
        warnings.extend(_same_total(v, where) for v in probe_same_total(compiled))
    for name in runs:
        began = _clock()
        probed: list[Violation] = probe_tiers(compiled) if name == "tiers" else []
        why_not = nothing_to_check(compiled, name)
        if why_not is not None:
            report(name, "skipped", 0, began, why_not)
            continue
        if name == "extends":
            try:
                extended[0] = extension_of(rule_set)
            except UdcnttError as exc:
                violations.append(extension_failure(exc))
                report(name, "failed", 0, began, "the extending file does not load")
                continue
        if probed and _clock() > deadline:
            violations.append(probed[0])
            report(name, "failed", 0, began, "found by probing the tier thresholds")
            continue
        if _clock() > deadline:
            report(name, "incomplete", 0, began, "the time budget was spent before it started")
            continue
        make, body = runners[name]
        run = _Run(name, deadline, body)
        try:
            found = _drive(run, make(), seed=run_seed, max_examples=count)
        except Unsatisfiable:
            report(name, "skipped", run.valid, began, "no valid survey data could be generated")
            warnings.append(_skipped(name, where))
            continue
        if found is None and probed:
            # No survey shows it: report what probing the thresholds found.
            violations.append(probed[0])
            report(name, "failed", run.valid, began, "found by probing the tier thresholds")
            continue
        if found is not None:
            if probed:
                found = replace(
                    found,
                    extra=(
                        *found.extra,
                        msg("probing the thresholds: {message}", message=probed[0].message),
                    ),
                )
            violations.append(found)
            note = "shrinking stopped at the time budget" if run.spent else None
            report(name, "failed", run.valid, began, note)
        elif run.spent:
            report(name, "incomplete", run.valid, began, f"{run.valid} of {count} examples")
        elif run.valid == 0:
            report(name, "skipped", 0, began, "no valid survey data could be generated")
            warnings.append(_skipped(name, where))
        else:
            # Hypothesis stops early when most drawn data cannot be scored: say so.
            short = f"{run.valid} valid examples: most data drawn could not be scored"
            report(name, "passed", run.valid, began, short if run.valid < count else None)
    incomplete = [r for r in reports if r.status == "incomplete"]
    if incomplete:
        warnings.append(_incomplete(incomplete, count, budget, where))
    order = list(INVARIANTS)
    violations.sort(key=lambda v: order.index(v.invariant))
    diagnostics = [_reproducible(v.to_diagnostic(rule_set, run_seed), count) for v in violations]
    diagnostics += warnings
    return PropertyOutcome(
        rules_id=rule_set.id,
        seed=run_seed,
        violations=tuple(violations),
        diagnostics=tuple(diagnostics),
        reports=tuple(reports),
        elapsed=_clock() - start,
        max_seconds=budget,
        examples=count,
    )


def _reproducible(diagnostic: Diagnostic, count: int) -> Diagnostic:
    """The diagnostic, with the example count when it is not the default (the seed alone
    reproduces a run only with the same count)."""
    if count == DEFAULT_EXAMPLES:
        return diagnostic
    note = msg("with the same number of examples: --examples {count}", count=count)
    return replace(diagnostic, notes=(*diagnostic.notes, note))


def _same_total(violation: Violation, where: SourceLocation | None) -> Diagnostic:
    return Diagnostic(
        code="W-PROP-SAME-TOTAL",
        message=violation.message,
        severity=Severity.WARNING,
        location=where,
        criterion=violation.criterion,
        hint=violation.hint,
    )


def _skipped(name: str, where: SourceLocation | None) -> Diagnostic:
    return Diagnostic(
        code="W-PROP-SKIPPED",
        message=msg(
            "property '{name}' was not checked: no valid survey data could be generated",
            name=name,
        ),
        severity=Severity.WARNING,
        location=where,
        hint=msg("check that the declared ranges and relations can all hold together"),
    )


def _incomplete(
    reports: Sequence[InvariantReport], count: int, budget: float, where: SourceLocation | None
) -> Diagnostic:
    return Diagnostic(
        code="W-PROP-INCOMPLETE",
        message=msg(
            "property checks incomplete: the time budget of {seconds} s ran out after {done} of "
            "{wanted} examples of the unfinished properties ({names})",
            seconds=f"{budget:g}",
            done=sum(r.examples for r in reports),
            wanted=count * len(reports),
            names=", ".join(r.name for r in reports),
        ),
        notes=tuple(
            msg("{name}: {done} of {wanted} examples", name=r.name, done=r.examples, wanted=count)
            for r in reports
        ),
        severity=Severity.WARNING,
        location=where,
        hint=msg(
            "the verdict is 'incomplete', not a pass: raise --max-seconds (or leave it out), "
            "or ask for fewer --examples"
        ),
    )
