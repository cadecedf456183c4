"""Benchmark: udcntt's evaluation against simpleeval, zen-engine and hand-written limits.

Generates a synthetic rule set (48 expressions: guarded ratios, step bands, clamp, min/max,
boolean conditions, a chained comparison, composites of earlier results; 8 groups; tiers)
and N agencies, then times on CPU time (``time.process_time``), with the cyclic garbage
collector paused for every contender alike:

(a) simpleeval, each expression parsed once and evaluated per agency (floats);
(a') the same with exact decimals;
(z) zen-engine (GoRules, Rust): the same rules as one compiled expression per agency (the
    derived values inlined; its fastest form), the tier decided in Python from the total —
    skipped with the reason printed when ``zen-engine`` is not installed;
(b) the same rules hand-written as one plain-Python float function (the float limit);
(d) the same rules hand-written as one plain-Python ``Decimal`` function (the Decimal limit:
    exact arithmetic with nothing else — no checks, no results, no tiers or ranks);
(c) udcntt end to end, ``udcntt.evaluate(..., engine="decimal")``: exact decimals, input
    checks, result records, tiers and ranks;
(v) the same with ``engine="vector"`` (NumPy): float64 columns with error bounds, exact
    recomputation of the agencies near a boundary, the same published results;
(c+), (v+) each of those, then every agency's published total, tier and rank read from
    the results (shown, not in the ratios: a result record is a view of its block's table,
    whose fields are read when asked, so this is what a caller reading them all pays).

Data conversion is outside every timing: each contender gets its inputs ready in its own
form before the clock starts (name dictionaries of floats or decimals, argument tuples, the
typed ``Dataset`` udcntt reads a survey into). Contenders are interleaved: each of
``--rounds`` rounds runs every contender once, in a shuffled order; a contender's figure is
its median over the rounds.

Checks printed: the largest difference between udcntt's exact totals and the float
function's; that both udcntt engines publish the same totals, shares, tiers and ranks for
every agency and byte-identical results JSON (``--json-check`` agencies, default 1,000);
how many agencies the vector path sent to the exact function.

The last line prints the ratios of the default engine (``engine="auto"``: the vector path
from 2,000 agencies on when NumPy is installed), then of each engine:
``speedup_vs_simpleeval=… fraction_of_python_limit=… speedup_vs_zen=… decimal_…= vector_…=``.
With ``--memory`` it also measures peak memory of (c) at N = 100,000 in a child process.

By default udcntt gets the survey as ``udcntt score`` has it: the same rows written to a
CSV file and read by ``udcntt.read_survey`` (before the clock starts). ``--survey records``
gives it ``Dataset.from_records`` of the rows instead (every value a separate ``Decimal``
object, where the CSV reader shares one per distinct text).

Usage: python benchmarks/evaluate.py [--n 10000] [--rounds 5] [--survey records] [--memory]
"""

from __future__ import annotations

import argparse
import decimal
import gc
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from simpleeval import SimpleEval

import udcntt
from udcntt.expressions import DECIMAL_CONTEXT

GROUPS = 8
PER_GROUP = 5
N_NUM = 24
N_BOOL = 8


def _leaf_exprs() -> list[tuple[str, str]]:
    """(udcntt/simpleeval expression, same in Python) for the 40 leaves, 5 points each."""
    out: list[tuple[str, str]] = []
    for g in range(GROUPS):
        a, b, c = (3 * g) % N_NUM, (3 * g + 1) % N_NUM, (3 * g + 2) % N_NUM
        bb = g % N_BOOL
        out.append(
            (
                f"ratio(x{a}, x{b}, 0) * 5 if x{a} <= x{b} else 5",
                f"((x{a} / x{b} if x{b} else 0) * 5 if x{a} <= x{b} else 5)",
            )
        )
        out.append(
            (
                f"5 if x{c} >= 40 else 4 if x{c} >= 30 else 2.5 if x{c} >= 15 else 1 if x{c} >= 5 else 0",
                f"(5 if x{c} >= 40 else 4 if x{c} >= 30 else 2.5 if x{c} >= 15 else 1 if x{c} >= 5 else 0)",
            )
        )
        out.append((f"clamp(x{a} / 10, 0, 5)", f"min(max(x{a} / 10, 0), 5)"))
        out.append(
            (
                f"min(2.5 if b{bb} else 0 + 0, 2.5) + (2.5 if 10 < x{b} <= 60 else 0)",
                f"(min(2.5 if b{bb} else 0, 2.5) + (2.5 if 10 < x{b} <= 60 else 0))",
            )
        )
        out.append((f"min(d{g} * 5, 5)", f"min(d{g} * 5, 5)"))
    return out


