"""The ``udcntt`` command line.

Exit codes:

* 0 — success;
* 1 — the input has problems: rule-file errors, invalid survey data, failed embedded tests,
  property violations, an agency that cannot be scored;
* 2 — the command line itself is wrong (unknown option, missing argument, an output
  that names one of the inputs, an output folder that does not exist);
* 3 — an internal error (a bug in udcntt; nothing is wrong with your files);
* 4 — nothing was scored: the survey has no agency rows (a header-only CSV, a workbook
  whose header row was not found, every agency rejected); no report is written.

``--lang``, ``--format`` and ``--no-color`` may be given before or after the command.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from typing import TextIO

from udcntt._version import __version__
from udcntt.cli._output import Printer
from udcntt.errors import LANGUAGES, Severity, UdcnttError, UsageError

__all__ = [
    "EXIT_INTERNAL",
    "EXIT_NOTHING_SCORED",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "build_parser",
    "main",
]

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_NOTHING_SCORED = 4

_EPILOG = {
    "check": "example:\n  udcntt check rules/lam-dong-2017.yaml rules/dti-922-province.yaml\n"
    "  udcntt check --properties --max-seconds 60 my-rules.yaml\n"
    "  udcntt check --list-extensions",
    "score": "example:\n  udcntt score rules/lam-dong-2017.yaml examples/lam-dong/survey-2017.csv \\\n"
    "      --registry examples/lam-dong/agencies.yaml \\\n"
    "      --previous examples/lam-dong/survey-2016.csv --year 2017 -o ket-qua-2017.xlsx",
    "explain": "example:\n  udcntt explain rules/lam-dong-2017.yaml examples/lam-dong/survey-2017.csv \\\n"
    "      --registry examples/lam-dong/agencies.yaml --agency so_tai_chinh",
    "template": "example:\n  udcntt template rules/lam-dong-2017.yaml -o phieu-khao-sat-2018.xlsx",
    "report": "example:\n  udcntt report ket-qua-2017.json -o bao-cao-2017.docx --lang vi",
    "schema": "example:\n  udcntt schema -o udcntt-rules.schema.json\n  udcntt schema --assessment",
    "demo": "example:\n  udcntt demo -o demo-output/\n  udcntt demo --example lam-dong-2025 -o demo-2025/",
    "analyse": "example:\n  udcntt analyse rules/lam-dong-2018.yaml examples/lam-dong-2018/survey-2018.csv \\\n"
    "      --analysis examples/lam-dong-2018/analysis.yaml -o do-vung.html -o do-vung.json",
    "lineage": "example:\n  udcntt lineage examples/lam-dong-2025/lineage.yaml --at 2025-07-01",
    "serve": "example:\n  udcntt serve --demo\n"
    "  udcntt serve --database postgresql+psycopg://udcntt@localhost/udcntt --port 8000",
    "db": "example:\n  udcntt db upgrade --database sqlite:///cycle.db\n"
    "  udcntt db backup campaign-2025.zip --campaign 1 --data-dir evidence/ --database sqlite:///cycle.db\n"
    "  udcntt db restore campaign-2025.zip --data-dir evidence/ --database sqlite:///cycle.db",
}


def _add_global_options(p: argparse.ArgumentParser, *, default: bool) -> None:
    """``--lang``, ``--format``, ``--no-color``: on the main parser with their defaults, and
    on each command without (so a value given after the command wins, and one given before
    it is kept when none is given after)."""

    def value(v: object) -> object:
        return v if default else argparse.SUPPRESS

    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=value("vi"),
        help="language of messages and reports (default: vi)",
    )
    p.add_argument(
        "--format",
        choices=("text", "json"),
        default=value("text"),
        help="'json' for machines (default: text)",
    )
    p.add_argument(
        "--no-color", action="store_true", default=value(False), help="never colour the output"
    )


def _year(text: str) -> int:
    """A four-digit year (what results files record), for ``--year``."""
    if not (len(text) == 4 and text.isascii() and text.isdigit()) or text.startswith("0"):
        raise argparse.ArgumentTypeError(f"not a four-digit year: {text[:20]!r}")
    return int(text)


def _lineage_date(text: str) -> object:
    from udcntt.cli._lineage import lineage_date

    return lineage_date(text)


def _add_data_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--registry", metavar="FILE", help="agency registry (YAML or CSV)")
    p.add_argument("--layout", metavar="FILE", help="workbook layout mapping (YAML)")
    p.add_argument(
        "--locale",
        metavar="LOCALE",
        help="number locale of the survey, e.g. vi-VN or en-US; wins over the layout's "
        "locale, then the survey file's own, then the rule file's",
    )
    p.add_argument("--year", type=_year, help="survey year (four digits), recorded in the results")
    p.add_argument(
        "--lenient",
        action="store_true",
        help="score the valid rows and list the rest (default: stop at any data error)",
    )
    # Checked on the file's shape before any value is read; the cost is benchmarks/end_to_end.py's.
    p.add_argument(
        "--max-rows",
        type=_positive,
        metavar="N",
        help="read surveys of up to N rows (default 100,000); each row of a 50-column survey "
        "costs about 2 KB of memory and 25 µs of CPU to read from CSV, 24 KB and 1 ms from "
        "XLSX (measured on a 2-core machine)",
    )
    p.add_argument(
        "--max-cells",
        type=_positive,
        metavar="N",
        help="read surveys of up to N non-empty cells (default 1,000,000); each cell costs "
        "about 35 bytes of memory and 0.45 µs of CPU to read from CSV, 0.5 KB and 20 µs "
        "from XLSX (measured on a 2-core machine)",
    )


def _add_engine(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--engine",
        choices=("auto", "decimal", "vector"),
        default="auto",
        help="how the scores are computed; the results are the same: decimal (one exact "
        "Decimal call per agency), vector (NumPy float64 columns with an error bound, exact "
        "Decimal for every agency near a threshold; needs udcntt[fast]), auto (default: "
        "vector from 2,000 agencies on when NumPy is installed, else decimal)",
    )


def _positive(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def _add_csv_style(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--csv-style",
        choices=("excel", "vi", "plain"),
        default="excel",
        help="style of .csv outputs: excel (default: UTF-8 with BOM, values rounded as "
        "published), vi (also Vietnamese headers, decimal comma, ';' separator), plain (the "
        "machine form: no BOM, values as scored)",
    )


def _add_docx_front_matter(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--docx-front-matter",
        metavar="FILE",
        help=".docx outputs as an official text (Nghị định 30/2020/NĐ-CP): Quốc hiệu, issuing "
        "body, number, place and date, recipients, 'Kiến nghị', signature block, from this "
        "YAML file (keys: parent_body, issuer, number, place, date, recipients, copies_to, "
        "signer_authority, signer_title, signer_name, recommendations; all optional)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to generate the CLI reference in the docs)."""
    parser = argparse.ArgumentParser(
        prog="udcntt",
        description="Criteria sets for ranking agencies on IT application (ứng dụng CNTT) "
        "and digital transformation, as checked, exact YAML rule files.",
        epilog="exit codes: 0 ok, 1 problems in the input, 2 wrong usage, 3 internal error, "
        "4 nothing scored",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"udcntt {__version__}")
    _add_global_options(parser, default=True)
    parser.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=_EPILOG[name],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _add_global_options(p, default=False)
        return p

    p = command("check", "check rule files and run the tests embedded in them")
    p.add_argument("rules", nargs="*", metavar="RULES", help="rule files")
    p.add_argument("--no-tests", action="store_true", help="skip the embedded tests")
    p.add_argument(
        "--list-extensions",
        action="store_true",
        help="list the expression functions: built-in, registered and installed plugins",
    )
    p.add_argument(
        "--properties", action="store_true", help="also run the property checks (udcntt[testing])"
    )
    p.add_argument(
        "--examples",
        type=int,
        default=100,
        metavar="N",
        help="examples per property (default 100): with --seed, this decides the verdict",
    )
    p.add_argument(
        "--max-seconds",
        type=float,
        default=None,
        help="upper bound on the time of the property checks (default: none); a run it "
        "cuts short is reported incomplete (W-PROP-INCOMPLETE, exit 1)",
    )
    p.add_argument("--seed", type=int, help="seed of the property checks, to reproduce a run")

    p = command("score", "score a survey: points, totals, tiers, ranks, rank changes")
    p.add_argument("rules", metavar="RULES", help="rule file (YAML)")
    p.add_argument("data", metavar="DATA", help="survey (CSV, XLSX, JSON, YAML)")
    _add_data_options(p)
    _add_engine(p)
    p.add_argument("--previous", metavar="PREV", help="last year's results (JSON) or survey")
    p.add_argument("--previous-rules", metavar="RULES", help="rule file of last year's survey")
    p.add_argument(
        "--previous-layout",
        metavar="FILE",
        help="workbook layout of last year's survey (default: --layout)",
    )
    p.add_argument(
        "--lineage",
        metavar="FILE",
        help="lineage of the units (YAML): carry last year's values across renames, mergers "
        "and splits, and label every rank change",
    )
    p.add_argument(
        "--crosswalk",
        metavar="FILE",
        help="crosswalk from --previous-rules to RULES (YAML): re-score last year's survey "
        "under this year's rules where it covers them",
    )
    p.add_argument(
        "--view",
        choices=("old", "new", "both"),
        help="with --lineage, rank this year's survey in the old structure of units, in the "
        "new one (values derived by the lineage's methods), or both: -o NAME.EXT then shows "
        "both rankings side by side (.json, .md, .html, .xlsx), NAME-new.EXT the new one",
    )
    p.add_argument(
        "--at",
        type=_lineage_date,
        metavar="DATE",
        help="with --view, the date of the new structure (default: the last event)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        action="append",
        help="output file; format by extension: .json .csv .md .xlsx .docx .html (repeatable)",
    )
    _add_csv_style(p)
    _add_docx_front_matter(p)
    p.add_argument(
        "--traces",
        action="store_true",
        help="write each agency's trace (what 'udcntt explain' shows) into .json outputs and "
        "--format json; traces are about three quarters of the file (≈ 17 KB per agency)",
    )

    p = command("explain", "show how an agency's points were reached")
    p.add_argument("rules", metavar="RULES", help="rule file (YAML)")
    p.add_argument("data", metavar="DATA", help="survey (CSV, XLSX, JSON, YAML)")
    _add_data_options(p)
    _add_engine(p)
    p.add_argument("--agency", required=True, metavar="ID", help="agency id (or name)")

    p = command("template", "write an empty survey form for a rule set")
    p.add_argument("rules", metavar="RULES", help="rule file (YAML)")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help=".xlsx or .csv")
    p.add_argument("--block", action="append", metavar="BLOCK", help="only these blocks")

    p = command("report", "turn a results JSON into a published format")
    p.add_argument(
        "results", metavar="RESULTS.json", help="results written by 'udcntt score -o x.json'"
    )
    p.add_argument("-o", "--output", required=True, action="append", metavar="OUT")
    _add_csv_style(p)
    _add_docx_front_matter(p)

    p = command("schema", "print the JSON Schema of rule files (for editors) or of results")
    p.add_argument("--assessment", action="store_true", help="schema of the results JSON instead")
    p.add_argument("-o", "--output", metavar="OUT")

    p = command("lineage", "list the units alive at a date and where each came from")
    p.add_argument("lineage", metavar="LINEAGE", help="lineage file (YAML): units and dated events")
    p.add_argument("--at", required=True, type=_lineage_date, metavar="DATE", help="the date")
    p.add_argument(
        "--since",
        type=_lineage_date,
        metavar="DATE",
        help="show predecessors as they were on this earlier date (default: the first units)",
    )
    p.add_argument("--registry", metavar="FILE", help="check the units against this registry")

    p = command("analyse", "how robust are the ranks: rank intervals, Sobol indices, coherence")
    p.add_argument("rules", metavar="RULES", help="rule file (YAML)")
    p.add_argument("data", metavar="DATA", help="survey (CSV, XLSX, JSON, YAML)")
    _add_data_options(p)
    from udcntt.cli._analyse import add_analyse_parser

    add_analyse_parser(p)

    p = command("demo", "score a shipped example (Lâm Đồng 2017 by default) and write its reports")
    p.add_argument("-o", "--output", default="udcntt-demo", metavar="DIR", help="output folder")
    p.add_argument(
        "--example",
        choices=("lam-dong-2017", "lam-dong-2025"),
        default="lam-dong-2017",
        help="lam-dong-2017: the founding article; lam-dong-2025: the merged province "
        "(synthetic), ranks compared across the 2025 reorganisation",
    )

    from udcntt.cli._serve import add_db_parser, add_serve_parser

    add_serve_parser(command("serve", "run the yearly cycle in a browser (needs udcntt[server])"))
    add_db_parser(command("db", "upgrade, back up or restore the server's database"))
    return parser


