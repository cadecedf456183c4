"""A reader following only the tutorial reproduces the demo's tiers from the file they wrote.

The tutorial's final listing of ``my-rules.yaml`` (after the docs build's ``--8<--``
includes are resolved) is written to a temporary folder, scored on the example surveys of
2017 with 2016 as the previous year, and compared agency by agency with what ``udcntt demo``
computes from its packaged files, and with the facts of the founding article
(``examples/lam-dong/article-2017.yaml``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import udcntt

ROOT = Path(__file__).resolve().parents[2]
TUTORIALS = [ROOT / "docs" / "tutorial.md", ROOT / "docs" / "tutorial.en.md"]
EXAMPLE = ROOT / "examples" / "lam-dong"

_SNIPPET = re.compile(r'^\s*--8<--\s+"(?P<path>[^"]+)"\s*$')


def final_listing(page: Path) -> str:
    """The last ``my-rules.yaml`` block of a tutorial page, includes resolved."""
    lines = page.read_text(encoding="utf-8").splitlines()
    listings: list[str] = []
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        if stripped.startswith("```yaml") and 'title="my-rules.yaml"' in stripped:
            indent = len(lines[i]) - len(lines[i].lstrip())
            body: list[str] = []
            i += 1
            while lines[i].strip() != "```":
                match = _SNIPPET.match(lines[i])
                if match:
                    body.extend((ROOT / match["path"]).read_text(encoding="utf-8").splitlines())
                else:
                    body.append(lines[i][indent:])
                i += 1
            listings.append("\n".join(body) + "\n")
        i += 1
    assert listings, f"{page.name} has no my-rules.yaml listing"
    return listings[-1]


def _score(rules_path: Path, registry_path: Path, surveys: tuple[Path, Path]) -> udcntt.Assessment:
    rules = udcntt.load_rules(rules_path)
    registry = udcntt.read_registry(registry_path)
    previous = udcntt.evaluate(
        rules, udcntt.read_survey(surveys[0], rules, registry=registry, year=2016)
    )
    data = udcntt.read_survey(surveys[1], rules, registry=registry, year=2017)
    return udcntt.evaluate(rules, data, previous=previous)


def _outcome(assessment: udcntt.Assessment) -> dict[str, tuple[str, str, int | None, int | None]]:
    return {r.agency_id: (r.block, r.tier, r.rank, r.rank_change) for r in assessment.results}


@pytest.fixture(scope="module")
def demo() -> udcntt.Assessment:
    """What ``udcntt demo`` computes, from the files it ships with."""
    from udcntt.cli._commands import demo_files

    files = demo_files()
    return _score(files["rules"], files["registry"], (files["previous"], files["survey"]))


@pytest.mark.parametrize("page", TUTORIALS, ids=[p.name for p in TUTORIALS])
def test_tutorial_reproduces_the_demo(page: Path, tmp_path: Path, demo: udcntt.Assessment) -> None:
    """Same block, tier, rank and rank change for every agency as the demo."""
    mine = tmp_path / "my-rules.yaml"
    mine.write_text(final_listing(page), encoding="utf-8")
    report = udcntt.check_rules(mine)
    assert report.ok, "\n".join(d.format() for d in report.diagnostics)
    assessment = _score(
        mine, EXAMPLE / "agencies.yaml", (EXAMPLE / "survey-2016.csv", EXAMPLE / "survey-2017.csv")
    )
    assert _outcome(assessment) == _outcome(demo)
    assert len(assessment.results) == 43


@pytest.mark.parametrize("page", TUTORIALS, ids=[p.name for p in TUTORIALS])
def test_tutorial_reproduces_the_article(page: Path, tmp_path: Path) -> None:
    """The tiers and rank changes the article published, from the tutorial's file."""
    mine = tmp_path / "my-rules.yaml"
    mine.write_text(final_listing(page), encoding="utf-8")
    registry = udcntt.read_registry(EXAMPLE / "agencies.yaml")
    assessment = _score(
        mine, EXAMPLE / "agencies.yaml", (EXAMPLE / "survey-2016.csv", EXAMPLE / "survey-2017.csv")
    )
    facts: dict[str, Any] = yaml.safe_load(
        (EXAMPLE / "article-2017.yaml").read_text(encoding="utf-8")
    )

    def agency(name: str) -> udcntt.AgencyResult:
        match = registry.match(name)
        assert match is not None, f"the article's {name!r} is not in the registry"
        return assessment.by_id(match.agency.id)

    for block, published in facts["blocks"].items():
        counts = assessment.tier_counts(block)
        assert sum(counts.values()) == published["size"], block
        for tier, listed in published["tiers"].items():
            if tier.endswith("_count"):
                assert counts[tier.removesuffix("_count")] == listed, (block, tier)
                continue
            assert counts[tier] == len(listed), (block, tier)
            for name in listed:
                assert agency(name).tier == tier, (block, name)
        for name, change in (published.get("rank_changes") or {}).items():
            assert agency(name).rank_change == int(change), (block, name)


def test_tutorial_final_listing_is_the_shipped_rule_file() -> None:
    """The complete listing is the shipped file itself, so the two cannot drift apart."""
    shipped = (ROOT / "rules" / "lam-dong-2017.yaml").read_text(encoding="utf-8")
    for page in TUTORIALS:
        assert final_listing(page) == shipped.rstrip("\n") + "\n", page.name


def test_tutorial_counts_match_the_file() -> None:
    """The sizes the tutorial states (indicators, groups, leaf criteria) are the file's."""
    rules = udcntt.load_rules(ROOT / "rules" / "lam-dong-2017.yaml")
    actual = (
        len(rules.indicators),
        len(rules.criteria),
        sum(1 for c in rules.all_criteria() if not c.is_group),
    )
    patterns = {
        "tutorial.md": r"có (\d+) chỉ tiêu và (\d+) nhóm gồm (\d+) tiêu chí lá",
        "tutorial.en.md": r"has (\d+) indicators and (\d+) groups of (\d+) leaf criteria",
    }
    for page in TUTORIALS:
        match = re.search(patterns[page.name], page.read_text(encoding="utf-8"))
        assert match, page.name
        assert tuple(int(g) for g in match.groups()) == actual, page.name
