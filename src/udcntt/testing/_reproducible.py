"""Invariants of reproducibility: the same results whatever the row order, on every
compilation and on both paths, and when the rules are reached through ``extends``.
"""

from __future__ import annotations

import decimal
import hashlib
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import yaml

from udcntt.data import Dataset
from udcntt.errors import Diagnostic, EvaluationError, RuleFileError, UdcnttError, msg
from udcntt.evaluation import (
    Assessment,
    RuleFailure,
    derive,
    evaluate,
    imputations,
    prepare,
    run_leaf,
)
from udcntt.expressions import DECIMAL_CONTEXT
from udcntt.loading import RuleSource
from udcntt.model import RuleSet
from udcntt.program import CompiledRuleSet, compile_rules, load_rules
from udcntt.testing._spaces import compiled_of
from udcntt.testing._violations import (
    Violation,
    _difference,
    _difference_violation,
    _only,
    _score,
    _show,
)

__all__ = [
    "check_determinism",
    "check_extends",
    "check_permutation",
    "extension_failure",
    "extension_of",
    "fresh_compile",
]


# ---------------------------------------------------------------------------------------
# permutation and determinism


def check_permutation(
    rules: RuleSet | CompiledRuleSet, data: Dataset, order: Sequence[int]
) -> list[Violation]:
    """Scoring the agencies in another ``order`` gives every agency the same results.

    Raises:
        InvalidData: the survey cannot be scored.
    """
    compiled = compiled_of(rules)
    if sorted(order) != list(range(len(data.agencies))):
        raise ValueError(msg("order must be a permutation of the agencies' positions"))
    shuffled = replace(data, agencies=tuple(data.agencies[i] for i in order))
    first = _score(compiled, data)
    second = _score(compiled, shuffled)
    ids = ", ".join(data.agencies[i].id for i in order)
    for r in first.results:
        diff = _difference(r, second.by_id(r.agency_id))
        if diff is not None:
            return [
                _difference_violation(
                    "permutation",
                    msg("reordering the agencies changes the results"),
                    r.agency_id,
                    diff,
                    data,
                    msg("score them in the order {ids}", ids=ids),
                    msg(
                        "ranking ties must be broken by declared criteria ('ranking.tie_break'), never by row order"
                    ),
                )
            ]
    return []


def fresh_compile(rules: RuleSet | CompiledRuleSet) -> CompiledRuleSet:
    """Compile the rule set again, bypassing the cache (for determinism checks)."""
    rule_set = rules.rules if isinstance(rules, CompiledRuleSet) else rules
    copy = rule_set.model_copy()
    copy._compiled = None
    copy._source = rule_set.source
    return compile_rules(copy)


def check_determinism(
    rules: RuleSet | CompiledRuleSet, data: Dataset, *, other: CompiledRuleSet | None = None
) -> list[Violation]:
    """Scoring twice gives byte-identical JSON, and the fast path agrees with the reference.

    ``other`` is a second compilation of the same rule set (see :func:`fresh_compile`) to
    score with the second time; by default the same compiled rule set is reused.

    Raises:
        InvalidData: the survey cannot be scored.
    """
    from udcntt.report import assessment_to_json

    compiled = compiled_of(rules)
    first = _score(compiled, data)
    second = _score(other or compiled, data)
    one = assessment_to_json(first, traces=False)
    two = assessment_to_json(second, traces=False)
    if one != two:
        for r in first.results:
            diff = _difference(r, second.by_id(r.agency_id))
            if diff is not None:
                return [
                    _difference_violation(
                        "determinism",
                        msg("scoring twice gives different results"),
                        r.agency_id,
                        diff,
                        data,
                        None,
                        None,
                    )
                ]
        a, b = (
            hashlib.sha256(one.encode()).hexdigest()[:12],
            hashlib.sha256(two.encode()).hexdigest()[:12],
        )
        return [
            Violation(
                "determinism",
                msg("scoring twice gives different JSON ({a} vs {b})", a=a, b=b),
                data=data,
            )
        ]
    return _reference_agrees(compiled, first, data)