def _derived() -> list[tuple[str, str]]:
    out = []
    for g in range(GROUPS):
        a, b = (5 * g + 1) % N_NUM, (5 * g + 3) % N_NUM
        out.append(
            (
                f"max(ratio(x{a}, x{a} + x{b}, 0), 0.1 if b{g % N_BOOL} else 0)",
                f"max((x{a} / (x{a} + x{b}) if (x{a} + x{b}) else 0), 0.1 if b{g % N_BOOL} else 0)",
            )
        )
    return out


def rule_file() -> str:
    lines = [
        "udcntt: 1",
        "id: benchmark",
        "title: Bộ tiêu chí tổng hợp để đo hiệu năng",
        "scale: 200",
        "rounding: {total: 2}",
        "blocks: {so: {label: Khối sở}, huyen: {label: Khối huyện}}",
        "indicators:",
    ]
    for i in range(N_NUM):
        lines.append(
            f"  x{i}: {{label: Chỉ tiêu {i}, type: number, range: [0, 100], direction: higher}}"
        )
    for i in range(N_BOOL):
        lines.append(f"  b{i}: {{label: Có/không {i}, type: bool, direction: higher}}")
    lines.append("derived:")
    for i, (expr, _) in enumerate(_derived()):
        lines.append(f'  d{i}: "{expr}"')
    lines.append("criteria:")
    leaves = _leaf_exprs()
    for g in range(GROUPS):
        lines.append(f"  - id: g{g}\n    label: Nhóm {g}\n    max: 25\n    children:")
        for k in range(PER_GROUP):
            expr = leaves[g * PER_GROUP + k][0]
            lines.append(
                f'      - {{id: c{g}_{k}, label: Tiêu chí {g}.{k}, max: 5, points: "{expr}"}}'
            )
    lines += [
        "tiers:",
        "  levels:",
        "    - {id: tot, label: Tốt, min: 150}",
        "    - {id: kha, label: Khá, min: 100}",
        "    - {id: trung_binh, label: Trung bình}",
    ]
    return "\n".join(lines) + "\n"


def agencies(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        values: dict[str, Any] = {f"x{j}": rng.randint(0, 100) for j in range(N_NUM)}
        values.update({f"b{j}": rng.random() < 0.5 for j in range(N_BOOL)})
        rows.append({"id": f"a{i}", "block": "so" if i % 2 else "huyen", "values": values})
    return rows


def python_limit_source() -> str:
    args = ", ".join([*(f"x{i}" for i in range(N_NUM)), *(f"b{i}" for i in range(N_BOOL))])
    body = [f"    d{i} = {py}" for i, (_, py) in enumerate(_derived())]
    body += [f"    p{i} = {py}" for i, (_, py) in enumerate(_leaf_exprs())]
    total = " + ".join(f"p{i}" for i in range(GROUPS * PER_GROUP))
    body.append(f"    t = {total}")
    body.append("    return t, ('tot' if t >= 150 else 'kha' if t >= 100 else 'trung_binh')")
    return f"def score({args}):\n" + "\n".join(body) + "\n"


KEYS = [*(f"x{i}" for i in range(N_NUM)), *(f"b{i}" for i in range(N_BOOL))]


def _zen_leaves() -> list[str]:
    """The 40 leaves in zen-engine's expression language, derived values inlined."""
    out: list[str] = []
    for g in range(GROUPS):
        a, b, c = (3 * g) % N_NUM, (3 * g + 1) % N_NUM, (3 * g + 2) % N_NUM
        bb = g % N_BOOL
        a2, b2 = (5 * g + 1) % N_NUM, (5 * g + 3) % N_NUM
        d = f"max([x{a2} + x{b2} != 0 ? x{a2} / (x{a2} + x{b2}) : 0, b{g % N_BOOL} ? 0.1 : 0])"
        out += [
            f"(x{a} <= x{b} ? (x{b} != 0 ? x{a} / x{b} : 0) * 5 : 5)",
            f"(x{c} >= 40 ? 5 : x{c} >= 30 ? 4 : x{c} >= 15 ? 2.5 : x{c} >= 5 ? 1 : 0)",
            f"min([max([x{a} / 10, 0]), 5])",
            f"(min([b{bb} ? 2.5 : 0, 2.5]) + (x{b} > 10 and x{b} <= 60 ? 2.5 : 0))",
            f"min([({d}) * 5, 5])",
        ]
    return out


def _tier(total: Any) -> str:
    return "tot" if total >= 150 else "kha" if total >= 100 else "trung_binh"


def simpleeval_contender(rows: list[dict[str, Any]], number: type) -> Callable[[], object]:
    """(a) and (a'): simpleeval, each expression parsed once; names ready per agency."""
    import ast

    def ratio(a: Any, b: Any, d: Any) -> Any:
        return a / b if b else d

    def clamp(x: Any, lo: Any, hi: Any) -> Any:
        return min(max(x, lo), hi)

    ev = SimpleEval(functions={"ratio": ratio, "clamp": clamp, "min": min, "max": max})
    derived = [(f"d{i}", ev.parse(e)) for i, (e, _) in enumerate(_derived())]
    leaves = [ev.parse(e) for e, _ in _leaf_exprs()]
    if number is Decimal:
        # Literals as exact decimals too, as udcntt reads them.
        for tree in [t for _, t in derived] + leaves:
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, float | int)
                    and not isinstance(node.value, bool)
                ):
                    node.value = Decimal(repr(node.value))
    table = [
        {k: (number(v) if not isinstance(v, bool) else v) for k, v in row["values"].items()}
        for row in rows
    ]
    zero = number(0)

    def run() -> object:
        with decimal.localcontext(DECIMAL_CONTEXT):
            for names in table:
                ev.names = names
                for name, tree in derived:
                    names[name] = ev.eval("", previously_parsed=tree)
                total = zero
                for tree in leaves:
                    total += ev.eval("", previously_parsed=tree)
                _tier(total)
        return None

    return run


