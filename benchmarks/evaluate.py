"""Benchmark: udcntt's compiled evaluation against simpleeval and plain Python.

Generates a synthetic rule set (48 expressions: guarded ratios, step bands, clamp, min/max,
boolean conditions, a chained comparison, composites of earlier results; 8 groups; tiers)
and N agencies, then times in one process, best of several repeats:

(a) simpleeval, each expression parsed once and evaluated per agency (floats);
(b) the same rules hand-written as one plain-Python float function (the pure-Python limit);
(c) udcntt end to end: ``udcntt.evaluate`` with exact decimals, tiers and ranking.

The last line prints the ratios, e.g. ``speedup_vs_simpleeval=9.1 fraction_of_python_limit=0.45``.
With ``--memory`` it also measures peak memory of (c) at N = 100,000 in a child process.

Usage: python benchmarks/evaluate.py [--n 10000] [--repeat 3] [--memory]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from simpleeval import SimpleEval

import udcntt

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


def run_simpleeval(rows: list[dict[str, Any]], number: type = float) -> float:
    """(a): simpleeval, parsed once; ``number=Decimal`` runs the same with exact decimals."""

    def ratio(a: Any, b: Any, d: Any) -> Any:
        return a / b if b else d

    def clamp(x: Any, lo: Any, hi: Any) -> Any:
        return min(max(x, lo), hi)

    ev = SimpleEval(functions={"ratio": ratio, "clamp": clamp, "min": min, "max": max})
    derived = [(f"d{i}", ev.parse(e)) for i, (e, _) in enumerate(_derived())]
    leaves = [ev.parse(e) for e, _ in _leaf_exprs()]
    if number is Decimal:
        # Literals as exact decimals too, as udcntt reads them.
        import ast

        for tree in [t for _, t in derived] + leaves:
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, float | int)
                    and not isinstance(node.value, bool)
                ):
                    node.value = Decimal(repr(node.value))
    start = time.perf_counter()
    for row in rows:
        names = {k: (number(v) if not isinstance(v, bool) else v) for k, v in row["values"].items()}
        ev.names = names
        for name, tree in derived:
            names[name] = ev.eval("", previously_parsed=tree)
        total = number(0)
        for tree in leaves:
            total += ev.eval("", previously_parsed=tree)
        _ = "tot" if total >= 150 else "kha" if total >= 100 else "trung_binh"
    return time.perf_counter() - start


def run_python(rows: list[dict[str, Any]]) -> float:
    namespace: dict[str, Any] = {}
    exec(python_limit_source(), namespace)
    score = namespace["score"]
    keys = [*(f"x{i}" for i in range(N_NUM)), *(f"b{i}" for i in range(N_BOOL))]
    start = time.perf_counter()
    for row in rows:
        v = row["values"]
        score(*[float(v[k]) if not isinstance(v[k], bool) else v[k] for k in keys])
    return time.perf_counter() - start


def run_udcntt(rules: udcntt.RuleSet, data: udcntt.Dataset) -> tuple[float, udcntt.Assessment]:
    # The survey is read (typed) before timing, as (a) and (b) get their rows ready-made.
    start = time.perf_counter()
    assessment = udcntt.evaluate(rules, data)
    return time.perf_counter() - start, assessment


def check_agreement(assessment: udcntt.Assessment, rows: list[dict[str, Any]]) -> float:
    """Largest difference between udcntt's exact totals and the float function's."""
    namespace: dict[str, Any] = {}
    exec(python_limit_source(), namespace)
    score = namespace["score"]
    keys = [*(f"x{i}" for i in range(N_NUM)), *(f"b{i}" for i in range(N_BOOL))]
    worst = 0.0
    by_id = {r.agency_id: r for r in assessment.results}
    for row in rows[:500]:
        res = by_id[row["id"]]  # results are listed by block, then id: match by id
        v = row["values"]
        t, _ = score(*[float(v[k]) if not isinstance(v[k], bool) else v[k] for k in keys])
        worst = max(worst, abs(float(res.total_unrounded) - t))
    return worst


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
    parser.add_argument("--repeat", type=int, default=3)
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
    t_a = min(run_simpleeval(rows) for _ in range(args.repeat))
    t_a_dec = min(run_simpleeval(rows, Decimal) for _ in range(args.repeat))
    t_b = min(run_python(rows) for _ in range(args.repeat))
    data = udcntt.Dataset.from_records(rows)
    runs = [run_udcntt(rules, data) for _ in range(args.repeat)]
    t_c = min(t for t, _ in runs)
    worst = check_agreement(runs[0][1], rows)
    print(f"expressions={n_expr} groups={GROUPS} agencies={args.n}")
    print(f"(a) simpleeval parsed once : {t_a * 1000:9.1f} ms  (floats)")
    print(f"(a') same, exact decimals  : {t_a_dec * 1000:9.1f} ms  (speedup {t_a_dec / t_c:.1f}x)")
    print(f"(b) plain Python floats    : {t_b * 1000:9.1f} ms")
    print(f"(c) udcntt end to end      : {t_c * 1000:9.1f} ms  (exact decimals, tiers, ranks)")
    print(f"largest |udcntt - float| over 500 agencies: {worst:.2e}")
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
    print(f"speedup_vs_simpleeval={t_a / t_c:.1f} fraction_of_python_limit={t_b / t_c:.2f}")


if __name__ == "__main__":
    main()
