"""Commands across a reorganisation.

* ``udcntt lineage FILE --at DATE``: the units alive at a date and where each came from;
* the rest of ``udcntt score --lineage / --crosswalk / --view``: rank changes carried across
  the lineage, last year re-scored through a crosswalk, the two views of one year;
* ``udcntt demo --example lam-dong-2025``: the merged Lâm Đồng (SYNTHETIC example: the
  departments, agencies and communes of the new Lâm Đồng scored with
  ``rules/commune-2025.yaml``, last year a synthetic 2024 survey of the three former
  provinces' units carried across the lineage). Every output of the demo says it is
  synthetic: the file names end in ``-gia-lap``, the narrative and the comparison say so,
  and the JSON flags ``comparison.previous_synthetic``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from importlib import resources
from pathlib import Path
from typing import Any

from udcntt.cli._output import Printer
from udcntt.data import Dataset
from udcntt.errors import Message, Severity, UsageError, msg
from udcntt.evaluation import Assessment, Rescored
from udcntt.lineage import Lineage, Link, UnitState, check_registry, load_lineage, parse_date
from udcntt.program import load_rules

__all__ = ["DEMO_2025_FILES", "cmd_lineage", "demo_2025", "lineage_date", "score_across"]

_KIND = {
    "rename": msg("renamed"),
    "merge": msg("merged"),
    "split": msg("split"),
    "absorb": msg("absorbed"),
    "abolish": msg("abolished"),
    "create": msg("created"),
    "change_block": msg("moved to another block"),
}


def lineage_date(text: str) -> dt.date:
    """A date for ``--at`` / ``--since`` (``2025-07-01`` or ``01/07/2025``)."""
    day = parse_date(text)
    if day is None:
        raise argparse.ArgumentTypeError(f"not a date: {text[:20]!r} (write 2025-07-01)")
    return day


def _render(text: str, lang: str) -> str:
    return text.render(lang) if isinstance(text, Message) else text


def _origin(link: Link, lineage: Lineage, lang: str) -> str:
    name = lineage.units[link.unit].names[-1][1]
    share = "" if link.share == 1 else f" × {link.share}"
    return f"{link.unit} ({name}){share}"


def _how(links: tuple[Link, ...], lang: str) -> str:
    """The events crossed, oldest first, each said once."""
    events = sorted({e for link in links for e in link.events}, key=lambda e: (e.date, e.kind))
    parts = [
        _render(
            msg(
                "{kind} on {date} ({basis})",
                kind=_KIND[e.kind],
                date=e.date.isoformat(),
                basis=e.basis,
            ),
            lang,
        )
        for e in events
    ]
    return "; ".join(dict.fromkeys(parts))


def _as_json(states: tuple[UnitState, ...], lineage: Lineage, at: dt.date) -> dict[str, Any]:
    return {
        "at": at.isoformat(),
        "lineage": lineage.source,
        "title": lineage.title,
        "synthetic": lineage.synthetic,
        "units": [
            {
                "id": s.id,
                "name": s.name,
                "block": s.block,
                "ranked": s.ranked,
                "from": [
                    {
                        "id": link.unit,
                        "share": str(link.share),
                        "events": [
                            {"date": e.date.isoformat(), "kind": e.kind, "basis": e.basis}
                            for e in link.events
                        ],
                    }
                    for link in s.origin
                ],
            }
            for s in states
        ],
    }


def cmd_lineage(args: argparse.Namespace, printer: Printer) -> int:
    """``udcntt lineage FILE --at DATE [--since DATE] [--registry FILE]``"""
    lineage = load_lineage(args.lineage)
    at: dt.date = args.at
    since: dt.date | None = args.since
    if since is not None and since > at:
        raise UsageError(msg("--since must not come after --at"), code="E-USAGE")
    problems = []
    if args.registry:
        from udcntt.data import read_registry

        problems = check_registry(lineage, read_registry(args.registry), at)
    states = lineage.alive(at)
    if since is not None:
        states = tuple(
            UnitState(
                s.id,
                s.name,
                s.block,
                s.ranked,
                tuple(
                    link
                    for link in lineage.predecessors(s.id, since, now=at)
                    if link.unit != s.id or link.events
                ),
            )
            for s in states
        )
    lang = printer.lang
    if args.format == "json":
        data = _as_json(states, lineage, at)
        data["diagnostics"] = [d.to_dict(lang) for d in problems]
        printer.line(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        printer.diagnostics(problems)
        if lineage.synthetic:
            printer.line(_render(msg("SYNTHETIC lineage: not an official list"), lang))
        printer.line(
            _render(
                msg("{n} units alive on {date}", n=len(states), date=at.isoformat()),
                lang,
            )
        )
        by_block: dict[str, list[UnitState]] = {}
        for s in states:
            by_block.setdefault(s.block, []).append(s)
        for block, members in by_block.items():
            printer.line(f"\n{_render(msg('block {block}', block=block), lang)} ({len(members)})")
            for s in members:
                ranked = "" if s.ranked else " " + _render(msg("(not ranked)"), lang)
                printer.line(f"  {s.id:<24} {s.name}{ranked}")
                if s.origin:
                    origins = ", ".join(_origin(link, lineage, lang) for link in s.origin)
                    printer.line(f"      ← {origins}")
                    how = _how(s.origin, lang)
                    if how:
                        printer.line(f"        {how}")
    errors = [d for d in problems if d.severity is Severity.ERROR]
    return 1 if errors else 0


def _suffixed(path: str, view: str) -> str:
    p = Path(path)
    return str(p.with_name(f"{p.stem}-{view}{p.suffix}"))


def _side_by_side(old: Assessment, new: Assessment, printer: Printer) -> None:
    """The new view's ranking, each unit with where it came from and the old ranks."""
    from udcntt.evaluation import comparability_text
    from udcntt.report import two_views

    lang = printer.lang
    printer.line("")
    printer.line(_render(msg("the same year in the new structure of units"), lang))
    for _, label, rows in two_views(old, new).blocks():
        printer.line(f"\n{label}")
        for row in rows:
            r, before = row.unit, row.source
            if r is not None:
                rank = "-" if r.rank is None else str(r.rank)
                how = comparability_text(r.comparability, lang)
                printer.line(f"{rank:>5}  {r.name[:40]:<40} {r.share!s:>8}  {how}")
            if before is not None:
                was = "-" if before.rank is None else str(before.rank)
                share = "" if row.share == 1 else f" × {row.share}"
                name = f"{before.name}{share}"[:40]
                printer.line(f"         ← {was:>4}  {name:<40} {before.share!s:>8}")


