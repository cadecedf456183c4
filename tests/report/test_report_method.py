"""Every report states its year and method, and says why totals do not add up when they don't.

Through the CLI as the README's ``score`` example runs it (with ``--year``), for each format.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import udcntt
from udcntt.cli import main
from udcntt.report import methodology, rules_year, totals_check

ROOT = Path(__file__).resolve().parents[2]
LAM_DONG_RULES = ROOT / "rules" / "lam-dong-2017.yaml"
LAM_DONG_FILES = {
    "registry": ROOT / "examples" / "lam-dong" / "agencies.yaml",
    "2016": ROOT / "examples" / "lam-dong" / "survey-2016.csv",
    "2017": ROOT / "examples" / "lam-dong" / "survey-2017.csv",
}

pytest.importorskip("openpyxl")
pytest.importorskip("docx")
pytest.importorskip("jinja2")


def _score(tmp_path: Path, *extra: str, outputs: tuple[str, ...]) -> list[Path]:
    paths = [tmp_path / name for name in outputs]
    args = [
        "score",
        str(LAM_DONG_RULES),
        str(LAM_DONG_FILES["2017"]),
        "--registry",
        str(LAM_DONG_FILES["registry"]),
        "--previous",
        str(LAM_DONG_FILES["2016"]),
        *extra,
    ]
    for p in paths:
        args += ["-o", str(p)]
    assert main(args) == 0
    return paths


def _text(path: Path) -> str:
    """The readable text of a report file (cell values of XLSX, XML text of DOCX parts)."""
    if path.suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path)
        return "\n".join(
            str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
        )
    if path.suffix == ".docx":
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as z:
            return "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("method")
    names = ("r.md", "r.html", "r.docx", "r.xlsx", "r.json")
    paths = _score(tmp, "--year", "2017", outputs=names)
    return {p.suffix: _text(p) for p in paths}


@pytest.mark.parametrize("fmt", [".md", ".html", ".docx", ".xlsx"])
def test_every_report_states_year_method_and_thresholds(reports: dict[str, str], fmt: str) -> None:
    """Year, method heading, legal basis, data source, thresholds, maxima, rounding,
    reconstructed parts and the rounding note of the totals, in each published format."""
    text = reports[fmt]
    for fact in (
        "năm 2017" if fmt != ".xlsx" else "NĂM 2017",
        "Phương pháp đánh giá",
        "Năm đánh giá",
        "QĐ 688/QĐ-UBND ngày 10/4/2013",
        "survey-2017.csv",
        "Tốt: từ 80% điểm tối đa của đơn vị",
        "Khá: từ 65% điểm tối đa của đơn vị",
        "Khối các cơ quan, đơn vị khác: 80",
        "làm tròn đến 2 chữ số thập phân",
        "Phần được tái dựng",
        "ở 10/43 đơn vị tổng điểm lệch tối đa 0,01",
    ):
        assert fact.casefold() in text.casefold(), (fmt, fact)


def test_json_carries_year_and_method(reports: dict[str, str]) -> None:
    data = json.loads(reports[".json"])
    assert data["year"] == 2017
    assert data["methodology"]["legal_basis"][0].startswith("QĐ 688/QĐ-UBND")
    assert data["methodology"]["rounding_mode"] == "half_up"


def test_report_from_results_file_states_the_same_method(tmp_path: Path) -> None:
    """``udcntt report`` on the results JSON keeps the legal basis and reconstructed note."""
    (results,) = _score(tmp_path, "--year", "2017", outputs=("r.json",))
    out = tmp_path / "again.md"
    assert main(["report", str(results), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "QĐ 2213/QĐ-UBND" in text
    assert "Phần được tái dựng" in text


def test_no_year_warns_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without --year (and a rule set in force 2014-2017) score warns W-REPORT-YEAR at the
    survey file, still writes the report, and the report says the year is not known."""
    (md,) = _score(tmp_path, outputs=("r.md",))
    err = capsys.readouterr().err
    assert "W-REPORT-YEAR" in err
    assert "survey-2017.csv" in err
    assert "chưa xác định (chạy lại với --year)" in md.read_text(encoding="utf-8")


def test_with_year_no_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _score(tmp_path, "--year", "2017", outputs=("r.md",))
    assert "W-REPORT-YEAR" not in capsys.readouterr().err


def test_year_from_a_single_year_rule_set() -> None:
    """A rule set in force within one calendar year gives its year; several years: none."""
    rules = udcntt.load_rules(LAM_DONG_RULES)
    assert rules_year(rules) is None
    one = rules.model_copy(
        update={"effective": rules.effective.model_copy(update={"start": date(2017, 1, 1)})}
    )
    assert rules_year(one) == 2017


