"""The subcommands of ``udcntt``."""

from __future__ import annotations

import argparse
import dataclasses
import json
from importlib import resources
from pathlib import Path
from typing import Any

from udcntt.cli._analyse import cmd_analyse  # noqa: F401 - main() finds it by name
from udcntt.cli._files import check_files, check_report_outputs, inputs_of, rule_files_of
from udcntt.cli._lineage import cmd_lineage  # noqa: F401 - main() finds it by name
from udcntt.cli._main import EXIT_NOTHING_SCORED, EXIT_OK, EXIT_PROBLEMS, Progress
from udcntt.cli._output import Printer
from udcntt.cli._serve import cmd_db, cmd_serve  # noqa: F401 - main() finds them by name
from udcntt.cli._survey_args import engine_of, previous_assessment, read_data
from udcntt.data import Dataset
from udcntt.errors import Diagnostic, Severity, UsageError, msg
from udcntt.evaluation import Assessment, check_rules, evaluate, explain
from udcntt.model import RuleSet
from udcntt.program import load_rules

__all__ = [
    "cmd_check",
    "cmd_demo",
    "cmd_explain",
    "cmd_report",
    "cmd_schema",
    "cmd_score",
    "cmd_template",
    "engine_of",
    "read_data",
    "write_outputs",
]


def write_outputs(
    assessment: Assessment,
    outputs: list[str],
    printer: Printer,
    *,
    csv_style: str = "excel",
    traces: bool = False,
    front_matter: Any = None,
) -> None:
    """Write the assessment in each requested format (chosen by extension; ``.csv`` in
    ``csv_style``; ``.json`` with each agency's trace when ``traces``; ``.docx`` with
    ``front_matter`` when given, see :func:`front_matter_of`).

    Each file is written to a temporary file next to it and renamed into place.
    """
    from udcntt.report import write_docx, write_report

    for out in outputs:
        path = Path(out)
        if front_matter is not None and path.suffix.lower() == ".docx":
            write_docx(assessment, path, lang=printer.lang, front_matter=front_matter)
        else:
            write_report(assessment, path, lang=printer.lang, csv_style=csv_style, traces=traces)
        printer.note(printer.t("wrote", path=path))


def front_matter_of(args: argparse.Namespace) -> Any:
    """The Word report's front matter named by ``--docx-front-matter FILE`` (read before any
    work, so a wrong file stops the run early), or ``None``."""
    path = getattr(args, "docx_front_matter", None)
    if path is None:
        return None
    from udcntt.report import load_front_matter

    return load_front_matter(path)


def cmd_check(args: argparse.Namespace, printer: Printer) -> int:
    """``udcntt check RULES...`` (or ``udcntt check --list-extensions``)"""
    if args.list_extensions:
        return _list_extensions(args, printer)
    if not args.rules:
        raise UsageError(msg("name at least one rule file, or pass --list-extensions"))
    failed = False
    machine: list[dict[str, Any]] = []
    for path in args.rules:
        report = check_rules(path, run_tests=not args.no_tests)
        errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
        warnings = [d for d in report.diagnostics if d.severity is Severity.WARNING]
        prop_diags: list[Any] = []
        properties: dict[str, Any] | None = None
        if args.properties and report.rules is not None and not errors:
            from udcntt.testing import run_properties

            if args.examples < 1:
                raise UsageError(msg("--examples must be at least 1"))
            outcome = run_properties(
                report.rules,
                max_seconds=args.max_seconds,
                seed=args.seed,
                max_examples=args.examples,
            )
            prop_diags = list(outcome.diagnostics)
            errors.extend(d for d in prop_diags if d.severity is Severity.ERROR)
            properties = outcome.to_dict()
            # An incomplete run (cut by --max-seconds) is not a pass: exit 1.
            failed = failed or outcome.verdict != "passed"
        if args.format == "json":
            entry: dict[str, Any] = {
                "path": str(path),
                "ok": not errors and (properties is None or properties["verdict"] == "passed"),
                "tests_run": report.tests_run,
                "diagnostics": [
                    d.to_dict(printer.lang) for d in [*report.diagnostics, *prop_diags]
                ],
            }
            if properties is not None:
                entry["properties"] = properties
            machine.append(entry)
        else:
            printer.diagnostics(report.diagnostics)
            printer.diagnostics(prop_diags)
            if errors or (properties is not None and properties["verdict"] != "passed"):
                warnings += [d for d in prop_diags if d.severity is Severity.WARNING]
                printer.note(
                    printer.t("check_fail", path=path, errors=len(errors), warnings=len(warnings))
                )
            else:
                printer.success(printer.t("check_ok", path=path, tests=report.tests_run))
        failed = failed or bool(errors)
    if args.format == "json":
        printer.line(json.dumps({"ok": not failed, "files": machine}, ensure_ascii=False, indent=2))
    return EXIT_PROBLEMS if failed else EXIT_OK


