"""The command line as a user runs it: exit codes, diagnostics, outputs, help."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from udcntt.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, build_parser, main

ROOT = Path(__file__).resolve().parent.parent.parent
SMALL = ROOT / "tests" / "fixtures" / "valid" / "small.yaml"
INVALID = ROOT / "tests" / "fixtures" / "invalid"
RULES = ROOT / "rules" / "lam-dong-2017.yaml"
EXAMPLE = ROOT / "examples" / "lam-dong"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The command line in-process, with its own streams, from the repository root."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(ROOT):
        code = main(list(args), stdout=out, stderr=err)
    return subprocess.CompletedProcess(["udcntt", *args], code, out.getvalue(), err.getvalue())


def test_python_m_udcntt_is_the_same_program() -> None:
    """The installed entry point: a real process, its exit code and its two streams."""
    ok = subprocess.run(
        [sys.executable, "-m", "udcntt", "--lang", "en", "check", str(SMALL)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert ok.returncode == EXIT_OK and "2 embedded tests passed" in ok.stderr
    usage = subprocess.run(
        [sys.executable, "-m", "udcntt", "score"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert usage.returncode == EXIT_USAGE and "usage:" in usage.stderr and usage.stdout == ""


def test_main_writes_to_the_streams_it_is_given(capsys: pytest.CaptureFixture[str]) -> None:
    """``main(argv, stdout, stderr)``: nothing reaches the process's own streams."""
    out, err = io.StringIO(), io.StringIO()
    code = main(["--lang", "en", "check", str(SMALL), "--format", "json"], stdout=out, stderr=err)
    assert code == EXIT_OK
    assert json.loads(out.getvalue())["ok"] is True
    assert main(["--help"], stdout=out, stderr=err) == 0 and "usage: udcntt" in out.getvalue()
    assert (
        main(["bogus"], stdout=out, stderr=err) == EXIT_USAGE and "invalid choice" in err.getvalue()
    )
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_check_passes_on_a_valid_file(capsys: pytest.CaptureFixture[str]) -> None:
    """`udcntt check` exits 0 and says how many embedded tests passed."""
    assert main(["--lang", "en", "check", str(SMALL)]) == EXIT_OK
    assert "2 embedded tests passed" in capsys.readouterr().err


def test_check_fails_with_located_diagnostics(capsys: pytest.CaptureFixture[str]) -> None:
    """Diagnostics are printed as file:line:col: error[code] message, with a hint."""
    bad = INVALID / "01-unknown-name.yaml"
    assert main(["--no-color", "--lang", "en", "check", str(bad)]) == EXIT_PROBLEMS
    err = capsys.readouterr().err
    assert "01-unknown-name.yaml:21:58: error[E-EXPR-NAME] unknown name 'pc_ratoi'" in err
    assert "hint: did you mean 'pc_ratio'?" in err
    assert main(["--no-color", "check", str(bad)]) == EXIT_PROBLEMS
    assert "gợi ý: có phải ý bạn là 'pc_ratio'?" in capsys.readouterr().err
    assert "Traceback" not in err


def test_check_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    """`--format json` prints machine-readable diagnostics."""
    bad = INVALID / "18-budget-mismatch.yaml"
    assert main(["--format", "json", "check", str(bad), str(SMALL)]) == EXIT_PROBLEMS
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False
    assert [f["ok"] for f in out["files"]] == [False, True]
    assert out["files"][0]["diagnostics"][0]["code"] == "E-BUDGET"


def test_python_m_udcntt_check_runs_every_shipped_rule_file() -> None:
    """`python -m udcntt check rules/*.yaml` passes on every shipped rule file."""
    files = sorted(str(p) for p in (ROOT / "rules").glob("*.yaml"))
    assert files
    proc = run("check", *files)
    assert proc.returncode == 0, proc.stderr


def test_usage_errors_exit_2() -> None:
    """Wrong command lines exit 2 with argparse's message, not a traceback."""
    proc = run("score")
    assert proc.returncode == EXIT_USAGE
    assert "usage:" in proc.stderr


