"""Benchmark: a survey from file to every report, step by step, at two or more sizes.

Generates a survey of N agencies × 50 columns (id, name, block, 39 numbers, 8 yes/no) and a
rule file of 48 criteria over them, writes it as CSV, then times on CPU time
(``time.process_time``), for every size:

* ``floor``: a ``csv.reader`` + ``Decimal(text)`` + range-check loop over the same file —
  the least any CSV reader must do;
* ``read``: ``udcntt.read_survey`` (limits raised to fit the file);
* ``score``: ``udcntt.evaluate``;
* one step per output format (``.json .csv .md .xlsx .docx .html``, those whose extra is
  installed): ``udcntt.report.write_report`` (``.json`` without traces, the default of
  ``udcntt score``; ``.html`` above 2,000 agencies as a summary and numbered pages per block);
* ``load``: ``udcntt.report.load_assessment`` of the ``.json`` just written (what
  ``udcntt report`` and ``--previous`` read).

Rounds are interleaved: each round visits the sizes in a shuffled order, each size in a
fresh process that runs the output formats in a shuffled order; each figure is the median
over the rounds. Peak memory is the process's resident high-water mark while the step runs
(Linux: ``/proc/self/clear_refs`` resets the mark before each step), above the interpreter's
with the rules compiled — so it includes the survey and results the step holds — the
largest over the rounds.

A step whose time at the small size projects (linearly) beyond ``--budget`` seconds at a
larger size is not run there, and is reported ``skipped``; it then counts in no ratio.

The read is run a second time, untimed, under ``tracemalloc``: its peak per agency (what
Python allocates, without the interpreter's) is printed before the last line.

The last line prints ``read_vs_floor=…`` (read / floor CPU time at the largest size) and
``linearity=…``: the worst t(largest) / (ratio × t(smallest)) over the steps (1.0 is
linear; a quadratic step at a ratio of 10 gives about 10).

Usage: python benchmarks/end_to_end.py [--n 2000,20000] [--rounds 3] [--budget 600]
       [--formats .json,.csv] [--no-load]
"""

from __future__ import annotations

import argparse
import csv
import gc
import importlib.util
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import udcntt
from udcntt.data import Limits
from udcntt.report import REPORT_FORMATS, load_assessment, write_report

N_NUM = 39
N_BOOL = 8
GROUPS = 8
PER_GROUP = 6
COLUMNS = 3 + N_NUM + N_BOOL  # id, name, block + indicators = 50


def _leaves() -> list[str]:
    """The 48 criteria's points: ratios, bands, clamps, conditions (5 points each)."""
    out: list[str] = []
    for g in range(GROUPS):
        a, b, c = (5 * g) % N_NUM, (5 * g + 1) % N_NUM, (5 * g + 2) % N_NUM
        d, e = (5 * g + 3) % N_NUM, (5 * g + 4) % N_NUM
        bb = g % N_BOOL
        out += [
            f"ratio(x{a}, x{b}, 0) * 5 if x{a} <= x{b} else 5",
            f"5 if x{c} >= 40 else 4 if x{c} >= 30 else 2.5 if x{c} >= 15 else 1 if x{c} >= 5 else 0",
            f"clamp(x{d} / 20, 0, 5)",
            f"(2.5 if b{bb} else 0) + (2.5 if 10 < x{e} <= 60 else 0)",
            f"min(x{a}, x{c}) / 20",
            f"5 if b{(bb + 1) % N_BOOL} and x{d} > 50 else 0",
        ]
    return out


