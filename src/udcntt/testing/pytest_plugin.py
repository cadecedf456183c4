"""pytest plugin: run the tests embedded in rule files and in ``*.test.yaml`` files.

Registered through the ``pytest11`` entry point, so it is active wherever udcntt is
installed; it imports nothing from udcntt's scoring (nor hypothesis) until it collects a
file, and collects only when asked:

* ``pytest rules/`` or ``pytest my-rules.yaml`` — rule files (a top-level ``udcntt:`` key;
  one without ``tests:`` shows as one skipped item saying so, or runs its properties with
  ``--udcntt-properties``) and ``*.test.yaml`` files under the paths given on the command line
  (or under the current folder when pytest runs without arguments and without
  ``testpaths``); folders named ``fixtures`` and hidden folders are skipped unless named
  explicitly;
* ``--udcntt-collect=always`` (ini ``udcntt_collect = always``) — also under ``testpaths``;
  ``never`` turns collection off.

A ``*.test.yaml`` file names its rule file and lists tests in the format of embedded tests::

    rules: ../rules/lam-dong-2017.yaml      # relative to this file
    tests:
      - name: sở đầy đủ
        block: so_ban_nganh
        inputs: {staff_total: 50, ...}
        expect: {total: 100, tier: tot}

Each test case is one pytest item; a failure shows expected and actual points criterion by
criterion. ``--udcntt-properties`` (ini ``udcntt_properties = true``) adds one item per rule
file running :func:`udcntt.testing.run_properties` (needs hypothesis) with
``--udcntt-examples`` (default 100) examples per property, ``--udcntt-seed`` and an upper
bound ``--udcntt-max-seconds`` (default none; a run it cuts short fails as incomplete).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from udcntt.errors import Diagnostic
    from udcntt.model import RuleSet, TestCase

__all__ = [
    "PropertiesItem",
    "RuleFile",
    "RuleFileItem",
    "RuleTestItem",
    "SkippedRuleFile",
    "pytest_addoption",
    "pytest_collect_file",
]

_RULES_HEAD = re.compile(r"^udcntt\s*:", re.MULTILINE)
_TESTS_HEAD = re.compile(r"^tests\s*:", re.MULTILINE)
_TESTFILE_RULES = re.compile(r"^rules\s*:", re.MULTILINE)
_SUFFIXES = (".yaml", ".yml")
_SNIFF_BYTES = 4_000_000
_SKIPPED_DIRS = frozenset({"fixtures", "node_modules", "__pycache__"})


def pytest_addoption(parser: pytest.Parser) -> None:
    """Options of the udcntt plugin."""
    group = parser.getgroup("udcntt", "udcntt rule files")
    group.addoption(
        "--udcntt-collect",
        choices=("auto", "always", "never"),
        default=None,
        help="collect the tests of udcntt rule files: auto (paths on the command line), "
        "always (also testpaths), never",
    )
    group.addoption(
        "--udcntt-properties",
        action="store_true",
        default=None,
        help="also run the property checks of each collected rule file (udcntt[testing])",
    )
    group.addoption(
        "--udcntt-max-seconds",
        type=float,
        default=None,
        help="upper bound on the time of the property checks per rule file (default: none)",
    )
    group.addoption(
        "--udcntt-examples",
        type=int,
        default=None,
        help="examples per property (default 100); with the seed, this decides the verdict",
    )
    group.addoption("--udcntt-seed", type=int, default=None, help="seed of the property checks")
    parser.addini("udcntt_collect", "auto | always | never (see --udcntt-collect)", default="auto")
    parser.addini(
        "udcntt_properties", "run property checks on rule files", type="bool", default=False
    )
    parser.addini(
        "udcntt_max_seconds",
        "upper bound on the time of the property checks per rule file (empty: none)",
        default="",
    )
    parser.addini("udcntt_examples", "examples per property", default="100")


def _mode(config: pytest.Config) -> str:
    mode = config.getoption("--udcntt-collect") or config.getini("udcntt_collect") or "auto"
    return str(mode).strip().lower()


def _explicit_paths(config: pytest.Config) -> list[Path] | None:
    """Paths named on the command line; ``None`` when pytest walks ``testpaths``."""
    source = getattr(config, "args_source", None)
    if source is not None and source == pytest.Config.ArgsSource.TESTPATHS:
        return None
    base = Path(config.invocation_params.dir)
    out = []
    for arg in config.args:
        text = str(arg).split("::", 1)[0]
        if text.startswith("-"):
            continue
        out.append((base / text).resolve())
    return out


def _requested(file_path: Path, config: pytest.Config) -> bool:
    mode = _mode(config)
    if mode == "never":
        return False
    roots = _explicit_paths(config)
    target = file_path.resolve()
    if roots is None:
        return mode == "always"
    for root in roots:
        if target == root:
            return True
        try:
            rel = target.relative_to(root)
        except ValueError:
            continue
        folders = rel.parts[:-1]
        if any(p in _SKIPPED_DIRS or p.startswith(".") for p in folders) and mode != "always":
            continue
        return True
    return mode == "always"


def _kind(file_path: Path) -> str | None:
    """``"rules"`` for a rule file with tests, ``"tests"`` for a ``.test.yaml``, else ``None``."""
    try:
        with file_path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return None
    text = head.decode("utf-8", errors="replace")
    if _RULES_HEAD.search(text):
        return "rules"  # with or without 'tests:' (see RuleFile.collect)
    if not _TESTS_HEAD.search(text):
        return None
    name = file_path.name.lower()
    if (name.endswith((".test.yaml", ".test.yml"))) and _TESTFILE_RULES.search(text):
        return "tests"
    return None


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect rule files with tests and ``*.test.yaml`` files when asked to."""
    if file_path.suffix.lower() not in _SUFFIXES:
        return None
    if not _requested(file_path, parent.config):
        return None
    kind = _kind(file_path)
    if kind is None:
        return None
    collected: RuleFile = RuleFile.from_parent(parent, path=file_path)
    collected.kind = kind
    return collected


