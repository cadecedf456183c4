"""Benchmark: one extension function against the same function built in.

Two rule sets differ only in the function their criteria call: the built-in
``capped_ratio(a, b)`` or ``ext_capped_ratio(a, b)``, an extension registered through
:mod:`udcntt.extend` whose implementation is the built-in's own helper. Each criterion calls
the function once, so the difference is the cost of the extension boundary (the argument
and result checks of the wrapper the generated code calls).

Two measures, each in ``--rounds`` interleaved rounds (the order shuffled in each round),
CPU time (``time.process_time``), medians and their ratio:

* ``call``: one compiled expression evaluated ``--calls`` times;
* ``score``: ``udcntt.evaluate`` of ``--agencies`` agencies with ``--criteria`` criteria
  (fast path).

Usage: python benchmarks/bench_extension.py [--rounds 7] [--agencies 2000] [--criteria 20]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

import udcntt
from udcntt.expressions import FUNCTIONS, ExprType, NameInfo, compile_expression
from udcntt.extend import function, register_function, unregister_function

#: The built-in's own implementation, declared again as an extension.
_capped_ratio = FUNCTIONS["capped_ratio"].impl


def _rules(fn: str, criteria: int) -> str:
    lines = [
        "udcntt: 1",
        f"id: bench_{fn}",
        "title: Bench",
        "blocks: {so: {label: So}}",
        "indicators:",
        "  a: {label: A, type: count, range: [0, 1000]}",
        "  b: {label: B, type: count, range: [0, 1000]}",
        "criteria:",
    ]
    for i in range(criteria):
        lines.append(f"  - {{id: c{i}, label: C{i}, max: 10, points: '{fn}(a + {i}, b) * 10'}}")
    lines += ["tiers: {levels: [{id: dat, label: Dat}]}"]
    return "\n".join(lines) + "\n"


def _data(agencies: int) -> udcntt.Dataset:
    return udcntt.Dataset(
        agencies=tuple(
            udcntt.AgencyRecord(
                id=f"s{i}",
                name=f"S{i}",
                block="so",
                values={"a": Decimal(i % 997), "b": Decimal(i % 991 + 1)},
            )
            for i in range(agencies)
        )
    )


def _cpu(run: Callable[[], object]) -> float:
    start = time.process_time()
    run()
    return time.process_time() - start


def _compare(
    name: str, builtin: Callable[[], object], ext: Callable[[], object], rounds: int
) -> None:
    builtin()
    ext()  # warm up (fast paths compile on first use)
    times: dict[str, list[float]] = {"built-in": [], "extension": []}
    runs = {"built-in": builtin, "extension": ext}
    order = list(runs)
    shuffle = random.Random(len(name)).shuffle
    for _ in range(rounds):
        shuffle(order)  # interleaved, in a shuffled order each round
        for who in order:
            times[who].append(_cpu(runs[who]))
    b = statistics.median(times["built-in"])
    e = statistics.median(times["extension"])
    print(
        f"{name:6} built-in {b * 1000:9.1f} ms   extension {e * 1000:9.1f} ms   ratio {e / b:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--agencies", type=int, default=2000)
    parser.add_argument("--criteria", type=int, default=20)
    parser.add_argument("--calls", type=int, default=100_000)
    args = parser.parse_args()
    register_function(
        function(
            name="ext_capped_ratio",
            args=("number", "number"),
            doc="capped_ratio as an extension",
            distribution="bench",
            version="0",
        )(_capped_ratio)
    )
    try:
        names = {"a": NameInfo(ExprType.NUMBER), "b": NameInfo(ExprType.NUMBER)}
        env = {"a": Decimal(3), "b": Decimal(7)}
        exprs = {
            fn: compile_expression(f"{fn}(a, b) * 10", names=names)
            for fn in ("capped_ratio", "ext_capped_ratio")
        }

        def calls(fn: str) -> Callable[[], object]:
            evaluate = exprs[fn].evaluate
            return lambda: [evaluate(env) for _ in range(args.calls)]

        _compare("call", calls("capped_ratio"), calls("ext_capped_ratio"), args.rounds)
        data = _data(args.agencies)
        compiled = {
            fn: udcntt.compile_rules(
                udcntt.load_rules("bench.yaml", text=_rules(fn, args.criteria))
            )
            for fn in ("capped_ratio", "ext_capped_ratio")
        }

        def score(fn: str) -> Callable[[], object]:
            return lambda: udcntt.evaluate(compiled[fn], data)

        _compare("score", score("capped_ratio"), score("ext_capped_ratio"), args.rounds)
    finally:
        unregister_function("ext_capped_ratio")


if __name__ == "__main__":
    main()
