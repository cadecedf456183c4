"""Benchmark: a plugin rule type against the same rule built in.

Three rule sets differ only in the rule of their criteria, all giving the same points:

* ``built-in``: ``per_item: {count: a + i, points: 0.5, cap: 10}`` (inline generated code);
* ``plugin``: ``ext_per_item: {count: a + i, points: 0.5, cap: 10}``, a rule type declared
  as a plugin writes it (:meth:`RuleType.points` only), called through the boundary that
  checks its result;
* ``plugin-inline``: the same rule type with its own ``python`` hook generating inline code,
  as udcntt's own rule types do.

Each contender scores ``--agencies`` agencies × ``--criteria`` criteria with
``udcntt.evaluate`` (fast path) in ``--rounds`` rounds; the order of the contenders is
shuffled in every round (seeded), CPU time (``time.process_time``) is measured, and the
medians and their ratios to the built-in are printed. The results of all three are checked
to be identical before timing.

Usage: python benchmarks/bench_rule_type.py [--rounds 9] [--agencies 2000] [--criteria 20]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import udcntt
from udcntt.extend import CodeContext, CompiledRule, RuleType, register, unregister
from udcntt.model import Dec, Expr, StrictModel


class Spec(StrictModel):
    """The fragment of ``per_item``, for the plugin."""

    count: Expr
    points: Dec
    cap: Dec


class ExtPerItem(RuleType):
    """``per_item`` written as a plugin writes a rule type."""

    def points(self, spec: Any, values: Mapping[str, Any]) -> Decimal:
        result: Decimal = min(values["count"] * spec.points, spec.cap)
        return result

    def max_points(self, spec: Any) -> Decimal | None:
        cap: Decimal = spec.cap
        return cap


class InlinePerItem(ExtPerItem):
    """The same, generating inline code for the fast path as the built-ins do."""

    def python(self, rule: CompiledRule, gen: CodeContext) -> str:
        out = gen.new()
        count = gen.expr(rule.exprs["count"])
        gen.line(
            f"{out} = _min(({count}) * {gen.const(rule.spec.points)}, {gen.const(rule.spec.cap)})"
        )
        return out


def _rules(kind: str, criteria: int) -> str:
    lines = [
        "udcntt: 1",
        f"id: bench_{kind}",
        "title: Bench",
        "blocks: {so: {label: So}}",
        "indicators:",
        "  a: {label: A, type: count, range: [0, 1000]}",
        "criteria:",
    ]
    for i in range(criteria):
        lines.append(
            f"  - {{id: c{i}, label: C{i}, max: 10, "
            f"{kind}: {{count: 'a + {i}', points: 0.5, cap: 10}}}}"
        )
    lines += ["tiers: {levels: [{id: dat, label: Dat}]}"]
    return "\n".join(lines) + "\n"


def _data(agencies: int) -> udcntt.Dataset:
    return udcntt.Dataset(
        agencies=tuple(
            udcntt.AgencyRecord(id=f"s{i}", name=f"S{i}", block="so", values={"a": Decimal(i % 37)})
            for i in range(agencies)
        )
    )


def _cpu(run: Callable[[], object]) -> float:
    start = time.process_time()
    run()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--agencies", type=int, default=2000)
    parser.add_argument("--criteria", type=int, default=20)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    declared = [
        ExtPerItem(
            name="ext_per_item",
            schema=Spec,
            doc="per_item as a plugin",
            expressions={"count": "number"},
            monotone=("count",),
            distribution="bench",
            version="0",
        ),
        InlinePerItem(
            name="inline_per_item",
            schema=Spec,
            doc="per_item as a plugin with inline code",
            expressions={"count": "number"},
            monotone=("count",),
            distribution="bench",
            version="0",
        ),
    ]
    for spec in declared:
        register(spec)
    try:
        data = _data(args.agencies)
        contenders = {
            "built-in": "per_item",
            "plugin": "ext_per_item",
            "plugin-inline": "inline_per_item",
        }
        compiled = {
            name: udcntt.compile_rules(
                udcntt.load_rules("bench.yaml", text=_rules(kind, args.criteria))
            )
            for name, kind in contenders.items()
        }
        totals = {
            name: [r.total for r in udcntt.evaluate(c, data).results]
            for name, c in compiled.items()
        }
        if len({tuple(t) for t in totals.values()}) != 1:
            raise SystemExit("the contenders disagree: the benchmark compares nothing")
        times: dict[str, list[float]] = {name: [] for name in contenders}
        order = list(contenders)
        shuffle = random.Random(args.seed).shuffle
        for _ in range(args.rounds):
            shuffle(order)
            for name in order:
                times[name].append(_cpu(lambda c=compiled[name]: udcntt.evaluate(c, data)))
        base = statistics.median(times["built-in"])
        for name in contenders:
            median = statistics.median(times[name])
            print(f"{name:14} {median * 1000:9.1f} ms   ratio to built-in {median / base:.2f}")
    finally:
        for spec in declared:
            unregister(spec)


if __name__ == "__main__":
    main()