def _write_both(old: Assessment, new: Assessment, out: str, printer: Printer) -> None:
    """``--view both -o NAME.EXT``: NAME.EXT is the year as scored with both rankings side
    by side (JSON, Markdown, HTML, XLSX; other formats the year as scored), NAME-new.EXT the
    full report of the new structure."""
    from udcntt.cli._commands import write_outputs
    from udcntt.report import VIEWS_FORMATS, two_views, write_two_views

    if Path(out).suffix.lower() in VIEWS_FORMATS:
        write_two_views(two_views(old, new), out, lang=printer.lang)
        printer.note(printer.t("wrote", path=Path(out)))
    else:
        write_outputs(old, [out], printer)
    write_outputs(new, [_suffixed(out, "new")], printer)


def _read_previous(args: argparse.Namespace) -> Assessment:
    """Last year's results (JSON) or survey, read without this year's registry: across a
    reorganisation the lineage, not the registry, says which units they were."""
    from udcntt.cli._commands import read_data
    from udcntt.cli._survey_args import engine_of
    from udcntt.evaluation import evaluate
    from udcntt.report import is_assessment_file, load_assessment

    if is_assessment_file(args.previous):
        return load_assessment(args.previous)
    rules = load_rules(args.previous_rules or args.rules)
    data = read_data(
        args.previous,
        rules,
        argparse.Namespace(**{**vars(args), "year": None, "registry": None}),
        layout_file=args.previous_layout,
    )
    return evaluate(rules, data, engine=engine_of(args))


def _rescored(args: argparse.Namespace) -> tuple[Assessment, Rescored]:
    """Last year's survey scored under this year's rules through ``--crosswalk``."""
    from udcntt.cli._commands import read_data
    from udcntt.evaluation import rescore
    from udcntt.lineage import load_crosswalk

    if not args.previous or not args.previous_rules:
        raise UsageError(
            msg("--crosswalk needs --previous (last year's survey) and --previous-rules"),
            code="E-USAGE",
        )
    rules = load_rules(args.rules)
    old_rules = load_rules(args.previous_rules)
    walk = load_crosswalk(args.crosswalk, old_rules, rules)
    data = read_data(
        args.previous,
        old_rules,
        argparse.Namespace(**{**vars(args), "year": None, "registry": None}),
        layout_file=args.previous_layout,
    )
    rescored = rescore(data, old_rules, rules, walk)
    return rescored.assessment, rescored


def _criteria_note(assessment: Assessment, printer: Printer) -> None:
    comparison = assessment.comparison
    if comparison is None:
        return
    lang = printer.lang
    printer.note(
        _render(
            msg(
                "compared with last year under this year's rules: {compared}",
                compared=", ".join(comparison.criteria_compared) or "-",
            ),
            lang,
        )
    )
    if comparison.criteria_not_compared:
        printer.note(
            _render(
                msg(
                    "not compared (no source in the crosswalk): {criteria}",
                    criteria=", ".join(comparison.criteria_not_compared),
                ),
                lang,
            )
        )