class UnusableFile(Exception):
    """A rule file or a ``.test.yaml`` file cannot be used (carries the diagnostics)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


class RuleFile(pytest.File):
    """A rule file with embedded tests, or a ``*.test.yaml`` file."""

    kind: str = "rules"

    def collect(self) -> Iterator[pytest.Item]:
        from udcntt.errors import UdcnttError

        try:
            rules, cases, where = self._load()
        except UdcnttError as exc:
            yield RuleFileItem.from_parent(self, name="load", diagnostics=list(exc.diagnostics))
            return
        except UnusableFile as exc:
            yield RuleFileItem.from_parent(self, name="load", diagnostics=exc.diagnostics)
            return
        seen: dict[str, int] = {}
        for index, (case, line, problem) in enumerate(cases):
            name = _item_name(
                case.name if case is not None else _problem_name(problem, index), seen
            )
            if problem is not None or case is None:
                yield RuleFileItem.from_parent(
                    self, name=name, diagnostics=[problem] if problem is not None else []
                )
                continue
            yield RuleTestItem.from_parent(
                self, name=name, rules=rules, case=case, line=line, where=where
            )
        config = self.config
        properties = bool(
            config.getoption("--udcntt-properties") or config.getini("udcntt_properties")
        )
        if self.kind == "rules" and properties:
            yield PropertiesItem.from_parent(self, name="properties", rules=rules)
        elif self.kind == "rules" and not cases:
            # Never dropped silently: the file shows as skipped, with the reason.
            yield SkippedRuleFile.from_parent(self, name="no tests")

    def _load(
        self,
    ) -> tuple[RuleSet, list[tuple[TestCase | None, int | None, Diagnostic | None]], str]:
        from udcntt.program import load_rules

        if self.kind == "rules":
            rules = load_rules(self.path)
            cases: list[tuple[TestCase | None, int | None, Diagnostic | None]] = []
            for i, case in enumerate(rules.tests):
                loc = rules.source.locate(("tests", i)) if rules.source is not None else None
                cases.append((case, loc.line if loc is not None else None, None))
            return rules, cases, _display(self.path, self.config)
        return _load_test_file(self.path, _display(self.path, self.config))


def _display(path: Path, config: pytest.Config) -> str:
    try:
        return path.relative_to(config.rootpath).as_posix()
    except ValueError:
        return str(path)


def _load_test_file(
    path: Path, display: str
) -> tuple[RuleSet, list[tuple[TestCase | None, int | None, Diagnostic | None]], str]:
    from pydantic import ValidationError

    from udcntt.errors import Diagnostic, SourceLocation, msg
    from udcntt.loading import parse_yaml
    from udcntt.model import TestCase
    from udcntt.program import load_rules

    doc = parse_yaml(path.read_bytes(), file=display)
    data = doc.data
    if not isinstance(data, dict):
        raise UnusableFile(
            [
                Diagnostic(
                    "E-TEST-SHAPE",
                    msg("a .test.yaml file is a mapping with 'rules' and 'tests'"),
                    location=doc.locate(()),
                )
            ]
        )
    unknown = sorted(set(data) - {"rules", "tests", "description", "udcntt"})
    if unknown:
        raise UnusableFile(
            [
                Diagnostic(
                    "E-TEST-SHAPE",
                    msg(
                        "unknown key '{key}' in a .test.yaml file (keys: rules, tests, description)",
                        key=unknown[0],
                    ),
                    location=doc.locate((unknown[0],)),
                )
            ]
        )
    ref = data.get("rules")
    tests = data.get("tests")
    if not isinstance(ref, str) or not isinstance(tests, list):
        raise UnusableFile(
            [
                Diagnostic(
                    "E-TEST-SHAPE",
                    msg("a .test.yaml file needs 'rules: path/to/rules.yaml' and a 'tests:' list"),
                    location=doc.locate(()),
                    hint=msg("the rules path is relative to the .test.yaml file"),
                )
            ]
        )
    rules_path = path.parent / ref
    if not rules_path.is_file():
        raise UnusableFile(
            [
                Diagnostic(
                    "E-TEST-SHAPE",
                    msg(
                        "rule file '{rules}' not found (looked for {path})",
                        rules=ref,
                        path=rules_path,
                    ),
                    location=doc.locate(("rules",)),
                    hint=msg("the rules path is relative to the .test.yaml file"),
                )
            ]
        )
    rules = load_rules(rules_path)
    cases: list[tuple[TestCase | None, int | None, Diagnostic | None]] = []
    for i, entry in enumerate(tests):
        loc: SourceLocation = doc.locate(("tests", i))
        try:
            case = TestCase.model_validate(entry)
        except ValidationError as exc:
            first = exc.errors()[0]
            key = tuple(first.get("loc", ()))
            where = ".".join(str(p) for p in key)
            name = entry.get("name") if isinstance(entry, dict) else None
            label = (
                msg("test '{name}'", name=name)
                if isinstance(name, str)
                else msg("test {number}", number=i + 1)
            )
            problem = Diagnostic(
                "E-TEST-SHAPE",
                msg(
                    "{label}: {where}: {problem}",
                    label=label,
                    where=where,
                    problem=first.get("msg"),
                ),
                location=doc.locate(("tests", i, *key)),
                hint=msg(
                    "a test has name, block, inputs, not_applicable, missing, expect, tolerance (or agencies: [...])"
                ),
            )
            cases.append((None, loc.line, problem))
            continue
        cases.append((case, loc.line, None))
    return rules, cases, display


def _problem_name(problem: Diagnostic | None, index: int) -> str:
    found = re.match(r"test '(.+?)':", problem.message) if problem is not None else None
    return found.group(1) if found else f"test {index + 1}"


def _item_name(name: str, seen: dict[str, int]) -> str:
    clean = " ".join(name.replace("::", ":").split()) or "test"
    count = seen.get(clean, 0) + 1
    seen[clean] = count
    return clean if count == 1 else f"{clean} ({count})"


def _domain(item: pytest.Item) -> str:
    # Not a suffix of the node id, so pytest shows the id as it is (it would turn dots of a
    # suffix into '::').
    return f"{item.name} ({item.path.name})"


class RuleFileItem(pytest.Item):
    """A rule file or test file that cannot be used: fails with its diagnostics."""

    def __init__(self, *, diagnostics: list[Diagnostic], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.diagnostics = diagnostics

    def runtest(self) -> None:
        raise UnusableFile(self.diagnostics)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, UnusableFile):
            return "\n".join(d.format() for d in excinfo.value.diagnostics)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        d = self.diagnostics[0] if self.diagnostics else None
        line = d.location.line if d is not None and d.location is not None else None
        return self.path, (line - 1) if line else None, _domain(self)


class SkippedRuleFile(pytest.Item):
    """A rule file without embedded tests, collected to say why nothing runs."""

    def runtest(self) -> None:
        pytest.skip(
            "rule file without embedded tests ('tests:'); its properties run with "
            "--udcntt-properties"
        )

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, _domain(self)


class RuleTestFailure(Exception):
    """An embedded test gave other results than expected."""

    def __init__(self, report: str) -> None:
        super().__init__(report)
        self.report = report


class RuleTestItem(pytest.Item):
    """One test case of a rule file, run with :func:`udcntt.run_rule_tests` semantics."""

    def __init__(
        self, *, rules: RuleSet, case: TestCase, line: int | None, where: str, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.rules = rules
        self.case = case
        self.line = line
        self.where = where

    def runtest(self) -> None:
        from udcntt.evaluation import run_rule_tests

        single = self.rules.model_copy(update={"tests": (self.case,)})
        _, failures = run_rule_tests(single)
        if failures:
            raise RuleTestFailure(
                failure_report(self.rules, self.case, failures, self.where, self.line)
            )

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, RuleTestFailure):
            return excinfo.value.report
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, (self.line - 1) if self.line else None, _domain(self)


class PropertiesItem(pytest.Item):
    """The property checks of one rule file (:func:`udcntt.testing.run_properties`)."""

    def __init__(self, *, rules: RuleSet, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rules = rules

    def runtest(self) -> None:
        pytest.importorskip("hypothesis", reason="property checks need udcntt[testing]")
        from udcntt.testing import run_properties

        config = self.config
        seconds = config.getoption("--udcntt-max-seconds")
        if seconds is None:
            text = str(config.getini("udcntt_max_seconds")).strip()
            seconds = float(text) if text else None
        examples = config.getoption("--udcntt-examples") or int(config.getini("udcntt_examples"))
        outcome = run_properties(
            self.rules,
            max_seconds=seconds,
            seed=config.getoption("--udcntt-seed"),
            max_examples=examples,
        )
        if not outcome.ok:
            # Errors for a failed run; the W-PROP-INCOMPLETE warning for an incomplete one.
            shown = outcome.errors or list(outcome.diagnostics)
            raise RuleTestFailure("\n".join(d.format() for d in shown) + "\n\n" + outcome.summary())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, RuleTestFailure):
            return excinfo.value.report
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, _domain(self)


# ---------------------------------------------------------------------------------------
# Failure reports


def _text(value: Any) -> str:
    from decimal import Decimal

    if value is None:
        return "—"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text == "-0" else text
    return str(value)


def _table(rows: list[tuple[str, str, str, str, str]]) -> list[str]:
    header = ("criterion", "expected", "actual", "diff", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
    out = ["  " + "  ".join(h.ljust(widths[i]) for i, h in enumerate(header)).rstrip()]
    out.append("  " + "  ".join("-" * w for w in widths[:4]))
    out.extend("  " + "  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() for r in rows)
    return out


def _depths(plan: Any) -> dict[str, int]:
    """Criterion ids of a block plan in tree order, with their depth."""
    depth: dict[str, int] = {}
    stack = [(root, 0) for root in reversed(plan.roots)]
    while stack:
        node, level = stack.pop()
        depth[node.id] = level
        stack.extend((child, level + 1) for child in reversed(getattr(node, "children", ())))
    return depth


def _row(
    label: str, want: Any, got: Any, tol: Any, *, numeric: bool = True
) -> tuple[str, str, str, str, str]:
    from decimal import Decimal

    if want is None:
        return label, "", _text(got), "", ""
    if numeric and isinstance(want, Decimal):
        ok = got is not None and abs(got - want) <= tol
        diff = _text(got - want) if got is not None else ""
        if diff and not diff.startswith("-") and diff != "0":
            diff = "+" + diff
    else:
        ok = want == got
        diff = ""
    return label, _text(want), _text(got), diff, "ok" if ok else "FAIL"


def failure_report(
    rules: RuleSet, case: TestCase, failures: list[Diagnostic], where: str, line: int | None
) -> str:
    """Expected against actual results of a failed test, criterion by criterion."""
    from udcntt.errors import UdcnttError
    from udcntt.evaluation import case_dataset, evaluate
    from udcntt.program import compile_rules

    head = f"test '{case.name}' of {where}" + (f":{line}" if line else "") + " failed"
    lines = [head]
    compiled = compile_rules(rules)
    try:
        assessment = evaluate(compiled, case_dataset(rules, case))
    except UdcnttError as exc:
        lines.append("scoring failed:")
        lines.extend("  " + d.format().replace("\n", "\n  ") for d in exc.diagnostics)
        return "\n".join(lines)
    tol = case.tolerance
    for agency in case.agencies:
        exp = agency.expect
        if exp is None:
            continue
        res = assessment.by_id(agency.id)
        depth = _depths(compiled.blocks[res.block])
        lines.append("")
        lines.append(
            f"agency '{agency.id}' (block {res.block})"
            + (f", tolerance {_text(tol)}" if tol else "")
        )
        rows = [
            _row(
                "  " * level + cid,
                exp.points.get(cid),
                res.criteria[cid].points if cid in res.criteria else None,
                tol,
            )
            for cid, level in depth.items()
        ]
        rows.extend(
            (cid, _text(want), "(not in this block)", "", "FAIL")
            for cid, want in exp.points.items()
            if cid not in depth
        )
        rows.append(_row("total", exp.total, res.total, tol))
        rows.append(_row("max", exp.max, res.max, tol))
        rows.append(_row("share", exp.share, res.share, tol))
        rows.append(_row("tier", exp.tier, res.tier, tol, numeric=False))
        rows.append(_row("rank", exp.rank, res.rank, tol, numeric=False))
        lines.extend(_table(rows))
    lines.append("")
    lines.extend(d.message for d in failures)
    return "\n".join(lines)