def _reference_agrees(
    compiled: CompiledRuleSet, assessment: Assessment, data: Dataset
) -> list[Violation]:
    rule_set = compiled.rules
    with decimal.localcontext(DECIMAL_CONTEXT):
        for record in data.agencies:
            plan = compiled.blocks[record.block]
            peers = [a for a in data.agencies if a.block == record.block]
            errors: list[Diagnostic] = []
            inputs = prepare(
                rule_set,
                record,
                plan.indicators,
                imputations(rule_set, peers, plan.indicators),
                errors,
            )
            if errors or inputs.na or plan.fast is None:
                continue
            env = dict(inputs.values)
            result = assessment.by_id(record.id)
            try:
                derive(compiled, plan.derived, env, inputs.na)
                for leaf in plan.leaves:
                    if leaf.normalised:
                        continue  # the population pass comes later; points are checked above
                    raw = run_leaf(leaf, env, inputs.na, with_trace=False).raw
                    got = result.criteria[leaf.id].raw
                    if got is not None and raw is not None and got != raw:
                        return [
                            Violation(
                                "determinism",
                                msg(
                                    "the compiled fast path gives '{criterion}' the value {got} but the reference interpreter gives {raw}",
                                    criterion=leaf.id,
                                    got=_show(got),
                                    raw=_show(raw),
                                ),
                                criterion=leaf.id,
                                agency=record.id,
                                data=_only(data, record.id),
                                hint=msg(
                                    "this is a bug in udcntt, not in the rule file: please report it"
                                ),
                            )
                        ]
            except RuleFailure:
                continue
    return []


# ---------------------------------------------------------------------------------------
# extends


def _base_file(rule_set: RuleSet, directory: Path) -> Path:
    src = rule_set.source
    if isinstance(src, RuleSource) and src.files:
        first = src.files[0]
        candidate = Path(first.path)
        if candidate.is_file():
            raw = candidate.read_bytes()
            if hashlib.sha256(raw).hexdigest() == first.sha256:
                return candidate.resolve()
    data = rule_set.model_dump(mode="json", exclude_none=True)
    data.pop("extends", None)
    base = directory / "base.yaml"
    base.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return base


@contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="udcntt-extends-") as tmp:
        yield Path(tmp)


def extension_of(rules: RuleSet | CompiledRuleSet) -> RuleSet:
    """Load a rule file that only says ``extends: <this rule set>`` under a new id.

    The base is the rule set's own file when it is still on disk unchanged, else a dump of
    the rule set.

    Raises:
        RuleFileError: the extending file does not load (itself a violation of ``extends``).
    """
    rule_set = rules.rules if isinstance(rules, CompiledRuleSet) else rules
    new_id = (rule_set.id[:56] + "_extends")[:64]
    with _scratch() as tmp:
        base = _base_file(rule_set, tmp)
        probe = tmp / "extends-probe.yaml"
        probe.write_text(
            yaml.safe_dump({"udcntt": "1", "id": new_id, "extends": str(base)}, sort_keys=False),
            encoding="utf-8",
        )
        return load_rules(probe)


def check_extends(
    rules: RuleSet | CompiledRuleSet, extended: RuleSet | CompiledRuleSet, data: Dataset
) -> list[Violation]:
    """``extended`` (see :func:`extension_of`) scores ``data`` exactly as ``rules`` does.

    Raises:
        InvalidData: the survey cannot be scored with ``rules``.
    """
    compiled = compiled_of(rules)
    first = _score(compiled, data)
    try:
        second = evaluate(compiled_of(extended), data)
    except (EvaluationError, RuleFileError) as exc:
        d = exc.diagnostics[0]
        return [
            Violation(
                "extends",
                msg(
                    "the extending rule set cannot score data its base scores: [{code}] {message}",
                    code=d.code,
                    message=d.message,
                ),
                agency=d.agency,
                criterion=d.criterion,
                data=data,
            )
        ]
    for r in first.results:
        diff = _difference(r, second.by_id(r.agency_id))
        if diff is not None:
            return [
                _difference_violation(
                    "extends",
                    msg("a rule file with only 'extends:' scores differently from its base"),
                    r.agency_id,
                    diff,
                    data,
                    None,
                    msg("this is a bug in udcntt's 'extends' merge: please report it"),
                )
            ]
    return []


def extension_failure(exc: UdcnttError) -> Violation:
    """The violation for an ``extends: <base>`` file that does not even load."""
    d = exc.diagnostics[0]
    return Violation(
        "extends",
        msg(
            "a rule file with only 'extends:' and a new id does not load: [{code}] {message}",
            code=d.code,
            message=d.message,
        ),
        criterion=d.criterion,
    )
