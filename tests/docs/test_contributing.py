"""CONTRIBUTING.md's recipes work: every code block is run, in order, in a temporary folder.

The blocks are handled as the docs tests handle a page (:mod:`test_docs_examples`): Python
blocks run in one namespace, YAML rule files are checked (embedded tests included) and
written to their ``title``, console and bash blocks run their ``udcntt`` commands. The
commands a contributor runs by hand (installing, the suite, the benchmarks) are shown but
not run here. So the "add a rule type" recipe registers a rule type, loads a rule file
using it, scores it on both paths and explains it; the "add an output format" recipe
registers a writer and writes a file — and this test fails if either stops working.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_docs_examples import (
    COPIED,
    LINKED,
    NOT_RUN,
    ROOT,
    Block,
    Cli,
    _check_yaml,
    _run_pycon,
    _run_python,
    _run_shell,
    extract,
)

PAGE = ROOT / "CONTRIBUTING.md"

#: Shown to a contributor, run by hand: CI, linters, the benchmarks.
SHOWN_ONLY = {
    ".ci/run": "runs the whole CI",
    "ruff ": "lints the tree",
    "mypy": "type-checks the tree",
}


def _blocks() -> list[Block]:
    return extract(PAGE)


@pytest.fixture
def cli() -> Iterator[Cli]:
    worker = Cli()
    yield worker
    worker.close()


def _leftovers(namespace: dict[str, Any]) -> None:
    """Remove whatever a failing recipe left registered, so later tests are unaffected."""
    from udcntt.extend import (
        Aggregation,
        FunctionSpec,
        Normalisation,
        RuleType,
        WriterSpec,
        unregister,
        unregister_function,
        unregister_writer,
    )

    for value in list(namespace.values()):
        with contextlib.suppress(Exception):
            if isinstance(value, RuleType | Normalisation | Aggregation):
                unregister(value)
            elif isinstance(value, FunctionSpec):
                unregister_function(value.name)
            elif isinstance(value, WriterSpec):
                unregister_writer(value.suffix)


def test_contributing_recipes_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    """Every block of CONTRIBUTING.md runs, loads or checks, in order."""
    for name in COPIED:
        shutil.copytree(ROOT / name, tmp_path / name)
    for name in LINKED:
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    for prefix, reason in SHOWN_ONLY.items():
        monkeypatch.setitem(NOT_RUN, prefix, reason)
    namespace: dict[str, Any] = {"__name__": "__contributing__"}
    try:
        for block in _blocks():
            assert "skip" not in block.directives, f"{block.where}: recipes are never skipped"
            if block.lang == "yaml":
                _check_yaml(block, tmp_path)
            elif block.lang == "python":
                _run_python(block, namespace)
            elif block.lang == "pycon":
                _run_pycon(block, namespace)
            elif block.lang in ("console", "bash"):
                _run_shell(block, cli, tmp_path)
            elif block.lang == "json":
                json.loads(block.code)
    finally:
        _leftovers(namespace)
        namespace.clear()
    assert (tmp_path / "totals.tsv").is_file(), "the output-format recipe wrote its file"


def test_every_recipe_the_issue_lists_is_there() -> None:
    """The recipes a newcomer needs, each with code that the test above runs."""
    text = PAGE.read_text(encoding="utf-8")
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    for wanted in (
        "Add an expression function",
        "Add a rule type",
        "Add a normalisation method",
        "Add an output format",
        "Add an error code",
        "Add a message",
        "Set up and run the tests",
        "Run the benchmarks and read their ratios",
        "Write a hold-out-style faulty fixture for the property toolkit",
    ):
        assert wanted in headings, wanted
    blocks = _blocks()
    python = "\n".join(b.code for b in blocks if b.lang == "python")
    for call in (
        "udcntt.extend.register(at_least)",
        "evaluate(rules, data, reference=True)",
        "udcntt.explain(",
        "register_writer(write_tsv)",
        "udcntt.write_report(",
        "run_properties(",
    ):
        assert call in python, call


def test_a_broken_recipe_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The runner does not swallow failures: a recipe whose assertion breaks fails the test."""
    broken = Block(
        page=PAGE,
        line=1,
        lang="python",
        title=None,
        code="assert 1 + 1 == 3, 'the recipe is broken'\n",
    )
    monkeypatch.chdir(tmp_path)
    with pytest.raises(AssertionError, match="the recipe is broken"):
        _run_python(broken, {})
