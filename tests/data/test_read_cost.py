"""The read cost the limit hints and ``--max-cells`` state is what reading costs.

``READ_COST`` states, per format, the memory and CPU one survey cell costs to read. The
memory part is checked here on ``benchmarks/end_to_end.py``'s survey (50 columns) with
``tracemalloc`` — Python's allocations are deterministic enough to bound; CPU time is not
asserted in tests (it is measured by the benchmark, on a 2-core machine).
"""

from __future__ import annotations

import csv
import importlib.util
import re
import tracemalloc
from pathlib import Path
from types import ModuleType

import pytest

import udcntt
from udcntt.cli import EXIT_PROBLEMS, main
from udcntt.data import Limits
from udcntt.data._limits import READ_COST

ROOT = Path(__file__).resolve().parent.parent.parent
RULES = str(ROOT / "rules" / "lam-dong-2017.yaml")
SURVEY = str(ROOT / "examples" / "lam-dong" / "survey-2017.csv")


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "end_to_end", ROOT / "benchmarks" / "end_to_end.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _stated() -> dict[str, float]:
    """Bytes per cell that READ_COST states for CSV and XLSX."""
    csv_bytes = re.search(r"about (\d+) bytes of memory .* per cell of a CSV file", READ_COST)
    xlsx_kb = re.search(r"about ([\d.]+) KB and .* per cell of an XLSX workbook", READ_COST)
    assert csv_bytes and xlsx_kb, READ_COST
    return {"csv": float(csv_bytes[1]), "xlsx": float(xlsx_kb[1]) * 1000}


def _peak_per_cell(path: Path, rows: int, columns: int) -> float:
    bench = _bench()
    rules = udcntt.load_rules("end-to-end.yaml", text=bench.rule_file())
    limits = Limits(max_rows=rows + 1, max_cells=(rows + 1) * columns)
    udcntt.read_survey(path, rules, limits=limits)  # compiled parsers, imports: not the read's
    tracemalloc.start()
    try:
        data = udcntt.read_survey(path, rules, limits=limits)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(data.agencies) == rows
    return peak / (rows * columns)


def test_csv_cells_cost_what_is_stated(tmp_path: Path) -> None:
    bench = _bench()
    path = tmp_path / "survey.csv"
    rows = 4_000
    bench.write_survey(path, rows)
    measured = _peak_per_cell(path, rows, bench.COLUMNS)
    stated = _stated()["csv"]
    assert stated / 2 <= measured <= stated * 2, (measured, READ_COST)


def test_xlsx_cells_cost_what_is_stated(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    bench = _bench()
    source, path = tmp_path / "survey.csv", tmp_path / "survey.xlsx"
    rows = 200
    bench.write_survey(source, rows)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("survey")
    first, last = 3, 3 + bench.N_NUM
    with open(source, encoding="utf-8", newline="") as f:
        for k, row in enumerate(csv.reader(f)):
            if not k:
                sheet.append(row)
                continue
            # Numbers as numbers, as a clerk's workbook holds them.
            sheet.append([*row[:first], *map(int, row[first:last]), *row[last:]])
    book.save(path)
    measured = _peak_per_cell(path, rows, bench.COLUMNS)
    stated = _stated()["xlsx"]
    assert stated / 2 <= measured <= stated * 2, (measured, READ_COST)


def test_the_limit_hint_states_the_cost_per_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "score", RULES, SURVEY, "--max-rows", "20"]) == EXIT_PROBLEMS
    err = " ".join(capsys.readouterr().err.split())
    assert f"(reading costs {READ_COST})" in err
    assert "per cell of a CSV file" in err and "per cell of an XLSX workbook" in err
    assert "measured on a 2-core machine" in err
    assert main(["score", RULES, SURVEY, "--max-cells", "20"]) == EXIT_PROBLEMS
    err = " ".join(capsys.readouterr().err.split())
    assert "0,45 µs CPU cho mỗi ô của tệp CSV" in err and "đo trên máy 2 lõi" in err
