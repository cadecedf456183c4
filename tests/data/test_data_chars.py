"""Control, invisible, bidirectional and look-alike characters are refused when read."""

from __future__ import annotations

import csv
import io
import json
import sys
import unicodedata
from pathlib import Path

import pytest

from udcntt.cli import main
from udcntt.data import read_layout, read_registry, read_survey
from udcntt.data._chars import UNSAFE, char_name, lookalike, visible
from udcntt.errors import DataError
from udcntt.model import RuleSet

ROOT = Path(__file__).parents[2]
RULES = ROOT / "rules" / "lam-dong-2017.yaml"
SURVEY = (ROOT / "examples" / "lam-dong" / "survey-2017.csv").read_text(encoding="utf-8")


def test_refused_set_is_complete() -> None:
    """Every control (but tab, LF, CR), format character and surrogate is refused."""
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        refused = unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in "\t\n\r"
        if refused or ch in "\ufffe\uffff":
            assert UNSAFE.match(ch), char_name(ch)
        elif UNSAFE.match(ch) and unicodedata.category(ch) != "Cn":  # Cf in later Unicode
            pytest.fail(f"{char_name(ch)} is refused but harmless")


def test_names_and_visible_text() -> None:
    """Code points are named, controls included; printed text shows them escaped."""
    assert char_name("\u202e") == "U+202E RIGHT-TO-LEFT OVERRIDE"
    assert char_name("\x1b") == "U+001B ESCAPE"
    assert char_name("\ud800") == "U+D800 LONE SURROGATE"
    assert visible("a\x1b[2Jb") == "a<U+001B>[2Jb"
    assert lookalike("Thành phố Hồ Chí Minh") is None
    assert lookalike("Москва") is None  # wholly another script: not a look-alike
    assert lookalike("Xã H\u043e\u0302\u0300") == ("\u043e", "'o' (Latin)")
    assert lookalike("\u00d0à Lạt") == ("\u00d0", "'Đ' (U+0110 LATIN CAPITAL LETTER D WITH STROKE)")


def _csv(name: str) -> str:
    lines = SURVEY.splitlines()
    lines[1] = lines[1].replace("Sở Tài chính", name)
    return "\n".join(lines) + "\n"


def _json(name_literal: str) -> str:
    """The survey as a JSON file; ``name_literal`` is written as is (escapes stay escapes)."""
    header, *rows = list(csv.reader(io.StringIO(SURVEY)))
    agencies = []
    for row in rows:
        record = dict(zip(header, row, strict=True))
        agencies.append(
            {
                "id": record.pop("agency_id"),
                "name": record.pop("name"),
                "block": record.pop("block"),
                "values": {k: v for k, v in record.items() if v},
            }
        )
    text = json.dumps({"agencies": agencies}, ensure_ascii=False)
    return text.replace('"Sở Tài chính"', f'"{name_literal}"', 1)


def _xlsx(path: Path, name: str) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in csv.reader(io.StringIO(_csv(name))):
        ws.append(row)
    wb.save(path)
    return path


