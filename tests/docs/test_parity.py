"""Both languages for every guide and explanation; reference pages that keep their words.

* Every page under ``docs/guides`` and ``docs/explanation`` has a Vietnamese page ``x.md``
  and an English page ``x.en.md``, each with a title, the same number of code blocks (the
  English page runs the same examples) and an English title in ``nav_translations``.
* The generated CLI reference keeps proper nouns and format names as written.
* The survey layout and registry reference pages say what the code does: a sample of each
  is checked against the public API.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import udcntt

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SECTIONS = ("guides", "explanation")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*[\w+-]+", re.MULTILINE)
#: A Vietnamese page's own English summary, left out of the comparison.
_ENGLISH_SUMMARY = re.compile(r"^## English\s*$", re.MULTILINE)


def _pages(section: str) -> list[Path]:
    return sorted((DOCS / section).glob("*.md"))


def _bases() -> list[str]:
    bases = set()
    for section in SECTIONS:
        for page in _pages(section):
            stem = re.sub(r"(\.en)?\.md$", "", page.name)
            bases.add(f"{section}/{stem}")
    return sorted(bases)


BASES = _bases()


def test_the_sections_have_pages() -> None:
    assert len(BASES) >= 16, BASES


@pytest.mark.parametrize("base", BASES)
def test_every_page_has_both_languages(base: str) -> None:
    """``x.md`` (Vietnamese) and ``x.en.md`` (English) both exist and both have a title."""
    vi, en = DOCS / f"{base}.md", DOCS / f"{base}.en.md"
    assert vi.is_file(), f"docs/{base}.md (Vietnamese) is missing"
    assert en.is_file(), f"docs/{base}.en.md (English) is missing: translate docs/{base}.md"
    for page in (vi, en):
        first = page.read_text(encoding="utf-8").lstrip().splitlines()[0]
        assert first.startswith("# "), f"{page.relative_to(ROOT)} has no title"


@pytest.mark.parametrize("base", BASES)
def test_the_english_page_shows_the_same_examples(base: str) -> None:
    """The English page has at least the code blocks of the Vietnamese one (before its own
    English summary, if it has one): the same examples, run by the docs tests."""
    vi = _ENGLISH_SUMMARY.split((DOCS / f"{base}.md").read_text(encoding="utf-8"))[0]
    en = (DOCS / f"{base}.en.md").read_text(encoding="utf-8")
    count_vi, count_en = len(_FENCE.findall(vi)), len(_FENCE.findall(en))
    assert count_en >= count_vi, f"{base}: {count_vi} code blocks in vi, {count_en} in en"


def _nav() -> tuple[dict[str, str], set[str]]:
    """(path → Vietnamese title) of the nav, and the titles with an English translation."""
    config = yaml.safe_load(
        (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "#")
    )
    titles: dict[str, str] = {}

    def walk(node: object, title: str | None = None) -> None:
        if isinstance(node, str) and title is not None:
            titles[node] = title
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                walk(value, key)

    walk(config["nav"])
    plugin = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    english = next(lang for lang in plugin["languages"] if lang["locale"] == "en")
    return titles, set(english.get("nav_translations", {}))


@pytest.mark.parametrize("base", BASES)
def test_every_page_has_an_english_title_in_the_nav(base: str) -> None:
    titles, translated = _nav()
    title = titles.get(f"{base}.md")
    assert title is not None, f"docs/{base}.md is not in the nav of mkdocs.yml"
    assert title in translated, f"add '{title}' to nav_translations of the English build"


def test_the_parity_check_sees_a_missing_translation(tmp_path: Path) -> None:
    """A section holding a Vietnamese page without its English twin is caught."""
    (tmp_path / "guides").mkdir()
    (tmp_path / "guides" / "only-vi.md").write_text("# Chỉ tiếng Việt\n", encoding="utf-8")
    pages = sorted((tmp_path / "guides").glob("*.md"))
    bases = {re.sub(r"(\.en)?\.md$", "", p.name) for p in pages}
    missing = [b for b in bases if not (tmp_path / "guides" / f"{b}.en.md").is_file()]
    assert missing == ["only-vi"]


def test_the_cli_reference_keeps_proper_nouns() -> None:
    """Command descriptions are not lowercased: 'Lâm Đồng 2017', 'results JSON', 'Sobol'."""
    cli = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    assert "(Lâm Đồng 2017 by default)" in cli
    assert "results JSON" in cli and "JSON Schema" in cli
    assert "lâm đồng" not in cli and "results json" not in cli


def test_the_layout_reference_matches_the_model() -> None:
    """Every key of SurveyLayout has a row in the survey layout reference."""
    from udcntt.model import SurveyLayout

    page = (DOCS / "reference" / "survey-layout.md").read_text(encoding="utf-8")
    for key in SurveyLayout.model_fields:
        assert f"| `{key}` |" in page, key
    assert "## Locales and their precedence" in page


def test_the_locale_precedence_is_what_read_survey_does(tmp_path: Path) -> None:
    """--locale beats the layout's, which beats the rule file's (sample of the reference)."""
    rules = udcntt.load_rules(ROOT / "tests" / "fixtures" / "valid" / "small.yaml")
    block = next(iter(rules.blocks))
    survey = tmp_path / "survey.csv"
    survey.write_text(f"id,name,block,bandwidth\na,A,{block},12.5\n", encoding="utf-8")
    layout = tmp_path / "layout.yaml"
    layout.write_text("locale: en-US\nunknown_columns: ignore\n", encoding="utf-8")

    def staff(**kwargs: object) -> object:
        data = udcntt.read_survey(survey, rules, policy="lenient", **kwargs)  # type: ignore[arg-type]
        return data.agencies[0].values.get("bandwidth")

    from decimal import Decimal

    # "12.5": a dot groups thousands under vi-VN (refused, no value), a decimal point under en-US
    assert staff() is None  # the rule file's vi-VN
    assert staff(layout=udcntt.read_layout(layout)) == Decimal("12.5")  # the layout's en-US
    assert staff(layout=udcntt.read_layout(layout), locale="vi-VN") is None  # --locale wins
    assert staff(locale="en-US") == Decimal("12.5")


def test_the_registry_reference_samples_read_as_documented(tmp_path: Path) -> None:
    """The CSV and YAML samples of the registry page read as the page says."""
    page = (DOCS / "reference" / "registry.md").read_text(encoding="utf-8")
    csv_text = re.search(r"```text\n(.*?)```", page, re.DOTALL)
    assert csv_text is not None
    csv = tmp_path / "agencies.csv"
    csv.write_text(csv_text.group(1), encoding="utf-8")
    registry = udcntt.read_registry(csv)
    assert registry.complete
    by_id = {a.id: a for a in registry.agencies}
    assert by_id["so_tttt"].aliases == ("Sở Bưu chính, Viễn thông", "STTTT")
    assert by_id["bchqs"].ranked is False
    partial = udcntt.read_registry(csv, complete=False)
    assert not partial.complete
    samples = re.findall(r'```yaml title="([\w.-]+)"\n(.*?)```', page, re.DOTALL)
    assert [name for name, _ in samples] == ["agencies.yaml", "renamed-2017.yaml"]
    for name, text in samples:
        (tmp_path / name).write_text(text, encoding="utf-8")
    yaml_form = udcntt.read_registry(tmp_path / "agencies.yaml")
    assert {a.id: a.aliases for a in yaml_form.agencies}["so_tttt"] == by_id["so_tttt"].aliases
    assert not udcntt.read_registry(tmp_path / "renamed-2017.yaml").complete