@pytest.mark.parametrize(
    "command", ["check", "score", "explain", "template", "report", "schema", "demo"]
)
def test_every_subcommand_has_help_with_an_example(command: str) -> None:
    """`udcntt COMMAND --help` describes the command and shows an example."""
    proc = run(command, "--help")
    assert proc.returncode == 0
    assert "example:" in proc.stdout


def test_score_writes_csv_and_json(tmp_path: Path) -> None:
    """`udcntt score --traces` writes the CSV table and the JSON assessment with traces and
    receipt."""
    out_csv, out_json = tmp_path / "kq.csv", tmp_path / "kq.json"
    proc = run(
        "score",
        "--traces",
        str(RULES),
        str(EXAMPLE / "survey-2017.csv"),
        "--registry",
        str(EXAMPLE / "agencies.yaml"),
        "--previous",
        str(EXAMPLE / "survey-2016.csv"),
        "-o",
        str(out_csv),
        "-o",
        str(out_json),
    )
    assert proc.returncode == 0, proc.stderr
    # The CSV starts with a byte-order mark (Excel style, the default): utf-8-sig reads it.
    assert out_csv.read_bytes().startswith(b"\xef\xbb\xbf")
    with out_csv.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 43
    assert {"agency_id", "name", "block", "total", "tier", "rank", "rank_change"} <= set(rows[0])
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["schema"] == "udcntt-assessment"
    assert data["receipt"]["rule_files"][0]["sha256"]
    assert "trace" in data["results"][0]