CASES = [
    ("csv-bidi", "s.csv", "Sở Tài\u202echính", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("csv-escape", "s.csv", "Sở Tài chính\x1b[2J", "U+001B ESCAPE"),
    ("csv-zero-width", "s.csv", "Sở Tài\u200bchính", "U+200B ZERO WIDTH SPACE"),
    ("csv-isolate", "s.csv", "\u2067Sở Tài chính", "U+2067 RIGHT-TO-LEFT ISOLATE"),
    ("csv-cyrillic", "s.csv", "Sở Tài chính H\u043e\u0302\u0300", "U+043E CYRILLIC SMALL LETTER O"),
    ("csv-eth", "s.csv", "Sở Tài chính \u00d0à Lạt", "U+00D0 LATIN CAPITAL LETTER ETH"),
    ("json-surrogate", "s.json", "Sở Tài\\ud800chính", "U+D800 LONE SURROGATE"),
    ("json-escaped-bidi", "s.json", "Sở Tài\\u202echính", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("json-escape", "s.json", "Sở\\u001b[2J", "U+001B ESCAPE"),
    ("xlsx-bidi", "s.xlsx", "Sở Tài\u202echính", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("xlsx-lrm", "s.xlsx", "Sở Tài\u200echính", "U+200E LEFT-TO-RIGHT MARK"),
    ("xlsx-greek", "s.xlsx", "Sở Tài chính \u039fng", "U+039F GREEK CAPITAL LETTER OMICRON"),
]


@pytest.mark.parametrize(("case", "file", "name", "named"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("out", ["out.xlsx", "out.docx", "out.csv", "out.html", "out.md"])
def test_score_refuses_with_the_code_point(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    file: str,
    name: str,
    named: str,
    out: str,
) -> None:
    """``udcntt score`` exits 1 naming the code point, never 3, and writes nothing."""
    if out == "out.docx":
        pytest.importorskip("docx")
    path = tmp_path / file
    if file.endswith(".csv"):
        path.write_text(_csv(name), encoding="utf-8")
    elif file.endswith(".json"):
        path.write_text(_json(name), encoding="utf-8")
    else:
        _xlsx(path, name)
    target = tmp_path / out
    code = main(["--lang", "en", "score", str(RULES), str(path), "-o", str(target)])
    captured = capsys.readouterr()
    assert code == 1, captured.err
    assert "E-DATA-CHAR" in captured.err and named in captured.err
    assert not target.exists()
    shown = captured.out + captured.err
    assert UNSAFE.search(shown) is None  # nothing reaches the terminal raw


def test_located_and_listed(tmp_path: Path, rules: RuleSet) -> None:
    """Each refused character is located (line and column in text files) and listed."""
    path = tmp_path / "s.csv"
    path.write_text("id,name,block\na,Sở\u202eA,so_nganh\nb,B\x07,so_nganh\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_survey(path, rules, policy="lenient")
    found = [(d.location.line, d.location.column) for d in info.value.diagnostics]  # type: ignore[union-attr]
    assert found == [(2, 5), (3, 4)]
    assert info.value.diagnostics[0].value == "a,Sở<U+202E>A,so_nganh"


def test_yaml_survey_escapes(tmp_path: Path, rules: RuleSet) -> None:
    """YAML escapes ("\\e", "\\u202e") are refused with their path and line."""
    path = tmp_path / "s.yaml"
    path.write_text(
        'agencies:\n  - {id: a, name: "S\\u202eA", block: so_nganh}\n', encoding="utf-8"
    )
    with pytest.raises(DataError, match="U\\+202E") as info:
        read_survey(path, rules)
    assert info.value.location.line == 2  # type: ignore[union-attr]
    raw = tmp_path / "r.yaml"
    raw.write_text('agencies:\n  - {id: a, name: "S\u2066A", block: so_nganh}\n', encoding="utf-8")
    with pytest.raises(DataError, match="U\\+2066"):
        read_survey(raw, rules)


def test_registry_and_layout(tmp_path: Path) -> None:
    """Registries and layouts refuse the same characters; registry names refuse look-alikes."""
    reg = tmp_path / "r.yaml"
    reg.write_text(
        'agencies:\n  - {id: a, name: Sở A, block: b, aliases: ["S\\u202eA"]}\n',
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="U\\+202E") as info:
        read_registry(reg)
    assert info.value.code == "E-DATA-CHAR"
    look = tmp_path / "l.csv"
    look.write_text("id,name,block\nh_a,UBND huyện \u00d0ạ Huoai,huyen\n", encoding="utf-8")
    with pytest.raises(DataError, match="U\\+00D0") as info:
        read_registry(look)
    assert info.value.diagnostics[0].location.row == 2  # type: ignore[union-attr]
    layout = tmp_path / "layout.yaml"
    layout.write_text('sheet: "Data\\u200f"\n', encoding="utf-8")
    with pytest.raises(DataError, match="U\\+200F"):
        read_layout(layout)


def test_lenient_policy_rejects_the_row_of_a_lookalike_name(tmp_path: Path, rules: RuleSet) -> None:
    """A look-alike name rejects its row (lenient) so it never reaches a report."""
    path = tmp_path / "s.csv"
    path.write_text(
        "id,name,block,staff_total\nx,Xã H\u043e\u0302\u0300a,huyen,1\ny,Xã B,huyen,2\n",
        encoding="utf-8",
    )
    ds = read_survey(path, rules, policy="lenient")
    assert [a.id for a in ds] == ["y"]
    assert (ds.rows_read, ds.rows_rejected) == (2, 1)
    assert [d.code for d in ds.diagnostics if d.code == "E-DATA-CHAR"] == ["E-DATA-CHAR"]


def test_records_from_python_are_checked_too() -> None:
    """Dataset.from_records refuses what the file readers refuse, so writers never see it."""
    from udcntt.data import Dataset

    with pytest.raises(DataError, match="U\\+202E") as info:
        Dataset.from_records([{"id": "a", "name": "S\u202eA", "block": "so_nganh"}])
    assert info.value.code == "E-DATA-CHAR"
    assert info.value.location.path == "records[0]"  # type: ignore[union-attr]
    ok = Dataset.from_records([{"id": "a", "name": "Sở A\tB", "block": "so_nganh"}])
    assert ok.agencies[0].name == "Sở A\tB"
