"""The state of one evaluation: per-agency values, finished scores, shared counters.

Also where a criterion is declared, for locating the errors of a rule, the reference
path's first steps for one agency (:func:`slow_start`), and the choice of engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from udcntt.data import NA, AgencyRecord
from udcntt.errors import Diagnostic, SourceLocation, UsageError, msg
from udcntt.evaluation._assessment import CriterionResult
from udcntt.evaluation._inputs import PreparedInputs, prepare
from udcntt.evaluation._interpret import LeafOutcome, RuleFailure, derive, run_leaf
from udcntt.expressions import RuleArithmeticError
from udcntt.loading import RuleSource
from udcntt.model import TierLevel
from udcntt.program import BlockPlan, CompiledRuleSet, FastFunctions, LeafPlan, NodePlan

__all__ = [
    "Agency",
    "Core",
    "Run",
    "failure_diagnostic",
    "plan_location",
    "slow_start",
    "use_vector",
]

#: ``evaluate(engine="auto")`` takes the vectorised path from this many agencies on
#: (below it, converting the survey to columns costs more than it saves).
VECTOR_THRESHOLD = 2_000

_ZERO = Decimal(0)
_NO_STATE: Any = MappingProxyType({})


class Agency:
    """Mutable per-agency state while the pipeline runs.

    Agencies on the fast path keep the generated function's tuples (``fast_values``,
    ``fast_derived``, ``fast_leaves``); the others keep the reference path's dictionaries.
    """

    __slots__ = (
        "derived",
        "env",
        "fast_derived",
        "fast_done",
        "fast_leaves",
        "fast_values",
        "inputs",
        "leaves",
        "notes",
        "plan",
        "record",
        "variant",
    )

    def __init__(
        self, record: AgencyRecord, plan: BlockPlan, inputs: PreparedInputs | None
    ) -> None:
        self.record = record
        self.plan = plan
        self.inputs = inputs
        self.env: dict[str, Any] = dict(inputs.values) if inputs is not None else {}
        self.derived: dict[str, Any] = {}
        self.leaves: dict[str, LeafOutcome] = {}
        self.fast_values: list[Any] | None = None
        self.fast_derived: tuple[Any, ...] = ()
        self.fast_leaves: tuple[Decimal, ...] = ()
        self.fast_done: tuple[Any, ...] | None = None
        self.notes: tuple[str, ...] = ()
        self.variant: FastFunctions | None = None

    @classmethod
    def fast(
        cls,
        record: AgencyRecord,
        plan: BlockPlan,
        values: Any,
        out: tuple[Any, ...],
        whole: bool,
        notes: tuple[str, ...] = (),
        variant: FastFunctions | None = None,
    ) -> Agency:
        """An agency scored by generated code (no dictionaries: they are never filled).

        ``notes`` say which missing values were replaced by their policy before the call;
        ``variant`` holds the functions generated for the agency's not-applicable inputs
        (``None``: the block's own functions).
        """
        self = cls.__new__(cls)
        self.notes = notes
        self.variant = variant
        self.record = record
        self.plan = plan
        self.inputs = None
        self.env = self.derived = self.leaves = _NO_STATE
        self.fast_values = values
        self.fast_derived = out[0]
        self.fast_leaves = out[1]
        self.fast_done = out[2:] if whole else None
        return self

    def raw(self, leaf_index: int, leaf_id: str) -> Decimal | None:
        """A leaf's value before normalisation (``None`` when not applicable)."""
        if self.fast_values is not None:
            return self.fast_leaves[leaf_index]
        outcome = self.leaves.get(leaf_id)
        return None if outcome is None or outcome.na else outcome.raw


class Core:
    """An agency's scores before ranking and comparison."""

    __slots__ = ("agency", "criteria", "max", "notes", "share", "tier", "total", "unrounded")

    def __init__(
        self,
        agency: Agency,
        criteria: Mapping[str, CriterionResult],
        unrounded: Decimal,
        total: Decimal,
        max_: Decimal,
        share: Decimal,
        tier: TierLevel,
        notes: tuple[str, ...],
    ) -> None:
        self.agency = agency
        self.criteria = criteria
        self.unrounded = unrounded
        self.total = total
        self.max = max_
        self.share = share
        self.tier = tier
        self.notes = notes


class Run:
    """What one evaluation shares between agencies: the rule set, scores, errors, counts."""

    __slots__ = ("compiled", "errors", "paths", "scores", "tier_base")

    def __init__(self, compiled: CompiledRuleSet) -> None:
        self.compiled = compiled
        self.errors: list[Diagnostic] = []
        self.scores: dict[tuple[str, str], Decimal] = {}
        self.paths: dict[str, int] = {}
        # In tier conditions, criteria that do not apply in an agency's block count 0, as
        # not-applicable criteria do; indicators not surveyed in the block are N/A.
        self.tier_base: dict[str, Any] = {}
        if compiled.tier_requires:
            self.tier_base.update(dict.fromkeys(compiled.rules.indicators, NA))
            self.tier_base.update(dict.fromkeys(compiled.derived, NA))
            self.tier_base.update({c.id: _ZERO for c in compiled.rules.all_criteria()})

    def count(self, path: str) -> None:
        """Count one agency under ``path`` (``"fast"`` or ``"reference:<reason>"``)."""
        self.paths[path] = self.paths.get(path, 0) + 1


def plan_location(compiled: CompiledRuleSet, node: NodePlan | LeafPlan) -> SourceLocation | None:
    """Where a criterion is declared in the rule file, when the rule set was loaded from one."""
    src = compiled.rules.source
    return src.locate(node.path) if isinstance(src, RuleSource) else None


def failure_diagnostic(
    compiled: CompiledRuleSet, record: AgencyRecord, plan: BlockPlan, exc: RuleFailure
) -> Diagnostic:
    """The located diagnostic of a rule that could not be evaluated for an agency."""
    loc: SourceLocation | None = None
    if exc.criterion:
        leaf = plan.node(exc.criterion)
        if leaf is not None:
            loc = plan_location(compiled, leaf)
    return Diagnostic(
        code=exc.code if exc.code.startswith("E-EVAL") else "E-EVAL",
        message=exc.message,
        location=loc or record.location,
        agency=record.id,
        criterion=exc.criterion,
        value=None if exc.value is None else str(exc.value),
        hint=msg("use ratio(a, b, default) where a denominator can be 0")
        if exc.code == "E-EVAL-DIVZERO"
        else None,
    )


def _phase_one(run: Run, agency: Agency) -> None:
    plan = agency.plan
    na = agency.inputs.na if agency.inputs is not None else set()
    try:
        env = agency.env
        derive(run.compiled, plan.derived, env, na)
        for name in plan.derived:
            agency.derived[name] = env[name]
        for leaf in plan.leaves:
            agency.leaves[leaf.id] = run_leaf(leaf, env, na, with_trace=False)
    except RuleFailure as exc:
        run.errors.append(failure_diagnostic(run.compiled, agency.record, plan, exc))


def _check_relations(run: Run, agency: Agency) -> None:
    """Report each declared relation the agency's inputs break, or that cannot be evaluated.

    A relation over a not-applicable value is not checked. An error while evaluating one
    (a division by zero) is reported located at the relation in the rule file.
    """
    compiled = run.compiled
    env = agency.env
    record = agency.record
    src = compiled.rules.source
    for index in agency.plan.relations:
        rel, expr = compiled.relations[index]
        needed = expr.names
        if any(env.get(n) is NA for n in needed):
            continue
        try:
            ok = expr.evaluate(env)
        except RuleArithmeticError as exc:
            pos = compiled.rules.relations.index(rel)
            loc = src.locate(("relations", pos, "check")) if isinstance(src, RuleSource) else None
            run.errors.append(
                Diagnostic(
                    code=exc.code if exc.code.startswith("E-EVAL") else "E-EVAL",
                    message=msg(
                        "relation '{check}' cannot be evaluated: {detail}",
                        check=rel.check,
                        detail=exc.detail,
                    ),
                    location=loc or record.location,
                    agency=record.id,
                    hint=msg("use ratio(a, b, default) where a denominator can be 0")
                    if exc.code == "E-EVAL-DIVZERO"
                    else None,
                )
            )
            continue
        if not ok:
            values = ", ".join(f"{n} = {env.get(n)}" for n in sorted(needed) if n in env)
            message = (
                msg(
                    "relation '{check}' does not hold ({values}): {explanation}",
                    check=rel.check,
                    values=values,
                    explanation=rel.message,
                )
                if rel.message
                else msg(
                    "relation '{check}' does not hold ({values})", check=rel.check, values=values
                )
            )
            run.errors.append(
                Diagnostic(
                    code="E-EVAL-RELATION",
                    message=message,
                    location=record.location,
                    agency=record.id,
                    hint=msg(
                        "correct the survey answers; the relation is declared in the rule file"
                    ),
                )
            )


def slow_start(
    run: Run, record: AgencyRecord, plan: BlockPlan, imputed: Mapping[str, Decimal]
) -> Agency | None:
    """The reference path's first steps for one agency: inputs prepared (policies, types),
    relations checked, derived values and leaves evaluated; ``None`` after reporting."""
    errors = run.errors
    before = len(errors)
    inputs = prepare(run.compiled.rules, record, plan.indicators, imputed, errors)
    if len(errors) > before:
        return None
    agency = Agency(record, plan, inputs)
    _check_relations(run, agency)
    if len(errors) > before:
        return None
    _phase_one(run, agency)
    return agency if len(errors) == before else None


def use_vector(engine: str, agencies: int) -> bool:
    """Whether to take the vectorised path for ``engine`` and that many agencies.

    Raises:
        UsageError: ``E-USAGE`` for an unknown engine, or ``"vector"`` without NumPy.
    """
    if engine == "decimal":
        return False
    if engine not in ("auto", "vector"):
        raise UsageError(
            msg("engine '{engine}' is not one of auto, decimal, vector", engine=engine),
            code="E-USAGE",
        )
    try:
        import numpy  # noqa: F401  (only whether it imports)
    except ImportError:
        if engine == "vector":
            raise UsageError(
                msg("engine 'vector' needs the optional package numpy"),
                code="E-USAGE",
                hint=msg("install it with: pip install 'udcntt[{extra}]'", extra="fast"),
            ) from None
        return False
    return engine == "vector" or agencies >= VECTOR_THRESHOLD
