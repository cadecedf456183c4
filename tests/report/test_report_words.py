"""The catalogue of keyed words: every fixed text of reports and CLI in one place, two languages."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

import udcntt
from udcntt._words import LANGS, STYLE, WORDS, check_lang, heading, style, word, word_n
from udcntt.cli import main
from udcntt.cli._output import Printer
from udcntt.errors import LANGUAGES, UsageError
from udcntt.report import assessment_to_markdown, narrative, render_report

ROOT = Path(__file__).resolve().parent.parent.parent
SRC = ROOT / "src" / "udcntt"
SMALL = ROOT / "tests" / "fixtures" / "valid" / "small.yaml"

# The catalogue itself, and the diagnostic catalogue: its templates are English, so it asks
# whether a language is English (the template itself) or has to be translated.
CATALOGUE = {
    "_words.py",
    "_words_report.py",
    "_words_text.py",
    "_words_lineage.py",
    "_words_analysis.py",
    "_words_docx.py",
    "_words_charts.py",
    "_words_scale.py",
    "_messages.py",
    "_diagnostics.py",
}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_key_has_both_languages_with_the_same_fields() -> None:
    """Each key renders in vi and en (and nothing else), with the same ``{fields}``."""
    assert len(WORDS) > 150
    for key, renderings in WORDS.items():
        assert set(renderings) == set(LANGS), key
        vi, en = renderings["vi"], renderings["en"]
        assert vi, f"{key}: the Vietnamese rendering is empty"
        if en:  # an empty rendering: English says nothing there
            assert _fields(vi) == _fields(en), key
        else:
            assert key == "narrative.no_rises" or not _fields(en), key


def test_plural_keys_come_in_pairs() -> None:
    """``key.one`` has its ``key.many`` and back, so :func:`word_n` never misses."""
    for key in WORDS:
        stem, _, last = key.rpartition(".")
        if last in ("one", "many"):
            assert f"{stem}.{'many' if last == 'one' else 'one'}" in WORDS, key
    assert word_n("narrative.agencies", 1, "en", n=1) == "1 agency"
    assert word_n("narrative.agencies", 3, "en", n=3) == "3 agencies"
    assert word_n("narrative.agencies", 3, "vi", n=3) == "3 cơ quan"


def test_every_language_has_every_style_feature() -> None:
    """The languages are the diagnostics' languages, each with every style feature."""
    assert tuple(LANGS) == LANGUAGES
    assert set(STYLE) == set(LANGS)
    features = {frozenset(f) for f in STYLE.values()}
    assert len(features) == 1
    assert heading("Phụ lục", "vi") == "PHỤ LỤC"
    assert heading("Annex", "en") == "Annex"


def _language_compares(tree: ast.AST) -> list[int]:
    """Lines comparing something named ``lang`` with a literal language code."""

    def is_lang(node: ast.expr) -> bool:
        name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
        return isinstance(name, str) and name.endswith("lang")

    def is_literal(node: ast.expr) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str)
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return bool(node.elts) and all(is_literal(e) for e in node.elts)
        return False

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(is_lang(o) for o in operands) and any(is_literal(o) for o in operands):
                lines.append(node.lineno)
    return lines


def _bilingual_tables(tree: ast.AST) -> list[int]:
    """Lines of dict literals keyed by both language codes."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        and {"vi", "en"}
        <= {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    ]


def test_the_scan_finds_every_form() -> None:
    """The scan sees ==, !=, in, conditional expressions, attributes and tables."""
    text = (
        'a = "x" if lang == "vi" else "y"\n'
        'if self.lang != "en": pass\n'
        'b = lang in ("vi", "en")\n'
        'c = {"vi": "Khối", "en": "Block"}\n'
        "d = lang == other\n"
        'e = WORDS[key]["vi"]\n'
    )
    tree = ast.parse(text)
    assert sorted(_language_compares(tree)) == [1, 2, 3]
    assert _bilingual_tables(tree) == [4]


MODULES = sorted(p for p in SRC.rglob("*.py") if p.name not in CATALOGUE or p.parent != SRC)


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(SRC)) for p in MODULES])
def test_no_language_branches_outside_the_catalogue(path: Path) -> None:
    """No module compares a language code or keeps its own vi/en table: it asks the catalogue."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert not _language_compares(tree), f"{path.relative_to(SRC)} compares lang"
    assert not _bilingual_tables(tree), f"{path.relative_to(SRC)} has a vi/en table"


def test_unknown_language_is_refused_in_one_place(
    capsys: pytest.CaptureFixture[str], small: udcntt.Assessment
) -> None:
    """Every entry point refuses 'fr' with the catalogue's one error; nothing falls back."""
    assessment = small
    refusals = [
        lambda: check_lang("fr"),
        lambda: word("report.total", "fr"),
        lambda: style("fr", "upper_headings"),
        lambda: narrative(assessment, lang="fr"),
        lambda: assessment_to_markdown(assessment, lang="fr"),
        lambda: render_report(assessment, ".xlsx", lang="fr"),
        lambda: render_report(assessment, ".docx", lang="fr"),
        lambda: render_report(assessment, ".html", lang="fr"),
        lambda: Printer("fr"),
    ]
    texts = set()
    for refuse in refusals:
        with pytest.raises(UsageError) as info:
            refuse()
        texts.add(str(info.value))
    assert len(texts) == 1 and "unknown report language 'fr'" in texts.pop()
    sources = [
        p.relative_to(SRC)
        for p in SRC.rglob("*.py")
        if "unknown report language" in p.read_text(encoding="utf-8")
        and not p.name.startswith("_messages")  # its Vietnamese rendering
    ]
    assert [str(s) for s in sources] == ["_words.py"]
    # The CLI offers only the catalogue's languages.
    assert main(["--lang", "fr", "check", str(SMALL)]) == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def test_cli_lines_come_from_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI's own words are the catalogue's, in both languages."""
    assert main(["--lang", "en", "check", str(SMALL)]) == 0
    assert word("cli.check_ok", "en", path=SMALL, tests=0).split(":")[0] in capsys.readouterr().err
    assert main(["check", str(SMALL)]) == 0
    err = capsys.readouterr().err
    assert "đạt" in err
