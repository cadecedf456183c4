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
from operator import attrgetter
from types import MappingProxyType
from typing import Any, Literal

from udcntt._methods import kind_record
from udcntt._version import __version__
from udcntt.data import AgencyRecord, Dataset
from udcntt.errors import Diagnostic, EvaluationError, UsageError, msg
from udcntt.evaluation._assessment import (
    Assessment,
    IndicatorInfo,
    Receipt,
    TierInfo,
)
from udcntt.evaluation._compare import criteria_tree
from udcntt.evaluation._finish import FastShape, finish_fast, finish_reference
from udcntt.evaluation._first_pass import first_pass
from udcntt.evaluation._normalise import population_pass
from udcntt.evaluation._results import Entries, results_of, whole_table
from udcntt.evaluation._rows import Table
from udcntt.evaluation._state import Agency, Core, Run, slow_start, use_vector
from udcntt.expressions import DECIMAL_CONTEXT, extension_record
from udcntt.loading import RuleSource
from udcntt.model import RuleSet
from udcntt.program import (
    Applicability,
    CompiledRuleSet,
    compile_rules,
)

__all__ = ["evaluate"]


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


def _by_block(
    compiled: CompiledRuleSet, data: Dataset, errors: list[Diagnostic]
) -> dict[str, list[AgencyRecord]]:
    """The survey's agencies per declared block, in canonical order (blocks in rule-file
    order, each by agency id); an agency of an undeclared block is an ``E-EVAL-BLOCK`` in
    ``errors`` (in id order, before any other problem)."""
    rule_set = compiled.rules
    groups: dict[str, list[AgencyRecord]] = {}
    for record in data.agencies:
        found = groups.get(record.block)
        if found is None:
            found = groups[record.block] = []
        found.append(record)
    by_id = attrgetter("id")
    stray = sorted(
        (r for b, rs in groups.items() if b not in compiled.blocks for r in rs), key=by_id
    )
    for record in stray:
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
    return {block: sorted(groups[block], key=by_id) for block in compiled.blocks if block in groups}


def _finish_all(
    run: Run,
    compiled: CompiledRuleSet,
    blocks: list[Entries],
    plain: Mapping[str, FastShape],
    imputed_by_block: Mapping[str, Mapping[str, Decimal]],
) -> None:
    """Finish every agency the first pass left unfinished (normalised leaves, tier
    conditions, the reference path), in place: each becomes its Core, or leaves the
    entries when a problem was reported."""
    shapes: dict[tuple[str, frozenset[str]], FastShape] = {}
    fast_count = 0
    for _, _, entries in blocks:
        kept: list[Any] = []
        add = kept.append
        for scored in entries:
            if scored.__class__ is int:  # a table row: finished already
                fast_count += 1
                add(scored)
                continue
            current: Agency | None = scored
            if scored.fast_values is not None:
                block = scored.record.block
                shape = plain[block] if scored.variant is None else _shape(compiled, scored, shapes)
                done = finish_fast(run, scored, shape)
                if done.__class__ is Core:
                    fast_count += 1
                    add(done)
                    continue
                if isinstance(done, str):
                    # Generated code declined (a point out of range, …): the reference
                    # path reports the problem with its location.
                    run.count(f"reference:{done}")
                    current = slow_start(run, scored.record, scored.plan, imputed_by_block[block])
                else:
                    run.count("fast")
                    current = None
            if current is not None:
                core = finish_reference(run, current)
                if core is not None:
                    add(core)
        entries[:] = kept
    if fast_count:
        run.paths["fast"] = run.paths.get("fast", 0) + fast_count


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
        by_block = _by_block(compiled, data, errors)
        ready: dict[str, Any] = {}
        kept: dict[tuple[Table, int], tuple[Any, ...]] = {}  # exact values read, bounded
        if vector:
            from udcntt.evaluation._vector import vector_tables

            ready = vector_tables(compiled, by_block, kept)
        blocks, imputed_by_block, plain = first_pass(
            run, by_block, ready, reference, progress, total_agencies, kept
        )
        stats: dict[str, Any] = {}
        if skip or not errors:
            population_pass(
                run,
                [
                    a
                    for rows, finished, es in blocks
                    if whole_table(rows, finished, es) is None
                    for a in es
                    if isinstance(a, Agency)
                ],
                stats,
            )
            _finish_all(run, compiled, blocks, plain, imputed_by_block)
        else:
            blocks = []
    if errors and not skip:
        raise EvaluationError.from_diagnostics(errors)
    if progress is not None:
        progress(total_agencies, total_agencies)
    results, comparison = results_of(rule_set, compiled, blocks, previous)

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
