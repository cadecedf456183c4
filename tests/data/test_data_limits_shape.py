"""Survey limits are checked on the file's shape before any value is built.

A CSV's rows and non-empty cells are counted on the raw records; an XLSX sheet's cells on
its XML before the parser sees it. The error states which limit, the file's actual size and
the option that raises it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from data_helpers import hand_xlsx, write, xml_row

import udcntt.data._readers as readers
from udcntt.data import Limits, read_survey
from udcntt.errors import DataError
from udcntt.model import RuleSet

HEADER = "id,name,block,staff_total,staff_pc,pc_ratio,bandwidth\n"


def _survey(path: Path, n: int) -> Path:
    body = "".join(f"a{i},Đơn vị {i},so_nganh,10,5,50%,100\n" for i in range(n))
    return write(path, HEADER + body)


@pytest.fixture
def cells_built(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many cells the CSV reader builds (one item per cell)."""
    built: list[int] = []
    original = readers.Cell

    def counting(*args: object, **kwargs: object) -> object:
        built.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(readers, "Cell", counting)
    return built


def test_csv_rows_counted_before_any_cell_is_built(
    tmp_path: Path, rules: RuleSet, cells_built: list[int]
) -> None:
    path = _survey(tmp_path / "s.csv", 29)  # 30 rows with the header
    with pytest.raises(DataError) as info:
        read_survey(path, rules, limits=Limits(max_rows=10))
    error = info.value
    assert error.code == "E-DATA-LIMIT"
    text = str(error.diagnostics[0].message)
    assert "30 rows" in text and "10" in text and "max_rows" in text
    assert "--max-rows" in str(error.diagnostics[0].hint)
    assert cells_built == []  # nothing parsed before the check
    read_survey(path, rules, limits=Limits(max_rows=30))
    # Cells are built for the first rows, where the header is looked for; the other records
    # are read column by column (tests/data/test_data_columnar.py).
    assert 0 < len(cells_built) < 30 * 7


def test_csv_cells_counted_exactly_before_any_cell_is_built(
    tmp_path: Path, rules: RuleSet, cells_built: list[int]
) -> None:
    # 20 agencies × 7 columns + 7 header cells; blank and whitespace-only fields do not count.
    body = "".join(f"a{i},Đơn vị {i},so_nganh,10,5,50%,100\n" for i in range(20))
    path = write(tmp_path / "s.csv", HEADER + body + ",,  ,\n")
    with pytest.raises(DataError) as info:
        read_survey(path, rules, limits=Limits(max_cells=100))
    diagnostic = info.value.diagnostics[0]
    assert info.value.code == "E-DATA-LIMIT"
    assert "147 non-empty cells" in diagnostic.message and "max_cells" in diagnostic.message
    assert "--max-cells" in str(diagnostic.hint)
    assert cells_built == []
    assert len(read_survey(path, rules, limits=Limits(max_cells=147)).agencies) == 20


def test_csv_shape_check_is_linear_in_rows_not_in_the_limit(
    tmp_path: Path, rules: RuleSet, cells_built: list[int]
) -> None:
    """Beyond the limit the rest is only counted: the count is exact at any size."""
    for n in (50, 200):
        with pytest.raises(DataError, match=f"{n + 1} rows"):
            read_survey(_survey(tmp_path / f"s{n}.csv", n), rules, limits=Limits(max_rows=5))
    assert cells_built == []


def test_xlsx_cells_counted_from_the_sheet_xml(tmp_path: Path, rules: RuleSet) -> None:
    header = xml_row(1, [("A", "id"), ("B", "name"), ("C", "block"), ("D", "staff_total")])
    rows = "".join(
        xml_row(r, [("A", f"a{r}"), ("B", f"Đơn vị {r}"), ("C", "so_nganh"), ("D", 10)])
        for r in range(2, 32)
    )
    path = hand_xlsx(tmp_path / "s.xlsx", header + rows)
    with pytest.raises(DataError) as info:
        read_survey(path, rules, limits=Limits(max_cells=100))
    diagnostic = info.value.diagnostics[0]
    assert info.value.code == "E-DATA-LIMIT"
    # Named by the part: the archive scan found it, before openpyxl parsed a cell.
    assert "sheet part 'xl/worksheets/sheet1.xml' has 124 cells" in diagnostic.message
    assert "--max-cells" in str(diagnostic.hint)
    assert len(read_survey(path, rules, limits=Limits(max_cells=124)).agencies) == 30


def test_xlsx_rows_refused_from_the_references_with_the_option(
    tmp_path: Path, rules: RuleSet
) -> None:
    header = xml_row(1, [("A", "id"), ("B", "name"), ("C", "block")])
    rows = "".join(
        xml_row(r, [("A", f"a{r}"), ("B", "x"), ("C", "so_nganh")]) for r in range(2, 13)
    )
    path = hand_xlsx(tmp_path / "s.xlsx", header + rows)
    with pytest.raises(DataError) as info:
        read_survey(path, rules, limits=Limits(max_rows=5))
    diagnostic = info.value.diagnostics[0]
    assert diagnostic.code == "E-DATA-LIMIT" and "beyond row 5" in diagnostic.message
    assert "--max-rows" in str(diagnostic.hint)


def test_json_records_counted_before_values_with_the_option(tmp_path: Path, rules: RuleSet) -> None:
    records = ",".join(f'{{"id": "a{i}", "block": "so_nganh", "values": {{}}}}' for i in range(8))
    path = write(tmp_path / "s.json", f'{{"agencies": [{records}]}}')
    with pytest.raises(DataError) as info:
        read_survey(path, rules, limits=Limits(max_rows=5))
    assert info.value.code == "E-DATA-LIMIT"
    assert "--max-rows" in str(info.value.diagnostics[0].hint)
