"""The examples in docstrings (``>>>``) run and give what they show.

Examples that need files or a network-free setup the docstring cannot give are marked
``# doctest: +SKIP`` where they are written; every other example is executed here.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from types import ModuleType

import pytest

import udcntt


def _modules() -> list[str]:
    names = ["udcntt"]
    for info in pkgutil.walk_packages(udcntt.__path__, "udcntt."):
        if info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return sorted(names)


def _with_examples(name: str) -> list[doctest.DocTest]:
    module: ModuleType = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    return [t for t in finder.find(module) if t.examples]


MODULES = [n for n in _modules() if _with_examples(n)]


def test_there_are_examples_to_run() -> None:
    examples = sum(len(t.examples) for n in MODULES for t in _with_examples(n))
    assert examples >= 15, examples


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    for test in _with_examples(name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
