"""Shared fixtures for the tests of the shipped rule sets and their example data.

Test modules here do not import this file (the test folders are not packages); they ask
for its fixtures by name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import udcntt
import udcntt.data

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def read_survey() -> Callable[..., udcntt.Dataset]:
    """udcntt's survey reader (re-exported at the top level, living in udcntt.data)."""
    return getattr(udcntt, "read_survey", udcntt.data.read_survey)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def read_registry() -> Callable[..., Any]:
    """udcntt's agency-registry reader."""
    return getattr(udcntt, "read_registry", udcntt.data.read_registry)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def fold() -> Callable[[str], str]:
    """Compare names loosely: NFC, case-folded, spaces collapsed."""
    return lambda text: " ".join(unicodedata.normalize("NFC", text).casefold().split())


@pytest.fixture(scope="session")
def lam_dong_2017_rules() -> udcntt.RuleSet:
    """rules/lam-dong-2017.yaml, loaded."""
    return udcntt.load_rules(ROOT / "rules" / "lam-dong-2017.yaml")


@pytest.fixture(scope="session")
def lam_dong_registry(read_registry: Callable[..., Any]) -> Any:
    """examples/lam-dong/agencies.yaml, read by udcntt's registry reader."""
    return read_registry(EXAMPLES / "lam-dong" / "agencies.yaml")


@pytest.fixture(scope="session")
def lam_dong_surveys(
    read_survey: Callable[..., udcntt.Dataset],
    lam_dong_2017_rules: udcntt.RuleSet,
    lam_dong_registry: Any,
) -> dict[int, udcntt.Dataset]:
    """The 2016 and 2017 example surveys, read as `udcntt score` reads them."""
    folder = EXAMPLES / "lam-dong"
    return {
        year: read_survey(
            folder / f"survey-{year}.csv", lam_dong_2017_rules, registry=lam_dong_registry
        )
        for year in (2016, 2017)
    }


@pytest.fixture(scope="session")
def lam_dong_2017_assessment(
    lam_dong_2017_rules: udcntt.RuleSet, lam_dong_surveys: dict[int, udcntt.Dataset]
) -> udcntt.Assessment:
    """The 2017 example scored with 2016 as the previous year."""
    previous = udcntt.evaluate(lam_dong_2017_rules, lam_dong_surveys[2016])
    return udcntt.evaluate(lam_dong_2017_rules, lam_dong_surveys[2017], previous=previous)


@pytest.fixture(scope="session")
def article_2017() -> dict[str, Any]:
    """What the founding article publishes (the copy kept beside the example data)."""
    path = EXAMPLES / "lam-dong" / "article-2017.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def agency_id_of(lam_dong_registry: Any) -> Callable[[str], str]:
    """Map a name as the article writes it to the registry id (by name or alias)."""

    def lookup(name: str) -> str:
        match = lam_dong_registry.match(name)
        assert match is not None, f"no agency of the registry is called {name!r}"
        return str(match.agency.id)

    return lookup
