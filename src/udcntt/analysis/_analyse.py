"""The public entry points: load an analysis file, run an analysis, write it as JSON.

``analyse`` scores the survey exactly (:func:`udcntt.evaluate`), builds the float model,
checks that its nominal draw *is* the exact result, refuses a run over the memory cap, and
then runs the Monte Carlo, the Sobol indices, the one-at-a-time runs and the coherence
audit. Everything is seeded: the same inputs and seed give byte-identical JSON.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from udcntt._version import __version__
from udcntt.analysis._alternatives import scenario_deltas
from udcntt.analysis._checks import check_spec
from udcntt.analysis._coherence import BlockCoherence, coherence_audit
from udcntt.analysis._draws import Problem
from udcntt.analysis._model import block_models
from udcntt.analysis._montecarlo import AgencyInterval, check_memory, monte_carlo
from udcntt.analysis._narrative import narrative
from udcntt.analysis._sensitivity import OneAtATime, SobolIndex, one_at_a_time, sobol_of_problem
from udcntt.analysis._spec import MAX_DRAWS, AnalysisSpec, parse_analysis
from udcntt.data import Dataset
from udcntt.errors import RuleFileError, UsageError, msg
from udcntt.evaluation import Assessment, evaluate
from udcntt.model import RuleSet
from udcntt.program import load_rules

__all__ = [
    "ANALYSIS_SCHEMA_VERSION",
    "AnalysisResult",
    "analyse",
    "analysis_to_dict",
    "analysis_to_json",
    "load_analysis",
]

#: Version of the analysis JSON (``schema`` key); documented in the how-to.
ANALYSIS_SCHEMA_VERSION = "udcntt-analysis/1"


@dataclass(frozen=True)
class AnalysisResult:
    """Everything an analysis found; :func:`analysis_to_dict` gives its JSON form."""

    assessment: Assessment
    spec: AnalysisSpec
    draws: int
    seed: int
    chunk: int
    intervals: tuple[AgencyInterval, ...]
    sobol: tuple[SobolIndex, ...]
    one_at_a_time: tuple[OneAtATime, ...]
    coherence: tuple[BlockCoherence, ...]
    mean_rank_shift: float
    skipped: dict[str, int]

    def interval(self, agency: str) -> AgencyInterval:
        """The interval of one agency.

        Raises:
            KeyError: when no agency has this id.
        """
        for item in self.intervals:
            if item.agency == agency:
                return item
        raise KeyError(agency)


def load_analysis(
    path: str | Path, rules: RuleSet | None = None, *, text: str | bytes | None = None
) -> tuple[AnalysisSpec, RuleSet]:
    """Read and check an analysis file, with the rule set it ``extends`` (or ``rules``).

    Args:
        path: the analysis file (YAML).
        rules: the rule set to check it against; by default the one named by ``extends``.
        text: content to parse instead of reading ``path``.

    Returns:
        The checked spec and the rule set.

    Raises:
        RuleFileError: every problem of the file, located (file:line:col); also when it
            names no rule set and none is given.
    """
    spec = parse_analysis(path, text=text, strict=False)
    if rules is None:
        if spec.problems:
            raise RuleFileError.from_diagnostics(spec.problems)
        if spec.extends is None:
            raise RuleFileError(
                msg("the analysis file names no rule file: add 'extends'"),
                code="E-ANALYSIS-EXTENDS",
                location=spec.locate("udcntt_analysis"),
            )
        rules = load_rules(spec.extends)
    return check_spec(spec, rules), rules


def analyse(
    rules: RuleSet | str | Path,
    data: Dataset,
    *,
    analysis: AnalysisSpec | str | Path | None = None,
    previous: Assessment | Dataset | None = None,
    draws: int | None = None,
    seed: int | None = None,
    sensitivity: bool = True,
    on_error: Literal["raise", "skip"] = "raise",
) -> AnalysisResult:
    """Uncertainty and sensitivity analysis of a survey's ranks.

    Args:
        rules: the rule set (or its file).
        data: the survey.
        analysis: the analysis spec or file (``None``: no uncertainty, only the audit).
        previous: last year's results, for the probability that a published rank change
            keeps its sign.
        draws: Monte Carlo draws (default: the file's ``draws``).
        seed: the seed (default: the file's ``seed``).
        sensitivity: also compute Sobol indices and one-at-a-time runs.
        on_error: as :func:`udcntt.evaluate`: ``"skip"`` leaves out the agencies that
            cannot be scored (``udcntt analyse --lenient``).

    Returns:
        The :class:`AnalysisResult`.

    Raises:
        RuleFileError: the analysis file does not fit the rule set (located).
        UsageError: ``E-ANALYSIS-MEMORY`` when the draws need more memory than the cap
            allows; ``E-USAGE`` for a number of draws out of range, or a rule set that
            declares ``rounding: {totals: sum_of_rounded}`` (not modelled yet).
        EvaluationError: ``E-ANALYSIS-NOMINAL`` when the nominal draw is not the exact
            result; scoring errors of the survey.
    """
    ruleset = load_rules(rules) if isinstance(rules, str | Path) else rules
    if ruleset.rounding.totals.value == "sum_of_rounded":
        # The draws add unrounded group points: the nominal draw would not be the result.
        raise UsageError(
            msg(
                "the robustness analysis does not model 'totals: sum_of_rounded' yet: "
                "its draws add unrounded group points"
            ),
            hint=msg(
                "analyse a copy of the rule file with 'totals: rounded_sum'; each total "
                "differs by at most its last digit"
            ),
        )
    if analysis is None:
        spec = AnalysisSpec()
    elif isinstance(analysis, AnalysisSpec):
        spec = check_spec(analysis, ruleset)
    else:
        spec = load_analysis(analysis, ruleset)[0]
    where = spec.locate("draws")
    if draws is not None:
        if not 1 <= draws <= MAX_DRAWS:
            raise UsageError(msg("draws must be from 1 to {most}", most=MAX_DRAWS))
        spec, where = replace(spec, draws=draws), None
    if seed is not None:
        spec = replace(spec, seed=seed)
    assessment = evaluate(ruleset, data, previous=previous, on_error=on_error)
    models = block_models(ruleset, assessment)
    scenarios, skipped = scenario_deltas(ruleset, data, assessment, models, spec.factors)
    problem = Problem(ruleset, models, spec.factors, scenarios)
    check_memory(problem, spec.draws, spec.memory_mb, where)
    problem.nominal()
    mc = monte_carlo(problem, spec, spec.draws, spec.seed)
    sobol: list[SobolIndex] = []
    oat: list[OneAtATime] = []
    if sensitivity:
        sobol = sobol_of_problem(problem, spec.sobol_samples, spec.seed, spec.sobol_output)
        oat = one_at_a_time(problem)
    return AnalysisResult(
        assessment=assessment,
        spec=spec,
        draws=spec.draws,
        seed=spec.seed,
        chunk=mc.chunk,
        intervals=mc.agencies,
        sobol=tuple(sobol),
        one_at_a_time=tuple(oat),
        coherence=tuple(coherence_audit(m) for m in models),
        mean_rank_shift=round(float(np.mean(mc.rank_shift)), 12) if mc.draws else 0.0,
        skipped=skipped,
    )


def _receipt(result: AnalysisResult) -> dict[str, Any]:
    import scipy

    try:
        from importlib.metadata import version

        salib = version("SALib")
    except Exception:  # pragma: no cover - SALib is a dependency of the extra
        salib = None
    receipt = result.assessment.receipt
    spec = result.spec
    return {
        "udcntt_version": __version__,
        "rules_id": receipt.rules_id,
        "rules_fingerprint": receipt.rules_fingerprint,
        "data_fingerprint": receipt.data_fingerprint,
        "analysis_file": Path(spec.file).name if spec.file else None,
        "analysis_sha256": spec.sha256,
        "seed": result.seed,
        "draws": result.draws,
        "chunk": result.chunk,
        "memory_mb": spec.memory_mb,
        "sobol_samples": spec.sobol_samples,
        "sobol_output": spec.sobol_output,
        "factors": [f.describe() for f in spec.factors],
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "salib": salib,
    }


def analysis_to_dict(result: AnalysisResult) -> dict[str, Any]:
    """The analysis as plain data (the JSON schema ``udcntt-analysis/1``)."""
    names = {r.agency_id: r.name for r in result.assessment.results}
    blocks = []
    for block in result.assessment.blocks():
        rows = [
            {"name": names[i.agency], **{k: v for k, v in asdict(i).items() if k != "block"}}
            for i in result.intervals
            if i.block == block
        ]
        rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["agency"]))
        blocks.append(
            {"id": block, "label": result.assessment.block_labels[block], "agencies": rows}
        )
    return {
        "schema": ANALYSIS_SCHEMA_VERSION,
        "rules_id": result.assessment.rules_id,
        "title": result.spec.title or result.assessment.title,
        "receipt": _receipt(result),
        "tiers": [{"id": t.id, "label": t.label} for t in result.assessment.tiers],
        "mean_rank_shift": result.mean_rank_shift,
        "blocks": blocks,
        "sobol": [asdict(s) for s in result.sobol],
        "one_at_a_time": [asdict(o) for o in result.one_at_a_time],
        "coherence": [asdict(c) for c in result.coherence],
        "scenarios_not_scored": dict(sorted(result.skipped.items())),
        "narrative": {lang: narrative(result, lang) for lang in ("en", "vi")},
    }


def analysis_to_json(result: AnalysisResult) -> str:
    """The analysis as JSON text (sorted keys, UTF-8 characters kept, final newline)."""
    return json.dumps(analysis_to_dict(result), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