def _list_extensions(args: argparse.Namespace, printer: Printer) -> int:
    """Every function, rule type, normalisation, aggregation, reader and writer, with its origin."""
    from udcntt.data import discover_readers
    from udcntt.extend import discover, discover_kinds, discover_writers

    infos = (*discover(), *discover_kinds(), *discover_readers(), *discover_writers())
    if args.format == "json":
        rows = [dataclasses.asdict(i) for i in infos]
        printer.line(json.dumps({"extensions": rows}, ensure_ascii=False, indent=2))
        return EXIT_OK
    header = ("name", "kind", "distribution", "version", "module", "status")
    table = [
        header,
        *((i.name, i.kind, i.distribution, i.version, i.module, i.status) for i in infos),
    ]
    widths = [max(len(row[c]) for row in table) for c in range(len(header) - 1)]
    for row in table:
        printer.line("  ".join([*(v.ljust(w) for v, w in zip(row, widths, strict=False)), row[-1]]))
    return EXIT_OK


def _nothing_scored(printer: Printer, fmt: str, source: str, *, read: bool = False) -> int:
    """Say that no agency could be scored (exit code 4); nothing is written."""
    d = Diagnostic(
        code="E-NOTHING-SCORED",
        message=msg("nothing scored: no agency of '{path}' could be scored", path=source)
        if read
        else msg("nothing to score: no agency row was read from '{path}'", path=source),
        hint=msg("check that the file has data rows under its header, and the layout's header row"),
    )
    if fmt == "json":
        printer.line(
            json.dumps(
                {"ok": False, "diagnostics": [d.to_dict(printer.lang)]},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        printer.diagnostic(d)
    return EXIT_NOTHING_SCORED


def _rows_summary(data: Dataset, assessment: Assessment, printer: Printer, lenient: bool) -> None:
    """Rows read, agencies scored, rows rejected (and agencies skipped with --lenient)."""
    read = data.rows_read if data.rows_read is not None else len(data.agencies)
    printer.note(
        printer.t(
            "rows", read=read, scored=len(assessment.results), rejected=data.rows_rejected or 0
        )
    )
    if lenient:
        printer.note(
            printer.t("rows_skipped", skipped=len(data.agencies) - len(assessment.results))
        )


def _summary(assessment: Assessment, printer: Printer) -> None:
    comparison = assessment.comparison
    if comparison is not None and comparison.label_counts:
        from udcntt.evaluation import baseline_sentence, label_counts_text

        carried = baseline_sentence(comparison, printer.lang)
        if carried:
            printer.line(carried)
        printer.line(label_counts_text(comparison.label_counts, printer.lang))
    for block in assessment.blocks():
        printer.line(f"\n{printer.t('block')}: {assessment.block_labels[block]}")
        printer.line(
            f"{printer.t('rank'):>5}  {printer.t('agency'):<46} {printer.t('total'):>9}  {printer.t('tier'):<12} {printer.t('change'):>6}"
        )
        for r in assessment.ranking(block):
            change = (
                "" if r.rank_change is None else f"{r.rank_change:+d}" if r.rank_change else "0"
            )
            rank = "-" if r.rank is None else str(r.rank)
            printer.line(
                f"{rank:>5}  {r.name[:46]:<46} {r.total!s:>9}  {r.tier_label:<12} {change:>6}"
            )


def cmd_score(args: argparse.Namespace, printer: Printer) -> int:
    """``udcntt score RULES DATA``"""
    engine = engine_of(args)
    outputs = args.output or []
    check_files(inputs_of(args), outputs)
    check_report_outputs(outputs)
    front_matter = front_matter_of(args)
    rules = load_rules(args.rules)
    # The files the rule file extends are inputs too.
    check_files(rule_files_of(rules), outputs)
    data = read_data(args.data, rules, args)
    if not data.agencies:
        printer.diagnostics(data.diagnostics)
        return _nothing_scored(printer, args.format, args.data)
    data = _with_year(data, rules, args, printer)
    across = getattr(args, "lineage", None) is not None or getattr(args, "crosswalk", None)
    # Across a reorganisation last year's units are not this year's registry's: read there.
    previous = None if across else previous_assessment(args, rules)
    options = {
        "lenient": bool(args.lenient),
        "locale": args.locale,
        "previous": bool(previous),
        "engine": engine,
    }
    bar = Progress(printer, len(data.agencies), "udcntt score")
    try:
        assessment = evaluate(
            rules,
            data,
            previous=None if across else previous,
            options=options,
            progress=bar.update,
            on_error="skip" if args.lenient else "raise",
            engine=engine,
        )
    finally:
        bar.close()
    if across:
        from udcntt.cli._lineage import score_across

        return score_across(args, assessment, previous, data, printer)
    if assessment.diagnostics:
        printer.diagnostics(assessment.diagnostics)
    _rows_summary(data, assessment, printer, bool(args.lenient))
    if not assessment.results:
        return _nothing_scored(printer, args.format, args.data, read=True)
    if args.format == "json" and not args.output:
        from udcntt.report import assessment_to_json

        printer.line(assessment_to_json(assessment, traces=args.traces).rstrip("\n"))
    elif not args.output:
        _summary(assessment, printer)
    if args.output:
        write_outputs(
            assessment,
            args.output,
            printer,
            csv_style=args.csv_style,
            traces=args.traces,
            front_matter=front_matter,
        )
    has_errors = any(d.severity is Severity.ERROR for d in assessment.diagnostics)
    return EXIT_PROBLEMS if has_errors else EXIT_OK


def _with_year(
    data: Dataset, rules: RuleSet, args: argparse.Namespace, printer: Printer
) -> Dataset:
    """The survey with its year: ``--year``, the survey file's, or the rule set's single
    year; when none is known and reports are written, warn (``W-REPORT-YEAR``)."""
    from udcntt.report import rules_year, year_warning

    if data.year is not None:
        return data
    year = rules_year(rules)
    if year is not None:
        return dataclasses.replace(data, year=year)
    if args.output:
        printer.diagnostics([year_warning(args.data)])
    return data


def _find_agency(data: Dataset, key: str) -> str:
    by_id = data.by_id()
    if key in by_id:
        return key
    lowered = key.casefold()
    matches = [
        a.id
        for a in data.agencies
        if a.name.casefold() == lowered or lowered in (x.casefold() for x in a.aliases)
    ]
    if len(matches) == 1:
        return matches[0]
    from udcntt.errors import did_you_mean

    raise UsageError(
        msg("no agency '{key}' in the survey", key=key),
        code="E-USAGE",
        hint=did_you_mean(key, list(by_id))
        or msg("use the agency id as in the survey's first column"),
    )


def cmd_explain(args: argparse.Namespace, printer: Printer) -> int:
    """``udcntt explain RULES DATA --agency ID``"""
    engine = engine_of(args)
    rules = load_rules(args.rules)
    data = read_data(args.data, rules, args)
    assessment = evaluate(rules, data, engine=engine)
    trace = explain(assessment, _find_agency(data, args.agency))
    if args.format == "json":
        printer.line(json.dumps(trace, ensure_ascii=False, indent=2))
        return EXIT_OK
    from udcntt.cli._explain_text import render_trace

    printer.line(render_trace(trace, rules, printer.lang))
    return EXIT_OK


def cmd_template(args: argparse.Namespace, printer: Printer) -> int:
    """``udcntt template RULES -o OUT``"""
    from udcntt.data import write_template
    from udcntt.report import atomic_output

    check_files(inputs_of(args), [args.output])
    rules = load_rules(args.rules)
    check_files(rule_files_of(rules), [args.output])
    with atomic_output(args.output) as tmp:
        write_template(rules, tmp, blocks=args.block)
    printer.note(printer.t("wrote", path=args.output))
    return EXIT_OK


def cmd_report(args: argparse.Namespace, printer: Printer) -> int:
    """``udcntt report RESULTS.json -o OUT``"""
    from udcntt.report import load_assessment

    check_files(inputs_of(args), args.output)
    check_report_outputs(args.output)
    front_matter = front_matter_of(args)
    assessment = load_assessment(args.results)
    # The validation report of the survey, as the direct run showed it.
    printer.diagnostics(assessment.diagnostics)
    if not assessment.results:
        return _nothing_scored(printer, args.format, args.results, read=True)
    write_outputs(
        assessment, args.output, printer, csv_style=args.csv_style, front_matter=front_matter
    )
    has_errors = any(d.severity is Severity.ERROR for d in assessment.diagnostics)
    return EXIT_PROBLEMS if has_errors else EXIT_OK


def cmd_schema(args: argparse.Namespace, printer: Printer) -> int:
    """``udcntt schema``"""
    if args.assessment:
        from udcntt.report import ASSESSMENT_SCHEMA

        schema: dict[str, Any] = ASSESSMENT_SCHEMA
    else:
        from udcntt.model import rule_file_json_schema

        schema = rule_file_json_schema()
    text = json.dumps(schema, ensure_ascii=False, indent=2)
    if args.output:
        from udcntt.report import write_atomic

        check_files([], [args.output])
        write_atomic(args.output, (text + "\n").encode("utf-8"))
        printer.note(printer.t("wrote", path=args.output))
    else:
        printer.line(text)
    return EXIT_OK


def demo_files() -> dict[str, Path]:
    """The shipped example: rule file, registry and the two surveys."""
    base = resources.files("udcntt") / "_demo"
    names = {
        "rules": "lam-dong-2017.yaml",
        "registry": "agencies.yaml",
        "survey": "survey-2017.csv",
        "previous": "survey-2016.csv",
    }
    return {k: Path(str(base / v)) for k, v in names.items()}


def cmd_demo(args: argparse.Namespace, printer: Printer) -> int:
    """``udcntt demo``: the founding article reproduced from its rule file and example data."""
    if getattr(args, "example", "lam-dong-2017") == "lam-dong-2025":
        from udcntt.cli._lineage import demo_2025

        return demo_2025(args, printer)
    from udcntt.data import read_registry, read_survey

    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise UsageError(
            msg("the demo writes into a folder, and '{path}' is a file", path=out),
            code="E-IO",
            hint=msg("name a folder (it is created if missing)"),
        )
    files = demo_files()
    rules = load_rules(files["rules"])
    registry = read_registry(files["registry"])
    previous = evaluate(rules, read_survey(files["previous"], rules, registry=registry, year=2016))
    data = read_survey(files["survey"], rules, registry=registry, year=2017)
    assessment = evaluate(rules, data, previous=previous, options={"demo": True})
    _summary(assessment, printer)
    write_demo(assessment, out, "ket-qua-2017", printer)
    return EXIT_OK


def write_demo(assessment: Any, out: Path, stem: str, printer: Printer) -> None:
    """Print a demo's narrative and write its reports as ``out/stem.EXT``, every format.

    Raises:
        UsageError: ``E-IO`` when the output folder cannot be created.
    """
    from udcntt.report import available_formats, narrative

    printer.line("")
    printer.line(narrative(assessment, lang=printer.lang))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            msg(
                "cannot create the folder '{path}': {reason}", path=out, reason=exc.strerror or exc
            ),
            code="E-IO",
        ) from exc
    write_outputs(assessment, [str(out / f"{stem}{ext}") for ext in available_formats()], printer)