def score_across(
    args: argparse.Namespace,
    assessment: Assessment,
    previous: Assessment | None,
    data: Dataset,
    printer: Printer,
) -> int:
    """The rest of ``udcntt score --lineage``: rank changes across the lineage, views.

    Raises:
        UsageError: ``--lineage`` without ``--previous`` or ``--view``; ``--crosswalk``
            without ``--previous`` and ``--previous-rules``.
    """
    from udcntt.cli._commands import _rows_summary, _summary, write_outputs
    from udcntt.cli._files import check_files
    from udcntt.evaluation import compare_with_lineage, regroup

    outputs = list(args.output or [])
    check_files(
        [(k, getattr(args, k)) for k in ("lineage", "crosswalk") if getattr(args, k, None)],
        outputs,
    )
    view = args.view
    if args.lineage is None and view is not None:
        raise UsageError(msg("--view needs --lineage"), code="E-USAGE")
    if args.lineage is not None and not args.previous and view is None:
        raise UsageError(
            msg("--lineage needs --previous (rank changes) or --view (the new structure)"),
            code="E-USAGE",
        )
    rescored = None
    if args.crosswalk is not None:
        previous, rescored = _rescored(args)
    elif args.previous:
        previous = _read_previous(args)
    lineage = load_lineage(args.lineage) if args.lineage is not None else None
    old = assessment
    if previous is not None and lineage is not None:
        old = compare_with_lineage(
            assessment,
            previous,
            lineage,
            same_rules=None if rescored is None else rescored.complete,
            criteria_compared=() if rescored is None else rescored.compared,
            criteria_not_compared=() if rescored is None else rescored.not_compared,
        )
    elif previous is not None and rescored is not None:
        from udcntt.cli._survey_args import engine_of
        from udcntt.evaluation import evaluate, mark_compared

        rules = load_rules(args.rules)
        engine = engine_of(args)
        old = mark_compared(evaluate(rules, data, previous=previous, engine=engine), rescored)
    if rescored is not None:
        _criteria_note(old, printer)
    if lineage is None:
        new = None
    else:
        new = regroup(assessment, lineage, at=args.at) if view in ("new", "both") else None
    if old.diagnostics:
        printer.diagnostics(old.diagnostics)
    _rows_summary(data, old, printer, bool(args.lenient))
    shown = new if view == "new" and new is not None else old
    if args.format == "json" and not outputs:
        from udcntt.report import assessment_to_json

        printer.line(assessment_to_json(shown, traces=args.traces).rstrip("\n"))
    elif not outputs:
        _summary(shown, printer)
        if view == "both" and new is not None:
            _side_by_side(old, new, printer)
    for out in outputs:
        if view == "both" and new is not None:
            _write_both(old, new, out, printer)
        else:
            write_outputs(shown, [out], printer, csv_style=args.csv_style, traces=args.traces)
    has_errors = any(d.severity is Severity.ERROR for d in old.diagnostics)
    return 1 if has_errors else 0


#: The packaged copies of the example (kept equal to the originals by scripts/sync_demo.py).
DEMO_2025_FILES = {
    "rules": "commune-2025.yaml",
    "registry": "lam-dong-2025-agencies.yaml",
    "lineage": "lam-dong-2025-lineage.yaml",
    "previous": "lam-dong-2025-survey-2024.csv",
    "survey": "lam-dong-2025-survey-2025.csv",
}


def demo_2025(args: argparse.Namespace, printer: Printer) -> int:
    """Score the 2025 example, compare with 2024 across the lineage, write the reports.

    Raises:
        UsageError: when the output names a file, or its folder cannot be created.
    """
    from udcntt.cli._commands import _summary, write_demo
    from udcntt.data import read_registry, read_survey
    from udcntt.evaluation import compare_with_lineage, evaluate
    from udcntt.lineage import load_lineage
    from udcntt.program import load_rules

    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise UsageError(
            msg("the demo writes into a folder, and '{path}' is a file", path=out),
            code="E-IO",
            hint=msg("name a folder (it is created if missing)"),
        )
    base = resources.files("udcntt") / "_demo"
    files = {k: Path(str(base / v)) for k, v in DEMO_2025_FILES.items()}
    rules = load_rules(files["rules"])
    lineage = load_lineage(files["lineage"])
    previous = evaluate(rules, read_survey(files["previous"], rules, year=2024))
    data = read_survey(files["survey"], rules, registry=read_registry(files["registry"]), year=2025)
    current = evaluate(rules, data, options={"demo": "lam-dong-2025"})
    assessment = compare_with_lineage(current, previous, lineage)
    _summary(assessment, printer)
    write_demo(assessment, out, "ket-qua-2025-gia-lap", printer)
    return 0
