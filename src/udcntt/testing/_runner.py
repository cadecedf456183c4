"""Running every invariant within a time budget: :func:`run_properties`."""

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

from udcntt.data import NA, Dataset
from udcntt.errors import Diagnostic, Severity, SourceLocation, UdcnttError
from udcntt.loading import RuleSource
from udcntt.model import RuleSet
from udcntt.program import CompiledRuleSet, load_rules
from udcntt.testing._invariants import (
    INVARIANTS,
    InvalidData,
    Violation,
    check_bounds,
    check_determinism,
    check_extends,
    check_monotone,
    check_not_applicable,
    check_permutation,
    check_tiers,
    extension_failure,
    extension_of,
    fresh_compile,
    probe_tiers,
)
from udcntt.testing._strategies import (
    compiled_of,
    datasets,
    directional_indicators,
    improve,
)

__all__ = ["InvariantReport", "PropertyOutcome", "run_properties"]

#: Relative share of the time budget per hypothesis run.
_WEIGHTS: dict[str, int] = {
    "bounds": 3,
    "monotone": 3,
    "tiers": 1,
    "permutation": 1,
    "determinism": 1,
    "not_applicable": 2,
    "extends": 1,
}
#: Examples per second of budget when ``max_examples`` is not given (the deadline stops
#: slower rule sets earlier).
_EXAMPLES_PER_SECOND = 100
#: Examples per invariant when there is no time limit and no ``max_examples``.
_UNLIMITED_EXAMPLES = 200


@dataclass(frozen=True)
class InvariantReport:
    """How one invariant's run went.

    ``status`` is ``passed``, ``failed``, ``partial`` (the time budget ran out before
    ``max_examples``), or ``skipped`` (nothing to check, or no valid data could be made).
    """

    name: str
    code: str
    status: str
    examples: int
    seconds: float
    note: str | None = None


