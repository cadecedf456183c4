"""The scoring pipeline: inputs → derived → leaves → normalisation → groups → tier → rank.

Agencies are processed in a canonical order — by block in the rule file's order, then by
agency id — so nothing (population statistics, imputed means, results, diagnostics)
depends on the order of the survey rows.
"""

from __future__ import annotations

import decimal
import gc
from collections.abc import Callable, Mapping
from decimal import Decimal
from operator import attrgetter, itemgetter
from types import MappingProxyType
from typing import Any, Literal

from udcntt._methods import kind_record
from udcntt._version import __version__
from udcntt.data import MISSING, NA, AgencyRecord, Dataset
from udcntt.errors import Diagnostic, EvaluationError, UsageError, msg
from udcntt.evaluation._assessment import (
    AgencyResult,
    Assessment,
    CriteriaView,
    IndicatorInfo,
    Receipt,
    TierInfo,
)
from udcntt.evaluation._compare import compare, criteria_tree, rank_all, result_of
from udcntt.evaluation._finish import ARITHMETIC, BUGS, FastShape, finish_fast, finish_reference
from udcntt.evaluation._inputs import fill_missing, imputations
from udcntt.evaluation._normalise import population_pass
from udcntt.evaluation._state import Agency, Core, FastCore, Run, slow_start, use_vector
from udcntt.expressions import DECIMAL_CONTEXT, extension_record
from udcntt.loading import RuleSource
from udcntt.model import RuleSet
from udcntt.program import (
    Applicability,
    BlockPlan,
    CompiledRuleSet,
    FastFunctions,
    GeneratedCodeError,
    SlowPath,
    compile_rules,
    fast_variant,
)

__all__ = ["evaluate"]


def _canonical(compiled: CompiledRuleSet, data: Dataset) -> list[AgencyRecord]:
    """The survey's agencies by block (rule-file order; undeclared blocks first), then id."""
    groups: dict[str, list[AgencyRecord]] = {}
    for record in data.agencies:
        groups.setdefault(record.block, []).append(record)
    by_id = attrgetter("id")
    out = sorted((r for b, rs in groups.items() if b not in compiled.blocks for r in rs), key=by_id)
    for block in compiled.blocks:
        out.extend(sorted(groups.get(block, ()), key=by_id))
    return out


