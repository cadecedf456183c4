"""Benchmark: time to load and compile large rule files, at n and 4n items.

Three shapes, each within the rule-file size caps (the same generators as
``tests/rules/test_load_complexity.py``, which asserts linear work by counts):

* ``block_scalars``: n criteria whose labels are ``|`` block scalars;
* ``derived_chain``: n derived values, each using the one before;
* ``criteria``: n leaf criteria in groups of 50 (19,000 make a file of about 1.8 MB).

For each shape it prints the size of the file, the best time of ``--repeat`` runs of
``udcntt.load_rules`` (read, schema, static checks, compilation) at n and 4n, and the ratio
of the two: about 4 for linear work, 16 for quadratic.

Usage: python benchmarks/bench_load.py [--n 5000] [--repeat 3] [--shape criteria]
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from collections.abc import Callable
from pathlib import Path

import udcntt

_TESTS = Path(__file__).resolve().parents[1] / "tests" / "rules" / "test_load_complexity.py"


def _shapes() -> dict[str, Callable[[int], str]]:
    spec = importlib.util.spec_from_file_location("_load_shapes", _TESTS)
    if spec is None or spec.loader is None:  # pragma: no cover - the file is in the repo
        raise SystemExit(f"cannot read the shapes from {_TESTS}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {f.__name__: f for f in (module.block_scalars, module.derived_chain, module.criteria)}


def _best(text: bytes, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        udcntt.load_rules("bench.yaml", text=text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Print per-shape times at n and 4n and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4750, help="items at the small size")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (best is kept)")
    parser.add_argument("--shape", action="append", help="only this shape (repeatable)")
    args = parser.parse_args()
    shapes = _shapes()
    for name in args.shape or list(shapes):
        make = shapes[name]
        times = []
        for n in (args.n, 4 * args.n):
            text = make(n).encode("utf-8")
            seconds = _best(text, args.repeat)
            times.append(seconds)
            print(f"{name:14} n={n:>6}  {len(text):>9,} bytes  {seconds:7.2f} s", flush=True)
        print(f"{name:14} ratio 4n/n = {times[1] / times[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
