"""Outputs are safe: never an input, folders checked first, nothing empty written, a summary."""

from __future__ import annotations

import csv
import json
import os
import shlex
from pathlib import Path

import pytest

from udcntt.cli import EXIT_NOTHING_SCORED, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, build_parser, main
from udcntt.cli._main import _EPILOG

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules" / "lam-dong-2017.yaml"
EXAMPLE = ROOT / "examples" / "lam-dong"
REGISTRY = EXAMPLE / "agencies.yaml"
SURVEY = EXAMPLE / "survey-2017.csv"


def _copy(src: Path, dst: Path) -> Path:
    dst.write_bytes(src.read_bytes())
    return dst


def _bad_row_survey(tmp_path: Path) -> Path:
    lines = SURVEY.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("staff_total")] = "không rõ"
    path = tmp_path / "survey.csv"
    path.write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n", encoding="utf-8")
    return path


# -- an output that names an input ---------------------------------------------------------


@pytest.mark.parametrize("which", ["data", "rules", "registry", "previous"])
def test_output_naming_an_input_is_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], which: str
) -> None:
    """`-o survey.csv` (or the rules, registry, previous file) exits 2 and changes nothing."""
    files = {
        "data": _copy(SURVEY, tmp_path / "survey.csv"),
        "rules": _copy(RULES, tmp_path / "rules.yaml"),
        "registry": _copy(REGISTRY, tmp_path / "agencies.yaml"),
        "previous": _copy(EXAMPLE / "survey-2016.csv", tmp_path / "survey-2016.csv"),
    }
    before = {k: p.read_bytes() for k, p in files.items()}
    # Named another way (relative, through '..'): still the same file.
    os.chdir(tmp_path)
    target = f"../{tmp_path.name}/{files[which].name}"
    argv = ["--lang", "en", "score", "rules.yaml", "survey.csv", "--registry", "agencies.yaml"]
    argv += ["--previous", "survey-2016.csv", "-o", "ket-qua.json", "-o", target]
    assert main(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "error[E-USAGE]" in err and "would be overwritten" in err
    assert {k: p.read_bytes() for k, p in files.items()} == before
    assert not (tmp_path / "ket-qua.json").exists()


def test_output_that_is_a_hard_link_to_the_input_is_refused(tmp_path: Path) -> None:
    """Two names of one file (a hard link) are compared by inode."""
    survey = _copy(SURVEY, tmp_path / "survey.csv")
    link = tmp_path / "ket-qua.csv"
    os.link(survey, link)
    assert (
        main(["score", str(RULES), str(survey), "--registry", str(REGISTRY), "-o", str(link)])
        == EXIT_USAGE
    )
    assert survey.read_bytes() == SURVEY.read_bytes()


def test_report_output_naming_its_results_file_is_refused(tmp_path: Path) -> None:
    """`udcntt report x.json -o x.json` is refused; template and schema check the same way."""
    results = tmp_path / "ket-qua.json"
    assert (
        main(["score", str(RULES), str(SURVEY), "--registry", str(REGISTRY), "-o", str(results)])
        == EXIT_OK
    )
    before = results.read_bytes()
    assert main(["report", str(results), "-o", str(results)]) == EXIT_USAGE
    assert results.read_bytes() == before
    rules = _copy(RULES, tmp_path / "rules.yaml")
    assert main(["template", str(rules), "-o", str(rules)]) == EXIT_USAGE
    assert rules.read_bytes() == RULES.read_bytes()


def test_the_same_output_twice_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    argv = [
        "score",
        str(RULES),
        str(SURVEY),
        "--registry",
        str(REGISTRY),
        "-o",
        str(out),
        "-o",
        str(out),
    ]
    assert main(argv) == EXIT_USAGE


def test_missing_output_folder_is_reported_before_scoring(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing folder is E-IO before the rule file is even read (a broken one here)."""
    broken = tmp_path / "rules.yaml"
    broken.write_text("udcntt: 1\nid: [\n", encoding="utf-8")
    out = tmp_path / "missing" / "ket-qua.xlsx"
    assert main(["--lang", "en", "score", str(broken), str(SURVEY), "-o", str(out)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "error[E-IO]" in err and "does not exist" in err
    assert "E-YAML" not in err


def test_unknown_output_extension_is_reported_before_scoring(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ket-qua.pdf"
    assert main(["--lang", "en", "score", str(RULES), str(SURVEY), "-o", str(out)]) == EXIT_USAGE
    assert "scored" not in capsys.readouterr().err


def test_schema_and_template_are_written_atomically(tmp_path: Path) -> None:
    """`schema -o` and `template -o` replace an existing file whole and leave no temp file."""
    schema = tmp_path / "schema.json"
    schema.write_text("old", encoding="utf-8")
    assert main(["schema", "--assessment", "-o", str(schema)]) == EXIT_OK
    assert json.loads(schema.read_text(encoding="utf-8"))["title"] == "udcntt assessment"
    template = tmp_path / "phieu.xlsx"
    assert main(["template", str(RULES), "-o", str(template)]) == EXIT_OK
    assert template.read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["phieu.xlsx", "schema.json"]


def test_demo_into_a_file_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    target.write_text("x", encoding="utf-8")
    assert main(["demo", "-o", str(target)]) == EXIT_USAGE


# -- nothing scored ------------------------------------------------------------------------


def test_header_only_csv_is_nothing_scored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CSV with only its header exits 4 with a clear message and writes no report."""
    survey = tmp_path / "survey.csv"
    survey.write_text(SURVEY.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    out = tmp_path / "ket-qua.xlsx"
    assert (
        main(["--lang", "en", "score", str(RULES), str(survey), "-o", str(out)])
        == EXIT_NOTHING_SCORED
    )
    err = capsys.readouterr().err
    assert "error[E-NOTHING-SCORED]" in err and "no agency row was read" in err
    assert not out.exists()


def test_xlsx_without_its_header_is_nothing_scored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A workbook whose header row is not found exits 4 after its warning; no empty reports."""
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Báo cáo tổng hợp"])
    ws.append(["Đơn vị", "Số máy", "Ghi chú"])
    ws.append(["Sở Tài chính", "3", ""])
    survey = tmp_path / "survey.xlsx"
    wb.save(survey)
    out = tmp_path / "ket-qua.csv"
    rc = main(["score", str(RULES), str(survey), "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == EXIT_NOTHING_SCORED, err
    assert "warning[W-DATA-SUSPICIOUS]" in err and "không có gì để chấm điểm" in err
    assert not out.exists()


def test_every_agency_rejected_is_nothing_scored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --lenient, a survey whose every row is rejected exits 4 too."""
    lines = SURVEY.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    rows = []
    for line in lines[1:]:
        row = line.split(",")
        row[header.index("staff_total")] = "không rõ"
        rows.append(",".join(row))
    survey = tmp_path / "survey.csv"
    survey.write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    out = tmp_path / "ket-qua.csv"
    rc = main(["--lang", "en", "score", "--lenient", str(RULES), str(survey), "-o", str(out)])
    assert rc == EXIT_NOTHING_SCORED, capsys.readouterr().err
    assert not out.exists()


# -- the summary and the validation report -------------------------------------------------


def test_summary_of_rows_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After scoring: rows read, agencies scored, rows rejected (skipped with --lenient)."""
    survey = _bad_row_survey(tmp_path)
    out = tmp_path / "a.csv"
    argv = [
        "score",
        "--lenient",
        str(RULES),
        str(survey),
        "--registry",
        str(REGISTRY),
        "-o",
        str(out),
    ]
    assert main(argv) == EXIT_PROBLEMS
    err = capsys.readouterr().err
    assert "số dòng đã đọc: 43, số đơn vị được chấm điểm: 42" in err
    assert "số đơn vị bỏ qua (--lenient): " in err
    assert main([*argv, "--lang", "en"]) == EXIT_PROBLEMS
    err = capsys.readouterr().err
    assert "rows read: 43, agencies scored: 42" in err


def test_report_from_json_shows_the_same_validation_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`udcntt report` prints the data diagnostics the direct run printed, in Vietnamese."""
    survey = _bad_row_survey(tmp_path)
    results = tmp_path / "ket-qua.json"
    argv = [
        "score",
        "--lenient",
        str(RULES),
        str(survey),
        "--registry",
        str(REGISTRY),
        "--year",  # without it the direct run also warns W-REPORT-YEAR
        "2017",
        "-o",
        str(results),
    ]
    assert main(argv) == EXIT_PROBLEMS
    direct = [
        line
        for line in capsys.readouterr().err.splitlines()
        if "[E-" in line or line.startswith("  ")
    ]
    assert direct and any("không" in line or "đơn vị" in line for line in direct)
    assert main(["report", str(results), "-o", str(tmp_path / "bao-cao.md")]) == EXIT_PROBLEMS
    again = [
        line
        for line in capsys.readouterr().err.splitlines()
        if "[E-" in line or line.startswith("  ")
    ]
    assert again == direct


# -- global options after the command, locales, layouts -------------------------------------


def _examples() -> list[list[str]]:
    out = []
    for text in _EPILOG.values():
        joined = text.replace("\\\n", " ")
        for line in joined.splitlines():
            words = shlex.split(line)
            if words and words[0] == "udcntt":
                out.append(words[1:])
    return out


@pytest.mark.parametrize("argv", _examples(), ids=lambda a: " ".join(a)[:40])
def test_every_help_example_parses(argv: list[str]) -> None:
    """The example of each `udcntt COMMAND --help` is a valid command line."""
    args = build_parser().parse_args(argv)
    assert args.command == argv[0] or argv[0].startswith("-")


def test_global_options_after_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`udcntt report x.json -o y.docx --lang en` works; the later value wins."""
    args = build_parser().parse_args(["--lang", "en", "report", "x.json", "-o", "y.docx"])
    assert (args.lang, args.format, args.no_color) == ("en", "text", False)
    args = build_parser().parse_args(
        ["report", "x.json", "-o", "y.docx", "--lang", "en", "--no-color"]
    )
    assert (args.lang, args.no_color) == ("en", True)
    args = build_parser().parse_args(
        ["--lang", "en", "check", "r.yaml", "--lang", "vi", "--format", "json"]
    )
    assert (args.lang, args.format) == ("vi", "json")
    bad = ROOT / "tests" / "fixtures" / "invalid" / "01-unknown-name.yaml"
    assert main(["check", str(bad), "--lang", "en", "--no-color"]) == EXIT_PROBLEMS
    assert "hint: did you mean 'pc_ratio'?" in capsys.readouterr().err


def test_json_diagnostics_follow_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    """`--format json` messages are Vietnamese by default, English with --lang en."""
    bad = ROOT / "tests" / "fixtures" / "invalid" / "01-unknown-name.yaml"
    assert main(["check", str(bad), "--format", "json"]) == EXIT_PROBLEMS
    vi = json.loads(capsys.readouterr().out)["files"][0]["diagnostics"][0]
    assert main(["check", str(bad), "--format", "json", "--lang", "en"]) == EXIT_PROBLEMS
    en = json.loads(capsys.readouterr().out)["files"][0]["diagnostics"][0]
    assert en["hint"] == "did you mean 'pc_ratio'?"
    assert vi["hint"] == "có phải ý bạn là 'pc_ratio'?"


def test_json_errors_of_score_follow_the_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing" / "a.json"
    assert (
        main(["score", str(RULES), str(SURVEY), "-o", str(out), "--format", "json"]) == EXIT_USAGE
    )
    message = json.loads(capsys.readouterr().out)["diagnostics"][0]["message"]
    assert "không tồn tại" in message


@pytest.mark.parametrize("locale", ["xx-YY", "vi_VN_bad", "../../etc", "x" * 5000])
def test_unknown_locale_is_refused_cleanly(locale: str, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown --locale is the user's mistake (exit 1 or 2), not an internal error."""
    rc = main(["score", str(RULES), str(SURVEY), "--registry", str(REGISTRY), "--locale", locale])
    err = capsys.readouterr().err
    assert rc in (EXIT_PROBLEMS, EXIT_USAGE), err
    assert "lỗi nội bộ" not in err and "Traceback" not in err


def test_previous_layout_reads_last_years_survey(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Last year's survey laid out differently is read with --previous-layout."""
    lines = (EXAMPLE / "survey-2016.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].replace("staff_total", "Cột số 4")
    previous = tmp_path / "survey-2016.csv"
    previous.write_text("\n".join([header, *lines[1:]]) + "\n", encoding="utf-8")
    layout = tmp_path / "layout-2016.yaml"
    layout.write_text('columns:\n  "Cột số 4": staff_total\n', encoding="utf-8")
    common = ["score", str(RULES), str(SURVEY), "--registry", str(REGISTRY)]
    assert main([*common, "--previous", str(previous)]) == EXIT_PROBLEMS
    capsys.readouterr()
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    argv = [*common, "--previous", str(previous), "--previous-layout", str(layout), "-o", str(a)]
    assert main(argv) == EXIT_OK, capsys.readouterr().err
    assert main([*common, "--previous", str(EXAMPLE / "survey-2016.csv"), "-o", str(b)]) == EXIT_OK
    assert a.read_bytes() == b.read_bytes()
    with a.open(encoding="utf-8") as f:
        assert any(row["rank_change"] not in ("", None) for row in csv.DictReader(f))


def test_output_naming_the_base_of_an_extending_rule_file_is_refused(tmp_path: Path) -> None:
    """A rule file's `extends` base is an input too: `-o base.yaml` is refused."""
    base = _copy(RULES, tmp_path / "base.yaml")
    child = tmp_path / "child.yaml"
    child.write_text("udcntt: 1\nid: con\ntitle: Con\nextends: base.yaml\n", encoding="utf-8")
    rc = main(["score", str(child), str(SURVEY), "--registry", str(REGISTRY), "-o", str(base)])
    assert rc == EXIT_USAGE
    assert base.read_bytes() == RULES.read_bytes()


@pytest.mark.parametrize("year", ["-5", "99999999999999999999", "17", "２０１７"])
def test_year_must_be_four_digits(year: str, tmp_path: Path) -> None:
    """A year the results file could not hold is refused on the command line (exit 2)."""
    out = tmp_path / "a.json"
    argv = [
        "score",
        str(RULES),
        str(SURVEY),
        "--registry",
        str(REGISTRY),
        "--year",
        year,
        "-o",
        str(out),
    ]
    assert main(argv) == EXIT_USAGE
    assert not out.exists()


def test_results_written_by_score_are_read_by_report(tmp_path: Path) -> None:
    """What `score -o x.json` writes, `report` reads: year, diagnostics and all."""
    out = tmp_path / "a.json"
    argv = [
        "score",
        str(RULES),
        str(SURVEY),
        "--registry",
        str(REGISTRY),
        "--year",
        "2017",
        "-o",
        str(out),
    ]
    assert main(argv) == EXIT_OK
    assert main(["report", str(out), "-o", str(tmp_path / "b.json")]) == EXIT_OK
    assert json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))["year"] == 2017