def test_totals_check_counts_the_rows_that_do_not_add_up(lam_dong: udcntt.Assessment) -> None:
    """10 of the 43 published totals differ by 0,01 from the sum of their group points
    (e.g. Sở TT&TT: 19,77 + 13,56 + 27,38 + 8,00 + 19,40 = 88,11, total 88,10)."""
    check = totals_check(lam_dong)
    assert (check.rows, check.differ, check.largest) == (43, 10, Decimal("0.01"))
    assert not check.adds_up
    assert lam_dong.by_id("so_thong_tin_truyen_thong").total == Decimal("88.10")
    assert methodology(lam_dong).totals.note("en") == (
        "totals are rounded to 2 decimal places from the unrounded group points, so in 10 of "
        "43 rows the total differs by up to 0.01 from the sum of the rounded group points"
    )


def test_totals_that_add_up_say_so(small: udcntt.Assessment) -> None:
    check = totals_check(small)
    assert check.adds_up and check.note("vi") is None
    lines = dict(methodology(small).lines("en"))
    assert lines["Totals"] == "each total equals the sum of its published group points"


def test_reconstructed_criteria_are_named_without_a_top_level_text(tmp_path: Path) -> None:
    """A rule set that marks criteria ``reconstructed: true`` but has no ``reconstructed:``
    text still says so, naming them."""
    from tests.report.conftest import SMALL_2017, SMALL_RULES

    text = SMALL_RULES.read_text(encoding="utf-8")
    assert "reconstructed" not in text
    marked = tmp_path / "small.yaml"
    marked.write_text(
        text.replace("  - id: ha_tang\n", "  - id: ha_tang\n    reconstructed: true\n", 1),
        encoding="utf-8",
    )
    data = udcntt.Dataset.from_records(SMALL_2017, year=2017)
    plain = dict(methodology(udcntt.evaluate(udcntt.load_rules(SMALL_RULES), data)).lines("en"))
    assert "Reconstructed parts" not in plain
    lines = dict(methodology(udcntt.evaluate(udcntt.load_rules(marked), data)).lines("en"))
    assert lines["Reconstructed parts"] == "ha_tang"


# ---------------------------------------------------------------------------------------
# rounding: {totals: sum_of_rounded}


def _sum_of_rounded_rules(tmp_path: Path, policy: str = "reduce_max") -> Path:
    """The Lâm Đồng rule file, choosing ``totals: sum_of_rounded`` (and ``policy``)."""
    text = LAM_DONG_RULES.read_text(encoding="utf-8")
    text = text.replace("  mode: half_up\n", "  mode: half_up\n  totals: sum_of_rounded\n", 1)
    text = text.replace("not_applicable: reduce_max\n", f"not_applicable: {policy}\n", 1)
    path = tmp_path / "lam-dong-sum-of-rounded.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _group_sum_mismatches(markdown: str) -> list[str]:
    """Rows of the Markdown ranking tables whose total is not their group points added."""
    bad = []
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if not line.startswith("| ") or not cells[0].isdigit():
            continue
        numbers = [
            Decimal(c.replace(".", "").replace(",", ".").replace("\u2212", "-"))
            for c in cells[2:]
            if "," in c
        ]
        groups, total = numbers[:-3], numbers[-3]  # then last year's total and the change
        if sum(groups) != total:
            bad.append(line)
    return bad


def test_sum_of_rounded_totals_add_up_in_the_reports(tmp_path: Path) -> None:
    """With ``totals: sum_of_rounded`` every published total is its group points added up,
    in the tables, and the method says so instead of the rounding note."""
    rules = _sum_of_rounded_rules(tmp_path)
    md, js = tmp_path / "r.md", tmp_path / "r.json"
    args = ["score", str(rules), str(LAM_DONG_FILES["2017"]), "--year", "2017"]
    args += ["--previous", str(LAM_DONG_FILES["2016"]), "-o", str(md), "-o", str(js)]
    assert main(args) == 0
    text = md.read_text(encoding="utf-8")
    assert _group_sum_mismatches(text) == []
    assert "tổng điểm bằng tổng các điểm nhóm đã công bố" in text
    assert "đơn vị tổng điểm lệch" not in text
    # Sở TT&TT: 19,77 + 13,56 + 27,38 + 8,00 + 19,40 = 88,11 is now the total.
    totals = {r["agency_id"]: r["total"] for r in json.loads(js.read_text())["results"]}
    assert totals["so_thong_tin_truyen_thong"] == "88.11"


def test_default_keeps_the_published_totals_and_the_note(tmp_path: Path) -> None:
    """Without the key, the 2017 totals stay as published (88,10) and 10 rows differ."""
    md = tmp_path / "r.md"
    args = ["score", str(LAM_DONG_RULES), str(LAM_DONG_FILES["2017"]), "--year", "2017"]
    assert main([*args, "--previous", str(LAM_DONG_FILES["2016"]), "-o", str(md)]) == 0
    text = md.read_text(encoding="utf-8")
    assert len(_group_sum_mismatches(text)) == 10
    assert (
        "| 2 | Sở Thông tin và Truyền thông | 19,77 | 13,56 | 27,38 | 8,00 | 19,40 | 88,10 |"
        in text
    )