def main(
    argv: Sequence[str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the command line; return the exit code.

    Args:
        argv: The arguments (default: ``sys.argv[1:]``).
        stdout: Where results go (default: ``sys.stdout``), for calling the CLI in-process.
        stderr: Where diagnostics, notes and progress go (default: ``sys.stderr``).

    Returns:
        The exit code: 0 ok, 1 problems in the input, 2 wrong usage, 3 internal error,
        4 nothing scored.
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    parser = build_parser()
    try:
        with redirect_stdout(out), redirect_stderr(err):  # argparse's help and usage
            args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    printer = Printer(args.lang, color=False if args.no_color else None, stream=out, err=err)
    from udcntt.cli import _commands

    handler = getattr(_commands, f"cmd_{args.command}")
    try:
        return int(handler(args, printer))
    except UsageError as exc:
        _report(printer, exc, args.format)
        return EXIT_USAGE
    except UdcnttError as exc:
        _report(printer, exc, args.format)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        printer.note("interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (``udcntt score … | head``): stop quietly, as Unix tools do.
        if stdout is None:
            _silence_stdout()
        return EXIT_OK
    except Exception as exc:
        if args.debug:
            raise
        printer.note(printer.t("internal", error=f"{type(exc).__name__}: {exc}"))
        return EXIT_INTERNAL


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _report(printer: Printer, exc: UdcnttError, fmt: str) -> None:
    if fmt == "json":
        printer.line(
            json.dumps(
                {"ok": False, "diagnostics": [d.to_dict(printer.lang) for d in exc.diagnostics]},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    printer.diagnostics(exc.diagnostics)
    errors = sum(1 for d in exc.diagnostics if d.severity is Severity.ERROR)
    if errors > 1:
        printer.note(printer.t("errors", n=errors))


class Progress:
    """A progress line on stderr, shown only on a terminal and only after two seconds."""

    __slots__ = ("enabled", "label", "printer", "shown", "start", "total")

    def __init__(self, printer: Printer, total: int, label: str) -> None:
        self.printer = printer
        self.total = total
        self.label = label
        self.start = time.monotonic()
        self.enabled = printer.err.isatty()
        self.shown = False

    def update(self, done: int, total: int | None = None) -> None:
        """Redraw the bar (only on a terminal, and only once the run has taken two seconds)."""
        if total is not None:
            self.total = total
        if not self.enabled or time.monotonic() - self.start < 2:
            return
        self.shown = True
        width = 30
        filled = int(width * done / max(self.total, 1))
        self.printer.err.write(
            f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{self.total}"
        )
        self.printer.err.flush()

    def close(self) -> None:
        """End the progress line."""
        if self.shown:
            self.printer.err.write("\n")