def rule_file() -> str:
    """The rule file: 47 indicators, 48 criteria in 8 groups, 240 points, three tiers."""
    lines = [
        "udcntt: 1",
        "id: end_to_end",
        "title: Bộ tiêu chí tổng hợp để đo hiệu năng đầu cuối",
        "scale: 240",
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
    lines.append("criteria:")
    leaves = _leaves()
    for g in range(GROUPS):
        lines.append(f"  - id: g{g}\n    label: Nhóm {g}\n    max: 30\n    children:")
        for k in range(PER_GROUP):
            expr = leaves[g * PER_GROUP + k]
            lines.append(
                f'      - {{id: c{g}_{k}, label: Tiêu chí {g}.{k}, max: 5, points: "{expr}"}}'
            )
    lines += [
        "tiers:",
        "  levels:",
        "    - {id: tot, label: Tốt, min: 160}",
        "    - {id: kha, label: Khá, min: 100}",
        "    - {id: trung_binh, label: Trung bình}",
    ]
    return "\n".join(lines) + "\n"


def write_survey(path: Path, n: int, seed: int = 7) -> None:
    """N agencies × 50 columns, as a UTF-8 CSV (values as a clerk types them)."""
    rng = random.Random(seed)
    header = ["id", "name", "block", *(f"x{j}" for j in range(N_NUM))]
    header += [f"b{j}" for j in range(N_BOOL)]
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        for i in range(n):
            row = [f"a{i:06d}", f"Đơn vị số {i}", "so" if i % 2 else "huyen"]
            row += [str(rng.randint(0, 100)) for _ in range(N_NUM)]
            row += ["Có" if rng.random() < 0.5 else "Không" for _ in range(N_BOOL)]
            out.writerow(row)


def read_floor(path: Path) -> int:
    """The least a CSV reader does: split, convert every number exactly, check its range."""
    low, high = Decimal(0), Decimal(100)
    bad = 0
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for row in rows:
            for text in row[3 : 3 + N_NUM]:
                value = Decimal(text)
                if not low <= value <= high:
                    bad += 1
            for text in row[3 + N_NUM :]:
                if text not in ("Có", "Không"):
                    bad += 1
    return bad


def _kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        return False
    return True


def formats() -> list[str]:
    """The output formats whose optional dependency is installed."""
    return [
        ext
        for ext, module in REPORT_FORMATS.items()
        if module is None or importlib.util.find_spec(module) is not None
    ]


def child(path: Path, n: int, steps: list[str], seed: int) -> None:
    """One round at one size, in a fresh process: prints ``step cpu_seconds peak_mb`` lines.

    The peak is the process's resident high-water mark while the step runs, above the
    interpreter's with the rules compiled (what the survey, the results and the step add).
    """
    rules = udcntt.load_rules("end-to-end.yaml", text=rule_file())
    udcntt.compile_rules(rules)
    limits = Limits(max_rows=n + 1, max_cells=(n + 1) * COLUMNS)
    gc.collect()
    baseline = _kb("VmRSS")
    held: dict[str, Any] = {}

    def run(name: str, step: Callable[[], Any]) -> Any:
        gc.collect()
        known = _reset_peak()
        start = time.process_time()
        result = step()
        cpu = time.process_time() - start
        peak = (_kb("VmHWM") - baseline) / 1024 if known else float("nan")
        print(f"{name} {cpu:.6f} {max(peak, 0.0):.1f}", flush=True)
        return result

    if "floor" in steps:
        run("floor", lambda: read_floor(path))
    held["data"] = run("read", lambda: udcntt.read_survey(path, rules, limits=limits))
    # The read's memory as Python allocates it (tracemalloc's peak), in a second read, untimed.
    gc.collect()
    tracemalloc.start()
    udcntt.read_survey(path, rules, limits=limits)
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"read_traced 0 {traced / n:.1f}", flush=True)
    held["assessment"] = run("score", lambda: udcntt.evaluate(rules, held["data"]))
    outs = [s for s in steps if s.startswith(".")]
    random.Random(seed).shuffle(outs)
    with tempfile.TemporaryDirectory(prefix="udcntt-e2e-out-") as tmp:
        for ext in outs:
            target = Path(tmp) / f"out{ext}"
            run(ext, lambda t=target: write_report(held["assessment"], t, lang="vi"))
            if ext != ".json":
                for written in Path(tmp).glob("out*"):  # .html above 2,000: a summary and pages
                    written.unlink()
        if "load" in steps:
            results = Path(tmp) / "out.json"
            if not results.exists():
                write_report(held["assessment"], results)
            held.pop("data")  # udcntt report holds the results alone
            held.pop("assessment")
            run("load", lambda: load_assessment(results))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", default="2000,20000", help="sizes, comma-separated")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument(
        "--budget",
        type=float,
        default=600.0,
        help="skip a step at a larger size when its linear projection exceeds this (s)",
    )
    parser.add_argument("--formats", help="output formats to time, e.g. .json,.csv (default all)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the shuffles")
    parser.add_argument("--no-load", action="store_true", help="do not time reading the .json back")
    parser.add_argument("--child", nargs=3, metavar=("PATH", "N", "STEPS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        path, n, steps = args.child
        child(Path(path), int(n), steps.split(","), args.seed)
        return
    sizes = sorted({int(x.replace("_", "").replace(",", "")) for x in args.n.split(",") if x})
    outs = args.formats.split(",") if args.formats else formats()
    rng = random.Random(args.seed)
    steps = ["floor", "read", "score", *outs, *([] if args.no_load else ["load"])]
    cpu: dict[tuple[int, str], list[float]] = {(n, s): [] for n in sizes for s in steps}
    peak: dict[tuple[int, str], float] = {}
    skipped: dict[tuple[int, str], float] = {}
    traced: dict[int, float] = {}  # read: tracemalloc peak per agency (bytes)
    with tempfile.TemporaryDirectory(prefix="udcntt-e2e-") as tmp:
        folder = Path(tmp)
        for n in sizes:
            write_survey(folder / f"survey-{n}.csv", n)
        for r in range(args.rounds):
            order = sizes[:]
            rng.shuffle(order)
            if r == 0:  # the smallest first once, so that --budget has figures to project
                order.remove(sizes[0])
                order.insert(0, sizes[0])
            for n in order:
                todo = []
                for s in steps:
                    small = cpu[(sizes[0], s)]
                    projected = statistics.median(small) * n / sizes[0] if small else 0.0
                    if n != sizes[0] and projected > args.budget:
                        skipped[(n, s)] = projected
                    else:
                        todo.append(s)
                command = [sys.executable, __file__, "--seed", str(rng.randrange(1 << 30))]
                command += ["--child", str(folder / f"survey-{n}.csv"), str(n), ",".join(todo)]
                done = subprocess.run(command, capture_output=True, text=True, check=False)
                if done.returncode:  # keep the steps it finished; say which one failed
                    print(f"  N={n}: a step failed:\n{done.stderr[-2000:]}", file=sys.stderr)
                for line in done.stdout.splitlines():
                    print(f"  N={n} {line}", file=sys.stderr, flush=True)
                    name, seconds, mb = line.split()
                    if name == "read_traced":  # bytes per agency, not a timed step
                        traced[n] = max(traced.get(n, 0.0), float(mb))
                        continue
                    cpu[(n, name)].append(float(seconds))
                    peak[(n, name)] = max(peak.get((n, name), 0.0), float(mb))
            print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    print(
        f"survey: N agencies × {COLUMNS} columns (CSV); CPU time per agency, median of "
        f"{args.rounds} interleaved rounds; peak memory above the interpreter's"
    )
    print(f"{'step':<8}" + "".join(f"{f'N={n:,}':>30}" for n in sizes))
    for s in steps:
        cells = []
        for n in sizes:
            if (n, s) in skipped:
                cells.append(f"skipped (≈{skipped[(n, s)]:.0f} s)")
            elif cpu[(n, s)]:
                t = statistics.median(cpu[(n, s)])
                cells.append(f"{t / n * 1e6:8.1f} µs/ag {peak[(n, s)]:7.1f} MB")
            else:
                cells.append("-")
        print(f"{s:<8}" + "".join(f"{c:>30}" for c in cells))
    small, big = sizes[0], sizes[-1]
    ratio = big / small
    linear: dict[str, float] = {}
    for s in steps:
        if cpu[(small, s)] and cpu[(big, s)]:
            linear[s] = statistics.median(cpu[(big, s)]) / (
                ratio * statistics.median(cpu[(small, s)])
            )
    print("linearity by step: " + ", ".join(f"{s}={v:.2f}" for s, v in linear.items()))
    print(
        "read memory (tracemalloc peak per agency): "
        + ", ".join(f"N={n:,}: {traced[n] / 1024:.2f} KB" for n in sizes if n in traced)
    )
    read_vs_floor = statistics.median(cpu[(big, "read")]) / statistics.median(cpu[(big, "floor")])
    worst = max(linear.values()) if linear else float("nan")
    print(f"read_vs_floor={read_vs_floor:.1f} linearity={worst:.2f}")


if __name__ == "__main__":
    main()