def test_both_paths_add_the_rounded_points(tmp_path: Path) -> None:
    """The generated code and the reference interpreter agree under sum_of_rounded."""
    rules = udcntt.load_rules(_sum_of_rounded_rules(tmp_path))
    data = udcntt.read_survey(LAM_DONG_FILES["2017"], rules, year=2017)
    fast = udcntt.evaluate(rules, data)
    reference = udcntt.evaluate(rules, data, reference=True)
    assert fast.paths == {"fast": 43}
    assert [r.total for r in fast.results] == [r.total for r in reference.results]
    assert totals_check(fast).adds_up and totals_check(reference).adds_up


def test_sum_of_rounded_refuses_rescale(tmp_path: Path) -> None:
    from udcntt.errors import RuleFileError

    with pytest.raises(RuleFileError) as info:
        udcntt.load_rules(_sum_of_rounded_rules(tmp_path, policy="rescale"))
    assert "not_applicable: rescale" in str(info.value.diagnostics[0].message)
    bogus = tmp_path / "bogus.yaml"
    bogus.write_text(
        LAM_DONG_RULES.read_text(encoding="utf-8").replace(
            "  mode: half_up\n", "  mode: half_up\n  totals: sometimes\n", 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError):
        udcntt.load_rules(bogus)


def test_rule_sets_that_do_not_choose_keep_their_fingerprint(tmp_path: Path) -> None:
    """``totals: rounded_sum`` written out or left out: the same rule set, the same
    fingerprint (and the dump of the default says nothing of it)."""
    from udcntt.model import Rounding

    assert "totals" not in Rounding().model_dump(mode="json")
    explicit = tmp_path / "explicit.yaml"
    explicit.write_text(
        LAM_DONG_RULES.read_text(encoding="utf-8").replace(
            "  mode: half_up\n", "  mode: half_up\n  totals: rounded_sum\n", 1
        ),
        encoding="utf-8",
    )
    data = udcntt.read_survey(LAM_DONG_FILES["2017"], udcntt.load_rules(LAM_DONG_RULES))
    one = udcntt.evaluate(udcntt.load_rules(LAM_DONG_RULES), data)
    two = udcntt.evaluate(udcntt.load_rules(explicit), data)
    assert one.receipt.rules_fingerprint == two.receipt.rules_fingerprint


def test_property_toolkit_checks_that_totals_add_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """check_totals holds for the engine, and catches an engine that adds unrounded points
    under ``sum_of_rounded`` (E-PROP-TOTALS); rule sets keeping the default are skipped."""
    pytest.importorskip("hypothesis")
    from udcntt.testing import _invariants, check_totals, run_properties

    chosen = udcntt.load_rules(_sum_of_rounded_rules(tmp_path))
    default = udcntt.load_rules(LAM_DONG_RULES)
    data = udcntt.read_survey(LAM_DONG_FILES["2017"], chosen, year=2017)
    assert check_totals(chosen, data) == []
    assert check_totals(default, data) == []  # nothing declared, nothing to check

    # An engine that ignores the declaration: it scores as if the totals were rounded sums.
    monkeypatch.setattr(_invariants, "_score", lambda compiled, d: udcntt.evaluate(default, d))
    (violation,) = check_totals(chosen, data)
    assert violation.code == "E-PROP-TOTALS"
    assert "published group points add up to" in violation.message
    monkeypatch.undo()

    outcome = run_properties(chosen, seed=1, max_examples=10, invariants=["totals"])
    assert [(r.name, r.status) for r in outcome.reports] == [("totals", "passed")]
    skipped = run_properties(default, seed=1, max_examples=10, invariants=["totals"])
    assert [(r.name, r.status) for r in skipped.reports] == [("totals", "skipped")]


def test_robustness_analysis_refuses_sum_of_rounded_plainly(tmp_path: Path) -> None:
    """The analysis adds unrounded points in its draws: it says so up front instead of
    failing its nominal check (E-ANALYSIS-NOMINAL, 'please report it')."""
    pytest.importorskip("numpy")
    from udcntt.analysis import analyse
    from udcntt.errors import UsageError

    rules = udcntt.load_rules(_sum_of_rounded_rules(tmp_path))
    data = udcntt.read_survey(LAM_DONG_FILES["2017"], rules, year=2017)
    with pytest.raises(UsageError) as info:
        analyse(rules, data)
    assert info.value.diagnostics[0].code == "E-USAGE"
    assert "sum_of_rounded" in str(info.value.diagnostics[0].message)