def test_score_is_byte_identical_across_runs(tmp_path: Path) -> None:
    """The same inputs give byte-identical JSON output."""
    outputs = []
    for name in ("a.json", "b.json"):
        out = tmp_path / name
        proc = run(
            "score",
            str(RULES),
            str(EXAMPLE / "survey-2017.csv"),
            "--registry",
            str(EXAMPLE / "agencies.yaml"),
            "-o",
            str(out),
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_previous_results_json_gives_the_same_rank_changes(tmp_path: Path) -> None:
    """`--previous` accepts last year's results JSON as well as last year's survey."""
    prev = tmp_path / "2016.json"
    assert (
        run(
            "score",
            str(RULES),
            str(EXAMPLE / "survey-2016.csv"),
            "--registry",
            str(EXAMPLE / "agencies.yaml"),
            "-o",
            str(prev),
        ).returncode
        == 0
    )
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    common = [
        str(RULES),
        str(EXAMPLE / "survey-2017.csv"),
        "--registry",
        str(EXAMPLE / "agencies.yaml"),
    ]
    assert run("score", *common, "--previous", str(prev), "-o", str(a)).returncode == 0
    assert (
        run(
            "score", *common, "--previous", str(EXAMPLE / "survey-2016.csv"), "-o", str(b)
        ).returncode
        == 0
    )
    assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8")


def test_explain_prints_the_trace_with_vietnamese_labels() -> None:
    """`udcntt explain --agency` shows inputs, rules, points and the gap to the next tier."""
    proc = run(
        "explain",
        str(RULES),
        str(EXAMPLE / "survey-2017.csv"),
        "--registry",
        str(EXAMPLE / "agencies.yaml"),
        "--agency",
        "so_cong_thuong",
    )
    assert proc.returncode == 0, proc.stderr
    assert "Sở Công Thương" in proc.stdout
    assert "Tổng điểm" in proc.stdout
    assert "Cần thêm để lên mức xếp loại trên" in proc.stdout


def test_explain_json_has_a_versioned_trace() -> None:
    """The trace JSON carries its version, criteria and lost points."""
    proc = run(
        "--format",
        "json",
        "explain",
        str(RULES),
        str(EXAMPLE / "survey-2017.csv"),
        "--registry",
        str(EXAMPLE / "agencies.yaml"),
        "--agency",
        "so_tai_chinh",
    )
    assert proc.returncode == 0, proc.stderr
    trace = json.loads(proc.stdout)
    assert trace["trace_version"] == "1"
    assert trace["criteria"]
    assert trace["tier"] == "tot"


def test_explain_unknown_agency_suggests() -> None:
    """An unknown agency id is a usage error with a suggestion."""
    proc = run(
        "--lang",
        "en",
        "explain",
        str(RULES),
        str(EXAMPLE / "survey-2017.csv"),
        "--registry",
        str(EXAMPLE / "agencies.yaml"),
        "--agency",
        "so_tai_chin",
    )
    assert proc.returncode == EXIT_USAGE
    assert "so_tai_chinh" in proc.stderr


def test_schema_is_valid_json_schema(tmp_path: Path) -> None:
    """`udcntt schema` writes the rule-file JSON Schema for editors."""
    out = tmp_path / "schema.json"
    assert main(["schema", "-o", str(out)]) == EXIT_OK
    schema = json.loads(out.read_text(encoding="utf-8"))
    assert schema["title"] == "udcntt rule file"
    assert "criteria" in schema["properties"]


def test_evaluation_error_exits_1_with_agency_and_criterion(tmp_path: Path) -> None:
    """Bad survey data stops scoring with a located error naming the agency, never a wrong total."""
    survey = tmp_path / "survey.csv"
    text = (EXAMPLE / "survey-2017.csv").read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    row = text[1].split(",")
    row[header.index("staff_with_pc")] = str(int(row[header.index("staff_total")]) + 5)
    survey.write_text("\n".join([text[0], ",".join(row), *text[2:]]) + "\n", encoding="utf-8")
    out = tmp_path / "kq.csv"
    proc = run(
        "--lang",
        "en",
        "score",
        str(RULES),
        str(survey),
        "--registry",
        str(EXAMPLE / "agencies.yaml"),
        "-o",
        str(out),
    )
    assert proc.returncode == EXIT_PROBLEMS
    assert "so_tai_chinh" in proc.stderr
    assert not out.exists()


def test_parser_lists_all_subcommands() -> None:
    """The CLI has the documented subcommands."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == {
        "check",
        "score",
        "explain",
        "template",
        "report",
        "schema",
        "demo",
        "lineage",
        "analyse",
        "serve",
        "db",
    }  # type: ignore[attr-defined]


def test_lenient_scores_the_valid_agencies_and_lists_the_rest(tmp_path: Path) -> None:
    """With --lenient an agency that cannot be scored is left out and reported; the rest publish."""
    survey = tmp_path / "survey.csv"
    text = (EXAMPLE / "survey-2017.csv").read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    row = text[1].split(",")
    row[header.index("staff_total")] = "không rõ"
    survey.write_text("\n".join([text[0], ",".join(row), *text[2:]]) + "\n", encoding="utf-8")
    out = tmp_path / "kq.csv"
    proc = run(
        "--lang",
        "en",
        "score",
        "--lenient",
        str(RULES),
        str(survey),
        "--registry",
        str(EXAMPLE / "agencies.yaml"),
        "-o",
        str(out),
    )
    assert proc.returncode == EXIT_PROBLEMS
    assert "so_tai_chinh" in proc.stderr
    with out.open(encoding="utf-8-sig") as f:  # the default CSV style has a BOM
        rows = list(csv.DictReader(f))
    assert len(rows) == 42
    assert "so_tai_chinh" not in {r["agency_id"] for r in rows}


def test_broken_pipe_is_quiet() -> None:
    """`udcntt score … | head` ends without an internal error."""
    proc = subprocess.run(
        f"{sys.executable} -m udcntt score {RULES} {EXAMPLE / 'survey-2017.csv'} --registry {EXAMPLE / 'agencies.yaml'} | head -n 2",
        shell=True,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert "internal error" not in proc.stderr
    assert "lỗi nội bộ" not in proc.stderr
