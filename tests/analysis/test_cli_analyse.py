"""``udcntt analyse``: all three formats on the shipped example, exit codes, located errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.analysis.conftest import ANALYSIS_2018, RULES_2018, SURVEY_2018

from udcntt.cli import main


def test_writes_all_three_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The example without an analysis file: JSON, XLSX and HTML, exit 0."""
    outs = [tmp_path / f"do-vung.{ext}" for ext in ("json", "xlsx", "html")]
    argv = ["analyse", str(RULES_2018), str(SURVEY_2018), "--draws", "20"]
    for out in outs:
        argv += ["-o", str(out)]
    assert main(argv) == 0
    data = json.loads(outs[0].read_text(encoding="utf-8"))
    assert data["schema"] == "udcntt-analysis/1"
    assert [b["id"] for b in data["blocks"]] == ["so_ban_nganh", "ubnd_huyen"]
    assert sum(len(b["agencies"]) for b in data["blocks"]) == 44
    from openpyxl import load_workbook

    book = load_workbook(outs[1])
    assert book.sheetnames == ["Khoảng hạng", "Sobol", "Từng yếu tố", "Nhất quán", "Nhận định"]
    assert book["Khoảng hạng"].max_row == 45
    html = outs[2].read_text(encoding="utf-8")
    assert html.count('role="img"') == 4  # two interval charts, two heatmaps
    said = capsys.readouterr()
    assert all(f"đã ghi {out}" in said.out + said.err for out in outs)


def test_with_the_shipped_analysis_file(tmp_path: Path) -> None:
    """Declared uncertainty: Sobol rows and the narrative in English with --lang en."""
    out = tmp_path / "a.json"
    code = main(
        [
            "--lang",
            "en",
            "analyse",
            str(RULES_2018),
            str(SURVEY_2018),
            "--analysis",
            str(ANALYSIS_2018),
            "--draws",
            "100",
            "--seed",
            "3",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["sobol"]) == 11
    assert data["receipt"]["seed"] == 3 and data["receipt"]["analysis_file"] == "analysis.yaml"
    assert any("cannot be told apart" in s for s in data["narrative"]["en"])
    assert any("không phân biệt được" in s for s in data["narrative"]["vi"])


def test_prints_findings_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    """Without -o: sentences and one line per agency; --format json prints the JSON."""
    assert (
        main(
            [
                "--lang",
                "en",
                "analyse",
                str(RULES_2018),
                str(SURVEY_2018),
                "--draws",
                "10",
                "--no-sensitivity",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "every rank is stable" in text
    assert (
        main(["analyse", str(RULES_2018), str(SURVEY_2018), "--draws", "10", "--format", "json"])
        == 0
    )
    assert json.loads(capsys.readouterr().out)["receipt"]["draws"] == 10


def test_bad_analysis_file_exits_1_with_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A budget broken in the analysis file: exit 1, file:line:col and the code, no output."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "udcntt_analysis: 1\nuncertainty:\n  points:\n    - group: nguon_nhan_luc\n      alternatives:\n"
        "        - {can_bo_chuyen_trach: 20}\n",
        encoding="utf-8",
    )
    out = tmp_path / "x.json"
    code = main(
        [
            "--lang",
            "en",
            "analyse",
            str(RULES_2018),
            str(SURVEY_2018),
            "--analysis",
            str(bad),
            "-o",
            str(out),
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert f"{bad}:4:7: error[E-ANALYSIS-BUDGET]" in err
    assert not out.exists()


def test_extends_must_be_the_rule_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An analysis file that extends another rule file is refused (E-ANALYSIS-EXTENDS)."""
    other = tmp_path / "a.yaml"
    other.write_text(
        f"udcntt_analysis: 1\nextends: {RULES_2018.parent / 'lam-dong-2017.yaml'}\n",
        encoding="utf-8",
    )
    assert (
        main(
            ["--lang", "en", "analyse", str(RULES_2018), str(SURVEY_2018), "--analysis", str(other)]
        )
        == 1
    )
    assert "E-ANALYSIS-EXTENDS" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["-o", "x.docx"], 2),
        (["--draws", "0"], 2),
        (["--draws", "many"], 2),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, argv: list[str], code: int) -> None:
    """Unknown output formats and impossible draws are usage errors."""
    argv = [a if not a.startswith("x.") else str(tmp_path / a) for a in argv]
    assert main(["analyse", str(RULES_2018), str(SURVEY_2018), *argv]) == code


def test_previous_gives_sign_probabilities(tmp_path: Path) -> None:
    """--previous (last year's survey) fills rank_change and same_sign in the JSON."""
    examples = RULES_2018.parents[1] / "examples" / "lam-dong"
    out = tmp_path / "p.json"
    code = main(
        [
            "analyse",
            str(RULES_2018.parent / "lam-dong-2017.yaml"),
            str(examples / "survey-2017.csv"),
            "--registry",
            str(examples / "agencies.yaml"),
            "--previous",
            str(examples / "survey-2016.csv"),
            "--draws",
            "20",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    rows = [a for b in json.loads(out.read_text(encoding="utf-8"))["blocks"] for a in b["agencies"]]
    moved = [a for a in rows if a["rank_change"]]
    assert moved and all(a["same_sign"] == 1.0 for a in moved)