def python_contender(rows: list[dict[str, Any]], number: type) -> Callable[[], object]:
    """(b) and (d): the rules hand-written as one function; argument tuples ready."""
    source = python_limit_source()
    namespace: dict[str, Any] = {}
    if number is Decimal:
        # Every literal a hoisted exact decimal, as generated code has them.
        import re

        consts: dict[str, Decimal] = {}

        def hoist(m: re.Match[str]) -> str:
            name = f"_k{len(consts)}"
            consts[name] = Decimal(m.group(0))
            return name

        head, body = source.split("\n", 1)
        source = head + "\n" + re.sub(r"(?<![\w.])\d+(\.\d+)?(?![\w.])", hoist, body)
        namespace.update(consts)
    exec(source, namespace)
    score = namespace["score"]
    table = [
        tuple(number(v[k]) if not isinstance(v[k], bool) else v[k] for k in KEYS)
        for v in (row["values"] for row in rows)
    ]

    def run() -> object:
        with decimal.localcontext(DECIMAL_CONTEXT):
            for args in table:
                score(*args)
        return None

    return run


def zen_contender(rows: list[dict[str, Any]]) -> Callable[[], object] | str:
    """(z): zen-engine, or why it cannot run."""
    try:
        import zen
    except ImportError as exc:
        return f"zen-engine is not installed ({exc}); pip install zen-engine"
    compiled = zen.compile_expression(" + ".join(f"({e})" for e in _zen_leaves()))
    table = [
        {k: (float(v) if not isinstance(v, bool) else v) for k, v in row["values"].items()}
        for row in rows
    ]

    def run() -> object:
        for context in table:
            _tier(compiled.evaluate(context))
        return None

    return run


def udcntt_contender(
    compiled: udcntt.CompiledRuleSet, data: udcntt.Dataset, engine: str, read: bool = False
) -> Callable[[], object]:
    """(c) and (v): ``udcntt.evaluate`` on the typed survey; with ``read`` (c+, v+), then
    every agency's published total, tier and rank read."""

    def run() -> object:
        return udcntt.evaluate(compiled, data, engine=engine)  # type: ignore[arg-type]

    def run_and_read() -> object:
        found = udcntt.evaluate(compiled, data, engine=engine)  # type: ignore[arg-type]
        return [(r.total, r.tier, r.rank) for r in found.results]

    return run_and_read if read else run


