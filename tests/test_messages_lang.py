"""Diagnostics speak Vietnamese by default in the CLI and English with ``--lang en``.

The catalogue itself is checked in ``test_messages.py`` (every template translated, same
fields); here every Vietnamese template is rendered, and one error of each area (rule file,
expression, survey data, evaluation) is shown through the command line in both languages.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from udcntt._messages import VI
from udcntt.cli import main
from udcntt.errors import Diagnostic, msg

RULES = """\
udcntt: 1
id: lang_demo
title: Ví dụ ngôn ngữ
blocks:
  so: {label: Khối sở}
indicators:
  a: {label: Số A, type: count, direction: higher}
  b: {label: Số B, type: count, direction: higher}
criteria:
  - {id: ty_le, label: Tỷ lệ, max: 10, points: "min(a / b, 1) * 10"}
tiers:
  levels:
    - {id: dat, label: Đạt, min: 5}
    - {id: chua_dat, label: Chưa đạt}
"""


def _fields(template: str) -> list[str]:
    return [f for _, f, _, _ in string.Formatter().parse(template) if f]


@pytest.mark.parametrize("template", sorted(VI))
def test_every_vietnamese_template_renders(template: str) -> None:
    """Each entry formats with its own fields (no KeyError, IndexError or stray brace)."""
    args = {name: f"<{name}>" for name in _fields(template)}
    english = msg(template, **args)
    vietnamese = english.render("vi")
    assert vietnamese == VI[template].format(**args)
    for value in args.values():
        assert value in vietnamese
    assert english.render("en") == template.format(**args)


def test_a_quoted_message_is_translated_with_its_sentence() -> None:
    """A phrase of udcntt's own passed as an argument is rendered in the same language."""
    inner = msg("a number")
    outer = msg(
        "the expression gives {got}, but {expected} is expected here",
        got=inner,
        expected=msg("a date"),
    )
    assert outer == "the expression gives a number, but a date is expected here"
    assert outer.render("vi") == "biểu thức cho ra một số, nhưng ở đây cần một ngày"
    d = Diagnostic(code="E-EXPR-TYPE", message=outer, hint=msg("write {signature}", signature="x"))
    assert d.to_dict("vi")["hint"] == "hãy viết x"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["--no-color", *args])
    captured = capsys.readouterr()
    return code, captured.err + captured.out


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "dup.yaml").write_text(
        RULES.replace("title:", "id: again\ntitle:"), encoding="utf-8"
    )
    (tmp_path / "name.yaml").write_text(RULES.replace("min(a / b", "min(a / bb"), encoding="utf-8")
    (tmp_path / "number.csv").write_text(
        'id,name,block,a,b\nso_a,Sở A,so,"2,5",4\n', encoding="utf-8"
    )
    (tmp_path / "zero.csv").write_text("id,name,block,a,b\nso_a,Sở A,so,3,0\n", encoding="utf-8")
    return tmp_path


CASES = [
    pytest.param(
        ("check", "dup.yaml"),
        "error[E-YAML-DUPKEY] khóa 'id' bị trùng (lần đầu ở dòng 2)",
        "error[E-YAML-DUPKEY] duplicate key 'id' (first at line 2)",
        id="rule-file",
    ),
    pytest.param(
        ("check", "name.yaml"),
        "error[E-EXPR-NAME] tên không xác định 'bb' (tiêu chí 'ty_le')",
        "error[E-EXPR-NAME] unknown name 'bb' (criterion 'ty_le')",
        id="expression",
    ),
    pytest.param(
        ("score", "rules.yaml", "number.csv"),
        "error[E-DATA-NUMBER] số lượng phải là số nguyên (đơn vị 'so_a', chỉ tiêu 'a', giá trị '2,5')",
        "error[E-DATA-NUMBER] a count must be a whole number (agency 'so_a', indicator 'a', value '2,5')",
        id="survey-data",
    ),
    pytest.param(
        ("score", "rules.yaml", "zero.csv"),
        "error[E-EVAL-DIVZERO] chia cho 0 (đơn vị 'so_a', tiêu chí 'ty_le')",
        "error[E-EVAL-DIVZERO] division by zero (agency 'so_a', criterion 'ty_le')",
        id="evaluation",
    ),
]


@pytest.mark.parametrize(("command", "vietnamese", "english"), CASES)
def test_cli_diagnostics_are_vietnamese_by_default_and_english_on_request(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    command: tuple[str, ...],
    vietnamese: str,
    english: str,
) -> None:
    """The same error, once as a Vietnamese user meets it and once with --lang en."""
    monkeypatch.chdir(folder)
    code, out = _run(capsys, *command)
    assert code == 1
    assert vietnamese in out
    assert english not in out
    code, out = _run(capsys, "--lang", "en", *command)
    assert code == 1
    assert english in out
    assert vietnamese not in out
