"""Benchmark: how fast hostile or invalid input is refused, and how long property checks take.

The tests assert what is refused and with which code, never how fast (a wall-clock bound
fails on a loaded machine). The times live here, measured on demand:

* ``expressions``: the hostile expressions of ``tests/expressions/test_expr_errors.py``
  (``test_limits_fail_fast``), each refused with E-EXPR-LIMIT; goal 1 s each;
* ``rule-files``: the hostile rule files of ``tests/rules/test_loader.py`` (``HOSTILE``);
  goal 1 s each;
* ``fixtures``: ``udcntt.check_rules`` on every file of ``tests/fixtures/invalid``; goal
  well under 1 s each;
* ``properties``: ``run_properties`` on every shipped rule set with a fixed seed and
  example count (the count, not the time, decides the verdict).

Prints the slowest cases first with their best time of ``--repeat`` runs.

Usage: python benchmarks/fail_fast.py [--repeat 3] [--only expressions|rule-files|fixtures|properties]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import udcntt

ROOT = Path(__file__).resolve().parents[1]


def _module(relative: str) -> ModuleType:
    path = ROOT / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:  # pragma: no cover - the files are in the repo
        raise SystemExit(f"cannot read {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _best(action: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        with contextlib.suppress(udcntt.UdcnttError):
            action()
        best = min(best, time.perf_counter() - start)
    return best


def _expressions() -> dict[str, Callable[[], Any]]:
    from udcntt.expressions import compile_expression

    tests = _module("tests/expressions/test_expr_errors.py")
    marks = tests.test_limits_fail_fast.pytestmark
    params = next(m for m in marks if m.name == "parametrize").args[1]
    return {p.id: (lambda s=p.values[0]: compile_expression(s, names=tests.NAMES)) for p in params}


def _rule_files() -> dict[str, Callable[[], Any]]:
    tests = _module("tests/rules/test_loader.py")
    return {name: (lambda t=text: tests._load(t)) for name, (text, _) in tests.HOSTILE.items()}


def _fixtures() -> dict[str, Callable[[], Any]]:
    paths = sorted((ROOT / "tests" / "fixtures" / "invalid").glob("*.yaml"))
    return {p.stem: (lambda q=p: udcntt.check_rules(q)) for p in paths}


def _properties() -> dict[str, Callable[[], Any]]:
    from udcntt.testing import run_properties

    paths = sorted((ROOT / "rules").glob("*.yaml"))
    return {p.name: (lambda q=p: run_properties(q, seed=2024, max_examples=30)) for p in paths}


GROUPS = {
    "expressions": _expressions,
    "rule-files": _rule_files,
    "fixtures": _fixtures,
    "properties": _properties,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=sorted(GROUPS))
    args = parser.parse_args()
    for group, make in GROUPS.items():
        if args.only and group != args.only:
            continue
        times = sorted(
            ((name, _best(action, args.repeat)) for name, action in make().items()),
            key=lambda item: -item[1],
        )
        print(f"{group}: {len(times)} cases, slowest first")
        for name, seconds in times[:10]:
            print(f"  {seconds * 1000:9.1f} ms  {name}")


if __name__ == "__main__":
    main()