def evaluate(
    rules: RuleSet | CompiledRuleSet,
    data: Dataset,
    *,
    previous: Assessment | Dataset | None = None,
    previous_rules: RuleSet | CompiledRuleSet | None = None,
    options: Mapping[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_error: Literal["raise", "skip"] = "raise",
    reference: bool = False,
    engine: Literal["auto", "decimal", "vector"] = "auto",
) -> Assessment:
    """Score every agency of ``data`` with ``rules``.

    Args:
        rules: a loaded rule set (compiled on first use and cached) or a compiled one.
        data: the survey of the year.
        previous: last year's assessment, or last year's survey (scored with
            ``previous_rules``, by default the same rules) — for rank changes.
        previous_rules: the rule set of the previous year, when ``previous`` is a dataset.
        options: free-form options recorded in the receipt.
        progress: called as ``progress(done, total)`` every 1,000 agencies and at the end
            (the CLI draws its progress bar with it).
        on_error: ``"raise"`` (the default) stops with every problem found; ``"skip"`` leaves
            the agencies that cannot be scored out of the results (and out of population
            normalisations and ranks) and lists their problems in ``diagnostics`` — the
            lenient policy of ``udcntt score --lenient``. A skipped agency never gets a
            partial total.
        reference: score every agency on the reference interpreter (with traces).
        engine: how the generated code runs. ``"decimal"``: one exact ``Decimal`` call
            per agency. ``"vector"`` (needs NumPy, the ``fast`` extra): each block's
            agencies at once as float64 columns with an error bound per value; an
            agency whose comparisons and roundings are all certain under those bounds
            takes its published total, share and tier from there, every other agency is
            scored by the exact call, and the exact unrounded values (leaf points,
            derived values) are computed when first read. The results, and any report
            written from them, are identical to ``"decimal"``'s. A rule set using
            something without a vector form (a plugin rule type, a population
            normalisation, a tier condition, a date) runs on ``"decimal"``. ``"auto"``
            (the default): ``"vector"`` from 2,000 agencies on when NumPy is installed.

    Returns:
        The immutable :class:`Assessment`: results by block (rule-file order) then agency
        id, whatever the order of ``data``; ``paths`` counts the agencies per evaluation
        path.

    Raises:
        EvaluationError: listing every agency and criterion that could not be scored
            (division by zero, value out of range, missing value with a blocking policy,
            violated relation, a relation or tier condition that cannot be evaluated,
            unknown block); never a partial or wrong total. ``E-PREVIOUS-AMBIGUOUS`` when
            two agencies match the same agency of ``previous``.
        RuleFileError: when the rule set does not pass its checks.
        GeneratedCodeError: the code generated from the rule file failed in a way none of
            the declared fallback reasons covers — a bug in udcntt, never hidden.
    """
    compiled = rules if isinstance(rules, CompiledRuleSet) else compile_rules(rules)
    if isinstance(previous, Dataset):
        previous = evaluate(
            previous_rules or compiled,
            previous,
            on_error=on_error,
            reference=reference,
            engine=engine,
        )
    elif previous is not None and not isinstance(previous, Assessment):
        raise UsageError(msg("'previous' must be an Assessment or a Dataset"), code="E-USAGE")
    # Scoring allocates many small acyclic objects; pausing the cyclic collector meanwhile
    # saves a third of the time on large surveys and changes nothing else.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        vector = not reference and use_vector(engine, len(data.agencies))
        return _evaluate(compiled, data, previous, options, progress, on_error, reference, vector)
    finally:
        if gc_was_enabled:
            gc.enable()


def _picker(keys: tuple[str, ...]) -> Callable[[Mapping[str, Any]], Any]:
    """A function giving the block's inputs of a record's values, in argument order.

    Raises ``KeyError`` for a record that lacks one (:func:`_fast_values` then marks it).
    """
    if len(keys) > 1:
        return itemgetter(*keys)
    if keys:
        key = keys[0]
        return lambda values: (values[key],)
    return lambda values: ()


def _fast_values(record: AgencyRecord, keys: tuple[str, ...]) -> list[Any]:
    """The block's inputs of ``record``, :data:`MISSING` for those it lacks."""
    get = record.values.get
    return [get(k, MISSING) for k in keys]


def _call(
    fast: Callable[..., Any], values: Any, block_id: str, record: AgencyRecord
) -> tuple[Any, str]:
    """The generated function's result, or ``None`` and the declared reason it declined.

    Raises:
        GeneratedCodeError: for any failure that is not a declared reason.
    """
    try:
        return fast(*values), "fast"
    except SlowPath as exc:
        return None, exc.reason
    except ARITHMETIC:
        return None, "arithmetic"
    except BUGS as exc:
        raise GeneratedCodeError(
            f"generated code of block '{block_id}' failed for agency '{record.id}': {exc!r}; "
            "this is a bug in udcntt"
        ) from exc


def _retry(
    compiled: CompiledRuleSet,
    plan: BlockPlan,
    values: Any,
    imputed: Mapping[str, Decimal],
    record: AgencyRecord,
) -> tuple[Any, str, Any, tuple[str, ...], FastFunctions | None]:
    """The generated code again, after replacing missing values as their policies say and
    choosing the functions generated for the agency's not-applicable inputs.

    Returns:
        (result or ``None``, reason, values, notes on replaced values, functions used).
    """
    filled = fill_missing(compiled.rules, plan.indicators, values, imputed)
    if filled is None:
        return None, "missing", values, (), None
    values, notes = filled
    na = frozenset(k for k, v in zip(plan.indicators, values, strict=True) if v is NA)
    variant = fast_variant(compiled, plan, na) if na else None
    if na and variant is None:
        return None, "not_applicable", values, notes, None
    function: Callable[..., Any] | None = (
        (variant.whole or variant.leaves) if variant is not None else plan.fast_whole or plan.fast
    )
    if function is None:  # pragma: no cover - only blocks with generated code get here
        return None, "no_fast_code", values, notes, None
    out, reason = _call(function, values, plan.id, record)
    return out, reason, values, notes, variant


def _shape(
    compiled: CompiledRuleSet, agency: Agency, shapes: dict[tuple[str, frozenset[str]], FastShape]
) -> FastShape:
    """The result shape of a fast-path agency's block and not-applicable inputs (cached)."""
    variant = agency.variant
    na = variant.applicability.na if variant is not None else frozenset()
    key = (agency.record.block, na)
    shape = shapes.get(key)
    if shape is None:
        app = (
            variant.applicability
            if variant is not None
            else Applicability(compiled, agency.plan, frozenset())
        )
        shape = shapes[key] = FastShape(agency.plan, compiled.rules.rounding, app)
    return shape


def _evaluate(
    compiled: CompiledRuleSet,
    data: Dataset,
    previous: Assessment | None,
    options: Mapping[str, Any] | None,
    progress: Callable[[int, int], None] | None = None,
    on_error: str = "raise",
    reference: bool = False,
    vector: bool = False,
) -> Assessment:
    skip = on_error == "skip"
    rule_set = compiled.rules
    src = rule_set.source
    run = Run(compiled)
    errors = run.errors
    total_agencies = len(data.agencies)
    with decimal.localcontext(DECIMAL_CONTEXT):
        by_block: dict[str, list[AgencyRecord]] = {}
        for record in _canonical(compiled, data):
            if record.block not in compiled.blocks:
                errors.append(
                    Diagnostic(
                        code="E-EVAL-BLOCK",
                        message=msg(
                            "block '{block}' is not declared by rule set '{rules}'",
                            block=record.block,
                            rules=rule_set.id,
                        ),
                        agency=record.id,
                        location=record.location,
                        hint=msg("blocks: {blocks}", blocks=", ".join(compiled.blocks)),
                    )
                )
                continue
            by_block.setdefault(record.block, []).append(record)
        # Agencies the vectorised path scored are finished cores already (Core, not Agency).
        agencies: list[Any] = []
        imputed_by_block: dict[str, dict[str, Decimal]] = {}
        plain: dict[str, FastShape] = {}
        ready: dict[str, list[Core | None]] = {}
        if vector:
            from udcntt.evaluation._vector import vector_cores

            ready = vector_cores(compiled, by_block)
        for block_id, records in by_block.items():
            plan = compiled.blocks[block_id]
            imputed = imputations(rule_set, records, plan.indicators)
            imputed_by_block[block_id] = imputed
            done_cores = ready.get(block_id)
            fast = None if reference else plan.fast_whole or plan.fast
            whole = plan.fast_whole is not None
            keys = plan.indicators
            pick = _picker(keys)
            default_reason = "requested" if reference else "no_fast_code"
            make = Agency.fast
            append = agencies.append
            shape = plain[block_id] = FastShape(
                plan, rule_set.rounding, Applicability(compiled, plan, frozenset())
            )
            view, levels = shape.criteria, compiled.tier_levels
            for i, record in enumerate(records):
                if progress is not None and not len(agencies) % 1000:
                    progress(len(agencies), total_agencies)
                if done_cores is not None and done_cores[i] is not None:
                    append(done_cores[i])
                    continue
                reason = default_reason
                if fast is not None:
                    # The common case inline: one call of the generated function.
                    try:
                        values = pick(record.values)
                    except KeyError:
                        values = _fast_values(record, keys)
                    try:
                        out = fast(*values)
                    except SlowPath as exc:
                        out, reason = None, exc.reason
                    except ARITHMETIC:
                        out, reason = None, "arithmetic"
                    except BUGS as exc:
                        raise GeneratedCodeError(
                            f"generated code of block '{block_id}' failed for agency "
                            f"'{record.id}': {exc!r}; this is a bug in udcntt"
                        ) from exc
                    else:
                        if whole and out[7] >= 0:
                            # Finished, tier decided: the core now, in one object.
                            derived, raws, leaves, groups, t, pub, share, ti = out
                            shown = raws if leaves is None else leaves
                            append(
                                FastCore(
                                    record,
                                    plan,
                                    values,
                                    derived,
                                    CriteriaView(view, shown, raws, raws, groups),
                                    t,
                                    pub,
                                    shape.max_total,
                                    share,
                                    levels[ti],
                                )
                            )
                        else:
                            append(make(record, plan, values, out, whole))
                        continue
                    notes: tuple[str, ...] = ()
                    variant: FastFunctions | None = None
                    if reason in ("missing", "not_applicable"):
                        out, reason, values, notes, variant = _retry(
                            compiled, plan, values, imputed, record
                        )
                    if out is not None:
                        append(make(record, plan, values, out, whole, notes, variant))
                        continue
                run.count(f"reference:{reason}")
                slow = slow_start(run, record, plan, imputed)
                if slow is not None:
                    append(slow)
        stats: dict[str, Any] = {}
        cores: list[Core] = []
        if skip or not errors:
            population_pass(run, [a for a in agencies if isinstance(a, Agency)], stats)
            shapes: dict[tuple[str, frozenset[str]], FastShape] = {}
            fast_count = 0
            add = cores.append
            for scored in agencies:
                if isinstance(scored, Core):  # scored on the vectorised path
                    fast_count += 1
                    add(scored)
                    continue
                core: Core | None = None
                current: Agency | None = scored
                if scored.fast_values is not None:
                    shape = (
                        plain[scored.record.block]
                        if scored.variant is None
                        else _shape(compiled, scored, shapes)
                    )
                    done = finish_fast(run, scored, shape)
                    if done.__class__ is Core:
                        fast_count += 1
                        add(done)
                        continue
                    if isinstance(done, str):
                        # Generated code declined (a point out of range, …): the reference
                        # path reports the problem with its location.
                        run.count(f"reference:{done}")
                        current = slow_start(
                            run,
                            scored.record,
                            scored.plan,
                            imputed_by_block[scored.record.block],
                        )
                    else:
                        run.count("fast")
                        current = None
                if current is not None:
                    core = finish_reference(run, current)
                if core is not None:
                    add(core)
            if fast_count:
                run.paths["fast"] = run.paths.get("fast", 0) + fast_count
    if errors and not skip:
        raise EvaluationError.from_diagnostics(errors)
    if progress is not None:
        progress(total_agencies, total_agencies)
    ranks = rank_all(rule_set, cores)
    comparison = None
    matched: dict[str, AgencyResult] = {}
    if previous is not None:
        matched, comparison = compare(cores, compiled, previous)
    if ready:
        from udcntt.evaluation._vector import VectorCore
        from udcntt.evaluation._vector_results import vector_result

        results = tuple(
            vector_result(core, rank, matched.get(core.record.id) if matched else None)
            if isinstance(core, VectorCore)
            else result_of(core, rank, matched.get(core.agency.record.id))
            for core, rank in zip(cores, ranks, strict=True)
        )
    else:
        results = tuple(
            result_of(core, rank, matched.get(core.agency.record.id))
            for core, rank in zip(cores, ranks, strict=True)
        )
    previous_assessment = previous
    paths = MappingProxyType(dict(sorted(run.paths.items())))

    def receipt() -> Receipt:
        return Receipt(
            udcntt_version=__version__,
            rules_id=rule_set.id,
            rules_fingerprint=compiled.fingerprint,
            rule_files=tuple((f.path, f.sha256) for f in src.files)
            if isinstance(src, RuleSource)
            else (),
            data_fingerprint=data.fingerprint(),
            data_source=data.source,
            previous_fingerprint=previous_assessment.receipt.data_fingerprint
            if previous_assessment is not None
            else None,
            options=MappingProxyType(dict(options or {})),
            evaluation_paths=paths,
            extensions=tuple(
                record
                for record in [
                    *(extension_record(f) for f in sorted(compiled.functions)),
                    *(kind_record(d) for d in compiled.declarations()),
                    data.reader,
                ]
                if record is not None
            ),
        )

    return Assessment(
        rules_id=rule_set.id,
        title=rule_set.title,
        year=data.year,
        results=results,
        block_labels=MappingProxyType({b: v.label for b, v in rule_set.blocks.items()}),
        block_max=MappingProxyType({b: p.max_total for b, p in compiled.blocks.items()}),
        tier_labels=MappingProxyType({t.id: t.label for t in rule_set.tiers.levels}),
        criteria_tree=MappingProxyType({b: criteria_tree(p) for b, p in compiled.blocks.items()}),
        tiers=tuple(
            TierInfo(t.id, t.label, t.min, t.max, bool(t.require or t.min_group_share is not None))
            for t in rule_set.tiers.levels
        ),
        tier_basis=rule_set.tiers.basis.value,
        indicators=tuple(
            IndicatorInfo(i, ind.label, ind.type.value, ind.unit, dict(ind.categories or {}))
            for i, ind in rule_set.indicators.items()
        ),
        relations=tuple((rel.check, rel.blocks) for rel in rule_set.relations),
        comparison=comparison,
        normalisation=MappingProxyType(stats),
        diagnostics=(*data.diagnostics, *errors),
        paths=paths,
        _compiled=compiled,
        _dataset=data,
        _receipt_args=receipt,
        _previous=previous_assessment,
    )
