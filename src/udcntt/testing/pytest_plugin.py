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

Reading ``*.test.yaml`` files lives in :mod:`udcntt.testing._test_files`, the report of a
failed test in :mod:`udcntt.testing._failure_report`; this module keeps the hooks, the
collector and the items.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from udcntt.testing._failure_report import failure_report
from udcntt.testing._test_files import UnusableFile, _load_test_file

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
