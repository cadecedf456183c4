"""Assessments the report tests write out: a small one with a hostile name, and Lâm Đồng."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import udcntt

ROOT = Path(__file__).resolve().parents[2]
SMALL_RULES = ROOT / "tests" / "fixtures" / "valid" / "small.yaml"
LAM_DONG_RULES = ROOT / "rules" / "lam-dong-2017.yaml"
ARTIFACTS = ROOT / "tests" / "artifacts"
LAM_DONG_FILES = {
    "registry": ROOT / "examples" / "lam-dong" / "agencies.yaml",
    "2016": ROOT / "examples" / "lam-dong" / "survey-2016.csv",
    "2017": ROOT / "examples" / "lam-dong" / "survey-2017.csv",
}

#: The survey cell every output must show as inert text.
INJECTED = '=HYPERLINK("http://x","y")'


def _small(
    agency: str,
    name: str,
    block: str,
    pc: int,
    meetings: int,
    head: str,
    portal: bool,
    bandwidth: int,
    dvc: int | None = None,
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "staff_total": 50,
        "staff_pc": pc,
        "meetings": meetings,
        "head": head,
        "has_portal": portal,
        "bandwidth": bandwidth,
    }
    if block == "huyen":
        values["dvc_l4"] = dvc
    return {"id": agency, "name": name, "block": block, "values": values}


SMALL_2017 = [
    _small("stc", "Sở Tài chính", "so", 50, 4, "chu_tich", True, 100),
    _small("stt", "Sở Thông tin và Truyền thông", "so", 45, 3, "pho", True, 80),
    _small("inj", INJECTED, "so", 30, 2, "khac", False, 20),
    _small("sct", "Sở Công thương", "so", 40, 4, "pho", False, 60),
    _small("dl", "UBND TP Đà Lạt", "huyen", 50, 4, "chu_tich", True, 100, 10),
    _small("bl", "UBND TP Bảo Lộc", "huyen", 40, 3, "pho", True, 60, 6),
    _small("lh", "UBND huyện Lâm Hà", "huyen", 20, 1, "khac", False, 10, 1),
]
SMALL_2016 = [
    _small("stc", "Sở Tài chính", "so", 40, 2, "pho", True, 50),
    _small("stt", "Sở Thông tin và Truyền thông", "so", 45, 4, "chu_tich", True, 80),
    _small("inj", INJECTED, "so", 30, 4, "chu_tich", True, 90),
    _small("sct", "Sở Công thương", "so", 20, 1, "khac", False, 10),
    _small("dl", "UBND TP Đà Lạt", "huyen", 50, 4, "chu_tich", True, 100, 10),
    _small("bl", "UBND TP Bảo Lộc", "huyen", 10, 1, "pho", False, 10, 1),
    _small("lh", "UBND huyện Lâm Hà", "huyen", 50, 4, "chu_tich", True, 80, 8),
]


def small_assessment() -> udcntt.Assessment:
    """Seven agencies in two blocks, scored against last year's survey."""
    rules = udcntt.load_rules(SMALL_RULES)
    previous = udcntt.evaluate(rules, udcntt.Dataset.from_records(SMALL_2016, year=2016))
    data = udcntt.Dataset.from_records(SMALL_2017, year=2017)
    return udcntt.evaluate(rules, data, previous=previous)


def lam_dong_assessment() -> udcntt.Assessment:
    """The shipped Lâm Đồng example: 2017 ranked against 2016 (synthetic surveys)."""
    from udcntt.data import read_registry, read_survey

    missing = [p for p in (LAM_DONG_RULES, *LAM_DONG_FILES.values()) if not p.is_file()]
    if missing:
        pytest.skip(f"the Lâm Đồng example is not shipped here: {missing[0]} is missing")
    rules = udcntt.load_rules(LAM_DONG_RULES)
    registry = read_registry(LAM_DONG_FILES["registry"])
    previous = udcntt.evaluate(
        rules, read_survey(LAM_DONG_FILES["2016"], rules, registry=registry, year=2016)
    )
    data = read_survey(LAM_DONG_FILES["2017"], rules, registry=registry, year=2017)
    return udcntt.evaluate(rules, data, previous=previous)


@pytest.fixture(scope="session")
def small() -> udcntt.Assessment:
    return small_assessment()


@pytest.fixture(scope="session")
def small_factory() -> Callable[[], udcntt.Assessment]:
    """Score the small survey afresh on each call."""
    return small_assessment


@pytest.fixture(scope="session")
def first_year() -> udcntt.Assessment:
    """The small survey scored alone: no previous year, so no rank changes."""
    rules = udcntt.load_rules(SMALL_RULES)
    return udcntt.evaluate(rules, udcntt.Dataset.from_records(SMALL_2017, year=2017))


@pytest.fixture(scope="session")
def with_unranked() -> udcntt.Assessment:
    """The small survey plus a surveyed agency excluded from ranking, without a year."""
    rules = udcntt.load_rules(SMALL_RULES)
    extra = {**_small("x", "Trung tâm thử nghiệm", "so", 10, 0, "khac", False, 0), "ranked": False}
    previous = udcntt.evaluate(rules, udcntt.Dataset.from_records(SMALL_2016))
    return udcntt.evaluate(
        rules, udcntt.Dataset.from_records([*SMALL_2017, extra]), previous=previous
    )


@pytest.fixture(scope="session")
def lam_dong() -> udcntt.Assessment:
    return lam_dong_assessment()


@pytest.fixture(scope="session")
def reloaded(
    tmp_path_factory: pytest.TempPathFactory, small: udcntt.Assessment
) -> udcntt.Assessment:
    """The small assessment written to JSON and read back (no compiled rule set or dataset)."""
    from udcntt.report import assessment_to_json, load_assessment

    path = tmp_path_factory.mktemp("reloaded") / "small.json"
    path.write_text(assessment_to_json(small), encoding="utf-8")
    return load_assessment(path)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