@dataclass(frozen=True)
class PropertyOutcome:
    """Everything :func:`run_properties` found."""

    rules_id: str
    seed: int
    violations: tuple[Violation, ...]
    diagnostics: tuple[Diagnostic, ...]
    reports: tuple[InvariantReport, ...]
    elapsed: float
    max_seconds: float

    @property
    def ok(self) -> bool:
        """True when no invariant is violated."""
        return not self.violations

    @property
    def errors(self) -> list[Diagnostic]:
        """Diagnostics of error severity (one per violation)."""
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    def summary(self) -> str:
        """One line per invariant: status, examples, seconds."""
        lines = [f"properties of '{self.rules_id}' (seed {self.seed}, {self.elapsed:.1f} s):"]
        for r in self.reports:
            note = f" — {r.note}" if r.note else ""
            lines.append(
                f"  {r.name:<15} {r.status:<8} {r.examples:>6} examples {r.seconds:6.2f} s{note}"
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
    hard_deadline: float
    slice_seconds: float
    global_deadline: float
    body: Callable[[Any], list[Violation]]
    examples: int = 0
    valid: int = 0
    failing: dict[str, Violation] = field(default_factory=dict)
    last: Violation | None = None
    found_at: float | None = None
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
    limit = run.deadline if run.found_at is None else run.hard_deadline
    if time.monotonic() > limit:
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
    now = time.monotonic()
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
    if run.found_at is None:
        run.found_at = now
        # Shrinking may use later invariants' time, but not beyond the budget (except for
        # a couple of seconds, so that a late find still shrinks a little).
        shrink_until = min(now + max(2.0, run.slice_seconds), max(run.global_deadline, now + 2.0))
        run.hard_deadline = max(run.hard_deadline, shrink_until)
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


def _monotone_examples(compiled: CompiledRuleSet) -> st.SearchStrategy[Any]:
    base = datasets(compiled, 1, 3, missing=False)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[Dataset, str, str, Any]:
        data = draw(base)
        # The first agency changes, the others stay: agencies are drawn alike, so nothing is
        # lost, and shrinking can drop the others.
        record = data.agencies[0]
        names = [
            n
            for n in directional_indicators(compiled, record.block)
            if record.values.get(n) is not NA
        ]
        if not names:
            reject()
        indicator = draw(st.sampled_from(names))
        value = improve(draw, compiled, record, indicator)
        return data, record.id, indicator, value

    return build()


def _permutation_examples(compiled: CompiledRuleSet) -> st.SearchStrategy[Any]:
    base = datasets(compiled, 2, 4)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[Dataset, tuple[int, ...]]:
        data = draw(base)
        order = draw(st.permutations(range(len(data.agencies))))
        return data, tuple(order)

    return build()


def _na_examples(compiled: CompiledRuleSet) -> st.SearchStrategy[Any]:
    base = datasets(compiled, 1, 3)
    allowed = {n for n, ind in compiled.rules.indicators.items() if ind.not_applicable}

    @st.composite
    def build(draw: st.DrawFn) -> tuple[Dataset, str | None, str | None]:
        data = draw(base)
        if not allowed or not draw(st.booleans()):
            return data, None, None
        record = data.agencies[0]
        names = [
            n
            for n in compiled.blocks[record.block].indicators
            if n in allowed and record.values.get(n) is not NA
        ]
        if not names:
            return data, None, None
        return data, record.id, draw(st.sampled_from(names))

    return build()


def run_properties(
    rules: RuleSet | CompiledRuleSet | str | Path,
    *,
    max_seconds: float = 60,
    seed: int | None = None,
    max_examples: int | None = None,
    invariants: Sequence[str] | None = None,
) -> PropertyOutcome:
    """Check every invariant of :data:`udcntt.testing.INVARIANTS` on a rule set.

    Hypothesis draws valid surveys from the rule set's own declarations, looks for a
    counterexample to each invariant and shrinks it to a minimal one.

    Args:
        rules: a loaded or compiled rule set, or the path of a rule file.
        max_seconds: the time budget for all invariants together (about; a counterexample
            found near the end may take a few more seconds to shrink); 0 or less for no
            limit (then each invariant runs ``max_examples``, by default 200).
        seed: the seed of the random search; printed with every violation, and passing it
            again (with the same or a larger budget) reproduces the run.
        max_examples: examples per invariant; by default scaled to the time budget.
        invariants: names of the invariants to check (default: all).

    Returns:
        A :class:`PropertyOutcome`; ``outcome.diagnostics`` holds one error per violation
        (code ``E-PROP-…``, message naming the invariant, the criterion, the counterexample
        and the seed) and a warning ``W-PROP-SKIPPED`` per invariant that could not be
        checked (time budget spent, or no valid data could be generated).

    Raises:
        RuleFileError: ``rules`` is a path to a rule file that does not load.
        ValueError: an unknown name in ``invariants``.
    """
    start = time.monotonic()
    compiled = _resolve(rules)
    rule_set = compiled.rules
    run_seed = seed if seed is not None else secrets.randbelow(2**32)
    wanted = list(INVARIANTS) if invariants is None else list(invariants)
    for name in wanted:
        if name not in INVARIANTS:
            raise ValueError(f"unknown invariant '{name}' (known: {', '.join(INVARIANTS)})")
    budget = float(max_seconds) if max_seconds and max_seconds > 0 else float("inf")
    global_deadline = start + budget
    runs = [n for n in _WEIGHTS if n in wanted or (n == "bounds" and "scoring" in wanted)]
    total_weight = sum(_WEIGHTS[n] for n in runs) or 1
    src = rule_set.source
    where = (
        SourceLocation(file=src.files[0].path)
        if isinstance(src, RuleSource) and src.files
        else None
    )
    violations: list[Violation] = []
    reports: list[InvariantReport] = []
    warnings: list[Diagnostic] = []
    used = 0

    def report(
        name: str,
        status: str,
        examples: int,
        began: float,
        note: str | None = None,
        *,
        warn: bool = True,
    ) -> None:
        reports.append(
            InvariantReport(
                name, INVARIANTS[name].code, status, examples, time.monotonic() - began, note
            )
        )
        if status == "skipped" and note and warn:
            warnings.append(
                Diagnostic(
                    code="W-PROP-SKIPPED",
                    message=f"property '{name}' was not checked: {note}",
                    severity=Severity.WARNING,
                    location=where,
                    hint="raise --max-seconds"
                    if "budget" in note
                    else "check that the declared ranges and relations can all hold together",
                )
            )

    extended: RuleSet | None = None
    bodies: dict[
        str, tuple[Callable[[], st.SearchStrategy[Any]], Callable[[Any], list[Violation]]]
    ] = {}
    bodies["bounds"] = (
        lambda: datasets(compiled, 1, 3),
        lambda d: _bounds_body(compiled, d, wanted),
    )
    bodies["monotone"] = (
        lambda: _monotone_examples(compiled),
        lambda ex: check_monotone(compiled, ex[0], ex[1], ex[2], ex[3]),
    )
    bodies["tiers"] = (lambda: datasets(compiled, 1, 3), lambda d: check_tiers(compiled, d))
    bodies["permutation"] = (
        lambda: _permutation_examples(compiled),
        lambda ex: check_permutation(compiled, ex[0], ex[1]),
    )
    other = fresh_compile(compiled) if "determinism" in runs else None
    bodies["determinism"] = (
        lambda: datasets(compiled, 1, 3),
        lambda d: check_determinism(compiled, d, other=other),
    )
    bodies["not_applicable"] = (
        lambda: _na_examples(compiled),
        lambda ex: check_not_applicable(compiled, ex[0], agency=ex[1], indicator=ex[2]),
    )
    bodies["extends"] = (
        lambda: datasets(compiled, 1, 3),
        lambda d: check_extends(compiled, extended, d) if extended is not None else [],
    )

    for name in runs:
        began = time.monotonic()
        # Each run gets its share of the time left, so an overrun is shared by the rest.
        share = _WEIGHTS[name] / (total_weight - used)
        used += _WEIGHTS[name]
        slice_seconds = max(global_deadline - began, 0.0) * share
        probed: list[Violation] = probe_tiers(compiled) if name == "tiers" else []
        if probed:
            slice_seconds /= 3  # probing found it: only look briefly for a survey showing it
        deadline = began + slice_seconds
        if name == "monotone" and not any(
            directional_indicators(compiled, b) for b in compiled.blocks
        ):
            report(name, "skipped", 0, began, "no indicator declares a direction", warn=False)
            continue
        if name == "extends":
            try:
                extended = extension_of(rule_set)
            except UdcnttError as exc:
                violations.append(extension_failure(exc))
                report(name, "failed", 0, began, "the extending file does not load")
                continue
        if time.monotonic() >= global_deadline:
            if probed:
                violations.append(probed[0])
                report(name, "failed", 0, began, "found by probing the tier thresholds")
            else:
                report(name, "skipped", 0, began, "the time budget was spent before it could run")
            continue
        if max_examples:
            count = max_examples
        elif budget == float("inf"):
            count = _UNLIMITED_EXAMPLES
        else:
            count = max(20, min(5000, int(min(slice_seconds, 50.0) * _EXAMPLES_PER_SECOND)))
        make, body = bodies[name]
        run = _Run(name, deadline, deadline, slice_seconds, global_deadline, body)
        try:
            found = _drive(run, make(), seed=run_seed, max_examples=count)
        except Unsatisfiable:
            report(name, "skipped", run.examples, began, "no valid survey data could be generated")
            continue
        if found is None and probed:
            # No survey shows it (yet): report what probing the thresholds found.
            violations.append(probed[0])
            report(name, "failed", run.examples, began, "found by probing the tier thresholds")
            continue
        if found is not None:
            if probed:
                found = replace(
                    found, extra=(*found.extra, f"probing the thresholds: {probed[0].message}")
                )
            violations.append(found)
            note = "shrinking stopped at the time budget" if run.spent else None
            report(name, "failed", run.examples, began, note)
        elif run.valid == 0:
            reason = (
                "the time budget was spent before it could run"
                if run.spent
                else "no valid survey data could be generated"
            )
            report(name, "skipped", run.examples, began, reason)
        else:
            report(name, "partial" if run.spent else "passed", run.valid, began)
    order = list(INVARIANTS)
    violations.sort(key=lambda v: order.index(v.invariant))
    diagnostics = [v.to_diagnostic(rule_set, run_seed) for v in violations] + warnings
    return PropertyOutcome(
        rules_id=rule_set.id,
        seed=run_seed,
        violations=tuple(violations),
        diagnostics=tuple(diagnostics),
        reports=tuple(reports),
        elapsed=time.monotonic() - start,
        max_seconds=budget,
    )


def _bounds_body(
    compiled: CompiledRuleSet, data: Dataset, wanted: Sequence[str]
) -> list[Violation]:
    found = check_bounds(compiled, data)
    return [v for v in found if v.invariant in wanted]
