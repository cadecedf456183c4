"""``--max-rows`` / ``--max-cells`` raise the survey limits; output paths are checked first.

A survey beyond a limit fails with the limit, the file's size and the option to raise it;
an output that cannot be written fails at once with a usage error (exit 2), before the
survey is read.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from udcntt.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, main

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE = ROOT / "examples" / "lam-dong"
RULES = str(ROOT / "rules" / "lam-dong-2017.yaml")
SURVEY = str(EXAMPLE / "survey-2017.csv")  # 44 rows: the header and 43 agencies


def _cells() -> int:
    import csv

    with open(SURVEY, encoding="utf-8", newline="") as f:
        return sum(1 for row in csv.reader(f) for v in row if v.strip())


def test_max_rows_is_checked_and_raisable(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--lang", "en", "score", RULES, SURVEY, "--max-rows", "20"])
    err = capsys.readouterr().err
    assert code == EXIT_PROBLEMS
    assert "E-DATA-LIMIT" in err and "44 rows" in err and "20 (max_rows)" in err
    assert "--max-rows N" in err
    assert main(["score", RULES, SURVEY, "--max-rows", "44"]) == EXIT_OK


def test_max_cells_is_checked_and_raisable(capsys: pytest.CaptureFixture[str]) -> None:
    cells = _cells()
    code = main(["--lang", "en", "explain", RULES, SURVEY, "--agency", "so_tai_chinh",
                 "--max-cells", "100"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == EXIT_PROBLEMS
    assert f"{cells:,} non-empty cells" in err and "--max-cells N" in err
    args = ["explain", RULES, SURVEY, "--agency", "so_tai_chinh", "--max-cells", str(cells)]
    assert main(args) == EXIT_OK


def test_limit_options_refuse_nonsense(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", RULES, SURVEY, "--max-rows", "0"]) == EXIT_USAGE
    assert main(["score", RULES, SURVEY, "--max-cells", "many"]) == EXIT_USAGE
    assert "--max-cells" in capsys.readouterr().err


def test_limit_options_state_their_cost(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "--help"]) == EXIT_OK
    out = " ".join(capsys.readouterr().out.split())
    assert "--max-rows N" in out and "--max-cells N" in out
    assert "of memory and" in out and "µs of CPU" in out


def test_missing_output_folder_fails_before_reading(
    tmp_path: Path, reads: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # The survey does not exist: reading it would fail with E-IO, exit 1.
    out = tmp_path / "no-such-folder" / "x.json"
    code = main(["--lang", "en", "score", RULES, str(tmp_path / "gone.csv"), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert "no-such-folder" in err and "does not exist" in err
    assert reads == []
    assert not out.parent.exists()


def test_output_that_is_the_input_fails_before_reading(
    tmp_path: Path, reads: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    survey = tmp_path / "survey.csv"
    survey.write_bytes(Path(SURVEY).read_bytes())
    code = main(["--lang", "en", "score", RULES, str(survey), "-o", str(survey)])
    assert code == EXIT_USAGE
    assert "is the input DATA" in capsys.readouterr().err
    assert reads == []
    assert survey.read_bytes() == Path(SURVEY).read_bytes()
    # The counter sees a read when there is one.
    assert main(["score", RULES, str(survey), "-o", str(tmp_path / "x.csv")]) == EXIT_OK
    assert reads == [str(survey)]


def test_unwritable_output_folder_fails_before_reading(
    tmp_path: Path,
    reads: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    # The operating system's answer for a folder without write permission (as root, a
    # chmod alone would not do).
    real = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode, **kw: False if Path(p) == folder else real(p, mode, **kw)
    )
    out = folder / "x.json"
    code = main(["--lang", "en", "score", RULES, str(tmp_path / "gone.csv"), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert "E-IO" in err and "is not writable" in err and str(out) in err
    assert reads == []
    assert list(folder.iterdir()) == []


def test_read_only_file_system_is_found_by_the_probe(
    reads: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """/proc accepts no new file, even from the administrator whom os.access trusts."""
    if not Path("/proc/self").is_dir():
        pytest.skip("needs Linux /proc")
    code = main(["--lang", "en", "score", RULES, "/nonexistent/survey.csv", "-o", "/proc/x.json"])
    assert code == EXIT_USAGE
    assert "is not writable" in capsys.readouterr().err
    assert reads == []
