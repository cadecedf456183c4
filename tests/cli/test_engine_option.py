"""``--engine auto|decimal|vector`` on the commands that score a survey.

The engine changes how the scores are computed, never what is published: the same survey
scored with ``decimal`` and with ``vector`` gives the same report bytes. ``vector`` without
NumPy stops at once (exit 2, before the survey is read), and an unknown engine is a usage
error. The engine asked for is recorded in the results' receipt.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from udcntt.cli import EXIT_OK, EXIT_USAGE, main
from udcntt.evaluation import evaluate

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE = ROOT / "examples" / "lam-dong"
RULES = str(ROOT / "rules" / "lam-dong-2017.yaml")
SURVEY = str(EXAMPLE / "survey-2017.csv")
REGISTRY = str(EXAMPLE / "agencies.yaml")
PREVIOUS = str(EXAMPLE / "survey-2016.csv")
DTI_RULES = str(ROOT / "rules" / "dti-922-province.yaml")
DTI_SURVEY = str(ROOT / "examples" / "dti-2022" / "provinces.csv")

needs_numpy = pytest.mark.skipif(
    importlib.util.find_spec("numpy") is None, reason="the vector engine needs NumPy (udcntt[fast])"
)


def _score(
    tmp_path: Path, engine: str, args: list[str], suffix: str
) -> tuple[bytes, dict[str, Any]]:
    out = tmp_path / f"{engine}{suffix}"
    results = tmp_path / f"{engine}.json"
    code = main(["--lang", "en", "score", *args, "--engine", engine, "-o", str(out),
                 "-o", str(results)])  # fmt: skip
    assert code == EXIT_OK
    return out.read_bytes(), json.loads(results.read_text(encoding="utf-8"))


@needs_numpy
@pytest.mark.parametrize(
    ("args", "suffix"),
    [
        (
            [RULES, SURVEY, "--registry", REGISTRY, "--previous", PREVIOUS, "--year", "2017"],
            ".csv",
        ),
        ([RULES, SURVEY, "--registry", REGISTRY, "--year", "2017"], ".md"),
        ([DTI_RULES, DTI_SURVEY, "--year", "2022"], ".csv"),
    ],
    ids=["lam-dong-2017-previous", "lam-dong-2017-md", "dti-2022"],
)
def test_decimal_and_vector_publish_the_same_bytes(
    tmp_path: Path, args: list[str], suffix: str
) -> None:
    decimal, decimal_json = _score(tmp_path, "decimal", args, suffix)
    vector, vector_json = _score(tmp_path, "vector", args, suffix)
    assert decimal == vector
    assert decimal_json["receipt"]["options"]["engine"] == "decimal"
    assert vector_json["receipt"]["options"]["engine"] == "vector"
    # Apart from the engine recorded, the results are the same, agency by agency.
    for results in (decimal_json, vector_json):
        results["receipt"]["options"].pop("engine")
    assert decimal_json["results"] == vector_json["results"]
    assert decimal_json["receipt"] == vector_json["receipt"]


@needs_numpy
def test_the_engine_is_passed_to_evaluate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every evaluation of a ``score`` run (this year's and last year's survey) and of an
    ``explain`` run gets the engine asked for; ``auto`` when none is."""
    import udcntt.cli._commands as commands
    import udcntt.cli._survey_args as survey_args

    seen: list[str] = []
    original = evaluate

    def spying(*args: object, engine: str = "auto", **kwargs: object) -> object:
        seen.append(engine)
        return original(*args, engine=engine, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(commands, "evaluate", spying)  # this year's survey
    monkeypatch.setattr(survey_args, "evaluate", spying)  # last year's
    base = [RULES, SURVEY, "--registry", REGISTRY, "--previous", PREVIOUS, "--year", "2017"]
    assert main(["score", *base, "--engine", "vector"]) == EXIT_OK
    assert seen == ["vector", "vector"]
    seen.clear()
    assert main(["score", *base]) == EXIT_OK
    assert seen == ["auto", "auto"]
    seen.clear()
    explain = ["explain", RULES, SURVEY, "--registry", REGISTRY, "--agency", "so_tai_chinh"]
    assert main([*explain, "--engine", "decimal"]) == EXIT_OK
    assert seen == ["decimal"]


@needs_numpy
def test_explain_is_the_same_on_both_engines(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--format", "json", "explain", RULES, SURVEY, "--registry", REGISTRY,
            "--agency", "so_tai_chinh"]  # fmt: skip
    shown = {}
    for engine in ("decimal", "vector"):
        capsys.readouterr()
        assert main([*args, "--engine", engine]) == EXIT_OK
        shown[engine] = capsys.readouterr().out
    assert shown["decimal"] == shown["vector"]
    assert json.loads(shown["vector"])  # a trace, not an empty answer


def test_default_engine_is_auto_and_recorded(tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    assert main(["score", RULES, SURVEY, "--registry", REGISTRY, "-o", str(out)]) == EXIT_OK
    assert json.loads(out.read_text(encoding="utf-8"))["receipt"]["options"]["engine"] == "auto"


def test_unknown_engine_is_a_usage_error(
    reads: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--lang", "en", "score", RULES, SURVEY, "--engine", "float"])
    assert code == EXIT_USAGE
    err = capsys.readouterr().err
    assert "--engine" in err and "invalid choice: 'float'" in err
    assert main(["explain", RULES, SURVEY, "--agency", "x", "--engine", ""]) == EXIT_USAGE
    assert reads == []


def test_vector_without_numpy_stops_before_reading(
    tmp_path: Path,
    reads: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "numpy", None)  # as if NumPy were not installed
    out = tmp_path / "x.csv"
    code = main(["--lang", "en", "score", RULES, SURVEY, "--engine", "vector", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert "E-USAGE" in err and "engine 'vector' needs the optional package numpy" in err
    assert "pip install 'udcntt[fast]'" in err
    assert reads == [] and not out.exists()
    code = main(["--lang", "en", "explain", RULES, SURVEY, "--agency", "so_tai_chinh",
                 "--engine", "vector"])  # fmt: skip
    assert code == EXIT_USAGE and reads == []
    # In Vietnamese by default, as every diagnostic.
    assert main(["score", RULES, SURVEY, "--engine", "vector"]) == EXIT_USAGE
    assert "numpy" in capsys.readouterr().err
    # auto and decimal need no NumPy: the survey is scored on the exact path.
    assert main(["score", RULES, SURVEY, "--engine", "auto", "-o", str(out)]) == EXIT_OK
    assert main(["score", RULES, SURVEY, "--engine", "decimal"]) == EXIT_OK
    assert reads == [SURVEY, SURVEY]


def test_help_documents_the_engine(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("score", "explain"):
        assert main([command, "--help"]) == EXIT_OK
        out = " ".join(capsys.readouterr().out.split())
        assert "--engine {auto,decimal,vector}" in out
        assert "udcntt[fast]" in out and "2,000 agencies" in out


def test_cli_reference_documents_the_engine() -> None:
    text = (ROOT / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    assert text.count("`--engine` `{auto,decimal,vector}`") == 2  # score and explain
