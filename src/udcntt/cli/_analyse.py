"""``udcntt analyse RULES DATA``: how robust are the ranks? (the ``analysis`` extra)

Scores the survey exactly, then runs the uncertainty declared in ``--analysis FILE``
(Monte Carlo rank intervals and tier probabilities, Sobol indices, one-at-a-time runs)
and the coherence audit, and writes JSON, XLSX or HTML by extension (``-o``, repeatable).
Without ``-o`` it prints the findings and one line per agency (or the JSON with
``--format json``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from udcntt.cli._files import check_files, inputs_of, rule_files_of
from udcntt.cli._main import EXIT_OK
from udcntt.cli._output import Printer
from udcntt.errors import RuleFileError, UsageError, msg

__all__ = ["add_analyse_parser", "cmd_analyse"]


def add_analyse_parser(p: argparse.ArgumentParser) -> None:
    """The options of ``udcntt analyse`` (after RULES, DATA and the data options)."""
    p.add_argument(
        "--analysis",
        metavar="FILE",
        help="analysis file (YAML) declaring the uncertainty; without it only the "
        "coherence audit runs and every interval has zero width",
    )
    p.add_argument("--previous", metavar="PREV", help="last year's results (JSON) or survey")
    p.add_argument("--previous-rules", metavar="RULES", help="rule file of last year's survey")
    p.add_argument(
        "--previous-layout",
        metavar="FILE",
        help="workbook layout of last year's survey (default: --layout)",
    )
    p.add_argument("--draws", type=int, metavar="N", help="Monte Carlo draws (default: the file's)")
    p.add_argument("--seed", type=int, metavar="S", help="seed (default: the file's, else 0)")
    p.add_argument(
        "--no-sensitivity",
        action="store_true",
        help="skip the Sobol indices and one-at-a-time runs",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        action="append",
        help="output file; format by extension: .json .xlsx .html (repeatable)",
    )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):
        return False


def cmd_analyse(args: argparse.Namespace, printer: Printer) -> int:
    """``udcntt analyse RULES DATA [--analysis FILE] [-o out.json|.xlsx|.html]``"""
    try:
        import numpy  # noqa: F401 - only to say which extra is missing
        import SALib  # noqa: F401
        import scipy  # noqa: F401
    except ImportError as exc:
        raise UsageError(
            msg("the analysis needs NumPy, SciPy and SALib"),
            hint=msg("pip install 'udcntt[analysis]'"),
        ) from exc
    from udcntt.analysis import (
        ANALYSIS_FORMATS,
        analyse,
        analysis_to_json,
        load_analysis,
        write_analysis,
    )
    from udcntt.analysis import narrative as sentences
    from udcntt.cli._survey_args import previous_assessment, read_data
    from udcntt.program import load_rules

    outputs = args.output or []
    inputs = inputs_of(args) + ([("analysis", args.analysis)] if args.analysis else [])
    check_files(inputs, outputs)
    for out in outputs:
        if Path(out).suffix.lower() not in ANALYSIS_FORMATS:
            raise UsageError(
                msg("unknown output format '{suffix}'", suffix=Path(out).suffix or out),
                hint=msg("use one of: {formats}", formats=", ".join(ANALYSIS_FORMATS)),
            )
    rules = load_rules(args.rules)
    check_files(rule_files_of(rules), outputs)
    spec = None
    if args.analysis:
        spec, _ = load_analysis(args.analysis, rules)
        if spec.extends is not None and not _same_file(spec.extends, Path(args.rules)):
            raise RuleFileError(
                msg(
                    "the analysis file extends '{path}', not the rule file '{rules}'",
                    path=spec.extends,
                    rules=args.rules,
                ),
                code="E-ANALYSIS-EXTENDS",
                location=spec.locate("extends"),
                hint=msg("name the same rule file on the command line and in 'extends'"),
            )
    data = read_data(args.data, rules, args)
    previous = previous_assessment(args, rules)
    result = analyse(
        rules,
        data,
        analysis=spec,
        previous=previous,
        draws=args.draws,
        seed=args.seed,
        sensitivity=not args.no_sensitivity,
        on_error="skip" if args.lenient else "raise",
    )
    if result.assessment.diagnostics:
        printer.diagnostics(result.assessment.diagnostics)
    if args.format == "json" and not outputs:
        printer.line(analysis_to_json(result).rstrip("\n"))
        return EXIT_OK
    if not outputs:
        for sentence in sentences(result, printer.lang):
            printer.line(sentence)
        assessment = result.assessment
        names = {r.agency_id: r.name for r in assessment.results}
        labels = {t.id: t.label for t in assessment.tiers}
        for block in assessment.blocks():
            printer.line(f"\n{assessment.block_labels[block]}")
            rows = sorted(
                (i for i in result.intervals if i.block == block and i.rank is not None),
                key=lambda i: (i.rank or 0, i.agency),
            )
            for item in rows:
                p = item.tier_probability.get(item.tier, 0.0)
                span = f"[{item.low}–{item.high}]"
                printer.line(
                    f"{item.rank:>4}  {span:<9} {names[item.agency][:46]:<46} "
                    f"{labels.get(item.tier, item.tier):<12} {p * 100:5.1f} %"
                )
    for out in outputs:
        write_analysis(result, out, lang=printer.lang)
        printer.note(printer.t("wrote", path=out))
    return EXIT_OK