def interleaved(contenders: dict[str, Callable[[], object]], rounds: int, seed: int = 11):
    """CPU seconds of each contender per round, in shuffled order each round."""
    rng = random.Random(seed)
    times: dict[str, list[float]] = {name: [] for name in contenders}
    last: dict[str, object] = {}
    names = list(contenders)
    for _ in range(rounds):
        rng.shuffle(names)
        for name in names:
            gc.collect()
            gc.disable()
            try:
                start = time.process_time()
                last[name] = contenders[name]()
                times[name].append(time.process_time() - start)
            finally:
                gc.enable()
            last.pop(name, None)  # free the result before the next contender runs
    return times


def survey(rules: udcntt.RuleSet, rows: list[dict[str, Any]], how: str) -> udcntt.Dataset:
    """udcntt's typed survey of ``rows`` (built before any timing)."""
    if how == "records":
        return udcntt.Dataset.from_records(rows)
    import csv
    import tempfile

    keys = list(rows[0]["values"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "survey.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            out = csv.writer(f)
            out.writerow(["agency_id", "name", "block", *keys])
            for row in rows:
                cells = [
                    ("có" if v else "không") if isinstance(v, bool) else v
                    for v in (row["values"][k] for k in keys)
                ]
                out.writerow([row["id"], row["id"], row["block"], *cells])
        from udcntt.data import Limits

        limits = Limits(max_rows=len(rows) + 10, max_cells=len(rows) * 64)
        return udcntt.read_survey(path, rules, limits=limits)


def check_agreement(assessment: udcntt.Assessment, rows: list[dict[str, Any]]) -> float:
    """Largest difference between udcntt's exact totals and the float function's."""
    namespace: dict[str, Any] = {}
    exec(python_limit_source(), namespace)
    score = namespace["score"]
    worst = 0.0
    by_id = {r.agency_id: r for r in assessment.results}
    for row in rows[:500]:
        res = by_id[row["id"]]  # results are listed by block, then id: match by id
        v = row["values"]
        t, _ = score(*[float(v[k]) if not isinstance(v[k], bool) else v[k] for k in KEYS])
        worst = max(worst, abs(float(res.total_unrounded) - t))
    return worst


def check_engines(
    compiled: udcntt.CompiledRuleSet, data: udcntt.Dataset, json_agencies: int
) -> tuple[int, int, bool]:
    """(agencies whose published results differ, agencies sent to the exact function,
    whether the results JSON of the first ``json_agencies`` agencies is byte-identical)."""
    from udcntt.evaluation._vector import VectorResult
    from udcntt.report import assessment_to_json

    exact = udcntt.evaluate(compiled, data, engine="decimal")
    vector = udcntt.evaluate(compiled, data, engine="vector")
    differ = sum(
        (a.agency_id, a.total, a.share, a.tier, a.rank)
        != (b.agency_id, b.total, b.share, b.tier, b.rank)
        for a, b in zip(exact.results, vector.results, strict=True)
    )
    fell_back = sum(not isinstance(r, VectorResult) for r in vector.results)
    part = udcntt.Dataset(agencies=data.agencies[:json_agencies])
    same_json = assessment_to_json(
        udcntt.evaluate(compiled, part, engine="decimal")
    ) == assessment_to_json(udcntt.evaluate(compiled, part, engine="vector"))
    return differ, fell_back, same_json


def _status_mb(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def memory_child(n: int) -> None:
    """Peak RSS of a process that reads N agencies and scores them (and what the survey holds)."""
    import gc

    rules = udcntt.load_rules("benchmark.yaml", text=rule_file())
    udcntt.compile_rules(rules)
    data = udcntt.Dataset.from_records(agencies(n))
    gc.collect()
    before = _status_mb("VmRSS")
    # Reset the high-water mark so the peak is the one reached while scoring (Linux).
    with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")
    assessment = udcntt.evaluate(rules, data)
    peak = _status_mb("VmHWM")
    print(f"{peak:.0f} {before:.0f} {len(assessment.results)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--json-check", type=int, default=1_000, help="agencies whose JSON to compare"
    )
    parser.add_argument(
        "--survey",
        choices=("records", "csv"),
        default="csv",
        help="udcntt's input: the rows written to a CSV file and read by udcntt.read_survey "
        "(as `udcntt score` reads one; the default), or Dataset.from_records of the rows",
    )
    parser.add_argument(
        "--memory", action="store_true", help="also measure peak memory at N = 100,000"
    )
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return
    rules = udcntt.load_rules("benchmark.yaml", text=rule_file())
    compiled = udcntt.compile_rules(rules)
    n_expr = len(compiled.derived) + sum(len(p.leaves) for p in list(compiled.blocks.values())[:1])
    rows = agencies(args.n)
    data = survey(rules, rows, args.survey)
    try:
        import numpy  # noqa: F401

        has_numpy = True
    except ImportError:
        has_numpy = False
    contenders: dict[str, Callable[[], object]] = {
        "simpleeval": simpleeval_contender(rows, float),
        "simpleeval_decimal": simpleeval_contender(rows, Decimal),
        "python_limit": python_contender(rows, float),
        "decimal_limit": python_contender(rows, Decimal),
        "udcntt_decimal": udcntt_contender(compiled, data, "decimal"),
        "udcntt_decimal_read": udcntt_contender(compiled, data, "decimal", read=True),
    }
    zen_run = zen_contender(rows)
    if isinstance(zen_run, str):
        print(f"(z) skipped: {zen_run}")
    else:
        contenders["zen"] = zen_run
    if has_numpy:
        contenders["udcntt_vector"] = udcntt_contender(compiled, data, "vector")
        contenders["udcntt_vector_read"] = udcntt_contender(compiled, data, "vector", read=True)
    else:
        print("(v) skipped: NumPy is not installed (pip install 'udcntt[fast]')")
    # One untimed run of each: compiled functions, caches and imports warm.
    for run in contenders.values():
        run()
    times = interleaved(contenders, args.rounds)
    med = {name: statistics.median(ts) for name, ts in times.items()}
    worst = check_agreement(udcntt.evaluate(compiled, data, engine="decimal"), rows)
    print(f"expressions={n_expr} groups={GROUPS} agencies={args.n} rounds={args.rounds}")
    print("contender (CPU ms, median of the rounds; min–max)")
    labels = {
        "simpleeval": "(a) simpleeval parsed once (floats)",
        "simpleeval_decimal": "(a') simpleeval, exact decimals",
        "zen": "(z) zen-engine, one expression",
        "python_limit": "(b) plain Python floats (limit)",
        "decimal_limit": "(d) plain Python Decimal (limit)",
        "udcntt_decimal": "(c) udcntt engine=decimal",
        "udcntt_vector": "(v) udcntt engine=vector",
        "udcntt_decimal_read": "(c+) (c), then every result read",
        "udcntt_vector_read": "(v+) (v), then every result read",
    }
    for name, label in labels.items():
        if name in med:
            ts = times[name]
            print(
                f"{label:<38} {med[name] * 1000:9.1f}   ({min(ts) * 1000:.1f}–{max(ts) * 1000:.1f})"
            )
    print(f"largest |udcntt - float| over 500 agencies: {worst:.2e}")
    if has_numpy:
        differ, fell_back, same_json = check_engines(compiled, data, args.json_check)
        print(
            f"vector vs decimal: {differ} agencies with different published results; "
            f"{fell_back} of {args.n} ({100 * fell_back / max(args.n, 1):.1f} %) scored by the "
            f"exact function; results JSON of {min(args.json_check, args.n)} agencies "
            f"{'byte-identical' if same_json else 'DIFFERENT'}"
        )
    if args.memory:
        out = subprocess.run(
            [sys.executable, str(Path(__file__)), "--memory-child", "100000"],
            capture_output=True,
            text=True,
            check=True,
        )
        peak, before, _ = out.stdout.split()
        print(
            f"peak memory at N=100,000: {peak} MB "
            f"(of which the survey itself, read before scoring: {before} MB)"
        )
    default = "udcntt_vector" if has_numpy and args.n >= 2_000 else "udcntt_decimal"

    def ratios(engine: str, prefix: str = "") -> str:
        t = med[engine]
        parts = [
            f"{prefix}speedup_vs_simpleeval={med['simpleeval'] / t:.1f}",
            f"{prefix}fraction_of_python_limit={med['python_limit'] / t:.2f}",
        ]
        if "zen" in med:
            parts.append(f"{prefix}speedup_vs_zen={med['zen'] / t:.1f}")
        parts.append(f"{prefix}fraction_of_decimal_limit={med['decimal_limit'] / t:.2f}")
        return " ".join(parts)

    line = [ratios(default), ratios("udcntt_decimal", "decimal_")]
    if "udcntt_vector" in med:
        line.append(ratios("udcntt_vector", "vector_"))
    print(" ".join(line))


if __name__ == "__main__":
    main()
