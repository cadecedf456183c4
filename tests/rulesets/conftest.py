"""Shared helpers for the tests of the shipped rule sets and their example data."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

import udcntt

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
EXAMPLES = ROOT / "examples"
#: The project's shared folder (seed article, published tables); optional in CI.
SHARED = ROOT.parent / "shared"

#: Every shipped rule file, the bases included.
RULE_FILES = sorted([*RULES.glob("*.yaml"), *RULES.glob("base/*.yaml")])


def fold(text: str) -> str:
    """A name compared loosely: NFC, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def load_yaml(path: Path) -> Any:
    """A plain YAML file (examples, published facts), not a rule file."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def lam_dong_2017_rules() -> udcntt.RuleSet:
    """rules/lam-dong-2017.yaml, loaded."""
    return udcntt.load_rules(RULES / "lam-dong-2017.yaml")


@pytest.fixture(scope="session")
def lam_dong_registry() -> Any:
    """examples/lam-dong/agencies.yaml, read by udcntt's registry reader."""
    return udcntt.read_registry(EXAMPLES / "lam-dong" / "agencies.yaml")


@pytest.fixture(scope="session")
def lam_dong_2017_assessment(lam_dong_2017_rules: udcntt.RuleSet, lam_dong_registry: Any) -> udcntt.Assessment:
    """The 2017 example scored with 2016 as the previous year, as `udcntt score` does."""
    folder = EXAMPLES / "lam-dong"
    previous = udcntt.read_survey(folder / "survey-2016.csv", lam_dong_2017_rules, registry=lam_dong_registry)
    current = udcntt.read_survey(folder / "survey-2017.csv", lam_dong_2017_rules, registry=lam_dong_registry)
    prev = udcntt.evaluate(lam_dong_2017_rules, previous)
    return udcntt.evaluate(lam_dong_2017_rules, current, previous=prev)


@pytest.fixture(scope="session")
def article_2017() -> dict[str, Any]:
    """What the founding article publishes (the copy kept beside the example data)."""
    return load_yaml(EXAMPLES / "lam-dong" / "article-2017.yaml")


@pytest.fixture(scope="session")
def agency_id_of(lam_dong_registry: Any) -> Any:
    """Map a name as the article writes it to the registry id (by name or alias)."""

    def lookup(name: str) -> str:
        match = lam_dong_registry.match(name)
        assert match is not None, f"no agency of the registry is called {name!r}"
        return str(match.agency.id)

    return lookup
